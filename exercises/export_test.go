package exercises

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/rooms"
)

// TestExportResults runs a whole workshop in a real room over the memory
// store and exports it in every format, checking content and anonymity.
func TestExportResults(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob, cy, dee := b.join("Annabel"), b.join("Bob"), b.join("Cyrus"), b.join("Dee")
	people := []*rooms.Member{ann, bob, cy, dee}
	answer := func(m *rooms.Member, ex string, ballot map[string]any) {
		t.Helper()
		b.ok(m, CmdAnswer, map[string]any{"exercise": ex, "ballot": ballot})
	}
	choice := func(o string) map[string]any {
		return map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{o}}}}
	}
	value := func(v int) map[string]any {
		return map[string]any{"answers": map[string]any{"q1": map[string]any{"value": v}}}
	}

	// A poll with four voters, shown.
	poll := b.exercise(map[string]any{"kind": "poll", "title": "Best day", "prompt": "When do we meet?",
		"notes": "Ask the team first\nthen decide",
		"questions": []any{map[string]any{"kind": "choice", "prompt": "Pick one", "options": []any{
			map[string]any{"id": "mon", "label": "Monday"}, map[string]any{"id": "thu", "label": "Thursday"}}}}})
	answer(ann, poll, choice("thu"))
	answer(bob, poll, choice("thu"))
	answer(cy, poll, choice("mon"))
	answer(dee, poll, choice("thu"))
	b.ok(b.fac, CmdShow, map[string]any{"exercise": poll})

	// A scale with three voters, closed.
	scale := b.exercise(map[string]any{"kind": "scale", "title": "Trust pulse",
		"questions": []any{map[string]any{"kind": "scale", "prompt": "I can rely on follow-through", "minLabel": "never", "maxLabel": "always"}}})
	answer(ann, scale, value(2))
	answer(bob, scale, value(4))
	answer(cy, scale, value(5))
	b.ok(b.fac, CmdClose, map[string]any{"exercise": scale})

	// A poll below its threshold: two of three.
	secret := b.exercise(map[string]any{"kind": "poll", "title": "Small poll", "minResponses": 3,
		"questions": []any{map[string]any{"kind": "choice", "options": []any{
			map[string]any{"label": "Yes-answer"}, map[string]any{"label": "No-answer"}}}}})
	answer(ann, secret, choice("o1"))
	answer(bob, secret, choice("o2"))

	// Open text.
	text := b.exercise(map[string]any{"kind": "text", "title": "Anything else?"})
	answer(ann, text, map[string]any{"text": "=HYPERLINK(\"x\") I worry about *deadlines*"})
	answer(bob, text, map[string]any{"text": "More pairing"})
	answer(cy, text, map[string]any{"text": "Nothing to hide here"})
	// Closed to moderate: while it is open, nobody sees the answers.
	b.ok(b.fac, CmdClose, map[string]any{"exercise": text})
	var tf, tp VoteView
	b.state(text, &tf, &tp)
	for _, a := range tf.Results.Texts {
		if a.Text == "Nothing to hide here" {
			b.ok(b.fac, CmdHideAnswer, map[string]any{"exercise": text, "answer": a.ID, "hidden": true})
		}
	}

	// A word cloud.
	words := b.exercise(map[string]any{"kind": "words", "title": "Check-in"})
	answer(ann, words, map[string]any{"words": []string{"Curious", "tired"}})
	answer(bob, words, map[string]any{"words": []string{"curious"}})
	answer(cy, words, map[string]any{"words": []string{"CURIOUS ", "calm"}})
	b.ok(b.fac, CmdHideAnswer, map[string]any{"exercise": words, "answer": "tired", "hidden": true})
	b.ok(b.fac, CmdClose, map[string]any{"exercise": words})

	// A retro through discuss, with actions.
	retro := b.exercise(map[string]any{"kind": "retro", "title": "Trust retro", "notes": "Ten minutes of writing",
		"retro": map[string]any{"columns": []any{
			map[string]any{"id": "builds", "title": "Builds trust"}, map[string]any{"id": "wears", "title": "Wears it down"}}}})
	card := func(m *rooms.Member, col, text string) string {
		t.Helper()
		b.ok(m, CmdRetroCardAdd, map[string]any{"exercise": retro, "column": col, "text": text})
		return b.lastCard(m)
	}
	a1 := card(ann, "builds", "Honest demos")
	b1 := card(bob, "builds", "Open roadmap")
	c1 := card(cy, "wears", "Silent scope changes")
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": retro, "phase": PhaseReveal})
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": retro, "phase": PhaseGroup})
	var g struct{ Group string }
	_ = json.Unmarshal(b.ok(cy, CmdRetroGroup, map[string]any{"exercise": retro, "cards": []string{a1, b1}, "title": "Transparency"}), &g)
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": retro, "phase": PhaseVote})
	for _, m := range people {
		b.ok(m, CmdRetroDot, map[string]any{"exercise": retro, "item": c1, "delta": 1})
	}
	b.ok(ann, CmdRetroDot, map[string]any{"exercise": retro, "item": g.Group, "delta": 1})
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": retro, "phase": PhaseDiscuss})
	var act struct{ Action string }
	_ = json.Unmarshal(b.ok(bob, CmdRetroActionAdd, map[string]any{"exercise": retro, "text": "Announce scope changes in chat", "owner": "Bob", "due": "2030-03-01", "item": c1}), &act)
	b.ok(cy, CmdRetroActionAdd, map[string]any{"exercise": retro, "text": "Share the roadmap monthly", "item": g.Group})
	if act.Action != "" {
		b.ok(bob, CmdRetroActionEdit, map[string]any{"exercise": retro, "action": act.Action, "done": true})
	}

	// Help: an anonymous request matched with a step, and a named one.
	help := b.exercise(map[string]any{"kind": "help", "title": "Can you help me?"})
	b.ok(ann, CmdHelpRequest, map[string]any{"exercise": help, "title": "Feedback on my CV", "anonymous": true})
	rid := b.lastRequest(ann)
	b.ok(dee, CmdHelpRequest, map[string]any{"exercise": help, "title": "Learn SQL"})
	var off struct{ Offer string }
	_ = json.Unmarshal(b.ok(bob, CmdHelpOffer, map[string]any{"exercise": help, "request": rid, "message": "Happy to read it"}), &off)
	b.ok(cy, CmdHelpOffer, map[string]any{"exercise": help, "request": rid, "message": "Me too"})
	b.ok(ann, CmdHelpAccept, map[string]any{"exercise": help, "request": rid, "offer": off.Offer})
	b.ok(bob, CmdHelpStep, map[string]any{"exercise": help, "request": rid, "offer": off.Offer, "text": "Coffee on Thursday"})

	// Kudos: one anonymous, one named, one hidden, one to the team.
	kudos := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
	b.ok(ann, CmdKudosSend, map[string]any{"exercise": kudos, "to": cy.ID, "message": "Thanks for the calm review", "anonymous": true})
	b.ok(bob, CmdKudosSend, map[string]any{"exercise": kudos, "to": cy.ID, "message": "Great demo"})
	b.ok(dee, CmdKudosSend, map[string]any{"exercise": kudos, "to": bob.ID, "message": "Unkind words"})
	b.ok(b.fac, CmdKudosSend, map[string]any{"exercise": kudos, "to": KudosTeam, "message": "You were all brilliant"})
	_, kv := b.kudos(kudos)
	for _, k := range kv.Kudos {
		if k.Message == "Unkind words" {
			b.ok(b.fac, CmdKudosHide, map[string]any{"exercise": kudos, "kudo": k.ID, "hidden": true})
		}
	}

	room, res := exportNow(t, b)

	// Content.
	if res.Title != "Workshop" || res.Participants != 4 || res.Date != room.CreatedAt.UTC().Format("2006-01-02") || len(res.Exercises) != 8 {
		t.Fatalf("room: %+v", res)
	}
	x := res.Exercises
	if x[0].Kind != KindPoll || x[0].Status != StatusResults || x[0].Responses != 4 || !x[0].Anonymous || x[0].Vote.Hidden ||
		x[0].FacilitatorNotes != "Ask the team first\nthen decide" ||
		x[0].Vote.Questions[0].Counts[0] != (LabelCount{"Monday", 1}) || x[0].Vote.Questions[0].Counts[1] != (LabelCount{"Thursday", 3}) {
		t.Fatalf("poll: %+v %+v", x[0], x[0].Vote)
	}
	q := x[1].Vote.Questions[0]
	if x[1].Status != StatusClosed || q.Answered != 3 || *q.Median != 4 || fmtNum(*q.Mean) != "3.67" || q.Counts[0].Label != "1 (never)" {
		t.Fatalf("scale: %+v", q)
	}
	if !x[2].Vote.Hidden || x[2].Vote.HiddenReason != HiddenTooFew || x[2].Responses != 2 || x[2].Vote.Questions != nil {
		t.Fatalf("below threshold: %+v", x[2].Vote)
	}
	if len(x[3].Vote.Texts) != 2 || x[3].Vote.HiddenTexts != 1 || x[3].Responses != 3 {
		t.Fatalf("texts, one hidden by the facilitator: %+v", x[3].Vote)
	}
	if w := x[4].Vote.Words; len(w) != 2 || w[0] != (WordCount{Word: "curious", Count: 3}) || w[1].Word != "calm" || x[4].Vote.HiddenWords != 1 {
		t.Fatalf("words, one hidden by the facilitator: %+v", x[4].Vote)
	}
	x = append(x[:4:4], x[5:]...)
	rx := x[4].Retro
	if x[4].Responses != 3 || !rx.Revealed || !rx.DotsShown || len(rx.Columns) != 2 || len(rx.Columns[0].Cards) != 2 ||
		rx.Columns[1].Cards[0].Text != "Silent scope changes" || *rx.Columns[1].Cards[0].Dots != 4 ||
		len(rx.Groups) != 1 || *rx.Groups[0].Dots != 1 || rx.Columns[0].Cards[0].Group != "Transparency" ||
		len(rx.Actions) != 2 || rx.Actions[0].Owner != "Bob" || rx.Actions[0].Due != "2030-03-01" || !rx.Actions[0].Done ||
		rx.Actions[0].Item != "Silent scope changes" || rx.Actions[1].Item != "Transparency" {
		t.Fatalf("retro: %+v", rx)
	}
	for _, c := range rx.Columns {
		for _, cd := range c.Cards {
			if cd.Author != "" {
				t.Fatalf("a card names its author in a room without names: %+v", cd)
			}
		}
	}
	hx := x[5].Help
	if hx.Counts != (HelpCounts{Open: 1, Matched: 1}) || len(hx.Requests) != 2 {
		t.Fatalf("help: %+v", hx)
	}
	for _, r := range hx.Requests {
		switch r.Title {
		case "Feedback on my CV":
			if r.Requester != "" || !r.Anonymous || r.Status != HelpMatched || r.Offers != 2 ||
				len(r.NextSteps) != 1 || r.NextSteps[0] != (NextStepExport{"Bob", "Coffee on Thursday"}) {
				t.Fatalf("anonymous request: %+v", r)
			}
		case "Learn SQL":
			if r.Requester != "Dee" {
				t.Fatalf("named request: %+v", r)
			}
		}
	}
	// The wall's visible kudos, in its order (by id, never by sending:
	// TestKudosWallKeepsNoSendingOrder).
	kx := x[6].Kudos.Kudos
	want := map[string]KudoExport{
		"You were all brilliant":     {To: "the team", From: "Facilitator", Message: "You were all brilliant", Team: true},
		"Great demo":                 {To: "Cyrus", From: "Bob", Message: "Great demo"},
		"Thanks for the calm review": {To: "Cyrus", Message: "Thanks for the calm review", Anonymous: true},
	}
	if len(kx) != 3 || x[6].Responses != 3 {
		t.Fatalf("kudos: %+v", kx)
	}
	for i, k := range kx {
		if k != want[k.Message] || i > 0 && kudoID(kv, kx[i-1].Message) > kudoID(kv, k.Message) {
			t.Fatalf("kudos: %+v", kx)
		}
	}

	js, err := res.JSON()
	if err != nil || !json.Valid(js) {
		t.Fatalf("json: %v", err)
	}
	cs, err := res.CSV()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(cs)).ReadAll()
	if err != nil || len(rows) < 40 {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	for _, r := range rows {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Fatalf("csv cell a spreadsheet runs: %q", c)
			}
		}
	}
	mdb, err := res.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{"json": string(js), "csv": string(cs), "markdown": string(mdb)}
	for f, out := range outputs {
		for _, want := range []string{"Workshop", "Best day", "Thursday", "Small poll", "Trust retro", "Transparency",
			"Announce scope changes in chat", "2030-03-01", "Feedback on my CV", "Coffee on Thursday", "Dee", "Great demo",
			"Thanks for the calm review", "Ten minutes of writing", "More pairing", "curious"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s export lacks %q", f, want)
			}
		}
		// Below the threshold nothing is counted, hidden kudos stay hidden.
		for _, banned := range []string{"Yes-answer", "No-answer", "Unkind words", "Annabel", "Nothing to hide here", "1 offers"} {
			if strings.Contains(out, banned) {
				t.Errorf("%s export holds %q", f, banned)
			}
		}
		// No ids, tokens or opaque keys of anyone.
		for _, m := range append(people, b.fac) {
			if strings.Contains(out, m.ID) {
				t.Errorf("%s export holds member id of %s", f, m.Name)
			}
		}
		for _, tok := range b.tokens {
			if strings.Contains(out, string(tok)) {
				t.Errorf("%s export holds a token", f)
			}
		}
		if strings.Contains(out, string(b.secret)) || strings.Contains(out, b.room) || strings.Contains(out, b.code) {
			t.Errorf("%s export holds the room's secret, id or code", f)
		}
		for _, m := range people {
			for _, ex := range []string{poll, scale, secret, text, words, retro, help, kudos} {
				for _, purpose := range []string{"ballot:" + ex, authorPurpose(ex), dotsPurpose(ex)} {
					if k := m.Opaque(purpose); k == "" || strings.Contains(out, k) {
						t.Errorf("%s export holds an opaque key (%q)", f, k)
					}
				}
			}
		}
	}
	if !strings.Contains(string(mdb), "Results hidden: fewer than 3 people answered.") ||
		!strings.Contains(string(mdb), "**Facilitator notes**") || !strings.Contains(string(mdb), "*Retrospective · Open · Discuss phase*") ||
		!strings.Contains(string(mdb), `I worry about \*deadlines\*`) || !strings.Contains(string(mdb), "*1 answer hidden by the facilitator.*") ||
		!strings.Contains(string(mdb), "*1 word hidden by the facilitator.*") || strings.Contains(string(mdb), "tired") ||
		!strings.Contains(string(mdb), "- [x] Announce scope changes in chat (owner **Bob**, due 2030-03-01, from Silent scope changes)") ||
		!strings.Contains(string(mdb), "- To the whole team (from **Facilitator**): You were all brilliant\n") {
		t.Fatalf("markdown:\n%s", mdb)
	}
	if !strings.Contains(string(cs), ",results,hidden,too_few,hidden: below the threshold of 3 responses") {
		t.Fatalf("csv:\n%s", cs)
	}
	if testing.Verbose() {
		t.Logf("markdown:\n%s", mdb)
	}
}

