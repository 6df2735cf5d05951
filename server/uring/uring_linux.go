//go:build linux

// Package uring is the part of Linux's io_uring (5.6 and later) that
// Huddle uses: many sockets' sends, or many sockets' reads, made with one
// system call. On this project's machines a system call costs about
// 1.2 µs before it does anything (a virtual machine's), and a broadcast
// to 10,000 phones is 10,000 writes on the node and 10,000 reads in the
// load tool.
//
// Every operation is MSG_DONTWAIT, which io_uring honours as "never arm a
// poll": each completes within the call that submits it, with what the
// socket took or held at once (EAGAIN when nothing), as a non-blocking
// write or recvmsg does. Nothing is left in flight between calls: a Ring
// holds no buffer and no descriptor once Send or Recvmsg returns. If an
// operation did not complete at once (a kernel that behaves otherwise),
// the call waits for it, as it must before its buffers are reused, and
// reports late: the caller then stops using rings.
//
// A Ring is used by one goroutine at a time; it is set up without
// IORING_SETUP_SINGLE_ISSUER because a goroutine moves between threads.
package uring

import (
	"errors"
	"fmt"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Ring is one io_uring instance with room for Entries operations a call.
type Ring struct {
	fd      int
	entries int
	maps    [][]byte // unmapped by Close
	sqTail  *uint32
	sqMask  uint32
	sqes    []sqe
	cqHead  *uint32
	cqTail  *uint32
	cqMask  uint32
	cqes    []cqe
}

// The kernel's structures (include/uapi/linux/io_uring.h).
type params struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFd uint32
	_                                                                      [3]uint32
	sqOff                                                                  sqOffsets
	cqOff                                                                  cqOffsets
}

type sqOffsets struct {
	head, tail, ringMask, ringEntries, flags, dropped, array, _ uint32
	_                                                           uint64
}

type cqOffsets struct {
	head, tail, ringMask, ringEntries, overflow, cqes, flags, _ uint32
	_                                                           uint64
}

type sqe struct {
	opcode, flags uint8
	ioprio        uint16
	fd            int32
	off, addr     uint64
	len, msgFlags uint32
	userData      uint64
	_             [24]byte
}

type cqe struct {
	userData uint64
	res      int32
	flags    uint32
}

const (
	opRecvmsg       = 10
	opSend          = 26
	enterGetEvents  = 1
	featSingleMmap  = 1 << 0
	offSQEs         = 0x10000000
	sendFlags       = unix.MSG_DONTWAIT | unix.MSG_NOSIGNAL
	recvFlags       = unix.MSG_DONTWAIT
	maxEntriesPerOp = 4096
)

// ErrNotSubmitted says an operation was never made: the kernel refused
// its submission. The caller makes it another way.
var ErrNotSubmitted = errors.New("io_uring: not submitted")

// New makes a ring for up to entries operations a call.
func New(entries int) (*Ring, error) {
	if entries < 1 || entries > maxEntriesPerOp {
		return nil, fmt.Errorf("io_uring: %d entries", entries)
	}
	var p params
	fd, _, e := syscall.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if e != 0 {
		return nil, fmt.Errorf("io_uring_setup: %w", e)
	}
	r := &Ring{fd: int(fd), entries: entries}
	if p.features&featSingleMmap == 0 || int(p.sqEntries) < entries || int(p.cqEntries) < entries {
		r.Close()
		return nil, errors.New("io_uring: this kernel's rings are too old (no single mmap)")
	}
	// The submission and completion rings share one mapping; the
	// submission entries have their own.
	size := max(p.sqOff.array+p.sqEntries*4, p.cqOff.cqes+p.cqEntries*uint32(unsafe.Sizeof(cqe{})))
	rings, err := unix.Mmap(r.fd, 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("io_uring mmap: %w", err)
	}
	r.maps = append(r.maps, rings)
	sqes, err := unix.Mmap(r.fd, offSQEs, int(p.sqEntries)*int(unsafe.Sizeof(sqe{})), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("io_uring mmap: %w", err)
	}
	r.maps = append(r.maps, sqes)
	at := func(off uint32) unsafe.Pointer { return unsafe.Pointer(&rings[off]) }
	r.sqTail = (*uint32)(at(p.sqOff.tail))
	r.sqMask = *(*uint32)(at(p.sqOff.ringMask))
	r.sqes = unsafe.Slice((*sqe)(unsafe.Pointer(&sqes[0])), p.sqEntries)
	r.cqHead = (*uint32)(at(p.cqOff.head))
	r.cqTail = (*uint32)(at(p.cqOff.tail))
	r.cqMask = *(*uint32)(at(p.cqOff.ringMask))
	r.cqes = unsafe.Slice((*cqe)(at(p.cqOff.cqes)), p.cqEntries)
	// Slot i of the submission ring is always entry i.
	array := unsafe.Slice((*uint32)(at(p.sqOff.array)), p.sqEntries)
	for i := range array {
		array[i] = uint32(i)
	}
	return r, nil
}

