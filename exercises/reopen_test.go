package exercises

import (
	"fmt"
	"testing"
)

// An anonymous survey whose every question fewer than the threshold
// answered showed its facilitator nothing ("answered: 1" under each
// question), yet it never opened again: the rule counted its ballots, not
// what was seen. It opens again while no question's results were
// visible, and the facilitator's view says it is not final; once one
// question reaches the threshold it is final and stays closed. On both
// stores: the counts are counters.
func TestSurveyWithEveryQuestionHiddenOpensAgain(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		scale := func(id string) map[string]any {
			return map[string]any{"id": id, "kind": "scale", "prompt": "Statement " + id, "min": 1, "max": 5}
		}
		id := b.exercise(map[string]any{"kind": "survey", "title": "Trust pulse", "minResponses": 3,
			"questions": []any{scale("q1"), scale("q2"), scale("q3")}})
		vote := func(name, q string, v int) {
			b.ok(b.join(name), CmdAnswer, map[string]any{"exercise": id, "ballot": map[string]any{"answers": map[string]any{q: map[string]any{"value": v}}}})
		}
		vote("Ann", "q1", 2)
		vote("Bob", "q2", 4)
		vote("Cy", "q3", 5)
		b.ok(b.fac, CmdClose, map[string]any{"exercise": id})

		var fac, part VoteView
		state := func() { // fresh each time: an absent field is not left as it was
			fac, part = VoteView{}, VoteView{}
			b.state(id, &fac, &part)
		}
		state()
		if fac.Responses != 3 || fac.Results == nil || len(fac.Results.Questions) != 3 {
			t.Fatalf("closed: %+v", fac)
		}
		for _, q := range fac.Results.Questions {
			if !q.Hidden || q.Answered != 0 || len(q.Counts) != 0 {
				t.Fatalf("question %s shows something: %+v", q.ID, q)
			}
		}
		if fac.Final || part.Final {
			t.Fatalf("nothing was seen, yet final: fac %v part %v", fac.Final, part.Final)
		}
		b.ok(b.fac, CmdOpen, map[string]any{"exercise": id})
		state()
		if fac.Final {
			t.Fatal("final while open")
		}

		// Two more answer q1: it reaches the threshold, and is seen.
		vote("Di", "q1", 1)
		vote("Ed", "q1", 3)
		state()
		if fac.Final || fac.Results != nil {
			t.Fatalf("open, past the threshold: final %v, results %+v", fac.Final, fac.Results)
		}
		b.ok(b.fac, CmdClose, map[string]any{"exercise": id})
		state()
		if !fac.Final || part.Final || fac.Results.Questions[0].Hidden || !fac.Results.Questions[1].Hidden {
			t.Fatalf("q1 seen: final %v (participants %v), %+v", fac.Final, part.Final, fac.Results.Questions)
		}
		b.fails(b.fac, CmdOpen, map[string]any{"exercise": id}, CodeWrongStatus)
		b.ok(b.fac, CmdShow, map[string]any{"exercise": id})
		if state(); !fac.Final {
			t.Fatal("shown, not final")
		}
	})
}

// A poll, a scale, a word cloud and open text: seen once closed at their
// threshold, as before; below it, they open again.
func TestResultsSeenByKind(t *testing.T) {
	e := func(kind Kind, qs ...Question) Exercise {
		return Exercise{ID: "x", Spec: Spec{Kind: kind, MinResponses: 3, Questions: qs}, Status: StatusClosed}
	}
	poll := e(KindPoll, Question{ID: "q1", Kind: QuestionChoice, Options: []Option{{ID: "a"}, {ID: "b"}}})
	scale := e(KindScale, Question{ID: "q1", Kind: QuestionScale, Min: -2, Max: 2})
	for _, c := range []struct {
		e        Exercise
		counters map[string]int64
		seen     bool
	}{
		{poll, map[string]int64{"n:x": 2, "a:x:q1": 2}, false},
		{poll, map[string]int64{"n:x": 3, "a:x:q1": 3}, true},
		{scale, map[string]int64{"n:x": 3, "c:x:q1:-2": 1, "c:x:q1:2": 2}, true},
		{scale, map[string]int64{"n:x": 2, "c:x:q1:-2": 2}, false},
		{e(KindWords), map[string]int64{"n:x": 3}, true},
		{e(KindText), map[string]int64{"n:x": 2}, false},
	} {
		if got := resultsSeen(c.e, c.counters); got != c.seen {
			t.Errorf("%s %v: seen %v, want %v", c.e.Kind, c.counters, got, c.seen)
		}
		// What Transition reads holds every counter the rule needs.
		read := map[string]int64{}
		for _, k := range lifecycleKeys(c.e, StatusOpen) {
			read[k] = c.counters[k]
		}
		if _, err := Transition(c.e, StatusOpen, read); (err != nil) != c.seen {
			t.Errorf("%s %v: opening again: %v", c.e.Kind, c.counters, err)
		}
	}
	named := poll
	named.Anonymous = new(bool)
	if _, err := Transition(named, StatusOpen, map[string]int64{"n:x": 3, "a:x:q1": 3}); err != nil {
		t.Errorf("a named poll does not open again: %v", err)
	}
	if keys := lifecycleKeys(named, StatusOpen); fmt.Sprint(keys) != "[n:x]" {
		t.Errorf("a named poll's reopening reads %v", keys)
	}
}
