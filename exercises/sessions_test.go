package exercises

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/memory"
)

func f64(v float64) *float64 { return &v }

// hasAll fails t for each of wants the Markdown md lacks.
func hasAll(t *testing.T, md string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(md, w) {
			t.Errorf("Markdown lacks %q:\n%s", w, md)
		}
	}
}

func scaleQ(prompt string, mean float64, answered int64) QuestionExport {
	return QuestionExport{Prompt: prompt, Kind: "scale", Answered: answered, Mean: f64(mean), Median: f64(mean),
		Counts: []LabelCount{{Label: "1", Count: 1}, {Label: "5", Count: answered - 1}}}
}

func session(id string, ex ...ExerciseResult) *Session {
	return &Session{Session: SessionSummary{ID: id, Title: "S " + id}, Results: &RoomResults{Exercises: ex}}
}

// Exercises match by kind and title (case and spaces aside), questions by
// prompt (two sessions of no pack: their ids are not kept), never by
// position; what is in one session only, or hidden, has no other side;
// retros compare cards per column and action items.
func TestCompareSessions(t *testing.T) {
	pulseA := ExerciseResult{Kind: KindSurvey, Title: "Trust pulse", Responses: 5, Status: StatusResults, Vote: &VoteExport{Questions: []QuestionExport{
		scaleQ("Follow-through", 2.5, 5), scaleQ("Bad news", 3, 5), scaleQ("Old question", 4, 5),
	}}}
	pulseB := ExerciseResult{Kind: KindSurvey, Title: " trust PULSE", Responses: 6, Status: StatusResults, Vote: &VoteExport{Questions: []QuestionExport{
		scaleQ("Bad news", 4, 6), scaleQ("Follow-through", 3.25, 6), scaleQ("Old question, reworded", 1, 6), scaleQ("New question", 2, 6),
	}}}
	hiddenB := ExerciseResult{Kind: KindScale, Title: "Safety", Responses: 2, Vote: &VoteExport{Hidden: true, MinResponses: 3}}
	safetyA := ExerciseResult{Kind: KindScale, Title: "Safety", Responses: 4, Vote: &VoteExport{Questions: []QuestionExport{scaleQ("", 3, 4)}}}
	retroA := ExerciseResult{Kind: KindRetro, Title: "Retro", Retro: &RetroExport{
		Columns: []RetroColumnExport{{Title: "Start", Count: 3}, {Title: "Stop", Count: 1}},
		Actions: []RetroActionExport{{Text: "a"}, {Text: "b"}}}}
	retroB := ExerciseResult{Kind: KindRetro, Title: "Retro", Retro: &RetroExport{
		Columns: []RetroColumnExport{{Title: "start", Count: 5}, {Title: "Continue", Count: 2}}}}
	onlyA := ExerciseResult{Kind: KindWords, Title: "Check-in", Responses: 7}
	// Same title, other kind: not the same exercise.
	onlyB := ExerciseResult{Kind: KindPoll, Title: "Check-in", Responses: 3, Vote: &VoteExport{Questions: []QuestionExport{{Prompt: "Lunch?", Kind: "choice", Answered: 3, Counts: []LabelCount{{Label: "Soup", Count: 3}}}}}}

	c := Compare(session("a", onlyA, pulseA, safetyA, retroA), session("b", retroB, pulseB, hiddenB, onlyB))
	var got []string
	for _, e := range c.Exercises {
		got = append(got, string(e.Kind)+":"+e.Title)
	}
	if strings.Join(got, ",") != "words:Check-in,survey:Trust pulse,scale:Safety,retro:Retro,poll:Check-in" {
		t.Fatalf("exercises %v", got)
	}
	if c.Exercises[0].B != nil || c.Exercises[0].A.Responses != 7 || c.Exercises[4].A != nil || c.Exercises[4].B.Responses != 3 {
		t.Fatalf("unmatched sides %+v %+v", c.Exercises[0], c.Exercises[4])
	}
	qs := c.Exercises[1].Questions
	var qp []string
	for _, q := range qs {
		qp = append(qp, q.Prompt)
	}
	if strings.Join(qp, "|") != "Follow-through|Bad news|Old question|Old question, reworded|New question" {
		t.Fatalf("questions %v", qp)
	}
	// A reworded question at the same position is another question: each
	// is in its own session only.
	if *qs[0].MeanDelta != 0.75 || *qs[1].MeanDelta != 1 || qs[0].PairedBy != PairedByPrompt ||
		qs[2].B != nil || qs[2].Only != "a" || qs[2].MeanDelta != nil ||
		qs[3].A != nil || qs[3].Only != "b" || qs[4].A != nil || qs[4].B == nil || qs[4].Only != "b" || qs[4].MeanDelta != nil {
		t.Fatalf("question sides %+v", qs)
	}
	safety := c.Exercises[2]
	if !safety.B.Hidden || safety.B.MinResponses != 3 || safety.A.Hidden || len(safety.Questions) != 1 || safety.Questions[0].B != nil || safety.Questions[0].MeanDelta != nil {
		t.Fatalf("hidden side %+v", safety)
	}
	retro := c.Exercises[3]
	if len(retro.Columns) != 3 || *retro.Columns[0].A != 3 || *retro.Columns[0].B != 5 || retro.Columns[1].B != nil || retro.Columns[2].A != nil ||
		*retro.Actions.A != 2 || *retro.Actions.B != 0 {
		t.Fatalf("retro %+v", retro)
	}

	md := string(c.Markdown())
	hasAll(t, md,
		"| Follow-through | 2.50 | 3.25 | +0.75 | 5 | 6 |",
		"| Old question (only in session A) | 4.00 | – | – | 5 | – |",
		"| Old question, reworded (only in session B) | – | 1.00 | – | – | 6 |",
		"| New question (only in session B) | – | 2.00 | – | – | 6 |",
		"- B: Hidden (fewer than 3 answers)",
		"*Only in session A*\n\n- A: 7 answers\n- B: Not in this session\n",
		"| Stop | 1 | – |",
		"| Action items | 2 | 0 |",
		"**Lunch?** (answered: A –, B 3)\n\n| Answer | A count | B count |\n|---|---:|---:|\n| Soup | – | 3 |\n",
	)
}