// Entries is how many operations one call takes at most.
func (r *Ring) Entries() int { return r.entries }

// Close releases the ring.
func (r *Ring) Close() {
	for _, m := range r.maps {
		_ = unix.Munmap(m)
	}
	r.maps = nil
	_ = syscall.Close(r.fd)
}

// Send sends bufs[i] to the socket fds[i] (at most Entries of them), each
// as far as it takes without waiting, and sets n[i] to the bytes it took
// or errs[i] to why it took none. EAGAIN (a full socket) is no error:
// n[i] is 0. ErrNotSubmitted: the send was never made. The caller keeps
// each descriptor open and each buffer on the heap and untouched until
// Send returns; late is as for the package.
func (r *Ring) Send(fds []uintptr, bufs [][]byte, n []int, errs []error) (late bool) {
	return r.run(len(fds), func(i int, e *sqe) {
		*e = sqe{opcode: opSend, fd: int32(fds[i]), msgFlags: sendFlags, userData: uint64(i)}
		if len(bufs[i]) > 0 {
			e.addr = uint64(uintptr(unsafe.Pointer(&bufs[i][0])))
			e.len = uint32(len(bufs[i]))
		}
	}, func(i int, res int32, err error) {
		n[i], errs[i] = int(res), err
		if errors.Is(err, syscall.EAGAIN) {
			errs[i] = nil
		}
	})
}

// Recvmsg reads from the socket fds[i] into msgs[i] (its buffers and
// control buffer; at most Entries of them), each what the socket holds
// at once, and sets n[i] to the bytes read, 0 at the end of the stream,
// or errs[i] to why nothing was read: syscall.EAGAIN when there was
// nothing. The kernel sets each message's Controllen and Flags, as
// recvmsg does. The caller keeps msgs, their buffers and descriptors on
// the heap and untouched until Recvmsg returns.
func (r *Ring) Recvmsg(fds []uintptr, msgs []unix.Msghdr, n []int, errs []error) (late bool) {
	return r.run(len(fds), func(i int, e *sqe) {
		*e = sqe{opcode: opRecvmsg, fd: int32(fds[i]), msgFlags: recvFlags, userData: uint64(i),
			addr: uint64(uintptr(unsafe.Pointer(&msgs[i]))), len: 1}
	}, func(i int, res int32, err error) {
		n[i], errs[i] = int(res), err
	})
}

// run submits count operations, prep filling each entry, and hands each
// result to done: res (0 or more) or the error (errno, or
// ErrNotSubmitted).
func (r *Ring) run(count int, prep func(int, *sqe), done func(i int, res int32, err error)) (late bool) {
	want := uint32(count)
	tail := atomic.LoadUint32(r.sqTail)
	for i := range count {
		prep(i, &r.sqes[(tail+uint32(i))&r.sqMask])
	}
	// The store publishes the entries written above (a release, as the
	// kernel's load of the tail is an acquire).
	atomic.StoreUint32(r.sqTail, tail+want)
	submitted, completed := uint32(0), uint32(0)
	for completed < want {
		var minComplete, flags uintptr
		if submitted == want {
			// Everything is in and something has not completed.
			late = true
			minComplete, flags = uintptr(want-completed), enterGetEvents
		}
		got, _, e := syscall.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(want-submitted), minComplete, flags, 0, 0)
		switch {
		case e == 0:
			submitted += uint32(got)
		case e == syscall.EINTR:
		case submitted < want:
			// The kernel took the entries in order, up to submitted;
			// the rest are withdrawn and reported unsent.
			atomic.StoreUint32(r.sqTail, tail+submitted)
			for i := submitted; i < want; i++ {
				done(int(i), 0, ErrNotSubmitted)
			}
			want = submitted
		default:
			// Waiting failed (never seen): what was submitted completes
			// regardless, and must be waited for.
			time.Sleep(time.Millisecond)
		}
		head := atomic.LoadUint32(r.cqHead)
		for ctail := atomic.LoadUint32(r.cqTail); head != ctail; head++ {
			c := r.cqes[head&r.cqMask]
			if c.res >= 0 {
				done(int(c.userData), c.res, nil)
			} else {
				done(int(c.userData), 0, syscall.Errno(-c.res))
			}
			completed++
		}
		atomic.StoreUint32(r.cqHead, head)
	}
	return late
}

