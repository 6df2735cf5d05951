// Package server is Huddle's transport: HTTP routes, the WebSocket
// connection loop, configuration, metrics and the node's lifecycle. The
// room logic lives in package rooms.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	neturl "net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"huddle/exercises"
	"huddle/exercises/packs"
	"huddle/rooms"
	"huddle/rooms/memory"
	"huddle/rooms/redisstore"
)

// Server is one Huddle node.
type Server struct {
	cfg     Config
	log     *slog.Logger
	store   rooms.Store
	svc     *rooms.Service
	hub     *rooms.Hub
	packs   *packs.Library
	metrics *metrics

	httpSrv *http.Server
	pprof   *http.Server
	ln      net.Listener

	baseCtx    context.Context
	cancelBase context.CancelFunc

	connectLimiter *rate.Limiter
	httpLimiter    *rate.Limiter
	welcomeExtra   map[string]any
	// welcomeExtraHost is a facilitator's: its larger message limit.
	welcomeExtraHost map[string]any

	mu       sync.Mutex
	conns    map[*conn]struct{}
	reserved int // places held for upgrades in progress
	draining bool
	connWG   sync.WaitGroup
	keepers  sync.WaitGroup // background retries of keeping sessions
	// awaitingStore waits for watchStore's pings.
	awaitingStore sync.WaitGroup
	watch         *storeWatch
	// cutOff is set while the store has been unavailable for longer than
	// store-down-grace (storeLost): the node closes its WebSockets, takes
	// no new ones, and refuses the HTTP requests that need the store
	// (needsStore). cutOffs counts the times it was set, so that a close
	// scheduled before the store came back is not made after.
	cutOff  bool
	cutOffs int
	// keptLoaded, in tests, runs when keeping a session has loaded the
	// room and before it writes the session.
	keptLoaded func()
	// libDurable says the store's library outlives this process (on
	// disk, in Redis): otherwise the web app is told that packs and kept
	// sessions last only until the server stops (untilRestart).
	libDurable bool
}

// New builds a node on the embedded store from cfg.
func New(cfg Config, log *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	store, err := OpenStore(cfg, log)
	if err != nil {
		return nil, err
	}
	return NewWithStore(cfg, log, store)
}

// OpenStore opens the store cfg names: Redis when RedisURL is set (a node
// starts even when Redis is down, and is ready once it answers), else the
// embedded memory store, its library kept in DataDir when that is set.
func OpenStore(cfg Config, log *slog.Logger) (rooms.Store, error) {
	if cfg.RedisURL == "" {
		return memory.Open(memory.Options{HistoryLimit: cfg.HistoryLimit, ReplyWindow: cfg.ReplyWindow, DataDir: cfg.DataDir, Logger: log})
	}
	return redisstore.New(redisstore.Options{URL: cfg.RedisURL, Prefix: cfg.RedisPrefix, HistoryLimit: cfg.HistoryLimit, ReplyWindow: cfg.ReplyWindow, NoAutoPipeline: !cfg.RedisPipeline, Logger: log})
}

