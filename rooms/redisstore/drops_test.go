package redisstore_test

import (
	"context"
	"encoding/json"
	"maps"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/redisstore/redistest"
)

// Documents a change drops by prefix (rooms.Change.Drops) leave the views
// of a node that follows the room: the change moves the room's version
// and its notice names their class, as for a Put, though it writes
// nothing else.
func TestMirrorForgetsDroppedDocuments(t *testing.T) {
	url := redistest.Start(t)
	const prefix = "drops"
	a, _ := mirrorNode(t, url, prefix)
	b, trips := mirrorNode(t, url, prefix)
	ctx := context.Background()
	const room = "r1"
	if _, err := a.CreateRoom(ctx, room, "CODE1", time.Hour, rooms.Change{Puts: []rooms.Put{
		{Key: "ex:1", Value: json.RawMessage(`{}`)}, {Key: "rd:1:v", Value: json.RawMessage(`{"items":{"c1":1}}`)},
	}}); err != nil {
		t.Fatal(err)
	}
	notices, _ := follow(t, b, room)
	q := rooms.ViewQuery{Keys: []string{"ex:1", "rd:1:v"}, CounterPrefixes: []string{""}}
	read := func() *rooms.ViewData {
		t.Helper()
		v, err := b.ReadView(ctx, room, q)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	read()
	before := trips.N()
	if v := read(); v.Docs[1].Version == 0 || trips.N() != before {
		t.Fatalf("the mirror does not hold the allocation: %+v in %d round trips", v.Docs[1], trips.N()-before)
	}
	if _, err := a.Apply(ctx, room, rooms.Change{Drops: []string{"rd:1:"}, Events: []rooms.Draft{{Type: "exercise.updated"}}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the drop's notice", func() bool { return notices.Load() == 1 })
	before = trips.N()
	if v := read(); v.Docs[1].Version != 0 || v.Docs[0].Version == 0 {
		t.Fatalf("after the drop the view has %+v", v.Docs)
	}
	// Read again, once: the mirror goes on, without the allocation.
	if v := read(); v.Docs[1].Version != 0 || trips.N()-before != 1 {
		t.Fatalf("two views after the drop: %+v in %d round trips, want 1", v.Docs, trips.N()-before)
	}
}

// Counters a change drops by prefix (rooms.Change.CounterDrops) leave
// the views of a node that follows the room at once, without a read: the
// change moves the room's version and its notice names the prefixes
// (before the values of the counters it wrote, which count from 0), so
// the mirror holds what Redis holds.
func TestMirrorForgetsDroppedCounters(t *testing.T) {
	url := redistest.Start(t)
	const prefix = "cdrops"
	a, _ := mirrorNode(t, url, prefix)
	b, trips := mirrorNode(t, url, prefix)
	ctx := context.Background()
	const room = "r1"
	if _, err := a.CreateRoom(ctx, room, "CODE1", time.Hour, rooms.Change{
		Puts:  []rooms.Put{{Key: "ex:1", Value: json.RawMessage(`{}`)}},
		Incrs: []rooms.Incr{{Key: "d:1:a", By: 2}, {Key: "d:1:b", By: 1}, {Key: "d:10:a", By: 4}, {Key: "c:1:x", By: 5}},
	}); err != nil {
		t.Fatal(err)
	}
	notices, _ := follow(t, b, room)
	q := rooms.ViewQuery{Keys: []string{"ex:1"}, CounterPrefixes: []string{""}}
	read := func() *rooms.ViewData {
		t.Helper()
		v, err := b.ReadView(ctx, room, q)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	read()
	before := trips.N()
	if v := read(); v.Counters["d:1:a"] != 2 || trips.N() != before {
		t.Fatalf("the mirror does not hold the counters: %v in %d round trips", v.Counters, trips.N()-before)
	}
	if _, err := a.Apply(ctx, room, rooms.Change{CounterDrops: []string{"d:1:"}, Incrs: []rooms.Incr{{Key: "d:1:b", By: 1}},
		Events: []rooms.Draft{{Type: "exercise.updated"}}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the drop's notice", func() bool { return notices.Load() == 1 })
	before = trips.N()
	v := read()
	if trips.N() != before {
		t.Fatalf("the view after the drop took %d round trips, want none", trips.N()-before)
	}
	st, err := a.Load(ctx, room)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"d:1:b": 1, "d:10:a": 4, "c:1:x": 5}
	for k, n := range st.Counters {
		if k != rooms.CounterParticipants && (want[k] != n || n == 0) {
			t.Fatalf("Redis holds counter %s = %d, want %v", k, n, want)
		}
	}
	delete(v.Counters, rooms.CounterParticipants)
	if !maps.Equal(v.Counters, want) {
		t.Fatalf("the mirror holds %v after the drop, want %v", v.Counters, want)
	}
}
