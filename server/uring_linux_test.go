//go:build linux

package server

import (
	"bytes"
	"errors"
	"syscall"
	"testing"
	"time"
)

// A ring's send is a write that never waits: each socket takes what it
// can, a full one takes nothing without an error, a partly full one part,
// and a socket whose peer is gone fails alone.
func TestRingSendIsAWriteThatNeverWaits(t *testing.T) {
	r := getRing()
	if r == nil {
		t.Skipf("no io_uring here: %v", ringsAvailable())
	}
	defer putRing(r)
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
	const sockets = ringEntries
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
	go func() { sent <- r.send(fds, bufs, n, errs) }()
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
	r.send(fds[:1], bufs[:1], n[:1], errs[:1])
	if n[0] != len(bufs[0]) || errs[0] != nil {
		t.Fatalf("second send: %d bytes, %v", n[0], errs[0])
	}
}
