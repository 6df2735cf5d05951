package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
)

// Options configures a Store. Zero values take the defaults.
type Options struct {
	// URL locates Redis: redis://[user:password@]host:port[/db] or
	// unix:///path/to/socket[?db=N]. Timeouts given as URL parameters are
	// kept unless set below.
	URL string
	// HistoryLimit is how many recent events each room keeps for resuming
	// clients (default 1000). ReplyWindow is how many recent answers each
	// room keeps (default rooms.DefaultReplyWindow). Every node of a
	// deployment must use the same values.
	HistoryLimit int
	ReplyWindow  int
	// Prefix starts every key name (default "huddle"). It may not contain
	// braces, which would change the keys' hash tags.
	Prefix string
	// PoolSize is the number of pooled connections (default 10 per CPU).
	PoolSize int
	// DialTimeout, ReadTimeout and WriteTimeout bound each step of a
	// command (default 2s each); a context deadline bounds it too.
	DialTimeout  time.Duration
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	// Logger receives warnings, such as a lost pub/sub connection
	// (default slog.Default()).
	Logger *slog.Logger
	// NoAutoPipeline sends each command on a pooled connection of its
	// own. By default the commands that callers issue at the same time
	// go to Redis together, as one pipeline on one connection (go-redis's
	// AutoPipeliner): a node and Redis each make one read and one write
	// system call per batch instead of per command. See docs/redis.md.
	NoAutoPipeline bool
	// Client, when set, is used instead of dialling URL, and the options
	// above about connections are ignored. It should have
	// ContextTimeoutEnabled set and MaxRetries -1 (see New). Close closes
	// it.
	Client *redis.Client
}

// Store is the Redis rooms.Store. See the package doc for its design.
type Store struct {
	opts Options
	rdb  *redis.Client // subscriptions and the sweep's pipelines
	cmd  commander     // every other command: rdb, pipelined when busy (pipelining)
	keys keyspace
	log  *slog.Logger

	subs   subscriptions
	events eventCache // history events decoded (see events.go)
	clock  redisClock // Redis's clock, for the changes' deadlines (late.go)
}

var (
	_ rooms.Store          = (*Store)(nil)
	_ rooms.DocScanner     = (*Store)(nil)
	_ rooms.CounterScanner = (*Store)(nil)
	_ rooms.ViewReader     = (*Store)(nil)
)

// redactURL is u with any password replaced by "xxxxx", for messages.
// A URL that does not parse keeps only its scheme.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		scheme, _, _ := strings.Cut(u, "://")
		return scheme + "://…"
	}
	return p.Redacted()
}

// SetLogger sends go-redis's own messages (a dial that failed, a pool
// that could not refill) to log, as warnings, instead of a plain line on
// stderr that a log shipper reading JSON cannot parse. go-redis has one
// logger for the whole process, unguarded: call it once, at start,
// before any store is made.
//
// While Redis is unreachable go-redis says so at every attempt (each
// command, each readiness probe): each of its messages is logged the
// first time, then at most once a minute, with how many like it were
// left out meanwhile.
func SetLogger(log *slog.Logger) { redis.SetLogger(newSlogRedis(log)) }

// goRedisEvery is how often one of go-redis's messages is logged again
// while it repeats.
const goRedisEvery = time.Minute

type slogRedis struct {
	log *slog.Logger

	mu   sync.Mutex
	seen map[string]*repeats // by the message's format
}

type repeats struct {
	logged  time.Time
	dropped int
}

func newSlogRedis(log *slog.Logger) *slogRedis {
	return &slogRedis{log: log, seen: make(map[string]*repeats)}
}

func (l *slogRedis) Printf(_ context.Context, format string, v ...any) {
	now := time.Now()
	l.mu.Lock()
	r := l.seen[format]
	if r == nil {
		if len(l.seen) >= 100 { // formats are go-redis's own: a few
			clear(l.seen)
		}
		r = &repeats{}
		l.seen[format] = r
	} else if now.Sub(r.logged) < goRedisEvery {
		r.dropped++
		l.mu.Unlock()
		return
	}
	dropped := r.dropped
	r.logged, r.dropped = now, 0
	l.mu.Unlock()
	if dropped > 0 {
		l.log.Warn("redisstore: go-redis", "detail", fmt.Sprintf(format, v...), "repeats_left_out", dropped)
		return
	}
	l.log.Warn("redisstore: go-redis", "detail", fmt.Sprintf(format, v...))
}

