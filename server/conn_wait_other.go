//go:build !linux

package server

import "syscall"

// waitReadable returns at once where peeking at a socket is not
// implemented: the read that follows waits instead.
func waitReadable(syscall.RawConn) {}
