package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/exercises"
	"huddle/rooms"
)

// stateOf waits for the next coalesced state of an exercise that matches.
func (c *client) stateOf(id string, match func(exercises.VoteView) bool) exercises.VoteView {
	c.t.Helper()
	var v exercises.VoteView
	c.next(func(m msg) bool {
		if m.Type != "state" {
			return false
		}
		var s rooms.StateMsg
		if json.Unmarshal(m.Raw, &s) != nil || s.Key != "ex:"+id {
			return false
		}
		v = exercises.VoteView{}
		_ = json.Unmarshal(s.Data, &v)
		return match(v)
	})
	return v
}

// One whole anonymous poll over the protocol: a facilitator and four
// participants; results hidden until three answers and until shown; a
// ballot re-sent after a reconnect counts once.
func TestPollEndToEnd(t *testing.T) {
	ts := startServer(t, nil)
	room := ts.createRoom("All hands")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	type person struct {
		j JoinResponse
		c *client
		w rooms.Welcome
	}
	var ps []*person
	for i := range 4 {
		j := ts.join(room.Room.Code, fmt.Sprint("P", i))
		c := ts.dial(t)
		w := c.hello(j.Room.ID, j.Token, nil)
		ps = append(ps, &person{j, c, w})
	}

	ack := fac.cmd("add", exercises.CmdAgendaAdd, map[string]any{"spec": poll(false)})
	var added struct {
		Result struct {
			Exercise string `json:"exercise"`
		} `json:"result"`
	}
	if err := json.Unmarshal(ack.Raw, &added); err != nil || added.Result.Exercise == "" {
		t.Fatalf("add answered %s", ack.Raw)
	}
	id := added.Result.Exercise
	for _, p := range ps {
		p.c.event(exercises.EvExerciseUpdated)
		p.c.event(exercises.EvAgendaUpdated)
	}
	if m := fac.cmd("open", exercises.CmdOpen, map[string]any{"exercise": id}); m.Type != "ack" {
		t.Fatalf("open: %s", m.Raw)
	}
	vote := func(p *person, cmdID, option string) msg {
		return p.c.cmd(cmdID, exercises.CmdAnswer, answer(id, choose(option)))
	}
	for i, opt := range []string{"soup", "pizza"} {
		if m := vote(ps[i], "v1", opt); m.Type != "ack" {
			t.Fatalf("vote: %s", m.Raw)
		}
	}
	fac.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == 2 && v.Results == nil })
	if m := fac.cmd("show1", exercises.CmdShow, map[string]any{"exercise": id}); m.Code != exercises.CodeTooFewResponses {
		t.Fatalf("show at 2: %s", m.Raw)
	}
	// The third voter's phone drops right after sending; it comes back
	// and sends the same command again.
	first := vote(ps[2], "v1", "soup")
	ps[2].c.drop()
	c := ts.dial(t)
	w := c.hello(ps[2].j.Room.ID, ps[2].j.Token, &ps[2].w.Position)
	ps[2].c, ps[2].w = c, w
	again := vote(ps[2], "v1", "soup")
	if string(again.Raw) != string(first.Raw) {
		t.Fatalf("re-send answered %s, first %s", again.Raw, first.Raw)
	}
	// Open, at the threshold: the facilitator sees the count, no tally.
	fac.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == 3 && v.Results == nil })
	if m := fac.cmd("close", exercises.CmdClose, map[string]any{"exercise": id}); m.Type != "ack" {
		t.Fatalf("close: %s", m.Raw)
	}
	v := fac.stateOf(id, func(v exercises.VoteView) bool { return v.Results != nil })
	if v.Responses != 3 || v.Results.Questions[0].Counts["soup"] != 2 {
		t.Fatalf("facilitator sees %+v", v)
	}
	if m := fac.cmd("show2", exercises.CmdShow, map[string]any{"exercise": id}); m.Type != "ack" {
		t.Fatalf("show: %s", m.Raw)
	}
	for _, p := range ps {
		pv := p.c.stateOf(id, func(v exercises.VoteView) bool { return v.Results != nil })
		got := pv.Results.Questions[0].Counts
		if pv.Responses != 3 || got["soup"] != 2 || got["pizza"] != 1 || got["salad"] != 0 || !pv.Anonymous {
			t.Fatalf("participant sees %+v", pv)
		}
	}
	// A late phone gets the same results in its snapshot.
	late := ts.join(room.Room.Code, "Late")
	lc := ts.dial(t)
	lw := lc.hello(late.Room.ID, late.Token, nil)
	var sec exercises.SnapshotSection
	_ = json.Unmarshal(lw.Snapshot.Sections[exercises.SectionExercises], &sec)
	var sv exercises.VoteView
	_ = json.Unmarshal(sec.Exercises[0].State, &sv)
	if sv.Results == nil || sv.Results.Questions[0].Counts["soup"] != 2 {
		t.Fatalf("late snapshot %s", sec.Exercises[0].State)
	}
}