// New returns a Store for opts.URL. It does not wait for Redis: a node
// starts while Redis is still down, Ping tells when it answers, and every
// method fails with rooms.ErrUnavailable until then. Only a malformed URL
// or option is an error.
func New(opts Options) (*Store, error) {
	if opts.HistoryLimit <= 0 {
		opts.HistoryLimit = 1000
	}
	if opts.ReplyWindow <= 0 {
		opts.ReplyWindow = rooms.DefaultReplyWindow
	}
	if opts.Prefix == "" {
		opts.Prefix = "huddle"
	}
	if strings.ContainsAny(opts.Prefix, "{}") {
		return nil, fmt.Errorf("redisstore: prefix %q contains a brace", opts.Prefix)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	rdb := opts.Client
	if rdb != nil && rdb.Options().MaxRetries > 0 {
		// A retry (by the client, or by its pipeliner replaying what a
		// lost connection left unanswered) could apply a change twice.
		return nil, errors.New("redisstore: Options.Client retries commands; set its MaxRetries to -1")
	}
	if rdb == nil {
		ro, err := redis.ParseURL(opts.URL)
		if err != nil {
			// go-redis's error quotes the URL, password and all.
			return nil, fmt.Errorf("redisstore: bad Redis URL %s: %s", redactURL(opts.URL), strings.ReplaceAll(err.Error(), opts.URL, redactURL(opts.URL)))
		}
		setDuration(&ro.DialTimeout, opts.DialTimeout, 2*time.Second)
		setDuration(&ro.ReadTimeout, opts.ReadTimeout, 2*time.Second)
		setDuration(&ro.WriteTimeout, opts.WriteTimeout, 2*time.Second)
		// Without this go-redis ignores context deadlines on commands
		// already sent.
		ro.ContextTimeoutEnabled = true
		// A retried EVALSHA whose first attempt reached Redis would apply
		// a change twice (one without a command id has nothing to
		// deduplicate it). Callers see ErrUnavailable and decide.
		ro.MaxRetries = -1
		if opts.PoolSize > 0 {
			ro.PoolSize = opts.PoolSize
		} else if ro.PoolSize == 0 {
			ro.PoolSize = 10 * runtime.GOMAXPROCS(0)
		}
		if ro.PoolTimeout == 0 {
			ro.PoolTimeout = ro.ReadTimeout + time.Second
		}
		if ro.ConnMaxIdleTime == 0 {
			ro.ConnMaxIdleTime = 5 * time.Minute
		}
		// Fail fast while Redis is down instead of retrying each dial.
		ro.DialerRetries = 1
		if ro.ClientName == "" {
			ro.ClientName = "huddle" // for CLIENT LIST
		}
		rdb = redis.NewClient(ro)
	}
	s := &Store{opts: opts, rdb: rdb, cmd: rdb, keys: keyspace{opts.Prefix}, log: opts.Logger}
	if !opts.NoAutoPipeline {
		// One ordered stream on one connection (pipelineOptions): the
		// commands queued while it writes go in its next write. It keeps
		// the client's MaxRetries (-1, no retry) and its timeouts; a
		// command's own context deadline is not applied once it is
		// queued (ReadTimeout bounds it). Closing rdb closes it.
		ap, err := rdb.AutoPipelineWithOptions(pipelineOptions())
		if err != nil {
			return nil, fmt.Errorf("redisstore: auto pipeline: %w", err)
		}
		s.cmd = &pipelining{direct: rdb, batched: ap}
	}
	s.subs.init(s)
	return s, nil
}

func setDuration(dst *time.Duration, opt, def time.Duration) {
	switch {
	case opt > 0:
		*dst = opt
	case *dst == 0:
		*dst = def
	}
}

// newEpoch names a room's history: random, so a room created again under
// an old id never resumes an old position.
func newEpoch() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// fail wraps an error from Redis. Anything that is not an answer from the
// server (a refused dial, a timeout, a closed client, a cancelled
// context), and the server's own "not now" answers, mean the store is
// unavailable: the caller may retry, and a retried command with an id is
// answered from its stored reply if the first attempt did reach Redis.
func fail(op string, err error) error {
	var rerr redis.Error
	if errors.As(err, &rerr) && !serverBusy(err) {
		return fmt.Errorf("redisstore: %s: %w", op, err)
	}
	return fmt.Errorf("redisstore: %s: %w: %w", op, rooms.ErrUnavailable, err)
}

// serverBusy reports a server error that passes: loading, failing over,
// out of memory, a script running too long.
func serverBusy(err error) bool {
	for _, p := range []string{"LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY", "OOM", "ERR max number of clients"} {
		if redis.HasErrorPrefix(err, p) {
			return true
		}
	}
	return false
}

// CreateRoom implements rooms.Store. The room is created first and its
// code claimed second (they live in different slots); a room whose code
// turns out to be taken is deleted again before CreateRoom returns.
func (s *Store) CreateRoom(ctx context.Context, id, code string, ttl time.Duration, init rooms.Change) (rooms.Applied, error) {
	if ttl <= 0 {
		return rooms.Applied{}, fmt.Errorf("redisstore: create room: ttl %v is not positive", ttl)
	}
	epoch := newEpoch()
	args, err := s.changeArgs(id, epoch, max(ttl.Milliseconds(), 1), code, s.deadline(ctx), init)
	if err != nil {
		return rooms.Applied{}, fmt.Errorf("redisstore: create room: %w", err)
	}
	keys := s.keys.room(id)
	res, err := createScript.Run(ctx, s.cmd, keys, args...).Result()
	if err != nil {
		return rooms.Applied{}, fail("create room", err)
	}
	o, err := parseOutcome(res)
	if err != nil {
		return rooms.Applied{}, fmt.Errorf("redisstore: create room: %w", err)
	}
	if o.err != nil {
		return rooms.Applied{}, o.err // no room: no position to report
	}

	if err := s.claimCode(ctx, id, epoch, code, o.ext); err != nil {
		// Whether or not the claim reached Redis, the code now leads
		// nowhere: a code key naming this epoch is stale once the room
		// is gone.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.rdb.Options().WriteTimeout)
		defer cancel()
		if derr := dropScript.Run(dctx, s.cmd, keys, epoch).Err(); derr != nil {
			s.log.Warn("redisstore: undoing a room whose code was not claimed", "room", id, "err", derr)
		}
		return rooms.Applied{}, err
	}
	if err := s.cmd.ZAddGT(ctx, s.keys.index(), redis.Z{Score: float64(o.ext), Member: id}).Err(); err != nil {
		// The room is made and reachable; only CountRooms misses it until
		// its horizon moves.
		s.log.Warn("redisstore: indexing a new room", "room", id, "err", err)
	}
	return o.applied, nil
}

// claimCode makes code lead to (id, epoch). A code key left by a room that
// has since expired is taken over; one of a live room is ErrCodeTaken.
func (s *Store) claimCode(ctx context.Context, id, epoch, code string, ext int64) error {
	key := s.keys.code(code)
	mine := codeValue(id, epoch)
	stale := ""
	// Each round either wins, finds a live holder, or found the key
	// changed by a racing create: a few rounds settle any race.
	for range 8 {
		res, err := claimScript.Run(ctx, s.cmd, []string{key}, mine, stale, ext).Slice()
		if err != nil {
			return fail("claim code", err)
		}
		if integer(res[0]) == 1 {
			return nil
		}
		holder := str(res[1])
		live, err := s.holds(ctx, holder)
		if err != nil {
			return err
		}
		if live {
			return rooms.ErrCodeTaken
		}
		stale = holder
	}
	return fmt.Errorf("redisstore: claim code: %w (contended)", rooms.ErrConflict)
}

// codeValue is what a code key holds: the room and the epoch of the room
// that claimed it, so a code never leads to a later room under the same id.
func codeValue(id, epoch string) string { return id + " " + epoch }

// holds reports whether the room named by a code key value is alive: its
// meta key exists with that epoch, in this version's layout.
func (s *Store) holds(ctx context.Context, value string) (bool, error) {
	i := strings.LastIndexByte(value, ' ')
	if i < 0 {
		return false, nil
	}
	m, err := s.cmd.HMGet(ctx, s.keys.meta(value[:i]), "epoch", "layout").Result()
	if err != nil {
		return false, fail("room by code", err)
	}
	return str(m[0]) == value[i+1:] && str(m[1]) == layout, nil
}

// RoomByCode implements rooms.Store.
func (s *Store) RoomByCode(ctx context.Context, code string) (string, error) {
	v, err := s.cmd.Get(ctx, s.keys.code(code)).Result()
	if errors.Is(err, redis.Nil) {
		return "", rooms.ErrRoomNotFound
	}
	if err != nil {
		return "", fail("room by code", err)
	}
	live, err := s.holds(ctx, v)
	if err != nil {
		return "", err
	}
	if !live {
		return "", rooms.ErrRoomNotFound
	}
	return v[:strings.LastIndexByte(v, ' ')], nil
}

// Apply implements rooms.Store.
func (s *Store) Apply(ctx context.Context, room string, c rooms.Change) (rooms.Applied, error) {
	args, err := s.changeArgs(room, "", 0, "", s.deadline(ctx), c)
	if err != nil {
		return rooms.Applied{}, fmt.Errorf("redisstore: apply: %w", err)
	}
	res, err := applyScript.Run(ctx, s.cmd, s.keys.room(room), args...).Result()
	if err != nil {
		return rooms.Applied{}, fail("apply", err)
	}
	o, err := parseOutcome(res)
	if err != nil {
		return rooms.Applied{}, fmt.Errorf("redisstore: apply: %w", err)
	}
	if o.err != nil {
		return o.applied, o.err
	}
	s.subs.applied(s.keys.channel(room), o.applied.Pos.Epoch, o.ver)
	if o.moved {
		// The change is applied whatever happens here; a failed refresh
		// is repaired by the next Touch.
		if err := s.extend(ctx, room, o.applied.Pos.Epoch, o.code, o.ext); err != nil {
			s.log.Warn("redisstore: extending a room's code", "room", room, "err", err)
		}
	}
	return o.applied, nil
}

// extend keeps room's code key and index entry until ext (unix ms).
func (s *Store) extend(ctx context.Context, room, epoch, code string, ext int64) error {
	if err := keepCodeScript.Run(ctx, s.cmd, []string{s.keys.code(code)}, codeValue(room, epoch), ext).Err(); err != nil {
		return fail("extend code", err)
	}
	if err := s.cmd.ZAddGT(ctx, s.keys.index(), redis.Z{Score: float64(ext), Member: room}).Err(); err != nil {
		return fail("extend index", err)
	}
	return nil
}

// read runs read.lua on every key of room; the reply's first element is
// checked for a missing room and dropped.
func (s *Store) read(ctx context.Context, op, room string, args ...any) ([]any, error) {
	res, err := readScript.RunRO(ctx, s.cmd, s.keys.room(room), append([]any{op}, args...)...).Slice()
	if err != nil {
		return nil, fail(op, err)
	}
	if str(res[0]) == "notfound" {
		return nil, rooms.ErrRoomNotFound
	}
	return res[1:], nil
}

// Get implements rooms.Store.
func (s *Store) Get(ctx context.Context, room string, keys ...string) ([]rooms.Doc, error) {
	res, err := s.read(ctx, "get", room, stringArgs(keys)...)
	if err != nil {
		return nil, err
	}
	return docsOf(keys, res[0], res[1]), nil
}

// docsOf makes the documents of keys from read.lua's lists of their
// values and versions.
func docsOf(keys []string, values, versions any) []rooms.Doc {
	vals, _ := values.([]any)
	vers, _ := versions.([]any)
	out := make([]rooms.Doc, len(keys))
	for i, k := range keys {
		out[i] = rooms.Doc{Key: k}
		if i < len(vals) && vals[i] != nil {
			out[i].Value = bytesOf(vals[i])
			if i < len(vers) {
				out[i].Version = uint64(integer(vers[i]))
			}
		}
	}
	return out
}

// DocsWithPrefix implements rooms.DocScanner: only the hashes of the
// classes whose documents can start with prefix are read (all the members
// for "member:", not the whole room).
func (s *Store) DocsWithPrefix(ctx context.Context, room, prefix string) ([]rooms.Doc, error) {
	res, err := s.read(ctx, "scan", room, prefix)
	if err != nil {
		return nil, err
	}
	docs := make(map[string]rooms.Doc)
	addDocs(docs, res[0])
	out := make([]rooms.Doc, 0, len(docs))
	for _, d := range docs {
		out = append(out, d)
	}
	return out, nil
}

// CountersWithPrefix implements rooms.CounterScanner. Without it
// rooms.ScanCounters falls back to a whole-room Load, every document
// included. (An exercise's coalesced state reads its counters with the
// exercise, through ReadView.)
func (s *Store) CountersWithPrefix(ctx context.Context, room, prefix string) (map[string]int64, error) {
	res, err := s.read(ctx, "ctrscan", room, prefix)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64)
	pairs(res[0], func(k, v string) { out[k], _ = strconv.ParseInt(v, 10, 64) })
	return out, nil
}

