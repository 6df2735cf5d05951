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
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Options configure a run.
type Options struct {
	URL          string
	Scenario     string
	Participants int           // per room
	Rooms        int           // rooms (scenario rooms)
	JoinRate     float64       // joins per second
	Events       int           // broadcasts (scenario broadcast)
	Interval     time.Duration // between broadcasts
	Burst        time.Duration // votes spread over this (scenario vote, rooms)
	PID          int           // server process to sample, 0 for none
	Timeout      time.Duration
}

// Report is what a run measured.
type Report struct {
	Scenario  string        `json:"scenario"`
	Clients   int           `json:"clients"`
	Join      Summary       `json:"join"`
	Ack       Summary       `json:"ack"`
	Fanout    Summary       `json:"fanout"`
	Expected  int64         `json:"expected"`
	Delivered int64         `json:"delivered"`
	Settle    time.Duration `json:"settle"`
	Exact     bool          `json:"exact"`
	Notes     []string      `json:"notes,omitempty"`
	Server    ProcReport    `json:"server"`
	IdleRSS   int64         `json:"idleRssKiB,omitempty"`
	BaseRSS   int64         `json:"baseRssKiB,omitempty"`
}

func (r Report) print(w io.Writer) {
	fmt.Fprintf(w, "scenario %s, %d clients\n", r.Scenario, r.Clients)
	fmt.Fprintf(w, "  join time     %s\n", r.Join)
	if r.Ack.N > 0 {
		fmt.Fprintf(w, "  ack latency   %s\n", r.Ack)
	}
	if r.Fanout.N > 0 {
		fmt.Fprintf(w, "  fan-out       %s\n", r.Fanout)
	}
	fmt.Fprintf(w, "  delivered     %d of %d expected (lost %d)\n", r.Delivered, r.Expected, r.Expected-r.Delivered)
	if r.Settle > 0 {
		fmt.Fprintf(w, "  settled       %s after the last command\n", ms(r.Settle))
	}
	fmt.Fprintf(w, "  exact         %v\n", r.Exact)
	if r.Server.RSSKiB > 0 {
		fmt.Fprintf(w, "  server        RSS %d KiB (peak %d KiB), CPU %.2fs\n", r.Server.RSSKiB, r.Server.PeakRSSKiB, r.Server.CPU.Seconds())
	}
	if r.IdleRSS > 0 && r.Clients > 0 {
		fmt.Fprintf(w, "  idle memory   %.1f KiB per connection (RSS %d KiB with all connected, %d KiB before)\n",
			float64(r.IdleRSS-r.BaseRSS)/float64(r.Clients), r.IdleRSS, r.BaseRSS)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
}

// Main runs `huddle load`.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("huddle load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	var asJSON bool
	fs.StringVar(&o.URL, "url", "http://127.0.0.1:8080", "the node to load")
	fs.StringVar(&o.Scenario, "scenario", "vote", "broadcast, vote, join or rooms")
	fs.IntVar(&o.Participants, "participants", 100, "participants per room")
	fs.IntVar(&o.Rooms, "rooms", 1, "rooms (scenario rooms)")
	fs.Float64Var(&o.JoinRate, "join-rate", 500, "joins per second")
	fs.IntVar(&o.Events, "events", 20, "broadcast events (scenario broadcast)")
	fs.DurationVar(&o.Interval, "interval", 200*time.Millisecond, "time between broadcast events")
	fs.DurationVar(&o.Burst, "burst", 2*time.Second, "votes are spread over this time")
	fs.IntVar(&o.PID, "pid", 0, "the server's process id, to report its memory and CPU (same machine only)")
	fs.DurationVar(&o.Timeout, "timeout", 2*time.Minute, "give up after this long")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	var cpuProfile string
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write the tool's own CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "huddle load:", err)
			return 2
		}
		defer f.Close()
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	defer cancel()
	r, err := Run(ctx, o)
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

