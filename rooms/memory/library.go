package memory

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"huddle/rooms"
)

// library is the store's rooms.Library: collections of versioned
// documents, each with an optional expiry.
type library struct {
	colls map[string]map[string]libDoc
}

type libDoc struct {
	value   json.RawMessage
	version uint64
	expires time.Time // zero: never
}

func (d libDoc) live(now time.Time) bool { return d.expires.IsZero() || now.Before(d.expires) }

// coll returns collection c, creating it; s.mu is held.
func (s *Store) coll(c string) map[string]libDoc {
	if s.lib.colls == nil {
		s.lib.colls = make(map[string]map[string]libDoc)
	}
	m := s.lib.colls[c]
	if m == nil {
		m = make(map[string]libDoc)
		s.lib.colls[c] = m
	}
	return m
}

// current returns the live document id of c; s.mu is held.
func (s *Store) current(c, id string) (libDoc, bool) {
	d, ok := s.coll(c)[id]
	if ok && !d.live(s.opts.Now()) {
		delete(s.coll(c), id)
		return libDoc{}, false
	}
	return d, ok
}

// pruneLocked drops coll's expired documents and returns how many live
// ones it holds; s.mu is held.
func (s *Store) pruneLocked(coll string) int {
	now := s.opts.Now()
	m := s.coll(coll)
	for id, d := range m {
		if !d.live(now) {
			delete(m, id)
		}
	}
	return len(m)
}

// pruneLibraryLocked drops every expired library document (the sweeper);
// s.mu is held.
func (s *Store) pruneLibraryLocked() {
	for c := range s.lib.colls {
		s.pruneLocked(c)
	}
}

// LibraryGet implements rooms.Library.
func (s *Store) LibraryGet(ctx context.Context, coll, id string) (rooms.Doc, error) {
	if err := ctx.Err(); err != nil {
		return rooms.Doc{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.current(coll, id)
	if !ok {
		return rooms.Doc{Key: id}, nil
	}
	return rooms.Doc{Key: id, Value: slices.Clone(d.value), Version: d.version}, nil
}

// LibraryList implements rooms.Library.
func (s *Store) LibraryList(ctx context.Context, coll string) ([]rooms.Doc, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	m := s.coll(coll)
	out := make([]rooms.Doc, 0, len(m))
	for id, d := range m {
		if !d.live(now) {
			delete(m, id)
			continue
		}
		out = append(out, rooms.Doc{Key: id, Value: slices.Clone(d.value), Version: d.version})
	}
	return out, nil
}

// LibraryPut implements rooms.Library.
func (s *Store) LibraryPut(ctx context.Context, coll, id string, value json.RawMessage, expect uint64, ttl time.Duration, limit int) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.current(coll, id)
	if expect != rooms.AnyVersion && (ok && d.version != expect || !ok && expect != 0) {
		return 0, rooms.ErrConflict
	}
	if !ok && limit > 0 && s.pruneLocked(coll) >= limit {
		return 0, rooms.ErrLibraryFull
	}
	nd := libDoc{value: slices.Clone(value), version: rooms.NewVersion()}
	if ttl > 0 {
		nd.expires = s.opts.Now().Add(ttl)
	}
	s.coll(coll)[id] = nd
	return nd.version, nil
}

// LibraryDelete implements rooms.Library.
func (s *Store) LibraryDelete(ctx context.Context, coll, id string, expect uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.current(coll, id)
	if !ok {
		return rooms.ErrDocNotFound
	}
	if expect != rooms.AnyVersion && d.version != expect {
		return rooms.ErrConflict
	}
	delete(s.coll(coll), id)
	return nil
}