func poll(multi bool) map[string]any {
	return map[string]any{"kind": "poll", "title": "Lunch?", "questions": []any{map[string]any{
		"kind": "choice", "multi": multi, "options": []any{
			map[string]any{"id": "pizza", "label": "Pizza"}, map[string]any{"id": "soup", "label": "Soup"}, map[string]any{"id": "salad", "label": "Salad"}}}}}
}

func choose(ids ...string) map[string]any {
	return map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": ids}}}
}

func answer(id string, ballot map[string]any) map[string]any {
	return map[string]any{"exercise": id, "ballot": ballot}
}

// A phone that was away while others voted resumes with the current
// tally, not only the events it missed: coalesced state has no events.
func TestResumeGetsCurrentState(t *testing.T) {
	ts := startServer(t, nil)
	room := ts.createRoom("")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	id := addPoll(t, fac, 1)
	away := ts.join(room.Room.Code, "Away")
	c := ts.dial(t)
	w := c.hello(away.Room.ID, away.Token, nil)
	c.drop()
	for i := range 3 {
		j := ts.join(room.Room.Code, fmt.Sprint("V", i))
		v := ts.dial(t)
		v.hello(j.Room.ID, j.Token, nil)
		if m := v.cmd("v", exercises.CmdAnswer, answer(id, choose("soup"))); m.Type != "ack" {
			t.Fatalf("vote: %s", m.Raw)
		}
	}
	fac.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == 3 })
	back := ts.dial(t)
	if w2 := back.hello(away.Room.ID, away.Token, &w.Position); !w2.Recovered {
		t.Fatal("not recovered")
	}
	back.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == 3 })
}

