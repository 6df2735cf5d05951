package exercises

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/memory"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// tbEnv is a room over the memory store with the exercises registered,
// for the retrospective and board tests.
type tbEnv struct {
	t      *testing.T
	ctx    context.Context
	store  *memory.Store
	st     rooms.Store // the store under the room, whichever (snapshot, events)
	svc    *rooms.Service
	room   string
	code   string
	fac    *rooms.Member
	secret rooms.Secret
	tokens map[string]rooms.Secret // by member id
	n      int
}

func newTbEnv(t *testing.T, showNames bool) *tbEnv {
	t.Helper()
	return newTbEnvWith(t, showNames, memory.Options{})
}

// newTbEnvWith is newTbEnv on an embedded store with opts.
func newTbEnvWith(t *testing.T, showNames bool, opts memory.Options) *tbEnv {
	t.Helper()
	st := memory.New(opts)
	t.Cleanup(func() { st.Close() })
	b := newTbEnvOn(t, st, showNames)
	b.store = st
	return b
}

// eachStore runs fn on a room of the embedded store and on one of a
// Redis store (a private redis-server), as subtests.
func eachStore(t *testing.T, fn func(t *testing.T, b *tbEnv)) {
	t.Run("memory", func(t *testing.T) { fn(t, newTbEnv(t, false)) })
	t.Run("redis", func(t *testing.T) {
		st, err := redisstore.New(redisstore.Options{URL: redistest.Start(t), Prefix: "retro"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, newTbEnvOn(t, st, false))
	})
}

// newTbEnvOn is newTbEnv on store st; its store field is left nil (tests
// that read the embedded store directly use newTbEnv).
func newTbEnvOn(t *testing.T, st rooms.Store, showNames bool) *tbEnv {
	t.Helper()
	return newTbEnvLimits(t, st, showNames, LimitsFrom(rooms.DefaultLimits()))
}

// newTbEnvLimits is newTbEnvOn with the exercises' limits lim.
func newTbEnvLimits(t *testing.T, st rooms.Store, showNames bool, lim Limits) *tbEnv {
	t.Helper()
	svc := rooms.NewService(st, rooms.DefaultLimits())
	RegisterWith(svc, lim)
	ctx := context.Background()
	c, err := svc.CreateRoom(ctx, "Workshop", showNames)
	if err != nil {
		t.Fatal(err)
	}
	fac, _, err := svc.Authenticate(ctx, c.Room.ID, c.Secret)
	if err != nil {
		t.Fatal(err)
	}
	return &tbEnv{t: t, ctx: ctx, st: st, svc: svc, room: c.Room.ID, code: c.Room.Code, fac: fac, secret: c.Secret, tokens: map[string]rooms.Secret{}}
}

// join admits and authenticates a participant, so their opaque keys work.
func (b *tbEnv) join(name string) *rooms.Member {
	b.t.Helper()
	j, err := b.svc.Join(b.ctx, b.code, name, "")
	if err != nil {
		b.t.Fatal(err)
	}
	m, _, err := b.svc.Authenticate(b.ctx, b.room, j.Token)
	if err != nil {
		b.t.Fatal(err)
	}
	b.tokens[m.ID] = j.Token
	return m
}

func (b *tbEnv) run(m *rooms.Member, typ string, data any) rooms.Outcome {
	b.n++
	raw, ok := data.(json.RawMessage)
	if !ok {
		raw, _ = json.Marshal(data)
	}
	return b.svc.Execute(b.ctx, b.room, m, rooms.Command{ID: fmt.Sprint("c", b.n), Type: typ, Data: raw})
}

// ok runs a command that must succeed and returns its result.
func (b *tbEnv) ok(m *rooms.Member, typ string, data any) json.RawMessage {
	b.t.Helper()
	o := b.run(m, typ, data)
	if o.Code != "" {
		b.t.Fatalf("%s %v: %s", typ, data, o.Reply)
	}
	var ack struct {
		Result json.RawMessage `json:"result"`
	}
	_ = json.Unmarshal(o.Reply, &ack)
	return ack.Result
}

// fails runs a command that must fail with want.
func (b *tbEnv) fails(m *rooms.Member, typ string, data any, want rooms.Code) {
	b.t.Helper()
	if o := b.run(m, typ, data); o.Code != want {
		b.t.Fatalf("%s %v: want %s, got %s", typ, data, want, o.Reply)
	}
}

// exercise adds an exercise and opens it.
func (b *tbEnv) exercise(spec map[string]any) string {
	b.t.Helper()
	id := b.add(spec)
	b.ok(b.fac, CmdOpen, map[string]any{"exercise": id})
	return id
}

func (b *tbEnv) add(spec map[string]any) string {
	b.t.Helper()
	var r struct {
		Exercise string `json:"exercise"`
	}
	_ = json.Unmarshal(b.ok(b.fac, CmdAgendaAdd, map[string]any{"spec": spec}), &r)
	return r.Exercise
}

// state returns the coalesced state of an exercise as each role sees it.
func (b *tbEnv) state(id string, fac, part any) {
	b.t.Helper()
	v, ok, err := b.svc.State(b.ctx, b.room, "ex:"+id)
	if err != nil || !ok {
		b.t.Fatalf("state: %v %v", ok, err)
	}
	if err := json.Unmarshal(v.Facilitator, fac); err != nil {
		b.t.Fatal(err)
	}
	if err := json.Unmarshal(v.Participant, part); err != nil {
		b.t.Fatal(err)
	}
}

func (b *tbEnv) rawState(id string) rooms.StateView {
	b.t.Helper()
	v, _, err := b.svc.State(b.ctx, b.room, "ex:"+id)
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// snapshot returns the exercises section of m's snapshot, by exercise.
func (b *tbEnv) snapshot(m *rooms.Member) map[string]ExerciseView {
	b.t.Helper()
	st, err := b.st.Load(b.ctx, b.room)
	if err != nil {
		b.t.Fatal(err)
	}
	snap, err := b.svc.SnapshotFor(st, rooms.Viewer{Member: m, Online: func(string) bool { return false }})
	if err != nil {
		b.t.Fatal(err)
	}
	var sec SnapshotSection
	if err := json.Unmarshal(snap.Sections[SectionExercises], &sec); err != nil {
		b.t.Fatal(err)
	}
	out := map[string]ExerciseView{}
	for _, v := range sec.Exercises {
		out[v.Exercise.ID] = v
	}
	return out
}

// events returns every kept event m may see, oldest first.
func (b *tbEnv) events(m *rooms.Member) []rooms.Event {
	b.t.Helper()
	st, err := b.st.Load(b.ctx, b.room)
	if err != nil {
		b.t.Fatal(err)
	}
	all, err := b.st.History(b.ctx, b.room, rooms.Position{Epoch: st.Pos.Epoch})
	if err != nil {
		b.t.Fatal(err)
	}
	var out []rooms.Event
	for _, ev := range all {
		if m == nil || rooms.Visible(ev.To, m) {
			out = append(out, ev)
		}
	}
	return out
}

// last returns the data of the last event of type typ that m may see.
func (b *tbEnv) last(m *rooms.Member, typ string) json.RawMessage {
	b.t.Helper()
	evs := b.events(m)
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == typ {
			return evs[i].Data
		}
	}
	b.t.Fatalf("no %s event for %s", typ, m.Name)
	return nil
}

// count counts the events of type typ that m may see.
func (b *tbEnv) count(m *rooms.Member, typ string) int {
	n := 0
	for _, ev := range b.events(m) {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

// lastCard is the id of the last card m was given privately.
func (b *tbEnv) lastCard(m *rooms.Member) string {
	b.t.Helper()
	var ev struct {
		Card RetroCardView `json:"card"`
	}
	_ = json.Unmarshal(b.last(m, EvRetroCard), &ev)
	return ev.Card.ID
}

func (b *tbEnv) retro(id string) (fac, part RetroView) {
	b.t.Helper()
	b.state(id, &fac, &part)
	return fac, part
}

func (b *tbEnv) retroMine(m *rooms.Member, id string) RetroMine {
	b.t.Helper()
	var mine RetroMine
	v := b.snapshot(m)[id]
	if err := json.Unmarshal(v.Mine, &mine); err != nil {
		b.t.Fatalf("mine %s: %v", v.Mine, err)
	}
	return mine
}

// tbStep is one command of a table test, with the answer it must get.
type tbStep struct {
	name string
	who  **rooms.Member
	typ  string
	data func() any
	want rooms.Code
	then func(res json.RawMessage)
}

func (b *tbEnv) steps(steps []tbStep) {
	b.t.Helper()
	for _, s := range steps {
		o := b.run(*s.who, s.typ, s.data())
		if o.Code != s.want {
			b.t.Fatalf("%s (%s): want %q, got %s", s.name, s.typ, s.want, o.Reply)
		}
		if s.then != nil {
			var ack struct {
				Result json.RawMessage `json:"result"`
			}
			_ = json.Unmarshal(o.Reply, &ack)
			s.then(ack.Result)
		}
	}
}

func retroSpecMap() map[string]any {
	return map[string]any{"kind": "retro", "title": "Sprint 12", "retro": map[string]any{"template": "start-stop-continue", "dots": 3, "maxPerItem": 2}}
}

func obj(kv ...any) func() any {
	return func() any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			v := kv[i+1]
			if p, ok := v.(*string); ok {
				v = *p
			}
			m[kv[i].(string)] = v
		}
		return m
	}
}

// TestRetroRules drives a retrospective through every phase, trying every
// command, valid and not, from every kind of sender.
func TestRetroRules(t *testing.T) {
	b := newTbEnv(t, false)
	fac := b.fac
	ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
	ex := b.exercise(retroSpecMap())
	prepared := b.add(retroSpecMap())
	other := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
	long := strings.Repeat("x", b.svc.Limits().MaxTextLen+1)
	longShort := strings.Repeat("y", 81)

	var a1, a2, b1, b2, c1, f1, g1, g2, act string
	lastCard := func(m **rooms.Member, into *string) func(json.RawMessage) {
		return func(json.RawMessage) { *into = b.lastCard(*m) }
	}
	group := func(into *string) func(json.RawMessage) {
		return func(res json.RawMessage) {
			var r struct{ Group string }
			_ = json.Unmarshal(res, &r)
			*into = r.Group
		}
	}
	phase := func(p string) tbStep {
		return tbStep{"phase " + p, &fac, CmdRetroPhase, obj("exercise", ex, "phase", p), "", nil}
	}
	add := CmdRetroCardAdd

	b.steps([]tbStep{
		// Write phase: adding and editing cards.
		{"ann adds", &ann, add, obj("exercise", ex, "column", "start", "text", "  More   pairing "), "", lastCard(&ann, &a1)},
		{"ann adds again", &ann, add, obj("exercise", ex, "column", "stop", "text", "Friday deploys"), "", lastCard(&ann, &a2)},
		{"bob adds", &bob, add, obj("exercise", ex, "column", "stop", "text", "Long meetings"), "", lastCard(&bob, &b1)},
		{"cy adds", &cy, add, obj("exercise", ex, "column", "continue", "text", "Demos"), "", lastCard(&cy, &c1)},
		{"facilitator adds", &fac, add, obj("exercise", ex, "column", "continue", "text", "Retro snacks"), "", lastCard(&fac, &f1)},
		{"unknown column", &ann, add, obj("exercise", ex, "column", "later", "text", "x"), rooms.CodeInvalid, nil},
		{"no column", &ann, add, obj("exercise", ex, "text", "x"), rooms.CodeBadMessage, nil},
		{"empty text", &ann, add, obj("exercise", ex, "column", "start", "text", "  "), rooms.CodeInvalid, nil},
		{"text too long", &ann, add, obj("exercise", ex, "column", "start", "text", long), rooms.CodeTooLong, nil},
		{"control character", &ann, add, obj("exercise", ex, "column", "start", "text", "a\x07b"), rooms.CodeInvalid, nil},
		{"no exercise", &ann, add, obj("column", "start", "text", "x"), rooms.CodeBadMessage, nil},
		{"unknown exercise", &ann, add, obj("exercise", "nope", "column", "start", "text", "x"), rooms.CodeNotFound, nil},
		{"exercise not open", &ann, add, obj("exercise", prepared, "column", "start", "text", "x"), CodeWrongStatus, nil},
		{"not a retro", &ann, add, obj("exercise", other, "column", "start", "text", "x"), rooms.CodeInvalid, nil},
		{"data not an object", &ann, add, func() any { return json.RawMessage(`[1]`) }, rooms.CodeBadMessage, nil},
		{"text not a string", &ann, add, obj("exercise", ex, "column", "start", "text", 5), rooms.CodeBadMessage, nil},
		{"edit own", &ann, CmdRetroCardEdit, obj("exercise", ex, "card", &a1, "text", "More pairing, please"), "", nil},
		{"edit own column", &ann, CmdRetroCardEdit, obj("exercise", ex, "card", &a1, "text", "More pairing, please", "column", "stop"), "", nil},
		{"edit unchanged", &ann, CmdRetroCardEdit, obj("exercise", ex, "card", &a1, "text", "More pairing, please"), "", nil},
		{"edit to unknown column", &ann, CmdRetroCardEdit, obj("exercise", ex, "card", &a1, "text", "x", "column", "nope"), rooms.CodeInvalid, nil},
		{"edit to empty", &ann, CmdRetroCardEdit, obj("exercise", ex, "card", &a1, "text", ""), rooms.CodeInvalid, nil},
		{"edit too long", &ann, CmdRetroCardEdit, obj("exercise", ex, "card", &a1, "text", long), rooms.CodeTooLong, nil},
		{"edit another's", &bob, CmdRetroCardEdit, obj("exercise", ex, "card", &a1, "text", "hijack"), CodeNotYours, nil},
		{"facilitator edits another's", &fac, CmdRetroCardEdit, obj("exercise", ex, "card", &a1, "text", "hijack"), CodeNotYours, nil},
		{"edit no card", &ann, CmdRetroCardEdit, obj("exercise", ex, "text", "x"), rooms.CodeBadMessage, nil},
		{"edit unknown card", &ann, CmdRetroCardEdit, obj("exercise", ex, "card", "nope", "text", "x"), rooms.CodeNotFound, nil},
		{"edit bad card id", &ann, CmdRetroCardEdit, obj("exercise", ex, "card", "a:b", "text", "x"), rooms.CodeNotFound, nil},
		{"delete another's", &bob, CmdRetroCardDelete, obj("exercise", ex, "card", &a1), CodeNotYours, nil},
		{"delete unknown", &bob, CmdRetroCardDelete, obj("exercise", ex, "card", "nope"), rooms.CodeNotFound, nil},
		{"phase by participant", &ann, CmdRetroPhase, obj("exercise", ex, "phase", "reveal"), rooms.CodeForbidden, nil},
		{"unknown phase", &fac, CmdRetroPhase, obj("exercise", ex, "phase", "party"), rooms.CodeInvalid, nil},
		{"phase of closed exercise", &fac, CmdRetroPhase, obj("exercise", prepared, "phase", "reveal"), CodeWrongStatus, nil},
		{"group in write", &ann, CmdRetroGroup, obj("exercise", ex, "cards", []string{a1}), CodeWrongPhase, nil},
		{"ungroup in write", &ann, CmdRetroUngroup, obj("exercise", ex, "card", &a1), CodeWrongPhase, nil},
		{"dot in write", &ann, CmdRetroDot, obj("exercise", ex, "item", &a1, "delta", 1), CodeWrongPhase, nil},
		{"focus in write", &fac, CmdRetroFocus, obj("exercise", ex, "item", &a1), CodeWrongPhase, nil},
		{"action in write", &ann, CmdRetroActionAdd, obj("exercise", ex, "text", "x"), CodeWrongPhase, nil},
	})
	// In the write phase nobody sees anyone's cards, only counts.
	fv, pv := b.retro(ex)
	if len(fv.Cards)+len(pv.Cards)+len(fv.Items) != 0 || fv.Revealed || pv.Revealed {
		t.Fatalf("cards shown in the write phase: %+v", fv)
	}
	// Only the total: a column's count rising as one person finishes would
	// tell which column they wrote in.
	if fv.Written != 5 || pv.Written != 5 {
		t.Fatalf("written %d and %d, want 5", fv.Written, pv.Written)
	}
	for _, v := range []RetroView{fv, pv} {
		for _, c := range v.Columns {
			if c.Count != 0 {
				t.Fatalf("a column's count while cards are hidden: %+v", v.Columns)
			}
		}
	}
	raw := b.rawState(ex)
	for _, s := range []string{"More pairing", "Long meetings", "Demos"} {
		if strings.Contains(string(raw.Facilitator)+string(raw.Participant), s) {
			t.Fatalf("write-phase state holds %q", s)
		}
	}
	if m := b.retroMine(ann, ex); len(m.Cards) != 2 || m.Dots != nil {
		t.Fatalf("ann's cards: %+v", m)
	}
	if m := b.retroMine(bob, ex); len(m.Cards) != 1 || m.Cards[0].Text != "Long meetings" {
		t.Fatalf("bob's cards: %+v", m)
	}
	if b.count(bob, EvRetroCard) != 1 || b.count(fac, EvRetroCard) != 1 || b.count(ann, EvRetroCard) != 4 {
		t.Fatal("retro.card went to someone other than the author")
	}

	b.steps([]tbStep{
		phase(PhaseReveal),
		{"add in reveal", &bob, add, obj("exercise", ex, "column", "stop", "text", "Flaky tests"), "", lastCard(&bob, &b2)},
		{"delete own", &ann, CmdRetroCardDelete, obj("exercise", ex, "card", &a2), "", nil},
		{"delete gone", &ann, CmdRetroCardDelete, obj("exercise", ex, "card", &a2), rooms.CodeNotFound, nil},
		{"moderate", &fac, CmdRetroCardDelete, obj("exercise", ex, "card", &b2), "", nil},
		{"group in reveal", &ann, CmdRetroGroup, obj("exercise", ex, "cards", []string{a1}), CodeWrongPhase, nil},
		phase(PhaseGroup),
		{"group nothing", &ann, CmdRetroGroup, obj("exercise", ex, "cards", []string{}), rooms.CodeInvalid, nil},
		{"group unknown card", &ann, CmdRetroGroup, obj("exercise", ex, "cards", []string{"nope"}), rooms.CodeNotFound, nil},
		{"group empty card id", &ann, CmdRetroGroup, obj("exercise", ex, "cards", []string{""}), rooms.CodeBadMessage, nil},
		{"group into unknown group", &ann, CmdRetroGroup, func() any { return map[string]any{"exercise": ex, "cards": []string{a1}, "group": "nope"} }, rooms.CodeNotFound, nil},
		{"group title too long", &ann, CmdRetroGroup, func() any { return map[string]any{"exercise": ex, "cards": []string{a1}, "title": longShort} }, rooms.CodeTooLong, nil},
		{"group", &ann, CmdRetroGroup, func() any {
			return map[string]any{"exercise": ex, "cards": []string{a1, c1, a1}, "title": "Ways of working"}
		}, "", group(&g1)},
		{"group more", &bob, CmdRetroGroup, func() any { return map[string]any{"exercise": ex, "cards": []string{b1}, "group": g1} }, "", nil},
		{"second group", &cy, CmdRetroGroup, func() any { return map[string]any{"exercise": ex, "cards": []string{f1}} }, "", group(&g2)},
		{"move card between groups", &cy, CmdRetroGroup, func() any { return map[string]any{"exercise": ex, "cards": []string{f1}, "group": g1} }, "", nil},
		{"rename", &bob, CmdRetroGroupRename, obj("exercise", ex, "group", &g1, "title", "Team habits"), "", nil},
		{"rename empty", &bob, CmdRetroGroupRename, obj("exercise", ex, "group", &g1, "title", " "), rooms.CodeInvalid, nil},
		{"rename too long", &bob, CmdRetroGroupRename, obj("exercise", ex, "group", &g1, "title", longShort), rooms.CodeTooLong, nil},
		{"rename no group", &bob, CmdRetroGroupRename, obj("exercise", ex, "title", "x"), rooms.CodeBadMessage, nil},
		{"rename emptied group", &bob, CmdRetroGroupRename, obj("exercise", ex, "group", &g2, "title", "x"), rooms.CodeNotFound, nil},
		{"ungroup", &ann, CmdRetroUngroup, obj("exercise", ex, "card", &b1), "", nil},
		{"ungroup again", &ann, CmdRetroUngroup, obj("exercise", ex, "card", &b1), "", nil},
		{"ungroup unknown", &ann, CmdRetroUngroup, obj("exercise", ex, "card", "nope"), rooms.CodeNotFound, nil},
		{"ungroup no card", &ann, CmdRetroUngroup, obj("exercise", ex), rooms.CodeBadMessage, nil},
		{"dot in group", &ann, CmdRetroDot, obj("exercise", ex, "item", &g1, "delta", 1), CodeWrongPhase, nil},
		phase(PhaseVote),
		{"rename in vote", &bob, CmdRetroGroupRename, obj("exercise", ex, "group", &g1, "title", "x"), CodeWrongPhase, nil},
		{"add in vote", &ann, add, obj("exercise", ex, "column", "start", "text", "late"), CodeWrongPhase, nil},
		{"edit in vote", &ann, CmdRetroCardEdit, obj("exercise", ex, "card", &a1, "text", "late"), CodeWrongPhase, nil},
		{"delete in vote", &ann, CmdRetroCardDelete, obj("exercise", ex, "card", &a1), CodeWrongPhase, nil},
		{"facilitator dots", &fac, CmdRetroDot, obj("exercise", ex, "item", &g1, "delta", 1), rooms.CodeForbidden, nil},
		{"dot", &ann, CmdRetroDot, obj("exercise", ex, "item", &g1, "delta", 1), "", nil},
		{"second dot", &ann, CmdRetroDot, obj("exercise", ex, "item", &g1, "delta", 1), "", nil},
		{"over per item", &ann, CmdRetroDot, obj("exercise", ex, "item", &g1, "delta", 1), CodeNoDotsLeft, nil},
		{"dot on grouped card", &ann, CmdRetroDot, obj("exercise", ex, "item", &a1, "delta", 1), rooms.CodeInvalid, nil},
		{"dot on unknown", &ann, CmdRetroDot, obj("exercise", ex, "item", "nope", "delta", 1), rooms.CodeNotFound, nil},
		{"dot without item", &ann, CmdRetroDot, obj("exercise", ex, "delta", 1), rooms.CodeBadMessage, nil},
		{"delta 2", &ann, CmdRetroDot, obj("exercise", ex, "item", &b1, "delta", 2), rooms.CodeInvalid, nil},
		{"no delta", &ann, CmdRetroDot, obj("exercise", ex, "item", &b1), rooms.CodeInvalid, nil},
		{"take back unplaced", &ann, CmdRetroDot, obj("exercise", ex, "item", &b1, "delta", -1), rooms.CodeInvalid, nil},
		{"third dot", &ann, CmdRetroDot, obj("exercise", ex, "item", &b1, "delta", 1), "", nil},
		{"all spent", &ann, CmdRetroDot, obj("exercise", ex, "item", &b1, "delta", 1), CodeNoDotsLeft, nil},
		{"take back", &ann, CmdRetroDot, obj("exercise", ex, "item", &b1, "delta", -1), "", nil},
		{"bob dots", &bob, CmdRetroDot, obj("exercise", ex, "item", &b1, "delta", 1), "", nil},
		{"cy dots", &cy, CmdRetroDot, obj("exercise", ex, "item", &b1, "delta", 1), "", nil},
		{"focus in vote", &fac, CmdRetroFocus, obj("exercise", ex, "item", &g1), CodeWrongPhase, nil},
		{"action in vote", &ann, CmdRetroActionAdd, obj("exercise", ex, "text", "x"), CodeWrongPhase, nil},
		phase(PhaseDiscuss),
		{"dot after vote", &ann, CmdRetroDot, obj("exercise", ex, "item", &g1, "delta", -1), CodeWrongPhase, nil},
		{"focus by participant", &ann, CmdRetroFocus, obj("exercise", ex, "item", &g1), rooms.CodeForbidden, nil},
		{"focus unknown", &fac, CmdRetroFocus, obj("exercise", ex, "item", "nope"), rooms.CodeNotFound, nil},
		{"focus grouped card", &fac, CmdRetroFocus, obj("exercise", ex, "item", &a1), rooms.CodeInvalid, nil},
		{"focus", &fac, CmdRetroFocus, obj("exercise", ex, "item", &g1), "", nil},
		{"action", &ann, CmdRetroActionAdd, obj("exercise", ex, "text", "Pair on Fridays", "owner", "Ann", "due", "2030-01-31", "item", &g1), "", func(res json.RawMessage) {
			var r struct{ Action string }
			_ = json.Unmarshal(res, &r)
			act = r.Action
		}},
		{"action by facilitator", &fac, CmdRetroActionAdd, obj("exercise", ex, "text", "Shorter stand-ups"), "", nil},
		{"action without text", &ann, CmdRetroActionAdd, obj("exercise", ex, "owner", "Ann"), rooms.CodeInvalid, nil},
		{"action text too long", &ann, CmdRetroActionAdd, obj("exercise", ex, "text", long), rooms.CodeTooLong, nil},
		{"action owner too long", &ann, CmdRetroActionAdd, obj("exercise", ex, "text", "x", "owner", longShort), rooms.CodeTooLong, nil},
		{"action bad due", &ann, CmdRetroActionAdd, obj("exercise", ex, "text", "x", "due", "2030-02-30"), rooms.CodeInvalid, nil},
		{"action due not a date", &ann, CmdRetroActionAdd, obj("exercise", ex, "text", "x", "due", "next week"), rooms.CodeInvalid, nil},
		{"action unknown item", &ann, CmdRetroActionAdd, obj("exercise", ex, "text", "x", "item", "nope"), rooms.CodeNotFound, nil},
		{"edit action", &bob, CmdRetroActionEdit, obj("exercise", ex, "action", &act, "done", true, "owner", "Bob", "due", ""), "", nil},
		{"edit action empty text", &bob, CmdRetroActionEdit, obj("exercise", ex, "action", &act, "text", ""), rooms.CodeInvalid, nil},
		{"edit action bad due", &bob, CmdRetroActionEdit, obj("exercise", ex, "action", &act, "due", "31/01/2030"), rooms.CodeInvalid, nil},
		{"edit unknown action", &bob, CmdRetroActionEdit, obj("exercise", ex, "action", "nope", "done", true), rooms.CodeNotFound, nil},
		{"edit no action", &bob, CmdRetroActionEdit, obj("exercise", ex, "done", true), rooms.CodeBadMessage, nil},
		phase(PhaseActions),
		{"focus in actions", &fac, CmdRetroFocus, obj("exercise", ex, "item", &g1), CodeWrongPhase, nil},
		{"action in actions", &cy, CmdRetroActionAdd, obj("exercise", ex, "text", "Demo every sprint", "item", &b1), "", nil},
		{"delete action", &cy, CmdRetroActionDelete, obj("exercise", ex, "action", &act), "", nil},
		{"delete action again", &cy, CmdRetroActionDelete, obj("exercise", ex, "action", &act), rooms.CodeNotFound, nil},
		{"delete no action", &cy, CmdRetroActionDelete, obj("exercise", ex), rooms.CodeBadMessage, nil},
	})
	fv, pv = b.retro(ex)
	if len(pv.Actions) != 2 || pv.Actions[0].Text != "Shorter stand-ups" || pv.Actions[1].Item != b1 {
		t.Fatalf("actions: %+v", pv.Actions)
	}
	// Back to grouping: the focus goes; after closing nothing is accepted.
	b.ok(fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
	var e Exercise
	_ = json.Unmarshal(b.last(ann, EvExerciseUpdated), &e)
	if e.Phase != PhaseGroup || e.Focus != "" {
		t.Fatalf("exercise after going back: %+v", e)
	}
	b.steps([]tbStep{
		{"action in group", &cy, CmdRetroActionDelete, obj("exercise", ex, "action", "nope"), CodeWrongPhase, nil},
		{"close", &fac, CmdClose, obj("exercise", ex), "", nil},
		{"add when closed", &ann, add, obj("exercise", ex, "column", "start", "text", "x"), CodeWrongStatus, nil},
		{"group when closed", &ann, CmdRetroGroup, obj("exercise", ex, "cards", []string{b1}), CodeWrongStatus, nil},
		{"phase when closed", &fac, CmdRetroPhase, obj("exercise", ex, "phase", PhaseVote), CodeWrongStatus, nil},
	})
}

// An action comes from an item only when it is added while that item is
// under discussion. The phones and the console link a new action to the
// exercise's focus, so the focus ends with the discussion: an action
// agreed in the actions phase comes from no item unless one is chosen,
// and a discussion taken up again starts with none in focus.
func TestRetroActionComesFromTheItemDiscussed(t *testing.T) {
	for _, p := range Phases {
		e, err := RetroSetPhase(Exercise{Phase: PhaseDiscuss, Focus: "c1"}, p)
		if want := map[bool]string{true: "c1"}[p == PhaseDiscuss]; err != nil || e.Focus != want {
			t.Errorf("discuss to %s: focus %q (%v), want %q", p, e.Focus, err, want)
		}
	}

	b := newTbEnv(t, false)
	ann := b.join("Ann")
	ex := b.exercise(retroSpecMap())
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "Pairing"})
	pairing := b.lastCard(ann)
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "stop", "text": "Late reviews"})
	late := b.lastCard(ann)
	phase := func(p string) { b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": p}) }
	for _, p := range []string{PhaseReveal, PhaseGroup, PhaseVote, PhaseDiscuss} {
		phase(p)
	}
	// As a phone adds one: with the item the exercise it last heard of
	// has in focus.
	add := func(text string) {
		t.Helper()
		var e Exercise
		_ = json.Unmarshal(b.last(ann, EvExerciseUpdated), &e)
		data := map[string]any{"exercise": ex, "text": text}
		if e.Focus != "" {
			data["item"] = e.Focus
		}
		b.ok(ann, CmdRetroActionAdd, data)
	}
	b.ok(b.fac, CmdRetroFocus, map[string]any{"exercise": ex, "item": pairing})
	add("Pair on Fridays")
	phase(PhaseActions)
	add("Shorter stand-ups")
	b.ok(ann, CmdRetroActionAdd, map[string]any{"exercise": ex, "text": "Review within a day", "item": late})
	phase(PhaseDiscuss)
	add("Demo every sprint")

	_, pv := b.retro(ex)
	got := map[string]string{}
	for _, a := range pv.Actions {
		got[a.Text] = a.Item
	}
	want := map[string]string{"Pair on Fridays": pairing, "Shorter stand-ups": "", "Review within a day": late, "Demo every sprint": ""}
	if !maps.Equal(got, want) || pv.Focus != "" {
		t.Fatalf("actions' items %v, want %v (focus %q)", got, want, pv.Focus)
	}
}

