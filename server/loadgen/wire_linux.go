//go:build linux

package loadgen

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"huddle/server/uring"
)

// On Linux a wire's socket leaves Go's network poller: the tool keeps a
// duplicate of its descriptor, read by one of a few epoll loops (one per
// CPU) with recvmsg, which also returns the kernel's receive timestamp
// (SO_TIMESTAMPNS). Ten thousand phones then cost one epoll_wait per
// batch of ready sockets and one read each, instead of a goroutine
// woken, a read and a read that finds nothing, per message.

type wireSys struct {
	fd       int
	p        *poller
	flushing bool // a goroutine waits to write w.out
}

// poller is one epoll loop and the wires it reads.
type poller struct {
	epfd  int
	wake  int // an eventfd in the epoll set: written to make the loop look at quit
	quit  atomic.Bool
	mu    sync.Mutex
	wires map[int32]*wire
	// rr reads the ready sockets ringReads at a time with one system
	// call (nil: a recvmsg each; see readReady).
	rr *ringReader
}

// The pollers run while wires are open: the first wire starts them, the
// last one to end stops them.
var (
	pollMu    sync.Mutex
	pollers   []*poller
	wiresOpen int
	pollNext  int
)

// register adds w (its socket is w.sys.fd) to a poller.
func register(w *wire) error {
	pollMu.Lock()
	defer pollMu.Unlock()
	if len(pollers) == 0 {
		for range min(max(runtime.GOMAXPROCS(0), 1), 4) {
			p, err := newPoller()
			if err != nil {
				for _, p := range pollers {
					p.stop()
				}
				pollers = nil
				return err
			}
			pollers = append(pollers, p)
		}
	}
	pollNext++
	p := pollers[pollNext%len(pollers)]
	w.sys.p = p
	p.mu.Lock()
	p.wires[int32(w.sys.fd)] = w
	p.mu.Unlock()
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(w.sys.fd)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, w.sys.fd, &ev); err != nil {
		p.mu.Lock()
		delete(p.wires, int32(w.sys.fd))
		p.mu.Unlock()
		return err
	}
	wiresOpen++
	return nil
}

// unregister takes w out of its poller; the last wire stops the pollers.
func unregister(w *wire) {
	p := w.sys.p
	p.mu.Lock()
	delete(p.wires, int32(w.sys.fd))
	p.mu.Unlock()
	_ = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, w.sys.fd, nil)
	pollMu.Lock()
	defer pollMu.Unlock()
	if wiresOpen--; wiresOpen == 0 {
		for _, p := range pollers {
			p.stop()
		}
		pollers = nil
	}
}

func newPoller() (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(wake)}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wake, &ev); err != nil {
		unix.Close(epfd)
		unix.Close(wake)
		return nil, err
	}
	p := &poller{epfd: epfd, wake: wake, wires: map[int32]*wire{}, rr: newRingReader()}
	go p.loop()
	return p, nil
}

// stop makes the loop end, and close its descriptors, once it has
// handled what it is handling.
func (p *poller) stop() {
	p.quit.Store(true)
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1) // an eventfd counts in the machine's byte order
	_, _ = unix.Write(p.wake, one[:])
}

// start takes the upgraded connection over: leftover is what the server
// sent after its handshake.
func (w *wire) start(nc net.Conn, leftover []byte) error {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		nc.Close()
		return errors.New("websocket: not a TCP connection")
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		nc.Close()
		return err
	}
	fd, derr := -1, error(nil)
	cerr := rc.Control(func(s uintptr) { fd, derr = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0) })
	// Go's poller forgets the socket (it deletes it from its epoll set
	// before closing its descriptor); the duplicate keeps it open.
	nc.Close()
	if err := errors.Join(cerr, derr); err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		return err
	}
	if err := errors.Join(unix.SetNonblock(fd, true),
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)); err != nil {
		unix.Close(fd)
		return err
	}
	w.sys.fd = fd
	if len(leftover) > 0 {
		now := time.Now()
		if err := w.feed(leftover, now, now); err != nil {
			unix.Close(fd)
			return err
		}
	}
	if err := register(w); err != nil {
		unix.Close(fd)
		return err
	}
	return nil
}

