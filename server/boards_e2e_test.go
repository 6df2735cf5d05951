package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"huddle/exercises"
	"huddle/rooms"
)

// ---- Helpers for the board tests. They read each client's whole log
// (c.all()) rather than its channel, so a message that arrived while a
// command waited for its answer is never lost to a later wait. ----

// bdRunner sends commands with ids unique within a test.
type bdRunner struct {
	t *testing.T
	n int
}

func (r *bdRunner) do(c *client, typ string, data any) msg {
	r.t.Helper()
	r.n++
	return c.cmd(fmt.Sprint("bd", r.n), typ, data)
}

// ok sends a command that must be acknowledged and returns its result.
func (r *bdRunner) ok(c *client, typ string, data any) json.RawMessage {
	r.t.Helper()
	m := r.do(c, typ, data)
	if m.Type != "ack" {
		r.t.Fatalf("%s %v answered %s", typ, data, m.Raw)
	}
	var ack struct {
		Result json.RawMessage `json:"result"`
	}
	_ = json.Unmarshal(m.Raw, &ack)
	return ack.Result
}

// fails sends a command that must be refused with code.
func (r *bdRunner) fails(c *client, typ string, data any, code rooms.Code) {
	r.t.Helper()
	if m := r.do(c, typ, data); m.Type != "error" || m.Code != code {
		r.t.Fatalf("%s %v: want %s, got %s", typ, data, code, m.Raw)
	}
}

// bdField reads one string field of a command result.
func bdField(t *testing.T, res json.RawMessage, name string) string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal(res, &m); err != nil || m[name] == "" {
		t.Fatalf("result %s has no %s", res, name)
	}
	return m[name]
}

// bdAddOpen adds an exercise and opens it.
func bdAddOpen(r *bdRunner, fac *client, spec map[string]any) string {
	r.t.Helper()
	id := bdField(r.t, r.ok(fac, exercises.CmdAgendaAdd, map[string]any{"spec": spec}), "exercise")
	r.ok(fac, exercises.CmdOpen, map[string]any{"exercise": id})
	return id
}

// bdWait waits until c has received a message that matches and returns
// the first one.
func bdWait(c *client, what string, match func(msg) bool) msg {
	c.t.Helper()
	var got msg
	eventually(c.t, what, func() bool {
		for _, m := range c.all() {
			if match(m) {
				got = m
				return true
			}
		}
		return false
	})
	return got
}

// bdEvents lists the events of a type c has received, in order.
func bdEvents(c *client, typ string) []msg {
	var out []msg
	for _, m := range c.all() {
		if m.Type == "event" && m.Ev == typ {
			out = append(out, m)
		}
	}
	return out
}

// bdStates decodes every state of exercise id that c has received.
func bdStates[T any](c *client, id string) []T {
	var out []T
	for _, m := range c.all() {
		var s rooms.StateMsg
		if m.Type != "state" || json.Unmarshal(m.Raw, &s) != nil || s.Key != "ex:"+id {
			continue
		}
		var v T
		if json.Unmarshal(s.Data, &v) == nil {
			out = append(out, v)
		}
	}
	return out
}

// bdState waits until the latest state of exercise id that c holds
// satisfies pred, and returns it with its raw data.
func bdState[T any](c *client, id, what string, pred func(T) bool) (T, string) {
	c.t.Helper()
	var v T
	var raw string
	eventually(c.t, what, func() bool {
		ms := c.all()
		for i := len(ms) - 1; i >= 0; i-- {
			var s rooms.StateMsg
			if ms[i].Type != "state" || json.Unmarshal(ms[i].Raw, &s) != nil || s.Key != "ex:"+id {
				continue
			}
			var nv T
			if json.Unmarshal(s.Data, &nv) != nil {
				return false
			}
			v, raw = nv, string(s.Data)
			return pred(v)
		}
		return false
	})
	return v, raw
}

// bdNoneHolds fails when any message c received holds one of the strings.
func bdNoneHolds(t *testing.T, who string, c *client, forbidden ...string) {
	t.Helper()
	for _, m := range c.all() {
		for _, f := range forbidden {
			if strings.Contains(string(m.Raw), f) {
				t.Fatalf("%s received %q: %s", who, f, m.Raw)
			}
		}
	}
}

