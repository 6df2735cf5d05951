package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// eventLog is what one phone received of the broadcast events, across its
// connections (one connection reads at a time).
type eventLog struct {
	mu       sync.Mutex
	got      []uint64 // bit i: event r-i received
	count    int
	dups     int // an event received again
	disorder int // an event whose seq was not above the previous one's
	epoch    string
	seq      uint64
}

func (l *eventLog) add(m *Message) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if m.Epoch == l.epoch && m.Seq <= l.seq {
		l.disorder++
	}
	l.epoch, l.seq = m.Epoch, m.Seq
	if m.Event != "room.updated" {
		return
	}
	i, ok := titleIndex(m.Data, "r-")
	if !ok {
		return
	}
	for len(l.got) <= i/64 {
		l.got = append(l.got, 0)
	}
	if l.got[i/64]&(1<<(i%64)) != 0 {
		l.dups++
		return
	}
	l.got[i/64] |= 1 << (i % 64)
	l.count++
}

// reconnect: participants in one room while the facilitator sends a room
// update every -interval; -drop of the connections are cut at once and
// come back within -window with hello since their last position. Every
// phone must receive every event exactly once across the drop.
func reconnect(ctx context.Context, t *Target, o Options) (Report, error) {
	n := o.Participants
	r := Report{Scenario: "reconnect", Clients: n, Exact: true, SettleWhat: "after the storm began (every cut phone welcomed again)"}
	room, fac, err := openRoom(ctx, t, "load reconnect")
	if err != nil {
		return r, err
	}
	var facMu sync.Mutex // the facilitator reconnects too, if the node cuts it
	defer func() {
		facMu.Lock()
		defer facMu.Unlock()
		fac.Close()
	}()
	r.BaseRSS = RSS(o.PID)
	logs := make([]*eventLog, n)
	for i := range logs {
		logs[i] = &eventLog{}
	}
	j := newJoiner(t, o.JoinRate)
	phones, err := j.joinAll(ctx, room, n, func(p *phone) func(*Message, time.Time) {
		l := logs[p.idx]
		return func(m *Message, _ time.Time) {
			if m.Type == "event" {
				l.add(m)
			}
		}
	})
	if err != nil {
		return r, err
	}
	var connMu sync.Mutex // phones' conns change during the storm
	defer func() {
		connMu.Lock()
		defer connMu.Unlock()
		closeAll(phones)
	}()
	r.Join = j.lat.Summary()
	time.Sleep(o.Pause)
	r.IdleRSS = RSS(o.PID)
	proc := StartProc(o.PID, o.Also...)

	// The facilitator broadcasts throughout. If the node closes its
	// connection, it comes back as a phone does (resuming) and sends the
	// same command again: the same id is applied once.
	var sentEvents, facBack atomic.Int64
	var facCut []string
	stop := make(chan struct{})
	bdone := make(chan error, 1)
	update := func(i int) error {
		for try := 0; ; try++ {
			facMu.Lock()
			c := fac
			facMu.Unlock()
			_, err := command(ctx, c, "room.update", map[string]string{"title": "r-" + strconv.Itoa(i)}, "ev-"+strconv.Itoa(i))
			if err == nil || !errors.Is(err, ErrClosed) || try == 5 {
				return err
			}
			if len(facCut) < 3 {
				facCut = append(facCut, err.Error())
			}
			since := c.Position()
			nc, _, derr := t.DialWith(ctx, room.ID, room.Secret, nil, DialOptions{Since: &since})
			if derr != nil {
				time.Sleep(time.Duration(100<<try) * time.Millisecond)
				continue
			}
			facBack.Add(1)
			facMu.Lock()
			fac = nc
			facMu.Unlock()
		}
	}
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				bdone <- nil
				return
			default:
			}
			if err := update(i); err != nil {
				bdone <- fmt.Errorf("event %d: %w", i, err)
				return
			}
			sentEvents.Store(int64(i + 1))
			time.Sleep(o.Interval)
		}
	}()
	stopBroadcast := func() error {
		select {
		case err := <-bdone: // it failed already
			return err
		default:
		}
		close(stop)
		return <-bdone
	}
	calm := max(o.Pause, 5*o.Interval)
	time.Sleep(calm)

	// The storm: cut the chosen connections at once, then each comes back
	// at a random moment within the window, retrying as phones do when
	// the node refuses it for a moment.
	cut := int(math.Round(o.Drop * float64(n)))
	if o.Drop > 0 && cut == 0 {
		cut = 1
	}
	order := rand.Perm(n)[:cut]
	var reconnL, outageL, upgradeL Latencies
	var resumed, snapshots, retries, failed atomic.Int64
	var lastWelcome atomic.Int64
	var errMu sync.Mutex
	var dialErrs []string
	stormAt := time.Now()
	var wg sync.WaitGroup
	for _, i := range order {
		p := phones[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.conn.Close()
			dropAt := time.Now()
			since := p.conn.Position()
			time.Sleep(time.Duration(rand.Int64N(int64(o.Window) + 1)))
			start := time.Now()
			var c *Conn
			var w Message
			var err error
			backoff := 100 * time.Millisecond
			for try := 0; try < 10; try++ {
				c, w, err = t.DialWith(ctx, room.ID, p.token, p.handler, DialOptions{Since: &since})
				if err == nil || ctx.Err() != nil {
					break
				}
				retries.Add(1)
				time.Sleep(backoff/2 + time.Duration(rand.Int64N(int64(backoff))))
				backoff = min(2*backoff, 2*time.Second)
			}
			if err != nil {
				failed.Add(1)
				errMu.Lock()
				if len(dialErrs) < 3 {
					dialErrs = append(dialErrs, fmt.Sprintf("participant %d did not come back: %v%s", i, err, limitHint(err)))
				}
				errMu.Unlock()
				return
			}
			now := c.Welcomed()
			connMu.Lock()
			p.conn = c
			connMu.Unlock()
			reconnL.Add(now.Sub(start))
			upgradeL.Add(c.Upgrade())
			outageL.Add(now.Sub(dropAt))
			setMax(&lastWelcome, now)
			if w.Recovered {
				resumed.Add(1)
			} else {
				snapshots.Add(1)
			}
		}()
	}
	wg.Wait()
	if last := lastWelcome.Load(); last > 0 {
		r.Settle = time.Unix(0, last).Sub(stormAt)
	}
	time.Sleep(calm) // events go on after everyone is back
	if err := stopBroadcast(); err != nil {
		r.Server = proc.Stop()
		return r, err
	}
	events := int(sentEvents.Load())
	r.Expected = int64(events) * int64(n)
	count := func() (total int64) {
		for _, l := range logs {
			l.mu.Lock()
			total += int64(l.count)
			l.mu.Unlock()
		}
		return total
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	waitUntil(wctx, func() bool { return count() >= r.Expected })
	cancel()
	r.Server = proc.Stop()
	r.Delivered = count()
	r.Reconnect, r.Outage = reconnL.Summary(), outageL.Summary()
	r.Resumed, r.Snapshots = int(resumed.Load()), int(snapshots.Load())
	var dups, disorder, short int
	for _, l := range logs {
		l.mu.Lock()
		dups += l.dups
		disorder += l.disorder
		if l.count != events {
			short++
		}
		l.mu.Unlock()
	}
	if u := upgradeL.Summary(); u.N > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("of the reconnect time, the WebSocket upgrade (TCP and HTTP, before hello) took p50 %s p99 %s max %s",
			ms(u.P50), ms(u.P99), ms(u.Max)))
	}
	r.Notes = append(r.Notes, dialErrs...)
	for _, c := range facCut {
		r.Notes = append(r.Notes, "the facilitator's connection was cut: "+c)
	}
	if n := facBack.Load(); n > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("the facilitator reconnected %d times", n))
	}
	r.Notes = append(r.Notes, fmt.Sprintf("%d events, %d of %d connections cut, %d came back (%d dial retries)",
		events, cut, n, cut-int(failed.Load()), retries.Load()))
	if dups > 0 || disorder > 0 || short > 0 || r.Snapshots > 0 || failed.Load() > 0 {
		r.Exact = false
		r.Notes = append(r.Notes, fmt.Sprintf("%d events received twice, %d out of order, %d phones missing events, %d snapshots instead of a resume",
			dups, disorder, short, r.Snapshots))
	}
	return r, nil
}