// TestRetroWholeRun runs a retrospective from writing to action items,
// checking what each person sees at each step.
func TestRetroWholeRun(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
	ex := b.exercise(retroSpecMap())
	card := func(m *rooms.Member, col, text string) string {
		t.Helper()
		if res := b.ok(m, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": col, "text": text}); res != nil {
			t.Fatalf("card.add answered %s: an answer is kept under the sender's key", res)
		}
		return b.lastCard(m)
	}
	a1 := card(ann, "start", "Pairing")
	b1 := card(bob, "start", "Mob programming")
	b2 := card(bob, "stop", "Late reviews")
	c1 := card(cy, "continue", "Demos")
	c2 := card(cy, "stop", "Scope creep")

	// Write: the author holds the card, nobody else does.
	var ev cardEvent
	_ = json.Unmarshal(b.last(ann, EvRetroCard), &ev)
	if ev.Exercise != ex || ev.Card.ID != a1 || ev.Card.Text != "Pairing" || ev.Card.AuthorName != "" {
		t.Fatalf("ann's card event: %+v", ev)
	}
	snap := b.snapshot(bob)[ex]
	if strings.Contains(string(snap.State), "Pairing") || strings.Contains(string(snap.Mine), "Pairing") {
		t.Fatal("bob's snapshot holds ann's card")
	}
	if strings.Contains(string(b.snapshot(b.fac)[ex].State), "Pairing") {
		t.Fatal("the facilitator's snapshot holds a card in the write phase")
	}

	// Reveal: every card, no authors.
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseReveal})
	fv, pv := b.retro(ex)
	if !pv.Revealed || len(pv.Cards) != 5 || len(fv.Cards) != 5 || len(pv.Items) != 5 {
		t.Fatalf("revealed board: %+v", pv)
	}
	for i, want := range []string{"start", "start", "stop", "stop", "continue"} {
		if pv.Cards[i].Column != want || pv.Cards[i].AuthorName != "" {
			t.Fatalf("cards out of column order or named: %+v", pv.Cards)
		}
	}
	if strings.Contains(string(b.rawState(ex).Facilitator), ann.Opaque(authorPurpose(ex))) {
		t.Fatal("author keys reach clients")
	}

	// Group: two start cards become one item.
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
	var g struct{ Group string }
	_ = json.Unmarshal(b.ok(cy, CmdRetroGroup, map[string]any{"exercise": ex, "cards": []string{a1, b1}, "title": "Working together"}), &g)
	_, pv = b.retro(ex)
	if len(pv.Groups) != 1 || pv.Groups[0].Title != "Working together" || !slices.Equal(pv.Groups[0].Cards, []string{a1, b1}) || len(pv.Items) != 4 {
		t.Fatalf("grouped board: %+v", pv)
	}
	if pv.Items[0].ID != g.Group || pv.Items[0].Kind != ItemGroup || pv.Items[0].Dots != nil {
		t.Fatalf("items: %+v", pv.Items)
	}

	// Vote: tallies hidden from everyone, progress for the facilitator.
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
	dot := func(m *rooms.Member, item string, d int) {
		t.Helper()
		if res := b.ok(m, CmdRetroDot, map[string]any{"exercise": ex, "item": item, "delta": d}); res != nil {
			t.Fatalf("dot answered %s", res)
		}
	}
	dot(ann, c2, 1)
	dot(ann, c2, 1)
	dot(ann, g.Group, 1)
	dot(bob, c2, 1)
	dot(bob, c1, 1)
	dot(cy, g.Group, 1)
	dot(cy, b2, 1)
	dot(cy, b2, -1)
	fv, pv = b.retro(ex)
	if pv.DotsShown || fv.DotsShown || pv.DotsPlaced != nil || fv.DotsPlaced == nil || *fv.DotsPlaced != 6 {
		t.Fatalf("vote-phase views: fac %+v part %+v", fv, pv)
	}
	for _, it := range append(fv.Items, pv.Items...) {
		if it.Dots != nil {
			t.Fatalf("a tally is shown during the vote: %+v", it)
		}
	}
	mine := b.retroMine(ann, ex)
	if mine.Dots[c2] != 2 || mine.Dots[g.Group] != 1 || *mine.DotsLeft != 0 || len(mine.Cards) != 1 {
		t.Fatalf("ann's mine: %+v", mine)
	}
	var de dotsEvent
	_ = json.Unmarshal(b.last(cy, EvRetroDots), &de)
	if de.Left != 2 || de.Dots[g.Group] != 1 || len(de.Dots) != 1 {
		t.Fatalf("cy's dots event: %+v", de)
	}
	if b.count(ann, EvRetroDots) != 3 || b.count(b.fac, EvRetroDots) != 0 {
		t.Fatal("dot events reach others")
	}

	// Discuss: vote order, with dots.
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseDiscuss})
	_, pv = b.retro(ex)
	var order []string
	var dots []int64
	for _, it := range pv.Items {
		order = append(order, it.ID)
		dots = append(dots, *it.Dots)
	}
	if !slices.Equal(order, []string{c2, g.Group, c1, b2}) || !slices.Equal(dots, []int64{3, 2, 1, 0}) {
		t.Fatalf("vote order: %v %v", order, dots)
	}
	if m := b.retroMine(ann, ex); m.Dots != nil || m.DotsLeft != nil {
		t.Fatalf("dots in mine after the vote: %+v", m)
	}
	b.ok(b.fac, CmdRetroFocus, map[string]any{"exercise": ex, "item": c2})
	var e Exercise
	_ = json.Unmarshal(b.last(bob, EvExerciseUpdated), &e)
	if e.Focus != c2 || e.Phase != PhaseDiscuss {
		t.Fatalf("focus event: %+v", e)
	}
	if _, pv = b.retro(ex); pv.Focus != c2 {
		t.Fatal("focus missing from the view")
	}
	b.ok(bob, CmdRetroActionAdd, map[string]any{"exercise": ex, "text": "Freeze scope at planning", "owner": "Bob", "due": "2030-03-01", "item": c2})

	// Actions, then results.
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseActions})
	b.ok(ann, CmdRetroActionAdd, map[string]any{"exercise": ex, "text": "Pair twice a week", "item": g.Group})
	b.ok(b.fac, CmdShow, map[string]any{"exercise": ex})
	fv, pv = b.retro(ex)
	if pv.Status != StatusResults || !pv.DotsShown || len(pv.Actions) != 2 || pv.Actions[0].Owner != "Bob" || pv.Actions[0].Due != "2030-03-01" {
		t.Fatalf("results: %+v", pv)
	}
	if fv.DotsPlaced != nil {
		t.Fatal("progress shown after the vote")
	}
	// Snapshots carry the same board.
	var sv RetroView
	if err := json.Unmarshal(b.snapshot(cy)[ex].State, &sv); err != nil || len(sv.Items) != 4 || len(sv.Actions) != 2 {
		t.Fatalf("snapshot state: %+v %v", sv, err)
	}
}

