package rooms

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"
)

// maxAttempts bounds the optimistic retries of one command when concurrent
// changes keep moving the documents it read.
const maxAttempts = 32

// backoff waits a little, more after each failed attempt, with jitter, so
// commands colliding on one document spread out instead of colliding again.
func backoff(ctx context.Context, attempt int) {
	limit := time.Duration(50<<min(attempt, 8)) * time.Microsecond // up to 12.8 ms
	t := time.NewTimer(time.Duration(mrand.Int64N(int64(limit))))
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Service is the room logic: it creates rooms, admits members and applies
// their commands through the Store. It holds no room state of its own, so
// any number of nodes can run it over one store.
type Service struct {
	store    Store
	limits   Limits
	handlers map[string]Handler
	states   map[string]StateFunc
	keyFuncs []StateKeysFunc
	keyReads []string // the documents keyFuncs read (see RegisterStateKeys)
	sections []section
	// private are document prefixes that hold one person's own data (a
	// ballot): a participant's snapshot loads only theirs, by viewerKeys.
	private    []string
	viewerKeys []func(st *State, v Viewer) []string
	after      map[string][]AfterFunc
	now        func() time.Time

	cache *docCache
	// roomReads shares the room reads of concurrent joins (see join).
	roomReads singleflight.Group
	// present holds documents known to exist that a handler's Assume
	// would guess absent (a voter's ballot after their first answer), by
	// room and key: the node no longer guesses for them, so changing an
	// answer costs the read and the write, not a wrong guess as well.
	// removed holds the members this node knows were removed (by room
	// and member): their commands never skip reading the member.
	present, removed *recent
	// codes remembers which room each join code names, and since when
	// (see Join).
	codes         *recent
	cachePrefixes []string
}

// AfterFunc runs after a command of its type succeeded (also when a
// re-send was answered from the kept answer, so work the first attempt's
// node did not finish is done again: it must be idempotent).
type AfterFunc func(ctx context.Context, roomID string)

// After registers fn to run after every successful command of type typ, on
// the caller's goroutine before Execute returns. Register before serving.
func (s *Service) After(typ string, fn AfterFunc) {
	if s.after == nil {
		s.after = make(map[string][]AfterFunc)
	}
	s.after[typ] = append(s.after[typ], fn)
}

// StateView is coalesced state as each role may see it; a nil side is not
// sent to that role.
type StateView struct {
	Facilitator json.RawMessage
	Participant json.RawMessage
}

// StateFunc computes the coalesced state named key (a tally, say) from the
// store. The hub calls it at a bounded rate after a change touches key.
type StateFunc func(ctx context.Context, store Store, roomID, key string) (StateView, error)

// SectionFunc adds one part to every snapshot, as viewer may see it.
type SectionFunc func(st *State, v Viewer) (json.RawMessage, error)

type section struct {
	name string
	fn   SectionFunc
}

// StateKeysFunc lists the coalesced state keys a room has now.
type StateKeysFunc func(ctx context.Context, store Store, roomID string) ([]string, error)

// RegisterStateKeys adds a lister of state keys, which the hub calls to
// refresh everything after notices may have been lost, and for each
// resuming client. reads names the documents fn reads with Get: a resume
// reads them together with the room (see Resume).
func (s *Service) RegisterStateKeys(fn StateKeysFunc, reads ...string) {
	s.keyFuncs = append(s.keyFuncs, fn)
	s.keyReads = append(s.keyReads, reads...)
}

// StateKeys lists every coalesced state key of a room, presence included.
func (s *Service) StateKeys(ctx context.Context, roomID string) ([]string, error) {
	return s.stateKeys(ctx, s.store, roomID)
}

func (s *Service) stateKeys(ctx context.Context, st Store, roomID string) ([]string, error) {
	keys := []string{StatePresence}
	for _, fn := range s.keyFuncs {
		ks, err := fn(ctx, st, roomID)
		if err != nil {
			return keys, err
		}
		keys = append(keys, ks...)
	}
	return keys, nil
}

// Resumed is what a client resuming from a position needs: the events it
// missed and the room as it is now.
type Resumed struct {
	// Events are the events after the position, oldest first; Gone reports
	// that they are no longer kept (History's ErrHistoryGone): the client
	// needs a snapshot instead, and the rest of Resumed is empty.
	Events []Event
	Gone   bool
	// Pos is the position the read found the room at (with Gone: none).
	Pos Position

	Room         Doc
	Participants int64
	// StateKeys are every coalesced state key of the room, presence
	// included (StateKeys).
	StateKeys []string
}

// Resume reads the events after position after, the room document, its
// participant count and its state keys in one read (one round trip on
// Redis), and the member m again: one removed since they authenticated is
// refused (CodeRemoved). The hub calls it after subscribing m, so a
// removal or an event after this read reaches it live.
func (s *Service) Resume(ctx context.Context, roomID string, m *Member, after Position) (*Resumed, error) {
	keys := append([]string{KeyRoom, MemberKey(m.ID)}, s.keyReads...)
	v, err := ReadView(ctx, s.store, roomID, ViewQuery{Keys: keys, CounterKeys: []string{CounterParticipants}, After: &after})
	if err != nil {
		return nil, err
	}
	if v.Docs[0].Version == 0 {
		return nil, ErrRoomNotFound
	}
	s.remember(roomID, v.Docs[0])
	if err := s.stillMember(roomID, v.Docs[1]); err != nil {
		return nil, err
	}
	return s.resumed(ctx, roomID, after, v, v.Docs[0])
}

// resumed makes Resumed of a view read from position after, whose
// documents from the third on are s.keyReads.
func (s *Service) resumed(ctx context.Context, roomID string, after Position, v *ViewData, room Doc) (*Resumed, error) {
	if v.HistoryGone {
		return &Resumed{Gone: true}, nil
	}
	stateKeys, err := s.stateKeys(ctx, readAhead{Store: s.store, docs: v.Docs[2:]}, roomID)
	if err != nil {
		return nil, err
	}
	pos := after
	if n := len(v.Events); n > 0 {
		pos = Position{Epoch: v.Events[n-1].Epoch, Seq: v.Events[n-1].Seq}
	}
	return &Resumed{Events: v.Events, Pos: pos, Room: room, Participants: v.Counters[CounterParticipants], StateKeys: stateKeys}, nil
}

// errRemoved is the answer to a removed member, whichever step finds out.
func errRemoved() *Error { return Errorf(CodeRemoved, "the facilitator removed you from this room") }

// stillMember refuses a member whose document d says removed (or is gone).
func (s *Service) stillMember(roomID string, d Doc) error {
	var m Member
	if d.Version == 0 || json.Unmarshal(d.Value, &m) != nil || m.Removed {
		if d.Version != 0 {
			s.MemberRemoved(roomID, m.ID)
		}
		return errRemoved()
	}
	return nil
}

// readAhead is a Store whose Get answers from documents read ahead when
// it has every key asked for, and from the store otherwise.
type readAhead struct {
	Store
	docs []Doc
}

func (r readAhead) Get(ctx context.Context, room string, keys ...string) ([]Doc, error) {
	out := make([]Doc, len(keys))
	for i, k := range keys {
		j := slices.IndexFunc(r.docs, func(d Doc) bool { return d.Key == k })
		if j < 0 {
			return r.Store.Get(ctx, room, keys...)
		}
		out[i] = r.docs[j]
	}
	return out, nil
}

// MemberRemoved tells the service that member was removed from room (the
// hub calls it for every removal it sees): their commands read the member
// again, and are refused.
func (s *Service) MemberRemoved(room, member string) {
	s.removed.put(roomKey(room, member), "")
}

// roomKey keys something of a room (a document, a member) in a recent map.
func roomKey(room, key string) string { return room + "\x00" + key }

// RegisterPrivateDocs names a document prefix whose documents each hold one
// person's own data; keys lists the viewer's own, which their snapshot
// loads instead of everyone's, in a read that names nobody.
func (s *Service) RegisterPrivateDocs(prefix string, keys func(st *State, v Viewer) []string) {
	s.private = append(s.private, prefix)
	s.viewerKeys = append(s.viewerKeys, keys)
}

// LoadFor loads what a snapshot for m needs. Nobody needs the token index;
// a participant or projector needs nobody else's private documents, and
// the member documents only when the room shows them names. In a room of
// 10,000 that is the difference between copying 30,000 documents for every
// phone that joins and copying a few.
func (s *Service) LoadFor(ctx context.Context, roomID string, m *Member) (*State, error) {
	skip := []string{"tok:"}
	var st *State
	var err error
	if m.IsFacilitator() {
		st, err = s.store.Load(ctx, roomID, skip...)
	} else {
		st, err = s.loadShared(ctx, roomID, m, append(skip, s.private...))
	}
	if err != nil {
		return nil, err
	}
	// The commands that follow a join read the room's exercises: they
	// are all here, at the position of the snapshot.
	for _, d := range st.Docs {
		s.remember(roomID, d)
	}
	if m.IsFacilitator() {
		return st, nil
	}
	// The viewer's own documents, in a read of their own: one that also
	// named the member would join who they are to their anonymous ballot
	// keys in a single command's arguments, which Redis's SLOWLOG and
	// MONITOR show (TestNoCommandJoinsMemberAndBallot). For the same
	// reason the ones whose keys name the member (a named ballot holds
	// their id) are read apart from the others.
	var named, anonymous []string
	for _, k := range s.ownKeys(st, m) {
		if strings.Contains(k, m.ID) {
			named = append(named, k)
		} else {
			anonymous = append(anonymous, k)
		}
	}
	for _, keys := range [][]string{named, anonymous} {
		if len(keys) == 0 {
			continue
		}
		docs, err := s.store.Get(ctx, roomID, keys...)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			if d.Version != 0 {
				st.Docs[d.Key] = d
			}
		}
	}
	return st, nil
}

