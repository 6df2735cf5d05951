package loadgen

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// serverFrame is a frame as a server writes it: unmasked.
func serverFrame(fin bool, op byte, payload []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	b := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		b = append(b, byte(n))
	case n <= 0xffff:
		b = append(b, 126, byte(n>>8), byte(n))
	default:
		b = append(b, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
}

// TestWireFeedSplitAnywhere feeds a stream of frames cut at every byte and
// in one piece: whatever the reads, the same messages come out, whole and
// in order, fragmented ones put together.
func TestWireFeedSplitAnywhere(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 70000)
	mid := bytes.Repeat([]byte("y"), 300)
	var stream []byte
	stream = append(stream, serverFrame(true, opText, []byte(`{"type":"a"}`))...)
	stream = append(stream, serverFrame(true, opText, mid)...)
	stream = append(stream, serverFrame(false, opText, []byte("frag-"))...)
	stream = append(stream, serverFrame(true, opPong, nil)...) // control frames may come between fragments
	stream = append(stream, serverFrame(false, opCont, []byte("ment"))...)
	stream = append(stream, serverFrame(true, opCont, []byte("ed"))...)
	stream = append(stream, serverFrame(true, opText, big)...)
	stream = append(stream, serverFrame(true, opText, nil)...)
	want := []string{`{"type":"a"}`, string(mid), "frag-mented", string(big), ""}

	for _, cut := range []int{0, 1, 2, 3, 7, 13, 200, 1000, 65536} {
		var got []string
		w := &wire{limit: 1 << 20, onMessage: func(b []byte, _, _ time.Time) { got = append(got, string(b)) }}
		now := time.Now()
		rest := stream
		for len(rest) > 0 {
			n := len(rest)
			if cut > 0 {
				n = min(cut, n)
			}
			// The reader reuses its buffer: feed must not keep it.
			chunk := append([]byte(nil), rest[:n]...)
			if err := w.feed(chunk, now, now); err != nil {
				t.Fatalf("cut %d: %v", cut, err)
			}
			clear(chunk)
			rest = rest[n:]
		}
		if len(got) != len(want) {
			t.Fatalf("cut %d: %d messages, want %d", cut, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("cut %d: message %d is %.40q…, want %.40q…", cut, i, got[i], want[i])
			}
		}
		if len(w.partial) != 0 {
			t.Fatalf("cut %d: %d bytes left over", cut, len(w.partial))
		}
	}
}

// TestWireFeedRefuses: what a server must not send ends the connection
// with a reason, and a close frame ends it with the server's code.
func TestWireFeedRefuses(t *testing.T) {
	masked := serverFrame(true, opText, []byte("hi"))
	masked[1] |= 0x80
	for name, c := range map[string]struct {
		in   []byte
		want string
	}{
		"masked":       {masked, "masked"},
		"too big":      {serverFrame(true, opText, make([]byte, 2000)), "over the limit"},
		"reserved":     {append([]byte{0xc1, 0}, nil...), "reserved"},
		"stray cont":   {serverFrame(true, opCont, []byte("x")), "continuation"},
		"long control": {serverFrame(true, opPing, make([]byte, 126)), "over the limit"},
		"opcode":       {serverFrame(true, 0x3, nil), "unknown opcode"},
	} {
		w := &wire{limit: 1000, onMessage: func([]byte, time.Time, time.Time) { t.Errorf("%s: a message came out", name) }}
		err := w.feed(c.in, time.Now(), time.Now())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
}

// TestAppendClientFrame: a client's frame is masked, and unmasks to the
// payload, at each length encoding.
func TestAppendClientFrame(t *testing.T) {
	for _, n := range []int{0, 5, 125, 126, 65535, 65536} {
		p := bytes.Repeat([]byte{'z'}, n)
		f := appendClientFrame(nil, opText, p)
		if f[0] != 0x81 || f[1]&0x80 == 0 {
			t.Fatalf("%d bytes: header %x, want a final masked text frame", n, f[:2])
		}
		hdr := 2
		switch f[1] & 0x7f {
		case 126:
			hdr = 4
		case 127:
			hdr = 10
		}
		key := f[hdr : hdr+4]
		body := f[hdr+4:]
		if len(body) != n {
			t.Fatalf("%d bytes: body of %d", n, len(body))
		}
		for i := range body {
			if body[i]^key[i&3] != 'z' {
				t.Fatalf("%d bytes: byte %d unmasks to %q", n, i, body[i]^key[i&3])
			}
		}
	}
}

// TestWireLive talks to a real WebSocket server (coder/websocket, as
// Huddle's nodes use): the handshake, messages both ways, a ping answered
// by the wire itself, arrival no later than the read and no earlier than
// the write, and the server's close code.
func TestWireLive(t *testing.T) {
	sent := make(chan time.Time, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		_, msg, err := ws.Read(ctx)
		if err != nil {
			return
		}
		ctx = ws.CloseRead(ctx)              // reads what follows: the pong
		if err := ws.Ping(ctx); err != nil { // the wire must answer pings
			return
		}
		sent <- time.Now()
		if ws.Write(ctx, websocket.MessageText, append([]byte("echo "), msg...)) != nil {
			return
		}
		ws.Close(4003, "enough")
	}))
	defer srv.Close()

	type got struct {
		msg           string
		arrived, read time.Time
	}
	msgs := make(chan got, 4)
	ended := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w, err := dialWire(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", 1<<20,
		func(b []byte, arrived, read time.Time) { msgs <- got{string(b), arrived, read} },
		func(err error) { ended <- err })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-msgs:
		before := <-sent
		if m.msg != "echo hello" {
			t.Fatalf("got %q", m.msg)
		}
		if m.arrived.After(m.read) || m.arrived.Before(before.Add(-time.Millisecond)) {
			t.Fatalf("arrived %v, written %v, read %v", m.arrived, before, m.read)
		}
	case err := <-ended:
		t.Fatalf("ended before the echo: %v", err)
	case <-ctx.Done():
		t.Fatal("no echo")
	}
	select {
	case err := <-ended:
		var ce *CloseError
		if !errors.As(err, &ce) || ce.Code != 4003 || ce.Reason != "enough" {
			t.Fatalf("ended with %v, want the server's 4003 enough", err)
		}
	case <-ctx.Done():
		t.Fatal("did not end")
	}
	if err := w.Write([]byte("late")); err == nil {
		t.Fatal("a write after the end succeeded")
	}
}

