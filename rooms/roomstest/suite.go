// Package roomstest is the contract suite every rooms.Store must pass. It
// checks only the behaviour documented on rooms.Store and rooms.Change, so
// the in-memory store and the Redis store are held to the same rules.
package roomstest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"huddle/rooms"
)

// Options describes how the stores under test were configured.
type Options struct {
	// HistoryLimit is the number of events each room keeps (<= 200).
	HistoryLimit int
	// ReplyWindow is the number of answers each room keeps (<= 200).
	ReplyWindow int
}

const (
	// waitTimeout bounds every wait for something asynchronous.
	waitTimeout = 5 * time.Second
	// pollInterval is how often a wait looks again.
	pollInterval = 10 * time.Millisecond
	// longTTL is the ttl of rooms that must not expire during a test.
	longTTL = time.Hour
)

// Run runs the contract suite against stores made by newStore. Each subtest
// gets a fresh store (newStore is called per subtest and must register its
// own cleanup with t.Cleanup). Room ids and join codes are random, so stores
// that share a backend across subtests do not collide.
func Run(t *testing.T, opts Options, newStore func(t *testing.T) rooms.Store) {
	t.Helper()
	if opts.HistoryLimit <= 0 || opts.HistoryLimit > 200 {
		t.Fatalf("roomstest: Options.HistoryLimit = %d, want 1..200", opts.HistoryLimit)
	}
	if opts.ReplyWindow <= 0 || opts.ReplyWindow > 200 {
		t.Fatalf("roomstest: Options.ReplyWindow = %d, want 1..200", opts.ReplyWindow)
	}

	// run runs one parallel subtest with its own store.
	run := func(t *testing.T, name string, f func(*testing.T, Options, rooms.Store)) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, opts, newStore(t))
		})
	}
	group := func(name string, body func(t *testing.T)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body(t)
		})
	}

	// CountRooms runs alone: it counts every room of its store, and a
	// non-parallel subtest finishes before the parallel ones start, in case
	// stores share a backend.
	t.Run("CountRooms", func(t *testing.T) {
		t.Run("CountsLiveRooms", func(t *testing.T) {
			testCountRooms(t, opts, newStore(t))
		})
	})

	group("CreateRoom", func(t *testing.T) {
		run(t, "AppliesInitChange", testCreateAppliesInit)
		run(t, "RoomByCode", testRoomByCode)
		run(t, "CodeTaken", testCodeTaken)
		run(t, "RoomExists", testRoomExists)
		run(t, "Concurrent", testCreateConcurrent)
	})
	group("UnknownRoom", func(t *testing.T) {
		run(t, "EveryMethodNotFound", testUnknownRoom)
	})
	group("Puts", func(t *testing.T) {
		run(t, "VersionsUnique", testPutVersions)
		run(t, "NilValueDeletes", testPutDelete)
		run(t, "DropsByPrefix", testDrops)
		run(t, "CounterDropsByPrefix", testCounterDrops)
	})
	group("Expect", func(t *testing.T) {
		run(t, "MatchingVersionApplies", testExpectMatch)
		run(t, "MismatchAppliesNothing", testExpectMismatch)
		run(t, "VersionZeroMeansAbsent", testExpectAbsent)
	})
	group("Once", func(t *testing.T) {
		run(t, "AddsMembers", testOnceAdds)
		run(t, "RepeatAppliesNothing", testOnceRepeat)
		run(t, "SameMemberTwiceInOneChange", testOnceTwiceInChange)
	})
	group("Incr", func(t *testing.T) {
		run(t, "MaxLimits", testIncrMax)
		run(t, "SummedWithinChange", testIncrSummed)
		run(t, "Negative", testIncrNegative)
		run(t, "ExactPastDoubles", testIncrExact)
	})
	group("CheckOrder", func(t *testing.T) {
		run(t, "DuplicateBeforeExpect", testOrderDuplicateFirst)
		run(t, "ExpectBeforeOnce", testOrderExpectBeforeOnce)
		run(t, "OnceBeforeIncr", testOrderOnceBeforeIncr)
	})
	group("Replies", func(t *testing.T) {
		run(t, "StoredAndReplayed", testReplyDuplicate)
		run(t, "PerActor", testReplyPerActor)
		run(t, "Window", testReplyWindow)
		run(t, "WindowPerParticipant", testReplyWindowPerParticipant)
		run(t, "AppliedOutlivesItsAnswer", testAppliedOutlivesItsAnswer)
	})
	group("Events", func(t *testing.T) {
		run(t, "ConsecutiveSeqs", testEventSeqs)
		run(t, "RoundTrip", testEventRoundTrip)
	})
	group("History", func(t *testing.T) {
		run(t, "AfterPosition", testHistoryAfter)
		run(t, "AtCurrentPosition", testHistoryCurrent)
		run(t, "OtherEpoch", testHistoryOtherEpoch)
		run(t, "BeyondCurrentSeq", testHistoryBeyond)
		run(t, "Trimmed", testHistoryTrimmed)
	})
	group("Subscribe", func(t *testing.T) {
		run(t, "InOrder", testSubscribeOrder)
		run(t, "Touched", testSubscribeTouched)
		run(t, "Cancel", testSubscribeCancel)
		run(t, "TwoSubscribers", testSubscribeTwo)
		run(t, "InEffectOnReturn", testSubscribeInEffect)
	})
	group("Presence", func(t *testing.T) {
		run(t, "UnionOfNodes", testPresenceUnion)
		run(t, "NoticeOnChange", testPresenceNotice)
		run(t, "DeadNodeExpires", testPresenceExpiry)
		run(t, "DeadNodeNoticed", testPresenceDeadNotice)
		run(t, "LapsedTogether", testPresenceLapsedTogether)
	})
	group("Load", func(t *testing.T) {
		run(t, "ConsistentCopy", testLoadCopy)
		run(t, "Skip", testLoadSkip)
		run(t, "WithKeys", testLoadWith)
		run(t, "SkipAcrossClasses", testLoadSkipClasses)
		run(t, "ScanDocs", testScanDocs)
		run(t, "ScanCounters", testScanCounters)
		run(t, "ReadView", testReadView)
		run(t, "ReadViewEvents", testReadViewEvents)
		run(t, "ReadViewFollow", testReadViewFollow)
	})
	group("BigChange", func(t *testing.T) {
		run(t, "ThousandsOfEach", testBigChange)
	})
	group("Concurrency", func(t *testing.T) {
		run(t, "ParallelChanges", testConcurrentChanges)
		run(t, "ParallelResends", testConcurrentResends)
	})
	group("Expiry", func(t *testing.T) {
		run(t, "IdleRoomExpires", testExpiryIdle)
		run(t, "TouchKeepsAlive", testExpiryTouch)
		run(t, "ApplyKeepsAlive", testExpiryApply)
	})
	group("Library", func(t *testing.T) {
		libraryTests(t, run)
	})
	group("Ping", func(t *testing.T) {
		run(t, "Healthy", testPing)
	})
}

// ---- CreateRoom ----

// The init change is the room's first change: its docs, counters, sets and
// events are all there, events numbered from 1 in a named epoch.
func testCreateAppliesInit(t *testing.T, _ Options, st rooms.Store) {
	init := rooms.Change{
		Puts: []rooms.Put{
			{Key: "meta", Value: raw(`{"title":"retro"}`)},
			{Key: "phase", Value: raw(`"lobby"`)},
		},
		Incrs: []rooms.Incr{{Key: "members", By: 1}},
		Once:  []rooms.Once{{Set: "joined", Member: "alice"}},
		Events: []rooms.Draft{
			{Type: "created", Data: raw(`{"by":"alice"}`)},
			{Type: "joined", To: rooms.Audience{Facilitators: true}},
		},
	}
	r := createRoom(t, st, init)
	pos := r.Created.Pos
	if pos.Epoch == "" || pos.Seq != 2 {
		t.Fatalf("CreateRoom Pos = %+v, want a non-empty epoch and seq 2", pos)
	}
	if r.Created.Duplicate {
		t.Error("CreateRoom reported Duplicate")
	}

	docs := mustGet(t, st, r.ID, "meta", "phase", "absent")
	wantDoc(t, docs[0], "meta", `{"title":"retro"}`)
	wantDoc(t, docs[1], "phase", `"lobby"`)
	wantAbsent(t, docs[2], "absent")
	if docs[0].Version == docs[1].Version {
		t.Errorf("two docs share version %d", docs[0].Version)
	}
	if got := mustCounters(t, st, r.ID, "members", "absent"); got[0] != 1 || got[1] != 0 {
		t.Errorf("Counters = %v, want [1 0]", got)
	}
	if !mustHas(t, st, r.ID, "joined", "alice") {
		t.Error(`Has("joined", "alice") = false after init`)
	}

	evs := mustHistory(t, st, r.ID, rooms.Position{Epoch: pos.Epoch})
	wantSeqs(t, evs, 1, 2)
	for i, typ := range []string{"created", "joined"} {
		if evs[i].Type != typ || evs[i].Room != r.ID || evs[i].Epoch != pos.Epoch {
			t.Errorf("event %d = %+v, want type %q in room %q epoch %q", i, evs[i], typ, r.ID, pos.Epoch)
		}
	}
	if !jsonEqual(evs[0].Data, raw(`{"by":"alice"}`)) || evs[1].To != (rooms.Audience{Facilitators: true}) {
		t.Errorf("events lost their data or audience: %+v", evs)
	}
	if got := mustLoad(t, st, r.ID); got.Pos != pos {
		t.Errorf("Load Pos = %+v, want %+v", got.Pos, pos)
	}
}

// A join code leads to its room; an unknown one to ErrRoomNotFound.
func testRoomByCode(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	a := createRoom(t, st, rooms.Change{})
	b := createRoom(t, st, rooms.Change{})
	for _, r := range []testRoom{a, b} {
		if id, err := st.RoomByCode(ctx, r.Code); err != nil || id != r.ID {
			t.Errorf("RoomByCode(%q) = %q, %v; want %q", r.Code, id, err, r.ID)
		}
	}
	if id, err := st.RoomByCode(ctx, randomID("nocode")); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("RoomByCode(unknown) = %q, %v; want ErrRoomNotFound", id, err)
	}
}

// A second room may not take a code in use; the failed create leaves the
// first room alone and creates nothing, so its id stays free.
func testCodeTaken(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	first := createRoom(t, st, rooms.Change{
		Puts:   []rooms.Put{{Key: "k", Value: raw(`1`)}},
		Events: []rooms.Draft{{Type: "created"}},
	})
	before := mustLoad(t, st, first.ID)

	id2 := randomID("room")
	_, err := st.CreateRoom(ctx, id2, first.Code, longTTL, rooms.Change{
		Puts:   []rooms.Put{{Key: "k", Value: raw(`2`)}},
		Events: []rooms.Draft{{Type: "created"}},
	})
	if !errors.Is(err, rooms.ErrCodeTaken) {
		t.Fatalf("CreateRoom with a taken code: err = %v, want ErrCodeTaken", err)
	}
	if id, err := st.RoomByCode(ctx, first.Code); err != nil || id != first.ID {
		t.Errorf("RoomByCode = %q, %v; want the first room %q", id, err, first.ID)
	}
	wantState(t, mustLoad(t, st, first.ID), before)
	if _, err := st.Get(ctx, id2, "k"); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("Get on the room that failed to create: err = %v, want ErrRoomNotFound", err)
	}
	// Nothing of the failed room was kept: its id can be created for real.
	code2 := randomID("code")
	if _, err := st.CreateRoom(ctx, id2, code2, longTTL, rooms.Change{}); err != nil {
		t.Fatalf("CreateRoom with the failed id and a free code: %v", err)
	}
	if got := mustGet(t, st, id2, "k"); got[0].Version != 0 {
		t.Errorf("new room has doc %+v from the failed create", got[0])
	}
}

// An id can only be created once; the failed create claims no code.
func testRoomExists(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{
		Puts:   []rooms.Put{{Key: "k", Value: raw(`1`)}},
		Events: []rooms.Draft{{Type: "created"}},
	})
	before := mustLoad(t, st, r.ID)

	code2 := randomID("code")
	_, err := st.CreateRoom(ctx, r.ID, code2, longTTL, rooms.Change{
		Puts:   []rooms.Put{{Key: "k", Value: raw(`2`)}},
		Events: []rooms.Draft{{Type: "created"}},
	})
	if !errors.Is(err, rooms.ErrRoomExists) {
		t.Fatalf("CreateRoom with an existing id: err = %v, want ErrRoomExists", err)
	}
	wantState(t, mustLoad(t, st, r.ID), before)
	if id, err := st.RoomByCode(ctx, code2); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("RoomByCode(code of the failed create) = %q, %v; want ErrRoomNotFound", id, err)
	}
	if id, err := st.RoomByCode(ctx, r.Code); err != nil || id != r.ID {
		t.Errorf("RoomByCode(original code) = %q, %v; want %q", id, err, r.ID)
	}
}

