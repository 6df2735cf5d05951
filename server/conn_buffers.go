package server

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// The read and write buffers under each WebSocket. coder/websocket keeps
// the bufio.Reader and bufio.Writer that the hijack hands it for the life
// of the connection; net/http's are 4 KiB each, which made them the
// largest part of an idle connection. Ours are small: reads go through
// connReader, which reads ahead into a pooled buffer only while there is
// something to read, and the connection's writer builds its frames in a
// pooled buffer and sends them in one write (connWriter); ws writes only
// control frames.
const (
	connReadBuffer = 16 // bufio's smallest
	connReadAhead  = 1024
	// connWriteBuffer holds ws's largest control frame (2 bytes of
	// header, 125 of payload), so ws hands each to connWriter whole.
	connWriteBuffer = 128
)

// connReader is the connection as ws reads it: small reads (a frame
// header, a short message) take up to connReadAhead bytes from the socket
// at once into a pooled buffer, kept only until they are consumed. An
// idle connection holds none, and a message still costs one read call.
type connReader struct {
	net.Conn
	ahead    *[]byte // pooled; ahead[off:end] is not consumed yet
	off, end int
	err      error // the error that came with the last bytes read ahead
	// cw is the connection's writer: Close stops its raw writes first.
	cw *connWriter
}

// Close closes the connection: ws closes it through here (the hijack
// hands ws the reader as the connection), and so does the server's end
// of it. The writer's raw writes stop before the descriptor is closed
// (see rawWrite).
func (r *connReader) Close() error {
	if r.cw != nil {
		r.cw.detach()
	}
	return r.Conn.Close()
}

var readAheadBufs = sync.Pool{New: func() any { b := make([]byte, connReadAhead); return &b }}

func (r *connReader) Read(p []byte) (int, error) {
	if r.ahead == nil {
		if len(p) >= connReadAhead {
			return r.Conn.Read(p)
		}
		b := readAheadBufs.Get().(*[]byte)
		n, err := r.Conn.Read(*b)
		if n <= len(p) {
			copy(p, (*b)[:n])
			readAheadBufs.Put(b)
			return n, err
		}
		r.ahead, r.off, r.end, r.err = b, 0, n, err
	}
	n := copy(p, (*r.ahead)[r.off:r.end])
	r.off += n
	if r.off < r.end {
		return n, nil
	}
	readAheadBufs.Put(r.ahead)
	r.ahead = nil
	err := r.err
	r.err = nil
	return n, err
}

// pending reports whether bytes were read ahead and not consumed yet.
func (r *connReader) pending() bool { return r.ahead != nil }

// connWriter is what ws's bufio.Writer writes to, and what the
// connection's writer sends its frames through. The writer builds its data
// frames itself (see appendFrames) and hands them over whole; ws writes
// only control frames (a pong, a close), each in one Write call (its
// buffer holds a whole control frame). Every write happens under mu, so
// a control frame never lands inside a data frame.
//
// The writer's frames go out without waiting where the socket takes them
// at once (almost always): no goroutine, no deadline. What the socket
// does not take is kept in rest, and everything written after it (a
// control frame, the next frames) is appended there, until a goroutine
// that may wait sends it (flushRest). ws's control frames never wait
// either: a write of ws's that waited past its context would close the
// connection, and one that waited holding mu would stall whoever sends to
// this connection next, the room's fan-out included. What the socket does
// not take of a control frame is sent by a goroutine of its own.
type connWriter struct {
	nc      net.Conn
	raw     *rawWrite     // nil: every write waits for flushRest; unset under mu by detach
	maxRest int           // the most rest may hold for control frames
	maxWait time.Duration // how long a control frame's rest may wait

	flushMu sync.Mutex // one flushRest at a time, so rest goes out in order

	mu   sync.Mutex
	rest *bytes.Buffer // non-nil: bytes still to send, before anything else
	// held counts the control frames' bytes put in rest since it was last
	// empty: those are what maxRest bounds (the writer's data in rest is
	// bounded by the send queue).
	held int
	err  error // the first failed write: the stream is broken
}

// detach stops the writes that go around Go's poller (raw): called
// before the connection's descriptor is closed, so that none can reach a
// socket that later gets the same number. What is sent after it waits
// for flushRest, which finds the connection closed.
func (w *connWriter) detach() {
	w.mu.Lock()
	w.raw = nil
	w.mu.Unlock()
}

// errRestFull breaks a connection whose peer sends control frames (pings)
// while it reads nothing, once their answers fill rest.
var errRestFull = errors.New("the peer does not read what it asks for")

func newConnWriter(nc net.Conn, maxRest int, maxWait time.Duration) *connWriter {
	w := &connWriter{nc: nc, maxRest: maxRest, maxWait: maxWait}
	if sc, ok := nc.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			w.raw = newRawWrite(rc)
		}
	}
	return w
}

