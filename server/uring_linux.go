//go:build linux

package server

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A ring is one io_uring instance (Linux 5.6 and later) used for one
// thing: sending a fan-out's chunk of frames, each to its own socket, with
// one system call for the chunk instead of one write per socket. On this
// project's machines a system call costs about 1.2 µs before it does
// anything (a virtual machine's), and a broadcast to 10,000 phones is
// 10,000 of them: BenchmarkWriteFloor/uring against /raw.
//
// Each send is MSG_DONTWAIT, which io_uring honours as "never arm a poll":
// a full socket completes at once with EAGAIN and a nearly full one with
// the bytes it took, as the raw write does, so the caller keeps the rest
// for a goroutine that may wait (connWriter.flushRest) and io_uring_enter
// returns with every send completed. Nothing is left in flight between
// calls: a ring holds no buffer and no descriptor once send returns.
//
// A ring is used by one goroutine at a time (rings hands them out); it
// is set up without IORING_SETUP_SINGLE_ISSUER because a goroutine moves
// between threads.
type ring struct {
	fd     int
	maps   [][]byte // unmapped by close
	sqTail *uint32
	sqMask uint32
	sqes   []ringSQE
	cqHead *uint32
	cqTail *uint32
	cqMask uint32
	cqes   []ringCQE
}

// ringEntries is how many sends a ring takes at once: a fan-out's chunk.
const ringEntries = 64