// Markdown cells escape the table's own syntax in user text.
func TestCompareMarkdownEscapes(t *testing.T) {
	a := session("a", ExerciseResult{Kind: KindScale, Title: "A | B", Vote: &VoteExport{Questions: []QuestionExport{scaleQ("x | y", 2, 3)}}})
	md := string(Compare(a, a).Markdown())
	if !strings.Contains(md, `| x \| y |`) {
		t.Fatalf("pipe not escaped:\n%s", md)
	}
	// GFM's strikethrough and autolinks too, in titles and in cells.
	b := session("b", ExerciseResult{Kind: KindScale, Title: "~~Pace~~ at www.team.example", Vote: &VoteExport{Questions: []QuestionExport{scaleQ("ask ann@team.example", 2, 3)}}})
	md = string(Compare(b, b).Markdown())
	for _, want := range []string{`## ~~Pace\~\~ at www\.team.example (Scale)`, "| ask ann\u2060@team.example |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

// Keeping a room's results after its results-ttl has run out (the room
// itself lived longer) keeps nothing, and says so, rather than answering
// with a session that is already gone.
func TestKeepSessionPastItsTTL(t *testing.T) {
	st := memory.New(memory.Options{})
	defer st.Close()
	now := time.Now()
	room := rooms.Room{ID: "r1", Code: "ABCDEF", Title: "Late", Ended: true, EndedAt: now.Add(-2 * time.Hour)}
	state := &rooms.State{Docs: map[string]rooms.Doc{}}
	if _, err := KeepSession(t.Context(), st, room, state, now, time.Hour, 0); rooms.ErrorCode(err) != rooms.CodeInvalid {
		t.Fatalf("keep past the ttl: %v, want invalid", err)
	}
	if _, err := GetSession(t.Context(), st, "r1", "id"); err == nil {
		t.Fatal("a session was kept past its ttl")
	}
	s, err := KeepSession(t.Context(), st, room, state, now, 3*time.Hour, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := room.EndedAt.UTC().Truncate(time.Second).Add(3 * time.Hour); !s.Session.ExpiresAt.Equal(want) {
		t.Fatalf("expiresAt %v, want %v", s.Session.ExpiresAt, want)
	}
}

// A vote on one session's agenda that was never opened is "not run" in
// the report, not hidden under its threshold; kinds read as the console
// names them.
func TestCompareMarkdownNotRun(t *testing.T) {
	ran := ExerciseResult{Kind: KindSurvey, Title: "Pulse", Status: StatusResults, Responses: 4, Vote: &VoteExport{MinResponses: 3, Questions: []QuestionExport{scaleQ("Pace", 3, 4)}}}
	idle := ExerciseResult{Kind: KindSurvey, Title: "Pulse", Status: StatusPrepared, Vote: &VoteExport{MinResponses: 3, Hidden: true}}
	md := string(Compare(session("a", ran), session("b", idle)).Markdown())
	for _, want := range []string{"## Pulse (Pulse survey)", "- A: 4 answers", "- B: Not run (on the agenda, never opened)"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(strings.ToLower(md), "hidden") {
		t.Errorf("an exercise never opened reads as hidden:\n%s", md)
	}
}

// A retro on the agenda but never opened has no cards to count: no table
// of zeros when neither session ran it, and "–" for the side that did not.
func TestCompareRetroNotRun(t *testing.T) {
	cols := []RetroColumnExport{{Title: "Start"}, {Title: "Stop"}}
	idle := ExerciseResult{Kind: KindRetro, Title: "SSC", Status: StatusPrepared, Retro: &RetroExport{Revealed: true, Columns: cols}}
	ran := ExerciseResult{Kind: KindRetro, Title: "SSC", Status: StatusResults, Responses: 2, Retro: &RetroExport{Revealed: true,
		Columns: []RetroColumnExport{{Title: "Start", Count: 2}, {Title: "Stop"}}, Actions: []RetroActionExport{{Text: "a"}}}}

	c := Compare(session("a", idle), session("b", idle))
	if e := c.Exercises[0]; len(e.Columns) != 0 || e.Actions != nil {
		t.Errorf("neither ran: columns %+v, actions %+v", e.Columns, e.Actions)
	}
	md := string(c.Markdown())
	if !strings.Contains(md, "- A: Not run (on the agenda, never opened)\n- B: Not run (on the agenda, never opened)") || strings.Contains(md, "| Column |") {
		t.Errorf("neither ran, Markdown:\n%s", md)
	}

	md = string(Compare(session("a", idle), session("b", ran)).Markdown())
	for _, want := range []string{"| Start | – | 2 |", "| Stop | – | 0 |", "| Action items | – | 1 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

// The report's tables hold what their headers say: a scale question's
// means in the means table, a choice question's counts in a table of
// counts of its own (not under "A mean").
func TestCompareMarkdownColumnsHoldWhatTheySay(t *testing.T) {
	city := func(berlin, paris int64) QuestionExport {
		return QuestionExport{Prompt: "Which city?", Kind: QuestionChoice, Answered: berlin + paris,
			Counts: []LabelCount{{Label: "Berlin", Count: berlin}, {Label: "Paris", Count: paris}}}
	}
	pollA := ExerciseResult{Kind: KindPoll, Title: "Which city?", Status: StatusResults, Responses: 4, Vote: &VoteExport{MinResponses: 3, Questions: []QuestionExport{city(1, 3)}}}
	pollB := ExerciseResult{Kind: KindPoll, Title: "which city?", Status: StatusResults, Responses: 5, Vote: &VoteExport{MinResponses: 3, Questions: []QuestionExport{city(4, 1)}}}
	surveyA := ExerciseResult{Kind: KindSurvey, Title: "Pulse", Status: StatusResults, Responses: 4, Vote: &VoteExport{MinResponses: 3, Questions: []QuestionExport{scaleQ("Pace", 3, 4), city(2, 2)}}}
	surveyB := ExerciseResult{Kind: KindSurvey, Title: "Pulse", Status: StatusResults, Responses: 5, Vote: &VoteExport{MinResponses: 3, Questions: []QuestionExport{scaleQ("Pace", 4, 5), city(5, 0)}}}
	md := string(Compare(session("a", pollA, surveyA), session("b", pollB, surveyB)).Markdown())
	hasAll(t, md,
		// The poll's only question is its title: said once, as the heading.
		"## Which city? (Poll)\n\n- A: 4 answers\n- B: 5 answers\n\n| Answer | A count | B count |\n|---|---:|---:|\n| Berlin | 1 | 4 |\n| Paris | 3 | 1 |\n",
		"| Question | A mean | B mean | Change | A answered | B answered |\n|---|---:|---:|---:|---:|---:|\n| Pace | 3.00 | 4.00 | +1.00 | 4 | 5 |\n\n"+
			"**Which city?** (answered: A 4, B 5)\n\n| Answer | A count | B count |\n|---|---:|---:|\n| Berlin | 2 | 5 |\n| Paris | 2 | 0 |\n",
	)
	if strings.Contains(md, "| Which city? |") || strings.Contains(md, "↳") {
		t.Errorf("a choice question in the means table:\n%s", md)
	}
}

// An anonymous vote kept while still open, answered past its threshold,
// is hidden because voting is open, not for too few answers: in the
// comparison's JSON (also for a session kept before exports said why)
// and in its report.
func TestCompareSaysAVoteWasStillOpen(t *testing.T) {
	open := ExerciseResult{Kind: KindScale, Title: "Pace", Status: StatusOpen, Anonymous: true, Responses: 5, Vote: &VoteExport{MinResponses: 3, Hidden: true}}
	few := ExerciseResult{Kind: KindScale, Title: "Pace", Status: StatusClosed, Anonymous: true, Responses: 2, Vote: &VoteExport{MinResponses: 3, Hidden: true}}
	c := Compare(session("a", open), session("b", few))
	if e := c.Exercises[0]; e.A.HiddenReason != HiddenStillOpen || e.B.HiddenReason != HiddenTooFew {
		t.Fatalf("sides %+v %+v", e.A, e.B)
	}
	md := string(c.Markdown())
	if !strings.Contains(md, "- A: Hidden (still open: results when voting closes)\n- B: Hidden (fewer than 3 answers)\n") {
		t.Errorf("Markdown:\n%s", md)
	}
}

// Each session's head says what the view's does: its title, its pack's
// when the title is another, when it ended, how many people took part and
// its room's code.
func TestCompareMarkdownHeads(t *testing.T) {
	a, b := session("a"), session("b")
	ended := time.Date(2026, 3, 5, 14, 30, 0, 0, time.UTC)
	a.Session = SessionSummary{Title: "Team Alpha retro", PackTitle: "Trust retro", Code: "ABCDEF", EndedAt: ended, Participants: 1}
	b.Session = SessionSummary{Title: "Trust retro", PackTitle: "Trust retro", Code: "GHJKLM", CreatedAt: ended.Add(24 * time.Hour), Participants: 9}
	md := string(Compare(a, b).Markdown())
	hasAll(t, md,
		"# Comparing two sessions\n",
		"- **Session A:** Team Alpha retro (Trust retro · 2026-03-05 14:30 UTC · 1 person · room ABCDEF)\n",
		"- **Session B:** Trust retro (2026-03-06 14:30 UTC · 9 people · room GHJKLM)\n",
	)
}

// Two sessions of different packs are compared too, but what is matched
// by kind and title may not be the same exercise: the report says so, as
// the comparison view does (lib.differentPacks), and nothing when the
// pack is the same.
func TestCompareMarkdownSaysWhenPacksDiffer(t *testing.T) {
	a, b := session("a"), session("b")
	a.Session.Pack, a.Session.PackTitle = "trust", "Building trust"
	md := string(Compare(a, b).Markdown())
	if want := "*These sessions come from different packs: A from “Building trust”, B from no pack. Their exercises are matched by kind and title only.*"; !strings.Contains(md, want) {
		t.Errorf("Markdown lacks %q:\n%s", want, md)
	}
	b.Session.Pack = "trust"
	if md := string(Compare(a, b).Markdown()); strings.Contains(md, "different packs") {
		t.Errorf("one pack, said to differ:\n%s", md)
	}
}

// A retro, a help board or a kudos wall never opened reads as a vote never
// opened does, not as "0 cards written" or "No kudos".
func TestMarkdownSaysNotRunForEveryKind(t *testing.T) {
	r := &RoomResults{Title: "W", Exercises: []ExerciseResult{
		{Kind: KindRetro, Title: "Retro", Status: StatusPrepared, Retro: &RetroExport{Phase: PhaseWrite}},
		{Kind: KindKudos, Title: "Thanks", Status: StatusPrepared, Kudos: &KudosExport{}},
		{Kind: KindHelp, Title: "Help", Status: StatusPrepared, Help: &HelpExport{}},
	}}
	b, err := r.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	if n := strings.Count(md, "Not run (on the agenda, never opened).\n"); n != 3 || strings.Contains(md, "No kudos") || strings.Contains(md, "written") || strings.Contains(md, "phase") {
		t.Errorf("%d of 3 say not run:\n%s", n, md)
	}
}

// A question of a shown vote that too few answered is hidden on its own
// (the export's question-level hidden): the comparison says so with an
// explicit flag, and never carries counts, a mean, a change against it,
// nor in an anonymous vote its count of answers (which grows per answer:
// Results.hideThin), not even from a session kept before exports hid
// single questions.
func TestCompareHiddenQuestion(t *testing.T) {
	day := func(mon, tue, fri int64) QuestionExport {
		return QuestionExport{Prompt: "Best day", Kind: QuestionChoice, Answered: mon + tue + fri,
			Counts: []LabelCount{{Label: "Monday", Count: mon}, {Label: "Tuesday", Count: tue}, {Label: "Friday", Count: fri}}}
	}
	hiddenDay := QuestionExport{Prompt: "Best day", Kind: QuestionChoice, Answered: 2, Counts: []LabelCount{}, Hidden: true}
	// Kept by an older export: counts written although below the threshold.
	oldPace := scaleQ("Pace", 4.5, 2)
	a := ExerciseResult{Kind: KindSurvey, Title: "Health", Status: StatusResults, Anonymous: true, Responses: 4,
		Vote: &VoteExport{MinResponses: 3, Questions: []QuestionExport{oldPace, hiddenDay}}}
	b := ExerciseResult{Kind: KindSurvey, Title: "Health", Status: StatusResults, Anonymous: true, Responses: 3,
		Vote: &VoteExport{MinResponses: 3, Questions: []QuestionExport{scaleQ("Pace", 2.33, 3), day(1, 0, 2)}}}
	c := Compare(session("a", a), session("b", b))
	qs := c.Exercises[0].Questions
	if len(qs) != 2 {
		t.Fatalf("questions %+v", qs)
	}
	for _, q := range qs {
		if q.A == nil || !q.A.Hidden || len(q.A.Counts) != 0 || q.A.Mean != nil || q.A.Median != nil || q.MeanDelta != nil {
			t.Errorf("%s: side A %+v, change %v: want hidden, no counts, no mean, no change", q.Prompt, q.A, q.MeanDelta)
		}
		if q.B == nil || q.B.Hidden || len(q.B.Counts) == 0 {
			t.Errorf("%s: side B %+v", q.Prompt, q.B)
		}
	}
	if qs[1].A.Answered != 0 {
		t.Errorf("answered %d, want none", qs[1].A.Answered)
	}
	js, err := json.Marshal(qs[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"a":{"counts":[],"hidden":true}`) {
		t.Errorf("JSON %s", js)
	}
	md := string(c.Markdown())
	hasAll(t, md,
		"| Pace | Hidden (fewer than 3 answers) | 2.33 | – | – | 3 |",
		"**Best day** (answered: A –, B 3)\n\n- A: Hidden (fewer than 3 answers)\n\n| Answer | A count | B count |\n|---|---:|---:|\n| Monday | – | 1 |\n",
	)
	if strings.Contains(md, "4.50") || strings.Contains(md, "| Monday | 0 |") {
		t.Errorf("a hidden side's numbers in the report:\n%s", md)
	}
}
