package exercises

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"huddle/rooms"
)

func (b *tbEnv) help(id string) (fac, part HelpView) {
	b.t.Helper()
	b.state(id, &fac, &part)
	return fac, part
}

func (b *tbEnv) kudos(id string) (fac, part KudosView) {
	b.t.Helper()
	b.state(id, &fac, &part)
	return fac, part
}

func (b *tbEnv) helpMine(m *rooms.Member, id string) HelpMine {
	b.t.Helper()
	var mine HelpMine
	v := b.snapshot(m)[id]
	if err := json.Unmarshal(v.Mine, &mine); err != nil {
		b.t.Fatalf("mine %s: %v", v.Mine, err)
	}
	return mine
}

// lastRequest is the id of the last request m was told is theirs.
func (b *tbEnv) lastRequest(m *rooms.Member) string {
	b.t.Helper()
	var ev requestEvent
	_ = json.Unmarshal(b.last(m, EvHelpRequested), &ev)
	return ev.Request.ID
}

func findRequest(v HelpView, id string) HelpRequestView {
	for _, r := range v.Requests {
		if r.ID == id {
			return r
		}
	}
	return HelpRequestView{}
}

// TestHelpRules tries every help board command, valid and not, from every
// kind of sender.
func TestHelpRules(t *testing.T) {
	b := newTbEnv(t, false)
	fac := b.fac
	ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
	ex := b.exercise(map[string]any{"kind": "help", "title": "Can you help me?"})
	prepared := b.add(map[string]any{"kind": "help", "title": "Later"})
	other := b.exercise(retroSpecMap())
	long := strings.Repeat("x", b.svc.Limits().MaxTextLen+1)
	longShort := strings.Repeat("y", 81)

	var anon, named, offerB, offerC, offerN string
	req := func(m **rooms.Member, into *string) func(json.RawMessage) {
		return func(res json.RawMessage) {
			if res != nil {
				t.Fatalf("help.request answered %s", res)
			}
			*into = b.lastRequest(*m)
		}
	}
	offer := func(into *string) func(json.RawMessage) {
		return func(res json.RawMessage) {
			var r struct{ Offer string }
			_ = json.Unmarshal(res, &r)
			*into = r.Offer
		}
	}
	R, O, A, S := CmdHelpRequest, CmdHelpOffer, CmdHelpAccept, CmdHelpStep
	b.steps([]tbStep{
		{"anonymous request", &ann, R, obj("exercise", ex, "title", "Stuck on generics", "detail", "Type sets\nconfuse me", "tags", []string{"Go", " go ", "Generics"}, "anonymous", true), "", req(&ann, &anon)},
		{"named request", &ann, R, obj("exercise", ex, "title", "Review my talk"), "", req(&ann, &named)},
		{"facilitator requests", &fac, R, obj("exercise", ex, "title", "x"), rooms.CodeForbidden, nil},
		{"no title", &bob, R, obj("exercise", ex, "detail", "x"), rooms.CodeInvalid, nil},
		{"title too long", &bob, R, obj("exercise", ex, "title", longShort), rooms.CodeTooLong, nil},
		{"detail too long", &bob, R, obj("exercise", ex, "title", "x", "detail", long), rooms.CodeTooLong, nil},
		{"six tags", &bob, R, obj("exercise", ex, "title", "x", "tags", []string{"a", "b", "c", "d", "e", "f"}), rooms.CodeInvalid, nil},
		{"tag too long", &bob, R, obj("exercise", ex, "title", "x", "tags", []string{strings.Repeat("t", 25)}), rooms.CodeTooLong, nil},
		{"tags not strings", &bob, R, obj("exercise", ex, "title", "x", "tags", []int{1}), rooms.CodeBadMessage, nil},
		{"anonymous not a bool", &bob, R, obj("exercise", ex, "title", "x", "anonymous", "yes"), rooms.CodeBadMessage, nil},
		{"not a help board", &bob, R, obj("exercise", other, "title", "x"), rooms.CodeInvalid, nil},
		{"board not open", &bob, R, obj("exercise", prepared, "title", "x"), CodeWrongStatus, nil},
		{"unknown board", &bob, R, obj("exercise", "nope", "title", "x"), rooms.CodeNotFound, nil},
		{"offer on own request", &ann, O, obj("exercise", ex, "request", &anon, "message", "me!"), rooms.CodeInvalid, nil},
		{"facilitator offers", &fac, O, obj("exercise", ex, "request", &anon, "message", "me"), rooms.CodeForbidden, nil},
		{"offer without message", &bob, O, obj("exercise", ex, "request", &anon), rooms.CodeInvalid, nil},
		{"offer message too long", &bob, O, obj("exercise", ex, "request", &anon, "message", long), rooms.CodeTooLong, nil},
		{"offer no request", &bob, O, obj("exercise", ex, "message", "x"), rooms.CodeBadMessage, nil},
		{"offer unknown request", &bob, O, obj("exercise", ex, "request", "nope", "message", "x"), rooms.CodeNotFound, nil},
		{"offer", &bob, O, obj("exercise", ex, "request", &anon, "message", "I love generics"), "", offer(&offerB)},
		{"offer twice", &bob, O, obj("exercise", ex, "request", &anon, "message", "again"), CodeAlreadyAnswered, nil},
		{"second helper", &cy, O, obj("exercise", ex, "request", &anon, "message", "Happy to pair"), "", offer(&offerC)},
		{"offer on named", &cy, O, obj("exercise", ex, "request", &named, "message", "Send me the slides"), "", offer(&offerN)},
		{"helper accepts", &bob, A, obj("exercise", ex, "request", &anon, "offer", &offerB), CodeNotYours, nil},
		{"other accepts", &cy, A, obj("exercise", ex, "request", &anon, "offer", &offerB), CodeNotYours, nil},
		{"facilitator accepts", &fac, A, obj("exercise", ex, "request", &anon, "offer", &offerB), rooms.CodeForbidden, nil},
		{"accept unknown offer", &ann, A, obj("exercise", ex, "request", &anon, "offer", "nope"), rooms.CodeNotFound, nil},
		{"accept offer of another request", &ann, A, obj("exercise", ex, "request", &anon, "offer", &offerN), rooms.CodeNotFound, nil},
		{"accept without offer", &ann, A, obj("exercise", ex, "request", &anon), rooms.CodeBadMessage, nil},
		{"step before accepting", &bob, S, obj("exercise", ex, "request", &anon, "offer", &offerB, "text", "Tuesday"), rooms.CodeInvalid, nil},
		{"accept", &ann, A, obj("exercise", ex, "request", &anon, "offer", &offerB), "", nil},
		{"accept again", &ann, A, obj("exercise", ex, "request", &anon, "offer", &offerB), "", nil},
		{"step by helper", &bob, S, obj("exercise", ex, "request", &anon, "offer", &offerB, "text", "Pair on Tuesday"), "", nil},
		{"step by requester", &ann, S, obj("exercise", ex, "request", &anon, "offer", &offerB, "text", "Pair on Tuesday at 10"), "", nil},
		{"step by outsider", &cy, S, obj("exercise", ex, "request", &anon, "offer", &offerB, "text", "x"), CodeNotYours, nil},
		{"step on unaccepted offer", &cy, S, obj("exercise", ex, "request", &anon, "offer", &offerC, "text", "x"), rooms.CodeInvalid, nil},
		{"step empty", &bob, S, obj("exercise", ex, "request", &anon, "offer", &offerB, "text", ""), rooms.CodeInvalid, nil},
		{"step too long", &bob, S, obj("exercise", ex, "request", &anon, "offer", &offerB, "text", long), rooms.CodeTooLong, nil},
		{"facilitator steps", &fac, S, obj("exercise", ex, "request", &anon, "offer", &offerB, "text", "x"), rooms.CodeForbidden, nil},
		{"withdraw another's", &bob, CmdHelpWithdraw, obj("exercise", ex, "request", &named), CodeNotYours, nil},
		{"withdraw matched", &ann, CmdHelpWithdraw, obj("exercise", ex, "request", &anon), rooms.CodeInvalid, nil},
		{"facilitator withdraws", &fac, CmdHelpWithdraw, obj("exercise", ex, "request", &named), rooms.CodeForbidden, nil},
		{"withdraw", &ann, CmdHelpWithdraw, obj("exercise", ex, "request", &named), "", nil},
		{"withdraw again", &ann, CmdHelpWithdraw, obj("exercise", ex, "request", &named), rooms.CodeNotFound, nil},
		{"accept on withdrawn", &ann, A, obj("exercise", ex, "request", &named, "offer", &offerN), rooms.CodeNotFound, nil},
		{"resolve another's", &cy, CmdHelpResolve, obj("exercise", ex, "request", &anon), CodeNotYours, nil},
		{"resolve unknown", &ann, CmdHelpResolve, obj("exercise", ex, "request", "nope"), rooms.CodeNotFound, nil},
		{"resolve no request", &ann, CmdHelpResolve, obj("exercise", ex), rooms.CodeBadMessage, nil},
		{"resolve", &ann, CmdHelpResolve, obj("exercise", ex, "request", &anon), "", nil},
		{"resolve again", &fac, CmdHelpResolve, obj("exercise", ex, "request", &anon), "", nil},
		{"offer on resolved", &cy, O, obj("exercise", ex, "request", &anon, "message", "late"), rooms.CodeInvalid, nil},
		{"accept on resolved", &ann, A, obj("exercise", ex, "request", &anon, "offer", &offerC), rooms.CodeInvalid, nil},
		{"bob asks", &bob, R, obj("exercise", ex, "title", "Help with estimates", "anonymous", false), "", nil},
	})
	bobs := b.lastRequest(bob)
	b.steps([]tbStep{
		{"facilitator resolves", &fac, CmdHelpResolve, obj("exercise", ex, "request", &bobs), "", nil},
		{"withdraw resolved", &bob, CmdHelpWithdraw, obj("exercise", ex, "request", &bobs), rooms.CodeInvalid, nil},
		{"close", &fac, CmdClose, obj("exercise", ex), "", nil},
		{"request when closed", &cy, R, obj("exercise", ex, "title", "x"), CodeWrongStatus, nil},
		{"resolve when closed", &fac, CmdHelpResolve, obj("exercise", ex, "request", &bobs), CodeWrongStatus, nil},
	})
	_, pv := b.help(ex)
	r := findRequest(pv, anon)
	if !slices.Equal(r.Tags, []string{"go", "generics"}) || r.Detail != "Type sets\nconfuse me" || r.AuthorName != "" || !r.Anonymous {
		t.Fatalf("anonymous request: %+v", r)
	}
	if findRequest(pv, bobs).AuthorName != "Bob" || findRequest(pv, named).ID != "" {
		t.Fatalf("requests: %+v", pv.Requests)
	}
}

