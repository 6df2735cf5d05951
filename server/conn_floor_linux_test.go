package server

import (
	"errors"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The floor under a broadcast to 10,000 on this machine: one prebuilt
// frame written to each of up to 10,000 loopback sockets by one goroutine
// per CPU, and nothing else: no server, no WebSocket. ms/broadcast is the
// wall time from the first write to the last one returning, the earliest
// a broadcast's last delivery could arrive however little the server did;
// cpu-µs/write is the process's CPU (user and system) per write, the
// readers' included.
//
// unread: nobody reads while the writes run (the receiving sockets are in
// no epoll set and are drained between rounds, off the clock), so only
// the writes and the receiving side's TCP, which loopback runs inside
// them, are timed. read: the receiving sockets are read the way `huddle
// load` reads its phones (two epoll loops polling every millisecond,
// recvmsg with kernel timestamps), on the same cores, as in the
// broadcast-10000 target.
//
// unread-batched and read-batched: the same, the writes made as the
// node's fan-out makes them with batch-writes (sendChunk): each writer
// sends 64 sockets' frames with one io_uring submission.
//
// The sockets are as many as the file limit allows, up to 10,000 pairs
// (the run says how many).
//
// held-batched: unread and batched, the receiving sockets set up as the
// load tool's phones are while it holds their reads (in an epoll set,
// edge-triggered, with nobody waiting in it; each arrival stamped,
// SO_TIMESTAMPNS): the floor under broadcast-10000-held.
func BenchmarkWriteFloor(b *testing.B) {
	b.Run("unread", func(b *testing.B) { benchWriteFloor(b, false, false, false) })
	b.Run("read", func(b *testing.B) { benchWriteFloor(b, true, false, false) })
	b.Run("unread-batched", func(b *testing.B) { benchWriteFloor(b, false, true, false) })
	b.Run("read-batched", func(b *testing.B) { benchWriteFloor(b, true, true, false) })
	b.Run("held-batched", func(b *testing.B) { benchWriteFloor(b, false, true, true) })
}

func benchWriteFloor(b *testing.B, read, batched, held bool) {
	if batched {
		if err := ringsAvailable(); err != nil {
			b.Skipf("no io_uring here: %v", err)
		}
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Fatal(err)
	}
	n := min(10000, int(lim.Cur-200)/2)
	if n < 100 {
		b.Skipf("file limit %d: too few sockets", lim.Cur)
	}
	b.Logf("%d sockets, %d writers", n, runtime.GOMAXPROCS(0))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	servers := make([]net.Conn, 0, n)
	receivers := make([]*os.File, 0, n)
	defer func() {
		for _, c := range servers {
			c.Close()
		}
		for _, f := range receivers {
			f.Close()
		}
	}()
	for range n {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		s, err := ln.Accept()
		if err != nil {
			b.Fatal(err)
		}
		servers = append(servers, s)
		// A duplicate outside Go's poller; closing c takes the socket out
		// of the poller's epoll set, so arrivals wake no thread.
		f, err := c.(*net.TCPConn).File()
		c.Close()
		if err != nil {
			b.Fatal(err)
		}
		if err := syscall.SetNonblock(int(f.Fd()), true); err != nil {
			b.Fatal(err)
		}
		receivers = append(receivers, f)
	}
	var pending atomic.Int64 // messages written and not yet read
	if held {
		epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			b.Fatal(err)
		}
		defer unix.Close(epfd)
		addAsPhones(b, epfd, receivers)
	}
	if read {
		stop := startFloorReaders(b, receivers, &pending)
		defer stop()
	}
	// An event frame of about the size of broadcast-10000's.
	frame, _ := appendFrames(nil, [][]byte{[]byte(`{"type":"event","event":"room.updated","seq":12345,"epoch":"e","data":{"title":"Broadcast 17 of 20","code":"ABCDEF"}}`)}, 1<<16)
	drain := make([]byte, 4096)
	var wall time.Duration
	var cpu int64
	var ru0, ru1 syscall.Rusage
	for b.Loop() {
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		start := time.Now()
		if batched {
			sendToAllBatched(b, servers, frame)
		} else {
			writeToAll(b, servers, frame)
		}
		wall += time.Since(start)
		b.StopTimer()
		if read {
			// The readers' work after the last write is off the wall
			// clock but not off the CPU.
			pending.Add(int64(n))
			for pending.Load() > 0 {
				time.Sleep(time.Millisecond)
			}
		}
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		cpu += ru1.Utime.Nano() - ru0.Utime.Nano() + ru1.Stime.Nano() - ru0.Stime.Nano()
		if !read {
			for _, f := range receivers {
				if _, err := syscall.Read(int(f.Fd()), drain); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StartTimer()
	}
	rounds := float64(b.N)
	b.ReportMetric(float64(wall.Milliseconds())/rounds, "ms/broadcast")
	b.ReportMetric(float64(cpu)/1e3/rounds/float64(n), "cpu-µs/write")
	b.ReportMetric(float64(n), "sockets")
}

// startFloorReaders reads fs as `huddle load` reads its phones (see
// server/loadgen/wire_linux.go): two edge-triggered epoll loops that
// poll every millisecond while there is something to read, recvmsg with
// kernel timestamps until a read takes less than the buffer. Each
// message read takes one from pending.
func startFloorReaders(b *testing.B, fs []*os.File, pending *atomic.Int64) (stop func()) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		b.Fatal(err)
	}
	addAsPhones(b, epfd, fs)
	var quit atomic.Bool
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			events := make([]unix.EpollEvent, 512)
			buf := make([]byte, 64<<10)
			oob := make([]byte, 128)
			for !quit.Load() {
				k, err := unix.EpollWait(epfd, events, 0)
				if err != nil && !errors.Is(err, unix.EINTR) {
					b.Error(err)
					return
				}
				for _, ev := range events[:max(k, 0)] {
					for {
						m, _, _, _, err := unix.Recvmsg(int(ev.Fd), buf, oob, 0)
						if err != nil || m <= 0 {
							break
						}
						pending.Add(-1) // one frame per round: a round reads it whole
						if m < len(buf) {
							break
						}
					}
				}
				if k < len(events) {
					time.Sleep(time.Millisecond)
				}
			}
		})
	}
	return func() {
		quit.Store(true)
		wg.Wait()
		unix.Close(epfd)
	}
}

