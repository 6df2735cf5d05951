package exercises

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"huddle/rooms"
)

// A vote run with "anonymous": false shows its facilitator who answered
// what (byMember), but its export held only counts: a trainer following
// up, or comparing sessions, had no record of what the console showed.
// Each export of a named vote holds it, by name (two of one name
// numbered as everywhere in the export, an unnamed participant as such),
// in name order, never in the order people answered; what the
// facilitator hid is left out and counted; below the threshold too, as
// the console shows it. The kept session carries the same, and the
// comparison of two sessions says nothing of it. On both stores: the
// export reads the room as the store loads it.
func TestExportNamedVotesSayWhoAnsweredWhat(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		// Zed answers first everywhere: the export lists him last.
		zed, annA, annB, nobody := b.join("Zed"), b.join("Ann"), b.join("Ann"), b.join("")
		people := []*rooms.Member{zed, annA, annB, nobody}
		answer := func(m *rooms.Member, ex string, ballot map[string]any) {
			t.Helper()
			b.ok(m, CmdAnswer, map[string]any{"exercise": ex, "ballot": ballot})
		}
		choose := func(q string, o ...string) map[string]any { return map[string]any{q: map[string]any{"choices": o}} }
		rate := func(q string, v int) map[string]any { return map[string]any{q: map[string]any{"value": v}} }
		answers := func(qs ...map[string]any) map[string]any {
			all := map[string]any{}
			for _, q := range qs {
				for k, v := range q {
					all[k] = v
				}
			}
			return map[string]any{"answers": all}
		}
		named := false

		poll := b.exercise(map[string]any{"kind": "poll", "title": "Lunch", "anonymous": named, "questions": []any{map[string]any{
			"kind": "choice", "multi": true, "options": []any{map[string]any{"id": "s", "label": "Soup"}, map[string]any{"id": "p", "label": "Pasta"}}}}})
		answer(zed, poll, answers(choose("q1", "s", "p")))
		answer(annA, poll, answers(choose("q1", "s")))
		answer(annB, poll, answers(choose("q1", "p")))
		answer(nobody, poll, answers(choose("q1", "p")))
		b.ok(b.fac, CmdShow, map[string]any{"exercise": poll})

		survey := b.exercise(map[string]any{"kind": "survey", "title": "Pulse", "anonymous": named, "questions": []any{
			map[string]any{"id": "week", "kind": "scale", "prompt": "How was the week?", "minLabel": "awful", "maxLabel": "great"},
			map[string]any{"id": "stay", "kind": "choice", "options": []any{map[string]any{"id": "y", "label": "Yes"}, map[string]any{"id": "n", "label": "No"}}},
		}})
		answer(zed, survey, answers(rate("week", 5), choose("stay", "n")))
		answer(annA, survey, answers(rate("week", 1)))
		answer(annB, survey, answers(rate("week", 3), choose("stay", "y")))

		words := b.exercise(map[string]any{"kind": "words", "title": "Check-in", "anonymous": named})
		answer(zed, words, map[string]any{"words": []string{"Tired", "calm"}})
		answer(annA, words, map[string]any{"words": []string{"curious"}})
		answer(annB, words, map[string]any{"words": []string{"tired"}})
		b.ok(b.fac, CmdHideAnswer, map[string]any{"exercise": words, "answer": "tired", "hidden": true})

		text := b.exercise(map[string]any{"kind": "text", "title": "Anything else?", "anonymous": named})
		answer(zed, text, map[string]any{"text": "More pairing"})
		answer(annA, text, map[string]any{"text": "An unkind remark"})
		answer(annB, text, map[string]any{"text": "Fewer meetings"})
		var tf, tp VoteView
		b.state(text, &tf, &tp)
		for _, a := range tf.Results.Texts {
			if a.Text == "An unkind remark" {
				b.ok(b.fac, CmdHideAnswer, map[string]any{"exercise": text, "answer": a.ID, "hidden": true})
			}
		}

		// Below its threshold: the console shows who answered what all the
		// same, with no results.
		few := b.exercise(map[string]any{"kind": "scale", "title": "Pace", "anonymous": named, "minResponses": 3,
			"questions": []any{map[string]any{"kind": "scale"}}})
		answer(zed, few, answers(rate("q1", 4)))

		_, res := exportNow(t, b)

		// Who each Ann is in the export: the one who chose Soup.
		var soupAnn, pastaAnn string
		for _, pa := range res.Exercises[0].Vote.ByPerson {
			if strings.HasPrefix(pa.Name, "Ann (") && len(pa.Answers) == 1 {
				switch pa.Answers[0].Label {
				case "Soup":
					soupAnn = pa.Name
				case "Pasta":
					pastaAnn = pa.Name
				}
			}
		}
		if soupAnn == "" || pastaAnn == "" || soupAnn == pastaAnn {
			t.Fatalf("the two Anns are %q and %q: %+v", soupAnn, pastaAnn, res.Exercises[0].Vote.ByPerson)
		}
		// A person's ballot in one line of words: name, then each answer.
		said := func(x ExerciseResult) []string {
			var out []string
			for _, pa := range x.Vote.ByPerson {
				s := pa.Name
				for _, a := range pa.Answers {
					s += fmt.Sprintf("|%s=%s", a.ID, a.Label)
				}
				for _, w := range pa.Words {
					s += "|" + w
				}
				if pa.Text != "" {
					s += "|" + pa.Text
				}
				if pa.HiddenWords > 0 || pa.TextHidden {
					s += fmt.Sprintf("|hidden %d %v", pa.HiddenWords, pa.TextHidden)
				}
				out = append(out, s)
			}
			return out
		}
		// In name order (an unnamed participant's "" first, two of a name
		// by their member ids, which are random), never in answering order.
		anns := func(soup, pasta string) []string {
			if soupAnn < pastaAnn {
				return []string{soupAnn + soup, pastaAnn + pasta}
			}
			return []string{pastaAnn + pasta, soupAnn + soup}
		}
		want := [][]string{
			append(append([]string{"|q1=Pasta"}, anns("|q1=Soup", "|q1=Pasta")...), "Zed|q1=Soup, Pasta"),
			append(anns("|week=1 (awful)", "|week=3|stay=Yes"), "Zed|week=5 (great)|stay=No"),
			append(anns("|curious", "|hidden 1 false"), "Zed|calm|hidden 1 false"),
			append(anns("|hidden 0 true", "|Fewer meetings"), "Zed|More pairing"),
			{"Zed|q1=4"},
		}
		check := func(what string, res *RoomResults) {
			t.Helper()
			for i, w := range want {
				x := res.Exercises[i]
				if x.Anonymous {
					t.Fatalf("%s: %s exports as anonymous", what, x.Title)
				}
				if got := said(x); !slices.Equal(got, w) {
					t.Errorf("%s: %s's who answered what %q, want %q", what, x.Title, got, w)
				}
			}
			if v := res.Exercises[4].Vote; !v.Hidden || v.HiddenReason != HiddenTooFew {
				t.Errorf("%s: the vote below its threshold shows results: %+v", what, v)
			}
			if p := res.Exercises[1].Vote.ByPerson; p[0].Answers[0].Value == nil || *p[0].Answers[0].Value != 1 && *p[0].Answers[0].Value != 3 {
				t.Errorf("%s: a scale answer without its value: %+v", what, p)
			}

			// The CSV: a row per answer, the person in its own cell.
			var rows []string
			for _, row := range csvRows(t, res)[1:] {
				if row[3] == "answer" {
					rows = append(rows, row[0]+"|"+row[4]+"|"+row[5]+"|"+row[6]+"|"+row[8])
				}
			}
			for _, w := range []string{
				"1|Lunch||Soup|Zed", "1|Lunch||Pasta|Zed", "1|Lunch||Pasta|an unnamed participant", "1|Lunch||Soup|" + soupAnn,
				"2|How was the week?|5|5 (great)|Zed", "2|Question 2||No|Zed", "2|How was the week?|1|1 (awful)|" + soupAnn,
				"3|Check-in||calm|Zed", "3|hidden|1|hidden by the facilitator|Zed", "3|Check-in||curious|" + soupAnn,
				"4|Anything else?||More pairing|Zed", "4|hidden|1|hidden by the facilitator|" + soupAnn,
				"5|Pace|4|4|Zed",
			} {
				if !slices.Contains(rows, w) {
					t.Errorf("%s: the CSV lacks %q: %q", what, w, rows)
				}
			}
			if len(rows) != 18 {
				t.Errorf("%s: %d answer rows: %q", what, len(rows), rows)
			}

			// The Markdown: a line for each person, their name first and
			// in bold.
			mdb, err := res.Markdown()
			if err != nil {
				t.Fatal(err)
			}
			md := string(mdb)
			if testing.Verbose() && what == "export" {
				t.Logf("markdown:\n%s", md)
			}
			for _, w := range []string{
				"**Who answered what**\n\n- an unnamed participant: Pasta\n",
				"- **" + soupAnn + "**: Soup\n",
				"- **Zed**: Soup, Pasta\n",
				"- **Zed**\n  - How was the week?: 5 (great)\n  - Question 2: No\n",
				"- **" + soupAnn + "**\n  - How was the week?: 1 (awful)\n",
				"- **Zed**: calm, *1 word hidden by the facilitator*\n",
				"- **" + soupAnn + "**: *answer hidden by the facilitator*\n",
				"- **Zed**: More pairing\n",
				"Results hidden: fewer than 3 people answered.\n\n**Who answered what**\n\n- **Zed**: 4\n",
			} {
				if !strings.Contains(md, w) {
					t.Errorf("%s: the markdown lacks %q:\n%s", what, w, md)
				}
			}
			// Nothing the facilitator hid; no member id.
			js, _ := res.JSON()
			cs, _ := res.CSV()
			for format, out := range map[string]string{"json": string(js), "csv": string(cs), "md": md} {
				for _, banned := range []string{"An unkind remark", "tired"} {
					if strings.Contains(strings.ToLower(out), strings.ToLower(banned)) {
						t.Errorf("%s: the %s export holds %q, which the facilitator hid", what, format, banned)
					}
				}
				for _, m := range people {
					if strings.Contains(out, m.ID) {
						t.Errorf("%s: the %s export holds a member id", what, format)
					}
				}
			}
		}
		check("export", res)

		// Kept when the room ends, and served from /sessions: the same.
		b.ok(b.fac, rooms.CmdRoomEnd, nil)
		s := keepNow(t, b)
		check("kept session", s.Results)
		// The comparison has no one's answers: counts only, as before.
		c := Compare(s, s)
		cj, _ := json.Marshal(c)
		cmd := c.Markdown()
		for _, out := range []string{string(cj), string(cmd)} {
			for _, banned := range []string{"Zed", "Ann", "unnamed", "byPerson", "More pairing", "Fewer meetings"} {
				if strings.Contains(out, banned) {
					t.Errorf("the comparison holds %q:\n%s", banned, out)
				}
			}
		}
	})
}

