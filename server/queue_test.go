package server

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"huddle/rooms"
)

// queueStrings returns a batch as strings, for comparisons.
func queueStrings(batch [][]byte) []string {
	out := make([]string, len(batch))
	for i, b := range batch {
		out[i] = string(b)
	}
	return out
}

func queueWoken(q *sendQueue) bool {
	select {
	case <-q.wake:
		return true
	default:
		return false
	}
}

// Messages pushed within the byte bound are all taken, in push order, and
// the writer is woken.
func TestQueuePushWithinBytesKeepsOrder(t *testing.T) {
	t.Parallel()
	q := newSendQueue(100, time.Minute)
	var want []string
	for i := range 10 {
		m := fmt.Sprintf("m%d", i)
		if !q.push([]byte(m)) {
			t.Fatalf("push %d refused within the byte bound", i)
		}
		want = append(want, m)
	}
	if !queueWoken(q) {
		t.Fatal("push did not wake the writer")
	}
	batch, closing, reason := q.take(nil)
	if got := queueStrings(batch); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("took %v, want %v", got, want)
	}
	if closing || reason != "" {
		t.Fatalf("open queue reports closing=%v reason=%q", closing, reason)
	}
	// take empties the queue.
	if batch, _, _ := q.take(batch); len(batch) != 0 {
		t.Fatalf("second take returned %v", queueStrings(batch))
	}
}

// Exactly maxBytes may be queued; taking frees the bytes for new messages.
func TestQueueByteBoundIsInclusiveAndFreedByTake(t *testing.T) {
	t.Parallel()
	q := newSendQueue(10, time.Minute)
	if !q.push([]byte("12345")) || !q.push([]byte("67890")) {
		t.Fatal("messages adding up to exactly maxBytes were refused")
	}
	q.take(nil)
	if !q.push([]byte("abcdefghij")) {
		t.Fatal("after take the queue still counted the taken bytes")
	}
	batch, closing, _ := q.take(nil)
	if len(batch) != 1 || closing {
		t.Fatalf("took %v closing=%v", queueStrings(batch), closing)
	}
}

// A push over maxBytes reports a slow client: it returns false, drops what
// was queued, and take reports closing with the slow-client reason.
func TestQueueOverflowDropsAndClosesSlow(t *testing.T) {
	t.Parallel()
	q := newSendQueue(10, time.Minute)
	if !q.push([]byte("123456")) {
		t.Fatal("first push refused")
	}
	queueWoken(q)
	if q.push([]byte("abcde")) {
		t.Fatal("push past maxBytes accepted")
	}
	if !queueWoken(q) {
		t.Fatal("overflow did not wake the writer")
	}
	batch, closing, reason := q.take(nil)
	if len(batch) != 0 {
		t.Fatalf("overflow kept %v queued", queueStrings(batch))
	}
	if !closing || reason != rooms.CodeSlowClient {
		t.Fatalf("after overflow closing=%v reason=%q, want slow_client", closing, reason)
	}
	// A slow client stays slow: later pushes fail and queue nothing.
	if q.push([]byte("x")) {
		t.Fatal("push after overflow accepted")
	}
	if batch, _, _ := q.take(nil); len(batch) != 0 {
		t.Fatalf("push after overflow queued %v", queueStrings(batch))
	}
}

// A single message bigger than the whole bound overflows even an empty
// queue.
func TestQueueSingleMessageOverBound(t *testing.T) {
	t.Parallel()
	q := newSendQueue(4, time.Minute)
	if q.push([]byte("12345")) {
		t.Fatal("a message over maxBytes was queued")
	}
	if _, closing, reason := q.take(nil); !closing || reason != rooms.CodeSlowClient {
		t.Fatalf("closing=%v reason=%q", closing, reason)
	}
}

// A queue whose oldest message is older than maxAge refuses the next push
// as a slow client.
func TestQueueAgeBound(t *testing.T) {
	t.Parallel()
	q := newSendQueue(1<<20, 20*time.Millisecond)
	if !q.push([]byte("old")) {
		t.Fatal("first push refused")
	}
	time.Sleep(60 * time.Millisecond)
	if q.push([]byte("new")) {
		t.Fatal("push accepted although the oldest message is past maxAge")
	}
	batch, closing, reason := q.take(nil)
	if len(batch) != 0 || !closing || reason != rooms.CodeSlowClient {
		t.Fatalf("took %v closing=%v reason=%q", queueStrings(batch), closing, reason)
	}
}

// The age counts from the oldest message still queued: once the writer
// took everything, a long pause is no sign of a slow client.
func TestQueueAgeRestartsWhenEmptied(t *testing.T) {
	t.Parallel()
	q := newSendQueue(1<<20, 20*time.Millisecond)
	q.push([]byte("a"))
	q.take(nil)
	time.Sleep(60 * time.Millisecond)
	if !q.push([]byte("b")) {
		t.Fatal("push into an emptied queue refused for the age of a message already taken")
	}
	if batch, closing, _ := q.take(nil); len(batch) != 1 || closing {
		t.Fatalf("took %v closing=%v", queueStrings(batch), closing)
	}
}

// close keeps what is queued for the writer, reports the reason, wakes
// the writer, and later pushes are accepted (true) but not queued.
func TestQueueCloseKeepsQueuedMessages(t *testing.T) {
	t.Parallel()
	q := newSendQueue(100, time.Minute)
	q.push([]byte("a"))
	q.push([]byte("b"))
	queueWoken(q)
	q.close(rooms.CodeRoomEnded)
	if !queueWoken(q) {
		t.Fatal("close did not wake the writer")
	}
	if !q.push([]byte("late")) {
		t.Fatal("push after a normal close reported a slow client")
	}
	batch, closing, reason := q.take(nil)
	if got := queueStrings(batch); fmt.Sprint(got) != "[a b]" {
		t.Fatalf("took %v, want [a b] (the late push must not be queued)", got)
	}
	if !closing || reason != rooms.CodeRoomEnded {
		t.Fatalf("closing=%v reason=%q", closing, reason)
	}
	// Still closing on every later take.
	if batch, closing, reason := q.take(nil); len(batch) != 0 || !closing || reason != rooms.CodeRoomEnded {
		t.Fatalf("second take: %v closing=%v reason=%q", queueStrings(batch), closing, reason)
	}
}

