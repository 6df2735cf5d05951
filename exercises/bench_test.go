package exercises_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// One anonymous vote, from decode of its data to the store's atomic
// change, on the embedded store: the work behind every ack of a burst.
func BenchmarkVote(b *testing.B) {
	benchVote(b, newEnv(b))
}

// The same on Redis (a private redis-server on a unix socket): round trips
// dominate.
func BenchmarkVoteRedis(b *testing.B) {
	st, err := redisstore.New(redisstore.Options{URL: redistest.Start(b), Prefix: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	svc := rooms.NewService(st, rooms.DefaultLimits())
	exercises.Register(svc)
	benchVote(b, roomEnv(b, svc, "Votes", false))
}

func benchVote(b *testing.B, e *env) {
	spec := poll(false)
	spec["allowChange"] = true
	id := e.add(spec)
	e.ok(e.fac, exercises.CmdOpen, map[string]any{"exercise": id})
	voters := make([]*rooms.Member, 200)
	for i := range voters {
		voters[i], _ = e.person(fmt.Sprint("p", i))
	}
	opts := []string{"pizza", "soup", "salad"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		o := e.execID(voters[i%len(voters)], fmt.Sprint("b", i), exercises.CmdAnswer, answer(id, choose(opts[i%3])))
		if o.Code != "" {
			b.Fatal(string(o.Reply))
		}
		i++
	}
}

// Votes as a burst brings them to two nodes: rooms of 10 participants,
// each voting once in an anonymous poll, every other one through the
// other node; the poll was opened through a third, so each node's first
// vote in a room finds the exercise uncached. Round trips per vote are
// counted on the two nodes' Redis clients (trips/op).
func BenchmarkVoteRedisTwoNodes(b *testing.B) {
	const prefix = "benchnodes"
	url := redistest.Start(b)
	admin, _, _ := redisNode(b, url, prefix)
	var nodes [2]*rooms.Service
	var trips [2]*redistest.Trips
	for i := range nodes {
		nodes[i], trips[i], _ = redisNode(b, url, prefix)
	}
	type vote struct {
		room, poll string
		m          *rooms.Member
	}
	var queue []vote
	refill := func() {
		e := roomEnv(b, admin, "Votes", false)
		id := e.open(poll(false))
		for i := range 10 {
			m, _ := e.person(fmt.Sprint("p", i))
			queue = append(queue, vote{e.room, id, m})
		}
	}
	opts := []string{"pizza", "soup", "salad"}
	for _, n := range nodes { // each node's connection handshake
		if err := n.Store().Ping(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	start := trips[0].N() + trips[1].N()
	i := 0
	for b.Loop() {
		if len(queue) == 0 {
			b.StopTimer()
			refill()
			b.StartTimer()
		}
		v := queue[0]
		queue = queue[1:]
		data, _ := json.Marshal(answer(v.poll, choose(opts[i%3])))
		if o := nodes[i%2].Execute(context.Background(), v.room, v.m, rooms.Command{ID: "v", Type: exercises.CmdAnswer, Data: data}); o.Code != "" {
			b.Fatal(string(o.Reply))
		}
		i++
	}
	b.ReportMetric(float64(trips[0].N()+trips[1].N()-start)/float64(i), "trips/op")
}

// An exercise's coalesced state on Redis, as every node computes it for
// each flush of a room whose tally moved: an anonymous poll with 10
// votes, and a retrospective with 10 cards, in one room. Round trips per
// computation are counted (trips/op). poll-followed is the poll on a
// node that follows the room (Subscribe), as a node with members in it
// does: from its mirror of the room (rooms/redisstore/mirror.go).
func BenchmarkExerciseStateRedis(b *testing.B) {
	url := redistest.Start(b)
	svc, trips, _ := redisNode(b, url, "benchstate")
	// The node computing states reads the store itself, not through the
	// recording wrapper redisNode gives commands.
	st := svc.Store().(*recordingStore).Store
	state := rooms.NewService(st, rooms.DefaultLimits())
	exercises.Register(state)
	e := roomEnv(b, svc, "State", false)
	ctx := context.Background()
	vote, retro := e.open(poll(false)), e.open(map[string]any{"kind": "retro", "title": "Sprint"})
	for i := range 10 {
		m, _ := e.person(fmt.Sprint("p", i))
		e.ok(m, exercises.CmdAnswer, answer(vote, choose([]string{"pizza", "soup", "salad"}[i%3])))
		e.ok(m, exercises.CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "start", "text": fmt.Sprint("card ", i)})
	}
	for _, c := range []struct{ name, ex string }{{"poll", vote}, {"retro", retro}, {"poll-followed", vote}} {
		b.Run(c.name, func(b *testing.B) {
			if c.name == "poll-followed" {
				cancel, err := st.Subscribe(e.room, func(rooms.Notice) {})
				if err != nil {
					b.Fatal(err)
				}
				defer cancel()
			}
			start, n := trips.N(), 0
			for b.Loop() {
				if _, _, err := state.State(ctx, e.room, "ex:"+c.ex); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(trips.N()-start)/float64(n), "trips/op")
		})
	}
}

// A participant's snapshot as a join builds it (LoadFor, then SnapshotFor)
// in a room with a pack of 8 polls, on the embedded store, the node
// holding the room: the work of every join besides its HTTP and writes.
func BenchmarkParticipantSnapshot(b *testing.B) {
	e := newEnv(b)
	for range 8 {
		e.open(poll(false))
	}
	m, _ := e.person("Ann")
	ctx := context.Background()
	if _, err := e.svc.LoadFor(ctx, e.room, m); err != nil { // the node holds the room
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		st, err := e.svc.LoadFor(ctx, e.room, m)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.svc.SnapshotFor(st, rooms.Viewer{Member: m}); err != nil {
			b.Fatal(err)
		}
	}
}