// The projector view: opened with the facilitator's secret, it sees what
// participants see (results only once shown), is nobody in presence, and
// sends no commands. A participant's token cannot open it.
func TestProjectorView(t *testing.T) {
	ts := startServer(t, nil)
	room := ts.createRoom("Big screen")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	id := addPoll(t, fac, 1)
	proj := ts.dial(t)
	proj.send(map[string]any{"type": "hello", "room": room.Room.Code, "token": room.Facilitator.Secret, "view": "projector"})
	w := proj.next(func(m msg) bool { return m.Type == "welcome" || m.Type == "error" })
	var welcome rooms.Welcome
	_ = json.Unmarshal(w.Raw, &welcome)
	if w.Type != "welcome" || welcome.You.Role != rooms.RoleScreen || welcome.Snapshot.Members != nil {
		t.Fatalf("projector welcome %s", w.Raw)
	}
	j := ts.join(room.Room.Code, "Ann")
	p := ts.dial(t)
	p.hello(j.Room.ID, j.Token, nil)
	// Presence counts one participant and lists no screen (the update
	// that Ann's arrival sends: presence is sent when it changes).
	fac.next(func(m msg) bool {
		var pr rooms.PresenceMsg
		if m.Type != "presence" || json.Unmarshal(m.Raw, &pr) != nil {
			return false
		}
		for _, mv := range pr.Members {
			if mv.Role == rooms.RoleScreen {
				t.Fatalf("a screen in presence: %s", m.Raw)
			}
		}
		return pr.Online == 1
	})
	p.cmd("v", exercises.CmdAnswer, answer(id, choose("soup")))
	// The facilitator sees results once voting closes (threshold 1); the
	// projector not until they are shown.
	fac.cmd("close", exercises.CmdClose, map[string]any{"exercise": id})
	fac.stateOf(id, func(v exercises.VoteView) bool { return v.Results != nil })
	pv := proj.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == 1 })
	if pv.Results != nil {
		t.Fatalf("projector got results before they were shown: %+v", pv)
	}
	fac.cmd("show", exercises.CmdShow, map[string]any{"exercise": id})
	proj.stateOf(id, func(v exercises.VoteView) bool { return v.Results != nil && v.Results.Questions[0].Counts["soup"] == 1 })
	if m := proj.cmd("x", "room.lock", nil); m.Code != rooms.CodeForbidden {
		t.Fatalf("projector command: %s", m.Raw)
	}
	bad := ts.dial(t)
	bad.send(map[string]any{"type": "hello", "room": room.Room.ID, "token": j.Token, "view": "projector"})
	if m := bad.next(func(m msg) bool { return m.Type == "error" }); m.Code != rooms.CodeForbidden {
		t.Fatalf("participant as projector: %s", m.Raw)
	}
}

// A participant's snapshot carries their own ballot and nobody else's:
// it loads only the viewer's private documents.
func TestSnapshotCarriesOwnBallotOnly(t *testing.T) {
	ts := startServer(t, nil)
	room := ts.createRoom("")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	id := addPoll(t, fac, 1)
	var toks []string
	for i, opt := range []string{"soup", "salad"} {
		j := ts.join(room.Room.Code, fmt.Sprint("P", i))
		c := ts.dial(t)
		c.hello(j.Room.ID, j.Token, nil)
		c.cmd("v", exercises.CmdAnswer, answer(id, choose(opt)))
		c.drop()
		toks = append(toks, j.Token)
	}
	c := ts.dial(t)
	w := c.hello(room.Room.ID, toks[1], nil)
	var sec exercises.SnapshotSection
	_ = json.Unmarshal(w.Snapshot.Sections[exercises.SectionExercises], &sec)
	if got := string(sec.Exercises[0].Mine); got != `{"answers":{"q1":{"choices":["salad"]}}}` {
		t.Fatalf("mine = %s", got)
	}
}

// A projector link opens the projector view on another computer with a
// token of its own that can do nothing else: no commands, no console.
// Making another link, or none, revokes it: its projector views close
// (bad_token) and its token no longer opens the room; the facilitator's
// own projector view stays. On the embedded store and on two Redis nodes,
// where the link is made on one node and its screen is on the other.
func TestProjectorLink(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		ts := startServer(t, nil)
		testProjectorLink(t, ts, ts)
	})
	t.Run("redis", func(t *testing.T) {
		nodes, _ := startNodes(t, 2, nil)
		testProjectorLink(t, nodes[0], nodes[1])
	})
}

