package loadgen

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	randv2 "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// A wire is one phone's WebSocket as the tool speaks it: a client of RFC
// 6455 written for the tool, so that tens of thousands of phones cost the
// machine as little as possible beside the node they measure. On Linux its
// socket is read by a few epoll loops shared by every wire (wire_linux.go)
// rather than by a goroutine each, and each read says when its bytes
// reached the socket (the kernel's receive timestamp): a message's arrival
// is then what the phone would see, not when the tool, sharing the
// node's two cores, got round to reading it. Elsewhere a goroutine reads
// each wire and arrival is the time of the read (wire_other.go).
type wire struct {
	// onMessage sees every data message with when its last byte arrived
	// and when the tool read it; msg is valid only during the call.
	// onEnd is called once, when the connection has ended, with why.
	onMessage func(msg []byte, arrived, read time.Time)
	onEnd     func(err error)

	mu      sync.Mutex // guards what follows, and every write
	closed  bool       // the socket is closed: no more writes
	closing bool       // a close was asked for
	out     []byte     // written frames the socket has not taken yet

	// The reading side's, touched by one reader at a time.
	partial []byte // the start of a frame whose rest has not arrived
	frag    []byte // a fragmented data message being put together
	fragged bool   // a fragmented message has begun
	limit   int    // the largest message accepted

	sys wireSys // the platform's part
}

// CloseError is how a connection ended when the server closed it with a
// close frame: its status code and reason.
type CloseError struct {
	Code   int
	Reason string
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("closed by the server: %d %s", e.Code, e.Reason)
}

// wsGUID is RFC 6455's magic string for Sec-WebSocket-Accept.
const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// dialWire opens a WebSocket to rawURL (ws://host:port/path): the HTTP
// upgrade on a plain TCP connection, then the wire's own framing.
func dialWire(ctx context.Context, rawURL string, limit int, onMessage func([]byte, time.Time, time.Time), onEnd func(error)) (*wire, error) {
	w := &wire{onMessage: onMessage, onEnd: onEnd, limit: limit}
	if err := w.dial(ctx, rawURL); err != nil {
		return nil, err
	}
	return w, nil
}

// dial connects w, whose callbacks and limit are set: the wire is known
// to its owner before its first message can arrive.
func (w *wire) dial(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	if u.Scheme != "ws" {
		return fmt.Errorf("the load tool speaks ws:// only, not %s", u.Scheme)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return err
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(30 * time.Second)
	}
	_ = nc.SetDeadline(deadline)
	// A cancelled ctx ends a handshake in progress.
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	leftover, err := handshake(nc, u)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		nc.Close()
		return err
	}
	_ = nc.SetDeadline(time.Time{})
	return w.start(nc, leftover)
}

// handshake sends the upgrade request and reads the answer; it returns
// whatever the server sent after its headers.
func handshake(nc net.Conn, u *url.URL) ([]byte, error) {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	key := base64.StdEncoding.EncodeToString(raw[:])
	path := u.RequestURI()
	req := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
		"\r\nSec-WebSocket-Version: 13\r\nUser-Agent: huddle-load\r\n\r\n"
	if _, err := io.WriteString(nc, req); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(nc, 1024)
	resp, err := http.ReadResponse(br, &http.Request{Method: "GET", URL: u})
	if err != nil {
		return nil, fmt.Errorf("websocket upgrade: %w", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		resp.Body.Close()
		return nil, fmt.Errorf("websocket upgrade refused: %s %s", resp.Status, strings.TrimSpace(string(body)))
	}
	sum := sha1.Sum([]byte(key + wsGUID))
	if resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) ||
		!strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") {
		return nil, errors.New("websocket upgrade: the server's answer is not a WebSocket handshake")
	}
	n := br.Buffered()
	if n == 0 {
		return nil, nil
	}
	rest := make([]byte, n)
	_, _ = io.ReadFull(br, rest)
	return rest, nil
}

// Opcodes (RFC 6455 5.2).
const (
	opCont  = 0x0
	opText  = 0x1
	opBin   = 0x2
	opClose = 0x8
	opPing  = 0x9
	opPong  = 0xa
)