// Racing creates of one id, or of one code, have exactly one winner, and a
// live room's id and code stay taken while it is being changed.
func testCreateConcurrent(t *testing.T, _ Options, st rooms.Store) {
	const n = 10
	ctx := t.Context()
	// race runs create n times at once and returns the errors.
	race := func(create func(i int) error) []error {
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				errs[i] = create(i)
			})
		}
		close(start)
		wg.Wait()
		return errs
	}
	// winner checks that exactly one create succeeded and the rest failed
	// with want, and returns the winner.
	winner := func(errs []error, want error) int {
		t.Helper()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won < 0:
				won = i
			case err == nil:
				t.Errorf("creates %d and %d both succeeded", won, i)
			case !errors.Is(err, want):
				t.Errorf("create %d: err = %v, want %v", i, err, want)
			}
		}
		if won < 0 {
			t.Fatal("no create succeeded")
		}
		return won
	}

	id := randomID("room")
	codes := make([]string, n)
	for i := range codes {
		codes[i] = randomID("code")
	}
	wonID := winner(race(func(i int) error {
		_, err := st.CreateRoom(ctx, id, codes[i], longTTL, rooms.Change{Incrs: []rooms.Incr{{Key: "creates", By: 1}}})
		return err
	}), rooms.ErrRoomExists)
	for i, code := range codes {
		got, err := st.RoomByCode(ctx, code)
		if i == wonID && (err != nil || got != id) {
			t.Errorf("RoomByCode(winning code) = %q, %v; want %q", got, err, id)
		}
		if i != wonID && !errors.Is(err, rooms.ErrRoomNotFound) {
			t.Errorf("RoomByCode(losing code %d) = %q, %v; want ErrRoomNotFound", i, got, err)
		}
	}
	if c := mustCounters(t, st, id, "creates")[0]; c != 1 {
		t.Errorf("init applied %d times, want once", c)
	}

	code := randomID("code")
	ids := make([]string, n)
	for i := range ids {
		ids[i] = randomID("room")
	}
	wonCode := winner(race(func(i int) error {
		_, err := st.CreateRoom(ctx, ids[i], code, longTTL, rooms.Change{})
		return err
	}), rooms.ErrCodeTaken)
	if got, err := st.RoomByCode(ctx, code); err != nil || got != ids[wonCode] {
		t.Errorf("RoomByCode = %q, %v; want the winner %q", got, err, ids[wonCode])
	}

	// Creates that collide with a room while it is being touched and changed.
	errs := race(func(i int) error {
		switch i % 4 {
		case 0:
			return st.Touch(ctx, id)
		case 1:
			_, err := st.Apply(ctx, id, rooms.Change{Incrs: []rooms.Incr{{Key: "n", By: 1}}, Events: []rooms.Draft{{Type: "e"}}})
			return err
		case 2:
			if _, err := st.CreateRoom(ctx, id, randomID("code"), longTTL, rooms.Change{}); !errors.Is(err, rooms.ErrRoomExists) {
				return fmt.Errorf("CreateRoom with a live room's id: err = %v, want ErrRoomExists", err)
			}
		default:
			if _, err := st.CreateRoom(ctx, randomID("room"), codes[wonID], longTTL, rooms.Change{}); !errors.Is(err, rooms.ErrCodeTaken) {
				return fmt.Errorf("CreateRoom with a live room's code: err = %v, want ErrCodeTaken", err)
			}
		}
		return nil
	})
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// ---- Unknown rooms ----

// Every per-room method reports ErrRoomNotFound for a room that was never
// created, even when the store holds other rooms.
func testUnknownRoom(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	other := createRoom(t, st, rooms.Change{Events: []rooms.Draft{{Type: "created"}}})
	id := randomID("missing")

	check := func(method string, err error) {
		t.Helper()
		if !errors.Is(err, rooms.ErrRoomNotFound) {
			t.Errorf("%s on an unknown room: err = %v, want ErrRoomNotFound", method, err)
		}
	}
	_, err := st.Apply(ctx, id, rooms.Change{Puts: []rooms.Put{{Key: "k", Value: raw(`1`)}}})
	check("Apply", err)
	_, err = st.Get(ctx, id, "k")
	check("Get", err)
	_, err = st.Counters(ctx, id, "k")
	check("Counters", err)
	_, err = st.Has(ctx, id, "s", "m")
	check("Has", err)
	_, _, err = st.Reply(ctx, id, "a", "c")
	check("Reply", err)
	_, err = st.Load(ctx, id)
	check("Load", err)
	_, err = st.History(ctx, id, other.Created.Pos)
	check("History", err)
	check("Touch", st.Touch(ctx, id))
	cancel, err := st.Subscribe(id, func(rooms.Notice) {})
	check("Subscribe", err)
	if cancel != nil && err == nil {
		cancel()
	}
	// The failed Apply must not have created the room.
	_, err = st.Get(ctx, id, "k")
	check("Get after Apply", err)
}

// ---- Puts ----

// Versions are positive, and each write draws a version unlike any other
// in the room. They carry no order (see rooms.Doc).
func testPutVersions(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	mustApply(t, st, r.ID, rooms.Change{Puts: []rooms.Put{
		{Key: "a", Value: raw(`"a1"`)},
		{Key: "b", Value: raw(`"b1"`)},
		{Key: "c", Value: raw(`"c1"`)},
	}})
	docs := mustGet(t, st, r.ID, "a", "b", "c")
	seen := map[uint64]string{}
	for _, d := range docs {
		if d.Version == 0 {
			t.Errorf("doc %q has version 0 after a Put", d.Key)
		}
		if k, dup := seen[d.Version]; dup {
			t.Errorf("docs %q and %q share version %d", k, d.Key, d.Version)
		}
		seen[d.Version] = d.Key
	}
	wantDoc(t, docs[0], "a", `"a1"`)

	mustApply(t, st, r.ID, rooms.Change{Puts: []rooms.Put{{Key: "a", Value: raw(`"a2"`)}}})
	got := mustGet(t, st, r.ID, "a", "b")
	wantDoc(t, got[0], "a", `"a2"`)
	if _, dup := seen[got[0].Version]; dup {
		t.Errorf("rewritten doc reuses version %d", got[0].Version)
	}
	seen[got[0].Version] = "a"
	if got[1].Version != docs[1].Version || !jsonEqual(got[1].Value, docs[1].Value) {
		t.Errorf("untouched doc changed: %+v, was %+v", got[1], docs[1])
	}
	// A new key gets a version unlike every earlier one, too.
	mustApply(t, st, r.ID, rooms.Change{Puts: []rooms.Put{{Key: "d", Value: raw(`"d1"`)}}})
	if d := mustGet(t, st, r.ID, "d")[0]; seen[d.Version] != "" {
		t.Errorf("new doc reuses version %d", d.Version)
	}
}

// A Put with a nil Value deletes; writing the key again gets a version
// unlike any before, so stale Expects fail.
func testPutDelete(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Puts: []rooms.Put{{Key: "x", Value: raw(`1`)}}})
	mustApply(t, st, r.ID, rooms.Change{Puts: []rooms.Put{{Key: "x", Value: raw(`2`)}, {Key: "y", Value: raw(`3`)}}})
	earlier := map[uint64]bool{}
	for _, d := range mustGet(t, st, r.ID, "x", "y") {
		earlier[d.Version] = true
	}

	mustApply(t, st, r.ID, rooms.Change{Puts: []rooms.Put{{Key: "x"}}})
	wantAbsent(t, mustGet(t, st, r.ID, "x")[0], "x")
	if d, ok := mustLoad(t, st, r.ID).Docs["x"]; ok {
		t.Errorf("Load still holds deleted doc %+v", d)
	}
	// Deleting a doc that does not exist is harmless.
	mustApply(t, st, r.ID, rooms.Change{Puts: []rooms.Put{{Key: "never"}}})
	wantAbsent(t, mustGet(t, st, r.ID, "never")[0], "never")

	mustApply(t, st, r.ID, rooms.Change{Puts: []rooms.Put{{Key: "x", Value: raw(`4`)}}})
	d := mustGet(t, st, r.ID, "x")[0]
	wantDoc(t, d, "x", `4`)
	if d.Version == 0 || earlier[d.Version] {
		t.Errorf("re-created doc has version %d, which it had before", d.Version)
	}
}

// ---- Expect ----

// An Expect naming the current version lets the change through.
func testExpectMatch(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Puts: []rooms.Put{{Key: "x", Value: raw(`1`)}, {Key: "y", Value: raw(`1`)}}})
	docs := mustGet(t, st, r.ID, "x", "y")
	a := mustApply(t, st, r.ID, rooms.Change{
		Expect: []rooms.Expect{{Key: "x", Version: docs[0].Version}, {Key: "y", Version: docs[1].Version}},
		Puts:   []rooms.Put{{Key: "x", Value: raw(`2`)}},
		Events: []rooms.Draft{{Type: "changed"}},
	})
	if a.Pos.Seq != 1 {
		t.Errorf("Pos.Seq = %d, want 1", a.Pos.Seq)
	}
	x := mustGet(t, st, r.ID, "x")[0]
	wantDoc(t, x, "x", `2`)
	if x.Version == docs[0].Version {
		t.Errorf("version %d unchanged by a write", x.Version)
	}
}

// A stale Expect fails the whole change with ErrConflict, and not one of
// its effects happens.
func testExpectMismatch(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{
		Puts:   []rooms.Put{{Key: "x", Value: raw(`1`)}, {Key: "y", Value: raw(`1`)}},
		Events: []rooms.Draft{{Type: "created"}},
	})
	old := mustGet(t, st, r.ID, "x")[0].Version
	mustApply(t, st, r.ID, rooms.Change{Puts: []rooms.Put{{Key: "x", Value: raw(`2`)}}})
	y := mustGet(t, st, r.ID, "y")[0].Version

	applyFails(t, st, r.ID, rooms.Change{
		Actor:  "alice",
		CmdID:  "c1",
		Reply:  raw(`{"ok":true}`),
		Expect: []rooms.Expect{{Key: "y", Version: y}, {Key: "x", Version: old}},
		Once:   []rooms.Once{{Set: "voted", Member: "alice"}},
		Puts:   []rooms.Put{{Key: "x", Value: raw(`3`)}, {Key: "z", Value: raw(`1`)}},
		Incrs:  []rooms.Incr{{Key: "n", By: 1}},
		Events: []rooms.Draft{{Type: "changed"}},
		Touch:  []string{"tally"},
	}, isErr(rooms.ErrConflict))
}

// Version 0 in an Expect means "absent": it passes on a missing (or
// deleted) key and fails on a present one.
func testExpectAbsent(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	create := rooms.Change{
		Expect: []rooms.Expect{{Key: "x"}},
		Puts:   []rooms.Put{{Key: "x", Value: raw(`1`)}},
	}
	mustApply(t, st, r.ID, create)
	wantDoc(t, mustGet(t, st, r.ID, "x")[0], "x", `1`)

	create.Puts = []rooms.Put{{Key: "x", Value: raw(`2`)}}
	create.Events = []rooms.Draft{{Type: "created"}}
	applyFails(t, st, r.ID, create, isErr(rooms.ErrConflict))

	mustApply(t, st, r.ID, rooms.Change{Puts: []rooms.Put{{Key: "x"}}})
	mustApply(t, st, r.ID, create)
	wantDoc(t, mustGet(t, st, r.ID, "x")[0], "x", `2`)
}

// ---- Once ----

// Once adds members; Has and Load's set sizes report them.
func testOnceAdds(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	mustApply(t, st, r.ID, rooms.Change{Once: []rooms.Once{{Set: "voted", Member: "alice"}, {Set: "voted", Member: "bob"}}})
	mustApply(t, st, r.ID, rooms.Change{Once: []rooms.Once{{Set: "voted", Member: "carol"}, {Set: "joined", Member: "alice"}}})

	for _, tc := range []struct {
		set, member string
		want        bool
	}{
		{"voted", "alice", true}, {"voted", "bob", true}, {"voted", "carol", true},
		{"joined", "alice", true}, {"joined", "bob", false}, {"voted", "dave", false},
		{"nosuchset", "alice", false},
	} {
		if got := mustHas(t, st, r.ID, tc.set, tc.member); got != tc.want {
			t.Errorf("Has(%q, %q) = %v, want %v", tc.set, tc.member, got, tc.want)
		}
	}
	if sets := mustLoad(t, st, r.ID).Sets; sets["voted"] != 3 || sets["joined"] != 1 {
		t.Errorf("Load().Sets = %v, want voted:3 joined:1", sets)
	}
}

// A member already in the set fails the change with *OnceError naming the
// set, and nothing of it is applied.
func testOnceRepeat(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Once: []rooms.Once{{Set: "voted", Member: "alice"}}})
	applyFails(t, st, r.ID, rooms.Change{
		Actor:  "alice",
		CmdID:  "vote-2",
		Reply:  raw(`{"ok":true}`),
		Once:   []rooms.Once{{Set: "other", Member: "alice"}, {Set: "voted", Member: "alice"}},
		Puts:   []rooms.Put{{Key: "ballot", Value: raw(`"b"`)}},
		Incrs:  []rooms.Incr{{Key: "votes", By: 1}},
		Events: []rooms.Draft{{Type: "voted"}},
		Touch:  []string{"tally"},
	}, isOnce("voted"))
	if mustHas(t, st, r.ID, "other", "alice") {
		t.Error("the failed change added its other Once member")
	}
	if !mustHas(t, st, r.ID, "voted", "alice") {
		t.Error("the original member is gone")
	}
}