// TestHelpWholeRun: a request is matched to an offer, the pair agree a
// next step, and the request is resolved; each side learns the other's
// name, nobody else learns the requester's.
func TestHelpWholeRun(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
	ex := b.exercise(map[string]any{"kind": "help", "title": "Can you help me?"})

	b.ok(ann, CmdHelpRequest, map[string]any{"exercise": ex, "title": "Feedback on my CV", "tags": []string{"Career"}, "anonymous": true})
	rid := b.lastRequest(ann)
	if b.count(bob, EvHelpRequested) != 0 || b.count(b.fac, EvHelpRequested) != 0 {
		t.Fatal("help.requested reached someone else")
	}
	b.ok(cy, CmdHelpRequest, map[string]any{"exercise": ex, "title": "Learn SQL"})
	cyr := b.lastRequest(cy)
	fv, pv := b.help(ex)
	if fv.Counts != (HelpCounts{Open: 2}) || len(pv.Requests) != 2 {
		t.Fatalf("board: %+v", fv)
	}
	var off struct{ Offer string }
	_ = json.Unmarshal(b.ok(bob, CmdHelpOffer, map[string]any{"exercise": ex, "request": rid, "message": "I hire people, happy to read it"}), &off)
	b.ok(cy, CmdHelpOffer, map[string]any{"exercise": ex, "request": rid, "message": "Me too"})
	b.ok(ann, CmdHelpAccept, map[string]any{"exercise": ex, "request": rid, "offer": off.Offer})

	// The helper learns the offer was taken, not who asked (the request is
	// anonymous, and the event is kept in the room's history); the
	// requester learns the helper.
	var toHelper, toRequester pairedEvent
	_ = json.Unmarshal(b.last(bob, EvHelpPaired), &toHelper)
	if toHelper.RequesterName != "" || toHelper.Request != rid || toHelper.Offer != off.Offer || toHelper.HelperName != "" {
		t.Fatalf("helper's event: %+v", toHelper)
	}
	st, err := b.store.Load(b.ctx, b.room)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := b.store.History(b.ctx, b.room, rooms.Position{Epoch: st.Pos.Epoch})
	if err != nil || len(hist) == 0 {
		t.Fatal(len(hist), err)
	}
	for _, ev := range hist {
		if ev.Type == EvHelpPaired && strings.Contains(string(ev.Data), "Ann") {
			t.Fatalf("the stored history names the anonymous requester: %s", ev.Data)
		}
	}
	_ = json.Unmarshal(b.last(ann, EvHelpPaired), &toRequester)
	if toRequester.HelperName != "Bob" || toRequester.HelperID != bob.ID || toRequester.RequesterName != "" {
		t.Fatalf("requester's event: %+v", toRequester)
	}
	if b.count(cy, EvHelpPaired) != 0 || b.count(b.fac, EvHelpPaired) != 0 || b.count(ann, EvHelpPaired) != 1 || b.count(bob, EvHelpPaired) != 1 {
		t.Fatal("help.paired reached someone else")
	}
	fv, pv = b.help(ex)
	r := findRequest(pv, rid)
	if fv.Counts != (HelpCounts{Open: 1, Matched: 1}) || r.Status != HelpMatched || len(r.Offers) != 2 || !r.Offers[0].Accepted || r.Offers[1].Accepted || r.Offers[0].HelperName != "Bob" {
		t.Fatalf("matched board: %+v", pv)
	}
	if strings.Contains(string(b.rawState(ex).Participant), "Ann") || strings.Contains(string(b.rawState(ex).Facilitator), "Ann") {
		t.Fatal("the board names the anonymous requester")
	}
	b.ok(bob, CmdHelpStep, map[string]any{"exercise": ex, "request": rid, "offer": off.Offer, "text": "Coffee on Thursday, bring the CV"})
	_, pv = b.help(ex)
	if findRequest(pv, rid).Offers[0].Step != "Coffee on Thursday, bring the CV" {
		t.Fatalf("step: %+v", findRequest(pv, rid))
	}
	if m := b.helpMine(ann, ex); !slices.Equal(m.Requests, []string{rid}) || len(m.Offers) != 0 {
		t.Fatalf("ann's mine: %+v", m)
	}
	if m := b.helpMine(bob, ex); len(m.Requests) != 0 || !slices.Equal(m.Offers, []string{off.Offer}) {
		t.Fatalf("bob's mine: %+v", m)
	}
	if m := b.helpMine(cy, ex); !slices.Equal(m.Requests, []string{cyr}) || len(m.Offers) != 1 {
		t.Fatalf("cy's mine: %+v", m)
	}
	b.ok(ann, CmdHelpResolve, map[string]any{"exercise": ex, "request": rid})
	fv, pv = b.help(ex)
	if fv.Counts != (HelpCounts{Open: 1, Resolved: 1}) || pv.Requests[0].ID != cyr || pv.Requests[1].Status != HelpResolved {
		t.Fatalf("resolved board: %+v", pv)
	}
	if findRequest(pv, cyr).AuthorName != "Cy" {
		t.Fatal("a named request lost its name")
	}
	// Snapshots carry the board too.
	var sv HelpView
	if err := json.Unmarshal(b.snapshot(b.fac)[ex].State, &sv); err != nil || sv.Counts.Resolved != 1 {
		t.Fatalf("snapshot: %+v %v", sv, err)
	}
}

