package exercises

import (
	"testing"

	"huddle/rooms"
)

// relimit runs b's room on a service of the same store whose anonymity
// floor (min-responses) is floor: the operator restarting the server
// with another -min-responses.
func relimit(b *tbEnv, floor int) {
	svc := rooms.NewService(b.st, rooms.DefaultLimits())
	lim := LimitsFrom(svc.Limits())
	lim.MinAnonymous = floor
	RegisterWith(svc, lim)
	b.svc = svc
}

// A vote closed with its tally seen stays closed for good when its
// threshold is raised after: the operator raises -min-responses from 2 to
// 3, the facilitator edits the title (the console's form sends the
// threshold raised to the floor with it), and the rule computed at the
// new threshold (2 answers < 3) said nothing was seen, so the vote opened
// again and the next answer showed as the difference between two
// tallies. The close keeps a flag (Exercise.ResultsSeen). On both stores.
func TestRaisedThresholdKeepsSeenVoteClosed(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		relimit(b, 2)
		spec := map[string]any{"kind": "poll", "title": "Lunch", "prompt": "Where?", "minResponses": 2,
			"questions": []any{map[string]any{"id": "q1", "kind": "choice", "options": []any{
				map[string]any{"id": "a", "label": "Pizza"}, map[string]any{"id": "b", "label": "Sushi"}}}}}
		id := b.exercise(spec)
		for i, name := range []string{"Ann", "Bob"} {
			b.ok(b.join(name), CmdAnswer, map[string]any{"exercise": id, "ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{[]string{"a", "b"}[i]}}}}})
		}
		b.ok(b.fac, CmdClose, map[string]any{"exercise": id})
		var fac, part VoteView
		if b.state(id, &fac, &part); !fac.Final || fac.Results == nil {
			t.Fatalf("closed at its threshold: final %v, results %+v", fac.Final, fac.Results)
		}

		relimit(b, 3)
		spec["title"], spec["minResponses"] = "Lunch today", 3
		b.ok(b.fac, CmdAgendaUpdate, map[string]any{"exercise": id, "spec": spec})
		fac = VoteView{}
		if b.state(id, &fac, &part); fac.MinResponses != 3 || !fac.Final {
			t.Fatalf("raised to 3: minResponses %d, final %v", fac.MinResponses, fac.Final)
		}
		b.fails(b.fac, CmdOpen, map[string]any{"exercise": id}, CodeWrongStatus)
		// Participants are not told the facilitator's flag.
		if ev := b.snapshot(b.join("Cy"))[id]; ev.Exercise.ResultsSeen {
			t.Fatal("a participant's snapshot carries resultsSeen")
		}
		if ev := b.snapshot(b.fac)[id]; !ev.Exercise.ResultsSeen {
			t.Fatal("the facilitator's snapshot lacks resultsSeen")
		}
	})
}

// A survey closed with nothing seen carries no flag and opens again; the
// flag alone refuses reopening, whatever the counters say now.
func TestResultsSeenFlag(t *testing.T) {
	e := Exercise{ID: "x", Spec: Spec{Kind: KindPoll, MinResponses: 3, Questions: []Question{{ID: "q1", Kind: QuestionChoice, Options: []Option{{ID: "a"}, {ID: "b"}}}}}, Status: StatusOpen}
	closed, err := Transition(e, StatusClosed, map[string]int64{"n:x": 2, "a:x:q1": 2})
	if err != nil || closed.ResultsSeen {
		t.Fatalf("closed below its threshold: seen %v, %v", closed.ResultsSeen, err)
	}
	closed, err = Transition(e, StatusClosed, map[string]int64{"n:x": 3, "a:x:q1": 3})
	if err != nil || !closed.ResultsSeen {
		t.Fatalf("closed at its threshold: seen %v, %v", closed.ResultsSeen, err)
	}
	closed.MinResponses = 5
	if _, err := Transition(closed, StatusOpen, map[string]int64{"n:x": 3, "a:x:q1": 3}); rooms.ErrorCode(err) != CodeWrongStatus {
		t.Fatalf("seen, threshold raised: %v", err)
	}
	for _, to := range []Status{StatusClosed, StatusResults} {
		if keys := lifecycleKeys(e, to); len(keys) != 2 {
			t.Errorf("closing to %s reads %v", to, keys)
		}
	}
}
