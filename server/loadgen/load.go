package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Options configure a run. Zero values take the scenario's defaults.
type Options struct {
	URL          string
	Scenario     string
	Participants int           // per room
	Rooms        int           // rooms (scenario rooms)
	JoinRate     float64       // joins per second
	Events       int           // broadcasts (scenario broadcast)
	Interval     time.Duration // between events (broadcast, reconnect)
	Burst        time.Duration // votes are spread over this (vote, rooms)
	Hold         time.Duration // idle time after everyone joined (idle)
	Rate         float64       // cards per second (cards)
	Duration     time.Duration // cards are added for this long (cards)
	Drop         float64       // fraction of connections cut (reconnect)
	Window       time.Duration // reconnects are spread over this (reconnect)
	// HoldReads, when positive, has the phones leave what arrives unread
	// for this long after each broadcast is sent (broadcast only): real
	// phones read on processors of their own, here their reading shares
	// the node's cores. Arrival times stay the kernel's (Linux only; see
	// holdReads for why only broadcasts).
	HoldReads time.Duration
	PID       int // the server's process: 0 finds the local process listening on URL's port, -1 none
	Timeout   time.Duration
	// Also are other local processes whose CPU the report gives beside
	// the server's: the deployment's other nodes (found by their ports
	// when nil and PID is not -1) and Redis, say.
	Also []int
	// Pause is how long a run lets presence settle before it measures
	// memory or starts its commands, and the calm before and after a
	// reconnect storm (default 1s; tests shorten it).
	Pause time.Duration
	// Profile are the nodes' profiler addresses (HUDDLE_PPROF_ADDR): the
	// vote, rooms, broadcast and cards scenarios fetch a CPU profile of
	// each over their measured part into ProfileDir.
	Profile    []string
	ProfileDir string
}

// Scenarios are the scenarios Run knows.
var Scenarios = []string{"broadcast", "vote", "rooms", "join", "idle", "cards", "reconnect"}

// defaults fills in what o leaves zero.
func (o *Options) defaults() {
	if o.Participants == 0 {
		o.Participants = 100
		if o.Scenario == "cards" {
			o.Participants = 1000
		}
		if o.Scenario == "rooms" {
			o.Participants = 10
		}
	}
	if o.Rooms == 0 {
		o.Rooms = 1
		if o.Scenario == "rooms" {
			o.Rooms = 10
		}
	}
	if o.JoinRate == 0 {
		o.JoinRate = 500
	}
	if o.Events == 0 {
		o.Events = 20
	}
	if o.Interval == 0 {
		o.Interval = 200 * time.Millisecond
	}
	if o.Burst == 0 {
		o.Burst = 2 * time.Second
	}
	if o.Hold == 0 {
		o.Hold = 10 * time.Second
	}
	if o.Rate == 0 {
		o.Rate = 1
	}
	if o.Duration == 0 {
		o.Duration = 10 * time.Second
	}
	if o.Drop == 0 {
		o.Drop = 1
	}
	if o.Window == 0 {
		o.Window = 2 * time.Second
	}
	if o.Pause == 0 {
		o.Pause = time.Second
	}
}

// Report is what a run measured. Durations are in nanoseconds in JSON.
type Report struct {
	Scenario   string           `json:"scenario"`
	Clients    int              `json:"clients"`
	Nodes      int              `json:"nodes,omitempty"` // nodes the phones were spread over
	Join       Summary          `json:"join"`
	Ack        Summary          `json:"ack"`
	Fanout     Summary          `json:"fanout"`
	Reconnect  Summary          `json:"reconnect"` // reconnect: from dialling again to the welcome
	Outage     Summary          `json:"outage"`    // reconnect: from the drop to the welcome
	Expected   int64            `json:"expected"`
	Delivered  int64            `json:"delivered"`
	Settle     time.Duration    `json:"settle"`
	SettleWhat string           `json:"settleWhat,omitempty"` // what Settle measures
	Exact      bool             `json:"exact"`
	Resumed    int              `json:"resumed,omitempty"`   // reconnect: welcomes with recovered true
	Snapshots  int              `json:"snapshots,omitempty"` // reconnect: welcomes with a snapshot instead
	Paths      map[string]int64 `json:"paths,omitempty"`     // cards: first deliveries by what carried them
	Notes      []string         `json:"notes,omitempty"`
	Server     ProcReport       `json:"server"`
	PID        int              `json:"pid,omitempty"`
	BaseRSS    int64            `json:"baseRssKiB,omitempty"` // before the participants connected
	IdleRSS    int64            `json:"idleRssKiB,omitempty"` // all connected and settled
	HeldRSS    int64            `json:"heldRssKiB,omitempty"` // idle: after the hold
	HoldReads  time.Duration    `json:"holdReads,omitempty"`  // Options.HoldReads of the run
}