// The first close reason wins over later closes and over an overflow.
func TestQueueFirstReasonWins(t *testing.T) {
	t.Parallel()
	q := newSendQueue(4, time.Minute)
	q.close(rooms.CodeRemoved)
	q.close(codeNormal)
	q.close(rooms.CodeSlowClient)
	if !q.push([]byte("far too long for the bound")) {
		t.Fatal("push after close reported overflow")
	}
	if _, closing, reason := q.take(nil); !closing || reason != rooms.CodeRemoved {
		t.Fatalf("closing=%v reason=%q, want removed", closing, reason)
	}

	// And a slow-client overflow is not replaced by a later close.
	q2 := newSendQueue(4, time.Minute)
	q2.push([]byte("12345"))
	q2.close(codeNormal)
	if _, _, reason := q2.take(nil); reason != rooms.CodeSlowClient {
		t.Fatalf("reason %q after overflow then close, want slow_client", reason)
	}
}

// A batch handed to the writer is its own: later pushes do not change it.
func TestQueueTakenBatchIsNotAliased(t *testing.T) {
	t.Parallel()
	q := newSendQueue(100, time.Minute)
	q.push([]byte("a"))
	q.push([]byte("b"))
	batch, _, _ := q.take(nil)
	q.push([]byte("c"))
	q.push([]byte("d"))
	if got := queueStrings(batch); fmt.Sprint(got) != "[a b]" {
		t.Fatalf("taken batch became %v after later pushes", got)
	}
	next, _, _ := q.take(nil)
	if got := queueStrings(next); fmt.Sprint(got) != "[c d]" {
		t.Fatalf("second batch %v", got)
	}
}

// Concurrent pushers and one taker: every message arrives exactly once and
// each pusher's messages stay in order.
func TestQueueConcurrentPushKeepsPerPusherOrder(t *testing.T) {
	t.Parallel()
	const pushers, each = 8, 500
	q := newSendQueue(1<<24, time.Minute)
	var wg sync.WaitGroup
	for p := range pushers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if !q.push(fmt.Appendf(nil, "%d:%d", p, i)) {
					t.Errorf("push %d:%d refused", p, i)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); q.close(codeNormal); close(done) }()

	next := make([]int, pushers)
	var batch [][]byte
	for {
		var closing bool
		select {
		case <-q.wake:
		case <-time.After(waitFor):
			t.Fatal("writer never woken")
		}
		batch, closing, _ = q.take(batch)
		for _, m := range batch {
			var p, i int
			if _, err := fmt.Sscanf(string(m), "%d:%d", &p, &i); err != nil {
				t.Fatalf("bad message %q", m)
			}
			if i != next[p] {
				t.Fatalf("pusher %d: got message %d, want %d", p, i, next[p])
			}
			next[p]++
		}
		if closing {
			break
		}
	}
	<-done
	for p, n := range next {
		if n != each {
			t.Errorf("pusher %d: %d of %d messages taken", p, n, each)
		}
	}
}

// An overflow counts one eviction, however many pushes and closes follow;
// a normal close counts none.
func TestQueueEvictionCountedOnce(t *testing.T) {
	t.Parallel()
	q := newSendQueue(4, time.Minute)
	evictions := 0
	q.onEvict = func() { evictions++ }
	q.push([]byte("12345"))
	q.push([]byte("x"))
	q.push([]byte("y"))
	q.close(rooms.CodeSlowClient)
	q.close(codeNormal)
	if evictions != 1 {
		t.Fatalf("%d evictions counted for one slow client", evictions)
	}

	q2 := newSendQueue(100, time.Minute)
	q2.onEvict = func() { t.Error("a normal close counted an eviction") }
	q2.push([]byte("a"))
	q2.close(codeNormal)
	q2.push([]byte("b"))
}

// Closing with the slow-client reason (a client too slow while attaching)
// drops what is queued, like an overflow, and counts an eviction.
func TestQueueCloseSlowDropsQueued(t *testing.T) {
	t.Parallel()
	q := newSendQueue(100, time.Minute)
	evictions := 0
	q.onEvict = func() { evictions++ }
	q.push([]byte("a"))
	q.push([]byte("b"))
	q.close(rooms.CodeSlowClient)
	batch, closing, reason := q.take(nil)
	if len(batch) != 0 || !closing || reason != rooms.CodeSlowClient {
		t.Fatalf("took %v closing=%v reason=%q", queueStrings(batch), closing, reason)
	}
	if evictions != 1 {
		t.Fatalf("%d evictions", evictions)
	}
	if q.push([]byte("c")) {
		t.Fatal("push to a slow client accepted")
	}
}

// isClosing is false while open and true after a close or an overflow.
func TestQueueIsClosing(t *testing.T) {
	t.Parallel()
	q := newSendQueue(4, time.Minute)
	q.push([]byte("ab"))
	if q.isClosing() {
		t.Fatal("open queue reports closing")
	}
	q.push([]byte("abc"))
	if !q.isClosing() {
		t.Fatal("overflowed queue not closing")
	}
	q2 := newSendQueue(4, time.Minute)
	q2.close(codePolicy)
	if !q2.isClosing() {
		t.Fatal("closed queue not closing")
	}
}