// A card carries its writer's name when the room shows names and the
// writer was told so (named; retro_named_test.go has the other cases).
func TestRetroShowsNamesWhenTheRoomDoes(t *testing.T) {
	b := newTbEnv(t, true)
	ann := b.join("Ann")
	ex := b.exercise(retroSpecMap())
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "Pairing", "named": true})
	if m := b.retroMine(ann, ex); len(m.Cards) != 1 || m.Cards[0].AuthorName != "Ann" {
		t.Fatalf("mine: %+v", m)
	}
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseReveal})
	_, pv := b.retro(ex)
	if len(pv.Cards) != 1 || pv.Cards[0].AuthorName != "Ann" {
		t.Fatalf("cards: %+v", pv.Cards)
	}
}

// TestRetroCardLimit checks the per-board card limit is a typed error.
func TestRetroCardLimit(t *testing.T) {
	b := newTbEnv(t, false)
	ann := b.join("Ann")
	ex := b.exercise(retroSpecMap())
	max := LimitsFrom(b.svc.Limits()).MaxItems
	for i := range max {
		b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": fmt.Sprint("card ", i)})
	}
	b.fails(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "one too many"}, rooms.CodeInvalid)
	b.ok(ann, CmdRetroCardDelete, map[string]any{"exercise": ex, "card": b.lastCard(ann)})
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "fits again"})
}

