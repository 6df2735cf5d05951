package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// Redis unreachable at start: the node starts anyway, says it is not
// ready and refuses work with a typed error, and serves once Redis is up.
func TestRedisDownAtStart(t *testing.T) {
	rs := redistest.NewServer(t) // not started yet
	ts := startServer(t, func(c *Config) { c.RedisURL = rs.URL() })
	if st, body := ts.get("/readyz"); st != http.StatusServiceUnavailable {
		t.Fatalf("readyz with Redis down: %d %s", st, body)
	}
	if st, _ := ts.get("/healthz"); st != http.StatusOK {
		t.Fatalf("healthz: %d", st)
	}
	var e apiError
	if st := ts.post("/api/rooms", CreateRoomRequest{}, &e); st != http.StatusServiceUnavailable || e.Error.Code != rooms.CodeUnavailable {
		t.Fatalf("create with Redis down: %d %+v", st, e)
	}
	rs.Start()
	eventually(t, "ready once Redis is up", func() bool { st, _ := ts.get("/readyz"); return st == http.StatusOK })
	room := ts.createRoom("Late start")
	c := ts.dial(t)
	c.hello(room.Room.ID, room.Facilitator.Secret, nil)
}

// Redis lost while running: commands get a typed, retryable
// "unavailable" with nothing half-applied; when Redis returns, the same
// command succeeds once, and events flow again to every client.
func TestRedisLostWhileRunning(t *testing.T) {
	nodes, rs := startNodes(t, 1, nil)
	ts := nodes[0]
	room := ts.createRoom("Outage")
	fac := ts.dial(t)
	fw := fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	_ = fw
	id := addPoll(t, fac, 1)
	j := ts.join(room.Room.Code, "Ann")
	p := ts.dial(t)
	p.hello(j.Room.ID, j.Token, nil)

	rs.Stop() // saves its data, like a Redis restart
	m := p.cmd("v1", exercises.CmdAnswer, answer(id, choose("soup")))
	var e struct {
		Code  rooms.Code `json:"code"`
		Retry bool       `json:"retry"`
	}
	_ = json.Unmarshal(m.Raw, &e)
	if e.Code != rooms.CodeUnavailable || !e.Retry {
		t.Fatalf("answer with Redis down: %s", m.Raw)
	}
	if st, _ := ts.get("/readyz"); st != http.StatusServiceUnavailable {
		t.Fatalf("readyz with Redis down: %d", st)
	}
	rs.Start()
	eventually(t, "ready again", func() bool { st, _ := ts.get("/readyz"); return st == http.StatusOK })
	if m := p.cmd("v1", exercises.CmdAnswer, answer(id, choose("soup"))); m.Type != "ack" {
		t.Fatalf("re-sent answer after Redis returned: %s", m.Raw)
	}
	fac.stateOf(id, func(v exercises.VoteView) bool { return v.Responses >= 1 })
	fac.cmd("close", exercises.CmdClose, map[string]any{"exercise": id})
	v := fac.stateOf(id, func(v exercises.VoteView) bool { return v.Results != nil })
	if v.Responses != 1 || v.Results.Questions[0].Counts["soup"] != 1 {
		t.Fatalf("after the outage: %+v", v)
	}
	// Events reach the participant again (the node resubscribed).
	fac.cmd("t", "room.update", map[string]string{"title": "Back"})
	p.next(func(m msg) bool { return m.Type == "event" && containsTitle(m.Data, "Back") })
}

// addPoll adds and opens a poll through a facilitator client.
func addPoll(t *testing.T, fac *client, minResponses int) string {
	t.Helper()
	spec := poll(false)
	spec["minResponses"] = minResponses
	ack := fac.cmd(fmt.Sprint("add-", time.Now().UnixNano()), exercises.CmdAgendaAdd, map[string]any{"spec": spec})
	var r struct {
		Result struct{ Exercise string } `json:"result"`
	}
	if json.Unmarshal(ack.Raw, &r) != nil || r.Result.Exercise == "" {
		t.Fatalf("add: %s", ack.Raw)
	}
	if m := fac.cmd(fmt.Sprint("open-", r.Result.Exercise), exercises.CmdOpen, map[string]any{"exercise": r.Result.Exercise}); m.Type != "ack" {
		t.Fatalf("open: %s", m.Raw)
	}
	return r.Result.Exercise
}

var buildOnce struct {
	sync.Once
	path string
	err  error
}

// huddleBinary builds the huddle command once per test run.
func huddleBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		// go test puts its own GOROOT/bin first on the test's PATH.
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildOnce.err = fmt.Errorf("the go command, to build huddle: %w", err)
			return
		}
		dir, err := os.MkdirTemp("", "huddle-bin-")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "huddle")
		out, err := exec.Command(goTool, "build", "-o", buildOnce.path, "huddle").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

