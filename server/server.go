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
	// keptLoaded, in tests, runs when keeping a session has loaded the
	// room and before it writes the session.
	keptLoaded func()
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
// embedded memory store.
func OpenStore(cfg Config, log *slog.Logger) (rooms.Store, error) {
	if cfg.RedisURL == "" {
		return memory.New(memory.Options{HistoryLimit: cfg.HistoryLimit, ReplyWindow: cfg.ReplyWindow}), nil
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
	s := &Server{
		cfg: cfg, log: log, store: store,
		conns:            make(map[*conn]struct{}),
		connectLimiter:   rate.NewLimiter(rate.Limit(cfg.ConnectRate), cfg.ConnectBurst),
		httpLimiter:      rate.NewLimiter(rate.Limit(cfg.HTTPRate), cfg.HTTPBurst),
		welcomeExtra:     welcomeExtra(cfg, cfg.MaxMessageBytes),
		welcomeExtraHost: welcomeExtra(cfg, cfg.HostMessageBytes()),
	}
	s.baseCtx, s.cancelBase = context.WithCancel(context.Background())
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
		SendChunk: batchedWrites(cfg, log),
	})
	s.httpSrv = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
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
	return nil
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

// track turns a reserved place into a tracked connection.
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reserved--
	if s.draining {
		return false
	}
	s.conns[c] = struct{}{}
	s.connWG.Add(1)
	s.metrics.connections.Inc()
	return true
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