// ReadView implements rooms.ViewReader: the documents, counters and scans
// of q in one read.lua call, so one round trip and one consistent copy
// where Get, CountersWithPrefix and DocsWithPrefix take one each.
func (s *Store) ReadView(ctx context.Context, room string, q rooms.ViewQuery) (*rooms.ViewData, error) {
	ch := s.keys.channel(room)
	// A followed room's mirror has no events and follows no documents: a
	// read for them goes to Redis, and what it read is not kept in the
	// mirror.
	mirrored := q.After == nil && q.Follow == nil
	var t readTicket
	if mirrored {
		v, tk, ok := s.subs.lookup(ch, q)
		if ok {
			return v, nil
		}
		t = tk
	}
	args := make([]any, 0, 8+len(q.Keys)+len(q.CounterPrefixes)+len(q.CounterKeys)+len(q.DocPrefixes))
	if q.After != nil {
		args = append(args, q.After.Epoch, strconv.FormatUint(q.After.Seq, 10))
	} else {
		args = append(args, "", "0")
	}
	if f := q.Follow; f != nil && f.From >= 0 && f.From < len(q.Keys) {
		args = append(args, f.From+1, f.Field, f.Prefix)
	} else {
		args = append(args, 0, "", "")
	}
	args = append(args, len(q.Keys))
	args = append(args, stringArgs(q.Keys)...)
	args = append(args, len(q.CounterPrefixes))
	args = append(args, stringArgs(q.CounterPrefixes)...)
	args = append(args, len(q.CounterKeys))
	args = append(args, stringArgs(q.CounterKeys)...)
	args = append(args, stringArgs(q.DocPrefixes)...)
	res, err := s.read(ctx, "view", room, args...)
	if err != nil {
		return nil, err
	}
	if len(res) < 9 {
		return nil, fmt.Errorf("redisstore: view: a reply of %d parts", len(res))
	}
	v := &rooms.ViewData{Counters: make(map[string]int64)}
	if len(q.Keys) > 0 {
		v.Docs = docsOf(q.Keys, res[0], res[1])
	}
	pairs(res[2], func(k, n string) { v.Counters[k], _ = strconv.ParseInt(n, 10, 64) })
	named, _ := res[4].([]any)
	for i, k := range q.CounterKeys {
		if i < len(named) {
			v.Counters[k] = integer(named[i])
		} else {
			v.Counters[k] = 0
		}
	}
	found := make(map[string]rooms.Doc)
	addDocs(found, res[3])
	v.Found = rooms.SortedDocs(found)
	if f, _ := res[8].([]any); len(f) == 3 { // key, value, version
		v.Followed = docsOf([]string{str(f[0])}, f[1:2], f[2:3])[0]
	}
	if q.After != nil {
		h, _ := res[7].([]any)
		if len(h) < 2 || str(h[0]) != "ok" {
			v.HistoryGone = true
		} else if v.Events, err = s.events.decodeEvents(h[1]); err != nil {
			return nil, fmt.Errorf("redisstore: view: %w", err)
		}
	}
	if mirrored {
		s.subs.keep(ch, t, q, v, str(res[5]), integer(res[6]))
	}
	return v, nil
}

