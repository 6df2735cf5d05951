package exercises_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
	"huddle/rooms/roomstest"
)

// recordingStore keeps the preconditions of every change applied through
// it.
type recordingStore struct {
	rooms.Store
	mu      sync.Mutex
	expects [][]rooms.Expect
}

func (r *recordingStore) Apply(ctx context.Context, room string, c rooms.Change) (rooms.Applied, error) {
	r.mu.Lock()
	r.expects = append(r.expects, slices.Clone(c.Expect))
	r.mu.Unlock()
	return r.Store.Apply(ctx, room, c)
}

// ReadView keeps the store's one-round-trip read (rooms.ViewReader).
func (r *recordingStore) ReadView(ctx context.Context, room string, q rooms.ViewQuery) (*rooms.ViewData, error) {
	return rooms.ReadView(ctx, r.Store, room, q)
}

// last returns the preconditions of the last change, by key.
func (r *recordingStore) last() map[string]uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]uint64{}
	if len(r.expects) > 0 {
		for _, e := range r.expects[len(r.expects)-1] {
			out[e.Key] = e.Version
		}
	}
	return out
}

// countedRedis is a Redis store over url with its own client, as a node
// configures it, counting its round trips.
func countedRedis(t testing.TB, url, prefix string) (*redisstore.Store, *redistest.Trips) {
	t.Helper()
	rdb, trips := redistest.CountedClient(t, url)
	st, err := redisstore.New(redisstore.Options{Client: rdb, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, trips
}

// redisNode is one node: a Service on its own store and Redis client
// over url, with its own document cache (empty: it has seen no room yet),
// counting its round trips and recording its changes' preconditions.
func redisNode(t testing.TB, url, prefix string) (*rooms.Service, *redistest.Trips, *recordingStore) {
	t.Helper()
	st, trips := countedRedis(t, url, prefix)
	rec := &recordingStore{Store: st}
	svc := rooms.NewService(rec, rooms.DefaultLimits())
	exercises.Register(svc)
	return svc, trips, rec
}

// Every command participants send most reads all it needs in the round
// trip that reads the room and the member, on a node that has the
// exercise cached or not: two round trips, the read and the change; a
// first answer in a cached exercise only the change. Counted in commands: when
// the command reads what it is about (its ballot, card, request or
// opaque dots), the member is read in a command of its own, sent at the
// same time (rooms.Tx.readWithMember), so that read is two commands in
// one round trip. What the
// handler read, and only that, is the change's preconditions, at the
// versions read: documents prefetched on a guess the handler never read
// (the other ballot key, the group of an item that is a card) are not.
func TestParticipantCommandRoundTripsRedis(t *testing.T) {
	const prefix = "trips"
	url := redistest.Start(t)
	admin, _, _ := redisNode(t, url, prefix)
	e := roomEnv(t, admin, "Trips", false)
	fac := e.fac
	ctx := context.Background()
	named := poll(false)
	named["anonymous"] = false
	anonPoll, namedPoll := e.open(poll(false)), e.open(named)
	text := e.open(map[string]any{"kind": "text", "title": "Anything?"})
	retro := e.open(map[string]any{"kind": "retro", "title": "Sprint"})
	help := e.open(map[string]any{"kind": "help", "title": "Can you help me?"})
	wall := e.open(map[string]any{"kind": "kudos", "title": "Thanks"})
	var people []*rooms.Member
	for i := range 4 {
		m, _ := e.person(fmt.Sprint("Person", i))
		people = append(people, m)
	}
	ann, bob := people[0], people[1]
	e.ok(ann, exercises.CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "start", "text": "Pair more"})
	cards, err := e.svc.Store().(*recordingStore).Store.(*redisstore.Store).DocsWithPrefix(ctx, e.room, "rc:"+retro+":")
	if err != nil || len(cards) != 1 {
		t.Fatalf("cards %v, %v", cards, err)
	}
	var card exercises.RetroCard
	_ = json.Unmarshal(cards[0].Value, &card)
	e.ok(ann, exercises.CmdHelpRequest, map[string]any{"exercise": help, "title": "Go generics?"})
	reqs, err := admin.Store().(*recordingStore).Store.(*redisstore.Store).DocsWithPrefix(ctx, e.room, "hr:"+help+":")
	if err != nil || len(reqs) != 1 {
		t.Fatalf("requests %v, %v", reqs, err)
	}
	var req exercises.HelpRequest
	_ = json.Unmarshal(reqs[0].Value, &req)
	versions := func(keys ...string) map[string]uint64 {
		docs, err := admin.Store().Get(ctx, e.room, keys...)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]uint64{}
		for _, d := range docs {
			out[d.Key] = d.Version
		}
		return out
	}
	ballot := func(m *rooms.Member, ex string, anonymous bool) string {
		if anonymous {
			return "bal:" + ex + ":a:" + m.Opaque("ballot:"+ex)
		}
		return "bal:" + ex + ":m:" + m.ID
	}

	for _, c := range []struct {
		name string
		typ  string
		data map[string]any
		ex   string
		// by sends the command on a node that has never read the room,
		// then again is sent by warm on that node (now with the exercise
		// cached).
		by, warm *rooms.Member
		reads    func(m *rooms.Member) []string // the handler's reads, besides the room and the exercise
		trips    int64
		// warmTrips, when set, is the warm command's: a first answer in
		// a cached exercise guesses that it has no ballot yet and reads
		// nothing (rooms.Handler.Assume).
		warmTrips int64
		phase     string // a retro phase to set first
	}{
		{name: "anonymous vote", by: ann, warm: bob, typ: exercises.CmdAnswer, data: answer(anonPoll, choose("soup")), ex: anonPoll,
			reads: func(m *rooms.Member) []string { return []string{ballot(m, anonPoll, true)} }, trips: 3, warmTrips: 1},
		// Named: on a node that has not cached the exercise, the ballot
		// is read once the exercise says it is named, apart from the
		// guess of an anonymous key (answerPrefetch): one more.
		{name: "named vote", by: ann, warm: bob, typ: exercises.CmdAnswer, data: answer(namedPoll, choose("soup")), ex: namedPoll,
			reads: func(m *rooms.Member) []string { return []string{ballot(m, namedPoll, false)} }, trips: 4, warmTrips: 1},
		{name: "open text", by: ann, warm: bob, typ: exercises.CmdAnswer, data: answer(text, map[string]any{"text": "More pairing"}), ex: text,
			reads: func(m *rooms.Member) []string { return []string{ballot(m, text, true)} }, trips: 3, warmTrips: 1},
		{name: "retro card", by: bob, warm: people[2], typ: exercises.CmdRetroCardAdd, ex: retro, trips: 3, warmTrips: 2,
			data: map[string]any{"exercise": retro, "column": "stop", "text": "Long meetings"}},
		{name: "retro card edit", by: ann, warm: ann, typ: exercises.CmdRetroCardEdit, ex: retro, trips: 3,
			data:  map[string]any{"exercise": retro, "card": card.ID, "text": "Pair much more"},
			reads: func(*rooms.Member) []string { return []string{"rc:" + retro + ":" + card.ID} }},
		{name: "retro dot", by: bob, warm: people[2], typ: exercises.CmdRetroDot, ex: retro, trips: 3, phase: exercises.PhaseVote,
			data: map[string]any{"exercise": retro, "item": card.ID, "delta": 1},
			reads: func(m *rooms.Member) []string {
				return []string{"rd:" + retro + ":" + m.Opaque("dots:"+retro), "rc:" + retro + ":" + card.ID}
			}},
		{name: "help request", by: bob, warm: people[2], typ: exercises.CmdHelpRequest, ex: help, trips: 3, warmTrips: 2,
			data: map[string]any{"exercise": help, "title": "Redis scripts?"}},
		{name: "help offer", by: bob, warm: people[2], typ: exercises.CmdHelpOffer, ex: help, trips: 3,
			data:  map[string]any{"exercise": help, "request": req.ID, "message": "I can"},
			reads: func(*rooms.Member) []string { return []string{"hr:" + help + ":" + req.ID} }},
		{name: "kudos", by: bob, warm: people[2], typ: exercises.CmdKudosSend, ex: wall, trips: 3,
			data:  map[string]any{"exercise": wall, "to": ann.ID, "message": "Thanks!"},
			reads: func(*rooms.Member) []string { return []string{rooms.MemberKey(ann.ID)} }},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			if c.phase != "" {
				e.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": c.ex, "phase": c.phase})
			}
			node, trips, rec := redisNode(t, url, prefix)
			if err := node.Store().Ping(ctx); err != nil { // the connection's handshake
				t.Fatal(err)
			}
			for i, m := range []*rooms.Member{c.by, c.warm} {
				if c.typ == exercises.CmdRetroCardEdit {
					c.data["text"] = fmt.Sprint("Pair more, take ", i)
				}
				keys := []string{rooms.KeyRoom, "ex:" + c.ex}
				if c.reads != nil {
					keys = append(keys, c.reads(m)...)
				}
				wantPre := versions(keys...)
				before := trips.N()
				data, _ := json.Marshal(c.data)
				if o := node.Execute(ctx, e.room, m, rooms.Command{ID: fmt.Sprint(c.name, i), Type: c.typ, Data: data}); o.Code != "" {
					t.Fatalf("%s (cached %v): %s", c.typ, i > 0, o.Reply)
				}
				want := c.trips
				if i > 0 && c.warmTrips != 0 {
					want = c.warmTrips
				}
				if n := trips.N() - before; n != want {
					t.Errorf("%s (cached %v) took %d round trips, want %d", c.typ, i > 0, n, want)
				}
				if got := rec.last(); !maps.Equal(got, wantPre) {
					t.Errorf("%s (cached %v): preconditions %v, want what the handler read: %v", c.typ, i > 0, got, wantPre)
				}
			}
		})
	}
}

