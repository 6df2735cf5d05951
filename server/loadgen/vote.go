package loadgen

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// vote: participants in rooms rooms each vote once in a poll, all rooms at
// once; every phone must end up holding the final count, and the tallies
// must be exact.
func vote(ctx context.Context, t *Target, o Options, rooms int) (Report, error) {
	name := "vote"
	if o.Scenario == "rooms" {
		name = "rooms"
	}
	r := Report{Scenario: name, Clients: o.Participants * rooms, Exact: true, SettleWhat: "after the last acknowledged vote (every phone holds the final count)"}
	type roomRun struct {
		room   Room
		fac    *Conn
		ex     string
		phones []*phone
	}
	runs := make([]*roomRun, rooms)
	defer func() {
		var wg sync.WaitGroup
		for _, rr := range runs {
			if rr != nil {
				wg.Add(1)
				go func() {
					defer wg.Done()
					closeAll(rr.phones)
					rr.fac.Close()
				}()
			}
		}
		wg.Wait()
	}()
	r.BaseRSS = RSS(o.PID)
	j := newJoiner(t, o.JoinRate)
	n := int64(o.Participants)
	// Rooms are set up side by side (the joins share -join-rate).
	setup := func(k int) error {
		room, fac, err := openRoom(ctx, t, fmt.Sprint("load vote ", k))
		if err != nil {
			return err
		}
		rr := &roomRun{room: room, fac: fac}
		runs[k] = rr
		spec := map[string]any{"kind": "poll", "title": "Load", "questions": []any{map[string]any{
			"kind": "choice", "options": []any{map[string]any{"id": "a", "label": "A"}, map[string]any{"id": "b", "label": "B"}, map[string]any{"id": "c", "label": "C"}}}}}
		if rr.ex, err = addExercise(ctx, fac, spec); err != nil {
			return err
		}
		if _, err := command(ctx, fac, "exercise.open", map[string]any{"exercise": rr.ex}); err != nil {
			return err
		}
		key := "ex:" + rr.ex
		phones, err := j.joinAll(ctx, room, o.Participants, func(p *phone) func(*Message, time.Time) {
			return func(m *Message, at time.Time) {
				if m.Type != "state" || m.Key != key {
					return
				}
				if resp, ok := responsesOf(m.Data); ok {
					p.mu.Lock()
					p.responses = resp
					if resp == n && p.reachedAt.IsZero() {
						p.reachedAt = at
					}
					p.mu.Unlock()
				}
			}
		})
		rr.phones = phones
		return err
	}
	if err := parallel(ctx, rooms, 64, setup); err != nil {
		return r, err
	}
	r.Join = j.lat.Summary()
	time.Sleep(o.Pause)
	r.IdleRSS = RSS(o.PID)
	proc := StartProc(o.PID, o.Also...)
	profiled := nodeProfiles(ctx, o, o.Burst+time.Second)

	// The burst: every phone votes once, spread evenly over o.Burst.
	total := o.Participants * rooms
	step := o.Burst / time.Duration(max(1, total))
	start := time.Now()
	var wg sync.WaitGroup
	var lastAck, acked atomic.Int64
	var ackL Latencies
	var errMu sync.Mutex
	var voteErrs []string
	options := []string{"a", "b", "c"}
	i := 0
	for _, rr := range runs {
		for k, p := range rr.phones {
			wg.Add(1)
			at := start.Add(time.Duration(i) * step)
			i++
			go func() {
				defer wg.Done()
				time.Sleep(time.Until(at))
				sent := time.Now()
				m, err := p.conn.CommandID(ctx, "vote", "exercise.answer", map[string]any{"exercise": rr.ex,
					"ballot": map[string]any{"answers": map[string]any{"q1": map[string]any{"choices": []string{options[k%3]}}}}})
				if err == nil && m.Type == "ack" {
					ackL.Add(m.At.Sub(sent))
					acked.Add(1)
					setMax(&lastAck, m.At)
					return
				}
				errMu.Lock()
				if len(voteErrs) < 5 {
					voteErrs = append(voteErrs, fmt.Sprintf("vote not acknowledged: %v %s", err, m.Code))
				}
				errMu.Unlock()
			}()
		}
	}
	wg.Wait()
	r.Notes = append(r.Notes, voteErrs...)
	r.Ack = ackL.Summary()
	r.Expected = int64(total)
	r.Delivered = acked.Load()
	// Every phone holds the final count.
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	waitUntil(wctx, func() bool {
		for _, rr := range runs {
			for _, p := range rr.phones {
				p.mu.Lock()
				done := !p.reachedAt.IsZero()
				p.mu.Unlock()
				if !done {
					return false
				}
			}
		}
		return true
	})
	cancel()
	var settle time.Duration
	behind := 0
	for _, rr := range runs {
		for _, p := range rr.phones {
			p.mu.Lock()
			if p.reachedAt.IsZero() {
				r.Exact = false
				if behind++; behind <= 5 {
					r.Notes = append(r.Notes, fmt.Sprintf("a phone holds %d responses, not %d", p.responses, o.Participants))
				}
			} else if d := p.reachedAt.Sub(time.Unix(0, lastAck.Load())); d > settle {
				settle = d
			}
			p.mu.Unlock()
		}
	}
	if behind > 5 {
		r.Notes = append(r.Notes, fmt.Sprintf("%d phones in all do not hold the final count", behind))
	}
	r.Settle = settle
	r.Server = proc.Stop()
	if err := profiled(); err != nil {
		return r, err
	}
	// The tallies are exact: each facilitator shows the results and reads them.
	var tallyMu sync.Mutex
	_ = parallel(ctx, rooms, 64, func(k int) error {
		if err := checkTally(ctx, runs[k].fac, runs[k].ex, o.Participants); err != nil {
			tallyMu.Lock()
			r.Exact = false
			if len(r.Notes) < 20 {
				r.Notes = append(r.Notes, fmt.Sprintf("room %d: %v", k, err))
			}
			tallyMu.Unlock()
		}
		return nil
	})
	return r, nil
}

// parallel runs f(0..n-1) with at most width at once and returns the
// first error (the others still finish).
func parallel(ctx context.Context, n, width int, f func(i int) error) error {
	sem := make(chan struct{}, width)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		mu.Lock()
		stop := first != nil
		mu.Unlock()
		if stop {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(i); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// checkTally shows the results and reads the facilitator's view.
func checkTally(ctx context.Context, fac *Conn, ex string, n int) error {
	got := make(chan map[string]int64, 1)
	var once sync.Once
	key := "ex:" + ex
	fac.SetHandler(func(m *Message, _ time.Time) {
		if m.Type != "state" || m.Key != key {
			return
		}
		status, _ := stringBytes(field(m.Data, "status"))
		if string(status) != "results" {
			return
		}
		// results.questions[0].counts
		qs := elements(field(field(m.Data, "results"), "questions"))
		q, ok := qs.next()
		if !ok {
			return
		}
		counts := map[string]int64{}
		cf := members(field(q, "counts"))
		for {
			k, v, ok := cf.next()
			if !ok {
				break
			}
			counts[string(k)], _ = parseInt(v)
		}
		once.Do(func() { got <- counts })
	})
	if _, err := command(ctx, fac, "exercise.show", map[string]any{"exercise": ex}); err != nil {
		return err
	}
	select {
	case c := <-got:
		want := map[string]int64{"a": int64((n + 2) / 3), "b": int64((n + 1) / 3), "c": int64(n / 3)}
		for k, w := range want {
			if c[k] != w {
				return fmt.Errorf("option %s counted %d, want %d", k, c[k], w)
			}
		}
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("no results state")
	}
}