// Counters implements rooms.Store: from the room's mirror when the node
// has a current one (see mirror.go), else in one read.
func (s *Store) Counters(ctx context.Context, room string, keys ...string) ([]int64, error) {
	// A followed room's counters are in its mirror: every presence
	// flush reads the participant count.
	if v, _, ok := s.subs.lookup(s.keys.channel(room), rooms.ViewQuery{CounterKeys: keys}); ok {
		out := make([]int64, len(keys))
		for i, k := range keys {
			out[i] = v.Counters[k]
		}
		return out, nil
	}
	res, err := s.read(ctx, "counters", room, stringArgs(keys)...)
	if err != nil {
		return nil, err
	}
	vals, _ := res[0].([]any)
	out := make([]int64, len(keys))
	for i := range out {
		if i < len(vals) {
			out[i] = integer(vals[i])
		}
	}
	return out, nil
}

// Has implements rooms.Store.
func (s *Store) Has(ctx context.Context, room, set, member string) (bool, error) {
	res, err := s.read(ctx, "has", room, onceToken(set, member))
	if err != nil {
		return false, err
	}
	return integer(res[0]) == 1, nil
}

// Reply implements rooms.Store.
func (s *Store) Reply(ctx context.Context, room, actor, cmdID string) (json.RawMessage, bool, error) {
	answer, _, _ := replyFields(actor, cmdID)
	res, err := s.read(ctx, "reply", room, answer)
	if err != nil {
		return nil, false, err
	}
	if res[0] == nil {
		return nil, false, nil
	}
	return bytesOf(res[0]), true, nil
}