// twoCallStore is a Redis store without its ViewReader: reads go
// through Get, CountersWithPrefix and DocsWithPrefix, one round trip each,
// as they did before ReadView.
type twoCallStore struct{ rooms.Store }

func (s twoCallStore) CountersWithPrefix(ctx context.Context, room, prefix string) (map[string]int64, error) {
	return s.Store.(rooms.CounterScanner).CountersWithPrefix(ctx, room, prefix)
}

func (s twoCallStore) DocsWithPrefix(ctx context.Context, room, prefix string) ([]rooms.Doc, error) {
	return s.Store.(rooms.DocScanner).DocsWithPrefix(ctx, room, prefix)
}

// An exercise's coalesced state on Redis reads the exercise and the
// counters in one round trip (a vote's whole state: one), its documents in
// one more, and in named mode the members who answered in one more; and
// it is byte for byte what the same state read with a round trip per part
// (Get, CountersWithPrefix, DocsWithPrefix) is, for every kind.
func TestExerciseStateRoundTripsRedis(t *testing.T) {
	st, trips := countedRedis(t, redistest.Start(t), "state")
	svc := rooms.NewService(st, rooms.DefaultLimits())
	registerLowFloor(svc)
	parts := rooms.NewService(twoCallStore{st}, rooms.DefaultLimits())
	registerLowFloor(parts)
	e := roomEnv(t, svc, "State", true)
	fac := e.fac
	ctx := context.Background()
	named := poll(true)
	named["anonymous"] = false
	anonPoll, namedPoll := e.open(poll(false)), e.open(named)
	scale := e.open(map[string]any{"kind": "scale", "title": "Agree?", "minResponses": 1, "questions": []any{map[string]any{"kind": "scale"}}})
	words := e.open(map[string]any{"kind": "words", "title": "One word", "minResponses": 1})
	hidden := e.open(map[string]any{"kind": "words", "title": "One word, moderated", "minResponses": 1})
	text := e.open(map[string]any{"kind": "text", "title": "Anything?", "minResponses": 1})
	openText := e.open(map[string]any{"kind": "text", "title": "Anything more?", "minResponses": 1})
	retro := e.open(map[string]any{"kind": "retro", "title": "Sprint"})
	help := e.open(map[string]any{"kind": "help", "title": "Can you help me?"})
	wall := e.open(map[string]any{"kind": "kudos", "title": "Thanks"})
	prepared := e.add(poll(false))
	var people []*rooms.Member
	for i := range 4 {
		m, _ := e.person(fmt.Sprint("Person", i))
		people = append(people, m)
		e.ok(m, exercises.CmdAnswer, answer(anonPoll, choose([]string{"pizza", "soup"}[i%2])))
		e.ok(m, exercises.CmdAnswer, answer(namedPoll, choose("soup", "salad")))
		e.ok(m, exercises.CmdAnswer, answer(scale, rate(i+1)))
		e.ok(m, exercises.CmdAnswer, answer(words, map[string]any{"words": []string{"calm", fmt.Sprint("w", i%2)}}))
		e.ok(m, exercises.CmdAnswer, answer(hidden, map[string]any{"words": []string{"calm", fmt.Sprint("w", i%2)}}))
		e.ok(m, exercises.CmdAnswer, answer(text, map[string]any{"text": fmt.Sprint("thought ", i)}))
		e.ok(m, exercises.CmdAnswer, answer(openText, map[string]any{"text": fmt.Sprint("thought ", i)}))
		e.ok(m, exercises.CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "start", "text": fmt.Sprint("card ", i)})
		e.ok(m, exercises.CmdHelpRequest, map[string]any{"exercise": help, "title": fmt.Sprint("help ", i), "anonymous": i%2 == 0})
		e.ok(m, exercises.CmdKudosSend, map[string]any{"exercise": wall, "to": exercises.KudosTeam, "message": fmt.Sprint("thanks ", i)})
	}
	e.ok(fac, exercises.CmdShow, map[string]any{"exercise": anonPoll})
	e.ok(fac, exercises.CmdHideAnswer, map[string]any{"exercise": hidden, "answer": "w1", "hidden": true})
	// Closed, their answers are read (nobody sees an open anonymous vote's).
	e.ok(fac, exercises.CmdClose, map[string]any{"exercise": hidden})
	e.ok(fac, exercises.CmdClose, map[string]any{"exercise": text})
	e.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": retro, "phase": exercises.PhaseVote})
	cards, err := st.DocsWithPrefix(ctx, e.room, "rc:"+retro+":")
	if err != nil || len(cards) != 4 {
		t.Fatalf("cards %d, %v", len(cards), err)
	}
	var card exercises.RetroCard
	_ = json.Unmarshal(cards[0].Value, &card)
	e.ok(people[1], exercises.CmdRetroDot, map[string]any{"exercise": retro, "item": card.ID, "delta": 1})

	for _, c := range []struct {
		name, ex string
		trips    int64
	}{
		{"anonymous poll", anonPoll, 1},
		{"named poll", namedPoll, 3},
		{"scale", scale, 1},
		{"words", words, 1},
		{"words, one hidden", hidden, 2},
		{"text", text, 2},
		{"text, open: its answers unread", openText, 1},
		{"retro", retro, 2},
		{"help", help, 2},
		{"kudos", wall, 2},
		{"prepared", prepared, 1},
		{"unknown", "nope", 1},
	} {
		before := trips.N()
		got, known, err := svc.State(ctx, e.room, "ex:"+c.ex)
		if err != nil || !known {
			t.Fatalf("%s: state %v, %v", c.name, known, err)
		}
		if n := trips.N() - before; n != c.trips {
			t.Errorf("%s: state took %d round trips, want %d", c.name, n, c.trips)
		}
		want, _, err := parts.State(ctx, e.room, "ex:"+c.ex)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Facilitator) != string(want.Facilitator) || string(got.Participant) != string(want.Participant) {
			t.Errorf("%s: state\n got  %s\n      %s\n want %s\n      %s", c.name, got.Facilitator, got.Participant, want.Facilitator, want.Participant)
		}
		if c.ex != "nope" && (len(got.Facilitator) < 20 || len(got.Participant) < 20) {
			t.Errorf("%s: a state with nothing in it: %s / %s", c.name, got.Facilitator, got.Participant)
		}
	}
}