// The same (set, member) twice in one change is a repeat, too.
func testOnceTwiceInChange(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	applyFails(t, st, r.ID, rooms.Change{
		Once:   []rooms.Once{{Set: "voted", Member: "bob"}, {Set: "voted", Member: "bob"}},
		Incrs:  []rooms.Incr{{Key: "votes", By: 1}},
		Events: []rooms.Draft{{Type: "voted"}},
	}, isOnce("voted"))
	if mustHas(t, st, r.ID, "voted", "bob") {
		t.Error("the failed change added its member")
	}
	// The same member in two different sets is fine.
	mustApply(t, st, r.ID, rooms.Change{Once: []rooms.Once{{Set: "a", Member: "bob"}, {Set: "b", Member: "bob"}}})
	if !mustHas(t, st, r.ID, "a", "bob") || !mustHas(t, st, r.ID, "b", "bob") {
		t.Error("member not added to both sets")
	}
}

// ---- Incr ----

// Increments up to Max apply; the one that would pass it fails with
// *LimitError naming the key, applying nothing. Max 0 means no limit.
func testIncrMax(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	for i := 1; i <= 3; i++ {
		mustApply(t, st, r.ID, rooms.Change{Incrs: []rooms.Incr{{Key: "seats", By: 1, Max: 3}}})
		if got := mustCounters(t, st, r.ID, "seats")[0]; got != int64(i) {
			t.Fatalf("seats = %d, want %d", got, i)
		}
	}
	applyFails(t, st, r.ID, rooms.Change{
		Actor:  "dave",
		CmdID:  "join",
		Reply:  raw(`{"ok":true}`),
		Once:   []rooms.Once{{Set: "joined", Member: "dave"}},
		Puts:   []rooms.Put{{Key: "member:dave", Value: raw(`{}`)}},
		Incrs:  []rooms.Incr{{Key: "joins", By: 1}, {Key: "seats", By: 1, Max: 3}},
		Events: []rooms.Draft{{Type: "joined"}},
		Touch:  []string{"roster"},
	}, isLimit("seats"))
	if got := mustCounters(t, st, r.ID, "seats", "joins"); got[0] != 3 || got[1] != 0 {
		t.Errorf("counters = %v, want [3 0]", got)
	}
	mustApply(t, st, r.ID, rooms.Change{Incrs: []rooms.Incr{{Key: "free", By: 1000}}})
	if got := mustCounters(t, st, r.ID, "free")[0]; got != 1000 {
		t.Errorf("unlimited counter = %d, want 1000", got)
	}
}

// Two Incrs of one key in a change count together against Max.
func testIncrSummed(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Incrs: []rooms.Incr{{Key: "n", By: 1}}})
	applyFails(t, st, r.ID, rooms.Change{
		Incrs:  []rooms.Incr{{Key: "n", By: 1, Max: 3}, {Key: "n", By: 2, Max: 3}},
		Events: []rooms.Draft{{Type: "x"}},
	}, isLimit("n"))
	mustApply(t, st, r.ID, rooms.Change{Incrs: []rooms.Incr{{Key: "n", By: 1, Max: 3}, {Key: "n", By: 1, Max: 3}}})
	if got := mustCounters(t, st, r.ID, "n")[0]; got != 3 {
		t.Errorf("n = %d, want 3 (1 + 1 + 1)", got)
	}
}

// Negative increments count down, also below zero, and make room under Max.
func testIncrNegative(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Incrs: []rooms.Incr{{Key: "seats", By: 2, Max: 2}}})
	mustApply(t, st, r.ID, rooms.Change{Incrs: []rooms.Incr{{Key: "seats", By: -1, Max: 2}}})
	mustApply(t, st, r.ID, rooms.Change{Incrs: []rooms.Incr{{Key: "seats", By: 1, Max: 2}}})
	mustApply(t, st, r.ID, rooms.Change{Incrs: []rooms.Incr{{Key: "other", By: -5}}})
	if got := mustCounters(t, st, r.ID, "seats", "other"); got[0] != 2 || got[1] != -5 {
		t.Errorf("counters = %v, want [2 -5]", got)
	}
}

// Counters are int64 to the last unit, past where a double holds every
// integer (2^53): sums of large and small increments, in one change and
// across changes, up and down.
func testIncrExact(t *testing.T, _ Options, st rooms.Store) {
	const big = 1 << 62
	r := createRoom(t, st, rooms.Change{Incrs: []rooms.Incr{{Key: "a", By: big}, {Key: "b", By: 1<<53 - 1}}})
	mustApply(t, st, r.ID, rooms.Change{Incrs: []rooms.Incr{
		{Key: "a", By: 1}, {Key: "a", By: 2}, {Key: "b", By: 1}, {Key: "b", By: 1}, {Key: "c", By: 1<<53 + 1}, {Key: "d", By: -big - 3},
	}})
	mustApply(t, st, r.ID, rooms.Change{Incrs: []rooms.Incr{{Key: "c", By: 2}, {Key: "d", By: -4}, {Key: "e", By: 7}}})
	got := mustCounters(t, st, r.ID, "a", "b", "c", "d", "e")
	if want := []int64{big + 3, 1<<53 + 1, 1<<53 + 3, -big - 7, 7}; !slices.Equal(got, want) {
		t.Errorf("counters = %v, want %v", got, want)
	}
}

// A change with thousands of preconditions, once-only members, documents,
// counters and events applies whole, and one failing precondition among
// them refuses it whole.
func testBigChange(t *testing.T, o Options, st rooms.Store) {
	const n = 2500
	r := createRoom(t, st, rooms.Change{})
	var c rooms.Change
	for i := range n {
		c.Puts = append(c.Puts, rooms.Put{Key: fmt.Sprintf("doc:%05d", i), Value: raw(`1`)})
	}
	mustApply(t, st, r.ID, c)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("doc:%05d", i)
	}
	docs := mustGet(t, st, r.ID, keys...)
	c = rooms.Change{Actor: "a", CmdID: "big", Reply: raw(`"ok"`)}
	for i, d := range docs {
		c.Expect = append(c.Expect, rooms.Expect{Key: d.Key, Version: d.Version})
		c.Once = append(c.Once, rooms.Once{Set: "s", Member: fmt.Sprint("m", i)})
		c.Incrs = append(c.Incrs, rooms.Incr{Key: fmt.Sprintf("n:%05d", i), By: int64(i)})
		c.Puts = append(c.Puts, rooms.Put{Key: fmt.Sprintf("new:%05d", i), Value: raw(`2`)})
	}
	for range 1200 {
		c.Events = append(c.Events, rooms.Draft{Type: "e"})
	}
	bad := c
	bad.CmdID = "bad"
	bad.Expect = slices.Clone(c.Expect)
	bad.Expect[n-1].Version++
	applyFails(t, st, r.ID, bad, isErr(rooms.ErrConflict))
	seq := mustLoad(t, st, r.ID).Pos.Seq
	a := mustApply(t, st, r.ID, c)
	if a.Pos.Seq != seq+1200 {
		t.Errorf("seq = %d, want %d", a.Pos.Seq, seq+1200)
	}
	s := mustLoad(t, st, r.ID)
	if len(s.Docs) != 2*n || len(s.Counters) != n || s.Sets["s"] != n {
		t.Errorf("after the change: %d documents, %d counters, set size %d; want %d, %d, %d", len(s.Docs), len(s.Counters), s.Sets["s"], 2*n, n, n)
	}
	if got := mustCounters(t, st, r.ID, fmt.Sprintf("n:%05d", n-1))[0]; got != n-1 {
		t.Errorf("last counter = %d, want %d", got, n-1)
	}
	if !mustHas(t, st, r.ID, "s", fmt.Sprint("m", n-1)) {
		t.Error("the last once-only member is missing")
	}
	if evs := mustHistory(t, st, r.ID, rooms.Position{Epoch: a.Pos.Epoch, Seq: a.Pos.Seq - uint64(o.HistoryLimit)}); len(evs) != o.HistoryLimit {
		t.Errorf("history keeps %d events, want %d", len(evs), o.HistoryLimit)
	}
}

// ---- Order of checks (see rooms.Change) ----

// A re-send of an answered command is a duplicate even if its Expect no
// longer holds: the duplicate check comes first.
func testOrderDuplicateFirst(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Puts: []rooms.Put{{Key: "x", Value: raw(`1`)}}})
	v := mustGet(t, st, r.ID, "x")[0].Version
	c := rooms.Change{
		Actor: "alice", CmdID: "c1", Reply: raw(`"first"`),
		Expect: []rooms.Expect{{Key: "x", Version: v}},
		Puts:   []rooms.Put{{Key: "x", Value: raw(`2`)}},
	}
	mustApply(t, st, r.ID, c)
	a, err := st.Apply(t.Context(), r.ID, c)
	if err != nil || !a.Duplicate || !jsonEqual(a.Reply, raw(`"first"`)) {
		t.Errorf("re-send with a now stale Expect = %+v, %v; want the duplicate reply", a, err)
	}
}

// A stale Expect is reported before a repeated Once member.
func testOrderExpectBeforeOnce(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{
		Puts: []rooms.Put{{Key: "x", Value: raw(`1`)}},
		Once: []rooms.Once{{Set: "s", Member: "m"}},
	})
	_, err := st.Apply(t.Context(), r.ID, rooms.Change{
		Expect: []rooms.Expect{{Key: "x"}},
		Once:   []rooms.Once{{Set: "s", Member: "m"}},
		Incrs:  []rooms.Incr{{Key: "n", By: 2, Max: 1}},
	})
	if !errors.Is(err, rooms.ErrConflict) {
		t.Errorf("err = %v, want ErrConflict", err)
	}
}

// A repeated Once member is reported before a counter over its Max.
func testOrderOnceBeforeIncr(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Once: []rooms.Once{{Set: "s", Member: "m"}}})
	_, err := st.Apply(t.Context(), r.ID, rooms.Change{
		Once:  []rooms.Once{{Set: "s", Member: "m"}},
		Incrs: []rooms.Incr{{Key: "n", By: 2, Max: 1}},
	})
	var oe *rooms.OnceError
	if !errors.As(err, &oe) {
		t.Errorf("err = %v, want *OnceError", err)
	}
}

// ---- Replies ----

// A command's reply is stored with its effects; re-sending the command
// (whatever it now contains) returns that reply and applies nothing.
func testReplyDuplicate(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{})
	first := mustApply(t, st, r.ID, rooms.Change{
		Actor: "alice", CmdID: "c1", Reply: raw(`{"answer":1}`),
		Puts:   []rooms.Put{{Key: "x", Value: raw(`1`)}},
		Incrs:  []rooms.Incr{{Key: "n", By: 1}},
		Events: []rooms.Draft{{Type: "did"}},
	})
	if first.Duplicate {
		t.Fatal("first send reported Duplicate")
	}
	rep, ok, err := st.Reply(ctx, r.ID, "alice", "c1")
	if err != nil || !ok || !jsonEqual(rep, raw(`{"answer":1}`)) {
		t.Fatalf("Reply = %s, %v, %v; want the stored reply", rep, ok, err)
	}
	if _, ok, err := st.Reply(ctx, r.ID, "alice", "c2"); err != nil || ok {
		t.Errorf("Reply of an unknown command: ok = %v, err = %v; want false, nil", ok, err)
	}

	sub, _ := subscribe(t, st, r.ID)
	before := mustLoad(t, st, r.ID)
	again, err := st.Apply(ctx, r.ID, rooms.Change{
		Actor: "alice", CmdID: "c1", Reply: raw(`{"answer":2}`),
		Puts:   []rooms.Put{{Key: "x", Value: raw(`2`)}},
		Incrs:  []rooms.Incr{{Key: "n", By: 1}},
		Once:   []rooms.Once{{Set: "s", Member: "alice"}},
		Events: []rooms.Draft{{Type: "did"}},
		Touch:  []string{"tally"},
	})
	if err != nil {
		t.Fatalf("re-send: %v", err)
	}
	if !again.Duplicate || !jsonEqual(again.Reply, raw(`{"answer":1}`)) {
		t.Errorf("re-send = %+v, want Duplicate with the first reply", again)
	}
	if again.Pos != before.Pos {
		t.Errorf("duplicate Pos = %+v, want the unchanged position %+v", again.Pos, before.Pos)
	}
	wantState(t, mustLoad(t, st, r.ID), before)
	if rep, _, _ := st.Reply(ctx, r.ID, "alice", "c1"); !jsonEqual(rep, raw(`{"answer":1}`)) {
		t.Errorf("stored reply became %s", rep)
	}
	wantOnlyMarker(t, st, r.ID, sub)
}

