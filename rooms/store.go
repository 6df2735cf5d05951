package rooms

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"sort"
	"strings"
	"time"
)

// Position is a point in a room's event stream. Seq counts the room's
// events from 1; Epoch names the history that Seq counts in and changes
// when that history restarts (a store lost it), so a position from another
// epoch is never mistaken for one in this.
type Position struct {
	Epoch string `json:"epoch"`
	Seq   uint64 `json:"seq"`
}

// Audience says who may see an event. The zero value is everyone in the
// room.
type Audience struct {
	// Facilitators limits the event to facilitators.
	Facilitators bool `json:"f,omitempty"`
	// Member limits the event to one member (by id).
	Member string `json:"m,omitempty"`
	// Private limits the event to the member whose private key for Scope
	// it is (see PrivateTo): for what only its author may see, without the
	// store naming the author, or linking their items across scopes.
	Private string `json:"p,omitempty"`
	Scope   string `json:"s,omitempty"`
}

// PrivateTo is the audience of m alone, by a key for scope (an exercise)
// that only m's token can produce.
func PrivateTo(m *Member, scope string) Audience {
	return Audience{Private: m.PrivateKeyFor(scope), Scope: scope}
}

// Everyone reports whether the audience is the whole room.
func (a Audience) Everyone() bool { return !a.Facilitators && a.Member == "" && a.Private == "" }

// Event is one change to a room as members see it.
type Event struct {
	Room  string          `json:"room"`
	Epoch string          `json:"epoch"`
	Seq   uint64          `json:"seq"`
	Type  string          `json:"type"`
	Data  json.RawMessage `json:"data,omitempty"`
	To    Audience        `json:"to"`
}

// Draft is an event before the store gives it a sequence number.
type Draft struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data,omitempty"`
	To   Audience        `json:"to"`
}

// Doc is a versioned document of a room. Version 0 means absent. A version
// is a random token drawn at each write: preconditions compare versions
// for equality only, and versions carry no order, so they cannot line up
// when two documents were written (a member's and an anonymous ballot, say).
type Doc struct {
	Key     string          `json:"key"`
	Value   json.RawMessage `json:"value,omitempty"`
	Version uint64          `json:"version"`
}

// Expect is a precondition: the document Key is at Version (0: absent).
type Expect struct {
	Key     string `json:"key"`
	Version uint64 `json:"version"`
}

// Once is a precondition and an effect: Member must not be in Set, and is
// added to it. Sets only answer "is X in it" and "how many": they keep no
// order and no time, which is what anonymous voting needs (who answered is
// kept apart from what was answered, with nothing that joins the two).
type Once struct {
	Set    string `json:"set"`
	Member string `json:"member"`
}

// Incr adds By to counter Key. When Max is positive the counter may not
// pass it, and the whole change fails with *LimitError.
type Incr struct {
	Key string `json:"key"`
	By  int64  `json:"by"`
	Max int64  `json:"max,omitempty"`
}

// NewVersion draws a document version: random, never 0.
func NewVersion() uint64 {
	for {
		var b [8]byte
		_, _ = rand.Read(b[:])
		// 62 bits: exact as a decimal string everywhere, and in a double.
		if v := binary.BigEndian.Uint64(b[:]) >> 11; v != 0 {
			return v
		}
	}
}

// Put writes document Key, or deletes it when Value is nil.
type Put struct {
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value,omitempty"`
}

// DefaultReplyWindow is how many answers a room keeps for re-sent
// commands unless a store is told otherwise, and ReplyPerParticipant how
// many more per participant the room keeps beyond that: a room keeps
// max(ReplyWindow, ReplyPerParticipant × participants) answers, its last
// ones, whoever sent them. A re-send comes back within a reconnect, and a
// room's people send fewer commands meanwhile; the share per participant
// keeps a big room's window from turning over in one burst of dots.
//
// AppliedPerAnswer is how many times more commands that changed the room
// a room knows as applied than it keeps answers: re-sent after its answer
// left, such a command is a duplicate with no answer (Applied), never
// applied twice, for as long as it is among the room's last
// AppliedPerAnswer × window changes. Refusals do not count.
const (
	DefaultReplyWindow  = 65536
	ReplyPerParticipant = 64
	AppliedPerAnswer    = 4
)

