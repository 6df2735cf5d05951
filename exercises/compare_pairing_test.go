package exercises

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// runTrustPulse runs, in a room of its own, an anonymous survey "Trust
// pulse" of two 1-5 scale questions (ids q1, q2, as the console and a
// pack without ids give them) that three people answer with the values
// given, closes it and shows it; the session kept of it comes from pack.
func runTrustPulse(t *testing.T, pack, p1 string, v1 int, p2 string, v2 int) *Session {
	t.Helper()
	b := newTbEnv(t, false)
	id := b.exercise(map[string]any{"kind": "survey", "title": "Trust pulse", "questions": []any{
		map[string]any{"kind": "scale", "prompt": p1}, map[string]any{"kind": "scale", "prompt": p2}}})
	for i := range 3 {
		b.ok(b.join(fmt.Sprint("P", i)), CmdAnswer, map[string]any{"exercise": id, "ballot": map[string]any{"answers": map[string]any{
			"q1": map[string]any{"value": v1}, "q2": map[string]any{"value": v2}}}})
	}
	b.ok(b.fac, CmdShow, map[string]any{"exercise": id})
	_, res := exportNow(t, b)
	// Kept as the library keeps it: as JSON.
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var kept RoomResults
	if err := json.Unmarshal(raw, &kept); err != nil {
		t.Fatal(err)
	}
	return &Session{Session: SessionSummary{ID: b.room, Title: "Trust", Pack: pack}, Results: &kept}
}

// Two rooms set up by hand each ran "Trust pulse"; their first questions
// differ ("I can rely on follow-through", 2, and "People act with
// integrity", 5), their second is the same. The comparison read "I can
// rely on follow-through: Mean A 2.00, Mean B 5.00, Change +3.00" and
// B's question appeared nowhere: questions were paired by position when
// their prompts differed. Ids q1, q2 given by position in rooms of no
// pack say nothing of sameness either: each question is paired by what
// it asks, and one asked in one session only says so.
func TestCompareNeverPairsTwoQuestionsByPosition(t *testing.T) {
	a := runTrustPulse(t, "", "I can rely on follow-through", 2, "We have the skills", 4)
	b := runTrustPulse(t, "", "People act with integrity", 5, "We have the skills", 1)
	c := Compare(a, b)
	qs := c.Exercises[0].Questions
	if len(qs) != 3 {
		t.Fatalf("questions %+v", qs)
	}
	if q := qs[0]; q.Prompt != "I can rely on follow-through" || q.Only != "a" || q.B != nil || q.MeanDelta != nil || *q.A.Mean != 2 {
		t.Errorf("A's own question: %+v", q)
	}
	if q := qs[1]; q.Prompt != "We have the skills" || q.PairedBy != PairedByPrompt || q.PromptB != "" || q.MeanDelta == nil || *q.MeanDelta != -3 {
		t.Errorf("the shared question: %+v", q)
	}
	if q := qs[2]; q.Prompt != "People act with integrity" || q.Only != "b" || q.A != nil || *q.B.Mean != 5 || *q.B.Min != 1 || *q.B.Max != 5 {
		t.Errorf("B's own question: %+v", q)
	}
	md := string(c.Markdown())
	hasAll(t, md,
		"| I can rely on follow-through (only in session A) | 2.00 | – | – | 3 | – |\n",
		"| We have the skills | 4.00 | 1.00 | -3.00 | 3 | 3 |\n",
		"| People act with integrity (only in session B) | – | 5.00 | – | – | 3 |\n",
	)
	if strings.Contains(md, "+3.00") {
		t.Errorf("a change between two questions:\n%s", md)
	}

	// Two sessions of one pack: its questions keep their ids when
	// reworded. The pair is the same question, and says both wordings;
	// one worded alike is paired by its words, before any id.
	a.Session.Pack, b.Session.Pack = "team-trust", "team-trust"
	c = Compare(a, b)
	qs = c.Exercises[0].Questions
	if len(qs) != 2 {
		t.Fatalf("one pack's questions %+v", qs)
	}
	if q := qs[0]; q.PairedBy != PairedByID || q.Prompt != "I can rely on follow-through" || q.PromptB != "People act with integrity" || q.Only != "" || *q.MeanDelta != 3 {
		t.Errorf("a question reworded in its pack: %+v", q)
	}
	if q := qs[1]; q.PairedBy != PairedByPrompt || q.PromptB != "" {
		t.Errorf("a question the same in both: %+v", q)
	}
	hasAll(t, string(c.Markdown()),
		"| I can rely on follow-through (session B asked: “People act with integrity”) | 2.00 | 5.00 | +3.00 | 3 | 3 |\n")
}