// Holding reads (Options.HoldReads): while the clock is before holdUntil
// (unix ns) the loops read nothing, so that the phones' reading, which
// real phones do on processors of their own, leaves the node's cores to
// the node while it works. What arrives meanwhile waits in the sockets
// with its kernel timestamp. But TCP merges a packet into the one queued
// before it when it can, and the merged packet keeps the later arrival
// time: a message held with others behind it would seem to arrive with
// the last of them. So reads are held only where each phone gets one
// message in the held time (a broadcast), and even there a message
// that followed it could only make the figure later, never earlier.
var holdUntil atomic.Int64

// canHoldReads: the kernel's receive timestamps keep held messages'
// arrival times.
const canHoldReads = true

// waitHold returns once no hold is on, or quit is set.
func waitHold(quit *atomic.Bool) {
	for d := time.Until(time.Unix(0, holdUntil.Load())); d > 0 && !quit.Load(); d = time.Until(time.Unix(0, holdUntil.Load())) {
		time.Sleep(min(d, 20*time.Millisecond)) // and look at quit now and then
	}
}

// holdReads makes the loops read nothing until until.
func holdReads(until time.Time) { holdUntil.Store(until.UnixNano()) }

// The loops poll rather than wait while messages come: a thread asleep in
// epoll_wait is woken by every arrival, and on the shared machine each
// wake-up is CPU the node under load does not get. Arrival times come
// from the kernel, so reading a little later changes no figure (the
// read lag in the report says how much later).
const (
	pollEvery    = time.Millisecond
	idleToSleep  = 200 // empty polls in a row before waiting in epoll_wait
	pollerEvents = 512
)

// loop reads every wire of p whose socket has something, until p stops.
// Edge-triggered: a socket is reported once per arrival and read until a
// read takes less than the buffer (readAll). Level-triggered, every
// socket read was polled again by the next epoll_wait to find it empty: a
// second tcp_poll per message, on the cores the node under load shares.
func (p *poller) loop() {
	defer func() {
		unix.Close(p.epfd)
		unix.Close(p.wake)
		if p.rr != nil {
			p.rr.r.Close()
		}
	}()
	events := make([]unix.EpollEvent, pollerEvents)
	type readyWire struct {
		w   *wire
		hup bool // the peer's end (or our shutdown) came with it
	}
	ready := make([]readyWire, 0, len(events))
	buf := make([]byte, 256<<10)
	oob := make([]byte, 128)
	idle := 0
	for !p.quit.Load() {
		waitHold(&p.quit)
		timeout := 0
		if idle >= idleToSleep {
			timeout = -1
		}
		n, err := unix.EpollWait(p.epfd, events, timeout)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			panic("huddle load: epoll_wait: " + err.Error())
		}
		// A loop asleep in epoll_wait is woken by the first arrival of a
		// held broadcast: it reads what epoll said once the hold is over
		// (edge-triggered, each socket is then read to its end).
		waitHold(&p.quit)
		p.mu.Lock()
		for _, ev := range events[:n] {
			if w := p.wires[ev.Fd]; w != nil {
				ready = append(ready, readyWire{w, ev.Events&(unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0})
			}
		}
		p.mu.Unlock()
		if p.rr != nil {
			for lo := 0; lo < len(ready); lo += ringReads {
				part := ready[lo:min(lo+ringReads, len(ready))]
				for i, r := range part {
					p.rr.wires[i], p.rr.hups[i] = r.w, r.hup
				}
				if p.rr.read(len(part), buf, oob) {
					// A read waited: this kernel's reads do not
					// complete at once; read with recvmsg from now on.
					p.rr.r.Close()
					p.rr = nil
					for _, r := range ready[lo+len(part):] {
						r.w.readAll(buf, oob, r.hup)
					}
					break
				}
			}
		} else {
			for _, r := range ready {
				r.w.readAll(buf, oob, r.hup)
			}
		}
		clear(ready)
		if len(ready) == 0 {
			idle++
		} else {
			idle = 0
		}
		if len(ready) < len(events) {
			time.Sleep(pollEvery)
		}
		ready = ready[:0]
	}
}

