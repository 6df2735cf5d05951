package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"huddle/exercises"
	"huddle/exercises/packs"
	"huddle/rooms"
)

// do sends a request with an optional body and headers, and decodes a JSON
// answer into out (when not nil).
func (ts *testServer) do(method, path string, body any, out any, header ...string) (int, http.Header, string) {
	ts.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = strings.NewReader(string(raw))
	}
	req, _ := http.NewRequest(method, ts.base+path, rd)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			ts.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode, resp.Header, string(raw)
}

type errBody struct {
	Error rooms.Error `json:"error"`
}

const pulseYAML = `schema: 1
id: team-pulse
title: Team pulse
author: Test trainer
exercises:
  - kind: survey
    title: Pulse
    minResponses: 3
    questions:
      - id: safe
        kind: scale
        prompt: I can admit a mistake here.
      - id: clear
        kind: scale
        prompt: Our goals are clear.
  - kind: retro
    title: Retro
    retro:
      columns:
        - title: Start
        - title: Stop
`

func yamlHeader() []string { return []string{"Content-Type", "application/yaml"} }

// The library: create (JSON, YAML), list, get, export, edit with versions,
// duplicate, delete, and the typed errors of each.
func TestPackLibrary(t *testing.T) {
	ts := startServer(t, nil)

	var e packs.Entry
	if st, _, body := ts.do("POST", "/api/packs", pulseYAML, &e, yamlHeader()...); st != http.StatusCreated {
		t.Fatalf("import: %d %s", st, body)
	}
	if e.Pack.ID != "team-pulse" || e.Summary.Source != packs.SourceLibrary || e.Summary.Version == "" ||
		e.Summary.Exercises != 2 || strings.Join(e.Summary.Kinds, ",") != "survey,retro" || e.Summary.Builtin {
		t.Fatalf("imported entry %+v", e.Summary)
	}
	v1 := e.Summary.Version

	// The same id again: conflict, unless replaced.
	var eb errBody
	if st, _, _ := ts.do("POST", "/api/packs", pulseYAML, &eb, yamlHeader()...); st != http.StatusConflict || eb.Error.Code != rooms.CodeConflict || eb.Error.Field != "id" {
		t.Fatalf("import twice: %d %+v", st, eb)
	}
	if st, _, _ := ts.do("POST", "/api/packs?replace=1", pulseYAML, &e, yamlHeader()...); st != http.StatusCreated || e.Summary.Version == v1 {
		t.Fatalf("import with replace: %d %+v", st, e.Summary)
	}
	v1 = e.Summary.Version
	// A built-in's id is never taken, even with replace.
	builtinYAML := strings.Replace(pulseYAML, "id: team-pulse", "id: building-trust", 1)
	if st, _, _ := ts.do("POST", "/api/packs?replace=1", builtinYAML, &eb, yamlHeader()...); st != http.StatusConflict || eb.Error.Field != "id" {
		t.Fatalf("taking a built-in's id: %d %+v", st, eb)
	}

	// An invalid YAML file: every problem, with its line.
	bad := strings.Replace(pulseYAML, "kind: survey", "kind: surwey", 1)
	bad = strings.Replace(bad, "title: Team pulse", "title: \"\"", 1)
	eb = errBody{}
	if st, _, body := ts.do("POST", "/api/packs", bad, &eb, yamlHeader()...); st != http.StatusBadRequest || eb.Error.Code != rooms.CodeInvalid || len(eb.Error.Problems) != 2 {
		t.Fatalf("invalid import: %d %s", st, body)
	}
	lines := map[string]int{}
	for _, p := range eb.Error.Problems {
		lines[p.Field] = p.Line
	}
	if lines["title"] != 3 || lines["exercises[0].kind"] != 6 {
		t.Fatalf("problems %+v, want title at line 3 and exercises[0].kind at line 6", eb.Error.Problems)
	}

	// JSON: an empty id is made from the title, unique.
	spec := map[string]any{"kind": "poll", "title": "Lunch", "questions": []any{map[string]any{"kind": "choice", "options": []any{map[string]any{"label": "Soup"}, map[string]any{"label": "Pizza"}}}}}
	for i, want := range []string{"friday-check-in", "friday-check-in-2"} {
		var je packs.Entry
		if st, _, body := ts.do("POST", "/api/packs", map[string]any{"pack": map[string]any{"title": "Friday check-in!", "exercises": []any{spec}}}, &je); st != http.StatusCreated || je.Pack.ID != want || je.Pack.Schema != 1 {
			t.Fatalf("create %d: %d %s, want id %s", i, st, body, want)
		}
	}
	// JSON problems name fields, without lines.
	eb = errBody{}
	if st, _, body := ts.do("POST", "/api/packs", map[string]any{"pack": map[string]any{"title": "x", "exercises": []any{}}}, &eb); st != http.StatusBadRequest || eb.Error.Field != "exercises" || eb.Error.Problems[0].Line != 0 {
		t.Fatalf("empty pack: %d %s", st, body)
	}
	if st, _, _ := ts.do("POST", "/api/packs", `{"pack": 5}`, &eb); st != http.StatusBadRequest {
		t.Fatalf("pack of the wrong type: %d", st)
	}
	if st, _, _ := ts.do("POST", "/api/packs", `{}`, &eb); st != http.StatusBadRequest || eb.Error.Field != "pack" {
		t.Fatalf("no pack: %d %+v", st, eb)
	}
	if st, _, _ := ts.do("POST", "/api/packs", strings.Repeat("#", packs.MaxFileSize+1), &eb, yamlHeader()...); st != http.StatusRequestEntityTooLarge {
		t.Fatalf("a too large file: %d", st)
	}

	// The list: built-ins first, then the library by title.
	var list []packs.Summary
	if st, _, _ := ts.do("GET", "/api/packs", nil, &list); st != http.StatusOK {
		t.Fatal(st)
	}
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	want := "building-trust,rebuilding-trust,start-stop-continue,mad-sad-glad,liked-learned-lacked-longed,friday-check-in,friday-check-in-2,team-pulse"
	if strings.Join(ids, ",") != want {
		t.Fatalf("list %v\nwant %s", ids, want)
	}
	if !list[0].Builtin || list[0].Version != "" || list[7].UpdatedAt == nil {
		t.Fatalf("summaries %+v %+v", list[0], list[7])
	}

	// Export, then import under another id: lossless.
	st, hdr, exported := ts.do("GET", "/api/packs/team-pulse?format=yaml", nil, nil)
	if st != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/yaml") || !strings.Contains(hdr.Get("Content-Disposition"), "team-pulse.yaml") {
		t.Fatalf("export: %d %v", st, hdr)
	}
	orig, err := packs.Parse("x", []byte(pulseYAML))
	if err != nil {
		t.Fatal(err)
	}
	again, err := packs.Parse("exported", []byte(exported))
	if err != nil {
		t.Fatalf("exported file does not parse: %v\n%s", err, exported)
	}
	a, _ := json.Marshal(orig)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Fatalf("export is not lossless:\n%s\n%s", a, b)
	}
	if st, _, _ := ts.do("GET", "/api/packs/building-trust?format=yaml", nil, nil); st != http.StatusOK {
		t.Fatalf("export of a built-in: %d", st)
	}

	// Edit: at the current version; a stale version is a conflict that
	// changes nothing.
	var got packs.Entry
	ts.do("GET", "/api/packs/team-pulse", nil, &got)
	got.Pack.Title = "Team pulse (v2)"
	got.Pack.Exercises = got.Pack.Exercises[:1]
	var edited packs.Entry
	if st, _, body := ts.do("PUT", "/api/packs/team-pulse", map[string]any{"pack": got.Pack, "version": v1}, &edited); st != http.StatusOK || edited.Summary.Version == v1 || edited.Summary.Exercises != 1 {
		t.Fatalf("edit: %d %s", st, body)
	}
	got.Pack.Title = "Lost edit"
	eb = errBody{}
	if st, _, _ := ts.do("PUT", "/api/packs/team-pulse", map[string]any{"pack": got.Pack, "version": v1}, &eb); st != http.StatusConflict || eb.Error.Field != "version" {
		t.Fatalf("stale edit: %d %+v", st, eb)
	}
	ts.do("GET", "/api/packs/team-pulse", nil, &got)
	if got.Pack.Title != "Team pulse (v2)" {
		t.Fatalf("a stale edit changed the pack: %q", got.Pack.Title)
	}
	got.Pack.ID = "other"
	if st, _, _ := ts.do("PUT", "/api/packs/team-pulse", map[string]any{"pack": got.Pack}, &eb); st != http.StatusBadRequest || eb.Error.Field != "id" {
		t.Fatalf("edit changing the id: %d %+v", st, eb)
	}
	var bt packs.Entry
	ts.do("GET", "/api/packs/building-trust", nil, &bt)
	if st, _, _ := ts.do("PUT", "/api/packs/building-trust", map[string]any{"pack": bt.Pack}, &eb); st != http.StatusForbidden {
		t.Fatalf("editing a built-in: %d", st)
	}

	// Duplicate a built-in to adapt it.
	var dup packs.Entry
	if st, _, body := ts.do("POST", "/api/packs/building-trust/duplicate", nil, &dup); st != http.StatusCreated ||
		dup.Pack.ID != "building-trust-copy" || dup.Pack.Title != "Building trust (copy)" || len(dup.Pack.Exercises) != 7 || dup.Summary.Builtin {
		t.Fatalf("duplicate: %d %s", st, body)
	}
	if st, _, _ := ts.do("POST", "/api/packs/building-trust/duplicate", map[string]any{"id": "team-pulse"}, &eb); st != http.StatusConflict {
		t.Fatalf("duplicate onto a taken id: %d", st)
	}
	if st, _, _ := ts.do("POST", "/api/packs/nope/duplicate", nil, &eb); st != http.StatusNotFound {
		t.Fatalf("duplicate of nothing: %d", st)
	}

	// Delete: built-ins never; a stale version is a conflict.
	if st, _, _ := ts.do("DELETE", "/api/packs/building-trust", nil, &eb); st != http.StatusForbidden {
		t.Fatalf("deleting a built-in: %d", st)
	}
	if st, _, _ := ts.do("DELETE", "/api/packs/team-pulse?version="+v1, nil, &eb); st != http.StatusConflict {
		t.Fatalf("stale delete: %d", st)
	}
	if st, _, _ := ts.do("DELETE", "/api/packs/team-pulse?version="+edited.Summary.Version, nil, nil); st != http.StatusNoContent {
		t.Fatalf("delete: %d", st)
	}
	if st, _, _ := ts.do("GET", "/api/packs/team-pulse", nil, &eb); st != http.StatusNotFound || eb.Error.Code != rooms.CodeNotFound {
		t.Fatalf("deleted pack: %d %+v", st, eb)
	}
	if st, _, _ := ts.do("DELETE", "/api/packs/team-pulse", nil, &eb); st != http.StatusNotFound {
		t.Fatalf("delete twice: %d", st)
	}
}

