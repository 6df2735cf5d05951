package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"huddle/rooms"
)

// Events reach every participant exactly once and in order while writers
// stop between bursts and start again; once the room is quiet no
// connection has a writer running.
func TestConnWritersStopWhenIdleAndKeepOrder(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room := ts.createRoom("")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	const n, bursts, per = 10, 8, 5
	ps := ts.phones(t, room, "p", n)
	k := 0
	for b := range bursts {
		for range per {
			fac.send(map[string]any{"type": "room.update", "id": fmt.Sprint("u", k), "data": map[string]string{"title": fmt.Sprint("T", k)}})
			k++
		}
		time.Sleep(time.Duration(b%3) * 20 * time.Millisecond) // writers go idle
	}
	for _, c := range ps {
		c.expectTitles(k, func(e int) string { return fmt.Sprintf(`T%d"`, e) })
	}
	eventually(t, "no writer runs on a quiet node", func() bool {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		for c := range ts.conns {
			c.q.mu.Lock()
			running := c.q.running
			c.q.mu.Unlock()
			if running {
				return false
			}
		}
		return len(ts.conns) == n+1
	})
}

// A client may send its first frame in the same packet as the upgrade
// request: net/http has it buffered when the connection is hijacked, and
// the hello it holds is answered.
func TestConnFirstFrameWithUpgradeRequest(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room := ts.createRoom("")
	hello, _ := json.Marshal(map[string]any{"type": "hello", "room": room.Room.ID, "token": room.Facilitator.Secret})
	ping := []byte(`{"type":"ping"}`)
	// The hello, and a ping in the same packet: both are read.
	r := rawDial(t, ts.Addr(), append(clientFrame(hello), clientFrame(ping)...))
	r.expect("welcome", "pong")
}

// Two messages in one packet: the second is in the read buffer, not on
// the socket, and is answered without waiting for more bytes; a frame
// that arrives in pieces is read whole.
func TestConnBufferedAndSplitFrames(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room := ts.createRoom("")
	r := rawDial(t, ts.Addr(), nil)
	hello, _ := json.Marshal(map[string]any{"type": "hello", "room": room.Room.ID, "token": room.Facilitator.Secret})
	r.write(clientFrame(hello))
	r.expect("welcome")

	two := append(clientFrame([]byte(`{"type":"ping"}`)), clientFrame([]byte(`{"type":"room.unlock","id":"a"}`))...)
	r.write(two)
	r.expect("pong", "ack")

	f := clientFrame([]byte(`{"type":"room.lock","id":"b"}`))
	for _, part := range [][]byte{f[:1], f[1:5], f[5:9], f[9:]} {
		r.write(part)
		time.Sleep(20 * time.Millisecond)
	}
	r.expect("ack")

	// Many messages in one packet, more than is read ahead at once.
	var many []byte
	for range 80 {
		many = append(many, clientFrame([]byte(`{"type":"ping"}`))...)
	}
	if len(many) <= connReadAhead {
		t.Fatalf("test packet of %d bytes fits the read buffer", len(many))
	}
	r.write(many)
	want := make([]string, 80)
	for i := range want {
		want[i] = "pong"
	}
	r.expect(want...)
}

// An idle connection closed by the server (here: the node shutting down)
// while its reader waits for the socket gets its close frame.
func TestConnIdleReaderClosedByServer(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.ShutdownSpread = 0 })
	room := ts.createRoom("")
	c := ts.dial(t)
	c.hello(room.Room.ID, room.Facilitator.Secret, nil)
	time.Sleep(50 * time.Millisecond) // the reader waits
	done := make(chan error, 1)
	go func() { done <- ts.Shutdown(t.Context()) }()
	if code := c.closed(); code != CloseGoingAway {
		t.Fatalf("closed with %d, want %d", code, CloseGoingAway)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A client that stops reading while the room goes quiet: no later push
// finds its queue too old, but the write stuck on its full socket gives up
// after the send-queue age, and the connection counts as a slow client.
func TestConnStuckWriteCountsAsSlowClient(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) {
		c.SendQueueBytes = 64 << 20 // the byte bound is not what evicts here
		c.MaxFrameBytes = 256 << 10
		c.MaxMessageBytes = 128 << 10
		c.SendQueueAge = time.Second
		c.Limits.MaxTitleLen = 100000
		c.CommandRate, c.CommandBurst = 100000, 100000
	})
	room := ts.createRoom("")
	// The facilitator acts through the service: the stuck client is the
	// only connection, so no other reader has to keep up with 7 MB.
	fac, _, err := ts.svc.Authenticate(t.Context(), room.Room.ID, rooms.Secret(room.Facilitator.Secret))
	if err != nil {
		t.Fatal(err)
	}
	js := ts.join(room.Room.Code, "Stuck")
	stuck := ts.dialStuck(t, js.Room.ID, js.Token)
	eventually(t, "the stuck client is in the room", func() bool { return counterValue(t, ts.metrics.connections) == 1 })
	time.Sleep(100 * time.Millisecond) // its welcome is sent

	// About 7 MB: more than the socket buffers hold on loopback.
	big := strings.Repeat("x", 60000)
	for i := range 120 {
		data, _ := json.Marshal(map[string]string{"title": fmt.Sprint(i, big)})
		if o := ts.svc.Execute(t.Context(), room.Room.ID, fac, rooms.Command{ID: fmt.Sprint("u", i), Type: rooms.CmdRoomUpdate, Data: data}); o.Code != "" {
			t.Fatalf("update %d: %s", i, o.Reply)
		}
	}
	// Nothing more is pushed to the stuck client now.
	eventually(t, "the stuck client is evicted", func() bool { return counterValue(t, ts.metrics.evictions) >= 1 })
	eventually(t, "the stuck client is disconnected", func() bool { return counterValue(t, ts.metrics.connections) == 0 })
	stuck.Close()
}