// BatchReads: the load tool's pollers read the sockets epoll reports
// ringReads at a time, one io_uring call for all of them instead of a
// recvmsg each (package uring), where the kernel allows it. On this
// project's machines a system call costs about 1.2 µs before it does
// anything, and the tool reads on the node's cores.
// HUDDLE_LOAD_BATCH_READS=false turns it off, to compare.
var BatchReads = os.Getenv("HUDDLE_LOAD_BATCH_READS") != "false"

// ringReads is how many sockets one ring call reads, and ringReadBuf
// what it reads of each at most: a broadcast's or a tally's message
// whole; a socket that fills it is read on with recvmsg (readAll).
const (
	ringReads   = 64
	ringReadBuf = 16 << 10
)

// ringReader is a poller's ring and the buffers and message headers of
// its reads, made once.
type ringReader struct {
	r     *uring.Ring
	wires [ringReads]*wire
	hups  [ringReads]bool
	fds   [ringReads]uintptr
	msgs  [ringReads]unix.Msghdr
	iovs  [ringReads]unix.Iovec
	bufs  [ringReads][]byte
	oobs  [ringReads][]byte
	n     [ringReads]int
	errs  [ringReads]error
}

// newRingReader returns nil where reads cannot be batched (BatchReads
// off, no io_uring, or a ring that fails its check).
func newRingReader() *ringReader {
	if !BatchReads {
		return nil
	}
	r, err := uring.New(ringReads)
	if err != nil {
		return nil
	}
	if err := r.Check(); err != nil {
		r.Close()
		return nil
	}
	rr := &ringReader{r: r}
	for i := range rr.msgs {
		rr.bufs[i] = make([]byte, ringReadBuf)
		rr.oobs[i] = make([]byte, 128)
		rr.iovs[i].Base = &rr.bufs[i][0]
		rr.iovs[i].SetLen(ringReadBuf)
		rr.msgs[i].Iov = &rr.iovs[i]
		rr.msgs[i].SetIovlen(1)
	}
	return rr
}

// read reads the first k of rr.wires with one ring call and handles what
// each gave as readAll would, reading on with readAll (buf, oob) where a
// socket may hold more: its read filled the buffer, or the peer's end
// came with it (hup). A read the ring could not make (refused, or an
// error other than EAGAIN) is made again by readAll, which ends the wire
// if the socket fails it too. It reports late (see package uring): the
// caller then stops using the ring.
func (rr *ringReader) read(k int, buf, oob []byte) (late bool) {
	for i := range k {
		rr.fds[i] = uintptr(rr.wires[i].sys.fd)
		rr.msgs[i].Control = &rr.oobs[i][0]
		rr.msgs[i].SetControllen(len(rr.oobs[i]))
		rr.msgs[i].Flags = 0
	}
	late = rr.r.Recvmsg(rr.fds[:k], rr.msgs[:k], rr.n[:k], rr.errs[:k])
	for i := range k {
		w, n, err := rr.wires[i], rr.n[i], rr.errs[i]
		rr.wires[i], rr.errs[i] = nil, nil
		// Read as each was handled, as readAll times its reads: the
		// read lag counts the batch's handling before it.
		read := time.Now()
		switch {
		case errors.Is(err, unix.EAGAIN):
			if rr.hups[i] {
				w.readAll(buf, oob, true)
			}
		case err != nil:
			w.readAll(buf, oob, rr.hups[i])
		case w.got(rr.bufs[i][:n], rr.oobs[i][:rr.msgs[i].Controllen], nil, read) && (n == ringReadBuf || rr.hups[i]):
			w.readAll(buf, oob, rr.hups[i])
		}
	}
	return late
}

