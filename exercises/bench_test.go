package exercises_test

import (
	"context"
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
	c, err := svc.CreateRoom(context.Background(), "Votes", false)
	if err != nil {
		b.Fatal(err)
	}
	fac, _, err := svc.Authenticate(context.Background(), c.Room.ID, c.Secret)
	if err != nil {
		b.Fatal(err)
	}
	benchVote(b, &env{t: b, svc: svc, room: c.Room.ID, code: c.Room.Code, fac: fac})
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
