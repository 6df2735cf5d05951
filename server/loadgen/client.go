// Package loadgen is Huddle's load tool (huddle load): it drives a running
// node over loopback the way phones do, through the public HTTP API and
// WebSocket protocol only, and measures what people would feel: join time,
// command acknowledgement latency, fan-out latency and delivery.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Target is the node under load.
type Target struct {
	Base string // http://host:port
	HTTP *http.Client
	// Nodes, when set, are several nodes serving the same rooms (Redis):
	// WebSockets are spread over them in turn. Base is the first.
	Nodes []string
	next  atomic.Uint64
}

// wsURL is the WebSocket address of the next node.
func (t *Target) wsURL() string {
	base := t.Base
	if len(t.Nodes) > 1 {
		base = t.Nodes[(t.next.Add(1)-1)%uint64(len(t.Nodes))]
	}
	return "ws" + strings.TrimPrefix(base, "http") + "/ws"
}

func (t *Target) post(ctx context.Context, path string, body, out any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, "POST", t.Base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

// Room is a room the tool created.
type Room struct {
	ID, Code, Secret string
}

// CreateRoom creates a room.
func (t *Target) CreateRoom(ctx context.Context, title string) (Room, error) {
	var out struct {
		Room        struct{ ID, Code string }
		Facilitator struct{ Secret string }
	}
	if err := t.post(ctx, "/api/rooms", map[string]any{"title": title}, &out); err != nil {
		return Room{}, err
	}
	return Room{ID: out.Room.ID, Code: out.Room.Code, Secret: out.Facilitator.Secret}, nil
}

// Join admits a participant and returns their token.
func (t *Target) Join(ctx context.Context, code, name string) (string, error) {
	var out struct{ Token string }
	err := t.post(ctx, "/api/join", map[string]any{"code": code, "name": name}, &out)
	return out.Token, err
}

// Position is a place in a room's event history (docs/protocol.md 5.1).
type Position struct {
	Epoch string `json:"epoch"`
	Seq   uint64 `json:"seq"`
}

// Message is the part of a server message the tool reads. Data and Result
// point into the frame the message came in, which is reused: they are
// valid only during the handler's call (copy what you keep). The strings
// may be kept.
type Message struct {
	Type         string
	ID           string
	Code         string
	Event        string
	Seq          uint64
	Epoch        string
	Key          string
	Data         []byte // raw JSON
	Result       []byte // raw JSON
	Online       int    // presence
	Participants int    // presence
	Recovered    bool   // welcome
	Position     Position
	Presence     struct{ Online, Participants int } // welcome
	// At is when an answer to a command (ack or error) arrived; set on
	// what Command returns.
	At time.Time

	id []byte // the id as sent, until ID is set
}

// parse reads one JSON message (a line of a frame) into m, keeping only
// what the tool uses; n interns its strings. It reports whether line was a
// well-formed JSON object.
//
// Events and states carry their data last (the server writes them so:
// rooms.EncodeEvent, rooms.StateMsg), and data can be a whole retro board:
// for them, data is taken as the rest of the line without walking through
// it. TestScanLive checks this against encoding/json on a live server.
func (m *Message) parse(line []byte, n *names) bool {
	*m = Message{}
	f := members(line)
	for {
		k, v, ok := f.next()
		if !ok {
			return !f.bad
		}
		switch string(k) {
		case "type":
			m.Type = n.get(v)
			if m.Type == "event" || m.Type == "state" {
				f.last = "data"
			}
		case "id":
			// Not interned: every command has its own id. The answer's
			// waiter knows it as a string already.
			m.id, _ = stringBytes(v)
		case "code":
			m.Code = n.get(v)
		case "event":
			m.Event = n.get(v)
		case "seq":
			m.Seq, _ = parseUint(v)
		case "epoch":
			m.Epoch = n.get(v)
		case "key":
			m.Key = n.get(v)
		case "data":
			m.Data = v
		case "result":
			m.Result = v
		case "online":
			o, _ := parseInt(v)
			m.Online = int(o)
		case "participants":
			p, _ := parseInt(v)
			m.Participants = int(p)
		case "recovered":
			m.Recovered = string(v) == "true"
		case "position":
			pf := members(v)
			for {
				k, v, ok := pf.next()
				if !ok {
					break
				}
				switch string(k) {
				case "epoch":
					m.Position.Epoch = n.get(v)
				case "seq":
					m.Position.Seq, _ = parseUint(v)
				}
			}
		case "presence":
			if o, ok := parseInt(field(v, "online")); ok {
				m.Presence.Online = int(o)
			}
			if p, ok := parseInt(field(v, "participants")); ok {
				m.Presence.Participants = int(p)
			}
		}
	}
}

// Conn is one simulated phone or laptop.
type Conn struct {
	w       *wire
	handler atomic.Pointer[func(m *Message, at time.Time)]
	done    chan struct{}
	err     error

	mu       sync.Mutex
	pending  map[string]*call // command id → who waits for its answer
	pos      Position         // after the last event received
	welcomed time.Time        // when the welcome's frame was read
	upgrade  time.Duration    // from dialling to the WebSocket upgrade

	msg     Message        // the reading goroutine's, reused
	names   names          // the reading goroutine's
	welcome chan<- Message // until the welcome arrives
	onFrame func(b []byte) // tests: sees every raw frame
}

type call struct {
	id string
	ch chan Message
}

// DialOptions are the optional parts of a hello.
type DialOptions struct {
	Since   *Position      // resume from here (docs/protocol.md 5.2)
	OnFrame func(b []byte) // sees every raw frame (tests)
}

// Dial connects and says hello; handler sees every message from the
// welcome on, from the reading goroutine (keep it quick, and copy any
// Data it keeps).
func (t *Target) Dial(ctx context.Context, room, token string, handler func(m *Message, at time.Time)) (*Conn, Message, error) {
	return t.DialWith(ctx, room, token, handler, DialOptions{})
}

// DialWith is Dial with options.
func (t *Target) DialWith(ctx context.Context, room, token string, handler func(m *Message, at time.Time), o DialOptions) (*Conn, Message, error) {
	c := &Conn{done: make(chan struct{}), pending: map[string]*call{}, onFrame: o.OnFrame}
	if o.Since != nil {
		c.pos = *o.Since
	}
	c.SetHandler(handler)
	welcome := make(chan Message, 1)
	c.welcome = welcome
	start := time.Now()
	w := &wire{onMessage: c.message, onEnd: c.ended, limit: 1 << 24}
	c.w = w
	if err := w.dial(ctx, t.wsURL()); err != nil {
		return nil, Message{}, err
	}
	c.upgrade = time.Since(start)
	hello := map[string]any{"type": "hello", "room": room, "token": token}
	if o.Since != nil {
		hello["since"] = o.Since
	}
	b, _ := json.Marshal(hello)
	if err := w.Write(b); err != nil {
		c.Close()
		return nil, Message{}, err
	}
	select {
	case w := <-welcome:
		if w.Type != "welcome" {
			c.Close()
			return nil, w, fmt.Errorf("hello answered %s %s", w.Type, w.Code)
		}
		return c, w, nil
	case <-c.done:
		return nil, Message{}, fmt.Errorf("closed before welcome: %w", c.err)
	case <-ctx.Done():
		c.Close()
		return nil, Message{}, ctx.Err()
	}
}

// message handles one WebSocket message from the server, from the wire's
// reader: arrived is when its last byte reached the socket, read when the
// tool read it.
func (c *Conn) message(b []byte, arrived, read time.Time) {
	if c.onFrame != nil {
		c.onFrame(b)
	}
	if l := readLag.Load(); l != nil {
		l.Add(read.Sub(arrived))
	}
	c.frame(b, arrived)
}

// ended is called once when the connection has ended.
func (c *Conn) ended(err error) {
	c.err = err
	close(c.done)
}

// readLag, while a run measures (StartProc to Stop), collects how long
// after its arrival the tool read each message.
var readLag atomic.Pointer[Latencies]

// frame handles one WebSocket message from the server: one or more JSON
// messages separated by newlines (docs/protocol.md 3.2).
func (c *Conn) frame(data []byte, at time.Time) {
	m := &c.msg
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if !m.parse(line, &c.names) {
			continue
		}
		switch m.Type {
		case "welcome", "error":
			if c.welcome != nil {
				if m.Type == "welcome" {
					c.mu.Lock()
					if !m.Recovered {
						c.pos = m.Position
					}
					c.welcomed = at
					c.mu.Unlock()
				}
				w := *m
				w.Data, w.Result, w.id = nil, nil, nil
				c.welcome <- w
				c.welcome = nil
			} else {
				c.answer(m, at)
			}
		case "ack":
			c.answer(m, at)
		case "event":
			c.mu.Lock()
			if m.Epoch != c.pos.Epoch {
				c.pos = Position{Epoch: m.Epoch, Seq: m.Seq}
			} else if m.Seq > c.pos.Seq {
				c.pos.Seq = m.Seq
			}
			c.mu.Unlock()
		case "ping":
			_ = c.w.Write([]byte(`{"type":"pong"}`))
		}
		if h := c.handler.Load(); h != nil && *h != nil && c.welcome == nil {
			(*h)(m, at)
		}
	}
}

