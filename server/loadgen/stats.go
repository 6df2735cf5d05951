package loadgen

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Latencies collects durations and reports percentiles.
type Latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

// Add records one duration.
func (l *Latencies) Add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// Summary is a percentile summary.
type Summary struct {
	N                  int
	P50, P95, P99, Max time.Duration
}

// Summary computes the percentiles.
func (l *Latencies) Summary() Summary {
	l.mu.Lock()
	d := append([]time.Duration(nil), l.d...)
	l.mu.Unlock()
	if len(d) == 0 {
		return Summary{}
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	at := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
	return Summary{N: len(d), P50: at(.50), P95: at(.95), P99: at(.99), Max: d[len(d)-1]}
}

func (s Summary) String() string {
	if s.N == 0 {
		return "none"
	}
	return fmt.Sprintf("n=%d p50=%s p95=%s p99=%s max=%s", s.N, ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max))
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + "ms" }

// Proc samples a local process's memory and CPU from /proc, the CPU of
// any other processes of the deployment (more nodes, Redis) and the
// tool's own CPU over the same time: together they say how busy the
// machine was, and whether the tool, not the server, was short of CPU.
type Proc struct {
	PID     int
	start   time.Time
	startCP time.Duration
	toolCP  time.Duration
	others  []int
	otherCP []time.Duration // at the start; -1: not readable then
	peakRSS int64           // KiB
	machine machine         // /proc/stat at the start
	net     netCounts       // the kernel's network counters at the start
	stop    chan struct{}
	done    chan struct{}
}

// toolProfile, when set (-cpuprofile), receives the tool's own CPU
// profile over the measured part of the run: StartProc to Stop.
var toolProfile io.Writer