// bdSection decodes the exercises section of a welcome's snapshot.
func bdSection(t *testing.T, w rooms.Welcome, id string) exercises.ExerciseView {
	t.Helper()
	if w.Snapshot == nil {
		t.Fatal("the welcome has no snapshot")
	}
	var sec exercises.SnapshotSection
	if err := json.Unmarshal(w.Snapshot.Sections[exercises.SectionExercises], &sec); err != nil {
		t.Fatal(err)
	}
	for _, v := range sec.Exercises {
		if v.Exercise.ID == id {
			return v
		}
	}
	t.Fatalf("exercise %s is not in the snapshot", id)
	return exercises.ExerciseView{}
}

// bdCard is the data of retro.card.
type bdCard struct {
	Exercise string                  `json:"exercise"`
	Card     exercises.RetroCardView `json:"card"`
}

func bdCards(c *client) []bdCard {
	var out []bdCard
	for _, m := range bdEvents(c, exercises.EvRetroCard) {
		var ev bdCard
		_ = json.Unmarshal(m.Data, &ev)
		out = append(out, ev)
	}
	return out
}

// bdDots is the data of retro.dots.
type bdDots struct {
	Exercise string         `json:"exercise"`
	Dots     map[string]int `json:"dots"`
	Left     int            `json:"left"`
}

type bdPerson struct {
	name string
	j    JoinResponse
	c    *client
	w    rooms.Welcome
}

func bdJoin(t *testing.T, ts *testServer, code, name string) *bdPerson {
	t.Helper()
	j := ts.join(code, name)
	c := ts.dial(t)
	w := c.hello(j.Room.ID, j.Token, nil)
	return &bdPerson{name: name, j: j, c: c, w: w}
}

func bdColumnCounts(v exercises.RetroView) map[string]int {
	out := map[string]int{}
	for _, c := range v.Columns {
		out[c.ID] = c.Count
	}
	return out
}

