package rooms_test

import (
	"testing"

	"huddle/rooms"
)

type sharedDoc struct {
	N    int      `json:"n"`
	Tags []string `json:"tags"`
}

// A cached document read with Shared is decoded once per version: the
// commands that read it share one value until a change writes it, and
// then see the new value, never the old one.
func TestSharedDecodedOncePerVersion(t *testing.T) {
	f := newRoom(t, nil)
	f.svc.CacheDocs("sh:")
	var seen []*sharedDoc
	var peeked []*sharedDoc
	f.svc.Register("t.put", rooms.Handler{Apply: func(tx *rooms.Tx) error {
		var n struct{ N int }
		if err := tx.Decode(&n); err != nil {
			return err
		}
		return tx.Put("sh:doc", sharedDoc{N: n.N, Tags: []string{"a"}})
	}})
	f.svc.Register("t.read", rooms.Handler{
		Prefetch: func(tx *rooms.Tx) []string {
			if d, ok := rooms.PeekShared[sharedDoc](tx, "sh:doc"); ok {
				peeked = append(peeked, d)
			}
			return []string{"sh:doc"}
		},
		Apply: func(tx *rooms.Tx) error {
			d, ok, err := rooms.Shared[sharedDoc](tx, "sh:doc")
			if err != nil || !ok {
				t.Errorf("Shared: %v, %v", ok, err)
				return err
			}
			seen = append(seen, d)
			tx.Incr("reads", 1, 0, nil) // a change, so the read is a precondition
			return nil
		}})
	exec := func(id, typ string, data any) {
		t.Helper()
		if o := f.exec(f.fac, id, typ, data); o.Code != "" {
			t.Fatalf("%s: %s %s", typ, o.Code, o.Reply)
		}
	}
	exec("p1", "t.put", map[string]int{"N": 1})
	for i := range 3 {
		exec("r1"+string(rune('a'+i)), "t.read", nil)
	}
	if len(seen) != 3 || seen[0].N != 1 || seen[1] != seen[0] || seen[2] != seen[0] {
		t.Fatalf("reads of one version: %+v, want one shared value with N 1", seen)
	}
	if len(peeked) < 2 || peeked[len(peeked)-1] != seen[0] {
		t.Fatalf("PeekShared gave %v, want the value Shared shares (%p)", peeked, seen[0])
	}

	exec("p2", "t.put", map[string]int{"N": 2})
	exec("r2", "t.read", nil)
	exec("r3", "t.read", nil)
	last := seen[len(seen)-1]
	if last.N != 2 || last == seen[0] || seen[len(seen)-2] != last {
		t.Fatalf("after a change: %+v, want one new shared value with N 2", seen[3:])
	}
	if seen[0].N != 1 {
		t.Fatal("the old version's value was changed")
	}

	// Absent: no value, no error.
	f.svc.Register("t.absent", rooms.Handler{Apply: func(tx *rooms.Tx) error {
		if d, ok, err := rooms.Shared[sharedDoc](tx, "sh:none"); d != nil || ok || err != nil {
			t.Errorf("absent document: %v, %v, %v", d, ok, err)
		}
		if _, ok := rooms.PeekShared[sharedDoc](tx, "sh:none"); ok {
			t.Error("PeekShared found an absent document")
		}
		return nil
	}})
	exec("a1", "t.absent", nil)
}