// Change is everything one command does to a room, applied by the store as
// one atomic step: either all of it or none of it.
//
// The order of checks is: the reply for (Actor, CmdID) already exists →
// nothing is applied and Applied.Duplicate is true with the stored reply;
// any Expect fails → ErrConflict; any Once member present → *OnceError;
// any Incr over its Max → *LimitError (counted from 0 for a counter
// CounterDrops deletes). Then the effects: Drops, Puts, CounterDrops,
// Incrs, Once members added, Reply stored, Events numbered, appended to the
// bounded history and published in order, Touched keys published, and the
// room's expiry refreshed.
type Change struct {
	// Actor and CmdID name the kept answer: the service gives each command
	// a key of its own as Actor (Member.ReplyKey).
	Actor  string          `json:"actor,omitempty"`
	CmdID  string          `json:"cmd,omitempty"`
	Reply  json.RawMessage `json:"reply,omitempty"`
	Expect []Expect        `json:"expect,omitempty"`
	Once   []Once          `json:"once,omitempty"`
	Puts   []Put           `json:"puts,omitempty"`
	Incrs  []Incr          `json:"incrs,omitempty"`
	Events []Draft         `json:"events,omitempty"`
	// Drops deletes every document whose key starts with one of these
	// prefixes, before Puts (so a Put under a prefix dropped stays):
	// documents whose keys the change cannot name, such as a finished
	// vote's allocations, each under a key only its voter's token gives.
	// A prefix with a ':' costs the documents of its class (the key up to
	// the first ':') on Redis; one without, every document of the room.
	Drops []string `json:"drops,omitempty"`
	// CounterDrops deletes every counter whose name starts with one of
	// these prefixes, before Incrs (so an Incr under a prefix dropped
	// counts from 0): counters the change cannot name, such as the dot
	// totals of a vote started again, one per item dotted. On Redis it
	// costs a look at the name of every counter of the room.
	CounterDrops []string `json:"counterDrops,omitempty"`
	// Touch names coalesced state (a tally, say) that changed without an
	// event of its own; nodes refresh it at a bounded rate.
	Touch []string `json:"touch,omitempty"`
}

// Applied is the outcome of Store.Apply.
type Applied struct {
	// Pos is the room's position after the change.
	Pos Position
	// Duplicate is true when (Actor, CmdID) had been answered before;
	// Reply is then that stored answer and nothing was applied. A command
	// that changed the room is known as applied after its answer has left
	// the room's window, among its last AppliedPerAnswer × window changes
	// (see DefaultReplyWindow): it is then a Duplicate with a nil Reply.
	Duplicate bool
	Reply     json.RawMessage
}

// State is a consistent copy of everything a room holds, at Pos.
type State struct {
	Pos      Position
	Docs     map[string]Doc
	Counters map[string]int64
	// Sets gives the size of each once-only set (never its members).
	Sets map[string]int
}

// ExpirySlack is how much sooner than ttl after its last change or Touch
// a store may let a room expire (see Store.CreateRoom): ttl/20, at most a
// minute. Nodes touch rooms with members connected every min(ttl/4, 1
// min), well within ttl - ExpirySlack(ttl).
func ExpirySlack(ttl time.Duration) time.Duration { return min(ttl/20, time.Minute) }

// Notice is what a store publishes to the nodes that follow a room: an
// event, or the names of coalesced state that changed.
type Notice struct {
	Room    string
	Event   *Event
	Touched []string
	// Lost says notices of this room may have been lost (a store whose
	// publish/subscribe reconnected): followers catch up from History.
	Lost bool
	// At is when the store published it, for fan-out latency metrics.
	At time.Time
}