// PerConn is the server's RSS per participant connection in KiB: rss
// minus the RSS before they connected, over their number. With several
// nodes the RSS is the first node's, which holds its share of the phones
// (they are spread over the nodes in turn).
func (r Report) PerConn(rss int64) float64 {
	if rss == 0 || r.BaseRSS == 0 || r.Clients == 0 {
		return 0
	}
	phones := float64(r.Clients)
	if r.Nodes > 1 {
		phones /= float64(r.Nodes)
	}
	return float64(rss-r.BaseRSS) / phones
}

func (r Report) print(w io.Writer) {
	fmt.Fprintf(w, "scenario %s, %d clients\n", r.Scenario, r.Clients)
	if r.Nodes > 1 {
		fmt.Fprintf(w, "  nodes         %d (phones spread over them in turn; the server's RSS and CPU are the first node's)\n", r.Nodes)
	}
	if r.HoldReads > 0 {
		fmt.Fprintf(w, "  held reads    the phones read nothing for %s after each broadcast is sent (arrival times are the kernel's)\n", ms(r.HoldReads))
	}
	fmt.Fprintf(w, "  join time     %s\n", r.Join)
	if r.Ack.N > 0 {
		fmt.Fprintf(w, "  ack latency   %s\n", r.Ack)
	}
	if r.Fanout.N > 0 {
		fmt.Fprintf(w, "  fan-out       %s\n", r.Fanout)
	}
	if r.Reconnect.N > 0 {
		fmt.Fprintf(w, "  reconnect     %s (dial to welcome)\n", r.Reconnect)
		fmt.Fprintf(w, "  outage        %s (drop to welcome)\n", r.Outage)
		fmt.Fprintf(w, "  resumed       %d resumed, %d got a snapshot\n", r.Resumed, r.Snapshots)
	}
	if len(r.Paths) > 0 {
		fmt.Fprintf(w, "  first seen    %d by retro.card.shown event, %d by the board's state\n", r.Paths["event"], r.Paths["state"])
	}
	fmt.Fprintf(w, "  delivered     %d of %d expected (lost %d)\n", r.Delivered, r.Expected, r.Expected-r.Delivered)
	if r.SettleWhat != "" {
		fmt.Fprintf(w, "  settled       %s %s\n", ms(r.Settle), r.SettleWhat)
	}
	fmt.Fprintf(w, "  exact         %v\n", r.Exact)
	if r.Server.RSSKiB > 0 {
		fmt.Fprintf(w, "  server        pid %d, RSS %d KiB (peak %d KiB), CPU %.2fs in the measured %.1fs\n",
			r.PID, r.Server.RSSKiB, r.Server.PeakRSSKiB, r.Server.CPU.Seconds(), r.Server.Wall.Seconds())
	}
	if len(r.Server.Others) > 0 {
		var each []string
		for _, o := range r.Server.Others {
			if o.Gone {
				each = append(each, fmt.Sprintf("pid %d gone by the end, not counted", o.PID))
				continue
			}
			each = append(each, fmt.Sprintf("pid %d (%s) %.2fs", o.PID, o.Name, o.CPU.Seconds()))
		}
		fmt.Fprintf(w, "  others        CPU %s; %.2fs in all with the server's\n", strings.Join(each, ", "), r.Server.DeploymentCPU().Seconds())
	}
	if r.Server.Wall > 0 {
		fmt.Fprintf(w, "  tool          CPU %.2fs in the measured %.1fs\n", r.Server.ToolCPU.Seconds(), r.Server.Wall.Seconds())
		if r.Server.Cores > 0 {
			fmt.Fprintf(w, "  machine       %d cores %.0f%% busy in the measured %.1fs (every process and the kernel)\n", r.Server.Cores, 100*r.Server.Busy, r.Server.Wall.Seconds())
		}
		if r.Server.Network != nil {
			fmt.Fprintf(w, "  network       %s (the whole machine)\n", r.Server.Network)
		}
		if r.Server.ReadLag.N > 0 {
			fmt.Fprintf(w, "  read lag      %s (how long after arriving the tool read a message)\n", r.Server.ReadLag)
		}
	}
	if r.IdleRSS > r.BaseRSS && r.BaseRSS > 0 {
		fmt.Fprintf(w, "  idle memory   %.1f KiB per connection (RSS %d KiB with all connected, %d KiB before)\n",
			r.PerConn(r.IdleRSS), r.IdleRSS, r.BaseRSS)
	}
	if r.HeldRSS > r.BaseRSS && r.BaseRSS > 0 {
		fmt.Fprintf(w, "  after hold    %.1f KiB per connection (RSS %d KiB)\n", r.PerConn(r.HeldRSS), r.HeldRSS)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
}

const usageText = `Usage: huddle load [flags]

Drives a running Huddle node the way phones do, through its public HTTP API
and WebSocket protocol only, and reports join time, command acknowledgement
latency and fan-out latency (p50, p95, p99, max), events expected versus
delivered, whether every count was exact, and the server's RSS and CPU
seconds (from /proc, when the server runs on this machine). It exits 1 on
any loss or inexact count or error, 2 on bad flags.

Scenarios (-scenario NAME):

  broadcast  -participants (100) in one room; the facilitator sends -events
             room updates -interval apart. Fan-out latency from sending each
             until each phone has it; idle memory per connection.
  vote       -participants (100) vote once each in a poll, spread over
             -burst. Ack latency; settled: from the last ack until every
             phone holds the final response count; exact tallies.
  rooms      -rooms (10) rooms of -participants (10), all voting at once over
             -burst, as vote.
  join       -participants (100) join one room at -join-rate. Join time
             (POST /api/join to welcome); settled: from the last welcome
             until every phone's presence count is -participants.
  idle       -participants (100) join one room at -join-rate, then stay idle
             for -hold. Server RSS before, with everyone in, and after the
             hold, in KiB per connection; join time and settled as join.
  cards      a room of -participants (1000) with a retro in its reveal
             phase; members take turns adding -rate cards per second for
             -duration (a retro holds 500 cards). Fan-out latency from
             sending each card until each other participant has it, by a
             retro.card.shown event or in the board's state, whichever comes
             first (the report counts which carried it first).
  reconnect  -participants (100) in one room while the facilitator sends a
             room update every -interval; then -drop of the connections are
             cut at once (no close handshake) and come back at random moments
             within -window with hello since their last position. Reconnect
             time, resumed versus snapshot, and every event received exactly
             once across the drop.

The server: the tool and the server must be separate processes with
enough open files (one per connection each). A node admits 500 new
WebSockets and 500 joins per second by default (bursts of 2,000) and holds
1,000 rooms (ended ones too, until they expire); for larger or faster runs
start it with HUDDLE_CONNECT_RATE, HUDDLE_CONNECT_BURST, HUDDLE_HTTP_RATE,
HUDDLE_HTTP_BURST and HUDDLE_MAX_ROOMS raised. Without -pid the tool looks
for the process listening on -url's port on this machine, and without
-also for those listening on the other nodes' ports; name Redis with -also
to have its CPU in the report too. Memory per connection means something
only on a freshly started node.

Flags:
`

// Main runs `huddle load`.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("huddle load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	var o Options
	var asJSON bool
	var cpuProfile, reportFile, summarize string
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "the node to load; several nodes of one deployment (sharing Redis) separated by commas: phones are spread over them in turn; the server's RSS and CPU are the first node's, the others' CPU is reported beside it (-also)")
	fs.StringVar(&o.Scenario, "scenario", "vote", strings.Join(Scenarios, ", "))
	fs.IntVar(&o.Participants, "participants", 0, "participants per room (default 100; cards 1000, rooms 10)")
	fs.IntVar(&o.Rooms, "rooms", 0, "rooms (scenario rooms; default 10)")
	fs.Float64Var(&o.JoinRate, "join-rate", 500, "joins per second (all rooms together)")
	fs.IntVar(&o.Events, "events", 20, "room updates to send (broadcast)")
	fs.DurationVar(&o.Interval, "interval", 200*time.Millisecond, "time between room updates (broadcast, reconnect)")
	fs.DurationVar(&o.Burst, "burst", 2*time.Second, "votes are spread evenly over this time (vote, rooms)")
	fs.DurationVar(&o.Hold, "hold", 10*time.Second, "how long everyone stays idle after joining (idle)")
	fs.Float64Var(&o.Rate, "rate", 1, "cards added per second (cards)")
	fs.DurationVar(&o.Duration, "duration", 10*time.Second, "cards are added for this long (cards)")
	fs.Float64Var(&o.Drop, "drop", 1, "fraction of the connections cut in the storm, 0 to 1 (reconnect)")
	fs.DurationVar(&o.Window, "window", 2*time.Second, "the cut connections come back at random moments within this time (reconnect)")
	fs.IntVar(&o.PID, "pid", 0, "the server's process id, for its RSS and CPU (same machine only; default: the local process listening on -url's port; -1: none)")
	fs.Func("also", "other process ids, comma-separated, whose CPU the report gives beside the server's, e.g. the other nodes' and Redis's (same machine only; default: the local processes listening on the other -url ports; \"\": none)", func(v string) error {
		o.Also = []int{}
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			pid, err := strconv.Atoi(f)
			if err != nil || pid <= 0 {
				return fmt.Errorf("%q is not a process id", f)
			}
			o.Also = append(o.Also, pid)
		}
		return nil
	})
	fs.DurationVar(&o.HoldReads, "hold-reads", 0, "broadcast: the phones read nothing for this long after each broadcast is sent (less than -interval): real phones read on processors of their own, so the node has the machine's cores while it fans out; arrival times stay the kernel's (Linux only; 0: read at once)")
	fs.DurationVar(&o.Timeout, "timeout", 2*time.Minute, "give up after this long")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write the tool's own CPU profile over the measured part of the run (as -profile's) to this file")
	fs.Func("profile", "the nodes' profiler addresses (their HUDDLE_PPROF_ADDR), comma-separated: a CPU profile of each over the measured part of a vote, rooms, broadcast or cards run goes to -profile-dir as node-1.pprof, …", func(v string) error {
		for _, a := range strings.Split(v, ",") {
			if a = strings.TrimSpace(a); a != "" {
				o.Profile = append(o.Profile, a)
			}
		}
		return nil
	})
	fs.StringVar(&o.ProfileDir, "profile-dir", ".", "where -profile writes the nodes' profiles")
	fs.StringVar(&reportFile, "report", "", "also write the report as JSON to this file")
	fs.StringVar(&summarize, "summarize", "", "run nothing: read the JSON reports targets.sh wrote in this directory and print every target of docs/benchmarks.md with its figure and whether it is met")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "huddle load: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if summarize != "" {
		if err := Summarize(summarize, stdout); err != nil {
			fmt.Fprintln(stderr, "huddle load:", err)
			return 1
		}
		return 0
	}
	if err := o.check(); err != nil {
		fmt.Fprintln(stderr, "huddle load:", err)
		return 2
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "huddle load:", err)
			return 2
		}
		defer f.Close()
		toolProfile = f
		defer func() { toolProfile = nil }()
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	defer cancel()
	r, err := Run(ctx, o)
	if reportFile != "" {
		b, _ := json.MarshalIndent(r, "", "  ")
		if werr := os.WriteFile(reportFile, append(b, '\n'), 0o644); werr != nil {
			fmt.Fprintln(stderr, "huddle load:", werr)
			return 1
		}
	}
	if asJSON {
		_ = json.NewEncoder(stdout).Encode(r)
	} else {
		r.print(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "huddle load:", err)
		return 1
	}
	if r.Delivered != r.Expected || !r.Exact {
		return 1
	}
	return 0
}

