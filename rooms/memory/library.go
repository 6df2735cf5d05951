package memory

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"huddle/rooms"
)

// library is the store's rooms.Library: collections of versioned
// documents, each with an optional expiry. With a data directory
// (Options.DataDir) every change is written to disk before it is made in
// memory (disk.go), so what a caller was told is stored survives a
// restart; without one it lives as long as the process.
//
// It has a mutex of its own, not the store's: a write to disk waits for
// the disk (fsync), and the rooms, which never wait for it, must not wait
// behind it.
type library struct {
	mu    sync.Mutex
	colls map[string]map[string]libDoc
	disk  *disk // nil: in memory only
}

type libDoc struct {
	value   json.RawMessage
	version uint64
	expires time.Time // zero: never
}

func (d libDoc) live(now time.Time) bool { return d.expires.IsZero() || now.Before(d.expires) }

// coll returns collection c, creating it; s.lib.mu is held.
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

// forget drops document id of coll, expired, from memory and from disk;
// s.lib.mu is held. A file that cannot be removed is logged (disk.expire):
// it is expired, so the next start drops it again.
func (s *Store) forget(coll, id string) {
	delete(s.coll(coll), id)
	if s.lib.disk != nil {
		s.lib.disk.expire(coll, id)
	}
}

// current returns the live document id of c; s.lib.mu is held.
func (s *Store) current(c, id string) (libDoc, bool) {
	d, ok := s.coll(c)[id]
	if ok && !d.live(s.opts.Now()) {
		s.forget(c, id)
		return libDoc{}, false
	}
	return d, ok
}

// pruneLocked drops coll's expired documents and returns how many live
// ones it holds; s.lib.mu is held.
func (s *Store) pruneLocked(coll string) int {
	now := s.opts.Now()
	m := s.coll(coll)
	for id, d := range m {
		if !d.live(now) {
			s.forget(coll, id)
		}
	}
	return len(m)
}

// pruneLibrary drops every expired library document (the sweeper).
func (s *Store) pruneLibrary() {
	s.lib.mu.Lock()
	defer s.lib.mu.Unlock()
	for c := range s.lib.colls {
		s.pruneLocked(c)
	}
}

// LibraryDurable implements rooms.DurableLibrary: the library outlives
// the process only when it is kept in a data directory.
func (s *Store) LibraryDurable() bool { return s.lib.disk != nil }

// LibraryGet implements rooms.Library.
func (s *Store) LibraryGet(ctx context.Context, coll, id string) (rooms.Doc, error) {
	if err := ctx.Err(); err != nil {
		return rooms.Doc{}, err
	}
	s.lib.mu.Lock()
	defer s.lib.mu.Unlock()
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
	s.lib.mu.Lock()
	defer s.lib.mu.Unlock()
	now := s.opts.Now()
	m := s.coll(coll)
	out := make([]rooms.Doc, 0, len(m))
	for id, d := range m {
		if !d.live(now) {
			s.forget(coll, id)
			continue
		}
		out = append(out, rooms.Doc{Key: id, Value: slices.Clone(d.value), Version: d.version})
	}
	return out, nil
}

// LibraryPut implements rooms.Library. With a data directory the
// document is on disk (written whole, synced) before it is in memory: a
// put that fails changes neither.
func (s *Store) LibraryPut(ctx context.Context, coll, id string, value json.RawMessage, expect uint64, ttl time.Duration, limit int) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.lib.mu.Lock()
	defer s.lib.mu.Unlock()
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
	if s.lib.disk != nil {
		if err := s.lib.disk.write(coll, id, nd); err != nil {
			return 0, err
		}
	}
	s.coll(coll)[id] = nd
	return nd.version, nil
}

// LibraryDelete implements rooms.Library. With a data directory the
// document's file is removed first: a delete that fails changes nothing.
func (s *Store) LibraryDelete(ctx context.Context, coll, id string, expect uint64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.lib.mu.Lock()
	defer s.lib.mu.Unlock()
	d, ok := s.current(coll, id)
	if !ok {
		return rooms.ErrDocNotFound
	}
	if expect != rooms.AnyVersion && d.version != expect {
		return rooms.ErrConflict
	}
	if s.lib.disk != nil {
		if err := s.lib.disk.remove(coll, id); err != nil {
			return err
		}
	}
	delete(s.coll(coll), id)
	return nil
}
