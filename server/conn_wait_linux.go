//go:build linux

package server

import (
	"syscall"
	"unsafe"
)

// waitReadable blocks until the socket has bytes to read, has reached its
// end or failed, without reading anything. It parks the goroutine a few
// frames deep, where a read through coder/websocket parks it about twenty
// frames deep: over the 2 KiB that lets the runtime shrink an idle
// goroutine's stack to its smallest. The socket is peeked first, so bytes
// that arrived before the wait are never missed.
func waitReadable(rc syscall.RawConn) {
	_ = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, errno := syscall.Syscall6(syscall.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), 1,
			syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
		// Data, the end of the stream or an error: the read tells which.
		return errno != syscall.EAGAIN
	})
}