// check rejects options no run could use.
func (o *Options) check() error {
	known := false
	for _, s := range Scenarios {
		known = known || s == o.Scenario
	}
	switch {
	case !known:
		return fmt.Errorf("unknown scenario %q (%s)", o.Scenario, strings.Join(Scenarios, ", "))
	case o.Participants < 0 || o.Rooms < 0 || o.Events < 0:
		return errors.New("-participants, -rooms and -events must not be negative")
	case o.JoinRate < 0 || o.Rate < 0:
		return errors.New("-join-rate and -rate must not be negative")
	case o.Drop < 0 || o.Drop > 1:
		return errors.New("-drop is a fraction from 0 to 1")
	case o.Scenario == "cards" && o.Participants == 1:
		return errors.New("cards needs at least 2 participants (one writes, the others read)")
	case o.HoldReads < 0:
		return errors.New("-hold-reads must not be negative")
	case o.HoldReads > 0 && !canHoldReads:
		return errors.New("-hold-reads needs Linux: elsewhere a message arrives when the tool reads it")
	case o.HoldReads > 0 && o.Interval > 0 && o.HoldReads >= o.Interval:
		// The phones read one broadcast before the next comes, or the
		// two would merge into one packet stamped with the later's
		// arrival (holdReads).
		return errors.New("-hold-reads must be shorter than -interval: each broadcast is read before the next")
	case o.HoldReads > 0 && o.Scenario != "broadcast":
		// Held, an ack and the tallies after it would merge into one
		// packet stamped with the last one's arrival (holdReads).
		return errors.New("-hold-reads is for the broadcast scenario: held, a phone's several messages would seem to arrive with the last of them")
	}
	if o.Scenario == "cards" {
		o2 := *o
		o2.defaults()
		if n := cardCount(o2); n > maxCards {
			return fmt.Errorf("-rate %g for -duration %s is %d cards; a retro holds at most %d", o2.Rate, o2.Duration, n, maxCards)
		}
	}
	return nil
}