// Load implements rooms.Store. The classes of documents that skip leaves
// out whole are not read at all (see load.lua).
func (s *Store) Load(ctx context.Context, room string, skip ...string) (*rooms.State, error) {
	st, _, err := s.LoadWith(ctx, room, nil, skip...)
	return st, err
}

// LoadWith implements rooms.Store.
func (s *Store) LoadWith(ctx context.Context, room string, keys []string, skip ...string) (*rooms.State, []rooms.Doc, error) {
	args := make([]any, 0, 1+len(keys)+len(skip))
	args = append(args, len(keys))
	args = append(args, stringArgs(keys)...)
	args = append(args, stringArgs(skip)...)
	res, err := loadScript.RunRO(ctx, s.cmd, s.keys.room(room), args...).Slice()
	if err != nil {
		return nil, nil, fail("load", err)
	}
	if str(res[0]) == "notfound" {
		return nil, nil, rooms.ErrRoomNotFound
	}
	st := &rooms.State{
		Pos:      rooms.Position{Epoch: str(res[1]), Seq: uint64(integer(res[2]))},
		Docs:     make(map[string]rooms.Doc),
		Counters: make(map[string]int64),
		Sets:     make(map[string]int),
	}
	addDocs(st.Docs, res[3])
	pairs(res[4], func(k, v string) { st.Counters[k], _ = strconv.ParseInt(v, 10, 64) })
	pairs(res[5], func(k, v string) { st.Sets[k], _ = strconv.Atoi(v) })
	return st, docsOf(keys, res[6], res[7]), nil
}

