package rooms

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// CodeResync is the close reason for a client whose missed events the node
// could not recover: it reconnects and gets a fresh snapshot.
const CodeResync Code = "resync"

// Client is one connection as the hub sees it. Both methods must return at
// once: the hub calls them while fanning out to a whole room.
type Client interface {
	// Enqueue queues one encoded message. It returns false when the
	// client cannot keep up; the client then closes itself as a slow
	// client and the hub forgets it. Enqueue may write to the client's
	// socket before it returns (without waiting on it): the hub calls it
	// without holding the room's lock (except for a client's first
	// messages while it attaches), from several goroutines at once for a
	// big room, each message to a client after the one before it.
	Enqueue(msg []byte) bool
	// EnqueueAll queues msgs in order, as Enqueue each would, but may send
	// them together (one write instead of one per message): an attaching
	// client's welcome, the events it missed, the current states and what
	// arrived meanwhile. The hub calls it with the room's lock held; like
	// Enqueue it may write to the socket before it returns, never waiting.
	EnqueueAll(msgs [][]byte) bool
	// Close closes the connection with reason after what is queued.
	Close(reason Code)
}

// HubOptions configures a Hub. Zero values take the defaults.
type HubOptions struct {
	// CoalesceInterval is the shortest time between two updates of the
	// same coalesced state (presence, tallies) in a room (default 100ms).
	CoalesceInterval time.Duration
	// StateRate bounds the bytes per second that one coalesced state of a
	// room (a tally, a retro board) writes to the room's phones, on all
	// its nodes together: after a state of B bytes went to a room of N
	// phones, the next of the same state waits at least B×N/StateRate,
	// and each node writes its share of it. The events that changed it
	// go out at once regardless; what waits is the whole state that
	// confirms them, so a board of 300 cards sent to 1,000 phones after
	// every card is sent about once a second instead of ten times (default
	// 32 MiB/s; negative: no bound).
	StateRate int
	// InboxSize bounds the notices waiting for a room's fan-out; past it
	// the room catches up from the store's history (default 256: only events queue, and a live room allocates it whole).
	InboxSize int
	// PendingBytes bounds what is held for a client while it attaches
	// (default 1 MiB).
	PendingBytes int
	// TouchInterval is how often rooms with members here are kept from
	// expiring (default 1 minute).
	TouchInterval time.Duration
	// Node names this node in the store's presence (default: random).
	Node string
	// PresenceTTL is how long this node's presence entries live without a
	// refresh; the node refreshes them every third of it, so the members
	// of a node that died show offline within about this time
	// (default 15s).
	PresenceTTL time.Duration
	// MaxMemberConns bounds the connections one token keeps in a room on
	// this node: a member's (participant or facilitator console), and
	// apart from them the projector views opened with the facilitator's
	// secret, and those of a projector link. An attach past it closes that
	// token's oldest connection here with CodeReplaced, so a token can
	// never take every place of a node, and a phone whose old sockets are
	// half dead (not yet closed by the heartbeat) still gets in
	// (default DefaultMaxMemberConns).
	MaxMemberConns int
	// OnFanout, when set, is called after each event is queued for every
	// recipient, with the time since the store published it.
	OnFanout func(d time.Duration, recipients int)
	// SendChunk, when set, takes a fan-out's sends a chunk at a time (at
	// most 64): msgs[i] to clients[i], as each client's Enqueue would,
	// setting ok[i] to what that Enqueue would return. It may make the
	// chunk's writes together (the server: one io_uring submission
	// instead of a write system call per phone). Nil: Enqueue each.
	SendChunk func(clients []Client, msgs [][]byte, ok []bool)
	Logger    *slog.Logger
}

// Hub holds the rooms that have members connected to this node, follows
// their stores' notices and fans them out.
type Hub struct {
	svc   *Service
	store Store
	opts  HubOptions
	log   *slog.Logger

	mu     sync.Mutex
	rooms  map[string]*live
	closed bool

	stop chan struct{}
	wg   sync.WaitGroup
}

// NewHub returns a hub over svc's store; Close stops it.
func NewHub(svc *Service, opts HubOptions) *Hub {
	if opts.CoalesceInterval <= 0 {
		opts.CoalesceInterval = 100 * time.Millisecond
	}
	if opts.InboxSize <= 0 {
		opts.InboxSize = 256
	}
	if opts.StateRate == 0 {
		opts.StateRate = DefaultStateRate
	}
	if opts.PendingBytes <= 0 {
		opts.PendingBytes = 1 << 20
	}
	if opts.TouchInterval <= 0 {
		opts.TouchInterval = time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Node == "" {
		opts.Node = NewID()
	}
	if opts.PresenceTTL <= 0 {
		opts.PresenceTTL = 15 * time.Second
	}
	if opts.MaxMemberConns <= 0 {
		opts.MaxMemberConns = DefaultMaxMemberConns
	}
	h := &Hub{svc: svc, store: svc.store, opts: opts, log: opts.Logger, rooms: make(map[string]*live), stop: make(chan struct{})}
	h.wg.Add(1)
	go h.touchLoop()
	return h
}

// LiveRooms returns how many rooms have members connected here.
func (h *Hub) LiveRooms() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.rooms)
}

// Close stops every room's fan-out. Clients are the caller's to close.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	rs := make([]*live, 0, len(h.rooms))
	for _, lr := range h.rooms {
		rs = append(rs, lr)
	}
	h.rooms = map[string]*live{}
	h.mu.Unlock()
	close(h.stop)
	for _, lr := range rs {
		lr.shutdown()
	}
	h.wg.Wait()
}

// Node returns the node's name in presence.
func (h *Hub) Node() string { return h.opts.Node }

// touchLoop keeps the rooms with members here from expiring and
// refreshes this node's presence entries; a refresh also drops the
// members of a node that died, and the store's notice of it has every
// node recount (no room recounts on a timer: with 1,000 rooms that was a
// read of who is online per room and node every 5 s).
func (h *Hub) touchLoop() {
	defer h.wg.Done()
	touch := time.NewTicker(h.opts.TouchInterval)
	defer touch.Stop()
	pres := time.NewTicker(h.opts.PresenceTTL / 3)
	defer pres.Stop()
	for {
		var presence bool
		select {
		case <-h.stop:
			return
		case <-touch.C:
		case <-pres.C:
			presence = true
		}
		h.mu.Lock()
		rs := make([]*live, 0, len(h.rooms))
		for _, lr := range h.rooms {
			rs = append(rs, lr)
		}
		h.mu.Unlock()
		for _, lr := range rs {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			var err error
			if presence {
				// Members of a node that died drop out here: the store
				// notices every node in the room when a refresh finds them.
				// A refresh keeps this node's entries only while they live;
				// once they may have lapsed (refreshes failed or stalled),
				// the next flush writes every member again instead.
				if lr.lapsed() {
					lr.markDirty(StatePresence)
				} else {
					start := time.Now()
					if err = h.store.UpdatePresence(ctx, lr.id, h.opts.Node, nil, nil, h.opts.PresenceTTL); err == nil {
						lr.presenceWritten(start)
					}
				}
			} else {
				err = h.store.Touch(ctx, lr.id)
			}
			if err != nil && !errors.Is(err, ErrRoomNotFound) {
				h.log.Warn("keeping room alive failed", "room", lr.id, "err", err)
			}
			cancel()
		}
	}
}