// answer hands an ack or error to the command waiting for it, and sets
// its ID.
func (c *Conn) answer(m *Message, at time.Time) {
	if m.id == nil {
		return
	}
	c.mu.Lock()
	w := c.pending[string(m.id)]
	delete(c.pending, string(m.id))
	c.mu.Unlock()
	if w == nil {
		m.ID = string(m.id)
		return
	}
	m.ID = w.id
	a := *m
	a.Data, a.Result, a.id, a.At = nil, bytes.Clone(m.Result), nil, at
	w.ch <- a
}

// Position is the position after the last event received (for a resume).
func (c *Conn) Position() Position {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pos
}

// Welcomed is when the frame holding the welcome was read.
func (c *Conn) Welcomed() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.welcomed
}

// Upgrade is how long the dial took until the WebSocket was upgraded
// (before hello).
func (c *Conn) Upgrade() time.Duration { return c.upgrade }

// Closed reports whether the connection has ended.
func (c *Conn) Closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// SetHandler replaces the function that sees every message.
func (c *Conn) SetHandler(h func(m *Message, at time.Time)) { c.handler.Store(&h) }

// ErrClosed is returned for commands on a closed connection.
var ErrClosed = errors.New("connection closed")

// closedErr is ErrClosed with why the connection ended (the server's
// close code and reason, when it sent one). Only after done is closed.
func (c *Conn) closedErr() error {
	var ce *CloseError
	if errors.As(c.err, &ce) {
		return fmt.Errorf("%w by the server: %d %s", ErrClosed, ce.Code, ce.Reason)
	}
	return fmt.Errorf("%w: %v", ErrClosed, c.err)
}

