package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"huddle/exercises"
	"huddle/rooms"
)

// ewHello says hello on a new connection and returns every message it
// got before the server closed it, with the close code.
func ewHello(t *testing.T, ts *testServer, room, token string, since *rooms.Position, then ...any) ([]msg, int) {
	t.Helper()
	c := ts.dial(t)
	c.send(map[string]any{"type": "hello", "room": room, "token": token, "since": since})
	for _, m := range then {
		c.send(m)
	}
	code := c.closed()
	return c.all(), int(code)
}

// ewRaw lists messages' raw JSON, for failure messages.
func ewRaw(msgs []msg) string {
	var b strings.Builder
	for _, m := range msgs {
		b.Write(m.Raw)
		b.WriteByte('\n')
	}
	return b.String()
}

// A participant's phone reloaded after the room ended: its hello is
// answered with a final welcome holding what the room shows that
// participant (the title, the kudos, the action items), then the
// room_ended error and close 4003. Nobody else's hello gets one here (a
// removed participant, an unknown token, a participant asking for a
// projector view); an anonymous
// kudo's sender is not in it; a command sent after that hello is not
// applied; the room still refuses the participant's join.
func TestEndedRoomFinalWelcome(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	var room CreateRoomResponse
	if st := ts.post("/api/rooms", map[string]any{"title": "Sprint 12 retro"}, &room); st != http.StatusCreated {
		t.Fatalf("create room: %d", st)
	}
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	r := &bdRunner{t: t}
	ann := bdJoin(t, ts, room.Room.Code, "Ann Keeper")
	bo := bdJoin(t, ts, room.Room.Code, "Bo Giver")
	cy := bdJoin(t, ts, room.Room.Code, "Cy Quiet")
	dee := bdJoin(t, ts, room.Room.Code, "Dee Gone")

	wall := bdAddOpen(r, fac, map[string]any{"kind": "kudos", "title": "Thank you"})
	r.ok(bo.c, exercises.CmdKudosSend, map[string]any{"exercise": wall, "to": ann.j.Member.ID, "message": "Thanks for pairing"})
	r.ok(cy.c, exercises.CmdKudosSend, map[string]any{"exercise": wall, "to": exercises.KudosTeam, "message": "Great sprint, all", "anonymous": true})
	r.ok(ann.c, exercises.CmdKudosSend, map[string]any{"exercise": wall, "to": bo.j.Member.ID, "message": "Great demo"})
	retro := bdAddOpen(r, fac, map[string]any{"kind": "retro", "title": "Sprint 12"})
	r.ok(fac, exercises.CmdAgendaGo, map[string]any{"exercise": retro})
	r.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": retro, "phase": exercises.PhaseActions})
	r.ok(bo.c, exercises.CmdRetroActionAdd, map[string]any{"exercise": retro, "text": "Pair twice a week", "owner": "Bo"})
	bdState(ann.c, retro, "the action", func(v exercises.RetroView) bool { return len(v.Actions) == 1 })
	r.ok(fac, "member.remove", map[string]any{"member": dee.j.Member.ID})

	// Where Ann's phone was when the room ended.
	var pos rooms.Position
	for _, m := range ann.c.all() {
		if m.Type == "event" {
			pos.Seq = m.Seq
		}
	}
	pos.Epoch = ann.w.Position.Epoch
	r.ok(fac, "room.end", nil)
	for _, p := range []*bdPerson{ann, bo, cy} {
		if code := p.c.closed(); code != CloseRoomEnded {
			t.Fatalf("%s closed with %d", p.name, code)
		}
	}

	for _, since := range []*rooms.Position{nil, &pos} {
		msgs, code := ewHello(t, ts, room.Room.Code, ann.j.Token, since)
		if code != int(CloseRoomEnded) {
			t.Fatalf("since %v: closed with %d, want 4003", since, code)
		}
		if len(msgs) != 2 || msgs[0].Type != "welcome" || msgs[1].Type != "error" || msgs[1].Code != rooms.CodeRoomEnded {
			t.Fatalf("since %v: want a welcome then room_ended, got %d messages: %s", since, len(msgs), ewRaw(msgs))
		}
		var w rooms.Welcome
		if err := json.Unmarshal(msgs[0].Raw, &w); err != nil {
			t.Fatal(err)
		}
		if w.Recovered || w.Snapshot == nil || w.You.ID != ann.j.Member.ID || w.You.Online {
			t.Fatalf("since %v: welcome %s", since, msgs[0].Raw)
		}
		if rm := w.Snapshot.Room; !rm.Ended || rm.Title != "Sprint 12 retro" {
			t.Fatalf("since %v: room %+v", since, rm)
		}
		if w.Presence.Online != 0 || w.Snapshot.Members != nil {
			t.Fatalf("since %v: presence %+v members %v (the room does not show names)", since, w.Presence, w.Snapshot.Members)
		}
		var kv exercises.KudosView
		if err := json.Unmarshal(bdSection(t, w, wall).State, &kv); err != nil {
			t.Fatal(err)
		}
		got := map[string]exercises.Kudo{}
		for _, k := range kv.Kudos {
			got[k.Message] = k
		}
		if k := got["Thanks for pairing"]; k.To != ann.j.Member.ID || k.FromName != "Bo Giver" || k.Anonymous {
			t.Fatalf("since %v: the kudo to Ann: %+v", since, k)
		}
		if k := got["Great sprint, all"]; k.To != exercises.KudosTeam || k.FromName != "" || !k.Anonymous {
			t.Fatalf("since %v: the team's anonymous kudo: %+v", since, k)
		}
		var rv exercises.RetroView
		if err := json.Unmarshal(bdSection(t, w, retro).State, &rv); err != nil {
			t.Fatal(err)
		}
		if len(rv.Actions) != 1 || rv.Actions[0].Text != "Pair twice a week" {
			t.Fatalf("since %v: actions %+v", since, rv.Actions)
		}
		if strings.Contains(string(msgs[0].Raw), "Cy Quiet") {
			t.Fatalf("since %v: the final welcome names the anonymous sender: %s", since, msgs[0].Raw)
		}
	}

	// Re-sent commands after the final welcome are not applied.
	msgs, code := ewHello(t, ts, room.Room.ID, ann.j.Token, nil,
		map[string]any{"type": exercises.CmdKudosSend, "id": "late", "data": map[string]any{"exercise": wall, "to": bo.j.Member.ID, "message": "Too late"}})
	if code != int(CloseRoomEnded) {
		t.Fatalf("with a command after hello: closed with %d", code)
	}
	for _, m := range msgs {
		if m.ID == "late" {
			t.Fatalf("a command after the final welcome was answered: %s", m.Raw)
		}
	}
	msgs, _ = ewHello(t, ts, room.Room.ID, ann.j.Token, nil)
	var w rooms.Welcome
	_ = json.Unmarshal(msgs[0].Raw, &w)
	if strings.Contains(string(bdSection(t, w, wall).State), "Too late") {
		t.Fatal("a kudo sent after the end was taken")
	}

	// Nobody else gets a welcome (the facilitator's console and the
	// projector view get theirs: TestEndedRoomFacilitatorAndProjector).
	for who, tc := range map[string]struct {
		token string
		code  int
		err   rooms.Code
	}{
		"a removed participant":  {dee.j.Token, int(CloseRemoved), rooms.CodeRemoved},
		"an unknown token":       {"not-a-token", int(CloseBadToken), rooms.CodeBadToken},
		"Bo as a projector view": {bo.j.Token, int(CloseRoomEnded), rooms.CodeRoomEnded},
	} {
		c := ts.dial(t)
		hello := map[string]any{"type": "hello", "room": room.Room.ID, "token": tc.token}
		if who == "Bo as a projector view" {
			hello["view"] = "projector"
		}
		c.send(hello)
		got := c.closed()
		msgs := c.all()
		if int(got) != tc.code || len(msgs) != 1 || msgs[0].Type != "error" || msgs[0].Code != tc.err {
			t.Errorf("%s: closed %d after %s", who, got, ewRaw(msgs))
		}
	}
	if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: room.Room.Code, Token: ann.j.Token}); st != http.StatusGone || e.Code != rooms.CodeRoomEnded {
		t.Fatalf("rejoin after end: %d %+v", st, e)
	}
}

