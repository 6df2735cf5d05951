package loadgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A target of docs/benchmarks.md: the named run of server/loadgen/targets.sh
// it is measured by, the figure that matters, and the bound it must keep.
type target struct {
	name   string
	what   string                       // the target, in words
	figure func(r Report) string        // what was measured
	met    func(r Report) (bool, bool)  // met, and whether there is a bound
	key    func(r Report) time.Duration // the latency compared across stores
}

var targets = []target{
	{name: "idle-10000", what: "idle memory ≤ 24 KiB per phone",
		figure: func(r Report) string {
			return fmt.Sprintf("%.1f KiB per phone (%.1f after the hold)", r.PerConn(r.IdleRSS), r.PerConn(r.HeldRSS))
		},
		met: func(r Report) (bool, bool) {
			return r.PerConn(r.IdleRSS) > 0 && r.PerConn(r.IdleRSS) <= 24 && r.PerConn(r.HeldRSS) <= 24, true
		}},
	{name: "broadcast-10000", what: "a broadcast to 10,000: p99 < 60 ms",
		figure: fanoutFigure, met: bound(func(r Report) bool { return r.Fanout.P99 < 60*time.Millisecond }),
		key: func(r Report) time.Duration { return r.Fanout.P99 }},
	// The same with the phones' reads held while the node fans out
	// (-hold-reads): phones read on processors of their own, here on the
	// node's cores; set against the floor with nobody reading.
	{name: "broadcast-10000-held", what: "a broadcast to 10,000, the phones' reads held 200 ms: p99 < 60 ms",
		figure: fanoutFigure, met: bound(func(r Report) bool { return r.Fanout.P99 < 60*time.Millisecond }),
		key: func(r Report) time.Duration { return r.Fanout.P99 }},
	{name: "vote-10000", what: "10,000 votes in 5 s: exact, ack p99 < 200 ms, final tally within 1 s",
		figure: voteFigure,
		met: bound(func(r Report) bool {
			return r.Exact && r.Ack.P99 < 200*time.Millisecond && r.Settle < time.Second
		}),
		key: func(r Report) time.Duration { return r.Ack.P99 }},
	{name: "cards-1000-1s", what: "a retro card to 1,000, 1/s: p99 < 20 ms",
		figure: fanoutFigure, met: bound(func(r Report) bool { return r.Fanout.P99 < 20*time.Millisecond }),
		key: func(r Report) time.Duration { return r.Fanout.P99 }},
	{name: "cards-1000-10s", what: "a retro card to 1,000, 10/s: p99 < 20 ms",
		figure: fanoutFigure, met: bound(func(r Report) bool { return r.Fanout.P99 < 20*time.Millisecond }),
		key: func(r Report) time.Duration { return r.Fanout.P99 }},
	// Settled is mostly where the last join falls in the presence
	// flush's interval (about 200 ms at this rate, on either store): 7 ms
	// in one run, 108 in the next. Set against each other, two such
	// figures say nothing of the store; the join itself (HTTP join to
	// welcome) is compared instead.
	{name: "join-1000", what: "1,000 joining: settled within 2 s of the last join",
		figure: func(r Report) string { return fmt.Sprintf("settled %s; join p99 %s", ms(r.Settle), ms(r.Join.P99)) },
		met:    bound(func(r Report) bool { return r.Exact && r.Settle < 2*time.Second }),
		key:    func(r Report) time.Duration { return r.Join.P99 }},
	{name: "rooms-1000x10", what: "1,000 rooms of 10 voting at once: exact",
		figure: voteFigure, met: bound(func(r Report) bool { return r.Exact }),
		key: func(r Report) time.Duration { return r.Ack.P99 }},
	{name: "reconnect-10000", what: "a reconnect storm of 10,000: nothing lost", figure: reconnectFigure,
		met: bound(func(r Report) bool { return r.Exact }),
		key: func(r Report) time.Duration { return r.Reconnect.P99 }},
	{name: "broadcast-2000", what: "(for the Redis comparison)", figure: fanoutFigure,
		key: func(r Report) time.Duration { return r.Fanout.P99 }},
	{name: "vote-2000", what: "(for the Redis comparison)", figure: voteFigure,
		key: func(r Report) time.Duration { return r.Ack.P99 }},
	{name: "reconnect-2000", what: "(for the Redis comparison)", figure: reconnectFigure,
		key: func(r Report) time.Duration { return r.Reconnect.P99 }},
}

