package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"

	"huddle/rooms"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testConfig is a configuration for tests: loopback, fast timers.
func testConfig() Config {
	c := DefaultConfig()
	c.Addr = "127.0.0.1:0"
	c.ShutdownSpread = 200 * time.Millisecond
	c.ShutdownTimeout = 10 * time.Second
	c.CoalesceInterval = 20 * time.Millisecond
	c.LogLevel = "debug"
	// Many tests answer with one or two people; TestMinResponsesFloorServer
	// checks the default floor.
	c.Exercises.MinAnonymous = 1
	return c
}

// testServer is a running node and what it logged.
type testServer struct {
	*Server
	t    *testing.T
	base string
	logs *syncBuffer
}

// startServer starts a node with cfg (changed by mod, if given) and stops
// it when the test ends.
func startServer(t *testing.T, mod func(*Config)) *testServer {
	t.Helper()
	cfg := testConfig()
	if mod != nil {
		mod(&cfg)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: srv, t: t, base: "http://" + srv.Addr(), logs: logs}
	// A failed test shows the end of what its node logged (after the
	// shutdown below, which runs first): why it closed a connection, say,
	// for a failure seen only under the whole package's load.
	t.Cleanup(func() {
		if t.Failed() {
			out := logs.String()
			if len(out) > 16<<10 {
				out = "…" + out[len(out)-16<<10:]
			}
			t.Logf("node %s logged:\n%s", srv.Addr(), out)
		}
	})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return ts
}

// post sends a JSON request and decodes the JSON answer into out. It
// returns the HTTP status.
func (ts *testServer) post(path string, body any, out any, header ...string) int {
	ts.t.Helper()
	return postJSON(ts.t, ts.base, path, body, out, header...)
}

