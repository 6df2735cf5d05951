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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Target is the node under load.
type Target struct {
	Base string // http://host:port
	HTTP *http.Client
}

func (t *Target) wsURL() string { return "ws" + strings.TrimPrefix(t.Base, "http") + "/ws" }

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

// Message is the part of a server message the tool reads.
type Message struct {
	Type     string          `json:"type"`
	ID       string          `json:"id"`
	Code     string          `json:"code"`
	Event    string          `json:"event"`
	Seq      uint64          `json:"seq"`
	Key      string          `json:"key"`
	Data     json.RawMessage `json:"data"`
	Result   json.RawMessage `json:"result"`
	Online   int             `json:"online"`
	Position struct {
		Epoch string `json:"epoch"`
		Seq   uint64 `json:"seq"`
	} `json:"position"`
	Presence struct {
		Online int `json:"online"`
	} `json:"presence"`
}

// Conn is one simulated phone or laptop.
type Conn struct {
	ws      *websocket.Conn
	ctx     context.Context
	cancel  context.CancelFunc
	handler atomic.Pointer[func(m *Message, at time.Time)]
	done    chan struct{}
	err     error

	mu      sync.Mutex
	pending map[string]chan Message // command id → its answer
	nextID  atomic.Uint64
}

// Dial connects and says hello; handler sees every message after the
// welcome, from the reading goroutine (keep it quick).
func (t *Target) Dial(ctx context.Context, room, token string, handler func(m *Message, at time.Time)) (*Conn, Message, error) {
	cctx, cancel := context.WithCancel(context.Background())
	ws, _, err := websocket.Dial(ctx, t.wsURL(), &websocket.DialOptions{HTTPClient: t.HTTP})
	if err != nil {
		cancel()
		return nil, Message{}, err
	}
	ws.SetReadLimit(1 << 24)
	c := &Conn{ws: ws, ctx: cctx, cancel: cancel, done: make(chan struct{}), pending: map[string]chan Message{}}
	c.SetHandler(handler)
	hello, _ := json.Marshal(map[string]any{"type": "hello", "room": room, "token": token})
	if err := ws.Write(ctx, websocket.MessageText, hello); err != nil {
		c.Close()
		return nil, Message{}, err
	}
	welcome := make(chan Message, 1)
	go c.read(welcome)
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

func (c *Conn) read(welcome chan<- Message) {
	defer close(c.done)
	first := true
	for {
		_, data, err := c.ws.Read(c.ctx)
		if err != nil {
			c.err = err
			return
		}
		at := time.Now()
		for len(data) > 0 {
			line := data
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				line, data = data[:i], data[i+1:]
			} else {
				data = nil
			}
			var m Message
			if json.Unmarshal(line, &m) != nil {
				continue
			}
			switch {
			case first && (m.Type == "welcome" || m.Type == "error"):
				first = false
				welcome <- m
			case m.Type == "ping":
				_ = c.ws.Write(c.ctx, websocket.MessageText, []byte(`{"type":"pong"}`))
			case (m.Type == "ack" || m.Type == "error") && m.ID != "":
				c.mu.Lock()
				ch := c.pending[m.ID]
				delete(c.pending, m.ID)
				c.mu.Unlock()
				if ch != nil {
					ch <- m
				}
			}
			if h := c.handler.Load(); h != nil && *h != nil && !first {
				(*h)(&m, at)
			}
		}
	}
}

// SetHandler replaces the function that sees every message.
func (c *Conn) SetHandler(h func(m *Message, at time.Time)) { c.handler.Store(&h) }

// ErrClosed is returned for commands on a closed connection.
var ErrClosed = errors.New("connection closed")

// Command sends a command and waits for its answer.
func (c *Conn) Command(ctx context.Context, typ string, data any) (Message, error) {
	id := fmt.Sprintf("c%d", c.nextID.Add(1))
	return c.CommandID(ctx, id, typ, data)
}

// CommandID sends a command with a given id and waits for its answer.
func (c *Conn) CommandID(ctx context.Context, id, typ string, data any) (Message, error) {
	ch := make(chan Message, 1)
	c.mu.Lock()
	c.pending[id] = ch
	c.mu.Unlock()
	b, _ := json.Marshal(map[string]any{"type": typ, "id": id, "data": data})
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		return Message{}, err
	}
	select {
	case m := <-ch:
		return m, nil
	case <-c.done:
		return Message{}, ErrClosed
	case <-ctx.Done():
		return Message{}, ctx.Err()
	}
}

// Close ends the connection at once.
func (c *Conn) Close() {
	c.cancel()
	_ = c.ws.CloseNow()
	<-c.done
}
