package exercises

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/memory"
)

// A survey whose every question stayed hidden opens again; a hidden
// question that still said how many answered it told the facilitator, at
// each close, which questions the people since the last one answered
// ([1,1,1], then [1,2,1], then [1,2,2]). An anonymous vote's hidden
// question says nothing that grows per answer, in any view: the
// facilitator's, the phones' and projector's, the snapshot, the exports
// and a kept session. Only the ballots' count (responses) moves.
func TestHiddenQuestionsSayNotHowManyAnswered(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		scale := func(id string) map[string]any {
			return map[string]any{"id": id, "kind": "scale", "prompt": "Statement " + id, "min": 1, "max": 5}
		}
		id := b.exercise(map[string]any{"kind": "survey", "title": "Trust pulse", "minResponses": 3,
			"questions": []any{scale("q1"), scale("q2"), scale("q3")}})
		vote := func(name, q string) {
			b.ok(b.join(name), CmdAnswer, map[string]any{"exercise": id, "ballot": map[string]any{"answers": map[string]any{q: map[string]any{"value": 3}}}})
		}
		// Everything a close shows of the vote, with its count of ballots
		// taken out: the same at every close.
		seen := func() string {
			t.Helper()
			v := b.rawState(id)
			var fac, part map[string]any
			if err := json.Unmarshal(v.Facilitator, &fac); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(v.Participant, &part); err != nil {
				t.Fatal(err)
			}
			delete(fac, "responses")
			delete(part, "responses")
			snap, _ := json.Marshal(b.snapshot(b.fac)[id].State)
			var sv map[string]any
			_ = json.Unmarshal(snap, &sv)
			delete(sv, "responses")
			_, res := exportNow(t, b)
			res.Exercises[0].Responses, res.Participants = 0, 0 // people, not answers
			js, _ := res.JSON()
			csv, _ := res.CSV()
			md, _ := res.Markdown()
			var csvOut []string // the CSV without its responses row
			for _, l := range strings.Split(string(csv), "\n") {
				if !strings.Contains(l, "responses") {
					csvOut = append(csvOut, l)
				}
			}
			var mdOut []string
			for _, l := range strings.Split(string(md), "\n") {
				if !strings.Contains(l, "answer") && !strings.Contains(l, "Participants") || strings.Contains(l, "Statement") {
					mdOut = append(mdOut, l)
				}
			}
			all, _ := json.Marshal([]any{fac, part, sv})
			return string(all) + "\n" + string(js) + "\n" + strings.Join(csvOut, "\n") + "\n" + strings.Join(mdOut, "\n")
		}
		vote("Ann", "q1")
		vote("Bob", "q2")
		vote("Cy", "q3")
		b.ok(b.fac, CmdClose, map[string]any{"exercise": id})
		first := seen()
		if strings.Contains(first, `"answered"`) || strings.Contains(first, "1 answered") {
			t.Fatalf("a hidden question says how many answered it:\n%s", first)
		}
		b.ok(b.fac, CmdOpen, map[string]any{"exercise": id})
		vote("Di", "q2")
		b.ok(b.fac, CmdClose, map[string]any{"exercise": id})
		if again := seen(); again != first {
			t.Fatalf("the second close tells what Di answered:\n%s\nthen\n%s", first, again)
		}
		b.ok(b.fac, CmdOpen, map[string]any{"exercise": id})
		vote("Ed", "q3")
		b.ok(b.fac, CmdClose, map[string]any{"exercise": id})
		if again := seen(); again != first {
			t.Fatalf("the third close tells what Ed answered:\n%s\nthen\n%s", first, again)
		}
		var fac, part VoteView
		b.state(id, &fac, &part)
		if fac.Responses != 5 || fac.Final {
			t.Fatalf("responses %d, final %v", fac.Responses, fac.Final)
		}
		// Shown to the room: the phones and projector say no more.
		b.ok(b.fac, CmdShow, map[string]any{"exercise": id})
		if v := b.rawState(id); strings.Contains(string(v.Participant), `"answered"`) || strings.Contains(string(v.Facilitator), `"answered"`) {
			t.Fatalf("shown: %s\n%s", v.Participant, v.Facilitator)
		}

		// Kept as a session, and compared.
		s := keepNow(t, b)
		kept, _ := json.Marshal(s)
		cmp, _ := json.Marshal(Compare(s, s))
		md := Compare(s, s).Markdown()
		if strings.Contains(string(kept), `"answered"`) || strings.Contains(string(cmp), `"answered"`) || !strings.Contains(string(md), "| Statement q2 | Hidden (fewer than 3 answers) | Hidden (fewer than 3 answers) | – | – | – |") {
			t.Fatalf("kept session or comparison says how many answered:\n%s\n%s\n%s", kept, cmp, md)
		}
	})
}

// A session kept before hidden questions lost their counts is served
// without them; a named vote's keep theirs (its facilitator sees who
// answered what).
func TestKeptSessionForgetsHiddenAnswered(t *testing.T) {
	st := memory.New(memory.Options{})
	defer st.Close()
	q := func() []QuestionExport {
		return []QuestionExport{{ID: "q1", Prompt: "Pace", Kind: QuestionScale, Answered: 2, Counts: []LabelCount{}, Hidden: true},
			{ID: "q2", Prompt: "Trust", Kind: QuestionScale, Answered: 3, Counts: []LabelCount{{"1", 3}}}}
	}
	old := Session{Session: SessionSummary{ID: "old"}, Results: &RoomResults{Exercises: []ExerciseResult{
		{Kind: KindSurvey, Title: "Anonymous", Status: StatusClosed, Anonymous: true, Responses: 4, Vote: &VoteExport{MinResponses: 3, Questions: q()}},
		{Kind: KindSurvey, Title: "Named", Status: StatusClosed, Responses: 4, Vote: &VoteExport{MinResponses: 3, Questions: q()}},
	}}}
	raw, _ := json.Marshal(old)
	if _, err := st.LibraryPut(t.Context(), libResults, "old", raw, rooms.AnyVersion, time.Hour, 0); err != nil {
		t.Fatal(err)
	}
	s, err := GetSession(t.Context(), st, "old", "id")
	if err != nil {
		t.Fatal(err)
	}
	anon, named := s.Results.Exercises[0].Vote.Questions, s.Results.Exercises[1].Vote.Questions
	if anon[0].Answered != 0 || anon[1].Answered != 3 || named[0].Answered != 2 {
		t.Fatalf("anonymous %+v, named %+v", anon, named)
	}
}