// An action agreed in the actions phase, added as the phones and the
// console add one (with the item the exercise has in focus), is from no
// item in the export: not from the last item discussed.
func TestExportActionFromOnlyTheItemDiscussed(t *testing.T) {
	b := newTbEnv(t, false)
	ann := b.join("Ann")
	retro := b.exercise(retroSpecMap())
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "stop", "text": "Late reviews"})
	late := b.lastCard(ann)
	for _, p := range []string{PhaseReveal, PhaseGroup, PhaseVote, PhaseDiscuss} {
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": retro, "phase": p})
	}
	b.ok(b.fac, CmdRetroFocus, map[string]any{"exercise": retro, "item": late})
	add := func(text string) {
		t.Helper()
		var e Exercise
		_ = json.Unmarshal(b.last(ann, EvExerciseUpdated), &e)
		b.ok(ann, CmdRetroActionAdd, map[string]any{"exercise": retro, "text": text, "item": e.Focus})
	}
	add("Review within a day")
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": retro, "phase": PhaseActions})
	add("Shorter stand-ups")

	_, res := exportNow(t, b)
	acts := res.Exercises[0].Retro.Actions
	if len(acts) != 2 || acts[0].Item != "Late reviews" || acts[1].Item != "" {
		t.Fatalf("actions: %+v", acts)
	}
	mdb, err := res.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	if md := string(mdb); !strings.Contains(md, "- [ ] Review within a day (from Late reviews)\n") || !strings.Contains(md, "- [ ] Shorter stand-ups\n") {
		t.Fatalf("markdown:\n%s", md)
	}
	cs, err := res.CSV()
	if err != nil {
		t.Fatal(err)
	}
	if c := string(cs); !strings.Contains(c, "Review within a day,open,from: Late reviews,,\n") || !strings.Contains(c, "Shorter stand-ups,open,,,\n") {
		t.Fatalf("csv:\n%s", c)
	}
}