// live is a room with members connected to this node.
type live struct {
	h      *Hub
	id     string
	refs   int // attach minus detach, under h.mu
	cancel func()
	inbox  chan Notice
	gap    chan struct{}
	// ready is closed once the room is started (or failed to: initErr);
	// attaches that find it starting wait for it.
	ready   chan struct{}
	initErr error
	stop    chan struct{}
	done    chan struct{}

	// Touched state names arrive apart from the inbox: a burst of 10,000
	// votes is 10,000 touches of one tally, which must neither fill the
	// inbox (forcing a catch-up from history) nor be lost to it.
	tmu     sync.Mutex
	touched map[string]struct{}
	tsig    chan struct{}

	// last is the last event fanned out; after start only the run
	// goroutine writes it, under mu (Session.Position reads it).
	last Position

	// sendMu orders fan-outs: each decides its recipients under mu, then
	// sends to them (out) after releasing it, so sends happen in the order
	// they were decided while joins and leaves are not held up by them.
	sendMu sync.Mutex
	out    outbox

	mu      sync.Mutex
	subs    map[*sub]struct{}
	members map[string]*presenceEntry // members connected here, by id
	// screens are the projector views connected here, by the projector
	// link they opened with ("": the facilitator's secret), oldest first.
	// They are nobody in presence, but count against MaxMemberConns as
	// a member's connections do.
	screens map[string][]*sub
	// written is what this node has told the store's presence; online is
	// every node's members as last read; known caches names and roles.
	written map[string]bool
	// presenceAt is when the last write of this node's presence that
	// succeeded began: its entries live PresenceTTL from about then.
	presenceAt time.Time
	// presenceFailing is set from a failed presence update to the next
	// one that succeeds: a store that is down is said once per room, not
	// at every retry (one per coalescing interval).
	presenceFailing bool
	// pending are the members who came or left since the last presence
	// write began; writing is set while writePending runs (see
	// presenceChangedLocked). pw orders the writes.
	pending map[string]struct{}
	writing bool
	pw      sync.Mutex
	online  map[string]bool
	known   map[string]MemberView
	// participants is the joined count as last read; onlineCount the
	// participants online on every node as last counted (for welcomes,
	// which must not count the whole room each: that is O(N) per join;
	// and for phonesLocked).
	participants int64
	onlineCount  int
	room         Room
	dirty        map[string]struct{}
	// notBefore is, per state, when it may be sent again (StateRate).
	notBefore map[string]time.Time
	changed   map[string]MemberView // presence changes not yet sent
	timer     *time.Timer
	flushed   time.Time
}

type presenceEntry struct {
	view MemberView
	// subs are the member's connections here, oldest first.
	subs []*sub
}

// DefaultMaxMemberConns is HubOptions.MaxMemberConns's default: the room
// open on a phone and a laptop, in a second tab, with room to spare for
// the sockets a reconnecting phone leaves behind until the heartbeat ends
// them (the oldest go first, so those never lock the phone out).
const DefaultMaxMemberConns = 5

type pendingMsg struct {
	seq uint64 // 0: not an event
	msg []byte
}

type sub struct {
	m       *Member
	c       Client
	ready   bool
	sent    uint64 // seq of the last event queued
	pending []pendingMsg
	pbytes  int
	gone    bool
	// replaced: it was dropped as its token's oldest connection, past
	// MaxMemberConns.
	replaced bool
}

// sees reports whether s may see an event for to. Called with lr.mu.
func (s *sub) sees(to Audience) bool {
	if to.Private == "" || s.m.Role == RoleScreen {
		return Visible(to, s.m)
	}
	// The member keeps its keys (memberKeys): a private event is checked
	// against every connection of the room without an HMAC each.
	return s.m.PrivateKeyFor(to.Scope) == to.Private
}

// acquire returns the live room, starting it when it is new here.
func (h *Hub) acquire(ctx context.Context, id string) (*live, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrUnavailable
	}
	if lr := h.rooms[id]; lr != nil {
		lr.refs++
		h.mu.Unlock()
		// Another attach may still be starting it: wait until it is.
		select {
		case <-lr.ready:
		case <-ctx.Done():
			h.release(lr)
			return nil, ctx.Err()
		}
		if lr.initErr != nil {
			h.mu.Lock()
			lr.refs--
			h.mu.Unlock()
			return nil, lr.initErr
		}
		return lr, nil
	}
	lr := &live{
		h: h, id: id, refs: 1,
		ready:     make(chan struct{}),
		inbox:     make(chan Notice, h.opts.InboxSize),
		gap:       make(chan struct{}, 1),
		touched:   make(map[string]struct{}),
		tsig:      make(chan struct{}, 1),
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
		subs:      make(map[*sub]struct{}),
		members:   make(map[string]*presenceEntry),
		screens:   make(map[string][]*sub),
		written:   make(map[string]bool),
		pending:   make(map[string]struct{}),
		online:    make(map[string]bool),
		known:     make(map[string]MemberView),
		dirty:     make(map[string]struct{}),
		notBefore: make(map[string]time.Time),
		changed:   make(map[string]MemberView),
	}
	h.rooms[id] = lr
	h.mu.Unlock()

	// Subscribe before reading the position, so nothing falls between.
	cancel, err := h.store.Subscribe(id, lr.notify)
	if err == nil {
		lr.cancel = cancel
		var docs []Doc
		var st *State
		// The position only, and the room: no document is copied.
		if st, err = h.store.Load(ctx, id, ""); err == nil {
			lr.last = st.Pos
			if docs, err = h.store.Get(ctx, id, KeyRoom); err == nil {
				var room Room
				_ = json.Unmarshal(docs[0].Value, &room)
				lr.mu.Lock()
				lr.room = room
				lr.mu.Unlock()
			}
		}
	}
	if err != nil {
		h.mu.Lock()
		lr.refs--
		if h.rooms[id] == lr {
			delete(h.rooms, id)
		}
		h.mu.Unlock()
		if cancel != nil {
			cancel()
		}
		close(lr.done)
		lr.initErr = err
		close(lr.ready)
		return nil, err
	}
	h.wg.Add(1)
	go lr.run()
	close(lr.ready)
	return lr, nil
}

func (h *Hub) release(lr *live) {
	h.mu.Lock()
	lr.refs--
	last := lr.refs == 0 && h.rooms[lr.id] == lr
	if last {
		delete(h.rooms, lr.id)
	}
	h.mu.Unlock()
	if last {
		lr.shutdown()
	}
}

