package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
)

// channelSize buffers messages between the reader and the drain
// goroutine. The reader stops reading while it is full, so it absorbs
// bursts from every followed room of the node.
const channelSize = 8192

// A subscription connection that Redis has stopped answering looks, from
// the node, exactly like one on which nobody publishes: no error comes,
// ever, when the link froze rather than closed (a partition, a Redis host
// gone with its connections, a proxy that drops them). The node would
// miss every event of its rooms for as long as it lasts, and its phones
// with it. go-redis's own health check of a PubSub channel only writes a
// PING (v9: PubSub.Ping does not wait for the answer, and the channel's
// reader reads without a deadline), so a write into a frozen link passes
// it. The reader here therefore reads with a deadline, and the keeper
// PINGs the connection once it has been silent for pubsubPingEvery:
// Redis answers a PING on a subscribed connection, so a live one is
// never silent for long. One silent past pubsubPingEvery twice plus the
// client's read timeout (4 s by default) is given up: go-redis closes it,
// the next read dials again and subscribes to every channel again, and
// the fresh confirmations make every follower catch up from History, as
// after any lost subscription.
const pubsubPingEvery = time.Second

// subscriptions multiplexes every Subscribe of a Store onto one
// redis.PubSub (one connection), created on first use.
type subscriptions struct {
	s *Store

	// ctl orders SUBSCRIBE and UNSUBSCRIBE: deciding that a room needs
	// one (its first follower came, its last one went) and sending it
	// happen under ctl, so Redis gets them in the order they were decided.
	ctl sync.Mutex

	// mu guards the fields below. The drain goroutine holds it while it
	// calls callbacks, so a callback removed under mu is never called
	// again: that is what makes cancel final.
	mu      sync.Mutex
	closed  bool
	stop    chan struct{} // closed by close
	ps      *redis.PubSub
	drained chan struct{} // closed when the drain goroutine returns
	follows map[string]*follow
	next    uint64
	lostLog time.Time // last "notices lost" warning, to log one per reconnect

	// heard is when the subscription connection last brought anything
	// (a message, a confirmation, a PING's answer), unix nanoseconds.
	heard atomic.Int64
	// keeper runs keepAlive; close waits for it.
	keeper sync.WaitGroup
}

// follow is one followed room.
type follow struct {
	room string
	fns  map[uint64]func(rooms.Notice)
	// ready is closed when Redis confirms the SUBSCRIBE: from then on
	// every message of the room reaches the connection. Notices are only
	// delivered once confirmed.
	ready     chan struct{}
	confirmed bool

	// The room's mirror (see mirror.go) and the newest version of the
	// room this node knows of; gen counts lost subscriptions, so a read
	// sent before one never starts a mirror after it.
	mir    *mirror
	epoch  string
	latest int64
	gen    uint64
}

func (b *subscriptions) init(s *Store) {
	b.s = s
	b.stop = make(chan struct{})
	b.follows = make(map[string]*follow)
}

// Subscribe implements rooms.Store. It returns once Redis has confirmed the
// subscription, so a change applied after it returns is always seen: the
// hub subscribes and then reads the position.
func (s *Store) Subscribe(room string, fn func(rooms.Notice)) (func(), error) {
	ctx, cancel := context.WithTimeout(context.Background(), s.subscribeTimeout())
	defer cancel()
	n, err := s.cmd.Exists(ctx, s.keys.meta(room)).Result()
	if err != nil {
		return nil, fail("subscribe", err)
	}
	if n == 0 {
		return nil, rooms.ErrRoomNotFound
	}
	return s.subs.add(ctx, room, s.keys.channel(room), fn)
}

func (b *subscriptions) add(ctx context.Context, room, ch string, fn func(rooms.Notice)) (func(), error) {
	b.ctl.Lock()
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		b.ctl.Unlock()
		return nil, errClosed
	}
	if b.ps == nil {
		b.start()
	}
	f := b.follows[ch]
	first := f == nil
	if first {
		f = &follow{room: room, fns: make(map[uint64]func(rooms.Notice)), ready: make(chan struct{})}
		b.follows[ch] = f
	}
	id := b.next
	b.next++
	f.fns[id] = fn
	ps := b.ps
	b.mu.Unlock()
	if first {
		// On error go-redis still lists the channel and subscribes it
		// when it reconnects; the wait below decides.
		_ = ps.Subscribe(ctx, ch)
	}
	b.ctl.Unlock()

	cancel := b.remover(ch, f, id)
	select {
	case <-f.ready:
		return cancel, nil
	case <-b.stop:
		cancel()
		return nil, errClosed
	case <-ctx.Done():
		cancel()
		return nil, fmt.Errorf("redisstore: subscribe: %w: not confirmed: %w", rooms.ErrUnavailable, ctx.Err())
	}
}

// start creates the PubSub, its reader, its keeper and its drain
// goroutine; b.mu is held.
func (b *subscriptions) start() {
	b.ps = b.s.rdb.Subscribe(context.Background())
	msgs := make(chan any, channelSize)
	b.drained = make(chan struct{})
	b.heard.Store(time.Now().UnixNano())
	b.keeper.Add(1)
	go b.receive(b.ps, msgs)
	go b.keepAlive(b.ps)
	go b.drain(msgs)
}

// silence is how long the subscription connection may bring nothing
// before it is given up: two PING periods (the keeper pings a connection
// silent for one, at its next tick) and a read timeout for the answer.
func (b *subscriptions) silence() time.Duration {
	return 2*pubsubPingEvery + b.s.readTimeout()
}

