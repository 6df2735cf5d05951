package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// maxCards is how many cards a retro holds at once (docs/protocol.md 8.7).
const maxCards = 500

// cardCount is how many cards a cards run adds.
func cardCount(o Options) int { return int(math.Ceil(o.Rate * o.Duration.Seconds())) }

// cardMarker starts the text of every card the tool writes, in the JSON
// the server sends: "load <card number> <unix nanos when sent>".
var cardMarker = []byte(`"text":"load `)

// cardIndex reads the card number from a card text that follows
// cardMarker (b starts right after it).
func cardIndex(b []byte) (int, bool) {
	end := bytes.IndexByte(b, ' ')
	if end <= 0 {
		return 0, false
	}
	n, ok := parseUint(b[:end])
	return int(n), ok && n < 1<<31
}

// boardCount adds up the card counts of a retro board's columns
// (RetroView data).
func boardCount(data []byte) (int, bool) {
	cols := elements(field(data, "columns"))
	total := 0
	for {
		c, ok := cols.next()
		if !ok {
			return total, !cols.bad
		}
		n, ok := parseInt(field(c, "count"))
		if !ok {
			return 0, false
		}
		total += int(n)
	}
}

// cards: a retro in the reveal phase in a room of -participants; members
// take turns adding cards at -rate for -duration, and every other
// participant must receive every card, by a retro.card.shown event or in
// the board's state (whichever comes first).
func cards(ctx context.Context, t *Target, o Options) (Report, error) {
	n := o.Participants
	k := cardCount(o)
	r := Report{Scenario: "cards", Clients: n, Exact: true, Paths: map[string]int64{},
		SettleWhat: "after the last card was sent (every participant has every card)"}
	room, fac, err := openRoom(ctx, t, "load cards")
	if err != nil {
		return r, err
	}
	defer fac.Close()
	ex, err := addExercise(ctx, fac, map[string]any{"kind": "retro", "title": "Load retro"})
	if err != nil {
		return r, err
	}
	if _, err := command(ctx, fac, "exercise.open", map[string]any{"exercise": ex}); err != nil {
		return r, err
	}
	if _, err := command(ctx, fac, "retro.phase", map[string]any{"exercise": ex, "phase": "reveal"}); err != nil {
		return r, err
	}
	r.BaseRSS = RSS(o.PID)

	sent := make([]atomic.Int64, k) // unix nanos
	var fan Latencies
	var byEvent, byState, delivered, lastDelivery atomic.Int64
	got := make([]atomic.Int64, n) // cards each phone has
	key := "ex:" + ex
	j := newJoiner(t, o.JoinRate)
	phones, err := j.joinAll(ctx, room, n, func(p *phone) func(*Message, time.Time) {
		seen := make([]uint64, (k+63)/64) // this phone's reading goroutine's
		has := 0                          // cards in seen, its own included
		record := func(i int, at time.Time, path *atomic.Int64) {
			if i >= k || seen[i/64]&(1<<(i%64)) != 0 {
				return
			}
			s := sent[i].Load()
			if s == 0 {
				return // not a card of this run
			}
			seen[i/64] |= 1 << (i % 64)
			has++
			if i%n == p.idx || path == nil { // its own card
				return
			}
			fan.Add(at.Sub(time.Unix(0, s)))
			path.Add(1)
			delivered.Add(1)
			got[p.idx].Add(1)
			setMax(&lastDelivery, at)
		}
		fromCard := func(data []byte, at time.Time, path *atomic.Int64) {
			text := field(field(data, "card"), "text")
			if bytes.HasPrefix(text, cardMarker[len(`"text":`):]) {
				if i, ok := cardIndex(text[len(cardMarker)-len(`"text":`):]); ok {
					record(i, at, path)
				}
			}
		}
		return func(m *Message, at time.Time) {
			switch {
			case m.Type == "event" && m.Event == "retro.card.shown":
				fromCard(m.Data, at, &byEvent)
			case m.Type == "event" && m.Event == "retro.card": // private: its own
				fromCard(m.Data, at, nil)
			case m.Type == "state" && m.Key == key:
				// The board lists every card; when its column counts add
				// up to no more than the phone knows, nothing is new.
				if total, ok := boardCount(m.Data); ok && total <= has {
					return
				}
				for d := m.Data; ; {
					x := bytes.Index(d, cardMarker)
					if x < 0 {
						break
					}
					d = d[x+len(cardMarker):]
					if i, ok := cardIndex(d); ok {
						record(i, at, &byState)
					}
				}
			}
		}
	})
	if err != nil {
		return r, err
	}
	defer closeAll(phones)
	r.Join = j.lat.Summary()
	time.Sleep(o.Pause) // presence settles
	r.IdleRSS = RSS(o.PID)
	proc := StartProc(o.PID, o.Also...)
	profiled := nodeProfiles(ctx, o, o.Duration)

	columns := []string{"start", "stop", "continue"}
	var ackL Latencies
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var cardErrs []string
	start := time.Now()
	var lastSent time.Time
	for i := range k {
		at := start.Add(time.Duration(float64(i) / o.Rate * float64(time.Second)))
		select {
		case <-ctx.Done():
			wg.Wait()
			return r, ctx.Err()
		case <-time.After(time.Until(at)):
		}
		p := phones[i%n]
		now := time.Now()
		text := "load " + strconv.Itoa(i) + " " + strconv.FormatInt(now.UnixNano(), 10)
		sent[i].Store(now.UnixNano())
		lastSent = now
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := p.conn.CommandID(ctx, "card-"+strconv.Itoa(i), "retro.card.add",
				map[string]any{"exercise": ex, "column": columns[i%len(columns)], "text": text})
			if err == nil && m.Type == "ack" {
				ackL.Add(m.At.Sub(now))
				return
			}
			errMu.Lock()
			if len(cardErrs) < 5 {
				cardErrs = append(cardErrs, fmt.Sprintf("card %d not acknowledged: %v %s", i, err, m.Code))
			}
			errMu.Unlock()
		}()
	}
	wg.Wait()
	r.Notes = append(r.Notes, cardErrs...)
	r.Ack = ackL.Summary()
	r.Expected = int64(k) * int64(n-1)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	waitUntil(wctx, func() bool { return delivered.Load() >= r.Expected })
	cancel()
	r.Server = proc.Stop()
	if err := profiled(); err != nil {
		return r, err
	}
	r.Delivered = delivered.Load()
	r.Fanout = fan.Summary()
	r.Paths["event"], r.Paths["state"] = byEvent.Load(), byState.Load()
	if last := lastDelivery.Load(); last > 0 && r.Delivered == r.Expected {
		r.Settle = time.Unix(0, last).Sub(lastSent)
	}
	short := 0
	for i := range phones {
		if want := int64(k - (k-i+n-1)/n); got[i].Load() != want {
			short++
		}
	}
	if short > 0 {
		r.Exact = false
		r.Notes = append(r.Notes, fmt.Sprintf("%d participants lack some cards", short))
	}
	r.Notes = append(r.Notes, fmt.Sprintf("%d cards at %g/s by %d authors", k, o.Rate, min(k, n)))
	if byEvent.Load() == 0 {
		r.Notes = append(r.Notes, "no retro.card.shown event: every card was found in the board's state")
	}
	return r, nil
}
