package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"huddle/rooms"
)

// conn is one WebSocket connection: a reader (the handler's goroutine)
// that decodes and applies commands in order, and a writer goroutine that
// drains the send queue, packing queued messages into few frames.
type conn struct {
	srv    *Server
	ws     *websocket.Conn
	ctx    context.Context
	cancel context.CancelFunc
	q      *sendQueue
	log    *slog.Logger

	limiter    *rate.Limiter
	violations int
	lastRead   atomic.Int64 // unix nanoseconds

	roomID string
	member *rooms.Member
	sess   *rooms.Session

	busyMu       sync.Mutex
	busy         bool       // a command is being applied
	pendingClose rooms.Code // a close that waits for its answer

	writerDone chan struct{}
	closeOnce  sync.Once
	reason     atomic.Value // rooms.Code the connection closed with
}

func (s *Server) newConn(ws *websocket.Conn) *conn {
	// Not the request's context: it ends when the handler hijacks.
	ctx, cancel := context.WithCancel(s.baseCtx)
	c := &conn{
		srv: s, ws: ws, ctx: ctx, cancel: cancel,
		q:          newSendQueue(s.cfg.SendQueueBytes, s.cfg.SendQueueAge),
		log:        s.log,
		limiter:    rate.NewLimiter(rate.Limit(s.cfg.CommandRate), s.cfg.CommandBurst),
		writerDone: make(chan struct{}),
	}
	c.q.onEvict = s.metrics.evictions.Inc
	c.lastRead.Store(time.Now().UnixNano())
	return c
}

// Enqueue implements rooms.Client.
func (c *conn) Enqueue(msg []byte) bool { return c.q.push(msg) }

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

// serve runs the connection until it closes.
func (c *conn) serve() {
	go c.writeLoop()
	hello := time.AfterFunc(c.srv.cfg.HelloTimeout, func() {
		if c.sessionless() {
			c.Close(codePolicy)
		}
	})
	c.readLoop()
	hello.Stop()
	if c.sess != nil {
		c.sess.Detach()
	}
	// The reader ended: the peer closed or the connection broke (or the
	// writer closed it). The writer may still be sending a close frame.
	c.q.close(codePeer)
	select {
	case <-c.writerDone:
	case <-time.After(c.srv.cfg.SendQueueAge + 5*time.Second):
	}
	c.cancel()
	_ = c.ws.CloseNow()
	<-c.writerDone
	// Count the close once, by the first reason anyone gave: the reader's
	// (too big, peer gone) or the server's.
	_, _, reason := c.q.take(nil)
	_, text := closeFor(reason)
	c.srv.metrics.closes.WithLabelValues(text).Inc()
}

func (c *conn) sessionless() bool {
	c.srv.mu.Lock()
	defer c.srv.mu.Unlock()
	return c.sess == nil
}

func (c *conn) readLoop() {
	for {
		typ, data, err := c.ws.Read(c.ctx)
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				// The library has answered with 1009 already.
				c.q.close(codeTooBig)
			}
			return
		}
		c.lastRead.Store(time.Now().UnixNano())
		if typ != websocket.MessageText {
			c.Close(codeUnsupported)
			continue
		}
		if c.q.isClosing() {
			continue // the connection is closing: nothing more is applied
		}
		in, perr := decode(data)
		if perr != nil {
			c.srv.metrics.commands.WithLabelValues("invalid", string(perr.Code)).Inc()
			c.sendError(in.ID, perr)
			continue
		}
		switch in.Type {
		case msgPing:
			c.send(pongMsg)
		case msgPong:
		case msgHello:
			if c.sess != nil {
				c.sendError("", rooms.Errorf(rooms.CodeAlreadyHello, "this connection already said hello"))
				continue
			}
			c.hello(in)
		default:
			if c.sess == nil {
				c.sendError(in.ID, rooms.Errorf(rooms.CodeBadMessage, "send hello before any command"))
				c.Close(codePolicy)
				continue
			}
			c.command(in)
		}
	}
}

func (c *conn) hello(in inbound) {
	ctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
	defer cancel()
	roomID := in.Room
	if code, ok := rooms.NormalizeCode(roomID); ok {
		// The join code works as well as the room id.
		if id, err := c.srv.store.RoomByCode(ctx, code); err == nil {
			roomID = id
		}
	}
	m, room, err := c.srv.svc.Authenticate(ctx, roomID, rooms.Secret(in.Token))
	if err != nil {
		e := rooms.AsError(err)
		c.sendError("", e)
		c.Close(e.Code)
		return
	}
	switch in.View {
	case "":
	case "projector":
		if !m.IsFacilitator() {
			e := rooms.FieldError(rooms.CodeForbidden, "view", "the projector view opens with the facilitator's secret")
			c.sendError("", e)
			c.Close(codePolicy)
			return
		}
		m = m.AsScreen()
	default:
		c.sendError("", rooms.FieldError(rooms.CodeInvalid, "view", "view is empty or \"projector\""))
		c.Close(codePolicy)
		return
	}
	sess, err := c.srv.hub.Attach(ctx, room.ID, m, c, rooms.AttachOptions{Since: in.Since, Extra: c.srv.welcomeExtra})
	if err != nil {
		e := rooms.AsError(err)
		c.log.Warn("attach failed", "room", room.ID, "err", err)
		c.sendError("", e)
		c.Close(e.Code)
		return
	}
	c.srv.mu.Lock()
	c.roomID, c.member, c.sess = room.ID, m, sess
	c.srv.mu.Unlock()
}

