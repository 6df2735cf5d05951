package server

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// The read and write buffers under each WebSocket. coder/websocket keeps
// the bufio.Reader and bufio.Writer that the hijack hands it for the life
// of the connection; net/http's are 4 KiB each, which made them the
// largest part of an idle connection. Ours only have to hold a frame
// header: reads go through connReader, which reads ahead into a pooled
// buffer only while there is something to read, and the writer gathers
// its frames in a pooled buffer and sends them in one write (connWriter).
const (
	connReadBuffer  = 16 // bufio's smallest
	connReadAhead   = 1024
	connWriteBuffer = 64
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

// connWriter is what ws's bufio.Writer writes to. Between gather and
// send, it collects the bytes in a buffer of the writer's, so that a frame
// larger than the bufio.Writer, or several frames, leave in one write
// call instead of one per buffer's worth; otherwise it writes through.
// Every write happens under mu, in the order ws made them (ws writes one
// frame at a time), so a control frame ws writes meanwhile (a pong, a
// close) is never cut into a data frame: it is gathered after it, or sent
// after it.
type connWriter struct {
	nc net.Conn

	mu     sync.Mutex
	gather *bytes.Buffer // non-nil between gather and send
	err    error         // the first failed write: the stream is broken
}

func (w *connWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	if w.gather != nil {
		return w.gather.Write(p)
	}
	n, err := w.nc.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}

// gatherInto starts collecting what ws writes into buf.
func (w *connWriter) gatherInto(buf *bytes.Buffer) {
	w.mu.Lock()
	w.gather = buf
	w.mu.Unlock()
}

// send writes what was gathered in one write call, giving up at deadline
// (the connection is then broken), and stops gathering.
func (w *connWriter) send(deadline time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	buf := w.gather
	w.gather = nil
	if w.err != nil {
		return w.err
	}
	if buf == nil || buf.Len() == 0 {
		return nil
	}
	_ = w.nc.SetWriteDeadline(deadline)
	_, err := w.nc.Write(buf.Bytes())
	_ = w.nc.SetWriteDeadline(time.Time{})
	if err != nil {
		w.err = err
	}
	return err
}

// hijackWriter hands websocket.Accept the hijacked connection with small
// buffers of its own instead of net/http's, and keeps what the connection
// needs of them.
type hijackWriter struct {
	http.ResponseWriter
	nc    net.Conn
	cr    *connReader
	cw    *connWriter
	br    *bufio.Reader
	early bool // the client's first bytes came with the upgrade request
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
	w.nc, w.cr, w.br, w.cw = nc, cr, br, &connWriter{nc: nc}
	return cr, bufio.NewReadWriter(br, bufio.NewWriterSize(w.cw, connWriteBuffer)), nil
}
