package loadgen

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"

	"encoding/json"
	"github.com/coder/websocket"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fixtureFrames are frames a live server sent (testdata/frames.json,
// rewritten by go test -run TestUpdateFrames -update).
func fixtureFrames(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile("testdata/frames.json")
	if err != nil {
		tb.Fatal(err)
	}
	var frames []string
	if err := json.Unmarshal(b, &frames); err != nil {
		tb.Fatal(err)
	}
	return frames
}

// pick returns the first fixture frame that holds every one of parts; with
// line, only the first message (line) of a frame that holds them all.
func pick(tb testing.TB, frames []string, line bool, parts ...string) []byte {
	tb.Helper()
	var all []string
	for _, f := range frames {
		if line {
			all = append(all, strings.Split(f, "\n")...)
		} else {
			all = append(all, f)
		}
	}
next:
	for _, f := range all {
		for _, p := range parts {
			if !strings.Contains(f, p) {
				continue next
			}
		}
		return []byte(f)
	}
	tb.Fatalf("no fixture frame holds %q", parts)
	return nil
}

// BenchmarkDecode is what the tool does with each frame a phone receives:
// split it into messages, read each envelope, and run the scenario's
// handler on it (which reads the part of data it measures).
func BenchmarkDecode(b *testing.B) {
	frames := fixtureFrames(b)
	var sink atomic.Int64
	broadcastH := func(m *Message, _ time.Time) {
		if m.Type == "event" && m.Event == "room.updated" {
			if i, ok := titleIndex(m.Data, "b-"); ok {
				sink.Add(int64(i))
			}
		}
	}
	voteH := func(m *Message, _ time.Time) {
		if m.Type == "state" && strings.HasPrefix(m.Key, "ex:") {
			if n, ok := responsesOf(m.Data); ok {
				sink.Add(n)
			}
		}
	}
	presenceH := func(m *Message, _ time.Time) {
		if m.Type == "presence" {
			sink.Add(int64(m.Online))
		}
	}
	none := func(*Message, time.Time) {}
	for _, bc := range []struct {
		name    string
		frames  [][]byte
		handler func(*Message, time.Time)
	}{
		{"event", [][]byte{pick(b, frames, true, `"event":"room.updated"`, `"title":"b-`)}, broadcastH},
		{"batch", [][]byte{pick(b, frames, false, "\n", `"title":"b-`)}, broadcastH},
		{"presence", [][]byte{pick(b, frames, true, `{"type":"presence","online":4,"participants":4}`)}, presenceH},
		{"state-vote", [][]byte{pick(b, frames, true, `{"type":"state","key":"ex:`, `"responses":`)}, voteH},
		{"state-retro", [][]byte{pick(b, frames, true, `"revealed":true`)}, none},
		{"welcome", [][]byte{pick(b, frames, false, `{"type":"welcome"`)}, none},
		{"all", func() (all [][]byte) {
			for _, f := range frames {
				all = append(all, []byte(f))
			}
			return all
		}(), none},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := &Conn{pending: map[string]*call{}}
			c.SetHandler(bc.handler)
			n := 0
			for _, f := range bc.frames {
				n += len(f)
			}
			b.SetBytes(int64(n))
			b.ReportAllocs()
			at := time.Now()
			for b.Loop() {
				for _, f := range bc.frames {
					c.frame(f, at)
				}
			}
		})
	}
}

// BenchmarkRead is the whole receiving path of one phone over a real
// loopback WebSocket: a fake node sends the fixture's frames as fast as it
// can, and the phone reads, splits, decodes and hands each message to a
// handler. One op is one frame (the fake node's writing is in the time too).
func BenchmarkRead(b *testing.B) {
	frames := fixtureFrames(b)
	var body [][]byte
	for _, f := range frames {
		if !strings.Contains(f, `"type":"welcome"`) {
			body = append(body, []byte(f))
		}
	}
	welcome := pick(b, frames, true, `{"type":"welcome"`)
	n := b.N
	want := int64(0)
	for i := range n {
		want += int64(bytes.Count(body[i%len(body)], []byte{'\n'}) + 1)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ctx := context.Background()
		if _, _, err := ws.Read(ctx); err != nil { // hello
			return
		}
		_ = ws.Write(ctx, websocket.MessageText, welcome)
		for i := range n {
			if ws.Write(ctx, websocket.MessageText, body[i%len(body)]) != nil {
				return
			}
		}
		_, _, _ = ws.Read(ctx) // until the client closes
	}))
	defer srv.Close()
	done := make(chan struct{})
	var seen atomic.Int64
	t := &Target{Base: srv.URL, HTTP: srv.Client()}
	b.ReportAllocs()
	b.ResetTimer()
	c, _, err := t.Dial(context.Background(), "room", "token", func(m *Message, _ time.Time) {
		if m.Type != "welcome" && seen.Add(1) == want {
			close(done)
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		b.Fatalf("saw %d of %d messages", seen.Load(), want)
	}
	b.StopTimer()
	c.Close()
}
