package roomstest

import (
	"maps"
	"slices"
	"testing"

	"huddle/rooms"
)

// testDrops: Change.Drops deletes every document whose key starts with
// one of its prefixes, and nothing else: not a key that only shares a
// class with them, nor one of another class, nor a Put of the same
// change under a prefix dropped (Drops come first). A prefix shorter
// than a class takes the whole class; one without a ':' looks into every
// class. Dropping what is not there is harmless, and a change of Drops
// alone counts as a change (its re-send is a duplicate).
func testDrops(t *testing.T, _ Options, st rooms.Store) {
	put := func(keys ...string) []rooms.Put {
		var ps []rooms.Put
		for _, k := range keys {
			ps = append(ps, rooms.Put{Key: k, Value: raw(`1`)})
		}
		return ps
	}
	r := createRoom(t, st, rooms.Change{Puts: put(
		"rd:e1:a", "rd:e1:b", "rd:e10:a", "rd:e2:a", "rdx:e1:a", "d:e1:a", "x", "xy", "xy:1", "member:a", "room")})
	keys := func() []string {
		t.Helper()
		var out []string
		for k := range mustLoad(t, st, r.ID).Docs {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	want := func(what string, ks ...string) {
		t.Helper()
		slices.Sort(ks)
		if got := keys(); !slices.Equal(got, ks) {
			t.Fatalf("%s: documents %v, want %v", what, got, ks)
		}
	}

	mustApply(t, st, r.ID, rooms.Change{Drops: []string{"rd:e1:"}, Puts: put("rd:e1:c")})
	want("after dropping rd:e1:", "rd:e1:c", "rd:e10:a", "rd:e2:a", "rdx:e1:a", "d:e1:a", "x", "xy", "xy:1", "member:a", "room")
	for _, d := range mustGet(t, st, r.ID, "rd:e1:a", "rd:e1:b") {
		wantAbsent(t, d, d.Key)
	}
	wantDoc(t, mustGet(t, st, r.ID, "rd:e1:c")[0], "rd:e1:c", `1`)

	mustApply(t, st, r.ID, rooms.Change{Drops: []string{"nothing:", "rd:e3:", "zz"}})
	want("after dropping what is not there", "rd:e1:c", "rd:e10:a", "rd:e2:a", "rdx:e1:a", "d:e1:a", "x", "xy", "xy:1", "member:a", "room")

	mustApply(t, st, r.ID, rooms.Change{Drops: []string{"rd:", "x"}})
	want("after dropping rd: and x", "rdx:e1:a", "d:e1:a", "member:a", "room")

	// A class dropped whole comes back with its next document.
	mustApply(t, st, r.ID, rooms.Change{Puts: put("rd:e1:d")})
	want("after writing to the dropped class", "rd:e1:d", "rdx:e1:a", "d:e1:a", "member:a", "room")

	c := rooms.Change{Actor: "fac", CmdID: "drop-1", Reply: raw(`{"ok":true}`), Drops: []string{"rd:e1:"}}
	mustApply(t, st, r.ID, c)
	mustApply(t, st, r.ID, rooms.Change{Puts: put("rd:e1:e")})
	if a, err := st.Apply(t.Context(), r.ID, c); err != nil || !a.Duplicate {
		t.Fatalf("the drop sent again: %+v, %v; want a duplicate", a, err)
	}
	want("after the drop sent again", "rd:e1:e", "rdx:e1:a", "d:e1:a", "member:a", "room")
}

// testCounterDrops: Change.CounterDrops deletes every counter whose name
// starts with one of its prefixes, and nothing else: not a counter whose
// name only shares its start with a prefix's first part, nor a document
// under the same prefix. It comes before the change's Incrs, whose Max
// then counts from 0. A counter dropped reads as 0 (absent), and is in no
// Load; dropping what is not there is harmless, and a change of
// CounterDrops alone counts as a change (its re-send is a duplicate).
func testCounterDrops(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{
		Puts: []rooms.Put{{Key: "d:e1:doc", Value: raw(`1`)}},
		Incrs: []rooms.Incr{{Key: "d:e1:a", By: 2}, {Key: "d:e1:b", By: 3}, {Key: "d:e10:a", By: 4},
			{Key: "d1:e1:a", By: 5}, {Key: "x", By: 6}},
	})
	counters := func(what string, want map[string]int64) {
		t.Helper()
		got := map[string]int64{}
		for k, v := range mustLoad(t, st, r.ID).Counters {
			if k != rooms.CounterParticipants || v != 0 {
				got[k] = v
			}
		}
		if !maps.Equal(got, want) {
			t.Fatalf("%s: counters %v, want %v", what, got, want)
		}
	}

	// Max counts from 0 for a counter dropped: 3 + 4 would pass it.
	mustApply(t, st, r.ID, rooms.Change{CounterDrops: []string{"d:e1:"}, Incrs: []rooms.Incr{{Key: "d:e1:b", By: 4, Max: 5}}})
	counters("after dropping d:e1:", map[string]int64{"d:e1:b": 4, "d:e10:a": 4, "d1:e1:a": 5, "x": 6})
	if n, err := st.Counters(t.Context(), r.ID, "d:e1:a", "d:e1:b"); err != nil || n[0] != 0 || n[1] != 4 {
		t.Fatalf("counters after the drop: %v, %v", n, err)
	}
	wantDoc(t, mustGet(t, st, r.ID, "d:e1:doc")[0], "d:e1:doc", `1`)

	// A change refused drops nothing.
	if _, err := st.Apply(t.Context(), r.ID, rooms.Change{CounterDrops: []string{"d"}, Incrs: []rooms.Incr{{Key: "x", By: 1, Max: 6}}}); err == nil {
		t.Fatal("an Incr past its Max applied")
	}
	counters("after a refused drop", map[string]int64{"d:e1:b": 4, "d:e10:a": 4, "d1:e1:a": 5, "x": 6})

	mustApply(t, st, r.ID, rooms.Change{CounterDrops: []string{"nothing:", "d:e3:", "zz"}})
	counters("after dropping what is not there", map[string]int64{"d:e1:b": 4, "d:e10:a": 4, "d1:e1:a": 5, "x": 6})

	c := rooms.Change{Actor: "fac", CmdID: "cdrop-1", Reply: raw(`{"ok":true}`), CounterDrops: []string{"d:", "d1:"}}
	mustApply(t, st, r.ID, c)
	counters("after dropping d: and d1:", map[string]int64{"x": 6})
	mustApply(t, st, r.ID, rooms.Change{Incrs: []rooms.Incr{{Key: "d:e1:c", By: 1}}})
	if a, err := st.Apply(t.Context(), r.ID, c); err != nil || !a.Duplicate {
		t.Fatalf("the drop sent again: %+v, %v; want a duplicate", a, err)
	}
	counters("after the drop sent again", map[string]int64{"d:e1:c": 1, "x": 6})
	wantDoc(t, mustGet(t, st, r.ID, "d:e1:doc")[0], "d:e1:doc", `1`)
}