// TestExportShowsNamesWhenTheRoomDoes: cards carry their authors only in a
// room that shows names; a retro still in its write phase exports no cards.
func TestExportShowsNamesWhenTheRoomDoes(t *testing.T) {
	b := newTbEnv(t, true)
	ann := b.join("Ann")
	retro := b.exercise(map[string]any{"kind": "retro", "title": "R"})
	hidden := b.exercise(map[string]any{"kind": "retro", "title": "Still writing"})
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "start", "text": "Demos", "named": true})
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": hidden, "column": "start", "text": "Private draft"})
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": retro, "phase": PhaseReveal})
	room, res := exportNow(t, b)
	if c := res.Exercises[0].Retro.Columns[0].Cards; len(c) != 1 || c[0].Author != "Ann" {
		t.Fatalf("cards: %+v", c)
	}
	md, _ := res.Markdown()
	if !strings.Contains(string(md), "Demos (by **Ann**)") || strings.Contains(string(md), "Private draft") ||
		!strings.Contains(string(md), "1 card written, not revealed.") {
		t.Fatalf("markdown:\n%s", md)
	}
	if _, err := ExportResults(room, nil); err == nil {
		t.Fatal("no state, no error")
	}
}

// An ended room's export says when it ended, in every format; a room
// that still runs says nothing of it.
func TestExportSaysWhenTheRoomEnded(t *testing.T) {
	b := newTbEnv(t, false)
	text := b.exercise(map[string]any{"kind": "text", "title": "Anything else?", "minResponses": 3})
	for _, n := range []string{"Ann", "Bob", "Cy"} {
		b.ok(b.join(n), CmdAnswer, map[string]any{"exercise": text, "ballot": map[string]any{"text": "from " + n}})
	}
	export := func() *RoomResults {
		t.Helper()
		_, res := exportNow(t, b)
		return res
	}
	// An anonymous vote still open has no results to export, even past
	// its threshold: nobody sees its tally until voting closes.
	if res := export(); res.EndedAt != "" || res.Exercises[0].Status != StatusOpen || !res.Exercises[0].Vote.Hidden {
		t.Fatalf("a running room's export has endedAt %q, status %s, vote %+v", res.EndedAt, res.Exercises[0].Status, res.Exercises[0].Vote)
	}
	b.ok(b.fac, rooms.CmdRoomEnd, nil)
	res := export()
	// What was open when the room ended takes nothing more: it is closed,
	// and its results are the facilitator's and the kept session's.
	if x := res.Exercises[0]; x.Status != StatusClosed || x.Vote.Hidden || len(x.Vote.Texts) != 3 {
		t.Fatalf("an exercise open at the end exports as %s, %+v", x.Status, x.Vote)
	}
	ended, err := time.Parse(time.RFC3339, res.EndedAt)
	if err != nil || time.Since(ended) > time.Minute || time.Until(ended) > time.Second {
		t.Fatalf("endedAt %q: %v", res.EndedAt, err)
	}
	md, _ := res.Markdown()
	cs, _ := res.CSV()
	// The report reads as its Date line and the comparison's heads do;
	// the CSV keeps the machine's form.
	if !strings.Contains(string(md), "- Ended: "+ended.UTC().Format("2006-01-02 15:04")+" UTC\n") || strings.Contains(string(md), res.EndedAt) ||
		!strings.Contains(string(cs), ",room,ended,"+res.EndedAt+",") {
		t.Fatalf("markdown:\n%s\ncsv:\n%s", md, cs)
	}
}