// Run runs one scenario.
func Run(ctx context.Context, o Options) (Report, error) {
	o.defaults()
	if err := o.check(); err != nil {
		return Report{Scenario: o.Scenario}, err
	}
	var nodes []string
	for _, u := range strings.Split(o.URL, ",") {
		if u = strings.TrimSuffix(strings.TrimSpace(u), "/"); u != "" {
			nodes = append(nodes, u)
		}
	}
	if len(nodes) == 0 {
		return Report{Scenario: o.Scenario}, fmt.Errorf("-url names no node")
	}
	t := &Target{Base: nodes[0], Nodes: nodes, HTTP: &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024,
			DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		},
	}}
	defer t.HTTP.CloseIdleConnections()
	auto := o.Also == nil && o.PID >= 0
	if o.PID == 0 {
		o.PID = findServer(t.Base)
	}
	if o.PID < 0 {
		o.PID = 0
	}
	if auto {
		for _, n := range nodes[1:] {
			o.Also = append(o.Also, findServer(n))
		}
	}
	o.Also = others(o.PID, o.Also)
	var r Report
	var err error
	switch o.Scenario {
	case "broadcast":
		r, err = broadcast(ctx, t, o)
	case "vote":
		r, err = vote(ctx, t, o, 1)
	case "rooms":
		r, err = vote(ctx, t, o, o.Rooms)
	case "join":
		r, err = join(ctx, t, o, false)
	case "idle":
		r, err = join(ctx, t, o, true)
	case "cards":
		r, err = cards(ctx, t, o)
	case "reconnect":
		r, err = reconnect(ctx, t, o)
	}
	r.Nodes = len(nodes)
	if o.PID > 0 {
		r.PID = o.PID
	}
	return r, err
}