// ownKeys names the viewer's own private documents (RegisterPrivateDocs)
// that the snapshot st shows them.
func (s *Service) ownKeys(st *State, m *Member) []string {
	var keys []string
	for _, fn := range s.viewerKeys {
		keys = append(keys, fn(st, Viewer{Member: m})...)
	}
	return keys
}

// loadShared loads the room as a participant (or a screen) may see it:
// without the documents of skip, and without the members' documents
// unless the room shows names and has few enough members to list them.
// It reads the member again: the hub loads after subscribing them, so a
// participant removed since they authenticated is refused here, and a
// later removal reaches the hub as an event. When the node holds the room
// document and it shows no names, the snapshot and the member are one
// read (LoadWith); otherwise, or when the room has come to show names
// meanwhile, the room, the member and the count are read first to tell
// whether the members are part of the snapshot.
func (s *Service) loadShared(ctx context.Context, roomID string, m *Member, skip []string) (*State, error) {
	check := func(d Doc) error {
		if m.Role == RoleParticipant {
			return s.stillMember(roomID, d)
		}
		return nil
	}
	if d, ok := s.cache.get(roomID, KeyRoom); ok {
		if r, err := sharedDoc[Room](s, roomID, d); err == nil && !r.ShowNames {
			st, docs, err := s.store.LoadWith(ctx, roomID, []string{MemberKey(m.ID)}, slices.Concat(skip, []string{"member:"})...)
			if err != nil {
				return nil, err
			}
			if len(docs) != 1 {
				return nil, fmt.Errorf("LoadWith gave %d documents for 1 key", len(docs))
			}
			if err := check(docs[0]); err != nil {
				return nil, err
			}
			if !s.listsMembers(roomID, st.Docs[KeyRoom], st.Counters[CounterParticipants]) {
				return st, nil
			}
		}
	}
	v, err := ReadView(ctx, s.store, roomID, ViewQuery{Keys: []string{KeyRoom, MemberKey(m.ID)}, CounterKeys: []string{CounterParticipants}})
	if err != nil {
		return nil, err
	}
	if err := check(v.Docs[1]); err != nil {
		return nil, err
	}
	s.remember(roomID, v.Docs[0])
	if !s.listsMembers(roomID, v.Docs[0], v.Counters[CounterParticipants]) {
		skip = slices.Concat(skip, []string{"member:"})
	}
	return s.store.Load(ctx, roomID, skip...)
}

// listsMembers reports whether a snapshot of the room (its document, and
// its participant count) holds the members' documents: when it shows
// names and has at most PresenceListMax participants.
func (s *Service) listsMembers(roomID string, room Doc, participants int64) bool {
	r, err := sharedDoc[Room](s, roomID, room)
	return err == nil && r.ShowNames && participants <= int64(s.limits.PresenceListMax)
}

// RegisterState serves coalesced state for keys that start with prefix.
func (s *Service) RegisterState(prefix string, fn StateFunc) { s.states[prefix] = fn }

// RegisterSection adds a part named name to every snapshot.
func (s *Service) RegisterSection(name string, fn SectionFunc) {
	s.sections = append(s.sections, section{name, fn})
}