// maxViolations is how many commands over the rate limit in a row close
// the connection as a flood.
const maxViolations = 50

func (c *conn) command(in inbound) {
	label := in.Type
	if !c.srv.svc.Known(label) {
		label = "unknown"
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
	ctx, cancel := context.WithTimeout(c.ctx, 10*time.Second)
	defer cancel()
	c.setBusy(true)
	defer c.setBusy(false)
	out := c.srv.svc.Execute(ctx, c.roomID, c.member, rooms.Command{ID: in.ID, Type: in.Type, Data: in.Data})
	result := "ok"
	if out.Code != "" {
		result = string(out.Code)
	}
	c.srv.metrics.commands.WithLabelValues(label, result).Inc()
	c.send(out.Reply)
}

func (c *conn) writeLoop() {
	defer close(c.writerDone)
	hb := time.NewTicker(c.srv.cfg.Heartbeat)
	defer hb.Stop()
	idle := c.srv.cfg.Heartbeat * 5 / 2
	var batch [][]byte
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-hb.C:
			if time.Since(time.Unix(0, c.lastRead.Load())) > idle {
				c.q.close(codeHeartbeat)
			} else {
				c.q.push(pingMsg)
			}
		case <-c.q.wake:
		}
		var closing bool
		var reason rooms.Code
		batch, closing, reason = c.q.take(batch)
		if reason != rooms.CodeSlowClient && len(batch) > 0 {
			// An idle connection holds no write buffer: they are pooled.
			buf := writeBufs.Get().(*bytes.Buffer)
			err := c.writeBatch(batch, buf)
			buf.Reset()
			if buf.Cap() <= 2*c.srv.cfg.MaxFrameBytes {
				writeBufs.Put(buf)
			}
			if err != nil {
				c.finish(reason)
				return
			}
		}
		clear(batch)
		if cap(batch) > 1024 {
			batch = nil // a burst's slice is not kept for ever
		}
		if closing {
			c.finish(reason)
			return
		}
	}
}

var writeBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeBatch sends queued messages, newline-separated, in as few frames as
// the frame limit allows.
func (c *conn) writeBatch(batch [][]byte, buf *bytes.Buffer) error {
	max := c.srv.cfg.MaxFrameBytes
	flush := func() error {
		if buf.Len() == 0 {
			return nil
		}
		ctx, cancel := context.WithTimeout(c.ctx, c.srv.cfg.SendQueueAge)
		defer cancel()
		err := c.ws.Write(ctx, websocket.MessageText, buf.Bytes())
		buf.Reset()
		c.srv.metrics.frames.Inc()
		return err
	}
	for _, m := range batch {
		if buf.Len() > 0 && buf.Len()+1+len(m) > max {
			if err := flush(); err != nil {
				return err
			}
		}
		if buf.Len() > 0 {
			buf.WriteByte('\n')
		}
		buf.Write(m)
	}
	return flush()
}

// finish closes the WebSocket with the reason's code.
func (c *conn) finish(reason rooms.Code) {
	c.closeOnce.Do(func() {
		c.reason.Store(reason)
		code, text := closeFor(reason)
		if reason != codePeer {
			c.log.Debug("closing connection", "reason", text)
		}
		// Close waits for the peer's close frame, at most a few seconds.
		_ = c.ws.Close(code, text)
	})
}

// welcome extras: what every client needs to know of the server.
func welcomeExtra(cfg Config) map[string]any {
	return map[string]any{
		"heartbeatMs": cfg.Heartbeat.Milliseconds(),
		"limits": map[string]any{
			"maxMessageBytes": cfg.MaxMessageBytes,
			"commandRate":     cfg.CommandRate,
			"commandBurst":    cfg.CommandBurst,
			"maxNameLen":      cfg.Limits.MaxNameLen,
			"maxTitleLen":     cfg.Limits.MaxTitleLen,
			"maxTextLen":      cfg.Limits.MaxTextLen,
			"maxParticipants": cfg.Limits.MaxParticipants,
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
	// Reserve a place before the upgrade, so simultaneous upgrades cannot
	// pass the limit together.
	if !s.reserve() {
		s.writeError(w, rooms.Errorf(rooms.CodeTooManyClients, "this server is at its connection limit"))
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		OriginPatterns:  s.cfg.AllowedOrigins,
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		s.unreserve()
		s.metrics.rejected.WithLabelValues("upgrade").Inc()
		return // Accept has answered (403 for a foreign origin)
	}
	ws.SetReadLimit(int64(s.cfg.MaxMessageBytes))
	c := s.newConn(ws)
	if !s.track(c) {
		_ = ws.Close(CloseGoingAway, "going_away")
		return
	}
	defer s.untrack(c)
	c.serve()
}
