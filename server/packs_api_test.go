package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"huddle/exercises"
	"huddle/exercises/packs"
	"huddle/rooms"
	"huddle/rooms/memory"
)

// A room started from a built-in pack has the pack's exercises on its
// agenda, in order, and the pack's title.
func TestCreateRoomFromPack(t *testing.T) {
	ts := startServer(t, nil)
	var list []packs.Summary
	resp, err := http.Get(ts.base + "/api/packs")
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list) < 5 || list[0].ID != "building-trust" || list[0].Exercises != 7 {
		t.Fatalf("packs %+v", list)
	}
	var room CreateRoomResponse
	if st := ts.post("/api/rooms", CreateRoomRequest{Pack: "building-trust"}, &room); st != http.StatusCreated {
		t.Fatalf("create from pack: %d", st)
	}
	if room.Room.Title != "Building trust" {
		t.Fatalf("title %q", room.Room.Title)
	}
	fac := ts.dial(t)
	w := fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	var sec exercises.SnapshotSection
	_ = json.Unmarshal(w.Snapshot.Sections[exercises.SectionExercises], &sec)
	var kinds []string
	for _, e := range sec.Exercises {
		kinds = append(kinds, string(e.Exercise.Kind))
	}
	if len(sec.Agenda.Items) != 7 || strings.Join(kinds, ",") != "words,survey,survey,retro,help,kudos,survey" {
		t.Fatalf("agenda %v kinds %v", sec.Agenda.Items, kinds)
	}
	var e apiError
	if st := ts.post("/api/rooms", CreateRoomRequest{Pack: "nope"}, &e); st != http.StatusNotFound || e.Error.Field != "pack" || e.Error.Message != "there is no pack “nope”" {
		t.Fatalf("unknown pack: %d %+v", st, e)
	}
}

// The facilitator downloads results as JSON, CSV or Markdown; nobody else
// can, and the export names no participant of an anonymous vote.
func TestResultsExport(t *testing.T) {
	ts := startServer(t, nil)
	room := ts.createRoom("Export")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	id := addPoll(t, fac, 1)
	j := ts.join(room.Room.Code, "Zelda")
	p := ts.dial(t)
	p.hello(j.Room.ID, j.Token, nil)
	p.cmd("v", exercises.CmdAnswer, answer(id, choose("soup")))
	fac.cmd("show", exercises.CmdShow, map[string]any{"exercise": id})

	get := func(path, auth string) (int, string, string) {
		req, _ := http.NewRequest("GET", ts.base+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	base := "/api/rooms/" + room.Room.ID + "/results"
	for format, ctype := range map[string]string{"": "application/json", "csv": "text/csv", "md": "text/markdown"} {
		st, ct, body := get(base+"?format="+format, room.Facilitator.Secret)
		if st != 200 || !strings.HasPrefix(ct, ctype) || !strings.Contains(body, "Soup") {
			t.Fatalf("format %q: %d %s %.300s", format, st, ct, body)
		}
		for _, leak := range []string{j.Member.ID, j.Token, room.Facilitator.Secret, "Zelda"} {
			if strings.Contains(body, leak) {
				t.Fatalf("format %q leaks %q", format, leak)
			}
		}
	}
	if st, _, _ := get(base, j.Token); st != http.StatusForbidden {
		t.Fatalf("participant export: %d", st)
	}
	if st, _, _ := get(base, ""); st != http.StatusUnauthorized {
		t.Fatalf("no secret: %d", st)
	}
	if st, _, _ := get(base+"?format=pdf", room.Facilitator.Secret); st != http.StatusBadRequest {
		t.Fatalf("bad format: %d", st)
	}
	// After the room ended, its results can still be exported.
	fac.cmd("end", rooms.CmdRoomEnd, nil)
	if st, _, _ := get("/api/rooms/"+room.Room.Code+"/results", room.Facilitator.Secret); st != 200 {
		t.Fatalf("export after end, by code: %d", st)
	}
}

// flakyStore fails the first n applies after fail is set, as a store
// that is briefly unreachable does.
type flakyStore struct {
	*memory.Store
	fail atomic.Int32
}

func (f *flakyStore) Apply(ctx context.Context, room string, c rooms.Change) (rooms.Applied, error) {
	if f.fail.Add(-1) >= 0 {
		return rooms.Applied{}, rooms.ErrUnavailable
	}
	return f.Store.Apply(ctx, room, c)
}

// A room started from a pack while the store fails for a moment still
// gets every exercise, each once, and its maker the secret: the room is
// made first, so giving up then would leave it made with nobody holding
// it.
func TestCreateRoomFromPackRetriesTheAgenda(t *testing.T) {
	store := &flakyStore{Store: memory.New(memory.Options{})}
	cfg := testConfig()
	srv, err := NewWithStore(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), store)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	ts := &testServer{Server: srv, t: t, base: "http://" + srv.Addr(), logs: &syncBuffer{}}

	// The room is made by CreateRoom; its first exercise's apply fails
	// twice (the first try and the first retry).
	store.fail.Store(2)
	var room CreateRoomResponse
	if st := ts.post("/api/rooms", CreateRoomRequest{Pack: "start-stop-continue"}, &room); st != http.StatusCreated {
		t.Fatalf("create from pack with a flaky store: %d", st)
	}
	if store.fail.Load() >= 0 {
		t.Fatalf("the store's failures were not reached (%d left)", store.fail.Load())
	}
	e, err := srv.packs.Get(t.Context(), "start-stop-continue")
	if err != nil {
		t.Fatal(err)
	}
	fac := ts.dial(t)
	w := fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	var sec exercises.SnapshotSection
	_ = json.Unmarshal(w.Snapshot.Sections[exercises.SectionExercises], &sec)
	if len(sec.Agenda.Items) != len(e.Pack.Exercises) || len(sec.Exercises) != len(e.Pack.Exercises) {
		t.Fatalf("agenda of %d, %d exercises; the pack has %d", len(sec.Agenda.Items), len(sec.Exercises), len(e.Pack.Exercises))
	}

	// A store that stays down past the retries: the answer names the
	// exercise and the pack, in curly quotes.
	store.fail.Store(1000)
	defer store.fail.Store(0)
	var ae apiError
	if st := ts.post("/api/rooms", CreateRoomRequest{Pack: "start-stop-continue"}, &ae); st == http.StatusCreated || ae.Error.Message != "exercise 1 of pack “start-stop-continue” could not be added" {
		t.Fatalf("create from pack with the store down: %d %+v", st, ae)
	}
}
