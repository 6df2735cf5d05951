package roomstest

import (
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