// Run runs one scenario.
func Run(ctx context.Context, o Options) (Report, error) {
	t := &Target{Base: strings.TrimSuffix(o.URL, "/"), HTTP: &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024,
			DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		},
	}}
	switch o.Scenario {
	case "broadcast":
		return broadcast(ctx, t, o)
	case "vote":
		return vote(ctx, t, o, 1)
	case "rooms":
		return vote(ctx, t, o, o.Rooms)
	case "join":
		return join(ctx, t, o)
	}
	return Report{}, fmt.Errorf("unknown scenario %q", o.Scenario)
}

// phone is one simulated participant.
type phone struct {
	conn *Conn
	// filled by the handler
	mu        sync.Mutex
	responses int64
	reachedAt time.Time
	online    int
	presences int
}

// joinAll admits n participants to room at rate and connects them.
func joinAll(ctx context.Context, t *Target, room Room, n int, perSecond float64, join *Latencies, handler func(p *phone) func(*Message, time.Time)) ([]*phone, error) {
	lim := rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond/10)))
	phones := make([]*phone, n)
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, 256)
	for i := range n {
		if err := lim.Wait(ctx); err != nil {
			return nil, err
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			start := time.Now()
			tok, err := t.Join(ctx, room.Code, "p"+strconv.Itoa(i))
			if err == nil {
				p := &phone{}
				var c *Conn
				c, _, err = t.Dial(ctx, room.ID, tok, handler(p))
				if err == nil {
					p.conn = c
					phones[i] = p
					join.Add(time.Since(start))
				}
			}
			if err != nil {
				errMu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("participant %d: %w", i, err)
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
	return phones, nil
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

func waitUntil(ctx context.Context, cond func() bool) bool {
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(5 * time.Millisecond):
		}
	}
	return true
}

func broadcast(ctx context.Context, t *Target, o Options) (Report, error) {
	r := Report{Scenario: "broadcast", Clients: o.Participants, Exact: true}
	room, err := t.CreateRoom(ctx, "load broadcast")
	if err != nil {
		return r, err
	}
	fac, _, err := t.Dial(ctx, room.ID, room.Secret, nil)
	if err != nil {
		return r, err
	}
	defer fac.Close()
	base := RSS(o.PID)
	var joinL, fan Latencies
	sent := make([]atomic.Int64, o.Events)
	var delivered atomic.Int64
	phones, err := joinAll(ctx, t, room, o.Participants, o.JoinRate, &joinL, func(p *phone) func(*Message, time.Time) {
		return func(m *Message, at time.Time) {
			if m.Type != "event" || m.Event != "room.updated" {
				return
			}
			i, ok := titleIndex(m.Data, "b-")
			if !ok || i >= len(sent) {
				return
			}
			fan.Add(at.Sub(time.Unix(0, sent[i].Load())))
			delivered.Add(1)
		}
	})
	if err != nil {
		return r, err
	}
	defer closeAll(phones)
	r.Join = joinL.Summary()
	time.Sleep(time.Second) // let presence settle before measuring idle memory
	r.BaseRSS, r.IdleRSS = base, RSS(o.PID)
	proc := StartProc(o.PID)
	for i := range o.Events {
		sent[i].Store(time.Now().UnixNano())
		if m, err := fac.Command(ctx, "room.update", map[string]string{"title": "b-" + strconv.Itoa(i)}); err != nil || m.Type != "ack" {
			return r, fmt.Errorf("broadcast %d: %v %s", i, err, m.Code)
		}
		time.Sleep(o.Interval)
	}
	r.Expected = int64(o.Events * o.Participants)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	waitUntil(wctx, func() bool { return delivered.Load() >= r.Expected })
	cancel()
	r.Delivered = delivered.Load()
	r.Fanout = fan.Summary()
	r.Server = proc.Stop()
	return r, nil
}

func vote(ctx context.Context, t *Target, o Options, rooms int) (Report, error) {
	name := "vote"
	if rooms > 1 {
		name = "rooms"
	}
	r := Report{Scenario: name, Clients: o.Participants * rooms, Exact: true}
	type roomRun struct {
		room   Room
		fac    *Conn
		ex     string
		phones []*phone
	}
	var joinL, ackL Latencies
	var runs []*roomRun
	defer func() {
		for _, rr := range runs {
			closeAll(rr.phones)
			rr.fac.Close()
		}
	}()
	base := RSS(o.PID)
	for k := range rooms {
		room, err := t.CreateRoom(ctx, fmt.Sprint("load vote ", k))
		if err != nil {
			return r, err
		}
		fac, _, err := t.Dial(ctx, room.ID, room.Secret, nil)
		if err != nil {
			return r, err
		}
		rr := &roomRun{room: room, fac: fac}
		runs = append(runs, rr)
		spec := map[string]any{"kind": "poll", "title": "Load", "minResponses": 1, "questions": []any{map[string]any{
			"kind": "choice", "options": []any{map[string]any{"id": "a", "label": "A"}, map[string]any{"id": "b", "label": "B"}, map[string]any{"id": "c", "label": "C"}}}}}
		m, err := fac.Command(ctx, "agenda.add", map[string]any{"spec": spec})
		if err != nil || m.Type != "ack" {
			return r, fmt.Errorf("add poll: %v %s", err, m.Code)
		}
		var res struct{ Exercise string }
		_ = json.Unmarshal(m.Result, &res)
		rr.ex = res.Exercise
		if m, err := fac.Command(ctx, "exercise.open", map[string]any{"exercise": rr.ex}); err != nil || m.Type != "ack" {
			return r, fmt.Errorf("open: %v %s", err, m.Code)
		}
		key := "ex:" + rr.ex
		n := int64(o.Participants)
		phones, err := joinAll(ctx, t, room, o.Participants, o.JoinRate, &joinL, func(p *phone) func(*Message, time.Time) {
			return func(m *Message, at time.Time) {
				if m.Type != "state" || m.Key != key {
					return
				}
				if resp, ok := responsesOf(m.Data); ok {
					p.mu.Lock()
					p.responses = resp
					if resp == n && p.reachedAt.IsZero() {
						p.reachedAt = at
					}
					p.mu.Unlock()
				}
			}
		})
		if err != nil {
			return r, err
		}
		rr.phones = phones
	}
	r.Join = joinL.Summary()
	time.Sleep(time.Second)
	r.BaseRSS, r.IdleRSS = base, RSS(o.PID)
	proc := StartProc(o.PID)

	// The burst: every phone votes once, spread evenly over o.Burst.
	total := o.Participants * rooms
	step := o.Burst / time.Duration(max(1, total))
	start := time.Now()
	var wg sync.WaitGroup
	var lastAck atomic.Int64
	var acked atomic.Int64
	options := []string{"a", "b", "c"}
	i := 0
	for _, rr := range runs {
		for j, p := range rr.phones {
			wg.Add(1)
			at := start.Add(time.Duration(i) * step)
			i++
			go func() {
				defer wg.Done()
				time.Sleep(time.Until(at))
				sent := time.Now()
				m, err := p.conn.CommandID(ctx, "vote", "exercise.answer", map[string]any{"exercise": rr.ex,
					"ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{options[j%3]}}}}})
				if err == nil && m.Type == "ack" {
					now := time.Now()
					ackL.Add(now.Sub(sent))
					acked.Add(1)
					for {
						old := lastAck.Load()
						if now.UnixNano() <= old || lastAck.CompareAndSwap(old, now.UnixNano()) {
							break
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	r.Ack = ackL.Summary()
	r.Expected = int64(total)
	r.Delivered = acked.Load()
	// Every phone holds the final count.
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	waitUntil(wctx, func() bool {
		for _, rr := range runs {
			for _, p := range rr.phones {
				p.mu.Lock()
				done := !p.reachedAt.IsZero()
				p.mu.Unlock()
				if !done {
					return false
				}
			}
		}
		return true
	})
	cancel()
	var settle time.Duration
	for _, rr := range runs {
		for _, p := range rr.phones {
			p.mu.Lock()
			if p.reachedAt.IsZero() {
				r.Exact = false
				r.Notes = append(r.Notes, fmt.Sprintf("a phone holds %d responses, not %d", p.responses, o.Participants))
			} else if d := p.reachedAt.Sub(time.Unix(0, lastAck.Load())); d > settle {
				settle = d
			}
			p.mu.Unlock()
			if len(r.Notes) > 5 {
				break
			}
		}
	}
	r.Settle = settle
	r.Server = proc.Stop()
	// The tallies are exact: the facilitator shows the results and reads them.
	for _, rr := range runs {
		if err := checkTally(ctx, rr.fac, rr.ex, o.Participants); err != nil {
			r.Exact = false
			r.Notes = append(r.Notes, err.Error())
		}
	}
	return r, nil
}

// checkTally shows the results and reads the facilitator's view.
func checkTally(ctx context.Context, fac *Conn, ex string, n int) error {
	got := make(chan map[string]int64, 1)
	var once sync.Once
	fac.SetHandler(func(m *Message, _ time.Time) {
		if m.Type != "state" || m.Key != "ex:"+ex {
			return
		}
		var v struct {
			Status  string
			Results *struct {
				Questions []struct{ Counts map[string]int64 }
			}
		}
		if json.Unmarshal(m.Data, &v) == nil && v.Status == "results" && v.Results != nil {
			once.Do(func() { got <- v.Results.Questions[0].Counts })
		}
	})
	if m, err := fac.Command(ctx, "exercise.show", map[string]any{"exercise": ex}); err != nil || m.Type != "ack" {
		return fmt.Errorf("show: %v %s", err, m.Code)
	}
	select {
	case c := <-got:
		want := map[string]int64{"a": int64((n + 2) / 3), "b": int64((n + 1) / 3), "c": int64(n / 3)}
		for k, w := range want {
			if c[k] != w {
				return fmt.Errorf("option %s counted %d, want %d", k, c[k], w)
			}
		}
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("no results state")
	}
}

func join(ctx context.Context, t *Target, o Options) (Report, error) {
	r := Report{Scenario: "join", Clients: o.Participants, Exact: true}
	room, err := t.CreateRoom(ctx, "load join")
	if err != nil {
		return r, err
	}
	fac, _, err := t.Dial(ctx, room.ID, room.Secret, nil)
	if err != nil {
		return r, err
	}
	defer fac.Close()
	base := RSS(o.PID)
	proc := StartProc(o.PID)
	var joinL Latencies
	phones, err := joinAll(ctx, t, room, o.Participants, o.JoinRate, &joinL, func(p *phone) func(*Message, time.Time) {
		return func(m *Message, at time.Time) {
			if m.Type == "presence" {
				p.mu.Lock()
				p.online = m.Online
				p.presences++
				if m.Online == o.Participants {
					p.reachedAt = at
				}
				p.mu.Unlock()
			}
		}
	})
	if err != nil {
		return r, err
	}
	defer closeAll(phones)
	lastJoin := time.Now()
	r.Join = joinL.Summary()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	waitUntil(wctx, func() bool {
		for _, p := range phones {
			p.mu.Lock()
			ok := p.online == o.Participants
			p.mu.Unlock()
			if !ok {
				return false
			}
		}
		return true
	})
	cancel()
	var presences int
	for _, p := range phones {
		p.mu.Lock()
		if p.online == o.Participants {
			r.Delivered++
			if d := p.reachedAt.Sub(lastJoin); d > r.Settle {
				r.Settle = d
			}
		}
		presences += p.presences
		p.mu.Unlock()
	}
	r.Expected = int64(o.Participants)
	r.Exact = r.Delivered == r.Expected
	r.Notes = append(r.Notes, fmt.Sprintf("%.1f presence messages per member for %d joins (one broadcast per join would be %d)",
		float64(presences)/float64(len(phones)), o.Participants, o.Participants))
	time.Sleep(time.Second)
	r.BaseRSS, r.IdleRSS = base, RSS(o.PID)
	r.Server = proc.Stop()
	return r, nil
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
