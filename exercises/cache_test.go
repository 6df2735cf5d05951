package exercises_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/roomstest"
)

// countingStore counts the calls that would each be a round trip to Redis.
type countingStore struct {
	rooms.Store
	gets, applies, replies, counters atomic.Int64
	codes                            atomic.Int64 // RoomByCode: two round trips on Redis
}

func (c *countingStore) RoomByCode(ctx context.Context, code string) (string, error) {
	c.codes.Add(1)
	return c.Store.RoomByCode(ctx, code)
}

func (c *countingStore) Get(ctx context.Context, room string, keys ...string) ([]rooms.Doc, error) {
	c.gets.Add(1)
	return c.Store.Get(ctx, room, keys...)
}

func (c *countingStore) Apply(ctx context.Context, room string, ch rooms.Change) (rooms.Applied, error) {
	c.applies.Add(1)
	return c.Store.Apply(ctx, room, ch)
}

func (c *countingStore) Reply(ctx context.Context, room, actor, cmd string) (json.RawMessage, bool, error) {
	c.replies.Add(1)
	return c.Store.Reply(ctx, room, actor, cmd)
}

func (c *countingStore) Counters(ctx context.Context, room string, keys ...string) ([]int64, error) {
	c.counters.Add(1)
	return c.Store.Counters(ctx, room, keys...)
}

func (c *countingStore) total() int64 {
	return c.gets.Load() + c.applies.Load() + c.replies.Load() + c.counters.Load()
}

// A first vote costs the store one write once the node has seen the
// exercise: it guesses that the voter has no ballot yet (Handler.Assume)
// and reads nothing. A re-sent vote costs one write (its kept answer).
func TestVoteRoundTrips(t *testing.T) {
	e := newEnv(t)
	cs := &countingStore{Store: e.store}
	svc := rooms.NewService(cs, rooms.DefaultLimits())
	exercises.Register(svc)
	id := e.add(poll(false))
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	ctx := context.Background()
	vote := func(m *rooms.Member, cmd string) rooms.Outcome {
		b, _ := json.Marshal(answer(id, choose("soup")))
		return svc.Execute(ctx, e.room, m, rooms.Command{ID: cmd, Type: exercises.CmdAnswer, Data: b})
	}
	first, _ := e.person("First")
	if o := vote(first, "v1"); o.Code != "" {
		t.Fatalf("vote: %s", o.Reply)
	}
	for i, name := range []string{"Ann", "Bob", "Cy"} {
		m, _ := e.person(name)
		before, gets := cs.total(), cs.gets.Load()
		if o := vote(m, "v"); o.Code != "" {
			t.Fatalf("vote %d: %s", i, o.Reply)
		}
		if n := cs.total() - before; n != 1 || cs.gets.Load() != gets || cs.replies.Load() != 0 {
			t.Fatalf("vote %d took %d store calls (gets %d, applies %d, replies %d), want 1: the write", i, n, cs.gets.Load()-gets, cs.applies.Load(), cs.replies.Load())
		}
	}
	// The re-send is answered from the kept answer, and counted once.
	before := cs.total()
	if o := vote(first, "v1"); o.Code != "" || !o.Duplicate && string(o.Reply) == "" {
		t.Fatalf("re-send: %+v", o)
	}
	// At most the member and the ballot, read apart (prepare's
	// readWithMember), and the write that finds the kept answer.
	if n := cs.total() - before; n > 3 {
		t.Fatalf("a re-send took %d store calls", n)
	}
	if fac, _ := e.state(id); fac.Responses != 4 {
		t.Fatalf("responses %d, want 4", fac.Responses)
	}
}

