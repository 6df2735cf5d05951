package rooms_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/memory"
)

// console is what a facilitator's console makes of the messages it got
// (frontend/src/lib/reducer.ts): the welcome's member list, then the
// presence deltas and the member events in the order they came, and the
// online count of the last presence message.
type console struct {
	online  int
	members map[string]rooms.MemberView
	// disagree is the first presence message after which the count was
	// not the number of participants the list showed online ("" if none).
	disagree string
}

// listedOnline is how many participants the console lists online (its
// People panel: the facilitator's test participant is in no count).
func (c console) listedOnline() int {
	n := 0
	for _, m := range c.members {
		if m.Role == rooms.RoleParticipant && !m.Preview && m.Online {
			n++
		}
	}
	return n
}

func consoleOf(fc *fakeClient) console {
	fc.mu.Lock()
	raw := slices.Clone(fc.msgs)
	fc.mu.Unlock()
	c := console{online: -1, members: map[string]rooms.MemberView{}}
	for _, b := range raw {
		var m struct {
			Type     string             `json:"type"`
			Event    string             `json:"event"`
			Data     json.RawMessage    `json:"data"`
			Snapshot *rooms.Snapshot    `json:"snapshot"`
			Presence *rooms.PresenceMsg `json:"presence"` // a welcome's
			Online   int                `json:"online"`
			Members  []rooms.MemberView `json:"members"`
		}
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		switch m.Type {
		case "welcome":
			list := m.Presence.Members
			if m.Snapshot != nil {
				list = m.Snapshot.Members
			}
			clear(c.members)
			for _, v := range list {
				c.members[v.ID] = v
			}
			c.online = m.Presence.Online
		case "presence":
			c.online = m.Online
			for _, v := range m.Members {
				if v.Removed {
					delete(c.members, v.ID)
				} else {
					c.members[v.ID] = v
				}
			}
			if c.disagree == "" && c.online != c.listedOnline() {
				c.disagree = string(b)
			}
		case "event":
			var d struct {
				Member string `json:"member"` // member.removed
				ID     string `json:"id"`     // member.renamed
				Name   string `json:"name"`
			}
			_ = json.Unmarshal(m.Data, &d)
			switch m.Event {
			case rooms.EvMemberRemoved:
				delete(c.members, d.Member)
			case rooms.EvMemberRenamed:
				if v, ok := c.members[d.ID]; ok {
					v.Name = d.Name
					c.members[d.ID] = v
				}
			}
		}
	}
	return c
}

// lists reports whether presence message p has an entry about member id
// that matches.
func lists(p rooms.PresenceMsg, id string, match func(rooms.MemberView) bool) bool {
	return slices.ContainsFunc(p.Members, func(v rooms.MemberView) bool { return v.ID == id && match(v) })
}

// firstPresence is the first presence message c got that matches, and
// whether there is one.
func firstPresence(c *fakeClient, match func(rooms.PresenceMsg) bool) (rooms.PresenceMsg, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range c.msgs {
		var p rooms.PresenceMsg
		if json.Unmarshal(b, &p) == nil && p.Type == "presence" && match(p) {
			return p, true
		}
	}
	return rooms.PresenceMsg{}, false
}

// entries are the presence deltas c got about member id, in order.
func entries(c *fakeClient, id string) []rooms.MemberView {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []rooms.MemberView
	for _, b := range c.msgs {
		var p rooms.PresenceMsg
		if json.Unmarshal(b, &p) != nil || p.Type != "presence" {
			continue
		}
		for _, v := range p.Members {
			if v.ID == id {
				out = append(out, v)
			}
		}
	}
	return out
}

// twoNodes is a room on two nodes sharing one memory store: a, whose
// store wrap makes of it (to break or watch what that node does), and b.
func twoNodes(t *testing.T, wrap func(*memory.Store) rooms.Store) (a, b hubFixture) {
	t.Helper()
	var mem *memory.Store
	fa := roomOn(t, func(m *memory.Store) rooms.Store { mem = m; return wrap(m) })
	opts := rooms.HubOptions{CoalesceInterval: time.Millisecond}
	a = hubOn(t, fa, opts)
	b = hubOn(t, fixture{svc: rooms.NewService(mem, rooms.DefaultLimits()), room: fa.room, fac: fa.fac, secret: fa.secret}, opts)
	return a, b
}

// memberReads is a store whose reads of one member's document fail while
// fail is set, or are held (the document read, the answer not yet given)
// while hold is: a flush that found that member online on another node
// and read who they are.
type memberReads struct {
	rooms.Store
	mu      sync.Mutex
	member  string
	fail    bool
	failed  atomic.Int64
	hold    bool
	held    chan struct{} // one send per read held
	release chan struct{}
}