// A retrospective through every phase over the protocol, with a
// facilitator and four participants in a room that does not show names.
// Writing: each author alone gets their card (retro.card), everyone else,
// the facilitator included, sees column counts and never a card's text; a
// phone that drops mid-write and resumes still has its own cards (by the
// replayed private events or its snapshot's "mine") and nobody else's.
// Reveal: everyone gets every card, with no author names. Group: a
// participant groups two cards. Vote: dots come back privately
// (retro.dots), no tally is shown while voting, and a dot over the limit
// is refused with no_dots_left. Discuss: items in vote order with exact
// totals; the facilitator's focus reaches everyone. Actions: an action
// with owner and due date, then marked done. Results are then shown.
func TestRetroEndToEnd(t *testing.T) {
	ts := startServer(t, nil)
	room := ts.createRoom("Sprint review")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	r := &bdRunner{t: t}
	ann := bdJoin(t, ts, room.Room.Code, "Annika")
	bob := bdJoin(t, ts, room.Room.Code, "Bertil")
	cy := bdJoin(t, ts, room.Room.Code, "Cyrus")
	dee := bdJoin(t, ts, room.Room.Code, "Dagny")
	people := []*bdPerson{ann, bob, cy, dee}
	names := []string{"Annika", "Bertil", "Cyrus", "Dagny"}

	ex := bdAddOpen(r, fac, map[string]any{"kind": "retro", "title": "Sprint 12"})
	for _, p := range people {
		bdWait(p.c, "the retro opens", func(m msg) bool {
			var e exercises.Exercise
			return m.Ev == exercises.EvExerciseUpdated && json.Unmarshal(m.Data, &e) == nil && e.ID == ex && e.Status == exercises.StatusOpen
		})
	}

	// ---- Write ----
	texts := map[*bdPerson][]string{}
	ids := map[string]string{} // text → card id, from the author's event
	write := func(p *bdPerson, column, text string) {
		t.Helper()
		if res := r.ok(p.c, exercises.CmdRetroCardAdd, map[string]any{"exercise": ex, "column": column, "text": text}); res != nil {
			t.Fatalf("retro.card.add answered with a result: %s", res)
		}
		m := bdWait(p.c, "the author's retro.card", func(m msg) bool {
			var ev bdCard
			return m.Ev == exercises.EvRetroCard && json.Unmarshal(m.Data, &ev) == nil && ev.Card.Text == text
		})
		var ev bdCard
		_ = json.Unmarshal(m.Data, &ev)
		if ev.Exercise != ex || ev.Card.Column != column || ev.Card.ID == "" || ev.Card.AuthorName != "" {
			t.Fatalf("retro.card: %s", m.Data)
		}
		texts[p] = append(texts[p], text)
		ids[text] = ev.Card.ID
	}
	write(ann, "start", "pair more often")
	write(ann, "stop", "no deploys on friday")
	write(bob, "stop", "reviews wait too long")
	write(cy, "continue", "keep the demos")
	write(dee, "start", "cake at every retro")

	// Dagny's phone drops; Bertil writes while it is away.
	deeFirst := dee.c
	dee.c.drop()
	write(bob, "stop", "flaky tests hurt")
	var all []string
	for _, p := range people {
		all = append(all, texts[p]...)
	}
	// While cards are hidden, only their total: no column's count.
	wantCounts := map[string]int{"start": 0, "stop": 0, "continue": 0}

	// Dagny resumes from where her first connection started: the replay
	// gives back her card, privately, and nobody else's.
	resumed := ts.dial(t)
	rw := resumed.hello(dee.j.Room.ID, dee.j.Token, &dee.w.Position)
	if !rw.Recovered || rw.Snapshot != nil {
		t.Fatalf("resume was not recovered from history: recovered=%v", rw.Recovered)
	}
	bdWait(resumed, "Dagny's card replayed", func(m msg) bool {
		return m.Ev == exercises.EvRetroCard && strings.Contains(string(m.Data), "cake at every retro")
	})
	dee.c = resumed
	// A second tab without a position gets a snapshot: "mine" holds her
	// card, the board only counts.
	tab := ts.dial(t)
	tw := tab.hello(dee.j.Room.ID, dee.j.Token, nil)
	sv := bdSection(t, tw, ex)
	var mine exercises.RetroMine
	if err := json.Unmarshal(sv.Mine, &mine); err != nil || len(mine.Cards) != 1 || mine.Cards[0].Text != "cake at every retro" || mine.Cards[0].ID != ids["cake at every retro"] {
		t.Fatalf("Dagny's snapshot mine: %s (%v)", sv.Mine, err)
	}
	var snapBoard exercises.RetroView
	_ = json.Unmarshal(sv.State, &snapBoard)
	if snapBoard.Revealed || len(snapBoard.Cards) != 0 || snapBoard.Written != 6 || !maps.Equal(bdColumnCounts(snapBoard), wantCounts) {
		t.Fatalf("Dagny's snapshot board: %s", sv.State)
	}
	tab.close()

	// Every other participant's and the facilitator's board counts all
	// six cards, by no column, and shows no text. (A resumed connection gets no
	// state until the next change: state is not replayed, protocol 4.5.)
	writeBoard := func(v exercises.RetroView) bool {
		return v.Phase == exercises.PhaseWrite && v.Written == 6 && maps.Equal(bdColumnCounts(v), wantCounts)
	}
	for _, c := range []*client{fac, ann.c, bob.c, cy.c} {
		v, raw := bdState(c, ex, "write-phase counts", writeBoard)
		if v.Revealed || len(v.Cards) != 0 || len(v.Items) != 0 || len(v.Groups) != 0 {
			t.Fatalf("write-phase board shows cards: %s", raw)
		}
	}
	// The author alone got each card: nobody received another's text, the
	// facilitator no text at all.
	bdNoneHolds(t, "the facilitator", fac, all...)
	for _, p := range people {
		var others []string
		for _, q := range people {
			if q != p {
				others = append(others, texts[q]...)
			}
		}
		bdNoneHolds(t, p.name, p.c, others...)
		var got []string
		for _, ev := range bdCards(p.c) {
			got = append(got, ev.Card.Text)
		}
		slices.Sort(got)
		got = slices.Compact(got)
		want := slices.Sorted(slices.Values(texts[p]))
		if !slices.Equal(got, want) {
			t.Fatalf("%s's retro.card events hold %q, want %q", p.name, got, want)
		}
	}
	bdNoneHolds(t, "Dagny's first connection", deeFirst, append(append(slices.Clone(texts[ann]), texts[bob]...), texts[cy]...)...)

	// ---- Reveal ----
	r.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": ex, "phase": exercises.PhaseReveal})
	for _, c := range []*client{fac, ann.c, bob.c, cy.c, dee.c} {
		v, raw := bdState(c, ex, "revealed board", func(v exercises.RetroView) bool {
			return v.Phase == exercises.PhaseReveal && len(v.Cards) == len(all)
		})
		var got []string
		for _, card := range v.Cards {
			got = append(got, card.Text)
			if card.AuthorName != "" || card.ID != ids[card.Text] {
				t.Fatalf("revealed card %+v", card)
			}
		}
		if !v.Revealed || !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(all))) {
			t.Fatalf("revealed board: %s", raw)
		}
		for _, n := range names {
			if strings.Contains(raw, n) {
				t.Fatalf("the board names %s in a room without names: %s", n, raw)
			}
		}
	}

	// ---- Group ----
	r.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": ex, "phase": exercises.PhaseGroup})
	g := bdField(t, r.ok(cy.c, exercises.CmdRetroGroup, map[string]any{"exercise": ex,
		"cards": []string{ids["pair more often"], ids["cake at every retro"]}, "title": "Team habits"}), "group")
	for _, c := range []*client{fac, ann.c, bob.c, cy.c, dee.c} {
		bdState(c, ex, "grouped board", func(v exercises.RetroView) bool {
			return v.Phase == exercises.PhaseGroup && len(v.Groups) == 1 && v.Groups[0].ID == g && v.Groups[0].Title == "Team habits" &&
				len(v.Groups[0].Cards) == 2 && len(v.Items) == len(all)-1
		})
	}

	// ---- Vote ----
	r.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": ex, "phase": exercises.PhaseVote})
	late, demos := ids["reviews wait too long"], ids["keep the demos"]
	dot := func(p *bdPerson, item string) {
		t.Helper()
		if res := r.ok(p.c, exercises.CmdRetroDot, map[string]any{"exercise": ex, "item": item, "delta": 1}); res != nil {
			t.Fatalf("retro.dot answered with a result: %s", res)
		}
	}
	dot(ann, g)
	dot(ann, g)
	dot(ann, late)
	r.fails(ann.c, exercises.CmdRetroDot, map[string]any{"exercise": ex, "item": demos, "delta": 1}, exercises.CodeNoDotsLeft)
	dot(bob, demos)
	dot(bob, g)
	dot(cy, late)
	dot(cy, late)
	r.fails(cy.c, exercises.CmdRetroDot, map[string]any{"exercise": ex, "item": late, "delta": 1}, exercises.CodeNoDotsLeft)
	dot(dee, g)
	placed := map[*bdPerson]map[string]int{
		ann: {g: 2, late: 1}, bob: {demos: 1, g: 1}, cy: {late: 2}, dee: {g: 1},
	}
	// Each voter's allocation comes back privately, one event per dot.
	for _, p := range people {
		want := placed[p]
		spent := 0
		for _, n := range want {
			spent += n
		}
		m := bdWait(p.c, p.name+"'s last retro.dots", func(m msg) bool {
			var d bdDots
			return m.Ev == exercises.EvRetroDots && json.Unmarshal(m.Data, &d) == nil && maps.Equal(d.Dots, want) && d.Left == 3-spent
		})
		var d bdDots
		_ = json.Unmarshal(m.Data, &d)
		if d.Exercise != ex {
			t.Fatalf("retro.dots: %s", m.Data)
		}
		if n := len(bdEvents(p.c, exercises.EvRetroDots)); n != spent {
			t.Fatalf("%s got %d retro.dots events for %d dots of their own", p.name, n, spent)
		}
	}
	if n := len(bdEvents(fac, exercises.EvRetroDots)); n != 0 {
		t.Fatalf("the facilitator got %d retro.dots events", n)
	}
	// The facilitator sees progress, nobody sees a tally.
	fv, _ := bdState(fac, ex, "dots placed", func(v exercises.RetroView) bool {
		return v.Phase == exercises.PhaseVote && v.DotsPlaced != nil && *v.DotsPlaced == 8
	})
	if fv.DotsShown {
		t.Fatalf("dots shown during the vote: %+v", fv)
	}
	for _, p := range people {
		bdState(p.c, ex, "vote-phase board", func(v exercises.RetroView) bool { return v.Phase == exercises.PhaseVote })
	}
	// Every board anyone received during the vote hides the tallies.
	for who, c := range map[string]*client{"facilitator": fac, "Annika": ann.c, "Bertil": bob.c, "Cyrus": cy.c, "Dagny": dee.c} {
		for _, v := range bdStates[exercises.RetroView](c, ex) {
			if v.Phase != exercises.PhaseVote {
				continue
			}
			if v.DotsShown || (who != "facilitator" && v.DotsPlaced != nil) {
				t.Fatalf("%s's vote-phase board shows dots: %+v", who, v)
			}
			for _, it := range v.Items {
				if it.Dots != nil {
					t.Fatalf("%s's vote-phase board shows a tally: %+v", who, v.Items)
				}
			}
		}
	}

	// ---- Discuss ----
	r.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": ex, "phase": exercises.PhaseDiscuss})
	wantTotals := map[string]int64{g: 4, late: 3, demos: 1, ids["no deploys on friday"]: 0, ids["flaky tests hurt"]: 0}
	for _, c := range []*client{fac, ann.c, bob.c, cy.c, dee.c} {
		v, raw := bdState(c, ex, "discussion board", func(v exercises.RetroView) bool {
			return v.Phase == exercises.PhaseDiscuss && v.DotsShown
		})
		if len(v.Items) != len(wantTotals) || v.DotsPlaced != nil {
			t.Fatalf("discussion board: %s", raw)
		}
		for i, it := range v.Items {
			if it.Dots == nil || *it.Dots != wantTotals[it.ID] {
				t.Fatalf("item %s has %v dots, want %d: %s", it.ID, it.Dots, wantTotals[it.ID], raw)
			}
			if i > 0 && *it.Dots > *v.Items[i-1].Dots {
				t.Fatalf("items not in vote order: %s", raw)
			}
		}
		if v.Items[0].ID != g || v.Items[0].Kind != exercises.ItemGroup || v.Items[1].ID != late || v.Items[2].ID != demos {
			t.Fatalf("vote order: %+v", v.Items)
		}
	}
	r.ok(fac, exercises.CmdRetroFocus, map[string]any{"exercise": ex, "item": g})
	for _, c := range []*client{ann.c, bob.c, cy.c, dee.c} {
		bdWait(c, "the focus", func(m msg) bool {
			var e exercises.Exercise
			return m.Ev == exercises.EvExerciseUpdated && json.Unmarshal(m.Data, &e) == nil && e.ID == ex && e.Focus == g && e.Phase == exercises.PhaseDiscuss
		})
		bdState(c, ex, "focused board", func(v exercises.RetroView) bool { return v.Focus == g })
	}

	// ---- Actions ----
	r.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": ex, "phase": exercises.PhaseActions})
	act := bdField(t, r.ok(bob.c, exercises.CmdRetroActionAdd, map[string]any{"exercise": ex,
		"text": "Pair twice a week", "owner": "Bertil", "due": "2030-03-01", "item": g}), "action")
	for _, c := range []*client{fac, ann.c} {
		bdState(c, ex, "the action", func(v exercises.RetroView) bool {
			return v.Phase == exercises.PhaseActions && len(v.Actions) == 1 && v.Actions[0].ID == act && !v.Actions[0].Done
		})
	}
	r.ok(ann.c, exercises.CmdRetroActionEdit, map[string]any{"exercise": ex, "action": act, "done": true})
	for _, c := range []*client{fac, ann.c, bob.c, cy.c, dee.c} {
		v, raw := bdState(c, ex, "the action done", func(v exercises.RetroView) bool {
			return len(v.Actions) == 1 && v.Actions[0].Done
		})
		a := v.Actions[0]
		if a.ID != act || a.Text != "Pair twice a week" || a.Owner != "Bertil" || a.Due != "2030-03-01" || a.Item != g {
			t.Fatalf("action: %s", raw)
		}
	}

	// ---- Results ----
	r.ok(fac, exercises.CmdShow, map[string]any{"exercise": ex})
	for _, c := range []*client{fac, ann.c, bob.c, cy.c, dee.c} {
		v, raw := bdState(c, ex, "results", func(v exercises.RetroView) bool { return v.Status == exercises.StatusResults })
		if !v.Revealed || !v.DotsShown || len(v.Cards) != len(all) || len(v.Actions) != 1 || !v.Actions[0].Done ||
			v.Items[0].ID != g || *v.Items[0].Dots != 4 {
			t.Fatalf("results board: %s", raw)
		}
	}
}

