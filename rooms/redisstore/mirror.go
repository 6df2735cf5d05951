package redisstore

import (
	"strconv"
	"strings"

	"huddle/rooms"
)

// A node follows a room (Subscribe) while it has members connected, and
// then recomputes the room's coalesced state (an exercise's tally, say)
// whenever a notice touches it: on every node, every coalescing interval
// while people vote. Each such recomputation read the exercise and every
// counter of the room from Redis: with rooms of ten voting at once, about
// one read per node per vote, more of Redis's time than the votes
// themselves.
//
// A mirror is instead what a node knows of a followed room: all of its
// counters and the documents views have read, at a version of the room.
// Every change that writes documents or counters moves META's ver by one
// and its first notice carries the new values of the counters it wrote,
// the prefixes of those it deleted and the classes of the documents it
// wrote; every notice carries the
// room's version (commit in common.lua, presence.lua). A node applies those in order; a document of a class
// written is forgotten (read again when next asked for), and a version
// missed (a gap) or a lost subscription drops the mirror, so the next view
// reads Redis and starts a new one. ReadView answers from the mirror only
// when it is at the newest version the node knows of (from notices and
// from the changes it applied itself), so a view computed after a change
// this node acknowledged always includes it.
//
// Why a mirror built from a read stays exact: it is built only from a
// read sent after the room's subscription was confirmed (every change
// after the read is then published to this node) and only when the read
// is at least as new as every version the node has seen (a change whose
// notice came before the read's reply and that the read does not include
// would otherwise never reach the mirror).
type mirror struct {
	epoch    string
	ver      int64
	counters map[string]int64
	docs     map[string]rooms.Doc // by key; absent ones with Version 0
}

// versionNote is what a notice tells about the room's version.
type versionNote struct {
	Epoch string   `json:"epoch,omitempty"`
	Ver   int64    `json:"ver,omitempty"`
	Ctr   []string `json:"ctr,omitempty"` // name, value, name, value...
	Cls   []string `json:"cls,omitempty"`
	// CtrDrop: prefixes of the counters the change deleted, before it
	// wrote Ctr (rooms.Change.CounterDrops).
	CtrDrop []string `json:"cdrop,omitempty"`
}

// seenLocked records that version ver of the room exists (b.mu held).
func (f *follow) seenLocked(epoch string, ver int64) {
	if epoch != f.epoch {
		f.epoch, f.latest = epoch, ver
		return
	}
	f.latest = max(f.latest, ver)
}

// noteLocked applies a notice's version to f's mirror (b.mu held). about
// says the notice has an event or names touched state: every such notice
// of this version's scripts carries the room's version, so one without
// comes from a node of an earlier version, whose changes the mirror
// cannot follow: it is dropped, and views read Redis.
func (f *follow) noteLocked(n versionNote, about bool) {
	if n.Ver == 0 {
		if about {
			// And a read already sent must not start a mirror
			// without this change: its ticket is void.
			f.mir = nil
			f.gen++
		}
		return
	}
	f.seenLocked(n.Epoch, n.Ver)
	m := f.mir
	switch {
	case m == nil || n.Ver <= m.ver && m.epoch == n.Epoch:
	case m.epoch == n.Epoch && n.Ver == m.ver+1 && (len(n.Ctr) > 0 || len(n.Cls) > 0 || len(n.CtrDrop) > 0):
		// The first notice of the next change: what it wrote.
		if len(n.CtrDrop) > 0 {
			for name := range m.counters {
				if rooms.HasAnyPrefix(name, n.CtrDrop) {
					delete(m.counters, name)
				}
			}
		}
		for i := 0; i+1 < len(n.Ctr); i += 2 {
			m.counters[n.Ctr[i]], _ = strconv.ParseInt(n.Ctr[i+1], 10, 64)
		}
		for _, cls := range n.Cls {
			for k := range m.docs {
				if docClass(k) == cls {
					delete(m.docs, k)
				}
			}
		}
		m.ver = n.Ver
	default:
		f.mir = nil // another room under the id, or a change missed
	}
}

