package packs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"huddle/exercises"
	"huddle/rooms"
)

// Where a pack comes from.
const (
	SourceBuiltin   = "builtin"
	SourceLibrary   = "library"
	SourceDirectory = "directory"
)

// DefaultMaxPacks is how many packs a library holds by default.
const DefaultMaxPacks = 1000

// Summary is a pack as the library lists it.
type Summary struct {
	ID          string     `json:"id"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Author      string     `json:"author"`
	Exercises   int        `json:"exercises"`
	Kinds       []string   `json:"kinds"`
	Builtin     bool       `json:"builtin"`
	Source      string     `json:"source"`
	Version     string     `json:"version"`
	UpdatedAt   *time.Time `json:"updatedAt,omitempty"`
}

// Entry is a pack with its summary.
type Entry struct {
	Summary Summary `json:"summary"`
	Pack    *Pack   `json:"pack"`
}

// stored is a library pack as the store keeps it.
type stored struct {
	Pack      *Pack     `json:"pack"`
	Source    string    `json:"source"`
	UpdatedAt time.Time `json:"updatedAt"`
	// FileHash is the SHA-256 of the file a directory pack was loaded
	// from: a restart loads the file again only when it changed, so edits
	// made in the web app are not undone by every restart.
	FileHash string `json:"fileHash,omitempty"`
}

// Library is the trainers' pack library: the built-in packs (read-only)
// and the packs kept by the store (shared by every node).
type Library struct {
	store   rooms.Library
	builtin []*Pack
	max     int
	now     func() time.Time
}

// NewLibrary returns the library kept in store, holding at most max packs
// of its own (DefaultMaxPacks when max <= 0).
func NewLibrary(store rooms.Library, max int) *Library {
	if max <= 0 {
		max = DefaultMaxPacks
	}
	return &Library{store: store, builtin: Builtin(), max: max, now: time.Now}
}

func summarize(p *Pack, source string, version uint64, updated time.Time) Summary {
	s := Summary{ID: p.ID, Title: p.Title, Description: p.Description, Author: p.Author,
		Exercises: len(p.Exercises), Kinds: make([]string, len(p.Exercises)), Source: source}
	for i, e := range p.Exercises {
		s.Kinds[i] = string(e.Kind)
	}
	if source == SourceBuiltin {
		s.Builtin = true
	} else {
		s.Version = strconv.FormatUint(version, 10)
		u := updated.UTC()
		s.UpdatedAt = &u
	}
	return s
}

func (l *Library) findBuiltin(id string) *Pack {
	for _, p := range l.builtin {
		if p.ID == id {
			return p
		}
	}
	return nil
}

func notFound(id string) error {
	return rooms.FieldError(rooms.CodeNotFound, "id", "there is no pack %s", exercises.Quote(id))
}

func decodeStored(d rooms.Doc) (*stored, error) {
	var s stored
	if err := json.Unmarshal(d.Value, &s); err != nil || s.Pack == nil {
		return nil, fmt.Errorf("packs: library pack %q is damaged: %v", d.Key, err)
	}
	return &s, nil
}

// List returns every pack: the built-ins in their order, then the
// library's sorted by title.
func (l *Library) List(ctx context.Context) ([]Summary, error) {
	out := make([]Summary, 0, len(l.builtin))
	for _, p := range l.builtin {
		out = append(out, summarize(p, SourceBuiltin, 0, time.Time{}))
	}
	docs, err := l.store.LibraryList(ctx, rooms.LibPacks)
	if err != nil {
		return nil, err
	}
	var own []Summary
	for _, d := range docs {
		s, err := decodeStored(d)
		if err != nil {
			continue // one damaged entry does not hide the library
		}
		own = append(own, summarize(s.Pack, s.Source, d.Version, s.UpdatedAt))
	}
	slices.SortFunc(own, func(a, b Summary) int {
		if c := strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return append(out, own...), nil
}

// Get returns a pack, built-in or the library's.
func (l *Library) Get(ctx context.Context, id string) (*Entry, error) {
	if p := l.findBuiltin(id); p != nil {
		return &Entry{Summary: summarize(p, SourceBuiltin, 0, time.Time{}), Pack: p}, nil
	}
	s, v, err := l.stored(ctx, id)
	if err != nil {
		return nil, err
	}
	return &Entry{Summary: summarize(s.Pack, s.Source, v, s.UpdatedAt), Pack: s.Pack}, nil
}

// stored reads a library pack as kept, with its version.
func (l *Library) stored(ctx context.Context, id string) (*stored, uint64, error) {
	if !ValidID(id) {
		return nil, 0, notFound(id)
	}
	d, err := l.store.LibraryGet(ctx, rooms.LibPacks, id)
	if err != nil {
		return nil, 0, err
	}
	if d.Version == 0 {
		return nil, 0, notFound(id)
	}
	s, err := decodeStored(d)
	return s, d.Version, err
}

// AsError turns a validation error into the typed error clients get:
// invalid, with the first problem's field and every problem listed.
func AsError(err error) error {
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 {
		return err
	}
	e := &rooms.Error{Code: rooms.CodeInvalid, Message: ve.Problems[0].Message, Field: ve.Problems[0].Field}
	if len(ve.Problems) > 1 {
		e.Message = fmt.Sprintf("%s (and %d more problems)", e.Message, len(ve.Problems)-1)
	}
	for _, p := range ve.Problems {
		e.Problems = append(e.Problems, rooms.Problem{Line: p.Line, Field: p.Field, Message: p.Message})
	}
	return e
}

func (l *Library) put(ctx context.Context, p *Pack, source string, expect uint64) (*Entry, error) {
	return l.putStored(ctx, stored{Pack: p, Source: source}, expect)
}

func (l *Library) putStored(ctx context.Context, st stored, expect uint64) (*Entry, error) {
	if err := Check(st.Pack); err != nil {
		return nil, AsError(err)
	}
	st.UpdatedAt = l.now().UTC().Truncate(time.Second)
	val, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	v, err := l.store.LibraryPut(ctx, rooms.LibPacks, st.Pack.ID, val, expect, 0, l.max)
	if errors.Is(err, rooms.ErrLibraryFull) {
		return nil, rooms.Errorf(rooms.CodeInvalid, "the library holds its limit of %d packs; delete one first", l.max)
	}
	if err != nil {
		return nil, err
	}
	return &Entry{Summary: summarize(st.Pack, st.Source, v, st.UpdatedAt), Pack: st.Pack}, nil
}

// taken is the conflict of an id already taken, the id in its value:
// the web app's import names it, as the server read it from the file.
func taken(id string) error {
	e := rooms.FieldError(rooms.CodeConflict, "id", "there is already a pack %s", exercises.Quote(id))
	e.Value = id
	return e
}

// Create adds a new pack to the library. An empty id is made from the
// title, unique. With replace, an existing library pack of the same id is
// overwritten (a built-in's id is never taken).
func (l *Library) Create(ctx context.Context, p *Pack, source string, replace bool) (*Entry, error) {
	if p.Schema == 0 {
		p.Schema = Schema
	}
	if p.ID != "" {
		if l.findBuiltin(p.ID) != nil {
			return nil, taken(p.ID)
		}
		expect := uint64(0)
		if replace {
			expect = rooms.AnyVersion
		}
		e, err := l.put(ctx, p, source, expect)
		if errors.Is(err, rooms.ErrConflict) {
			return nil, taken(p.ID)
		}
		return e, err
	}
	base := Slug(p.Title)
	for n := 1; n <= 50; n++ {
		p.ID = base
		if n > 1 {
			suffix := "-" + strconv.Itoa(n)
			p.ID = strings.TrimRight(base[:min(len(base), 64-len(suffix))], "-") + suffix
		}
		if l.findBuiltin(p.ID) != nil {
			continue
		}
		e, err := l.put(ctx, p, source, 0)
		if errors.Is(err, rooms.ErrConflict) {
			continue
		}
		return e, err
	}
	p.ID = ""
	return nil, rooms.FieldError(rooms.CodeConflict, "id", "could not find a free id for %s; give one", exercises.Quote(p.Title))
}

// ParseVersion reads a version as clients send it: "" means any.
func ParseVersion(v string) (uint64, error) {
	if v == "" {
		return rooms.AnyVersion, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 || n == rooms.AnyVersion {
		return 0, rooms.FieldError(rooms.CodeInvalid, "version", "version is a version string the server gave")
	}
	return n, nil
}

func changed(id string) error {
	return rooms.FieldError(rooms.CodeConflict, "version", "someone else changed pack %s since you loaded it; reload it", exercises.Quote(id))
}

// Update replaces a library pack when it is still at version (see
// ParseVersion). Built-in packs are read-only.
func (l *Library) Update(ctx context.Context, id string, p *Pack, version string) (*Entry, error) {
	if l.findBuiltin(id) != nil {
		return nil, rooms.Errorf(rooms.CodeForbidden, "built-in packs cannot be changed; duplicate it and change the copy")
	}
	if p.ID != "" && p.ID != id {
		return nil, rooms.FieldError(rooms.CodeInvalid, "id", "the pack’s id is %s, not %s (duplicate it to give it another id)", exercises.Quote(p.ID), exercises.Quote(id))
	}
	p.ID = id
	if p.Schema == 0 {
		p.Schema = Schema
	}
	expect, err := ParseVersion(version)
	if err != nil {
		return nil, err
	}
	cur, _, err := l.stored(ctx, id)
	if err != nil {
		return nil, err
	}
	// The file hash stays: the edit is not undone by the next start.
	e, err := l.putStored(ctx, stored{Pack: p, Source: cur.Source, FileHash: cur.FileHash}, expect)
	if errors.Is(err, rooms.ErrConflict) {
		return nil, changed(id)
	}
	return e, err
}

// Duplicate copies a pack (built-in or not) into the library under newID
// (from the title when empty) and title (default "<title> (copy)").
func (l *Library) Duplicate(ctx context.Context, id, newID, title string) (*Entry, error) {
	src, err := l.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(src.Pack)
	if err != nil {
		return nil, err
	}
	var p Pack
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	p.ID = newID
	if title = strings.TrimSpace(title); title != "" {
		p.Title = title
	} else {
		p.Title = copyTitle(src.Pack.Title)
	}
	return l.Create(ctx, &p, SourceLibrary, false)
}

func copyTitle(t string) string {
	const suffix = " (copy)"
	r := []rune(t)
	if len(r)+len(suffix) > MaxTitle {
		r = r[:MaxTitle-len(suffix)]
	}
	return strings.TrimSpace(string(r)) + suffix
}

// Delete removes a library pack still at version ("" any).
func (l *Library) Delete(ctx context.Context, id, version string) error {
	if l.findBuiltin(id) != nil {
		return rooms.Errorf(rooms.CodeForbidden, "built-in packs cannot be deleted")
	}
	expect, err := ParseVersion(version)
	if err != nil {
		return err
	}
	if !ValidID(id) {
		return notFound(id)
	}
	err = l.store.LibraryDelete(ctx, rooms.LibPacks, id, expect)
	switch {
	case errors.Is(err, rooms.ErrDocNotFound):
		return notFound(id)
	case errors.Is(err, rooms.ErrConflict):
		return changed(id)
	}
	return err
}

// LoadDir puts every *.yaml, *.yml and *.json pack of dir into the
// library, read as Parse reads any pack file, as source "directory": a file new or changed since it was last loaded
// replaces the library pack of the same id; an unchanged file leaves the
// pack as the web app edited it. It returns how many it loaded; a
// pack that does not validate is skipped and reported in the error, with
// the others still loaded.
func (l *Library) LoadDir(ctx context.Context, dir string) (int, error) {
	var names []string
	for _, pat := range []string{"*.yaml", "*.yml", "*.json"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return 0, err
		}
		names = append(names, m...)
	}
	if _, err := os.Stat(dir); err != nil {
		return 0, fmt.Errorf("packs directory: %w", err)
	}
	slices.Sort(names)
	var errs []error
	n := 0
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, err := Parse(filepath.Base(name), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if l.findBuiltin(p.ID) != nil {
			errs = append(errs, fmt.Errorf("%s: id %q is a built-in pack's", filepath.Base(name), p.ID))
			continue
		}
		sum := sha256.Sum256(data)
		hash := hex.EncodeToString(sum[:])
		if d, err := l.store.LibraryGet(ctx, rooms.LibPacks, p.ID); err == nil && d.Version != 0 {
			if old, err := decodeStored(d); err == nil && old.FileHash == hash {
				n++ // unchanged since it was loaded: keep what the web app made of it
				continue
			}
		}
		if _, err := l.putStored(ctx, stored{Pack: p, Source: SourceDirectory, FileHash: hash}, rooms.AnyVersion); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", filepath.Base(name), err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// Slug makes a pack id from a title: its lower-case ASCII letters and
// digits, runs of anything else as single dashes, at most 48 characters
// ("pack" when nothing is left).
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if b.Len() >= 48 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "pack"
	}
	return s
}
