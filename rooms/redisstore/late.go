package redisstore

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"huddle/rooms"
)

// A node that gives up waiting for Redis answers the command unavailable,
// "nothing applied" (docs/protocol.md). But a command it gave up on may
// still sit in Redis's input, and a Redis that stalled (a fork, a slow
// disk, a paused VM) runs it when it comes back: applied after all, under
// an answer that said it was not, and a phone whose join was answered so
// that joins again leaves a member nobody is. So every change carries its
// deadline, the moment its node gives up on it, in Redis's clock; the
// scripts refuse a change they reach after it ("late") before writing
// anything. The node knows Redis's clock from TIME, read once a minute
// (redisClock); until the first reading a change carries no deadline.
//
// The deadline is lateMargin before the node gives up, so that a change
// run just in time has that long for its answer to come back: the answer
// of a change run later than that is refused anyway.
const (
	lateMargin = 500 * time.Millisecond
	// clockEvery is how often the node reads Redis's clock again;
	// clockRetry how soon after a reading that failed.
	clockEvery = time.Minute
	clockRetry = 5 * time.Second
	// clockMaxRTT is the longest round trip a reading is kept from: the
	// reading is off by at most half of it.
	clockMaxRTT = 100 * time.Millisecond
)

// errLate is a change Redis reached after its node had given up on it.
var errLate = fmt.Errorf("redisstore: the change reached Redis after its deadline, and was not applied: %w", rooms.ErrUnavailable)

// redisClock is what the node knows of Redis's clock.
type redisClock struct {
	offset  atomic.Int64 // Redis's clock minus the node's, ms
	known   atomic.Bool  // offset has been read at least once
	next    atomic.Int64 // when to read it again, unix ns (the node's)
	reading atomic.Bool  // a reading is under way

	mu     sync.Mutex // guards closed and wg's additions
	closed bool       // the store is closed: no more readings
	wg     sync.WaitGroup
}

// deadline returns the Redis time (unix ms) after which a change sent now
// under ctx must be refused: when the node gives up on it (the context's
// deadline or the client's read timeout, whichever is first), less
// lateMargin. 0 means none: Redis's clock is not known yet, or the node
// waits for ever.
func (s *Store) deadline(ctx context.Context) int64 {
	now := time.Now()
	s.readClockIfDue(now)
	if !s.clock.known.Load() {
		return 0
	}
	budget := s.rdb.Options().ReadTimeout
	d, ok := ctx.Deadline()
	switch {
	case ok && (budget <= 0 || d.Sub(now) < budget):
		budget = d.Sub(now)
	case budget <= 0:
		return 0 // no timeout at all: the node never gives up
	}
	budget -= min(lateMargin, budget/4)
	return now.Add(budget).UnixMilli() + s.clock.offset.Load()
}

// readClockIfDue starts reading Redis's clock in the background when it
// is due and no reading is under way.
func (s *Store) readClockIfDue(now time.Time) {
	c := &s.clock
	if now.UnixNano() < c.next.Load() || !c.reading.CompareAndSwap(false, true) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer c.reading.Store(false)
		s.readClock()
	}()
}

// stop waits for a reading under way, and starts no more.
func (c *redisClock) stop() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
}

// readClock reads Redis's clock with TIME, straight on a connection of
// its own (no pipeline to wait behind), and keeps its offset from the
// node's when the round trip was short enough to tell it.
func (s *Store) readClock() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	t0 := time.Now()
	rt, err := s.rdb.Time(ctx).Result()
	rtt := time.Since(t0)
	if err != nil || rtt > clockMaxRTT {
		s.clock.next.Store(time.Now().Add(clockRetry).UnixNano())
		return
	}
	s.clock.offset.Store(rt.UnixMilli() - t0.Add(rtt/2).UnixMilli())
	s.clock.known.Store(true)
	s.clock.next.Store(time.Now().Add(clockEvery).UnixNano())
}