// Command ids belong to their actor: the same id from another actor is a
// different command.
func testReplyPerActor(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{})
	a := mustApply(t, st, r.ID, rooms.Change{Actor: "alice", CmdID: "c1", Reply: raw(`"alice"`), Incrs: []rooms.Incr{{Key: "n", By: 1}}})
	b := mustApply(t, st, r.ID, rooms.Change{Actor: "bob", CmdID: "c1", Reply: raw(`"bob"`), Incrs: []rooms.Incr{{Key: "n", By: 1}}})
	if a.Duplicate || b.Duplicate {
		t.Errorf("Duplicate = %v, %v; want false, false", a.Duplicate, b.Duplicate)
	}
	if n := mustCounters(t, st, r.ID, "n")[0]; n != 2 {
		t.Errorf("n = %d, want 2", n)
	}
	for actor, want := range map[string]string{"alice": `"alice"`, "bob": `"bob"`} {
		if rep, ok, err := st.Reply(ctx, r.ID, actor, "c1"); err != nil || !ok || !jsonEqual(rep, raw(want)) {
			t.Errorf("Reply(%s, c1) = %s, %v, %v; want %s", actor, rep, ok, err, want)
		}
	}
	if _, ok, _ := st.Reply(ctx, r.ID, "carol", "c1"); ok {
		t.Error("Reply found for an actor that never sent c1")
	}
}

// A room keeps the answers to its last ReplyWindow commands, whoever sent
// them: each command has its own actor key (rooms.Member.ReplyKey), so a
// ring per actor would keep every answer for ever.
func testReplyWindow(t *testing.T, o Options, st rooms.Store) {
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{})
	other := createRoom(t, st, rooms.Change{})
	mustApply(t, st, other.ID, rooms.Change{Actor: "bob", CmdID: "b0", Reply: raw(`"bob"`)})
	mustApply(t, st, r.ID, rooms.Change{Actor: "bob", CmdID: "b0", Reply: raw(`"bob"`)})
	total := o.ReplyWindow + 5
	for i := range total {
		mustApply(t, st, r.ID, rooms.Change{
			Actor: fmt.Sprintf("a%d", i%3), CmdID: fmt.Sprintf("c%d", i), Reply: raw(fmt.Sprintf(`{"n":%d}`, i)),
			Incrs: []rooms.Incr{{Key: "n", By: 1}},
		})
	}
	for i := total - o.ReplyWindow; i < total; i++ {
		rep, ok, err := st.Reply(ctx, r.ID, fmt.Sprintf("a%d", i%3), fmt.Sprintf("c%d", i))
		if err != nil || !ok || !jsonEqual(rep, raw(fmt.Sprintf(`{"n":%d}`, i))) {
			t.Errorf("Reply(a%d, c%d) = %s, %v, %v; want it kept (within the room's last %d)", i%3, i, rep, ok, err, o.ReplyWindow)
		}
	}
	for i := range total - o.ReplyWindow {
		if _, ok, err := st.Reply(ctx, r.ID, fmt.Sprintf("a%d", i%3), fmt.Sprintf("c%d", i)); err != nil || ok {
			t.Errorf("Reply(a%d, c%d) kept, %v: only the room's last %d are", i%3, i, err, o.ReplyWindow)
		}
	}
	if _, ok, err := st.Reply(ctx, r.ID, "bob", "b0"); err != nil || ok {
		t.Errorf("bob's answer outlived %d later ones in its room: ok = %v, err = %v", total, ok, err)
	}
	if _, ok, err := st.Reply(ctx, other.ID, "bob", "b0"); err != nil || !ok {
		t.Errorf("another room's commands pushed bob's answer out: ok = %v, err = %v", ok, err)
	}
	// The oldest answer the window must keep still deduplicates.
	oldest := total - o.ReplyWindow
	a, err := st.Apply(ctx, r.ID, rooms.Change{
		Actor: fmt.Sprintf("a%d", oldest%3), CmdID: fmt.Sprintf("c%d", oldest), Reply: raw(`"new"`),
		Incrs: []rooms.Incr{{Key: "n", By: 1}},
	})
	if err != nil || !a.Duplicate || !jsonEqual(a.Reply, raw(fmt.Sprintf(`{"n":%d}`, oldest))) {
		t.Errorf("re-send of c%d = %+v, %v; want a duplicate", oldest, a, err)
	}
	if n := mustCounters(t, st, r.ID, "n")[0]; n != int64(total) {
		t.Errorf("n = %d, want %d", n, total)
	}
}

// A room keeps at least rooms.ReplyPerParticipant answers per
// participant: in a big room one burst does not turn the window over.
func testReplyWindowPerParticipant(t *testing.T, o Options, st rooms.Store) {
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{Incrs: []rooms.Incr{{Key: rooms.CounterParticipants, By: 2}}})
	window := max(o.ReplyWindow, 2*rooms.ReplyPerParticipant)
	total := window + 3
	for i := range total {
		mustApply(t, st, r.ID, rooms.Change{Actor: "a", CmdID: fmt.Sprint("c", i), Reply: raw(fmt.Sprint(i))})
	}
	for i := range total {
		_, ok, err := st.Reply(ctx, r.ID, "a", fmt.Sprint("c", i))
		if err != nil || ok != (i >= total-window) {
			t.Fatalf("Reply(c%d) kept = %v, %v; want the last %d of %d kept (2 participants)", i, ok, err, window, total)
		}
	}
}

// A command that changed the room is never applied twice, even sent again
// after its answer left the room's window (pushed out by other people's
// commands): it is a duplicate with no answer. One that changed nothing
// (a refusal, kept as its answer alone) is run again.
func testAppliedOutlivesItsAnswer(t *testing.T, o Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	card := rooms.Change{Actor: "ann", CmdID: "card", Reply: raw(`"ack"`), Incrs: []rooms.Incr{{Key: "cards", By: 1}}}
	refused := rooms.Change{Actor: "ann", CmdID: "bad", Reply: raw(`"refused"`)}
	mustApply(t, st, r.ID, card)
	mustApply(t, st, r.ID, refused)
	for i := range o.ReplyWindow + 2 {
		mustApply(t, st, r.ID, rooms.Change{Actor: "bob", CmdID: fmt.Sprint("b", i), Reply: raw(`"b"`)})
	}
	a, err := st.Apply(t.Context(), r.ID, card)
	if err != nil || !a.Duplicate || a.Reply != nil {
		t.Fatalf("card sent again after its answer left: %+v, %v; want a duplicate without an answer", a, err)
	}
	if n := mustCounters(t, st, r.ID, "cards")[0]; n != 1 {
		t.Fatalf("cards = %d, want 1", n)
	}
	if a, err := st.Apply(t.Context(), r.ID, refused); err != nil || a.Duplicate {
		t.Fatalf("a refusal sent again after its answer left: %+v, %v; want it run again", a, err)
	}
	// Bounded: AppliedPerAnswer × window later changes forget it.
	for i := range rooms.AppliedPerAnswer*o.ReplyWindow + 2 {
		mustApply(t, st, r.ID, rooms.Change{Actor: "bob", CmdID: fmt.Sprint("x", i), Reply: raw(`"x"`), Incrs: []rooms.Incr{{Key: "x", By: 1}}})
	}
	if a, err := st.Apply(t.Context(), r.ID, card); err != nil || a.Duplicate {
		t.Fatalf("card sent again after %d later changes: %+v, %v; want it forgotten (memory is bounded)", rooms.AppliedPerAnswer*o.ReplyWindow+2, a, err)
	}
}

// ---- Events ----

// Events get consecutive seqs across changes, Applied.Pos is the position
// after the change, and a change without events keeps the position.
func testEventSeqs(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Events: []rooms.Draft{{Type: "e1"}}})
	epoch := r.Created.Pos.Epoch
	steps := []struct {
		c    rooms.Change
		want uint64
	}{
		{rooms.Change{Events: []rooms.Draft{{Type: "e2"}, {Type: "e3"}}}, 3},
		{rooms.Change{Puts: []rooms.Put{{Key: "x", Value: raw(`1`)}}, Incrs: []rooms.Incr{{Key: "n", By: 1}}}, 3},
		{rooms.Change{Touch: []string{"tally"}}, 3},
		{rooms.Change{Events: []rooms.Draft{{Type: "e4"}}}, 4},
		{rooms.Change{Events: []rooms.Draft{{Type: "e5"}, {Type: "e6"}, {Type: "e7"}}}, 7},
	}
	for i, s := range steps {
		a := mustApply(t, st, r.ID, s.c)
		if a.Pos != (rooms.Position{Epoch: epoch, Seq: s.want}) {
			t.Errorf("step %d: Pos = %+v, want {%s %d}", i, a.Pos, epoch, s.want)
		}
	}
	evs := mustHistory(t, st, r.ID, rooms.Position{Epoch: epoch})
	wantSeqs(t, evs, 1, 7)
	for i, e := range evs {
		if want := fmt.Sprintf("e%d", i+1); e.Type != want {
			t.Errorf("event %d has type %q, want %q", e.Seq, e.Type, want)
		}
	}
	if p := mustLoad(t, st, r.ID).Pos; p.Seq != 7 || p.Epoch != epoch {
		t.Errorf("Load Pos = %+v, want {%s 7}", p, epoch)
	}
}

// Type, Data and Audience come back unchanged through History and Subscribe.
func testEventRoundTrip(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	sub, _ := subscribe(t, st, r.ID)
	drafts := []rooms.Draft{
		{Type: "note.added", Data: raw(`{"id":"n1","text":"hello \"world\"","tags":["a","b"],"n":1.5}`)},
		{Type: "phase", To: rooms.Audience{Facilitators: true}},
		{Type: "token", Data: raw(`"secret"`), To: rooms.Audience{Member: "m-42"}},
		{Type: "both", Data: raw(`[1,2,3]`), To: rooms.Audience{Facilitators: true, Member: "m-7"}},
	}
	a := mustApply(t, st, r.ID, rooms.Change{Events: drafts})

	check := func(how string, evs []rooms.Event) {
		t.Helper()
		wantSeqs(t, evs, 1, uint64(len(drafts)))
		for i, e := range evs {
			d := drafts[i]
			if e.Room != r.ID || e.Epoch != a.Pos.Epoch || e.Type != d.Type || e.To != d.To || !jsonEqual(e.Data, d.Data) {
				t.Errorf("%s event %d = %+v (data %s), want %+v (data %s) in room %q epoch %q",
					how, i, e, e.Data, d, d.Data, r.ID, a.Pos.Epoch)
			}
		}
	}
	check("History", mustHistory(t, st, r.ID, r.Created.Pos))
	check("Subscribe", eventsOf(sub.waitSeq(t, a.Pos.Seq)))
}

// ---- History ----

// History after a position returns exactly the later events, oldest first.
func testHistoryAfter(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Events: []rooms.Draft{{Type: "e1"}}})
	p2 := mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "e2"}}}).Pos
	mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "e3"}, {Type: "e4"}}})
	mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "e5"}}})

	evs := mustHistory(t, st, r.ID, p2)
	wantSeqs(t, evs, 3, 5)
	for i, e := range evs {
		if want := fmt.Sprintf("e%d", i+3); e.Type != want {
			t.Errorf("event %d has type %q, want %q", e.Seq, e.Type, want)
		}
	}
	wantSeqs(t, mustHistory(t, st, r.ID, rooms.Position{Epoch: p2.Epoch, Seq: 4}), 5, 5)
}

// At the current position there is nothing to catch up on.
func testHistoryCurrent(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	if evs := mustHistory(t, st, r.ID, r.Created.Pos); len(evs) != 0 {
		t.Errorf("History of a room without events = %+v, want none", evs)
	}
	a := mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "e1"}, {Type: "e2"}}})
	if evs := mustHistory(t, st, r.ID, a.Pos); len(evs) != 0 {
		t.Errorf("History at the current position = %+v, want none", evs)
	}
}

// A position from another epoch is never mistaken for one in this epoch.
func testHistoryOtherEpoch(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Events: []rooms.Draft{{Type: "e1"}, {Type: "e2"}}})
	other := createRoom(t, st, rooms.Change{Events: []rooms.Draft{{Type: "e1"}, {Type: "e2"}}})
	if r.Created.Pos.Epoch == other.Created.Pos.Epoch {
		t.Errorf("two rooms share epoch %q", r.Created.Pos.Epoch)
	}
	for _, p := range []rooms.Position{
		{Epoch: r.Created.Pos.Epoch + "x", Seq: 1},
		{Epoch: other.Created.Pos.Epoch, Seq: 1},
	} {
		if evs, err := st.History(t.Context(), r.ID, p); !errors.Is(err, rooms.ErrHistoryGone) {
			t.Errorf("History(%+v) = %v, %v; want ErrHistoryGone", p, evs, err)
		}
	}
}

// A position ahead of the room cannot be caught up from.
func testHistoryBeyond(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Events: []rooms.Draft{{Type: "e1"}}})
	p := r.Created.Pos
	p.Seq++
	if evs, err := st.History(t.Context(), r.ID, p); !errors.Is(err, rooms.ErrHistoryGone) {
		t.Errorf("History(%+v) at seq 1 = %v, %v; want ErrHistoryGone", p, evs, err)
	}
}