// NewWithStore builds a node over store, which it closes on Shutdown.
func NewWithStore(cfg Config, log *slog.Logger, store rooms.Store) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	watch := &storeWatch{log: log, redact: redactor(cfg.RedisURL), every: time.Minute, now: time.Now}
	s := &Server{
		cfg: cfg, log: log, store: watchedStore{Store: store, watch: watch}, watch: watch,
		conns:            make(map[*conn]struct{}),
		connectLimiter:   rate.NewLimiter(rate.Limit(cfg.ConnectRate), cfg.ConnectBurst),
		httpLimiter:      rate.NewLimiter(rate.Limit(cfg.HTTPRate), cfg.HTTPBurst),
		welcomeExtra:     welcomeExtra(cfg, cfg.MaxMessageBytes),
		welcomeExtraHost: welcomeExtra(cfg, cfg.HostMessageBytes()),
	}
	s.baseCtx, s.cancelBase = context.WithCancel(context.Background())
	s.libDurable = libraryDurable(store)
	if _, embedded := store.(*memory.Store); !embedded && cfg.StoreDownGrace > 0 {
		// The embedded store is the node's own memory: it always
		// answers, and another node would not have it anyway.
		watch.grace, watch.lost, watch.back = cfg.StoreDownGrace, s.storeLost, s.storeBack
	}
	s.svc = rooms.NewService(store, cfg.Limits)
	exercises.RegisterWith(s.svc, cfg.ExerciseLimits())
	s.packs = packs.NewLibrary(store, cfg.MaxPacks)
	s.svc.After(rooms.CmdRoomEnd, s.keepSession)
	s.metrics = newMetrics(func() float64 { return float64(s.hub.LiveRooms()) })
	s.hub = rooms.NewHub(s.svc, rooms.HubOptions{
		CoalesceInterval: cfg.CoalesceInterval,
		StateRate:        stateRate(cfg.StateRate),
		Logger:           log,
		TouchInterval:    touchInterval(cfg.Limits.RoomIdleTTL),
		OnFanout: func(d time.Duration, _ int) {
			s.metrics.fanout.Observe(d.Seconds())
		},
		SendChunk:      batchedWrites(cfg, log),
		MaxMemberConns: cfg.MaxMemberConns,
	})
	s.httpSrv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// libraryDurable reports whether store's library outlives the process; a
// store that does not say is taken to keep it.
func libraryDurable(store rooms.Store) bool {
	if d, ok := store.(rooms.DurableLibrary); ok {
		return d.LibraryDurable()
	}
	return true
}

// stateRate is the hub's StateRate for the configured one (0: no bound).
func stateRate(r int) int {
	if r == 0 {
		return -1
	}
	return r
}

func touchInterval(ttl time.Duration) time.Duration {
	d := ttl / 4
	if d > time.Minute {
		d = time.Minute
	}
	if d < 50*time.Millisecond {
		d = 50 * time.Millisecond
	}
	return d
}

// LANURLs lists the URLs of this node on the machine's non-loopback
// network addresses, when it listens on all of them and no public URL is
// set: what to open on a laptop so that the join link works on phones.
func (s *Server) LANURLs() []string {
	if s.cfg.PublicURL != "" {
		return nil
	}
	host, port, err := net.SplitHostPort(s.Addr())
	if err != nil {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
		return nil
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.To4() == nil || ipn.IP.IsLinkLocalUnicast() {
			continue
		}
		out = append(out, fmt.Sprintf("http://%s/", net.JoinHostPort(ipn.IP.String(), port)))
	}
	return out
}

// Service returns the node's room logic (for tests and tools).
func (s *Server) Service() *rooms.Service { return s.svc }

// Start listens on cfg.Addr and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	if s.cfg.HostKey == "" {
		s.log.Warn("no host key: anyone who can reach this server can create rooms, and its pack library and kept sessions answer only on this machine; set HUDDLE_HOST_KEY on a shared network")
	}
	if s.cfg.DataDir != "" && s.cfg.RedisURL != "" {
		s.log.Warn("data-dir is not used: with redis-url, packs and kept sessions are kept in Redis", "data_dir", s.cfg.DataDir)
	}
	if !s.libDurable {
		s.log.Warn("packs and kept sessions are in memory only: set HUDDLE_DATA_DIR to keep them across restarts")
	}
	if s.cfg.PacksDir != "" {
		s.loadPacksDir()
	}
	if s.cfg.PprofAddr != "" {
		pl, err := net.Listen("tcp", s.cfg.PprofAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("pprof: %w", err)
		}
		s.pprof = &http.Server{Handler: pprofHandler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = s.pprof.Serve(pl) }()
	}
	go func() {
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
	s.awaitingStore.Add(1)
	go s.watchStore()
	return nil
}

