package loadgen

import (
	"net"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestRxTimeIsArrival checks what the tool's latencies rest on: on a
// loopback TCP socket with SO_TIMESTAMPNS, recvmsg says when the bytes
// arrived, not when they are read.
func TestRxTimeIsArrival(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	rc, err := client.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n, oobn int
	buf, oob := make([]byte, 64), make([]byte, 128)
	var rerr error
	if err := rc.Control(func(fd uintptr) {
		rerr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	}); err != nil || rerr != nil {
		t.Fatal(err, rerr)
	}
	// The kernel turns receive timestamps on a moment after the first
	// socket asks (net_enable_timestamp defers it): the first bytes may
	// come without one, and the tool then uses the read's time.
	stamped := false
	for try := 0; try < 5 && !stamped; try++ {
		written := time.Now()
		if _, err := server.Write([]byte("hi")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // the tool is busy elsewhere
		if err := rc.Read(func(fd uintptr) bool {
			n, oobn, _, _, rerr = unix.Recvmsg(int(fd), buf, oob, 0)
			return rerr != unix.EAGAIN
		}); err != nil || rerr != nil {
			t.Fatal(err, rerr)
		}
		read := time.Now()
		if string(buf[:n]) != "hi" {
			t.Fatalf("read %q", buf[:n])
		}
		arrived := rxTime(oob[:oobn], read)
		if arrived.Equal(read) {
			continue
		}
		stamped = true
		if d := arrived.Sub(written); d < -time.Millisecond || d > 20*time.Millisecond {
			t.Fatalf("arrived %v after the write (read %v after)", d, read.Sub(written))
		}
	}
	if !stamped {
		t.Fatal("no receive timestamp in five tries")
	}
}

// TestRxTimeParses: the timestamp is found among other control messages,
// and a truncated buffer is no timestamp.
func TestRxTimeParses(t *testing.T) {
	other := make([]byte, unix.CmsgSpace(4))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&other[0]))
	h.Level, h.Type = unix.SOL_IP, unix.IP_TTL
	h.SetLen(unix.CmsgLen(4))
	ts := make([]byte, unix.CmsgSpace(16))
	h = (*unix.Cmsghdr)(unsafe.Pointer(&ts[0]))
	h.Level, h.Type = unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS
	h.SetLen(unix.CmsgLen(16))
	*(*unix.Timespec)(unsafe.Pointer(&ts[unix.CmsgLen(0)])) = unix.Timespec{Sec: 1700000000, Nsec: 123456789}
	fallback := time.Unix(1, 0)
	want := time.Unix(1700000000, 123456789)
	if got := rxTime(append(other, ts...), fallback); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := rxTime(ts[:unix.CmsgLen(0)+8], fallback); !got.Equal(fallback) {
		t.Fatalf("truncated: got %v, want the fallback", got)
	}
	if got := rxTime(nil, fallback); !got.Equal(fallback) {
		t.Fatalf("none: got %v", got)
	}
}