// WebSocket pings from the client are answered by the library's own pong
// frames, written while the writer gathers and sends big batches: every
// frame arrives whole, pongs included, and events stay in order.
func TestConnControlFramesBetweenGatheredFrames(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) {
		c.Limits.MaxTitleLen = 5000
		c.MaxFrameBytes = 16 << 10 // batches span several frames
		c.MaxMessageBytes = 16 << 10
	})
	room := ts.createRoom("")
	fac, _, err := ts.svc.Authenticate(t.Context(), room.Room.ID, rooms.Secret(room.Facilitator.Secret))
	if err != nil {
		t.Fatal(err)
	}
	j := ts.join(room.Room.Code, "Ann")
	r := rawDial(t, ts.Addr(), nil)
	hello, _ := json.Marshal(map[string]any{"type": "hello", "room": j.Room.ID, "token": j.Token})
	r.write(clientFrame(hello))
	r.expect("welcome")

	const events, pings = 200, 100
	go func() {
		big := strings.Repeat("y", 4000)
		for i := range events {
			data, _ := json.Marshal(map[string]string{"title": fmt.Sprint(i, ":", big)})
			ts.svc.Execute(t.Context(), room.Room.ID, fac, rooms.Command{ID: fmt.Sprint("u", i), Type: rooms.CmdRoomUpdate, Data: data})
		}
	}()
	go func() {
		for i := range pings {
			r.mu.Lock()
			_, _ = r.nc.Write(clientControl(0x9, pingPayload(i)))
			r.mu.Unlock()
			time.Sleep(time.Millisecond)
		}
	}()
	_ = r.nc.SetReadDeadline(time.Now().Add(2 * waitFor))
	for i, p := range r.readTitleEvents(events, pings) {
		if want := string(pingPayload(i)); string(p) != want {
			t.Fatalf("pong %q, want %q", p, want)
		}
	}
}

// pingPayload is the i-th ping's payload: 125 bytes, the most a control
// frame holds, so a pong is as large as a control frame gets.
func pingPayload(i int) []byte {
	return []byte(fmt.Sprintf("p%d-%s", i, strings.Repeat(".", 125))[:125])
}

// A client that stops reading for a while, so the socket fills and the
// writer keeps what it could not send: once it reads again, every event
// arrives whole and in order, the pong to its ping among them. It stays
// silent for longer than coder/websocket waits to write a pong (5 s, after
// which it would close the connection): the pong must not wait behind the
// full socket.
func TestConnFullSocketKeepsOrder(t *testing.T) {
	t.Parallel()
	ts := startServer(t, bigTitles)
	room := ts.createRoom("")
	r := slowPhone(t, ts, room, "Ann")

	// About 10 MB while the client does not read: far more than the
	// socket buffers on loopback hold.
	const events = 600
	updateTitles(t, ts, room, events, 16000, func(i int) {
		if i == events/2 {
			r.write(clientControl(0x9, pingPayload(0)))
		}
	})
	time.Sleep(6 * time.Second)
	_ = r.nc.SetReadDeadline(time.Now().Add(2 * waitFor))
	pongs := r.readTitleEvents(events, 1)
	if len(pongs) != 1 || string(pongs[0]) != string(pingPayload(0)) {
		t.Fatalf("pongs %q, want one %q", pongs, pingPayload(0))
	}
	if got := counterValue(t, ts.metrics.evictions); got != 0 {
		t.Fatalf("%v evictions", got)
	}
}