// receive reads what the subscription connection brings and passes
// messages and subscribe confirmations (the only sign of a silent
// resubscribe) to out, until the PubSub is closed. It is go-redis's
// PubSub.ChannelWithSubscriptions with a deadline on every read (see
// pubsubPingEvery): a read that passes it makes go-redis close the
// connection, and the next one dial again and subscribe again.
func (b *subscriptions) receive(ps *redis.PubSub, out chan<- any) {
	defer close(out)
	failures := 0
	for {
		ctx, cancel := context.WithTimeout(context.Background(), b.silence())
		m, err := ps.Receive(ctx)
		cancel()
		if err != nil {
			if errors.Is(err, redis.ErrClosed) {
				return
			}
			if timedOut(err) && failures == 0 {
				b.s.log.Warn("redisstore: pub/sub silent; reconnecting", "for", b.silence().String())
			}
			// Redis unreachable: each read fails at once, dialling.
			failures++
			if !b.sleep(min(50*time.Millisecond<<min(failures, 5), time.Second)) {
				return
			}
			continue
		}
		failures = 0
		b.heard.Store(time.Now().UnixNano())
		switch m.(type) {
		case *redis.Subscription, *redis.Message:
			select {
			case out <- m:
			case <-b.stop:
				return
			}
		}
	}
}

// timedOut reports an error of a read that ran out of time.
func timedOut(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// sleep waits d, and reports false if the subscriptions close meanwhile.
func (b *subscriptions) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-b.stop:
		return false
	}
}

// keepAlive PINGs the subscription connection whenever it has brought
// nothing for pubsubPingEvery, so that receive hears from a live one
// well within its deadline.
func (b *subscriptions) keepAlive(ps *redis.PubSub) {
	defer b.keeper.Done()
	tick := time.NewTicker(pubsubPingEvery / 2)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-b.stop:
			return
		}
		if time.Since(time.Unix(0, b.heard.Load())) < pubsubPingEvery {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), b.s.readTimeout())
		// A failed write makes go-redis reconnect; a frozen link takes
		// the write, and receive's deadline tells.
		_ = ps.Ping(ctx)
		cancel()
	}
}

// remover returns the cancel function of subscriber id.
func (b *subscriptions) remover(ch string, f *follow, id uint64) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			b.ctl.Lock()
			defer b.ctl.Unlock()
			b.mu.Lock()
			delete(f.fns, id)
			last := len(f.fns) == 0 && b.follows[ch] == f
			if last {
				delete(b.follows, ch)
			}
			ps, closed := b.ps, b.closed
			b.mu.Unlock()
			if last && !closed {
				// Failing to send it is harmless: go-redis forgets the
				// channel either way, and messages of rooms nobody
				// follows are dropped.
				ctx, cancel := context.WithTimeout(context.Background(), b.s.rdb.Options().WriteTimeout)
				defer cancel()
				_ = ps.Unsubscribe(ctx, ch)
			}
		})
	}
}

// drain delivers what the PubSub receives until it is closed.
func (b *subscriptions) drain(msgs <-chan any) {
	defer close(b.drained)
	for m := range msgs {
		switch m := m.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				b.confirmed(m.Channel)
			}
		case *redis.Message:
			b.deliver(m)
		}
	}
}

// confirmed handles Redis's confirmation of a subscription to ch. The first
// one completes Subscribe. Any later one means go-redis lost its connection
// and subscribed again on a new one: what was published in between is
// gone, so every follower of the room is told to catch up from History.
// (A subscription cancelled and renewed within one round trip can also
// cause one; a needless catch-up costs one History read.)
func (b *subscriptions) confirmed(ch string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.follows[ch]
	if f == nil {
		return
	}
	if !f.confirmed {
		f.confirmed = true
		close(f.ready)
		return
	}
	f.mir = nil
	f.gen++
	now := time.Now()
	if now.Sub(b.lostLog) > time.Second {
		b.lostLog = now
		b.s.log.Warn("redisstore: pub/sub reconnected; followed rooms catch up from history")
	}
	n := rooms.Notice{Room: f.room, Lost: true, At: now}
	for _, fn := range f.fns {
		fn(n)
	}
}

// deliver passes one published notice to the followers of its room.
func (b *subscriptions) deliver(m *redis.Message) {
	env, err := decodeNotice(m.Payload)
	if err != nil {
		b.s.log.Error("redisstore: undecodable notice", "channel", m.Channel, "err", err)
		return
	}
	n := rooms.Notice{Event: env.Event, Touched: env.Touched, At: time.UnixMilli(env.At)}
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.follows[m.Channel]
	if f == nil || !f.confirmed {
		return
	}
	// The mirror first: a view computed for this notice includes it.
	about := n.Event != nil || len(n.Touched) > 0
	f.noteLocked(env.versionNote, about)
	if !about {
		return // only a version: nothing for the room's followers
	}
	n.Room = f.room
	for _, fn := range f.fns {
		fn(n)
	}
}

// close stops delivering and waits for the drain goroutine. It reports
// false if it had been called before.
func (b *subscriptions) close() bool {
	b.ctl.Lock()
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		b.ctl.Unlock()
		return false
	}
	b.closed = true
	close(b.stop)
	clear(b.follows)
	ps, drained := b.ps, b.drained
	b.mu.Unlock()
	b.ctl.Unlock()
	if ps != nil {
		_ = ps.Close() // ends the reader, which closes msgs
		<-drained
		b.keeper.Wait()
	}
	return true
}
