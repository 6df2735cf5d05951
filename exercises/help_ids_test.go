package exercises

import (
	"encoding/json"
	"strings"
	"testing"

	"huddle/rooms"
)

// Two helpers of the same name are told apart on the board by their
// member ids (as a kudo's "to" is), and so is a named requester: each
// screen numbers them as it numbers everyone ("Ann #2835"). An anonymous
// request carries no id, on either store, to anyone.
func TestHelpBoardTellsNamesakesApart(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		ann1, ann2, bob, cy := b.join("Ann"), b.join("Ann"), b.join("Bob"), b.join("Cy")
		ex := b.exercise(map[string]any{"kind": "help", "title": "Can you help me?"})
		b.ok(bob, CmdHelpRequest, map[string]any{"exercise": ex, "title": "Review my talk"})
		b.ok(cy, CmdHelpRequest, map[string]any{"exercise": ex, "title": "Stuck on generics", "anonymous": true})
		b.ok(cy, CmdHelpRequest, map[string]any{"exercise": ex, "title": "Cy's named ask"})
		byTitle := func(v HelpView, title string) HelpRequestView {
			for _, r := range v.Requests {
				if r.Title == title {
					return r
				}
			}
			t.Fatalf("no request %q in %+v", title, v)
			return HelpRequestView{}
		}
		_, pv := b.help(ex)
		named, anon := byTitle(pv, "Review my talk"), byTitle(pv, "Stuck on generics")
		for _, m := range []*rooms.Member{ann1, ann2} {
			b.ok(m, CmdHelpOffer, map[string]any{"exercise": ex, "request": named.ID, "message": "I can"})
			b.ok(m, CmdHelpOffer, map[string]any{"exercise": ex, "request": anon.ID, "message": "Me"})
		}
		fv, pv := b.help(ex)
		for _, v := range []HelpView{fv, pv} {
			named, anon := byTitle(v, "Review my talk"), byTitle(v, "Stuck on generics")
			if named.AuthorID != bob.ID || byTitle(v, "Cy's named ask").AuthorID != cy.ID {
				t.Fatalf("named requests' authors: %+v", v.Requests)
			}
			for _, r := range []HelpRequestView{named, anon} {
				if len(r.Offers) != 2 || r.Offers[0].HelperID != ann1.ID || r.Offers[1].HelperID != ann2.ID || r.Offers[0].HelperName != "Ann" {
					t.Fatalf("offers of %q: %+v", r.Title, r.Offers)
				}
			}
			raw, _ := json.Marshal(anon)
			if anon.AuthorID != "" || anon.AuthorName != "" || strings.Contains(string(raw), cy.ID) {
				t.Fatalf("an anonymous request names its author: %s", raw)
			}
		}
		// As sent: the participants' state holds the anonymous request
		// without any id of its author (who is named on another request).
		var sent struct {
			Requests []json.RawMessage `json:"requests"`
		}
		_ = json.Unmarshal(b.rawState(ex).Participant, &sent)
		for _, r := range sent.Requests {
			if strings.Contains(string(r), "Stuck on generics") && (strings.Contains(string(r), cy.ID) || strings.Contains(string(r), "authorId")) {
				t.Fatalf("the anonymous request as sent: %s", r)
			}
		}
	})
}