// When the guess that a voter has no ballot is wrong (a second vote, or
// a changed one, from this node or from another), the change fails on its
// precondition and the command runs again reading the ballot: the answer
// and the tallies are what they would have been without the guess.
func TestAssumedBallotWrongGuess(t *testing.T) {
	e := newEnv(t)
	cs := &countingStore{Store: e.store}
	other := rooms.NewService(cs, rooms.DefaultLimits()) // a second node
	registerLowFloor(other)
	spec := poll(false)
	spec["minResponses"] = 1
	once := e.open(spec)
	spec["allowChange"] = true
	change := e.open(spec)
	ctx := context.Background()
	vote := func(svc *rooms.Service, m *rooms.Member, ex, choice string) rooms.Outcome {
		b, _ := json.Marshal(answer(ex, choose(choice)))
		return svc.Execute(ctx, e.room, m, rooms.Command{ID: "v-" + ex + "-" + choice, Type: exercises.CmdAnswer, Data: b})
	}
	warm, _ := e.person("Warm")
	for _, ex := range []string{once, change} { // the other node caches both exercises
		if o := vote(other, warm, ex, "pizza"); o.Code != "" {
			t.Fatalf("vote: %s", o.Reply)
		}
	}
	ann, _ := e.person("Ann")
	if o := vote(e.svc, ann, once, "soup"); o.Code != "" { // through the first node
		t.Fatalf("vote: %s", o.Reply)
	}
	before := cs.total()
	if o := vote(other, ann, once, "salad"); o.Code != exercises.CodeAlreadyAnswered {
		t.Fatalf("a second vote through another node: %s", o.Reply)
	}
	// The guess, the reads (the member apart from the ballot), the kept
	// refusal.
	if n := cs.total() - before; n != 4 {
		t.Errorf("a wrong guess took %d store calls, want 4", n)
	}
	if o := vote(e.svc, ann, change, "soup"); o.Code != "" {
		t.Fatalf("vote: %s", o.Reply)
	}
	if o := vote(other, ann, change, "salad"); o.Code != "" {
		t.Fatalf("a changed vote through another node: %s", o.Reply)
	}
	// The node now knows the ballot exists, as it does for one it wrote:
	// a change is the reads (the member and the ballot apart, at once) and
	// the write, no guess.
	for _, choice := range []string{"soup", "salad"} {
		before = cs.total()
		if o := vote(other, warm, change, choice); o.Code != "" {
			t.Fatalf("a changed vote: %s", o.Reply)
		}
		if n := cs.total() - before; n != 3 {
			t.Errorf("changing a vote took %d store calls, want 3", n)
		}
	}
	for _, ex := range []string{once, change} { // closed, so the facilitator sees the tallies
		e.ok(e.fac, exercises.CmdClose, map[string]any{"exercise": ex})
	}
	fac, _ := e.state(once)
	if c := fac.Results.Questions[0].Counts; fac.Responses != 2 || c["pizza"] != 1 || c["soup"] != 1 || c["salad"] != 0 {
		t.Errorf("once: responses %d, counts %v; want 2: pizza 1, soup 1", fac.Responses, c)
	}
	fac, _ = e.state(change)
	if c := fac.Results.Questions[0].Counts; fac.Responses != 2 || c["pizza"] != 0 || c["soup"] != 0 || c["salad"] != 2 {
		t.Errorf("change: responses %d, counts %v; want 2: salad 2", fac.Responses, c)
	}
}

// Two nodes share a store: a node whose cached exercise is stale (another
// node closed it) never accepts a vote on it; the stale copy only costs a
// retry.
func TestStaleCacheNeverWins(t *testing.T) {
	e := newEnv(t)
	other := rooms.NewService(e.store, rooms.DefaultLimits()) // a second node
	registerLowFloor(other)
	id := e.add(poll(false))
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	ctx := context.Background()
	vote := func(svc *rooms.Service, m *rooms.Member, cmd string) rooms.Outcome {
		b, _ := json.Marshal(answer(id, choose("pizza")))
		return svc.Execute(ctx, e.room, m, rooms.Command{ID: cmd, Type: exercises.CmdAnswer, Data: b})
	}
	ann, _ := e.person("Ann")
	if o := vote(other, ann, "a"); o.Code != "" { // the other node caches the open exercise
		t.Fatalf("vote: %s", o.Reply)
	}
	e.ok(e.fac, exercises.CmdClose, map[string]any{"exercise": id}) // through the first node
	bob, _ := e.person("Bob")
	if o := vote(other, bob, "b"); o.Code != exercises.CodeWrongStatus {
		t.Fatalf("a vote on a closed exercise through a stale node: %s", o.Reply)
	}
	// And the other way round: reopened elsewhere, a stale "closed" copy
	// does not refuse a vote.
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	cy, _ := e.person("Cy")
	if o := vote(other, cy, "c"); o.Code != "" {
		t.Fatalf("a vote on a reopened exercise through a stale node: %s", o.Reply)
	}
	if fac, _ := e.state(id); fac.Responses != 2 {
		t.Fatalf("responses %d, want 2", fac.Responses)
	}
}

