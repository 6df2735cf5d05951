package exercises_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/memory"
)

// env is a room with the exercises registered, over the memory store.
type env struct {
	t      testing.TB
	store  *memory.Store
	svc    *rooms.Service
	room   string
	code   string
	fac    *rooms.Member
	secret rooms.Secret // the facilitator's
	n      int
}

// registerLowFloor registers the exercises with an anonymity floor of 1
// (min-responses): many tests answer with one or two people.
// TestMinResponsesFloor checks the default floor.
func registerLowFloor(svc *rooms.Service) {
	lim := exercises.LimitsFrom(svc.Limits())
	lim.MinAnonymous = 1
	exercises.RegisterWith(svc, lim)
}

func newEnv(t testing.TB) *env {
	t.Helper()
	st := memory.New(memory.Options{})
	t.Cleanup(func() { st.Close() })
	svc := rooms.NewService(st, rooms.DefaultLimits())
	registerLowFloor(svc)
	e := roomEnv(t, svc, "Votes", false)
	e.store = st
	return e
}

// roomEnv creates a room through svc (exercises registered, any store)
// and authenticates its facilitator.
func roomEnv(t testing.TB, svc *rooms.Service, title string, showNames bool) *env {
	t.Helper()
	c, err := svc.CreateRoom(context.Background(), title, showNames)
	if err != nil {
		t.Fatal(err)
	}
	fac, _, err := svc.Authenticate(context.Background(), c.Room.ID, c.Secret)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, svc: svc, room: c.Room.ID, code: c.Room.Code, fac: fac, secret: c.Secret}
}

// person joins and authenticates a participant, with their token.
func (e *env) person(name string) (*rooms.Member, rooms.Secret) {
	e.t.Helper()
	j, err := e.svc.Join(context.Background(), e.code, name, "")
	if err != nil {
		e.t.Fatal(err)
	}
	m, _, err := e.svc.Authenticate(context.Background(), e.room, j.Token)
	if err != nil {
		e.t.Fatal(err)
	}
	return m, j.Token
}

func (e *env) exec(m *rooms.Member, typ string, data any) rooms.Outcome {
	e.n++
	return e.execID(m, fmt.Sprint("cmd-", e.n), typ, data)
}

func (e *env) execID(m *rooms.Member, id, typ string, data any) rooms.Outcome {
	b, _ := json.Marshal(data)
	return e.svc.Execute(context.Background(), e.room, m, rooms.Command{ID: id, Type: typ, Data: b})
}

func (e *env) ok(m *rooms.Member, typ string, data any) json.RawMessage {
	e.t.Helper()
	o := e.exec(m, typ, data)
	if o.Code != "" {
		e.t.Fatalf("%s: %s", typ, o.Reply)
	}
	var ack struct {
		Result json.RawMessage `json:"result"`
	}
	_ = json.Unmarshal(o.Reply, &ack)
	return ack.Result
}

// open adds an exercise, opens it and returns its id.
func (e *env) open(spec map[string]any) string {
	e.t.Helper()
	id := e.add(spec)
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	return id
}

// add adds an exercise and returns its id.
func (e *env) add(spec map[string]any) string {
	e.t.Helper()
	var r struct {
		Exercise string `json:"exercise"`
	}
	_ = json.Unmarshal(e.ok(e.fac, exercises.CmdAgendaAdd, map[string]any{"spec": spec}), &r)
	return r.Exercise
}

func (e *env) state(id string) (fac, part exercises.VoteView) {
	e.t.Helper()
	v, ok, err := e.svc.State(context.Background(), e.room, "ex:"+id)
	if err != nil || !ok {
		e.t.Fatalf("state: %v %v", ok, err)
	}
	if err := json.Unmarshal(v.Facilitator, &fac); err != nil {
		e.t.Fatal(err)
	}
	if err := json.Unmarshal(v.Participant, &part); err != nil {
		e.t.Fatal(err)
	}
	return fac, part
}

func poll(multi bool) map[string]any {
	return map[string]any{"kind": "poll", "title": "Lunch?", "questions": []any{map[string]any{
		"kind": "choice", "multi": multi, "options": []any{
			map[string]any{"id": "pizza", "label": "Pizza"}, map[string]any{"id": "soup", "label": "Soup"}, map[string]any{"id": "salad", "label": "Salad"}}}}}
}

func choose(ids ...string) map[string]any {
	return map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": ids}}}
}

func rate(v int) map[string]any {
	return map[string]any{"answers": map[string]any{"q1": map[string]any{"value": v}}}
}

func answer(id string, ballot map[string]any) map[string]any {
	return map[string]any{"exercise": id, "ballot": ballot}
}