// A survey's questions may be skipped, so the threshold holds for each
// question: with three ballots and only one answer to the second
// question, that question's counts are hidden in the facilitator's live
// view, in what participants see once shown, and in every export, while
// the first question's show.
func TestSurveyQuestionBelowThresholdIsHidden(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
	survey := b.exercise(map[string]any{"kind": "survey", "title": "Pulse", "minResponses": 3, "questions": []any{
		map[string]any{"id": "q1", "kind": "scale", "prompt": "How was the week?"},
		map[string]any{"id": "q2", "kind": "choice", "prompt": "Do you plan to leave?", "options": []any{
			map[string]any{"id": "yes", "label": "Yes"}, map[string]any{"id": "no", "label": "No"}}},
	}})
	b.ok(ann, CmdAnswer, map[string]any{"exercise": survey, "ballot": map[string]any{"answers": map[string]any{
		"q1": map[string]any{"value": 2}, "q2": map[string]any{"choices": []string{"yes"}}}}})
	for _, m := range []*rooms.Member{bob, cy} {
		b.ok(m, CmdAnswer, map[string]any{"exercise": survey, "ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"value": 4}}}})
	}
	b.ok(b.fac, CmdShow, map[string]any{"exercise": survey})
	check := func(who string, r *Results) {
		t.Helper()
		if r == nil || len(r.Questions) != 2 {
			t.Fatalf("%s: results %+v", who, r)
		}
		q1, q2 := r.Questions[0], r.Questions[1]
		if q1.Hidden || q1.Answered != 3 || q1.Counts["4"] != 2 {
			t.Fatalf("%s: the answered question %+v", who, q1)
		}
		if !q2.Hidden || q2.Answered != 0 || len(q2.Counts) != 0 || q2.Mean != nil { // nor how many answered it (hideThin)
			t.Fatalf("%s: one person's answer shown: %+v", who, q2)
		}
	}
	v, ok, err := b.svc.State(b.ctx, b.room, "ex:"+survey)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	var fac, part VoteView
	if json.Unmarshal(v.Facilitator, &fac) != nil || json.Unmarshal(v.Participant, &part) != nil {
		t.Fatal("views")
	}
	check("facilitator", fac.Results)
	check("participant", part.Results)
	if strings.Contains(string(v.Facilitator)+string(v.Participant), `"yes":1`) {
		t.Fatalf("the single answer is in a view: %s", v.Facilitator)
	}

	_, res := exportNow(t, b)
	qs := res.Exercises[0].Vote.Questions
	if len(qs) != 2 || qs[0].Hidden || !qs[1].Hidden || len(qs[1].Counts) != 0 {
		t.Fatalf("export: %+v", qs)
	}
	for format, render := range map[string]func() ([]byte, error){"csv": res.CSV, "md": res.Markdown, "json": res.JSON} {
		out, err := render()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "Yes") {
			t.Fatalf("%s export shows the single answer:\n%s", format, out)
		}
	}
}

// exportNow exports b's room as it is now, with its settings, from
// whichever store it is on.
func exportNow(t *testing.T, b *tbEnv) (rooms.Room, *RoomResults) {
	t.Helper()
	room, st := loadNow(t, b)
	res, err := ExportResults(room, st)
	if err != nil {
		t.Fatal(err)
	}
	return room, res
}

// loadNow reads the room whole from its store, and the room itself.
func loadNow(t *testing.T, b *tbEnv) (rooms.Room, *rooms.State) {
	t.Helper()
	st, err := b.st.Load(b.ctx, b.room)
	if err != nil {
		t.Fatal(err)
	}
	var room rooms.Room
	if err := json.Unmarshal(st.Docs[rooms.KeyRoom].Value, &room); err != nil {
		t.Fatal(err)
	}
	return room, st
}

// keepNow keeps the room's results as a session, as ending the room does,
// and reads the session back as /sessions serves it (either store); the
// session is deleted when the test ends.
func keepNow(t *testing.T, b *tbEnv) *Session {
	t.Helper()
	room, st := loadNow(t, b)
	lib := b.st.(rooms.Library)
	if _, err := KeepSession(b.ctx, lib, room, st, time.Now(), time.Hour, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = DeleteSession(b.ctx, lib, room.ID) })
	s, err := GetSession(b.ctx, lib, room.ID, "id")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// An export kept before hidden cards were counted in all (its columns
// have counts, it has no written) still says how many cards were written.
func TestRetroExportKeptBeforeWritten(t *testing.T) {
	r := &RetroExport{Columns: []RetroColumnExport{{Title: "Start", Count: 2}, {Title: "Stop", Count: 4}}}
	var b bytes.Buffer
	writeRetroMD(&b, r)
	if !strings.Contains(b.String(), "6 cards written, not revealed.") {
		t.Fatalf("markdown: %s", b.String())
	}
	r.Written = 3
	b.Reset()
	writeRetroMD(&b, r)
	if !strings.Contains(b.String(), "3 cards written") {
		t.Fatalf("markdown: %s", b.String())
	}
}

// Comparing retros whose cards were never revealed says nothing of their
// columns (unknown, not 0), and still compares revealed ones.
func TestCompareHiddenRetroColumns(t *testing.T) {
	retro := func(revealed bool, written, count int) *Session {
		return &Session{Results: &RoomResults{Exercises: []ExerciseResult{{Kind: KindRetro, Title: "Retro",
			Retro: &RetroExport{Revealed: revealed, Written: written, Columns: []RetroColumnExport{{Title: "Start", Count: count}}}}}}}
	}
	c := Compare(retro(false, 5, 0), retro(true, 3, 3))
	cols := c.Exercises[0].Columns
	if len(cols) != 1 || cols[0].A != nil || cols[0].B == nil || *cols[0].B != 3 {
		t.Fatalf("columns %+v", cols)
	}
}

// Markdown escapes only what would be Markdown where the text stands:
// a report is pasted into chat and wiki pages, where every needless
// backslash shows.
func TestMarkdownEscapesOnlyWhatMarkdownNeeds(t *testing.T) {
	for _, c := range []struct {
		f        func(string) string
		in, want string
	}{
		{md, "Great demo!", "Great demo!"},
		{md, "![x](http://e.vil/p.png)", `!\[x\](http\://e.vil/p.png)`},
		{md, "snake_case and _this_", `snake_case and \_this\_`},
		{md, "#1 team, 2. place", "#1 team, 2. place"},
		{md, "*bold* `code` <b> a|b", "\\*bold\\* \\`code\\` &lt;b&gt; a\\|b"},
		{md, "two\nlines", "two lines"},
		{mdLine, "# not a heading", `\# not a heading`},
		{mdLine, "- not a list", `\- not a list`},
		{mdLine, "1. not a list", `1\. not a list`},
		{mdLine, "2023 was fine", "2023 was fine"},
		{mdHeading, "Retro #", `Retro \#`},
		{mdHeading, "We are #1", "We are #1"},
		{mdLine, "#1 team", `\#1 team`},
		// GFM strikethrough: a run of "~" that could close one is escaped;
		// one that can only open strikes nothing and stays as typed.
		{md, "~~done~~ and ~this~", `~~done\~\~ and ~this\~`},
		{md, "10~20 people", `10\~20 people`},
		{md, "~5 min, ~/src", "~5 min, ~/src"},
		{md, "wait ~~~ here", "wait ~~~ here"},
		{md, "~~~x~~~", `~~~x\~\~\~`},
		{mdLine, "~~~python", `\~~~python`},
		// GFM's extended autolinks: broken where they start, reading the same.
		{md, "see www.example.com or WWW.X.ORG", `see www\.example.com or WWW\.X.ORG`},
		{md, "(https://e.vil/x_y) ftp://e.vil", `(https\://e.vil/x_y) ftp\://e.vil`},
		{md, "mail ann@example.com", "mail ann\u2060@example.com"},
		{md, "mailto:ann@example.com", "mailto:ann\u2060@example.com"},
		{md, "xwww.e.vil, xhttps://e.vil, https:// later", "xwww.e.vil, xhttps://e.vil, https:// later"},
		{md, "@ann, 5@3pm, me@home", "@<!-- -->ann, 5@3pm, me@home"},
		// An entity would show as the character it names.
		{md, "Tom &amp; Jerry &#35;1 &copy;", `Tom \&amp; Jerry \&#35;1 \&copy;`},
		{md, "R&D & QA; &nbsp", "R&D & QA; &nbsp"},
	} {
		if got := c.f(c.in); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

// A report pasted into a GitHub issue pings none of the people its text
// mentions, nor marks another repository's issue it names: GitHub finds
// mentions and references in the rendered text, where a backslash escape
// is gone, so an empty HTML comment splits each (and shows nothing). A
// bare "#12" or "GH-12" notifies nobody and stays as typed ("#1
// priority" in a chat that shows raw HTML would read "#<!-- -->1"), as
// does what GitHub takes for neither.
func TestMarkdownBreaksGitHubMentionsAndReferences(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"thanks @ann and @Bob-2!", "thanks @<!-- -->ann and @<!-- -->Bob-2!"},
		{"@ann", "@<!-- -->ann"},
		{"(@ann) \"@ann\" @org/team", `(@<!-- -->ann) "@<!-- -->ann" @<!-- -->org/team`},
		{"ask @3pm", "ask @<!-- -->3pm"},
		{"see #12, (#3) and #7.", "see #12, (#3) and #7."},
		{"fixed in huddle/huddle#12 and GH-7, gh-8", "fixed in huddle/huddle#<!-- -->12 and GH-7, gh-8"},
		// Not GitHub's: after a word's character, or with no login or number after.
		{"me@home, 5@3pm, a_@b, C#12, ugh-12, #hashtag, # 1, @ alone, @-x", `me@home, 5@3pm, a\_@b, C#12, ugh-12, #hashtag, # 1, @ alone, @-x`},
		// An e-mail address keeps its word joiner, a mention in front of it its comment.
		{"@ann ann@example.com", "@<!-- -->ann ann\u2060@example.com"},
	} {
		if got := md(c.in); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
	r := &RoomResults{Title: "Sprint #42", Exercises: []ExerciseResult{{Kind: KindKudos, Title: "Thanks @team", Status: StatusClosed,
		Kudos: &KudosExport{Kudos: []KudoExport{{To: "@ann", From: "bob", Message: "for o/r#12 and @cy's review"}}}}}}
	b, err := r.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"@team", "@ann", "o/r#12", "@cy"} {
		if strings.Contains(string(b), raw) {
			t.Errorf("markdown holds %q as GitHub reads it:\n%s", raw, b)
		}
	}
}

// The CSV tells a kudo to the whole team from one to a participant named
// "the team", as the JSON's "team" does, in a column after the seven a
// spreadsheet may read by place (and before the person column, which
// came after it).
func TestCSVTellsTeamKudos(t *testing.T) {
	r := &RoomResults{Title: "Retro", Exercises: []ExerciseResult{{Kind: KindKudos, Title: "Thanks", Status: StatusClosed,
		Kudos: &KudosExport{Kudos: []KudoExport{{To: "the team", Message: "All of you", Team: true}, {To: "the team", From: "Ann", Message: "Our namesake"}}}}}}
	rows := csvRows(t, r)
	if h := strings.Join(rows[0], ","); h != "exercise,kind,title,section,item,value,detail,team,person" {
		t.Fatalf("header %s", h)
	}
	var kudos []string
	for _, row := range rows[1:] {
		if row[3] == "kudos" {
			kudos = append(kudos, strings.Join(row[4:8], "|"))
		} else if row[7] != "" {
			t.Errorf("a row of no kudo says team %q: %v", row[7], row)
		}
	}
	if want := []string{"the team||All of you|true", "the team|Ann|Our namesake|false"}; !slices.Equal(kudos, want) {
		t.Fatalf("kudos rows %q, want %q", kudos, want)
	}
}

// The report's line under each exercise uses the console's words, not
// the protocol's ("scale, results").
func TestMarkdownSaysWhatTheConsoleSays(t *testing.T) {
	r := &RoomResults{Title: "Retro", Exercises: []ExerciseResult{
		{Kind: KindScale, Title: "Pace", Status: StatusResults, Anonymous: true, Responses: 5, Vote: &VoteExport{
			Questions: []QuestionExport{{Answered: 5, Counts: []LabelCount{{Label: "3", Count: 5}}}}}},
		{Kind: KindPoll, Title: "Lunch", Status: StatusPrepared, Anonymous: false, Responses: 1, Vote: &VoteExport{}},
		{Kind: KindHelp, Title: "Help", Status: StatusClosed, Help: &HelpExport{}},
	}}
	b, err := r.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"*Scale · Closed, results shown · Anonymous · 5 answers*", "*Poll · Prepared · Named · 1 answer*",
		`*"Can you help me?" board · Closed*`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("markdown lacks %q:\n%s", want, b)
		}
	}
	// A scale's only question has no prompt: its count is the line above.
	if strings.Contains(string(b), "5 answered") {
		t.Errorf("markdown says the scale's answers twice:\n%s", b)
	}
}