// Only the newest HistoryLimit events are kept: a position at the window's
// edge gets all of them, an older one ErrHistoryGone. Changes of one event
// and one change with more events than the limit both trim correctly.
func testHistoryTrimmed(t *testing.T, o Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Events: []rooms.Draft{{Type: "e"}}})
	for range 10 {
		mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "e"}}})
	}
	big := make([]rooms.Draft, o.HistoryLimit+5)
	for i := range big {
		big[i] = rooms.Draft{Type: "e"}
	}
	mustApply(t, st, r.ID, rooms.Change{Events: big})
	var a rooms.Applied
	for range 3 {
		a = mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "e"}}})
	}
	last := a.Pos.Seq
	limit := uint64(o.HistoryLimit)
	if want := uint64(1 + 10 + o.HistoryLimit + 5 + 3); last != want {
		t.Fatalf("seq = %d, want %d", last, want)
	}

	at := func(seq uint64) rooms.Position { return rooms.Position{Epoch: a.Pos.Epoch, Seq: seq} }
	wantSeqs(t, mustHistory(t, st, r.ID, at(last-limit)), last-limit+1, last)
	wantSeqs(t, mustHistory(t, st, r.ID, at(last-limit/2)), last-limit/2+1, last)
	wantSeqs(t, mustHistory(t, st, r.ID, at(last-1)), last, last)
	for _, seq := range []uint64{0, 1, last - limit - 1} {
		if evs, err := st.History(t.Context(), r.ID, at(seq)); !errors.Is(err, rooms.ErrHistoryGone) {
			t.Errorf("History after seq %d (kept: %d..%d) = %d events, %v; want ErrHistoryGone",
				seq, last-limit+1, last, len(evs), err)
		}
	}
}

// ---- Subscribe ----

// Notices carry every event in seq order, Touched empty.
func testSubscribeOrder(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{Events: []rooms.Draft{{Type: "e1"}}})
	sub, _ := subscribe(t, st, r.ID)
	var a rooms.Applied
	for i := range 10 {
		evs := make([]rooms.Draft, i%3+1)
		for j := range evs {
			evs[j] = rooms.Draft{Type: "e", Data: raw(fmt.Sprintf(`[%d,%d]`, i, j))}
		}
		a = mustApply(t, st, r.ID, rooms.Change{Events: evs})
	}
	ns := sub.waitSeq(t, a.Pos.Seq)
	for _, n := range ns {
		if n.Room != r.ID || n.Event == nil || len(n.Touched) != 0 || n.At.IsZero() {
			t.Errorf("notice = %+v, want an event of room %q with At set", n, r.ID)
		}
	}
	evs := eventsOf(ns)
	wantSeqs(t, evs, 2, a.Pos.Seq)
	hist := mustHistory(t, st, r.ID, r.Created.Pos)
	for i := range min(len(evs), len(hist)) {
		if !reflect.DeepEqual(normalized(evs[i]), normalized(hist[i])) {
			t.Errorf("notice event %+v differs from history %+v", evs[i], hist[i])
		}
	}
}

// Touch keys arrive as a notice without an event, after the change's events.
func testSubscribeTouched(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	sub, _ := subscribe(t, st, r.ID)
	mustApply(t, st, r.ID, rooms.Change{Touch: []string{"tally", "roster"}})
	mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "e1"}}, Touch: []string{"tally"}})
	m := mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "marker"}}})
	ns := sub.waitSeq(t, m.Pos.Seq)

	if len(ns) != 4 {
		t.Fatalf("got %d notices, want 4: %+v", len(ns), ns)
	}
	wantTouched := func(n rooms.Notice, keys ...string) {
		t.Helper()
		got := slices.Sorted(slices.Values(n.Touched))
		if n.Event != nil || n.Room != r.ID || !slices.Equal(got, slices.Sorted(slices.Values(keys))) {
			t.Errorf("notice = %+v, want Touched %v and no event", n, keys)
		}
	}
	wantTouched(ns[0], "tally", "roster")
	if ns[1].Event == nil || ns[1].Event.Seq != 1 {
		t.Errorf("notice 1 = %+v, want event 1 (events come before Touched)", ns[1])
	}
	wantTouched(ns[2], "tally")
	if ns[3].Event == nil || ns[3].Event.Type != "marker" {
		t.Errorf("notice 3 = %+v, want the marker event", ns[3])
	}
}

// After cancel returns no more notices arrive; cancel twice is harmless.
func testSubscribeCancel(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	gone, cancel := subscribe(t, st, r.ID)
	stay, _ := subscribe(t, st, r.ID)
	a := mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "e1"}}})
	gone.waitSeq(t, a.Pos.Seq)
	stay.waitSeq(t, a.Pos.Seq)

	cancel()
	cancel()
	seen := len(gone.all())
	b := mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "e2"}}, Touch: []string{"tally"}})
	stay.waitSeq(t, b.Pos.Seq)
	// stay has seen the event; give a late delivery to gone a moment to show.
	time.Sleep(100 * time.Millisecond)
	if got := gone.all(); len(got) != seen {
		t.Errorf("cancelled subscriber got %d more notices: %+v", len(got)-seen, got[seen:])
	}
}

// Every subscriber gets every notice.
func testSubscribeTwo(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{})
	s1, _ := subscribe(t, st, r.ID)
	s2, _ := subscribe(t, st, r.ID)
	var a rooms.Applied
	for range 5 {
		a = mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "e"}}})
	}
	wantSeqs(t, eventsOf(s1.waitSeq(t, a.Pos.Seq)), 1, 5)
	wantSeqs(t, eventsOf(s2.waitSeq(t, a.Pos.Seq)), 1, 5)
}

// ---- Load ----

// Load is the whole room at the latest position, and a copy: changing the
// returned maps changes nothing in the store.
func testLoadCopy(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{
		Puts:   []rooms.Put{{Key: "a", Value: raw(`{"v":1}`)}},
		Events: []rooms.Draft{{Type: "created"}},
	})
	a := mustApply(t, st, r.ID, rooms.Change{
		Puts:   []rooms.Put{{Key: "b", Value: raw(`[2]`)}},
		Incrs:  []rooms.Incr{{Key: "n", By: 7}},
		Once:   []rooms.Once{{Set: "s", Member: "x"}, {Set: "s", Member: "y"}},
		Events: []rooms.Draft{{Type: "e"}},
	})
	got := mustLoad(t, st, r.ID)
	if got.Pos != a.Pos {
		t.Errorf("Load Pos = %+v, want the latest Applied.Pos %+v", got.Pos, a.Pos)
	}
	docs := mustGet(t, st, r.ID, "a", "b")
	for _, d := range docs {
		if l := got.Docs[d.Key]; l.Key != d.Key || l.Version != d.Version || !jsonEqual(l.Value, d.Value) {
			t.Errorf("Load doc %+v, Get says %+v", l, d)
		}
	}
	if len(got.Docs) != 2 || !maps.Equal(got.Counters, map[string]int64{"n": 7}) || !maps.Equal(got.Sets, map[string]int{"s": 2}) {
		t.Errorf("Load = %+v, want docs a and b, counter n=7, set s of 2", got)
	}

	delete(got.Docs, "a")
	got.Docs["z"] = rooms.Doc{Key: "z", Value: raw(`1`), Version: 99}
	got.Counters["n"] = 100
	got.Counters["m"] = 1
	got.Sets["s"] = 50
	got.Sets["t"] = 1

	again := mustLoad(t, st, r.ID)
	if len(again.Docs) != 2 || again.Docs["a"].Version != docs[0].Version ||
		!maps.Equal(again.Counters, map[string]int64{"n": 7}) || !maps.Equal(again.Sets, map[string]int{"s": 2}) {
		t.Errorf("after changing a loaded copy, Load = %+v", again)
	}
	wantDoc(t, mustGet(t, st, r.ID, "a")[0], "a", `{"v":1}`)
	if n := mustCounters(t, st, r.ID, "n")[0]; n != 7 {
		t.Errorf("n = %d, want 7", n)
	}
}

// ---- Concurrency ----

// Concurrent changes are each applied exactly once and atomically: every
// Load sees counter, set and seq move together, and the subscription sees
// every seq once, in order.
func testConcurrentChanges(t *testing.T, _ Options, st rooms.Store) {
	const goroutines, perG = 20, 50
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{Events: []rooms.Draft{{Type: "created"}}})
	base := r.Created.Pos.Seq
	sub, _ := subscribe(t, st, r.ID)

	done := make(chan struct{})
	var loads sync.WaitGroup
	loads.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			s, err := st.Load(ctx, r.ID)
			if err != nil {
				t.Errorf("Load: %v", err)
				return
			}
			if n, k := s.Counters["votes"], s.Sets["voters"]; n != int64(k) || uint64(n) != s.Pos.Seq-base {
				t.Errorf("inconsistent Load: votes=%d voters=%d seq=%d (base %d)", n, k, s.Pos.Seq, base)
				return
			}
		}
	})

	var mu sync.Mutex
	seqs := map[uint64]int{}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perG {
				member := fmt.Sprintf("g%d-%d", g, i)
				a, err := st.Apply(ctx, r.ID, rooms.Change{
					Incrs:  []rooms.Incr{{Key: "votes", By: 1}},
					Once:   []rooms.Once{{Set: "voters", Member: member}},
					Events: []rooms.Draft{{Type: "vote", Data: raw(fmt.Sprintf(`%q`, member))}},
				})
				if err != nil {
					t.Errorf("Apply %s: %v", member, err)
					return
				}
				mu.Lock()
				seqs[a.Pos.Seq]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(done)
	loads.Wait()

	const total = goroutines * perG
	for seq := base + 1; seq <= base+total; seq++ {
		if seqs[seq] != 1 {
			t.Errorf("Applied.Pos.Seq %d returned %d times, want once", seq, seqs[seq])
		}
	}
	if n := mustCounters(t, st, r.ID, "votes")[0]; n != total {
		t.Errorf("votes = %d, want %d", n, total)
	}
	if s := mustLoad(t, st, r.ID); s.Sets["voters"] != total || s.Pos.Seq != base+total {
		t.Errorf("Load = %+v, want %d voters at seq %d", s, total, base+total)
	}
	if !mustHas(t, st, r.ID, "voters", "g19-49") {
		t.Error("voter g19-49 missing")
	}
	wantSeqs(t, eventsOf(sub.waitSeq(t, base+total)), base+1, base+total)
}

// Concurrent re-sends of one command apply it once; all get its reply.
func testConcurrentResends(t *testing.T, _ Options, st rooms.Store) {
	const n = 10
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{})
	c := rooms.Change{
		Actor: "alice", CmdID: "vote-1", Reply: raw(`{"ok":true}`),
		Incrs:  []rooms.Incr{{Key: "votes", By: 1}},
		Events: []rooms.Draft{{Type: "voted"}},
	}
	start := make(chan struct{})
	results := make([]rooms.Applied, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			results[i], errs[i] = st.Apply(ctx, r.ID, c)
		})
	}
	close(start)
	wg.Wait()

	applied := 0
	for i, a := range results {
		if errs[i] != nil {
			t.Errorf("send %d: %v", i, errs[i])
			continue
		}
		if !a.Duplicate {
			applied++
		} else if !jsonEqual(a.Reply, c.Reply) {
			t.Errorf("send %d: duplicate reply %s, want %s", i, a.Reply, c.Reply)
		}
	}
	if applied != 1 {
		t.Errorf("%d sends applied, want exactly 1", applied)
	}
	if v := mustCounters(t, st, r.ID, "votes")[0]; v != 1 {
		t.Errorf("votes = %d, want 1", v)
	}
	if p := mustLoad(t, st, r.ID).Pos; p.Seq != 1 {
		t.Errorf("seq = %d, want 1", p.Seq)
	}
}

// ---- Expiry ----

