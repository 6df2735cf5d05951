// Package memory is the embedded, in-process Store: the default, so one
// binary runs a workshop on a laptop. Its rooms are lost when the process
// stops (use the Redis store to survive that); its library (the packs and
// kept sessions) is too, unless it is kept in a data directory
// (Options.DataDir, Open).
package memory

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"huddle/rooms"
)

// Options configures a Store. Zero values take the defaults.
type Options struct {
	// HistoryLimit is how many recent events each room keeps for resuming
	// clients (default 1000).
	HistoryLimit int
	// ReplyWindow is how many recent command answers each room keeps for
	// idempotent re-sends (default rooms.DefaultReplyWindow).
	ReplyWindow int
	// SweepInterval is how often expired rooms are dropped (default 30s).
	SweepInterval time.Duration
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
	// DataDir, when set, is the directory the library (packs, kept
	// sessions) is kept in, one file per document, and loaded from by
	// Open: a restart loses none of it. Rooms stay in memory. Only Open
	// takes it.
	DataDir string
	// Logger tells what Open found in DataDir, and what could not be
	// removed from it later (default slog.Default()).
	Logger *slog.Logger
}

// Store is the in-memory rooms.Store.
type Store struct {
	opts Options

	mu    sync.Mutex
	rooms map[string]*room
	codes map[string]string // join code → room id
	lib   library           // its own lock (library.go)

	stop chan struct{}
	done chan struct{}
}

type room struct {
	mu       sync.Mutex
	id, code string
	epoch    string
	seq      uint64
	ttl      time.Duration
	expires  time.Time
	deleted  bool
	docs     map[string]rooms.Doc
	// classes groups document keys by their class (the key up to its first
	// ':'), so that Load skips a whole class (every token, every member)
	// without looking at each of its documents: a join's snapshot would
	// otherwise cost a pass over the whole room, O(N²) for N joins.
	classes  map[string]map[string]struct{}
	counters map[string]int64
	sets     map[string]map[string]struct{}
	replies  replyLog
	history  []rooms.Event // ring buffer, oldest at head
	head     int
	subs     map[int]func(rooms.Notice)
	nextSub  int
	presence map[string]*nodePresence // by node
}

type nodePresence struct {
	members map[string]struct{}
	expires time.Time
}

// replyLog is a room's kept answers, by actor and command id (replyKey),
// the room's last ReplyWindow of them.
type replyLog struct {
	byKey map[string]json.RawMessage
	order []string // FIFO of replyKeys, bounded by ReplyWindow
	// applied holds the replyKeys of the room's last changes (commands
	// that changed it), AppliedPerAnswer times as many as answers are
	// kept: sent again after its answer left, such a command is a
	// duplicate with no answer, never applied twice.
	applied      map[string]struct{}
	appliedOrder []string
}

var (
	_ rooms.Store      = (*Store)(nil)
	_ rooms.ViewReader = (*Store)(nil)
)

// New returns an empty store, its library in memory only, and starts its
// expiry sweeper; Close stops it. A store with a data directory is
// Open's: New panics when opts.DataDir is set, rather than keep in memory
// what its caller meant to keep on disk.
func New(opts Options) *Store {
	if opts.DataDir != "" {
		panic("memory: New with a DataDir; use Open")
	}
	return newStore(opts, nil)
}