// StartProc begins sampling pid (0: only the tool itself), and the CPU of
// others.
func StartProc(pid int, others ...int) *Proc {
	p := &Proc{PID: pid, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{}), others: others}
	p.toolCP, _ = cpuTime(os.Getpid())
	p.machine, _ = machineTimes()
	p.net = readNetCounts()
	for _, o := range others {
		cp, err := cpuTime(o)
		if err != nil {
			cp = -1
		}
		p.otherCP = append(p.otherCP, cp)
	}
	readLag.Store(new(Latencies))
	if toolProfile != nil {
		_ = pprof.StartCPUProfile(toolProfile)
	}
	if pid == 0 {
		close(p.done)
		return p
	}
	p.startCP, _ = cpuTime(pid)
	go func() {
		defer close(p.done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, err := rssKiB(pid); err == nil && rss > p.peakRSS {
				p.peakRSS = rss
			}
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// ProcReport is what Stop measured.
type ProcReport struct {
	RSSKiB, PeakRSSKiB int64
	CPU                time.Duration // the server's
	ToolCPU            time.Duration // the tool's own
	Wall               time.Duration // from StartProc to Stop
	// ReadLag is how long after their arrival the tool read the messages
	// that arrived in the meantime: the part of a latency measured at
	// the read that is the tool's own, not the server's.
	ReadLag Summary `json:"readLag"`
	// Others is the CPU of the other processes named (-also), in order.
	Others []OtherCPU `json:"others,omitempty"`
	// Cores and Busy are the machine's, over the measured time (from
	// /proc/stat): its processors, and the share of their time spent on
	// anything but idling, every process and the kernel's interrupt
	// work counted. A latency measured on cores near 100 % busy is
	// mostly waiting for a core. Zero where /proc/stat is not read.
	Cores int     `json:"cores,omitempty"`
	Busy  float64 `json:"busy,omitempty"`
	// Network is what the kernel lost and sent again over the measured
	// time, the whole machine's; nil where it could not be read.
	Network *NetReport `json:"network,omitempty"`
}

// NetReport is the kernel's count of packets lost and sent again over a
// run's measured time, on the whole machine. Over loopback every message
// to a phone, and every acknowledgement back, passes through the
// receiving CPU's input queue, net.core.netdev_max_backlog packets long
// (1000 by default): a fan-out to thousands of sockets can fill it faster
// than the kernel empties it, the packets past its end are dropped, and
// TCP sends each again only after its loss probe, 200 ms or more later.
// A few dropped packets are a few late deliveries at the tail of a
// latency, measured as the server's. Phones on devices of their own
// have no such shared queue (docs/benchmarks-history.md, "Packets the
// machine dropped").
type NetReport struct {
	Dropped int64 `json:"dropped"` // by a full input queue (/proc/net/softnet_stat)
	Resent  int64 `json:"resent"`  // TCP segments sent again (/proc/net/snmp RetransSegs)
	Backlog int64 `json:"backlog"` // net.core.netdev_max_backlog at the start; 0: unknown
}

func (n NetReport) String() string {
	q := "net.core.netdev_max_backlog unknown"
	if n.Backlog > 0 {
		q = fmt.Sprintf("net.core.netdev_max_backlog %d", n.Backlog)
	}
	return fmt.Sprintf("%d packets dropped by a full input queue (%s), %d TCP segments sent again", n.Dropped, q, n.Resent)
}

// netCounts is the kernel's network counters since boot; ok is false
// where they could not be read.
type netCounts struct {
	dropped, resent, backlog int64
	ok                       bool
}

func readNetCounts() netCounts {
	softnet, err1 := os.ReadFile("/proc/net/softnet_stat")
	snmp, err2 := os.ReadFile("/proc/net/snmp")
	if err1 != nil || err2 != nil {
		return netCounts{}
	}
	dropped, err1 := parseSoftnetDrops(string(softnet))
	resent, err2 := parseRetransSegs(string(snmp))
	if err1 != nil || err2 != nil {
		return netCounts{}
	}
	n := netCounts{dropped: dropped, resent: resent, ok: true}
	if b, err := os.ReadFile("/proc/sys/net/core/netdev_max_backlog"); err == nil {
		n.backlog, _ = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	}
	return n
}

// parseSoftnetDrops sums /proc/net/softnet_stat's second column, in hex:
// each CPU's packets dropped because its input queue was full.
func parseSoftnetDrops(stat string) (int64, error) {
	var sum int64
	lines := 0
	for line := range strings.Lines(stat) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 {
			return 0, fmt.Errorf("softnet_stat: short line")
		}
		n, err := strconv.ParseInt(f[1], 16, 64)
		if err != nil {
			return 0, fmt.Errorf("softnet_stat: %w", err)
		}
		sum += n
		lines++
	}
	if lines == 0 {
		return 0, fmt.Errorf("softnet_stat: empty")
	}
	return sum, nil
}

// parseRetransSegs reads RetransSegs from /proc/net/snmp's two "Tcp:"
// lines (names, then values).
func parseRetransSegs(snmp string) (int64, error) {
	var names []string
	for line := range strings.Lines(snmp) {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "Tcp:" {
			continue
		}
		if names == nil {
			names = f
			continue
		}
		for i, name := range names {
			if name == "RetransSegs" && i < len(f) {
				return strconv.ParseInt(f[i], 10, 64)
			}
		}
		break
	}
	return 0, fmt.Errorf("snmp: no Tcp RetransSegs")
}

// OtherCPU is one other process's CPU over a run's measured time.
type OtherCPU struct {
	PID  int           `json:"pid"`
	Name string        `json:"name"` // its command name, from /proc
	CPU  time.Duration `json:"cpu"`
	Gone bool          `json:"gone,omitempty"` // ended before the run did: CPU unknown
}

// DeploymentCPU is the CPU of the server and every other process named,
// over the measured time: what the deployment took of the machine
// (the tool's own is ToolCPU).
func (r ProcReport) DeploymentCPU() time.Duration {
	t := r.CPU
	for _, o := range r.Others {
		t += o.CPU
	}
	return t
}

// Stop ends sampling and reports.
func (p *Proc) Stop() ProcReport {
	close(p.stop)
	<-p.done
	tool, _ := cpuTime(os.Getpid())
	if toolProfile != nil {
		pprof.StopCPUProfile()
	}
	r := ProcReport{ToolCPU: tool - p.toolCP, Wall: time.Since(p.start)}
	if m, err := machineTimes(); err == nil && p.machine.cores > 0 {
		r.Cores, r.Busy = m.cores, m.busySince(p.machine)
	}
	if n := readNetCounts(); n.ok && p.net.ok {
		r.Network = &NetReport{Dropped: n.dropped - p.net.dropped, Resent: n.resent - p.net.resent, Backlog: p.net.backlog}
	}
	if l := readLag.Swap(nil); l != nil {
		r.ReadLag = l.Summary()
	}
	for i, o := range p.others {
		if p.otherCP[i] < 0 {
			continue // never there: nothing to say of it
		}
		cp, err := cpuTime(o)
		if err != nil {
			// Gone (Redis crashed, say): its CPU is unknown, and the
			// report says so rather than count it as none.
			r.Others = append(r.Others, OtherCPU{PID: o, Gone: true})
			continue
		}
		r.Others = append(r.Others, OtherCPU{PID: o, Name: commandName(o), CPU: cp - p.otherCP[i]})
	}
	if p.PID == 0 {
		return r
	}
	r.RSSKiB, _ = rssKiB(p.PID)
	cp, _ := cpuTime(p.PID)
	r.PeakRSSKiB, r.CPU = max(p.peakRSS, r.RSSKiB), cp-p.startCP
	return r
}

// Snapshot reads current RSS without sampling.
func RSS(pid int) int64 {
	r, _ := rssKiB(pid)
	return r
}

func rssKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			return strconv.ParseInt(f[1], 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS")
}

// commandName is pid's command name (/proc/pid/comm), or "?".
func commandName(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// cpuTime is user+system CPU of pid, from /proc/pid/stat (in clock ticks
// of 1/100 s, the Linux default USER_HZ).
// machine is /proc/stat's first line, summed: the jiffies every
// processor spent busy and idle since boot.
type machine struct {
	cores      int
	busy, idle int64
}

// machineTimes reads /proc/stat.
func machineTimes() (machine, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return machine{}, err
	}
	return parseMachine(string(b))
}

// parseMachine reads the aggregate "cpu" line (user nice system idle
// iowait irq softirq steal …; idle and iowait are the idle time, steal
// (time the host gave to others) counts as busy, the guest fields are
// already inside user and nice) and counts the "cpuN" lines.
func parseMachine(stat string) (machine, error) {
	var m machine
	found := false
	for line := range strings.Lines(stat) {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasPrefix(f[0], "cpu") {
			continue
		}
		if f[0] != "cpu" {
			m.cores++
			continue
		}
		if len(f) < 5 {
			return machine{}, fmt.Errorf("short cpu line in /proc/stat")
		}
		for i, v := range f[1:min(len(f), 9)] {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return machine{}, fmt.Errorf("/proc/stat: %w", err)
			}
			if i == 3 || i == 4 {
				m.idle += n
			} else {
				m.busy += n
			}
		}
		found = true
	}
	if !found || m.cores == 0 {
		return machine{}, fmt.Errorf("no cpu lines in /proc/stat")
	}
	return m, nil
}

