package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Idle memory per connection, measured on a real node: N participants
// join one room on the embedded store, connect, say hello and go idle.
// The phones run in a child process (this test binary again), so that the
// server's process holds only the server's side of each connection and
// its RSS is the server's. Skipped unless HUDDLE_MEM_CONNS is set:
//
//	HUDDLE_MEM_CONNS=5000 go test -run '^TestMemIdleConnections$' -v ./server/
//
// HUDDLE_MEM_PROFILE=file writes a heap profile (after a GC) with everyone
// connected. HUDDLE_MEM_HOLD=10s then keeps everyone idle that long, with
// a 2s heartbeat (the phones answer each ping), and measures again without
// forcing a GC: what idle connections cost over time. Figures are noisy on
// a shared machine: repeat them.
func TestMemIdleConnections(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("HUDDLE_MEM_CONNS"))
	if n <= 0 {
		t.Skip("set HUDDLE_MEM_CONNS=N to measure idle memory per connection")
	}
	if os.Getenv("HUDDLE_MEM_PROFILE") != "" {
		// Every allocation in the profile, not a sample: exact bytes per
		// connection (it slows allocation down; the figures above stay
		// right).
		old := runtime.MemProfileRate
		runtime.MemProfileRate = 1
		defer func() { runtime.MemProfileRate = old }()
	}
	cfg := testConfig()
	cfg.LogLevel = "warn"
	cfg.ConnectRate, cfg.ConnectBurst = 1e6, 1e6
	cfg.HTTPRate, cfg.HTTPBurst = 1e6, 1e6
	cfg.CoalesceInterval = 100 * time.Millisecond
	cfg.ShutdownSpread = 0
	hold, _ := time.ParseDuration(os.Getenv("HUDDLE_MEM_HOLD"))
	if hold > 0 {
		cfg.Heartbeat = 2 * time.Second
	}
	srv, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	ts := &testServer{Server: srv, t: t, base: "http://" + srv.Addr(), logs: &syncBuffer{}}
	room := ts.createRoom("memory")

	before := readMem(true)
	cmd := exec.Command(os.Args[0], "-test.run=^TestMemClientHelper$", "-test.v=false")
	cmd.Env = append(os.Environ(),
		"HUDDLE_MEM_HELPER=1",
		"HUDDLE_MEM_URL="+ts.base,
		"HUDDLE_MEM_ROOM="+room.Room.ID,
		"HUDDLE_MEM_CODE="+room.Room.Code,
		"HUDDLE_MEM_N="+strconv.Itoa(n),
	)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close() // the helper closes its connections and exits
		_ = cmd.Wait()
	}()
	sc := bufio.NewScanner(stdout)
	ready := false
	for sc.Scan() {
		line := sc.Text()
		if line == "ready" {
			ready = true
			break
		}
		if strings.HasPrefix(line, "error") {
			t.Fatal(line)
		}
	}
	if !ready {
		t.Fatal("the client helper ended before all were connected")
	}
	joined := time.Since(start)
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	time.Sleep(time.Second) // presence settles, as in huddle load
	asIs := readMem(false)
	afterGC := readMem(true)
	if f := os.Getenv("HUDDLE_MEM_PROFILE"); f != "" {
		if out, err := os.Create(f); err == nil {
			_ = pprof.Lookup("heap").WriteTo(out, 0)
			out.Close()
		}
		if out, err := os.Create(f + ".goroutines"); err == nil {
			_ = pprof.Lookup("goroutine").WriteTo(out, 1)
			out.Close()
		}
	}
	// Each GC halves stacks that use less than a quarter of their size:
	// after a few, what an idle connection needs at least.
	for range 4 {
		runtime.GC()
	}
	settled := readMem(true)
	if got := int(counterValue(t, srv.metrics.connections)); got != n {
		t.Fatalf("%d connections open, want %d", got, n)
	}
	per := func(a, b int64) float64 { return float64(a-b) / float64(n) / 1024 }
	if hold > 0 {
		time.Sleep(hold)
		held := readMem(false)
		if got := int(counterValue(t, srv.metrics.connections)); got != n {
			t.Fatalf("%d connections open after the hold, want %d", got, n)
		}
		t.Logf("after %v idle with pings every 2s, as is: RSS %.1f, heap in use %.1f, stacks %.1f, goroutines %.2f", hold,
			per(held.rss, before.rss), per(held.heapInuse, before.heapInuse), per(held.stackInuse, before.stackInuse),
			float64(held.goroutines-before.goroutines)/float64(n))
		fmt.Printf("MEMHOLD n=%d hold=%v rss_kib=%.1f heap_inuse_kib=%.1f stack_kib=%.1f\n", n, hold,
			per(held.rss, before.rss), per(held.heapInuse, before.heapInuse), per(held.stackInuse, before.stackInuse))
	}
	t.Logf("%d connections in %v; GOGC=%s GOMEMLIMIT=%s", n, joined.Round(time.Millisecond), os.Getenv("GOGC"), os.Getenv("GOMEMLIMIT"))
	t.Logf("as is: heap in use %.1f, stacks %.1f", per(asIs.heapInuse, before.heapInuse), per(asIs.stackInuse, before.stackInuse))
	t.Logf("per connection, KiB:  RSS as is %.1f | after GC: RSS %.1f, heap in use %.1f, live heap %.1f, stacks %.1f, goroutines %.2f",
		per(asIs.rss, before.rss), per(afterGC.rss, before.rss),
		per(afterGC.heapInuse, before.heapInuse), per(afterGC.heapAlloc, before.heapAlloc),
		per(afterGC.stackInuse, before.stackInuse), float64(afterGC.goroutines-before.goroutines)/float64(n))
	t.Logf("after 5 more GCs: RSS %.1f, heap in use %.1f, stacks %.1f",
		per(settled.rss, before.rss), per(settled.heapInuse, before.heapInuse), per(settled.stackInuse, before.stackInuse))
	fmt.Printf("MEM n=%d rss_asis_kib=%.1f rss_gc_kib=%.1f heap_inuse_kib=%.1f heap_live_kib=%.1f stack_kib=%.1f goroutines=%.2f settled_rss_kib=%.1f settled_stack_kib=%.1f\n",
		n, per(asIs.rss, before.rss), per(afterGC.rss, before.rss),
		per(afterGC.heapInuse, before.heapInuse), per(afterGC.heapAlloc, before.heapAlloc),
		per(afterGC.stackInuse, before.stackInuse), float64(afterGC.goroutines-before.goroutines)/float64(n),
		per(settled.rss, before.rss), per(settled.stackInuse, before.stackInuse))
}