// A vote's hidden results say why, in every format: never opened (not
// "fewer than 3 answered": nobody could answer), still open past its
// threshold (an anonymous vote's results reach nobody until voting
// closes), or answered by fewer than the threshold. An export kept
// before the reason was written down says the same.
func TestExportSaysWhyResultsAreHidden(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
	poll := func(title string) map[string]any {
		return map[string]any{"kind": "poll", "title": title, "minResponses": 3, "questions": []any{map[string]any{
			"kind": "choice", "options": []any{map[string]any{"id": "ber", "label": "Berlin"}, map[string]any{"id": "par", "label": "Paris"}}}}}
	}
	vote := func(ex string, ms ...*rooms.Member) {
		for _, m := range ms {
			b.ok(m, CmdAnswer, map[string]any{"exercise": ex, "ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{"ber"}}}}})
		}
	}
	b.add(poll("Never opened"))
	vote(b.exercise(poll("Still open")), ann, bob, cy)
	few := b.exercise(poll("Too few"))
	vote(few, ann, bob)
	b.ok(b.fac, CmdClose, map[string]any{"exercise": few})

	_, res := exportNow(t, b)
	want := []struct{ reason, md, csv string }{
		{HiddenNotRun, "Not run (on the agenda, never opened).", `,results,hidden,not_run,"not run: on the agenda, never opened"`},
		{HiddenStillOpen, "Results hidden: voting is still open (results when voting closes).", `,results,hidden,still_open,"hidden: voting is still open, results when voting closes"`},
		{HiddenTooFew, "Results hidden: fewer than 3 people answered.", ",results,hidden,too_few,hidden: below the threshold of 3 responses"},
	}
	if len(res.Exercises) != len(want) {
		t.Fatalf("exercises: %+v", res.Exercises)
	}
	for i, w := range want {
		if v := res.Exercises[i].Vote; !v.Hidden || v.HiddenReason != w.reason || v.Questions != nil {
			t.Errorf("%s: %+v, want hidden for %s", res.Exercises[i].Title, v, w.reason)
		}
	}
	js, _ := res.JSON()
	if !strings.Contains(string(js), `"hiddenReason": "still_open"`) {
		t.Errorf("json:\n%s", js)
	}
	check := func(res *RoomResults, what string) {
		t.Helper()
		mdb, _ := res.Markdown()
		cs, _ := res.CSV()
		sections := strings.Split(string(mdb), "\n## ")[1:]
		if strings.Count(string(mdb), "Results hidden") != 2 {
			t.Errorf("%s: markdown says results are hidden but twice:\n%s", what, mdb)
		}
		for i, w := range want {
			if !strings.Contains(sections[i], w.md) {
				t.Errorf("%s: markdown of %q lacks %q:\n%s", what, res.Exercises[i].Title, w.md, mdb)
			}
			if !strings.Contains(string(cs), w.csv) {
				t.Errorf("%s: csv lacks %q:\n%s", what, w.csv, cs)
			}
		}
	}
	check(res, "export")
	// Kept before hiddenReason: worked out from status and count.
	var old RoomResults
	_ = json.Unmarshal(bytes.ReplaceAll(js, []byte(`"hiddenReason"`), []byte(`"x"`)), &old)
	for _, x := range old.Exercises {
		if x.Vote.HiddenReason != "" {
			t.Fatalf("old export has a reason: %+v", x.Vote)
		}
	}
	check(&old, "old export")
}

// A poll whose question repeats the exercise's prompt (or title) says it
// once; a question of its own is said with it.
func TestMarkdownSaysAPollsQuestionOnce(t *testing.T) {
	q := func(prompt string) []QuestionExport {
		return []QuestionExport{{Prompt: prompt, Kind: QuestionChoice, Answered: 4, Counts: []LabelCount{{Label: "Berlin", Count: 4}}}}
	}
	r := &RoomResults{Title: "Offsite", Exercises: []ExerciseResult{
		{Kind: KindPoll, Title: "Venue", Prompt: "Where shall we meet?", Status: StatusResults, Anonymous: true, Responses: 4, Vote: &VoteExport{Questions: q("where shall we  meet")}},
		{Kind: KindPoll, Title: "Which city?", Status: StatusResults, Anonymous: true, Responses: 4, Vote: &VoteExport{Questions: q("Which city?")}},
		{Kind: KindPoll, Title: "Dates", Prompt: "We meet in spring.", Status: StatusResults, Anonymous: true, Responses: 4, Vote: &VoteExport{Questions: q("Which city?")}},
	}}
	b, err := r.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	if strings.Contains(md, "**where shall we") || strings.Count(md, "Which city?") != 2 || !strings.Contains(md, "> We meet in spring.\n\n**Which city?** (4 answered)") ||
		!strings.Contains(md, "> Where shall we meet?\n\n| Answer | Count |") {
		t.Errorf("markdown:\n%s", md)
	}
}

// An open anonymous vote's state, computed on every flush of its tally,
// reads none of its documents: nobody sees its answers until it closes.
// With a thousand open answers in, each flush read them all.
func TestOpenAnonymousVoteReadsNoAnswers(t *testing.T) {
	for _, kind := range []Kind{KindText, KindWords, KindPoll} {
		e := Exercise{ID: "x", Spec: Spec{Kind: kind}, Status: StatusOpen} // anonymous by default
		if p := docPrefixes(e); len(p) != 0 {
			t.Errorf("%s, open: reads %v", kind, p)
		}
	}
	closed := Exercise{ID: "x", Spec: Spec{Kind: KindText}, Status: StatusClosed}
	if p := docPrefixes(closed); !slices.Contains(p, textPrefix("x")) {
		t.Errorf("a closed text vote reads %v, not its answers", p)
	}
}

// A retro taken back to Group after its dot totals were shown (to merge
// two voted items, say) exports those totals, as every board shows them:
// ended there, the kept session keeps the vote's results.
// placed is a dot someone places on a card (by the card's text).
type placed struct {
	by   *rooms.Member
	card string
}

// retroVotedOn opens a retro with Ann's cards "A" and "B", places the
// dots, and shows the totals (Discuss); it returns the retro and a phase
// change for it.
func retroVotedOn(b *tbEnv, ann *rooms.Member, dots ...placed) (string, func(string)) {
	ex := b.exercise(retroSpecMap())
	for _, text := range []string{"A", "B"} {
		b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": text})
	}
	phase := func(p string) { b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": p}) }
	phase(PhaseGroup)
	fv, _ := b.retro(ex)
	card := map[string]string{}
	for _, c := range fv.Cards {
		card[c.Text] = c.ID
	}
	phase(PhaseVote)
	for _, d := range dots {
		b.ok(d.by, CmdRetroDot, map[string]any{"exercise": ex, "item": card[d.card], "delta": 1, "dotsRound": 0})
	}
	phase(PhaseDiscuss)
	return ex, phase
}

func TestRetroExportKeepsTheTotalsBackInGroup(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob := b.join("Ann"), b.join("Bob")
	_, phase := retroVotedOn(b, ann, placed{ann, "A"}, placed{ann, "A"}, placed{bob, "A"}, placed{bob, "B"})
	phase(PhaseGroup)
	b.ok(b.fac, rooms.CmdRoomEnd, nil)
	_, res := exportNow(t, b)
	r := res.Exercises[0].Retro
	got := map[string]int64{}
	for _, c := range r.Columns[0].Cards {
		if c.Dots != nil {
			got[c.Text] = *c.Dots
		}
	}
	if !r.DotsShown || got["A"] != 3 || got["B"] != 1 {
		t.Fatalf("export back in %s after the totals: dotsShown %v, dots %v", r.Phase, r.DotsShown, got)
	}
}

// A retro ended in Write has no later phase to show its cards in: the
// export (and so the kept session) has them, whether the board was never
// revealed or was taken back to Write after the vote, the voted cards
// with their totals. While the room runs, Write hides them as before.
func TestRetroEndedInWriteExportsItsCards(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob := b.join("Ann"), b.join("Bob")
	never := b.exercise(retroSpecMap())
	b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": never, "column": "start", "text": "unseen"})
	back, phase := retroVotedOn(b, ann, placed{bob, "A"})
	phase(PhaseWrite)
	b.ok(bob, CmdRetroCardAdd, map[string]any{"exercise": back, "column": "stop", "text": "late"})

	cards := func(r *RetroExport) map[string]string {
		out := map[string]string{}
		for _, c := range r.Columns {
			for _, cd := range c.Cards {
				out[cd.Text] = dotStr(cd.Dots)
			}
		}
		return out
	}
	_, res := exportNow(t, b)
	for i, x := range res.Exercises {
		if r := x.Retro; r.Revealed || len(cards(r)) != 0 {
			t.Fatalf("retro %d exported in Write while the room runs: revealed %v, cards %v", i, r.Revealed, cards(r))
		}
	}
	b.ok(b.fac, rooms.CmdRoomEnd, nil)
	_, res = exportNow(t, b)
	if r := res.Exercises[0].Retro; !r.Revealed || len(cards(r)) != 1 || cards(r)["unseen"] != "" {
		t.Fatalf("a retro never revealed, ended: revealed %v, cards %v", r.Revealed, cards(r))
	}
	r := res.Exercises[1].Retro
	if got := cards(r); !r.Revealed || len(got) != 3 || got["A"] != "1" || got["B"] != "0" || got["late"] != "0" {
		t.Fatalf("a retro back in Write after the vote, ended: revealed %v, cards %v", r.Revealed, got)
	}
	md, _ := res.Markdown()
	cs, _ := res.CSV()
	if strings.Contains(string(md), "not revealed") || strings.Contains(string(cs), "not revealed") ||
		!strings.Contains(string(md), "unseen") || !strings.Contains(string(cs), "late") {
		t.Fatalf("markdown:\n%s\ncsv:\n%s", md, cs)
	}
	// The facilitator's snapshot shows them too; a participant's (or a
	// projector's) of the ended room does not carry the cards.
	if v := b.snapshot(b.fac)[never]; !strings.Contains(string(v.State), "unseen") {
		t.Fatalf("the facilitator's board of the ended room: %s", v.State)
	}
	for _, m := range []*rooms.Member{bob, {ID: "screen", Role: rooms.RoleScreen}} {
		for _, ex := range []string{never, back} {
			if v := b.snapshot(m)[ex]; strings.Contains(string(v.State), "unseen") || strings.Contains(string(v.State), "late") {
				t.Fatalf("%s's board of the ended room: %s", m.Role, v.State)
			}
		}
	}
}

// "anonymous" is a vote's: a kudos wall, help board or retro exports
// false (each kudo and request says for itself), so a named kudo is not
// listed under an exercise said to be anonymous; the CSV has the row for
// votes only.
func TestExportAnonymousIsAVotes(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob := b.join("Ann"), b.join("Bob")
	poll := b.exercise(map[string]any{"kind": "poll", "title": "Lunch?", "questions": []any{map[string]any{
		"kind": "choice", "options": []any{map[string]any{"id": "s", "label": "Soup"}, map[string]any{"id": "l", "label": "Salad"}}}}})
	b.ok(b.fac, CmdClose, map[string]any{"exercise": poll})
	wall := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
	b.ok(ann, CmdKudosSend, map[string]any{"exercise": wall, "to": bob.ID, "message": "Thanks for the review"})
	b.exercise(retroSpecMap())
	b.exercise(map[string]any{"kind": "help", "title": "Help"})
	_, res := exportNow(t, b)
	for i, want := range []bool{true, false, false, false} {
		if x := res.Exercises[i]; x.Anonymous != want {
			t.Fatalf("%s exports anonymous %v", x.Kind, x.Anonymous)
		}
	}
	if k := res.Exercises[1].Kudos.Kudos[0]; k.From != "Ann" {
		t.Fatalf("kudo: %+v", k)
	}
	cs, _ := res.CSV()
	if n := strings.Count(string(cs), ",exercise,anonymous,"); n != 1 || !strings.Contains(string(cs), "1,poll,Lunch?,exercise,anonymous,true,") {
		t.Fatalf("%d anonymous rows:\n%s", n, cs)
	}
}

// Each CSV row's cells hold what their headers say: a help board's next
// step names its request as its item, the step in its detail and who
// helps as its person (not the helper's name alone as its value), as the
// request names its requester; a question with no prompt of its own (a
// poll's) is named by its exercise's title, not an empty item.
func TestCSVRowsSayWhatTheirHeadersSay(t *testing.T) {
	r := &RoomResults{Title: "W", Exercises: []ExerciseResult{
		{Kind: KindPoll, Title: "Lunch", Status: StatusResults, Responses: 3, Vote: &VoteExport{MinResponses: 3, Questions: []QuestionExport{
			{Kind: QuestionChoice, Answered: 3, Counts: []LabelCount{{Label: "Soup", Count: 3}}}}}},
		{Kind: KindHelp, Title: "Help", Status: StatusClosed, Help: &HelpExport{Requests: []HelpRequestExport{
			{Title: "Flaky tests", Status: HelpMatched, Requester: "Ann", Offers: 2, NextSteps: []NextStepExport{{Helper: "Ben"}, {Helper: "Cy", Step: "Pair on Friday"}}}}}},
	}}
	rows := csvRows(t, r)
	var got []string
	for _, row := range rows[1:] {
		if row[3] == "question" || row[3] == "request" || row[3] == "next step" {
			got = append(got, strings.Join(append(row[3:7:7], row[8]), "|"))
		}
	}
	want := []string{"question|Lunch|3|Soup|", "request|Flaky tests|matched|offers: 2|Ann",
		"next step|Flaky tests||no step agreed yet|Ben", "next step|Flaky tests||step: Pair on Friday|Cy"}
	if !slices.Equal(got, want) {
		t.Fatalf("rows %q, want %q", got, want)
	}
}

// csvRows is r's CSV export, read back as a spreadsheet would.
func csvRows(t *testing.T, r *RoomResults) [][]string {
	t.Helper()
	cs, err := r.CSV()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(cs)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