// bigTitles lets a room's title be 20,000 characters and a phone's send
// queue hold 64 MiB for 30 s: a burst of room updates then fills a phone's
// sockets without counting it as a slow client.
func bigTitles(c *Config) {
	c.Limits.MaxTitleLen = 20000
	c.SendQueueBytes = 64 << 20
	c.SendQueueAge = 30 * time.Second
}

// slowPhone joins room as name over a WebSocket written by hand (to read
// it only when the test says) with a small receive buffer, so that the
// server's socket fills on any host, and reads the welcome.
func slowPhone(t *testing.T, ts *testServer, room CreateRoomResponse, name string) *rawWS {
	t.Helper()
	j := ts.join(room.Room.Code, name)
	r := rawDial(t, ts.Addr(), nil)
	if err := r.nc.(*net.TCPConn).SetReadBuffer(64 << 10); err != nil {
		t.Fatal(err)
	}
	hello, _ := json.Marshal(map[string]any{"type": "hello", "room": j.Room.ID, "token": j.Token})
	r.write(clientFrame(hello))
	r.expect("welcome")
	return r
}

// updateTitles has room's facilitator set its title events times, to
// "i:" and size z's (readTitleEvents reads them back), calling between
// (if not nil) after each.
func updateTitles(t *testing.T, ts *testServer, room CreateRoomResponse, events, size int, between func(i int)) {
	t.Helper()
	fac, _, err := ts.svc.Authenticate(t.Context(), room.Room.ID, rooms.Secret(room.Facilitator.Secret))
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("z", size)
	for i := range events {
		data, _ := json.Marshal(map[string]string{"title": fmt.Sprint(i, ":", pad)})
		if o := ts.svc.Execute(t.Context(), room.Room.ID, fac, rooms.Command{ID: fmt.Sprint("u", i), Type: rooms.CmdRoomUpdate, Data: data}); o.Code != "" {
			t.Fatalf("update %d: %s", i, o.Reply)
		}
		if between != nil {
			between(i)
		}
	}
}

// Frame headers for every length encoding, read back as a client does.
func TestAppendFrames(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 127, 65535, 65536, 70000} {
		msg := bytes.Repeat([]byte{'a'}, n)
		out, frames := appendFrames(nil, [][]byte{msg}, 1<<20)
		if frames != 1 {
			t.Fatalf("%d bytes: %d frames", n, frames)
		}
		r := &rawWS{t: t, br: bufio.NewReader(bytes.NewReader(out))}
		op, payload := r.readFrame()
		if op != 0x1 || !bytes.Equal(payload, msg) || out[0]&0x80 == 0 {
			t.Fatalf("%d bytes: op %d, %d bytes back, header %x", n, op, len(payload), out[:2])
		}
	}
	// Messages share a frame up to the limit; a longer one has its own.
	batch := [][]byte{[]byte("aaaa"), []byte("bbbb"), []byte("cccccccccc"), []byte("dd")}
	out, frames := appendFrames(nil, batch, 9)
	r := &rawWS{t: t, br: bufio.NewReader(bytes.NewReader(out))}
	var got []string
	for range frames {
		_, p := r.readFrame()
		got = append(got, string(p))
	}
	if want := []string{"aaaa\nbbbb", "cccccccccc", "dd"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("frames %q, want %q", got, want)
	}
}

// readTitleEvents reads frames until events room.updated events and at
// least pongs pongs have come, and checks the events come whole and in
// order (titles "0:…", "1:…", …). It returns the pongs' payloads.
func (r *rawWS) readTitleEvents(events, pongs int) [][]byte {
	r.t.Helper()
	next := 0
	var got [][]byte
	for next < events || len(got) < pongs {
		op, payload := r.readFrame()
		switch op {
		case 0xA:
			got = append(got, payload)
		case 0x1:
			for _, line := range bytes.Split(payload, []byte("\n")) {
				var m msg
				if err := json.Unmarshal(line, &m); err != nil {
					r.t.Fatalf("bad message %.80q: %v", line, err)
				}
				if m.Type != "event" || m.Ev != "room.updated" {
					continue
				}
				if want := fmt.Sprintf(`"title":"%d:`, next); !strings.Contains(string(m.Data), want) {
					r.t.Fatalf("event %d is %.60s", next, m.Data)
				}
				next++
			}
		default:
			r.t.Fatalf("frame with opcode %d: %.80q", op, payload)
		}
	}
	return got
}