// State computes coalesced state for key, reporting false when no part of
// the service knows the key.
func (s *Service) State(ctx context.Context, roomID, key string) (StateView, bool, error) {
	for prefix, fn := range s.states {
		if strings.HasPrefix(key, prefix) {
			v, err := fn(ctx, warming{Store: s.store, s: s}, roomID, key)
			return v, true, err
		}
	}
	return StateView{}, false, nil
}

// Now returns the service's clock reading.
func (s *Service) Now() time.Time { return s.now() }

// Handler applies one command type.
type Handler struct {
	// Roles that may send the command; empty means every role.
	Roles []Role
	// AllowEnded lets the command run after the room ended.
	AllowEnded bool
	// Apply validates the command against the state it reads through tx and
	// records the change. It returns an *Error for a command that breaks a
	// rule; that answer is kept, so a re-send gets it again.
	Apply func(tx *Tx) error
	// Prefetch, when set, names documents Apply will read, so they are
	// read together with the room and the member in one store round trip.
	// It may look at cached documents with Peek; a key it gets wrong only
	// costs a read.
	Prefetch func(tx *Tx) []string
	// Assume, when set, tells which documents Apply reads are most likely
	// absent (a participant's ballot before their first answer). When
	// every document a command would read from the store is one of these
	// (the others are in the node's cache), its first attempt reads
	// nothing: they are taken as absent, a precondition of the change
	// like any read, and the actor is the member as the session holds
	// them. A wrong guess fails Apply with ErrConflict and the command
	// runs again at once, reading everything; the node then knows the
	// document exists and guesses no more for it (as it does for one a
	// command wrote). On Redis a first answer is thus one round trip
	// instead of two.
	//
	// Only for commands whose Apply needs nothing of the member document
	// beyond what the session holds (id, role, opaque keys). The member
	// document is not read on that attempt, unless this node knows the
	// member was removed (it applied the removal or its hub saw the
	// event: MemberRemoved); a member removed on another node moments
	// before may have one command count, as one racing the removal always
	// could. The hub closes a removed member's connections when the
	// removal reaches it, and refuses an attach whose member was removed
	// before it subscribed (Resume and LoadFor read the member again).
	Assume func(key string) bool
	// PreviewDry: a preview member's command (Member.Preview) that passes
	// its checks is acknowledged like anyone's and changes nothing: no
	// document, no count, no event, no kept answer (a re-send is checked
	// again). One its rules refuse is answered, and kept, as anyone's.
	PreviewDry bool
}

// NewService returns the room logic over store.
func NewService(store Store, limits Limits) *Service {
	s := &Service{store: store, limits: limits, handlers: make(map[string]Handler), states: make(map[string]StateFunc), now: time.Now,
		cache: newDocCache(50000), present: newRecent(100000), removed: newRecent(10000), codes: newRecent(10000)}
	s.registerCore()
	return s
}

// Store returns the service's store.
func (s *Service) Store() Store { return s.store }

// Limits returns the service's limits.
func (s *Service) Limits() Limits { return s.limits }

// Register adds a command type. It panics on a duplicate: that is a bug.
func (s *Service) Register(typ string, h Handler) {
	if _, dup := s.handlers[typ]; dup {
		panic("rooms: command registered twice: " + typ)
	}
	s.handlers[typ] = h
}

// Known reports whether typ is a registered command type.
func (s *Service) Known(typ string) bool { _, ok := s.handlers[typ]; return ok }

// Created is the answer to CreateRoom. Secret goes to the facilitator only.
type Created struct {
	Room          Room
	FacilitatorID string
	Secret        Secret
}

// CreateRoom opens a room led by the caller.
func (s *Service) CreateRoom(ctx context.Context, title string, showNames bool) (*Created, error) {
	return s.CreateRoomWith(ctx, RoomOptions{Title: title, ShowNames: showNames})
}

// RoomOptions are the settings of a new room.
type RoomOptions struct {
	Title     string
	ShowNames bool
	// Pack and PackTitle name the exercise pack the room starts from, so
	// its results can be compared with other sessions of the same pack.
	Pack, PackTitle string
}

// roomsBelow reports whether the store holds fewer than n rooms.
func (s *Service) roomsBelow(ctx context.Context, n int) (bool, error) {
	if rb, ok := s.store.(RoomsBelow); ok {
		return rb.RoomsBelow(ctx, n)
	}
	held, err := s.store.CountRooms(ctx)
	return held < n, err
}

// CreateRoomWith opens a room led by the caller.
func (s *Service) CreateRoomWith(ctx context.Context, o RoomOptions) (*Created, error) {
	title, showNames := o.Title, o.ShowNames
	title, err := CleanText(title, "title", s.limits.MaxTitleLen, false)
	if err != nil {
		return nil, err
	}
	if title == "" {
		title = "Workshop"
	}
	below, err := s.roomsBelow(ctx, s.limits.MaxRooms)
	if err != nil {
		return nil, err
	}
	if !below {
		return nil, Errorf(CodeTooManyRooms, "this server holds its limit of %d rooms; try again later", s.limits.MaxRooms)
	}
	fac := Member{ID: NewID(), Name: FacilitatorName, Role: RoleFacilitator}
	secret := NewSecret()
	for range 10 {
		room := Room{ID: NewID(), Code: NewCode(), Title: title, ShowNames: showNames, CreatedAt: s.now().UTC().Truncate(time.Second),
			Pack: o.Pack, PackTitle: o.PackTitle}
		init := Change{Puts: []Put{
			mustPut(KeyRoom, room),
			mustPut(MemberKey(fac.ID), fac),
			mustPut(tokenKey(secret), tokenDoc{Member: fac.ID}),
		}}
		_, err := s.store.CreateRoom(ctx, room.ID, room.Code, s.limits.RoomIdleTTL, init)
		if errors.Is(err, ErrCodeTaken) || errors.Is(err, ErrRoomExists) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &Created{Room: room, FacilitatorID: fac.ID, Secret: secret}, nil
	}
	return nil, Errorf(CodeUnavailable, "could not find a free join code; try again")
}

type tokenDoc struct {
	Member string `json:"member"`
	// Screen, when set, is the id of the projector link this token is:
	// it opens only a projector view of the room (see setScreenLink).
	Screen string `json:"screen,omitempty"`
}

// Joined is the answer to Join.
type Joined struct {
	Room   Room
	Member Member
	Token  Secret
}

// Join admits a participant by join code. A participant who presents the
// token they were given before is the same person again, even when the
// room is locked.
func (s *Service) Join(ctx context.Context, code, name string, token Secret) (*Joined, error) {
	return s.JoinAs(ctx, code, name, token, false)
}