// TestHelpRulesPure covers the pure help rules directly.
func TestHelpRulesPure(t *testing.T) {
	lim := LimitsFrom(rooms.DefaultLimits())
	tags, err := NormalizeTags([]string{" Trust ", "TRUST", "", "  team  work "})
	if err != nil || !slices.Equal(tags, []string{"trust", "team work"}) {
		t.Fatalf("tags %v %v", tags, err)
	}
	if _, err := NormalizeTags([]string{"a", "b", "c", "d", "e", "a", "A"}); err != nil {
		t.Fatalf("duplicates count once: %v", err)
	}
	who := rooms.Member{ID: "m1", Name: "Ann"}
	r, err := NewHelpRequest("r", HelpRequestArgs{Title: "x", Anonymous: true}, "key", who, lim)
	if err != nil || r.AuthorID != "" || r.AuthorName != "" || r.Author != "key" || r.Status != HelpOpen {
		t.Fatalf("anonymous request %+v %v", r, err)
	}
	r, _ = NewHelpRequest("r", HelpRequestArgs{Title: "x"}, "key", who, lim)
	if r.AuthorID != "m1" || r.AuthorName != "Ann" {
		t.Fatalf("named request %+v", r)
	}
	r.Offers = make([]string, lim.MaxOffers)
	if _, _, err := NewHelpOffer(r, "o", rooms.Member{ID: "m2"}, "other", "hi", lim); rooms.ErrorCode(err) != rooms.CodeInvalid {
		t.Fatalf("offer limit: %v", err)
	}
	if _, err := ResolveHelp(HelpRequest{Author: "key"}, "other", true); err != nil {
		t.Fatal(err)
	}
}

