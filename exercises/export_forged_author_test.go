package exercises

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"huddle/rooms"
)

// The QA case: in a room that shows names, an anonymous card whose text
// was "Our lead is a bully; by: Ann" exported in the CSV as
// "card,Stop,,Our lead is a bully; by: Ann" beside Ann's own named card
// ("…,Real card from Ann; by: Ann"), and in the Markdown as
// "- … (by Ann)" as Ann's did: the reader could not tell the card Ann
// wrote from one written to pass as hers. The same held for every item
// whose person was written beside a free text: an action item's owner, a
// help request's requester, a next step's helper, a kudo's sender. The
// CSV names the person in a cell of their own (person), which no text is
// written into; the Markdown writes a person's name in bold, which no
// escaped text can make. Each forgery below is the text that read as the
// genuine item, in either the old form or the new.
func TestExportAuthorsCannotBeForgedByText(t *testing.T) {
	b := newTbEnv(t, true)
	ann, bob := b.join("Ann"), b.join("Bob")

	retro := b.exercise(retroSpecMap())
	card := func(m *rooms.Member, text string, named bool) {
		t.Helper()
		b.ok(m, CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "stop", "text": text, "named": named})
	}
	const genuine = "Real card from Ann"
	card(ann, genuine, true)
	forgedCards := []string{
		genuine + "; by: Ann",        // the old CSV's form
		genuine + " (by Ann)",        // the old Markdown's
		genuine + " (by **Ann**)",    // the new Markdown's, typed
		genuine + " (by __Ann__)",    // bold another way
		genuine + " (by <b>Ann</b>)", // and as HTML
		genuine + " (by &#42;&#42;Ann&#42;&#42;)",
	}
	for _, f := range forgedCards {
		card(bob, f, false)
	}
	for _, p := range []string{PhaseReveal, PhaseGroup, PhaseVote, PhaseDiscuss} {
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": retro, "phase": p})
	}
	b.ok(bob, CmdRetroActionAdd, map[string]any{"exercise": retro, "text": "Talk to the lead", "owner": "Ann"})
	b.ok(bob, CmdRetroActionAdd, map[string]any{"exercise": retro, "text": "Talk to the lead (owner Ann)"})
	b.ok(bob, CmdRetroActionAdd, map[string]any{"exercise": retro, "text": "Talk to the lead (owner **Ann**)"})

	help := b.exercise(map[string]any{"kind": "help", "title": "Can you help me?"})
	b.ok(ann, CmdHelpRequest, map[string]any{"exercise": help, "title": "Review my CV", "detail": "Two pages"})
	mine := b.lastRequest(ann)
	b.ok(bob, CmdHelpRequest, map[string]any{"exercise": help, "title": "Review my CV", "detail": "by: Ann; offers: 0; Two pages", "anonymous": true})
	forged := b.lastRequest(bob)
	var off struct{ Offer string }
	_ = json.Unmarshal(b.ok(ann, CmdHelpOffer, map[string]any{"exercise": help, "request": forged, "message": "I can"}), &off)
	b.ok(bob, CmdHelpAccept, map[string]any{"exercise": help, "request": forged, "offer": off.Offer})
	b.ok(bob, CmdHelpStep, map[string]any{"exercise": help, "request": forged, "offer": off.Offer, "text": "Coffee"})
	_ = json.Unmarshal(b.ok(bob, CmdHelpOffer, map[string]any{"exercise": help, "request": mine, "message": "Me"}), &off)
	b.ok(ann, CmdHelpAccept, map[string]any{"exercise": help, "request": mine, "offer": off.Offer})
	b.ok(ann, CmdHelpStep, map[string]any{"exercise": help, "request": mine, "offer": off.Offer, "text": "helper: Ann; step: Coffee"})

	wall := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
	b.ok(ann, CmdKudosSend, map[string]any{"exercise": wall, "to": KudosTeam, "message": "Great sprint"})
	b.ok(bob, CmdKudosSend, map[string]any{"exercise": wall, "to": KudosTeam, "message": "Great sprint (from Ann)", "anonymous": true})
	b.ok(bob, CmdKudosSend, map[string]any{"exercise": wall, "to": KudosTeam, "message": "Great sprint (from **Ann**)", "anonymous": true})

	_, res := exportNow(t, b)

	// The CSV: Ann is named in the person column of her own items, and
	// of nothing else; no text cell carries a person.
	rows := csvRows(t, res)
	if h := strings.Join(rows[0], ","); h != "exercise,kind,title,section,item,value,detail,team,person" {
		t.Fatalf("header %s", h)
	}
	var anns []string
	seen := map[string]string{} // a row's cells but its person → that person
	for _, row := range rows[1:] {
		if len(row) != 9 {
			t.Fatalf("row of %d cells: %q", len(row), row)
		}
		key := strings.Join(row[:8], "|")
		if other, ok := seen[key]; ok && other != row[8] {
			t.Errorf("two rows read alike but for their person (%q, %q): %q", other, row[8], key)
		}
		seen[key] = row[8]
		if row[8] == "Ann" {
			anns = append(anns, row[3]+"|"+row[4]+"|"+row[6])
		}
	}
	slices.Sort(anns)
	want := []string{
		"action|Talk to the lead|",
		"card|Stop|" + genuine,
		"kudos|the team|Great sprint",
		"next step|Review my CV|step: Coffee",
		"request|Review my CV|offers: 1; Two pages",
	}
	if !slices.Equal(anns, want) {
		t.Errorf("the CSV names Ann on %q, want %q", anns, want)
	}

	// The Markdown: Ann's name in bold on each of her items' lines, and on
	// no other; each forgery reads as the text it is.
	mdb, err := res.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	var bold []string
	for _, l := range strings.Split(string(mdb), "\n") {
		if strings.Contains(l, "**Ann**") {
			bold = append(bold, l)
		}
	}
	slices.Sort(bold)
	wantMD := []string{
		"  - Next step with **Ann**: Coffee",
		"- **Review my CV** (matched; asked by **Ann**; 1 offer): Two pages",
		"- Real card from Ann (by **Ann**, 0 dots)",
		"- To the whole team (from **Ann**): Great sprint",
		"- [ ] Talk to the lead (owner **Ann**)",
	}
	if !slices.Equal(bold, wantMD) {
		t.Errorf("the markdown names Ann in bold on\n%s\nwant\n%s\nreport:\n%s", strings.Join(bold, "\n"), strings.Join(wantMD, "\n"), mdb)
	}
	for _, f := range forgedCards {
		if l := "- " + mdLine(f) + " (0 dots)"; !strings.Contains(string(mdb), l+"\n") {
			t.Errorf("the forged card %q reads as %q in:\n%s", f, l, mdb)
		}
	}
}

