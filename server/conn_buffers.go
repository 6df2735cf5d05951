package server

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
)

// The read and write buffers under each WebSocket. coder/websocket keeps
// the bufio.Reader and bufio.Writer that the hijack hands it for the life
// of the connection; net/http's are 4 KiB each, which made them the
// largest part of an idle connection. Client messages are small (a
// command is a few hundred bytes), and a server frame larger than the
// write buffer costs one more write call (the header and the start of
// the frame, then the rest, unbuffered), not a copy.
const (
	connReadBuffer  = 512
	connWriteBuffer = 512
)

// hijackWriter hands websocket.Accept the hijacked connection with small
// buffers of its own instead of net/http's, and keeps the connection for
// write deadlines.
type hijackWriter struct {
	http.ResponseWriter
	nc    net.Conn
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
	// The client may have sent its first frames right after the upgrade
	// request: net/http has read them (or, racing the hijack, one byte of
	// them) into its buffer. They must be in the new reader's buffer, where
	// Accept looks for them.
	size := connReadBuffer
	var r io.Reader = nc
	if n := brw.Reader.Buffered(); n > 0 {
		early, _ := brw.Reader.Peek(n)
		size = max(size, n)
		r = io.MultiReader(bytes.NewReader(bytes.Clone(early)), nc)
		w.early = true
	}
	br := bufio.NewReaderSize(r, size)
	if n := brw.Reader.Buffered(); n > 0 {
		if _, err := br.Peek(n); err != nil {
			nc.Close()
			return nil, nil, err
		}
	}
	w.nc, w.br = nc, br
	return nc, bufio.NewReadWriter(br, bufio.NewWriterSize(nc, connWriteBuffer)), nil
}