func testProjectorLink(t *testing.T, a, b *testServer) {
	room := a.createRoom("Room PC")
	fac := a.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	id := addPoll(t, fac, 1)
	link := func(cid string) (string, string) {
		t.Helper()
		m := fac.cmd(cid, rooms.CmdScreenLink, nil)
		var r struct {
			Result struct{ Link, Token string }
		}
		if m.Type != "ack" || json.Unmarshal(m.Raw, &r) != nil || r.Result.Token == "" || r.Result.Link == "" {
			t.Fatalf("screen link: %s", m.Raw)
		}
		return r.Result.Link, r.Result.Token
	}
	screen := func(token string, view any) (*client, msg) {
		c := b.dial(t)
		c.send(map[string]any{"type": "hello", "room": room.Room.Code, "token": token, "view": view})
		return c, c.next(func(m msg) bool { return m.Type == "welcome" || m.Type == "error" })
	}
	_, tok1 := link("l1")
	// With or without view "projector", the link's token is a screen.
	for _, view := range []any{"projector", nil} {
		if _, w := screen(tok1, view); w.Type != "welcome" || !strings.Contains(string(w.Raw), `"role":"screen"`) {
			t.Fatalf("projector link with view %v: %s", view, w.Raw)
		}
	}
	// Any other view is refused, saying which there are as the web app quotes.
	if _, m := screen(tok1, "wall"); m.Type != "error" || m.Code != rooms.CodeInvalid || !strings.Contains(string(m.Raw), `"field":"view"`) ||
		!strings.Contains(string(m.Raw), `"message":"view is empty or “projector”"`) {
		t.Fatalf("view wall: %s", m.Raw)
	}
	s1, _ := screen(tok1, "projector")
	own, w := screen(room.Facilitator.Secret, "projector")
	if w.Type != "welcome" {
		t.Fatalf("own projector: %s", w.Raw)
	}
	if m := s1.cmd("x", rooms.CmdScreenLink, nil); m.Code != rooms.CodeForbidden {
		t.Fatalf("a screen making a link: %s", m.Raw)
	}
	j := a.join(room.Room.Code, "Ann")
	p := a.dial(t)
	p.hello(j.Room.ID, j.Token, nil)
	if m := p.cmd("x", rooms.CmdScreenLink, nil); m.Code != rooms.CodeForbidden {
		t.Fatalf("a participant making a link: %s", m.Raw)
	}
	p.cmd("v", exercises.CmdAnswer, answer(id, choose("soup")))
	if pv := s1.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == 1 }); pv.Results != nil {
		t.Fatalf("the link's screen got results before they were shown: %+v", pv)
	}
	fac.cmd("show", exercises.CmdShow, map[string]any{"exercise": id})
	s1.stateOf(id, func(v exercises.VoteView) bool { return v.Results != nil })

	// A new link revokes the first.
	_, tok2 := link("l2")
	if code := s1.closed(); code != CloseBadToken {
		t.Fatalf("the revoked link's screen closed with %d", code)
	}
	if _, w := screen(tok1, "projector"); w.Code != rooms.CodeBadToken {
		t.Fatalf("the revoked token: %s", w.Raw)
	}
	s2, w := screen(tok2, "projector")
	if w.Type != "welcome" {
		t.Fatalf("the new link: %s", w.Raw)
	}
	// None: the second goes too; the facilitator's own screen stays.
	if m := fac.cmd("u", rooms.CmdScreenUnlink, nil); m.Type != "ack" {
		t.Fatalf("unlink: %s", m.Raw)
	}
	if code := s2.closed(); code != CloseBadToken {
		t.Fatalf("the unlinked screen closed with %d", code)
	}
	if _, w := screen(tok2, "projector"); w.Code != rooms.CodeBadToken {
		t.Fatalf("the unlinked token: %s", w.Raw)
	}
	fac.cmd("hide", exercises.CmdHide, map[string]any{"exercise": id})
	own.stateOf(id, func(v exercises.VoteView) bool { return v.Results == nil })
	if m := fac.cmd("u2", rooms.CmdScreenUnlink, nil); m.Type != "ack" {
		t.Fatalf("unlink with no link: %s", m.Raw)
	}
}

