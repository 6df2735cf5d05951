package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"huddle/exercises"
	"huddle/rooms"
)

// conn is one WebSocket connection: a reader goroutine that decodes and
// applies commands in order, and a writer that drains the send queue into
// few frames, running in whichever goroutine queued until it would have
// to wait (startWriter).
//
// An idle connection is one parked goroutine (the reader, with a small
// stack), small read and write buffers, one timer and this struct: a
// room of 10,000 phones is mostly idle connections (docs/benchmarks.md).
type conn struct {
	srv *Server
	ws  *websocket.Conn
	cw  *connWriter // under ws's writes; the writer sends its frames through it
	q   sendQueue

	// br is ws's read buffer, over cr: the reader waits for the socket to
	// be readable only when neither holds bytes. brMu keeps that check
	// apart from the close handshake, which reads br from the writer.
	brMu  sync.Mutex
	br    *bufio.Reader
	cr    *connReader
	rc    syscall.RawConn // nil: no waiting, reads wait instead
	early bool            // the first bytes are in br's source, not yet in br

	limiter    *rate.Limiter // made at the first command
	violations int
	lastRead   atomic.Int64 // unix nanoseconds

	roomID string
	member *rooms.Member
	sess   *rooms.Session

	busyMu       sync.Mutex
	busy         bool       // a command is being applied
	pendingClose rooms.Code // a close that waits for its answer

	stopOnShutdown func() bool

	// One timer serves the hello deadline and then the heartbeat.
	timerMu  sync.Mutex
	timer    *time.Timer
	timerOff bool  // the connection ended: tick re-arms nothing
	helloDue int64 // unix nanoseconds; 0 once checked
	beatDue  int64
}

func (s *Server) newConn(ws *websocket.Conn, hw *hijackWriter) *conn {
	c := &conn{srv: s, ws: ws, cw: hw.cw, br: hw.br, cr: hw.cr, early: hw.early}
	if sc, ok := hw.nc.(syscall.Conn); ok && hw.br != nil {
		c.rc, _ = sc.SyscallConn()
	}
	c.q.init(s.cfg.SendQueueBytes, s.cfg.SendQueueAge, c)
	c.lastRead.Store(time.Now().UnixNano())
	return c
}

// startWriter implements queueOwner. The writer runs at once, in the
// goroutine that queued (the room's fan-out, the reader answering a
// command), as long as the socket takes what it writes without waiting,
// which is almost always; it moves to a goroutine of its own only to wait
// (a full socket, a close handshake). A delivery then costs no goroutine
// start, no stack growth and no write deadline.
func (c *conn) startWriter() { c.write(false) }

// evicted implements queueOwner.
func (c *conn) evicted() { c.srv.metrics.evictions.Inc() }

// Enqueue implements rooms.Client.
func (c *conn) Enqueue(msg []byte) bool { return c.q.push(msg) }

// maxFrameHeader is the longest header appendFrameHeader writes.
const maxFrameHeader = 10

// EnqueueAll implements rooms.Client: msgs in order, in as few pushes as
// the chunk allows, each one write to the socket. A chunk is what fits
// one frame (its payload counts the newlines appendFrames puts between
// messages) whose buffer the writers keep for the next (maxKeptWriteBuf),
// and at most a quarter of the send queue's bound. Each chunk is written
// (as far as the socket takes it) before the next is queued, as single
// pushes would be, so a catch-up bigger than the send queue's bound still
// goes out to a phone that reads.
func (c *conn) EnqueueAll(msgs [][]byte) bool {
	chunk := min(c.srv.cfg.MaxFrameBytes, maxKeptWriteBuf-maxFrameHeader, c.srv.cfg.SendQueueBytes/4)
	for len(msgs) > 0 {
		k, _ := framed(msgs, chunk)
		if !c.q.pushAll(msgs[:k]) {
			return false
		}
		msgs = msgs[k:]
	}
	return true
}

// Close implements rooms.Client: close after what is queued. A command in
// flight is answered first: its ack (say, to room.end) is not lost to the
// close it caused.
func (c *conn) Close(reason rooms.Code) {
	c.busyMu.Lock()
	if c.busy {
		if c.pendingClose == "" {
			c.pendingClose = reason
		}
		c.busyMu.Unlock()
		return
	}
	c.busyMu.Unlock()
	c.q.close(reason)
}

