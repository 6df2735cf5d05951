package rooms

import (
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
	rooms map[string]map[string]Doc
	n     int // documents held
	max   int
}

func newDocCache(max int) *docCache {
	return &docCache{rooms: make(map[string]map[string]Doc), max: max}
}

func (c *docCache) get(room, key string) (Doc, bool) {
	c.mu.Lock()
	d, ok := c.rooms[room][key]
	c.mu.Unlock()
	return d, ok
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
		m = make(map[string]Doc)
		c.rooms[room] = m
	}
	if _, had := m[d.Key]; !had {
		c.n++
	}
	m[d.Key] = d
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

// tokenMembers remembers, per room, the member each token this node has
// authenticated or issued belongs to. A token never changes member, so a
// stale entry is impossible, only a missing one; Authenticate still reads
// the token's document and checks it names that member, so a collision
// of the shortened keys costs a second read, never a wrong member. Two
// generations of at most max/2 entries each: a token used recently stays,
// the oldest go in bulk.
type tokenMembers struct {
	mu       sync.Mutex
	cur, old map[string]string
	max      int
}

func newTokenMembers(max int) *tokenMembers {
	return &tokenMembers{cur: make(map[string]string), max: max}
}

// tokenEntry keys a token of a room: 64 bits of the token key's hash are
// plenty to tell a room's tokens apart (see tokenMembers).
func tokenEntry(room, tokenKey string) string {
	return room + tokenKey[len(tokenKey)-16:]
}

func (t *tokenMembers) get(room, tokenKey string) (string, bool) {
	k := tokenEntry(room, tokenKey)
	t.mu.Lock()
	defer t.mu.Unlock()
	if m, ok := t.cur[k]; ok {
		return m, true
	}
	if m, ok := t.old[k]; ok {
		t.putLocked(k, m)
		return m, true
	}
	return "", false
}

func (t *tokenMembers) put(room, tokenKey, member string) {
	t.mu.Lock()
	t.putLocked(tokenEntry(room, tokenKey), member)
	t.mu.Unlock()
}

func (t *tokenMembers) putLocked(k, member string) {
	t.cur[k] = member
	if len(t.cur) >= t.max/2 {
		t.old, t.cur = t.cur, make(map[string]string)
	}
}
