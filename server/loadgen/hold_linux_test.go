//go:build linux

package loadgen_test

import (
	"context"
	"testing"
	"time"

	"huddle/server/loadgen"
)

// With -hold-reads the phones leave each broadcast unread for the hold,
// and its arrival is still when the kernel took it, not when the tool
// read it: the read lag spans the hold while the fan-out does not (were
// arrival the read's time, no fan-out could be shorter than the hold; no
// speed is asserted).
func TestHoldReadsKeepArrivalTimes(t *testing.T) {
	srv := startServer(t)
	const hold = 400 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := loadgen.Run(ctx, loadgen.Options{URL: "http://" + srv.Addr(), Scenario: "broadcast",
		Participants: 10, Events: 3, Interval: 700 * time.Millisecond, JoinRate: 1000,
		Pause: 100 * time.Millisecond, HoldReads: hold})
	if err != nil {
		t.Fatal(err)
	}
	if r.Delivered != r.Expected || r.Expected != 30 || !r.Exact || r.HoldReads != hold {
		t.Fatalf("delivered %d of %d, exact %v, held %s", r.Delivered, r.Expected, r.Exact, r.HoldReads)
	}
	if r.Server.ReadLag.P50 < hold/2 {
		t.Fatalf("read lag p50 %s: the reads were not held for %s", r.Server.ReadLag.P50, hold)
	}
	if r.Fanout.Max >= hold {
		t.Fatalf("fan-out max %s with reads held %s: arrival is the read's time, not the kernel's", r.Fanout.Max, hold)
	}
}
