package exercises

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/rooms"
)

// kudoID is the id of the kudo of message msg on wall v ("" when none).
func kudoID(v KudosView, msg string) string {
	for _, k := range v.Kudos {
		if k.Message == msg {
			return k.ID
		}
	}
	return ""
}

// Dee sent a kudo by name, then one anonymously, then one by name, and
// every phone showed them numbered in that order ("seq" 4 Dee→Bob, 3
// anonymous→Eve, 2 Dee→Ann): the anonymous kudo, between two of hers,
// was hers, on every screen, in every export and in the kept session. A
// wall is in the order of its kudos' random ids: the same for both roles,
// in the snapshot, in the JSON, CSV and Markdown exports and in the kept
// session. No kudo carries a number, none is stored with one, sending
// one adds no numbered event, and a comparison holds no kudo. On both
// stores.
func TestKudosWallKeepsNoSendingOrder(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		ann, bob, dee, eve := b.join("Ann"), b.join("Bob"), b.join("Dee"), b.join("Eve")
		wall := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
		before, err := b.st.Load(b.ctx, b.room)
		if err != nil {
			t.Fatal(err)
		}
		send := func(from, to *rooms.Member, msg string, anonymous bool) {
			b.ok(from, CmdKudosSend, map[string]any{"exercise": wall, "to": to.ID, "message": msg, "anonymous": anonymous})
		}
		send(eve, dee, "Welcome back", false)
		send(dee, ann, "For the release notes", false)
		send(dee, eve, "For listening", true)
		send(dee, bob, "For the pairing", false)
		send(bob, ann, "For the demo", false)
		sent := []string{"Welcome back", "For the release notes", "For listening", "For the pairing", "For the demo"}

		// The wall: by id, for everyone.
		fv, pv := b.kudos(wall)
		var order []string // the messages in the wall's order
		for _, k := range pv.Kudos {
			order = append(order, k.Message)
		}
		if len(order) != len(sent) || !slices.IsSortedFunc(pv.Kudos, func(a, b Kudo) int { return strings.Compare(a.ID, b.ID) }) {
			t.Fatalf("the participants' wall is not in the order of its ids: %+v", pv.Kudos)
		}
		for i, k := range fv.Kudos {
			if k.ID != pv.Kudos[i].ID {
				t.Fatalf("the facilitator's wall is in another order: %+v, participants %+v", fv.Kudos, pv.Kudos)
			}
		}
		// As sent, in the state and in the snapshot: no kudo has a number.
		inOrder := func(what string, raw []byte) {
			t.Helper()
			if got := wallMessages(t, what, raw); !slices.Equal(got, order) {
				t.Fatalf("%s in the order %q, the wall %q", what, got, order)
			}
		}
		raw := b.rawState(wall)
		inOrder("the participants' state", raw.Participant)
		inOrder("the facilitator's state", raw.Facilitator)
		inOrder("Dee's snapshot", b.snapshot(dee)[wall].State)
		inOrder("the facilitator's snapshot", b.snapshot(b.fac)[wall].State)

		// Events: sending a kudo adds none, so no event number lines the
		// kudos up, and no event holds one.
		st, err := b.st.Load(b.ctx, b.room)
		if err != nil {
			t.Fatal(err)
		}
		if st.Pos != before.Pos {
			t.Fatalf("sending kudos moved the room from event %+v to %+v", before.Pos, st.Pos)
		}
		for _, ev := range b.events(nil) {
			for _, m := range sent {
				if strings.Contains(string(ev.Data), m) {
					t.Fatalf("event %s holds a kudo: %s", ev.Type, ev.Data)
				}
			}
		}
		// The store: the kudos hold no number; the count is the limit's.
		n := 0
		for k, d := range st.Docs {
			if strings.HasPrefix(k, kudoPrefix(wall)) {
				n++
				var doc map[string]any
				if err := json.Unmarshal(d.Value, &doc); err != nil {
					t.Fatal(err)
				}
				if _, ok := doc["seq"]; ok {
					t.Fatalf("kudo stored with a number: %s", d.Value)
				}
			}
		}
		if n != len(sent) || st.Counters[kudoCountKey(wall)] != int64(len(sent)) {
			t.Fatalf("%d kudos stored, counted %d", n, st.Counters[kudoCountKey(wall)])
		}

		// The exports, in every format, in the wall's order.
		_, res := exportNow(t, b)
		exportOrder := func(what string, r *RoomResults) {
			t.Helper()
			var got []string
			for _, k := range r.Exercises[0].Kudos.Kudos {
				got = append(got, k.Message)
			}
			if !slices.Equal(got, order) {
				t.Fatalf("%s in the order %q, the wall %q", what, got, order)
			}
		}
		exportOrder("the export", res)
		js, err := res.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON RoomResults
		if err := json.Unmarshal(js, &fromJSON); err != nil {
			t.Fatal(err)
		}
		exportOrder("the JSON export", &fromJSON)
		if strings.Contains(string(js), `"seq"`) {
			t.Fatalf("the JSON export numbers the kudos:\n%s", js)
		}
		var csvOrder []string
		for _, row := range csvRows(t, res)[1:] {
			if row[3] == "kudos" {
				csvOrder = append(csvOrder, row[6])
			}
		}
		if !slices.Equal(csvOrder, order) {
			t.Fatalf("the CSV in the order %q, the wall %q", csvOrder, order)
		}
		md, err := res.Markdown()
		if err != nil {
			t.Fatal(err)
		}
		at := -1
		for _, m := range order {
			i := strings.Index(string(md), "): "+m+"\n")
			if i < at {
				t.Fatalf("the Markdown has %q out of the wall's order %q:\n%s", m, order, md)
			}
			at = i
		}

		// Kept as a session, and compared.
		s := keepNow(t, b)
		exportOrder("the kept session", s.Results)
		kept, _ := json.Marshal(s)
		if strings.Contains(string(kept), `"seq"`) || strings.Contains(string(kept), `"form"`) {
			t.Fatalf("the kept session as served:\n%s", kept)
		}
		compared, _ := json.Marshal(Compare(s, s))
		for _, m := range sent {
			if strings.Contains(string(compared), m) || strings.Contains(string(Compare(s, s).Markdown()), m) {
				t.Fatalf("the comparison holds the kudo %q:\n%s", m, compared)
			}
		}
	})
}