func (lr *live) shutdown() {
	select {
	case <-lr.stop:
	default:
		close(lr.stop)
	}
	<-lr.done
	// Nobody is connected here any more: say so, rather than leave other
	// nodes to wait for the entries to expire. After any write under way
	// (pw); none starts after it (they see stop).
	lr.pw.Lock()
	lr.mu.Lock()
	var gone []string
	for id := range lr.written {
		gone = append(gone, id)
	}
	lr.written = map[string]bool{}
	lr.mu.Unlock()
	if len(gone) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		if err := lr.h.store.UpdatePresence(ctx, lr.id, lr.h.opts.Node, nil, gone, lr.h.opts.PresenceTTL); err != nil && !errors.Is(err, ErrRoomNotFound) {
			lr.h.log.Warn("clearing presence failed", "room", lr.id, "err", err)
		}
		cancel()
	}
	lr.pw.Unlock()
	if lr.cancel != nil {
		lr.cancel()
	}
	lr.mu.Lock()
	if lr.timer != nil {
		lr.timer.Stop()
	}
	lr.mu.Unlock()
}

// notify is the store's callback: it never blocks. Touches are merged
// into a set the run goroutine takes; only events and lost notices queue.
// An event is queued before its touches are signalled, and the run
// goroutine drains the inbox before it takes touches, so coalesced state
// never overtakes the event it follows.
func (lr *live) notify(n Notice) {
	touched := n.Touched
	if n.Event != nil || n.Lost {
		n.Touched = nil
		select {
		case lr.inbox <- n:
		default:
			select {
			case lr.gap <- struct{}{}:
			default:
			}
		}
	}
	if len(touched) == 0 {
		return
	}
	lr.tmu.Lock()
	for _, k := range touched {
		lr.touched[k] = struct{}{}
	}
	lr.tmu.Unlock()
	select {
	case lr.tsig <- struct{}{}:
	default:
	}
}

func (lr *live) run() {
	defer lr.h.wg.Done()
	defer close(lr.done)
	for {
		select {
		case <-lr.stop:
			return
		case n := <-lr.inbox:
			lr.handle(n)
		case <-lr.gap:
			lr.fill()
		case <-lr.tsig:
			lr.drainInbox()
			// An event that found the inbox full comes by the gap: fill
			// it first too, or state could overtake it.
			select {
			case <-lr.gap:
				lr.fill()
			default:
			}
			lr.takeTouched()
		}
	}
}

// drainInbox handles what the inbox holds now.
func (lr *live) drainInbox() {
	for {
		select {
		case n := <-lr.inbox:
			lr.handle(n)
		default:
			return
		}
	}
}

// takeTouched marks every state touched since the last call dirty.
func (lr *live) takeTouched() {
	lr.tmu.Lock()
	t := lr.touched
	if len(t) == 0 {
		lr.tmu.Unlock()
		return
	}
	lr.touched = make(map[string]struct{}, len(t))
	lr.tmu.Unlock()
	lr.mu.Lock()
	for k := range t {
		lr.markDirtyLocked(k)
	}
	lr.mu.Unlock()
}

func (lr *live) handle(n Notice) {
	if n.Lost {
		ferr := lr.fill()
		// Touches may have been lost too: refresh every coalesced state.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		keys, err := lr.h.svc.StateKeys(ctx, lr.id)
		cancel()
		if err != nil {
			lr.h.log.Warn("listing state after lost notices failed; will retry", "room", lr.id, "err", err)
		}
		if failed := errors.Join(ferr, err); failed != nil && !errors.Is(failed, ErrRoomNotFound) {
			// The store failed for a moment (it is coming back): catch up
			// again soon rather than at the next change.
			time.AfterFunc(retryAfter, func() {
				select {
				case <-lr.stop:
				default:
					lr.notify(Notice{Room: lr.id, Lost: true})
				}
			})
		}
		lr.mu.Lock()
		for _, k := range keys {
			lr.markDirtyLocked(k)
		}
		lr.mu.Unlock()
	}
	if ev := n.Event; ev != nil {
		switch {
		case ev.Epoch == lr.last.Epoch && ev.Seq <= lr.last.Seq:
			// Already fanned out (by a gap fill).
		case ev.Epoch == lr.last.Epoch && ev.Seq == lr.last.Seq+1:
			lr.deliver(ev, n.At)
		default:
			lr.fill()
		}
	}
}

// fill catches up from the store's history after a gap: a full inbox, or a
// store that lost notices (Redis pub/sub across a reconnect).
// It returns the store's error, if it failed.
func (lr *live) fill() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	evs, err := lr.h.store.History(ctx, lr.id, lr.last)
	if errors.Is(err, ErrHistoryGone) {
		st, lerr := lr.h.store.Load(ctx, lr.id, "")
		if lerr != nil {
			lr.h.log.Warn("room resync failed", "room", lr.id, "err", lerr)
			return lerr
		}
		lr.h.log.Warn("room history lost; clients resync", "room", lr.id)
		lr.mu.Lock()
		lr.last = st.Pos
		lr.mu.Unlock()
		lr.closeAll(CodeResync)
		return nil
	}
	if err != nil {
		lr.h.log.Warn("room catch-up failed", "room", lr.id, "err", err)
		return err
	}
	now := time.Now()
	for i := range evs {
		lr.deliver(&evs[i], now)
	}
	lr.markDirty(StatePresence)
	return nil
}

func (lr *live) deliver(ev *Event, at time.Time) {
	msg := EncodeEvent(ev)
	n := 0
	lr.sendMu.Lock()
	lr.mu.Lock()
	for s := range lr.subs {
		if !s.sees(ev.To) {
			continue
		}
		n++
		lr.queue(&lr.out, s, ev.Seq, msg)
	}
	switch ev.Type {
	case EvRoomUpdated, EvRoomEnded:
		hidden := !lr.room.ShowNames
		_ = json.Unmarshal(ev.Data, &lr.room)
		if hidden && lr.room.ShowNames {
			// Participants now see names: send them everyone online.
			for id := range lr.online {
				lr.changed[id] = lr.known[id]
			}
			for id, p := range lr.members {
				lr.changed[id] = p.view
			}
			lr.markDirtyLocked(StatePresence)
		}
	case EvMemberRenamed:
		var v MemberRef
		if json.Unmarshal(ev.Data, &v) == nil {
			mv := v.View()
			if p := lr.members[v.ID]; p != nil {
				p.view.Name = v.Name
			}
			lr.known[v.ID] = mv
			lr.changed[v.ID] = mv
			lr.markDirtyLocked(StatePresence)
		}
	case EvMemberRemoved:
		var d memberRemoved
		if json.Unmarshal(ev.Data, &d) == nil {
			lr.h.svc.MemberRemoved(lr.id, d.Member)
			removed := d.View()
			lr.changed[d.Member] = removed
			lr.known[d.Member] = removed // later presence changes keep saying removed
			lr.markDirtyLocked(StatePresence)
		}
	}
	lr.last = Position{Epoch: ev.Epoch, Seq: ev.Seq}
	lr.mu.Unlock()
	lr.send()
	lr.sendMu.Unlock()
	if lr.h.opts.OnFanout != nil && !at.IsZero() {
		lr.h.opts.OnFanout(time.Since(at), n)
	}
	switch ev.Type {
	case EvRoomEnded:
		lr.closeAll(CodeRoomEnded)
	case EvScreenRevoked:
		var d struct {
			Link string `json:"link"`
		}
		if json.Unmarshal(ev.Data, &d) == nil && d.Link != "" {
			lr.closeScreens(d.Link)
		}
	case EvMemberRemoved:
		var d struct {
			Member string `json:"member"`
		}
		if json.Unmarshal(ev.Data, &d) == nil {
			lr.closeMember(d.Member, CodeRemoved)
		}
	}
}