func TestValidateSpecs(t *testing.T) {
	lim := exercises.LimitsFrom(rooms.DefaultLimits())
	q := func(kind string, extra map[string]any) exercises.Question {
		b, _ := json.Marshal(map[string]any{"kind": kind})
		var out exercises.Question
		_ = json.Unmarshal(b, &out)
		eb, _ := json.Marshal(extra)
		_ = json.Unmarshal(eb, &out)
		return out
	}
	opts := []exercises.Option{{Label: "A"}, {Label: "B"}}
	good := []exercises.Spec{
		{Kind: exercises.KindPoll, Title: "P", Questions: []exercises.Question{{Kind: "choice", Options: opts}}},
		{Kind: exercises.KindScale, Title: "S", Questions: []exercises.Question{{Kind: "scale", MinLabel: "no", MaxLabel: "yes"}}},
		{Kind: exercises.KindSurvey, Title: "Pulse", Questions: []exercises.Question{{Kind: "scale"}, {Kind: "choice", Options: opts, Multi: true}}},
		{Kind: exercises.KindWords, Title: "W"},
		{Kind: exercises.KindText, Title: "T"},
		{Kind: exercises.KindRetro, Title: "R"},
		{Kind: exercises.KindHelp, Title: "H"},
		{Kind: exercises.KindKudos, Title: "K"},
	}
	for _, s := range good {
		out, err := exercises.Validate(s, lim)
		if err != nil {
			t.Errorf("%s: %v", s.Kind, err)
			continue
		}
		if out.MinResponses != 3 || !out.IsAnonymous() {
			t.Errorf("%s: defaults not filled: %+v", s.Kind, out)
		}
	}
	bad := []struct {
		name  string
		spec  exercises.Spec
		field string
	}{
		{"unknown kind", exercises.Spec{Kind: "quiz", Title: "x"}, "kind"},
		{"no title", exercises.Spec{Kind: exercises.KindWords}, "title"},
		{"long title", exercises.Spec{Kind: exercises.KindWords, Title: strings.Repeat("t", 81)}, "title"},
		{"poll without question", exercises.Spec{Kind: exercises.KindPoll, Title: "x"}, "questions"},
		{"poll with scale", exercises.Spec{Kind: exercises.KindPoll, Title: "x", Questions: []exercises.Question{{Kind: "scale"}}}, "questions"},
		{"one option", exercises.Spec{Kind: exercises.KindPoll, Title: "x", Questions: []exercises.Question{{Kind: "choice", Options: opts[:1]}}}, "questions[0].options"},
		{"blank option", exercises.Spec{Kind: exercises.KindPoll, Title: "x", Questions: []exercises.Question{{Kind: "choice", Options: []exercises.Option{{Label: "a"}, {Label: " "}}}}}, "questions[0].options[1].label"},
		{"duplicate option ids", exercises.Spec{Kind: exercises.KindPoll, Title: "x", Questions: []exercises.Question{{Kind: "choice", Options: []exercises.Option{{ID: "a", Label: "a"}, {ID: "a", Label: "b"}}}}}, "questions[0].options[1].id"},
		{"scale upside down", exercises.Spec{Kind: exercises.KindScale, Title: "x", Questions: []exercises.Question{q("scale", map[string]any{"min": 5, "max": 1})}}, "questions[0]"},
		{"scale too wide", exercises.Spec{Kind: exercises.KindScale, Title: "x", Questions: []exercises.Question{q("scale", map[string]any{"min": 0, "max": 20})}}, "questions[0]"},
		{"scale with options", exercises.Spec{Kind: exercises.KindScale, Title: "x", Questions: []exercises.Question{{Kind: "scale", Options: opts}}}, "questions[0]"},
		{"question kind", exercises.Spec{Kind: exercises.KindSurvey, Title: "x", Questions: []exercises.Question{{Kind: "essay"}}}, "questions[0].kind"},
		{"words with questions", exercises.Spec{Kind: exercises.KindWords, Title: "x", Questions: []exercises.Question{{Kind: "scale"}}}, "questions"},
		{"too many entries", exercises.Spec{Kind: exercises.KindWords, Title: "x", MaxEntries: 11}, "maxEntries"},
		{"entries on a poll", exercises.Spec{Kind: exercises.KindText, Title: "x", MaxEntries: 2}, "maxEntries"},
		{"threshold", exercises.Spec{Kind: exercises.KindText, Title: "x", MinResponses: -1}, "minResponses"},
		{"timer", exercises.Spec{Kind: exercises.KindText, Title: "x", TimerSeconds: 99999}, "timerSeconds"},
		{"retro template", exercises.Spec{Kind: exercises.KindRetro, Title: "x", Retro: &exercises.RetroSpec{Template: "nope"}}, "retro.template"},
		{"retro dots", exercises.Spec{Kind: exercises.KindRetro, Title: "x", Retro: &exercises.RetroSpec{Dots: 2, MaxPerItem: 3}}, "retro.maxPerItem"},
		{"retro on a poll", exercises.Spec{Kind: exercises.KindText, Title: "x", Retro: &exercises.RetroSpec{}}, "retro"},
	}
	for _, c := range bad {
		_, err := exercises.Validate(c.spec, lim)
		e := rooms.AsError(err)
		if err == nil || e.Field != c.field {
			t.Errorf("%s: got %v, want an error on %q", c.name, err, c.field)
		}
	}
}

// A scale whose ends are the wrong way round (or the same) is told so
// with its two values, not with the general range: as any refusal of a
// spec, invalid and about the question (where the console shows a
// scale's range). Ends out of range still get the range.
func TestScaleEndsTheWrongWayRound(t *testing.T) {
	lim := exercises.LimitsFrom(rooms.DefaultLimits())
	scale := func(min, max int) exercises.Spec {
		return exercises.Spec{Kind: exercises.KindSurvey, Title: "x", Questions: []exercises.Question{
			{Kind: "scale"}, {Kind: "scale", Min: min, Max: max}}}
	}
	const rng = "a scale runs from min to max, -10 to 10, with at most 11 points"
	for _, c := range []struct {
		min, max int
		want     string
	}{
		{5, 1, "the scale’s lowest value (5) must be below its highest (1)"},
		{3, 3, "the scale’s lowest value (3) must be below its highest (3)"},
		{-2, -7, "the scale’s lowest value (-2) must be below its highest (-7)"},
		{5, 0, "the scale’s lowest value (5) must be below its highest (0)"},
		{20, 3, rng},
		{3, -20, rng},
		{-10, 10, rng},
	} {
		_, err := exercises.Validate(scale(c.min, c.max), lim)
		e := rooms.AsError(err)
		if e == nil || e.Code != rooms.CodeInvalid || e.Field != "questions[1]" || e.Message != c.want {
			t.Errorf("%d to %d: got %+v, want invalid on questions[1]: %s", c.min, c.max, e, c.want)
		}
	}
}

func TestNormalizeBallot(t *testing.T) {
	lim := exercises.LimitsFrom(rooms.DefaultLimits())
	mk := func(raw map[string]any) exercises.Exercise {
		b, _ := json.Marshal(raw)
		var s exercises.Spec
		_ = json.Unmarshal(b, &s)
		s, err := exercises.Validate(s, lim)
		if err != nil {
			t.Fatal(err)
		}
		return exercises.Exercise{ID: "e", Spec: s, Status: exercises.StatusOpen}
	}
	ballot := func(raw map[string]any) exercises.Ballot {
		b, _ := json.Marshal(raw)
		var out exercises.Ballot
		_ = json.Unmarshal(b, &out)
		return out
	}
	single, multi := mk(poll(false)), mk(poll(true))
	scale := mk(map[string]any{"kind": "scale", "title": "s", "questions": []any{map[string]any{"kind": "scale"}}})
	words := mk(map[string]any{"kind": "words", "title": "w", "maxEntries": 2})
	text := mk(map[string]any{"kind": "text", "title": "t"})
	survey := mk(map[string]any{"kind": "survey", "title": "s", "questions": []any{map[string]any{"kind": "scale"}, map[string]any{"kind": "choice", "options": []any{map[string]any{"label": "a"}, map[string]any{"label": "b"}}}}})
	cases := []struct {
		name string
		e    exercises.Exercise
		b    map[string]any
		ok   bool
		want string
	}{
		{"one choice", single, choose("soup"), true, `{"answers":{"q1":{"choices":["soup"]}}}`},
		{"two on single", single, choose("soup", "pizza"), false, ""},
		{"multi in option order, deduplicated", multi, choose("salad", "pizza", "salad"), true, `{"answers":{"q1":{"choices":["pizza","salad"]}}}`},
		{"unknown option", single, choose("sushi"), false, ""},
		{"no choice", single, choose(), false, ""},
		{"unknown question", single, map[string]any{"answers": map[string]any{"q9": map[string]any{"choices": []string{"soup"}}}}, false, ""},
		{"no answer", single, map[string]any{}, false, ""},
		{"value on a choice", single, rate(3), false, ""},
		{"scale value", scale, rate(4), true, `{"answers":{"q1":{"value":4}}}`},
		{"scale out of range", scale, rate(6), false, ""},
		{"scale with choices", scale, choose("a"), false, ""},
		{"words folded", words, map[string]any{"words": []string{"  Trust ", "trust", "Open   Door"}}, true, `{"words":["trust","open door"]}`},
		{"words without their punctuation", words, map[string]any{"words": []string{"CHAOS!", "“chaos”"}}, true, `{"words":["chaos"]}`},
		{"too many words", words, map[string]any{"words": []string{"a", "b", "c"}}, false, ""},
		{"word too long", words, map[string]any{"words": []string{strings.Repeat("w", 41)}}, false, ""},
		{"word at the limit", words, map[string]any{"words": []string{strings.Repeat("W", 40)}}, true, `{"words":["` + strings.Repeat("w", 40) + `"]}`},
		{"blank words", words, map[string]any{"words": []string{" ", ""}}, false, ""},
		{"text", text, map[string]any{"text": " line one \n line two "}, true, `{"text":"line one\nline two"}`},
		{"empty text", text, map[string]any{"text": "  "}, false, ""},
		{"text too long", text, map[string]any{"text": strings.Repeat("x", 501)}, false, ""},
		{"words on text", text, map[string]any{"words": []string{"a"}}, false, ""},
		{"survey may skip a question", survey, map[string]any{"answers": map[string]any{"q2": map[string]any{"choices": []string{"o1"}}}}, true, `{"answers":{"q2":{"choices":["o1"]}}}`},
	}
	for _, c := range cases {
		got, err := exercises.NormalizeBallot(c.e, ballot(c.b), lim)
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v", c.name, err)
			continue
		}
		if c.ok {
			if b, _ := json.Marshal(got); string(b) != c.want {
				t.Errorf("%s: %s, want %s", c.name, b, c.want)
			}
		}
	}
}