// JoinAs is Join; with preview, the new member is the facilitator's test
// participant (Member.Preview), admitted to a locked or full room too and
// counted in neither. The caller checks that the facilitator asked.
func (s *Service) JoinAs(ctx context.Context, code, name string, token Secret, preview bool) (*Joined, error) {
	norm, ok := NormalizeCode(code)
	if !ok {
		return nil, FieldError(CodeNotFound, "code", "there is no room with that code")
	}
	// A code names its room for as long as the room lives (two round trips
	// on Redis to find out): the node remembers it, for codeMemory. A
	// remembered room that is gone has expired, and its code may name a
	// new room by now. A returning participant (with a token) looks the
	// code up: their token must be tried in the room the code names now.
	if roomID, ok := s.rememberedCode(norm); ok && token == "" {
		j, err := s.join(ctx, roomID, name, token, preview)
		if !errors.Is(err, ErrRoomNotFound) {
			return j, err
		}
		s.codes.drop(norm)
		s.cache.drop(roomID, KeyRoom)
	}
	roomID, err := s.store.RoomByCode(ctx, norm)
	if errors.Is(err, ErrRoomNotFound) {
		return nil, FieldError(CodeNotFound, "code", "there is no room with that code")
	}
	if err != nil {
		return nil, err
	}
	s.codes.put(norm, roomID+" "+strconv.FormatInt(s.now().Unix(), 10))
	return s.join(ctx, roomID, name, token, preview)
}

// codeMemory is how long a node trusts the room it remembers for a join
// code. A code names its room while the room lives, but a room that lost
// its code key (a refresh that failed until the key expired) can see
// another room take the code: after codeMemory, joins follow the code.
const codeMemory = time.Minute

// rememberedCode returns the room the node remembers for code, if it
// looked it up less than codeMemory ago.
func (s *Service) rememberedCode(code string) (string, bool) {
	v, ok := s.codes.get(code)
	if !ok {
		return "", false
	}
	room, at, _ := strings.Cut(v, " ")
	sec, err := strconv.ParseInt(at, 10, 64)
	if err != nil || s.now().Sub(time.Unix(sec, 0)) >= codeMemory {
		s.codes.drop(code)
		return "", false
	}
	return room, true
}

// refused reports whether room document d turns joins away (or is not a
// room): such an answer is only given on a read of the join's own.
func refused(d Doc) bool {
	var room Room
	return json.Unmarshal(d.Value, &room) != nil || room.Ended || room.Locked
}

// Full reports whether a room with this many participants (its
// CounterParticipants) turns a new participant away as room_full: the
// join's change adds one to that counter with max-participants as its
// Max, which it may reach and not pass. Previews and removed members are
// not in the counter, so they neither fill a room nor keep it full.
func (s *Service) Full(participants int64) bool {
	return s.limits.MaxParticipants > 0 && participants >= int64(s.limits.MaxParticipants)
}

// join admits a participant to the room roomID (see Join).
func (s *Service) join(ctx context.Context, roomID, name string, token Secret, preview bool) (*Joined, error) {
	if token != "" && !preview {
		m, room, err := s.Authenticate(ctx, roomID, token)
		switch {
		case err == nil && m.Role == RoleParticipant:
			return &Joined{Room: *room, Member: *m, Token: token}, nil
		case err == nil && m.Role == RoleScreen:
			return nil, FieldError(CodeInvalid, "token", "this is a projector link's token; participants join with the code")
		case err == nil:
			return nil, FieldError(CodeInvalid, "token", "this is the facilitator's secret; participants join with the code")
		case ErrorCode(err) != CodeBadToken:
			return nil, err // removed, ended, or the store failed: never a second identity
		}
		// A token from an expired or other room: join as someone new.
	}
	name, err := ParticipantName(name, s.limits.MaxNameLen)
	if err != nil {
		return nil, err
	}
	for attempt := range maxAttempts {
		if attempt > 0 {
			backoff(ctx, attempt)
		}
		// The node's copy of the room when it has one: the change below
		// expects its version, so a stale copy (the room locked or ended
		// meanwhile) only costs a retry, which reads. A refusal is only
		// ever made on a fresh read (the room may have been unlocked).
		var room Room
		d, cached := s.cache.get(roomID, KeyRoom)
		if cached && (json.Unmarshal(d.Value, &room) != nil || room.Ended || (room.Locked && !preview)) {
			s.cache.drop(roomID, KeyRoom)
			cached = false
		}
		if !cached {
			// Concurrent first joins to a room this node has not read
			// share one read: ten phones scanning one code at once, or a
			// thousand rooms' phones, each made a read of its own. A
			// shared read may have started before a change, so a retry
			// (after a conflict) reads on its own, and so does a
			// refusal below. One phone giving up does not fail the
			// others' read.
			read := func() (any, error) {
				docs, err := s.store.Get(context.WithoutCancel(ctx), roomID, KeyRoom)
				if err != nil {
					return nil, err
				}
				return docs[0], nil
			}
			var v any
			if attempt == 0 {
				v, err, _ = s.roomReads.Do(roomID, read)
				if err == nil && refused(v.(Doc)) {
					v, err = read()
				}
			} else {
				v, err = read()
			}
			if err != nil {
				return nil, err
			}
			d = v.(Doc)
			room = Room{}
			if err := json.Unmarshal(d.Value, &room); err != nil || d.Version == 0 {
				return nil, ErrRoomNotFound
			}
			s.cache.put(roomID, d)
		}
		if room.Ended {
			return nil, Errorf(CodeRoomEnded, "this room has ended")
		}
		if room.Locked && !preview {
			return nil, Errorf(CodeRoomLocked, "the facilitator has locked this room")
		}
		// A preview is the facilitator's own test view: it is in no count
		// (participants, online, the room's limit), so that opening it
		// shows nobody a person who is not there.
		m := Member{ID: NewID(), Name: name, Role: RoleParticipant, Preview: preview, Uncounted: preview}
		tok := NewSecret()
		incrs := []Incr{{Key: CounterParticipants, By: 1, Max: int64(s.limits.MaxParticipants)}}
		if preview {
			incrs[0].Key = CounterPreviews
		}
		_, err = s.store.Apply(ctx, roomID, Change{
			Expect: []Expect{{Key: KeyRoom, Version: d.Version}},
			Puts:   []Put{mustPut(MemberKey(m.ID), m), mustPut(tokenKey(tok), tokenDoc{Member: m.ID})},
			Incrs:  incrs,
			Touch:  []string{StatePresence},
		})
		var lim *LimitError
		switch {
		case errors.Is(err, ErrConflict):
			s.cache.drop(roomID, KeyRoom)
			continue
		case errors.As(err, &lim) && preview:
			return nil, Errorf(CodeRoomFull, "this room has had %d test participants, its most (max-participants)", s.limits.MaxParticipants)
		case errors.As(err, &lim):
			return nil, Errorf(CodeRoomFull, "this room is full (%d participants)", s.limits.MaxParticipants)
		case err != nil:
			return nil, err
		}
		return &Joined{Room: room, Member: m, Token: tok}, nil
	}
	return nil, ErrConflict
}

