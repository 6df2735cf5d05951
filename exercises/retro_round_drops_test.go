package exercises

import (
	"context"
	"slices"
	"sync"
	"testing"

	"huddle/rooms"
	"huddle/rooms/memory"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// dropSpy is a store that notes the counter prefixes each change drops.
type dropSpy struct {
	rooms.Store
	mu    sync.Mutex
	drops [][]string
}

func (s *dropSpy) Apply(ctx context.Context, room string, c rooms.Change) (rooms.Applied, error) {
	s.mu.Lock()
	s.drops = append(s.drops, slices.Clone(c.CounterDrops))
	s.mu.Unlock()
	return s.Store.Apply(ctx, room, c)
}

// last is what the last change dropped.
func (s *dropSpy) last() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.drops[len(s.drops)-1]
}

// Every start of a retro's vote again dropped the totals of every round
// so far, though each earlier one's were dropped when it ended: the
// drops grew with the restarts (in Redis a scan per prefix). Leaving the
// vote drops the totals of the round being left only. On both stores.
func TestRetroVoteStartedAgainDropsOnlyTheRoundLeft(t *testing.T) {
	run := func(t *testing.T, st rooms.Store) {
		spy := &dropSpy{Store: st}
		b := newTbEnvOn(t, spy, false)
		ann := b.join("Ann")
		ex := b.exercise(retroSpecMap())
		b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": "Demos"})
		for round := range 4 {
			b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
			fv, _ := b.retro(ex)
			b.ok(ann, CmdRetroDot, map[string]any{"exercise": ex, "item": fv.Items[0].ID, "delta": 1, "dotsRound": round})
			b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
			if got, want := spy.last(), []string{dotPrefix(ex, round)}; !slices.Equal(got, want) {
				t.Fatalf("leaving vote round %d dropped %q, want %q", round, got, want)
			}
			if c, _ := st.Counters(b.ctx, b.room, dotKey(ex, round, fv.Items[0].ID)); c[0] != 0 {
				t.Fatalf("round %d's total left stored: %d", round, c[0])
			}
		}
	}
	t.Run("memory", func(t *testing.T) {
		st := memory.New(memory.Options{})
		t.Cleanup(func() { st.Close() })
		run(t, st)
	})
	t.Run("redis", func(t *testing.T) {
		st, err := redisstore.New(redisstore.Options{URL: redistest.Start(t), Prefix: "rounddrops"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		run(t, st)
	})
}
