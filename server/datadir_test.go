package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"huddle/exercises"
	"huddle/exercises/packs"
	"huddle/rooms/redisstore/redistest"
)

const memoryOnlyWarning = `level=WARN msg="packs and kept sessions are in memory only: set HUDDLE_DATA_DIR to keep them across restarts"`

// finalSession is the session an ended room's final welcome says its
// results are kept as (nil when it says none), for its facilitator.
func finalSession(t *testing.T, ts *testServer, room CreateRoomResponse) *exercises.SessionSummary {
	t.Helper()
	c := ts.dial(t)
	c.send(map[string]any{"type": "hello", "room": room.Room.ID, "token": room.Facilitator.Secret})
	c.closed()
	for _, m := range c.all() {
		if m.Type == "welcome" {
			var w struct {
				Session *exercises.SessionSummary `json:"session"`
			}
			if err := json.Unmarshal(m.Raw, &w); err != nil {
				t.Fatal(err)
			}
			return w.Session
		}
	}
	t.Fatalf("no final welcome: %s", ewRaw(c.all()))
	return nil
}

// listedPacks is GET /api/packs, each pack as a map (to see which fields
// it has).
func listedPacks(t *testing.T, ts *testServer) map[string]map[string]any {
	t.Helper()
	var list []map[string]any
	if st, _, body := ts.do("GET", "/api/packs", nil, &list); st != http.StatusOK {
		t.Fatalf("packs: %d %s", st, body)
	}
	out := map[string]map[string]any{}
	for _, p := range list {
		out[p["id"].(string)] = p
	}
	return out
}

// With a data directory, the embedded store's library survives a restart
// of the server: its packs, at their versions, and its kept sessions,
// which read, compare and delete as before. The rooms themselves do not.
// The log says where the library is kept, and the server no longer says
// it lasts until a restart.
func TestLibraryKeptAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.DataDir = dir }
	a := startServer(t, withDir)
	var e packs.Entry
	if st, _, body := a.do("POST", "/api/packs", pulseYAML, &e, yamlHeader()...); st != http.StatusCreated {
		t.Fatalf("import: %d %s", st, body)
	}
	first := runPulse(t, a, [][2]int{{2, 4}, {3, 4}, {1, 5}})
	time.Sleep(1100 * time.Millisecond) // sessions are listed by end time, to the second
	second := runPulse(t, a, [][2]int{{4, 4}, {4, 3}, {5, 5}})
	var before []exercises.SessionSummary
	eventually(t, "both sessions kept", func() bool {
		a.do("GET", "/api/sessions", nil, &before)
		return len(before) == 2
	})
	if before[0].UntilRestart || before[1].UntilRestart {
		t.Fatalf("sessions kept on disk said kept until a restart: %+v", before)
	}
	if s := finalSession(t, a, first); s == nil || s.UntilRestart {
		t.Fatalf("the final welcome of a room kept on disk: %+v", s)
	}
	if p := listedPacks(t, a)["team-pulse"]; p == nil || p["untilRestart"] != nil {
		t.Fatalf("a pack kept on disk: %v", p)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	b := startServer(t, withDir)
	for _, ts := range []*testServer{a, b} {
		logs := ts.logs.String()
		if !strings.Contains(logs, `msg="library kept on disk" dir=`+dir) || strings.Contains(logs, "in memory only") {
			t.Fatalf("the start does not say where the library is kept:\n%s", logs)
		}
	}
	if !strings.Contains(b.logs.String(), "packs=1 results=2 sessions=2") {
		t.Errorf("the restart does not say what it loaded:\n%s", b.logs.String())
	}
	if st, _ := b.get("/api/rooms/" + first.Room.Code); st != http.StatusNotFound {
		t.Errorf("a room after a restart: %d, want 404 (rooms stay in memory)", st)
	}
	var got packs.Entry
	if st, _, body := b.do("GET", "/api/packs/team-pulse", nil, &got); st != http.StatusOK || got.Summary.Version != e.Summary.Version || len(got.Pack.Exercises) != 2 {
		t.Fatalf("the pack after a restart: %d %s (version %s before)", st, body, e.Summary.Version)
	}
	var after []exercises.SessionSummary
	if b.do("GET", "/api/sessions", nil, &after); len(after) != 2 || after[0] != before[0] || after[1] != before[1] {
		t.Fatalf("sessions after a restart:\n%+v\nbefore:\n%+v", after, before)
	}
	var c exercises.Comparison
	if st, _, body := b.do("GET", "/api/compare?a="+first.Room.ID+"&b="+second.Room.ID, nil, &c); st != http.StatusOK || len(c.Exercises) != 2 ||
		fmt.Sprintf("%.2f", *c.Exercises[0].Questions[0].MeanDelta) != "2.33" {
		t.Fatalf("compare after a restart: %d %s", st, body)
	}
	// A version from before the restart still guards the pack.
	edited := *got.Pack
	edited.Title = "Team pulse, again"
	update := map[string]any{"pack": edited, "version": e.Summary.Version}
	if st, _, body := b.do("PUT", "/api/packs/team-pulse", update, &got); st != http.StatusOK || got.Summary.Title != "Team pulse, again" {
		t.Fatalf("update at the version from before the restart: %d %s", st, body)
	}
	var eb errBody
	if st, _, _ := b.do("PUT", "/api/packs/team-pulse", update, &eb); st != http.StatusConflict {
		t.Fatalf("update at a stale version: %d %+v", st, eb)
	}
	if st, _, _ := b.do("DELETE", "/api/sessions/"+first.Room.ID, nil, nil); st != http.StatusNoContent {
		t.Fatalf("delete a session kept from before: %d", st)
	}
	if names, _ := filepath.Glob(filepath.Join(dir, "library", "*", first.Room.ID+".json")); len(names) != 0 {
		t.Fatalf("a deleted session's files are still there: %q", names)
	}
}

