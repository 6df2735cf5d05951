package exercises

import (
	"strings"
	"testing"

	"huddle/rooms"
)

// A refusal quotes what it is about (an unknown question, option or
// column a client sent, a kept session's id, the word a kudo's "to" may
// hold) in curly quotes, as the web app shows text, not as Go's %q does.
func TestRefusalsQuoteInWords(t *testing.T) {
	lim := LimitsFrom(rooms.DefaultLimits())
	poll := Exercise{ID: "e", Spec: Spec{Kind: KindPoll, Questions: []Question{{ID: "q1", Kind: "choice", Options: []Option{{ID: "o1", Label: "a"}, {ID: "o2", Label: "b"}}}}}}
	retro := Exercise{ID: "r", Spec: Spec{Kind: KindRetro, Retro: &RetroSpec{Columns: []Column{{ID: "start", Title: "Start"}}}}}
	message := func(_ any, err error) string { return rooms.AsError(err).Message }
	for _, c := range []struct{ got, want string }{
		{message(NormalizeBallot(poll, Ballot{Answers: map[string]Answer{"q9": {Choices: []string{"o1"}}}}, lim)), "no question “q9”"},
		{message(NormalizeBallot(poll, Ballot{Answers: map[string]Answer{"q1": {Choices: []string{"sushi\n"}}}}, lim)), `no option “sushi\n”`},
		{message(NormalizeBallot(poll, Ballot{Answers: map[string]Answer{"q1": {Choices: []string{strings.Repeat("x", 40)}}}}, lim)), "no option “" + strings.Repeat("x", 32) + "…”"},
		{message(cleanColumn(retro, "later")), "no column “later”"},
		{message(NewKudo("k", KudosArgs{Message: "thanks"}, rooms.Member{ID: "m1"}, nil, lim)), "to is required: a member id or “team”"},
		{message(nil, sessionNotFound("id", "r1")), "there is no kept session “r1” (it may have expired)"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}