// Open returns a store whose library is kept in opts.DataDir (created if
// missing, with the directories it needs), loaded from it now, and starts
// the expiry sweeper; Close stops it and lets the directory go. A file of
// the directory that cannot be read as a library document is logged and
// left as it is, and the others load. The directory is locked while the
// store is open (where the system has flock), so two processes never
// keep one library. Without a DataDir, Open is New.
func Open(opts Options) (*Store, error) {
	if opts.DataDir == "" {
		return New(opts), nil
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	d, loaded, err := openDisk(opts.DataDir, opts.Logger, opts.now())
	if err != nil {
		return nil, fmt.Errorf("memory: data-dir %q: %w", opts.DataDir, err)
	}
	return newStore(opts, &library{colls: loaded, disk: d}), nil
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

func newStore(opts Options, lib *library) *Store {
	if opts.HistoryLimit <= 0 {
		opts.HistoryLimit = 1000
	}
	if opts.ReplyWindow <= 0 {
		opts.ReplyWindow = rooms.DefaultReplyWindow
	}
	if opts.SweepInterval <= 0 {
		opts.SweepInterval = 30 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Store{
		opts:  opts,
		rooms: make(map[string]*room),
		codes: make(map[string]string),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	if lib != nil {
		s.lib.colls, s.lib.disk = lib.colls, lib.disk
	}
	go s.sweep()
	return s
}

// class is a document key up to and including its first ':' ("" for a
// key without one).
func class(key string) string {
	if i := strings.IndexByte(key, ':'); i >= 0 {
		return key[:i+1]
	}
	return ""
}

func newEpoch() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *Store) sweep() {
	defer close(s.done)
	t := time.NewTicker(s.opts.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.dropExpired()
		}
	}
}

func (s *Store) dropExpired() {
	s.pruneLibrary()
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, r := range s.rooms {
		r.mu.Lock()
		if now.After(r.expires) {
			r.deleted = true
			delete(s.rooms, id)
			if s.codes[r.code] == id {
				delete(s.codes, r.code)
			}
		}
		r.mu.Unlock()
	}
}

// lock returns the live room, locked. Expired rooms are not found even
// before the sweeper drops them.
func (s *Store) lock(id string) (*room, error) {
	s.mu.Lock()
	r := s.rooms[id]
	s.mu.Unlock()
	if r == nil {
		return nil, rooms.ErrRoomNotFound
	}
	r.mu.Lock()
	if r.deleted || s.opts.Now().After(r.expires) {
		r.mu.Unlock()
		return nil, rooms.ErrRoomNotFound
	}
	return r, nil
}

// CreateRoom implements rooms.Store.
func (s *Store) CreateRoom(ctx context.Context, id, code string, ttl time.Duration, init rooms.Change) (rooms.Applied, error) {
	if err := ctx.Err(); err != nil {
		return rooms.Applied{}, err
	}
	now := s.opts.Now()
	r := &room{
		id: id, code: code, epoch: newEpoch(), ttl: ttl, expires: now.Add(ttl),
		docs:     make(map[string]rooms.Doc),
		classes:  make(map[string]map[string]struct{}),
		counters: make(map[string]int64),
		sets:     make(map[string]map[string]struct{}),
		replies:  replyLog{byKey: make(map[string]json.RawMessage), applied: make(map[string]struct{})},
		subs:     make(map[int]func(rooms.Notice)),
		presence: make(map[string]*nodePresence),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.rooms[id]; old != nil {
		if old.live(now) {
			return rooms.Applied{}, rooms.ErrRoomExists
		}
		s.drop(old) // expired but not yet swept: free its id and its code
	}
	if other, ok := s.codes[code]; ok {
		if o := s.rooms[other]; o != nil {
			if o.live(now) {
				return rooms.Applied{}, rooms.ErrCodeTaken
			}
			s.drop(o)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	a, err := s.apply(r, init)
	if err != nil {
		return a, err
	}
	s.rooms[id] = r
	s.codes[code] = id
	return a, nil
}

// live reports whether r has not expired at now.
func (r *room) live(now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.deleted && !now.After(r.expires)
}

// drop removes r and its join code; s.mu must be held. Locks are always
// taken s.mu first, then a room's.
func (s *Store) drop(r *room) {
	r.mu.Lock()
	r.deleted = true
	r.mu.Unlock()
	if s.rooms[r.id] == r {
		delete(s.rooms, r.id)
	}
	if s.codes[r.code] == r.id {
		delete(s.codes, r.code)
	}
}

// RoomByCode implements rooms.Store.
func (s *Store) RoomByCode(ctx context.Context, code string) (string, error) {
	s.mu.Lock()
	id, ok := s.codes[code]
	s.mu.Unlock()
	if !ok {
		return "", rooms.ErrRoomNotFound
	}
	r, err := s.lock(id)
	if err != nil {
		return "", err
	}
	r.mu.Unlock()
	return id, nil
}

// Apply implements rooms.Store.
func (s *Store) Apply(ctx context.Context, id string, c rooms.Change) (rooms.Applied, error) {
	if err := ctx.Err(); err != nil {
		return rooms.Applied{}, err
	}
	r, err := s.lock(id)
	if err != nil {
		return rooms.Applied{}, err
	}
	defer r.mu.Unlock()
	return s.apply(r, c)
}

// replyKey is where the answer to actor's cmdID is kept: the actor with
// its length, so that no pair reads as another.
func replyKey(actor, cmdID string) string {
	return strconv.Itoa(len(actor)) + ":" + actor + ":" + cmdID
}

// apply runs with r.mu held: every check first, then every effect, so a
// failed check leaves the room untouched.
func (s *Store) apply(r *room, c rooms.Change) (rooms.Applied, error) {
	pos := rooms.Position{Epoch: r.epoch, Seq: r.seq}
	if c.CmdID != "" {
		k := replyKey(c.Actor, c.CmdID)
		if rep, ok := r.replies.byKey[k]; ok {
			return rooms.Applied{Pos: pos, Duplicate: true, Reply: rep}, nil
		}
		if _, ok := r.replies.applied[k]; ok {
			return rooms.Applied{Pos: pos, Duplicate: true}, nil
		}
	}
	for _, e := range c.Expect {
		if r.docs[e.Key].Version != e.Version {
			return rooms.Applied{Pos: pos}, rooms.ErrConflict
		}
	}
	for i, o := range c.Once {
		if _, ok := r.sets[o.Set][o.Member]; ok {
			return rooms.Applied{Pos: pos}, &rooms.OnceError{Set: o.Set}
		}
		// The same member twice in one change is a duplicate too.
		for _, p := range c.Once[:i] {
			if p == o {
				return rooms.Applied{Pos: pos}, &rooms.OnceError{Set: o.Set}
			}
		}
	}
	sums := make(map[string]int64, len(c.Incrs))
	for _, in := range c.Incrs {
		sums[in.Key] += in.By
		was := r.counters[in.Key]
		if rooms.HasAnyPrefix(in.Key, c.CounterDrops) {
			was = 0 // dropped first
		}
		if in.Max > 0 && was+sums[in.Key] > in.Max {
			return rooms.Applied{Pos: pos}, &rooms.LimitError{Key: in.Key}
		}
	}

	r.dropLocked(c.Drops)
	for _, p := range c.Puts {
		if p.Value == nil {
			delete(r.docs, p.Key)
			if c := r.classes[class(p.Key)]; c != nil {
				delete(c, p.Key)
			}
			continue
		}
		v := rooms.NewVersion()
		for v == r.docs[p.Key].Version {
			v = rooms.NewVersion()
		}
		r.docs[p.Key] = rooms.Doc{Key: p.Key, Value: slices.Clone(p.Value), Version: v}
		cls := class(p.Key)
		c := r.classes[cls]
		if c == nil {
			c = make(map[string]struct{})
			r.classes[cls] = c
		}
		c[p.Key] = struct{}{}
	}
	for _, p := range c.CounterDrops {
		for k := range r.counters {
			if strings.HasPrefix(k, p) {
				delete(r.counters, k)
			}
		}
	}
	for _, in := range c.Incrs {
		r.counters[in.Key] += in.By
	}
	for _, o := range c.Once {
		set := r.sets[o.Set]
		if set == nil {
			set = make(map[string]struct{})
			r.sets[o.Set] = set
		}
		set[o.Member] = struct{}{}
	}
	if c.CmdID != "" && c.Reply != nil {
		log, k := &r.replies, replyKey(c.Actor, c.CmdID)
		log.byKey[k] = slices.Clone(c.Reply)
		log.order = append(log.order, k)
		window := max(s.opts.ReplyWindow, rooms.ReplyPerParticipant*int(r.counters[rooms.CounterParticipants]))
		if len(c.Drops)+len(c.Puts)+len(c.CounterDrops)+len(c.Incrs)+len(c.Events)+len(c.Once)+len(c.Touch) > 0 {
			log.applied[k] = struct{}{}
			log.appliedOrder = append(log.appliedOrder, k)
			for len(log.appliedOrder) > rooms.AppliedPerAnswer*window {
				delete(log.applied, log.appliedOrder[0])
				log.appliedOrder = log.appliedOrder[1:]
			}
		}
		for len(log.order) > window {
			delete(log.byKey, log.order[0])
			log.order = log.order[1:]
		}
	}
	now := s.opts.Now()
	for _, d := range c.Events {
		r.seq++
		ev := rooms.Event{Room: r.id, Epoch: r.epoch, Seq: r.seq, Type: d.Type, Data: slices.Clone(d.Data), To: d.To}
		r.appendHistory(ev, s.opts.HistoryLimit)
		r.publish(rooms.Notice{Room: r.id, Event: &ev, At: now})
	}
	if len(c.Touch) > 0 {
		r.publish(rooms.Notice{Room: r.id, Touched: slices.Clone(c.Touch), At: now})
	}
	r.expires = now.Add(r.ttl)
	return rooms.Applied{Pos: rooms.Position{Epoch: r.epoch, Seq: r.seq}}, nil
}

func (r *room) appendHistory(ev rooms.Event, limit int) {
	if len(r.history) < limit {
		r.history = append(r.history, ev)
		return
	}
	r.history[r.head] = ev
	r.head = (r.head + 1) % limit
}

func (r *room) publish(n rooms.Notice) {
	for _, fn := range r.subs {
		fn(n)
	}
}

// Get implements rooms.Store.
func (s *Store) Get(ctx context.Context, id string, keys ...string) ([]rooms.Doc, error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	out := make([]rooms.Doc, len(keys))
	for i, k := range keys {
		d, ok := r.docs[k]
		if !ok {
			d = rooms.Doc{Key: k}
		}
		out[i] = d // values are never mutated in place, so sharing is safe
	}
	return out, nil
}

// Counters implements rooms.Store.
func (s *Store) Counters(ctx context.Context, id string, keys ...string) ([]int64, error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	out := make([]int64, len(keys))
	for i, k := range keys {
		out[i] = r.counters[k]
	}
	return out, nil
}

// Has implements rooms.Store.
func (s *Store) Has(ctx context.Context, id, set, member string) (bool, error) {
	r, err := s.lock(id)
	if err != nil {
		return false, err
	}
	defer r.mu.Unlock()
	_, ok := r.sets[set][member]
	return ok, nil
}

// Reply implements rooms.Store.
func (s *Store) Reply(ctx context.Context, id, actor, cmdID string) (json.RawMessage, bool, error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, false, err
	}
	defer r.mu.Unlock()
	if rep, ok := r.replies.byKey[replyKey(actor, cmdID)]; ok {
		return rep, true, nil
	}
	return nil, false, nil
}

// Load implements rooms.Store.
func (s *Store) Load(ctx context.Context, id string, skip ...string) (*rooms.State, error) {
	st, _, err := s.LoadWith(ctx, id, nil, skip...)
	return st, err
}

// LoadWith implements rooms.Store.
func (s *Store) LoadWith(ctx context.Context, id string, keys []string, skip ...string) (*rooms.State, []rooms.Doc, error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, nil, err
	}
	defer r.mu.Unlock()
	docs := make([]rooms.Doc, len(keys))
	for i, k := range keys {
		docs[i] = rooms.Doc{Key: k}
		if d, ok := r.docs[k]; ok {
			docs[i] = d
		}
	}
	return r.loadLocked(skip), docs, nil
}

// dropLocked deletes the documents whose keys start with any of prefixes
// (Change.Drops), looking only into the classes that may hold some.
func (r *room) dropLocked(prefixes []string) {
	if len(prefixes) == 0 {
		return
	}
	for cls, keys := range r.classes {
		for _, p := range prefixes {
			if !strings.HasPrefix(cls, p) && !strings.HasPrefix(p, cls) {
				continue // no key of the class can start with p
			}
			for k := range keys {
				if strings.HasPrefix(k, p) {
					delete(keys, k)
					delete(r.docs, k)
				}
			}
		}
	}
}

// loadLocked is Load, called with r.mu.
func (r *room) loadLocked(skip []string) *rooms.State {
	st := &rooms.State{
		Pos:      rooms.Position{Epoch: r.epoch, Seq: r.seq},
		Docs:     make(map[string]rooms.Doc, min(len(r.docs), 64)), // mostly skipping: grow as needed
		Counters: make(map[string]int64, len(r.counters)),
		Sets:     make(map[string]int, len(r.sets)),
	}
classes:
	for cls, keys := range r.classes {
		// Keys of a class all start with it: a skip prefix that is a
		// prefix of the class skips it whole; one that extends the class
		// is checked key by key; any other cannot match.
		var partial []string
		for _, p := range skip {
			switch {
			case cls != "" && strings.HasPrefix(cls, p):
				continue classes
			case cls == "" || strings.HasPrefix(p, cls):
				partial = append(partial, p)
			}
		}
	keys:
		for k := range keys {
			for _, p := range partial {
				if strings.HasPrefix(k, p) {
					continue keys
				}
			}
			st.Docs[k] = r.docs[k]
		}
	}
	for k, v := range r.counters {
		st.Counters[k] = v
	}
	for k, v := range r.sets {
		st.Sets[k] = len(v)
	}
	return st
}

// History implements rooms.Store.
func (s *Store) History(ctx context.Context, id string, after rooms.Position) ([]rooms.Event, error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	return r.historyLocked(after)
}

// historyLocked is History, called with r.mu.
func (r *room) historyLocked(after rooms.Position) ([]rooms.Event, error) {
	if after.Epoch != r.epoch || after.Seq > r.seq {
		return nil, rooms.ErrHistoryGone
	}
	n := uint64(len(r.history))
	oldest := r.seq - n + 1 // seq of the oldest kept event
	if after.Seq+1 < oldest {
		return nil, rooms.ErrHistoryGone
	}
	want := r.seq - after.Seq
	out := make([]rooms.Event, 0, want)
	start := n - want // index from the oldest
	for i := start; i < n; i++ {
		out = append(out, r.history[(uint64(r.head)+i)%n])
	}
	return out, nil
}

// Subscribe implements rooms.Store. The room must exist.
func (s *Store) Subscribe(id string, fn func(rooms.Notice)) (func(), error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	k := r.nextSub
	r.nextSub++
	r.subs[k] = fn
	r.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			delete(r.subs, k)
			r.mu.Unlock()
		})
	}, nil
}

