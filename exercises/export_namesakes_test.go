package exercises

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"huddle/rooms"
)

// Two participants who both joined as Ann were both "Ann" on every
// card, request, next step and kudo of the export, which carries no ids:
// the reader could not tell whether one person or two wrote, asked,
// helped and thanked. Every export numbers the holders of a shared name
// by the order it first names them ("Ann (1)", "Ann (2)"), the same number for one person across
// the exercises and in every format, without their ids. A name nobody
// else holds, "anonymous" and "an unnamed participant" stay as they are.
// On both stores: the export reads the room as the store loads it.
func TestExportNumbersNamesakes(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		b.ok(b.fac, rooms.CmdRoomUpdate, map[string]any{"showNames": true})
		// Ann the second joins first: the numbers follow the export's
		// order, not the join order.
		ann2, ann1, bob := b.join("Ann"), b.join("Ann"), b.join("Bob")
		nobody, nobody2 := b.join(""), b.join("")

		retro := b.exercise(retroSpecMap())
		card := func(m *rooms.Member, column, text string, named bool) {
			b.ok(m, CmdRetroCardAdd, map[string]any{"exercise": retro, "column": column, "text": text, "named": named})
		}
		card(ann1, "start", "Demos", true)
		card(ann2, "stop", "Long meetings", true)
		card(ann1, "stop", "Quiet Fridays", false)
		card(ann2, "continue", "Pairing", true)
		card(bob, "continue", "Retros", true)
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": retro, "phase": PhaseReveal})

		help := b.exercise(map[string]any{"kind": "help", "title": "Can you help me?"})
		b.ok(ann2, CmdHelpRequest, map[string]any{"exercise": help, "title": "Review my CV"})
		req := b.lastRequest(ann2)
		var off struct{ Offer string }
		_ = json.Unmarshal(b.ok(ann1, CmdHelpOffer, map[string]any{"exercise": help, "request": req, "message": "Happy to"}), &off)
		b.ok(ann2, CmdHelpAccept, map[string]any{"exercise": help, "request": req, "offer": off.Offer})
		b.ok(bob, CmdHelpRequest, map[string]any{"exercise": help, "title": "Secret ask", "anonymous": true})

		wall := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
		kudo := func(from, to *rooms.Member, msg string, anonymous bool) {
			b.ok(from, CmdKudosSend, map[string]any{"exercise": wall, "to": to.ID, "message": msg, "anonymous": anonymous})
		}
		kudo(bob, ann2, "For the CV tips", false)
		kudo(ann1, ann2, "For the demo", false)
		kudo(ann2, ann1, "Secretly grateful", true)
		kudo(nobody, bob, "From someone", false)
		kudo(nobody2, bob, "From someone else", false)

		_, res := exportNow(t, b)

		// Ann (ann1) is named first, on the first column's card.
		var authors []string
		for _, c := range res.Exercises[0].Retro.Columns {
			for _, cd := range c.Cards {
				authors = append(authors, cd.Text+"|"+cd.Author)
			}
		}
		slices.Sort(authors) // a column's cards are in no particular order
		if want := []string{"Demos|Ann (1)", "Long meetings|Ann (2)", "Pairing|Ann (2)", "Quiet Fridays|", "Retros|Bob"}; !slices.Equal(authors, want) {
			t.Errorf("cards %q, want %q", authors, want)
		}
		var asks []string
		for _, q := range res.Exercises[1].Help.Requests {
			ask := q.Title + "|" + q.Requester
			for _, s := range q.NextSteps {
				ask += "|" + s.Helper
			}
			asks = append(asks, ask)
		}
		slices.Sort(asks)
		if want := []string{"Review my CV|Ann (2)|Ann (1)", "Secret ask|"}; !slices.Equal(asks, want) {
			t.Errorf("requests %q, want %q", asks, want)
		}
		var kudos []string
		for _, k := range res.Exercises[2].Kudos.Kudos {
			kudos = append(kudos, k.Message+"|"+k.To+"|"+k.From)
		}
		slices.Sort(kudos) // a wall's kudos are in no order of their sending
		if want := []string{
			"For the CV tips|Ann (2)|Bob", "For the demo|Ann (2)|Ann (1)", "From someone else|Bob|",
			"From someone|Bob|", "Secretly grateful|Ann (1)|",
		}; !slices.Equal(kudos, want) {
			t.Errorf("kudos %q, want %q", kudos, want)
		}

		js, _ := res.JSON()
		mdb, _ := res.Markdown()
		cs, _ := res.CSV()
		for format, out := range map[string]string{"json": string(js), "md": string(mdb), "csv": string(cs)} {
			for _, m := range []*rooms.Member{ann1, ann2, bob, nobody, nobody2} {
				if strings.Contains(out, m.ID) {
					t.Errorf("the %s export holds %q's member id %s", format, m.Name, m.ID)
				}
			}
		}
		md := string(mdb)
		for _, want := range []string{
			"- Demos (by **Ann (1)**)\n",
			"- Long meetings (by **Ann (2)**)\n",
			"- Quiet Fridays\n",
			"- Retros (by **Bob**)\n",
			"- **Review my CV** (matched; asked by **Ann (2)**; 1 offer)\n",
			"  - Next step with **Ann (1)**: no step agreed yet\n",
			"- **Secret ask** (open; anonymous; 0 offers)\n",
			"- To Ann (2) (from **Ann (1)**): For the demo\n",
			"- To Ann (1) (anonymous): Secretly grateful\n",
			"- To Bob (from an unnamed participant): From someone\n",
		} {
			if !strings.Contains(md, want) {
				t.Errorf("markdown lacks %q:\n%s", want, md)
			}
		}
		var rows []string
		for _, row := range csvRows(t, res)[1:] {
			switch row[3] {
			case "card", "request", "next step", "kudos":
				rows = append(rows, row[3]+"|"+row[4]+"|"+row[5]+"|"+row[6]+"|"+row[8])
			}
		}
		for _, want := range []string{
			"card|Start||Demos|Ann (1)",
			"card|Continue||Pairing|Ann (2)",
			"request|Review my CV|matched|offers: 1|Ann (2)",
			"next step|Review my CV||no step agreed yet|Ann (1)",
			"kudos|Ann (2)|Ann (1)|For the demo|Ann (1)",
			"kudos|Ann (1)||Secretly grateful|",
		} {
			if !slices.Contains(rows, want) {
				t.Errorf("csv lacks %q: %q", want, rows)
			}
		}
	})
}