// With a host key, the library needs it; the room's facilitator saves an
// agenda with the room's secret alone.
func TestPackLibraryHostKey(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.HostKey = "trainer-key" })
	var eb errBody
	for _, path := range []string{"/api/packs", "/api/packs/building-trust", "/api/sessions", "/api/compare?a=x&b=y"} {
		if st, _, _ := ts.do("GET", path, nil, &eb); st != http.StatusUnauthorized || eb.Error.Code != rooms.CodeHostKey {
			t.Fatalf("GET %s without the key: %d %+v", path, st, eb)
		}
		if st, _, _ := ts.do("GET", path, nil, &eb, "Authorization", "Bearer wrong"); st != http.StatusUnauthorized {
			t.Fatalf("GET %s with a wrong key: %d", path, st)
		}
	}
	if st, _, _ := ts.do("GET", "/api/packs", nil, nil, "Authorization", "Bearer trainer-key"); st != http.StatusOK {
		t.Fatalf("with the key: %d", st)
	}
	if st, _, _ := ts.do("GET", "/api/packs", nil, nil, "X-Host-Key", "trainer-key"); st != http.StatusOK {
		t.Fatalf("with X-Host-Key: %d", st)
	}
	if st, _, _ := ts.do("POST", "/api/packs", pulseYAML, &eb, yamlHeader()...); st != http.StatusUnauthorized {
		t.Fatalf("import without the key: %d", st)
	}
	var room CreateRoomResponse
	if st, _, _ := ts.do("POST", "/api/rooms", CreateRoomRequest{Pack: "mad-sad-glad"}, &room, "Authorization", "Bearer trainer-key"); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	var e packs.Entry
	if st, _, body := ts.do("POST", "/api/rooms/"+room.Room.Code+"/pack", map[string]any{"title": "Our retro"}, &e, "Authorization", "Bearer "+room.Facilitator.Secret); st != http.StatusCreated || e.Pack.ID != "our-retro" {
		t.Fatalf("save agenda: %d %s", st, body)
	}
}

// "Save this room's agenda as a pack" keeps the agenda as edited, in order.
func TestSaveAgendaAsPack(t *testing.T) {
	ts := startServer(t, nil)
	var room CreateRoomResponse
	ts.post("/api/rooms", CreateRoomRequest{Pack: "building-trust"}, &room)
	fac := ts.dial(t)
	w := fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	var sec exercises.SnapshotSection
	_ = json.Unmarshal(w.Snapshot.Sections[exercises.SectionExercises], &sec)
	// Drop the first exercise and move the last to the front.
	first, last := sec.Agenda.Items[0], sec.Agenda.Items[len(sec.Agenda.Items)-1]
	if m := fac.cmd("rm", exercises.CmdAgendaRemove, map[string]any{"exercise": first}); m.Type != "ack" {
		t.Fatalf("remove: %s", m.Raw)
	}
	if m := fac.cmd("mv", exercises.CmdAgendaMove, map[string]any{"exercise": last, "to": 0}); m.Type != "ack" {
		t.Fatalf("move: %s", m.Raw)
	}
	auth := []string{"Authorization", "Bearer " + room.Facilitator.Secret}
	var e packs.Entry
	if st, _, body := ts.do("POST", "/api/rooms/"+room.Room.ID+"/pack", map[string]any{"id": "trust-short", "author": "Me"}, &e, auth...); st != http.StatusCreated {
		t.Fatalf("save: %d %s", st, body)
	}
	var titles []string
	for _, s := range e.Pack.Exercises {
		titles = append(titles, s.Title)
	}
	bt := packs.Find("building-trust")
	if len(titles) != 6 || titles[0] != bt.Exercises[6].Title || titles[1] != bt.Exercises[1].Title || e.Pack.Title != "Building trust" || e.Pack.Author != "Me" {
		t.Fatalf("saved %q %v", e.Pack.Title, titles)
	}
	if e.Pack.Exercises[1].Notes == "" {
		t.Fatal("facilitator notes were not kept")
	}
	// The saved pack starts a room of its own.
	var again CreateRoomResponse
	if st := ts.post("/api/rooms", CreateRoomRequest{Pack: "trust-short"}, &again); st != http.StatusCreated {
		t.Fatalf("room from the saved pack: %d", st)
	}

	var eb errBody
	j := ts.join(room.Room.Code, "Pat")
	if st, _, _ := ts.do("POST", "/api/rooms/"+room.Room.ID+"/pack", nil, &eb, "Authorization", "Bearer "+j.Token); st != http.StatusForbidden {
		t.Fatalf("a participant saving the agenda: %d", st)
	}
	if st, _, _ := ts.do("POST", "/api/rooms/"+room.Room.ID+"/pack", nil, &eb); st != http.StatusUnauthorized || eb.Error.Code != rooms.CodeBadToken {
		t.Fatalf("no secret: %d %+v", st, eb)
	}
	empty := ts.createRoom("Empty")
	if st, _, _ := ts.do("POST", "/api/rooms/"+empty.Room.ID+"/pack", nil, &eb, "Authorization", "Bearer "+empty.Facilitator.Secret); st != http.StatusBadRequest || eb.Error.Code != rooms.CodeInvalid {
		t.Fatalf("empty agenda: %d %+v", st, eb)
	}
}