// got handles one read of w's socket, data with its control data oob,
// or err (not EINTR or EAGAIN): the end of the stream when data is empty.
// It reports whether w is still open, so that the socket may be read on.
func (w *wire) got(data, oob []byte, err error, read time.Time) bool {
	switch {
	case err != nil:
		w.end(err)
		return false
	case len(data) == 0:
		w.end(io.EOF)
		return false
	}
	if err := w.feed(data, rxTime(oob, read), read); err != nil {
		w.end(err)
		return false
	}
	return true
}

// readAll reads and handles what the socket holds, len(buf) at a time,
// until a read takes less than buf: that was everything there was, and
// what arrives after it is reported again. But a read stops short of the
// peer's FIN, which came with the data and is not reported again: with
// hup (epoll saw the end), readAll reads on to the end or to EAGAIN.
func (w *wire) readAll(buf, oob []byte, hup bool) {
	for {
		n, oobn, _, _, err := unix.Recvmsg(w.sys.fd, buf, oob, 0)
		read := time.Now()
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EAGAIN):
			return
		}
		if !w.got(buf[:max(n, 0)], oob[:max(oobn, 0)], err, read) {
			return
		}
		if n < len(buf) && !hup {
			return
		}
	}
}

// rxTime is the kernel's receive timestamp in a recvmsg's control data:
// for TCP, when the last of the bytes read reached the socket.
func rxTime(oob []byte, otherwise time.Time) time.Time {
	hdr := unix.CmsgLen(0)
	for len(oob) >= hdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		l := int(h.Len)
		if l < hdr || l > len(oob) {
			break
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS && l-hdr >= int(unsafe.Sizeof(unix.Timespec{})) {
			ts := (*unix.Timespec)(unsafe.Pointer(&oob[hdr]))
			return time.Unix(int64(ts.Sec), int64(ts.Nsec))
		}
		oob = oob[min(len(oob), unix.CmsgSpace(l-hdr)):]
	}
	return otherwise
}

// release closes the socket, called once by end with w.mu: out of the
// poller first, so its descriptor number is never read as another's.
func (s *wireSys) release(w *wire) {
	w.out = nil
	unregister(w)
	unix.Close(s.fd)
}

// write writes a frame, called with w.mu: at once when the socket takes
// it, else what is left waits for a goroutine that waits for room.
// It never blocks.
func (s *wireSys) write(w *wire, frame []byte) error {
	if len(w.out) > 0 {
		w.out = append(w.out, frame...)
		return nil
	}
	n, err := unix.Write(s.fd, frame)
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
		n, err = 0, nil
	}
	if err != nil {
		return err
	}
	if n < len(frame) {
		w.out = append(w.out, frame[n:]...)
		if !s.flushing {
			s.flushing = true
			go w.flush()
		}
	}
	return nil
}

// flush writes w.out as the socket makes room for it.
func (w *wire) flush() {
	for {
		w.mu.Lock()
		fd := w.sys.fd
		w.mu.Unlock()
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		_, _ = unix.Poll(pfd, 100)
		w.mu.Lock()
		if w.closed || w.closing {
			w.out, w.sys.flushing = nil, false
			w.mu.Unlock()
			return
		}
		n, err := unix.Write(fd, w.out)
		if err != nil && !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
			// The reader will find the connection broken.
			w.out, w.sys.flushing = nil, false
			w.mu.Unlock()
			return
		}
		w.out = w.out[max(n, 0):]
		if len(w.out) == 0 {
			w.out, w.sys.flushing = nil, false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
	}
}

// shutdown ends both directions, called with w.mu: the poller then reads
// the end and closes the socket.
func (s *wireSys) shutdown(w *wire) { _ = unix.Shutdown(s.fd, unix.SHUT_RDWR) }