// TestKudosRules tries every kudos command, valid and not.
func TestKudosRules(t *testing.T) {
	b := newTbEnv(t, false)
	fac := b.fac
	ann, bob, cy := b.join("Ann"), b.join("Bob"), b.join("Cy")
	ex := b.exercise(map[string]any{"kind": "kudos", "title": "Thank you"})
	prepared := b.add(map[string]any{"kind": "kudos", "title": "Later"})
	other := b.exercise(map[string]any{"kind": "help", "title": "Help"})
	b.ok(fac, rooms.CmdMemberRemove, map[string]any{"member": cy.ID})
	long := strings.Repeat("x", b.svc.Limits().MaxTextLen+1)
	var first string
	K := CmdKudosSend
	b.steps([]tbStep{
		{"named kudos", &ann, K, obj("exercise", ex, "to", bob.ID, "message", "Thanks for the review"), "", func(res json.RawMessage) {
			if res != nil {
				t.Fatalf("kudos.send answered %s", res)
			}
		}},
		{"anonymous kudos to the team", &bob, K, obj("exercise", ex, "to", "team", "message", "Great sprint", "anonymous", true), "", nil},
		{"facilitator sends", &fac, K, obj("exercise", ex, "to", ann.ID, "message", "Well facilitated yourself"), "", nil},
		{"to the facilitator", &ann, K, obj("exercise", ex, "to", fac.ID, "message", "Nice session", "anonymous", true), "", nil},
		{"no recipient", &ann, K, obj("exercise", ex, "message", "x"), rooms.CodeBadMessage, nil},
		{"unknown recipient", &ann, K, obj("exercise", ex, "to", "nope", "message", "x"), rooms.CodeNotFound, nil},
		{"malformed recipient", &ann, K, obj("exercise", ex, "to", "member:x", "message", "x"), rooms.CodeNotFound, nil},
		{"removed recipient", &ann, K, obj("exercise", ex, "to", cy.ID, "message", "x"), rooms.CodeNotFound, nil},
		{"to oneself", &ann, K, obj("exercise", ex, "to", ann.ID, "message", "x"), rooms.CodeInvalid, nil},
		{"no message", &ann, K, obj("exercise", ex, "to", bob.ID), rooms.CodeInvalid, nil},
		{"message too long", &ann, K, obj("exercise", ex, "to", bob.ID, "message", long), rooms.CodeTooLong, nil},
		{"not a wall", &ann, K, obj("exercise", other, "to", bob.ID, "message", "x"), rooms.CodeInvalid, nil},
		{"wall not open", &ann, K, obj("exercise", prepared, "to", bob.ID, "message", "x"), CodeWrongStatus, nil},
		{"removed sender", &cy, K, obj("exercise", ex, "to", bob.ID, "message", "x"), rooms.CodeRemoved, nil},
	})
	fv, pv := b.kudos(ex)
	if fv.Count != 4 || len(pv.Kudos) != 4 {
		t.Fatalf("wall: %+v", fv)
	}
	// By id, not by when they were sent (TestKudosWallKeepsNoSendingOrder).
	if !slices.IsSortedFunc(pv.Kudos, func(a, b Kudo) int { return strings.Compare(a.ID, b.ID) }) {
		t.Fatalf("order: %+v", pv.Kudos)
	}
	byMessage := func(v KudosView, msg string) Kudo {
		t.Helper()
		for _, k := range v.Kudos {
			if k.Message == msg {
				return k
			}
		}
		t.Fatalf("no kudo %q on %+v", msg, v.Kudos)
		return Kudo{}
	}
	first = byMessage(pv, "Thanks for the review").ID
	if k := byMessage(pv, "Thanks for the review"); k.FromName != "Ann" || k.ToName != "Bob" || k.To != bob.ID || k.Anonymous {
		t.Fatalf("named kudo: %+v", k)
	}
	if k := byMessage(pv, "Great sprint"); k.FromName != "" || k.To != KudosTeam || !k.Anonymous {
		t.Fatalf("anonymous kudo: %+v", k)
	}
	b.steps([]tbStep{
		{"participant hides", &ann, CmdKudosHide, obj("exercise", ex, "kudo", &first, "hidden", true), rooms.CodeForbidden, nil},
		{"hide unknown", &fac, CmdKudosHide, obj("exercise", ex, "kudo", "nope", "hidden", true), rooms.CodeNotFound, nil},
		{"hide without kudo", &fac, CmdKudosHide, obj("exercise", ex, "hidden", true), rooms.CodeBadMessage, nil},
		{"hide", &fac, CmdKudosHide, obj("exercise", ex, "kudo", &first, "hidden", true), "", nil},
		{"hide again", &fac, CmdKudosHide, obj("exercise", ex, "kudo", &first, "hidden", true), "", nil},
	})
	fv, pv = b.kudos(ex)
	if fv.Count != 4 || pv.Count != 3 || !byMessage(fv, "Thanks for the review").Hidden || slices.ContainsFunc(pv.Kudos, func(k Kudo) bool { return k.ID == first }) {
		t.Fatalf("hidden kudo: fac %+v part %+v", fv, pv)
	}
	if strings.Contains(string(b.rawState(ex).Participant), "Thanks for the review") {
		t.Fatal("a hidden kudo reaches participants")
	}
	if b.snapshot(ann)[ex].Mine != nil {
		t.Fatal("kudos have no mine")
	}
	b.ok(fac, CmdKudosHide, map[string]any{"exercise": ex, "kudo": first, "hidden": false})
	if _, pv = b.kudos(ex); pv.Count != 4 {
		t.Fatal("unhiding failed")
	}
	b.ok(fac, CmdClose, map[string]any{"exercise": ex})
	// Moderation still works on a closed wall.
	b.ok(fac, CmdKudosHide, map[string]any{"exercise": ex, "kudo": first, "hidden": true})
	b.fails(ann, K, map[string]any{"exercise": ex, "to": "team", "message": "late"}, CodeWrongStatus)
}

