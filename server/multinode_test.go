package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/redisstore/redistest"
)

// startNodes starts n nodes sharing one private Redis.
func startNodes(t *testing.T, n int, mod func(*Config)) ([]*testServer, *redistest.Server) {
	t.Helper()
	rs := redistest.StartServer(t)
	var nodes []*testServer
	for range n {
		nodes = append(nodes, startServer(t, func(c *Config) {
			c.RedisURL = rs.URL()
			if mod != nil {
				mod(c)
			}
		}))
	}
	return nodes, rs
}

// eventLog is the events one client saw, as "seq:type".
func eventLog(ms []msg) []string {
	var out []string
	for _, m := range ms {
		if m.Type == "event" {
			out = append(out, fmt.Sprintf("%d:%s", m.Seq, m.Ev))
		}
	}
	return out
}

// Three nodes on one Redis serve one room: participants spread over them
// count in everyone's presence, a burst of votes is tallied exactly, and
// every member sees the same events in the same order.
func TestThreeNodesOneRoom(t *testing.T) {
	nodes, _ := startNodes(t, 3, nil)
	room := nodes[0].createRoom("Spread")
	fac := nodes[0].dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)

	const n = 12
	var ps []*client
	for i := range n {
		node := nodes[i%3]
		j := node.join(room.Room.Code, fmt.Sprint("P", i))
		c := node.dial(t)
		c.hello(j.Room.ID, j.Token, nil)
		ps = append(ps, c)
	}
	// The facilitator on node 0 counts the participants on nodes 1 and 2.
	fac.next(func(m msg) bool {
		var p rooms.PresenceMsg
		return m.Type == "presence" && json.Unmarshal(m.Raw, &p) == nil && p.Online == n
	})
	// So does a participant on node 2.
	ps[2].next(func(m msg) bool {
		var p rooms.PresenceMsg
		return m.Type == "presence" && json.Unmarshal(m.Raw, &p) == nil && p.Online == n
	})

	// Events from two nodes interleave: the facilitator retitles the room
	// through node 0 while a second facilitator tab on node 1 adds a poll.
	fac2 := nodes[1].dial(t)
	fac2.hello(room.Room.ID, room.Facilitator.Secret, nil)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range 10 {
			fac.cmd(fmt.Sprint("t", i), "room.update", map[string]string{"title": fmt.Sprint("Title ", i)})
		}
	}()
	var id string
	go func() {
		defer wg.Done()
		ack := fac2.cmd("add", exercises.CmdAgendaAdd, map[string]any{"spec": poll(false)})
		var r struct {
			Result struct{ Exercise string } `json:"result"`
		}
		_ = json.Unmarshal(ack.Raw, &r)
		id = r.Result.Exercise
		fac2.cmd("open", exercises.CmdOpen, map[string]any{"exercise": id})
	}()
	wg.Wait()
	if id == "" {
		t.Fatal("no exercise id")
	}

	// The vote burst, from every node at once.
	options := []string{"pizza", "soup", "salad"}
	want := map[string]int64{}
	for i, c := range ps {
		want[options[i%3]]++
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.send(map[string]any{"type": exercises.CmdAnswer, "id": "v", "data": answer(id, choose(options[i%3]))})
		}()
	}
	wg.Wait()
	for _, c := range ps {
		if m := c.next(func(m msg) bool { return m.ID == "v" }); m.Type != "ack" {
			t.Fatalf("vote answered %s", m.Raw)
		}
	}
	fac.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == n })
	if m := fac.cmd("close", exercises.CmdClose, map[string]any{"exercise": id}); m.Type != "ack" {
		t.Fatalf("close: %s", m.Raw)
	}
	v := fac.stateOf(id, func(v exercises.VoteView) bool { return v.Results != nil })
	for opt, w := range want {
		if got := v.Results.Questions[0].Counts[opt]; got != w {
			t.Fatalf("%s: %d votes, want %d", opt, got, w)
		}
	}

	// A last event marks the end; then every participant's log must match.
	fac.cmd("end-mark", "room.update", map[string]string{"title": "Done"})
	var logs [][]string
	for _, c := range ps {
		c.next(func(m msg) bool {
			return m.Type == "event" && m.Ev == "room.updated" && containsTitle(m.Data, "Done")
		})
		logs = append(logs, eventLog(c.all()))
	}
	for i, l := range logs {
		if !slices.Equal(l, logs[0]) {
			t.Fatalf("participant %d saw\n%v\nparticipant 0 saw\n%v", i, l, logs[0])
		}
		for k := 1; k < len(l); k++ {
			var a, b uint64
			fmt.Sscanf(l[k-1], "%d:", &a)
			fmt.Sscanf(l[k], "%d:", &b)
			if b <= a {
				t.Fatalf("participant %d: events out of order: %v", i, l)
			}
		}
	}
	if len(logs[0]) < 13 {
		t.Fatalf("only %d events seen: %v", len(logs[0]), logs[0])
	}
}