// A join looks its code up and reads the room only when the node has not
// before (rooms' TestJoinCodeReusedAfterExpiry: a code that moved on). Its
// change expects the room's version, so a copy gone stale (the room
// locked elsewhere) only costs a retry, and a refusal is always made on a
// fresh read (a copy that says locked is read again: the room may have
// been unlocked elsewhere).
func TestJoinUsesCachedRoom(t *testing.T) {
	e := newEnv(t)
	cs := &countingStore{Store: e.store}
	other := rooms.NewService(cs, rooms.DefaultLimits()) // a second node
	registerLowFloor(other)
	ctx := context.Background()
	join := func(name string) error {
		_, err := other.Join(ctx, e.code, name, "")
		return err
	}
	if err := join("Ann"); err != nil {
		t.Fatal(err)
	}
	gets, codes := cs.gets.Load(), cs.codes.Load()
	if err := join("Bob"); err != nil {
		t.Fatal(err)
	}
	if n, c := cs.gets.Load()-gets, cs.codes.Load()-codes; n != 0 || c != 0 {
		t.Errorf("a join on a node that knows the code and has the room cached: %d reads, %d code lookups; want none", n, c)
	}
	e.ok(e.fac, rooms.CmdRoomLock, nil) // through the first node
	if err := join("Cy"); rooms.ErrorCode(err) != rooms.CodeRoomLocked {
		t.Fatalf("a join through a node whose copy predates the lock: %v, want %s", err, rooms.CodeRoomLocked)
	}
	e.ok(e.fac, rooms.CmdRoomUnlock, nil)
	if err := join("Dee"); err != nil {
		t.Fatalf("a join through a node whose copy says locked, after the unlock: %v", err)
	}
	if cs, err := e.store.Counters(ctx, e.room, rooms.CounterParticipants); err != nil || cs[0] != 3 {
		t.Fatalf("participants %v, %v; want 3", cs, err)
	}
}

// A removed member's answer is refused, although answers skip reading
// the member when they can guess (rooms.Handler.Assume): on the node that
// applied the removal and on one whose hub saw it, the member is read
// again. And a removed member cannot attach again: Resume and LoadFor,
// which the hub calls after subscribing, read the member too.
func TestRemovedMemberCannotAnswer(t *testing.T) {
	e := newEnv(t)
	other := rooms.NewService(e.store, rooms.DefaultLimits()) // a second node
	registerLowFloor(other)
	first, second := e.open(poll(false)), e.open(poll(false))
	ctx := context.Background()
	vote := func(svc *rooms.Service, m *rooms.Member, ex string) rooms.Outcome {
		b, _ := json.Marshal(answer(ex, choose("soup")))
		return svc.Execute(ctx, e.room, m, rooms.Command{ID: "v-" + ex, Type: exercises.CmdAnswer, Data: b})
	}
	warm, _ := e.person("Warm")
	for _, svc := range []*rooms.Service{e.svc, other} { // both nodes cache both exercises
		for _, ex := range []string{first, second} {
			if o := vote(svc, warm, ex); o.Code != "" && o.Code != exercises.CodeAlreadyAnswered {
				t.Fatalf("vote: %s", o.Reply)
			}
		}
	}
	ann, _ := e.person("Ann")
	bob, _ := e.person("Bob")
	e.ok(e.fac, rooms.CmdMemberRemove, map[string]any{"member": ann.ID})
	if o := vote(e.svc, ann, first); o.Code != rooms.CodeRemoved {
		t.Fatalf("a removed member's answer on the node that removed them: %s", o.Reply)
	}
	e.ok(e.fac, rooms.CmdMemberRemove, map[string]any{"member": bob.ID})
	other.MemberRemoved(e.room, bob.ID) // what other's hub does when the event arrives
	if o := vote(other, bob, second); o.Code != rooms.CodeRemoved {
		t.Fatalf("a removed member's answer on a node whose hub saw the removal: %s", o.Reply)
	}
	for _, ex := range []string{first, second} {
		if fac, _ := e.state(ex); fac.Responses != 1 {
			t.Errorf("%s: %d responses, want 1 (Warm's)", ex, fac.Responses)
		}
	}
	st, err := e.store.Load(ctx, e.room)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Resume(ctx, e.room, ann, st.Pos); rooms.ErrorCode(err) != rooms.CodeRemoved {
		t.Errorf("Resume of a removed member: %v, want %s", err, rooms.CodeRemoved)
	}
	if _, err := other.LoadFor(ctx, e.room, ann); rooms.ErrorCode(err) != rooms.CodeRemoved {
		t.Errorf("LoadFor of a removed member: %v, want %s", err, rooms.CodeRemoved)
	}
	if r, err := other.Resume(ctx, e.room, warm, st.Pos); err != nil || r.Gone || len(r.Events) != 0 {
		t.Errorf("Resume of a member from the room's position: %+v, %v; want no events", r, err)
	}
}