// An offer of help and a kudo are written in boxes of several lines and
// keep their line breaks (a run of blank lines as one); one of blank
// lines only says nothing and is refused, as an empty one is.
func TestOffersAndKudosKeepLineBreaks(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob := b.join("Ann"), b.join("Bob")
	wall := b.exercise(map[string]any{"kind": "kudos", "title": "Thank you"})
	b.ok(ann, CmdKudosSend, map[string]any{"exercise": wall, "to": bob.ID, "message": "Thanks for the review.\r\n\n\n\n  It  helped!  \n"})
	b.fails(ann, CmdKudosSend, map[string]any{"exercise": wall, "to": bob.ID, "message": "\n \n\t\n"}, rooms.CodeInvalid)
	if _, pv := b.kudos(wall); len(pv.Kudos) != 1 || pv.Kudos[0].Message != "Thanks for the review.\n\nIt helped!" {
		t.Fatalf("kudos: %+v", pv.Kudos)
	}
	help := b.exercise(map[string]any{"kind": "help", "title": "Help"})
	b.ok(ann, CmdHelpRequest, map[string]any{"exercise": help, "title": "Hiring advice"})
	req := b.lastRequest(ann)
	b.fails(bob, CmdHelpOffer, map[string]any{"exercise": help, "request": req, "message": "\n\n"}, rooms.CodeInvalid)
	b.ok(bob, CmdHelpOffer, map[string]any{"exercise": help, "request": req, "message": "Two years of hiring.\nHappy to pair"})
	if _, pv := b.help(help); len(pv.Requests) != 1 || len(pv.Requests[0].Offers) != 1 || pv.Requests[0].Offers[0].Message != "Two years of hiring.\nHappy to pair" {
		t.Fatalf("help board: %+v", pv.Requests)
	}
}