// Check tries r on a socket pair before a caller trusts rings: a send
// of one byte, read back; a send to a full socket, which must complete at
// once with nothing taken; and a recvmsg with a control buffer, of a
// socket with data and of an empty one (EAGAIN at once). A kernel whose
// io_uring lacks these operations (before 5.6), refuses control data on
// recvmsg (5.6 to 5.9), or would wait on a full or empty socket fails it.
// A send or read that waits is ended after checkWait by shutting the
// pair down.
func (r *Ring) Check() error {
	p, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(p[0])
	defer syscall.Close(p[1])
	// Shut down, not closed: an operation waiting on the pair ends, and
	// the descriptors' numbers stay the pair's until Check returns.
	watch := time.AfterFunc(checkWait, func() {
		syscall.Shutdown(p[0], syscall.SHUT_RDWR)
		syscall.Shutdown(p[1], syscall.SHUT_RDWR)
	})
	defer watch.Stop()
	for _, fd := range p {
		if err := syscall.SetNonblock(fd, true); err != nil {
			return err
		}
	}
	c := checkBufs()
	send := func(want int, what string) error {
		if r.Send([]uintptr{uintptr(p[0])}, [][]byte{c.one}, c.n[:], c.errs[:]) {
			return fmt.Errorf("io_uring: a send %s did not complete at once", what)
		}
		if c.errs[0] != nil || c.n[0] != want {
			return fmt.Errorf("io_uring: a send %s took %d bytes, %v", what, c.n[0], c.errs[0])
		}
		return nil
	}
	if err := send(1, "of one byte"); err != nil {
		return err
	}
	recv := func(want int, wantErr error, what string) error {
		c.msgs[0].SetControllen(len(c.oob))
		if r.Recvmsg([]uintptr{uintptr(p[1])}, c.msgs[:], c.n[:], c.errs[:]) {
			return fmt.Errorf("io_uring: a recvmsg %s did not complete at once", what)
		}
		if !errors.Is(c.errs[0], wantErr) || c.n[0] != want {
			return fmt.Errorf("io_uring: a recvmsg %s read %d bytes, %v", what, c.n[0], c.errs[0])
		}
		return nil
	}
	if err := recv(1, nil, "with control data"); err != nil {
		return err
	}
	if c.buf[0] != checkByte {
		return fmt.Errorf("io_uring: read back %q", c.buf[0])
	}
	if err := recv(0, syscall.EAGAIN, "of an empty socket"); err != nil {
		return err
	}
	fill := make([]byte, 4096)
	for {
		if _, err := syscall.Write(p[0], fill); err != nil {
			if errors.Is(err, syscall.EAGAIN) {
				break
			}
			return err
		}
	}
	return send(0, "to a full socket")
}

// checkWait is how long Check lets an operation wait before it ends it.
const checkWait = 2 * time.Second

const checkByte = 'x'

// checkState is what Check hands the kernel: on the heap, as the
// package's callers' buffers must be.
type checkState struct {
	one  []byte
	buf  []byte
	oob  []byte
	iov  unix.Iovec
	msgs [1]unix.Msghdr
	n    [1]int
	errs [1]error
}

func checkBufs() *checkState {
	c := &checkState{one: []byte{checkByte}, buf: make([]byte, 16), oob: make([]byte, 128)}
	c.iov.Base = &c.buf[0]
	c.iov.SetLen(len(c.buf))
	c.msgs[0].Iov = &c.iov
	c.msgs[0].SetIovlen(1)
	c.msgs[0].Control = &c.oob[0]
	checkKeep.Store(c) // on the heap, whatever escape analysis finds
	return c
}

// checkKeep holds the last Check's buffers.
var checkKeep atomic.Pointer[checkState]
