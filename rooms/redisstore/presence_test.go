package redisstore_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// phone records what a hub sends one connection.
type phone struct {
	mu   sync.Mutex
	msgs [][]byte
}

func (p *phone) Enqueue(m []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgs = append(p.msgs, m)
	return true
}

func (p *phone) EnqueueAll(ms [][]byte) bool {
	for _, m := range ms {
		p.Enqueue(m)
	}
	return true
}

func (p *phone) Close(rooms.Code) {}

func (p *phone) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.msgs)
}

// presences are the online counts of the presence messages p got from
// its message from on, in order.
func (p *phone) presences(from int) []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []int
	for _, raw := range p.msgs[from:] {
		var m rooms.PresenceMsg
		if json.Unmarshal(raw, &m) == nil && m.Type == "presence" {
			out = append(out, m.Online)
		}
	}
	return out
}

// lastOnline is the online count of the last presence message p got
// (-1: none).
func (p *phone) lastOnline() int {
	ps := p.presences(0)
	if len(ps) == 0 {
		return -1
	}
	return ps[len(ps)-1]
}

// onlineReads calls read after each read of who is online that succeeded.
type onlineReads struct {
	rooms.Store
	read func()
}

func (s onlineReads) Online(ctx context.Context, room string) ([]string, error) {
	ids, err := s.Store.Online(ctx, room)
	if err == nil {
		s.read()
	}
	return ids, err
}

// Two nodes cut off from Redis for longer than their presence entries
// live (Redis stalled, or the network to it) come back one after the
// other. The first one back does not drop the other's members as a dead
// node's (nobody saw it die: no node could refresh): its phones counted
// 3 of 6, and 6 again once the other node wrote its own entries again.
func TestPresenceOfNodesCutOffTogether(t *testing.T) {
	srv := redistest.StartServer(t)
	rdb := client(t, srv)
	const ttl = 2 * time.Second
	const prefix = "together"
	fac := &phone{}         // the facilitator's console, on node a
	var readAt atomic.Int64 // fac's messages when node a last read who is online
	var svcs []*rooms.Service
	var hubs []*rooms.Hub
	var relays []*redistest.Relay
	for _, node := range []string{"a", "b"} {
		relay := redistest.NewRelay(t, srv)
		var st rooms.Store = newStore(t, redisstore.Options{URL: relay.URL(), Prefix: prefix,
			ReadTimeout: 300 * time.Millisecond, WriteTimeout: 300 * time.Millisecond, DialTimeout: 300 * time.Millisecond})
		if node == "a" {
			st = onlineReads{Store: st, read: func() { readAt.Store(int64(fac.len())) }}
		}
		svc := rooms.NewService(st, rooms.DefaultLimits())
		h := rooms.NewHub(svc, rooms.HubOptions{Node: node, CoalesceInterval: 20 * time.Millisecond, PresenceTTL: ttl})
		t.Cleanup(h.Close)
		svcs, hubs, relays = append(svcs, svc), append(hubs, h), append(relays, relay)
	}
	ctx := context.Background()
	c, err := svcs[0].CreateRoom(ctx, "Together", false)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := svcs[0].Authenticate(ctx, c.Room.ID, c.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hubs[0].Attach(ctx, c.Room.ID, m, fac, rooms.AttachOptions{}); err != nil {
		t.Fatal(err)
	}
	var onB *phone // a participant's phone on node b
	for i := range 6 {
		j, err := svcs[i%2].Join(ctx, c.Room.Code, "P"+strconv.Itoa(i), "")
		if err != nil {
			t.Fatal(err)
		}
		p := &phone{}
		if _, err := hubs[i%2].Attach(ctx, c.Room.ID, &j.Member, p, rooms.AttachOptions{}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			onB = p
		}
	}
	eventually(t, "6 online on both nodes", func() bool { return fac.lastOnline() == 6 && onB.lastOnline() == 6 })
	fromA, fromB := fac.len(), onB.len()

	// Redis's clock: when each node's entries expire, in ms.
	presn := "{" + c.Room.ID + "}"
	presn = prefix + ":" + presn + ":presn"
	lapsed := func(node string) bool {
		tm, err := rdb.Time(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		exp, err := rdb.HGet(ctx, presn, node).Int64()
		return err == nil && exp <= tm.UnixMilli()
	}
	for _, r := range relays {
		r.Freeze()
	}
	eventually(t, "both nodes' entries expired", func() bool { return lapsed("a") && lapsed("b") })

	readAt.Store(-1)
	relays[0].Thaw()
	eventually(t, "node a's first count once back", func() bool { n := readAt.Load(); return n >= 0 && int64(fac.len()) > n })
	relays[1].Thaw()
	eventually(t, "node b back", func() bool { return !lapsed("b") })
	eventually(t, "6 online on both nodes again", func() bool { return fac.lastOnline() == 6 && onB.lastOnline() == 6 })
	for _, p := range []struct {
		name   string
		counts []int
	}{{"the facilitator on node a", fac.presences(fromA)}, {"a participant on node b", onB.presences(fromB)}} {
		for _, n := range p.counts {
			if n != 6 {
				t.Errorf("%s counted %v from the cut on, want 6 throughout", p.name, p.counts)
				break
			}
		}
	}
}