// Authenticate finds the member a secret belongs to in a room: the
// token, the room and the member the token names, in one read (one round
// trip on Redis, on any node: the store follows the token to its member).
func (s *Service) Authenticate(ctx context.Context, roomID string, token Secret) (*Member, *Room, error) {
	m, room, _, err := s.authenticate(ctx, roomID, token, nil)
	return m, room, err
}

// AuthenticateResume is Authenticate and Resume in one read, for a client
// returning from position after: one round trip on Redis where they were
// two. It reads before the client is subscribed, so the hub uses what it
// read only if no event reached the room's connections on this node
// between the read and the subscription (see AttachOptions.Resumed).
func (s *Service) AuthenticateResume(ctx context.Context, roomID string, token Secret, after Position) (*Member, *Room, *Resumed, error) {
	return s.authenticate(ctx, roomID, token, &after)
}

// tokenMember follows a token's document to its member's.
var tokenMember = Follow{From: 0, Field: "member", Prefix: MemberKey("")}

// authenticate reads the token, the room and the member the token names,
// and with after what Resume reads too.
func (s *Service) authenticate(ctx context.Context, roomID string, token Secret, after *Position) (*Member, *Room, *Resumed, error) {
	badToken := Errorf(CodeBadToken, "unknown or expired token")
	if token == "" || len(token) > 200 {
		return nil, nil, nil, badToken
	}
	q := ViewQuery{Keys: []string{tokenKey(token), KeyRoom}, Follow: &tokenMember}
	if after != nil {
		q.Keys = append(q.Keys, s.keyReads...)
		q.CounterKeys, q.After = []string{CounterParticipants}, after
	}
	v, err := ReadView(ctx, s.store, roomID, q)
	if errors.Is(err, ErrRoomNotFound) {
		return nil, nil, nil, badToken
	}
	if err != nil {
		return nil, nil, nil, err
	}
	var td tokenDoc
	if v.Docs[0].Version == 0 || json.Unmarshal(v.Docs[0].Value, &td) != nil {
		return nil, nil, nil, badToken
	}
	var room Room
	if err := json.Unmarshal(v.Docs[1].Value, &room); err != nil {
		return nil, nil, nil, fmt.Errorf("room document: %w", err)
	}
	s.remember(roomID, v.Docs[1])
	var m Member
	if v.Followed.Key != MemberKey(td.Member) || v.Followed.Version == 0 || json.Unmarshal(v.Followed.Value, &m) != nil {
		return nil, nil, nil, badToken
	}
	if m.Removed {
		return nil, nil, nil, errRemoved()
	}
	m.keys = newMemberKeys(token)
	if td.Screen != "" {
		if !m.IsFacilitator() {
			return nil, nil, nil, badToken
		}
		m = *m.AsScreen()
		m.screenLink = td.Screen
	}
	if room.Ended {
		return &m, &room, nil, Errorf(CodeRoomEnded, "this room has ended")
	}
	if after == nil {
		return &m, &room, nil, nil
	}
	r, err := s.resumed(ctx, roomID, *after, v, v.Docs[1])
	if err != nil {
		return nil, nil, nil, err
	}
	return &m, &room, r, nil
}

// Command is one client command.
type Command struct {
	ID   string
	Type string
	Data json.RawMessage
}

// Outcome is the answer to a command: the encoded ack or error message, as
// sent to the client and as kept for re-sends.
type Outcome struct {
	Reply     json.RawMessage
	Code      Code // empty for an ack
	Duplicate bool
	// Err is what went wrong when Code is CodeInternal, for the server's
	// log: the reply says only "internal error".
	Err error
}

// Execute applies one command from actor in room and returns its answer.
// A command id already answered gets that same answer and changes nothing.
func (s *Service) Execute(ctx context.Context, roomID string, actor *Member, cmd Command) Outcome {
	out := s.execute(ctx, roomID, actor, cmd)
	if out.Code == "" {
		for _, fn := range s.after[cmd.Type] {
			fn(ctx, roomID)
		}
	}
	return out
}

