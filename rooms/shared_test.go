package rooms_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"

	"huddle/rooms"
	"huddle/rooms/memory"
	"huddle/rooms/roomstest"
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

// loadCounter counts the snapshot reads a service makes.
type loadCounter struct {
	rooms.Store
	loads, loadWiths atomic.Int64
}

func (c *loadCounter) Load(ctx context.Context, room string, skip ...string) (*rooms.State, error) {
	c.loads.Add(1)
	return c.Store.Load(ctx, room, skip...)
}

func (c *loadCounter) LoadWith(ctx context.Context, room string, keys []string, skip ...string) (*rooms.State, []rooms.Doc, error) {
	c.loadWiths.Add(1)
	return c.Store.LoadWith(ctx, room, keys, skip...)
}

// A participant's snapshot on a node that holds the room, which shows no
// names, is one LoadWith: it lets the participant in, refuses one removed
// meanwhile, and lists the members once the room has come to show names
// through another node, whose change this node has not seen.
func TestParticipantSnapshotInOneRead(t *testing.T) {
	var lc *loadCounter
	f := roomOn(t, func(m *memory.Store) rooms.Store { lc = &loadCounter{Store: m}; return lc })
	other := rooms.NewService(lc, rooms.DefaultLimits()) // a second node on the same store
	ctx := context.Background()
	ann, bob := f.join(t, "Ann"), f.join(t, "Bob")
	if _, err := f.svc.LoadFor(ctx, f.room.ID, ann); err != nil { // the node reads the room
		t.Fatal(err)
	}
	members := func(st *rooms.State) int { return roomstest.CountDocs(st, "member:") }
	snapshot := func(what string, m *rooms.Member, wantWith, wantLoads int64) (*rooms.State, error) {
		t.Helper()
		w0, l0 := lc.loadWiths.Load(), lc.loads.Load()
		st, err := f.svc.LoadFor(ctx, f.room.ID, m)
		if w, l := lc.loadWiths.Load()-w0, lc.loads.Load()-l0; w != wantWith || l != wantLoads {
			t.Errorf("%s: %d LoadWith and %d Load, want %d and %d", what, w, l, wantWith, wantLoads)
		}
		return st, err
	}
	st, err := snapshot("names hidden", ann, 1, 0)
	if err != nil || members(st) != 0 || st.Docs[rooms.KeyRoom].Version == 0 {
		t.Fatalf("names hidden: %v, %d members' documents, room %+v", err, members(st), st.Docs[rooms.KeyRoom])
	}
	if o := f.exec(f.fac, "rm", rooms.CmdMemberRemove, map[string]string{"member": bob.ID}); o.Code != "" {
		t.Fatal(string(o.Reply))
	}
	if _, err := f.svc.LoadFor(ctx, f.room.ID, ann); err != nil { // the node reads the room again
		t.Fatal(err)
	}
	if _, err := snapshot("removed", bob, 1, 0); rooms.ErrorCode(err) != rooms.CodeRemoved {
		t.Errorf("a removed participant's snapshot: %v", err)
	}
	b, _ := json.Marshal(map[string]bool{"showNames": true})
	if o := other.Execute(ctx, f.room.ID, f.fac, rooms.Command{ID: "show", Type: rooms.CmdRoomUpdate, Data: b}); o.Code != "" {
		t.Fatal(string(o.Reply))
	}
	st, err = snapshot("names shown through the other node", ann, 1, 1)
	if err != nil || members(st) != 3 {
		t.Errorf("names shown: %v, %d members' documents, want 3", err, members(st))
	}
	if _, err := snapshot("names shown, known", ann, 0, 1); err != nil {
		t.Error(err)
	}
}
