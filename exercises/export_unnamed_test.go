package exercises

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

// Someone who gave no name and did not ask to be anonymous is unnamed,
// not anonymous: the Markdown said "(open; anonymous; 0 offers)" of such a
// request while the JSON said "anonymous": false. Each export says
// "anonymous" of what was posted anonymously only, of help requests and
// kudos alike, and names an unnamed requester, helper or sender as such.
func TestExportTellsUnnamedFromAnonymous(t *testing.T) {
	b := newTbEnv(t, false)
	nobody, ann, bob := b.join(""), b.join("Ann"), b.join("Bob")
	help := b.exercise(map[string]any{"kind": "help", "title": "Can you help me?"})
	b.ok(nobody, CmdHelpRequest, map[string]any{"exercise": help, "title": "Unnamed ask"})
	b.ok(ann, CmdHelpRequest, map[string]any{"exercise": help, "title": "Secret ask", "anonymous": true})
	anon := b.lastRequest(ann)
	var off struct{ Offer string }
	_ = json.Unmarshal(b.ok(nobody, CmdHelpOffer, map[string]any{"exercise": help, "request": anon, "message": "I can"}), &off)
	b.ok(ann, CmdHelpAccept, map[string]any{"exercise": help, "request": anon, "offer": off.Offer})
	wall := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
	b.ok(nobody, CmdKudosSend, map[string]any{"exercise": wall, "to": bob.ID, "message": "Unnamed thanks"})
	b.ok(ann, CmdKudosSend, map[string]any{"exercise": wall, "to": bob.ID, "message": "Secret thanks", "anonymous": true})
	_, res := exportNow(t, b)

	mdb, _ := res.Markdown()
	md := string(mdb)
	for _, want := range []string{
		"- **Unnamed ask** (open; asked by an unnamed participant; 0 offers)\n",
		"- **Secret ask** (matched; anonymous; 1 offer)\n",
		"  - Next step with an unnamed participant: no step agreed yet\n",
		"- To Bob (from an unnamed participant): Unnamed thanks\n",
		"- To Bob (anonymous): Secret thanks\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}

	var got struct {
		Exercises []struct {
			Help  *struct{ Requests []map[string]any }
			Kudos *struct{ Kudos []map[string]any }
		}
	}
	js, _ := res.JSON()
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	anonymous := map[string]any{}
	for _, r := range got.Exercises[0].Help.Requests {
		anonymous[r["title"].(string)] = r["anonymous"]
	}
	for _, k := range got.Exercises[1].Kudos.Kudos {
		anonymous[k["message"].(string)] = k["anonymous"]
	}
	if want := map[string]any{"Unnamed ask": false, "Secret ask": true, "Unnamed thanks": false, "Secret thanks": true}; !maps.Equal(anonymous, want) {
		t.Fatalf("json says anonymous %v, want %v\n%s", anonymous, want, js)
	}

	var details, kudos []string
	for _, row := range csvRows(t, res)[1:] {
		if row[3] == "request" || row[3] == "next step" {
			details = append(details, row[4]+"|"+row[6]+"|"+row[8])
		}
		if row[3] == "kudos" {
			kudos = append(kudos, row[6]+"|"+row[5]+"|"+row[8])
		}
	}
	slices.Sort(kudos) // a wall's kudos are in no order of their sending
	// An anonymous request or kudo names no person, a named one always
	// does (a kudo's value is its sender's name, as before the person
	// column: none for one who gave no name).
	if want := []string{"Unnamed ask|offers: 0|an unnamed participant", "Secret ask|offers: 1|", "Secret ask|no step agreed yet|an unnamed participant"}; !slices.Equal(details, want) {
		t.Fatalf("csv details %q, want %q", details, want)
	}
	if want := []string{"Secret thanks||", "Unnamed thanks||an unnamed participant"}; !slices.Equal(kudos, want) {
		t.Fatalf("csv kudos %q, want %q", kudos, want)
	}
}

// An export kept before kudos said whether they were anonymous reads as
// it did: a kudo without a sender's name, anonymous.
func TestKeptKudosExportWithoutAnonymous(t *testing.T) {
	var k []KudoExport
	if err := json.Unmarshal([]byte(`[{"to":"Bob","message":"a"},{"to":"Bob","from":"Ann","message":"b"},{"to":"Bob","message":"c","anonymous":false}]`), &k); err != nil {
		t.Fatal(err)
	}
	if !k[0].Anonymous || k[1].Anonymous || k[1].From != "Ann" || k[2].Anonymous {
		t.Fatalf("kept kudos %+v", k)
	}
}
