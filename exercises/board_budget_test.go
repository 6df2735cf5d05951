package exercises

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"huddle/rooms"
	"huddle/rooms/memory"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// eachBudget is eachStore with a board budget of budget bytes.
func eachBudget(t *testing.T, budget int, fn func(t *testing.T, b *tbEnv)) {
	lim := LimitsFrom(rooms.DefaultLimits())
	lim.MaxBoard = budget
	t.Run("memory", func(t *testing.T) {
		st := memory.New(memory.Options{})
		t.Cleanup(func() { st.Close() })
		b := newTbEnvLimits(t, st, false, lim)
		b.store = st
		fn(t, b)
	})
	t.Run("redis", func(t *testing.T) {
		st, err := redisstore.New(redisstore.Options{URL: redistest.Start(t), Prefix: "board"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		fn(t, newTbEnvLimits(t, st, false, lim))
	})
}

// full runs a command that must be refused as over the board's budget:
// board_full (a code of its own, which a client tells from a field's bad
// value), about field, saying the board is full in people's words (no
// size: bytes mean nothing to a participant).
func (b *tbEnv) full(m *rooms.Member, typ string, data any, field string) {
	b.t.Helper()
	o := b.run(m, typ, data)
	var e struct {
		Code    rooms.Code `json:"code"`
		Field   string     `json:"field"`
		Message string     `json:"message"`
	}
	_ = json.Unmarshal(o.Reply, &e)
	if e.Code != rooms.CodeBoardFull || e.Field != field || !strings.Contains(e.Message, " full: ") || strings.ContainsAny(e.Message, "0123456789") || strings.Contains(e.Message, "byte") {
		b.t.Fatalf("%s %v: want board_full (%s) saying the board is full, got %s", typ, data, field, o.Reply)
	}
}

// boardBytes reads what exercise ex's board counts.
func (b *tbEnv) boardBytes(ex string) int64 {
	b.t.Helper()
	n, err := b.st.Counters(b.ctx, b.room, boardBytesKey(ex))
	if err != nil {
		b.t.Fatal(err)
	}
	return n[0]
}

// A board's text counts as encoding/json writes it, which is how it is
// stored and sent: "<" is six bytes there, "é" two, a line break two.
// Each board's refusal is board_full, gives the next step that fits it,
// as the phone shows it, and starts as docs/protocol.md quotes it.
func TestBoardFullSaysTheNextStep(t *testing.T) {
	for _, c := range []struct {
		kind       Kind
		start, has string
	}{
		{KindRetro, "the board is full: ", "the facilitator can make room by deleting cards, or you can shorten what you wrote"},
		{KindKudos, "the wall is full: ", "no more kudos can be added"},
		{KindHelp, "the board is full: ", "ask the facilitator"},
		{KindText, "the answers are full: ", "ask the facilitator"},
	} {
		e := boardFull(c.kind, "text")
		if e.Code != rooms.CodeBoardFull || e.Field != "text" || !strings.HasPrefix(e.Message, c.start) || !strings.Contains(e.Message, c.has) {
			t.Errorf("%s: got %+v, want board_full about text, %q…%q", c.kind, e, c.start, c.has)
		}
		if strings.HasSuffix(e.Message, ".") || strings.ContainsAny(e.Message, "0123456789") {
			t.Errorf("%s: %q: the web app ends it with a full stop, and a size means nothing to a participant", c.kind, e.Message)
		}
	}
}

func TestTextBytesIsWhatJSONWrites(t *testing.T) {
	samples := []string{"", "plain", "<script>&</script>", "a \"quote\" and a \\", "two\nlines\r\tand a tab",
		"\x00\x01\x1f\x7f", "café, naïve, 日本語, 🎉", "\u2028\u2029", "bad \xff\xfe utf-8 \xc3", "\b\f"}
	for r := rune(0); r < 0x3100; r++ {
		samples = append(samples, string(r)+"x")
	}
	for _, s := range samples {
		j, _ := json.Marshal(s)
		if got, want := textBytes(s), int64(len(j)-2); got != want {
			t.Errorf("textBytes(%q) = %d, json writes %d bytes", s, got, want)
		}
	}
	if got := textBytes(strings.Repeat("<", 500)); got != 3000 {
		t.Errorf("500 < count %d bytes, want 3000", got)
	}
}

// A retrospective filled to its budget refuses the next card, a longer
// text, a new group and an action item with the board's words, keeping
// everything it holds; deleting or shortening makes room again. The
// count stays exact through every change, on both stores.
func TestRetroBoardBudget(t *testing.T) {
	eachBudget(t, 1700, func(t *testing.T, b *tbEnv) {
		ann := b.join("Ann")
		ex := b.exercise(retroSpecMap())
		card := func(text string) map[string]any {
			return map[string]any{"exercise": ex, "column": "start", "text": text}
		}
		counts := func(want int64) {
			t.Helper()
			if n := b.boardBytes(ex); n != want {
				t.Fatalf("the board counts %d bytes, want %d", n, want)
			}
		}
		// Anonymous cards of 400 letters count 100 + 400; one of 100 "<"
		// counts 100 + 600, as the board sends it (\u003c).
		long := strings.Repeat("x", 400)
		b.ok(ann, CmdRetroCardAdd, card(long))
		first := b.lastCard(ann)
		b.ok(ann, CmdRetroCardAdd, card(long))
		second := b.lastCard(ann)
		b.ok(ann, CmdRetroCardAdd, card(strings.Repeat("<", 100)))
		counts(1700)

		// Full: a card of one letter is refused, from anyone, and so is a
		// card edited one letter longer, which keeps its text.
		b.full(ann, CmdRetroCardAdd, card("y"), "text")
		b.full(b.fac, CmdRetroCardAdd, card("from the facilitator"), "text")
		b.full(ann, CmdRetroCardEdit, map[string]any{"exercise": ex, "card": first, "text": long + "y"}, "text")
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseReveal})
		texts := func() map[string]string {
			_, pv := b.retro(ex)
			out := map[string]string{}
			for _, c := range pv.Cards {
				out[c.ID] = c.Text
			}
			return out
		}
		if got := texts(); len(got) != 3 || got[first] != long || got[second] != long {
			t.Fatalf("cards after the refusals: %v", got)
		}
		counts(1700)

		// A letter taken off one card is room for a letter more on
		// another; moving a card to another column costs nothing.
		b.ok(ann, CmdRetroCardEdit, map[string]any{"exercise": ex, "card": first, "text": long[1:], "column": "stop"})
		counts(1699)
		b.ok(ann, CmdRetroCardEdit, map[string]any{"exercise": ex, "card": second, "text": long + "y"})
		counts(1700)
		b.ok(ann, CmdRetroCardEdit, map[string]any{"exercise": ex, "card": second, "text": long + "y", "column": "continue"})
		counts(1700)

		// A new group's title (its first card's, shortened to 80
		// characters: 79 and "…", 82 bytes) does not fit.
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
		b.full(ann, CmdRetroGroup, map[string]any{"exercise": ex, "cards": []string{first}}, "title")
		if _, pv := b.retro(ex); len(pv.Groups) != 0 {
			t.Fatalf("a refused group was made: %+v", pv.Groups)
		}
		// Deleting a card makes room for it.
		b.ok(ann, CmdRetroCardDelete, map[string]any{"exercise": ex, "card": second})
		counts(1700 - 501)
		var g struct {
			Group string `json:"group"`
		}
		_ = json.Unmarshal(b.ok(ann, CmdRetroGroup, map[string]any{"exercise": ex, "cards": []string{first}, "title": "Ideas"}), &g)
		counts(1199 + 105)
		b.ok(ann, CmdRetroGroupRename, map[string]any{"exercise": ex, "group": g.Group, "title": "Ideas to try"})
		counts(1304 + 7)
		b.full(ann, CmdRetroGroupRename, map[string]any{"exercise": ex, "group": g.Group, "title": strings.Repeat("&", 80)}, "title")
		b.ok(ann, CmdRetroCardAdd, card("y"))
		counts(1311 + 101)
		// The group emptied by its card's leaving goes, and so does what
		// its title counted.
		b.ok(ann, CmdRetroUngroup, map[string]any{"exercise": ex, "card": first})
		counts(1412 - 112)

		// Action items: 301 letters do not fit, 296 do; an owner or a
		// text that grows one past the budget is refused and the item
		// keeps what it had; deleting it gives its bytes back.
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseDiscuss})
		b.full(ann, CmdRetroActionAdd, map[string]any{"exercise": ex, "text": strings.Repeat("a", 301)}, "text")
		var a struct {
			Action string `json:"action"`
		}
		_ = json.Unmarshal(b.ok(ann, CmdRetroActionAdd, map[string]any{"exercise": ex, "text": strings.Repeat("a", 296)}), &a)
		counts(1300 + 396)
		b.ok(ann, CmdRetroActionEdit, map[string]any{"exercise": ex, "action": a.Action, "owner": "Bob"})
		counts(1699)
		b.full(ann, CmdRetroActionEdit, map[string]any{"exercise": ex, "action": a.Action, "owner": "Bobby"}, "owner")
		b.full(ann, CmdRetroActionEdit, map[string]any{"exercise": ex, "action": a.Action, "text": strings.Repeat("a", 298), "done": true}, "text")
		if _, pv := b.retro(ex); len(pv.Actions) != 1 || pv.Actions[0].Owner != "Bob" || len(pv.Actions[0].Text) != 296 || pv.Actions[0].Done {
			t.Fatalf("actions after the refusals: %+v", pv.Actions)
		}
		b.ok(ann, CmdRetroActionDelete, map[string]any{"exercise": ex, "action": a.Action})
		counts(1300)
	})
}