func (s *Service) execute(ctx context.Context, roomID string, actor *Member, cmd Command) Outcome {
	if cmd.ID == "" || len(cmd.ID) > s.limits.MaxCmdIDLen {
		return errOutcome(cmd.ID, FieldError(CodeBadMessage, "id", "every command needs an id of 1 to %d bytes", s.limits.MaxCmdIDLen))
	}
	h, ok := s.handlers[cmd.Type]
	if !ok {
		return errOutcome(cmd.ID, Errorf(CodeUnknownType, "unknown message type %s", Quote(Truncate(cmd.Type, 40))))
	}
	if len(h.Roles) > 0 && !containsRole(h.Roles, actor.Role) {
		return errOutcome(cmd.ID, Errorf(CodeForbidden, "a %s may not send %s", actor.Role, cmd.Type))
	}
	// A re-sent command is answered by the store's Apply, which finds its
	// kept answer before checking anything else; only a command that fails
	// before reaching Apply looks for one itself (orKept).
	speculate := h.Assume != nil
	for attempt := range maxAttempts {
		if attempt > 0 && !speculate {
			backoff(ctx, attempt)
		}
		tx := &Tx{ctx: ctx, svc: s, RoomID: roomID, Actor: actor, Data: cmd.Data, reads: make(map[string]uint64), local: make(map[string]Doc)}
		// After a speculative attempt (see Handler.Assume) failed, the next
		// one reads everything, at once: nobody else's change needs
		// avoiding, only the guess.
		err := tx.prepare(h, speculate && attempt == 0)
		speculate = tx.assumed != nil
		if err == nil {
			err = h.Apply(tx)
		}
		// The answer is built here, so its code is known: it is never parsed
		// back out of the reply on this path.
		var out Outcome
		var ce *Error
		switch {
		case err == nil && h.PreviewDry && tx.Actor.Preview:
			return Outcome{Reply: ackReply(cmd.ID, tx.result)}
		case err == nil:
			out.Reply = ackReply(cmd.ID, tx.result)
		case errors.As(err, &ce) && !ce.Code.Retryable():
			// A broken rule: keep the answer, with nothing else of the change.
			tx.change = Change{}
			out = Outcome{Reply: errorReply(cmd.ID, ce), Code: ce.Code}
		case errors.Is(err, ErrConflict):
			s.cache.drop(roomID, tx.fromCache...)
			continue
		default:
			return s.orKept(ctx, roomID, actor, cmd.ID, err)
		}
		c := tx.change
		c.Actor, c.CmdID, c.Reply = actor.ReplyKey(cmd.ID), cmd.ID, sealReply(actor, cmd.ID, out.Reply)
		for k, v := range tx.reads {
			c.Expect = append(c.Expect, Expect{Key: k, Version: v})
		}
		a, err := s.store.Apply(ctx, roomID, c)
		var once *OnceError
		var lim *LimitError
		switch {
		case errors.Is(err, ErrConflict):
			// Something read changed: maybe only a stale cached copy, or
			// a wrong guess (then the guessed documents exist, most
			// likely: guess no more for them).
			s.cache.drop(roomID, tx.fromCache...)
			for _, k := range tx.assumed {
				s.present.put(roomKey(roomID, k), "")
			}
			continue
		case errors.As(err, &once) && tx.onceErr[once.Set] != nil:
			return s.keepError(ctx, roomID, actor, cmd.ID, tx.onceErr[once.Set])
		case errors.As(err, &lim) && tx.limitErr[lim.Key] != nil:
			return s.keepError(ctx, roomID, actor, cmd.ID, tx.limitErr[lim.Key])
		case err != nil:
			return errOutcome(cmd.ID, err)
		}
		if a.Duplicate {
			return s.kept(actor, cmd.ID, a.Reply)
		}
		for _, p := range c.Puts {
			if s.cacheable(p.Key) {
				s.cache.drop(roomID, p.Key) // its new version is the store's
			}
			if h.Assume != nil && h.Assume(p.Key) {
				if p.Value != nil {
					s.present.put(roomKey(roomID, p.Key), "")
				} else {
					s.present.drop(roomKey(roomID, p.Key))
				}
			}
		}
		return out
	}
	return errOutcome(cmd.ID, ErrConflict)
}

// orKept answers a command that failed before the store saw it: with its
// kept answer when it is a re-send of one answered before, else with err.
func (s *Service) orKept(ctx context.Context, roomID string, actor *Member, cmdID string, err error) Outcome {
	if rep, ok, rerr := s.store.Reply(ctx, roomID, actor.ReplyKey(cmdID), cmdID); rerr == nil && ok {
		return s.kept(actor, cmdID, rep)
	}
	return errOutcome(cmdID, err)
}

// keepError stores a rule's error as the command's answer, with nothing
// else, and returns it; if a re-send of the command was answered first,
// that kept answer wins, so both get the same one.
func (s *Service) keepError(ctx context.Context, roomID string, actor *Member, cmdID string, e *Error) Outcome {
	reply := errorReply(cmdID, e)
	a, err := s.store.Apply(ctx, roomID, Change{Actor: actor.ReplyKey(cmdID), CmdID: cmdID, Reply: sealReply(actor, cmdID, reply)})
	switch {
	case err != nil:
		return errOutcome(cmdID, err)
	case a.Duplicate:
		return s.kept(actor, cmdID, a.Reply)
	}
	return Outcome{Reply: reply, Code: e.Code}
}

