package server

import (
	"sync"
	"time"

	"huddle/rooms"
)

// queueOwner is the connection a send queue belongs to.
type queueOwner interface {
	// startWriter starts a writer goroutine that calls next until it
	// reports nothing to do. The queue calls it when it has work and no
	// writer runs, so at most one writer runs at a time.
	startWriter()
	// evicted is called once, when the queue gives up on a slow client.
	evicted()
}

// sendQueue is one connection's outgoing messages. It is bounded by bytes
// and by the age of its oldest message, not by message count: a burst of
// many small messages to a healthy phone is fine, a phone that stopped
// reading is not. Push never blocks, so no client can slow a room.
//
// No goroutine waits on an idle queue: a writer runs only while there is
// something to send (most connections are idle most of the time, and a
// parked writer holds a goroutine stack). push and close start one when
// none runs; the writer stops when next finds nothing left.
type sendQueue struct {
	maxBytes int
	maxAge   time.Duration
	owner    queueOwner

	mu     sync.Mutex
	msgs   [][]byte
	bytes  int       // of msgs, but for a message over maxBytes (big)
	big    bool      // msgs holds a message over maxBytes
	oldest time.Time // when the oldest queued message was pushed
	// closing is set once: the writer sends what is queued (unless the
	// client was too slow), closes with reason, and stops.
	closing bool
	reason  rooms.Code
	// running is set from the moment a writer is started until the writer
	// finds the queue empty and open, under mu, and stops. A writer that
	// ended the connection leaves it set: no writer starts again.
	running bool
	// finished is set when the last writer has closed the connection;
	// finishedCh, made only when someone waits, is closed then.
	finished   bool
	finishedCh chan struct{}
}

func newSendQueue(maxBytes int, maxAge time.Duration, owner queueOwner) *sendQueue {
	q := &sendQueue{}
	q.init(maxBytes, maxAge, owner)
	return q
}

func (q *sendQueue) init(maxBytes int, maxAge time.Duration, owner queueOwner) {
	q.maxBytes, q.maxAge, q.owner = maxBytes, maxAge, owner
}

// wakeLocked reports whether the caller must start a writer (after
// unlocking), and marks one as running.
func (q *sendQueue) wakeLocked() bool {
	if q.running {
		return false
	}
	q.running = true
	return true
}

// push queues msg (shared, never modified). It returns false when the
// client is too slow: the queue then drops what it holds and closes with
// the slow-client reason.
func (q *sendQueue) push(msg []byte) bool {
	one := [1][]byte{msg}
	return q.pushAll(one[:])
}

// pushAll queues msgs, in order, as one push: a writer that starts takes
// them all, and sends them in one write where the socket takes them. It
// returns false, as push does, when the client is too slow: the bounds
// apply to all of msgs together.
func (q *sendQueue) pushAll(msgs [][]byte) bool {
	ok, start := q.add(msgs)
	if start {
		q.owner.startWriter()
	}
	return ok
}

// add queues msgs as pushAll does, but leaves starting the writer to the
// caller: start reports that no writer ran, and that the caller is the
// writer now (it must run one, as startWriter would).
func (q *sendQueue) add(msgs [][]byte) (ok, start bool) {
	n := 0
	for _, m := range msgs {
		n += len(m)
	}
	q.mu.Lock()
	if q.closing {
		q.mu.Unlock()
		return !(q.reason == rooms.CodeSlowClient), false
	}
	now := time.Now()
	if len(q.msgs) == 0 {
		q.oldest = now
	} else if now.Sub(q.oldest) > q.maxAge {
		start = q.overflowLocked()
		q.mu.Unlock()
		q.owner.evicted()
		return false, start
	}
	// One message bigger than the whole bound is taken, and does not
	// count against it: a room's snapshot or board can outgrow the bound
	// (a thousand long answers), and refusing it would close every phone
	// that joins, the facilitator's too, as a slow client, for good.
	// While it waits its bytes are shared with every recipient; once
	// taken, the writer copies it into the connection's frame buffer, so
	// a connection holds at most the bound plus two such messages (one
	// being written, one waiting). The other messages queue within the
	// bound as usual, and a second big one while the first waits is
	// refused.
	counted := n
	if len(msgs) == 1 && n > q.maxBytes {
		if q.big {
			start = q.overflowLocked()
			q.mu.Unlock()
			q.owner.evicted()
			return false, start
		}
		counted, q.big = 0, true
	}
	if q.bytes+counted > q.maxBytes {
		start = q.overflowLocked()
		q.mu.Unlock()
		q.owner.evicted()
		return false, start
	}
	q.msgs = append(q.msgs, msgs...)
	q.bytes += counted
	start = q.wakeLocked()
	q.mu.Unlock()
	return true, start
}

