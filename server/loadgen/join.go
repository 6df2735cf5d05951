package loadgen

import (
	"context"
	"fmt"
	"time"
)

// join: participants join one room at -join-rate; every phone's presence
// count must reach the number of participants.
//
// idle: the same, then everyone stays connected and idle for -hold; the
// server's RSS before, with everyone in, and after the hold.
func join(ctx context.Context, t *Target, o Options, idle bool) (Report, error) {
	name := "join"
	if idle {
		name = "idle"
	}
	n := o.Participants
	r := Report{Scenario: name, Clients: n, Exact: true,
		SettleWhat: fmt.Sprintf("after the last welcome (every phone's presence count at %d)", n)}
	room, fac, err := openRoom(ctx, t, "load "+name)
	if err != nil {
		return r, err
	}
	defer fac.Close()
	r.BaseRSS = RSS(o.PID)
	proc := StartProc(o.PID, o.Also...)
	j := newJoiner(t, o.JoinRate)
	phones, err := j.joinAll(ctx, room, n, func(p *phone) func(*Message, time.Time) {
		return func(m *Message, at time.Time) {
			var online int
			switch m.Type {
			case "welcome":
				online = m.Presence.Online
			case "presence":
				online = m.Online
			default:
				return
			}
			p.mu.Lock()
			p.online = online
			if m.Type == "presence" {
				p.presences++
			}
			if online == n && p.reachedAt.IsZero() {
				p.reachedAt = at
			}
			p.mu.Unlock()
		}
	})
	if err != nil {
		r.Server = proc.Stop()
		return r, err
	}
	defer closeAll(phones)
	lastJoin := j.lastWelcome()
	r.Join = j.lat.Summary()
	r.Notes = append(r.Notes, fmt.Sprintf("%d joined in %s (first POST /api/join to last welcome, at -join-rate %g)", n, ms(j.took()), o.JoinRate))
	current := func(p *phone) bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.online == n
	}
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	waitUntil(wctx, func() bool {
		for _, p := range phones {
			if !current(p) {
				return false
			}
		}
		return true
	})
	cancel()
	var presences int
	for _, p := range phones {
		p.mu.Lock()
		if p.online == n {
			r.Delivered++
			if d := p.reachedAt.Sub(lastJoin); d > r.Settle {
				r.Settle = d
			}
		}
		presences += p.presences
		p.mu.Unlock()
	}
	r.Expected = int64(n)
	if r.Delivered < r.Expected {
		r.Notes = append(r.Notes, fmt.Sprintf("%d phones never saw %d online", r.Expected-r.Delivered, n))
	}
	if n > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("%.1f presence messages per member for %d joins (one broadcast per join would be %d)",
			float64(presences)/float64(n), n, n))
	}
	time.Sleep(o.Pause) // the last presence flushes, then memory with everyone in
	r.IdleRSS = RSS(o.PID)
	if idle {
		select {
		case <-ctx.Done():
			r.Server = proc.Stop()
			return r, ctx.Err()
		case <-time.After(o.Hold):
		}
		r.HeldRSS = RSS(o.PID)
		// Everyone is still connected, and still counted.
		lost := 0
		for _, p := range phones {
			if p.conn.Closed() || !current(p) {
				lost++
			}
		}
		if lost > 0 {
			r.Delivered = min(r.Delivered, int64(n-lost))
			r.Notes = append(r.Notes, fmt.Sprintf("%d phones were disconnected or miscounted during the %s hold", lost, o.Hold))
		}
		r.Notes = append(r.Notes, fmt.Sprintf("held %s idle", o.Hold))
	}
	r.Exact = r.Delivered == r.Expected
	r.Server = proc.Stop()
	return r, nil
}