// Write is ws's: one control frame. It never waits (see connWriter). One
// consequence: when a peer closes while its socket is full, the close
// frame ws echoes before dropping the connection may not leave, and the
// peer sees the connection end without one (1006); it was leaving anyway.
func (w *connWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	pending := w.rest != nil // a flush is due or under way: it sends p too
	if pending && w.err == nil {
		w.held += len(p)
		if w.held > w.maxRest {
			w.err = errRestFull
		}
	}
	more, err := w.sendLocked(p)
	w.mu.Unlock()
	if err != nil {
		return 0, err
	}
	if more && !pending {
		go func() { _ = w.flushRest(time.Now().Add(w.maxWait)) }()
	}
	return len(p), nil
}

// trySend writes b (whole frames) as far as the socket takes it without
// waiting. It reports more when some of it is left, in rest: the caller
// must then call flushRest, from a goroutine that may wait, before
// sending again.
func (w *connWriter) trySend(b []byte) (more bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sendLocked(b)
}

// sendLocked writes b after what rest holds: into rest when it holds
// something, else to the socket as far as it takes it at once, keeping
// the remainder in rest. It reports whether rest holds something now.
// Called with mu.
func (w *connWriter) sendLocked(b []byte) (more bool, err error) {
	if w.err != nil {
		return false, w.err
	}
	if w.rest != nil {
		w.rest.Write(b)
		return true, nil
	}
	n := 0
	if w.raw != nil {
		n, err = w.raw.now(b)
	}
	return w.wroteLocked(b, n, err)
}

// wroteLocked records that the socket took n bytes of b, written when
// rest was empty, or failed with err: what it did not take goes to rest.
// It reports whether rest holds something now. Called with mu.
func (w *connWriter) wroteLocked(b []byte, n int, err error) (more bool, _ error) {
	if err != nil {
		w.err = err
		return false, err
	}
	if n == len(b) {
		return false, nil
	}
	w.rest = writeBufs.Get().(*bytes.Buffer)
	w.rest.Write(b[n:])
	return true, nil
}

// flushRest sends what rest holds, and whatever is added to it
// meanwhile, waiting at most until deadline (the connection is then
// broken). It writes without holding mu: ws's control frames go to a
// fresh rest meanwhile. A second flushRest waits for the first.
func (w *connWriter) flushRest(deadline time.Time) error {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	_ = w.nc.SetWriteDeadline(deadline)
	for {
		w.mu.Lock()
		rest := w.rest
		if w.err != nil || rest == nil || rest.Len() == 0 {
			// The deadline goes before rest does: from then on an
			// inline write may run, and it must not find it.
			_ = w.nc.SetWriteDeadline(time.Time{})
			w.rest, w.held = nil, 0
			err := w.err
			w.mu.Unlock()
			if rest != nil {
				putWriteBuf(rest)
			}
			return err
		}
		w.rest = writeBufs.Get().(*bytes.Buffer)
		w.mu.Unlock()
		_, err := w.nc.Write(rest.Bytes())
		putWriteBuf(rest)
		if err != nil {
			w.mu.Lock()
			if w.err == nil {
				w.err = err
			}
			w.mu.Unlock()
			return err
		}
	}
}

// writeBufs hold what a full socket did not take, until it does.
var writeBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxKeptWriteBuf is the largest buffer returned to writeBufs.
const maxKeptWriteBuf = 64 << 10

func putWriteBuf(b *bytes.Buffer) {
	b.Reset()
	if b.Cap() <= maxKeptWriteBuf {
		writeBufs.Put(b)
	}
}

// hijackWriter hands websocket.Accept the hijacked connection with small
// buffers of its own instead of net/http's, and keeps what the connection
// needs of them.
type hijackWriter struct {
	http.ResponseWriter
	nc      net.Conn
	cr      *connReader
	cw      *connWriter
	br      *bufio.Reader
	early   bool          // the client's first bytes came with the upgrade request
	maxRest int           // for the connWriter: the send queue's byte bound
	maxWait time.Duration // and its age bound
}

func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	// net/http has flushed the 101 answer; nothing is left to write.
	if err := brw.Writer.Flush(); err != nil {
		nc.Close()
		return nil, nil, err
	}
	// ws reads through cr, and gets it as the connection: Accept resets
	// the reader onto the connection it is given.
	cr := &connReader{Conn: nc}
	// The client may have sent its first frames right after the upgrade
	// request: net/http has read them (or, racing the hijack, one byte of
	// them) into its buffer. They must be in the new reader's buffer, where
	// Accept looks for them.
	size := connReadBuffer
	var r io.Reader = cr
	if n := brw.Reader.Buffered(); n > 0 {
		early, _ := brw.Reader.Peek(n)
		size = max(size, n)
		r = io.MultiReader(bytes.NewReader(bytes.Clone(early)), cr)
		w.early = true
	}
	br := bufio.NewReaderSize(r, size)
	if n := brw.Reader.Buffered(); n > 0 {
		if _, err := br.Peek(n); err != nil {
			nc.Close()
			return nil, nil, err
		}
	}
	w.nc, w.cr, w.br, w.cw = nc, cr, br, newConnWriter(nc, w.maxRest, w.maxWait)
	cr.cw = w.cw
	return cr, bufio.NewReadWriter(br, bufio.NewWriterSize(w.cw, connWriteBuffer)), nil
}
