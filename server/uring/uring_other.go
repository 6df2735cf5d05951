//go:build !linux

// Package uring is Linux's io_uring; elsewhere New fails and callers
// make one system call per operation (see uring_linux.go).
package uring

import "errors"

// Ring is never made here.
type Ring struct{}

// ErrNotSubmitted says an operation was never made.
var ErrNotSubmitted = errors.New("io_uring: not submitted")

// New fails: io_uring is Linux's.
func New(int) (*Ring, error) { return nil, errors.New("io_uring is Linux's") }

func (*Ring) Entries() int { return 0 }
func (*Ring) Close()       {}
func (*Ring) Check() error { return errors.New("io_uring is Linux's") }

// Send makes nothing: every send is ErrNotSubmitted.
func (*Ring) Send(_ []uintptr, _ [][]byte, _ []int, errs []error) bool {
	for i := range errs {
		errs[i] = ErrNotSubmitted
	}
	return false
}