// queue puts msg in out for s, or holds it while s attaches; with out nil
// (an attach), it enqueues it at once. Called with lr.mu.
func (lr *live) queue(out *outbox, s *sub, seq uint64, msg []byte) {
	if s.gone {
		return
	}
	if !s.ready {
		s.pending = append(s.pending, pendingMsg{seq: seq, msg: msg})
		s.pbytes += len(msg)
		if s.pbytes > lr.h.opts.PendingBytes {
			lr.dropLocked(s)
			s.c.Close(CodeSlowClient)
		}
		return
	}
	if !s.next(seq) {
		return
	}
	if out != nil {
		out.subs = append(out.subs, s)
		out.msgs = append(out.msgs, msg)
		return
	}
	if !s.c.Enqueue(msg) {
		lr.dropLocked(s)
	}
}

// next reports whether a message with seq goes to s: one that is no event
// (seq 0) always, an event only once, after the last one s was sent; it
// then counts as sent. Called with lr.mu.
func (s *sub) next(seq uint64) bool {
	if seq == 0 {
		return true
	}
	if seq <= s.sent {
		return false
	}
	s.sent = seq
	return true
}

// outbox is what one fan-out sends: subs[i] gets msgs[i].
type outbox struct {
	subs []*sub
	msgs [][]byte
	// failed is every sub whose client could not keep up.
	failed []*sub
}

// parallelSends is the fan-out size from which sends are spread over the
// CPUs: each is a write system call (server.conn writes in Enqueue).
const parallelSends = 256

// sendChunk is how many sends a fan-out's worker takes at a time. The
// workers take chunks until none is left, rather than a fixed share each:
// a worker the machine preempts (on two cores, for the phones' side of
// loopback or anything else) leaves its work to the others instead of
// finishing it alone after they are done, and the last delivery is what
// a broadcast's p99 measures.
const sendChunk = 64

// send sends what lr.out holds and forgets the clients that could not
// keep up. Called with lr.sendMu and without lr.mu.
func (lr *live) send() {
	out := &lr.out
	n := len(out.subs)
	if n == 0 {
		return
	}
	if workers := min(runtime.GOMAXPROCS(0), n/parallelSends); workers > 1 {
		var wg sync.WaitGroup
		var fmu sync.Mutex
		var taken atomic.Int64
		work := func() (failed []*sub) {
			for {
				hi := int(taken.Add(sendChunk))
				lo := hi - sendChunk
				if lo >= n {
					return failed
				}
				hi = min(hi, n)
				failed = lr.h.sendRange(out.subs[lo:hi], out.msgs[lo:hi], failed)
			}
		}
		for range workers - 1 {
			wg.Go(func() {
				if failed := work(); len(failed) > 0 {
					fmu.Lock()
					out.failed = append(out.failed, failed...)
					fmu.Unlock()
				}
			})
		}
		failed := work()
		wg.Wait()
		out.failed = append(out.failed, failed...)
	} else {
		out.failed = lr.h.sendRange(out.subs, out.msgs, out.failed)
	}
	if len(out.failed) > 0 {
		lr.mu.Lock()
		for _, s := range out.failed {
			lr.dropLocked(s)
		}
		lr.mu.Unlock()
	}
	// Keep the slices for the next fan-out, holding nothing.
	clear(out.subs)
	clear(out.msgs)
	clear(out.failed)
	out.subs, out.msgs, out.failed = out.subs[:0], out.msgs[:0], out.failed[:0]
}

// sendRange enqueues msgs[i] to subs[i], and appends to failed the subs
// whose client could not keep up: through SendChunk, sendChunk at a time,
// when there is one and more than one send.
func (h *Hub) sendRange(subs []*sub, msgs [][]byte, failed []*sub) []*sub {
	if h.opts.SendChunk == nil || len(subs) < 2 {
		for i, s := range subs {
			if !s.c.Enqueue(msgs[i]) {
				failed = append(failed, s)
			}
		}
		return failed
	}
	ch := chunks.Get().(*chunk)
	for lo := 0; lo < len(subs); lo += sendChunk {
		part := subs[lo:min(lo+sendChunk, len(subs))]
		for i, s := range part {
			ch.clients[i] = s.c
		}
		h.opts.SendChunk(ch.clients[:len(part)], msgs[lo:lo+len(part)], ch.ok[:len(part)])
		for i, s := range part {
			if !ch.ok[i] {
				failed = append(failed, s)
			}
		}
	}
	clear(ch.clients[:])
	chunks.Put(ch)
	return failed
}

// chunk is sendRange's room for one SendChunk's arguments.
type chunk struct {
	clients [sendChunk]Client
	ok      [sendChunk]bool
}

var chunks = sync.Pool{New: func() any { return new(chunk) }}

func (lr *live) closeAll(reason Code) {
	lr.mu.Lock()
	subs := make([]*sub, 0, len(lr.subs))
	for s := range lr.subs {
		subs = append(subs, s)
	}
	lr.mu.Unlock()
	for _, s := range subs {
		s.c.Close(reason)
	}
}

func (lr *live) closeMember(id string, reason Code) {
	lr.mu.Lock()
	var subs []*sub
	for s := range lr.subs {
		if s.m.ID == id {
			subs = append(subs, s)
		}
	}
	lr.mu.Unlock()
	for _, s := range subs {
		s.c.Close(reason)
	}
}

// closeScreens closes the projector views opened with projector link
// link, which was revoked.
func (lr *live) closeScreens(link string) {
	lr.mu.Lock()
	var subs []*sub
	for s := range lr.subs {
		if s.m.Role == RoleScreen && s.m.screenLink == link {
			subs = append(subs, s)
		}
	}
	lr.mu.Unlock()
	for _, s := range subs {
		s.c.Close(CodeBadToken)
	}
}