func containsRole(rs []Role, r Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// Tx is one attempt at a command: what it read (to be checked unchanged
// when the change is applied) and what it will change.
type Tx struct {
	ctx    context.Context
	svc    *Service
	RoomID string
	Actor  *Member
	Room   Room
	Data   json.RawMessage

	reads     map[string]uint64
	local     map[string]Doc // documents read by this command
	fromCache []string       // keys of those served by the node's cache
	// assumed lists the documents this attempt took as absent without
	// reading them (see Handler.Assume); nil when it read.
	assumed  []string
	change   Change
	result   any
	onceErr  map[string]*Error
	limitErr map[string]*Error
}

// prepare reads the room and the actor, which every command depends on,
// and what the handler prefetches, in one round trip (two reads at once
// when it prefetches; see readWithMember); with speculate, none when the
// handler's Assume covers everything the node has not cached.
func (tx *Tx) prepare(h Handler, speculate bool) error {
	var keys []string
	if !tx.available(KeyRoom) {
		keys = append(keys, KeyRoom)
	}
	if h.Prefetch != nil {
		for _, k := range h.Prefetch(tx) {
			if k != "" && !tx.available(k) && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if speculate && tx.assume(h, keys) {
		me := *tx.Actor // a fresh copy: the caller's Member is shared
		return tx.admit(h, &me)
	}
	// The member document is read but not made a precondition: a change
	// must not name its member (the store would then hold who did what),
	// and a command racing its member's removal may as well have come first.
	member, docs, err := tx.readWithMember(keys)
	if err != nil {
		return err
	}
	for _, d := range docs {
		tx.fetched(d)
	}
	var me Member
	if member.Version == 0 || json.Unmarshal(member.Value, &me) != nil {
		me.Removed = true
	}
	me.keys = tx.Actor.keys
	return tx.admit(h, &me)
}

// readWithMember reads the actor's member document and keys. Beyond the
// room, keys are what the command is about (the actor's ballot, their
// card, their opaque dots): those and the member go in two reads made at
// once, never in one, whose arguments would join who the actor is to
// their anonymous documents in a single command that Redis's SLOWLOG and
// MONITOR show (TestNoCommandJoinsMemberAndBallot).
func (tx *Tx) readWithMember(keys []string) (Doc, []Doc, error) {
	mk := MemberKey(tx.Actor.ID)
	if !slices.ContainsFunc(keys, func(k string) bool { return k != KeyRoom }) {
		docs, err := tx.svc.store.Get(tx.ctx, tx.RoomID, append([]string{mk}, keys...)...)
		if err != nil {
			return Doc{}, nil, err
		}
		return docs[0], docs[1:], nil
	}
	var member []Doc
	var merr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		member, merr = tx.svc.store.Get(tx.ctx, tx.RoomID, mk)
	}()
	docs, err := tx.svc.store.Get(tx.ctx, tx.RoomID, keys...)
	<-done
	if err == nil {
		err = merr
	}
	if err != nil {
		return Doc{}, nil, err
	}
	return member[0], docs, nil
}

// assume takes the documents prepare would read from the store (missing,
// the member aside) as absent when the handler's Assume guesses them all
// and none is known to exist, and reports whether it did.
func (tx *Tx) assume(h Handler, missing []string) bool {
	if h.Assume == nil || len(missing) == 0 {
		return false
	}
	if _, ok := tx.svc.removed.get(roomKey(tx.RoomID, tx.Actor.ID)); ok {
		return false // the read refuses them
	}
	for _, k := range missing {
		if !h.Assume(k) {
			return false
		}
		if _, ok := tx.svc.present.get(roomKey(tx.RoomID, k)); ok {
			return false
		}
	}
	for _, k := range missing {
		tx.local[k] = Doc{Key: k}
	}
	tx.assumed = missing
	return true
}

// admit checks the room and the actor me (removed, the room ended) and
// makes me the command's actor.
func (tx *Tx) admit(h Handler, me *Member) error {
	// Decoded once per version (Shared); Room holds only values, so the
	// copy is the command's own.
	room, ok, err := Shared[Room](tx, KeyRoom)
	if err != nil {
		return err
	}
	if !ok {
		return ErrRoomNotFound
	}
	tx.Room = *room
	if me.Removed {
		return errRemoved()
	}
	if tx.Room.Ended && !h.AllowEnded {
		return Errorf(CodeRoomEnded, "this room has ended")
	}
	tx.Actor = me
	return nil
}

// available reports whether key can be read without the store.
func (tx *Tx) available(key string) bool {
	if _, ok := tx.local[key]; ok {
		return true
	}
	if tx.svc.cacheable(key) {
		_, ok := tx.svc.cache.get(tx.RoomID, key)
		return ok
	}
	return false
}

// fetched records a document read from the store.
func (tx *Tx) fetched(d Doc) {
	tx.local[d.Key] = d
	if tx.svc.cacheable(d.Key) && d.Version != 0 {
		tx.svc.cache.put(tx.RoomID, d)
	}
}

// Peek reads a document this command has read or the node has cached,
// without the store and without making it a precondition: for Prefetch.
func (tx *Tx) Peek(key string, v any) bool {
	d, ok := tx.peek(key)
	return ok && json.Unmarshal(d.Value, v) == nil
}

// peek finds a document this command has read or the node has cached,
// when it exists.
func (tx *Tx) peek(key string) (Doc, bool) {
	d, ok := tx.local[key]
	if !ok && tx.svc.cacheable(key) {
		d, ok = tx.svc.cache.get(tx.RoomID, key)
	}
	return d, ok && d.Version != 0
}

// Shared reads the document key as Get does (a precondition of the
// change) and returns its value decoded as a T, and whether it exists.
// When the node caches the document (CacheDocs), it is decoded once per
// version and the value is shared by every command that reads it: the
// caller must not change it, nor anything it points to. A vote reads its
// exercise this way: decoding it was a quarter of a vote's work.
func Shared[T any](tx *Tx, key string) (*T, bool, error) {
	docs, err := tx.Get(key)
	if err != nil || docs[0].Version == 0 {
		return nil, false, err
	}
	v, err := sharedDoc[T](tx.svc, tx.RoomID, docs[0])
	return v, err == nil, err
}

// PeekShared is Peek, with the value shared as Shared shares it.
func PeekShared[T any](tx *Tx, key string) (*T, bool) {
	d, ok := tx.peek(key)
	if !ok {
		return nil, false
	}
	v, err := sharedDoc[T](tx.svc, tx.RoomID, d)
	return v, err == nil
}

// sharedDoc returns the value of d, a document of room, decoded as a T:
// once per version, shared, when the node caches d's key.
func sharedDoc[T any](s *Service, room string, d Doc) (*T, error) {
	cacheable := s.cacheable(d.Key)
	if cacheable {
		if v, ok := s.cache.decoded(room, d.Key, d.Version).(*T); ok {
			return v, nil
		}
	}
	v := new(T)
	if err := json.Unmarshal(d.Value, v); err != nil {
		return nil, err
	}
	if cacheable {
		s.cache.keepDecoded(room, d.Key, d.Version, v)
	}
	return v, nil
}

// Context returns the command's context.
func (tx *Tx) Context() context.Context { return tx.ctx }

// Now returns the service's clock reading.
func (tx *Tx) Now() time.Time { return tx.svc.now() }

// Limits returns the service's limits.
func (tx *Tx) Limits() Limits { return tx.svc.limits }

// Decode parses the command's data into v.
func (tx *Tx) Decode(v any) error {
	if len(tx.Data) == 0 {
		return nil
	}
	if err := json.Unmarshal(tx.Data, v); err != nil {
		return Errorf(CodeBadMessage, "the command's data does not fit its type: %s", jsonProblem(err))
	}
	return nil
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return "data should be " + JSONKind(te.Type)
		}
		return fmt.Sprintf("field %s should be %s", Quote(te.Field), JSONKind(te.Type))
	}
	return "malformed"
}

// Get reads documents; the change will apply only if they are unchanged.
// A document read twice in one command is read once.
func (tx *Tx) Get(keys ...string) ([]Doc, error) {
	out := make([]Doc, len(keys))
	var miss []string
	var at []int
	for i, k := range keys {
		if d, ok := tx.local[k]; ok {
			out[i] = d
			continue
		}
		if tx.svc.cacheable(k) {
			if d, ok := tx.svc.cache.get(tx.RoomID, k); ok {
				out[i] = d
				tx.local[k] = d
				tx.fromCache = append(tx.fromCache, k)
				continue
			}
		}
		miss = append(miss, k)
		at = append(at, i)
	}
	if len(miss) > 0 {
		docs, err := tx.svc.store.Get(tx.ctx, tx.RoomID, miss...)
		if err != nil {
			return nil, err
		}
		for j, d := range docs {
			out[at[j]] = d
			tx.fetched(d)
		}
	}
	for _, d := range out {
		if _, seen := tx.reads[d.Key]; !seen {
			tx.reads[d.Key] = d.Version
		}
	}
	return out, nil
}

// GetJSON reads one document into v and reports whether it exists.
func (tx *Tx) GetJSON(key string, v any) (bool, error) {
	docs, err := tx.Get(key)
	if err != nil {
		return false, err
	}
	if docs[0].Version == 0 {
		return false, nil
	}
	return true, json.Unmarshal(docs[0].Value, v)
}

// Counters reads counters. Counters are not checked for change: use them
// for what may move concurrently (tallies), with Incr to change them.
func (tx *Tx) Counters(keys ...string) ([]int64, error) {
	return tx.svc.store.Counters(tx.ctx, tx.RoomID, keys...)
}