// Each person keeps their number however often the export names them;
// a name whose id the room did not keep counts as one person of that
// name; and a name that reads as another's number ("Ann (2)", typed as a
// name beside two Anns) is numbered too, so that no two people read
// alike. One person of a name is never numbered.
func TestNamesakesNumbering(t *testing.T) {
	type named struct{ name, who string }
	number := func(in ...named) []string {
		var ns namesakes
		out := make([]string, len(in))
		for i, n := range in {
			out[i] = n.name
			ns.add(&out[i], n.who)
		}
		ns.number()
		return out
	}
	for _, c := range []struct {
		in   []named
		want []string
	}{
		{[]named{{"Ann", "a"}, {"Bob", "b"}, {"Ann", "a"}}, []string{"Ann", "Bob", "Ann"}},
		{[]named{{"Ann", "a"}, {"ANN", "c"}, {"Ann", "a"}, {"A nn", "c"}}, []string{"Ann (1)", "ANN (2)", "Ann (1)", "A nn (2)"}},
		// Without ids: one person per name.
		{[]named{{"Ann", ""}, {"Ann", ""}, {"Ann", "a"}}, []string{"Ann (1)", "Ann (1)", "Ann (2)"}},
		{[]named{{"Ann (2)", "x"}, {"Ann", "a"}, {"Ann", "b"}}, []string{"Ann (2) (1)", "Ann (1)", "Ann (2)"}},
		{[]named{{"", "a"}, {"", "b"}}, []string{"", ""}},
	} {
		if got := number(c.in...); !slices.Equal(got, c.want) {
			t.Errorf("%v numbered %q, want %q", c.in, got, c.want)
		}
	}
}
