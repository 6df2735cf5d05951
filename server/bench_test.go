package server

import (
	"testing"
	"time"
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

// Enqueue and take, as fan-out and the writer do, for one connection.
func BenchmarkSendQueue(b *testing.B) {
	q := newSendQueue(1<<20, time.Minute)
	msg := make([]byte, 200)
	var batch [][]byte
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q.push(msg)
		if i%16 == 15 {
			batch, _, _ = q.take(batch)
		}
	}
}