// Command sends a command and waits for its answer.
func (c *Conn) Command(ctx context.Context, typ string, data any) (Message, error) {
	// Ids are per member, not per connection (docs/protocol.md 3.6): a
	// member's new connection must not reuse an id of its old one.
	id := "c" + strconv.FormatUint(commandIDs.Add(1), 10)
	return c.CommandID(ctx, id, typ, data)
}

var commandIDs atomic.Uint64

// CommandID sends a command with a given id and waits for its answer.
func (c *Conn) CommandID(ctx context.Context, id, typ string, data any) (Message, error) {
	w := &call{id: id, ch: make(chan Message, 1)}
	c.mu.Lock()
	c.pending[id] = w
	c.mu.Unlock()
	b, _ := json.Marshal(map[string]any{"type": typ, "id": id, "data": data})
	if err := c.w.Write(b); err != nil {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		if c.Closed() {
			return Message{}, c.closedErr()
		}
		return Message{}, err
	}
	select {
	case m := <-w.ch:
		return m, nil
	case <-c.done:
		return Message{}, c.closedErr()
	case <-ctx.Done():
		return Message{}, ctx.Err()
	}
}

// Close ends the connection at once, without a close handshake (as a
// phone that loses its network).
func (c *Conn) Close() {
	c.w.Close()
	<-c.done
}