// Mean and median of a scale's distribution.
func TestTallyScale(t *testing.T) {
	e := exercises.Exercise{ID: "e", Spec: exercises.Spec{Kind: exercises.KindScale, Questions: []exercises.Question{{ID: "q1", Kind: "scale", Min: 1, Max: 5}}}}
	counters := map[string]int64{"c:e:q1:1": 1, "c:e:q1:2": 1, "c:e:q1:5": 2} // 1 2 5 5
	r := exercises.Tally(e, counters, nil, nil, false)
	q := r.Questions[0]
	if q.Answered != 4 || *q.Mean != 3.25 || *q.Median != 3.5 {
		t.Fatalf("answered %d mean %v median %v", q.Answered, *q.Mean, *q.Median)
	}
	counters["c:e:q1:4"] = 1 // 1 2 4 5 5
	if m := *exercises.Tally(e, counters, nil, nil, false).Questions[0].Median; m != 4 {
		t.Fatalf("median %v, want 4", m)
	}
}

// A cloud of more words than results carry: the 100 most frequent, and
// how many shown words were left out, so that the cloud can say so; the
// words the facilitator hid are neither counted in the 100 nor left out.
func TestTallyWordsCap(t *testing.T) {
	e := exercises.Exercise{ID: "e", Spec: exercises.Spec{Kind: exercises.KindWords}}
	counters := map[string]int64{}
	for i := range 130 {
		counters[fmt.Sprintf("w:e:word%03d", i)] = int64(200 - i)
	}
	hidden := map[string]bool{"word005": true, "word120": true}
	part := exercises.Tally(e, counters, nil, hidden, false)
	if len(part.Words) != exercises.MaxWordsShown || part.Words[0].Word != "word000" || part.MoreWords != 28 {
		t.Errorf("participant: %d words from %q, %d more; want 100 from word000, 28 more", len(part.Words), part.Words[0].Word, part.MoreWords)
	}
	fac := exercises.Tally(e, counters, nil, hidden, true)
	if len(fac.Words) != exercises.MaxWordsShown+1 || fac.MoreWords != 28 {
		t.Errorf("facilitator: %d words, %d more; want 101 (word005 marked hidden), 28 more", len(fac.Words), fac.MoreWords)
	}
	for k := range counters {
		if k > "w:e:word100" {
			delete(counters, k)
		}
	}
	if r := exercises.Tally(e, counters, nil, hidden, false); r.MoreWords != 0 || len(r.Words) != 100 {
		t.Errorf("101 words, one hidden: %d shown, %d more; want 100, none", len(r.Words), r.MoreWords)
	}
}

// A poll's whole run: answers only while open, one ballot each, results
// hidden from everyone below the threshold and from participants until
// shown.
func TestPollLifecycle(t *testing.T) {
	e := newEnv(t)
	id := e.add(poll(false))
	a, _ := e.person("Ann")
	b, _ := e.person("Bob")
	c, _ := e.person("Cy")

	if o := e.exec(a, exercises.CmdAnswer, answer(id, choose("soup"))); o.Code != exercises.CodeWrongStatus {
		t.Fatalf("answer before open: %s", o.Reply)
	}
	if o := e.exec(a, exercises.CmdOpen, map[string]any{"exercise": id}); o.Code != rooms.CodeForbidden {
		t.Fatalf("participant opens: %s", o.Reply)
	}
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	if o := e.exec(e.fac, exercises.CmdAnswer, answer(id, choose("soup"))); o.Code != rooms.CodeForbidden {
		t.Fatalf("facilitator votes: %s", o.Reply)
	}
	e.ok(a, exercises.CmdAnswer, answer(id, choose("soup")))
	if o := e.exec(a, exercises.CmdAnswer, answer(id, choose("pizza"))); o.Code != exercises.CodeAlreadyAnswered {
		t.Fatalf("second ballot: %s", o.Reply)
	}
	e.ok(b, exercises.CmdAnswer, answer(id, choose("soup")))
	fac, part := e.state(id)
	if fac.Responses != 2 || fac.Results != nil || part.Results != nil || !fac.Anonymous {
		t.Fatalf("below threshold: %+v %+v", fac, part)
	}
	if o := e.exec(e.fac, exercises.CmdShow, map[string]any{"exercise": id}); o.Code != exercises.CodeTooFewResponses {
		t.Fatalf("show below threshold: %s", o.Reply)
	}
	e.ok(c, exercises.CmdAnswer, answer(id, choose("pizza")))
	fac, part = e.state(id)
	if fac.Responses != 3 || fac.Results != nil || part.Results != nil {
		t.Fatalf("at threshold and still open, nobody sees a tally (not the facilitator either): fac %+v part %+v", fac, part.Results)
	}
	e.ok(e.fac, exercises.CmdClose, map[string]any{"exercise": id})
	fac, part = e.state(id)
	if fac.Results == nil || fac.Results.Questions[0].Counts["soup"] != 2 || part.Results != nil {
		t.Fatalf("closed, not shown: fac %+v part %+v", fac.Results, part.Results)
	}
	e.ok(e.fac, exercises.CmdShow, map[string]any{"exercise": id})
	fac, part = e.state(id)
	if part.Results == nil || part.Results.Questions[0].Counts["soup"] != 2 || part.Results.Questions[0].Counts["pizza"] != 1 || part.Status != exercises.StatusResults {
		t.Fatalf("shown: %+v", part)
	}
	if o := e.exec(c, exercises.CmdAnswer, answer(id, choose("soup"))); o.Code != exercises.CodeWrongStatus {
		t.Fatalf("answer after closing: %s", o.Reply)
	}
	e.ok(e.fac, exercises.CmdHide, map[string]any{"exercise": id})
	if _, part = e.state(id); part.Results != nil {
		t.Fatal("results still shown after hiding")
	}
}