func bound(ok func(Report) bool) func(Report) (bool, bool) {
	return func(r Report) (bool, bool) { return ok(r) && r.Delivered == r.Expected, true }
}

func fanoutFigure(r Report) string {
	return fmt.Sprintf("fan-out p50 %s, p99 %s", ms(r.Fanout.P50), ms(r.Fanout.P99))
}

func voteFigure(r Report) string {
	exact := "exact"
	if !r.Exact {
		exact = "NOT exact"
	}
	return fmt.Sprintf("%s; ack p50 %s, p99 %s; settled %s", exact, ms(r.Ack.P50), ms(r.Ack.P99), ms(r.Settle))
}

func reconnectFigure(r Report) string {
	return fmt.Sprintf("%d resumed, %d of %d events; dial to welcome p99 %s", r.Resumed, r.Delivered, r.Expected, ms(r.Reconnect.P99))
}

// FloorFile is where targets.sh keeps BenchmarkWriteFloor's output (go
// test -bench), measured on the same machine before the scenarios.
const FloorFile = "floor.txt"

// floor is BenchmarkWriteFloor's ms/broadcast, read (the phones read on
// the same cores, as the load tool reads them) and unread, the median of
// its runs: one frame written to every socket of a loopback fleet with no
// server at all. It tells machines of one kind apart, and it is the
// broadcast's floor on this one. The batched ones are the same writes
// made as the node makes them with batch-writes (64 per io_uring
// submission); zero where io_uring is not available.
type floor struct{ read, unread, readBatched, unreadBatched time.Duration }

// readFloor parses dir's FloorFile; ok is false when there is none or it
// holds no result.
func readFloor(dir string) (f floor, ok bool, err error) {
	file, err := os.Open(filepath.Join(dir, FloorFile))
	if os.IsNotExist(err) {
		return floor{}, false, nil
	}
	if err != nil {
		return floor{}, false, err
	}
	defer file.Close()
	runs := map[string][]time.Duration{} // by sub-benchmark: read, unread-batched, ...
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 || !strings.HasPrefix(fs[0], "BenchmarkWriteFloor/") {
			continue
		}
		name := strings.TrimPrefix(fs[0], "BenchmarkWriteFloor/")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // the -GOMAXPROCS suffix
			}
		}
		for i := 1; i+1 < len(fs); i++ {
			if fs[i+1] != "ms/broadcast" {
				continue
			}
			v, err := strconv.ParseFloat(fs[i], 64)
			if err != nil {
				break
			}
			runs[name] = append(runs[name], time.Duration(v*float64(time.Millisecond)))
		}
	}
	if err := sc.Err(); err != nil {
		return floor{}, false, err
	}
	if len(runs["read"]) == 0 {
		return floor{}, false, nil
	}
	median := func(d []time.Duration) time.Duration {
		if len(d) == 0 {
			return 0
		}
		slices.Sort(d)
		return d[len(d)/2]
	}
	return floor{read: median(runs["read"]), unread: median(runs["unread"]),
		readBatched: median(runs["read-batched"]), unreadBatched: median(runs["unread-batched"])}, true, nil
}

// against is the floor a broadcast's p99 is set against: the batched one
// where it was measured (the node batches its writes by default), with
// its name.
func (f floor) against(held bool) (time.Duration, string) {
	switch {
	case held && f.unreadBatched > 0:
		return f.unreadBatched, "the batched floor unread"
	case held:
		return f.unread, "the floor unread"
	case f.readBatched > 0:
		return f.readBatched, "the batched floor"
	default:
		return f.read, "the floor"
	}
}