// A room left alone past its ttl is gone with its code. Its id and code are
// then free: reusing them together, or each on its own with a new partner,
// makes a fresh room that shares nothing with the old, not even its epoch,
// and an old code never leads to a new room that reused only the id.
func testExpiryIdle(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	const ttl = 300 * time.Millisecond
	create := func(id, code string, ttl time.Duration) rooms.Applied {
		t.Helper()
		a, err := st.CreateRoom(ctx, id, code, ttl, rooms.Change{
			Puts:   []rooms.Put{{Key: "k", Value: raw(`1`)}},
			Events: []rooms.Draft{{Type: "created"}},
		})
		if err != nil {
			t.Fatalf("CreateRoom(%q, %q): %v", id, code, err)
		}
		return a
	}
	// Room a is re-created with its id and code, b with its id only, and
	// c's code goes to a new room.
	idA, codeA := randomID("room"), randomID("code")
	idB, codeB := randomID("room"), randomID("code")
	idC, codeC := randomID("room"), randomID("code")
	create(idA, codeA, ttl)
	oldA := mustApply(t, st, idA, rooms.Change{
		Actor: "alice", CmdID: "c1", Reply: raw(`"ok"`),
		Once:   []rooms.Once{{Set: "s", Member: "m"}},
		Incrs:  []rooms.Incr{{Key: "n", By: 5}},
		Puts:   []rooms.Put{{Key: "k2", Value: raw(`2`)}},
		Events: []rooms.Draft{{Type: "e"}},
	})
	create(idB, codeB, ttl)
	create(idC, codeC, ttl)

	for _, id := range []string{idA, idB, idC} {
		eventually(t, "the room to expire", func() bool {
			_, err := st.Get(ctx, id, "k")
			return errors.Is(err, rooms.ErrRoomNotFound)
		})
	}
	for _, code := range []string{codeA, codeB, codeC} {
		if got, err := st.RoomByCode(ctx, code); !errors.Is(err, rooms.ErrRoomNotFound) {
			t.Errorf("RoomByCode of an expired room = %q, %v; want ErrRoomNotFound", got, err)
		}
	}
	if _, err := st.Apply(ctx, idA, rooms.Change{Events: []rooms.Draft{{Type: "e"}}}); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("Apply to an expired room: err = %v, want ErrRoomNotFound", err)
	}
	if err := st.Touch(ctx, idA); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("Touch of an expired room: err = %v, want ErrRoomNotFound", err)
	}

	newA := create(idA, codeA, longTTL)
	if newA.Pos.Epoch == oldA.Pos.Epoch {
		t.Errorf("re-created room reuses epoch %q", oldA.Pos.Epoch)
	}
	if _, err := st.History(ctx, idA, oldA.Pos); !errors.Is(err, rooms.ErrHistoryGone) {
		t.Errorf("History from the old room's position: err = %v, want ErrHistoryGone", err)
	}
	if mustHas(t, st, idA, "s", "m") || mustCounters(t, st, idA, "n")[0] != 0 {
		t.Error("re-created room kept the old room's set member or counter")
	}
	wantAbsent(t, mustGet(t, st, idA, "k2")[0], "k2")
	if _, ok, err := st.Reply(ctx, idA, "alice", "c1"); err != nil || ok {
		t.Errorf("re-created room kept the old room's reply (err %v)", err)
	}
	if evs := mustHistory(t, st, idA, rooms.Position{Epoch: newA.Pos.Epoch}); len(evs) != 1 || evs[0].Type != "created" {
		t.Errorf("re-created room history = %+v, want only its own created event", evs)
	}
	if got, err := st.RoomByCode(ctx, codeA); err != nil || got != idA {
		t.Errorf("RoomByCode = %q, %v; want %q", got, err, idA)
	}

	codeB2 := randomID("code")
	create(idB, codeB2, longTTL)
	if got, err := st.RoomByCode(ctx, codeB); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("RoomByCode(old code of a re-created id) = %q, %v; want ErrRoomNotFound", got, err)
	}
	if got, err := st.RoomByCode(ctx, codeB2); err != nil || got != idB {
		t.Errorf("RoomByCode(new code) = %q, %v; want %q", got, err, idB)
	}

	idC2 := randomID("room")
	create(idC2, codeC, longTTL)
	if got, err := st.RoomByCode(ctx, codeC); err != nil || got != idC2 {
		t.Errorf("RoomByCode(reused code) = %q, %v; want the new room %q", got, err, idC2)
	}
	if _, err := st.Get(ctx, idC, "k"); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("Get on the expired room whose code was reused: err = %v, want ErrRoomNotFound", err)
	}
	// The old code of b is free too.
	create(randomID("room"), codeB, longTTL)
}

// Touch refreshes the expiry: a room touched often outlives its ttl, and
// expires once the touching stops.
func testExpiryTouch(t *testing.T, _ Options, st rooms.Store) {
	keepAlive(t, st, func(id string) error { return st.Touch(t.Context(), id) })
}

// Every applied change refreshes the expiry, too.
func testExpiryApply(t *testing.T, _ Options, st rooms.Store) {
	keepAlive(t, st, func(id string) error {
		_, err := st.Apply(t.Context(), id, rooms.Change{Incrs: []rooms.Incr{{Key: "n", By: 1}}})
		return err
	})
}

// keepAlive creates a room with a 1s ttl, calls refresh every 100ms for
// three ttls (ten refreshes per ttl, so a busy machine's stalls do not
// let it lapse), checks the room survived with its state, then stops and waits
// for the room to expire.
func keepAlive(t *testing.T, st rooms.Store, refresh func(id string) error) {
	t.Helper()
	const ttl = time.Second
	ctx := t.Context()
	id, code := randomID("room"), randomID("code")
	if _, err := st.CreateRoom(ctx, id, code, ttl, rooms.Change{Puts: []rooms.Put{{Key: "k", Value: raw(`1`)}}}); err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for end := time.Now().Add(3 * ttl); time.Now().Before(end); {
		<-tick.C
		if err := refresh(id); err != nil {
			t.Fatalf("refreshing a live room: %v", err)
		}
	}
	wantDoc(t, mustGet(t, st, id, "k")[0], "k", `1`)
	if got, err := st.RoomByCode(ctx, code); err != nil || got != id {
		t.Errorf("RoomByCode of a kept-alive room = %q, %v; want %q", got, err, id)
	}
	tick.Stop()
	eventually(t, "the room to expire once left alone", func() bool {
		_, err := st.RoomByCode(ctx, code)
		return errors.Is(err, rooms.ErrRoomNotFound)
	})
}

// CountRooms counts the rooms that have not expired.
func testCountRooms(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	count := func() int {
		t.Helper()
		n, err := st.CountRooms(ctx)
		if err != nil {
			t.Fatalf("CountRooms: %v", err)
		}
		return n
	}
	n0 := count()
	createRoom(t, st, rooms.Change{})
	createRoom(t, st, rooms.Change{})
	if _, err := st.CreateRoom(ctx, randomID("room"), randomID("code"), 500*time.Millisecond, rooms.Change{}); err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	if n := count(); n != n0+3 {
		t.Errorf("CountRooms = %d, want %d", n, n0+3)
	}
	eventually(t, "CountRooms to drop the expired room", func() bool { return count() == n0+2 })
}

// ---- Ping ----

func testPing(t *testing.T, _ Options, st rooms.Store) {
	if err := st.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// ---- helpers ----

type testRoom struct {
	ID, Code string
	Created  rooms.Applied
}

// randomID returns a fresh, unguessable name, so rooms never collide even
// in a store shared across tests.
func randomID(prefix string) string { return prefix + "-" + rand.Text() }

func raw(s string) json.RawMessage { return json.RawMessage(s) }

// createRoom creates a room with a random id and code that outlives the test.
func createRoom(t *testing.T, st rooms.Store, init rooms.Change) testRoom {
	t.Helper()
	r := testRoom{ID: randomID("room"), Code: randomID("code")}
	a, err := st.CreateRoom(t.Context(), r.ID, r.Code, longTTL, init)
	if err != nil {
		t.Fatalf("CreateRoom: %v", err)
	}
	r.Created = a
	return r
}

func mustApply(t *testing.T, st rooms.Store, room string, c rooms.Change) rooms.Applied {
	t.Helper()
	a, err := st.Apply(t.Context(), room, c)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if a.Duplicate {
		t.Fatalf("Apply: unexpected Duplicate for %+v", c)
	}
	return a
}

func mustGet(t *testing.T, st rooms.Store, room string, keys ...string) []rooms.Doc {
	t.Helper()
	docs, err := st.Get(t.Context(), room, keys...)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if len(docs) != len(keys) {
		t.Fatalf("Get(%v) returned %d docs", keys, len(docs))
	}
	for i, d := range docs {
		if d.Key != keys[i] {
			t.Fatalf("Get(%v)[%d] is %q: docs out of order", keys, i, d.Key)
		}
	}
	return docs
}

func mustCounters(t *testing.T, st rooms.Store, room string, keys ...string) []int64 {
	t.Helper()
	ns, err := st.Counters(t.Context(), room, keys...)
	if err != nil {
		t.Fatalf("Counters: %v", err)
	}
	if len(ns) != len(keys) {
		t.Fatalf("Counters(%v) returned %d values", keys, len(ns))
	}
	return ns
}

func mustHas(t *testing.T, st rooms.Store, room, set, member string) bool {
	t.Helper()
	ok, err := st.Has(t.Context(), room, set, member)
	if err != nil {
		t.Fatalf("Has: %v", err)
	}
	return ok
}

func mustLoad(t *testing.T, st rooms.Store, room string) *rooms.State {
	t.Helper()
	s, err := st.Load(t.Context(), room)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func mustHistory(t *testing.T, st rooms.Store, room string, after rooms.Position) []rooms.Event {
	t.Helper()
	evs, err := st.History(t.Context(), room, after)
	if err != nil {
		t.Fatalf("History(%+v): %v", after, err)
	}
	return evs
}

func wantDoc(t *testing.T, d rooms.Doc, key, value string) {
	t.Helper()
	if d.Key != key || d.Version == 0 || !jsonEqual(d.Value, raw(value)) {
		t.Errorf("doc = {%q %s v%d}, want {%q %s} with a version", d.Key, d.Value, d.Version, key, value)
	}
}

func wantAbsent(t *testing.T, d rooms.Doc, key string) {
	t.Helper()
	if d.Key != key || d.Version != 0 || len(d.Value) != 0 {
		t.Errorf("doc = {%q %s v%d}, want %q absent (version 0, no value)", d.Key, d.Value, d.Version, key)
	}
}

// wantState checks that a room's state is what it was.
func wantState(t *testing.T, got, want *rooms.State) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("room state changed:\n got  %+v\n want %+v", got, want)
	}
}

// wantSeqs checks that evs are exactly the events from..to, in order.
func wantSeqs(t *testing.T, evs []rooms.Event, from, to uint64) {
	t.Helper()
	if uint64(len(evs)) != to-from+1 {
		t.Errorf("got %d events, want seqs %d..%d", len(evs), from, to)
	}
	for i, e := range evs {
		if e.Seq != from+uint64(i) {
			t.Errorf("event %d has seq %d, want %d (seqs %v)", i, e.Seq, from+uint64(i), seqsOf(evs))
			return
		}
	}
}

func seqsOf(evs []rooms.Event) []uint64 {
	out := make([]uint64, len(evs))
	for i, e := range evs {
		out[i] = e.Seq
	}
	return out
}

// normalized returns e with its Data compacted, so that events are equal
// when their JSON is.
func normalized(e rooms.Event) rooms.Event {
	var b bytes.Buffer
	if len(e.Data) > 0 && json.Compact(&b, e.Data) == nil {
		e.Data = b.Bytes()
	}
	if len(e.Data) == 0 {
		e.Data = nil
	}
	return e
}

// jsonEqual reports whether a and b hold the same JSON value (or are both
// empty), however they are formatted.
func jsonEqual(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(x, y)
}

// Error checks for applyFails.

func isErr(target error) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Fatalf("err = %v, want %v", err, target)
		}
	}
}

func isOnce(set string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var oe *rooms.OnceError
		if !errors.As(err, &oe) || oe.Set != set {
			t.Fatalf("err = %v, want *OnceError{Set: %q}", err, set)
		}
	}
}

func isLimit(key string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var le *rooms.LimitError
		if !errors.As(err, &le) || le.Key != key {
			t.Fatalf("err = %v, want *LimitError{Key: %q}", err, key)
		}
	}
}

// applyFails applies c, which must fail as check says, and verifies that
// nothing of it happened: no state, no reply, no history, no notice.
func applyFails(t *testing.T, st rooms.Store, room string, c rooms.Change, check func(*testing.T, error)) {
	t.Helper()
	ctx := t.Context()
	sub, _ := subscribe(t, st, room)
	before := mustLoad(t, st, room)
	if c.CmdID != "" {
		if _, ok, err := st.Reply(ctx, room, c.Actor, c.CmdID); err != nil || ok {
			t.Fatalf("test bug: command %s/%s already answered (err %v)", c.Actor, c.CmdID, err)
		}
	}

	_, err := st.Apply(ctx, room, c)
	check(t, err)

	wantState(t, mustLoad(t, st, room), before)
	if evs := mustHistory(t, st, room, before.Pos); len(evs) != 0 {
		t.Errorf("failed change added events %+v", evs)
	}
	if c.CmdID != "" {
		if rep, ok, err := st.Reply(ctx, room, c.Actor, c.CmdID); err != nil || ok {
			t.Errorf("failed change stored reply %s (err %v)", rep, err)
		}
	}
	wantOnlyMarker(t, st, room, sub)
}

// wantOnlyMarker applies a change with one "marker" event and checks that
// sub gets it as its first and only notice. Notices arrive in order, so
// anything published since sub started would have come before the marker.
func wantOnlyMarker(t *testing.T, st rooms.Store, room string, sub *collector) {
	t.Helper()
	m := mustApply(t, st, room, rooms.Change{Events: []rooms.Draft{{Type: "marker"}}})
	ns := sub.waitSeq(t, m.Pos.Seq)
	if len(ns) != 1 || ns[0].Event == nil || ns[0].Event.Type != "marker" {
		t.Errorf("notices = %+v, want only the marker: something else was published", ns)
	}
}

// collector gathers a subscription's notices; the store may call it from
// any goroutine.
type collector struct {
	mu      sync.Mutex
	notices []rooms.Notice
}

// subscribe subscribes a new collector to room and cancels it when the
// test ends. It also returns cancel, for tests of cancelling.
func subscribe(t *testing.T, st rooms.Store, room string) (*collector, func()) {
	t.Helper()
	c := &collector{}
	cancel, err := st.Subscribe(room, c.add)
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	t.Cleanup(cancel)
	return c, cancel
}

func (c *collector) add(n rooms.Notice) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.notices = append(c.notices, n)
}

func (c *collector) all() []rooms.Notice {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.notices)
}

