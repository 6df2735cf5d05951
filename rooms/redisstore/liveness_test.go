package redisstore_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A subscription whose connection went dead without a word (a partition
// that left it open on the node's side, the Redis end gone, no reset
// ever arriving) is noticed, though nobody publishes and no error comes:
// the store gives it up, subscribes again on a new connection, and its
// followers are told that notices were lost, catch up from History, and
// get the room's events again. A quiet subscription that is alive is
// left alone.
func TestDeadSubscriptionReconnects(t *testing.T) {
	srv := redistest.StartServer(t)
	relay := redistest.NewRelay(t, srv)
	var logs lockedBuffer
	prefix := "live"
	// The node under test reaches Redis through the relay; another node
	// reaches it directly and makes the room's changes.
	st := newStore(t, redisstore.Options{URL: relay.URL(), Prefix: prefix, ReadTimeout: 500 * time.Millisecond,
		WriteTimeout: 500 * time.Millisecond, DialTimeout: 500 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	other := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: prefix})
	ctx := t.Context()
	if _, err := other.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{Events: []rooms.Draft{{Type: "created"}}}); err != nil {
		t.Fatal(err)
	}
	sub := &collector{}
	cancel, err := st.Subscribe("room", sub.add)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	change := func() rooms.Applied {
		t.Helper()
		a, err := other.Apply(ctx, "room", rooms.Change{Events: []rooms.Draft{{Type: "changed"}}})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	first := change()
	sub.waitFor(t, "the first event", func(n rooms.Notice) bool { return n.Event != nil && n.Event.Seq == first.Pos.Seq })

	// Quiet for longer than the store waits for a silent connection
	// (2.5 s with this read timeout): its PINGs keep it, nothing is lost.
	time.Sleep(4 * time.Second)
	if sub.has(func(n rooms.Notice) bool { return n.Lost }) || strings.Contains(logs.String(), "pub/sub silent") {
		t.Fatalf("a quiet, live subscription was given up:\n%s", logs.String())
	}

	relay.Strand() // every connection open now goes dead; new ones work
	missed := change()
	sub.waitFor(t, "a Lost notice", func(n rooms.Notice) bool { return n.Lost && n.Room == "room" })
	// The node's own connections of before are dead too: each of its
	// commands on one fails, once, until it catches up.
	var evs []rooms.Event
	eventually(t, "History after the Lost notice", func() bool {
		evs, err = st.History(ctx, "room", first.Pos)
		return err == nil
	})
	if len(evs) != 1 || evs[0].Seq != missed.Pos.Seq {
		t.Errorf("History after the Lost notice = %+v; want the missed event %d", evs, missed.Pos.Seq)
	}
	after := change()
	sub.waitFor(t, "the event after the reconnection", func(n rooms.Notice) bool { return n.Event != nil && n.Event.Seq == after.Pos.Seq })
	if n := strings.Count(logs.String(), `msg="redisstore: pub/sub silent; reconnecting"`); n != 1 {
		t.Errorf("%d warnings of a silent subscription, want 1:\n%s", n, logs.String())
	}
}

func (c *collector) has(match func(rooms.Notice) bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.notices {
		if match(n) {
			return true
		}
	}
	return false
}
