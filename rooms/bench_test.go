package rooms_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"huddle/rooms"
)

func BenchmarkEncodeEvent(b *testing.B) {
	ev := &rooms.Event{Room: "r", Epoch: "wo5kbSDz", Seq: 123456, Type: "room.updated",
		Data: json.RawMessage(`{"id":"f6dc2a8d-973e-47ed-9a16-ab6897412662","code":"K7QX2M","title":"All hands","locked":false,"ended":false,"showNames":false}`)}
	b.ReportAllocs()
	for b.Loop() {
		_ = rooms.EncodeEvent(ev)
	}
}

// countingClient is a client that accepts everything and counts it.
type countingClient struct{ n atomic.Int64 }

func (c *countingClient) Enqueue([]byte) bool { c.n.Add(1); return true }
func (c *countingClient) EnqueueAll(ms [][]byte) bool {
	c.n.Add(int64(len(ms)))
	return true
}
func (c *countingClient) Close(rooms.Code) {}

// One event to 1,000 attached clients: apply, publish, encode once,
// enqueue to each, waiting until the last client has it before the next
// (applying faster than the fan-out drains would only fill the inbox).
// Also reported per delivery (ns/op divided by 1,000).
func BenchmarkFanout1000(b *testing.B) {
	f := newHub(b, rooms.HubOptions{})
	const n = 1000
	clients := make([]*countingClient, n)
	for i := range clients {
		clients[i] = &countingClient{}
		j, err := f.svc.Join(context.Background(), f.room.Code, fmt.Sprint("p", i), "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.hub.Attach(context.Background(), f.room.ID, &j.Member, clients[i], rooms.AttachOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	last := &clients[n-1].n
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		want := last.Load() + 1
		o := f.exec(f.fac, fmt.Sprint("u", i), rooms.CmdRoomUpdate, map[string]string{"title": fmt.Sprint("T", i)})
		if o.Code != "" {
			b.Fatal(string(o.Reply))
		}
		deadline := time.Now().Add(10 * time.Second)
		for last.Load() < want {
			if time.Now().After(deadline) {
				b.Fatal("the event never reached the last client")
			}
			runtime.Gosched()
		}
		i++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i*n), "ns/delivery")
}