// dropLocked forgets s and updates presence. Called with lr.mu.
func (lr *live) dropLocked(s *sub) {
	if s.gone {
		return
	}
	s.gone = true
	delete(lr.subs, s)
	if s.m.Role == RoleScreen {
		// A projector view shares the facilitator's member id, and is not
		// the facilitator's presence: the console stays online.
		link := s.m.screenLink
		if rest := without(lr.screens[link], s); len(rest) > 0 {
			lr.screens[link] = rest
		} else {
			delete(lr.screens, link)
		}
		return
	}
	if p := lr.members[s.m.ID]; p != nil {
		p.subs = without(p.subs, s)
		if len(p.subs) == 0 {
			delete(lr.members, s.m.ID)
			v := p.view
			v.Online = false
			if !lr.changed[v.ID].Removed && !lr.known[v.ID].Removed {
				lr.changed[v.ID] = v
			}
			lr.markDirtyLocked(StatePresence)
			lr.presenceChangedLocked(v.ID)
		}
	}
}

// without is subs less s, in the same order (in place).
func without(subs []*sub, s *sub) []*sub {
	for i, x := range subs {
		if x == s {
			copy(subs[i:], subs[i+1:])
			subs[len(subs)-1] = nil
			return subs[:len(subs)-1]
		}
	}
	return subs
}

// replaceOldestLocked closes the oldest of subs, the connections of one
// token here oldest first, when an attach has made them one more than
// MaxMemberConns: the token holds no more of the node's places, and the
// newest connection is the one its owner is looking at (a phone that
// reconnected, the tab just opened), never refused. The oldest is dropped
// at once, so it counts no more and gets nothing more, and closed after
// what is queued for it (under lr.mu, so that an attach of it still under
// way sees why: catchUp). Called with lr.mu.
func (lr *live) replaceOldestLocked(subs []*sub) {
	if len(subs) <= lr.h.opts.MaxMemberConns {
		return
	}
	old := subs[0]
	old.replaced = true
	lr.dropLocked(old)
	old.c.Close(CodeReplaced)
}

// presenceChangedLocked notes that member id came or left, and starts
// writing it to the store's presence at once unless a write runs (which
// writes it next). Only what this node sends its phones is coalesced:
// written at the flush, a join would reach another node's phones a flush
// of each node later, where the writes are cheap next to the join itself.
// Called with lr.mu.
func (lr *live) presenceChangedLocked(id string) {
	lr.pending[id] = struct{}{}
	if !lr.writing {
		lr.writing = true
		go lr.writePending()
	}
}

// writePending writes the pending presence changes until none are left.
func (lr *live) writePending() {
	for {
		select {
		case <-lr.stop:
			lr.mu.Lock()
			lr.writing = false
			lr.mu.Unlock()
			return
		default:
		}
		lr.writePresence(false)
		lr.mu.Lock()
		if len(lr.pending) == 0 {
			lr.writing = false
			lr.mu.Unlock()
			return
		}
		lr.mu.Unlock()
	}
}

// writePresence tells the store's presence who came and left through this
// node: the pending members, or with all every member (the flush's pass,
// which also keeps their names, and writes every one again when the
// entries may have lapsed). Writes take turns, so the store sees them in
// the order they were decided. It reports false when a write failed.
func (lr *live) writePresence(all bool) bool {
	h := lr.h
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lr.pw.Lock()
	defer lr.pw.Unlock()
	select {
	case <-lr.stop:
		return true // shutdown has told the store that nobody is here
	default:
	}
	lr.mu.Lock()
	// Entries that may have lapsed are written again, every one (writing
	// one that is still there changes nothing and tells nobody): by the
	// full pass, whoever writes first, since a write that succeeds makes
	// them count as fresh.
	again := lr.lapsedLocked()
	var add, remove []string
	consider := func(id string) {
		p := lr.members[id]
		switch {
		case p != nil && !lr.known[id].Removed:
			lr.known[id] = p.view.offline()
			if !lr.written[id] || again {
				add = append(add, id)
				lr.written[id] = true
			}
		case p == nil && lr.written[id]:
			remove = append(remove, id)
			delete(lr.written, id)
		}
	}
	if all || again {
		for id := range lr.members {
			consider(id)
		}
		for id := range lr.written {
			if lr.members[id] == nil {
				consider(id) // who left
			}
		}
	} else {
		for id := range lr.pending {
			consider(id)
		}
	}
	clear(lr.pending)
	lr.mu.Unlock()
	if len(add)+len(remove) == 0 {
		return true
	}
	start := time.Now()
	err := h.store.UpdatePresence(ctx, lr.id, h.opts.Node, add, remove, h.opts.PresenceTTL)
	if err == nil {
		lr.presenceWritten(start)
		return true
	}
	lr.mu.Lock()
	if !lr.presenceFailing {
		lr.presenceFailing = true
		h.log.Warn("presence update failed; retrying until it works", "room", lr.id, "err", err)
	}
	for _, id := range add {
		delete(lr.written, id)
	}
	for _, id := range remove {
		lr.written[id] = true
	}
	// A flush retries (during one, it reschedules itself at its end).
	lr.markDirtyLocked(StatePresence)
	lr.mu.Unlock()
	return false
}

// lapsed reports whether this node's presence entries in the room may
// have expired: no write of them succeeded for most of PresenceTTL (the
// margin covers the clocks: the store's expiry runs from its own time of
// the write, which is later than presenceAt). Another node's refresh then
// drops them as a dead node's, and refreshing would not bring them back.
func (lr *live) lapsed() bool {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return lr.lapsedLocked()
}

func (lr *live) lapsedLocked() bool {
	ttl := lr.h.opts.PresenceTTL
	return len(lr.written) > 0 && time.Since(lr.presenceAt) >= ttl-ttl/10
}

// presenceWritten records a successful write of this node's presence
// that began at start.
func (lr *live) presenceWritten(start time.Time) {
	lr.mu.Lock()
	if start.After(lr.presenceAt) {
		lr.presenceAt = start
	}
	if lr.presenceFailing {
		lr.presenceFailing = false
		lr.h.log.Info("presence updates work again", "room", lr.id)
	}
	lr.mu.Unlock()
}

func (lr *live) markDirty(key string) {
	lr.mu.Lock()
	lr.markDirtyLocked(key)
	lr.mu.Unlock()
}

// markDirtyLocked schedules a flush of coalesced state no sooner than
// CoalesceInterval after the last one.
func (lr *live) markDirtyLocked(key string) {
	lr.dirty[key] = struct{}{}
	lr.scheduleLocked()
}

func (lr *live) scheduleLocked() {
	if lr.timer != nil {
		return
	}
	wait := time.Until(lr.flushed.Add(coalesceFor(lr.h.opts.CoalesceInterval, lr.phonesLocked())))
	if wait < 0 {
		wait = 0
	}
	lr.timer = time.AfterFunc(wait, lr.flush)
}

