//go:build !linux

package server

import "errors"

// ring sends nothing where Linux's io_uring is not available: every
// write is one of its own (see uring_linux.go).
type ring struct{}

const ringEntries = 64

var errRingNotSent = errors.New("io_uring: not submitted")

func getRing() *ring { return nil }
func putRing(*ring)  {}
func ringsAvailable() error {
	return errors.New("batched writes need Linux's io_uring")
}

func (*ring) send(_ []uintptr, _ [][]byte, _ []int, errs []error) bool {
	for i := range errs {
		errs[i] = errRingNotSent
	}
	return false
}

func ringsLate() {}
