package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/memory"
)

// The hot path of a command and of a delivery, in allocations and time:
// go test -run '^$' -bench . -benchmem ./server/ ./rooms/ ./exercises/

func BenchmarkDecodeCommand(b *testing.B) {
	msg := []byte(`{"type":"exercise.answer","id":"c-123","data":{"exercise":"a1b2c3d4e5f6","ballot":{"answers":{"q1":{"choices":["soup"]}}}}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// nopOwner is a queue owner whose writer the benchmark plays itself.
type nopOwner struct{}

func (nopOwner) startWriter() {}
func (nopOwner) evicted()     {}

// Enqueue and take, as fan-out and the writer do, for one connection.
func BenchmarkSendQueue(b *testing.B) {
	q := newSendQueue(1<<20, time.Minute, nopOwner{})
	msg := make([]byte, 200)
	var batch [][]byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q.push(msg)
		if i%16 == 15 {
			batch, _, _, _ = q.next(batch)
		}
	}
}

// One message to an idle connection, as a broadcast does: the push finds
// no writer and starts one (here: nothing), which takes the message, finds
// the queue empty and stops.
func BenchmarkSendQueueIdle(b *testing.B) {
	q := newSendQueue(1<<20, time.Minute, nopOwner{})
	msg := make([]byte, 200)
	var batch [][]byte
	b.ReportAllocs()
	for b.Loop() {
		q.push(msg)
		batch, _, _, _ = q.next(batch)
		batch, _, _, _ = q.next(batch)
	}
}

// A command run by a goroutine whose stack is small, as a connection's
// reader's is after the garbage collector shrank it while the phone was
// idle: with growStack first (what readOne does) and without.
func BenchmarkCommandOnFreshStack(b *testing.B) {
	for _, grow := range []bool{true, false} {
		name := "growing"
		if grow {
			name = "grown"
		}
		b.Run(name, func(b *testing.B) {
			st := memory.New(memory.Options{})
			defer st.Close()
			svc := rooms.NewService(st, rooms.DefaultLimits())
			exercises.Register(svc)
			ctx := context.Background()
			c, err := svc.CreateRoom(ctx, "Bench", false)
			if err != nil {
				b.Fatal(err)
			}
			j, err := svc.Join(ctx, c.Room.Code, "Ann", "")
			if err != nil {
				b.Fatal(err)
			}
			m, _, err := svc.Authenticate(ctx, c.Room.ID, j.Token)
			if err != nil {
				b.Fatal(err)
			}
			done := make(chan rooms.Outcome)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				data := []byte(fmt.Sprintf(`{"name":"Ann %d"}`, i%100))
				go func() {
					if grow {
						growStack(len(data))
					}
					done <- svc.Execute(ctx, c.Room.ID, m, rooms.Command{ID: fmt.Sprint("c", i), Type: rooms.CmdMemberRename, Data: data})
				}()
				if o := <-done; o.Code != "" {
					b.Fatalf("rename: %s", o.Reply)
				}
			}
		})
	}
}