// Put writes a document.
func (tx *Tx) Put(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tx.change.Puts = append(tx.change.Puts, Put{Key: key, Value: b})
	return nil
}

// Delete removes a document.
func (tx *Tx) Delete(key string) { tx.change.Puts = append(tx.change.Puts, Put{Key: key}) }

// DeletePrefix removes every document whose key starts with prefix, in
// the same atomic change (Change.Drops): documents the command cannot
// name one by one. Nothing of them is read, so nothing of them is a
// precondition.
func (tx *Tx) DeletePrefix(prefix string) { tx.change.Drops = append(tx.change.Drops, prefix) }

// DeleteCounterPrefix removes every counter whose name starts with
// prefix, in the same atomic change (Change.CounterDrops): counters the
// command cannot name one by one, whatever was added to them meanwhile.
func (tx *Tx) DeleteCounterPrefix(prefix string) {
	tx.change.CounterDrops = append(tx.change.CounterDrops, prefix)
}

// Incr adds by to a counter; with max > 0, passing max fails the command
// with ifOver.
func (tx *Tx) Incr(key string, by, max int64, ifOver *Error) {
	tx.change.Incrs = append(tx.change.Incrs, Incr{Key: key, By: by, Max: max})
	if ifOver != nil {
		if tx.limitErr == nil {
			tx.limitErr = make(map[string]*Error)
		}
		tx.limitErr[key] = ifOver
	}
}

// Once adds member to a once-only set; if it is there already the command
// fails with ifDup.
func (tx *Tx) Once(set, member string, ifDup *Error) {
	tx.change.Once = append(tx.change.Once, Once{Set: set, Member: member})
	if tx.onceErr == nil {
		tx.onceErr = make(map[string]*Error)
	}
	tx.onceErr[set] = ifDup
}

// Emit records an event for the audience.
func (tx *Tx) Emit(typ string, data any, to Audience) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	tx.change.Events = append(tx.change.Events, Draft{Type: typ, Data: b, To: to})
	return nil
}

// Touch marks coalesced state as changed.
func (tx *Tx) Touch(key string) { tx.change.Touch = append(tx.change.Touch, key) }

// Result sets the ack's result.
func (tx *Tx) Result(v any) { tx.result = v }

func mustPut(key string, v any) Put {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return Put{Key: key, Value: b}
}

// Answers, exactly as sent to the client.

type ackMsg struct {
	Type   string `json:"type"`
	ID     string `json:"id"`
	Result any    `json:"result,omitempty"`
}

type errorMsg struct {
	Type    string `json:"type"`
	ID      string `json:"id,omitempty"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	Retry   bool   `json:"retry,omitempty"`
}

func ackReply(id string, result any) json.RawMessage {
	b, _ := json.Marshal(ackMsg{Type: "ack", ID: id, Result: result})
	return b
}

// ErrorMessage encodes the error message for err, answering command id.
func ErrorMessage(id string, err error) json.RawMessage { return errorReply(id, AsError(err)) }

func errorReply(id string, e *Error) json.RawMessage {
	b, _ := json.Marshal(errorMsg{Type: "error", ID: id, Code: e.Code, Message: e.Message, Field: e.Field, Retry: e.Code.Retryable()})
	return b
}

func errOutcome(id string, err error) Outcome {
	e := AsError(err)
	o := Outcome{Reply: errorReply(id, e), Code: e.Code}
	if e.Code == CodeInternal {
		o.Err = err
	}
	return o
}

// keptOutcome is the outcome of an answer kept from before: only here is
// the code read back out of the reply (for metrics).
func keptOutcome(reply json.RawMessage) Outcome {
	o := Outcome{Reply: reply, Duplicate: true}
	var probe struct {
		Type string `json:"type"`
		Code Code   `json:"code"`
	}
	if json.Unmarshal(reply, &probe) == nil && probe.Type == "error" {
		o.Code = probe.Code
	}
	return o
}

// JSONKind names the JSON form of a Go type for error messages, so no Go
// type name reaches a client.
func JSONKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return JSONKind(t.Elem())
	}
	return "another type"
}

// Kept answers are sealed (AES-GCM) with a key derived from the member's
// token, so the store holds them as ciphertext: an answer may name what a
// member created (a card, a request) without the store being able to read
// which member's it is. The sealed form is a JSON string "hs1:<base64 of
// nonce and ciphertext>", bound to the command id. Members known without
// their token (tests of the service alone) keep plain answers.
const sealPrefix = `"hs1:`

// replyAEAD is the cipher of m's kept answers (nil for a member without a
// token), made at its first use and kept with m's keys: an AEAD from
// the standard library's cipher.NewGCM holds no state between calls (an
// aes.Block, safe for concurrent use, and read-only tables), so one
// serves every command of the member at once. TestReplyCipherKept runs
// it from several goroutines.
func replyAEAD(m *Member) cipher.AEAD {
	k := m.keys
	if k == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.reply != nil {
		return k.reply
	}
	block, err := aes.NewCipher(k.mac("huddle reply seal v1"))
	if err != nil {
		panic(err) // a 32-byte key always makes a cipher
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	k.reply = aead
	return aead
}

func sealReply(m *Member, cmdID string, reply json.RawMessage) json.RawMessage {
	aead := replyAEAD(m)
	if aead == nil {
		return reply
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, reply, []byte(cmdID))
	return json.RawMessage(sealPrefix + base64.RawStdEncoding.EncodeToString(sealed) + `"`)
}

func openReply(m *Member, cmdID string, stored json.RawMessage) (json.RawMessage, error) {
	s := string(stored)
	if !strings.HasPrefix(s, sealPrefix) {
		return stored, nil
	}
	aead := replyAEAD(m)
	if aead == nil {
		return nil, errors.New("a sealed answer for a member without a token")
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimSuffix(strings.TrimPrefix(s, sealPrefix), `"`))
	if err != nil || len(raw) < aead.NonceSize() {
		return nil, errors.New("malformed sealed answer")
	}
	return aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(cmdID))
}

// kept returns the outcome of a command answered before. A nil answer is
// one that has left the room's kept answers after the command changed the
// room: it is acknowledged again, without its result, and not applied.
func (s *Service) kept(m *Member, cmdID string, stored json.RawMessage) Outcome {
	if stored == nil {
		return Outcome{Reply: ackReply(cmdID, nil), Duplicate: true}
	}
	reply, err := openReply(m, cmdID, stored)
	if err != nil {
		return errOutcome(cmdID, err)
	}
	return keptOutcome(reply)
}