// sendToAllBatched is writeToAll through rings: one writer per CPU, each
// sending ringEntries sockets' frames per submission.
func sendToAllBatched(b *testing.B, conns []net.Conn, frame []byte) {
	fds := make([]uintptr, len(conns))
	for i, c := range conns {
		rc, err := c.(*net.TCPConn).SyscallConn()
		if err != nil {
			b.Fatal(err)
		}
		_ = rc.Control(func(fd uintptr) { fds[i] = fd })
	}
	workers := runtime.GOMAXPROCS(0)
	chunk := (len(fds) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(fds); lo += chunk {
		wg.Go(func() {
			r := getRing()
			if r == nil {
				b.Error("no ring")
				return
			}
			defer putRing(r)
			var bufs [ringEntries][]byte
			var n [ringEntries]int
			var errs [ringEntries]error
			for i := range bufs {
				bufs[i] = frame
			}
			mine := fds[lo:min(lo+chunk, len(fds))]
			for k := 0; k < len(mine); k += ringEntries {
				part := mine[k:min(k+ringEntries, len(mine))]
				r.Send(part, bufs[:len(part)], n[:len(part)], errs[:len(part)])
				for i := range part {
					if errs[i] != nil || n[i] != len(frame) {
						b.Errorf("send: %d bytes, %v", n[i], errs[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// addAsPhones sets fs up as the load tool's phones are: non-blocking,
// stamping each arrival (SO_TIMESTAMPNS), in the epoll set epfd,
// edge-triggered.
func addAsPhones(b *testing.B, epfd int, fs []*os.File) {
	for _, f := range fs {
		fd := int(f.Fd()) // Fd makes the file blocking again
		if err := syscall.SetNonblock(fd, true); err != nil {
			b.Fatal(err)
		}
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
			b.Fatal(err)
		}
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: int32(fd)}
		if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
			b.Fatal(err)
		}
	}
}
