//go:build linux

package server

import (
	"syscall"
)

// rawWrite is a write without waiting, through a connection's
// syscall.RawConn. It is made once per connection: the function handed
// to RawConn.Write is a method value made at the start, so a write
// allocates nothing.
type rawWrite struct {
	rc  syscall.RawConn
	fn  func(fd uintptr) bool
	b   []byte
	n   int
	err error
}

func newRawWrite(rc syscall.RawConn) *rawWrite {
	w := &rawWrite{rc: rc}
	w.fn = w.write
	return w
}

// now writes as much of b as the socket takes without waiting, and
// returns how much that was. A full socket is not an error: the caller
// keeps the rest for a goroutine that may wait. Not for concurrent use.
func (w *rawWrite) now(b []byte) (int, error) {
	w.b, w.n, w.err = b, 0, nil
	err := w.rc.Write(w.fn)
	n, werr := w.n, w.err
	w.b, w.err = nil, nil
	if err != nil {
		return n, err
	}
	return n, werr
}

func (w *rawWrite) write(fd uintptr) bool {
	for w.n < len(w.b) {
		m, e := syscall.Write(int(fd), w.b[w.n:])
		if e == syscall.EINTR {
			continue
		}
		if e == syscall.EAGAIN {
			break
		}
		if e != nil {
			w.err = e
			break
		}
		if m <= 0 {
			break
		}
		w.n += m
	}
	return true // done either way: never wait here
}