func (c *conn) setBusy(b bool) {
	c.busyMu.Lock()
	c.busy = b
	reason := c.pendingClose
	c.pendingClose = ""
	c.busyMu.Unlock()
	if !b && reason != "" {
		c.q.close(reason)
	}
}

func (c *conn) send(msg []byte) { c.Enqueue(msg) }

func (c *conn) sendError(id string, e *rooms.Error) {
	c.send(rooms.ErrorMessage(id, e))
}

// serve starts serving the connection, on a goroutine of its own. It
// returns once the connection has ended and is untracked.
func (c *conn) serve() {
	c.startTimer()
	// Reads take no context (one would cost a registration per read):
	// the node's shutdown ends them by closing the connection.
	c.stopOnShutdown = context.AfterFunc(c.srv.baseCtx, func() { _ = c.ws.CloseNow() })
	c.read()
}

// read reads and applies messages until the connection ends, then tears
// it down. Applying a command (or a hello) grows the goroutine's stack
// (JSON, the room's rules, the welcome) and a parked goroutine keeps its
// stack until several GCs halve it, so after one, once nothing more is
// buffered, read carries on in a fresh goroutine and this one ends,
// freeing its stack: an idle connection waits on a small one. Only one
// read runs at a time, so messages are applied in order.
func (c *conn) read() {
	for {
		c.awaitMessage()
		applied, ok := c.readOne()
		if !ok {
			break
		}
		if applied && !c.buffered() {
			go c.read()
			return
		}
	}
	c.end()
}

// end tears the connection down once the reader has stopped.
func (c *conn) end() {
	defer c.srv.untrack(c)
	c.stopOnShutdown()
	c.stopTimer()
	if c.sess != nil {
		c.sess.Detach()
	}
	// The reader ended: the peer closed or the connection broke (or the
	// writer closed it). The writer may still be sending a close frame.
	c.q.close(codePeer)
	done := c.q.done()
	wait := time.NewTimer(c.srv.cfg.SendQueueAge + 5*time.Second)
	select {
	case <-done:
	case <-wait.C:
	}
	wait.Stop()
	_ = c.ws.CloseNow()
	<-done
	// Count the close once, by the first reason anyone gave: the reader's
	// (too big, peer gone) or the server's.
	_, text := closeFor(c.q.closeReason())
	c.srv.metrics.closes.WithLabelValues(text).Inc()
}

// startTimer arms the connection's timer for the hello deadline and the
// first heartbeat.
func (c *conn) startTimer() {
	now := time.Now().UnixNano()
	c.timerMu.Lock()
	defer c.timerMu.Unlock()
	c.helloDue = now + int64(c.srv.cfg.HelloTimeout)
	c.beatDue = now + int64(c.srv.cfg.Heartbeat)
	c.timer = time.AfterFunc(time.Duration(min(c.helloDue, c.beatDue)-now), c.tick)
}

func (c *conn) stopTimer() {
	c.timerMu.Lock()
	defer c.timerMu.Unlock()
	c.timerOff = true
	c.timer.Stop()
}

// tick runs when the timer fires: a connection that has not said hello by
// its deadline is closed; every heartbeat, the server pings, and closes a
// connection it has heard nothing from for 2.5 heartbeats.
func (c *conn) tick() {
	c.timerMu.Lock()
	defer c.timerMu.Unlock()
	if c.timerOff {
		return
	}
	now := time.Now().UnixNano()
	if c.helloDue != 0 && now >= c.helloDue {
		c.helloDue = 0
		if c.sessionless() {
			c.Close(codePolicy)
		}
	}
	if now >= c.beatDue {
		hb := int64(c.srv.cfg.Heartbeat)
		c.beatDue = now + hb
		if now-c.lastRead.Load() > hb*5/2 {
			c.q.close(codeHeartbeat)
		} else {
			c.q.push(pingMsg)
		}
	}
	next := c.beatDue
	if c.helloDue != 0 {
		next = min(next, c.helloDue)
	}
	c.timer.Reset(time.Duration(next - now))
}

func (c *conn) sessionless() bool {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return c.sess == nil
}