// Scales over different ranges have no mean change: 1-5 against 1-10
// read +3.00, and 1-5 against -2..2 read -3.00. Their means are each
// shown, and the change says why there is none, in the export of a
// session kept before questions said their range too (their counts say
// it).
func TestCompareNoChangeBetweenScalesOfDifferentRanges(t *testing.T) {
	scale := func(lo, hi int, mean float64, withRange bool) QuestionExport {
		q := QuestionExport{Prompt: "Energy", Kind: QuestionScale, Answered: 4, Mean: f64(mean), Median: f64(mean)}
		for v := lo; v <= hi; v++ {
			l := fmt.Sprint(v)
			if v == lo {
				l += " (Low)"
			}
			q.Counts = append(q.Counts, LabelCount{Label: l, Count: 1})
		}
		if withRange {
			q.Min, q.Max = intp(lo), intp(hi)
		}
		return q
	}
	ex := func(q QuestionExport) ExerciseResult {
		return ExerciseResult{Kind: KindScale, Title: "Energy", Status: StatusResults, Responses: 4, Vote: &VoteExport{MinResponses: 3, Questions: []QuestionExport{q}}}
	}
	for _, c := range []struct {
		name   string
		a, b   QuestionExport
		change string
	}{
		{"1-5 and 1-10", scale(1, 5, 3, true), scale(1, 10, 6, true), "not compared: the scales differ (A 1 to 5, B 1 to 10)"},
		{"1-5 and -2..2", scale(1, 5, 3, true), scale(-2, 2, 0, true), "not compared: the scales differ (A 1 to 5, B -2 to 2)"},
		{"kept before ranges were", scale(1, 5, 3, false), scale(-2, 2, 0, false), "not compared: the scales differ (A 1 to 5, B -2 to 2)"},
		{"one range", scale(1, 5, 3, false), scale(1, 5, 4, true), "+1.00"},
	} {
		cmp := Compare(session("a", ex(c.a)), session("b", ex(c.b)))
		q := cmp.Exercises[0].Questions[0]
		if c.change == "+1.00" {
			if q.MeanDelta == nil || *q.MeanDelta != 1 || q.NoMeanDelta != "" {
				t.Errorf("%s: %+v", c.name, q)
			}
		} else if q.MeanDelta != nil || q.NoMeanDelta != NoDeltaDifferentScales {
			t.Errorf("%s: a change between different scales: %+v", c.name, q)
		}
		md := string(cmp.Markdown())
		if !strings.Contains(md, " | "+c.change+" | 4 | 4 |") {
			t.Errorf("%s: Markdown lacks %q:\n%s", c.name, c.change, md)
		}
	}
}

// The report's words for a question are the comparison view's
// (frontend/src/trainer/compare.ts compareWords): the same things read
// the same in the app and in the report.
func TestCompareWordsAreTheViews(t *testing.T) {
	src := readFile(t, "../frontend/src/trainer/compare.ts")
	for key, goWord := range map[string]string{"onlyIn": wordOnlyIn, "askedInB": wordAskedInB, "notCompared": wordNotCompared} {
		// The view's are template literals: `only in session ${side}`.
		ts := tsTemplate(t, src, key)
		if ts != goWord {
			t.Errorf("compareWords.%s is %q in the view, %q in the report", key, ts, goWord)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tsTemplate is the template literal of `key: (…) => `…“ in src, its
// ${…} placeholders written %s, as the report's format strings have them.
func tsTemplate(t *testing.T, src, key string) string {
	t.Helper()
	m := regexp.MustCompile(`\n\s*` + key + `: \([^)]*\) => ` + "`([^`]*)`").FindStringSubmatch(src)
	if m == nil {
		t.Fatalf("no %s in the view's words", key)
	}
	return regexp.MustCompile(`\$\{[^}]*\}`).ReplaceAllString(m[1], "%s")
}

// A pack imported from YAML without ids numbers its questions by place
// (q1, q2, …, Validate); imported again with a question inserted at the
// top, every question's id shifts by one. Two sessions of that one pack
// paired "Pace" (q1) with the new "Energy" (q1), "Trust" (q2) with
// "Pace" (q2), each with a mean change between two questions. Questions
// pair by their words first, then by id among those left.
func TestComparePairsWordingBeforeShiftedIDs(t *testing.T) {
	q := func(id, prompt string, mean float64) QuestionExport {
		x := scaleQ(prompt, mean, 3)
		x.ID = id
		return x
	}
	ex := func(qs ...QuestionExport) ExerciseResult {
		return ExerciseResult{Kind: KindSurvey, Title: "Health", Status: StatusResults, Anonymous: true, Responses: 3, Vote: &VoteExport{MinResponses: 3, Questions: qs}}
	}
	a := session("a", ex(q("q1", "Pace", 2), q("q2", "Trust", 4), q("q3", "Clarity", 3)))
	b := session("b", ex(q("q1", "Energy", 5), q("q2", "Pace", 2.5), q("q3", "Trust", 4), q("q4", "Clarity of goals", 1)))
	a.Session.Pack, b.Session.Pack = "health", "health"
	qs := Compare(a, b).Exercises[0].Questions
	got := []string{}
	for _, c := range qs {
		d := "–"
		if c.MeanDelta != nil {
			d = fmt.Sprintf("%+.1f", *c.MeanDelta)
		}
		got = append(got, fmt.Sprintf("%s|%s|%s|%s|%s", c.Prompt, c.PromptB, c.PairedBy, c.Only, d))
	}
	want := []string{
		"Pace||prompt||+0.5",
		"Trust||prompt||+0.0",
		// Left by their words, q3 against q4: no id in common, no pair.
		"Clarity|||a|–",
		"Energy|||b|–",
		"Clarity of goals|||b|–",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("pairs\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Reworded in the pack, its id kept: paired by id among those left.
	b = session("b", ex(q("q1", "Pace", 2.5), q("q2", "Trust in the team", 3), q("q3", "Clarity", 3)))
	b.Session.Pack = "health"
	qs = Compare(a, b).Exercises[0].Questions
	if len(qs) != 3 || qs[1].PairedBy != PairedByID || qs[1].PromptB != "Trust in the team" || *qs[1].MeanDelta != -1 || qs[0].PairedBy != PairedByPrompt {
		t.Fatalf("reworded: %+v", qs)
	}
}