// TestRetroGroupRules tests the pure grouping rule: moves, empty groups,
// titles.
func TestRetroGroupRules(t *testing.T) {
	lim := LimitsFrom(rooms.DefaultLimits())
	e := Exercise{ID: "ex", Spec: Spec{Kind: KindRetro, Retro: &RetroSpec{Columns: Templates["mad-sad-glad"], Dots: 3, MaxPerItem: 2}}, Status: StatusOpen, Phase: PhaseGroup}
	board := func() retroBoard {
		b := newBoard()
		b.cards["a"] = RetroCard{ID: "a", Column: "mad", Text: strings.Repeat("long text ", 20), Group: "g"}
		b.cards["b"] = RetroCard{ID: "b", Column: "sad", Text: "B", Group: "g"}
		b.cards["c"] = RetroCard{ID: "c", Column: "glad", Text: "C"}
		b.groups["g"] = RetroGroup{ID: "g", Title: "G", Cards: []string{"a", "b"}}
		return b
	}
	title := func(s string) *string { return &s }
	cases := []struct {
		name      string
		cards     []string
		target    string
		title     *string
		want      rooms.Code
		groups    map[string][]string // groups written
		drop      []string
		moved     int
		gotTitle  string
		phaseFrom string
	}{
		{name: "new group from a loose card", cards: []string{"c"}, groups: map[string][]string{"n": {"c"}}, moved: 1, gotTitle: "C"},
		{name: "move both out empties the old group", cards: []string{"a", "b"}, groups: map[string][]string{"n": {"a", "b"}}, drop: []string{"g"}, moved: 2},
		{name: "move one keeps the old group", cards: []string{"b", "c"}, title: title("New"), groups: map[string][]string{"g": {"a"}, "n": {"b", "c"}}, moved: 2, gotTitle: "New"},
		{name: "into the existing group", cards: []string{"c", "a"}, target: "g", groups: map[string][]string{"g": {"a", "b", "c"}}, moved: 1, gotTitle: "G"},
		{name: "already there changes nothing", cards: []string{"a"}, target: "g", groups: map[string][]string{}},
		{name: "rename while grouping", cards: []string{"a"}, target: "g", title: title("Renamed"), groups: map[string][]string{"g": {"a", "b"}}, gotTitle: "Renamed"},
		{name: "empty title on existing group", cards: []string{"a"}, target: "g", title: title(""), want: rooms.CodeInvalid},
		{name: "cards missing", cards: nil, want: rooms.CodeBadMessage},
		{name: "no cards", cards: []string{}, want: rooms.CodeInvalid},
		{name: "unknown card", cards: []string{"z"}, want: rooms.CodeNotFound},
		{name: "unknown group", cards: []string{"c"}, target: "z", want: rooms.CodeNotFound},
		{name: "wrong phase", cards: []string{"c"}, want: CodeWrongPhase, phaseFrom: PhaseVote},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := e
			if c.phaseFrom != "" {
				e.Phase = c.phaseFrom
			}
			ch, id, err := RetroGroupCards(e, board(), c.cards, c.target, c.title, "n", lim)
			if rooms.ErrorCode(err) != c.want {
				t.Fatalf("want %q, got %v", c.want, err)
			}
			if c.want != "" {
				return
			}
			got := map[string][]string{}
			for _, g := range ch.groups {
				got[g.ID] = g.Cards
				if g.ID == id && c.gotTitle != "" && g.Title != c.gotTitle {
					t.Fatalf("title %q", g.Title)
				}
				if g.ID == "n" && c.gotTitle == "" && !strings.HasSuffix(g.Title, "…") {
					t.Fatalf("default title %q", g.Title)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.groups) || !slices.Equal(ch.dropGroups, c.drop) || len(ch.cards) != c.moved {
				t.Fatalf("groups %v drop %v moved %d", got, ch.dropGroups, len(ch.cards))
			}
			for _, card := range ch.cards {
				if card.Group != id {
					t.Fatalf("card %s in %q", card.ID, card.Group)
				}
			}
		})
	}
}