// readOne reads one message and acts on it. It reports whether it
// decoded and applied it (a command, a hello: work that grows the stack),
// and false for ok once the connection has ended.
func (c *conn) readOne() (applied, ok bool) {
	typ, data, err := c.ws.Read(context.Background())
	if err != nil {
		if errors.Is(err, websocket.ErrMessageTooBig) {
			// The library has answered with 1009 already.
			c.q.close(codeTooBig)
		}
		return false, false
	}
	c.lastRead.Store(time.Now().UnixNano())
	if typ != websocket.MessageText {
		c.Close(codeUnsupported)
		return false, true
	}
	if c.q.isClosing() {
		return false, true // the connection is closing: nothing more is applied
	}
	// Heartbeats, most of what an idle connection reads, skip decoding.
	if bytes.Equal(data, pongMsg) {
		return false, true
	}
	if bytes.Equal(data, pingMsg) {
		c.send(pongMsg)
		return false, true
	}
	in, perr := decode(data)
	if perr != nil {
		c.srv.metrics.commands.WithLabelValues("invalid", string(perr.Code)).Inc()
		c.sendError(in.ID, perr)
		return true, true
	}
	switch in.Type {
	case msgPing:
		c.send(pongMsg)
	case msgPong:
	case msgHello:
		if c.sess != nil {
			c.sendError("", rooms.Errorf(rooms.CodeAlreadyHello, "this connection already said hello"))
			break
		}
		c.hello(in)
	default:
		if c.sess == nil {
			c.sendError(in.ID, rooms.Errorf(rooms.CodeBadMessage, "send hello before any command"))
			c.Close(codePolicy)
			break
		}
		growStack(len(data))
		c.command(in)
	}
	return true, true
}

// buffered reports whether bytes were read from the socket and not
// consumed yet.
func (c *conn) buffered() bool {
	if c.br == nil {
		return false
	}
	c.brMu.Lock()
	defer c.brMu.Unlock()
	return c.br.Buffered() > 0 || (c.cr != nil && c.cr.pending())
}

// awaitMessage returns when the next read will not wait long: br holds
// bytes or the socket is readable. An idle connection's reader waits here,
// on a small stack (see waitReadable), rather than inside ws.Read.
func (c *conn) awaitMessage() {
	if c.rc == nil {
		return
	}
	if c.early {
		c.early = false // Accept put them where the first read finds them
		return
	}
	if !c.buffered() {
		waitReadable(c.rc)
	}
}

// errCutOff refuses a connection, or its hello, while the node is cut
// off from its store (storeLost), and a request to a route that needs
// the store (needsStore).
var errCutOff = rooms.Errorf(rooms.CodeUnavailable, "this server cannot reach its store; connect again, to another server")

