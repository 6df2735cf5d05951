//go:build !linux

package server

import "syscall"

// rawWrite writes nothing where a write without waiting is not available:
// the caller sends everything from a goroutine that may wait.
type rawWrite struct{}

func newRawWrite(syscall.RawConn) *rawWrite { return &rawWrite{} }

func (*rawWrite) now([]byte) (int, error) { return 0, nil }

func (*rawWrite) desc() uintptr { return 0 }