// A kudo stored before kudos stopped being numbered keeps its "seq" in
// the store, but no view or export shows it or orders by it.
func TestKudosStoredWithNumbersShowNone(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		ann, bob := b.join("Ann"), b.join("Bob")
		wall := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
		// Sent in the order of their numbers; their ids in another (and
		// not the reverse either).
		old := []struct {
			id, msg string
			seq     int
		}{{"c0ffee000003", "First", 1}, {"c0ffee000001", "Second, anonymous", 2}, {"c0ffee000002", "Third", 3}}
		var puts []rooms.Put
		for _, o := range old {
			doc := map[string]any{"id": o.id, "seq": o.seq, "to": bob.ID, "toName": "Bob", "anonymous": o.seq == 2, "message": o.msg}
			if o.seq != 2 {
				doc["from"], doc["fromName"] = ann.ID, "Ann"
			}
			raw, _ := json.Marshal(doc)
			puts = append(puts, rooms.Put{Key: kudoKey(wall, o.id), Value: raw})
		}
		if _, err := b.st.Apply(b.ctx, b.room, rooms.Change{Puts: puts, Touch: []string{stateKey(wall)}}); err != nil {
			t.Fatal(err)
		}
		want := []string{"Second, anonymous", "Third", "First"} // by id
		raw := b.rawState(wall)
		for role, view := range map[string][]byte{"participants": raw.Participant, "facilitators": raw.Facilitator} {
			if got := wallMessages(t, "the "+role+"' wall", view); !slices.Equal(got, want) {
				t.Fatalf("the %s' wall in the order %q, want %q", role, got, want)
			}
		}
		_, res := exportNow(t, b)
		var got []string
		for _, k := range res.Exercises[0].Kudos.Kudos {
			got = append(got, k.Message)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("the export in the order %q, want %q", got, want)
		}
	})
}

