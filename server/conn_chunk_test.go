package server

import (
	"fmt"
	"net"
	"testing"
	"time"

	"huddle/rooms"
)

// A room's fan-out with its writes batched (and, to compare, without):
// every phone gets every event once and in order, and a phone that stops
// reading until its socket is full gets every one of them once it reads
// again (what a full socket does not take of a batched send waits in the
// connection's rest, as a write's does).
func TestBatchedFanoutKeepsOrder(t *testing.T) {
	for _, batch := range []bool{true, false} {
		t.Run(fmt.Sprint("batch-writes=", batch), func(t *testing.T) {
			t.Parallel()
			if err := ringsAvailable(); batch && err != nil {
				t.Skipf("no io_uring here: %v", err)
			}
			ts := startServer(t, func(c *Config) {
				bigTitles(c)
				c.BatchWrites = batch
			})
			room := ts.createRoom("")
			phones := ts.phones(t, room, "p", 9)
			slow := slowPhone(t, ts, room, "Slow")
			// And a small send buffer on the server's side, so that the
			// kernel does not take it all in its own buffers: a batched
			// send meets the socket full.
			if err := ts.connOf(t, "Slow").cw.nc.(*net.TCPConn).SetWriteBuffer(16 << 10); err != nil {
				t.Fatal(err)
			}

			// About 2.4 MB to each phone: far more than the slow phone's
			// sockets hold while it does not read.
			const events = 300
			updateTitles(t, ts, room, events, 8000, nil)
			for _, c := range phones {
				c.expectTitles(events, func(e int) string { return fmt.Sprint(e, ":") })
			}
			time.Sleep(200 * time.Millisecond)
			_ = slow.nc.SetReadDeadline(time.Now().Add(2 * waitFor))
			slow.readTitleEvents(events, 0)
			if got := counterValue(t, ts.metrics.evictions); got != 0 {
				t.Fatalf("%v evictions", got)
			}
			batched := counterValue(t, ts.metrics.batched)
			if !batch && batched != 0 {
				t.Fatalf("%v writes batched with batch-writes off", batched)
			}
			if batch && batched == 0 {
				t.Fatal("no write batched with batch-writes on")
			}
		})
	}
}

// One chunk may hold a connection more than once (a fan-out's event and
// a state after it): its first message is batched, and the others, queued
// behind it while its writer waits for the chunk, follow in order.
func TestSendChunkSameConnectionTwice(t *testing.T) {
	t.Parallel()
	if err := ringsAvailable(); err != nil {
		t.Skipf("no io_uring here: %v", err)
	}
	ts := startServer(t, nil)
	room := ts.createRoom("")
	byName := map[string]*client{}
	for _, name := range []string{"A", "B"} {
		j := ts.join(room.Room.Code, name)
		c := ts.dial(t)
		c.hello(j.Room.ID, j.Token, nil)
		byName[name] = c
	}
	conns := map[string]*conn{"A": ts.connOf(t, "A"), "B": ts.connOf(t, "B")}
	order := []string{"A", "A", "B", "A", "B", "B", "A"}
	clients := make([]rooms.Client, len(order))
	msgs := make([][]byte, len(order))
	for i, name := range order {
		clients[i] = conns[name]
		msgs[i] = fmt.Appendf(nil, `{"type":"note","n":%d}`, i)
	}
	ok := make([]bool, len(order))
	before := counterValue(t, ts.metrics.batched)
	sendChunk(clients, msgs, ok)
	// Each connection's first send is batched, unless its writer was
	// running anyway (a presence update in flight).
	if got := counterValue(t, ts.metrics.batched) - before; got < 1 || got > 2 {
		t.Errorf("%v writes batched, want 2 (each connection's first)", got)
	}
	for i := range ok {
		if !ok[i] {
			t.Fatalf("send %d refused", i)
		}
	}
	for name, c := range byName {
		var got []string
		for _, want := range order {
			if want == name {
				got = append(got, string(c.next(func(m msg) bool { return m.Type == "note" }).Raw))
			}
		}
		var want []string
		for i, n := range order {
			if n == name {
				want = append(want, string(msgs[i]))
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s got %v, want %v", name, got, want)
		}
	}
}