// A client resuming from a position needs the events it missed, the room,
// its participant count and every coalesced state key: one round trip. A
// participant's snapshot on a node that holds the room (which shows no
// names) reads the room's documents and the member in one, then their own
// ballots.
func TestResumeRoundTripsRedis(t *testing.T) {
	const prefix = "resume"
	url := redistest.Start(t)
	admin, _, _ := redisNode(t, url, prefix)
	e := roomEnv(t, admin, "Resume", false)
	first, second := e.open(poll(false)), e.open(poll(true))
	ann, annTok := e.person("Ann")
	e.person("Bob")
	ctx := context.Background()
	node, trips, _ := redisNode(t, url, prefix)
	if err := node.Store().Ping(ctx); err != nil { // the connection's handshake
		t.Fatal(err)
	}
	st, err := admin.Store().Load(ctx, e.room)
	if err != nil {
		t.Fatal(err)
	}
	missed := rooms.Position{Epoch: st.Pos.Epoch, Seq: st.Pos.Seq - 2}
	before := trips.N()
	r, err := node.Resume(ctx, e.room, ann, missed)
	if err != nil {
		t.Fatal(err)
	}
	if n := trips.N() - before; n != 1 {
		t.Errorf("Resume took %d round trips, want 1", n)
	}
	if len(r.Events) != 2 || r.Events[1].Seq != st.Pos.Seq || r.Gone {
		t.Errorf("Resume from 2 events back: %d events, gone %v; want the last 2", len(r.Events), r.Gone)
	}
	want := []string{rooms.StatePresence, "ex:" + first, "ex:" + second}
	if r.Participants != 2 || r.Room.Version == 0 || !slices.Equal(r.StateKeys, want) {
		t.Errorf("Resume: participants %d, room version %d, state keys %v; want 2, >0, %v", r.Participants, r.Room.Version, r.StateKeys, want)
	}
	if keys, err := node.StateKeys(ctx, e.room); err != nil || !slices.Equal(keys, r.StateKeys) {
		t.Errorf("StateKeys %v, %v; Resume gave %v", keys, err, r.StateKeys)
	}
	// A returning phone's hello: the token, its member and all of the
	// above, in one round trip too.
	before = trips.N()
	m, _, ar, err := node.AuthenticateResume(ctx, e.room, annTok, missed)
	if err != nil {
		t.Fatal(err)
	}
	if n := trips.N() - before; n != 1 {
		t.Errorf("AuthenticateResume took %d round trips, want 1", n)
	}
	if m.ID != ann.ID || len(ar.Events) != 2 || ar.Pos != st.Pos || ar.Participants != 2 || !slices.Equal(ar.StateKeys, want) {
		t.Errorf("AuthenticateResume: member %s, %d events, position %+v, participants %d, state keys %v; want %s, 2, %+v, 2, %v",
			m.ID, len(ar.Events), ar.Pos, ar.Participants, ar.StateKeys, ann.ID, st.Pos, want)
	}
	if _, err := admin.LoadFor(ctx, e.room, ann); err != nil { // Redis learns load.lua
		t.Fatal(err)
	}
	before = trips.N()
	if _, err := node.LoadFor(ctx, e.room, ann); err != nil {
		t.Fatal(err)
	}
	if n := trips.N() - before; n != 2 {
		t.Errorf("a participant's LoadFor took %d round trips, want 2", n)
	}
	if _, err := node.Resume(ctx, "nosuchroom", ann, missed); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("Resume of no room: %v, want ErrRoomNotFound", err)
	}
}