// TestKudosWholeRun: a round of recognition, with one message moderated.
func TestKudosWholeRun(t *testing.T) {
	b := newTbEnv(t, true)
	people := []*rooms.Member{b.join("Ann"), b.join("Bob"), b.join("Cy")}
	ex := b.exercise(map[string]any{"kind": "kudos", "title": "Recognition round"})
	for i, p := range people {
		to := people[(i+1)%len(people)]
		b.ok(p, CmdKudosSend, map[string]any{"exercise": ex, "to": to.ID, "message": fmt.Sprintf("Thanks %s, from %d", to.Name, i), "anonymous": i == 1})
	}
	b.ok(b.fac, CmdKudosSend, map[string]any{"exercise": ex, "to": "team", "message": "You were all brilliant"})
	fv, pv := b.kudos(ex)
	if pv.Count != 4 {
		t.Fatalf("wall: %+v", pv)
	}
	for _, k := range pv.Kudos {
		if k.Anonymous != (k.Message == "Thanks Cy, from 1") || k.Anonymous && k.FromName != "" {
			t.Fatalf("kudo %+v", k)
		}
		if (k.To == KudosTeam) != (k.FromName == "Facilitator") {
			t.Fatalf("kudo %+v", k)
		}
	}
	b.ok(b.fac, CmdKudosHide, map[string]any{"exercise": ex, "kudo": pv.Kudos[1].ID, "hidden": true})
	b.ok(b.fac, CmdShow, map[string]any{"exercise": ex})
	fv, pv = b.kudos(ex)
	if fv.Status != StatusResults || fv.Count != 4 || pv.Count != 3 {
		t.Fatalf("results: %+v %+v", fv, pv)
	}
	var sv KudosView
	if err := json.Unmarshal(b.snapshot(people[0])[ex].State, &sv); err != nil || sv.Count != 3 {
		t.Fatalf("snapshot: %+v %v", sv, err)
	}
}

