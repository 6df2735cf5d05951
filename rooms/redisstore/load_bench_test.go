package redisstore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// BenchmarkLoadBigRoom measures Store.Load in a room shaped like a big
// workshop: per member a member document, a token index document and an
// anonymous ballot, plus a few shared documents. A participant's snapshot
// (the Load every join makes) skips the members, tokens and ballots, so
// its cost should not grow with the room; a facilitator's skips only the
// tokens.
func BenchmarkLoadBigRoom(b *testing.B) {
	url := redistest.Start(b)
	for _, n := range []int{1000, 5000} {
		st, err := redisstore.New(redisstore.Options{URL: url, Prefix: fmt.Sprintf("bench%d", n)})
		if err != nil {
			b.Fatal(err)
		}
		room := fillBigRoom(b, st, n)
		for _, c := range []struct {
			name string
			skip []string
			docs int // documents the Load returns
		}{
			{"participant", []string{"tok:", "bal:", "member:"}, 4},
			{"facilitator", []string{"tok:"}, 4 + 2*n},
		} {
			b.Run(fmt.Sprintf("members=%d/%s", n, c.name), func(b *testing.B) {
				ctx := b.Context()
				for b.Loop() {
					s, err := st.Load(ctx, room, c.skip...)
					if err != nil {
						b.Fatal(err)
					}
					if len(s.Docs) != c.docs {
						b.Fatalf("Load returned %d documents, want %d", len(s.Docs), c.docs)
					}
				}
			})
		}
		st.Close()
	}
}

// fillBigRoom creates a room with n members (see BenchmarkLoadBigRoom)
// and returns its id.
func fillBigRoom(b *testing.B, st *redisstore.Store, n int) string {
	b.Helper()
	ctx := b.Context()
	room := fmt.Sprintf("big%d", n)
	init := rooms.Change{Puts: []rooms.Put{
		{Key: "room", Value: json.RawMessage(`{"title":"All hands","showNames":false}`)},
		{Key: "agenda", Value: json.RawMessage(`{"items":["e1","e2"]}`)},
		{Key: "ex:e1", Value: json.RawMessage(`{"id":"e1","kind":"poll","title":"Lunch?","options":["salad","soup","pizza"],"anonymous":true}`)},
		{Key: "ex:e2", Value: json.RawMessage(`{"id":"e2","kind":"scale","title":"Agree?"}`)},
	}}
	if _, err := st.CreateRoom(ctx, room, fmt.Sprintf("BIG%d", n), time.Hour, init); err != nil {
		b.Fatal(err)
	}
	const batch = 250
	for i := 0; i < n; i += batch {
		var c rooms.Change
		for j := i; j < min(i+batch, n); j++ {
			id := fmt.Sprintf("m%08d", j)
			sum := sha256.Sum256([]byte("token" + id))
			ballot := sha256.Sum256([]byte("ballot" + id))
			c.Puts = append(c.Puts,
				rooms.Put{Key: "member:" + id, Value: json.RawMessage(`{"id":"` + id + `","name":"Participant ` + id + `","role":"participant","tokenHash":"` + hex.EncodeToString(sum[:]) + `"}`)},
				rooms.Put{Key: "tok:" + hex.EncodeToString(sum[:]), Value: json.RawMessage(`"` + id + `"`)},
				rooms.Put{Key: "bal:e1:a:" + hex.EncodeToString(ballot[:16]), Value: json.RawMessage(`{"choice":["soup"]}`)},
			)
		}
		if _, err := st.Apply(ctx, room, c); err != nil {
			b.Fatal(err)
		}
	}
	return room
}

// BenchmarkApplyBigRoom measures an anonymous vote (a ballot document, a
// once-only member, a counter, a Touch) in a room of 5,000 members: the
// expiry refresh, once per slack (rooms.ExpirySlack), visits every key of
// the room.
func BenchmarkApplyBigRoom(b *testing.B) {
	url := redistest.Start(b)
	st, err := redisstore.New(redisstore.Options{URL: url, Prefix: "benchapply"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	room := fillBigRoom(b, st, 5000)
	ctx := b.Context()
	reportCalls(b, url, func() int {
		i := 0
		for b.Loop() {
			i++
			id := fmt.Sprintf("v%08d", i)
			if _, err := st.Apply(ctx, room, rooms.Change{
				Actor: "k" + id, CmdID: "vote", Reply: json.RawMessage(`"ok"`),
				Expect: []rooms.Expect{{Key: "bal:e2:a:" + id}},
				Once:   []rooms.Once{{Set: "voted:e2", Member: id}},
				Puts:   []rooms.Put{{Key: "bal:e2:a:" + id, Value: json.RawMessage(`{"rating":4}`)}},
				Incrs:  []rooms.Incr{{Key: "e2:q1:4", By: 1}},
				Touch:  []string{"ex:e2"},
			}); err != nil {
				b.Fatal(err)
			}
		}
		return i
	})
}

// BenchmarkScanCountersBigRoom measures rooms.ScanCounters in a room of
// 5,000 members, every counter of the room, as an exercise's coalesced
// state reads them (on every resume, and at the coalescing rate while
// votes come in; it does so through ReadView, which reads them the same
// way): through the store's CounterScanner, and through the whole-room
// Load that ScanCounters falls back to for a store without one.
func BenchmarkScanCountersBigRoom(b *testing.B) {
	st, err := redisstore.New(redisstore.Options{URL: redistest.Start(b), Prefix: "benchctr"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	room := fillBigRoom(b, st, 5000)
	for _, c := range []struct {
		name  string
		store rooms.Store
	}{
		{"scanner", st},
		{"load-fallback", struct{ rooms.Store }{st}}, // hides CountersWithPrefix
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := rooms.ScanCounters(b.Context(), c.store, room, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