// others is also without the server pid, duplicates and unknowns (0):
// no process's CPU is counted twice.
func others(pid int, also []int) []int {
	var out []int
	for _, p := range also {
		if p > 0 && p != pid && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// phone is one simulated participant.
type phone struct {
	conn    *Conn
	idx     int // in its room's phones
	token   string
	handler func(*Message, time.Time)
	// filled by the handler
	mu        sync.Mutex
	responses int64
	reachedAt time.Time
	online    int
	presences int
}

// joiner admits participants at a shared rate.
type joiner struct {
	t     *Target
	lim   *rate.Limiter
	sem   chan struct{} // joins in flight
	lat   Latencies     // POST /api/join to welcome
	first atomic.Int64  // unix nanos of the first join
	last  atomic.Int64  // unix nanos of the last welcome
}

func newJoiner(t *Target, perSecond float64) *joiner {
	return &joiner{
		t:   t,
		lim: rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond/10))),
		sem: make(chan struct{}, 2048),
	}
}

// lastWelcome is when the last participant was welcomed.
func (j *joiner) lastWelcome() time.Time { return time.Unix(0, j.last.Load()) }

// took is the time from the first join until the last welcome.
func (j *joiner) took() time.Duration { return time.Duration(j.last.Load() - j.first.Load()) }