// Summarize reads the JSON reports targets.sh keeps in dir
// (MODE-NAME.json) and writes every target's figure, whether it is met,
// and, where both stores ran, Redis's key latency over the embedded
// store's (within 2× is the target), with the CPU each deployment took
// in the measured time. With the machine's floor beside them (FloorFile),
// it opens with the floor and gives each broadcast's p99 over it.
func Summarize(dir string, w io.Writer) error {
	read := func(mode, name string) (Report, bool, error) {
		b, err := os.ReadFile(filepath.Join(dir, mode+"-"+name+".json"))
		if os.IsNotExist(err) {
			return Report{}, false, nil
		}
		if err != nil {
			return Report{}, false, err
		}
		var r Report
		if err := json.Unmarshal(b, &r); err != nil {
			return Report{}, false, fmt.Errorf("%s-%s.json: %w", mode, name, err)
		}
		return r, true, nil
	}
	fl, hasFloor, err := readFloor(dir)
	if err != nil {
		return err
	}
	if hasFloor {
		fmt.Fprintf(w, "This machine's floor (`BenchmarkWriteFloor`, one frame to every socket of a loopback fleet, no server): %s with the sockets read on the same cores, %s unread", ms(fl.read), ms(fl.unread))
		if fl.readBatched > 0 {
			fmt.Fprintf(w, "; written as the node writes them, 64 per io_uring submission: %s read, %s unread", ms(fl.readBatched), ms(fl.unreadBatched))
		}
		fmt.Fprint(w, ".\n\n")
	}
	fmt.Fprintln(w, "| target | store | measured | met |")
	fmt.Fprintln(w, "|---|---|---|---|")
	found := 0
	for _, t := range targets {
		emb, hasEmb, err := read("embedded", t.name)
		if err != nil {
			return err
		}
		red, hasRed, err := read("redis", t.name)
		if err != nil {
			return err
		}
		row := func(store string, r Report) {
			found++
			verdict := "—"
			if t.met != nil {
				if ok, bounded := t.met(r); bounded {
					verdict = map[bool]string{true: "yes", false: "**no**"}[ok]
				}
			}
			if r.Delivered != r.Expected {
				verdict = fmt.Sprintf("**no**: lost %d", r.Expected-r.Delivered)
			}
			figure := t.figure(r)
			if hasFloor && (t.name == "broadcast-10000" || t.name == "broadcast-10000-held") && r.Fanout.P99 > 0 {
				if d, what := fl.against(t.name == "broadcast-10000-held"); d > 0 {
					figure += fmt.Sprintf(" (%.1f× %s, %s)", float64(r.Fanout.P99)/float64(d), what, ms(d))
				}
			}
			// Packets the machine dropped put TCP's resends, 200 ms and
			// more later, into the tail of the figure.
			if n := r.Server.Network; n != nil && n.Dropped > 0 {
				figure += fmt.Sprintf("; %d packets dropped by a full input queue (netdev_max_backlog %d), %d resent", n.Dropped, n.Backlog, n.Resent)
			}
			fmt.Fprintf(w, "| %s: %s | %s | %s | %s |\n", t.name, t.what, store, figure, verdict)
		}
		if hasEmb {
			row("embedded", emb)
		}
		if hasRed {
			row("redis, 2 nodes", red)
		}
		if hasEmb && hasRed && t.key != nil && t.key(emb) > 0 {
			ratio := float64(t.key(red)) / float64(t.key(emb))
			verdict := map[bool]string{true: "yes", false: "**no**"}[ratio <= 2]
			// The CPU the deployment took meanwhile (every process the
			// report names, the tool's own apart) and how busy the
			// machine's cores were say how much of a latency is waiting
			// for a core: measured on saturated cores, mostly that.
			cpu := ""
			if e, r := emb.Server.DeploymentCPU(), red.Server.DeploymentCPU(); e > 0 && r > 0 && len(red.Server.Others) > 0 {
				cpu = fmt.Sprintf("; CPU %.2fs vs %.2fs", r.Seconds(), e.Seconds())
			}
			if emb.Server.Cores > 0 && red.Server.Cores > 0 {
				cpu += fmt.Sprintf("; cores %.0f%% vs %.0f%% busy", 100*red.Server.Busy, 100*emb.Server.Busy)
			}
			fmt.Fprintf(w, "| %s: Redis within 2× of embedded | both | %.1f× (%s vs %s%s) | %s |\n",
				t.name, ratio, ms(t.key(red)), ms(t.key(emb)), cpu, verdict)
		}
	}
	if found == 0 {
		names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		slices.Sort(names)
		return fmt.Errorf("no reports of the targets in %s (found: %s)", dir, strings.Join(names, ", "))
	}
	return nil
}