// bdPaired is the data of help.paired.
type bdPaired struct {
	Exercise      string `json:"exercise"`
	Request       string `json:"request"`
	Offer         string `json:"offer"`
	RequesterName string `json:"requesterName"`
	HelperID      string `json:"helperId"`
	HelperName    string `json:"helperName"`
}

// A "Can you help me?" board over the protocol. An anonymous request: the
// requester alone learns its id (help.requested); two colleagues offer;
// the requester accepts one, and the chosen helper alone learns who asked
// (help.paired with the requester's name) while the other offerer never
// receives anything naming the requester; the pair record a next step;
// the request is resolved. The facilitator's board counts open, matched
// and resolved requests right at every step.
func TestHelpBoardEndToEnd(t *testing.T) {
	ts := startServer(t, nil)
	room := ts.createRoom("Help desk")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	r := &bdRunner{t: t}
	asker := bdJoin(t, ts, room.Room.Code, "Ingrid Asker")
	olaf := bdJoin(t, ts, room.Room.Code, "Olaf Helper")
	pia := bdJoin(t, ts, room.Room.Code, "Pia Helper")
	quinn := bdJoin(t, ts, room.Room.Code, "Quinn Named")
	everyone := []*client{fac, asker.c, olaf.c, pia.c, quinn.c}

	ex := bdAddOpen(r, fac, map[string]any{"kind": "help", "title": "Can you help me?"})
	counts := func(want exercises.HelpCounts) exercises.HelpView {
		t.Helper()
		v, _ := bdState(fac, ex, fmt.Sprintf("counts %+v", want), func(v exercises.HelpView) bool { return v.Counts == want })
		return v
	}

	// An anonymous request.
	if res := r.ok(asker.c, exercises.CmdHelpRequest, map[string]any{"exercise": ex, "title": "Stuck on generics",
		"detail": "Type sets confuse me", "tags": []string{"Go"}, "anonymous": true}); res != nil {
		t.Fatalf("help.request answered with a result: %s", res)
	}
	m := bdWait(asker.c, "help.requested", func(m msg) bool { return m.Ev == exercises.EvHelpRequested })
	var req struct {
		Exercise string                    `json:"exercise"`
		Request  exercises.HelpRequestView `json:"request"`
	}
	_ = json.Unmarshal(m.Data, &req)
	rid := req.Request.ID
	if req.Exercise != ex || rid == "" || !req.Request.Anonymous || req.Request.AuthorName != "" || req.Request.Title != "Stuck on generics" {
		t.Fatalf("help.requested: %s", m.Data)
	}
	v := counts(exercises.HelpCounts{Open: 1})
	if len(v.Requests) != 1 || v.Requests[0].ID != rid || !v.Requests[0].Anonymous || v.Requests[0].AuthorName != "" {
		t.Fatalf("board: %+v", v)
	}
	// A named request stays open throughout.
	r.ok(quinn.c, exercises.CmdHelpRequest, map[string]any{"exercise": ex, "title": "Review my slides"})
	counts(exercises.HelpCounts{Open: 2})

	// Two colleagues offer.
	offerOlaf := bdField(t, r.ok(olaf.c, exercises.CmdHelpOffer, map[string]any{"exercise": ex, "request": rid, "message": "I love generics"}), "offer")
	offerPia := bdField(t, r.ok(pia.c, exercises.CmdHelpOffer, map[string]any{"exercise": ex, "request": rid, "message": "Happy to pair"}), "offer")
	for _, c := range everyone {
		bdState(c, ex, "two offers", func(v exercises.HelpView) bool {
			for _, rq := range v.Requests {
				if rq.ID == rid {
					return len(rq.Offers) == 2 && rq.Status == exercises.HelpOpen
				}
			}
			return false
		})
	}
	counts(exercises.HelpCounts{Open: 2})

	// The requester accepts Olaf's offer.
	r.ok(asker.c, exercises.CmdHelpAccept, map[string]any{"exercise": ex, "request": rid, "offer": offerOlaf})
	m = bdWait(olaf.c, "help.paired for the helper", func(m msg) bool { return m.Ev == exercises.EvHelpPaired })
	var toHelper bdPaired
	_ = json.Unmarshal(m.Data, &toHelper)
	// An anonymous request: the helper is not told who asked.
	if toHelper != (bdPaired{Exercise: ex, Request: rid, Offer: offerOlaf}) {
		t.Fatalf("the helper's help.paired: %s", m.Data)
	}
	m = bdWait(asker.c, "help.paired for the requester", func(m msg) bool { return m.Ev == exercises.EvHelpPaired })
	var toAsker bdPaired
	_ = json.Unmarshal(m.Data, &toAsker)
	if toAsker != (bdPaired{Exercise: ex, Request: rid, Offer: offerOlaf, HelperID: olaf.j.Member.ID, HelperName: "Olaf Helper"}) {
		t.Fatalf("the requester's help.paired: %s", m.Data)
	}
	v = counts(exercises.HelpCounts{Open: 1, Matched: 1})
	for _, rq := range v.Requests {
		if rq.ID != rid {
			continue
		}
		if rq.Status != exercises.HelpMatched || len(rq.Offers) != 2 || rq.Offers[0].ID != offerOlaf || !rq.Offers[0].Accepted ||
			rq.Offers[1].ID != offerPia || rq.Offers[1].Accepted || rq.Offers[0].HelperName != "Olaf Helper" {
			t.Fatalf("matched request: %+v", rq)
		}
	}

	// The pair record a next step.
	r.ok(olaf.c, exercises.CmdHelpStep, map[string]any{"exercise": ex, "request": rid, "offer": offerOlaf, "text": "Pair on Tuesday at 10"})
	for _, c := range everyone {
		bdState(c, ex, "the next step", func(v exercises.HelpView) bool {
			for _, rq := range v.Requests {
				for _, o := range rq.Offers {
					if o.ID == offerOlaf {
						return o.Step == "Pair on Tuesday at 10"
					}
				}
			}
			return false
		})
	}
	counts(exercises.HelpCounts{Open: 1, Matched: 1})

	// Resolved.
	r.ok(asker.c, exercises.CmdHelpResolve, map[string]any{"exercise": ex, "request": rid})
	for _, c := range everyone {
		v, raw := bdState(c, ex, "resolved", func(v exercises.HelpView) bool { return v.Counts == exercises.HelpCounts{Open: 1, Resolved: 1} })
		if v.Requests[1].ID != rid || v.Requests[1].Status != exercises.HelpResolved || v.Requests[0].AuthorName != "Quinn Named" {
			t.Fatalf("resolved board: %s", raw)
		}
	}

	// Pia offered too but was not chosen: nothing she received names the
	// requester, and she got no help.paired. Neither did the bystander.
	for _, p := range []*bdPerson{pia, quinn} {
		if n := len(bdEvents(p.c, exercises.EvHelpPaired)); n != 0 {
			t.Fatalf("%s got %d help.paired events", p.name, n)
		}
		bdNoneHolds(t, p.name, p.c, "Ingrid")
	}
	for _, p := range []*bdPerson{olaf, pia} {
		if n := len(bdEvents(p.c, exercises.EvHelpRequested)); n != 0 {
			t.Fatalf("%s got help.requested", p.name)
		}
	}
	if n := len(bdEvents(fac, exercises.EvHelpPaired)) + len(bdEvents(fac, exercises.EvHelpRequested)); n != 0 {
		t.Fatalf("the facilitator got %d private help events", n)
	}
	// No board anyone received names the anonymous requester.
	for _, c := range everyone {
		for _, s := range bdStates[json.RawMessage](c, ex) {
			if strings.Contains(string(s), "Ingrid") {
				t.Fatalf("a board names the anonymous requester: %s", s)
			}
		}
	}
}

