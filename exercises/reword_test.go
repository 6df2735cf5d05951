package exercises

import (
	"encoding/json"
	"strings"
	"testing"

	"huddle/rooms"
)

// A poll Yes/No took three votes for Yes; agenda.update then swapped the
// two options' labels (their ids kept, so the shape was the same) and
// was acked: every screen and export said three voted No. Once anyone
// has answered, what they answered (the prompt, a question, an option's
// label, a scale's end labels) keeps its words; the title, notes and
// timer, and rewordings that fold alike (case, the punctuation around),
// may still change. Before anyone answers, an opened vote may be
// reworded as before.
func TestAnsweredVoteKeepsItsWords(t *testing.T) {
	b := newTbEnv(t, false)
	yesNo := func(yes, no string) map[string]any {
		return map[string]any{"kind": "poll", "title": "Ship it?", "prompt": "Do we ship on Friday?", "questions": []any{map[string]any{
			"id": "q1", "kind": "choice", "options": []any{map[string]any{"id": "o1", "label": yes}, map[string]any{"id": "o2", "label": no}}}}}
	}
	update := func(id string, spec map[string]any) rooms.Outcome {
		return b.run(b.fac, CmdAgendaUpdate, map[string]any{"exercise": id, "spec": spec})
	}
	id := b.exercise(yesNo("Yes", "No"))
	// Opened, nobody has answered: the labels may still change.
	if o := update(id, yesNo("No", "Yes")); o.Code != "" {
		t.Fatalf("an opened poll nobody answered reworded: %s", o.Reply)
	}
	b.ok(b.fac, CmdAgendaUpdate, map[string]any{"exercise": id, "spec": yesNo("Yes", "No")})
	for _, name := range []string{"Ann", "Bob", "Cy"} {
		b.ok(b.join(name), CmdAnswer, map[string]any{"exercise": id, "ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{"o1"}}}}})
	}
	b.ok(b.fac, CmdShow, map[string]any{"exercise": id})

	o := update(id, yesNo("No", "Yes"))
	var e struct {
		Code    rooms.Code `json:"code"`
		Field   string     `json:"field"`
		Message string     `json:"message"`
	}
	_ = json.Unmarshal(o.Reply, &e)
	if o.Code != CodeHasAnswers || e.Field != "questions[0].options[0].label" || !strings.Contains(e.Message, "people have answered already: changing option 1 from “Yes” to “No”") ||
		!strings.Contains(e.Message, "add a new exercise instead") {
		t.Fatalf("labels swapped under three votes: %s", o.Reply)
	}
	var fac, part VoteView
	b.state(id, &fac, &part)
	ex := b.snapshot(b.fac)[id].Exercise
	if ex.Questions[0].Options[0].Label != "Yes" || fac.Results.Questions[0].Counts["o1"] != 3 {
		t.Fatalf("after the refusal: %+v, %+v", ex.Questions[0].Options, fac.Results.Questions[0])
	}

	for name, c := range map[string]struct {
		edit  func(s map[string]any)
		field string
	}{
		"the prompt":         {func(s map[string]any) { s["prompt"] = "Do we ship on Monday?" }, "prompt"},
		"a question":         {func(s map[string]any) { q1(s)["prompt"] = "Are we ready?" }, "questions[0].prompt"},
		"an option taken":    {func(s map[string]any) { opt(s, 1)["label"] = "Not yet" }, "questions[0].options[1].label"},
		"an option's words":  {func(s map[string]any) { opt(s, 0)["label"] = "Yes, ship" }, "questions[0].options[0].label"},
		"a label folded":     {func(s map[string]any) { opt(s, 0)["label"] = " YES "; s["prompt"] = "do  we ship on FRIDAY?" }, ""},
		"punctuation added":  {func(s map[string]any) { opt(s, 0)["label"] = "Yes!" }, "questions[0].options[0].label"},
		"the prompt's end":   {func(s map[string]any) { s["prompt"] = "Do we ship on Friday" }, "prompt"},
		"the title and more": {func(s map[string]any) { s["title"], s["notes"], s["timerSeconds"] = "Friday release", "ask QA", 60 }, ""},
	} {
		s := yesNo("Yes", "No")
		c.edit(s)
		o := update(id, s)
		_ = json.Unmarshal(o.Reply, &e)
		if c.field == "" && o.Code != "" || c.field != "" && (o.Code != CodeHasAnswers || e.Field != c.field) {
			t.Errorf("%s: %s", name, o.Reply)
		}
	}

	// A poll stored with its question's prompt empty (a pack's, or an
	// API client's): the console's form sends the exercise's prompt
	// there, and an edit of its title alone is taken.
	bare := yesNo("Yes", "No")
	pid := b.exercise(bare)
	b.ok(b.join("Fay"), CmdAnswer, map[string]any{"exercise": pid, "ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{"o2"}}}}})
	asConsole := yesNo("Yes", "No")
	asConsole["title"] = "Ship it on Friday?"
	q1(asConsole)["prompt"] = asConsole["prompt"]
	if o := update(pid, asConsole); o.Code != "" {
		t.Fatalf("the console's edit of the title: %s", o.Reply)
	}
	q1(asConsole)["prompt"] = "Ship on Monday?"
	b.fails(b.fac, CmdAgendaUpdate, map[string]any{"exercise": pid, "spec": asConsole}, CodeHasAnswers)

	// A scale's end labels say what its numbers mean.
	sc := func(low string) map[string]any {
		return map[string]any{"kind": "scale", "title": "Safety", "questions": []any{map[string]any{
			"id": "q1", "kind": "scale", "prompt": "I can speak up", "min": 1, "max": 5, "minLabel": low, "maxLabel": "Agree"}}}
	}
	sid := b.exercise(sc("Disagree"))
	b.ok(b.join("Di"), CmdAnswer, map[string]any{"exercise": sid, "ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"value": 1}}}})
	for low, field := range map[string]string{"Agree": "questions[0].minLabel", "": "questions[0].minLabel", "  DISAGREE ": "", "disagree.": "questions[0].minLabel"} {
		o := update(sid, sc(low))
		_ = json.Unmarshal(o.Reply, &e)
		if field == "" && o.Code != "" || field != "" && (o.Code != CodeHasAnswers || e.Field != field) {
			t.Errorf("low end %q: %s", low, o.Reply)
		}
	}
	// A word cloud's prompt is its question.
	wid := b.exercise(map[string]any{"kind": "words", "title": "Mood", "prompt": "One word for the sprint"})
	b.ok(b.join("Ed"), CmdAnswer, map[string]any{"exercise": wid, "ballot": map[string]any{"words": []string{"calm"}}})
	b.fails(b.fac, CmdAgendaUpdate, map[string]any{"exercise": wid, "spec": map[string]any{"kind": "words", "title": "Mood", "prompt": "One word for the boss"}}, CodeHasAnswers)
}

func q1(s map[string]any) map[string]any { return s["questions"].([]any)[0].(map[string]any) }

func opt(s map[string]any, j int) map[string]any { return q1(s)["options"].([]any)[j].(map[string]any) }

// The has_answers check folded a label as a word cloud folds a word,
// dropping the punctuation around it: a poll of "-1", "0", "1" relabelled
// "1", "0", "1"… and "(2)" as "2" was taken after answers, turning every
// vote for minus one into one for plus one. Only case, white space and
// NFKC fold (full-width "１" is "1").
func TestRewordKeepsPunctuationAroundLabels(t *testing.T) {
	b := newTbEnv(t, false)
	poll := func(a, c string) map[string]any {
		return map[string]any{"kind": "poll", "title": "Mood", "prompt": "How was it?", "questions": []any{map[string]any{
			"id": "q1", "kind": "choice", "options": []any{map[string]any{"id": "o1", "label": a}, map[string]any{"id": "o2", "label": c}}}}}
	}
	id := b.exercise(poll("-1", "(2)"))
	b.ok(b.join("Ann"), CmdAnswer, map[string]any{"exercise": id, "ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{"o1"}}}}})
	b.fails(b.fac, CmdAgendaUpdate, map[string]any{"exercise": id, "spec": poll("1", "(2)")}, CodeHasAnswers)
	b.fails(b.fac, CmdAgendaUpdate, map[string]any{"exercise": id, "spec": poll("-1", "2")}, CodeHasAnswers)
	b.ok(b.fac, CmdAgendaUpdate, map[string]any{"exercise": id, "spec": poll(" -1 ", "(２)")})
}
