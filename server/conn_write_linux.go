//go:build linux

package server

import (
	"syscall"
	"unsafe"
)

// rawWrite writes to a connection's socket without waiting and without
// Go's poller: its descriptor, taken once, and a raw write system call.
// A broadcast is one such write per phone, and on two cores the poller's
// part of each (its descriptor lock and state, the scheduler's hand-off
// around a system call that may block) was a fifth of the node's CPU per
// delivery (broadcast-10000: 2.04-2.27 s of the node's CPU through
// RawConn.Write, 1.73-1.75 s this way).
//
// The socket is non-blocking, so the write never waits for the peer: it
// takes what fits and the caller keeps the rest for a goroutine that may
// wait (connWriter.flushRest, through the poller). A raw system call
// keeps its thread's P while in the kernel, which a write that does not
// wait can afford.
//
// The descriptor is read once, so nothing but the caller keeps it valid:
// connWriter writes only under its lock and while raw is set, and the
// connection's Close (connReader.Close) unsets raw under that lock
// before the descriptor is closed. A write can then never reach another
// connection that the kernel gave the same number.
type rawWrite struct {
	fd uintptr
}

// newRawWrite returns nil when the descriptor cannot be had: every write
// then waits for flushRest.
func newRawWrite(rc syscall.RawConn) *rawWrite {
	w := &rawWrite{}
	ok := false
	if err := rc.Control(func(fd uintptr) { w.fd, ok = fd, true }); err != nil || !ok {
		return nil
	}
	return w
}

// now writes as much of b as the socket takes without waiting, and
// returns how much that was. A full socket is not an error: the caller
// keeps the rest for a goroutine that may wait. Only connWriter calls it,
// holding its lock (see rawWrite).
func (w *rawWrite) now(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		r, _, e := syscall.RawSyscall(syscall.SYS_WRITE, w.fd, uintptr(unsafe.Pointer(&b[n])), uintptr(len(b)-n))
		switch e {
		case 0:
			if r == 0 {
				return n, nil
			}
			n += int(r)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return n, nil
		default:
			return n, e
		}
	}
	return n, nil
}

// desc is the socket's descriptor, for a ring's send (see sendChunk):
// valid, as for now, only under the connection writer's lock while raw is
// set.
func (w *rawWrite) desc() uintptr { return w.fd }