// Authenticate reads the token, the room and the member the token names in
// one round trip, on a node that has never seen the token as on one that
// issued it. A removed member and an unknown token are refused.
func TestAuthenticateRoundTripsRedis(t *testing.T) {
	const prefix = "auth"
	url := redistest.Start(t)
	admin, _, _ := redisNode(t, url, prefix)
	e := roomEnv(t, admin, "Auth", false)
	ctx := context.Background()
	node, trips, _ := redisNode(t, url, prefix)
	if err := node.Store().Ping(ctx); err != nil { // the connection's handshake
		t.Fatal(err)
	}
	auth := func(tok rooms.Secret, want int64) (*rooms.Member, error) {
		t.Helper()
		before := trips.N()
		m, _, err := node.Authenticate(ctx, e.room, tok)
		if n := trips.N() - before; n != want {
			t.Errorf("Authenticate took %d round trips, want %d", n, want)
		}
		return m, err
	}
	ann, tok := e.person("Ann") // joined through the other node
	if m, err := auth(tok, 1); err != nil || m.ID != ann.ID {
		t.Fatalf("first: %v, %v", m, err)
	}
	if m, err := auth(tok, 1); err != nil || m.ID != ann.ID || m.ReplyKey("x") != ann.ReplyKey("x") {
		t.Fatalf("again: %v, %v", m, err)
	}
	j, err := node.Join(ctx, e.code, "Bob", "") // issued here
	if err != nil {
		t.Fatal(err)
	}
	if m, err := auth(j.Token, 1); err != nil || m.ID != j.Member.ID {
		t.Fatalf("a token this node issued: %v, %v", m, err)
	}
	e.ok(e.fac, rooms.CmdMemberRemove, map[string]any{"member": ann.ID})
	if _, err := auth(tok, 1); rooms.ErrorCode(err) != rooms.CodeRemoved {
		t.Fatalf("a removed member: %v, want %s", err, rooms.CodeRemoved)
	}
	if _, err := auth("not-a-token", 1); rooms.ErrorCode(err) != rooms.CodeBadToken {
		t.Fatalf("an unknown token: %v, want %s", err, rooms.CodeBadToken)
	}
}