// awaitStorePeriod is how often watchStore pings a store that has not
// answered since the node started, when it does not watch it for good;
// storeCheckPeriod how often it pings one it watches for good (with
// store-down-grace, on Redis). storePingTimeout bounds a ping, as
// /readyz's.
const (
	awaitStorePeriod = 5 * time.Second
	storeCheckPeriod = time.Second
	storePingTimeout = 2 * time.Second
)

// watchStore pings the store from the start until it first answers, so
// that a store that is not there (Redis down, a wrong password, a bad
// database number, a host that does not resolve) is explained in the log
// (storeWatch) without waiting for a readiness probe, and its coming back
// is logged too. With a grace to watch for (store-down-grace, Redis) it
// then goes on pinging every second for as long as the node runs: a node
// cut off from Redis must notice it itself, since load balancers that do
// not probe /readyz (open-source nginx) would not, and neither would a
// phone whose commands are answered unavailable on a socket that stays
// open. A ping waits 2 s at most, so a frozen link, which answers nothing
// rather than refusing, is noticed as well as a refused one. Commands
// answered unavailable do not count: the ping goes the way the next
// command would (docs/redis.md), so it tells the same, without taking a
// command refused for reasons of its own (late, say) for a lost store.
func (s *Server) watchStore() {
	defer s.awaitingStore.Done()
	watching := s.watch.grace > 0
	for {
		ctx, cancel := context.WithTimeout(s.baseCtx, storePingTimeout)
		err := s.store.Ping(ctx)
		cancel()
		if err == nil && !watching {
			return // probes of /readyz take over from here
		}
		period := storeCheckPeriod
		if !watching {
			period = awaitStorePeriod
		}
		select {
		case <-s.baseCtx.Done():
			return
		case <-time.After(period):
		}
	}
}

// storeLost cuts the node off (storeWatch calls it once the store has
// been unavailable for store-down-grace): its WebSockets are closed with
// 1013 unavailable at moments spread over shutdown-spread, as a shutdown
// spreads its own, so that its phones reconnect through the load
// balancer (to a node that has the store) without all arriving at once;
// and until the store answers again it refuses new ones (handleWS,
// track, hello), and the HTTP requests that need the store (needsStore:
// joins, look-ups, creations, exports, the library) without waiting for
// the store, so that a phone sent back to it tries again, elsewhere.
// Its phones would otherwise stay on a node that can apply nothing and
// receives no event of their rooms, showing "connected" while the room
// moves on without them.
func (s *Server) storeLost(down time.Duration) {
	s.mu.Lock()
	s.cutOff = true
	s.cutOffs++
	gen := s.cutOffs
	conns := make([]*conn, 0, len(s.conns))
	if !s.draining { // a shutdown closes them itself
		for c := range s.conns {
			conns = append(conns, c)
		}
	}
	s.mu.Unlock()
	spread := s.cfg.ShutdownSpread
	for _, c := range conns {
		var d time.Duration
		if spread > 0 {
			d = rand.N(spread)
		}
		time.AfterFunc(d, func() {
			if s.stillCutOff(gen) {
				c.Close(rooms.CodeUnavailable)
			}
		})
	}
	s.log.Warn("store unavailable past store-down-grace; closing connections and refusing new ones",
		"for", down.Round(time.Second).String(), "connections", len(conns), "spread", spread.String())
}

// storeBack ends a cut-off: the store answered again. Closes not made
// yet are not made.
func (s *Server) storeBack(after time.Duration) {
	s.mu.Lock()
	s.cutOff = false
	s.mu.Unlock()
	s.log.Info("store available again; taking connections again", "after", after.Round(time.Second).String())
}

// stillCutOff reports whether the cut-off gen is still on.
func (s *Server) stillCutOff(gen int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cutOff && s.cutOffs == gen
}

// isCutOff reports whether the node is cut off from its store.
func (s *Server) isCutOff() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cutOff
}