// Touch implements rooms.Store.
func (s *Store) Touch(ctx context.Context, id string) error {
	r, err := s.lock(id)
	if err != nil {
		return err
	}
	r.expires = s.opts.Now().Add(r.ttl)
	r.mu.Unlock()
	return nil
}

// CountRooms implements rooms.Store.
func (s *Store) CountRooms(ctx context.Context) (int, error) {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.rooms {
		r.mu.Lock()
		if !now.After(r.expires) {
			n++
		}
		r.mu.Unlock()
	}
	return n, nil
}

// Ping implements rooms.Store: memory is always reachable.
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// Close implements rooms.Store. With a data directory, what the library
// holds is on disk already (every change was written when it was made):
// Close only lets the directory go, for another store to open.
func (s *Store) Close() error {
	select {
	case <-s.stop:
	default:
		close(s.stop)
		<-s.done
		if s.lib.disk != nil {
			s.lib.mu.Lock()
			defer s.lib.mu.Unlock()
			return s.lib.disk.close()
		}
	}
	return nil
}

// CountersWithPrefix implements rooms.CounterScanner.
func (s *Store) CountersWithPrefix(ctx context.Context, id, prefix string) (map[string]int64, error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	out := make(map[string]int64)
	for k, v := range r.counters {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out, nil
}

// DocsWithPrefix implements rooms.DocScanner.
func (s *Store) DocsWithPrefix(ctx context.Context, id, prefix string) ([]rooms.Doc, error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	var out []rooms.Doc
	for k, d := range r.docs {
		if strings.HasPrefix(k, prefix) {
			out = append(out, d)
		}
	}
	return out, nil
}

// ReadView implements rooms.ViewReader: the whole query under the room's
// lock, so it is one consistent copy.
func (s *Store) ReadView(ctx context.Context, id string, q rooms.ViewQuery) (*rooms.ViewData, error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	v := &rooms.ViewData{Counters: make(map[string]int64)}
	if len(q.Keys) > 0 {
		v.Docs = make([]rooms.Doc, len(q.Keys))
		for i, k := range q.Keys {
			d, ok := r.docs[k]
			if !ok {
				d = rooms.Doc{Key: k}
			}
			v.Docs[i] = d
		}
	}
	if len(q.CounterPrefixes) > 0 {
		for k, n := range r.counters {
			if rooms.HasAnyPrefix(k, q.CounterPrefixes) {
				v.Counters[k] = n
			}
		}
	}
	for _, k := range q.CounterKeys {
		v.Counters[k] = r.counters[k]
	}
	if len(q.DocPrefixes) > 0 {
		found := make(map[string]rooms.Doc)
		for k, d := range r.docs {
			if rooms.HasAnyPrefix(k, q.DocPrefixes) {
				found[k] = d
			}
		}
		v.Found = rooms.SortedDocs(found)
	}
	if q.Follow != nil && q.Follow.From < len(v.Docs) {
		if k := q.Follow.FollowedKey(v.Docs[q.Follow.From]); k != "" {
			v.Followed = rooms.Doc{Key: k}
			if d, ok := r.docs[k]; ok {
				v.Followed = d
			}
		}
	}
	if q.After != nil {
		evs, err := r.historyLocked(*q.After) // its one error: ErrHistoryGone
		v.Events, v.HistoryGone = evs, err != nil
	}
	return v, nil
}

// Dump returns everything the store holds for a room, including what no
// other method reveals (once-only set members, kept answers, history), for
// audits such as the anonymity tests.
func (s *Store) Dump(id string) (map[string]any, error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	sets := map[string][]string{}
	for k, set := range r.sets {
		for m := range set {
			sets[k] = append(sets[k], m)
		}
	}
	replies := map[string]string{}
	for k, rep := range r.replies.byKey {
		replies[k] = string(rep)
	}
	docs := map[string]string{}
	for k, d := range r.docs {
		docs[k] = string(d.Value)
	}
	return map[string]any{
		"code": r.code, "epoch": r.epoch, "seq": r.seq,
		"docs": docs, "counters": r.counters, "sets": sets, "replies": replies,
		"history": slices.Clone(r.history),
	}, nil
}

// UpdatePresence implements rooms.Store.
func (s *Store) UpdatePresence(ctx context.Context, id, node string, add, remove []string, ttl time.Duration) error {
	r, err := s.lock(id)
	if err != nil {
		return err
	}
	defer r.mu.Unlock()
	now := s.opts.Now()
	np := r.presence[node]
	// A node whose own entries lapsed, finding every other node's lapsed
	// too, was cut off with them: none of them was seen to die, and they
	// get the time to write again that this node has (presence.lua).
	if np != nil && now.After(np.expires) {
		alive := false
		for _, p := range r.presence {
			alive = alive || !now.After(p.expires)
		}
		if !alive {
			for _, p := range r.presence {
				p.expires = now.Add(ttl)
			}
		}
	}
	if np == nil || now.After(np.expires) {
		np = &nodePresence{members: make(map[string]struct{})}
		r.presence[node] = np
	}
	np.expires = now.Add(ttl)
	changed := false
	for _, m := range add {
		if _, ok := np.members[m]; !ok {
			np.members[m] = struct{}{}
			changed = true
		}
	}
	for _, m := range remove {
		if _, ok := np.members[m]; ok {
			delete(np.members, m)
			changed = true
		}
	}
	// The members of nodes that stopped refreshing (they died) go now.
	for other, p := range r.presence {
		if now.After(p.expires) {
			delete(r.presence, other)
			changed = changed || len(p.members) > 0
		}
	}
	if changed {
		r.publish(rooms.Notice{Room: r.id, Touched: []string{rooms.StatePresence}, At: now})
	}
	return nil
}

// Online implements rooms.Store.
func (s *Store) Online(ctx context.Context, id string) ([]string, error) {
	r, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer r.mu.Unlock()
	now := s.opts.Now()
	seen := make(map[string]struct{})
	out := []string{}
	for _, np := range r.presence {
		if now.After(np.expires) {
			// Left for the refresh of a node that lives, which drops
			// them and tells every node (UpdatePresence).
			continue
		}
		for m := range np.members {
			if _, dup := seen[m]; !dup {
				seen[m] = struct{}{}
				out = append(out, m)
			}
		}
	}
	return out, nil
}