// A node learns the room and the exercise from the reads it makes anyway:
// a hello (the room), then either a participant's snapshot (it loads every
// exercise) or the tally it computes for its phones (the exercise it
// counts). On a node that has read nothing else of the room, either one
// makes the phone's first vote one round trip, the change alone, where it
// read the room and the exercise first. The snapshot matters because the
// ten phones of a room vote at once, before any tally on their node.
func TestReadsWarmTheCacheRedis(t *testing.T) {
	url := redistest.Start(t)
	for _, c := range []struct {
		name string
		warm func(node *rooms.Service, room string, m *rooms.Member, ex string) error
	}{
		{"snapshot", func(node *rooms.Service, room string, m *rooms.Member, _ string) error {
			_, err := node.LoadFor(context.Background(), room, m)
			return err
		}},
		{"tally", func(node *rooms.Service, room string, _ *rooms.Member, ex string) error {
			_, _, err := node.State(context.Background(), room, "ex:"+ex)
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			prefix := "warm" + c.name
			admin, _, _ := redisNode(t, url, prefix)
			e := roomEnv(t, admin, "Warm", false)
			ex := e.open(poll(false))
			_, secret := e.person("Ann")
			ctx := context.Background()
			node, trips, _ := redisNode(t, url, prefix)
			ann, _, err := node.Authenticate(ctx, e.room, secret)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.warm(node, e.room, ann, ex); err != nil {
				t.Fatal(err)
			}
			before := trips.N()
			data, _ := json.Marshal(answer(ex, choose("pizza")))
			if o := node.Execute(ctx, e.room, ann, rooms.Command{ID: "v1", Type: exercises.CmdAnswer, Data: data}); o.Code != "" {
				t.Fatalf("vote: %s", o.Reply)
			}
			if n := trips.N() - before; n != 1 {
				t.Errorf("the first vote after a hello and a %s took %d round trips, want 1", c.name, n)
			}
		})
	}
}