// runPulse runs one session of the team-pulse pack: each participant
// rates the two questions, then the facilitator ends the room. It returns
// the room.
func runPulse(t *testing.T, ts *testServer, ratings [][2]int) CreateRoomResponse {
	room, _ := runPulseIDs(t, ts, ratings)
	return room
}

// runPulseIDs is runPulse, also returning every participant's id and token.
func runPulseIDs(t *testing.T, ts *testServer, ratings [][2]int) (CreateRoomResponse, []string) {
	t.Helper()
	var room CreateRoomResponse
	if st := ts.post("/api/rooms", CreateRoomRequest{Pack: "team-pulse"}, &room); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	fac := ts.dial(t)
	w := fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	var sec exercises.SnapshotSection
	_ = json.Unmarshal(w.Snapshot.Sections[exercises.SectionExercises], &sec)
	pulse := sec.Agenda.Items[0]
	if m := fac.cmd("open", exercises.CmdOpen, map[string]any{"exercise": pulse}); m.Type != "ack" {
		t.Fatalf("open: %s", m.Raw)
	}
	var ids []string
	for i, r := range ratings {
		j := ts.join(room.Room.Code, fmt.Sprint("Person ", i))
		ids = append(ids, j.Member.ID, j.Token)
		p := ts.dial(t)
		p.hello(j.Room.ID, j.Token, nil)
		ballot := map[string]any{"answers": map[string]any{"safe": map[string]any{"value": r[0]}, "clear": map[string]any{"value": r[1]}}}
		if m := p.cmd("v", exercises.CmdAnswer, answer(pulse, ballot)); m.Type != "ack" {
			t.Fatalf("answer: %s", m.Raw)
		}
	}
	fac.cmd("show", exercises.CmdShow, map[string]any{"exercise": pulse})
	if m := fac.cmd("end", rooms.CmdRoomEnd, nil); m.Type != "ack" {
		t.Fatalf("end: %s", m.Raw)
	}
	return room, ids
}

// Two sessions of one pack are kept when their rooms end, outlive the
// rooms, and compare per question; anonymity holds in what is kept.
func TestSessionsCompare(t *testing.T) {
	// Short enough to see the rooms expire, long enough that a room in
	// use never does on a loaded machine: with 300 ms, a full `go test
	// -race ./...` once stalled the node's touches (every ttl/4) and a
	// join's hello found its room gone (bad_token); with 1.5 s it did
	// once more, with the browser tests running beside it.
	ts := startServer(t, func(c *Config) { c.Limits.RoomIdleTTL = 4 * time.Second })
	if st, _, body := ts.do("POST", "/api/packs", pulseYAML, nil, yamlHeader()...); st != http.StatusCreated {
		t.Fatalf("import: %d %s", st, body)
	}
	first, who := runPulseIDs(t, ts, [][2]int{{2, 4}, {3, 4}, {1, 5}})
	time.Sleep(1100 * time.Millisecond) // sessions are listed by end time, to the second
	second := runPulse(t, ts, [][2]int{{4, 4}, {4, 3}, {5, 5}})

	var list []exercises.SessionSummary
	if st, _, _ := ts.do("GET", "/api/sessions?pack=team-pulse", nil, &list); st != http.StatusOK || len(list) != 2 {
		t.Fatalf("sessions: %d %+v", st, list)
	}
	if list[0].ID != second.Room.ID || list[1].ID != first.Room.ID || list[0].PackTitle != "Team pulse" || list[0].Participants != 3 || list[0].Exercises != 2 {
		t.Fatalf("sessions, newest first: %+v", list)
	}
	if st, _, _ := ts.do("GET", "/api/sessions?pack=other", nil, &list); st != http.StatusOK || len(list) != 0 {
		t.Fatalf("sessions of another pack: %+v", list)
	}

	// The rooms expire; their sessions stay.
	eventually(t, "the rooms to expire", func() bool {
		st, _ := ts.get("/api/rooms/" + first.Room.Code)
		return st == http.StatusNotFound
	})
	var sess exercises.Session
	st, _, raw := ts.do("GET", "/api/sessions/"+first.Room.ID, nil, &sess)
	if st != http.StatusOK || sess.Results == nil || len(sess.Results.Exercises) != 2 || sess.Results.Exercises[0].Responses != 3 {
		t.Fatalf("session: %d %s", st, raw)
	}
	// Nothing in the kept session names or identifies a voter.
	for _, leak := range append([]string{"Person ", first.Facilitator.Secret, first.Facilitator.ID}, who...) {
		if strings.Contains(raw, leak) {
			t.Fatalf("the kept session holds %q:\n%s", leak, raw)
		}
	}
	for format, ctype := range map[string]string{"csv": "text/csv", "md": "text/markdown"} {
		st, hdr, body := ts.do("GET", "/api/sessions/"+first.Room.ID+"?format="+format, nil, nil)
		if st != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), ctype) || !strings.Contains(body, "I can admit a mistake here.") {
			t.Fatalf("session as %s: %d %v\n%s", format, st, hdr, body)
		}
	}

	var c exercises.Comparison
	if st, _, body := ts.do("GET", "/api/compare?a="+first.Room.ID+"&b="+second.Room.ID, nil, &c); st != http.StatusOK {
		t.Fatalf("compare: %d %s", st, body)
	}
	if len(c.Exercises) != 2 || c.Exercises[0].Title != "Pulse" || len(c.Exercises[0].Questions) != 2 {
		t.Fatalf("comparison %+v", c)
	}
	q := c.Exercises[0].Questions[0]
	if q.A == nil || q.B == nil || *q.A.Mean != 2 || *q.B.Mean != 13.0/3 || q.MeanDelta == nil || fmt.Sprintf("%.2f", *q.MeanDelta) != "2.33" {
		t.Fatalf("question %+v", q)
	}
	q = c.Exercises[0].Questions[1]
	if *q.A.Mean != 13.0/3 || *q.B.Mean != 4 || fmt.Sprintf("%.2f", *q.MeanDelta) != "-0.33" {
		t.Fatalf("question %+v", q)
	}
	// The retro is on both agendas and was opened in neither: both sides
	// are there, with no table of columns and actions (nothing to count).
	r := c.Exercises[1]
	if r.Kind != exercises.KindRetro || r.A == nil || r.B == nil || len(r.Columns) != 0 || r.Actions != nil {
		t.Fatalf("retro comparison %+v", r)
	}
	st, _, md := ts.do("GET", "/api/compare?a="+first.Room.ID+"&b="+second.Room.ID+"&format=md", nil, nil)
	if st != http.StatusOK || !strings.Contains(md, "| I can admit a mistake here. | 2.00 | 4.33 | +2.33 | 3 | 3 |") {
		t.Fatalf("compare as Markdown: %d\n%s", st, md)
	}

	var eb errBody
	if st, _, _ := ts.do("GET", "/api/compare?a="+first.Room.ID+"&b=nope", nil, &eb); st != http.StatusNotFound || eb.Error.Field != "b" {
		t.Fatalf("compare with a missing session: %d %+v", st, eb)
	}
	if st, _, _ := ts.do("GET", "/api/compare?a="+first.Room.ID+"&b="+second.Room.ID+"&format=pdf", nil, &eb); st != http.StatusBadRequest || eb.Error.Field != "format" {
		t.Fatalf("compare in another format: %d %+v", st, eb)
	}
	if st, _, _ := ts.do("DELETE", "/api/sessions/"+first.Room.ID, nil, nil); st != http.StatusNoContent {
		t.Fatalf("delete session: %d", st)
	}
	if st, _, _ := ts.do("GET", "/api/sessions/"+first.Room.ID, nil, &eb); st != http.StatusNotFound {
		t.Fatalf("deleted session: %d", st)
	}
	if st, _, _ := ts.do("DELETE", "/api/sessions/"+first.Room.ID, nil, &eb); st != http.StatusNotFound {
		t.Fatalf("delete twice: %d", st)
	}
}

