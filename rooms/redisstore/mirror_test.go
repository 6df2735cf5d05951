package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// mirrorNode is one node's store over url, counting its round trips.
func mirrorNode(t *testing.T, url, prefix string) (*redisstore.Store, *redistest.Trips) {
	t.Helper()
	rdb, trips := redistest.CountedClient(t, url)
	st, err := redisstore.New(redisstore.Options{Client: rdb, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st, trips
}

// tallyView is the query of an exercise's coalesced state: the exercise
// and every counter of the room.
var tallyView = rooms.ViewQuery{Keys: []string{"ex:1"}, CounterPrefixes: []string{""}}

// follow subscribes st to room and counts the notices it gets.
func follow(t *testing.T, st *redisstore.Store, room string) (notices *atomic.Int64, lost chan struct{}) {
	t.Helper()
	notices = new(atomic.Int64)
	lost = make(chan struct{}, 16)
	cancel, err := st.Subscribe(room, func(n rooms.Notice) {
		if n.Lost {
			lost <- struct{}{}
			return
		}
		notices.Add(1)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancel)
	return notices, lost
}

// sameView fails t unless got is want.
func sameView(t *testing.T, what string, got, want *rooms.ViewData) {
	t.Helper()
	if len(got.Docs) != len(want.Docs) {
		t.Fatalf("%s: %d docs, want %d", what, len(got.Docs), len(want.Docs))
	}
	for i := range got.Docs {
		g, w := got.Docs[i], want.Docs[i]
		if g.Key != w.Key || g.Version != w.Version || string(g.Value) != string(w.Value) {
			t.Fatalf("%s: doc %d is %s v%d %s, want %s v%d %s", what, i, g.Key, g.Version, g.Value, w.Key, w.Version, w.Value)
		}
	}
	if !maps.Equal(got.Counters, want.Counters) {
		t.Fatalf("%s: counters %v, want %v", what, got.Counters, want.Counters)
	}
}

// viewTrips reads the tally view through st and says how many round
// trips it took.
func viewTrips(t *testing.T, st *redisstore.Store, trips *redistest.Trips, room string) (*rooms.ViewData, int64) {
	t.Helper()
	before := trips.N()
	v, err := st.ReadView(context.Background(), room, tallyView)
	if err != nil {
		t.Fatal(err)
	}
	return v, trips.N() - before
}

// silentChange adds by to counter of room behind every node's back: the
// counter and the room's version move, and nobody is told.
func silentChange(t *testing.T, raw *redis.Client, prefix, room, counter string, by int64) {
	t.Helper()
	ctx := context.Background()
	if err := raw.HIncrBy(ctx, prefix+":{"+room+"}:ctr", counter, by).Err(); err != nil {
		t.Fatal(err)
	}
	if err := raw.HIncrBy(ctx, prefix+":{"+room+"}:meta", "ver", 1).Err(); err != nil {
		t.Fatal(err)
	}
}

// followedRoom creates room (with the exercise ex:1) through a, and has b
// follow it and read its tallies once, so b's mirror holds them.
func followedRoom(t *testing.T, a, b *redisstore.Store, room, code string) (notices *atomic.Int64, lost chan struct{}) {
	t.Helper()
	ctx := context.Background()
	if _, err := a.CreateRoom(ctx, room, code, time.Hour, rooms.Change{Puts: []rooms.Put{{Key: "ex:1", Value: json.RawMessage(`{}`)}}}); err != nil {
		t.Fatal(err)
	}
	notices, lost = follow(t, b, room)
	if _, err := b.ReadView(ctx, room, tallyView); err != nil {
		t.Fatal(err)
	}
	return notices, lost
}

func vote(option int) rooms.Change {
	return rooms.Change{
		Puts:  []rooms.Put{{Key: fmt.Sprintf("bal:1:%d", time.Now().UnixNano()), Value: json.RawMessage(`{}`)}},
		Incrs: []rooms.Incr{{Key: "n:1", By: 1}, {Key: fmt.Sprintf("c:1:q:%d", option), By: 1}},
		Touch: []string{"ex:1"},
	}
}

// A node following a room computes its views from what the room's notices
// told it, without a round trip, and they are exactly what Redis holds:
// while two nodes apply changes at once, after a document the view read
// is written (read again, once), and when the node applies changes itself
// and asks at once, before their notices came back (its own changes are
// always in its views).
func TestMirrorServesViewsExactly(t *testing.T) {
	url := redistest.Start(t)
	const prefix = "mirror"
	a, _ := mirrorNode(t, url, prefix)
	b, trips := mirrorNode(t, url, prefix)
	truth, _ := mirrorNode(t, url, prefix) // follows nothing: always reads Redis
	ctx := context.Background()
	const room = "r1"
	if _, err := a.CreateRoom(ctx, room, "CODE1", time.Hour, rooms.Change{Puts: []rooms.Put{{Key: "ex:1", Value: json.RawMessage(`{"v":1}`)}}}); err != nil {
		t.Fatal(err)
	}
	notices, _ := follow(t, b, room)
	read := func(st *redisstore.Store) *rooms.ViewData {
		t.Helper()
		v, err := st.ReadView(ctx, room, tallyView)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	sameView(t, "first read", read(b), read(truth))

	// Two nodes voting at once while b computes views.
	const each = 100
	var wg sync.WaitGroup
	for _, st := range []*redisstore.Store{a, b} {
		wg.Go(func() {
			for i := range each {
				if _, err := st.Apply(ctx, room, vote(i%3)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 50 {
			if _, err := b.ReadView(ctx, room, tallyView); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Wait()
	eventually(t, "every vote's notice", func() bool { return notices.Load() == 2*each })
	got, n := viewTrips(t, b, trips, room)
	if n != 0 {
		t.Errorf("a view after every notice took %d round trips, want 0", n)
	}
	sameView(t, "after 200 votes from two nodes", got, read(truth))
	if got.Counters["n:1"] != 2*each {
		t.Fatalf("n:1 = %d, want %d", got.Counters["n:1"], 2*each)
	}
	// Counters by name come from the mirror too (a presence flush reads
	// the participant count).
	before := trips.N()
	cs, err := b.Counters(ctx, room, "n:1", "c:1:q:2", "none")
	if err != nil {
		t.Fatal(err)
	}
	if n := trips.N() - before; n != 0 || cs[0] != 2*each || cs[1] != got.Counters["c:1:q:2"] || cs[2] != 0 {
		t.Errorf("Counters: %v in %d round trips, want [%d %d 0] in 0", cs, n, 2*each, got.Counters["c:1:q:2"])
	}

	// The exercise changes: its document is read again, once.
	if _, err := a.Apply(ctx, room, rooms.Change{Puts: []rooms.Put{{Key: "ex:1", Value: json.RawMessage(`{"v":2}`)}}, Touch: []string{"ex:1"}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the exercise's notice", func() bool { return notices.Load() == 2*each+1 })
	before = trips.N()
	sameView(t, "after the exercise changed", read(b), read(truth))
	sameView(t, "again", read(b), read(truth))
	if n := trips.N() - before; n != 1 {
		t.Errorf("two views after the exercise changed took %d round trips, want 1", n)
	}

	// b's own changes are in its views at once.
	for i := range 200 {
		if _, err := b.Apply(ctx, room, vote(0)); err != nil {
			t.Fatal(err)
		}
		if got := read(b).Counters["n:1"]; got != int64(2*each+1+i) {
			t.Fatalf("view right after b's vote %d: n:1 = %d, want %d", i, got, 2*each+1+i)
		}
	}
}

// A version the node never heard of (a change whose notice it missed)
// makes it read Redis again instead of showing a tally without it; so
// do a notice without a version (a node of an earlier version changed
// the room) and a lost subscription.
func TestMirrorReadsAgainAfterAGap(t *testing.T) {
	srv := redistest.StartServer(t)
	url := srv.URL()
	const prefix = "gap"
	a, _ := mirrorNode(t, url, prefix)
	b, trips := mirrorNode(t, url, prefix)
	ctx := context.Background()
	const room = "r1"
	notices, lost := followedRoom(t, a, b, room, "CODE2")
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	raw := redis.NewClient(o)
	defer raw.Close()
	// A change nobody was told of, then one everybody is.
	silentChange(t, raw, prefix, room, "c:1:q:9", 5)
	if _, err := a.Apply(ctx, room, vote(1)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the vote's notice", func() bool { return notices.Load() == 1 })
	v, n := viewTrips(t, b, trips, room)
	if n != 1 {
		t.Errorf("the view after a gap took %d round trips, want 1 (a read)", n)
	}
	if v.Counters["c:1:q:9"] != 5 || v.Counters["c:1:q:1"] != 1 {
		t.Fatalf("after a gap: counters %v, want c:1:q:9 5 and c:1:q:1 1", v.Counters)
	}

	// A node of an earlier version changes a counter: its notice has no
	// version, so the node reads again.
	if err := raw.HIncrBy(ctx, prefix+":{"+room+"}:ctr", "c:1:q:9", 1).Err(); err != nil {
		t.Fatal(err)
	}
	if err := raw.Publish(ctx, prefix+":{"+room+"}:ev", `{"at":1,"touched":["ex:1"]}`).Err(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the old node's notice", func() bool { return notices.Load() == 2 })
	if v, n = viewTrips(t, b, trips, room); n != 1 || v.Counters["c:1:q:9"] != 6 {
		t.Fatalf("after an old node's change: %d round trips and c:1:q:9 = %d, want 1 and 6", n, v.Counters["c:1:q:9"])
	}

	// The subscription is lost; a change made meanwhile is in the
	// views once the node knows it was lost.
	if err := raw.ClientKillByFilter(ctx, "TYPE", "pubsub").Err(); err != nil {
		t.Fatal(err)
	}
	silentChange(t, raw, prefix, room, "c:1:q:9", 5)
	select {
	case <-lost:
	case <-time.After(10 * time.Second):
		t.Fatal("the lost subscription was never reported")
	}
	if v, _ = viewTrips(t, b, trips, room); v.Counters["c:1:q:9"] != 11 {
		t.Fatalf("after a lost subscription: c:1:q:9 = %d, want 11", v.Counters["c:1:q:9"])
	}
}

// Counters past 2^53 (which Lua's doubles round) reach the mirror
// exact.
func TestMirrorBigCounters(t *testing.T) {
	url := redistest.Start(t)
	a, _ := mirrorNode(t, url, "big")
	b, trips := mirrorNode(t, url, "big")
	ctx := context.Background()
	const room = "r1"
	notices, _ := followedRoom(t, a, b, room, "CODE3")
	const big = int64(1)<<62 + 1
	for _, by := range []int64{1 << 62, 1} {
		if _, err := a.Apply(ctx, room, rooms.Change{Incrs: []rooms.Incr{{Key: "n:1", By: by}}, Touch: []string{"ex:1"}}); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "both notices", func() bool { return notices.Load() == 2 })
	if v, n := viewTrips(t, b, trips, room); n != 0 || v.Counters["n:1"] != big {
		t.Fatalf("%d round trips, n:1 = %d; want 0 and %d", n, v.Counters["n:1"], big)
	}
}