func (s *memberReads) watch(id string, fail, hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.member, s.fail, s.hold = id, fail, hold
}

func (s *memberReads) Get(ctx context.Context, room string, keys ...string) ([]rooms.Doc, error) {
	s.mu.Lock()
	mine := s.member != "" && slices.Contains(keys, rooms.MemberKey(s.member))
	fail, hold := mine && s.fail, mine && s.hold
	if hold {
		s.hold = false // one read is held
	}
	s.mu.Unlock()
	if fail {
		s.failed.Add(1)
		return nil, rooms.ErrUnavailable
	}
	docs, err := s.Store.Get(ctx, room, keys...)
	if hold {
		s.held <- struct{}{}
		<-s.release
	}
	return docs, err
}

// A participant who came through another node, whose member document
// this node failed to read (a store that failed for a moment), is listed
// once it is read, and counted no sooner. The node counted them from its
// next flush on while its facilitators had never been told who they were
// (the delta carried an empty member): "2 of 2 online" over a list of one,
// until that person left or the console reconnected.
func TestPresenceCountsNobodyItCannotList(t *testing.T) {
	var mr *memberReads
	a, b := twoNodes(t, func(m *memory.Store) rooms.Store { mr = &memberReads{Store: m}; return mr })
	fc, _ := a.attach(t, a.fac, nil)
	pat := b.join(t, "Pat")
	mr.watch(pat.ID, true, false)
	b.attach(t, pat, nil)
	waitUntil(t, "node a's read of Pat failed", func() bool { return mr.failed.Load() > 0 })
	mr.watch(pat.ID, false, false)
	quinn := b.join(t, "Quinn")
	b.attach(t, quinn, nil)
	waitUntil(t, "both counted", func() bool { return consoleOf(fc).online == 2 })
	c := consoleOf(fc)
	if !c.members[pat.ID].Online || !c.members[quinn.ID].Online || c.members[pat.ID].Name != "Pat" {
		t.Fatalf("the console counts 2 online and lists %+v, want Pat and Quinn online", c.members)
	}
	if c.disagree != "" {
		t.Fatalf("a presence message counted what the list did not show: %s", c.disagree)
	}
}

// A removed participant is not counted online from the presence message
// that says they were removed, though their connection has not closed
// yet (a phone that is slow to answer the close: the server waits for
// it, up to seconds). It was counted until then: the console read "1 of
// 1 online" with the one person it listed shown offline.
func TestPresenceRemovedNotCounted(t *testing.T) {
	for _, c := range []struct {
		name  string
		other bool
	}{{"connected here", false}, {"connected through another node", true}} {
		t.Run(c.name, func(t *testing.T) {
			a, b := twoNodes(t, func(m *memory.Store) rooms.Store { return m })
			node := a
			if c.other {
				node = b
			}
			fc, _ := a.attach(t, a.fac, nil)
			a.join(t, "Quinn") // joined, never connected
			pat := a.join(t, "Pat")
			pc, _ := node.attach(t, pat, nil) // its Close closes nothing until the test ends
			waitUntil(t, "Pat counted", func() bool { c := consoleOf(fc); return c.online == 1 && c.members[pat.ID].Online })
			if o := a.exec(a.fac, "rm", rooms.CmdMemberRemove, map[string]string{"member": pat.ID}); o.Code != "" {
				t.Fatal(string(o.Reply))
			}
			waitUntil(t, "Pat's connection told to close", func() bool { return pc.closedWith() == rooms.CodeRemoved })
			var p rooms.PresenceMsg
			waitUntil(t, "the presence message of Pat's removal", func() bool {
				var ok bool
				p, ok = firstPresence(fc, func(p rooms.PresenceMsg) bool {
					return lists(p, pat.ID, func(v rooms.MemberView) bool { return v.Removed })
				})
				return ok
			})
			if p.Online != 0 || p.Participants != 1 {
				t.Fatalf("the presence message removing Pat counts %d of %d online, want 0 of 1", p.Online, p.Participants)
			}
			if d := consoleOf(fc).disagree; d != "" {
				t.Fatalf("a presence message counted what the list did not show: %s", d)
			}
		})
	}
}