// A help board filled to its budget refuses a request, an offer and a
// longer next step, with every request and offer kept; a withdrawn
// request gives back what it and its offers counted.
func TestHelpBoardBudget(t *testing.T) {
	eachBudget(t, 1000, func(t *testing.T, b *tbEnv) {
		ann, bob, cy, dan := b.join("Ann"), b.join("Bob"), b.join("Cy"), b.join("Dan")
		ex := b.exercise(map[string]any{"kind": "help", "title": "Can you help me?"})
		counts := func(want int64) {
			t.Helper()
			if n := b.boardBytes(ex); n != want {
				t.Fatalf("the board counts %d bytes, want %d", n, want)
			}
		}
		// An anonymous request: 100, its title, detail and tags. A named
		// one counts its author's name too.
		b.ok(ann, CmdHelpRequest, map[string]any{"exercise": ex, "title": "Help", "detail": strings.Repeat("d", 200), "tags": []string{"go"}, "anonymous": true})
		first := b.lastRequest(ann)
		b.ok(cy, CmdHelpRequest, map[string]any{"exercise": ex, "title": "Review", "anonymous": false})
		second := b.lastRequest(cy)
		counts(306 + 108)
		// An offer counts its helper's name.
		var o struct {
			Offer string `json:"offer"`
		}
		_ = json.Unmarshal(b.ok(bob, CmdHelpOffer, map[string]any{"exercise": ex, "request": first, "message": strings.Repeat("m", 300)}), &o)
		counts(414 + 403)
		b.full(bob, CmdHelpOffer, map[string]any{"exercise": ex, "request": second, "message": strings.Repeat("m", 81)}, "message")
		b.ok(bob, CmdHelpOffer, map[string]any{"exercise": ex, "request": second, "message": strings.Repeat("m", 80)})
		counts(1000)
		b.full(dan, CmdHelpRequest, map[string]any{"exercise": ex, "title": "x", "anonymous": true}, "detail")

		// The next step: one letter does not fit, and the offer keeps
		// having none.
		b.ok(ann, CmdHelpAccept, map[string]any{"exercise": ex, "request": first, "offer": o.Offer})
		b.full(bob, CmdHelpStep, map[string]any{"exercise": ex, "request": first, "offer": o.Offer, "text": "s"}, "text")
		_, pv := b.help(ex)
		if len(pv.Requests) != 2 || len(findRequest(pv, first).Offers) != 1 || findRequest(pv, first).Offers[0].Step != "" || len(findRequest(pv, second).Offers) != 1 {
			t.Fatalf("the board after the refusals: %+v", pv.Requests)
		}
		counts(1000)

		// Cy's request goes with Bob's offer on it: 108 and 183.
		b.ok(cy, CmdHelpWithdraw, map[string]any{"exercise": ex, "request": second})
		counts(1000 - 108 - 183)
		b.ok(bob, CmdHelpStep, map[string]any{"exercise": ex, "request": first, "offer": o.Offer, "text": strings.Repeat("s", 40)})
		counts(709 + 40)
		b.ok(dan, CmdHelpRequest, map[string]any{"exercise": ex, "title": "x", "anonymous": true})
		counts(749 + 101)
		// A shorter step gives room back.
		b.ok(ann, CmdHelpStep, map[string]any{"exercise": ex, "request": first, "offer": o.Offer, "text": "s"})
		counts(850 - 39)
	})
}