// joinAll admits n participants to room and connects them, each with the
// handler made for it; on any failure it closes those it connected.
func (j *joiner) joinAll(ctx context.Context, room Room, n int, handler func(p *phone) func(*Message, time.Time)) ([]*phone, error) {
	phones := make([]*phone, n)
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var firstErr error
	failed := func() bool {
		errMu.Lock()
		defer errMu.Unlock()
		return firstErr != nil
	}
	for i := range n {
		if err := j.lim.Wait(ctx); err != nil {
			wg.Wait()
			closeAll(phones)
			return nil, err
		}
		if failed() {
			break
		}
		j.sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-j.sem }()
			start := time.Now()
			j.first.CompareAndSwap(0, start.UnixNano())
			p := &phone{idx: i}
			tok, err := j.t.Join(ctx, room.Code, "p"+strconv.Itoa(i))
			if err == nil {
				p.token = tok
				p.handler = handler(p)
				var c *Conn
				c, _, err = j.t.Dial(ctx, room.ID, tok, p.handler)
				if err == nil {
					at := c.Welcomed()
					p.conn = c
					phones[i] = p
					j.lat.Add(at.Sub(start))
					setMax(&j.last, at)
				}
			}
			if err != nil {
				errMu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("participant %d: %w%s", i, err, limitHint(err))
				}
				errMu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		closeAll(phones)
		return nil, firstErr
	}
	// Phones keep the HTTP connection of their join for a while; the tool
	// made up to a thousand of them for all its phones. Close them, so
	// that memory per connection counts the WebSockets.
	j.t.HTTP.CloseIdleConnections()
	return phones, nil
}

// limitHint explains a refusal by the server's rate or size limits.
func limitHint(err error) string {
	s := err.Error()
	switch {
	case strings.Contains(s, "429") || strings.Contains(s, "rate_limited"):
		return " (the node's connect or join rate limit: raise HUDDLE_CONNECT_RATE/_BURST and HUDDLE_HTTP_RATE/_BURST, or lower -join-rate)"
	case strings.Contains(s, "too_many"):
		return " (the node's room or connection limit: HUDDLE_MAX_ROOMS, HUDDLE_MAX_CONNECTIONS)"
	}
	return ""
}

func closeAll(ps []*phone) {
	var wg sync.WaitGroup
	for _, p := range ps {
		if p != nil && p.conn != nil {
			wg.Add(1)
			go func() { defer wg.Done(); p.conn.Close() }()
		}
	}
	wg.Wait()
}

// waitUntil polls cond until it holds or ctx ends.
func waitUntil(ctx context.Context, cond func() bool) bool {
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(10 * time.Millisecond):
		}
	}
	return true
}

// setMax raises a (unix nanos) to t.
func setMax(a *atomic.Int64, t time.Time) {
	for {
		old := a.Load()
		if t.UnixNano() <= old || a.CompareAndSwap(old, t.UnixNano()) {
			return
		}
	}
}

// openRoom creates a room and connects its facilitator.
func openRoom(ctx context.Context, t *Target, title string) (Room, *Conn, error) {
	room, err := t.CreateRoom(ctx, title)
	if err != nil {
		return room, nil, fmt.Errorf("create room: %w%s", err, limitHint(err))
	}
	fac, _, err := t.Dial(ctx, room.ID, room.Secret, nil)
	if err != nil {
		return room, nil, fmt.Errorf("facilitator: %w%s", err, limitHint(err))
	}
	return room, fac, nil
}

// command sends a command (with the given id, or a new one) and fails
// unless it is acknowledged.
func command(ctx context.Context, c *Conn, typ string, data any, id ...string) (Message, error) {
	var m Message
	var err error
	if len(id) > 0 {
		m, err = c.CommandID(ctx, id[0], typ, data)
	} else {
		m, err = c.Command(ctx, typ, data)
	}
	if err == nil && m.Type != "ack" {
		err = fmt.Errorf("%s answered %s %s", typ, m.Type, m.Code)
	}
	if err != nil {
		return m, fmt.Errorf("%s: %w", typ, err)
	}
	return m, nil
}

// addExercise adds an exercise to the agenda and returns its id.
func addExercise(ctx context.Context, fac *Conn, spec map[string]any) (string, error) {
	m, err := command(ctx, fac, "agenda.add", map[string]any{"spec": spec})
	if err != nil {
		return "", err
	}
	id, ok := stringBytes(field(m.Result, "exercise"))
	if !ok || len(id) == 0 {
		return "", fmt.Errorf("agenda.add: no exercise in %s", m.Result)
	}
	return string(id), nil
}

// titleIndex reads i from a room's title prefix+i (room.updated data).
func titleIndex(data []byte, prefix string) (int, bool) {
	t, ok := stringBytes(field(data, "title"))
	if !ok || len(t) <= len(prefix) || string(t[:len(prefix)]) != prefix {
		return 0, false
	}
	n, ok := parseUint(t[len(prefix):])
	return int(n), ok && n < 1<<31
}

// responsesOf reads a vote's response count (VoteView data).
func responsesOf(data []byte) (int64, bool) {
	return parseInt(field(data, "responses"))
}