// TestWireRefusedUpgrade: a refused upgrade says the status and the
// server's words (limitHint reads them).
func TestWireRefusedUpgrade(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"code":"rate_limited"}`, http.StatusTooManyRequests)
	}))
	defer srv.Close()
	_, err := dialWire(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", 1<<20,
		func([]byte, time.Time, time.Time) {}, func(error) {})
	if err == nil || !strings.Contains(err.Error(), "429") || !strings.Contains(err.Error(), "rate_limited") {
		t.Fatalf("got %v", err)
	}
}

// TestWireCloseEnds: the tool's own Close ends the wire at once, and the
// server sees the connection go.
func TestWireCloseEnds(t *testing.T) {
	gone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		_, _, _ = ws.Read(context.Background())
		close(gone)
	}))
	defer srv.Close()
	ended := make(chan error, 1)
	w, err := dialWire(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", 1<<20,
		func([]byte, time.Time, time.Time) {}, func(err error) { ended <- err })
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	for _, ch := range []<-chan struct{}{gone} {
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			t.Fatal("the server did not see the close")
		}
	}
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the wire did not end")
	}
}

// TestWireEndsAfterLastWords: a server that writes a message and drops
// the connection at once (its data and its FIN reach the socket before
// the tool reads) is read to the end: the message arrives and the wire
// ends. The tool's epoll loops are edge-triggered, and a read stops short
// of a FIN that came with data; twenty wires make that order near
// certain.
func TestWireEndsAfterLastWords(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		if _, _, err := ws.Read(r.Context()); err != nil {
			ws.CloseNow()
			return
		}
		_ = ws.Write(r.Context(), websocket.MessageText, []byte("bye"))
		ws.CloseNow()
	}))
	defer srv.Close()
	const n = 20
	msgs := make(chan string, n)
	ended := make(chan error, n)
	for range n {
		w, err := dialWire(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", 1<<20,
			func(b []byte, _, _ time.Time) { msgs <- string(b) }, func(err error) { ended <- err })
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write([]byte("hello")); err != nil {
			t.Fatal(err)
		}
	}
	timeout := time.After(5 * time.Second)
	for i := range n {
		select {
		case m := <-msgs:
			if m != "bye" {
				t.Fatalf("got %q", m)
			}
		case <-timeout:
			t.Fatalf("%d of %d messages arrived", i, n)
		}
	}
	for i := range n {
		select {
		case <-ended:
		case <-timeout:
			t.Fatalf("%d of %d wires ended after their server left", i, n)
		}
	}
}