// A kudos wall filled to its budget refuses the next kudo, hidden kudos
// counting still (the facilitator sees them).
func TestKudosWallBudget(t *testing.T) {
	eachBudget(t, 600, func(t *testing.T, b *tbEnv) {
		ann, bob := b.join("Ann"), b.join("Bob")
		wall := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
		// A named kudo counts both names; an anonymous one its
		// recipient's only ("team": none).
		b.ok(ann, CmdKudosSend, map[string]any{"exercise": wall, "to": bob.ID, "message": strings.Repeat("k", 200)})
		b.ok(bob, CmdKudosSend, map[string]any{"exercise": wall, "to": KudosTeam, "message": strings.Repeat("k", 194), "anonymous": true})
		if n := b.boardBytes(wall); n != 306+294 {
			t.Fatalf("the wall counts %d bytes, want 600", n)
		}
		b.full(bob, CmdKudosSend, map[string]any{"exercise": wall, "to": ann.ID, "message": "!"}, "message")
		fv, _ := b.kudos(wall)
		b.ok(b.fac, CmdKudosHide, map[string]any{"exercise": wall, "kudo": fv.Kudos[0].ID, "hidden": true})
		b.full(b.fac, CmdKudosSend, map[string]any{"exercise": wall, "to": ann.ID, "message": "!"}, "message")
		if fv, _ := b.kudos(wall); fv.Count != 2 {
			t.Fatalf("%d kudos on the wall, want 2", fv.Count)
		}
	})
}

