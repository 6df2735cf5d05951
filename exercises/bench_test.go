package exercises_test

import (
	"fmt"
	"testing"

	"huddle/exercises"
	"huddle/rooms"
)

// One anonymous vote, from decode of its data to the store's atomic
// change, on the embedded store: the work behind every ack of a burst.
func BenchmarkVote(b *testing.B) {
	e := newEnv(b)
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
