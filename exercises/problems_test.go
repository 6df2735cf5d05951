package exercises_test

import (
	"reflect"
	"testing"

	"huddle/exercises"
	"huddle/rooms"
)

// Problems tells every problem of a spec, Validate's and Distinct's,
// each with its field; Validate's error stays the first of them, so the
// console (agenda.add, agenda.update) answers as before.
func TestProblemsTellsEveryProblem(t *testing.T) {
	lim := exercises.LimitsFrom(rooms.DefaultLimits())
	fields := func(errs []error) []string {
		out := []string{}
		for _, err := range errs {
			out = append(out, rooms.AsError(err).Field)
		}
		return out
	}
	two := func(a, b string) []exercises.Option { return []exercises.Option{{Label: a}, {Label: b}} }
	for _, c := range []struct {
		name string
		spec exercises.Spec
		want []string
	}{
		{"threshold and repeated options",
			exercises.Spec{Kind: exercises.KindPoll, Title: "Lunch", MinResponses: 1, Questions: []exercises.Question{{Kind: "choice", Options: two("Pizza", "pizza")}}},
			[]string{"minResponses", "questions[0].options[1].label"}},
		{"every question's",
			exercises.Spec{Kind: exercises.KindSurvey, Title: "", TimerSeconds: -1, Questions: []exercises.Question{
				{Kind: "choice", Options: two("a", "a")}, {Kind: "scale", Min: 5, Max: 1}, {Kind: "choice", Options: two("b", "")}, {Kind: "essay"}}},
			[]string{"title", "timerSeconds", "questions[1]", "questions[2].options[1].label", "questions[3].kind", "questions[0].options[1].label"}},
		{"an unknown kind, and nothing of what belongs to one",
			exercises.Spec{Kind: "quiz", Title: "", MaxEntries: 40, Questions: []exercises.Question{{Kind: "essay"}}},
			[]string{"kind", "title"}},
		{"a poll of two questions: not the questions'",
			exercises.Spec{Kind: exercises.KindPoll, Title: "P", Questions: []exercises.Question{{Kind: "choice"}, {Kind: "choice"}}},
			[]string{"questions"}},
		{"a retrospective's settings",
			exercises.Spec{Kind: exercises.KindRetro, Title: "R", Retro: &exercises.RetroSpec{
				Columns: []exercises.Column{{ID: "a b", Title: "Good"}, {Title: "good"}, {Title: ""}}, Dots: 50, MaxPerItem: 60}},
			[]string{"retro.columns[0].id", "retro.columns[2].title", "retro.dots", "retro.columns[1].title"}},
		{"a retrospective's template and dots",
			exercises.Spec{Kind: exercises.KindRetro, Title: "R", Retro: &exercises.RetroSpec{Template: "nope", Dots: 2, MaxPerItem: 3}},
			[]string{"retro.template", "retro.maxPerItem"}},
		{"a threshold out of range, not under the floor too",
			exercises.Spec{Kind: exercises.KindText, Title: "T", MinResponses: -1},
			[]string{"minResponses"}},
	} {
		errs := exercises.Problems(c.spec, lim)
		if got := fields(errs); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: fields %q, want %q (%v)", c.name, got, c.want, errs)
			continue
		}
		var first error
		if _, err := exercises.Validate(c.spec, lim); err != nil {
			first = err
		} else if first = exercises.Distinct(exercises.Spec{Questions: c.spec.Questions}); first == nil {
			t.Errorf("%s: neither Validate nor Distinct refuses it", c.name)
			continue
		}
		if !reflect.DeepEqual(first, errs[0]) {
			t.Errorf("%s: Validate says %v, the first problem is %v", c.name, first, errs[0])
		}
	}
	ok := exercises.Spec{Kind: exercises.KindPoll, Title: "P", Questions: []exercises.Question{{Kind: "choice", Options: two("a", "b")}}}
	if errs := exercises.Problems(ok, lim); len(errs) != 0 {
		t.Errorf("a good spec: %v", errs)
	}
}