// rawWS is a WebSocket client written by hand, to control how bytes are
// cut into packets.
type rawWS struct {
	t  *testing.T
	nc net.Conn
	br *bufio.Reader
	mu sync.Mutex
}

// rawDial opens a WebSocket, sending first in the same write as the
// upgrade request.
func rawDial(t *testing.T, addr string, first []byte) *rawWS {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	req := "GET /ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := nc.Write(append([]byte(req), first...)); err != nil {
		t.Fatal(err)
	}
	r := &rawWS{t: t, nc: nc, br: bufio.NewReader(nc)}
	_ = nc.SetReadDeadline(time.Now().Add(waitFor))
	resp, err := http.ReadResponse(r.br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade answered %s", resp.Status)
	}
	return r
}

func (r *rawWS) write(b []byte) {
	r.t.Helper()
	if _, err := r.nc.Write(b); err != nil {
		r.t.Fatal(err)
	}
}

// expect reads server messages until it has seen these types in this
// order (skipping presence and others in between).
func (r *rawWS) expect(types ...string) {
	r.t.Helper()
	_ = r.nc.SetReadDeadline(time.Now().Add(waitFor))
	for len(types) > 0 {
		op, payload := r.readFrame()
		if op == 8 {
			r.t.Fatalf("closed while waiting for %v: %x", types, payload)
		}
		for _, line := range bytes.Split(payload, []byte("\n")) {
			var m msg
			if err := json.Unmarshal(line, &m); err != nil {
				r.t.Fatalf("bad message %q", line)
			}
			if m.Type == "error" {
				r.t.Fatalf("error while waiting for %v: %s", types, line)
			}
			if len(types) > 0 && m.Type == types[0] {
				types = types[1:]
			}
		}
	}
}