// results-ttl 0 keeps no session.
func TestSessionsOff(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.ResultsTTL = 0 })
	ts.do("POST", "/api/packs", pulseYAML, nil, yamlHeader()...)
	runPulse(t, ts, [][2]int{{1, 1}, {2, 2}, {3, 3}})
	var list []exercises.SessionSummary
	if ts.do("GET", "/api/sessions", nil, &list); len(list) != 0 {
		t.Fatalf("sessions kept with results-ttl 0: %+v", list)
	}
}

// Two nodes on one Redis share the library and the sessions.
func TestLibraryAcrossNodes(t *testing.T) {
	nodes, _ := startNodes(t, 2, nil)
	if st, _, body := nodes[0].do("POST", "/api/packs", pulseYAML, nil, yamlHeader()...); st != http.StatusCreated {
		t.Fatalf("import on node 0: %d %s", st, body)
	}
	var e packs.Entry
	if st, _, _ := nodes[1].do("GET", "/api/packs/team-pulse", nil, &e); st != http.StatusOK || e.Summary.Exercises != 2 {
		t.Fatalf("node 1 does not see the pack: %d", st)
	}
	room := runPulse(t, nodes[1], [][2]int{{1, 2}, {3, 4}, {5, 5}})
	var list []exercises.SessionSummary
	if st, _, _ := nodes[0].do("GET", "/api/sessions?pack=team-pulse", nil, &list); st != http.StatusOK || len(list) != 1 || list[0].ID != room.Room.ID {
		t.Fatalf("node 0 does not see the session kept by node 1: %+v", list)
	}
}

// The library's size is bounded: creates, imports with replace and
// duplicates all stop at max-packs; replacing a pack is not adding one.
func TestPackLibraryLimit(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxPacks = 2 })
	var eb errBody
	for _, id := range []string{"one", "two"} {
		if st, _, body := ts.do("POST", "/api/packs", strings.Replace(pulseYAML, "id: team-pulse", "id: "+id, 1), nil, yamlHeader()...); st != http.StatusCreated {
			t.Fatalf("create %s: %d %s", id, st, body)
		}
	}
	for _, try := range []struct{ method, path, body string }{
		{"POST", "/api/packs", strings.Replace(pulseYAML, "id: team-pulse", "id: three", 1)},
		{"POST", "/api/packs?replace=1", strings.Replace(pulseYAML, "id: team-pulse", "id: three", 1)},
		{"POST", "/api/packs/building-trust/duplicate", ""},
	} {
		eb = errBody{}
		if st, _, body := ts.do(try.method, try.path, try.body, &eb, yamlHeader()...); st != http.StatusBadRequest || eb.Error.Code != rooms.CodeInvalid || !strings.Contains(eb.Error.Message, "limit of 2 packs") {
			t.Fatalf("%s %s at the limit: %d %s", try.method, try.path, st, body)
		}
	}
	if st, _, body := ts.do("POST", "/api/packs?replace=1", strings.Replace(pulseYAML, "id: team-pulse", "id: one", 1), nil, yamlHeader()...); st != http.StatusCreated {
		t.Fatalf("replace at the limit: %d %s", st, body)
	}
}

// Every changing library route needs the host key; a page of another site
// cannot change the library even when there is no key.
func TestLibraryGuards(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.HostKey = "trainer-key" })
	key := []string{"Authorization", "Bearer trainer-key"}
	if st, _, _ := ts.do("POST", "/api/packs", pulseYAML, nil, append(yamlHeader(), key...)...); st != http.StatusCreated {
		t.Fatalf("import with the key: %d", st)
	}
	var eb errBody
	for _, try := range []struct{ method, path string }{
		{"PUT", "/api/packs/team-pulse"}, {"DELETE", "/api/packs/team-pulse"},
		{"POST", "/api/packs/team-pulse/duplicate"}, {"DELETE", "/api/sessions/x"},
		{"GET", "/api/sessions/x"}, {"GET", "/api/packs/team-pulse?format=yaml"},
	} {
		if st, _, _ := ts.do(try.method, try.path, nil, &eb); st != http.StatusUnauthorized || eb.Error.Code != rooms.CodeHostKey {
			t.Fatalf("%s %s without the key: %d %+v", try.method, try.path, st, eb)
		}
	}
	open := startServer(t, nil)
	evil := []string{"Origin", "http://evil.example"}
	if st, _, _ := open.do("POST", "/api/packs", pulseYAML, &eb, append(yamlHeader(), evil...)...); st != http.StatusForbidden || eb.Error.Code != rooms.CodeForbidden {
		t.Fatalf("a cross-site import: %d %+v", st, eb)
	}
	if st, _, _ := open.do("POST", "/api/packs/building-trust/duplicate", nil, &eb, evil...); st != http.StatusForbidden {
		t.Fatalf("a cross-site duplicate: %d", st)
	}
	if st, _, _ := open.do("GET", "/api/packs", nil, nil, evil...); st != http.StatusOK {
		t.Fatalf("a cross-site read: %d", st)
	}
	own := []string{"Origin", open.base}
	if st, _, body := open.do("POST", "/api/packs", pulseYAML, nil, append(yamlHeader(), own...)...); st != http.StatusCreated {
		t.Fatalf("an import from the server's own page: %d %s", st, body)
	}
}

// The facilitator keeps a room's results now: while it runs, again after
// it ended; not when the server keeps none.
func TestKeepSessionNow(t *testing.T) {
	ts := startServer(t, nil)
	room := ts.createRoom("Keep me")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	addPoll(t, fac, 1)
	auth := []string{"Authorization", "Bearer " + room.Facilitator.Secret}
	var sum exercises.SessionSummary
	if st, _, body := ts.do("POST", "/api/rooms/"+room.Room.Code+"/session", nil, &sum, auth...); st != http.StatusCreated || sum.ID != room.Room.ID || sum.Exercises != 1 || sum.Title != "Keep me" ||
		sum.ExpiresAt.Sub(sum.EndedAt) != ts.cfg.ResultsTTL {
		t.Fatalf("keep now: %d %s", st, body)
	}
	var list []exercises.SessionSummary
	if ts.do("GET", "/api/sessions", nil, &list); len(list) != 1 {
		t.Fatalf("sessions %+v", list)
	}
	fac.cmd("end", rooms.CmdRoomEnd, nil)
	if st, _, _ := ts.do("POST", "/api/rooms/"+room.Room.ID+"/session", nil, &sum, auth...); st != http.StatusCreated {
		t.Fatalf("keep after the end: %d", st)
	}
	if ts.do("GET", "/api/sessions", nil, &list); len(list) != 1 {
		t.Fatalf("keeping again made another session: %+v", list)
	}
	var eb errBody
	j := ts.join(ts.createRoom("Other").Room.Code, "P")
	if st, _, _ := ts.do("POST", "/api/rooms/"+j.Room.ID+"/session", nil, &eb, "Authorization", "Bearer "+j.Token); st != http.StatusForbidden {
		t.Fatalf("a participant keeping results: %d", st)
	}
	off := startServer(t, func(c *Config) { c.ResultsTTL = 0 })
	r2 := off.createRoom("Not kept")
	if st, _, _ := off.do("POST", "/api/rooms/"+r2.Room.ID+"/session", nil, &eb, "Authorization", "Bearer "+r2.Facilitator.Secret); st != http.StatusBadRequest || eb.Error.Code != rooms.CodeInvalid {
		t.Fatalf("keep with results-ttl 0: %d %+v", st, eb)
	}
}