// The kernel's structures (include/uapi/linux/io_uring.h).
type ringParams struct {
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

type ringSQE struct {
	opcode, flags uint8
	ioprio        uint16
	fd            int32
	off, addr     uint64
	len, msgFlags uint32
	userData      uint64
	_             [24]byte
}

type ringCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

const (
	ioringOpSend         = 26
	ioringEnterGetEvents = 1
	ioringFeatSingleMmap = 1 << 0
	ioringOffSQEs        = 0x10000000
	ringSendFlags        = unix.MSG_DONTWAIT | unix.MSG_NOSIGNAL
)

func newRing() (*ring, error) {
	var p ringParams
	fd, _, e := syscall.Syscall(unix.SYS_IO_URING_SETUP, ringEntries, uintptr(unsafe.Pointer(&p)), 0)
	if e != 0 {
		return nil, fmt.Errorf("io_uring_setup: %w", e)
	}
	r := &ring{fd: int(fd)}
	if p.features&ioringFeatSingleMmap == 0 || p.sqEntries < ringEntries || p.cqEntries < ringEntries {
		r.close()
		return nil, errors.New("io_uring: this kernel's rings are too old (no single mmap)")
	}
	// The submission and completion rings share one mapping; the
	// submission entries have their own.
	size := max(p.sqOff.array+p.sqEntries*4, p.cqOff.cqes+p.cqEntries*uint32(unsafe.Sizeof(ringCQE{})))
	rings, err := unix.Mmap(r.fd, 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		r.close()
		return nil, fmt.Errorf("io_uring mmap: %w", err)
	}
	sqes, err := unix.Mmap(r.fd, ioringOffSQEs, int(p.sqEntries)*int(unsafe.Sizeof(ringSQE{})), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		_ = unix.Munmap(rings)
		r.close()
		return nil, fmt.Errorf("io_uring mmap: %w", err)
	}
	r.maps = [][]byte{rings, sqes}
	at := func(off uint32) unsafe.Pointer { return unsafe.Pointer(&rings[off]) }
	r.sqTail = (*uint32)(at(p.sqOff.tail))
	r.sqMask = *(*uint32)(at(p.sqOff.ringMask))
	r.sqes = unsafe.Slice((*ringSQE)(unsafe.Pointer(&sqes[0])), p.sqEntries)
	r.cqHead = (*uint32)(at(p.cqOff.head))
	r.cqTail = (*uint32)(at(p.cqOff.tail))
	r.cqMask = *(*uint32)(at(p.cqOff.ringMask))
	r.cqes = unsafe.Slice((*ringCQE)(at(p.cqOff.cqes)), p.cqEntries)
	// Slot i of the submission ring is always entry i.
	array := unsafe.Slice((*uint32)(at(p.sqOff.array)), p.sqEntries)
	for i := range array {
		array[i] = uint32(i)
	}
	return r, nil
}

func (r *ring) close() {
	for _, m := range r.maps {
		_ = unix.Munmap(m)
	}
	_ = syscall.Close(r.fd)
}

// send sends bufs[i] to the socket fds[i] (at most ringEntries of them),
// each as far as it takes without waiting, and sets n[i] to the bytes it
// took or errs[i] to why it took none. EAGAIN (a full socket) is no
// error: n[i] is 0. errRingNotSent says the send was never made (the
// kernel refused the submission): the caller writes it another way. The
// caller keeps each descriptor open and each buffer on the heap and
// untouched until send returns.
//
// The sends are submitted without waiting for them: each completes
// within the submitting call, the kernel trying it at once and, as
// MSG_DONTWAIT asks, never queueing it for later. If one did not (a
// kernel that behaves otherwise), send waits for it, as it must before
// its buffer can be reused, and reports late: the caller stops using
// rings (ringsLate), so that a room's fan-out never waits on a phone.
func (r *ring) send(fds []uintptr, bufs [][]byte, n []int, errs []error) (late bool) {
	want := uint32(len(fds))
	tail := atomic.LoadUint32(r.sqTail)
	for i, fd := range fds {
		e := &r.sqes[(tail+uint32(i))&r.sqMask]
		*e = ringSQE{opcode: ioringOpSend, fd: int32(fd), msgFlags: ringSendFlags, userData: uint64(i)}
		if len(bufs[i]) > 0 {
			e.addr = uint64(uintptr(unsafe.Pointer(&bufs[i][0])))
			e.len = uint32(len(bufs[i]))
		}
		n[i], errs[i] = 0, nil
	}
	// The store publishes the entries written above (a release, as the
	// kernel's load of the tail is an acquire).
	atomic.StoreUint32(r.sqTail, tail+want)
	submitted, done := uint32(0), uint32(0)
	for done < want {
		var minComplete, flags uintptr
		if submitted == want {
			// Everything is in and something has not completed.
			late = true
			minComplete, flags = uintptr(want-done), ioringEnterGetEvents
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
				errs[i] = errRingNotSent
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
			i := c.userData
			switch {
			case c.res >= 0:
				n[i] = int(c.res)
			case syscall.Errno(-c.res) != syscall.EAGAIN:
				errs[i] = syscall.Errno(-c.res)
			}
			done++
		}
		atomic.StoreUint32(r.cqHead, head)
	}
	return late
}

// errRingNotSent: a send the ring did not make.
var errRingNotSent = errors.New("io_uring: not submitted")

// rings hands out a process's rings, one to each fan-out worker that
// asks, at most maxRings at once: a worker that finds none free writes
// without one. The first ring is checked; if it cannot be made (no
// io_uring in this kernel, or a container's seccomp forbidding it) or
// fails its check, rings are off for the process's life, and so they
// are once a send did not complete at once (ringsLate). A later ring
// that cannot be made (the file limit reached, say) is only not made.
var rings struct {
	mu    sync.Mutex
	tried bool
	off   error // why there are none
	free  []*ring
	made  int
}

// maxRings bounds the rings made: enough for every CPU's fan-out worker
// with a few rooms fanning out at once.
var maxRings = 16

// getRing returns a free ring, or nil (write without one).
func getRing() *ring {
	rings.mu.Lock()
	defer rings.mu.Unlock()
	if rings.off != nil {
		return nil
	}
	if k := len(rings.free); k > 0 {
		r := rings.free[k-1]
		rings.free = rings.free[:k-1]
		return r
	}
	if rings.made >= maxRings {
		return nil
	}
	r, err := newRing()
	if !rings.tried {
		rings.tried = true
		if err == nil {
			if err = r.check(); err != nil {
				r.close()
			}
		}
		if err != nil {
			rings.off = err
			return nil
		}
	}
	if err != nil {
		return nil
	}
	rings.made++
	return r
}

func putRing(r *ring) {
	rings.mu.Lock()
	rings.free = append(rings.free, r)
	rings.mu.Unlock()
}

// ringsLate turns rings off for good: a send did not complete within
// the call that submitted it, so this kernel could make a fan-out wait.
func ringsLate() {
	rings.mu.Lock()
	if rings.off == nil {
		rings.off = errors.New("io_uring: a send did not complete at once")
	}
	rings.mu.Unlock()
}

// ringsAvailable makes the first ring, and reports why there can be none.
func ringsAvailable() error {
	if r := getRing(); r != nil {
		putRing(r)
	}
	rings.mu.Lock()
	defer rings.mu.Unlock()
	return rings.off
}

// checkByte is what check sends: on the heap, as a send's buffer must be.
var checkByte = []byte{'x'}

// check sends one byte on a socket pair through the ring and reads it
// back: a kernel whose io_uring lacks the send operation (before 5.6)
// answers EINVAL, which must not break every phone's connection.
func (r *ring) check() error {
	p, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(p[0])
	defer syscall.Close(p[1])
	var n [1]int
	var errs [1]error
	if r.send([]uintptr{uintptr(p[0])}, [][]byte{checkByte}, n[:], errs[:]) {
		return errors.New("io_uring: a send did not complete at once")
	}
	if errs[0] != nil || n[0] != 1 {
		return fmt.Errorf("io_uring send: %d bytes, %v", n[0], errs[0])
	}
	b := make([]byte, 2)
	if k, err := syscall.Read(p[1], b); err != nil || k != 1 || b[0] != 'x' {
		return fmt.Errorf("io_uring send: read back %d bytes, %v", k, err)
	}
	return nil
}