// TestRetroDotRules tests the pure dot rule.
func TestRetroDotRules(t *testing.T) {
	e := Exercise{ID: "ex", Spec: Spec{Kind: KindRetro, Retro: &RetroSpec{Columns: Templates["4l"], Dots: 3, MaxPerItem: 2}}, Status: StatusOpen, Phase: PhaseVote}
	b := newBoard()
	b.cards["c"] = RetroCard{ID: "c"}
	b.cards["in"] = RetroCard{ID: "in", Group: "g"}
	b.groups["g"] = RetroGroup{ID: "g", Cards: []string{"in"}}
	alloc := func(kv map[string]int) DotAlloc { return DotAlloc{Items: kv} }
	cases := []struct {
		name  string
		a     DotAlloc
		item  string
		delta int
		want  rooms.Code
		after map[string]int
	}{
		{"first dot on a card", alloc(nil), "c", 1, "", map[string]int{"c": 1}},
		{"dot on a group", alloc(map[string]int{"c": 1}), "g", 1, "", map[string]int{"c": 1, "g": 1}},
		{"per-item maximum", alloc(map[string]int{"c": 2}), "c", 1, CodeNoDotsLeft, nil},
		{"all dots spent", alloc(map[string]int{"c": 2, "g": 1}), "g", 1, CodeNoDotsLeft, nil},
		{"take back", alloc(map[string]int{"c": 2, "g": 1}), "g", -1, "", map[string]int{"c": 2}},
		{"take back from a vanished item", alloc(map[string]int{"gone": 1}), "gone", -1, "", map[string]int{}},
		{"take back what is not there", alloc(map[string]int{"c": 1}), "g", -1, rooms.CodeInvalid, nil},
		{"grouped card", alloc(nil), "in", 1, rooms.CodeInvalid, nil},
		{"unknown item", alloc(nil), "zz", 1, rooms.CodeNotFound, nil},
		{"no item", alloc(nil), "", 1, rooms.CodeBadMessage, nil},
		{"delta 0", alloc(nil), "c", 0, rooms.CodeInvalid, nil},
		{"delta 3", alloc(nil), "c", 3, rooms.CodeInvalid, nil},
	}
	for _, c := range cases {
		got, err := RetroDot(e, c.a, b, c.item, c.delta)
		if rooms.ErrorCode(err) != c.want {
			t.Fatalf("%s: want %q, got %v", c.name, c.want, err)
		}
		if c.want == "" && fmt.Sprint(got.Items) != fmt.Sprint(c.after) {
			t.Fatalf("%s: %v", c.name, got.Items)
		}
	}
	e.Phase = PhaseDiscuss
	if _, err := RetroDot(e, alloc(nil), b, "c", 1); rooms.ErrorCode(err) != CodeWrongPhase {
		t.Fatal(err)
	}
}

// TestRetroConcurrent has many people write and dot at once: every card
// lands, every dot is counted exactly once, and nobody passes their dots.
func TestRetroConcurrent(t *testing.T) {
	b := newTbEnv(t, false)
	ex := b.exercise(retroSpecMap())
	var people []*rooms.Member
	for i := range 30 {
		people = append(people, b.join(fmt.Sprint("P", i)))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	fails := map[rooms.Code]int{}
	for i, p := range people {
		wg.Go(func() {
			for j := range 2 {
				o := b.svc.Execute(b.ctx, b.room, p, rooms.Command{ID: fmt.Sprint("card", j), Type: CmdRetroCardAdd,
					Data: json.RawMessage(fmt.Sprintf(`{"exercise":%q,"column":"start","text":"card %d.%d"}`, ex, i, j))})
				if o.Code != "" {
					t.Errorf("card: %s", o.Reply)
				}
			}
		})
	}
	wg.Wait()
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
	_, pv := b.retro(ex)
	if len(pv.Items) != 60 {
		t.Fatalf("%d items", len(pv.Items))
	}
	for i, p := range people {
		wg.Go(func() {
			for j := range 5 { // 5 tries, 3 dots: two must fail
				item := pv.Items[(i+j/2)%len(pv.Items)].ID
				o := b.svc.Execute(b.ctx, b.room, p, rooms.Command{ID: fmt.Sprint("dot", j), Type: CmdRetroDot,
					Data: json.RawMessage(fmt.Sprintf(`{"exercise":%q,"item":%q,"delta":1}`, ex, item))})
				mu.Lock()
				fails[o.Code]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if fails[""] != 90 || fails[CodeNoDotsLeft] != 60 {
		t.Fatalf("answers: %v", fails)
	}
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseDiscuss})
	_, pv = b.retro(ex)
	var total int64
	for i, it := range pv.Items {
		total += *it.Dots
		if i > 0 && *it.Dots > *pv.Items[i-1].Dots {
			t.Fatal("items out of vote order")
		}
	}
	if total != 90 {
		t.Fatalf("%d dots counted", total)
	}
}

// Once cards are revealed, a card added or edited reaches everyone at once
// as retro.card.shown (without its author), and a deletion is an event for
// everyone; in the write phase nobody but the author hears of a card.
func TestRetroCardShownAfterReveal(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob := b.join("Ann"), b.join("Bob")
	ex := b.add(map[string]any{"kind": "retro", "title": "R", "retro": map[string]any{"template": "start-stop-continue"}})
	b.ok(b.fac, CmdOpen, map[string]any{"exercise": ex})
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "Hidden while writing"})
	if b.count(bob, EvRetroCardShown) != 0 || b.count(b.fac, EvRetroCardShown) != 0 {
		t.Fatal("a card was shown in the write phase")
	}
	// Showing results, which show the whole board, cannot reveal them
	// either (a click on Show results was enough before).
	b.fails(b.fac, CmdShow, map[string]any{"exercise": ex}, CodeWrongPhase)
	if _, pv := b.retro(ex); pv.Revealed || len(pv.Cards) != 0 || pv.Status != StatusOpen {
		t.Fatalf("the board after a refused show: %+v", pv)
	}
	b.ok(b.fac, CmdClose, map[string]any{"exercise": ex})
	b.fails(b.fac, CmdShow, map[string]any{"exercise": ex}, CodeWrongPhase)
	b.ok(b.fac, CmdOpen, map[string]any{"exercise": ex})
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseReveal})
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "stop", "text": "Late card"})
	var shown cardEvent
	if err := json.Unmarshal(b.last(bob, EvRetroCardShown), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Exercise != ex || shown.Card.Text != "Late card" || shown.Card.Column != "stop" || shown.Card.AuthorName != "" {
		t.Fatalf("shown card %+v", shown)
	}
	raw := string(b.last(b.fac, EvRetroCardShown))
	if strings.Contains(raw, ann.ID) || strings.Contains(raw, "Ann") {
		t.Fatalf("the shown card names its author: %s", raw)
	}
	// The author still gets the private event that tells them it is theirs.
	if b.count(ann, EvRetroCard) != 2 || b.count(bob, EvRetroCard) != 0 {
		t.Fatal("retro.card went to someone other than the author")
	}
	id := b.lastCard(ann)
	b.ok(ann, CmdRetroCardEdit, map[string]any{"exercise": ex, "card": id, "text": "Late card, edited"})
	_ = json.Unmarshal(b.last(bob, EvRetroCardShown), &shown)
	if shown.Card.ID != id || shown.Card.Text != "Late card, edited" {
		t.Fatalf("edit shown as %+v", shown)
	}
	b.ok(ann, CmdRetroCardDelete, map[string]any{"exercise": ex, "card": id})
	var del cardRef
	_ = json.Unmarshal(b.last(bob, EvRetroCardDeleted), &del)
	if del.Card != id {
		t.Fatalf("bob did not hear of the deletion: %+v", del)
	}
}