// A session kept before kudos were kept in the wall's order has them in
// the order they were sent, newest first; it is served with them in an
// order of what they say, in every format. A session kept now is served
// as it was kept.
func TestKeptSessionForgetsKudosOrder(t *testing.T) {
	eachStore(t, func(t *testing.T, b *tbEnv) {
		lib := b.st.(rooms.Library)
		// Dee's kudos as they were kept: newest first.
		kudos := func() *KudosExport {
			return &KudosExport{Kudos: []KudoExport{
				{To: "Bob", From: "Dee", Message: "For the pairing"},
				{To: "Eve", Message: "For listening", Anonymous: true},
				{To: "Ann", From: "Dee", Message: "For the release notes"},
				{To: "the team", Message: "For the team, anonymously", Team: true, Anonymous: true},
				{To: "the team", Message: "For the team, anonymously", Anonymous: true}, // to someone named "the team"
			}}
		}
		results := func() *RoomResults {
			return &RoomResults{Exercises: []ExerciseResult{{Kind: KindKudos, Title: "Thanks", Status: StatusClosed, Responses: 5, Kudos: kudos()}}}
		}
		raw, _ := json.Marshal(Session{Session: SessionSummary{ID: "old-kudos"}, Results: results()})
		if _, err := lib.LibraryPut(b.ctx, libResults, "old-kudos", raw, rooms.AnyVersion, time.Hour, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = lib.LibraryDelete(b.ctx, libResults, "old-kudos", rooms.AnyVersion) })
		s, err := GetSession(b.ctx, lib, "old-kudos", "id")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, k := range s.Results.Exercises[0].Kudos.Kudos {
			got = append(got, k.To+"|"+k.From+"|"+k.Message)
		}
		if want := []string{"Ann|Dee|For the release notes", "Bob|Dee|For the pairing", "Eve||For listening",
			"the team||For the team, anonymously", "the team||For the team, anonymously"}; !slices.Equal(got, want) {
			t.Fatalf("the old session's kudos in the order %q, want %q", got, want)
		}
		if k := s.Results.Exercises[0].Kudos.Kudos; k[3].Team || !k[4].Team {
			t.Fatalf("the kudo to the team and the one to someone of that name: %+v", k[3:])
		}
		cs, err := s.Results.CSV()
		if err != nil || strings.Index(string(cs), "For the release notes") > strings.Index(string(cs), "For the pairing") {
			t.Fatalf("the old session's CSV (%v):\n%s", err, cs)
		}

		// Kept now: served as kept.
		raw, _ = json.Marshal(keptSession{Session: SessionSummary{ID: "new-kudos"}, Results: results(), Form: keptForm})
		if _, err := lib.LibraryPut(b.ctx, libResults, "new-kudos", raw, rooms.AnyVersion, time.Hour, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = lib.LibraryDelete(b.ctx, libResults, "new-kudos", rooms.AnyVersion) })
		if s, err = GetSession(b.ctx, lib, "new-kudos", "id"); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Results.Exercises[0].Kudos.Kudos, kudos().Kudos) {
			t.Fatalf("a session kept now is reordered: %+v", s.Results.Exercises[0].Kudos.Kudos)
		}
	})
}

// The kudos a wall counts stop it at max-items, as when they were
// numbered by that count.
func TestKudosWallStopsAtMaxItems(t *testing.T) {
	b := newTbEnv(t, false)
	ann, bob := b.join("Ann"), b.join("Bob")
	wall := b.exercise(map[string]any{"kind": "kudos", "title": "Thanks"})
	max := LimitsFrom(b.svc.Limits()).MaxItems
	for range max {
		b.ok(ann, CmdKudosSend, map[string]any{"exercise": wall, "to": bob.ID, "message": "Thanks"})
	}
	b.fails(bob, CmdKudosSend, map[string]any{"exercise": wall, "to": ann.ID, "message": "one too many"}, rooms.CodeInvalid)
	if _, pv := b.kudos(wall); pv.Count != max {
		t.Fatalf("%d kudos on the wall, want %d", pv.Count, max)
	}
}

// wallMessages is the kudos' messages of a wall's view, in its order;
// it fails t if a kudo there carries a number (seq).
func wallMessages(t *testing.T, what string, raw []byte) []string {
	t.Helper()
	var w struct{ Kudos []map[string]any }
	if err := json.Unmarshal(raw, &w); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var got []string
	for _, k := range w.Kudos {
		if _, ok := k["seq"]; ok {
			t.Fatalf("%s numbers its kudos: %s", what, raw)
		}
		got = append(got, k["message"].(string))
	}
	return got
}