// History implements rooms.Store.
func (s *Store) History(ctx context.Context, room string, after rooms.Position) ([]rooms.Event, error) {
	v, err := s.ReadView(ctx, room, rooms.ViewQuery{After: &after})
	switch {
	case err != nil:
		return nil, err
	case v.HistoryGone:
		return nil, rooms.ErrHistoryGone
	}
	return v.Events, nil
}

// Touch implements rooms.Store. Unlike Apply it always extends the code
// key and index entry, which repairs any refresh that failed before.
func (s *Store) Touch(ctx context.Context, room string) error {
	res, err := touchScript.Run(ctx, s.cmd, s.keys.room(room)).Slice()
	if err != nil {
		return fail("touch", err)
	}
	if str(res[0]) == "notfound" {
		return rooms.ErrRoomNotFound
	}
	return s.extend(ctx, room, str(res[2]), str(res[1]), integer(res[3]))
}

// CountRooms implements rooms.Store: the rooms in the index whose meta key
// still exists, which is exactly the rooms that have not expired (rooms
// of an earlier layout, which the scripts take for absent, are not
// counted).
func (s *Store) CountRooms(ctx context.Context) (int, error) {
	idx := s.keys.index()
	if _, err := sweepScript.Run(ctx, s.cmd, []string{idx}).Int(); err != nil {
		return 0, fail("count rooms", err)
	}
	ids, err := s.cmd.ZRange(ctx, idx, 0, -1).Result()
	if err != nil {
		return 0, fail("count rooms", err)
	}
	n := 0
	const batch = 1000
	for len(ids) > 0 {
		chunk := ids[:min(batch, len(ids))]
		ids = ids[len(chunk):]
		pipe := s.rdb.Pipeline()
		cmds := make([]*redis.StringCmd, len(chunk))
		for i, id := range chunk {
			cmds[i] = pipe.HGet(ctx, s.keys.meta(id), "layout")
		}
		_, _ = pipe.Exec(ctx) // each command's own error is looked at below
		for _, c := range cmds {
			switch err := c.Err(); {
			case errors.Is(err, redis.Nil):
			case err != nil:
				return 0, fail("count rooms", err)
			case c.Val() == layout:
				n++
			}
		}
	}
	return n, nil
}

