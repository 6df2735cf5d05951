package server

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
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

// testOwner stands for the connection: it counts writer starts and
// evictions.
type testOwner struct {
	starts    atomic.Int32
	evictions atomic.Int32
}

func (o *testOwner) startWriter() { o.starts.Add(1) }
func (o *testOwner) evicted()     { o.evictions.Add(1) }

// newTestQueue returns a queue whose owner only counts.
func newTestQueue(maxBytes int, maxAge time.Duration) (*sendQueue, *testOwner) {
	o := &testOwner{}
	return newSendQueue(maxBytes, maxAge, o), o
}

// queueWoken reports whether a writer was started since the last call.
func queueWoken(o *testOwner) bool { return o.starts.Swap(0) > 0 }

// idle runs the writer's side until it stops: it takes what is queued and
// returns it, then sees the queue empty and stops.
func idle(t *testing.T, q *sendQueue) []string {
	t.Helper()
	var got []string
	var batch [][]byte
	for {
		var ok, closing bool
		batch, closing, _, ok = q.next(batch)
		if !ok {
			return got
		}
		if closing {
			t.Fatal("idle: the queue is closing")
		}
		got = append(got, queueStrings(batch)...)
	}
}

// Messages pushed within the byte bound are all taken, in push order, and
// a writer is started once, not once per push.
func TestQueuePushWithinBytesKeepsOrder(t *testing.T) {
	t.Parallel()
	q, o := newTestQueue(100, time.Minute)
	var want []string
	for i := range 10 {
		m := fmt.Sprintf("m%d", i)
		if !q.push([]byte(m)) {
			t.Fatalf("push %d refused within the byte bound", i)
		}
		want = append(want, m)
	}
	if n := o.starts.Load(); n != 1 {
		t.Fatalf("%d writers started for 10 pushes, want 1", n)
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
	q, _ := newTestQueue(10, time.Minute)
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
	q, o := newTestQueue(10, time.Minute)
	if !q.push([]byte("123456")) {
		t.Fatal("first push refused")
	}
	if got := idle(t, q); fmt.Sprint(got) != "[123456]" {
		t.Fatalf("writer took %v", got)
	}
	queueWoken(o)
	if !q.push([]byte("123456")) {
		t.Fatal("second push refused")
	}
	if !queueWoken(o) {
		t.Fatal("push to an idle queue started no writer")
	}
	if q.push([]byte("abcde")) {
		t.Fatal("push past maxBytes accepted")
	}
	if queueWoken(o) {
		t.Fatal("overflow started a second writer while one runs")
	}
	if o.evictions.Load() != 1 {
		t.Fatalf("%d evictions", o.evictions.Load())
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

// A message bigger than the whole bound (a room's snapshot or board that
// outgrew it) is taken, and does not count against the bound: what
// comes before and after it still queues. A second one while the first
// waits is a slow client, as is going over the bound with ordinary
// messages.
func TestQueueSingleMessageOverBound(t *testing.T) {
	t.Parallel()
	q, o := newTestQueue(4, time.Minute)
	if !q.push([]byte("123456789")) {
		t.Fatal("a message over maxBytes was refused by an empty queue")
	}
	if !queueWoken(o) {
		t.Fatal("no writer started")
	}
	if !q.push([]byte("ab")) || !q.push([]byte("cd")) {
		t.Fatal("messages within the bound were refused behind a big one")
	}
	if got := idle(t, q); fmt.Sprint(got) != "[123456789 ab cd]" {
		t.Fatalf("taken %q", got)
	}
	// Taken: the queue is empty again, and takes another.
	if !q.push([]byte("123456789")) {
		t.Fatal("the next big message was refused by the emptied queue")
	}
	if q.push([]byte("987654321")) {
		t.Fatal("a second big message was queued behind the first")
	}
	if o.evictions.Load() != 1 {
		t.Fatalf("evictions %d, want 1", o.evictions.Load())
	}
	if _, closing, reason := q.take(nil); !closing || reason != rooms.CodeSlowClient {
		t.Fatalf("closing=%v reason=%q", closing, reason)
	}

	// Behind ordinary messages (a welcome's first part still queued),
	// and with ordinary ones after it up to the bound, then slow.
	q, _ = newTestQueue(4, time.Minute)
	if !q.push([]byte("ab")) || !q.push([]byte("123456789")) || !q.push([]byte("cd")) {
		t.Fatal("refused within the bound")
	}
	if q.push([]byte("e")) {
		t.Fatal("went over the bound around a big message")
	}
}

// A queue whose oldest message is older than maxAge refuses the next push
// as a slow client.
func TestQueueAgeBound(t *testing.T) {
	t.Parallel()
	q, _ := newTestQueue(1<<20, 20*time.Millisecond)
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
	q, _ := newTestQueue(1<<20, 20*time.Millisecond)
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
	q, o := newTestQueue(100, time.Minute)
	q.push([]byte("a"))
	if got := idle(t, q); fmt.Sprint(got) != "[a]" {
		t.Fatalf("writer took %v", got)
	}
	q.push([]byte("a"))
	q.push([]byte("b"))
	queueWoken(o)
	q.close(rooms.CodeRoomEnded)
	if queueWoken(o) {
		t.Fatal("close started a second writer while one runs")
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
	q, _ := newTestQueue(4, time.Minute)
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
	q2, _ := newTestQueue(4, time.Minute)
	q2.push([]byte("1234"))
	q2.push([]byte("5"))
	q2.close(codeNormal)
	if _, _, reason := q2.take(nil); reason != rooms.CodeSlowClient {
		t.Fatalf("reason %q after overflow then close, want slow_client", reason)
	}
}

// A batch handed to the writer is its own: later pushes do not change it.
func TestQueueTakenBatchIsNotAliased(t *testing.T) {
	t.Parallel()
	q, _ := newTestQueue(100, time.Minute)
	q.push([]byte("a"))
	q.push([]byte("b"))
	batch, _, _, _ := q.next(nil)
	q.push([]byte("c"))
	q.push([]byte("d"))
	if got := queueStrings(batch); fmt.Sprint(got) != "[a b]" {
		t.Fatalf("taken batch became %v after later pushes", got)
	}
	next, _, _, _ := q.next(nil)
	if got := queueStrings(next); fmt.Sprint(got) != "[c d]" {
		t.Fatalf("second batch %v", got)
	}
}

// Concurrent pushers and writers started on demand: every message arrives
// exactly once, each pusher's messages stay in order, and writers never
// overlap.
func TestQueueConcurrentPushKeepsPerPusherOrder(t *testing.T) {
	t.Parallel()
	const pushers, each = 8, 500
	w := &goWriter{t: t, seen: make([]int, pushers), ended: make(chan struct{})}
	q := newSendQueue(1<<24, time.Minute, w)
	w.q = q
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
	wg.Wait()
	q.close(codeNormal)
	select {
	case <-w.ended:
	case <-time.After(waitFor):
		t.Fatal("no writer closed the queue")
	}
	<-q.done()
	w.mu.Lock()
	defer w.mu.Unlock()
	for p, n := range w.seen {
		if n != each {
			t.Errorf("pusher %d: %d of %d messages taken", p, n, each)
		}
	}
	t.Logf("%d writers started for %d messages", w.starts.Load(), pushers*each)
}

// Pushers that pause let the writer find the queue empty and stop, over
// and over: a push racing a stopping writer must start another, so no
// message is ever left queued with no writer (checked before any close).
func TestQueueWriterRestartsWithoutLostWakeup(t *testing.T) {
	t.Parallel()
	const pushers, each = 4, 300
	w := &goWriter{t: t, seen: make([]int, pushers), ended: make(chan struct{})}
	q := newSendQueue(1<<24, time.Minute, w)
	w.q = q
	var wg sync.WaitGroup
	for p := range pushers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				q.push(fmt.Appendf(nil, "%d:%d", p, i))
				switch i % 10 {
				case 0:
					time.Sleep(50 * time.Microsecond)
				case 5:
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
	eventually(t, "every message taken without a close", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, n := range w.seen {
			if n != each {
				return false
			}
		}
		return true
	})
	if n := w.starts.Load(); n < 2 {
		t.Logf("only %d writer started: the writer never went idle", n)
	}
	q.close(codeNormal)
	<-q.done()
	if w.running.Load() != 0 {
		t.Fatal("a writer still runs after the queue finished")
	}
}

// A writer that stopped is restarted by the next push, and by a close;
// after the last writer finished, nothing starts one.
func TestQueueStartsWriterWhenIdle(t *testing.T) {
	t.Parallel()
	q, o := newTestQueue(100, time.Minute)
	if !q.push([]byte("a")) || !queueWoken(o) {
		t.Fatal("first push started no writer")
	}
	q.push([]byte("b"))
	if queueWoken(o) {
		t.Fatal("a second writer started while one runs")
	}
	if got := idle(t, q); fmt.Sprint(got) != "[a b]" {
		t.Fatalf("writer took %v", got)
	}
	q.push([]byte("c"))
	if !queueWoken(o) {
		t.Fatal("push after the writer stopped started none")
	}
	if got := idle(t, q); fmt.Sprint(got) != "[c]" {
		t.Fatalf("writer took %v", got)
	}
	select {
	case <-q.done():
		t.Fatal("done before any close")
	default:
	}
	q.close(rooms.CodeRoomEnded)
	if !queueWoken(o) {
		t.Fatal("close of an idle queue started no writer to close the connection")
	}
	batch, closing, reason, ok := q.next(nil)
	if !ok || !closing || reason != rooms.CodeRoomEnded || len(batch) != 0 {
		t.Fatalf("next after close: %v %v %q %v", queueStrings(batch), closing, reason, ok)
	}
	// The writer stays responsible until it finishes: next keeps saying
	// closing, never "stop".
	if _, closing, _, ok := q.next(nil); !ok || !closing {
		t.Fatal("a closing queue let its writer stop without finishing")
	}
	done := q.done()
	q.finish()
	select {
	case <-done:
	case <-time.After(waitFor):
		t.Fatal("done not closed by finish")
	}
	<-q.done() // and stays closed
	q.close(codePeer)
	q.push([]byte("late"))
	if queueWoken(o) {
		t.Fatal("a writer started after the last one finished")
	}
}

// goWriter is a queue owner that runs real writer goroutines, as a
// connection does, and checks what they take.
type goWriter struct {
	t       *testing.T
	q       *sendQueue
	starts  atomic.Int32
	running atomic.Int32
	mu      sync.Mutex
	seen    []int // next message expected from each pusher
	ended   chan struct{}
}

func (w *goWriter) evicted() { w.t.Error("eviction") }

func (w *goWriter) startWriter() {
	w.starts.Add(1)
	go func() {
		if n := w.running.Add(1); n != 1 {
			w.t.Errorf("%d writers at once", n)
		}
		var batch [][]byte
		for {
			var closing, ok bool
			batch, closing, _, ok = w.q.next(batch)
			if !ok {
				w.running.Add(-1)
				return
			}
			w.mu.Lock()
			for _, m := range batch {
				var p, i int
				if _, err := fmt.Sscanf(string(m), "%d:%d", &p, &i); err != nil {
					w.t.Errorf("bad message %q", m)
				} else if i != w.seen[p] {
					w.t.Errorf("pusher %d: got message %d, want %d", p, i, w.seen[p])
				}
				w.seen[p]++
			}
			w.mu.Unlock()
			if len(batch)%7 == 3 {
				runtime.Gosched() // let pushers catch the writer stopping
			}
			if closing {
				w.running.Add(-1)
				w.q.finish()
				close(w.ended)
				return
			}
		}
	}()
}

// An overflow counts one eviction, however many pushes and closes follow;
// a normal close counts none.
func TestQueueEvictionCountedOnce(t *testing.T) {
	t.Parallel()
	q, o := newTestQueue(4, time.Minute)
	q.push([]byte("12345"))
	q.push([]byte("x"))
	q.push([]byte("y"))
	q.close(rooms.CodeSlowClient)
	q.close(codeNormal)
	if n := o.evictions.Load(); n != 1 {
		t.Fatalf("%d evictions counted for one slow client", n)
	}

	q2, o2 := newTestQueue(100, time.Minute)
	q2.push([]byte("a"))
	q2.close(codeNormal)
	q2.push([]byte("b"))
	if o2.evictions.Load() != 0 {
		t.Error("a normal close counted an eviction")
	}
}

// Closing with the slow-client reason (a client too slow while attaching)
// drops what is queued, like an overflow, and counts an eviction.
func TestQueueCloseSlowDropsQueued(t *testing.T) {
	t.Parallel()
	q, o := newTestQueue(100, time.Minute)
	q.push([]byte("a"))
	q.push([]byte("b"))
	q.close(rooms.CodeSlowClient)
	batch, closing, reason := q.take(nil)
	if len(batch) != 0 || !closing || reason != rooms.CodeSlowClient {
		t.Fatalf("took %v closing=%v reason=%q", queueStrings(batch), closing, reason)
	}
	if n := o.evictions.Load(); n != 1 {
		t.Fatalf("%d evictions", n)
	}
	if q.push([]byte("c")) {
		t.Fatal("push to a slow client accepted")
	}
}

// isClosing is false while open and true after a close or an overflow.
func TestQueueIsClosing(t *testing.T) {
	t.Parallel()
	q, _ := newTestQueue(4, time.Minute)
	q.push([]byte("ab"))
	if q.isClosing() {
		t.Fatal("open queue reports closing")
	}
	q.push([]byte("abc"))
	if !q.isClosing() {
		t.Fatal("overflowed queue not closing")
	}
	q2, _ := newTestQueue(4, time.Minute)
	q2.close(codePolicy)
	if !q2.isClosing() {
		t.Fatal("closed queue not closing")
	}
}

// pushAll queues several messages as one push: in order, after what was
// queued, with one writer started for them all, and the byte bound
// applied to all of them together (over it, the client is too slow and
// nothing of them is queued).
func TestQueuePushAll(t *testing.T) {
	t.Parallel()
	q, o := newTestQueue(10, time.Minute)
	if !q.push([]byte("a")) || !queueWoken(o) {
		t.Fatal("first push started no writer")
	}
	if !q.pushAll([][]byte{[]byte("bc"), []byte("d"), []byte("efg")}) {
		t.Fatal("messages within the bound were refused")
	}
	if queueWoken(o) {
		t.Fatal("pushAll started a second writer")
	}
	if got := idle(t, q); fmt.Sprint(got) != "[a bc d efg]" {
		t.Fatalf("writer took %v", got)
	}
	if !q.pushAll([][]byte{[]byte("12345"), []byte("67890")}) || !queueWoken(o) {
		t.Fatal("pushAll of exactly the bound refused, or no writer started")
	}
	if got := idle(t, q); fmt.Sprint(got) != "[12345 67890]" {
		t.Fatalf("writer took %v", got)
	}
	if q.pushAll([][]byte{[]byte("12345"), []byte("678901")}) {
		t.Fatal("pushAll over the bound was accepted")
	}
	if o.evictions.Load() != 1 {
		t.Fatalf("%d evictions, want 1", o.evictions.Load())
	}
	if batch, closing, reason, _ := q.next(nil); len(batch) != 0 || !closing || reason != rooms.CodeSlowClient {
		t.Fatalf("after the overflow: batch %v closing %v reason %q", queueStrings(batch), closing, reason)
	}
}

// pushAll on a queue that is closing for another reason than a slow
// client queues nothing and reports no slow client, as push does.
func TestQueuePushAllWhileClosing(t *testing.T) {
	t.Parallel()
	q, _ := newTestQueue(100, time.Minute)
	q.close(rooms.CodeRoomEnded)
	if !q.pushAll([][]byte{[]byte("a"), []byte("b")}) {
		t.Fatal("pushAll to a closing queue reported a slow client")
	}
	if batch, closing, reason, _ := q.next(nil); len(batch) != 0 || !closing || reason != rooms.CodeRoomEnded {
		t.Fatalf("after close: batch %v closing %v reason %q", queueStrings(batch), closing, reason)
	}
}