// Without a data directory the embedded store's library lasts only until
// the server stops, and the server says so: a warning at start, and
// untilRestart on every kept session (the list, a keep's answer, an
// ended room's final welcome) and on the library's own packs, never on a
// built-in one.
func TestLibraryInMemoryOnlySaysSo(t *testing.T) {
	ts := startServer(t, nil)
	if !strings.Contains(ts.logs.String(), memoryOnlyWarning) {
		t.Fatalf("no warning that the library is in memory only:\n%s", ts.logs.String())
	}
	if st, _, body := ts.do("POST", "/api/packs", pulseYAML, nil, yamlHeader()...); st != http.StatusCreated {
		t.Fatalf("import: %d %s", st, body)
	}
	listed := listedPacks(t, ts)
	if listed["team-pulse"]["untilRestart"] != true {
		t.Errorf("a library pack in memory only: %v", listed["team-pulse"])
	}
	for id, p := range listed {
		if p["builtin"] == true && p["untilRestart"] != nil {
			t.Errorf("built-in pack %s said kept until a restart: %v", id, p)
		}
	}
	room := ts.createRoom("Keep me")
	var sum exercises.SessionSummary
	if st, _, body := ts.do("POST", "/api/rooms/"+room.Room.ID+"/session", nil, &sum, "Authorization", "Bearer "+room.Facilitator.Secret); st != http.StatusCreated || !sum.UntilRestart {
		t.Fatalf("keep now, in memory only: %d %s", st, body)
	}
	ended := runPulse(t, ts, [][2]int{{1, 1}, {2, 2}, {3, 3}})
	var list []exercises.SessionSummary
	eventually(t, "the session kept at the end", func() bool {
		ts.do("GET", "/api/sessions", nil, &list)
		return len(list) == 2
	})
	for _, s := range list {
		if !s.UntilRestart {
			t.Errorf("a session in memory only listed without untilRestart: %+v", s)
		}
	}
	if s := finalSession(t, ts, ended); s == nil || !s.UntilRestart {
		t.Errorf("the final welcome of a room kept in memory only: %+v", s)
	}
	// Never stored: a session's own results do not carry it.
	st, _, raw := ts.do("GET", "/api/sessions/"+ended.Room.ID, nil, nil)
	if st != http.StatusOK || strings.Contains(raw, "untilRestart") {
		t.Errorf("a session's results: %d %s", st, raw)
	}
}

// With Redis a data directory is not used, and the node says so; the
// library is Redis's, kept, so nothing is said to last until a restart.
func TestDataDirNotUsedWithRedis(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ts := startServer(t, func(c *Config) {
		c.RedisURL = redistest.Start(t)
		c.DataDir = dir
	})
	logs := ts.logs.String()
	if !strings.Contains(logs, `level=WARN msg="data-dir is not used: with redis-url, packs and kept sessions are kept in Redis" data_dir=`+dir) ||
		strings.Contains(logs, "in memory only") || strings.Contains(logs, "library kept on disk") {
		t.Fatalf("redis-url with data-dir logged:\n%s", logs)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("the data directory was made with Redis")
	}
	room := ts.createRoom("Keep me")
	var sum exercises.SessionSummary
	if st, _, body := ts.do("POST", "/api/rooms/"+room.Room.ID+"/session", nil, &sum, "Authorization", "Bearer "+room.Facilitator.Secret); st != http.StatusCreated || sum.UntilRestart {
		t.Fatalf("keep now, on Redis: %d %s", st, body)
	}
}

// A data directory that cannot be made stops the node at start (exit 1),
// naming it; a file in its place is a configuration error (exit 2).
func TestDataDirThatCannotBeUsed(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(parent, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	under := filepath.Join(parent, "data")
	cfg := testConfig()
	cfg.DataDir = under
	if _, err := New(cfg, nil); err == nil || !strings.Contains(err.Error(), `data-dir "`+under+`"`) {
		t.Fatalf("a data directory under a file: %v", err)
	}
	var out, errb strings.Builder
	if code := Main([]string{"serve", "-addr", "127.0.0.1:0", "-data-dir", parent}, &out, &errb); code != 2 || !strings.Contains(errb.String(), fmt.Sprintf("data-dir %q is not a directory", parent)) {
		t.Errorf("huddle serve -data-dir <a file>: exit %d, %q", code, errb.String())
	}
	if _, _, err := ParseConfig("huddle serve", nil, envOf(map[string]string{"HUDDLE_DATA_DIR": parent})); err == nil || err.Error() != fmt.Sprintf("$HUDDLE_DATA_DIR: data-dir %q is not a directory", parent) {
		t.Errorf("HUDDLE_DATA_DIR=<a file>: %v", err)
	}
	// With Redis it is not looked at.
	if _, _, err := ParseConfig("huddle serve", []string{"-data-dir", parent, "-redis-url", "redis://127.0.0.1:1/0"}, nil); err != nil {
		t.Errorf("-data-dir <a file> with redis-url: %v", err)
	}
}