// Open-text answers fill their budget as a board does: the next answer
// is refused, a longer changed answer too (the answer stays as it was),
// a shorter one makes room.
func TestTextAnswersBudget(t *testing.T) {
	eachBudget(t, 400, func(t *testing.T, b *tbEnv) {
		ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
		ex := b.exercise(map[string]any{"kind": "text", "title": "Ideas", "allowChange": true})
		answer := func(text string) map[string]any {
			return map[string]any{"exercise": ex, "ballot": map[string]any{"text": text}}
		}
		b.ok(ann, CmdAnswer, answer(strings.Repeat("a", 150)))
		b.ok(bob, CmdAnswer, answer(strings.Repeat("b", 50)))
		b.full(cy, CmdAnswer, answer("c"), "ballot.text")
		b.full(ann, CmdAnswer, answer(strings.Repeat("a", 151)), "ballot.text")
		var mine Ballot
		if err := json.Unmarshal(b.snapshot(ann)[ex].Mine, &mine); err != nil || mine.Text != strings.Repeat("a", 150) {
			t.Fatalf("Ann's answer after the refused change: %q, %v", mine.Text, err)
		}
		b.ok(ann, CmdAnswer, answer(strings.Repeat("a", 48)))
		b.ok(cy, CmdAnswer, answer("c"))
		if n := b.boardBytes(ex); n != 399 {
			t.Fatalf("the answers count %d bytes, want 399", n)
		}
		b.ok(b.fac, CmdClose, map[string]any{"exercise": ex})
		var fv, pv VoteView
		b.state(ex, &fv, &pv)
		var got []int
		for _, a := range fv.Results.Texts {
			got = append(got, len(a.Text))
		}
		if len(got) != 3 || got[0]+got[1]+got[2] != 48+50+1 {
			t.Fatalf("answers %v, want 48, 50 and 1 characters", got)
		}
	})
}

