package redisstore

import (
	"context"
	"strconv"
	"time"

	"huddle/rooms"
)

// UpdatePresence implements rooms.Store (presence.lua).
func (s *Store) UpdatePresence(ctx context.Context, room, node string, add, remove []string, ttl time.Duration) error {
	args := make([]any, 0, 5+len(add)+len(remove))
	args = append(args, node, strconv.FormatInt(ttl.Milliseconds(), 10), s.keys.channel(room), strconv.Itoa(len(add)))
	for _, m := range add {
		args = append(args, m)
	}
	args = append(args, strconv.Itoa(len(remove)))
	for _, m := range remove {
		args = append(args, m)
	}
	res, err := presenceScript.Run(ctx, s.rdb, s.keys.room(room), args...).Text()
	if err != nil {
		return fail("update presence", err)
	}
	if res == "notfound" {
		return rooms.ErrRoomNotFound
	}
	return nil
}

// Online implements rooms.Store (online.lua).
func (s *Store) Online(ctx context.Context, room string) ([]string, error) {
	res, err := onlineScript.Run(ctx, s.rdb, s.keys.room(room)).StringSlice()
	if err != nil {
		return nil, fail("online", err)
	}
	if len(res) == 0 || res[0] == "notfound" {
		return nil, rooms.ErrRoomNotFound
	}
	return res[1:], nil
}