// overflowLocked gives up on a slow client: nothing queued is sent, the
// writer closes with the slow-client reason.
func (q *sendQueue) overflowLocked() (start bool) {
	q.closing, q.reason = true, rooms.CodeSlowClient
	clear(q.msgs)
	q.msgs, q.bytes, q.big = nil, 0, false
	return q.wakeLocked()
}

func (q *sendQueue) evictedThenStart(start bool) {
	q.owner.evicted()
	if start {
		q.owner.startWriter()
	}
}

// close asks the writer to send what is queued, then close with reason.
// The first reason wins.
func (q *sendQueue) close(reason rooms.Code) {
	q.mu.Lock()
	if q.closing {
		q.mu.Unlock()
		return
	}
	if reason == rooms.CodeSlowClient {
		// Too slow while attaching: nothing queued is worth sending.
		start := q.overflowLocked()
		q.mu.Unlock()
		q.evictedThenStart(start)
		return
	}
	q.closing, q.reason = true, reason
	start := q.wakeLocked()
	q.mu.Unlock()
	if start {
		q.owner.startWriter()
	}
}

// maxKeptBatch is the largest batch slice an idle queue keeps for reuse.
const maxKeptBatch = 8

// next is the writer's: it returns everything queued and the close reason
// once closing. buf is the writer's previous batch, done with: the queue
// clears it and keeps it for its next messages. When nothing is queued
// and the queue is open, next returns ok=false and the writer must stop:
// the next push starts another.
func (q *sendQueue) next(buf [][]byte) (batch [][]byte, closing bool, reason rooms.Code, ok bool) {
	clear(buf)
	buf = buf[:0]
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.msgs) == 0 && !q.closing {
		q.running = false
		if q.msgs == nil && cap(buf) <= maxKeptBatch {
			q.msgs = buf
		}
		return nil, false, "", false
	}
	if cap(buf) > 1024 {
		buf = nil // a burst's slice is not kept for ever
	}
	batch, q.msgs = q.msgs, buf
	q.bytes, q.big = 0, false
	return batch, q.closing, q.reason, true
}

// finish is called by the writer that closed the connection: no writer
// runs again, and done's channel is closed.
func (q *sendQueue) finish() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.running = true // for good
	q.finished = true
	if q.finishedCh != nil {
		close(q.finishedCh)
	}
}

// closedChan is a channel that is always closed.
var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// done returns a channel closed once the last writer has closed the
// connection.
func (q *sendQueue) done() <-chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.finished {
		return closedChan
	}
	if q.finishedCh == nil {
		q.finishedCh = make(chan struct{})
	}
	return q.finishedCh
}

// take returns everything queued, and the close reason once closing,
// without regard to the writer (tests and the final count use it).
func (q *sendQueue) take(buf [][]byte) ([][]byte, bool, rooms.Code) {
	q.mu.Lock()
	defer q.mu.Unlock()
	buf = append(buf[:0], q.msgs...)
	clear(q.msgs)
	q.msgs = q.msgs[:0]
	q.bytes, q.big = 0, false
	return buf, q.closing, q.reason
}

// closeReason returns the reason the queue closed with, if it did.
func (q *sendQueue) closeReason() rooms.Code {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.reason
}

// isClosing reports whether the connection is on its way out.
func (q *sendQueue) isClosing() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closing
}
