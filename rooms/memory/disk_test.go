package memory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/memory"
	"huddle/rooms/roomstest"
)

// quiet is a logger for stores whose logs a test does not read.
var quiet = slog.New(slog.DiscardHandler)

// openDir opens a store on data directory dir, closed when t ends.
func openDir(t *testing.T, dir string, opts memory.Options) *memory.Store {
	t.Helper()
	opts.DataDir = dir
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	s, err := memory.Open(opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestContractOnDisk runs the store contract suite on stores that keep
// their library in a data directory: the library behaves exactly as the
// one in memory (versions, conflicts, limits, expiry).
func TestContractOnDisk(t *testing.T) {
	roomstest.Run(t, contract, func(t *testing.T) rooms.Store {
		return openDir(t, t.TempDir(), memory.Options{
			HistoryLimit:  contract.HistoryLimit,
			ReplyWindow:   contract.ReplyWindow,
			SweepInterval: 50 * time.Millisecond,
		})
	})
}

// A library kept in a data directory survives its store: a store opened
// on the directory after it reads what it wrote.
func TestLibraryReopen(t *testing.T) {
	dir := t.TempDir()
	roomstest.LibraryReopen(t, func(t *testing.T) rooms.Store {
		return openDir(t, dir, memory.Options{SweepInterval: 50 * time.Millisecond})
	})
}

// clock is a test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 12, 7, 7, 6, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// files lists the files under dir, relative, sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// Each document is one file of its collection's directory, readable JSON
// that only its owner may read; deleting a document or its expiry removes
// its file, and a document that expired while no store ran is not loaded.
func TestLibraryFiles(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	st := openDir(t, dir, memory.Options{Now: clk.Now})
	ctx := context.Background()
	v, err := st.LibraryPut(ctx, rooms.LibPacks, "team-retro", json.RawMessage(`{"title":"Team <retro> & more"}`), 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"room-1", "room-2", "room-3"} {
		if _, err := st.LibraryPut(ctx, rooms.LibSessions, id, json.RawMessage(`{}`), 0, time.Hour, 0); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"huddle.lock", "library/packs/team-retro.json",
		"library/sessions/room-1.json", "library/sessions/room-2.json", "library/sessions/room-3.json"}
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files %q, want %q", got, want)
	}
	path := filepath.Join(dir, "library", "packs", "team-retro.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s is not JSON: %v\n%s", path, err, raw)
	}
	if f["id"] != "team-retro" || f["collection"] != "packs" || f["version"] != strconv.FormatUint(v, 10) ||
		f["value"].(map[string]any)["title"] != "Team <retro> & more" || f["expiresAt"] != nil {
		t.Fatalf("%s holds %s", path, raw)
	}
	if runtime.GOOS != "windows" {
		for _, p := range []string{path, filepath.Join(dir, "library", "sessions", "room-1.json")} {
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, %v; want 0600 (kept sessions hold results and notes)", p, fi.Mode(), err)
			}
		}
	}

	if err := st.LibraryDelete(ctx, rooms.LibSessions, "room-1", rooms.AnyVersion); err != nil {
		t.Fatal(err)
	}
	clk.add(2 * time.Hour)
	if d, _ := st.LibraryGet(ctx, rooms.LibSessions, "room-2"); d.Version != 0 {
		t.Fatalf("an expired session is there: %+v", d)
	}
	want = []string{"huddle.lock", "library/packs/team-retro.json", "library/sessions/room-3.json"}
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Fatalf("after a delete and an expiry, files %q, want %q", got, want)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// room-3 expired too, while no store ran: its file goes at the start.
	st = openDir(t, dir, memory.Options{Now: clk.Now})
	if docs, _ := st.LibraryList(ctx, rooms.LibSessions); len(docs) != 0 {
		t.Fatalf("expired sessions loaded: %+v", docs)
	}
	want = []string{"huddle.lock", "library/packs/team-retro.json"}
	if got := files(t, dir); !slices.Equal(got, want) {
		t.Fatalf("after a start, files %q, want %q", got, want)
	}
	if d, _ := st.LibraryGet(ctx, rooms.LibPacks, "team-retro"); d.Version != v {
		t.Fatalf("the pack after a restart: %+v, want version %d", d, v)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// logBuffer is a log sink safe for the store's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func logTo(b *logBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }

// A file that does not read as a document (damaged, cut short, of a newer
// Huddle, renamed) is logged at start, by its path, and left as it is;
// the others load. A document of its name written later sets it aside,
// never deletes it.
func TestLibraryDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st := openDir(t, dir, memory.Options{})
	good, err := st.LibraryPut(ctx, rooms.LibPacks, "good", json.RawMessage(`{"title":"Good"}`), 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.LibraryPut(ctx, rooms.LibPacks, "cut", json.RawMessage(`{"title":"Cut short"}`), 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	st.Close()
	packs := filepath.Join(dir, "library", "packs")
	whole, err := os.ReadFile(filepath.Join(packs, "cut.json"))
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string][]byte{
		"cut.json":     whole[:len(whole)/2],
		"broken.json":  []byte("not JSON at all\x00\xff"),
		"newer.json":   []byte(`{"form":99,"collection":"packs","id":"newer","version":"7","value":{}}`),
		"renamed.json": []byte(strings.Replace(string(whole), `"cut"`, `"other"`, 1)),
		"noform.json":  []byte(`{"title":"a pack file dropped here by hand"}`),
	}
	for name, b := range bad {
		if err := os.WriteFile(filepath.Join(packs, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	logs := &logBuffer{}
	st = openDir(t, dir, memory.Options{Logger: logTo(logs)})
	docs, err := st.LibraryList(ctx, rooms.LibPacks)
	if err != nil || len(docs) != 1 || docs[0].Key != "good" || docs[0].Version != good {
		t.Fatalf("the library with damaged files lists %+v, %v; want the good pack alone", docs, err)
	}
	out := logs.String()
	for name, b := range bad {
		path := filepath.Join(packs, name)
		if !strings.Contains(out, "level=ERROR msg=\"library file skipped") || !strings.Contains(out, "file="+path) {
			t.Errorf("%s was not logged as skipped:\n%s", name, out)
		}
		if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, b) {
			t.Errorf("%s was changed: %v", name, err)
		}
	}
	if !strings.Contains(out, "msg=\"library kept on disk\" dir="+dir+" packs=1 skipped=5") {
		t.Errorf("the start does not say where the library is and what it holds:\n%s", out)
	}
	for _, want := range []string{"newer Huddle (form 99", `the file of id \"other\" is named \"other.json\"`, "unexpected end of JSON input"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log does not say %q:\n%s", want, out)
		}
	}

	// A pack made again under the damaged file's name: the damaged file
	// is set aside, whole.
	v, err := st.LibraryPut(ctx, rooms.LibPacks, "cut", json.RawMessage(`{"title":"Made again"}`), 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if aside, err := os.ReadFile(filepath.Join(packs, "cut.json.damaged")); err != nil || !bytes.Equal(aside, bad["cut.json"]) {
		t.Fatalf("the damaged file was not set aside whole: %v", err)
	}
	if !strings.Contains(logs.String(), "library file set aside") {
		t.Errorf("setting the damaged file aside was not logged:\n%s", logs.String())
	}
	st.Close()
	st = openDir(t, dir, memory.Options{})
	if d, _ := st.LibraryGet(ctx, rooms.LibPacks, "cut"); d.Version != v || string(d.Value) != `{"title":"Made again"}` {
		t.Fatalf("the pack made again, after a restart: %+v", d)
	}
}

// A write cut short by a crash leaves its temporary file beside the
// document's: the document loads as it was before, and the temporary
// file (and one of a document never finished) is removed.
func TestLibraryUnfinishedWrite(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st := openDir(t, dir, memory.Options{})
	v, err := st.LibraryPut(ctx, rooms.LibSessions, "room", json.RawMessage(`{"title":"Before"}`), 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	sessions := filepath.Join(dir, "library", "sessions")
	half := []byte(`{"form":1,"collection":"sessions","id":"room","version":"12","value":{"title":"Af`)
	for _, name := range []string{".room.json.tmp-123456", ".new.json.tmp-99"} {
		if err := os.WriteFile(filepath.Join(sessions, name), half, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	logs := &logBuffer{}
	st = openDir(t, dir, memory.Options{Logger: logTo(logs)})
	docs, _ := st.LibraryList(ctx, rooms.LibSessions)
	if len(docs) != 1 || docs[0].Key != "room" || docs[0].Version != v || string(docs[0].Value) != `{"title":"Before"}` {
		t.Fatalf("after a crash mid-write the library holds %+v, want the session as it was", docs)
	}
	if got, want := files(t, dir), []string{"huddle.lock", "library/sessions/room.json"}; !slices.Equal(got, want) {
		t.Fatalf("files %q, want %q (the unfinished writes removed)", got, want)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("an unfinished write was logged as an error:\n%s", logs.String())
	}
}

// A change the disk refuses is refused, and changes nothing in memory:
// the library never says it holds what a restart would lose.
func TestLibraryWriteFailureChangesNothing(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st := openDir(t, dir, memory.Options{})
	v, err := st.LibraryPut(ctx, rooms.LibPacks, "a", json.RawMessage(`1`), 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The collection's directory becomes a file: nothing can be written
	// in it, or removed from it.
	packs := filepath.Join(dir, "library", "packs")
	if err := os.RemoveAll(packs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(packs, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LibraryPut(ctx, rooms.LibPacks, "a", json.RawMessage(`2`), v, 0, 0); err == nil {
		t.Fatal("an update the disk refused was taken")
	}
	if _, err := st.LibraryPut(ctx, rooms.LibPacks, "b", json.RawMessage(`2`), 0, 0, 0); err == nil {
		t.Fatal("a document the disk refused was taken")
	}
	if err := st.LibraryDelete(ctx, rooms.LibPacks, "a", v); err == nil {
		t.Fatal("a delete the disk refused was taken")
	}
	if d, _ := st.LibraryGet(ctx, rooms.LibPacks, "a"); d.Version != v || string(d.Value) != `1` {
		t.Fatalf("after refused changes a = %+v, want it as it was (version %d)", d, v)
	}
	if d, _ := st.LibraryGet(ctx, rooms.LibPacks, "b"); d.Version != 0 {
		t.Fatalf("a refused document is there: %+v", d)
	}
	// A collection whose directory cannot be made.
	if err := os.WriteFile(filepath.Join(dir, "library", "sessions"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LibraryPut(ctx, rooms.LibSessions, "s", json.RawMessage(`1`), 0, 0, 0); err == nil {
		t.Fatal("a document of a collection with no directory was taken")
	}
	if docs, _ := st.LibraryList(ctx, rooms.LibSessions); len(docs) != 0 {
		t.Fatalf("refused documents listed: %+v", docs)
	}
}

// One data directory keeps one store's library: a second store is
// refused while the first has it, and opens once it closed.
func TestDataDirLocked(t *testing.T) {
	switch runtime.GOOS {
	case "darwin", "dragonfly", "freebsd", "linux", "netbsd", "openbsd":
	default:
		t.Skip("no flock here")
	}
	dir := t.TempDir()
	first := openDir(t, dir, memory.Options{})
	if s, err := memory.Open(memory.Options{DataDir: dir, Logger: quiet}); err == nil || !strings.Contains(err.Error(), "another Huddle is using it") {
		if s != nil {
			s.Close()
		}
		t.Fatalf("a second store on one data directory: %v", err)
	}
	first.Close()
	openDir(t, dir, memory.Options{})
}

// A data directory that cannot be one is refused by Open, and a store
// says whether its library outlives it.
func TestOpenDataDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := memory.Open(memory.Options{DataDir: file, Logger: quiet}); err == nil {
		s.Close()
		t.Fatalf("Open on a file: no error")
	} else if !strings.Contains(err.Error(), file) {
		t.Errorf("the error does not name the directory: %v", err)
	}
	// Created when missing, with its parents.
	nested := filepath.Join(t.TempDir(), "a", "b")
	st := openDir(t, nested, memory.Options{})
	if !st.LibraryDurable() {
		t.Error("a store with a data directory says its library is not durable")
	}
	mem := memory.New(memory.Options{})
	defer mem.Close()
	if mem.LibraryDurable() {
		t.Error("a store in memory only says its library is durable")
	}
	var _ rooms.DurableLibrary = mem
	defer func() {
		if recover() == nil {
			t.Error("New with a DataDir did not panic")
		}
	}()
	memory.New(memory.Options{DataDir: nested})
}

// Ids a file system could mistake stay in their collection's directory,
// each in a file of its own.
func TestLibraryOddIDs(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st := openDir(t, dir, memory.Options{})
	ids := []string{"../../escape", "A", "a", "_41", "con", "", "x/y\\z", strings.Repeat("é", 30)}
	for i, id := range ids {
		if _, err := st.LibraryPut(ctx, "packs", id, mustJSON(i), 0, 0, 0); err != nil {
			t.Fatalf("put %q: %v", id, err)
		}
	}
	if _, err := st.LibraryPut(ctx, "packs", strings.Repeat("é", 60), json.RawMessage(`1`), 0, 0, 0); err == nil {
		t.Error("an id too long for a file name was taken")
	}
	if _, err := st.LibraryPut(ctx, "../up", "x", json.RawMessage(`1`), 0, 0, 0); err == nil {
		t.Error("a collection that is a path was taken")
	}
	got := files(t, dir)
	if len(got) != len(ids)+1 {
		t.Fatalf("files %q, want one per id", got)
	}
	for _, f := range got {
		if f != "huddle.lock" && !strings.HasPrefix(f, "library/packs/") {
			t.Errorf("%s is outside the collection's directory", f)
		}
	}
	st.Close()
	st = openDir(t, dir, memory.Options{})
	for i, id := range ids {
		if d, _ := st.LibraryGet(ctx, "packs", id); string(d.Value) != string(mustJSON(i)) {
			t.Errorf("%q after a restart: %+v", id, d)
		}
	}
}

// A store closed refuses library changes: another store may have the
// directory now.
func TestLibraryClosed(t *testing.T) {
	st := openDir(t, t.TempDir(), memory.Options{})
	st.Close()
	if _, err := st.LibraryPut(context.Background(), "packs", "a", json.RawMessage(`1`), 0, 0, 0); err == nil || errors.Is(err, rooms.ErrConflict) {
		t.Fatalf("a put after Close: %v", err)
	}
}