// An anonymous vote whose tally has been seen (closed at or past its
// threshold) takes no more answers: closing again would show, as a
// difference, what the latecomers chose. Closed below the threshold, it
// opens again; a named vote always does.
func TestReopenOnlyBeforeTheTallyWasSeen(t *testing.T) {
	e := newEnv(t)
	spec := poll(false)
	spec["minResponses"] = 3
	id := e.add(spec)
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	for _, n := range []string{"Ann", "Bob"} {
		m, _ := e.person(n)
		e.ok(m, exercises.CmdAnswer, answer(id, choose("soup")))
	}
	e.ok(e.fac, exercises.CmdClose, map[string]any{"exercise": id})
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id}) // two of three: nothing seen
	cy, _ := e.person("Cy")
	e.ok(cy, exercises.CmdAnswer, answer(id, choose("pizza")))
	e.ok(e.fac, exercises.CmdClose, map[string]any{"exercise": id})
	if o := e.exec(e.fac, exercises.CmdOpen, map[string]any{"exercise": id}); o.Code != exercises.CodeWrongStatus {
		t.Fatalf("an anonymous vote opened again after its tally was seen: %s", o.Reply)
	}
	e.ok(e.fac, exercises.CmdShow, map[string]any{"exercise": id})
	e.ok(e.fac, exercises.CmdHide, map[string]any{"exercise": id})
	if o := e.exec(e.fac, exercises.CmdOpen, map[string]any{"exercise": id}); o.Code != exercises.CodeWrongStatus {
		t.Fatalf("opened again after its results were shown and hidden: %s", o.Reply)
	}

	named := poll(false)
	named["anonymous"], named["minResponses"] = false, 1
	nid := e.add(named)
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": nid})
	e.ok(cy, exercises.CmdAnswer, answer(nid, choose("soup")))
	e.ok(e.fac, exercises.CmdClose, map[string]any{"exercise": nid})
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": nid})
}

// With changes allowed, a new ballot replaces the old in the tally.
func TestChangeBallot(t *testing.T) {
	e := newEnv(t)
	spec := poll(true)
	spec["allowChange"] = true
	spec["minResponses"] = 1
	id := e.add(spec)
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	a, _ := e.person("Ann")
	e.ok(a, exercises.CmdAnswer, answer(id, choose("soup", "pizza")))
	e.ok(a, exercises.CmdAnswer, answer(id, choose("salad", "pizza")))
	e.ok(e.fac, exercises.CmdClose, map[string]any{"exercise": id})
	fac, _ := e.state(id)
	counts := fac.Results.Questions[0].Counts
	if fac.Responses != 1 || counts["soup"] != 0 || counts["pizza"] != 1 || counts["salad"] != 1 || fac.Results.Questions[0].Answered != 1 {
		t.Fatalf("after a change: responses %d, %v", fac.Responses, fac.Results.Questions[0])
	}
	// The snapshot gives Ann her own ballot back, and only hers.
	st, _ := e.store.Load(context.Background(), e.room)
	snap, _ := e.svc.SnapshotFor(st, rooms.Viewer{Member: a})
	var sec exercises.SnapshotSection
	_ = json.Unmarshal(snap.Sections[exercises.SectionExercises], &sec)
	if got := string(sec.Exercises[0].Mine); got != `{"answers":{"q1":{"choices":["pizza","salad"]}}}` {
		t.Fatalf("mine: %s", got)
	}
	b, _ := e.person("Bob")
	snap, _ = e.svc.SnapshotFor(st, rooms.Viewer{Member: b})
	var bobs exercises.SnapshotSection
	_ = json.Unmarshal(snap.Sections[exercises.SectionExercises], &bobs)
	if bobs.Exercises[0].Mine != nil {
		t.Fatalf("Bob sees a ballot: %s", bobs.Exercises[0].Mine)
	}
}

// Thousands of ballots from many goroutines, with duplicates, re-sends of
// the same command and changed ballots: the tallies are exact.
func TestRandomBallotsTallyExactly(t *testing.T) {
	e := newEnv(t)
	scale := map[string]any{"kind": "survey", "title": "Pulse", "allowChange": true, "questions": []any{
		map[string]any{"kind": "scale", "min": 1, "max": 5},
		map[string]any{"kind": "choice", "multi": true, "options": []any{map[string]any{"id": "a", "label": "A"}, map[string]any{"id": "b", "label": "B"}, map[string]any{"id": "c", "label": "C"}}},
	}}
	id := e.add(scale)
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	const people = 300
	members := make([]*rooms.Member, people)
	for i := range members {
		members[i], _ = e.person(fmt.Sprint("p", i))
	}
	type final struct {
		v    int
		opts []string
	}
	finals := make([]final, people)
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			for k := range 5 + r.IntN(5) {
				v := 1 + r.IntN(5)
				var opts []string
				for _, o := range []string{"a", "b", "c"} {
					if r.IntN(2) == 0 {
						opts = append(opts, o)
					}
				}
				if len(opts) == 0 {
					opts = []string{"b"}
				}
				ballot := map[string]any{"answers": map[string]any{"q1": map[string]any{"value": v}, "q2": map[string]any{"choices": opts}}}
				cmd := fmt.Sprintf("p%d-%d", i, k)
				sends := 1 + r.IntN(3) // re-sends of the same command id
				for range sends {
					o := e.execID(m, cmd, exercises.CmdAnswer, answer(id, ballot))
					if o.Code != "" {
						t.Errorf("ballot %s: %s", cmd, o.Reply)
						return
					}
				}
				// A re-send of an older command must not undo a newer ballot.
				if k > 0 && r.IntN(3) == 0 {
					e.execID(m, fmt.Sprintf("p%d-%d", i, k-1), exercises.CmdAnswer, answer(id, choose("a")))
				}
				finals[i] = final{v, opts}
			}
		}()
	}
	wg.Wait()
	want := map[string]int64{}
	for _, f := range finals {
		want[fmt.Sprint(f.v)]++
		for _, o := range f.opts {
			want[o]++
		}
	}
	e.ok(e.fac, exercises.CmdClose, map[string]any{"exercise": id})
	fac, _ := e.state(id)
	if fac.Responses != people {
		t.Fatalf("responses %d, want %d", fac.Responses, people)
	}
	got := map[string]int64{}
	for _, q := range fac.Results.Questions {
		for k, n := range q.Counts {
			got[k] += n
		}
		if q.Answered != people {
			t.Fatalf("question %s answered %d", q.ID, q.Answered)
		}
	}
	for k, n := range want {
		if got[k] != n {
			t.Fatalf("count %s = %d, want %d (all: %v vs %v)", k, got[k], n, got, want)
		}
	}
}