// Once the dot totals have been shown (the discussion, or shown results),
// the vote cannot start again and no dot moves: a facilitator looking at
// the totals, going back to the vote and looking again would see who
// placed the new dots.
func TestRetroDotsFinalOnceShown(t *testing.T) {
	// A click on Discuss before any vote shows totals that are all zero:
	// it settles nothing, and the vote can still be held.
	t.Run("discuss before the vote", func(t *testing.T) {
		b := newTbEnv(t, false)
		ann := b.join("Ann")
		ex := b.exercise(map[string]any{"kind": "retro", "title": "Retro"})
		b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "one"})
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseDiscuss})
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
		fv, _ := b.retro(ex)
		b.ok(ann, CmdRetroDot, map[string]any{"exercise": ex, "item": fv.Items[0].ID, "delta": 1})
	})
	for _, via := range []string{"discuss", "results"} {
		t.Run(via, func(t *testing.T) {
			b := newTbEnv(t, false)
			ann, bob := b.join("Ann"), b.join("Bob")
			ex := b.exercise(map[string]any{"kind": "retro", "title": "Retro"})
			var card struct {
				Card RetroCard `json:"card"`
			}
			_ = json.Unmarshal(b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "one"}), &card)
			b.ok(bob, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "stop", "text": "two"})
			b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
			fv, _ := b.retro(ex)
			item := fv.Items[0].ID
			b.ok(bob, CmdRetroDot, map[string]any{"exercise": ex, "item": item, "delta": 1})
			if via == "discuss" {
				b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseDiscuss})
				b.fails(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote}, CodeWrongPhase)
				// Earlier phases stay open to the facilitator; the vote does not.
				b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
				b.fails(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote}, CodeWrongPhase)
			} else if via == "results" {
				// Results shown in the vote phase, hidden, the retro opened again.
				b.ok(b.fac, CmdShow, map[string]any{"exercise": ex})
				b.ok(b.fac, CmdHide, map[string]any{"exercise": ex})
				b.ok(b.fac, CmdOpen, map[string]any{"exercise": ex})
				b.fails(ann, CmdRetroDot, map[string]any{"exercise": ex, "item": item, "delta": 1}, CodeWrongPhase)
				b.fails(bob, CmdRetroDot, map[string]any{"exercise": ex, "item": item, "delta": -1}, CodeWrongPhase)
			}
		})
	}
}

// A card written under a name before named cards had an author key of
// their own carries the author's other key: it is still theirs to edit,
// and listed as theirs; nobody else's.
func TestNamedCardFromBeforeIsStillItsAuthors(t *testing.T) {
	b := newTbEnv(t, true)
	ex := b.exercise(map[string]any{"kind": "retro", "title": "Sprint"})
	ann, bob := b.join("Ann"), b.join("Bob")
	old := RetroCard{ID: "c0ffee000001", Column: "start", Text: "Old named card", Author: ann.Opaque(authorPurpose(ex)), AuthorName: "Ann"}
	raw, _ := json.Marshal(old)
	if _, err := b.store.Apply(b.ctx, b.room, rooms.Change{Puts: []rooms.Put{{Key: cardKey(ex, old.ID), Value: raw}}}); err != nil {
		t.Fatal(err)
	}
	b.fails(bob, CmdRetroCardEdit, map[string]any{"exercise": ex, "card": old.ID, "text": "Bob's now"}, CodeNotYours)
	b.ok(ann, CmdRetroCardEdit, map[string]any{"exercise": ex, "card": old.ID, "text": "Old named card, edited"})
	if m := b.retroMine(ann, ex); len(m.Cards) != 1 || m.Cards[0].Text != "Old named card, edited" {
		t.Fatalf("Ann's cards: %+v", m.Cards)
	}
}

// The review's case: a card whose answer other people's commands pushed
// out of the room's window is sent again and not added twice.
func TestCardSentAgainAfterItsAnswerLeft(t *testing.T) {
	b := newTbEnvWith(t, false, memory.Options{ReplyWindow: 5})
	svc, ctx := b.svc, b.ctx
	ex := b.exercise(map[string]any{"kind": "retro", "title": "Sprint"})
	ann, bob := b.join("Ann"), b.join("Bob")
	add := func() rooms.Outcome {
		data, _ := json.Marshal(map[string]any{"exercise": ex, "column": "start", "text": "Pair more"})
		return svc.Execute(ctx, b.room, ann, rooms.Command{ID: "ann-card", Type: CmdRetroCardAdd, Data: data})
	}
	if o := add(); o.Code != "" {
		t.Fatalf("card: %s", o.Reply)
	}
	// 2 participants: the room keeps max(5, 2 × 64) answers.
	for range 2*rooms.ReplyPerParticipant + 5 {
		b.fails(bob, CmdRetroDot, map[string]any{"exercise": ex, "item": "nothing", "delta": 7}, CodeWrongPhase)
	}
	if o := add(); o.Code != "" || !o.Duplicate {
		t.Fatalf("the card sent again: %+v %s", o, o.Reply)
	}
	if m := b.retroMine(ann, ex); len(m.Cards) != 1 {
		t.Fatalf("%d cards, want 1", len(m.Cards))
	}
}