func containsTitle(data json.RawMessage, title string) bool {
	var r rooms.Room
	return json.Unmarshal(data, &r) == nil && r.Title == title
}

// Deployments with different redis-prefix values share one Redis without
// seeing each other's rooms; nodes with the same prefix serve the same
// rooms, and every key a deployment writes starts with its prefix.
func TestRedisPrefixSeparatesDeployments(t *testing.T) {
	rs := redistest.StartServer(t)
	node := func(prefix string) *testServer {
		return startServer(t, func(c *Config) {
			c.RedisURL = rs.URL()
			c.RedisPrefix = prefix
		})
	}
	a1, a2, b := node("staging"), node("staging"), node("prod")
	room := a1.createRoom("Staging retro")
	if got := a2.join(room.Room.Code, "Ann"); got.Room.ID != room.Room.ID {
		t.Fatalf("a node of the same deployment joined room %q, want %q", got.Room.ID, room.Room.ID)
	}
	var out map[string]any
	if st := b.post("/api/join", JoinRequest{Code: room.Room.Code, Name: "Bob"}, &out); st != http.StatusNotFound {
		t.Fatalf("another deployment's node answered a join with status %d (%v), want 404", st, out)
	}
	o, err := redis.ParseURL(rs.URL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(o)
	defer rdb.Close()
	keys, err := rdb.Keys(t.Context(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	roomKeys := 0
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, "staging:"):
			if strings.Contains(k, room.Room.ID) {
				roomKeys++
			}
		case strings.HasPrefix(k, "prod:"):
			if strings.Contains(k, room.Room.ID) {
				t.Errorf("the other deployment holds key %q of the room", k)
			}
		default:
			t.Errorf("key %q starts with neither deployment's prefix", k)
		}
	}
	if roomKeys == 0 {
		t.Fatalf("no key of the room under staging: in %q", keys)
	}
}

// max-member-connections holds per node: connections are a node's, and
// so is the limit. A token may keep that many on each node of a room;
// one more on a node replaces that node's oldest only.
func TestMemberConnectionsPerNode(t *testing.T) {
	const limit = 2
	nodes, _ := startNodes(t, 2, func(c *Config) { c.MaxMemberConns = limit })
	a, b := nodes[0], nodes[1]
	room, _ := a.facilitated(t)
	ann := a.join(room.Room.Code, "Ann")
	open := func(ts *testServer) *client {
		c := ts.dial(t)
		c.hello(ann.Room.ID, ann.Token, nil)
		return c
	}
	onA := []*client{open(a), open(a)}
	onB := []*client{open(b), open(b)}
	for _, c := range append(onA, onB...) {
		ltPing(t, c)
	}
	onA = append(onA, open(a))
	ltReplaced(t, onA[0], "Ann's oldest connection on the first node")
	for _, c := range append(onA[1:], onB...) {
		ltPing(t, c)
	}
}
