package packs

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"huddle/rooms"
	"huddle/rooms/memory"
)

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Building trust":          "building-trust",
		"  Sprint 42: retro!!  ":  "sprint-42-retro",
		"Café & co":               "caf-co",
		"---":                     "pack",
		"":                        "pack",
		strings.Repeat("ab ", 40): strings.Repeat("ab-", 16) + "a", // cut near 48 characters
	} {
		if got := Slug(in); got != want || !ValidID(got) {
			t.Errorf("Slug(%q) = %q, want %q (and a valid id)", in, got, want)
		}
	}
}

func newLib(t *testing.T, max int) *Library {
	st := memory.New(memory.Options{})
	t.Cleanup(func() { st.Close() })
	return NewLibrary(st, max)
}

// Ids made from titles avoid built-in ids and each other; the library's
// size is bounded.
func TestLibraryIDsAndLimit(t *testing.T) {
	ctx := context.Background()
	lib := newLib(t, 2)
	p := Find("building-trust")
	p.ID = ""
	e, err := lib.Create(ctx, p, SourceLibrary, false)
	if err != nil || e.Pack.ID != "building-trust-2" {
		t.Fatalf("create under a built-in's title: %+v %v", e, err)
	}
	p.ID = ""
	if e, err = lib.Create(ctx, p, SourceLibrary, false); err != nil || e.Pack.ID != "building-trust-3" {
		t.Fatalf("create again: %+v %v", e, err)
	}
	p.ID = ""
	_, err = lib.Create(ctx, p, SourceLibrary, false)
	if rooms.ErrorCode(err) != rooms.CodeInvalid || !strings.Contains(err.Error(), "limit of 2 packs") {
		t.Fatalf("over the limit: %v", err)
	}
	list, err := lib.List(ctx)
	if err != nil || len(list) != len(Builtin())+2 {
		t.Fatalf("list: %d %v", len(list), err)
	}
}

// The library's refusals name the pack in curly quotes, as the web app
// shows text (there is no pack “nope”), not as Go's %q does; their codes
// and fields stay.
func TestLibraryRefusalsQuoteInWords(t *testing.T) {
	ctx := context.Background()
	lib := newLib(t, 60)
	check := func(what string, err error, code rooms.Code, field, want string) {
		t.Helper()
		if e := rooms.AsError(err); e == nil || e.Code != code || e.Field != field || e.Message != want {
			t.Errorf("%s: %+v, want %s on %s: %s", what, e, code, field, want)
		}
	}
	_, err := lib.Get(ctx, "nope")
	check("an unknown pack", err, rooms.CodeNotFound, "id", "there is no pack “nope”")
	p := Find("building-trust")
	_, err = lib.Create(ctx, p, SourceLibrary, false)
	check("a built-in's id", err, rooms.CodeConflict, "id", "there is already a pack “building-trust”")
	if e := rooms.AsError(err); e.Value != "building-trust" {
		t.Errorf("a built-in's id: value %q, want the id", e.Value)
	}
	p.ID = "mine"
	e, err := lib.Create(ctx, p, SourceLibrary, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Update(ctx, "mine", p, e.Summary.Version); err != nil {
		t.Fatal(err)
	}
	_, err = lib.Update(ctx, "mine", p, e.Summary.Version)
	check("a stale update", err, rooms.CodeConflict, "version", "someone else changed pack “mine” since you loaded it; reload it")
	p.Title = "Same"
	for range 50 {
		p.ID = ""
		if _, err := lib.Create(ctx, p, SourceLibrary, false); err != nil {
			t.Fatal(err)
		}
	}
	p.ID = ""
	_, err = lib.Create(ctx, p, SourceLibrary, false)
	check("no free id", err, rooms.CodeConflict, "id", "could not find a free id for “Same”; give one")
}

// A packs directory loads its valid packs and reports the others.
func TestLoadDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ex, err := files.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.yaml", string(ex))
	write("other.yml", strings.Replace(string(ex), "\nid: ", "\nid: second-", 1))
	write("broken.yaml", "schema: 1\nid: broken\ntitle: [\n")
	write("builtin.yaml", strings.Replace(string(ex), "\nid: ", "\nid: mad-sad-glad\nx: ", 1))
	write("notes.txt", "not a pack")
	// JSON, as the web app's import and packs validate take it.
	write("third.json", `{"pack": {"schema": 1, "id": "third", "title": "From JSON", "exercises": [{"kind": "kudos", "title": "Thanks"}]}}`)
	lib := newLib(t, 0)
	n, err := lib.LoadDir(ctx, dir)
	if n != 3 || err == nil || !strings.Contains(err.Error(), "broken.yaml:") || !strings.Contains(err.Error(), "builtin.yaml") {
		t.Fatalf("LoadDir = %d, %v", n, err)
	}
	list, _ := lib.List(ctx)
	var dirPacks []string
	for _, s := range list {
		if s.Source == SourceDirectory {
			dirPacks = append(dirPacks, s.ID)
		}
	}
	slices.Sort(dirPacks)
	if !slices.Equal(dirPacks, []string{"example-pack", "second-example-pack", "third"}) {
		t.Fatalf("directory packs %v", dirPacks)
	}
	// Loading again replaces them (the files are the source of truth), and
	// they stay editable.
	if n, _ := lib.LoadDir(ctx, dir); n != 3 {
		t.Fatalf("second load: %d", n)
	}
	e, err := lib.Get(ctx, dirPacks[0])
	if err != nil {
		t.Fatal(err)
	}
	e.Pack.Title = "Edited"
	if _, err := lib.Update(ctx, e.Pack.ID, e.Pack, e.Summary.Version); err != nil {
		t.Fatalf("edit a directory pack: %v", err)
	}
	// Its id is the one it is saved under, said in words.
	other := *e.Pack
	other.ID = "another"
	if _, err := lib.Update(ctx, e.Pack.ID, &other, ""); rooms.ErrorCode(err) != rooms.CodeInvalid ||
		rooms.AsError(err).Message != "the pack’s id is “another”, not “"+e.Pack.ID+"” (duplicate it to give it another id)" {
		t.Fatalf("an update under another id: %v", err)
	}
	// A restart with the same file keeps the edit; a changed file wins.
	if _, err := lib.LoadDir(ctx, dir); err == nil {
		t.Fatal("the broken files were not reported again")
	}
	if got, _ := lib.Get(ctx, e.Pack.ID); got.Pack.Title != "Edited" {
		t.Fatalf("an unchanged file undid the web edit: %q", got.Pack.Title)
	}
	name := "good.yaml"
	if strings.HasPrefix(e.Pack.ID, "second-") {
		name = "other.yml"
	}
	data, _ := os.ReadFile(filepath.Join(dir, name))
	write(name, string(data)+"\n# changed\n")
	lib.LoadDir(ctx, dir)
	if got, _ := lib.Get(ctx, e.Pack.ID); got.Pack.Title == "Edited" {
		t.Fatal("a changed file did not replace the pack")
	}
	if _, err := lib.LoadDir(ctx, filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing directory is not an error")
	}
}