// Store keeps everything of every room. The room logic goes through it for
// all state, so the same rules hold on any implementation. Every method is
// safe for concurrent use. Implementations must pass roomstest.Run.
type Store interface {
	// CreateRoom creates room id, reachable by its join code, applying init
	// as its first change. The room and everything in it expires after ttl
	// without a change or a Touch; a store may let it expire up to
	// ExpirySlack(ttl) sooner, so that it need not set the expiry of every
	// key of a room on every change (the Redis store does so). An expired
	// room's id and code are free, and a room created again under an old id
	// has a new epoch.
	CreateRoom(ctx context.Context, id, code string, ttl time.Duration, init Change) (Applied, error)
	// RoomByCode finds the room holding a join code: ErrRoomNotFound if none.
	RoomByCode(ctx context.Context, code string) (string, error)
	// Apply applies one change atomically (see Change). ErrUnavailable
	// may mean the change was applied and its answer lost: re-sending it
	// with the same CmdID is safe, and a change without one is not.
	Apply(ctx context.Context, room string, c Change) (Applied, error)
	// Get returns the named documents, in order; absent ones with Version 0.
	Get(ctx context.Context, room string, keys ...string) ([]Doc, error)
	// Counters returns the named counters, in order; absent ones as 0.
	Counters(ctx context.Context, room string, keys ...string) ([]int64, error)
	// Has reports whether member is in once-only set.
	Has(ctx context.Context, room, set, member string) (bool, error)
	// Reply returns the stored answer to (actor, cmdID), if any. A room
	// keeps the answers to its last ReplyWindow commands (a store option,
	// DefaultReplyWindow by default), whoever sent them.
	Reply(ctx context.Context, room, actor, cmdID string) (json.RawMessage, bool, error)
	// Load returns a consistent copy of the whole room, without the
	// documents whose keys start with any of skip (a participant's
	// snapshot needs no one's token index or ballots; "" skips every
	// document).
	Load(ctx context.Context, room string, skip ...string) (*State, error)
	// LoadWith is Load that also reads the documents keys by key, skipped
	// or not (Version 0: absent), in the same consistent step: a
	// participant's snapshot without the members' documents, and their
	// own member document with it.
	LoadWith(ctx context.Context, room string, keys []string, skip ...string) (*State, []Doc, error)
	// History returns the events after pos, oldest first, or ErrHistoryGone
	// when they are no longer all kept (or pos is from another epoch).
	History(ctx context.Context, room string, after Position) ([]Event, error)
	// Subscribe calls fn with every notice of room, in order, until cancel
	// returns; fn is never called after that. The subscription is in
	// effect when Subscribe returns: a change applied after it is seen.
	// fn must not block, nor call cancel. An unknown room gives
	// ErrRoomNotFound.
	Subscribe(room string, fn func(Notice)) (cancel func(), err error)
	// Touch refreshes the room's expiry (members are still connected).
	Touch(ctx context.Context, room string) error
	// UpdatePresence records members now connected to room through node
	// (add) and no longer connected (remove), and keeps all of node's
	// entries in room alive for ttl: a node that stops calling it (it
	// died) has its members expire: every call drops the members of the
	// nodes whose ttl ran out. When it changed anything (add, remove or
	// a dead node's members) it publishes a Notice touching StatePresence.
	UpdatePresence(ctx context.Context, room, node string, add, remove []string, ttl time.Duration) error
	// Online lists the members connected to room through any node whose
	// entries are alive, each once, in no particular order.
	Online(ctx context.Context, room string) ([]string, error)
	// CountRooms returns how many rooms the store holds that have not
	// expired.
	CountRooms(ctx context.Context) (int, error)
	// Library keeps what lives outside rooms (packs, sessions).
	Library
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// CounterScanner is an optional ability of a Store: reading every counter
// whose name starts with prefix (a word cloud's words, say). Code that
// needs it falls back to Load when a store lacks it.
type CounterScanner interface {
	CountersWithPrefix(ctx context.Context, room, prefix string) (map[string]int64, error)
}

// ScanCounters reads the counters under prefix, through CounterScanner
// when the store has it.
func ScanCounters(ctx context.Context, s Store, room, prefix string) (map[string]int64, error) {
	if cs, ok := s.(CounterScanner); ok {
		return cs.CountersWithPrefix(ctx, room, prefix)
	}
	st, err := s.Load(ctx, room)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64)
	for k, v := range st.Counters {
		if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
			out[k] = v
		}
	}
	return out, nil
}

// DocScanner is an optional ability of a Store: reading every document
// whose key starts with prefix.
type DocScanner interface {
	DocsWithPrefix(ctx context.Context, room, prefix string) ([]Doc, error)
}

