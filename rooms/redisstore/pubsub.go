package redisstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
)

// channelSize buffers messages between go-redis's reader and the drain
// goroutine. go-redis stops reading while it is full, so it absorbs bursts
// from every followed room of the node.
const channelSize = 8192

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

// start creates the PubSub and its drain goroutine; b.mu is held.
func (b *subscriptions) start() {
	b.ps = b.s.rdb.Subscribe(context.Background())
	// ChannelWithSubscriptions, unlike Channel, passes on the server's
	// subscribe confirmations: the only sign of a silent resubscribe.
	msgs := b.ps.ChannelWithSubscriptions(redis.WithChannelSize(channelSize))
	b.drained = make(chan struct{})
	go b.drain(msgs)
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
		_ = ps.Close() // ends go-redis's reader, which closes msgs
		<-drained
	}
	return true
}
