package rooms_test

import (
	"context"
	"encoding/json"
	"fmt"
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
type countingClient struct{ n int }

func (c *countingClient) Enqueue([]byte) bool { c.n++; return true }
func (c *countingClient) Close(rooms.Code)    {}

// One event to 1,000 attached clients: apply, publish, encode once,
// enqueue to each. Reported per delivery (ns/op divided by 1,000).
func BenchmarkFanout1000(b *testing.B) {
	f := newHub(b, rooms.HubOptions{})
	const n = 1000
	clients := make([]*countingClient, n)
	for i := range clients {
		clients[i] = &countingClient{}
		m := &rooms.Member{ID: fmt.Sprint("m", i), Role: rooms.RoleParticipant}
		if _, err := f.hub.Attach(context.Background(), f.room.ID, m, clients[i], rooms.AttachOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	base := clients[n-1].n
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		o := f.exec(f.fac, fmt.Sprint("u", i), rooms.CmdRoomUpdate, map[string]string{"title": fmt.Sprint("T", i)})
		if o.Code != "" {
			b.Fatal(string(o.Reply))
		}
		i++
	}
	// Wait until the last client has every event, so the fan-out is in the time.
	deadline := time.Now().Add(10 * time.Second)
	for clients[n-1].n-base < i && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(i*n), "ns/delivery")
}