// A participant's snapshot on a node that holds the room, which shows no
// names: the snapshot and the member in one read, then their own ballots.
// A room showing names, or one that came to show them since the node read
// it, reads the room and the count first, and its snapshot lists the
// members; a participant removed through another node is refused either
// way.
func TestParticipantSnapshotRoundTripsRedis(t *testing.T) {
	const prefix = "snapshot"
	url := redistest.Start(t)
	admin, _, _ := redisNode(t, url, prefix)
	node, trips, _ := redisNode(t, url, prefix)
	ctx := context.Background()
	members := func(st *rooms.State) int { return roomstest.CountDocs(st, "member:") }
	load := func(what string, room string, m *rooms.Member, wantTrips int64) (*rooms.State, error) {
		t.Helper()
		before := trips.N()
		st, err := node.LoadFor(ctx, room, m)
		if n := trips.N() - before; err == nil && n != wantTrips {
			t.Errorf("%s: LoadFor took %d round trips, want %d", what, n, wantTrips)
		}
		return st, err
	}

	hidden := roomEnv(t, admin, "Hidden", false)
	pollID := hidden.open(poll(false))
	ann, annTok := hidden.person("Ann")
	bob, _ := hidden.person("Bob")
	if _, _, err := node.Authenticate(ctx, hidden.room, annTok); err != nil { // the node reads the room
		t.Fatal(err)
	}
	if _, err := admin.LoadFor(ctx, hidden.room, ann); err != nil { // Redis learns load.lua
		t.Fatal(err)
	}
	st, err := load("names hidden", hidden.room, ann, 2)
	if err != nil {
		t.Fatal(err)
	}
	if n := members(st); n != 0 {
		t.Errorf("names hidden: %d members' documents in the snapshot", n)
	}
	// Her own ballots come in a read of their own, which names nobody
	// (TestNoCommandJoinsMemberAndBallot), as exercises come and go.
	hidden.ok(ann, exercises.CmdAnswer, answer(pollID, choose("soup")))
	second := hidden.open(poll(false))
	hidden.ok(ann, exercises.CmdAnswer, answer(second, choose("salad")))
	if st, err = load("two ballots", hidden.room, ann, 2); err != nil {
		t.Fatal(err)
	}
	if ballots := roomstest.CountDocs(st, "bal:"); ballots != 2 {
		t.Errorf("Ann's snapshot holds %d ballots, want both of hers", ballots)
	}
	hidden.ok(hidden.fac, exercises.CmdAgendaRemove, map[string]string{"exercise": second})
	if st, err = load("a poll removed", hidden.room, ann, 2); err != nil {
		t.Fatal(err)
	}
	if n := roomstest.CountDocs(st, "bal:"+second); n != 0 {
		t.Errorf("the removed poll's ballot is in the snapshot (%d)", n)
	}
	third, thirdTrips, _ := redisNode(t, url, prefix) // holds nothing: reads the room and the count first
	if err := third.Store().Ping(ctx); err != nil {   // the connection's handshake
		t.Fatal(err)
	}
	before := thirdTrips.N()
	fresh, err := third.LoadFor(ctx, hidden.room, ann)
	if n := thirdTrips.N() - before; n != 3 {
		t.Errorf("a node without the room: LoadFor took %d round trips, want 3", n)
	}
	if err != nil || !maps.EqualFunc(st.Docs, fresh.Docs, func(a, b rooms.Doc) bool { return a.Version == b.Version }) || st.Pos != fresh.Pos {
		t.Errorf("the one-read snapshot differs from the two-read one: %v", err)
	}
	hidden.ok(hidden.fac, rooms.CmdMemberRemove, map[string]string{"member": bob.ID})
	var re *rooms.Error
	if _, err := load("removed", hidden.room, bob, 0); !errors.As(err, &re) || re.Code != rooms.CodeRemoved {
		t.Errorf("a removed participant's snapshot: %v, want %s", err, rooms.CodeRemoved)
	}

	// The room comes to show names through the other node: the node's
	// copy says hidden, the snapshot finds out and reads the members.
	hidden.ok(hidden.fac, rooms.CmdRoomUpdate, map[string]any{"showNames": true})
	st, err = load("names shown since", hidden.room, ann, 4)
	if err != nil {
		t.Fatal(err)
	}
	if n := members(st); n != 3 { // the facilitator, Ann, and Bob (removed)
		t.Errorf("names shown: %d members' documents in the snapshot, want 3", n)
	}
	st, err = load("names shown", hidden.room, ann, 3)
	if err != nil || members(st) != 3 {
		t.Errorf("names shown, known: %v, %d members", err, members(st))
	}
}