// A kudos wall over the protocol, in a room that shows names: a
// participant finds a colleague's member id in presence and sends them a
// named kudo, another sends an anonymous kudo to the team, and the
// facilitator hides the named one. Participants' walls (live and in a
// late snapshot) no longer include it; the facilitator's marks it hidden.
func TestKudosWallEndToEnd(t *testing.T) {
	ts := startServer(t, nil)
	var room CreateRoomResponse
	if st := ts.post("/api/rooms", map[string]any{"title": "Thanks", "showNames": true}, &room); st != http.StatusCreated || !room.Room.ShowNames {
		t.Fatalf("create room: %d %+v", st, room.Room)
	}
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	r := &bdRunner{t: t}
	ann := bdJoin(t, ts, room.Room.Code, "Ann Giver")
	bo := bdJoin(t, ts, room.Room.Code, "Bo Receiver")
	cy := bdJoin(t, ts, room.Room.Code, "Cy Quiet")
	people := []*bdPerson{ann, bo, cy}

	// Ann learns Bo's id from presence.
	m := bdWait(ann.c, "Bo in presence", func(m msg) bool {
		var p rooms.PresenceMsg
		if m.Type != "presence" || json.Unmarshal(m.Raw, &p) != nil {
			return false
		}
		return slices.ContainsFunc(p.Members, func(v rooms.MemberView) bool { return v.Name == "Bo Receiver" })
	})
	var pres rooms.PresenceMsg
	_ = json.Unmarshal(m.Raw, &pres)
	boID := pres.Members[slices.IndexFunc(pres.Members, func(v rooms.MemberView) bool { return v.Name == "Bo Receiver" })].ID
	if boID != bo.j.Member.ID {
		t.Fatalf("presence gives Bo the id %s, join gave %s", boID, bo.j.Member.ID)
	}

	ex := bdAddOpen(r, fac, map[string]any{"kind": "kudos", "title": "Thank you"})
	if res := r.ok(ann.c, exercises.CmdKudosSend, map[string]any{"exercise": ex, "to": boID, "message": "Thanks for the review"}); res != nil {
		t.Fatalf("kudos.send answered with a result: %s", res)
	}
	r.ok(cy.c, exercises.CmdKudosSend, map[string]any{"exercise": ex, "to": exercises.KudosTeam, "message": "Great sprint, all", "anonymous": true})

	var named string
	for _, p := range people {
		v, raw := bdState(p.c, ex, "two kudos", func(v exercises.KudosView) bool { return v.Count == 2 && len(v.Kudos) == 2 })
		// In the order of their ids, not of their sending.
		anon, nk := v.Kudos[0], v.Kudos[1]
		if v.Kudos[0].ID > v.Kudos[1].ID {
			t.Fatalf("the wall is not in the order of its ids: %s", raw)
		}
		if nk.Anonymous {
			anon, nk = nk, anon
		}
		if nk.Message != "Thanks for the review" || nk.FromName != "Ann Giver" || nk.To != boID || nk.ToName != "Bo Receiver" || nk.Anonymous || nk.Hidden {
			t.Fatalf("named kudo: %s", raw)
		}
		if anon.Message != "Great sprint, all" || anon.FromName != "" || anon.To != exercises.KudosTeam || !anon.Anonymous {
			t.Fatalf("anonymous kudo: %s", raw)
		}
		if strings.Contains(raw, "Cy Quiet") {
			t.Fatalf("the wall names the anonymous sender: %s", raw)
		}
		named = nk.ID
	}

	r.ok(fac, exercises.CmdKudosHide, map[string]any{"exercise": ex, "kudo": named, "hidden": true})
	for _, p := range people {
		v, raw := bdState(p.c, ex, "the kudo hidden", func(v exercises.KudosView) bool { return v.Count == 1 })
		if len(v.Kudos) != 1 || v.Kudos[0].ID == named || strings.Contains(raw, "Thanks for the review") {
			t.Fatalf("%s's wall after hiding: %s", p.name, raw)
		}
	}
	fv, raw := bdState(fac, ex, "the facilitator's wall", func(v exercises.KudosView) bool {
		return v.Count == 2 && len(v.Kudos) == 2 && (v.Kudos[0].Hidden || v.Kudos[1].Hidden)
	})
	for _, k := range fv.Kudos {
		if k.Hidden != (k.ID == named) {
			t.Fatalf("facilitator's wall: %s", raw)
		}
	}
	// A late participant's snapshot leaves it out too.
	late := bdJoin(t, ts, room.Room.Code, "Late Comer")
	var sv exercises.KudosView
	view := bdSection(t, late.w, ex)
	if err := json.Unmarshal(view.State, &sv); err != nil || sv.Count != 1 || strings.Contains(string(view.State), "Thanks for the review") {
		t.Fatalf("late snapshot: %s (%v)", view.State, err)
	}
}
