package loadgen

import (
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
)

// broadcast: participants in one room; the facilitator sends room updates
// and every phone must receive each one.
func broadcast(ctx context.Context, t *Target, o Options) (Report, error) {
	r := Report{Scenario: "broadcast", Clients: o.Participants, Exact: true, HoldReads: o.HoldReads}
	room, fac, err := openRoom(ctx, t, "load broadcast")
	if err != nil {
		return r, err
	}
	defer fac.Close()
	r.BaseRSS = RSS(o.PID)
	var fan Latencies
	sent := make([]atomic.Int64, o.Events)
	var delivered atomic.Int64
	j := newJoiner(t, o.JoinRate)
	phones, err := j.joinAll(ctx, room, o.Participants, func(p *phone) func(*Message, time.Time) {
		return func(m *Message, at time.Time) {
			if m.Type != "event" || m.Event != "room.updated" {
				return
			}
			i, ok := titleIndex(m.Data, "b-")
			if !ok || i >= len(sent) {
				return
			}
			fan.Add(at.Sub(time.Unix(0, sent[i].Load())))
			delivered.Add(1)
		}
	})
	if err != nil {
		return r, err
	}
	defer closeAll(phones)
	r.Join = j.lat.Summary()
	time.Sleep(o.Pause) // let presence settle before measuring idle memory
	r.IdleRSS = RSS(o.PID)
	proc := StartProc(o.PID, o.Also...)
	profiled := nodeProfiles(ctx, o, time.Duration(o.Events)*o.Interval)
	// Events go out -interval apart from the first, whatever their acks
	// take (with -hold-reads, the facilitator's ack is held too).
	start := time.Now()
	for i := range o.Events {
		if o.HoldReads > 0 {
			holdReads(time.Now().Add(o.HoldReads))
		}
		sent[i].Store(time.Now().UnixNano())
		if _, err := command(ctx, fac, "room.update", map[string]string{"title": "b-" + strconv.Itoa(i)}); err != nil {
			return r, fmt.Errorf("broadcast %d: %w", i, err)
		}
		time.Sleep(time.Until(start.Add(time.Duration(i+1) * o.Interval)))
	}
	r.Expected = int64(o.Events * o.Participants)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	waitUntil(wctx, func() bool { return delivered.Load() >= r.Expected })
	cancel()
	r.Delivered = delivered.Load()
	r.Fanout = fan.Summary()
	r.Server = proc.Stop()
	return r, profiled()
}