// A keep that loaded the room while it ran and writes after the room's
// end kept its own does not leave the session as it was before the end
// (an open exercise "open", no end time): it sees the end and keeps the
// ended room's results.
func TestKeepRacingTheEnd(t *testing.T) {
	ts := startServer(t, nil)
	ctx := t.Context()
	room := ts.createRoom("Race")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	addPoll(t, fac, 1)
	raced := false
	ts.keptLoaded = func() {
		if raced {
			return
		}
		raced = true
		// The end lands, and keeps its session, between this keep's load
		// and its write.
		fm, _, err := ts.svc.Authenticate(ctx, room.Room.ID, rooms.Secret(room.Facilitator.Secret))
		if err != nil {
			t.Error(err)
			return
		}
		if o := ts.svc.Execute(ctx, room.Room.ID, fm, rooms.Command{ID: "end", Type: rooms.CmdRoomEnd}); o.Code != "" {
			t.Errorf("end: %s", o.Reply)
		}
	}
	auth := []string{"Authorization", "Bearer " + room.Facilitator.Secret}
	var sum exercises.SessionSummary
	if st, _, body := ts.do("POST", "/api/rooms/"+room.Room.ID+"/session", nil, &sum, auth...); st != http.StatusCreated || !raced {
		t.Fatalf("keep: %d %s (raced %v)", st, body, raced)
	}
	kept, err := exercises.GetSession(ctx, ts.store, room.Room.ID, "session")
	if err != nil {
		t.Fatal(err)
	}
	if r := kept.Results; !r.Ended || r.EndedAt == "" || r.Exercises[0].Status != exercises.StatusClosed || sum.EndedAt.IsZero() || !sum.EndedAt.Equal(kept.Session.EndedAt) {
		t.Fatalf("kept after racing the end: ended %v at %q, status %s; answered %+v", r.Ended, r.EndedAt, r.Exercises[0].Status, sum)
	}
}

// A pack that does not fit this server's stricter limits is refused before
// any room is made, naming the pack in curly quotes.
func TestPackOverServerLimits(t *testing.T) {
	for _, c := range []struct {
		cfg  func(*Config)
		want string
	}{
		{func(c *Config) { c.Limits.MaxTextLen = 30 }, "exercise 1 of pack “building-trust” does not fit this server's limits: "},
		{func(c *Config) { c.Exercises.MaxItems = 3 }, "pack “building-trust” has 7 exercises; an agenda on this server holds at most 3"},
		// A raised floor is met by raising the votes, not another limit.
		{func(c *Config) { c.Exercises.MinAnonymous, c.Limits.MaxTextLen = 5, 30 }, "exercise 1 of pack “building-trust” does not fit this server's limits: "},
	} {
		ts := startServer(t, c.cfg)
		var eb errBody
		if st, _, body := ts.do("POST", "/api/rooms", CreateRoomRequest{Pack: "building-trust"}, &eb); st != http.StatusBadRequest || eb.Error.Field != "pack" || !strings.HasPrefix(eb.Error.Message, c.want) {
			t.Errorf("a pack over the limits: %d %s, want %s…", st, body, c.want)
		}
		if n, _ := ts.store.CountRooms(t.Context()); n != 0 {
			t.Fatalf("%d rooms left behind", n)
		}
	}
}

// Every built-in pack runs end to end: a room starts from it, five
// participants answer every vote and write a card in every retro, the
// facilitator steps through the whole agenda (open, show, close, next) and
// ends the room, and the kept session holds every exercise of the pack, in
// order, with its answers.
func TestBuiltinPacksRunEndToEnd(t *testing.T) {
	ts := startServer(t, nil)
	for _, p := range packs.Builtin() {
		t.Run(p.ID, func(t *testing.T) {
			var room CreateRoomResponse
			if st := ts.post("/api/rooms", CreateRoomRequest{Pack: p.ID}, &room); st != http.StatusCreated {
				t.Fatalf("create: %d", st)
			}
			fac := ts.dial(t)
			w := fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
			var sec exercises.SnapshotSection
			_ = json.Unmarshal(w.Snapshot.Sections[exercises.SectionExercises], &sec)
			if len(sec.Agenda.Items) != len(p.Exercises) || sec.Agenda.Current != sec.Agenda.Items[0] {
				t.Fatalf("agenda %+v for %d exercises", sec.Agenda, len(p.Exercises))
			}
			people := ts.phones(t, room, "P", 5)
			ok := func(c *client, id, typ string, data any) {
				t.Helper()
				if m := c.cmd(id, typ, data); m.Type != "ack" {
					t.Fatalf("%s: %s", typ, m.Raw)
				}
			}
			for i, v := range sec.Exercises {
				e := v.Exercise
				ok(fac, fmt.Sprint("open", i), exercises.CmdOpen, map[string]any{"exercise": e.ID})
				for k, c := range people {
					id := fmt.Sprint("a", i)
					switch {
					case e.Kind == exercises.KindWords:
						ok(c, id, exercises.CmdAnswer, answer(e.ID, map[string]any{"words": []string{fmt.Sprint("word", k)}}))
					case e.Kind == exercises.KindText:
						ok(c, id, exercises.CmdAnswer, answer(e.ID, map[string]any{"text": "a thought"}))
					case e.Kind.IsVote():
						answers := map[string]any{}
						for _, q := range e.Questions {
							if q.Kind == "scale" {
								answers[q.ID] = map[string]any{"value": q.Min + k%(q.Max-q.Min+1)}
							} else {
								answers[q.ID] = map[string]any{"choices": []string{q.Options[k%len(q.Options)].ID}}
							}
						}
						ok(c, id, exercises.CmdAnswer, answer(e.ID, map[string]any{"answers": answers}))
					case e.Kind == exercises.KindRetro:
						ok(c, id, exercises.CmdRetroCardAdd, map[string]any{"exercise": e.ID, "column": e.Retro.Columns[k%len(e.Retro.Columns)].ID, "text": fmt.Sprint("card ", k)})
					}
				}
				if e.Kind == exercises.KindRetro {
					// A retro shows its results once its cards are
					// revealed (never while each is its author's alone).
					ok(fac, fmt.Sprint("discuss", i), exercises.CmdRetroPhase, map[string]any{"exercise": e.ID, "phase": exercises.PhaseDiscuss})
				}
				ok(fac, fmt.Sprint("show", i), exercises.CmdShow, map[string]any{"exercise": e.ID})
				ok(fac, fmt.Sprint("close", i), exercises.CmdClose, map[string]any{"exercise": e.ID})
				if i+1 < len(sec.Exercises) {
					ok(fac, fmt.Sprint("next", i), exercises.CmdAgendaNext, nil)
				}
			}
			ok(fac, "end", rooms.CmdRoomEnd, nil)
			var sess exercises.Session
			if st, _, body := ts.do("GET", "/api/sessions/"+room.Room.ID, nil, &sess); st != http.StatusOK {
				t.Fatalf("session: %d %s", st, body)
			}
			if sess.Session.Pack != p.ID || len(sess.Results.Exercises) != len(p.Exercises) || sess.Results.Participants != 5 {
				t.Fatalf("session %+v with %d exercises", sess.Session, len(sess.Results.Exercises))
			}
			for i, e := range sess.Results.Exercises {
				if e.Title != p.Exercises[i].Title || e.Kind != p.Exercises[i].Kind {
					t.Fatalf("exercise %d: %s %q, want %s %q", i, e.Kind, e.Title, p.Exercises[i].Kind, p.Exercises[i].Title)
				}
				if (e.Kind.IsVote() || e.Kind == exercises.KindRetro) && e.Responses != 5 {
					t.Fatalf("exercise %d (%s): %d responses, want 5", i, e.Title, e.Responses)
				}
				if e.Vote != nil && e.Vote.Hidden {
					t.Fatalf("exercise %d (%s): results hidden with 5 answers", i, e.Title)
				}
			}
		})
	}
}