// A member's document read by a flush before a rename or a removal (of a
// participant on another node) does not undo what the event said: the
// removed participant was counted again, and listed again once they
// left; the renamed one went back to the old name when they left.
func TestPresenceOldMemberReadLosesToEvents(t *testing.T) {
	for _, c := range []struct {
		name   string
		remove bool
	}{{"renamed", false}, {"removed", true}} {
		t.Run(c.name, func(t *testing.T) {
			mr := &memberReads{held: make(chan struct{}), release: make(chan struct{})}
			a, b := twoNodes(t, func(m *memory.Store) rooms.Store { mr.Store = m; return mr })
			fc, _ := a.attach(t, a.fac, nil)
			pat := b.join(t, "Pat")
			mr.watch(pat.ID, false, true)
			_, ps := b.attach(t, pat, nil)
			<-mr.held // node a has read Pat's document: "Pat", not removed
			var o rooms.Outcome
			if c.remove {
				o = a.exec(a.fac, "rm", rooms.CmdMemberRemove, map[string]string{"member": pat.ID})
			} else {
				o = b.exec(pat, "mv", rooms.CmdMemberRename, map[string]string{"name": "Pam"})
			}
			if o.Code != "" {
				t.Fatal(string(o.Reply))
			}
			event := rooms.EvMemberRenamed
			if c.remove {
				event = rooms.EvMemberRemoved
			}
			waitUntil(t, "node a delivered the event", func() bool {
				return fc.count(func(m decoded) bool { return m.Type == "event" && m.Event == event }) == 1
			})
			close(mr.release)
			waitUntil(t, "Pat's first presence", func() bool { return len(entries(fc, pat.ID)) == 1 })
			if p, _ := firstPresence(fc, func(p rooms.PresenceMsg) bool { return lists(p, pat.ID, func(rooms.MemberView) bool { return true }) }); c.remove && p.Online != 0 {
				t.Fatalf("the presence message removing Pat counts %d online, want 0", p.Online)
			}
			ps.Detach() // Pat leaves
			waitUntil(t, "Pat's leaving", func() bool { return len(entries(fc, pat.ID)) == 2 })
			cons := consoleOf(fc)
			v, listed := cons.members[pat.ID]
			switch {
			case c.remove && listed:
				t.Fatalf("removed Pat is listed again: %+v", v)
			case !c.remove && (v.Name != "Pam" || v.Online):
				t.Fatalf("Pat after leaving: %+v, want Pam offline", v)
			case cons.disagree != "":
				t.Fatalf("a presence message counted what the list did not show: %s", cons.disagree)
			}
		})
	}
}

// heldOnline holds one read of who is online, once armed: read from the
// store, not yet answered.
type heldOnline struct {
	rooms.Store
	mu      sync.Mutex
	hold    bool
	held    chan struct{}
	release chan struct{}
}

func (s *heldOnline) Online(ctx context.Context, room string) ([]string, error) {
	s.mu.Lock()
	hold := s.hold
	s.hold = false
	s.mu.Unlock()
	ids, err := s.Store.Online(ctx, room)
	if hold {
		s.held <- struct{}{}
		<-s.release
	}
	return ids, err
}

// A participant who connects here while a flush reads who is online is
// counted by that flush (they are here) and listed online by it too: the
// delta said offline, from the read made before they came, under a count
// that had them.
func TestPresenceListsWhoCameDuringTheRead(t *testing.T) {
	ho := &heldOnline{held: make(chan struct{}), release: make(chan struct{})}
	f := hubOn(t, roomOn(t, func(m *memory.Store) rooms.Store { ho.Store = m; return ho }), rooms.HubOptions{CoalesceInterval: time.Millisecond})
	fc, _ := f.attach(t, f.fac, nil)
	waitUntil(t, "the facilitator's presence", func() bool { return consoleOf(fc).online == 0 })
	ho.mu.Lock()
	ho.hold = true
	ho.mu.Unlock()
	f.join(t, "Quinn") // a join's presence flush
	<-ho.held
	pat := f.join(t, "Pat")
	f.attach(t, pat, nil)
	close(ho.release)
	var p rooms.PresenceMsg
	waitUntil(t, "Pat's first presence", func() bool {
		var ok bool
		p, ok = firstPresence(fc, func(p rooms.PresenceMsg) bool { return lists(p, pat.ID, func(rooms.MemberView) bool { return true }) })
		return ok
	})
	if !lists(p, pat.ID, func(v rooms.MemberView) bool { return v.Online }) || p.Online != 1 {
		t.Fatalf("Pat's first presence %+v, want Pat online and counted", p)
	}
	if d := consoleOf(fc).disagree; d != "" {
		t.Fatalf("a presence message counted what the list did not show: %s", d)
	}
}

// unreachable is a store this node's presence writes and reads fail on
// while fail is set (Redis stalled, or this node's link to it): a
// failingPresence (hub_test.go) whose reads fail too.
type unreachable struct {
	failingPresence
}

func (s *unreachable) Online(ctx context.Context, room string) ([]string, error) {
	if s.fail.Load() {
		return nil, rooms.ErrUnavailable
	}
	return s.Store.Online(ctx, room)
}