// Going back from the vote before its totals were shown starts the vote
// again: every dot is cleared at once, for the server, the phones and the
// console alike. Dots kept through the back step disagreed with all of
// them (phones showed every dot left while the server refused one more),
// and a card grouped meanwhile took its dots out of the count.
func TestRetroVoteStartsAgainAfterGoingBack(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob := b.join("Ann"), b.join("Bob")
	ex := b.exercise(retroSpecMap()) // 3 dots, at most 2 on one item
	for _, text := range []string{"Demos", "Pairing", "Docs"} {
		b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": text})
	}
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
	fv, _ := b.retro(ex)
	first, second, third := fv.Items[0].ID, fv.Items[1].ID, fv.Items[2].ID
	dot := func(m *rooms.Member, item string, delta int) rooms.Outcome {
		return b.run(m, CmdRetroDot, map[string]any{"exercise": ex, "item": item, "delta": delta})
	}
	for _, d := range []struct {
		m    *rooms.Member
		item string
	}{{ann, first}, {ann, first}, {ann, second}, {bob, first}, {bob, second}} {
		if o := dot(d.m, d.item, 1); o.Code != "" {
			t.Fatalf("dot: %s", o.Reply)
		}
	}
	placed := func() int64 {
		t.Helper()
		fv, _ := b.retro(ex)
		if fv.DotsPlaced == nil {
			t.Fatal("no count of dots placed in the vote")
		}
		return *fv.DotsPlaced
	}
	if n := placed(); n != 5 {
		t.Fatalf("%d dots placed before going back", n)
	}

	// Back to grouping: the first card is grouped with the second.
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
	var g struct {
		Group string `json:"group"`
	}
	_ = json.Unmarshal(b.ok(b.fac, CmdRetroGroup, map[string]any{"exercise": ex, "cards": []string{first, second}, "title": "Show and pair"}), &g)
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})

	// A fresh vote: nothing placed, every dot back with each voter.
	if n := placed(); n != 0 {
		t.Fatalf("%d dots placed once the vote starts again", n)
	}
	for _, m := range []*rooms.Member{ann, bob} {
		if mine := b.retroMine(m, ex); mine.DotsLeft == nil || *mine.DotsLeft != 3 || len(mine.Dots) != 0 {
			t.Fatalf("%s's dots once the vote starts again: %+v left %v", m.Name, mine.Dots, mine.DotsLeft)
		}
	}
	// Nothing of the first vote is there to take back; all three dots can
	// be placed again.
	if o := dot(ann, third, -1); o.Code != rooms.CodeInvalid {
		t.Fatalf("took back a dot of the first vote: %s", o.Reply)
	}
	for _, item := range []string{g.Group, g.Group, third} {
		if o := dot(ann, item, 1); o.Code != "" {
			t.Fatalf("dot in the new vote: %s", o.Reply)
		}
	}
	if o := dot(ann, third, 1); o.Code != CodeNoDotsLeft {
		t.Fatalf("a fourth dot: %s", o.Reply)
	}
	if mine := b.retroMine(ann, ex); mine.DotsLeft == nil || *mine.DotsLeft != 0 || mine.Dots[g.Group] != 2 || mine.Dots[third] != 1 {
		t.Fatalf("Ann's dots: %+v left %v", mine.Dots, mine.DotsLeft)
	}
	b.ok(bob, CmdRetroDot, map[string]any{"exercise": ex, "item": third, "delta": 1})
	if n := placed(); n != 4 {
		t.Fatalf("%d dots placed in the new vote", n)
	}

	// The discussion ranks exactly the dots placed, all of this vote.
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseDiscuss})
	_, pv := b.retro(ex)
	got := map[string]int64{}
	for _, it := range pv.Items {
		got[it.ID] = *it.Dots
	}
	if want := map[string]int64{g.Group: 2, third: 2}; !maps.Equal(got, want) {
		t.Fatalf("ranking %v, want %v", got, want)
	}

	// Once the totals are shown they are the record: going back keeps them.
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseDiscuss})
	_, pv = b.retro(ex)
	for _, it := range pv.Items {
		if *it.Dots != got[it.ID] {
			t.Fatalf("totals changed by going back after the discussion: %+v", pv.Items)
		}
	}

	// The new vote's allocations are under opaque keys of their own, as
	// the first's: no member id, no name.
	st, err := b.store.Load(b.ctx, b.room)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := st.Docs[allocKey(ex, ann.Opaque(voterPurpose(ex, 1)))]
	if !ok || ann.Opaque(voterPurpose(ex, 1)) == ann.Opaque(voterPurpose(ex, 0)) {
		t.Fatal("the new vote's allocation is not under a key of its own")
	}
	if s := string(d.Value); strings.Contains(s, ann.ID) || strings.Contains(s, "Ann") {
		t.Fatalf("allocation names its voter: %s", s)
	}
}

// TestRetroSetPhaseClearsDots states the rule itself: only a step back
// from the vote, before its totals were shown, starts it again.
func TestRetroSetPhaseClearsDots(t *testing.T) {
	vote := Exercise{ID: "ex", Spec: Spec{Kind: KindRetro}, Status: StatusOpen, Phase: PhaseVote, VoteHeld: true}
	cases := []struct {
		name  string
		from  Exercise
		to    string
		again bool
	}{
		{"vote to group", vote, PhaseGroup, true},
		{"vote to write", vote, PhaseWrite, true},
		{"vote to discuss", vote, PhaseDiscuss, false},
		{"vote to vote", vote, PhaseVote, false},
		{"vote after shown results", func() Exercise { e := vote; e.DotsFinal = true; return e }(), PhaseGroup, false},
		{"discuss to group", func() Exercise { e := vote; e.Phase, e.DotsFinal = PhaseDiscuss, true; return e }(), PhaseGroup, false},
		{"group to reveal", func() Exercise { e := vote; e.Phase = PhaseGroup; return e }(), PhaseReveal, false},
	}
	for _, c := range cases {
		got, err := RetroSetPhase(c.from, c.to)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if again := got.DotsRound == c.from.DotsRound+1; again != c.again || (c.again && got.VoteHeld) {
			t.Fatalf("%s: round %d → %d, vote held %v", c.name, c.from.DotsRound, got.DotsRound, got.VoteHeld)
		}
	}
	// Started again and skipped to the discussion, the vote shows totals
	// of nothing: they settle nothing, and the vote may still be held.
	e, _ := RetroSetPhase(vote, PhaseGroup)
	e, _ = RetroSetPhase(e, PhaseDiscuss)
	if e.DotsFinal {
		t.Fatal("an empty vote's totals closed the vote")
	}
}

// A countdown that ran out in one phase said "Time's up" on every screen
// through every later phase until stopped. Moving on clears a countdown
// that has run out; one still running goes on (a timer for the whole
// retro), and staying in the phase (a change of focus) keeps even one
// that ran out.
func TestRetroPhaseClearsATimerThatRanOut(t *testing.T) {
	b := newTbEnv(t, false)
	ex := b.exercise(retroSpecMap())
	endsAt := func() *time.Time { return b.snapshot(b.fac)[ex].Exercise.EndsAt }
	b.ok(b.fac, CmdTimer, map[string]any{"exercise": ex, "seconds": 600})
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseReveal})
	if endsAt() == nil {
		t.Fatal("a running countdown was cleared by the next phase")
	}
	b.ok(b.fac, CmdTimer, map[string]any{"exercise": ex, "seconds": 1})
	time.Sleep(1100 * time.Millisecond)
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseReveal})
	if endsAt() == nil {
		t.Fatal("the same phase again cleared the countdown")
	}
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
	if e := endsAt(); e != nil {
		t.Fatalf("a countdown that ran out in the reveal still ends at %s in the grouping", e)
	}
}

// A dot racing the step back is either placed before it, and cleared with
// the rest, or refused: none is left over into the vote started again.
func TestRetroVoteStartsAgainWhileDotsArrive(t *testing.T) {
	b := newTbEnv(t, false)
	ex := b.exercise(retroSpecMap())
	var people []*rooms.Member
	for i := range 20 {
		people = append(people, b.join(fmt.Sprint("P", i)))
	}
	b.ok(people[0], CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "Demos"})
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
	fv, _ := b.retro(ex)
	item := fv.Items[0].ID
	var wg sync.WaitGroup
	for _, p := range people {
		wg.Go(func() {
			o := b.svc.Execute(b.ctx, b.room, p, rooms.Command{ID: "dot", Type: CmdRetroDot,
				Data: json.RawMessage(fmt.Sprintf(`{"exercise":%q,"item":%q,"delta":1}`, ex, item))})
			if o.Code != "" && o.Code != CodeWrongPhase {
				t.Errorf("dot: %s", o.Reply)
			}
		})
	}
	wg.Go(func() {
		if o := b.svc.Execute(b.ctx, b.room, b.fac, rooms.Command{ID: "back", Type: CmdRetroPhase,
			Data: json.RawMessage(fmt.Sprintf(`{"exercise":%q,"phase":"group"}`, ex))}); o.Code != "" {
			t.Errorf("back: %s", o.Reply)
		}
	})
	wg.Wait()
	// Every dot placed before the step back went with it: no allocation
	// is stored (one placed after it was refused).
	st, err := b.store.Load(b.ctx, b.room)
	if err != nil {
		t.Fatal(err)
	}
	if left := allocKeysIn(slices.Collect(maps.Keys(st.Docs))); len(left) != 0 {
		t.Fatalf("allocations of the vote before left stored: %v", left)
	}
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
	if fv, _ = b.retro(ex); fv.DotsPlaced == nil || *fv.DotsPlaced != 0 {
		t.Fatal("dots of the vote before were left over")
	}
	for _, p := range people {
		if mine := b.retroMine(p, ex); mine.DotsLeft == nil || *mine.DotsLeft != 3 {
			t.Fatalf("%s has %v dots left", p.Name, mine.DotsLeft)
		}
	}
}

// A dot queued on a phone offline through vote → group → vote names the
// vote it was placed in (dotsRound): sent again in the vote started
// since, it is refused, not placed there by nobody's choice. A client
// that does not say is taken as before.
func TestRetroDotOfAnEarlierVoteIsRefused(t *testing.T) {
	b := newTbEnv(t, false)
	ann := b.join("Ann")
	ex := b.exercise(retroSpecMap())
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "Demos"})
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
	fv, _ := b.retro(ex)
	item := fv.Items[0].ID
	dot := func(delta int, round any) rooms.Outcome {
		data := map[string]any{"exercise": ex, "item": item, "delta": delta}
		if round != nil {
			data["dotsRound"] = round
		}
		return b.run(ann, CmdRetroDot, data)
	}
	if o := dot(1, 0); o.Code != "" {
		t.Fatalf("a dot of the vote on: %s", o.Reply)
	}
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
	for _, delta := range []int{1, -1} {
		o := dot(delta, 0)
		if o.Code != CodeWrongPhase || !strings.Contains(string(o.Reply), "started again") || !strings.Contains(string(o.Reply), `"dotsRound"`) {
			t.Fatalf("a dot (%+d) of the vote before: %s", delta, o.Reply)
		}
	}
	if fv, _ = b.retro(ex); *fv.DotsPlaced != 0 {
		t.Fatalf("%d dots placed by the vote before", *fv.DotsPlaced)
	}
	if o := dot(1, 1); o.Code != "" {
		t.Fatalf("a dot of this vote: %s", o.Reply)
	}
	if o := dot(1, nil); o.Code != "" {
		t.Fatalf("a dot that names no vote: %s", o.Reply)
	}
	if fv, _ = b.retro(ex); *fv.DotsPlaced != 2 {
		t.Fatalf("%d dots placed in this vote", *fv.DotsPlaced)
	}
	if mine := b.retroMine(ann, ex); *mine.DotsLeft != 1 {
		t.Fatalf("Ann has %d dots left", *mine.DotsLeft)
	}
}