// docClass is a document key's class, as class_of in room.lua has it.
func docClass(key string) string {
	if i := strings.IndexByte(key, ':'); i >= 0 {
		return key[:i+1]
	}
	return ""
}

// allCounters reports whether q reads every counter of the room: only
// such a read can start a mirror.
func allCounters(q rooms.ViewQuery) bool {
	for _, p := range q.CounterPrefixes {
		if p == "" {
			return true
		}
	}
	return false
}

// readTicket says, for a view read about to be sent, whether its reply may
// start or extend room's mirror: the room is followed and its
// subscription confirmed now, and stays so (same follow, same
// generation) until the reply.
type readTicket struct {
	f   *follow
	gen uint64
}

// lookup answers q from room's mirror when it can (ok): the mirror is at
// the newest version the node knows of and holds every document q names.
// Else it gives the ticket of the read the caller sends instead. One
// acquisition of the lock either way.
func (b *subscriptions) lookup(ch string, q rooms.ViewQuery) (v *rooms.ViewData, t readTicket, ok bool) {
	if len(q.DocPrefixes) > 0 {
		return nil, t, false // scans are never in a mirror
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.follows[ch]
	if f == nil || !f.confirmed {
		return nil, t, false
	}
	t = readTicket{f: f, gen: f.gen}
	m := f.mir
	if m == nil || m.epoch != f.epoch || m.ver < f.latest {
		return nil, t, false
	}
	v = &rooms.ViewData{Counters: make(map[string]int64)}
	if len(q.Keys) > 0 {
		v.Docs = make([]rooms.Doc, len(q.Keys))
		for i, k := range q.Keys {
			d, ok := m.docs[k]
			if !ok {
				return nil, t, false
			}
			v.Docs[i] = d
		}
	}
	for name, n := range m.counters {
		if rooms.HasAnyPrefix(name, q.CounterPrefixes) {
			v.Counters[name] = n
		}
	}
	for _, k := range q.CounterKeys {
		v.Counters[k] = m.counters[k]
	}
	return v, t, true
}

// keep records what a view read at (epoch, ver) found in room's mirror:
// a new mirror when the read took every counter and is the newest version
// the node knows of; else, when the mirror is at exactly that version,
// the documents it lacked.
func (b *subscriptions) keep(ch string, t readTicket, q rooms.ViewQuery, v *rooms.ViewData, epoch string, ver int64) {
	if t.f == nil || ver == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	f := t.f
	if b.follows[ch] != f || f.gen != t.gen {
		return
	}
	if f.epoch != "" && epoch != f.epoch {
		// The room was made again under its id; which of the two
		// this read and the notices saw is the newer is unknown.
		f.mir = nil
		return
	}
	if ver < f.latest {
		return // a change this read does not have is known: too old
	}
	f.epoch, f.latest = epoch, ver
	if !allCounters(q) {
		// Only tally-shaped reads (an exercise and every counter) fill
		// the mirror: a member read by a hello or a snapshot would make
		// it grow with the room, and every notice scan it.
		return
	}
	m := f.mir
	if m == nil || m.epoch != epoch || m.ver != ver {
		m = &mirror{epoch: epoch, ver: ver, counters: make(map[string]int64, len(v.Counters)), docs: make(map[string]rooms.Doc)}
		for k, n := range v.Counters {
			m.counters[k] = n
		}
		f.mir = m
	}
	for i, k := range q.Keys {
		m.docs[k] = v.Docs[i]
	}
}

// applied records that this node applied version ver of room: its views
// include it from now on.
func (b *subscriptions) applied(ch, epoch string, ver int64) {
	if ver == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if f := b.follows[ch]; f != nil {
		f.seenLocked(epoch, ver)
	}
}