// A room whose board was written before the budget counts from its first
// change after it: the board may pass the budget by what it held then,
// never by more, and works on.
func TestBoardBudgetOfARoomFromBefore(t *testing.T) {
	eachBudget(t, 1000, func(t *testing.T, b *tbEnv) {
		ann := b.join("Ann")
		ex := b.exercise(retroSpecMap())
		card := map[string]any{"exercise": ex, "column": "start", "text": strings.Repeat("x", 400)}
		b.ok(ann, CmdRetroCardAdd, card)
		old := []string{b.lastCard(ann)}
		b.ok(ann, CmdRetroCardAdd, card)
		old = append(old, b.lastCard(ann))
		// As before the budget: the board holds 1000 bytes and counts none.
		if _, err := b.st.Apply(b.ctx, b.room, rooms.Change{CounterDrops: []string{boardBytesKey(ex)}}); err != nil {
			t.Fatal(err)
		}
		b.ok(ann, CmdRetroCardAdd, card)
		for _, id := range old {
			b.ok(ann, CmdRetroCardDelete, map[string]any{"exercise": ex, "card": id})
		}
		for range 3 {
			b.ok(ann, CmdRetroCardAdd, card)
		}
		b.full(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "y"}, "text")
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseReveal})
		if _, pv := b.retro(ex); len(pv.Cards) != 4 {
			t.Fatalf("%d cards, want 4: the budget and what the board held before it", len(pv.Cards))
		}
	})
}

// Cards sent at once by many phones never take a board past its budget
// together, on either store: the count and its maximum are one atomic
// step with the card.
func TestBoardBudgetHoldsUnderConcurrentWrites(t *testing.T) {
	eachBudget(t, 1000, func(t *testing.T, b *tbEnv) {
		ex := b.exercise(retroSpecMap())
		people := make([]*rooms.Member, 12)
		for i := range people {
			people[i] = b.join(fmt.Sprint("P", i))
		}
		data, _ := json.Marshal(map[string]any{"exercise": ex, "column": "start", "text": strings.Repeat("x", 100)})
		codes := make([]rooms.Code, len(people))
		var wg sync.WaitGroup
		for i, m := range people {
			wg.Go(func() {
				codes[i] = b.svc.Execute(b.ctx, b.room, m, rooms.Command{ID: "at-once", Type: CmdRetroCardAdd, Data: data}).Code
			})
		}
		wg.Wait()
		taken := 0
		for _, c := range codes {
			switch c {
			case "":
				taken++
			case rooms.CodeBoardFull:
			default:
				t.Fatalf("answers %v", codes)
			}
		}
		if n := b.boardBytes(ex); taken != 5 || n != 1000 {
			t.Fatalf("%d cards taken, %d bytes counted; want 5 and 1000", taken, n)
		}
	})
}

// Whatever is written, a full board's state stays near its budget: the
// texts count as sent (six bytes for a "<"), the names and tags items
// carry count, and each item counts for its ids and fields, so many
// short offers do not make a big board either.
func TestBoardStateStaysNearItsBudget(t *testing.T) {
	const budget = 16 << 10
	for _, tc := range []struct {
		name, letter string
		size, names  int
	}{
		{"long texts of <", "<", 500, 40},
		{"one letter each", "m", 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := LimitsFrom(rooms.DefaultLimits())
			lim.MaxBoard = budget
			st := memory.New(memory.Options{})
			t.Cleanup(func() { st.Close() })
			b := newTbEnvLimits(t, st, true, lim)
			ex := b.exercise(map[string]any{"kind": "help", "title": "Can you help me?"})
			people := make([]*rooms.Member, 51)
			for i := range people {
				n := fmt.Sprint(i)
				people[i] = b.join(strings.Repeat(tc.letter, max(0, tc.names-utf8.RuneCountInString(n))) + n)
			}
			text := strings.Repeat(tc.letter, tc.size)
			title, tag := text[:min(len(text), 80)], text[:min(len(text), MaxTagLen)]
			full := false
			for r := 0; !full; r++ {
				o := b.run(people[r%len(people)], CmdHelpRequest, map[string]any{"exercise": ex, "title": title, "detail": text, "tags": []string{tag}})
				if o.Code != "" {
					break
				}
				req := b.lastRequestOf(people[r%len(people)], false)
				for _, m := range people {
					if m == people[r%len(people)] {
						continue
					}
					if o := b.run(m, CmdHelpOffer, map[string]any{"exercise": ex, "request": req, "message": text}); o.Code != "" {
						full = !strings.Contains(string(o.Reply), "at most")
						if full {
							break
						}
					}
				}
			}
			v := b.rawState(ex)
			if n := len(v.Participant); n > budget*5/4 {
				t.Fatalf("a full board's state is %d bytes, for a budget of %d", n, budget)
			} else {
				t.Logf("a full board's state is %d bytes, for a budget of %d (%d counted)", n, budget, b.boardBytes(ex))
			}
		})
	}
}
