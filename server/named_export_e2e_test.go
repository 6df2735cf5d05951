package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"huddle/exercises"
	"huddle/rooms"
)

// A named vote's who answered what goes wherever its results go: the
// room's results download while it runs, and the session kept when it
// ends, in every format /sessions serves; an anonymous vote beside it
// names nobody in any of them, nor does the comparison.
func TestNamedVoteAnswersReachTheKeptSession(t *testing.T) {
	ts := startServer(t, nil)
	room, fac := ts.facilitated(t)
	add := func(anonymous bool, title string) string {
		t.Helper()
		spec := map[string]any{"kind": "poll", "title": title, "anonymous": anonymous, "questions": []any{map[string]any{
			"kind": "choice", "options": []any{map[string]any{"id": "s", "label": "Soup"}, map[string]any{"id": "p", "label": "Pasta"}}}}}
		m := fac.cmd("add"+title, exercises.CmdAgendaAdd, map[string]any{"spec": spec})
		var added struct {
			Result struct {
				Exercise string `json:"exercise"`
			} `json:"result"`
		}
		if err := json.Unmarshal(m.Raw, &added); err != nil || added.Result.Exercise == "" {
			t.Fatalf("add: %s", m.Raw)
		}
		if m := fac.cmd("open"+title, exercises.CmdOpen, map[string]any{"exercise": added.Result.Exercise}); m.Type != "ack" {
			t.Fatalf("open: %s", m.Raw)
		}
		return added.Result.Exercise
	}
	named, secret := add(false, "Named lunch"), add(true, "Secret lunch")
	names := []string{"Wilhelmina", "Xavier", "Yolanda"}
	var ids []string
	for i, n := range names {
		j := ts.join(room.Room.Code, n)
		ids = append(ids, j.Member.ID)
		p := ts.dial(t)
		p.hello(j.Room.ID, j.Token, nil)
		choice := []string{"s", "p"}[i%2]
		for _, ex := range []string{named, secret} {
			ballot := map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{choice}}}}
			if m := p.cmd("v"+ex, exercises.CmdAnswer, answer(ex, ballot)); m.Type != "ack" {
				t.Fatalf("answer: %s", m.Raw)
			}
		}
	}
	for _, ex := range []string{named, secret} {
		fac.cmd("show"+ex, exercises.CmdShow, map[string]any{"exercise": ex})
	}

	check := func(what, path string) {
		t.Helper()
		for _, format := range []string{"json", "csv", "md"} {
			st, _, body := ts.do("GET", path+"?format="+format, nil, nil, "Authorization", "Bearer "+room.Facilitator.Secret)
			if st != http.StatusOK {
				t.Fatalf("%s as %s: %d %s", what, format, st, body)
			}
			for _, n := range names {
				if !strings.Contains(body, n) {
					t.Errorf("%s as %s does not say what %s answered:\n%s", what, format, n, body)
				}
			}
			// Every name is the named vote's: the anonymous one's part
			// of the file names nobody.
			if i := strings.Index(body, "Secret lunch"); i < 0 || containsAny(body[i:], names) {
				t.Errorf("%s as %s names someone after the anonymous vote:\n%s", what, format, body)
			}
			for _, id := range ids {
				if strings.Contains(body, id) {
					t.Errorf("%s as %s holds a member id", what, format)
				}
			}
		}
	}
	check("the room's results", "/api/rooms/"+room.Room.ID+"/results")

	if m := fac.cmd("end", rooms.CmdRoomEnd, nil); m.Type != "ack" {
		t.Fatalf("end: %s", m.Raw)
	}
	check("the kept session", "/api/sessions/"+room.Room.ID)
	st, _, cmp := ts.do("GET", "/api/compare?a="+room.Room.ID+"&b="+room.Room.ID, nil, nil)
	if st != http.StatusOK || containsAny(cmp, names) {
		t.Fatalf("the comparison: %d %s", st, cmp)
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