// readFrame reads one server frame (unmasked, unfragmented).
func (r *rawWS) readFrame() (op byte, payload []byte) {
	r.t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(r.br, h[:]); err != nil {
		r.t.Fatalf("read frame: %v", err)
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		_, _ = io.ReadFull(r.br, b[:])
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		_, _ = io.ReadFull(r.br, b[:])
		n = binary.BigEndian.Uint64(b[:])
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(r.br, payload); err != nil {
		r.t.Fatalf("read frame payload: %v", err)
	}
	return h[0] & 0x0f, payload
}

// clientFrame encodes a masked text frame, as clients send.
func clientFrame(payload []byte) []byte { return clientControl(0x1, payload) }

// clientControl encodes a masked frame with the given opcode.
func clientControl(op byte, payload []byte) []byte {
	f := []byte{0x80 | op}
	switch n := len(payload); {
	case n < 126:
		f = append(f, 0x80|byte(n))
	case n < 1<<16:
		f = append(f, 0x80|126, byte(n>>8), byte(n))
	default:
		f = append(f, 0x80|127)
		f = binary.BigEndian.AppendUint64(f, uint64(n))
	}
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	f = append(f, key[:]...)
	for i, b := range payload {
		f = append(f, b^key[i%4])
	}
	return f
}

// A control frame written while the socket is full never waits, and
// neither does the next send: one phone's full socket must not stall the
// goroutine that sends to it (the room's fan-out). Everything arrives, in
// the order it was written, once the peer reads.
func TestConnWriterNeverWaitsOnFullSocket(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	nc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// Fixed buffers: the kernel does not grow them (autotuning) while the
	// test runs, so a socket found full stays full until the peer reads.
	if err := errors.Join(peer.(*net.TCPConn).SetReadBuffer(64<<10), nc.(*net.TCPConn).SetWriteBuffer(64<<10)); err != nil {
		t.Fatal(err)
	}
	w := newConnWriter(nc, 1<<20, 30*time.Second)
	if w.raw == nil {
		t.Skip("no write without waiting on this platform")
	}
	// Fill the socket behind connWriter's back: nothing is held in rest.
	var sent bytes.Buffer
	chunk := bytes.Repeat([]byte{'f'}, 4096)
	for {
		n, err := w.raw.now(chunk)
		if err != nil {
			t.Fatal(err)
		}
		sent.Write(chunk[:n])
		if n < len(chunk) {
			break
		}
	}
	pong := bytes.Repeat([]byte{'p'}, 127)
	data := bytes.Repeat([]byte{'d'}, 1000)
	done := make(chan error, 1)
	go func() {
		if _, err := w.Write(pong); err != nil {
			done <- err
			return
		}
		more, err := w.trySend(data)
		if err == nil && !more {
			err = errors.New("trySend wrote to a full socket")
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a write waited on the full socket")
	}
	sent.Write(pong)
	sent.Write(data)
	flushed := make(chan error, 1)
	go func() { flushed <- w.flushRest(time.Now().Add(30 * time.Second)) }()
	got := make([]byte, sent.Len())
	_ = peer.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.ReadFull(peer, got); err != nil {
		t.Fatal(err)
	}
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, sent.Bytes()) {
		t.Fatal("bytes arrived out of order")
	}
}

// What the writer holds back for a full socket counts against the send
// queue, not against the bound on control frames held back: a pong behind
// a big batch is fine, pongs piling up for a peer that never reads are not.
func TestConnWriterBoundsHeldControlFrames(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	nc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	w := newConnWriter(nc, 4096, 30*time.Second)
	if w.raw == nil {
		t.Skip("no write without waiting on this platform")
	}
	for {
		if more, err := w.trySend(bytes.Repeat([]byte{'d'}, 64<<10)); err != nil {
			t.Fatal(err)
		} else if more {
			break
		}
	}
	pong := bytes.Repeat([]byte{'p'}, 127)
	for i := 0; i < 4096/len(pong); i++ {
		if _, err := w.Write(pong); err != nil {
			t.Fatalf("pong %d behind held data: %v", i, err)
		}
	}
	if _, err := w.Write(pong); !errors.Is(err, errRestFull) {
		t.Fatalf("pongs past the bound: %v, want errRestFull", err)
	}
}

// A connection's writer writes to its socket's descriptor directly
// (rawWrite). Once the connection is closed, that number goes to the
// next socket opened: a write after the close must fail, never reach
// that other connection.
func TestClosedWriterReachesNoOtherSocket(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	pair := func() (peer, nc net.Conn) {
		t.Helper()
		peer, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		nc, err = ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		return peer, nc
	}
	fdOf := func(c net.Conn) (fd uintptr) {
		rc, err := c.(*net.TCPConn).SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		_ = rc.Control(func(d uintptr) { fd = d })
		return fd
	}
	peer, nc := pair()
	defer peer.Close()
	w := newConnWriter(nc, 1<<20, 30*time.Second)
	if w.raw == nil {
		t.Skip("no write without waiting on this platform")
	}
	cr := &connReader{Conn: nc, cw: w}
	old := fdOf(nc)
	if err := cr.Close(); err != nil {
		t.Fatal(err)
	}
	// Open sockets until one has the closed connection's number.
	var other, otherPeer net.Conn
	for range 64 {
		p, c := pair()
		defer p.Close()
		defer c.Close()
		if fdOf(c) == old {
			other, otherPeer = c, p
			break
		}
		if fdOf(p) == old {
			other, otherPeer = p, c
			break
		}
	}
	if other == nil {
		t.Skip("the closed connection's number was not given again")
	}
	more, err := w.trySend([]byte("for the closed connection only"))
	if err == nil && more {
		err = w.flushRest(time.Now().Add(time.Second))
	}
	if err == nil {
		t.Error("a write after the close succeeded")
	}
	_ = otherPeer.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, _ := otherPeer.Read(make([]byte, 64)); n > 0 {
		t.Fatalf("%d bytes of the closed connection reached another one", n)
	}
}

// Every way ws closes a connection goes through the reader the hijack
// hands it (connReader.Close), which stops the writer's raw writes
// before the descriptor is closed: here as the server's end of a
// connection does it (ws.CloseNow), through a real upgrade.
func TestWebSocketCloseDetachesTheRawWriter(t *testing.T) {
	got := make(chan *hijackWriter, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw := &hijackWriter{ResponseWriter: w, maxRest: 1 << 20, maxWait: 30 * time.Second}
		ws, err := websocket.Accept(hw, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			return
		}
		if hw.cw.raw == nil {
			t.Error("no raw writer after the upgrade")
		}
		_ = ws.CloseNow()
		got <- hw
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	hw := <-got
	hw.cw.mu.Lock()
	raw := hw.cw.raw
	hw.cw.mu.Unlock()
	if raw != nil {
		t.Fatal("the raw writer outlived the connection's close")
	}
	if more, err := hw.cw.trySend([]byte("late")); err == nil && more {
		if err = hw.cw.flushRest(time.Now().Add(time.Second)); err == nil {
			t.Fatal("a write after the close succeeded")
		}
	} else if err == nil {
		t.Fatal("a write after the close went out")
	}
}
