package rooms

import (
	"context"
	"strings"
	"sync"
)

// docCache keeps, per node, documents that many commands read and few
// write: a room's settings and its exercises. A cached document may be
// stale (another node changed it): every document a command reads is a
// precondition of its change, so a stale one makes Store.Apply fail with
// ErrConflict; the command's cached reads are then dropped and it runs again
// on fresh ones. A vote on Redis thus costs one read and one write instead
// of a read per document.
type docCache struct {
	mu    sync.Mutex
	rooms map[string]map[string]cachedDoc
	n     int // documents held
	max   int
}

// cachedDoc is a cached document and, once a command decoded it (Shared),
// its value decoded, for that version only.
type cachedDoc struct {
	Doc
	decoded any
}

func newDocCache(max int) *docCache {
	return &docCache{rooms: make(map[string]map[string]cachedDoc), max: max}
}

func (c *docCache) get(room, key string) (Doc, bool) {
	c.mu.Lock()
	d, ok := c.rooms[room][key]
	c.mu.Unlock()
	return d.Doc, ok
}

// decoded returns the decoded value kept for the document key at version,
// or nil.
func (c *docCache) decoded(room, key string, version uint64) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.rooms[room][key]; ok && d.Version == version {
		return d.decoded
	}
	return nil
}

// keepDecoded keeps v as the decoded value of the document key at
// version, if that version is the one cached.
func (c *docCache) keepDecoded(room, key string, version uint64, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.rooms[room][key]; ok && d.Version == version {
		d.decoded = v
		c.rooms[room][key] = d
	}
}

func (c *docCache) put(room string, d Doc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.rooms[room]
	if m == nil {
		// Full: forget some room (map order is arbitrary enough).
		for r, docs := range c.rooms {
			if c.n < c.max {
				break
			}
			c.n -= len(docs)
			delete(c.rooms, r)
		}
		m = make(map[string]cachedDoc)
		c.rooms[room] = m
	}
	old, had := m[d.Key]
	if !had {
		c.n++
	}
	if had && old.Version == d.Version {
		return // the same version: keep what was decoded of it
	}
	m[d.Key] = cachedDoc{Doc: d}
}

func (c *docCache) drop(room string, keys ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.rooms[room]
	for _, k := range keys {
		if _, had := m[k]; had {
			delete(m, k)
			c.n--
		}
	}
	if m != nil && len(m) == 0 {
		delete(c.rooms, room)
	}
}

// CacheDocs lets the node cache documents whose keys start with prefix
// (the room document is always cached). Only documents that every command
// reading them also takes as a precondition belong here.
func (s *Service) CacheDocs(prefix string) { s.cachePrefixes = append(s.cachePrefixes, prefix) }

func (s *Service) cacheable(key string) bool {
	if key == KeyRoom {
		return true
	}
	for _, p := range s.cachePrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// recent is a bounded map of facts that never go stale, only away (a
// token's member, a join code's room while that room lives): two
// generations of at most max/2 entries each, so an entry used recently
// stays and the oldest go in bulk.
type recent struct {
	mu       sync.Mutex
	cur, old map[string]string
	max      int
}

func newRecent(max int) *recent {
	return &recent{cur: make(map[string]string), max: max}
}

func (r *recent) get(k string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.cur[k]; ok {
		return v, true
	}
	if v, ok := r.old[k]; ok {
		r.putLocked(k, v)
		return v, true
	}
	return "", false
}

func (r *recent) put(k, v string) {
	r.mu.Lock()
	r.putLocked(k, v)
	r.mu.Unlock()
}

func (r *recent) putLocked(k, v string) {
	r.cur[k] = v
	if len(r.cur) >= r.max/2 {
		r.old, r.cur = r.cur, make(map[string]string)
	}
}

func (r *recent) drop(k string) {
	r.mu.Lock()
	delete(r.cur, k)
	delete(r.old, k)
	r.mu.Unlock()
}

// remember caches the documents of docs the node caches (see CacheDocs),
// as a fresh read found them: the commands that follow read them from
// the cache. A copy older than one already cached only costs a retry.
func (s *Service) remember(room string, docs ...Doc) {
	for _, d := range docs {
		if d.Version != 0 && s.cacheable(d.Key) {
			s.cache.put(room, d)
		}
	}
}

// warming is the store as coalesced state functions see it (Service.State):
// documents they read by key that the node caches go into its cache. A
// tally is computed on every node with members in the room, from the
// exercise: the votes that follow on that node then find the exercise
// cached and read nothing (on Redis, without it, every node's first
// votes in a room read it, all of them when they come at once).
type warming struct {
	Store
	s *Service
}

func (w warming) ReadView(ctx context.Context, room string, q ViewQuery) (*ViewData, error) {
	v, err := ReadView(ctx, w.Store, room, q)
	if err == nil {
		w.s.remember(room, v.Docs...)
	}
	return v, err
}

func (w warming) Get(ctx context.Context, room string, keys ...string) ([]Doc, error) {
	docs, err := w.Store.Get(ctx, room, keys...)
	if err == nil {
		w.s.remember(room, docs...)
	}
	return docs, err
}

// The scans keep the store's own (ScanCounters and ScanDocs fall back to
// a Load without them).
func (w warming) CountersWithPrefix(ctx context.Context, room, prefix string) (map[string]int64, error) {
	return ScanCounters(ctx, w.Store, room, prefix)
}

func (w warming) DocsWithPrefix(ctx context.Context, room, prefix string) ([]Doc, error) {
	return ScanDocs(ctx, w.Store, room, prefix)
}
