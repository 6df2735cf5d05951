package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"huddle/rooms"
)

// One room update to 500 real WebSocket connections on a node in this
// process, waiting until every connection has read it: the server's
// fan-out, send queues, writers and frames, plus the (cheap) clients'
// reading. Also reported per delivery.
func BenchmarkConnBroadcast500(b *testing.B) { benchBroadcast(b, 500, 0, true) }

// The same with batch-writes off: a write system call per phone.
func BenchmarkConnBroadcast500Unbatched(b *testing.B) { benchBroadcast(b, 500, 0, false) }

// The same with a 2,000-byte title: frames larger than a small write
// buffer.
func BenchmarkConnBroadcast500Large(b *testing.B) { benchBroadcast(b, 500, 2000, true) }

func benchBroadcast(b *testing.B, n, titleLen int, batched bool) {
	pad := strings.Repeat("x", titleLen)
	cfg := testConfig()
	cfg.BatchWrites = batched
	cfg.LogLevel = "warn"
	cfg.ConnectRate, cfg.ConnectBurst = 1e6, 1e6
	cfg.HTTPRate, cfg.HTTPBurst = 1e6, 1e6
	cfg.ShutdownSpread = 0
	cfg.Limits.MaxTitleLen = max(cfg.Limits.MaxTitleLen, titleLen+20)
	srv, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	base := "http://" + srv.Addr()
	var created CreateRoomResponse
	benchPost(b, base+"/api/rooms", CreateRoomRequest{Title: "bench"}, &created)
	fac, _, err := srv.svc.Authenticate(ctx, created.Room.ID, rooms.Secret(created.Facilitator.Secret))
	if err != nil {
		b.Fatal(err)
	}

	var received atomic.Int64 // room.updated events read by all clients
	var target atomic.Int64
	reached := make(chan struct{}, 1)
	var conns []*websocket.Conn
	var readers sync.WaitGroup
	for i := range n {
		var j JoinResponse
		benchPost(b, base+"/api/join", JoinRequest{Code: created.Room.Code, Name: fmt.Sprint("p", i)}, &j)
		ws, _, err := websocket.Dial(ctx, "ws://"+srv.Addr()+"/ws", nil)
		if err != nil {
			b.Fatal(err)
		}
		ws.SetReadLimit(1 << 24)
		hello, _ := json.Marshal(map[string]any{"type": "hello", "room": j.Room.ID, "token": j.Token})
		if err := ws.Write(ctx, websocket.MessageText, hello); err != nil {
			b.Fatal(err)
		}
		conns = append(conns, ws)
		readers.Add(1)
		go func() {
			defer readers.Done()
			marker := []byte(`"event":"room.updated"`)
			for {
				_, data, err := ws.Read(ctx)
				if err != nil {
					return
				}
				if c := bytes.Count(data, marker); c > 0 {
					if received.Add(int64(c)) == target.Load() {
						reached <- struct{}{}
					}
				}
			}
		}()
	}
	defer func() {
		for _, ws := range conns {
			_ = ws.CloseNow()
		}
		readers.Wait()
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for int(counterValueB(srv)) < n+0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // welcomes and presence are read

	b.ReportAllocs()
	i := 0
	for b.Loop() {
		want := received.Load() + int64(n)
		target.Store(want)
		data, _ := json.Marshal(map[string]string{"title": fmt.Sprint("T", i, pad)})
		o := srv.svc.Execute(ctx, created.Room.ID, fac, rooms.Command{ID: fmt.Sprint("u", i), Type: rooms.CmdRoomUpdate, Data: data})
		if o.Code != "" {
			b.Fatal(string(o.Reply))
		}
		select {
		case <-reached:
		case <-time.After(10 * time.Second):
			b.Fatalf("broadcast %d: %d of %d deliveries", i, received.Load()-(want-int64(n)), n)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i*n), "ns/delivery")
}

// writeToAll writes frame to every connection, the connections split
// evenly over one goroutine per CPU: the simplest fan-out there is, the
// floor under Huddle's.
func writeToAll(b *testing.B, conns []net.Conn, frame []byte) {
	workers := runtime.GOMAXPROCS(0)
	chunk := (len(conns) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(conns); lo += chunk {
		wg.Go(func() {
			for _, c := range conns[lo:min(lo+chunk, len(conns))] {
				if _, err := c.Write(frame); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func counterValueB(s *Server) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return float64(len(s.conns))
}

func benchPost(b *testing.B, url string, body, out any) {
	b.Helper()
	raw, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", strings.NewReader(string(raw)))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		b.Fatal(err)
	}
}

// One command over a real WebSocket, from sending it to reading its ack:
// the reader's path (read, decode, apply, answer) and the writer's.
func BenchmarkConnCommandRoundTrip(b *testing.B) {
	cfg := testConfig()
	cfg.LogLevel = "warn"
	cfg.CommandRate, cfg.CommandBurst = 1e9, 1e9
	srv, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	ctx := context.Background()
	var created CreateRoomResponse
	benchPost(b, "http://"+srv.Addr()+"/api/rooms", CreateRoomRequest{Title: "bench"}, &created)
	ws, _, err := websocket.Dial(ctx, "ws://"+srv.Addr()+"/ws", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.CloseNow()
	ws.SetReadLimit(1 << 24)
	hello, _ := json.Marshal(map[string]any{"type": "hello", "room": created.Room.ID, "token": created.Facilitator.Secret})
	if err := ws.Write(ctx, websocket.MessageText, hello); err != nil {
		b.Fatal(err)
	}
	// readUntil reads until a message containing want.
	readUntil := func(want []byte) {
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if bytes.Contains(data, want) {
				return
			}
		}
	}
	readUntil([]byte(`"type":"welcome"`))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := fmt.Sprint("c", i)
		cmd := fmt.Appendf(nil, `{"type":"room.update","id":%q,"data":{"title":"T%d"}}`, id, i)
		if err := ws.Write(ctx, websocket.MessageText, cmd); err != nil {
			b.Fatal(err)
		}
		readUntil(fmt.Appendf(nil, `"type":"ack","id":%q`, id))
		i++
	}
}

// The floor under BenchmarkConnBroadcast500, for comparison: the same
// clients (coder/websocket, reading in goroutines of this process) and
// the same kind of message, written by the simplest server there is: no
// rooms, no queues, one prebuilt frame written to each socket from one
// goroutine per CPU. What a delivery costs here is the kernel's loopback
// write and read plus the client; BenchmarkConnBroadcast500's ns/delivery
// over this one's is what Huddle adds.
func BenchmarkFanoutFloor500(b *testing.B) {
	const n = 500
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, n)
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				req, err := http.ReadRequest(bufio.NewReader(nc))
				if err != nil {
					nc.Close()
					return
				}
				sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
				fmt.Fprintf(nc, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
					base64.StdEncoding.EncodeToString(sum[:]))
				accepted <- nc
			}()
		}
	}()
	ctx := context.Background()
	var received atomic.Int64
	var target atomic.Int64
	reached := make(chan struct{}, 1)
	var servers []net.Conn
	var clients []*websocket.Conn
	var readers sync.WaitGroup
	for range n {
		ws, _, err := websocket.Dial(ctx, "ws://"+ln.Addr().String()+"/", nil)
		if err != nil {
			b.Fatal(err)
		}
		clients = append(clients, ws)
		servers = append(servers, <-accepted)
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				if _, _, err := ws.Read(ctx); err != nil {
					return
				}
				if received.Add(1) == target.Load() {
					reached <- struct{}{}
				}
			}
		}()
	}
	defer func() {
		for _, ws := range clients {
			_ = ws.CloseNow()
		}
		for _, nc := range servers {
			nc.Close()
		}
		readers.Wait()
	}()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		target.Store(received.Load() + n)
		// An event of about the size of BenchmarkConnBroadcast500's.
		msg := fmt.Appendf(nil, `{"type":"event","event":"room.updated","seq":%d,"epoch":"e","data":{"title":"T%d","code":"ABCDEF"}}`, i, i)
		frame, _ := appendFrames(nil, [][]byte{msg}, 1<<16)
		writeToAll(b, servers, frame)
		select {
		case <-reached:
		case <-time.After(10 * time.Second):
			b.Fatalf("broadcast %d: not every client read it", i)
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i*n), "ns/delivery")
}