// TestKudosSendersToldApart: two people named Sam each send a kudo by
// name. The wall cannot tell them apart by name, so a named kudo carries
// its sender's member id ("from"), as every kudo carries its recipient's
// ("to"), for the number the room's lists show each Sam by; an anonymous
// kudo carries neither the name nor the id, in the views and in what the
// store keeps, on both stores. The facilitator's test participant, whom
// only the console lists, is named without its id.
func TestKudosSendersToldApart(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		sam1, sam2, ann := b.join("Sam"), b.join("Sam"), b.join("Ann")
		j, err := b.svc.JoinAs(b.ctx, b.code, "Preview", "", true)
		if err != nil {
			t.Fatal(err)
		}
		preview, _, err := b.svc.Authenticate(b.ctx, b.room, j.Token)
		if err != nil {
			t.Fatal(err)
		}
		b.tokens[preview.ID] = j.Token
		ex := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
		send := func(m *rooms.Member, msg string, anonymous bool) {
			b.ok(m, CmdKudosSend, map[string]any{"exercise": ex, "to": ann.ID, "message": msg, "anonymous": anonymous})
		}
		send(sam1, "from the first Sam", false)
		send(sam2, "from the second Sam", false)
		send(sam1, "quietly from the first Sam", true)
		send(preview, "from the preview", false)
		fv, pv := b.kudos(ex)
		for _, v := range []KudosView{fv, pv} {
			by := map[string]Kudo{}
			for _, k := range v.Kudos {
				by[k.Message] = k
			}
			if k := by["from the first Sam"]; k.FromName != "Sam" || k.From != sam1.ID || k.To != ann.ID {
				t.Fatalf("first Sam's kudo: %+v", k)
			}
			if k := by["from the second Sam"]; k.FromName != "Sam" || k.From != sam2.ID {
				t.Fatalf("second Sam's kudo: %+v", k)
			}
			if k := by["quietly from the first Sam"]; !k.Anonymous || k.FromName != "" || k.From != "" {
				t.Fatalf("anonymous kudo: %+v", k)
			}
			if k := by["from the preview"]; k.FromName != "Preview" || k.From != "" {
				t.Fatalf("preview's kudo: %+v", k)
			}
		}
		// What every client is sent: the anonymous kudo has no "from".
		raw := b.rawState(ex)
		for _, view := range [][]byte{raw.Facilitator, raw.Participant} {
			var w struct{ Kudos []map[string]any }
			if err := json.Unmarshal(view, &w); err != nil {
				t.Fatal(err)
			}
			for _, k := range w.Kudos {
				_, from := k["from"]
				_, fromName := k["fromName"]
				if k["anonymous"] == true && (from || fromName) {
					t.Fatalf("anonymous kudo sent with its sender: %v", k)
				}
				if k["anonymous"] == false && k["fromName"] == "Sam" && !from {
					t.Fatalf("named kudo sent without its sender's id: %v", k)
				}
			}
		}
		// What the store keeps: the anonymous kudo's document names no one.
		st, err := b.svc.Store().Load(b.ctx, b.room)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for k, d := range st.Docs {
			if strings.HasPrefix(k, kudoPrefix(ex)) && strings.Contains(string(d.Value), "quietly") {
				found = true
				for _, id := range []string{sam1.ID, sam2.ID, `"from`} {
					if strings.Contains(string(d.Value), id) {
						t.Fatalf("anonymous kudo stored with %s: %s", id, d.Value)
					}
				}
			}
		}
		if !found {
			t.Fatal("the anonymous kudo is not stored")
		}
	})
}