// Everything the store holds for a room with an anonymous poll, scale,
// word cloud and open text: no participant's id, token or name appears
// anywhere near an answer. Who answered is kept only as opaque keys that
// differ per exercise.
func TestAnonymousVotesStoreNoLink(t *testing.T) {
	e := newEnv(t)
	ids := []string{
		e.add(poll(false)),
		e.add(map[string]any{"kind": "scale", "title": "Agree?", "allowChange": true, "questions": []any{map[string]any{"kind": "scale"}}}),
		e.add(map[string]any{"kind": "words", "title": "One word"}),
		e.add(map[string]any{"kind": "text", "title": "Anything else?"}),
	}
	for _, id := range ids {
		e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	}
	type who struct {
		m     *rooms.Member
		token rooms.Secret
	}
	var people []who
	for i := range 5 {
		m, tok := e.person(fmt.Sprintf("Person%d", i))
		people = append(people, who{m, tok})
		e.ok(m, exercises.CmdAnswer, answer(ids[0], choose("soup")))
		e.ok(m, exercises.CmdAnswer, answer(ids[1], rate(1+i%5)))
		e.ok(m, exercises.CmdAnswer, answer(ids[1], rate(5-i%5)))
		e.ok(m, exercises.CmdAnswer, answer(ids[2], map[string]any{"words": []string{fmt.Sprint("word", i)}}))
		e.ok(m, exercises.CmdAnswer, answer(ids[3], map[string]any{"text": fmt.Sprintf("secret thought %d", i)}))
	}
	dump, err := e.store.Dump(e.room)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(dump)
	all := string(raw)
	var d struct {
		Docs     map[string]string   `json:"docs"`
		Counters map[string]int64    `json:"counters"`
		Sets     map[string][]string `json:"sets"`
		Replies  map[string]any      `json:"replies"`
		History  []rooms.Event       `json:"history"`
	}
	_ = json.Unmarshal(raw, &d)
	for _, p := range people {
		if strings.Contains(all, p.token.Reveal()) {
			t.Fatal("a token is stored")
		}
		// The member's own document names them; nothing else may.
		for k, v := range d.Docs {
			if k == rooms.MemberKey(p.m.ID) || strings.HasPrefix(k, "tok:") {
				continue
			}
			if strings.Contains(k, p.m.ID) || strings.Contains(v, p.m.ID) || strings.Contains(v, p.m.Name) {
				t.Fatalf("document %s links %s: %s", k, p.m.Name, v)
			}
		}
		for k, members := range d.Sets {
			for _, m := range members {
				if strings.Contains(m, p.m.ID) {
					t.Fatalf("set %s holds member id %s", k, p.m.ID)
				}
			}
		}
		for k := range d.Counters {
			if strings.Contains(k, p.m.ID) {
				t.Fatalf("counter %s names a member", k)
			}
		}
		for actor := range d.Replies {
			if strings.Contains(actor, p.m.ID) {
				t.Fatalf("answers kept under member id %s", actor)
			}
		}
		for _, ev := range d.History {
			if strings.Contains(string(ev.Data), p.m.ID) || ev.To.Member == p.m.ID {
				t.Fatalf("event %s names a member: %s", ev.Type, ev.Data)
			}
		}
	}
	// The "who answered" sets hold opaque keys, different per exercise, so
	// even answers across exercises cannot be joined by key.
	seen := map[string]string{}
	for set, members := range d.Sets {
		if len(members) != 5 {
			t.Fatalf("set %s has %d members", set, len(members))
		}
		for _, m := range members {
			if other, dup := seen[m]; dup {
				t.Fatalf("key %s is in %s and %s", m, set, other)
			}
			seen[m] = set
		}
	}
	// And the answers are all there.
	if !strings.Contains(all, "secret thought 3") || d.Counters["w:"+ids[2]+":word4"] != 1 {
		t.Fatal("answers missing from the store")
	}
}

// Two options that read the same (case and spaces aside), or two columns
// of the same title, are refused where an exercise is added or a prepared
// one changed: the field of the repeat, and nothing stored.
func TestRepeatedLabelsRefused(t *testing.T) {
	e := newEnv(t)
	twice := poll(false)
	twice["questions"].([]any)[0].(map[string]any)["options"] = []any{
		map[string]any{"label": "Pizza"}, map[string]any{"label": "Soup"}, map[string]any{"label": "pizza "}}
	o := e.exec(e.fac, exercises.CmdAgendaAdd, map[string]any{"spec": twice})
	if o.Code != rooms.CodeInvalid || !strings.Contains(string(o.Reply), `"field":"questions[0].options[2].label"`) {
		t.Fatalf("repeated option: %s", o.Reply)
	}
	cols := map[string]any{"kind": "retro", "title": "R", "retro": map[string]any{"columns": []any{
		map[string]any{"title": "Good"}, map[string]any{"title": "Bad"}, map[string]any{"title": "good"}}}}
	if o := e.exec(e.fac, exercises.CmdAgendaAdd, map[string]any{"spec": cols}); o.Code != rooms.CodeInvalid || !strings.Contains(string(o.Reply), `"field":"retro.columns[2].title"`) {
		t.Fatalf("repeated column: %s", o.Reply)
	}
	// A prepared exercise changed to repeat a label is refused too.
	id := e.add(poll(false))
	if o := e.exec(e.fac, exercises.CmdAgendaUpdate, map[string]any{"exercise": id, "spec": twice}); o.Code != rooms.CodeInvalid {
		t.Fatalf("update to a repeated option: %s", o.Reply)
	}
	docs, _ := e.store.Get(context.Background(), e.room, exercises.KeyAgenda)
	var ag exercises.Agenda
	_ = json.Unmarshal(docs[0].Value, &ag)
	if len(ag.Items) != 1 {
		t.Fatalf("agenda %+v: only the valid exercise is added", ag)
	}
}

