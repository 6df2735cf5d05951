package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// benchRoom is a store on a private Redis with one empty room, "r".
func benchRoom(b *testing.B, prefix string) *redisstore.Store {
	b.Helper()
	st, err := redisstore.New(redisstore.Options{URL: redistest.Start(b), Prefix: prefix})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.CreateRoom(context.Background(), "r", "code", time.Hour, rooms.Change{}); err != nil {
		b.Fatal(err)
	}
	return st
}

// Online in a room of 10,000 members, each connected through one of two
// nodes, as every node's presence flush of such a room reads it.
func BenchmarkOnline10000(b *testing.B) {
	st := benchRoom(b, "online")
	ctx := context.Background()
	var a, c []string
	for i := range 10000 {
		if i%2 == 0 {
			a = append(a, fmt.Sprintf("member-%05d-0123456789abcdef0123", i))
		} else {
			c = append(c, fmt.Sprintf("member-%05d-0123456789abcdef0123", i))
		}
	}
	if err := st.UpdatePresence(ctx, "r", "node-a", a, nil, time.Hour); err != nil {
		b.Fatal(err)
	}
	if err := st.UpdatePresence(ctx, "r", "node-b", c, nil, time.Hour); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ms, err := st.Online(ctx, "r")
		if err != nil || len(ms) != 10000 {
			b.Fatal(len(ms), err)
		}
	}
}

// A presence flush after a reconnect storm: 3,500 members in through one
// node, then out again.
func BenchmarkUpdatePresence3500(b *testing.B) {
	st := benchRoom(b, "presence")
	ctx := context.Background()
	ms := make([]string, 3500)
	for i := range ms {
		ms[i] = fmt.Sprintf("member-%05d-0123456789abcdef0123", i)
	}
	for b.Loop() {
		if err := st.UpdatePresence(ctx, "r", "node-a", ms, nil, time.Hour); err != nil {
			b.Fatal(err)
		}
		if err := st.UpdatePresence(ctx, "r", "node-a", nil, ms, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