// ewWelcome says hello (view may be "") in an ended room and returns its
// final welcome, failing unless a welcome, room_ended and close 4003 came.
func ewWelcome(t *testing.T, ts *testServer, room, token, view string) (rooms.Welcome, string) {
	t.Helper()
	c := ts.dial(t)
	hello := map[string]any{"type": "hello", "room": room, "token": token}
	if view != "" {
		hello["view"] = view
	}
	c.send(hello)
	code := c.closed()
	msgs := c.all()
	if code != CloseRoomEnded || len(msgs) != 2 || msgs[0].Type != "welcome" || msgs[1].Type != "error" || msgs[1].Code != rooms.CodeRoomEnded {
		t.Fatalf("view %q: want a welcome, room_ended and 4003, closed %d after %s", view, code, ewRaw(msgs))
	}
	var w rooms.Welcome
	if err := json.Unmarshal(msgs[0].Raw, &w); err != nil {
		t.Fatal(err)
	}
	if w.Recovered || w.Snapshot == nil || !w.Snapshot.Room.Ended || w.Snapshot.Room.Title != "Lunch workshop" || w.Presence.Online != 0 || w.You.Online {
		t.Fatalf("view %q: welcome %s", view, msgs[0].Raw)
	}
	return w, string(msgs[0].Raw)
}