// The facilitator's test participant is nobody to the others: while it
// is open, no participant is told of it (in a welcome's member list, a
// recovered one's, or a presence delta), it is in no count anyone gets,
// and kudos cannot go to it. The facilitator sees it, marked preview,
// also when it is renamed. Its leaving takes nobody off the count.
func TestPreviewIsNobodyToOthers(t *testing.T) {
	ts := startServer(t, nil)
	var room CreateRoomResponse
	if st := ts.post("/api/rooms", map[string]any{"title": "Thanks", "showNames": true}, &room); st != http.StatusCreated {
		t.Fatalf("create room: %d", st)
	}
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	r := &bdRunner{t: t}
	ann := bdJoin(t, ts, room.Room.Code, "Ann")
	ex := bdAddOpen(r, fac, map[string]any{"kind": "kudos", "title": "Thank you"})

	var pj JoinResponse
	if st := ts.post("/api/join", JoinRequest{Code: room.Room.Code, Name: "Preview", Preview: true}, &pj, "Authorization", "Bearer "+room.Facilitator.Secret); st != http.StatusOK || !pj.Member.Preview {
		t.Fatalf("preview join: %d %+v", st, pj.Member)
	}
	pvID := pj.Member.ID
	pv := ts.dial(t)
	if w := pv.hello(pj.Room.ID, pj.Token, nil); !w.You.Preview {
		t.Fatalf("the preview's welcome: %+v", w.You)
	}
	presence := func(m msg) (rooms.PresenceMsg, bool) {
		var p rooms.PresenceMsg
		return p, m.Type == "presence" && json.Unmarshal(m.Raw, &p) == nil
	}
	lists := func(ms []rooms.MemberView, id string) (rooms.MemberView, bool) {
		i := slices.IndexFunc(ms, func(v rooms.MemberView) bool { return v.ID == id })
		if i < 0 {
			return rooms.MemberView{}, false
		}
		return ms[i], true
	}
	m := bdWait(fac, "the preview online in the facilitator's presence", func(m msg) bool {
		p, ok := presence(m)
		v, listed := lists(p.Members, pvID)
		return ok && listed && v.Online
	})
	p, _ := presence(m)
	if v, _ := lists(p.Members, pvID); !v.Preview || p.Participants != 1 || p.Online != 1 {
		t.Fatalf("the facilitator's presence with the preview: %s", m.Raw)
	}

	// Someone who comes now is not told of it.
	bo := bdJoin(t, ts, room.Room.Code, "Bo")
	if _, listed := lists(bo.w.Snapshot.Members, pvID); listed || bo.w.Snapshot.Participants != 2 {
		t.Fatalf("a newcomer's snapshot: %+v", bo.w.Snapshot)
	}
	if _, listed := lists(bo.w.Presence.Members, pvID); listed || len(bo.w.Presence.Members) != 3 {
		t.Fatalf("a newcomer's member list: %+v", bo.w.Presence.Members)
	}
	// Nor is someone who comes back (a recovered welcome lists everyone).
	back := ts.dial(t)
	if w := back.hello(room.Room.ID, ann.j.Token, &ann.w.Position); !w.Recovered || len(w.Presence.Members) != 3 {
		t.Fatalf("a returning participant's member list: %+v", w.Presence)
	} else if _, listed := lists(w.Presence.Members, pvID); listed {
		t.Fatalf("a returning participant's member list names the preview: %+v", w.Presence.Members)
	}
	back.close()

	// Kudos do not go to it.
	if m := r.do(bo.c, exercises.CmdKudosSend, map[string]any{"exercise": ex, "to": pvID, "message": "Thanks"}); m.Code != rooms.CodeInvalid {
		t.Fatalf("kudos to the preview: %s", m.Raw)
	}

	// A new name of it goes to the facilitator alone.
	if m := pv.cmd("rn", rooms.CmdMemberRename, map[string]any{"name": "Preview two"}); m.Type != "ack" {
		t.Fatalf("the preview renames itself: %s", m.Raw)
	}
	bdWait(fac, "the preview's new name in presence", func(m msg) bool {
		p, ok := presence(m)
		v, listed := lists(p.Members, pvID)
		return ok && listed && v.Name == "Preview two" && v.Preview
	})

	// It leaves: the count stays at the two people.
	r.ok(fac, rooms.CmdMemberRemove, map[string]any{"member": pvID})
	m = bdWait(fac, "the preview's removal in presence", func(m msg) bool {
		p, ok := presence(m)
		v, listed := lists(p.Members, pvID)
		return ok && listed && v.Removed
	})
	if p, _ := presence(m); p.Participants != 2 {
		t.Fatalf("participants after the preview left: %s", m.Raw)
	}
	time.Sleep(200 * time.Millisecond) // the same flush reached the participants
	for _, c := range []*client{ann.c, bo.c} {
		bdNoneHolds(t, "a participant", c, pvID)
		for _, m := range c.all() {
			if p, ok := presence(m); ok && (p.Participants > 2 || p.Online > 2) {
				t.Fatalf("a participant's presence counts the preview: %s", m.Raw)
			}
		}
	}
}