// phonesLocked is how many phones the room has on all its nodes
// together, as far as this node knows: its own connections, or the
// participants online anywhere (the last presence count) when those are
// more. The room's coalescing interval and state pacing go by it, not by
// this node's share, so a phone gets a tally as often whichever node
// serves it and however many do, and each node writes only its share: a
// node added to a deployment takes fan-out off the others instead of
// every node sending its phones more often.
func (lr *live) phonesLocked() int { return max(len(lr.subs), lr.onlineCount) }

// DefaultStateRate is HubOptions.StateRate's default: 32 MiB/s.
const DefaultStateRate = 32 << 20

// stateWait is how long a state that wrote bytes (its size times its
// recipients) keeps the next one of it waiting, at rate bytes per second
// (rate <= 0: no wait).
func stateWait(bytes, rate int) time.Duration {
	if rate <= 0 || bytes <= 0 {
		return 0
	}
	return time.Duration(float64(bytes) / float64(rate) * float64(time.Second))
}

// coalesceFor is the coalescing interval of a room with subs phones on
// all its nodes (phonesLocked): the configured one up to 1,000, then
// growing with the room, up to five times at 5,000 and more. Every
// update of a tally goes to every phone, so a 10,000-phone room at 100 ms
// would write 100,000 messages a second while people vote; at 500 ms it
// writes 20,000 and the final tally still arrives within half a second.
func coalesceFor(base time.Duration, subs int) time.Duration {
	switch {
	case subs <= 1000:
		return base
	case subs >= 5000:
		return 5 * base
	}
	return base * time.Duration(subs) / 1000
}

// PresenceMsg is the coalesced presence update.
type PresenceMsg struct {
	Type string `json:"type"`
	// Online is how many participants are connected.
	Online int `json:"online"`
	// Participants is how many have joined and not been removed.
	Participants int64 `json:"participants"`
	// Members lists members whose presence changed since the last update
	// (facilitators always; participants when the room shows names).
	Members []MemberView `json:"members,omitempty"`
}

func (lr *live) flush() {
	select {
	case <-lr.stop:
		return
	default:
	}
	lr.mu.Lock()
	dirty := lr.dirty
	lr.dirty = make(map[string]struct{})
	lr.mu.Unlock()

	if _, ok := dirty[StatePresence]; ok {
		lr.flushPresence()
	}
	// States still within their StateRate wait go back to dirty; the
	// earliest of them sets the next flush.
	var later []string
	var next time.Time
	now := time.Now()
	for key := range dirty {
		if key == StatePresence {
			continue
		}
		if nb := lr.notBefore[key]; now.Before(nb) {
			later = append(later, key)
			if next.IsZero() || nb.Before(next) {
				next = nb
			}
			continue
		}
		wait, err := lr.sendState(key)
		switch {
		case err != nil:
			// Not computed (the store failed for a moment): again soon,
			// or the phones would keep the old value until the next change.
			nb := time.Now().Add(retryAfter)
			lr.notBefore[key] = nb
			later = append(later, key)
			if next.IsZero() || nb.Before(next) {
				next = nb
			}
		case wait > 0:
			lr.notBefore[key] = time.Now().Add(wait)
		default:
			delete(lr.notBefore, key)
		}
	}

	lr.mu.Lock()
	lr.flushed = time.Now()
	lr.timer = nil
	for _, key := range later {
		lr.dirty[key] = struct{}{}
	}
	if len(lr.dirty) > 0 {
		if len(lr.dirty) == len(later) {
			// Only waiting states: wake when the first may go.
			lr.timer = time.AfterFunc(max(0, time.Until(next)), lr.flush)
		} else {
			lr.scheduleLocked()
		}
	}
	lr.mu.Unlock()
}