// An anonymous vote's export, and its kept session's, names nobody and
// holds no member id, in a room that shows names too; and nothing in its
// order tells who answered: its open answers are in the order of their
// random ids (8.10), in every format, whatever order people answered in;
// its choices, scale values and words are counts.
func TestExportAnonymousVotesNameNobody(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		b.ok(b.fac, rooms.CmdRoomUpdate, map[string]any{"showNames": true})
		names := []string{"Quentin", "Rosalind", "Sigrid", "Thaddeus", "Ulrike"}
		var people []*rooms.Member
		for _, n := range names {
			people = append(people, b.join(n))
		}
		poll := b.exercise(map[string]any{"kind": "poll", "title": "Lunch", "questions": []any{map[string]any{
			"kind": "choice", "options": []any{map[string]any{"id": "s", "label": "Soup"}, map[string]any{"id": "p", "label": "Pasta"}}}}})
		survey := b.exercise(map[string]any{"kind": "survey", "title": "Pulse", "questions": []any{
			map[string]any{"id": "week", "kind": "scale", "prompt": "How was the week?"},
			map[string]any{"id": "stay", "kind": "choice", "prompt": "Stay?", "options": []any{map[string]any{"id": "y", "label": "Yes"}, map[string]any{"id": "n", "label": "No"}}},
		}})
		words := b.exercise(map[string]any{"kind": "words", "title": "Check-in"})
		text := b.exercise(map[string]any{"kind": "text", "title": "Anything else?"})
		for i, m := range people {
			b.ok(m, CmdAnswer, map[string]any{"exercise": poll, "ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{"s"}}}}})
			b.ok(m, CmdAnswer, map[string]any{"exercise": survey, "ballot": map[string]any{"answers": map[string]any{
				"week": map[string]any{"value": 1 + i%5}, "stay": map[string]any{"choices": []string{"y"}}}}})
			b.ok(m, CmdAnswer, map[string]any{"exercise": words, "ballot": map[string]any{"words": []string{fmt.Sprintf("word%d", i)}}})
			// Each answer says who sent it, to find it in the exports.
			b.ok(m, CmdAnswer, map[string]any{"exercise": text, "ballot": map[string]any{"text": fmt.Sprintf("answer %d", i)}})
		}
		for _, ex := range []string{poll, survey, words, text} {
			b.ok(b.fac, CmdShow, map[string]any{"exercise": ex})
		}

		// The answers in the order of their ids, as the store keeps them.
		_, st := loadNow(t, b)
		var byID []TextAnswer
		for k, d := range st.Docs {
			if strings.HasPrefix(k, textPrefix(text)) {
				var a TextAnswer
				if err := json.Unmarshal(d.Value, &a); err != nil {
					t.Fatal(err)
				}
				byID = append(byID, a)
			}
		}
		sortTexts(byID)
		var idOrder []string
		for _, a := range byID {
			idOrder = append(idOrder, a.Text)
		}
		if len(idOrder) != len(people) {
			t.Fatalf("answers %q", idOrder)
		}

		check := func(what string, res *RoomResults) {
			t.Helper()
			for _, x := range res.Exercises {
				if !x.Anonymous || x.Vote.Hidden || len(x.Vote.ByPerson) != 0 {
					t.Fatalf("%s: %s: anonymous %v, %+v", what, x.Title, x.Anonymous, x.Vote)
				}
			}
			if got := res.Exercises[3].Vote.Texts; !slices.Equal(got, idOrder) {
				t.Errorf("%s: the JSON's answers in the order %q, not their ids' %q", what, got, idOrder)
			}
			var csvOrder []string
			for _, row := range csvRows(t, res)[1:] {
				if row[3] == "answer" || row[8] != "" {
					t.Errorf("%s: a CSV row names someone: %q", what, row)
				}
				if row[3] == "text" {
					csvOrder = append(csvOrder, row[6])
				}
			}
			if !slices.Equal(csvOrder, idOrder) {
				t.Errorf("%s: the CSV's answers in the order %q, not their ids' %q", what, csvOrder, idOrder)
			}
			mdb, _ := res.Markdown()
			var mdOrder []string
			for _, l := range strings.Split(string(mdb), "\n") {
				if a, ok := strings.CutPrefix(l, "- answer "); ok {
					mdOrder = append(mdOrder, "answer "+a)
				}
			}
			if !slices.Equal(mdOrder, idOrder) {
				t.Errorf("%s: the Markdown's answers in the order %q, not their ids' %q", what, mdOrder, idOrder)
			}
			js, _ := res.JSON()
			cs, _ := res.CSV()
			for format, out := range map[string]string{"json": string(js), "csv": string(cs), "md": string(mdb)} {
				for i, m := range people {
					if strings.Contains(out, names[i]) || strings.Contains(out, m.ID) {
						t.Errorf("%s: the %s export names %s or holds their member id:\n%s", what, format, names[i], out)
					}
				}
				if strings.Contains(out, "byPerson") || strings.Contains(out, "Who answered what") || strings.Contains(out, "unnamed") {
					t.Errorf("%s: the %s export says who answered what:\n%s", what, format, out)
				}
			}
		}
		_, res := exportNow(t, b)
		check("export", res)
		b.ok(b.fac, rooms.CmdRoomEnd, nil)
		check("kept session", keepNow(t, b).Results)
	})
}