// watchedStore is the store as the node's own handlers use it, /readyz
// among them: each Ping's outcome goes to the store watch. Only
// Server.store is wrapped: the room logic and the library are given the
// store itself, whose optional abilities (rooms.DocScanner, …) the
// wrapper would hide from a type assertion.
type watchedStore struct {
	rooms.Store
	watch *storeWatch
}

func (st watchedStore) Ping(ctx context.Context) error {
	sent := st.watch.now()
	err := st.Store.Ping(ctx)
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		return err // the asker went away (or the node stops): says nothing of the store
	}
	st.watch.observe(err, sent)
	return err
}

// storeWatch logs why the store is unavailable when a ping finds it so
// (a readiness check answered 503), at WARN: when the reason is new or
// changed, and at most once every `every` while it stays the same, so
// that a probe every second does not flood the log; and, at INFO, when
// the store answers again. Reasons have the Redis password taken out.
//
// With a grace, it also tells the node (lost) once the store has
// answered no ping for that long, and (back) when it answers again.
type storeWatch struct {
	log    *slog.Logger
	redact func(string) string
	every  time.Duration
	now    func() time.Time
	grace  time.Duration             // 0: lost is never called
	lost   func(down time.Duration)  // the store has been down for grace
	back   func(after time.Duration) // it answers again, after lost

	mu       sync.Mutex
	down     time.Time   // when the first ping it failed was sent; zero while it answers
	answered time.Time   // when a ping was last answered
	reason   string      // the last reason logged
	logged   time.Time   // when it was logged
	timer    *time.Timer // calls expire at down + grace
	isLost   bool        // lost was called, back not yet
	stopped  bool
}

// observe takes the outcome of a ping sent at sent.
func (w *storeWatch) observe(err error, sent time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	if err == nil {
		w.answered = now
		if !w.down.IsZero() {
			after := now.Sub(w.down)
			w.log.Info("store available again; the node is ready", "after", after.Round(time.Second).String())
			w.down, w.reason = time.Time{}, ""
			if w.timer != nil {
				w.timer.Stop()
				w.timer = nil
			}
			if w.isLost {
				w.isLost = false
				if !w.stopped {
					w.back(after)
				}
			}
		}
		return
	}
	if sent.Before(w.answered) {
		return // the store has answered since this ping was sent: old news
	}
	reason := w.redact(err.Error())
	if w.down.IsZero() {
		// The store has answered nothing since this ping was sent: a
		// frozen link keeps a ping 2 s, and those count too.
		w.down = sent
		if w.grace > 0 && !w.stopped {
			down := w.down
			w.timer = time.AfterFunc(w.grace-now.Sub(down), func() { w.expire(down) })
		}
	} else if reasonKind(reason) == reasonKind(w.reason) && now.Sub(w.logged) < w.every {
		return
	}
	w.reason, w.logged = reason, now
	args := []any{"reason", reason}
	if d := now.Sub(w.down).Round(time.Second); d > 0 {
		args = append(args, "for", d.String())
	}
	w.log.Warn("store unavailable; the node is not ready", args...)
}

// expire tells the node the store is lost, if it has answered no ping
// since down.
func (w *storeWatch) expire(down time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped || w.isLost || !w.down.Equal(down) {
		return
	}
	w.isLost = true
	w.lost(w.now().Sub(down))
}

// stop makes the watch call neither lost nor back again (the node stops).
func (w *storeWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
	}
}

// reasonKind is what a reason the store gave says, for telling a new
// reason from the same one again: one stall of Redis gave "context
// deadline exceeded", "i/o timeout" and "read tcp 127.0.0.1:41234->…:
// i/o timeout" in turn, each with another local port, and each was
// logged as news every few seconds. A wait that ran out is one kind,
// whatever said so; otherwise the text, without the local port.
func reasonKind(reason string) string {
	if strings.Contains(reason, "timeout") || strings.Contains(reason, "deadline exceeded") {
		return "timeout"
	}
	return localPort.ReplaceAllString(reason, ":*->")
}

