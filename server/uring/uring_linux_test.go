//go:build linux

package uring

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A ring's send is a write that never waits: each socket takes what it
// can, a full one takes nothing without an error, a partly full one part,
// and a socket whose peer is gone fails alone.
func TestSendIsAWriteThatNeverWaits(t *testing.T) {
	r := newChecked(t)
	pair := func() (int, int) {
		t.Helper()
		p, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { syscall.Close(p[0]); syscall.Close(p[1]) })
		if err := syscall.SetNonblock(p[0], true); err != nil {
			t.Fatal(err)
		}
		return p[0], p[1]
	}
	// fill writes to fd until it takes nothing more.
	fill := func(fd int) {
		chunk := make([]byte, 4096)
		for {
			if _, err := syscall.Write(fd, chunk); err != nil {
				if errors.Is(err, syscall.EAGAIN) {
					return
				}
				t.Fatal(err)
			}
		}
	}
	const sockets = 64
	fds := make([]uintptr, sockets)
	peers := make([]int, sockets)
	bufs := make([][]byte, sockets)
	for i := range sockets {
		a, b := pair()
		fds[i], peers[i] = uintptr(a), b
		bufs[i] = bytes.Repeat([]byte{byte('a' + i%26)}, 100+i)
	}
	full, gone := 5, 9
	fill(int(fds[full]))
	syscall.Close(peers[gone])
	peers[gone] = -1
	n := make([]int, sockets)
	errs := make([]error, sockets)
	// Every send completes within the call: a send that waited would
	// hang here (a poll armed on the full socket), so it runs apart.
	sent := make(chan bool)
	go func() { sent <- r.Send(fds, bufs, n, errs) }()
	select {
	case late := <-sent:
		if late {
			t.Error("a send did not complete within the submitting call")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the ring's send waited")
	}
	for i := range sockets {
		switch i {
		case full:
			if n[i] != 0 || errs[i] != nil {
				t.Errorf("full socket: %d bytes, %v; want 0, no error", n[i], errs[i])
			}
		case gone:
			if !errors.Is(errs[i], syscall.EPIPE) {
				t.Errorf("socket with no peer: %d bytes, %v; want EPIPE", n[i], errs[i])
			}
		default:
			if n[i] != len(bufs[i]) || errs[i] != nil {
				t.Errorf("socket %d: %d bytes, %v; want %d", i, n[i], errs[i], len(bufs[i]))
				continue
			}
			got := make([]byte, 1024)
			k, err := syscall.Read(peers[i], got)
			if err != nil || !bytes.Equal(got[:k], bufs[i]) {
				t.Errorf("socket %d read back %q, %v", i, got[:k], err)
			}
		}
	}
	// The ring is ready for the next chunk: nothing left in flight.
	r.Send(fds[:1], bufs[:1], n[:1], errs[:1])
	if n[0] != len(bufs[0]) || errs[0] != nil {
		t.Fatalf("second send: %d bytes, %v", n[0], errs[0])
	}
}

// newChecked makes a ring of 64 entries that passed its check, or skips
// the test where the kernel (or a container's seccomp) has no io_uring.
func newChecked(t *testing.T) *Ring {
	t.Helper()
	r, err := New(64)
	if err != nil {
		t.Skipf("no io_uring here: %v", err)
	}
	t.Cleanup(r.Close)
	if err := r.Check(); err != nil {
		t.Fatalf("a ring that was made fails its check: %v", err)
	}
	return r
}

// Recvmsg is a recvmsg that never waits: each socket gives what it holds
// with its control messages (a kernel receive timestamp here), an empty
// one EAGAIN, a closed one the end of its stream.
func TestRecvmsgIsARecvmsgThatNeverWaits(t *testing.T) {
	r := newChecked(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const sockets = 8
	empty, ended := 2, 5
	fds := make([]uintptr, sockets)
	var peers []net.Conn
	for i := range sockets {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		f, err := c.(*net.TCPConn).File()
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close(); s.Close() })
		fd := int(f.Fd())
		if err := syscall.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
			t.Fatal(err)
		}
		fds[i] = uintptr(fd)
		peers = append(peers, s)
	}
	// The kernel turns its receive timestamps on a moment after the
	// first socket asks for them (net_enable_timestamp defers it): what
	// arrives before is not stamped.
	time.Sleep(50 * time.Millisecond)
	for i, s := range peers {
		switch i {
		case empty:
		case ended:
			s.Close()
		default:
			if _, err := fmt.Fprintf(s, "message %d", i); err != nil {
				t.Fatal(err)
			}
		}
	}
	time.Sleep(50 * time.Millisecond) // loopback delivers at once; this is slack
	bufs := make([][]byte, sockets)
	oobs := make([][]byte, sockets)
	iovs := make([]unix.Iovec, sockets)
	msgs := make([]unix.Msghdr, sockets)
	for i := range msgs {
		bufs[i] = make([]byte, 256)
		oobs[i] = make([]byte, 128)
		iovs[i].Base = &bufs[i][0]
		iovs[i].SetLen(len(bufs[i]))
		msgs[i].Iov = &iovs[i]
		msgs[i].SetIovlen(1)
		msgs[i].Control = &oobs[i][0]
		msgs[i].SetControllen(len(oobs[i]))
	}
	// What the kernel writes to must be on the heap (see Recvmsg).
	heap = []any{bufs, oobs, iovs, msgs}
	n := make([]int, sockets)
	errs := make([]error, sockets)
	if r.Recvmsg(fds, msgs, n, errs) {
		t.Error("a read did not complete within the submitting call")
	}
	for i := range sockets {
		switch i {
		case empty:
			if !errors.Is(errs[i], syscall.EAGAIN) {
				t.Errorf("empty socket: %d bytes, %v; want EAGAIN", n[i], errs[i])
			}
		case ended:
			if n[i] != 0 || errs[i] != nil {
				t.Errorf("ended socket: %d bytes, %v; want 0, no error", n[i], errs[i])
			}
		default:
			if want := fmt.Sprintf("message %d", i); errs[i] != nil || string(bufs[i][:n[i]]) != want {
				t.Errorf("socket %d: %q, %v; want %q", i, bufs[i][:n[i]], errs[i], want)
				continue
			}
			if msgs[i].Controllen == 0 {
				t.Errorf("socket %d: no control message (the kernel's timestamp)", i)
				continue
			}
			cms, err := unix.ParseSocketControlMessage(oobs[i][:msgs[i].Controllen])
			if err != nil || len(cms) != 1 || cms[0].Header.Type != unix.SCM_TIMESTAMPNS {
				t.Errorf("socket %d: control messages %v, %v; want one timestamp", i, cms, err)
			}
		}
	}
}

// heap keeps a test's buffers on the heap whatever escape analysis finds:
// the kernel writes to them by address.
var heap []any
