package exercises

import (
	"encoding/json"
	"strings"
	"testing"

	"huddle/rooms"
)

// Two participants who both joined as Sam put their names on retro
// cards, and both cards read "— Sam" on every screen: a card's view had
// its author's name and nothing to tell two Sams apart by. A named card
// now carries its author's member id (authorId) beside the name, as a
// named help request does, and every screen numbers the two as it
// numbers everyone ("Sam #4821"). An anonymous card carries no id,
// whatever names the room showed when it was written, edited or seen:
// not in the author's private event, the event everyone gets once cards
// are revealed, the board (the facilitator's or the participants'), a
// snapshot's board or "mine", nor the export. On both stores.
func TestRetroNamedCardsCarryTheirAuthorsID(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		sam1, sam2 := b.join("Sam"), b.join("Sam")
		ex := b.exercise(retroSpecMap())
		names := func(on bool) {
			t.Helper()
			b.ok(b.fac, rooms.CmdRoomUpdate, map[string]any{"showNames": on})
		}
		add := func(m *rooms.Member, column, text string, named bool) string {
			t.Helper()
			b.ok(m, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": column, "text": text, "named": named})
			return b.lastCard(m)
		}
		edit := func(m *rooms.Member, card, text string) {
			t.Helper()
			b.ok(m, CmdRetroCardEdit, map[string]any{"exercise": ex, "card": card, "text": text})
		}

		// Names hidden: a card written under a name is anonymous all the
		// same (the room showed none when it arrived).
		quiet := add(sam1, "start", "Quiet", true)
		names(true)
		demos := add(sam1, "start", "Demos", true)
		add(sam2, "stop", "Long meetings", true)
		hushed := add(sam2, "stop", "Hushed", false)
		// Revealed: edits and new cards reach everyone at once.
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseReveal})
		names(false)
		edit(sam1, demos, "Demo days")
		edit(sam1, quiet, "Quiet, edited")
		add(sam2, "continue", "After", true)
		names(true)
		edit(sam2, hushed, "Hushed, edited")

		// Each card's author id as it must be seen, "" for none.
		want := map[string]string{
			"Quiet": "", "Quiet, edited": "", "Hushed": "", "Hushed, edited": "", "After": "",
			"Demos": sam1.ID, "Demo days": sam1.ID, "Long meetings": sam2.ID,
		}
		check := func(where string, raw json.RawMessage) {
			t.Helper()
			var c RetroCardView
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatalf("%s: %v: %s", where, err, raw)
			}
			id, ok := want[c.Text]
			switch {
			case !ok:
				t.Errorf("%s: unexpected card %s", where, raw)
			case id == "" && (c.AuthorName != "" || strings.Contains(string(raw), "authorId") ||
				strings.Contains(string(raw), sam1.ID) || strings.Contains(string(raw), sam2.ID)):
				t.Errorf("%s: the anonymous card %q names its author: %s", where, c.Text, raw)
			case id != "" && (c.AuthorID != id || c.AuthorName != "Sam"):
				t.Errorf("%s: the named card %q carries %q, %q; want %q, Sam", where, c.Text, c.AuthorID, c.AuthorName, id)
			}
		}
		board := func(where string, state json.RawMessage) {
			t.Helper()
			var v struct {
				Cards []json.RawMessage `json:"cards"`
			}
			if err := json.Unmarshal(state, &v); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			if len(v.Cards) != 5 {
				t.Fatalf("%s: %d cards, want 5: %s", where, len(v.Cards), state)
			}
			for _, c := range v.Cards {
				check(where, c)
			}
		}

		seen := map[string]int{}
		for _, ev := range b.events(nil) {
			if ev.Type != EvRetroCard && ev.Type != EvRetroCardShown {
				continue
			}
			var e struct {
				Card json.RawMessage `json:"card"`
			}
			if err := json.Unmarshal(ev.Data, &e); err != nil {
				t.Fatal(err)
			}
			check(ev.Type, e.Card)
			seen[ev.Type]++
		}
		// Every add and edit told its author; the three after the reveal
		// told everyone too.
		if seen[EvRetroCard] != 8 || seen[EvRetroCardShown] != 4 {
			t.Fatalf("events checked: %v", seen)
		}

		sv := b.rawState(ex)
		board("the board", sv.Participant)
		board("the facilitator's board", sv.Facilitator)
		for _, m := range []*rooms.Member{sam1, sam2, b.fac} {
			v := b.snapshot(m)[ex]
			board(m.Name+"'s snapshot", v.State)
			if m == b.fac {
				continue
			}
			var mine struct {
				Cards []json.RawMessage `json:"cards"`
			}
			if err := json.Unmarshal(v.Mine, &mine); err != nil || len(mine.Cards) == 0 {
				t.Fatalf("mine: %v %s", err, v.Mine)
			}
			for _, c := range mine.Cards {
				check(m.Name+"'s mine", c)
			}
		}

		// The export (and a kept session, which is one) tells the two
		// apart by number, without their ids.
		_, res := exportNow(t, b)
		js, _ := res.JSON()
		if strings.Contains(string(js), sam1.ID) || strings.Contains(string(js), sam2.ID) || strings.Contains(string(js), "authorId") {
			t.Fatalf("the export holds a member id: %s", js)
		}
	})
}

// A view carries the author's id only beside their name: a card named
// before cards kept the id has none, and no stored card without a name
// gives one, whatever it holds.
func TestRetroCardViewIDOnlyWithTheName(t *testing.T) {
	if v := (RetroCard{ID: "c1", AuthorName: "Sam"}).View(); v.AuthorName != "Sam" || v.AuthorID != "" {
		t.Errorf("a card named before the id was kept: %+v", v)
	}
	if v := (RetroCard{ID: "c2", AuthorID: "m1", AuthorName: "Sam"}).View(); v.AuthorID != "m1" {
		t.Errorf("a named card: %+v", v)
	}
	v := (RetroCard{ID: "c3", Author: "key", AuthorID: "m1"}).View()
	if raw, _ := json.Marshal(v); v.AuthorID != "" || strings.Contains(string(raw), "m1") {
		t.Errorf("an anonymous card: %s", raw)
	}
}