// agenda.next "from" the exercise the console showed moves on once: a
// double click, or clicks queued while the console was offline, arrive
// after the move and skip nothing.
func TestAgendaNextFromMovesOnce(t *testing.T) {
	e := newEnv(t)
	a := e.add(poll(false))
	b := e.add(map[string]any{"kind": "words", "title": "W"})
	c := e.add(map[string]any{"kind": "text", "title": "T"})
	current := func() string {
		docs, _ := e.store.Get(context.Background(), e.room, exercises.KeyAgenda)
		var ag exercises.Agenda
		_ = json.Unmarshal(docs[0].Value, &ag)
		return ag.Current
	}
	for i := range 2 {
		if r := e.ok(e.fac, exercises.CmdAgendaNext, map[string]any{"from": a}); string(r) != `{"exercise":"`+b+`"}` {
			t.Fatalf("next from %s, click %d: reply %s, want the new current %s", a, i+1, r, b)
		}
		if got := current(); got != b {
			t.Fatalf("after click %d from %s: current %s, want %s (c is %s)", i+1, a, got, b, c)
		}
	}
	// From the one now current, it moves on again; without "from", as before.
	e.ok(e.fac, exercises.CmdAgendaNext, map[string]any{"from": b})
	if got := current(); got != c {
		t.Fatalf("next from %s: current %s, want %s", b, got, c)
	}
	if o := e.exec(e.fac, exercises.CmdAgendaNext, map[string]any{"from": 7}); o.Code != rooms.CodeBadMessage {
		t.Errorf("from a number: %s, want bad_message", o.Reply)
	}
}

func TestAgenda(t *testing.T) {
	e := newEnv(t)
	// Nothing is current yet: agenda.go naming no exercise is not_found,
	// as docs/protocol.md says, not a silent ack.
	if o := e.exec(e.fac, exercises.CmdAgendaGo, map[string]any{}); o.Code != rooms.CodeNotFound {
		t.Fatalf("agenda.go with no exercise and nothing current: %s", o.Reply)
	}
	a := e.add(poll(false))
	b := e.add(map[string]any{"kind": "words", "title": "W"})
	c := e.add(map[string]any{"kind": "text", "title": "T"})
	agenda := func() exercises.Agenda {
		docs, _ := e.store.Get(context.Background(), e.room, exercises.KeyAgenda)
		var ag exercises.Agenda
		_ = json.Unmarshal(docs[0].Value, &ag)
		return ag
	}
	if ag := agenda(); fmt.Sprint(ag.Items) != fmt.Sprint([]string{a, b, c}) || ag.Current != a {
		t.Fatalf("agenda %+v", ag)
	}
	e.ok(e.fac, exercises.CmdAgendaNext, nil)
	e.ok(e.fac, exercises.CmdAgendaMove, map[string]any{"exercise": c, "to": 0})
	if ag := agenda(); fmt.Sprint(ag.Items) != fmt.Sprint([]string{c, a, b}) || ag.Current != b {
		t.Fatalf("after next and move: %+v", ag)
	}
	if o := e.exec(e.fac, exercises.CmdAgendaNext, nil); o.Code != rooms.CodeInvalid {
		t.Fatalf("next past the end: %s", o.Reply)
	}
	e.ok(e.fac, exercises.CmdAgendaRemove, map[string]any{"exercise": b})
	if ag := agenda(); fmt.Sprint(ag.Items) != fmt.Sprint([]string{c, a}) || ag.Current != a {
		t.Fatalf("after removing the current: %+v", ag)
	}
	for _, bad := range []struct {
		typ  string
		data any
		code rooms.Code
	}{
		{exercises.CmdAgendaMove, map[string]any{"exercise": a, "to": 5}, rooms.CodeInvalid},
		{exercises.CmdAgendaGo, map[string]any{"exercise": "nope"}, rooms.CodeNotFound},
		{exercises.CmdAgendaRemove, map[string]any{"exercise": b}, rooms.CodeNotFound},
		{exercises.CmdAgendaAdd, map[string]any{"spec": map[string]any{"kind": "poll", "title": "x"}}, rooms.CodeInvalid},
		{exercises.CmdOpen, map[string]any{}, rooms.CodeBadMessage},
		{exercises.CmdTimer, map[string]any{"exercise": a}, rooms.CodeInvalid},
		{exercises.CmdTimer, map[string]any{"exercise": a, "seconds": -1}, rooms.CodeInvalid},
		{exercises.CmdClose, map[string]any{"exercise": a}, exercises.CodeWrongStatus},
	} {
		if o := e.exec(e.fac, bad.typ, bad.data); o.Code != bad.code {
			t.Errorf("%s %v: %s, want %s", bad.typ, bad.data, o.Reply, bad.code)
		}
	}
	p, _ := e.person("P")
	for _, typ := range []string{exercises.CmdAgendaAdd, exercises.CmdAgendaRemove, exercises.CmdAgendaMove, exercises.CmdAgendaGo, exercises.CmdAgendaNext, exercises.CmdClose, exercises.CmdShow, exercises.CmdHide, exercises.CmdTimer, exercises.CmdHideAnswer} {
		if o := e.exec(p, typ, map[string]any{"exercise": a}); o.Code != rooms.CodeForbidden {
			t.Errorf("participant sends %s: %s", typ, o.Reply)
		}
	}
	// Timer: a countdown every screen shows, and stopping it.
	e.ok(e.fac, exercises.CmdTimer, map[string]any{"exercise": a, "seconds": 90})
	docs, _ := e.store.Get(context.Background(), e.room, "ex:"+a)
	var ex exercises.Exercise
	_ = json.Unmarshal(docs[0].Value, &ex)
	if ex.EndsAt == nil {
		t.Fatal("timer not set")
	}
	e.ok(e.fac, exercises.CmdTimer, map[string]any{"exercise": a, "seconds": 0})
	docs, _ = e.store.Get(context.Background(), e.room, "ex:"+a)
	var stopped exercises.Exercise
	_ = json.Unmarshal(docs[0].Value, &stopped)
	if stopped.EndsAt != nil {
		t.Fatal("timer not stopped")
	}
	// Facilitator notes never reach participants.
	e.ok(e.fac, exercises.CmdAgendaUpdate, map[string]any{"exercise": a, "spec": func() map[string]any { s := poll(false); s["notes"] = "ask the quiet ones"; return s }()})
	st, _ := e.store.Load(context.Background(), e.room)
	snap, _ := e.svc.SnapshotFor(st, rooms.Viewer{Member: p})
	if strings.Contains(string(snap.Sections[exercises.SectionExercises]), "quiet ones") {
		t.Fatal("notes reached a participant")
	}
	evs, _ := e.store.History(context.Background(), e.room, rooms.Position{Epoch: st.Pos.Epoch, Seq: 0})
	for _, ev := range evs {
		if strings.Contains(string(ev.Data), "quiet ones") && !ev.To.Facilitators {
			t.Fatalf("notes in an event for everyone: %s", ev.Type)
		}
	}
	// Once opened, the questions cannot change under the answers.
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": a})
	if o := e.exec(e.fac, exercises.CmdAgendaUpdate, map[string]any{"exercise": a, "spec": poll(true)}); o.Code != exercises.CodeWrongStatus {
		t.Fatalf("changing an open poll's questions: %s", o.Reply)
	}
}

