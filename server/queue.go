package server

import (
	"sync"
	"time"

	"huddle/rooms"
)

// sendQueue is one connection's outgoing messages. It is bounded by bytes
// and by the age of its oldest message, not by message count: a burst of
// many small messages to a healthy phone is fine, a phone that stopped
// reading is not. Push never blocks, so no client can slow a room.
type sendQueue struct {
	maxBytes int
	maxAge   time.Duration

	mu     sync.Mutex
	msgs   [][]byte
	bytes  int
	oldest time.Time // when the oldest queued message was pushed
	// closing is set once: the writer sends what is queued (unless the
	// client was too slow), closes with reason, and stops.
	closing bool
	reason  rooms.Code
	wake    chan struct{}
	// onEvict is called once when the queue gives up on a slow client.
	onEvict func()
}

func newSendQueue(maxBytes int, maxAge time.Duration) *sendQueue {
	return &sendQueue{maxBytes: maxBytes, maxAge: maxAge, wake: make(chan struct{}, 1), onEvict: func() {}}
}

func (q *sendQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// push queues msg (shared, never modified). It returns false when the
// client is too slow: the queue then drops what it holds and closes with
// the slow-client reason.
func (q *sendQueue) push(msg []byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closing {
		return !(q.reason == rooms.CodeSlowClient)
	}
	now := time.Now()
	if len(q.msgs) == 0 {
		q.oldest = now
	} else if now.Sub(q.oldest) > q.maxAge {
		q.overflowLocked()
		return false
	}
	if q.bytes+len(msg) > q.maxBytes {
		q.overflowLocked()
		return false
	}
	q.msgs = append(q.msgs, msg)
	q.bytes += len(msg)
	q.signal()
	return true
}

func (q *sendQueue) overflowLocked() {
	q.closing, q.reason = true, rooms.CodeSlowClient
	q.msgs, q.bytes = nil, 0
	q.onEvict()
	q.signal()
}

// close asks the writer to send what is queued, then close with reason.
// The first reason wins.
func (q *sendQueue) close(reason rooms.Code) {
	q.mu.Lock()
	if !q.closing {
		if reason == rooms.CodeSlowClient {
			// Too slow while attaching: nothing queued is worth sending.
			q.overflowLocked()
			q.mu.Unlock()
			return
		}
		q.closing, q.reason = true, reason
	}
	q.mu.Unlock()
	q.signal()
}

// take returns everything queued, and the close reason once closing.
func (q *sendQueue) take(buf [][]byte) ([][]byte, bool, rooms.Code) {
	q.mu.Lock()
	defer q.mu.Unlock()
	buf = append(buf[:0], q.msgs...)
	clear(q.msgs)
	q.msgs = q.msgs[:0]
	q.bytes = 0
	return buf, q.closing, q.reason
}

// isClosing reports whether the connection is on its way out.
func (q *sendQueue) isClosing() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closing
}