// The facilitator's console reloaded after its room ended gets a final
// welcome too: the facilitator's own snapshot, as its live welcome gives
// it (everyone who took part, the agenda, a poll's results, the larger
// message limit), with the session the results were kept as; a
// projector view (the facilitator's secret with view "projector", or a
// projector link's token) gets the projector's: the title, the results
// shown, no names. The connection joins nothing (a command after the
// hello is not applied), and the session goes from the welcome once
// deleted.
func TestEndedRoomFacilitatorAndProjector(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room := ts.createRoom("Lunch workshop")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	id := addPoll(t, fac, 1)
	names := []string{"Ann Voter", "Bo Voter", "Cy Voter"}
	for i, n := range names {
		p := bdJoin(t, ts, room.Room.Code, n)
		if m := p.c.cmd("v", exercises.CmdAnswer, answer(id, choose([]string{"soup", "soup", "pizza"}[i]))); m.Type != "ack" {
			t.Fatalf("%s votes: %s", n, m.Raw)
		}
	}
	fac.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == 3 })
	if m := fac.cmd("show", exercises.CmdShow, map[string]any{"exercise": id}); m.Type != "ack" {
		t.Fatalf("show: %s", m.Raw)
	}
	m := fac.cmd("link", rooms.CmdScreenLink, nil)
	var link struct {
		Result struct{ Token string }
	}
	if m.Type != "ack" || json.Unmarshal(m.Raw, &link) != nil || link.Result.Token == "" {
		t.Fatalf("screen link: %s", m.Raw)
	}
	fac.cmd("end", rooms.CmdRoomEnd, nil)
	if code := fac.closed(); code != CloseRoomEnded {
		t.Fatalf("the console closed with %d", code)
	}
	var list []exercises.SessionSummary
	eventually(t, "the session kept at the end", func() bool {
		ts.do("GET", "/api/sessions", nil, &list)
		return len(list) == 1
	})

	votes := func(w rooms.Welcome) exercises.VoteView {
		t.Helper()
		var v exercises.VoteView
		if err := json.Unmarshal(bdSection(t, w, id).State, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	// The console: with the code or the room id, with or without since.
	for _, rm := range []string{room.Room.ID, room.Room.Code} {
		w, raw := ewWelcome(t, ts, rm, room.Facilitator.Secret, "")
		if w.You.Role != rooms.RoleFacilitator || w.Snapshot.Participants != 3 || w.Presence.Participants != 3 {
			t.Fatalf("console: %s", raw)
		}
		var got []string
		for _, mv := range w.Snapshot.Members {
			if mv.Role == rooms.RoleParticipant {
				got = append(got, mv.Name)
			}
		}
		if strings.Join(got, ",") != strings.Join(names, ",") || len(w.Presence.Members) != len(w.Snapshot.Members) {
			t.Fatalf("console: members %v, presence %v", w.Snapshot.Members, w.Presence.Members)
		}
		if v := votes(w); v.Responses != 3 || v.Results == nil || v.Results.Questions[0].Counts["soup"] != 2 {
			t.Fatalf("console: the poll %+v", v)
		}
		lim, _ := w.Server["limits"].(map[string]any)
		if lim == nil || int(lim["maxMessageBytes"].(float64)) != ts.cfg.HostMessageBytes() {
			t.Fatalf("console: server %v, want the facilitator's limit %d", w.Server, ts.cfg.HostMessageBytes())
		}
		var kept struct {
			Session *exercises.SessionSummary `json:"session"`
		}
		_ = json.Unmarshal([]byte(raw), &kept)
		if kept.Session == nil || kept.Session.ID != room.Room.ID || kept.Session.Participants != 3 || !kept.Session.ExpiresAt.Equal(list[0].ExpiresAt) {
			t.Fatalf("console: the kept session %+v, listed %+v", kept.Session, list)
		}
	}
	// The projector, opened with the facilitator's secret or its link.
	for who, tc := range map[string][2]string{
		"the secret, view projector": {room.Facilitator.Secret, "projector"},
		"the link, view projector":   {link.Result.Token, "projector"},
		"the link, no view":          {link.Result.Token, ""},
	} {
		w, raw := ewWelcome(t, ts, room.Room.Code, tc[0], tc[1])
		if w.You.Role != rooms.RoleScreen || w.Snapshot.Participants != 3 || strings.Contains(raw, "Ann Voter") || strings.Contains(raw, `"session"`) {
			t.Fatalf("%s: %s", who, raw)
		}
		if v := votes(w); v.Responses != 3 || v.Results == nil || v.Results.Questions[0].Counts["pizza"] != 1 {
			t.Fatalf("%s: the poll %+v", who, v)
		}
		if lim, _ := w.Server["limits"].(map[string]any); lim == nil || int(lim["maxMessageBytes"].(float64)) == ts.cfg.HostMessageBytes() {
			t.Fatalf("%s: server %v", who, w.Server)
		}
	}

	// A command after the console's hello is not applied.
	c := ts.dial(t)
	c.send(map[string]any{"type": "hello", "room": room.Room.ID, "token": room.Facilitator.Secret})
	c.send(map[string]any{"type": exercises.CmdAgendaAdd, "id": "late", "data": map[string]any{"spec": poll(false)}})
	if code := c.closed(); code != CloseRoomEnded {
		t.Fatalf("with a command after hello: closed with %d", code)
	}
	for _, m := range c.all() {
		if m.ID == "late" {
			t.Fatalf("a command after the final welcome was answered: %s", m.Raw)
		}
	}
	w, _ := ewWelcome(t, ts, room.Room.ID, room.Facilitator.Secret, "")
	var sec exercises.SnapshotSection
	if err := json.Unmarshal(w.Snapshot.Sections[exercises.SectionExercises], &sec); err != nil || len(sec.Exercises) != 1 {
		t.Fatalf("the agenda after a late add: %s %v", w.Snapshot.Sections[exercises.SectionExercises], err)
	}

	// Deleted, the session is no longer said kept.
	if st, _, body := ts.do("DELETE", "/api/sessions/"+room.Room.ID, nil, nil); st != http.StatusNoContent {
		t.Fatalf("delete the session: %d %s", st, body)
	}
	if _, raw := ewWelcome(t, ts, room.Room.ID, room.Facilitator.Secret, ""); strings.Contains(raw, `"session"`) {
		t.Fatalf("a deleted session still in the welcome: %s", raw)
	}
	// A server that keeps no results says none is kept.
	off := startServer(t, func(c *Config) { c.ResultsTTL = 0 })
	r2 := off.createRoom("Lunch workshop")
	f2 := off.dial(t)
	f2.hello(r2.Room.ID, r2.Facilitator.Secret, nil)
	f2.cmd("end", rooms.CmdRoomEnd, nil)
	if w, raw := ewWelcome(t, off, r2.Room.ID, r2.Facilitator.Secret, ""); strings.Contains(raw, `"session"`) || w.You.Role != rooms.RoleFacilitator {
		t.Fatalf("results-ttl 0: %s", raw)
	}
}
