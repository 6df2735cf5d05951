package server

import (
	"errors"
	"sync"
	"time"

	"huddle/server/uring"
)

// ringEntries is how many sends a ring takes at once: a fan-out's chunk.
const ringEntries = 64

// rings hands out a process's rings, one to each fan-out worker that
// asks, at most maxRings at once: a worker that finds none free writes
// without one. The first ring is checked; if it cannot be made (no
// io_uring in this kernel, or a container's seccomp forbidding it) or
// fails its check, rings are off for the process's life, and so they
// are once a send did not complete at once (ringsLate). A later ring
// that cannot be made (the file limit reached, say) is only not made,
// and not tried again for ringRetry.
var rings struct {
	mu       sync.Mutex
	tried    bool
	off      error // why there are none
	free     []*uring.Ring
	made     int
	failedAt time.Time // a later ring could not be made
}

// ringRetry is how long after a ring could not be made the next is tried.
const ringRetry = time.Second

// maxRings bounds the rings made: enough for every CPU's fan-out worker
// with a few rooms fanning out at once.
var maxRings = 16

// getRing returns a free ring, or nil (write without one).
func getRing() *uring.Ring {
	rings.mu.Lock()
	defer rings.mu.Unlock()
	if rings.off != nil {
		return nil
	}
	if k := len(rings.free); k > 0 {
		r := rings.free[k-1]
		rings.free = rings.free[:k-1]
		return r
	}
	if rings.made >= maxRings || time.Since(rings.failedAt) < ringRetry {
		return nil
	}
	r, err := uring.New(ringEntries)
	if !rings.tried {
		rings.tried = true
		if err == nil {
			if err = r.Check(); err != nil {
				r.Close()
			}
		}
		if err != nil {
			rings.off = err
			return nil
		}
	}
	if err != nil {
		rings.failedAt = time.Now()
		return nil
	}
	rings.made++
	return r
}

// putRing gives r back, or closes it once rings are off.
func putRing(r *uring.Ring) {
	rings.mu.Lock()
	defer rings.mu.Unlock()
	if rings.off != nil {
		r.Close()
		return
	}
	rings.free = append(rings.free, r)
}

// ringsLate turns rings off for good: a send did not complete within
// the call that submitted it, so this kernel could make a fan-out wait.
// The free rings are closed; those in use are as they come back.
func ringsLate() {
	rings.mu.Lock()
	defer rings.mu.Unlock()
	if rings.off == nil {
		rings.off = errors.New("io_uring: a send did not complete at once")
	}
	for _, r := range rings.free {
		r.Close()
	}
	rings.free = nil
}

// ringsAvailable makes the first ring, and reports why there can be none.
func ringsAvailable() error {
	if r := getRing(); r != nil {
		putRing(r)
	}
	rings.mu.Lock()
	defer rings.mu.Unlock()
	return rings.off
}
