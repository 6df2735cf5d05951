package exercises

import (
	"encoding/json"
	"strings"
	"testing"

	"huddle/rooms"
)

// A retro card keeps the anonymity its writer was shown: it carries its
// author's name only when the room shows names when it is added AND its
// command says the writer was told so (retro.card.add's "named"). The
// QA case: a card typed under "Anonymous" (or queued offline) arrives
// after the facilitator turned names on, and must not be posted named.
// On both stores, every place a card is seen: the author's private
// event and "mine", the board everyone sees, the facilitator's, and the
// stored document.
func TestRetroCardKeepsTheAnonymityItsWriterSaw(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		finn := b.join("Finn")
		ex := b.exercise(retroSpecMap())
		names := func(on bool) {
			t.Helper()
			b.ok(b.fac, rooms.CmdRoomUpdate, map[string]any{"showNames": on})
		}
		add := func(text string, named any) {
			t.Helper()
			data := map[string]any{"exercise": ex, "column": "start", "text": text}
			if named != nil {
				data["named"] = named
			}
			b.ok(finn, CmdRetroCardAdd, data)
		}
		// Names hidden; the writer is shown "Anonymous", and the room
		// shows names before the card arrives.
		names(false)
		names(true)
		add("Our lead ignores my ideas", false)
		// Names shown, the client says nothing (an older client, a
		// third-party one): anonymous, the safe default.
		add("No field at all", nil)
		// Names shown and the writer told so: named.
		add("Demo days", true)
		// Written under the name, names turned off before it arrived:
		// never named.
		names(false)
		add("Named but hidden now", true)

		want := map[string]string{"Our lead ignores my ideas": "", "No field at all": "", "Demo days": "Finn", "Named but hidden now": ""}
		check := func(where string, cards []RetroCardView) {
			t.Helper()
			if len(cards) != len(want) {
				t.Fatalf("%s: %d cards, want %d: %+v", where, len(cards), len(want), cards)
			}
			for _, c := range cards {
				if w, ok := want[c.Text]; !ok || c.AuthorName != w {
					t.Errorf("%s: %q carries the name %q, want %q", where, c.Text, c.AuthorName, w)
				}
			}
		}
		check("mine", b.retroMine(finn, ex).Cards)
		var private []RetroCardView
		for _, ev := range b.events(finn) {
			if ev.Type != EvRetroCard {
				continue
			}
			var c cardEvent
			if err := json.Unmarshal(ev.Data, &c); err != nil {
				t.Fatal(err)
			}
			private = append(private, c.Card)
			// Only the named card is sent to the member; an anonymous
			// one to the private key, which no name is tied to.
			if toMember := ev.To.Member == finn.ID; toMember != (c.Card.AuthorName != "") {
				t.Errorf("%q: sent to the member %v, named %q", c.Card.Text, toMember, c.Card.AuthorName)
			}
		}
		check("the private events", private)
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseReveal})
		fv, pv := b.retro(ex)
		check("the board", pv.Cards)
		check("the facilitator's board", fv.Cards)
		st, err := b.st.Load(b.ctx, b.room)
		if err != nil {
			t.Fatal(err)
		}
		named := 0
		for k, d := range st.Docs {
			if strings.HasPrefix(k, cardPrefix(ex)) && strings.Contains(string(d.Value), "Finn") {
				named++
			}
		}
		if named != 1 {
			t.Errorf("%d stored cards hold the name, want 1 (Demo days)", named)
		}
	})
}

// An edit never attaches a name: the card keeps the anonymity it was
// added with, whatever the room shows when it is edited and whatever the
// edit says; a named card keeps its name through an edit.
func TestRetroCardEditAttachesNoName(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		finn := b.join("Finn")
		ex := b.exercise(retroSpecMap())
		b.ok(finn, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "Quiet card", "named": false})
		quiet := b.lastCard(finn)
		b.ok(b.fac, rooms.CmdRoomUpdate, map[string]any{"showNames": true})
		b.ok(finn, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "stop", "text": "Loud card", "named": true})
		loud := b.lastCard(finn)
		b.ok(finn, CmdRetroCardEdit, map[string]any{"exercise": ex, "card": quiet, "text": "Quiet card, edited", "column": "stop", "named": true})
		b.ok(finn, CmdRetroCardEdit, map[string]any{"exercise": ex, "card": loud, "text": "Loud card, edited"})
		got := map[string]string{}
		for _, c := range b.retroMine(finn, ex).Cards {
			got[c.Text] = c.AuthorName
		}
		if want := map[string]string{"Quiet card, edited": "", "Loud card, edited": "Finn"}; len(got) != 2 || got["Quiet card, edited"] != "" || got["Loud card, edited"] != "Finn" {
			t.Fatalf("after the edits: %v, want %v", got, want)
		}
	})
}

// "named" is a boolean: anything else is refused with a typed error, and
// no card is added.
func TestRetroCardNamedMustBeABoolean(t *testing.T) {
	b := newTbEnv(t, true)
	finn := b.join("Finn")
	ex := b.exercise(retroSpecMap())
	b.fails(finn, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "Hi", "named": "yes"}, rooms.CodeBadMessage)
	if n := len(b.retroMine(finn, ex).Cards); n != 0 {
		t.Fatalf("%d cards added", n)
	}
}