// process is a huddle node running as its own process.
type process struct {
	cmd  *exec.Cmd
	base string
	addr string
}

var openLine = regexp.MustCompile(`Open (http://(\S+?))/?$`)

func startProcess(t *testing.T, env ...string) *process {
	t.Helper()
	cmd := exec.Command(huddleBinary(t), "serve")
	cmd.Env = append(os.Environ(), append([]string{"HUDDLE_ADDR=127.0.0.1:0", "HUDDLE_LOG_LEVEL=warn", "HUDDLE_SHUTDOWN_SPREAD=100ms"}, env...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := openLine.FindStringSubmatch(strings.TrimSpace(sc.Text())); m != nil && p.base == "" {
				p.base, p.addr = m[1], strings.Replace(m[2], "localhost", "127.0.0.1", 1)
				close(found)
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("node did not start")
	}
	return p
}

// A node killed with SIGKILL in the middle of a vote burst: its phones
// reconnect to another node, re-send what was not acknowledged, and the
// stored tally counts every vote exactly once. Every vote acknowledged
// before the kill was stored.
func TestNodeKilledMidBurst(t *testing.T) {
	rs := redistest.StartServer(t)
	a := startProcess(t, "HUDDLE_REDIS_URL="+rs.URL())
	b := startProcess(t, "HUDDLE_REDIS_URL="+rs.URL())

	var room CreateRoomResponse
	if st := postJSON(t, a.base, "/api/rooms", CreateRoomRequest{Title: "Kill"}, &room); st != http.StatusCreated {
		t.Fatalf("create: %d", st)
	}
	fac := dialAddr(t, b.addr)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	id := addPoll(t, fac, 3)

	const n = 40
	type phone struct {
		tok   string
		c     *client
		pos   rooms.Position
		acked bool
	}
	phones := make([]*phone, n)
	for i := range phones {
		var j JoinResponse
		postJSON(t, a.base, "/api/join", JoinRequest{Code: room.Room.Code, Name: fmt.Sprint("P", i)}, &j)
		c := dialAddr(t, a.addr)
		w := c.hello(j.Room.ID, j.Token, nil)
		phones[i] = &phone{tok: j.Token, c: c, pos: w.Position}
	}
	options := []string{"pizza", "soup", "salad"}
	vote := func(i int) map[string]any {
		return map[string]any{"type": exercises.CmdAnswer, "id": "vote", "data": answer(id, choose(options[i%3]))}
	}
	// The burst: every phone sends its vote; node A dies in the middle.
	var wg sync.WaitGroup
	for i, p := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * time.Millisecond)
			_ = p.c.ws.Write(context.Background(), 1, mustJSON(vote(i)))
		}()
	}
	time.Sleep(time.Duration(n/2) * time.Millisecond)
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	acked := 0
	for _, p := range phones {
		<-p.c.done
		for _, m := range p.c.all() {
			if m.Type == "ack" && m.ID == "vote" {
				p.acked = true
				acked++
			}
		}
	}

	// What Redis holds now, before anyone re-sends.
	st, err := redisstore.New(redisstore.Options{URL: rs.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored := func() int64 {
		cs, err := st.Counters(context.Background(), room.Room.ID, "n:"+id)
		if err != nil {
			t.Fatal(err)
		}
		return cs[0]
	}
	before := stored()
	t.Logf("node killed: %d votes acknowledged, %d stored, of %d", acked, before, n)
	if before < int64(acked) {
		t.Fatalf("%d votes acknowledged but only %d stored: an acknowledged command was lost", acked, before)
	}

	// Every phone reconnects to node B and re-sends its vote.
	for i, p := range phones {
		c := dialAddr(t, b.addr)
		c.hello(room.Room.ID, p.tok, &p.pos)
		c.send(vote(i))
		if m := c.next(func(m msg) bool { return m.ID == "vote" }); m.Type != "ack" {
			t.Fatalf("phone %d re-send: %s", i, m.Raw)
		}
	}
	if got := stored(); got != n {
		t.Fatalf("%d votes stored after re-sends, want exactly %d", got, n)
	}
	fac.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == n })
	if m := fac.cmd("close", exercises.CmdClose, map[string]any{"exercise": id}); m.Type != "ack" {
		t.Fatalf("close: %s", m.Raw)
	}
	v := fac.stateOf(id, func(v exercises.VoteView) bool { return v.Results != nil })
	for k, opt := range options {
		want := int64(n / 3)
		if k < n%3 {
			want++
		}
		if got := v.Results.Questions[0].Counts[opt]; got != want {
			t.Fatalf("%s: %d, want %d", opt, got, want)
		}
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