type memSample struct {
	rss, heapInuse, heapAlloc, stackInuse int64
	goroutines                            int
}

// readMem reads this process's RSS and heap; with gc it first collects
// and returns freed memory to the system.
func readMem(gc bool) memSample {
	if gc {
		runtime.GC()
		debug.FreeOSMemory()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memSample{
		rss:        selfRSS(),
		heapInuse:  int64(ms.HeapInuse),
		heapAlloc:  int64(ms.HeapAlloc),
		stackInuse: int64(ms.StackInuse),
		goroutines: runtime.NumGoroutine(),
	}
}

// selfRSS is VmRSS from /proc/self/status, in bytes.
func selfRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kib, _ := strconv.ParseInt(f[1], 10, 64)
			return kib << 10
		}
	}
	return 0
}

// TestMemClientHelper is the phones of TestMemIdleConnections, run in
// their own process. It joins, connects and says hello N times, prints
// "ready", keeps reading until its stdin closes, then exits.
func TestMemClientHelper(t *testing.T) {
	if os.Getenv("HUDDLE_MEM_HELPER") != "1" {
		t.Skip("run by TestMemIdleConnections")
	}
	base, roomID, code := os.Getenv("HUDDLE_MEM_URL"), os.Getenv("HUDDLE_MEM_ROOM"), os.Getenv("HUDDLE_MEM_CODE")
	n, _ := strconv.Atoi(os.Getenv("HUDDLE_MEM_N"))
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	ctx := context.Background()
	var mu sync.Mutex
	var conns []*websocket.Conn
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	fail := func(err error) {
		fmt.Println("error", err)
		os.Exit(1)
	}
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			body, _ := json.Marshal(JoinRequest{Code: code, Name: "p" + strconv.Itoa(i)})
			resp, err := hc.Post(base+"/api/join", "application/json", bytes.NewReader(body))
			if err != nil {
				fail(err)
			}
			var j JoinResponse
			err = json.NewDecoder(resp.Body).Decode(&j)
			resp.Body.Close()
			if err != nil {
				fail(err)
			}
			ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", &websocket.DialOptions{HTTPClient: hc})
			if err != nil {
				fail(err)
			}
			ws.SetReadLimit(1 << 24)
			hello, _ := json.Marshal(map[string]any{"type": "hello", "room": roomID, "token": j.Token})
			if err := ws.Write(ctx, websocket.MessageText, hello); err != nil {
				fail(err)
			}
			_, data, err := ws.Read(ctx)
			if err != nil || !bytes.Contains(data, []byte(`"type":"welcome"`)) {
				fail(fmt.Errorf("hello answered %.200s (%v)", data, err))
			}
			mu.Lock()
			conns = append(conns, ws)
			mu.Unlock()
			go func() {
				for {
					_, data, err := ws.Read(ctx)
					if err != nil {
						return
					}
					if bytes.Contains(data, []byte(`{"type":"ping"}`)) {
						_ = ws.Write(ctx, websocket.MessageText, []byte(`{"type":"pong"}`))
					}
				}
			}()
		}()
	}
	wg.Wait()
	hc.CloseIdleConnections() // the server keeps only the WebSockets
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, ws := range conns {
		_ = ws.CloseNow()
	}
	os.Exit(0)
}