func (c *conn) hello(in inbound) {
	if c.srv.isCutOff() {
		c.sendError("", errCutOff)
		c.Close(rooms.CodeUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(c.srv.baseCtx, 10*time.Second)
	defer cancel()
	roomID := in.Room
	if code, ok := rooms.NormalizeCode(roomID); ok {
		// The join code works as well as the room id.
		if id, err := c.srv.store.RoomByCode(ctx, code); err == nil {
			roomID = id
		}
	}
	// A returning client's hello reads everything it needs at once.
	var m *rooms.Member
	var room *rooms.Room
	var resumed *rooms.Resumed
	var err error
	if in.Since != nil {
		m, room, resumed, err = c.srv.svc.AuthenticateResume(ctx, roomID, rooms.Secret(in.Token), *in.Since)
	} else {
		m, room, err = c.srv.svc.Authenticate(ctx, roomID, rooms.Secret(in.Token))
	}
	if err != nil {
		e := rooms.AsError(err)
		if e.Code == rooms.CodeRoomEnded && m != nil {
			// A member of an ended room, proven by its token, gets what
			// the room shows it one last time, then the close.
			if v, ok := endedViewer(m, in.View); ok {
				c.endedWelcome(ctx, room, v, e)
				return
			}
		}
		c.sendError("", e)
		c.Close(e.Code)
		return
	}
	switch in.View {
	case "":
	case "projector":
		if m.Role == rooms.RoleScreen {
			break // a projector link's token: a projector view already
		}
		if !m.IsFacilitator() {
			e := rooms.FieldError(rooms.CodeForbidden, "view", "the projector view opens with the facilitator's secret")
			c.sendError("", e)
			c.Close(codePolicy)
			return
		}
		m = m.AsScreen()
	default:
		c.sendError("", rooms.FieldError(rooms.CodeInvalid, "view", "view is empty or “projector”"))
		c.Close(codePolicy)
		return
	}
	extra := c.srv.welcomeExtra
	if m.IsFacilitator() && in.View == "" {
		// A facilitator sends whole exercises: the larger limit, set
		// before the welcome, which tells the client its limit.
		c.ws.SetReadLimit(int64(c.srv.cfg.HostMessageBytes()))
		extra = c.srv.welcomeExtraHost
	}
	sess, err := c.srv.hub.Attach(ctx, room.ID, m, c, rooms.AttachOptions{Since: in.Since, Resumed: resumed, Extra: extra})
	if err != nil {
		e := rooms.AsError(err)
		if e.Code != rooms.CodeReplaced {
			// (One replaced by a newer connection of its token while it
			// attached failed at nothing: it is closed as any replaced is.)
			c.srv.log.Warn("attach failed", "room", room.ID, "err", err)
		}
		c.sendError("", e)
		c.Close(e.Code)
		return
	}
	c.srv.mu.Lock()
	c.roomID, c.member, c.sess = room.ID, m, sess
	c.srv.mu.Unlock()
}

// endedViewer is who m sees an ended room as, asking for view: a
// participant as itself; the facilitator's console as the facilitator; a
// projector view (view "projector" with the facilitator's secret, or a
// projector link's token) as the projector. False for any other hello
// (a participant asking for a projector view, an unknown view): it gets
// the error and the close only, as before.
func endedViewer(m *rooms.Member, view string) (*rooms.Member, bool) {
	switch {
	case view == "" && (m.Role == rooms.RoleParticipant || m.IsFacilitator() || m.Role == rooms.RoleScreen):
		return m, true
	case view == "projector" && m.Role == rooms.RoleScreen:
		return m, true
	case view == "projector" && m.IsFacilitator():
		return m.AsScreen(), true
	}
	return nil, false
}

// endedWelcome answers the hello of a member whose room has ended: a
// final welcome with the snapshot the room holds for that member (for a
// participant its title, the kudos and action items a phone keeps after
// the end; for the facilitator's console everything its welcome gives
// while the room runs: who took part, the agenda and its results; for a
// projector what the projector shows: the same view that a welcome gives
// while the room runs, nothing more), then the room_ended error and close
// 4003, as before. The facilitator's also says whether the room's results
// are kept as a session (session: its summary), as the console shows. The
// connection never joins the room: nothing is subscribed, nobody sees it
// online, and no command is applied. Nothing is kept for it: the room's
// own documents are read, until they expire (the token then is unknown:
// 4001). A snapshot that cannot be read leaves only the error and the
// close.
func (c *conn) endedWelcome(ctx context.Context, room *rooms.Room, m *rooms.Member, e *rooms.Error) {
	msgs := make([][]byte, 0, 2)
	if st, err := c.srv.svc.LoadFor(ctx, room.ID, m); err != nil {
		c.srv.log.Warn("ended room's welcome", "room", room.ID, "err", err)
	} else if snap, err := c.srv.svc.SnapshotFor(st, rooms.Viewer{Member: m}); err != nil {
		c.srv.log.Warn("ended room's welcome", "room", room.ID, "err", err)
	} else {
		w := endedWelcomeMsg{Welcome: rooms.Welcome{Type: "welcome", You: m.View(false), Position: st.Pos, Snapshot: snap, Server: c.srv.welcomeExtra,
			Presence: rooms.PresenceMsg{Type: "presence", Participants: snap.Participants, Members: snap.Members}}}
		if m.IsFacilitator() {
			w.Server = c.srv.welcomeExtraHost
			w.Session = c.keptSession(ctx, room.ID)
		}
		if b, err := json.Marshal(w); err == nil {
			msgs = append(msgs, b)
		}
	}
	msgs = append(msgs, rooms.ErrorMessage("", e))
	c.EnqueueAll(msgs)
	c.Close(e.Code)
}

// endedWelcomeMsg is an ended room's final welcome: a welcome, with the
// facilitator's the kept session's summary when there is one.
type endedWelcomeMsg struct {
	rooms.Welcome
	Session *exercises.SessionSummary `json:"session,omitempty"`
}

// keptSession is the summary of the session an ended room's results are
// kept as (its id is the room's), nil when none is (the server keeps no
// results, they expired or were deleted, or keeping them has not ended
// yet) or it cannot be read: the console then offers to keep them.
func (c *conn) keptSession(ctx context.Context, roomID string) *exercises.SessionSummary {
	if c.srv.cfg.ResultsTTL <= 0 {
		return nil
	}
	s, err := exercises.GetSessionSummary(ctx, c.srv.store, roomID)
	if err != nil {
		c.srv.log.Warn("ended room's kept session", "room", roomID, "err", err)
	}
	if s != nil {
		c.srv.served(s)
	}
	return s
}

// maxViolations is how many commands over the rate limit in a row close
// the connection as a flood.
const maxViolations = 50

func (c *conn) command(in inbound) {
	label := in.Type
	if !c.srv.svc.Known(label) {
		label = "unknown"
	}
	if c.limiter == nil {
		c.limiter = rate.NewLimiter(rate.Limit(c.srv.cfg.CommandRate), c.srv.cfg.CommandBurst)
	}
	if !c.limiter.Allow() {
		c.violations++
		c.srv.metrics.commands.WithLabelValues(label, string(rooms.CodeRateLimited)).Inc()
		c.sendError(in.ID, rooms.Errorf(rooms.CodeRateLimited, "too many commands; slow down and send this again"))
		if c.violations >= maxViolations {
			c.Close(codePolicy)
		}
		return
	}
	c.violations = 0
	if c.member.Role == rooms.RoleScreen {
		c.srv.metrics.commands.WithLabelValues(label, string(rooms.CodeForbidden)).Inc()
		c.sendError(in.ID, rooms.Errorf(rooms.CodeForbidden, "the projector view is read-only"))
		return
	}
	ctx, cancel := context.WithTimeout(c.srv.baseCtx, 10*time.Second)
	defer cancel()
	c.setBusy(true)
	defer c.setBusy(false)
	out := c.srv.svc.Execute(ctx, c.roomID, c.member, rooms.Command{ID: in.ID, Type: in.Type, Data: in.Data})
	result := "ok"
	if out.Code != "" {
		result = string(out.Code)
	}
	if out.Code == rooms.CodeInternal && !out.Duplicate {
		// As an HTTP request answered internal is (request failed); the
		// member is not named, as nowhere in the log.
		c.srv.log.Error("command failed", "type", label, "room", c.roomID, "err", out.Err)
	}
	c.srv.metrics.commands.WithLabelValues(label, result).Inc()
	c.send(out.Reply)
}

// maxInlineRounds is how many batches a writer running in another
// goroutine (see startWriter) sends before it moves to one of its own:
// messages that keep arriving while it writes must not hold the room's
// fan-out here.
const maxInlineRounds = 2

// write is the writer: it sends what is queued, in as few frames as it
// can, until the queue is empty (then it stops: the next push starts
// another) or closing (then it closes the connection). mayWait is false
// while it runs in another goroutine: it then never waits on the socket
// or on the peer, and moves to a goroutine of its own where it would.
func (c *conn) write(mayWait bool) { c.writeFrom(mayWait, 0, nil) }

// writeFrom is the writer from its round-th batch on; batch is the last
// one's slice, done with (see sendQueue.next).
func (c *conn) writeFrom(mayWait bool, round int, batch [][]byte) {
	for ; ; round++ {
		if !mayWait && round == maxInlineRounds {
			go c.write(true)
			return
		}
		var closing, ok bool
		var reason rooms.Code
		batch, closing, reason, ok = c.q.next(batch)
		if !ok || !c.writeOne(batch, closing, reason, mayWait) {
			return
		}
	}
}

// writeOne is the writer with a batch next gave it: it sends the batch
// and carries on as wrote does, reporting whether the writer goes on.
func (c *conn) writeOne(batch [][]byte, closing bool, reason rooms.Code, mayWait bool) bool {
	var more bool
	var err error
	if reason != rooms.CodeSlowClient && len(batch) > 0 {
		more, err = c.writeBatch(batch)
	}
	return c.wrote(more, err, closing, reason, mayWait)
}

// wrote is the writer after a batch went to the socket as far as it took
// it (more: the rest is in the connection writer's rest) or failed with
// err: it waits for the rest where it may, and closes the connection
// after a failure or once closing. It reports whether the writer goes on
// to the next batch.
func (c *conn) wrote(more bool, err error, closing bool, reason rooms.Code, mayWait bool) bool {
	if more && err == nil {
		if !mayWait {
			// The socket is full: wait for it elsewhere.
			go c.resume(closing, reason)
			return false
		}
		err = c.cw.flushRest(time.Now().Add(c.srv.cfg.SendQueueAge))
	}
	if err != nil {
		c.endWrites(c.failed(err, closing, reason), mayWait)
		return false
	}
	if closing {
		c.endWrites(reason, mayWait)
		return false
	}
	return true
}

// resume is the writer on a goroutine of its own, after an inline writer
// left bytes the socket did not take: it sends them, then carries on.
func (c *conn) resume(closing bool, reason rooms.Code) {
	if err := c.cw.flushRest(time.Now().Add(c.srv.cfg.SendQueueAge)); err != nil {
		c.finish(c.failed(err, closing, reason))
		return
	}
	if closing {
		c.finish(reason)
		return
	}
	c.write(true)
}

// failed closes the queue after a write failed and returns the reason to
// close the connection with. A client that has not read for the
// send-queue age is a slow client, as if its queue had overflowed, and
// counted as one; any other failure (reset, broken pipe) means the peer
// is gone: the queue closes now, so later pushes are refused at once
// instead of piling up until they count as a slow client.
func (c *conn) failed(err error, closing bool, reason rooms.Code) rooms.Code {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		c.q.close(rooms.CodeSlowClient)
	} else {
		c.q.close(codePeer)
	}
	if !closing {
		reason = c.q.closeReason()
	}
	return reason
}

// endWrites closes the connection with reason: here when the writer may
// wait (the close handshake does), else on a goroutine of its own.
func (c *conn) endWrites(reason rooms.Code, mayWait bool) {
	if mayWait {
		c.finish(reason)
	} else {
		go c.finish(reason)
	}
}

// writeBatch sends queued messages, newline-separated, in as few frames as
// the frame limit allows, built in one buffer and sent in one write, as far
// as the socket takes it at once. It reports more when the socket left
// some of it: the writer must call flushRest before writing again. A
// client that stopped reading blocks flushRest once the socket's buffers
// are full: its deadline (not a context, which would cost allocations per
// frame) ends it after the send-queue age, and the connection with it.
func (c *conn) writeBatch(batch [][]byte) (more bool, err error) {
	bp := frameBufs.Get().(*[]byte)
	frames, n := appendFrames((*bp)[:0], batch, c.srv.cfg.MaxFrameBytes)
	c.srv.metrics.frames.Add(float64(n))
	more, err = c.cw.trySend(frames)
	*bp = frames
	putFrameBuf(bp)
	return more, err
}

// frameBufs are the buffers writers build their frames in, held only
// while a batch is written: an idle connection holds none.
var frameBufs = sync.Pool{New: func() any { return new([]byte) }}

// putFrameBuf returns a frame buffer to frameBufs, unless it grew too big
// to keep.
func putFrameBuf(bp *[]byte) {
	if cap(*bp) <= maxKeptWriteBuf {
		*bp = (*bp)[:0]
		frameBufs.Put(bp)
	}
}

// appendFrames appends batch to dst as WebSocket text frames, messages
// separated by newlines, each frame's payload at most max bytes unless a
// single message is longer. It returns the frames and their number.
// Huddle writes its data frames itself (ws writes only control frames):
// a server's frames are never masked (RFC 6455, section 5.1), and a frame
// built here costs no lock, no context and no buffered copy in ws.
func appendFrames(dst []byte, batch [][]byte, max int) ([]byte, int) {
	frames := 0
	for i := 0; i < len(batch); frames++ {
		k, n := framed(batch[i:], max)
		j := i + k
		dst = appendFrameHeader(dst, n)
		dst = append(dst, batch[i]...)
		for _, m := range batch[i+1 : j] {
			dst = append(dst, '\n')
			dst = append(dst, m...)
		}
		i = j
	}
	return dst, frames
}

// framed is how many of msgs (at least one) go in the next frame, as
// many as fit max bytes of payload, and that payload's length (newlines
// between them counted).
func framed(msgs [][]byte, max int) (k, n int) {
	k, n = 1, len(msgs[0])
	for k < len(msgs) && n+1+len(msgs[k]) <= max {
		n += 1 + len(msgs[k])
		k++
	}
	return k, n
}

// appendFrameHeader appends the header of a final, unmasked text frame
// with n bytes of payload.
func appendFrameHeader(dst []byte, n int) []byte {
	const finText = 0x80 | 0x1
	switch {
	case n < 126:
		return append(dst, finText, byte(n))
	case n <= 0xFFFF:
		return append(dst, finText, 126, byte(n>>8), byte(n))
	default:
		return binary.BigEndian.AppendUint64(append(dst, finText, 127), uint64(n))
	}
}

// finish closes the WebSocket with the reason's code. Only the last writer
// calls it: no writer starts after it.
func (c *conn) finish(reason rooms.Code) {
	code, text := closeFor(reason)
	if reason != codePeer {
		c.srv.log.Debug("closing connection", "reason", text)
	}
	// Close waits for the peer's close frame, at most a few seconds,
	// reading it from br.
	c.brMu.Lock()
	_ = c.ws.Close(code, text)
	c.brMu.Unlock()
	c.q.finish()
}

// welcome extras: what every client needs to know of the server, with
// the largest message this client may send (a facilitator's is larger).
func welcomeExtra(cfg Config, maxMessageBytes int) map[string]any {
	return map[string]any{
		"heartbeatMs": cfg.Heartbeat.Milliseconds(),
		"limits": map[string]any{
			"maxMessageBytes": maxMessageBytes,
			"commandRate":     cfg.CommandRate,
			"commandBurst":    cfg.CommandBurst,
			"maxNameLen":      cfg.Limits.MaxNameLen,
			"maxTitleLen":     cfg.Limits.MaxTitleLen,
			"maxTextLen":      cfg.Limits.MaxTextLen,
			"maxParticipants": cfg.Limits.MaxParticipants,
			"maxShortLen":     cfg.Exercises.MaxShort,
			"maxOptions":      cfg.Exercises.MaxOptions,
			"maxQuestions":    cfg.Exercises.MaxQuestions,
			"maxWordEntries":  cfg.Exercises.MaxEntries,
			"maxTimerSeconds": cfg.Exercises.MaxTimer,
			"minResponses":    cfg.Exercises.MinAnonymous,
		},
	}
}

var _ = json.Marshal

// handleWS upgrades GET /ws and serves the connection.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	if !s.connectLimiter.Allow() {
		s.writeError(w, rooms.Errorf(rooms.CodeRateLimited, "too many new connections; reconnect in a moment"))
		return
	}
	if s.isCutOff() {
		// A phone sent back here by the load balancer (or its backoff)
		// tries again and meets another node.
		s.writeError(w, errCutOff)
		return
	}
	// Reserve a place before the upgrade, so simultaneous upgrades cannot
	// pass the limit together. Whose connection it is is known only at
	// its hello: the hub then keeps each token to max-member-connections
	// in a room here, closing its oldest past it, so that one token
	// (anyone with the join code has one) cannot take every place.
	if !s.reserve() {
		s.writeError(w, rooms.Errorf(rooms.CodeTooManyClients, "this server is at its connection limit"))
		return
	}
	hw := &hijackWriter{ResponseWriter: w, maxRest: s.cfg.SendQueueBytes, maxWait: s.cfg.SendQueueAge}
	ws, err := websocket.Accept(hw, r, &websocket.AcceptOptions{
		OriginPatterns:  s.cfg.AllowedOrigins,
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		s.unreserve()
		s.metrics.rejected.WithLabelValues("upgrade").Inc()
		return // Accept has answered (403 for a foreign origin)
	}
	ws.SetReadLimit(int64(s.cfg.MaxMessageBytes))
	c := s.newConn(ws, hw)
	if reason, ok := s.track(c); !ok {
		_ = ws.Close(closeFor(reason))
		return
	}
	// The connection gets a goroutine of its own and the handler returns:
	// net/http then drops its request, response and connection state,
	// which would otherwise stay live as long as the WebSocket.
	go c.serve()
}