// A hidden open-text answer disappears from the participants' results.
func TestHideTextAnswer(t *testing.T) {
	e := newEnv(t)
	id := e.add(map[string]any{"kind": "text", "title": "T", "minResponses": 1})
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	a, _ := e.person("A")
	e.ok(a, exercises.CmdAnswer, answer(id, map[string]any{"text": "rude words"}))
	e.ok(e.fac, exercises.CmdShow, map[string]any{"exercise": id})
	fac, part := e.state(id)
	if len(part.Results.Texts) != 1 {
		t.Fatalf("texts %+v", part.Results)
	}
	e.ok(e.fac, exercises.CmdHideAnswer, map[string]any{"exercise": id, "answer": fac.Results.Texts[0].ID, "hidden": true})
	fac, part = e.state(id)
	if len(part.Results.Texts) != 0 || len(fac.Results.Texts) != 1 || !fac.Results.Texts[0].Hidden {
		t.Fatalf("after hiding: fac %+v part %+v", fac.Results.Texts, part.Results.Texts)
	}
}

// An answer the facilitator hid stays hidden when its writer changes it:
// changing one word of an unkind answer put it back on every screen.
func TestHiddenTextAnswerStaysHiddenWhenChanged(t *testing.T) {
	e := newEnv(t)
	id := e.add(map[string]any{"kind": "text", "title": "T", "minResponses": 1, "anonymous": false, "allowChange": true})
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	a, _ := e.person("A")
	e.ok(a, exercises.CmdAnswer, answer(id, map[string]any{"text": "rude words"}))
	fac, _ := e.state(id)
	if len(fac.Results.Texts) != 1 {
		t.Fatalf("texts %+v", fac.Results)
	}
	e.ok(e.fac, exercises.CmdHideAnswer, map[string]any{"exercise": id, "answer": fac.Results.Texts[0].ID, "hidden": true})
	e.ok(a, exercises.CmdAnswer, answer(id, map[string]any{"text": "rude words!"}))
	e.ok(e.fac, exercises.CmdShow, map[string]any{"exercise": id})
	fac, part := e.state(id)
	if len(part.Results.Texts) != 0 || len(fac.Results.Texts) != 1 || !fac.Results.Texts[0].Hidden || fac.Results.Texts[0].Text != "rude words!" {
		t.Fatalf("changed after hiding: fac %+v part %+v", fac.Results.Texts, part.Results.Texts)
	}
	// The facilitator can still show it again.
	e.ok(e.fac, exercises.CmdHideAnswer, map[string]any{"exercise": id, "answer": fac.Results.Texts[0].ID, "hidden": false})
	if _, part := e.state(id); len(part.Results.Texts) != 1 {
		t.Fatalf("shown again: %+v", part.Results.Texts)
	}
}

// A word cloud counts a word however it was written: case, spacing and
// the punctuation around it aside. How NormalizeWord folds a word is
// tested on the cases the phones share (testdata/normalize-words.json,
// TestNormalizeWordSharedCases); here, that the cloud counts by it.
func TestNormalizeWord(t *testing.T) {
	e, id := openCloud(t, 1)
	for i, w := range []string{"CHAOS!", "chaos", "Chaos."} {
		m, _ := e.person(fmt.Sprint("P", i))
		e.ok(m, exercises.CmdAnswer, answer(id, map[string]any{"words": []string{w}}))
	}
	e.ok(e.fac, exercises.CmdClose, map[string]any{"exercise": id})
	if fac, _ := e.state(id); len(fac.Results.Words) != 1 || fac.Results.Words[0] != (exercises.WordCount{Word: "chaos", Count: 3}) {
		t.Fatalf("words: %+v", fac.Results.Words)
	}
}

// openCloud opens a word cloud whose results show from min answers.
func openCloud(t *testing.T, min int) (*env, string) {
	e := newEnv(t)
	id := e.add(map[string]any{"kind": "words", "title": "W", "minResponses": min})
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	return e, id
}

// hideWord asks to hide (or show) a word of cloud id.
func (e *env) hideWord(id, word string, hidden bool) rooms.Outcome {
	return e.exec(e.fac, exercises.CmdHideAnswer, map[string]any{"exercise": id, "answer": word, "hidden": hidden})
}

// A word cloud's word is hidden like an open-text answer, with the same
// command: named by the word, it leaves the participants' results (and
// their cap), the facilitator still sees it marked, and it comes back.
func TestHideWord(t *testing.T) {
	e, id := openCloud(t, 1)
	a, _ := e.person("A")
	b, _ := e.person("B")
	e.ok(a, exercises.CmdAnswer, answer(id, map[string]any{"words": []string{"rude", "calm"}}))
	// A word nobody entered is hidden too: the answer says nothing of
	// what was entered.
	e.ok(e.fac, exercises.CmdHideAnswer, map[string]any{"exercise": id, "answer": "never said", "hidden": true})
	// As typed: folded like the ballots' words.
	e.ok(e.fac, exercises.CmdHideAnswer, map[string]any{"exercise": id, "answer": " RUDE ", "hidden": true})
	e.ok(e.fac, exercises.CmdHideAnswer, map[string]any{"exercise": id, "answer": "rude", "hidden": true}) // same value: ack
	// Someone entering it after it was hidden does not bring it back.
	e.ok(b, exercises.CmdAnswer, answer(id, map[string]any{"words": []string{"Rude"}}))
	e.ok(e.fac, exercises.CmdShow, map[string]any{"exercise": id})
	fac, part := e.state(id)
	if len(part.Results.Words) != 1 || part.Results.Words[0].Word != "calm" {
		t.Fatalf("participants after hiding: %+v", part.Results.Words)
	}
	if len(fac.Results.Words) != 2 || fac.Results.Words[0] != (exercises.WordCount{Word: "rude", Count: 2, Hidden: true}) || fac.Results.Words[1].Hidden {
		t.Fatalf("facilitator after hiding: %+v", fac.Results.Words)
	}
	// A phone that (re)joins gets it hidden too, in its snapshot (its own
	// ballot still holds what it entered).
	st, _ := e.store.Load(context.Background(), e.room)
	snap, _ := e.svc.SnapshotFor(st, rooms.Viewer{Member: b})
	if s := string(snap.Sections[exercises.SectionExercises]); !strings.Contains(s, `"results":{"words":[{"word":"calm","count":1}]}`) {
		t.Fatalf("a participant's snapshot: %s", s)
	}
	e.ok(e.fac, exercises.CmdHideAnswer, map[string]any{"exercise": id, "answer": "rude", "hidden": false})
	if _, part = e.state(id); len(part.Results.Words) != 2 || part.Results.Words[0] != (exercises.WordCount{Word: "rude", Count: 2}) {
		t.Fatalf("shown again: %+v", part.Results.Words)
	}
}

