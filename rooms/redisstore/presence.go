package redisstore

import (
	"context"
	"strconv"
	"strings"
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
	res, err := presenceScript.Run(ctx, s.cmd, s.keys.room(room), args...).Text()
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
	res, err := onlineScript.Run(ctx, s.cmd, s.keys.room(room)).StringSlice()
	if err != nil {
		return nil, fail("online", err)
	}
	if len(res) == 0 || res[0] == "notfound" {
		return nil, rooms.ErrRoomNotFound
	}
	// Entries are "node NUL member": a member connected through two nodes
	// has two.
	seen := make(map[string]struct{}, len(res)-1)
	out := make([]string, 0, len(res)-1)
	for _, f := range res[1:] {
		_, m, ok := strings.Cut(f, "\x00")
		if !ok {
			continue
		}
		if _, dup := seen[m]; !dup {
			seen[m] = struct{}{}
			out = append(out, m)
		}
	}
	return out, nil
}