// ScanDocs reads the documents under prefix, sorted by key, through
// DocScanner when the store has it.
func ScanDocs(ctx context.Context, s Store, room, prefix string) ([]Doc, error) {
	var out []Doc
	if ds, ok := s.(DocScanner); ok {
		docs, err := ds.DocsWithPrefix(ctx, room, prefix)
		if err != nil {
			return nil, err
		}
		out = docs
	} else {
		st, err := s.Load(ctx, room)
		if err != nil {
			return nil, err
		}
		for k, d := range st.Docs {
			if len(k) >= len(prefix) && k[:len(prefix)] == prefix {
				out = append(out, d)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// RoomsBelow is implemented by stores that can tell whether they hold
// fewer than n rooms without counting every room: room creation checks
// the limit that way (on Redis, counting looks at every room, which made
// creating 1,000 rooms O(rooms²)). The answer must be exact.
type RoomsBelow interface {
	RoomsBelow(ctx context.Context, n int) (bool, error)
}

// ViewQuery names what a coalesced view (an exercise's tallies and
// items, say) is computed from: documents by key, counters by name
// prefix and documents by key prefix.
type ViewQuery struct {
	// Keys are documents read by key.
	Keys []string
	// CounterPrefixes selects the counters whose names start with any of
	// them ("" selects every counter); none selects no counter.
	CounterPrefixes []string
	// CounterKeys are counters read by name; each is in ViewData.Counters,
	// 0 when absent (as Store.Counters gives it). Cheaper than a prefix
	// on Redis, which scans every counter of the room for one.
	CounterKeys []string
	// DocPrefixes selects the documents whose keys start with any of them.
	DocPrefixes []string
	// After, when set, also reads the events after this position, as
	// History does (a returning client's missed events, with the room it
	// returns to, in one step).
	After *Position
	// Follow, when set, also reads the document that one of Keys names
	// (a token's member, in the same step as the token).
	Follow *Follow
}

// Follow names a document by a field of another: the key is Prefix plus
// the string in top-level field Field of the JSON document Keys[From].
type Follow struct {
	From   int
	Field  string
	Prefix string
}

// FollowedKey is the key f names in document d ("" when d is absent, not
// a JSON object, or its field is not a non-empty string).
func (f Follow) FollowedKey(d Doc) string {
	if d.Version == 0 {
		return ""
	}
	var fields map[string]json.RawMessage
	var v string
	if json.Unmarshal(d.Value, &fields) != nil || json.Unmarshal(fields[f.Field], &v) != nil || v == "" {
		return ""
	}
	return f.Prefix + v
}

// HasAnyPrefix reports whether s starts with any of prefixes, as
// ViewQuery's prefixes select.
func HasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// ViewData is what a ViewQuery reads.
type ViewData struct {
	// Docs are the documents of Keys, in order; absent ones with Version 0.
	Docs []Doc
	// Counters are the counters selected by CounterPrefixes and named by
	// CounterKeys (never nil).
	Counters map[string]int64
	// Found are the documents selected by DocPrefixes, each once, sorted
	// by key.
	Found []Doc
	// Events are the events after ViewQuery.After, oldest first, as
	// History gives them; HistoryGone reports that they are no longer
	// kept (History's ErrHistoryGone), and Events is then empty.
	Events      []Event
	HistoryGone bool
	// Followed is the document ViewQuery.Follow names (Version 0 when it
	// is absent or nothing is named; its Key empty when nothing is).
	Followed Doc
}

// ViewReader is an optional ability of a Store: reading a ViewQuery in
// one step, as one consistent copy (on Redis, one round trip instead of
// one per part). Code that needs it calls ReadView, which falls back to
// Get, ScanCounters and ScanDocs when a store lacks it.
type ViewReader interface {
	ReadView(ctx context.Context, room string, q ViewQuery) (*ViewData, error)
}

// ReadView reads q through ViewReader when the store has it, else with
// Get (when q names keys), ScanCounters for each counter prefix, Counters
// (when q names counters) and ScanDocs for each document prefix: a step
// each, each consistent on its own. Either way the data is the same as those calls return.
func ReadView(ctx context.Context, s Store, room string, q ViewQuery) (*ViewData, error) {
	if vr, ok := s.(ViewReader); ok {
		return vr.ReadView(ctx, room, q)
	}
	v := &ViewData{Counters: make(map[string]int64)}
	// The events first: the documents read after them are at least as new
	// as the position they end at (a member removed by one of them reads
	// removed), as a ViewReader's one consistent read would give.
	if q.After != nil {
		evs, err := s.History(ctx, room, *q.After)
		switch {
		case errors.Is(err, ErrHistoryGone):
			v.HistoryGone = true
		case err != nil:
			return nil, err
		default:
			v.Events = evs
		}
	}
	if len(q.Keys) > 0 {
		docs, err := s.Get(ctx, room, q.Keys...)
		if err != nil {
			return nil, err
		}
		v.Docs = docs
	}
	for _, p := range q.CounterPrefixes {
		cs, err := ScanCounters(ctx, s, room, p)
		if err != nil {
			return nil, err
		}
		maps.Copy(v.Counters, cs)
	}
	if len(q.CounterKeys) > 0 {
		ns, err := s.Counters(ctx, room, q.CounterKeys...)
		if err != nil {
			return nil, err
		}
		for i, k := range q.CounterKeys {
			v.Counters[k] = ns[i]
		}
	}
	found := make(map[string]Doc)
	for _, p := range q.DocPrefixes {
		docs, err := ScanDocs(ctx, s, room, p)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			found[d.Key] = d
		}
	}
	v.Found = SortedDocs(found)
	if q.Follow != nil && q.Follow.From < len(v.Docs) {
		if k := q.Follow.FollowedKey(v.Docs[q.Follow.From]); k != "" {
			docs, err := s.Get(ctx, room, k)
			if err != nil {
				return nil, err
			}
			v.Followed = docs[0]
		}
	}
	return v, nil
}

// SortedDocs returns the documents of m sorted by key (nil when m is
// empty), for ViewData.Found.
func SortedDocs(m map[string]Doc) []Doc {
	if len(m) == 0 {
		return nil
	}
	out := make([]Doc, 0, len(m))
	for _, d := range m {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