// appendClientFrame appends one final frame, masked as a client's must be.
func appendClientFrame(b []byte, op byte, payload []byte) []byte {
	b = append(b, 0x80|op)
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	key := randv2.Uint32()
	b = binary.BigEndian.AppendUint32(b, key)
	start := len(b)
	b = append(b, payload...)
	mask := [4]byte{byte(key >> 24), byte(key >> 16), byte(key >> 8), byte(key)}
	for i := range b[start:] {
		b[start+i] ^= mask[i&3]
	}
	return b
}

// Write sends one text message.
func (w *wire) Write(msg []byte) error { return w.send(opText, msg) }

func (w *wire) send(op byte, payload []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.closing {
		return net.ErrClosed
	}
	return w.sys.write(w, appendClientFrame(nil, op, payload))
}

// feed handles bytes read from the socket, arrived at the given time:
// every whole data message goes to onMessage, control frames are
// answered. Only the reader calls it. It returns an error, or a
// *CloseError, when the connection must end.
func (w *wire) feed(data []byte, arrived, read time.Time) error {
	if len(w.partial) > 0 {
		w.partial = append(w.partial, data...)
		data = w.partial
	}
	for {
		n, err := w.frame(data, arrived, read)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		data = data[n:]
	}
	// Keep the start of an unfinished frame (data may be the reader's
	// buffer, reused after this call, or w.partial itself).
	if len(data) == 0 {
		w.partial = w.partial[:0]
		if cap(w.partial) > 64<<10 {
			w.partial = nil
		}
	} else if len(w.partial) == 0 || &data[0] != &w.partial[0] {
		w.partial = append(w.partial[:0], data...)
	}
	return nil
}

// frame handles the frame at the start of b and returns its length, or 0
// when b does not hold all of it yet.
func (w *wire) frame(b []byte, arrived, read time.Time) (int, error) {
	if len(b) < 2 {
		return 0, nil
	}
	fin, op := b[0]&0x80 != 0, b[0]&0x0f
	if b[0]&0x70 != 0 {
		return 0, errors.New("websocket: the server set reserved bits")
	}
	if b[1]&0x80 != 0 {
		return 0, errors.New("websocket: a masked frame from the server")
	}
	hdr, size := 2, uint64(b[1]&0x7f)
	switch size {
	case 126:
		if len(b) < 4 {
			return 0, nil
		}
		hdr, size = 4, uint64(binary.BigEndian.Uint16(b[2:]))
	case 127:
		if len(b) < 10 {
			return 0, nil
		}
		hdr, size = 10, binary.BigEndian.Uint64(b[2:])
	}
	if size > uint64(w.limit) || (op >= opClose && size > 125) {
		return 0, fmt.Errorf("websocket: a frame of %d bytes is over the limit", size)
	}
	if uint64(len(b)-hdr) < size {
		return 0, nil
	}
	n := hdr + int(size)
	payload := b[hdr:n]
	switch op {
	case opText, opBin, opCont:
		if op == opCont != w.fragged {
			return 0, errors.New("websocket: a continuation frame out of place")
		}
		if fin && !w.fragged {
			w.onMessage(payload, arrived, read)
			return n, nil
		}
		if len(w.frag)+len(payload) > w.limit {
			return 0, fmt.Errorf("websocket: a message over %d bytes", w.limit)
		}
		w.frag = append(w.frag, payload...)
		w.fragged = !fin
		if fin {
			w.onMessage(w.frag, arrived, read)
			w.frag = w.frag[:0]
		}
	case opPing:
		_ = w.send(opPong, payload)
	case opPong:
	case opClose:
		ce := &CloseError{Code: 1005}
		if len(payload) >= 2 {
			ce.Code = int(binary.BigEndian.Uint16(payload))
			ce.Reason = string(payload[2:])
		}
		// Echo the close (RFC 6455 5.5.1), then end.
		_ = w.send(opClose, payload[:min(2, len(payload))])
		return 0, ce
	default:
		return 0, fmt.Errorf("websocket: unknown opcode %d", op)
	}
	return n, nil
}

// end closes the socket and tells the owner why, once. Only the wire's
// reader calls it (or start, before the wire is read).
func (w *wire) end(why error) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	if w.closing {
		why = net.ErrClosed
	}
	w.sys.release(w)
	w.mu.Unlock()
	w.onEnd(why)
}

// Close ends the connection at once, without a close handshake, as a
// phone that loses its network; onEnd follows.
func (w *wire) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || w.closing {
		return
	}
	w.closing = true
	w.sys.shutdown(w)
}