// A kept session's end time is the room's: keeping the same room's
// results again, a second later (a re-sent room.end, the background retry,
// the console's POST), gives the same endedAt and expiresAt, on the
// embedded store and on Redis. A room ended by a version that did not
// record its end time is kept with the time it is kept.
func TestKeptSessionEndTimeIsStable(t *testing.T) {
	for _, store := range []string{"embedded", "redis"} {
		t.Run(store, func(t *testing.T) {
			var ts *testServer
			if store == "redis" {
				nodes, _ := startNodes(t, 1, nil)
				ts = nodes[0]
			} else {
				ts = startServer(t, nil)
			}
			ctx := t.Context()
			room := ts.createRoom("Ends once")
			auth := []string{"Authorization", "Bearer " + room.Facilitator.Secret}
			fac := ts.dial(t)
			fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
			addPoll(t, fac, 1)
			before := time.Now().UTC().Truncate(time.Second)
			if m := fac.cmd("end", rooms.CmdRoomEnd, nil); m.Type != "ack" {
				t.Fatalf("end: %s", m.Raw)
			}
			kept := func() exercises.Session {
				t.Helper()
				var s exercises.Session
				if st, _, body := ts.do("GET", "/api/sessions/"+room.Room.ID, nil, &s); st != http.StatusOK {
					t.Fatalf("session: %d %s", st, body)
				}
				return s
			}
			first := kept()
			sum := first.Session
			if sum.EndedAt.Before(before) || sum.EndedAt.After(time.Now()) || sum.ExpiresAt.Sub(sum.EndedAt) != ts.cfg.ResultsTTL {
				t.Fatalf("kept at the end: endedAt %v (ended after %v), expiresAt %v", sum.EndedAt, before, sum.ExpiresAt)
			}
			fm, r, err := ts.svc.Authenticate(ctx, room.Room.ID, rooms.Secret(room.Facilitator.Secret))
			if rooms.ErrorCode(err) != rooms.CodeRoomEnded || !r.EndedAt.Equal(sum.EndedAt) {
				t.Fatalf("the room's endedAt %v, the session's %v (%v)", r.EndedAt, sum.EndedAt, err)
			}
			same := func(how string) {
				t.Helper()
				if s := kept(); !s.Session.EndedAt.Equal(sum.EndedAt) || !s.Session.ExpiresAt.Equal(sum.ExpiresAt) || !reflect.DeepEqual(s, first) {
					t.Fatalf("%s: the session changed from\n%+v to\n%+v", how, sum, s.Session)
				}
			}
			// A second later, every way of keeping it again.
			time.Sleep(time.Until(sum.EndedAt.Add(time.Second + 10*time.Millisecond)))
			if o := ts.svc.Execute(ctx, room.Room.ID, fm, rooms.Command{ID: "end", Type: rooms.CmdRoomEnd}); o.Code != "" {
				t.Fatalf("re-sent end: %s", o.Reply)
			}
			same("a re-sent room.end")
			if err := ts.keepSessionNow(ctx, room.Room.ID); err != nil {
				t.Fatal(err)
			}
			same("a late retry")
			var posted exercises.SessionSummary
			if st, _, body := ts.do("POST", "/api/rooms/"+room.Room.ID+"/session", nil, &posted, auth...); st != http.StatusCreated || !posted.EndedAt.Equal(sum.EndedAt) || !posted.ExpiresAt.Equal(sum.ExpiresAt) {
				t.Fatalf("keep again: %d %s, kept first %+v", st, body, sum)
			}
			same("the console's keep")

			// Ended by an older version: no endedAt in the room's document.
			old := ts.createRoom("Ended before endedAt")
			ofac := ts.dial(t)
			ofac.hello(old.Room.ID, old.Facilitator.Secret, nil)
			if m := ofac.cmd("end", rooms.CmdRoomEnd, nil); m.Type != "ack" {
				t.Fatalf("end: %s", m.Raw)
			}
			docs, err := ts.store.Get(ctx, old.Room.ID, rooms.KeyRoom)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(docs[0].Value, &doc); err != nil || doc["endedAt"] == nil {
				t.Fatalf("the ended room's document: %s", docs[0].Value)
			}
			delete(doc, "endedAt")
			raw, _ := json.Marshal(doc)
			if _, err := ts.store.Apply(ctx, old.Room.ID, rooms.Change{Puts: []rooms.Put{{Key: rooms.KeyRoom, Value: raw}}}); err != nil {
				t.Fatal(err)
			}
			before = time.Now().UTC().Truncate(time.Second)
			posted = exercises.SessionSummary{}
			if st, _, body := ts.do("POST", "/api/rooms/"+old.Room.ID+"/session", nil, &posted, "Authorization", "Bearer "+old.Facilitator.Secret); st != http.StatusCreated ||
				posted.EndedAt.Before(before) || posted.EndedAt.After(time.Now()) || posted.ExpiresAt.Sub(posted.EndedAt) != ts.cfg.ResultsTTL {
				t.Fatalf("keep a room ended without endedAt: %d %s", st, body)
			}
		})
	}
}

// The library keeps at most max-sessions sessions: a keep over it is
// refused with invalid and a message saying what to do, a room ending
// meanwhile keeps nothing (and is not retried), and deleting one makes
// room again.
func TestMaxSessions(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxSessions = 1 })
	keep := func(title string) (CreateRoomResponse, int, errBody) {
		t.Helper()
		room := ts.createRoom(title)
		var eb errBody
		st, _, _ := ts.do("POST", "/api/rooms/"+room.Room.ID+"/session", nil, &eb, "Authorization", "Bearer "+room.Facilitator.Secret)
		return room, st, eb
	}
	first, st, _ := keep("First")
	if st != http.StatusCreated {
		t.Fatalf("first keep: %d", st)
	}
	if _, st, eb := keep("Second"); st != http.StatusBadRequest || eb.Error.Code != rooms.CodeInvalid || !strings.Contains(eb.Error.Message, "at most 1 sessions") {
		t.Fatalf("keep over the limit: %d %+v", st, eb)
	}
	// A room that ends keeps nothing either.
	third := ts.createRoom("Third")
	fac := ts.dial(t)
	fac.hello(third.Room.ID, third.Facilitator.Secret, nil)
	fac.cmd("end", rooms.CmdRoomEnd, nil)
	eventually(t, "the refused keep logged", func() bool {
		return strings.Contains(ts.logs.String(), "an ended room's results were not kept")
	})
	var list []exercises.SessionSummary
	if ts.do("GET", "/api/sessions", nil, &list); len(list) != 1 || list[0].ID != first.Room.ID {
		t.Fatalf("sessions %+v", list)
	}
	// Deleting the kept one makes room.
	if st, _, _ := ts.do("DELETE", "/api/sessions/"+first.Room.ID, nil, nil); st != http.StatusNoContent && st != http.StatusOK {
		t.Fatalf("delete: %d", st)
	}
	if _, st, eb := keep("Fourth"); st != http.StatusCreated {
		t.Fatalf("keep after a delete: %d %+v", st, eb)
	}
}