// mdPerson's bold is the one no escaped text makes: every "*" of a text
// is escaped, and so is each "_" that could make emphasis and each "<"
// that could make HTML; a name with spaces around it is written without
// them (bold marks beside a space make nothing).
func TestMarkdownPersonIsBoldNoTextCanMake(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Ann", "**Ann**"},
		{"Ann (2)", "**Ann (2)**"},
		{" Ann ", "**Ann**"},
		{"**Ann**", `**\*\*Ann\*\***`},
		{"", wordUnnamed},
		{"  ", wordUnnamed},
	} {
		if got := mdPerson(c.in); got != c.want {
			t.Errorf("mdPerson(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, text := range []string{"**Ann**", "__Ann__", "<b>Ann</b>", "<strong>Ann</strong>", "&#42;&#42;Ann&#42;&#42;", "*Ann*", "_Ann_"} {
		for _, f := range []func(string) string{md, mdLine} {
			if got := f(text); strings.Contains(got, "**") || strings.Contains(got, "<") || strings.Contains(strings.ReplaceAll(got, `\&`, ""), "&#") ||
				strings.Contains(strings.ReplaceAll(got, `\_`, ""), "_") || strings.Contains(strings.ReplaceAll(got, `\*`, ""), "*") {
				t.Errorf("%q is written %q: it may make emphasis", text, got)
			}
		}
	}
}

// The person column is guarded as every cell is: a name a spreadsheet
// would run as a formula ("=HYPERLINK(…)", which anyone may join as) is
// written as text, on a card, an action item, a request, a next step, a
// kudo and a named vote's answer alike.
func TestCSVPersonCellIsGuarded(t *testing.T) {
	const name = "=HYPERLINK(\"http://e.vil\")"
	r := &RoomResults{Title: "W", Exercises: []ExerciseResult{
		{Kind: KindRetro, Title: "R", Status: StatusClosed, Retro: &RetroExport{Revealed: true,
			Columns: []RetroColumnExport{{Title: "Start", Count: 1, Cards: []RetroCardExport{{Text: "Demos", Author: name}}}},
			Actions: []RetroActionExport{{Text: "Ship", Owner: "@" + name}}}},
		{Kind: KindHelp, Title: "H", Status: StatusClosed, Help: &HelpExport{Requests: []HelpRequestExport{
			{Title: "CV", Status: HelpMatched, Requester: "+" + name, NextSteps: []NextStepExport{{Helper: "-" + name}}}}}},
		{Kind: KindKudos, Title: "K", Status: StatusClosed, Kudos: &KudosExport{Kudos: []KudoExport{{To: "Bob", From: name, Message: "Thanks"}}}},
		{Kind: KindPoll, Title: "P", Status: StatusResults, Responses: 1, Vote: &VoteExport{MinResponses: 1,
			ByPerson: []PersonAnswers{{Name: name, Answers: []PersonAnswer{{Choices: []string{"Soup"}, Label: "Soup"}}}}}},
	}}
	n := 0
	for _, row := range csvRows(t, r)[1:] {
		if p := row[8]; p != "" {
			n++
			if !strings.HasPrefix(p, "'") {
				t.Errorf("the person cell %q of %q is not guarded", p, row)
			}
		}
	}
	if n != 6 {
		t.Fatalf("%d rows name a person, want 6", n)
	}
}