// waitSeq waits until the event with seq (or a later one) has arrived and
// returns every notice so far.
func (c *collector) waitSeq(t *testing.T, seq uint64) []rooms.Notice {
	t.Helper()
	var got []rooms.Notice
	eventually(t, fmt.Sprintf("the notice of event %d", seq), func() bool {
		got = c.all()
		return slices.ContainsFunc(got, func(n rooms.Notice) bool { return n.Event != nil && n.Event.Seq >= seq })
	})
	return got
}

// eventsOf returns the events of ns, skipping Touched notices.
func eventsOf(ns []rooms.Notice) []rooms.Event {
	var out []rooms.Event
	for _, n := range ns {
		if n.Event != nil {
			out = append(out, *n.Event)
		}
	}
	return out
}

// eventually polls cond until it holds, failing the test after waitTimeout.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", waitTimeout, what)
		}
		time.Sleep(pollInterval)
	}
}

// testSubscribeInEffect: a change applied right after Subscribe returns is
// seen. The hub subscribes and then reads the room's position; a store
// that subscribes lazily would lose the events in between.
func testSubscribeInEffect(t *testing.T, _ Options, st rooms.Store) {
	for i := range 30 {
		r := createRoom(t, st, rooms.Change{})
		got := make(chan rooms.Notice, 1)
		cancel, err := st.Subscribe(r.ID, func(n rooms.Notice) {
			select {
			case got <- n:
			default:
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		mustApply(t, st, r.ID, rooms.Change{Events: []rooms.Draft{{Type: "first"}}})
		select {
		case n := <-got:
			if n.Event == nil || n.Event.Seq != 1 {
				t.Fatalf("room %d: first notice %+v, want event 1", i, n)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("room %d: the event applied right after Subscribe never arrived", i)
		}
		cancel()
	}
}

func onlineSet(t *testing.T, st rooms.Store, room string) string {
	t.Helper()
	ms, err := st.Online(t.Context(), room)
	if err != nil {
		t.Fatalf("Online: %v", err)
	}
	sort.Strings(ms)
	return strings.Join(ms, ",")
}

// testPresenceUnion: Online is the union of every node's members, each
// once; a member stays online while any node has them.
func testPresenceUnion(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{})
	up := func(node string, add, remove []string) {
		t.Helper()
		if err := st.UpdatePresence(ctx, r.ID, node, add, remove, longTTL); err != nil {
			t.Fatalf("UpdatePresence: %v", err)
		}
	}
	if got := onlineSet(t, st, r.ID); got != "" {
		t.Fatalf("new room online %q", got)
	}
	up("a", []string{"m1", "m2"}, nil)
	up("b", []string{"m2", "m3"}, nil)
	if got := onlineSet(t, st, r.ID); got != "m1,m2,m3" {
		t.Fatalf("online %q", got)
	}
	up("a", nil, []string{"m2"})
	if got := onlineSet(t, st, r.ID); got != "m1,m2,m3" {
		t.Fatalf("m2 left node a only, online %q", got)
	}
	up("b", nil, []string{"m2", "never-there"})
	if got := onlineSet(t, st, r.ID); got != "m1,m3" {
		t.Fatalf("online %q", got)
	}
	// A reconnect storm's batch: thousands at once, in and out, beyond
	// what one command of a script takes.
	many := make([]string, 2500)
	for i := range many {
		many[i] = fmt.Sprintf("x%04d", i)
	}
	up("a", many, nil)
	up("b", many[:1500], nil)
	up("a", nil, many[1000:])
	ms, err := st.Online(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2+1500 {
		t.Fatalf("after a batch of 2,500 in and 1,500 out of one node: %d online, want 1,502", len(ms))
	}
	up("a", nil, many)
	up("b", nil, many)
	if got := onlineSet(t, st, r.ID); got != "m1,m3" {
		t.Fatalf("after the batch left: online %q", got)
	}
	if err := st.UpdatePresence(ctx, randomID("nope"), "a", []string{"x"}, nil, longTTL); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Fatalf("UpdatePresence on an unknown room: %v", err)
	}
	if _, err := st.Online(ctx, randomID("nope")); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Fatalf("Online on an unknown room: %v", err)
	}
}

// testPresenceNotice: a change of presence is published as a touch of
// "presence"; a refresh that changes nothing is not.
func testPresenceNotice(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{})
	var mu sync.Mutex
	var touched int
	cancel, err := st.Subscribe(r.ID, func(n rooms.Notice) {
		mu.Lock()
		defer mu.Unlock()
		if len(n.Touched) == 1 && n.Touched[0] == rooms.StatePresence {
			touched++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	count := func() int { mu.Lock(); defer mu.Unlock(); return touched }
	if err := st.UpdatePresence(ctx, r.ID, "a", []string{"m1"}, nil, longTTL); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a presence notice", func() bool { return count() == 1 })
	if err := st.UpdatePresence(ctx, r.ID, "a", nil, nil, longTTL); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdatePresence(ctx, r.ID, "a", []string{"m1"}, nil, longTTL); err != nil {
		t.Fatal(err)
	}
	// A marker change after the no-ops: once its notice is in, any notice
	// of the no-ops would have been too.
	if err := st.UpdatePresence(ctx, r.ID, "a", nil, []string{"m1"}, longTTL); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the marker's notice", func() bool { return count() >= 2 })
	if n := count(); n != 2 {
		t.Fatalf("%d presence notices, want 2: refreshes and repeats publish nothing", n)
	}
}

// testPresenceExpiry: the members of a node that stops refreshing expire;
// a node that keeps refreshing stays.
//
// The live node refreshes every 100 ms, ten times within its ttl, so that
// even on a loaded machine (a CI run under -race) its own entry never
// lapses: a refresh after it had, with the dead node's lapsed too, would
// give the dead node another ttl (testPresenceLapsedTogether), and a
// machine slow enough to do that every time would never see it go.
func testPresenceExpiry(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{})
	const ttl = time.Second
	if err := st.UpdatePresence(ctx, r.ID, "dead", []string{"m1"}, nil, ttl); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdatePresence(ctx, r.ID, "alive", []string{"m2"}, nil, ttl); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for onlineSet(t, st, r.ID) != "m2" {
		if time.Now().After(deadline) {
			t.Fatalf("dead node's member never expired: online %q", onlineSet(t, st, r.ID))
		}
		if err := st.UpdatePresence(ctx, r.ID, "alive", nil, nil, ttl); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// testPresenceDeadNotice: the refresh of a live node drops the members of
// a node that stopped refreshing, and says so with a presence notice;
// nobody has to read who is online for that.
func testPresenceDeadNotice(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{})
	var notices atomic.Int64
	cancel, err := st.Subscribe(r.ID, func(n rooms.Notice) {
		if len(n.Touched) == 1 && n.Touched[0] == rooms.StatePresence {
			notices.Add(1)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	const ttl = 300 * time.Millisecond
	if err := st.UpdatePresence(ctx, r.ID, "alive", []string{"m2"}, nil, longTTL); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdatePresence(ctx, r.ID, "dead", []string{"m1"}, nil, ttl); err != nil {
		t.Fatal(err)
	}
	eventually(t, "both notices", func() bool { return notices.Load() == 2 })
	time.Sleep(ttl + 100*time.Millisecond)
	// Reading who is online leaves the dead node's members out, and
	// leaves the dropping (and its notice) to the next refresh.
	if got := onlineSet(t, st, r.ID); got != "m2" {
		t.Fatalf("online %q once the dead node's ttl ran out, want m2", got)
	}
	if err := st.UpdatePresence(ctx, r.ID, "alive", nil, nil, longTTL); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the dead node's notice", func() bool { return notices.Load() == 3 })
	if got := onlineSet(t, st, r.ID); got != "m2" {
		t.Fatalf("online %q after the dead node's members dropped, want m2", got)
	}
	// Once dropped, they are not dropped again.
	if err := st.UpdatePresence(ctx, r.ID, "alive", nil, nil, longTTL); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdatePresence(ctx, r.ID, "alive", []string{"m3"}, nil, longTTL); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the marker's notice", func() bool { return notices.Load() >= 4 })
	if n := notices.Load(); n != 4 {
		t.Fatalf("%d presence notices, want 4", n)
	}
}

// testPresenceLapsedTogether: when every node's entries lapsed together
// (Redis stalled, or every node's link to it), the first node to write
// again does not drop the others' as dead, since no node refreshed while
// they lapsed: they get a ttl from then to write again, and go only if
// they do not. A node new to the room does not keep lapsed nodes.
//
// The node that comes back refreshes ten times within its ttl, so that its
// own entry never lapses again on a loaded machine (see testPresenceExpiry).
func testPresenceLapsedTogether(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	const ttl = time.Second
	up := func(room, node string, add []string) {
		t.Helper()
		if err := st.UpdatePresence(ctx, room, node, add, nil, ttl); err != nil {
			t.Fatal(err)
		}
	}
	r, fresh := createRoom(t, st, rooms.Change{}), createRoom(t, st, rooms.Change{})
	up(r.ID, "a", []string{"m1"})
	up(r.ID, "b", []string{"m2"})
	up(fresh.ID, "b", []string{"m2"})
	time.Sleep(ttl + 100*time.Millisecond)
	up(r.ID, "a", nil) // a is back first
	if got := onlineSet(t, st, r.ID); got != "m1,m2" {
		t.Fatalf("online %q once the first node was back, want m1,m2: the other was dropped as dead", got)
	}
	up(fresh.ID, "c", []string{"m3"}) // new to the room
	if got := onlineSet(t, st, fresh.ID); got != "m3" {
		t.Fatalf("online %q in a room a new node wrote to, want m3: it keeps a node it never saw", got)
	}
	// b never comes back: gone a ttl later, as a dead node.
	deadline := time.Now().Add(10 * time.Second)
	for onlineSet(t, st, r.ID) != "m1" {
		if time.Now().After(deadline) {
			t.Fatalf("the node that did not come back never expired: online %q", onlineSet(t, st, r.ID))
		}
		up(r.ID, "a", nil)
		time.Sleep(100 * time.Millisecond)
	}
}

// testLoadSkip: Load leaves out the documents under the skipped prefixes,
// and only those; "" leaves out every document.
func testLoadSkip(t *testing.T, _ Options, st rooms.Store) {
	r := createRoom(t, st, rooms.Change{
		Puts:  []rooms.Put{{Key: "tok:1", Value: raw(`1`)}, {Key: "bal:x", Value: raw(`2`)}, {Key: "room", Value: raw(`3`)}, {Key: "tokens", Value: raw(`4`)}},
		Incrs: []rooms.Incr{{Key: "n", By: 2}},
	})
	st2, err := st.Load(t.Context(), r.ID, "tok:", "bal:")
	if err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(maps.Keys(st2.Docs))
	if strings.Join(keys, ",") != "room,tokens" {
		t.Fatalf("Load skipping tok: and bal: gave %v", keys)
	}
	if st2.Docs["room"].Version == 0 || st2.Counters["n"] != 2 {
		t.Fatalf("skipping lost what it should keep: %+v", st2)
	}
	none, err := st.Load(t.Context(), r.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(none.Docs) != 0 || none.Counters["n"] != 2 || none.Pos != st2.Pos {
		t.Fatalf(`Load skipping "": %+v`, none)
	}
}

// LoadWith is Load, plus documents by key whether their class is skipped
// or not, from the same moment.
func testLoadWith(t *testing.T, _ Options, st rooms.Store) {
	r := classRoom(t, st)
	skip := []string{"tok:", "member:"}
	keys := []string{"member:a", "tok:1", "room", "member:zz", "bal:e1:a:1", "nosuch:1", "gone:1", "back:2"}
	got, docs, err := st.LoadWith(t.Context(), r.ID, keys, skip...)
	if err != nil {
		t.Fatal(err)
	}
	want := mustLoad(t, st, r.ID)
	for k := range want.Docs {
		if strings.HasPrefix(k, "tok:") || strings.HasPrefix(k, "member:") {
			delete(want.Docs, k)
		}
	}
	wantState(t, got, want)
	if len(docs) != len(keys) {
		t.Fatalf("LoadWith gave %d documents for %d keys", len(docs), len(keys))
	}
	for i, k := range keys {
		d := docs[i]
		if d.Key != k {
			t.Errorf("document %d is %q, want %q", i, d.Key, k)
		}
		if k == "member:zz" || k == "nosuch:1" || k == "gone:1" {
			if d.Version != 0 || d.Value != nil {
				t.Errorf("an absent document: %+v", d)
			}
			continue
		}
		b, _ := json.Marshal(k)
		if d.Version == 0 || string(d.Value) != string(b) {
			t.Errorf("%s: %+v, want its value %s", k, d, b)
		}
	}
	if _, _, err := st.LoadWith(t.Context(), "nosuchroom", keys); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("LoadWith of no room: %v, want ErrRoomNotFound", err)
	}
	// Without keys it is Load; without skip prefixes, the whole room.
	plain, docs, err := st.LoadWith(t.Context(), r.ID, nil, skip...)
	if err != nil || len(docs) != 0 {
		t.Fatalf("LoadWith without keys: %d documents, %v", len(docs), err)
	}
	wantState(t, plain, want)
	whole, docs, err := st.LoadWith(t.Context(), r.ID, keys[:1])
	if err != nil || len(docs) != 1 || docs[0].Version == 0 {
		t.Fatalf("LoadWith without skip prefixes: %+v, %v", docs, err)
	}
	wantState(t, whole, mustLoad(t, st, r.ID))
}

// classDocs are documents on either side of every class boundary (the key
// up to its first ':'), which stores may use to skip documents in bulk.
var classDocs = []string{
	"room", "tokens", "tok", "tok:1", "tok:2", "toka:1", "member:a", "member:b", "members",
	"bal:e1:a:1", "bal:e1:m:2", "bal:e10:a:3", "bal:e2:a:4", "ex:e1", "a:b:c", ":lead",
}

// classRoom creates a room holding classDocs, the value of each its key.
func classRoom(t *testing.T, st rooms.Store) testRoom {
	t.Helper()
	var c rooms.Change
	for _, k := range classDocs {
		b, _ := json.Marshal(k)
		c.Puts = append(c.Puts, rooms.Put{Key: k, Value: b})
	}
	r := createRoom(t, st, c)
	// A class emptied, and one emptied and written again.
	if _, err := st.Apply(t.Context(), r.ID, rooms.Change{Puts: []rooms.Put{
		{Key: "gone:1", Value: raw(`1`)}, {Key: "back:1", Value: raw(`1`)},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(t.Context(), r.ID, rooms.Change{Puts: []rooms.Put{
		{Key: "gone:1"}, {Key: "back:1"}, {Key: "back:2", Value: raw(`"back:2"`)},
	}}); err != nil {
		t.Fatal(err)
	}
	return r
}

// classKeys is classDocs with back:2, whose keys start with none of skip.
func classKeys(skip ...string) string {
	var out []string
	for _, k := range append(slices.Clone(classDocs), "back:2") {
		if !slices.ContainsFunc(skip, func(p string) bool { return strings.HasPrefix(k, p) }) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

// testLoadSkipClasses: skip prefixes coarser than, equal to and finer than
// a class, and ones that straddle no class, all leave out exactly the
// documents they start.
func testLoadSkipClasses(t *testing.T, _ Options, st rooms.Store) {
	r := classRoom(t, st)
	for _, skip := range [][]string{
		nil,
		{"tok:", "bal:", "member:"},
		{"tok"},
		{"to"},
		{"member"},
		{"members"},
		{"bal:e1:"},
		{"bal:e1"},
		{"bal:e1:a:"},
		{"bal:e1:a:1", "member:a"},
		{"a:b"},
		{":"},
		{"x:", "zzz"},
		{"gone:", "back:"},
		{"tok:", ""},
	} {
		s, err := st.Load(t.Context(), r.ID, skip...)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(slices.Sorted(maps.Keys(s.Docs)), ",")
		if want := classKeys(skip...); got != want {
			t.Errorf("Load skipping %q:\n got  %s\n want %s", skip, got, want)
		}
		for k, d := range s.Docs {
			if b, _ := json.Marshal(k); d.Key != k || d.Version == 0 || !jsonEqual(d.Value, b) {
				t.Errorf("Load skipping %q: %s = {%q %s v%d}", skip, k, d.Key, d.Value, d.Version)
			}
		}
	}
}

// testScanDocs: ScanDocs (through a store's DocScanner, if it has one)
// gives exactly the documents under a prefix, with their versions, sorted.
func testScanDocs(t *testing.T, _ Options, st rooms.Store) {
	r := classRoom(t, st)
	all := strings.Split(classKeys(), ",")
	for _, p := range []string{"", "tok", "tok:", "member:", "member", "bal:e1", "bal:e1:", "bal:e1:a:1", "a:", ":", "room", "gone:", "back:", "nothing:"} {
		docs, err := rooms.ScanDocs(t.Context(), st, r.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		var got, want []string
		for _, d := range docs {
			got = append(got, d.Key)
			if b, _ := json.Marshal(d.Key); d.Version == 0 || !jsonEqual(d.Value, b) {
				t.Errorf("ScanDocs(%q): {%q %s v%d}", p, d.Key, d.Value, d.Version)
			}
		}
		for _, k := range all {
			if strings.HasPrefix(k, p) {
				want = append(want, k)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("ScanDocs(%q) = %q, want %q", p, got, want)
		}
	}
}

// testScanCounters: ScanCounters (through a store's CounterScanner, if it
// has one) gives exactly the counters under a prefix.
func testScanCounters(t *testing.T, _ Options, st rooms.Store) {
	names := []string{"e1:a", "e1:b", "e10:a", "e2:a", "participants", "neg"}
	var c rooms.Change
	for i, k := range names {
		by := int64(i + 1)
		if k == "neg" {
			by = -3
		}
		c.Incrs = append(c.Incrs, rooms.Incr{Key: k, By: by})
	}
	c.Puts = []rooms.Put{{Key: "e1:doc", Value: raw(`1`)}}
	r := createRoom(t, st, c)
	for _, p := range []string{"", "e1", "e1:", "e1:a", "p", "nothing"} {
		got, err := rooms.ScanCounters(t.Context(), st, r.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{}
		for _, in := range c.Incrs {
			if strings.HasPrefix(in.Key, p) {
				want[in.Key] = in.By
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("ScanCounters(%q) = %v, want %v", p, got, want)
		}
	}
}

// testReadView: ReadView (through a store's ViewReader, if it has one)
// gives exactly what Get, ScanCounters, Counters and ScanDocs give for the
// same keys, names and prefixes, whatever the parts asked for; an unknown room is
// ErrRoomNotFound.
func testReadView(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	r := classRoom(t, st)
	mustApply(t, st, r.ID, rooms.Change{Incrs: []rooms.Incr{
		{Key: "e1:a", By: 1}, {Key: "e1:b", By: 2}, {Key: "e10:a", By: 3}, {Key: "n:e1", By: -4}, {Key: "participants", By: 5},
	}})
	for _, q := range []rooms.ViewQuery{
		{},
		{Keys: []string{"room"}},
		{Keys: []string{"ex:e1", "nothing", "member:a", "ex:e1"}, CounterPrefixes: []string{""}},
		{Keys: []string{"ex:e1"}, CounterPrefixes: []string{"e1:", "n:"}},
		{CounterPrefixes: []string{"nothing"}},
		{DocPrefixes: []string{"bal:e1:", "tok:"}},
		{DocPrefixes: []string{"bal:e1", "bal:", "member:a"}},
		{DocPrefixes: []string{"", "tok:"}},
		{DocPrefixes: []string{"gone:", "back:", "nothing:", "a:", ":"}},
		{Keys: []string{"back:2", "gone:1"}, CounterPrefixes: []string{"e1", "e10"}, DocPrefixes: []string{"member:", "room"}},
		{CounterKeys: []string{"participants", "nothing", "e1:a"}},
		{Keys: []string{"room"}, CounterPrefixes: []string{"e1:"}, CounterKeys: []string{"participants", "e1:b"}, DocPrefixes: []string{"bal:"}},
	} {
		got, err := rooms.ReadView(ctx, st, r.ID, q)
		if err != nil {
			t.Fatalf("ReadView(%+v): %v", q, err)
		}
		want := &rooms.ViewData{Counters: map[string]int64{}}
		if len(q.Keys) > 0 {
			want.Docs = mustGet(t, st, r.ID, q.Keys...)
		}
		for _, p := range q.CounterPrefixes {
			cs, err := rooms.ScanCounters(ctx, st, r.ID, p)
			if err != nil {
				t.Fatal(err)
			}
			maps.Copy(want.Counters, cs)
		}
		if len(q.CounterKeys) > 0 {
			ns, err := st.Counters(ctx, r.ID, q.CounterKeys...)
			if err != nil {
				t.Fatal(err)
			}
			for i, k := range q.CounterKeys {
				want.Counters[k] = ns[i]
			}
		}
		found := map[string]rooms.Doc{}
		for _, p := range q.DocPrefixes {
			docs, err := rooms.ScanDocs(ctx, st, r.ID, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				found[d.Key] = d
			}
		}
		want.Found = rooms.SortedDocs(found)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ReadView(%+v)\n got  %+v\n want %+v", q, got, want)
		}
	}
	if _, err := rooms.ReadView(ctx, st, randomID("room"), rooms.ViewQuery{Keys: []string{"room"}}); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("ReadView of an unknown room: err = %v, want ErrRoomNotFound", err)
	}
}

// testReadViewFollow: a ReadView with Follow also gives the document that a
// string field of one of its documents names; nothing when that document
// is absent, is not a JSON object or has no such string; an absent
// document (version 0) when the one named does not exist. The rest of the
// view is as without Follow.
func testReadViewFollow(t *testing.T, _ Options, st rooms.Store) {
	ctx := t.Context()
	r := createRoom(t, st, rooms.Change{Puts: []rooms.Put{
		{Key: "tok:a", Value: raw(`{"member":"m1","x":1}`)},
		{Key: "tok:gone", Value: raw(`{"member":"m9"}`)},
		{Key: "tok:num", Value: raw(`{"member":7}`)},
		{Key: "tok:empty", Value: raw(`{"member":""}`)},
		{Key: "tok:list", Value: raw(`["member"]`)},
		{Key: "tok:text", Value: raw(`"member"`)},
		{Key: "tok:esc", Value: raw(`{"member":"m\u00e9"}`)},
		{Key: "member:m1", Value: raw(`{"id":"m1"}`)},
		{Key: "member:mé", Value: raw(`{"id":"mé"}`)},
	}, Incrs: []rooms.Incr{{Key: "participants", By: 2}}})
	follow := &rooms.Follow{From: 1, Field: "member", Prefix: "member:"}
	for tok, want := range map[string]string{
		"tok:a": "member:m1", "tok:gone": "member:m9", "tok:esc": "member:mé",
		"tok:num": "", "tok:empty": "", "tok:list": "", "tok:text": "", "tok:nothing": "",
	} {
		keys := []string{"room", tok}
		got, err := rooms.ReadView(ctx, st, r.ID, rooms.ViewQuery{Keys: keys, CounterKeys: []string{"participants"}, Follow: follow})
		if err != nil {
			t.Fatalf("ReadView following %s: %v", tok, err)
		}
		wantV := &rooms.ViewData{Docs: mustGet(t, st, r.ID, keys...), Counters: map[string]int64{"participants": 2}}
		if want != "" {
			wantV.Followed = mustGet(t, st, r.ID, want)[0]
		}
		if !reflect.DeepEqual(got, wantV) {
			t.Errorf("ReadView following %s\n got  %+v\n want %+v", tok, got, wantV)
		}
		if k := follow.FollowedKey(got.Docs[1]); k != want {
			t.Errorf("FollowedKey of %s = %q, want %q", tok, k, want)
		}
	}
	if d := mustGet(t, st, r.ID, "member:m1")[0]; d.Version == 0 {
		t.Fatal("member:m1 was not written: the test checks nothing")
	}
}

// testReadViewEvents: a ReadView with After gives the events History
// gives for that position, or HistoryGone where History gives
// ErrHistoryGone, with the rest of the view as without it.
func testReadViewEvents(t *testing.T, o Options, st rooms.Store) {
	ctx := t.Context()
	r := classRoom(t, st)
	var c rooms.Change
	for i := range o.HistoryLimit + 5 {
		c.Events = append(c.Events, rooms.Draft{Type: "e", Data: json.RawMessage(fmt.Sprint(i))})
	}
	c.Incrs = []rooms.Incr{{Key: "participants", By: 3}}
	pos := mustApply(t, st, r.ID, c).Pos
	kept := pos.Seq - uint64(o.HistoryLimit)
	for _, after := range []rooms.Position{
		pos,
		{Epoch: pos.Epoch, Seq: pos.Seq - 1},
		{Epoch: pos.Epoch, Seq: kept},
		{Epoch: pos.Epoch, Seq: kept - 1}, // the first event after it is no longer kept
		{Epoch: pos.Epoch, Seq: pos.Seq + 1},
		{Epoch: "another", Seq: pos.Seq - 1},
	} {
		q := rooms.ViewQuery{Keys: []string{"room", "nothing"}, CounterKeys: []string{"participants"}, After: &after}
		got, err := rooms.ReadView(ctx, st, r.ID, q)
		if err != nil {
			t.Fatalf("ReadView after %+v: %v", after, err)
		}
		want := &rooms.ViewData{Docs: mustGet(t, st, r.ID, "room", "nothing"), Counters: map[string]int64{"participants": 3}}
		evs, err := st.History(ctx, r.ID, after)
		switch {
		case errors.Is(err, rooms.ErrHistoryGone):
			want.HistoryGone = true
		case err != nil:
			t.Fatal(err)
		default:
			want.Events = evs
		}
		if len(got.Events) == 0 && len(want.Events) == 0 {
			got.Events, want.Events = nil, nil // none, however a store says it
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ReadView after %+v\n got  %+v\n want %+v", after, got, want)
		}
	}
	if n := len(mustHistory(t, st, r.ID, rooms.Position{Epoch: pos.Epoch, Seq: pos.Seq - 2})); n != 2 {
		t.Fatalf("History gave %d events, want 2: the test checks nothing", n)
	}
	if _, err := rooms.ReadView(ctx, st, randomID("room"), rooms.ViewQuery{After: &pos}); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("ReadView with After of an unknown room: err = %v, want ErrRoomNotFound", err)
	}
}