// A pack with more exercises than this server's agenda holds is refused
// before any room is made, not after its first exercises were added.
func TestPackOverAgendaLimit(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Exercises.MaxItems = 2 })
	var eb errBody
	if st, _, body := ts.do("POST", "/api/rooms", CreateRoomRequest{Pack: "building-trust"}, &eb); st != http.StatusBadRequest || eb.Error.Field != "pack" || !strings.Contains(eb.Error.Message, "at most 2") {
		t.Fatalf("a pack over the agenda's limit: %d %s", st, body)
	}
	if n, _ := ts.store.CountRooms(t.Context()); n != 0 {
		t.Fatalf("%d rooms left behind", n)
	}
}

// Without a host key the library and the kept sessions answer only the
// machine the server runs on: a participant on the workshop's network
// gets local_only, not the results the room was never shown.
func TestLibraryLocalOnlyWithoutHostKey(t *testing.T) {
	ts := startServer(t, nil)
	h := ts.Handler()
	for _, c := range []struct {
		remote, host, forwarded string
		want                    int
	}{
		{"203.0.113.7:51000", "192.0.2.1:8080", "", http.StatusForbidden}, // another machine
		{"127.0.0.1:51000", "127.0.0.1:8080", "", http.StatusOK},
		{"[::1]:51000", "localhost:8080", "", http.StatusOK},
		{"[::1]:51000", "[::1]:8080", "", http.StatusOK},
		// A page of another site whose name now points here (DNS rebinding).
		{"127.0.0.1:51000", "evil.example:8080", "", http.StatusForbidden},
		// A proxy on this machine, for anyone.
		{"127.0.0.1:51000", "127.0.0.1:8080", "203.0.113.7", http.StatusForbidden},
	} {
		for _, path := range []string{"/api/sessions", "/api/packs"} {
			req := httptest.NewRequest("GET", path, nil)
			req.RemoteAddr, req.Host = c.remote, c.host
			if c.forwarded != "" {
				req.Header.Set("X-Forwarded-For", c.forwarded)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("GET %s from %s: %d %s, want %d", path, c.remote, rec.Code, rec.Body, c.want)
			}
			if c.want == http.StatusForbidden && !strings.Contains(rec.Body.String(), `"local_only"`) {
				t.Fatalf("GET %s from %s: %s", path, c.remote, rec.Body)
			}
		}
	}
	// One of this machine's own addresses counts as this machine.
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() {
			continue
		}
		req := httptest.NewRequest("GET", "/api/sessions", nil)
		req.RemoteAddr = net.JoinHostPort(n.IP.String(), "51000")
		req.Host = net.JoinHostPort(n.IP.String(), "8080")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /api/sessions from this machine's %s: %d %s", n.IP, rec.Code, rec.Body)
		}
		break
	}
	// The routes that reach the library from a room: starting a room from
	// a library pack (a built-in one is anyone's), saving an agenda as a
	// pack, keeping a session.
	remote := func(method, path string, body any, secret string) *httptest.ResponseRecorder {
		b, _ := json.Marshal(body)
		req := httptest.NewRequest(method, path, bytes.NewReader(b))
		req.RemoteAddr, req.Host = "203.0.113.7:51000", "192.0.2.1:8080"
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("Authorization", "Bearer "+secret)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	var saved struct{ Summary struct{ ID string } }
	if st := ts.post("/api/packs", map[string]any{"pack": map[string]any{"title": "Private notes", "exercises": []any{map[string]any{"kind": "text", "title": "How is it going?", "notes": "TRAINER ONLY"}}}}, &saved); st != http.StatusCreated {
		t.Fatalf("save a pack here: %d", st)
	}
	if rec := remote("POST", "/api/rooms", CreateRoomRequest{Pack: saved.Summary.ID}, ""); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "local_only") {
		t.Fatalf("a room from a library pack, from elsewhere: %d %s", rec.Code, rec.Body)
	}
	rec := remote("POST", "/api/rooms", CreateRoomRequest{Pack: "building-trust"}, "")
	var room CreateRoomResponse
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &room) != nil {
		t.Fatalf("a room from a built-in pack, from elsewhere: %d %s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/api/rooms/" + room.Room.ID + "/pack"} {
		if rec := remote("POST", path, map[string]any{"title": "Planted"}, room.Facilitator.Secret); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "local_only") {
			t.Fatalf("POST %s from elsewhere: %d %s", path, rec.Code, rec.Body)
		}
	}
	// With a host key, any machine that shows it.
	keyed := startServer(t, func(c *Config) { c.HostKey = "k3y" })
	req := httptest.NewRequest("GET", "/api/sessions", nil)
	req.RemoteAddr = "203.0.113.7:51000"
	req.Header.Set("Authorization", "Bearer k3y")
	rec = httptest.NewRecorder()
	keyed.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("with the host key from another machine: %d %s", rec.Code, rec.Body)
	}
}

// A pack file saved from the API's own answer ({"pack": …}, a PackEntry)
// imports as the pack it wraps; a tab-indented file is told in words at
// its line; each refusal is a typed error with its field.
func TestImportWrappedAndTabbedFiles(t *testing.T) {
	ts := startServer(t, nil)
	inner := `{"schema": 1, "id": "wrapped", "title": "Wrapped", "exercises": [{"kind": "words", "title": "One word"}]}`
	var e packs.Entry
	if st, _, body := ts.do("POST", "/api/packs", `{"summary": {"id": "wrapped"}, "pack": `+inner+`}`, &e, yamlHeader()...); st != http.StatusCreated || e.Pack.ID != "wrapped" {
		t.Fatalf("a wrapped pack: %d %s", st, body)
	}
	var eb errBody
	if st, _, body := ts.do("POST", "/api/packs", `{"pack": `+inner+`, "id": "x"}`, &eb, yamlHeader()...); st != http.StatusBadRequest ||
		eb.Error.Code != rooms.CodeInvalid || eb.Error.Field != "pack" || len(eb.Error.Problems) != 1 {
		t.Fatalf("pack beside another field: %d %s", st, body)
	}
	eb = errBody{}
	tabbed := "schema: 1\nid: tabs\ntitle: Tabs\nexercises:\n\t- kind: words\n\t  title: x\n"
	if st, _, body := ts.do("POST", "/api/packs", tabbed, &eb, yamlHeader()...); st != http.StatusBadRequest || eb.Error.Code != rooms.CodeInvalid ||
		len(eb.Error.Problems) != 1 || eb.Error.Problems[0].Line != 5 || !strings.Contains(eb.Error.Problems[0].Message, "tab") {
		t.Fatalf("a tab-indented file: %d %s", st, body)
	}
}