// Below a word cloud's minimum of answers the facilitator sees no words,
// and hiding one must not tell them whether someone wrote it: with one
// person's answer in, "hide this word" is refused alike for their word
// and for one nobody wrote.
func TestHideWordTellsNothingBelowTheMinimum(t *testing.T) {
	e, id := openCloud(t, 3)
	ann, _ := e.person("Ann")
	e.ok(ann, exercises.CmdAnswer, answer(id, map[string]any{"words": []string{"Quitting!"}}))
	for _, w := range []string{"quitting", "happy"} {
		if o := e.hideWord(id, w, true); o.Code != exercises.CodeTooFewResponses {
			t.Fatalf("hiding %q with one answer in: %+v", w, o)
		}
	}
	for _, n := range []string{"Ben", "Cy"} {
		p, _ := e.person(n)
		e.ok(p, exercises.CmdAnswer, answer(id, map[string]any{"words": []string{"calm"}}))
	}
	for _, w := range []string{"quitting", "happy"} {
		if o := e.hideWord(id, w, true); o.Code != "" {
			t.Fatalf("hiding %q with three answers in: %+v", w, o)
		}
	}
	e.ok(e.fac, exercises.CmdClose, map[string]any{"exercise": id})
	if fac, _ := e.state(id); len(fac.Results.Words) != 2 || !fac.Results.Words[1].Hidden || fac.Results.Words[1].Word != "quitting" {
		t.Fatalf("the facilitator's words: %+v", fac.Results.Words)
	}
}

// Named mode shows the facilitator who answered what, and so its tally
// live: there is no anonymity for a live tally to give away.
func TestNamedMode(t *testing.T) {
	e := newEnv(t)
	spec := poll(false)
	spec["anonymous"] = false
	spec["minResponses"] = 1
	id := e.add(spec)
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	a, _ := e.person("Ann")
	e.ok(a, exercises.CmdAnswer, answer(id, choose("salad")))
	fac, part := e.state(id)
	if fac.Anonymous || len(fac.ByMember) != 1 || fac.ByMember[0].Name != "Ann" || part.ByMember != nil {
		t.Fatalf("named: fac %+v part %+v", fac, part)
	}
	if fac.Status != exercises.StatusOpen || fac.Results == nil || fac.Results.Questions[0].Counts["salad"] != 1 || part.Results != nil {
		t.Fatalf("named, open: fac %+v part %+v", fac.Results, part.Results)
	}
}

// An anonymous vote made before the floor (or under a lower one) keeps its
// minResponses, but its editor is never stuck with it: an edit that sends
// the old threshold back is refused, and one that raises it to the floor
// is taken, even once the vote is open (a higher threshold only hides the
// results longer). Nothing else about the threshold changes once open.
func TestEditRaisesToTheFloor(t *testing.T) {
	e := newEnv(t) // a floor of 1, as before min-responses
	spec := poll(false)
	spec["minResponses"] = 1
	id := e.open(spec)
	a, _ := e.person("Ann")
	e.ok(a, exercises.CmdAnswer, answer(id, choose("soup")))
	e.ok(e.fac, exercises.CmdShow, map[string]any{"exercise": id})

	// The same room on a server with the default floor of 3.
	now := rooms.NewService(e.store, rooms.DefaultLimits())
	exercises.RegisterWith(now, exercises.LimitsFrom(now.Limits()))
	update := func(title string, min int) rooms.Outcome {
		s := poll(false)
		s["title"], s["minResponses"] = title, min
		b, _ := json.Marshal(map[string]any{"exercise": id, "spec": s})
		e.n++
		return now.Execute(context.Background(), e.room, e.fac, rooms.Command{ID: fmt.Sprint("up-", e.n), Type: exercises.CmdAgendaUpdate, Data: b})
	}
	if o := update("Lunch today?", 1); o.Code != rooms.CodeInvalid || !strings.Contains(string(o.Reply), `"field":"minResponses"`) {
		t.Fatalf("an edit keeping minResponses 1 under a floor of 3: %s", o.Reply)
	}
	if o := update("Lunch today?", 4); o.Code != exercises.CodeWrongStatus {
		t.Fatalf("an open vote's minResponses raised past the floor: %s", o.Reply)
	}
	if o := update("Lunch today?", 3); o.Code != "" {
		t.Fatalf("an open vote's minResponses raised to the floor: %s", o.Reply)
	}
	fac, _ := e.state(id)
	if fac.MinResponses != 3 || fac.Results != nil {
		t.Fatalf("after the raise, with one answer: %+v", fac)
	}
	if o := update("Lunch today?", 4); o.Code != exercises.CodeWrongStatus {
		t.Fatalf("an open vote at the floor raised again: %s", o.Reply)
	}
}

// An anonymous vote cannot show its results to fewer than the server's
// floor (min-responses, 3 by default): a facilitator asking for 1 would
// see each person's answer. A named vote, whose answers carry names
// anyway, may; a floor raised by the operator is the default too.
func TestMinResponsesFloor(t *testing.T) {
	lim := exercises.LimitsFrom(rooms.DefaultLimits())
	anon := exercises.Spec{Kind: exercises.KindPoll, Title: "Lunch?", MinResponses: 2, Questions: []exercises.Question{{Kind: exercises.QuestionChoice,
		Options: []exercises.Option{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}}}}}
	if _, err := exercises.Validate(anon, lim); rooms.ErrorCode(err) != rooms.CodeInvalid || rooms.AsError(err).Field != "minResponses" {
		t.Fatalf("anonymous poll with minResponses 2: %v", err)
	}
	named := anon
	no := false
	named.Anonymous = &no
	if _, err := exercises.Validate(named, lim); err != nil {
		t.Fatalf("named poll with minResponses 2: %v", err)
	}
	lim.MinAnonymous = 5
	anon.MinResponses = 0
	if s, err := exercises.Validate(anon, lim); err != nil || s.MinResponses != 5 {
		t.Fatalf("default under a floor of 5: %d, %v", s.MinResponses, err)
	}
	// A retro's spec has no results to hide this way.
	retro := exercises.Spec{Kind: exercises.KindRetro, Title: "Sprint", MinResponses: 1}
	if _, err := exercises.Validate(retro, lim); err != nil {
		t.Fatalf("retro: %v", err)
	}
}
