package server

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/coder/websocket"

	"huddle/exercises"
	"huddle/rooms"
)

// mrPrivate are the event types whose audience is one member, one author
// (privately) or the facilitators: they differ between members by design.
var mrPrivate = map[string]bool{
	exercises.EvRetroCard:        true,
	exercises.EvRetroDots:        true,
	exercises.EvRetroCardDeleted: true,
	exercises.EvHelpRequested:    true,
	exercises.EvHelpPaired:       true,
	exercises.EvExerciseNotes:    true,
	rooms.EvMemberRemoved:        true,
	rooms.EvMemberRenamed:        true,
}

// mrPublicLog is every event for everyone that c received after seq
// after, as the whole message, in order of arrival.
func mrPublicLog(c *client, after uint64) []string {
	var out []string
	for _, m := range c.all() {
		if m.Type == "event" && !mrPrivate[m.Ev] && m.Seq > after {
			out = append(out, string(m.Raw))
		}
	}
	return out
}

// A retrospective served by three nodes on one Redis, with participants
// spread over them, through write, reveal, group, vote and discuss: every
// card lands, dots placed at once from every node are tallied exactly (and
// hidden until the vote ends), and every participant receives the same
// events for everyone, with the same content in the same order, whichever
// node they are on.
func TestThreeNodesRetro(t *testing.T) {
	nodes, _ := startNodes(t, 3, nil)
	room := nodes[0].createRoom("Spread retro")
	fac := nodes[0].dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	r := &bdRunner{t: t}

	const n = 6
	var ps []*client
	var after uint64
	for i := range n {
		node := nodes[i%3]
		j := node.join(room.Room.Code, fmt.Sprint("P", i))
		c := node.dial(t)
		w := c.hello(j.Room.ID, j.Token, nil)
		after = max(after, w.Position.Seq)
		ps = append(ps, c)
	}
	fac.next(func(m msg) bool {
		var p rooms.PresenceMsg
		return m.Type == "presence" && json.Unmarshal(m.Raw, &p) == nil && p.Online == n
	})

	ex := bdAddOpen(r, fac, map[string]any{"kind": "retro", "title": "Across nodes"})
	phase := func(p string) {
		t.Helper()
		r.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": ex, "phase": p})
	}
	// burst sends each participant's commands at once, from every node,
	// and waits for every answer.
	burst := func(typ string, data func(i int) []map[string]any) {
		t.Helper()
		var wg sync.WaitGroup
		for i, c := range ps {
			wg.Go(func() {
				for k, d := range data(i) {
					b, _ := json.Marshal(map[string]any{"type": typ, "id": fmt.Sprint(typ, k), "data": d})
					_ = c.ws.Write(c.ctx, websocket.MessageText, b)
				}
			})
		}
		wg.Wait()
		for i, c := range ps {
			for k := range data(i) {
				id := fmt.Sprint(typ, k)
				if m := bdWait(c, "answer "+id, func(m msg) bool { return (m.Type == "ack" || m.Type == "error") && m.ID == id }); m.Type != "ack" {
					t.Fatalf("P%d %s answered %s", i, id, m.Raw)
				}
			}
		}
	}

	// Write: one card each, all at once.
	columns := []string{"start", "stop", "continue"}
	text := func(i int) string { return fmt.Sprintf("card of P%d", i) }
	burst(exercises.CmdRetroCardAdd, func(i int) []map[string]any {
		return []map[string]any{{"exercise": ex, "column": columns[i%3], "text": text(i)}}
	})
	for i, c := range ps {
		bdWait(c, "own card", func(m msg) bool {
			var ev bdCard
			return m.Ev == exercises.EvRetroCard && json.Unmarshal(m.Data, &ev) == nil && ev.Card.Text == text(i)
		})
		if got := bdCards(c); len(got) != 1 {
			t.Fatalf("P%d got %d retro.card events", i, len(got))
		}
		bdState(c, ex, "write counts", func(v exercises.RetroView) bool {
			return !v.Revealed && v.Written == 6 && v.Columns[0].Count == 0 && v.Columns[1].Count == 0 && v.Columns[2].Count == 0
		})
	}

	// Reveal.
	phase(exercises.PhaseReveal)
	ids := map[string]string{}
	for _, c := range ps {
		v, _ := bdState(c, ex, "revealed", func(v exercises.RetroView) bool { return v.Revealed && len(v.Cards) == n })
		for _, card := range v.Cards {
			ids[card.Text] = card.ID
		}
	}
	if len(ids) != n {
		t.Fatalf("cards differ between members: %v", ids)
	}
	card := func(i int) string { return ids[text(i)] }

	// Group: P1 (node 1) groups the start cards of P0 (node 0) and P3
	// (node 0).
	phase(exercises.PhaseGroup)
	g := bdField(t, r.ok(ps[1], exercises.CmdRetroGroup, map[string]any{"exercise": ex, "cards": []string{card(0), card(3)}}), "group")
	for _, c := range ps {
		bdState(c, ex, "grouped", func(v exercises.RetroView) bool { return len(v.Groups) == 1 && len(v.Items) == n-1 })
	}

	// Vote: every participant's dots at once.
	phase(exercises.PhaseVote)
	plan := [][]string{
		{g, g, card(1)},
		{g, card(2)},
		{card(1), card(1)},
		{card(4)},
		{g},
		{card(2), card(2), card(5)},
	}
	want := map[string]int64{g: 4, card(1): 3, card(2): 3, card(4): 1, card(5): 1}
	burst(exercises.CmdRetroDot, func(i int) []map[string]any {
		var out []map[string]any
		for _, item := range plan[i] {
			out = append(out, map[string]any{"exercise": ex, "item": item, "delta": 1})
		}
		return out
	})
	bdState(fac, ex, "all dots placed", func(v exercises.RetroView) bool { return v.DotsPlaced != nil && *v.DotsPlaced == 12 })
	for i, c := range ps {
		bdWait(c, "own allocation", func(m msg) bool {
			var d bdDots
			return m.Ev == exercises.EvRetroDots && json.Unmarshal(m.Data, &d) == nil && d.Left == 3-len(plan[i])
		})
		if got := len(bdEvents(c, exercises.EvRetroDots)); got != len(plan[i]) {
			t.Fatalf("P%d got %d retro.dots events for %d dots", i, got, len(plan[i]))
		}
	}

	// Discuss: exact totals, on every node.
	phase(exercises.PhaseDiscuss)
	for i, c := range ps {
		v, raw := bdState(c, ex, "totals", func(v exercises.RetroView) bool { return v.DotsShown })
		got := map[string]int64{}
		for k, it := range v.Items {
			if it.Dots == nil {
				t.Fatalf("P%d: item without a total: %s", i, raw)
			}
			if *it.Dots > 0 {
				got[it.ID] = *it.Dots
			}
			if k > 0 && *it.Dots > *v.Items[k-1].Dots {
				t.Fatalf("P%d: items not in vote order: %s", i, raw)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || v.Items[0].ID != g {
			t.Fatalf("P%d sees totals %v, want %v", i, got, want)
		}
		for _, s := range bdStates[exercises.RetroView](c, ex) {
			if s.Phase != exercises.PhaseDiscuss && slices.ContainsFunc(s.Items, func(it exercises.RetroItem) bool { return it.Dots != nil }) {
				t.Fatalf("P%d saw a tally in the %s phase", i, s.Phase)
			}
		}
	}
	r.ok(fac, exercises.CmdRetroFocus, map[string]any{"exercise": ex, "item": g})

	// A last event marks the end; then every participant's log of events
	// for everyone must match.
	r.ok(fac, rooms.CmdRoomUpdate, map[string]string{"title": "Done"})
	var logs [][]string
	for _, c := range ps {
		bdWait(c, "the end mark", func(m msg) bool {
			return m.Ev == rooms.EvRoomUpdated && containsTitle(m.Data, "Done")
		})
		logs = append(logs, mrPublicLog(c, after))
	}
	for i, l := range logs {
		if !slices.Equal(l, logs[0]) {
			t.Fatalf("P%d (node %d) saw\n%v\nP0 (node 0) saw\n%v", i, i%3, l, logs[0])
		}
	}
	// The exercise added (exercise.updated, agenda.updated), opened, moved
	// through four phases and focused (exercise.updated each), and the
	// end mark; cards, groups and dots are coalesced state, not events.
	var types []string
	for _, raw := range logs[0] {
		var m msg
		_ = json.Unmarshal([]byte(raw), &m)
		types = append(types, m.Ev)
	}
	wantTypes := []string{exercises.EvExerciseUpdated, exercises.EvAgendaUpdated}
	for range 6 {
		wantTypes = append(wantTypes, exercises.EvExerciseUpdated)
	}
	wantTypes = append(wantTypes, rooms.EvRoomUpdated)
	if !slices.Equal(types, wantTypes) {
		t.Fatalf("events for everyone: %v, want %v", types, wantTypes)
	}
	for _, l := range [][]string{eventLog(ps[0].all()), eventLog(ps[4].all())} {
		for k := 1; k < len(l); k++ {
			var a, b uint64
			fmt.Sscanf(l[k-1], "%d:", &a)
			fmt.Sscanf(l[k], "%d:", &b)
			if b <= a {
				t.Fatalf("events out of order: %v", l)
			}
		}
	}
}