// Once the dot totals have been shown, the board can go back to grouping:
// the dots follow the cards they were placed on. A card merged into a
// group adds its dots to the group's, a group merged into another brings
// its own, a card taken out takes its own back (the last card of a group
// takes the group's), and a card deleted takes its dots with it. The
// ranking, on both stores, is of those totals.
func TestRetroDotsFollowTheCardsAfterTheTotals(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
		ex := b.exercise(retroSpecMap()) // 3 dots, at most 2 on one item
		for _, text := range []string{"A", "B", "C", "D"} {
			b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": text})
		}
		phase := func(p string) { b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": p}) }
		phase(PhaseGroup)
		fv, _ := b.retro(ex)
		id := map[string]string{}
		text := map[string]string{}
		for _, c := range fv.Cards {
			id[c.Text], text[c.ID] = c.ID, c.Text
		}
		group := func(cards []string, into string) string {
			t.Helper()
			data := map[string]any{"exercise": ex, "cards": cards}
			if into != "" {
				data["group"] = into
			}
			var r struct {
				Group string `json:"group"`
			}
			_ = json.Unmarshal(b.ok(b.fac, CmdRetroGroup, data), &r)
			return r.Group
		}
		ungroup := func(card string) { b.ok(b.fac, CmdRetroUngroup, map[string]any{"exercise": ex, "card": card}) }
		cd := group([]string{id["C"], id["D"]}, "")
		text[cd] = "CD"
		phase(PhaseVote)
		for _, d := range []struct {
			m    *rooms.Member
			item string
		}{{ann, id["A"]}, {ann, id["A"]}, {ann, id["B"]}, {bob, id["A"]}, {bob, cd}, {bob, cd}, {cy, id["B"]}, {cy, cd}, {cy, cd}} {
			b.ok(d.m, CmdRetroDot, map[string]any{"exercise": ex, "item": d.item, "delta": 1, "dotsRound": 0})
		}
		// ranking is the participants' board: item (by its text) → dots, in order.
		ranking := func() string {
			t.Helper()
			_, pv := b.retro(ex)
			var out []string
			for _, it := range pv.Items {
				if it.Dots == nil {
					t.Fatalf("no dots on %s in %s", text[it.ID], pv.Phase)
				}
				out = append(out, fmt.Sprintf("%s=%d", text[it.ID], *it.Dots))
			}
			return strings.Join(out, " ")
		}
		// totals is the board in the group phase, where dots shown once
		// come with the items (not ranked: in board order).
		totals := func() map[string]int64 {
			t.Helper()
			fv, pv := b.retro(ex)
			out := map[string]int64{}
			for _, it := range fv.Items {
				if it.Dots == nil {
					t.Fatalf("no dots on %s after the totals", text[it.ID])
				}
				out[text[it.ID]] = *it.Dots
			}
			if pv.DotsShown || !maps.Equal(out, func() map[string]int64 {
				m := map[string]int64{}
				for _, it := range pv.Items {
					m[text[it.ID]] = *it.Dots
				}
				return m
			}()) {
				t.Fatalf("participants' board differs: %+v", pv.Items)
			}
			return out
		}
		want := func(got, want map[string]int64) {
			t.Helper()
			if !maps.Equal(got, want) {
				t.Fatalf("totals %v, want %v", got, want)
			}
		}
		phase(PhaseDiscuss)
		if r := ranking(); r != "CD=4 A=3 B=2" {
			t.Fatalf("first ranking: %s", r)
		}

		phase(PhaseGroup)
		want(totals(), map[string]int64{"A": 3, "B": 2, "CD": 4})
		group([]string{id["A"]}, cd) // A (3) into CD (4)
		want(totals(), map[string]int64{"B": 2, "CD": 7})
		if _, pv := b.retro(ex); !slices.ContainsFunc(pv.Cards, func(c RetroCardView) bool {
			return c.ID == id["A"] && c.Group == cd && c.Dots != nil && *c.Dots == 3
		}) {
			t.Fatalf("card A in its group does not carry its dots: %+v", pv.Cards)
		}
		phase(PhaseDiscuss)
		if r := ranking(); r != "CD=7 B=2" {
			t.Fatalf("ranking after a card joined a group: %s", r)
		}
		phase(PhaseGroup)
		ungroup(id["A"]) // A takes its 3 back
		want(totals(), map[string]int64{"A": 3, "B": 2, "CD": 4})

		// A and B into a new group, then the whole of CD into it: CD's own
		// dots come along.
		ab := group([]string{id["A"], id["B"]}, "")
		text[ab] = "AB"
		want(totals(), map[string]int64{"AB": 5, "CD": 4})
		group([]string{id["C"], id["D"]}, ab)
		want(totals(), map[string]int64{"AB": 9})
		// Out again one by one: each card its own, the last the group's.
		ungroup(id["A"])
		ungroup(id["B"])
		want(totals(), map[string]int64{"A": 3, "B": 2, "AB": 4})
		ungroup(id["C"])
		want(totals(), map[string]int64{"A": 3, "B": 2, "C": 0, "AB": 4})
		ungroup(id["D"])
		want(totals(), map[string]int64{"A": 3, "B": 2, "C": 0, "D": 4})

		// A card deleted takes its dots with it.
		b.ok(b.fac, CmdRetroCardDelete, map[string]any{"exercise": ex, "card": id["D"]})
		want(totals(), map[string]int64{"A": 3, "B": 2, "C": 0})
		phase(PhaseActions)
		if r := ranking(); r != "A=3 B=2 C=0" {
			t.Fatalf("last ranking: %s", r)
		}
	})
}

// Regroupings racing each other after the totals move every dot exactly
// once: whatever order they land in, the board's total stays the total
// of the vote.
func TestRetroRegroupingAfterTheTotalsKeepsEveryDot(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		var people []*rooms.Member
		for i := range 6 {
			people = append(people, b.join(fmt.Sprint("P", i)))
		}
		ex := b.exercise(retroSpecMap())
		for i := range 6 {
			b.ok(people[0], CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": fmt.Sprint("card ", i)})
		}
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
		fv, _ := b.retro(ex)
		var cards []string
		for _, c := range fv.Cards {
			cards = append(cards, c.ID)
		}
		b.ok(b.fac, CmdRetroGroup, map[string]any{"exercise": ex, "cards": cards[:2]})
		b.ok(b.fac, CmdRetroGroup, map[string]any{"exercise": ex, "cards": cards[2:4]})
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
		fv, _ = b.retro(ex)
		for i, p := range people {
			for j := range 3 {
				b.ok(p, CmdRetroDot, map[string]any{"exercise": ex, "item": fv.Items[(i+j)%len(fv.Items)].ID, "delta": 1})
			}
		}
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseDiscuss})
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
		var wg sync.WaitGroup
		var applied atomic.Int32
		for i := range 12 {
			wg.Go(func() {
				var data any
				switch i % 3 {
				case 0: // everything into a new group
					data = map[string]any{"exercise": ex, "cards": cards}
				case 1: // two cards, each maybe the last of a group, into one
					data = map[string]any{"exercise": ex, "cards": []string{cards[i%6], cards[(i+3)%6]}}
				default:
					o := b.svc.Execute(b.ctx, b.room, people[i%6], rooms.Command{ID: fmt.Sprint("u", i), Type: CmdRetroUngroup,
						Data: json.RawMessage(fmt.Sprintf(`{"exercise":%q,"card":%q}`, ex, cards[i%6]))})
					if o.Code != "" && o.Code != rooms.CodeConflict {
						t.Errorf("ungroup: %s", o.Reply)
					}
					if o.Code == "" {
						applied.Add(1)
					}
					return
				}
				raw, _ := json.Marshal(data)
				// conflict (retries run out on a loaded machine) applies
				// nothing: the sum below holds all the same.
				o := b.svc.Execute(b.ctx, b.room, people[i%6], rooms.Command{ID: fmt.Sprint("g", i), Type: CmdRetroGroup, Data: raw})
				if o.Code != "" && o.Code != rooms.CodeConflict {
					t.Errorf("group: %s", o.Reply)
				}
				if o.Code == "" {
					applied.Add(1)
				}
			})
		}
		wg.Wait()
		if applied.Load() == 0 {
			t.Fatal("no regrouping applied: the sum below would hold without any")
		}
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseDiscuss})
		_, pv := b.retro(ex)
		var sum int64
		for _, it := range pv.Items {
			sum += *it.Dots
		}
		if sum != 18 {
			t.Fatalf("the board holds %d dots of the 18 placed: %+v", sum, pv.Items)
		}
	})
}

// A refused dot's message is what the phone shows (errorText gives the
// server's words for no_dots_left): it counts dots as people do.
func TestRetroNoDotsLeftSaysHowMany(t *testing.T) {
	for _, c := range []struct {
		dots, perItem int
		a             map[string]int
		item, want    string
	}{
		{1, 1, map[string]int{"c": 1}, "g", "you have placed your only dot"},
		{3, 2, map[string]int{"c": 2, "g": 1}, "g", "you have placed all 3 dots"},
		{3, 1, map[string]int{"c": 1}, "c", "at most 1 dot on one item"},
		{3, 2, map[string]int{"c": 2}, "c", "at most 2 dots on one item"},
	} {
		e := Exercise{ID: "ex", Spec: Spec{Kind: KindRetro, Retro: &RetroSpec{Columns: Templates["4l"], Dots: c.dots, MaxPerItem: c.perItem}}, Status: StatusOpen, Phase: PhaseVote}
		b := newBoard()
		b.cards["c"] = RetroCard{ID: "c"}
		b.groups["g"] = RetroGroup{ID: "g"}
		_, err := RetroDot(e, DotAlloc{Items: c.a}, b, c.item, 1)
		var re *rooms.Error
		if !errors.As(err, &re) || re.Code != CodeNoDotsLeft || re.Message != c.want {
			t.Fatalf("%d dots, %d on one item, %v: %v, want %q", c.dots, c.perItem, c.a, err, c.want)
		}
	}
}