// TestAnonymousBoardsStoreNoLink loads everything the store holds for a
// room with anonymous cards, dots, help requests and kudos, written by
// people who also act by name, and checks that nothing that holds an
// anonymous item names, or can be joined to, its author.
func TestAnonymousBoardsStoreNoLink(t *testing.T) {
	b := newTbEnv(t, false)
	retro := b.exercise(retroSpecMap())
	help := b.exercise(map[string]any{"kind": "help", "title": "Can you help me?"})
	wall := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
	names := []string{"Zelda Quorn", "Yusuf Pemberton", "Xanthe Mbeki", "Wolfgang Tiller"}
	var people []*rooms.Member
	for _, n := range names {
		people = append(people, b.join(n))
	}
	var secrets []string // every anonymous text
	for i, p := range people {
		card := fmt.Sprintf("secret card %d", i)
		ask := fmt.Sprintf("secret ask %d", i)
		thanks := fmt.Sprintf("secret thanks %d", i)
		secrets = append(secrets, card, ask, thanks)
		b.ok(p, CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "stop", "text": card})
		b.ok(p, CmdRetroCardEdit, map[string]any{"exercise": retro, "card": b.lastCard(p), "text": card, "column": "start"})
		b.ok(p, CmdHelpRequest, map[string]any{"exercise": help, "title": ask, "detail": ask + " detail", "tags": []string{"private"}, "anonymous": true})
		b.ok(p, CmdKudosSend, map[string]any{"exercise": wall, "to": "team", "message": thanks, "anonymous": true})
		// And by name, so the same people are named elsewhere.
		b.ok(p, CmdHelpRequest, map[string]any{"exercise": help, "title": fmt.Sprintf("named ask %d", i)})
		b.ok(p, CmdKudosSend, map[string]any{"exercise": wall, "to": people[(i+1)%len(people)].ID, "message": "named thanks"})
	}
	b.ok(b.fac, CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "start", "text": "secret facilitator card"})
	secrets = append(secrets, "secret facilitator card")
	// Helpers offer by name on anonymous requests; one is accepted.
	st, _ := b.store.Load(b.ctx, b.room)
	var asks []string
	for k, d := range st.Docs {
		if strings.HasPrefix(k, requestPrefix(help)) && strings.Contains(string(d.Value), "secret ask") {
			var r HelpRequest
			_ = json.Unmarshal(d.Value, &r)
			asks = append(asks, r.ID)
		}
	}
	anonAsk := b.lastRequestOf(people[0], true)
	var offers []string
	for _, p := range people[1:] {
		var o struct{ Offer string }
		_ = json.Unmarshal(b.ok(p, CmdHelpOffer, map[string]any{"exercise": help, "request": anonAsk, "message": "offer by name"}), &o)
		offers = append(offers, o.Offer)
	}
	b.ok(people[0], CmdHelpAccept, map[string]any{"exercise": help, "request": anonAsk, "offer": offers[0]})
	b.ok(people[0], CmdHelpStep, map[string]any{"exercise": help, "request": anonAsk, "offer": offers[0], "text": "we meet"})
	for _, p := range people[:2] {
		for _, r := range asks {
			if r != anonAsk {
				_ = b.run(p, CmdHelpOffer, map[string]any{"exercise": help, "request": r, "message": "offer by name"})
			}
		}
	}
	// Dots.
	b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": retro, "phase": PhaseVote})
	_, pv := b.retro(retro)
	for i, p := range people {
		b.ok(p, CmdRetroDot, map[string]any{"exercise": retro, "item": pv.Items[i%len(pv.Items)].ID, "delta": 1})
	}

	dump, err := b.store.Dump(b.room)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(dump)
	var d struct {
		Docs     map[string]string   `json:"docs"`
		Counters map[string]int64    `json:"counters"`
		Sets     map[string][]string `json:"sets"`
		Replies  map[string]string   `json:"replies"`
		History  []rooms.Event       `json:"history"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	// What would name or join a person: id, token, name, and for the
	// facilitator also the secret.
	type mark struct{ what, s string }
	var marks []mark
	for _, p := range append(people, b.fac) {
		marks = append(marks, mark{"member id", p.ID})
		if p != b.fac {
			marks = append(marks, mark{"token", b.tokens[p.ID].Reveal()}, mark{"name", p.Name})
		}
	}
	marks = append(marks, mark{"facilitator secret", b.secret.Reveal()})
	holdsSecret := func(s string) bool {
		for _, x := range secrets {
			if strings.Contains(s, x) {
				return true
			}
		}
		return false
	}
	check := func(where, s string) {
		for _, m := range marks {
			if strings.Contains(s, m.s) {
				t.Fatalf("%s holds an anonymous item and a %s: %s", where, m.what, s)
			}
		}
	}
	found := 0
	for k, v := range d.Docs {
		if holdsSecret(v) {
			found++
			check("document "+k, k+" "+v)
		}
		// Dot allocations are anonymous too.
		if strings.HasPrefix(k, "rd:") {
			check("allocation "+k, k+" "+v)
		}
	}
	if found != len(secrets) {
		t.Fatalf("found %d anonymous items of %d", found, len(secrets))
	}
	for _, ev := range d.History {
		if holdsSecret(string(ev.Data)) || ev.Type == EvRetroDots {
			eb, _ := json.Marshal(ev)
			check("event "+ev.Type, string(eb))
		}
	}
	// Kept answers are filed under a key of their own command (its reply
	// key and id): they hold no anonymous text and no anonymous item's id.
	var anonIDs []string
	for k, v := range d.Docs {
		if holdsSecret(v) {
			anonIDs = append(anonIDs, k[strings.LastIndexByte(k, ':')+1:])
		}
	}
	for key, rep := range d.Replies {
		for _, m := range marks {
			if strings.Contains(key, m.s) {
				t.Fatalf("answers kept under a %s", m.what)
			}
		}
		if holdsSecret(rep) || slices.ContainsFunc(anonIDs, func(x string) bool { return strings.Contains(rep, x) }) {
			t.Fatalf("kept answer %s ties an anonymous item to its sender: %s", key, rep)
		}
	}
	for k := range d.Counters {
		check("counter", k)
	}
	// Anonymous kudos name nobody, not even by a stray field.
	for k, v := range d.Docs {
		if strings.HasPrefix(k, kudoPrefix(wall)) && strings.Contains(v, "secret thanks") && (strings.Contains(v, "fromName") || strings.Contains(v, "from")) {
			t.Fatalf("anonymous kudo holds its sender: %s", v)
		}
	}
	// Opaque keys differ per exercise and purpose: author keys in the
	// retro and the help board cannot be joined.
	for _, p := range people {
		a, h := p.Opaque(authorPurpose(retro)), p.Opaque(authorPurpose(help))
		if a == h || a == "" || !strings.Contains(string(raw), a) || !strings.Contains(string(raw), h) {
			t.Fatal("author keys are shared or missing")
		}
		if !strings.Contains(string(raw), p.Opaque(dotsPurpose(retro))) {
			t.Fatal("allocation key missing")
		}
	}
}

// lastRequestOf is m's last request that is (or is not) anonymous, read
// from their help.requested events.
func (b *tbEnv) lastRequestOf(m *rooms.Member, anonymous bool) string {
	b.t.Helper()
	evs := b.events(m)
	for i := len(evs) - 1; i >= 0; i-- {
		var ev requestEvent
		if evs[i].Type == EvHelpRequested && json.Unmarshal(evs[i].Data, &ev) == nil && ev.Request.Anonymous == anonymous {
			return ev.Request.ID
		}
	}
	b.t.Fatalf("no request of %s", m.Name)
	return ""
}