// busySince is the share of the processors' time spent busy between
// was and m.
func (m machine) busySince(was machine) float64 {
	busy, all := m.busy-was.busy, m.busy-was.busy+m.idle-was.idle
	if all <= 0 {
		return 0
	}
	return float64(busy) / float64(all)
}

func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	// Fields after the command name, which is in parentheses.
	rest := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(rest) < 13 {
		return 0, fmt.Errorf("short stat")
	}
	ut, _ := strconv.ParseInt(rest[11], 10, 64)
	st, _ := strconv.ParseInt(rest[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}

// findServer returns the id of the process on this machine listening on
// base's port, or 0 when base is not on this machine or it is not found
// (or it is this process: a server inside the tool's own process, as in
// tests, has no memory of its own to report).
func findServer(base string) int {
	u, err := url.Parse(base)
	if err != nil {
		return 0
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	if ips, err := net.LookupIP(host); err != nil || len(ips) == 0 || !isLocal(ips[0]) {
		return 0
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return 0
	}
	want := fmt.Sprintf(":%04X ", p)
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			// sl local remote st ... inode (field 9); st 0A is LISTEN.
			if len(fs) > 9 && fs[3] == "0A" && strings.HasSuffix(fs[1]+" ", want) {
				inodes["socket:["+fs[9]+"]"] = true
			}
		}
	}
	if len(inodes) == 0 {
		return 0
	}
	procs, _ := os.ReadDir("/proc")
	for _, d := range procs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		fds, _ := os.ReadDir("/proc/" + d.Name() + "/fd")
		for _, fd := range fds {
			if l, err := os.Readlink("/proc/" + d.Name() + "/fd/" + fd.Name()); err == nil && inodes[l] {
				return pid
			}
		}
	}
	return 0
}

func isLocal(ip net.IP) bool {
	if ip.IsLoopback() || ip.IsUnspecified() {
		return true
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
			return true
		}
	}
	return false
}