// While this node cannot reach the store's presence, who is connected
// through the other nodes stays as last read: a flush (someone coming
// here, or the node's entries lapsing) counted only this node's members
// and told its facilitators everyone else had left, for as long as Redis
// stalled, then brought them all back.
func TestPresenceKeptWhileTheStoreIsDown(t *testing.T) {
	var un *unreachable
	a, b := twoNodes(t, func(m *memory.Store) rooms.Store { un = &unreachable{failingPresence{Store: m}}; return un })
	fc, _ := a.attach(t, a.fac, nil)
	quinn, ruth := b.join(t, "Quinn"), b.join(t, "Ruth")
	b.attach(t, quinn, nil)
	b.attach(t, ruth, nil)
	waitUntil(t, "Quinn and Ruth online", func() bool { c := consoleOf(fc); return c.online == 2 && c.listedOnline() == 2 })
	un.fail.Store(true)
	pat := a.join(t, "Pat")
	a.attach(t, pat, nil)
	waitUntil(t, "Pat's presence", func() bool { return len(entries(fc, pat.ID)) > 0 })
	c := consoleOf(fc)
	if c.online != 3 || !c.members[quinn.ID].Online || !c.members[ruth.ID].Online || !c.members[pat.ID].Online {
		t.Fatalf("with the store down the console counts %d and lists %+v, want Pat, Quinn and Ruth online", c.online, c.members)
	}
	un.fail.Store(false)
	waitUntil(t, "Pat in the store's presence", func() bool {
		ids, err := un.Store.Online(context.Background(), a.room.ID)
		return err == nil && slices.Contains(ids, pat.ID)
	})
	if c := consoleOf(fc); c.online != 3 || c.disagree != "" {
		t.Fatalf("once the store is back the console counts %d (first disagreement: %s)", c.online, c.disagree)
	}
}

// A participant removed while their phone was attaching (their hello
// read them before the removal, which this node had delivered by the
// time they attached) is refused, and never listed again: the attach
// told the facilitators they had come, the removed member back in the
// list, online, and in no count.
func TestPresenceRemovedWhileAttachingNotListed(t *testing.T) {
	f := newHub(t, rooms.HubOptions{CoalesceInterval: time.Millisecond})
	fc, _ := f.attach(t, f.fac, nil)
	pat := f.join(t, "Pat") // as the hello read them
	if o := f.exec(f.fac, "rm", rooms.CmdMemberRemove, map[string]string{"member": pat.ID}); o.Code != "" {
		t.Fatal(string(o.Reply))
	}
	waitUntil(t, "the removal delivered", func() bool {
		return fc.count(func(m decoded) bool { return m.Type == "event" && m.Event == rooms.EvMemberRemoved }) == 1
	})
	if _, err := f.hub.Attach(context.Background(), f.room.ID, pat, &fakeClient{}, rooms.AttachOptions{}); rooms.ErrorCode(err) != rooms.CodeRemoved {
		t.Fatalf("attach of a removed member: %v, want %s", err, rooms.CodeRemoved)
	}
	// Presence changes are sent in order: once Quinn's is in, any of
	// Pat's attach would be.
	quinn := f.join(t, "Quinn")
	f.attach(t, quinn, nil)
	waitUntil(t, "Quinn's presence", func() bool { return len(entries(fc, quinn.ID)) > 0 })
	if v, listed := consoleOf(fc).members[pat.ID]; listed {
		t.Fatalf("removed Pat is listed again: %+v (deltas %+v)", v, entries(fc, pat.ID))
	}
}

// A node that first reads a removed member (its facilitator console came
// after the removal, while the removed phone's connection on another
// node had not closed yet) takes them as removed: it read their document
// as anyone's, and listed and counted them online.
func TestPresenceRemovedReadAsRemoved(t *testing.T) {
	a, b := twoNodes(t, func(m *memory.Store) rooms.Store { return m })
	pat := b.join(t, "Pat")
	pc, _ := b.attach(t, pat, nil) // its Close closes nothing until the test ends
	waitUntil(t, "Pat in the store's presence", func() bool {
		ids, err := b.svc.Store().Online(context.Background(), b.room.ID)
		return err == nil && slices.Contains(ids, pat.ID)
	})
	if o := a.exec(a.fac, "rm", rooms.CmdMemberRemove, map[string]string{"member": pat.ID}); o.Code != "" {
		t.Fatal(string(o.Reply))
	}
	waitUntil(t, "Pat's connection told to close", func() bool { return pc.closedWith() == rooms.CodeRemoved })
	fc, _ := a.attach(t, a.fac, nil)
	waitUntil(t, "node a's first presence of Pat", func() bool { return len(entries(fc, pat.ID)) > 0 })
	if c := consoleOf(fc); c.online != 0 || c.disagree != "" {
		t.Fatalf("the console counts %d and lists %+v, want nobody", c.online, c.members)
	}
	if _, listed := consoleOf(fc).members[pat.ID]; listed {
		t.Fatalf("removed Pat is listed: %+v", entries(fc, pat.ID))
	}
}