// localPort is the local end's port in a Go network error ("tcp
// 127.0.0.1:41234->127.0.0.1:6379"), a new one for every connection.
var localPort = regexp.MustCompile(`:[0-9]+->`)

// redactor returns what takes the password of the Redis URL u out of a
// message (as redisstore does for a URL it cannot parse): the URL as
// written, then the password itself, plain or as escaped in the URL.
func redactor(u string) func(string) string {
	p, err := neturl.Parse(u)
	if err != nil || p.User == nil {
		return func(s string) string { return s }
	}
	pw, ok := p.User.Password()
	if !ok || pw == "" {
		return func(s string) string { return s }
	}
	_, escaped, _ := strings.Cut(p.User.String(), ":")
	redacted := p.Redacted()
	return func(s string) string {
		s = strings.ReplaceAll(s, u, redacted)
		s = strings.ReplaceAll(s, pw, "xxxxx")
		return strings.ReplaceAll(s, escaped, "xxxxx")
	}
}

// Addr returns the address the node listens on, once started.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL returns a URL to open in a browser on this machine.
func (s *Server) URL() string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	host, port, _ := net.SplitHostPort(s.Addr())
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s/", net.JoinHostPort(host, port))
}

// reserve holds a connection place for an upgrade in progress.
func (s *Server) reserve() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.conns)+s.reserved >= s.cfg.MaxConnections {
		return false
	}
	s.reserved++
	return true
}

func (s *Server) unreserve() {
	s.mu.Lock()
	s.reserved--
	s.mu.Unlock()
}

// track turns a reserved place into a tracked connection. It refuses
// (closeWith says with what) while the node drains or is cut off from
// its store; a cut-off that begins later finds the connection tracked.
func (s *Server) track(c *conn) (closeWith rooms.Code, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reserved--
	if s.draining {
		return codeGoingAway, false
	}
	if s.cutOff {
		return rooms.CodeUnavailable, false
	}
	s.conns[c] = struct{}{}
	s.connWG.Add(1)
	s.metrics.connections.Inc()
	return "", true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.metrics.connections.Dec()
	s.connWG.Done()
}

// Shutdown stops the node: it stops accepting, closes every WebSocket with
// the going-away code at moments spread over cfg.ShutdownSpread (so
// clients do not all reconnect at once), waits for them, then releases
// the store. ctx bounds the wait.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.draining {
		s.mu.Unlock()
		return nil
	}
	s.draining = true
	s.mu.Unlock()
	s.watch.stop()

	// Readiness says draining while the listener still answers, so a load
	// balancer takes the node out before its clients are moved.
	if d := s.cfg.ShutdownDrain; d > 0 {
		s.log.Info("draining", "for", d.String())
		select {
		case <-time.After(d):
		case <-ctx.Done():
		}
	}
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()

	httpDone := make(chan error, 1)
	go func() { httpDone <- s.httpSrv.Shutdown(ctx) }()

	spread := s.cfg.ShutdownSpread
	var timers []*time.Timer
	for _, c := range conns {
		var d time.Duration
		if spread > 0 {
			d = rand.N(spread)
		}
		timers = append(timers, time.AfterFunc(d, func() { c.Close(codeGoingAway) }))
	}
	s.log.Info("shutting down", "connections", len(conns), "spread", spread.String())

	waited := make(chan struct{})
	go func() { s.connWG.Wait(); close(waited) }()
	var err error
	select {
	case <-waited:
	case <-ctx.Done():
		err = ctx.Err()
		for _, t := range timers {
			t.Stop()
		}
		s.cancelBase() // ends every connection now
		<-waited
	}
	s.cancelBase()
	s.keepers.Wait()
	s.awaitingStore.Wait()
	if herr := <-httpDone; herr != nil && err == nil && !errors.Is(herr, context.Canceled) {
		err = herr
	}
	if s.pprof != nil {
		_ = s.pprof.Close()
	}
	s.hub.Close()
	if cerr := s.store.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

func contextTimeout(r *http.Request, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), d)
}