// The facilitator's test participant ("View as participant") answers a
// vote as anyone would and is acknowledged, but is not counted: testing a
// live poll neither changes its results nor helps it past its anonymity
// threshold. Only the room's facilitator may add one; it may join a
// locked room.
func TestPreviewAnswersAreNotCounted(t *testing.T) {
	ts := startServer(t, nil)
	room, fac := ts.facilitated(t)
	id := addPoll(t, fac, 3)
	fac.cmd("lock", rooms.CmdRoomLock, nil)
	var eb errBody
	if st, _, body := ts.do("POST", "/api/join", JoinRequest{Code: room.Room.Code, Name: "Preview", Preview: true}, &eb); st != http.StatusUnauthorized || eb.Error.Code != rooms.CodeBadToken {
		t.Fatalf("preview without the secret: %d %s", st, body)
	}
	var pj JoinResponse
	if st := ts.post("/api/join", JoinRequest{Code: room.Room.Code, Name: "Preview", Preview: true}, &pj, "Authorization", "Bearer "+room.Facilitator.Secret); st != http.StatusOK {
		t.Fatalf("preview join: %d", st)
	}
	pv := ts.dial(t)
	pv.hello(pj.Room.ID, pj.Token, nil)
	if m := pv.cmd("pa", exercises.CmdAnswer, answer(id, choose("soup"))); m.Type != "ack" {
		t.Fatalf("preview answer: %s", m.Raw)
	}
	if m := pv.cmd("pb", exercises.CmdAnswer, answer(id, choose("salad"))); m.Type != "ack" {
		t.Fatalf("preview answers again: %s", m.Raw)
	}
	// A participant's token does not make a preview either.
	fac.cmd("unlock", rooms.CmdRoomUnlock, nil)
	for i, opt := range []string{"soup", "salad"} {
		j := ts.join(room.Room.Code, fmt.Sprint("P", i))
		c := ts.dial(t)
		c.hello(j.Room.ID, j.Token, nil)
		if m := c.cmd("a", exercises.CmdAnswer, answer(id, choose(opt))); m.Type != "ack" {
			t.Fatalf("answer: %s", m.Raw)
		}
		if i == 0 {
			if st, _, body := ts.do("POST", "/api/join", JoinRequest{Code: room.Room.Code, Name: "x", Preview: true}, &eb, "Authorization", "Bearer "+j.Token); st != http.StatusUnauthorized && st != http.StatusForbidden {
				t.Fatalf("preview with a participant's token: %d %s", st, body)
			}
		}
	}
	v := fac.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == 2 })
	if v.Results != nil {
		t.Fatalf("results below the threshold of 3 with two answers and the preview's: %+v", v)
	}
	// Nothing else is waiting: the count stays at the two people's.
	time.Sleep(100 * time.Millisecond)
	for _, m := range fac.drain() {
		if m.Type == "state" && strings.Contains(string(m.Raw), `"responses":3`) {
			t.Fatalf("the preview's answer was counted: %s", m.Raw)
		}
	}
}