// Ping implements rooms.Store. It goes the way the next command would go
// (see pipelining), so it answers for that path: after Redis restarted, a
// node is ready once the connections its commands take work again. A
// command queued in the pipeline waits for the ones before it whatever
// its context says, so Ping waits for it only until its own deadline: a
// readiness check answers in time however busy the node is.
func (s *Store) Ping(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- s.cmd.Ping(ctx).Err() }()
	select {
	case err := <-done:
		if err != nil {
			return fail("ping", err)
		}
		return nil
	case <-ctx.Done():
		return fail("ping", ctx.Err())
	}
}

// readTimeout is how long the client waits for an answer: its read
// timeout, or go-redis's default of 3 s where it has none of its own.
func (s *Store) readTimeout() time.Duration {
	if d := s.rdb.Options().ReadTimeout; d > 0 {
		return d
	}
	return 3 * time.Second
}

// Close implements rooms.Store: it stops the subscriptions and closes the
// client. Callbacks are not called once Close returns.
func (s *Store) Close() error {
	if !s.subs.close() {
		return nil
	}
	err := s.rdb.Close()
	s.clock.stop()
	return err
}

func stringArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// errClosed is returned by Subscribe after Close.
var errClosed = fmt.Errorf("redisstore: store closed: %w", rooms.ErrUnavailable)

// subscribeTimeout bounds Subscribe, which has no context.
func (s *Store) subscribeTimeout() time.Duration {
	o := s.rdb.Options()
	return o.DialTimeout + o.ReadTimeout + o.WriteTimeout
}

// RoomsBelow implements rooms.RoomsBelow. The index holds every room that
// has not expired, and some that have but whose horizon ("ext") has not
// passed yet: fewer entries than n answers at once, in one round trip;
// only from n entries on does it count the rooms one by one.
func (s *Store) RoomsBelow(ctx context.Context, n int) (bool, error) {
	entries, err := sweepScript.Run(ctx, s.cmd, []string{s.keys.index()}).Int()
	if err != nil {
		return false, fail("count rooms", err)
	}
	if entries < n {
		return true, nil
	}
	held, err := s.CountRooms(ctx)
	return held < n, err
}