// postJSON posts to any node by base URL.
func postJSON(t *testing.T, base, path string, body any, out any, header ...string) int {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest("POST", base+path, rd)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("POST %s: %d %s: %v", path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

func (ts *testServer) get(path string) (int, string) {
	ts.t.Helper()
	resp, err := http.Get(ts.base + path)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

type apiError struct {
	Error rooms.Error `json:"error"`
}

// createRoom creates a room and returns the answer.
func (ts *testServer) createRoom(title string) CreateRoomResponse {
	ts.t.Helper()
	var out CreateRoomResponse
	if st := ts.post("/api/rooms", CreateRoomRequest{Title: title}, &out); st != http.StatusCreated {
		ts.t.Fatalf("create room: status %d", st)
	}
	return out
}

// join joins a room by code and returns the answer.
// facilitated creates a room and connects its facilitator.
func (ts *testServer) facilitated(t *testing.T) (CreateRoomResponse, *client) {
	t.Helper()
	room := ts.createRoom("")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	return room, fac
}

func (ts *testServer) join(code, name string) JoinResponse {
	ts.t.Helper()
	var out JoinResponse
	if st := ts.post("/api/join", JoinRequest{Code: code, Name: name}, &out); st != http.StatusOK {
		ts.t.Fatalf("join: status %d", st)
	}
	return out
}

// msg is one decoded server message, with its raw bytes.
type msg struct {
	Type string          `json:"type"`
	ID   string          `json:"id"`
	Code rooms.Code      `json:"code"`
	Ev   string          `json:"event"`
	Seq  uint64          `json:"seq"`
	Data json.RawMessage `json:"data"`
	Raw  []byte          `json:"-"`
	// Frame numbers the WebSocket message that carried it on its
	// connection, from 1 (a frame may pack several messages).
	Frame int `json:"-"`
}

// client is a test WebSocket client: it reads every message into a
// channel, splitting frames that pack several messages.
type client struct {
	t      *testing.T
	ws     *websocket.Conn
	msgs   chan msg
	done   chan struct{}
	err    error // why reading stopped, once done is closed
	ctx    context.Context
	cancel context.CancelFunc

	logMu sync.Mutex
	log   []msg // every message received, in order
}

// all returns every message received so far, in order.
func (c *client) all() []msg {
	c.logMu.Lock()
	defer c.logMu.Unlock()
	return slices.Clone(c.log)
}

// phones joins n participants to room, named prefix0, prefix1, …, each
// on a WebSocket that has said hello.
func (ts *testServer) phones(t *testing.T, room CreateRoomResponse, prefix string, n int) []*client {
	t.Helper()
	var cs []*client
	for i := range n {
		j := ts.join(room.Room.Code, fmt.Sprint(prefix, i))
		c := ts.dial(t)
		c.hello(j.Room.ID, j.Token, nil)
		cs = append(cs, c)
	}
	return cs
}

// connOf returns this node's connection of the member named name, once
// it has attached.
func (ts *testServer) connOf(t *testing.T, name string) *conn {
	t.Helper()
	var found *conn
	eventually(t, name+" attached", func() bool {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		for c := range ts.conns {
			if c.member != nil && c.member.Name == name {
				found = c
			}
		}
		return found != nil
	})
	return found
}

// expectTitles reads the next n room.updated events c gets and checks
// they come in order, one seq after another, the e-th's data holding
// `"title":"` followed by title(e).
func (c *client) expectTitles(n int, title func(e int) string) {
	c.t.Helper()
	var last uint64
	for e := range n {
		m := c.event("room.updated")
		if last != 0 && m.Seq != last+1 {
			c.t.Fatalf("event seq %d after %d", m.Seq, last)
		}
		last = m.Seq
		if want := `"title":"` + title(e); !strings.Contains(string(m.Data), want) {
			c.t.Fatalf("event %d is %.60s, want %s", e, m.Data, want)
		}
	}
}

// dial opens a WebSocket without saying hello.
func (ts *testServer) dial(t *testing.T) *client {
	t.Helper()
	return dialAddr(t, ts.Addr())
}

// dialAddr opens a WebSocket to any node by address.
func dialAddr(t *testing.T, addr string) *client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ws, _, err := websocket.Dial(ctx, "ws://"+addr+"/ws", nil)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 24)
	c := &client{t: t, ws: ws, msgs: make(chan msg, 100000), done: make(chan struct{}), ctx: ctx, cancel: cancel}
	go c.readLoop()
	t.Cleanup(c.close)
	return c
}

func (c *client) readLoop() {
	defer close(c.done)
	for frame := 1; ; frame++ {
		_, data, err := c.ws.Read(c.ctx)
		if err != nil {
			c.err = err
			return
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			var m msg
			if err := json.Unmarshal(line, &m); err != nil {
				c.err = fmt.Errorf("bad server message %q: %w", line, err)
				return
			}
			m.Raw, m.Frame = line, frame
			c.logMu.Lock()
			c.log = append(c.log, m)
			c.logMu.Unlock()
			c.msgs <- m
		}
	}
}

func (c *client) close() {
	_ = c.ws.Close(websocket.StatusNormalClosure, "")
	c.cancel()
	<-c.done
}

// drop ends the connection abruptly, as a phone losing its network would.
func (c *client) drop() {
	c.cancel()
	_ = c.ws.CloseNow()
	<-c.done
}

func (c *client) sendRaw(s string) {
	c.t.Helper()
	if err := c.ws.Write(context.Background(), websocket.MessageText, []byte(s)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *client) send(v any) {
	c.t.Helper()
	b, _ := json.Marshal(v)
	c.sendRaw(string(b))
}

// hello says hello, and returns the welcome.
func (c *client) hello(room, token string, since *rooms.Position) rooms.Welcome {
	c.t.Helper()
	c.send(map[string]any{"type": "hello", "room": room, "token": token, "since": since})
	m := c.next(func(m msg) bool { return m.Type == "welcome" || m.Type == "error" })
	if m.Type != "welcome" {
		c.t.Fatalf("hello answered %s", m.Raw)
	}
	var w rooms.Welcome
	if err := json.Unmarshal(m.Raw, &w); err != nil {
		c.t.Fatal(err)
	}
	return w
}

// cmd sends a command and returns its answer (ack or error).
func (c *client) cmd(id, typ string, data any) msg {
	c.t.Helper()
	c.send(map[string]any{"type": typ, "id": id, "data": data})
	return c.next(func(m msg) bool { return (m.Type == "ack" || m.Type == "error") && m.ID == id })
}

const waitFor = 10 * time.Second

// next returns the next message that matches, skipping others. It fails
// the test after waitFor.
func (c *client) next(match func(msg) bool) msg {
	c.t.Helper()
	timeout := time.After(waitFor)
	for {
		select {
		case m := <-c.msgs:
			if match(m) {
				return m
			}
		case <-c.done:
			// Drain what was read before the end.
			for {
				select {
				case m := <-c.msgs:
					if match(m) {
						return m
					}
				default:
					c.t.Fatalf("connection ended while waiting: %v", c.err)
				}
			}
		case <-timeout:
			c.t.Fatal("timed out waiting for a message")
		}
	}
}

// event waits for the next event of a type.
func (c *client) event(name string) msg {
	c.t.Helper()
	return c.next(func(m msg) bool { return m.Type == "event" && m.Ev == name })
}

// closed waits for the server to close the connection and returns the
// close code.
func (c *client) closed() websocket.StatusCode {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(waitFor):
		c.t.Fatal("connection not closed")
	}
	return websocket.CloseStatus(c.err)
}

// drain returns every message received so far without waiting.
func (c *client) drain() []msg {
	var out []msg
	for {
		select {
		case m := <-c.msgs:
			out = append(out, m)
		default:
			return out
		}
	}
}

// eventually polls cond until it holds or waitFor passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var _ = errors.New

// dialStuck opens a connection that says hello and then never reads,
// like a phone whose app froze.
func (ts *testServer) dialStuck(t *testing.T, room, token string) *stuckConn {
	t.Helper()
	ws, _, err := websocket.Dial(context.Background(), "ws://"+ts.Addr()+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"type": "hello", "room": room, "token": token})
	if err := ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
	s := &stuckConn{ws: ws}
	t.Cleanup(s.Close)
	return s
}

type stuckConn struct {
	ws   *websocket.Conn
	once sync.Once
}

func (s *stuckConn) Close() { s.once.Do(func() { _ = s.ws.CloseNow() }) }

// counterValue reads a Prometheus counter or gauge.
func counterValue(t *testing.T, c prometheus.Collector) float64 {
	t.Helper()
	return testutil.ToFloat64(c)
}