// Export YAML writes every text as it is kept: notes as a block
// starting with a space or a line break were answered 500 ("did not find
// expected key"), dropped, or changed ("  a|b" came back "a|b").
func TestExportKeepsEveryText(t *testing.T) {
	ts := startServer(t, nil)
	indented := "schema: 1\nid: indented-notes\ntitle: Indented notes\nexercises:\n  - kind: words\n    title: Check-in\n    notes: |2\n        1. Say hello\n      2. Read the cloud\n"
	if st, _, body := ts.do("POST", "/api/packs", indented, nil, yamlHeader()...); st != http.StatusCreated {
		t.Fatalf("import: %d %s", st, body)
	}
	notes := []string{"\n# Step 1: intro", "  a|b\n", " x\ny", "\n\n"}
	exs := []any{}
	for _, n := range notes {
		exs = append(exs, map[string]any{"kind": "words", "title": "W", "notes": n})
	}
	if st, _, body := ts.do("POST", "/api/packs", map[string]any{"pack": map[string]any{"id": "notes", "title": "Notes", "exercises": exs}}, nil); st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, body)
	}
	for id, want := range map[string][]string{"indented-notes": {"  1. Say hello\n2. Read the cloud\n"}, "notes": notes} {
		st, _, exported := ts.do("GET", "/api/packs/"+id+"?format=yaml", nil, nil)
		if st != http.StatusOK {
			t.Fatalf("export %s: %d %s", id, st, exported)
		}
		p, err := packs.Parse(id+".yaml", []byte(exported))
		if err != nil {
			t.Fatalf("%s: the export does not read: %v\n%s", id, err, exported)
		}
		for i, n := range want {
			if got := p.Exercises[i].Notes; got != n {
				t.Errorf("%s: exercise %d's notes %q exported as %q", id, i, n, got)
			}
		}
	}
}

// A pack file that is not UTF-8 is refused as such, at its line, as
// `huddle packs validate` and the packs directory refuse it: a YAML
// file, or a JSON body whose pack holds Latin-1 bytes.
func TestImportNotUTF8(t *testing.T) {
	ts := startServer(t, nil)
	latin1 := "schema: 1\nid: latin\ntitle: Caf\xe9 r\xe9tro\nexercises:\n  - kind: words\n    title: W\n"
	var eb errBody
	if st, _, body := ts.do("POST", "/api/packs", latin1, &eb, yamlHeader()...); st != http.StatusBadRequest || eb.Error.Code != rooms.CodeInvalid ||
		len(eb.Error.Problems) != 1 || eb.Error.Problems[0] != (rooms.Problem{Line: 3, Message: packs.NotUTF8}) {
		t.Fatalf("a Latin-1 file: %d %s", st, body)
	}
	eb = errBody{}
	if st, _, body := ts.do("POST", "/api/packs", `{"pack": {"schema": 1, "id": "latin", "title": "Caf`+"\xe9"+`", "exercises": [{"kind": "words", "title": "W"}]}}`, &eb); st != http.StatusBadRequest ||
		eb.Error.Code != rooms.CodeInvalid || len(eb.Error.Problems) != 1 || eb.Error.Problems[0].Message != packs.NotUTF8 {
		t.Fatalf("a Latin-1 JSON body: %d %s", st, body)
	}
}

// An import whose id is taken names the id in the conflict's value, as
// the server read it: the web app guessed it from the file, and named
// "“”" for a pack wrapped as "pack:" in YAML or JSON with a comma
// before a "}", which only the server reads.
func TestImportConflictNamesTheID(t *testing.T) {
	ts := startServer(t, nil)
	if st, _, body := ts.do("POST", "/api/packs", pulseYAML, nil, yamlHeader()...); st != http.StatusCreated {
		t.Fatalf("import: %d %s", st, body)
	}
	wrapped := "pack:\n  " + strings.ReplaceAll(strings.TrimSpace(pulseYAML), "\n", "\n  ") + "\n"
	commas := `{"schema": 1, "id": "team-pulse", "title": "Team pulse", "exercises": [{"kind": "words", "title": "W",},],}`
	builtin := `{"pack": {"id": "building-trust", "title": "Trust", "exercises": [{"kind": "words", "title": "W"}]}}`
	for file, id := range map[string]string{wrapped: "team-pulse", commas: "team-pulse", builtin: "building-trust"} {
		var eb errBody
		if st, _, body := ts.do("POST", "/api/packs", file, &eb, yamlHeader()...); st != http.StatusConflict || eb.Error.Code != rooms.CodeConflict ||
			eb.Error.Field != "id" || eb.Error.Value != id || !strings.Contains(body, `"value":"`+id+`"`) {
			t.Errorf("%.30q…: %d %s", file, st, body)
		}
	}
}

// A server whose anonymity floor (min-responses) is above what a pack's
// anonymous votes ask for starts a room from the pack all the same, each
// such vote raised to the floor (its results only stay hidden longer):
// with -min-responses 5 the built-in "Building trust" was refused
// (exercise 2 asks for 4). Named votes and what asks for more keep
// theirs; the pack itself is not changed.
func TestPackBelowRaisedFloorRaised(t *testing.T) {
	const floor = 5
	ts := startServer(t, func(c *Config) { c.Exercises.MinAnonymous = floor })
	for _, p := range packs.Builtin() {
		var room CreateRoomResponse
		if st, _, body := ts.do("POST", "/api/rooms", CreateRoomRequest{Pack: p.ID}, &room); st != http.StatusCreated {
			t.Fatalf("%s with min-responses %d: %d %s", p.ID, floor, st, body)
		}
		fac := ts.dial(t)
		w := fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
		var sec exercises.SnapshotSection
		if err := json.Unmarshal(w.Snapshot.Sections[exercises.SectionExercises], &sec); err != nil || len(sec.Exercises) != len(p.Exercises) {
			t.Fatalf("%s: %v, %d exercises for %d", p.ID, err, len(sec.Exercises), len(p.Exercises))
		}
		for i, spec := range p.Exercises {
			want := spec.MinResponses
			if want == 0 { // (the default of any exercise that sets none)
				want = max(exercises.DefaultMinResponses, floor)
			}
			if spec.Kind.IsVote() && spec.IsAnonymous() {
				want = max(want, floor)
			}
			if got := sec.Exercises[i].Exercise.MinResponses; got != want {
				t.Errorf("%s exercise %d (%s, anonymous %v, asks %d): minResponses %d, want %d", p.ID, i+1, spec.Kind, spec.IsAnonymous(), spec.MinResponses, got, want)
			}
		}
		fac.close()
	}
	// The library's pack is as it was.
	e, err := ts.packs.Get(t.Context(), "building-trust")
	if err != nil || e.Pack.Exercises[1].MinResponses != 4 {
		t.Fatalf("building-trust after: %v %+v", err, e)
	}
	// A named vote that asks for fewer than the floor keeps its own: the
	// floor is for anonymous votes only.
	own := `schema: 1
id: named-two
title: Named two
exercises:
  - kind: poll
    title: Lunch
    anonymous: false
    minResponses: 2
    questions:
      - kind: choice
        options: [{label: Pizza}, {label: Soup}]
  - kind: poll
    title: Dessert
    minResponses: 3
    questions:
      - kind: choice
        options: [{label: Cake}, {label: Fruit}]
`
	if st, _, body := ts.do("POST", "/api/packs", own, nil, "Content-Type", "application/yaml"); st != http.StatusCreated {
		t.Fatalf("import: %d %s", st, body)
	}
	var room CreateRoomResponse
	if st, _, body := ts.do("POST", "/api/rooms", CreateRoomRequest{Pack: "named-two"}, &room); st != http.StatusCreated {
		t.Fatalf("named-two: %d %s", st, body)
	}
	fac := ts.dial(t)
	w := fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	var sec exercises.SnapshotSection
	_ = json.Unmarshal(w.Snapshot.Sections[exercises.SectionExercises], &sec)
	if len(sec.Exercises) != 2 || sec.Exercises[0].Exercise.MinResponses != 2 || sec.Exercises[1].Exercise.MinResponses != floor {
		t.Fatalf("named-two: %+v", sec.Exercises)
	}
}