// slowRoomReads makes every read take a while, as on a busy Redis, so
// that joins arriving together overlap.
type slowRoomReads struct{ countingStore }

func (s *slowRoomReads) Get(ctx context.Context, room string, keys ...string) ([]rooms.Doc, error) {
	time.Sleep(20 * time.Millisecond)
	return s.countingStore.Get(ctx, room, keys...)
}

// Phones joining a room together through a node that has not read the
// room (a class scanning the code at once) share one read of it: each
// join made one of its own, so a node of a thousand rooms read each
// room about as many times as it had phones joining.
func TestConcurrentJoinsShareTheRoomRead(t *testing.T) {
	e := newEnv(t)
	cs := &slowRoomReads{countingStore{Store: e.store}}
	other := rooms.NewService(cs, rooms.DefaultLimits()) // a second node
	registerLowFloor(other)
	ctx := context.Background()
	gets := cs.gets.Load()
	const n = 10
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := other.Join(ctx, e.code, fmt.Sprint("P", i), ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := cs.gets.Load() - gets; got != 1 {
		t.Errorf("%d joins at once read the room %d times, want 1", n, got)
	}
	if c, err := e.store.Counters(ctx, e.room, rooms.CounterParticipants); err != nil || c[0] != n {
		t.Fatalf("participants %v, %v; want %d", c, err, n)
	}
}

// A participant's snapshot holds their own ballots, named or anonymous:
// the ballot keys are named from each exercise's id, kind and anonymity
// alone (RegisterPrivateDocs), and a named poll's key is the member's.
func TestSnapshotHoldsOwnBallots(t *testing.T) {
	e := newEnv(t)
	named := poll(false)
	named["anonymous"] = false
	anon, byName := e.open(poll(false)), e.open(named)
	ann, _ := e.person("Ann")
	bob, _ := e.person("Bob")
	e.ok(ann, exercises.CmdAnswer, answer(anon, choose("soup")))
	e.ok(ann, exercises.CmdAnswer, answer(byName, choose("pizza")))
	e.ok(bob, exercises.CmdAnswer, answer(byName, choose("salad")))
	st, err := e.svc.LoadFor(context.Background(), e.room, ann)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"bal:" + anon + ":a:" + ann.Opaque("ballot:"+anon), "bal:" + byName + ":m:" + ann.ID}
	for _, k := range want {
		if st.Docs[k].Version == 0 {
			t.Errorf("Ann's snapshot lacks her ballot %s", k)
		}
	}
	if n := roomstest.CountDocs(st, "bal:"); n != len(want) {
		t.Errorf("Ann's snapshot holds %d ballots, want her %d", n, len(want))
	}
}