// flushPresence tells the store who connected or left here, reads who is
// connected through every node, and sends what changed.
//
// Its count and its list agree: a facilitator's console counts what the
// presence messages count and lists what they list, so every member the
// count includes is one a message said was online (isOnlineLocked),
// never someone it cannot name or was told was removed.
func (lr *live) flushPresence() {
	h := lr.h
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Who is connected through every node is read only once this node's
	// own entries are written. A store this node cannot reach (Redis
	// stalled, or the link to it) leaves everyone as last read, and those
	// who connected here since count (they are here); one who left here
	// counts until the store can say whether they are on another node.
	// Counting this node's members alone told its facilitators that
	// everyone on the other nodes had left, for as long as the store was
	// away.
	var ids []string
	read := lr.writePresence(true)
	if read {
		var err error
		ids, err = h.store.Online(ctx, lr.id)
		read = err == nil
	}
	var unknown []string
	lr.mu.Lock()
	for _, id := range ids {
		if _, ok := lr.known[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	lr.mu.Unlock()
	if len(unknown) > 0 {
		keys := make([]string, len(unknown))
		for i, id := range unknown {
			keys[i] = MemberKey(id)
		}
		if docs, err := h.store.Get(ctx, lr.id, keys...); err == nil {
			lr.mu.Lock()
			for i, d := range docs {
				id := unknown[i]
				if _, ok := lr.known[id]; ok {
					continue // an event (a rename, a removal) came since: newer than this read
				}
				var m Member
				if d.Version == 0 || json.Unmarshal(d.Value, &m) != nil {
					m = Member{ID: id, Role: RoleParticipant}
				}
				if m.Removed {
					lr.known[id] = memberRemoved{Member: id, Preview: m.Preview}.View()
				} else {
					lr.known[id] = m.View(false)
				}
			}
			lr.mu.Unlock()
		}
	}
	lr.mu.Lock()
	participants := lr.participants
	lr.mu.Unlock()
	if cs, err := h.store.Counters(ctx, lr.id, CounterParticipants); err == nil {
		participants = cs[0]
	}

	lr.mu.Lock()
	changed := lr.changed
	lr.changed = make(map[string]MemberView)
	if read {
		now := make(map[string]bool, len(ids))
		for _, id := range ids {
			if _, ok := lr.known[id]; ok {
				now[id] = true
			} else {
				// Who they are was not read (the store failed for a
				// moment): neither counted nor listed until it is, by
				// a flush soon. Counted unnamed, they were never
				// listed, since later flushes saw nobody new.
				lr.markDirtyLocked(StatePresence)
			}
		}
		for id := range now {
			if !lr.online[id] {
				if _, ok := changed[id]; !ok {
					changed[id] = lr.known[id]
				}
			}
		}
		for id := range lr.online {
			if !now[id] {
				if _, ok := changed[id]; !ok {
					changed[id] = lr.known[id]
				}
			}
		}
		lr.online = now
	}
	for id, v := range changed {
		if !v.Removed {
			// As counted: one who came here after the read is online.
			v.Online = lr.isOnlineLocked(id)
			changed[id] = v
		}
	}
	lr.participants = participants
	online := lr.onlineLocked()
	lr.onlineCount = online
	// A whole room coming back at once (10,000 phones after a network
	// blip) would put every member in one message, larger than a send
	// queue: the list goes out in batches, one per flush, while the counts
	// are current in each.
	if len(changed) > presenceBatch {
		n := 0
		for id, v := range changed {
			if n++; n <= presenceBatch {
				continue
			}
			if _, newer := lr.changed[id]; !newer {
				lr.changed[id] = v
			}
			delete(changed, id)
		}
		lr.markDirtyLocked(StatePresence)
	}
	lr.mu.Unlock()
	lr.sendPresence(online, participants, changed)
}

// presenceBatch is the most members one presence message lists (about
// 100 KB).
const presenceBatch = 1000

// onlineLocked counts the participants connected through any node, as
// last read, plus those connected here since. A member removed is not
// counted, though their connections may take seconds to close (a phone
// slow to answer the close): the presence message that removes them from
// the list counted them still.
func (lr *live) onlineLocked() int {
	n := 0
	for id := range lr.online {
		if lr.known[id].counts() && lr.members[id] == nil {
			n++
		}
	}
	for id, p := range lr.members {
		if p.view.counts() && !lr.known[id].Removed {
			n++
		}
	}
	return n
}

// isOnlineLocked reports whether a member is connected through any node.
func (lr *live) isOnlineLocked(id string) bool { return lr.members[id] != nil || lr.online[id] }

func (lr *live) sendPresence(online int, participants int64, changed map[string]MemberView) {
	plain, _ := json.Marshal(PresenceMsg{Type: "presence", Online: online, Participants: participants})
	// full is the facilitators' (previews included), named the others'.
	full, named := plain, plain
	if len(changed) > 0 {
		pm := PresenceMsg{Type: "presence", Online: online, Participants: participants}
		var shown []MemberView
		for _, v := range changed {
			pm.Members = append(pm.Members, v)
			if !v.Preview {
				shown = append(shown, v)
			}
		}
		full, _ = json.Marshal(pm)
		switch len(shown) {
		case len(pm.Members):
			named = full
		case 0: // only a preview changed: the counts, as to anyone
		default:
			pm.Members = shown
			named, _ = json.Marshal(pm)
		}
	}
	lr.sendMu.Lock()
	defer lr.sendMu.Unlock()
	lr.mu.Lock()
	names := lr.room.ShowNames && participants <= int64(lr.h.svc.limits.PresenceListMax)
	for s := range lr.subs {
		switch {
		case ListsPreview(s.m):
			lr.queue(&lr.out, s, 0, full)
		case names:
			lr.queue(&lr.out, s, 0, named)
		default:
			lr.queue(&lr.out, s, 0, plain)
		}
	}
	lr.mu.Unlock()
	lr.send()
}

// StateMsg carries the latest value of coalesced state.
type StateMsg struct {
	Type string          `json:"type"`
	Key  string          `json:"key"`
	Data json.RawMessage `json:"data"`
}

func (lr *live) sendState(key string) (wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	v, ok, err := lr.h.svc.State(ctx, lr.id, key)
	cancel()
	if err != nil {
		lr.h.log.Warn("coalesced state failed; will retry", "room", lr.id, "key", key, "err", err)
		return 0, err
	}
	if !ok {
		return 0, nil
	}
	enc := func(d json.RawMessage) []byte {
		if d == nil {
			return nil
		}
		b, _ := json.Marshal(StateMsg{Type: "state", Key: key, Data: d})
		return b
	}
	fm, pm := enc(v.Facilitator), enc(v.Participant)
	lr.sendMu.Lock()
	defer lr.sendMu.Unlock()
	lr.mu.Lock()
	bytes := 0
	for s := range lr.subs {
		m := pm
		if s.m.IsFacilitator() {
			m = fm
		}
		if m != nil {
			lr.queue(&lr.out, s, 0, m)
			bytes += len(m)
		}
	}
	// Paced as if it went to the room's phones on every node: those this
	// node does not hold (by the presence count, which counts
	// participants) at the participant view's size. Scaling this node's
	// own mix instead would pace a facilitator alone on a node as if every
	// phone got the facilitator's view, which can be a hundred times
	// bigger.
	if elsewhere := lr.phonesLocked() - len(lr.subs); elsewhere > 0 && pm != nil {
		bytes += elsewhere * len(pm)
	}
	lr.mu.Unlock()
	lr.send()
	return stateWait(bytes, lr.h.opts.StateRate), nil
}

// retryAfter is how soon a coalesced state, or a catch-up after lost
// notices, that the store failed is tried again.
const retryAfter = 500 * time.Millisecond

// Session is one client attached to a room; Detach ends it.
type Session struct {
	lr  *live
	sub *sub
}

// AttachOptions are the client's resume position and what the server adds
// to the welcome message.
type AttachOptions struct {
	// Since is the last position the client saw, if any.
	Since *Position
	// Resumed, with Since, is Resume's read from Since made before the
	// attach (Service.AuthenticateResume). It is used only when no event
	// of the room reached this node's connections after the position it
	// read, before the client was subscribed; otherwise, and when it is
	// nil, Attach reads again once the client is subscribed.
	Resumed *Resumed
	// Extra fields for the welcome message (heartbeat, limits).
	Extra map[string]any
}

// Welcome is the first message on every connection.
type Welcome struct {
	Type      string          `json:"type"`
	You       MemberView      `json:"you"`
	Position  Position        `json:"position"`
	Recovered bool            `json:"recovered"`
	Snapshot  *Snapshot       `json:"snapshot,omitempty"`
	Presence  PresenceMsg     `json:"presence"`
	Server    map[string]any  `json:"server,omitempty"`
	Room      json.RawMessage `json:"room,omitempty"`
}

// Attach joins client c, authenticated as m, to room id. It queues the
// welcome, then exactly the events after opts.Since (or a snapshot when
// they are not all kept), then every later event in order.
func (h *Hub) Attach(ctx context.Context, id string, m *Member, c Client, opts AttachOptions) (*Session, error) {
	lr, err := h.acquire(ctx, id)
	if err != nil {
		return nil, err
	}
	s := &sub{m: m, c: c}
	lr.mu.Lock()
	lr.subs[s] = struct{}{}
	// Every event after last reaches s; one up to it that a read made
	// before now did not see would not.
	last := lr.last
	came := false
	if m.Role == RoleScreen { // a projector is nobody in presence
		lr.screens[m.screenLink] = append(lr.screens[m.screenLink], s)
		lr.replaceOldestLocked(lr.screens[m.screenLink])
	} else {
		p := lr.members[m.ID]
		if p == nil {
			p = &presenceEntry{view: m.View(true)}
			lr.members[m.ID] = p
			// A member removed since their hello read them is refused
			// (catchUp): told they came, the facilitators listed them
			// again.
			if !lr.known[m.ID].Removed {
				lr.changed[m.ID] = p.view
				lr.markDirtyLocked(StatePresence)
			}
			came = true
		}
		p.subs = append(p.subs, s)
		lr.replaceOldestLocked(p.subs)
	}
	lr.mu.Unlock()

	sess := &Session{lr: lr, sub: s}
	if m.screenLink != "" {
		// A projector link revoked between this screen's hello and its
		// subscription: the revocation's close (closeScreens) came too
		// early to reach it. Read now that it is subscribed.
		if err := h.svc.screenLinkCurrent(ctx, id, m.screenLink); err != nil {
			sess.Detach()
			return nil, err
		}
	}
	if r := opts.Resumed; r != nil && !r.Gone && (last.Epoch != r.Pos.Epoch || last.Seq > r.Pos.Seq) {
		opts.Resumed = nil // it missed something: read again
	}
	if err := h.catchUp(ctx, sess, opts); err != nil {
		sess.Detach()
		return nil, err
	}
	if came {
		// Written at once now that the attach holds (a member refused by
		// catchUp, removed meanwhile, is never written).
		lr.mu.Lock()
		if lr.members[m.ID] != nil {
			lr.presenceChangedLocked(m.ID)
		}
		lr.mu.Unlock()
	}
	return sess, nil
}

// errEndedWhileAttaching refuses a client whose room ended between its
// hello (which refuses an ended room) and its subscription: the end's
// close of every client (closeAll) came before it was subscribed, so it
// would otherwise stay, welcomed to a room that takes nothing more.
var errEndedWhileAttaching = Errorf(CodeRoomEnded, "this room has ended")

// errReplacedWhileAttaching refuses a client whose token attached again
// past MaxMemberConns before it was welcomed: it was the oldest, and is
// closed as replaced (replaceOldestLocked) like any other.
var errReplacedWhileAttaching = Errorf(CodeReplaced, "this room was opened again with the same token, on another tab or device")

func (h *Hub) catchUp(ctx context.Context, sess *Session, opts AttachOptions) error {
	lr, s := sess.lr, sess.sub
	w := Welcome{Type: "welcome", You: s.m.View(true), Server: opts.Extra}
	var events, states [][]byte
	r := opts.Resumed
	if opts.Since != nil {
		if r == nil {
			var err error
			if r, err = h.svc.Resume(ctx, lr.id, s.m, *opts.Since); err != nil {
				return err
			}
		}
		if !r.Gone {
			w.Recovered = true
			w.Position = *opts.Since
			for i := range r.Events {
				if Visible(r.Events[i].To, s.m) {
					events = append(events, EncodeEvent(&r.Events[i]))
				}
				w.Position.Seq = r.Events[i].Seq
			}
		}
	}
	online := func(id string) bool {
		lr.mu.Lock()
		defer lr.mu.Unlock()
		return lr.isOnlineLocked(id)
	}
	if w.Recovered {
		w.Presence.Participants = r.Participants
		w.Room = r.Room.Value
		// Coalesced state (tallies, boards) has no events to replay: send
		// its current value after the missed events.
		for _, k := range r.StateKeys {
			if k == StatePresence {
				continue
			}
			v, ok, err := h.svc.State(ctx, lr.id, k)
			if err != nil {
				return err
			}
			d := v.Participant
			if s.m.IsFacilitator() {
				d = v.Facilitator
			}
			if ok && d != nil {
				b, _ := json.Marshal(StateMsg{Type: "state", Key: k, Data: d})
				states = append(states, b)
			}
		}
		var room Room
		if err := json.Unmarshal(r.Room.Value, &room); err != nil {
			return err
		}
		if room.Ended {
			return errEndedWhileAttaching
		}
		if s.m.IsFacilitator() || (room.ShowNames && r.Participants <= int64(h.svc.limits.PresenceListMax)) {
			// Who joined or changed while this client was away is not in
			// the events: give the whole list again.
			mdocs, err := ScanDocs(ctx, h.store, lr.id, "member:")
			if err != nil {
				return err
			}
			w.Presence.Members = memberViews(mdocs, online, ListsPreview(s.m))
		}
	} else {
		st, err := h.svc.LoadFor(ctx, lr.id, s.m)
		if err != nil {
			return err
		}
		var room Room
		if d, ok := st.Docs[KeyRoom]; ok && json.Unmarshal(d.Value, &room) == nil && room.Ended {
			return errEndedWhileAttaching
		}
		snap, err := h.svc.SnapshotFor(st, Viewer{Member: s.m, Online: online})
		if err != nil {
			return err
		}
		w.Snapshot = snap
		w.Position = st.Pos
		w.Presence.Participants = snap.Participants
		w.Presence.Members = snap.Members
	}
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if s.replaced {
		return errReplacedWhileAttaching
	}
	if s.gone {
		return errors.New("client went away while attaching")
	}
	w.Presence.Type = "presence"
	w.Presence.Online = lr.onlineCount // the next presence update corrects it
	msg, err := json.Marshal(w)
	if err != nil {
		return err
	}
	s.ready = true
	s.sent = w.Position.Seq
	// Together: one write to the phone rather than one per message, with
	// what reached the room while the phone attached (an event only if it
	// follows the position the phone was welcomed at).
	msgs := make([][]byte, 0, 1+len(events)+len(states)+len(s.pending))
	msgs = append(append(append(msgs, msg), events...), states...)
	for _, p := range s.pending {
		if s.next(p.seq) {
			msgs = append(msgs, p.msg)
		}
	}
	s.pending, s.pbytes = nil, 0
	if !s.c.EnqueueAll(msgs) {
		lr.dropLocked(s)
	}
	return nil
}

// Detach removes the client from its room.
func (sess *Session) Detach() {
	lr := sess.lr
	lr.mu.Lock()
	lr.dropLocked(sess.sub)
	lr.mu.Unlock()
	lr.h.release(lr)
}

// Position returns the last event position queued to this client.
func (sess *Session) Position() Position {
	sess.lr.mu.Lock()
	defer sess.lr.mu.Unlock()
	return Position{Epoch: sess.lr.last.Epoch, Seq: sess.sub.sent}
}

// EncodeEvent encodes an event message once for all its recipients. Event
// types and epochs are plain ASCII names chosen by the server, for which
// Go quoting and JSON quoting agree.
func EncodeEvent(ev *Event) []byte {
	b := make([]byte, 0, 64+len(ev.Type)+len(ev.Epoch)+len(ev.Data))
	b = append(b, `{"type":"event","event":`...)
	b = strconv.AppendQuote(b, ev.Type)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, ev.Seq, 10)
	b = append(b, `,"epoch":`...)
	b = strconv.AppendQuote(b, ev.Epoch)
	if len(ev.Data) > 0 {
		b = append(b, `,"data":`...)
		b = append(b, ev.Data...)
	}
	return append(b, '}')
}
