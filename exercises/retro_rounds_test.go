package exercises

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// A vote started again (vote → group → vote, before its totals were
// shown) deletes the vote before's allocations, each voter's dots, and
// its dot totals, each item's count, in the same change as the step
// back, on both stores: nothing of them is left stored until the room
// expires (the totals were, until 2026-12-07). Another retro's
// allocations and totals stay, the voters have all their dots again, and
// the board, its totals once shown and the export count the last vote's
// dots alone.
func TestRetroVoteStartedAgainDeletesTheVoteBefore(t *testing.T) {
	const prefix = "rounds"
	check := func(t *testing.T, b *tbEnv, stored func() []string, counters func() map[string]int64) {
		ann, bob := b.join("Ann"), b.join("Bob")
		// A retro voted on and closed, whose allocations stay its own.
		other := b.exercise(retroSpecMap())
		b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": other, "column": "start", "text": "Lunch"})
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": other, "phase": PhaseVote})
		ov, _ := b.retro(other)
		b.ok(ann, CmdRetroDot, map[string]any{"exercise": other, "item": ov.Items[0].ID, "delta": 1})
		b.ok(b.fac, CmdClose, map[string]any{"exercise": other})
		otherAlloc := allocKey(other, ann.Opaque(voterPurpose(other, 0)))
		otherTotals := map[string]int64{dotKey(other, 0, ov.Items[0].ID): 1}

		ex := b.exercise(retroSpecMap()) // 3 dots, at most 2 on one item
		for _, text := range []string{"Demos", "Pairing"} {
			b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": text})
		}
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
		fv, _ := b.retro(ex)
		for _, d := range []struct {
			m    *rooms.Member
			item string
		}{{ann, fv.Items[0].ID}, {ann, fv.Items[1].ID}, {bob, fv.Items[0].ID}} {
			b.ok(d.m, CmdRetroDot, map[string]any{"exercise": ex, "item": d.item, "delta": 1})
		}
		first := []string{allocKey(ex, ann.Opaque(voterPurpose(ex, 0))), allocKey(ex, bob.Opaque(voterPurpose(ex, 0)))}
		want := append(slices.Clone(first), otherAlloc)
		slices.Sort(want)
		if got := stored(); !slices.Equal(got, want) {
			t.Fatalf("allocations stored in the vote: %v, want %v", got, want)
		}
		totals := func(what string, want map[string]int64) {
			t.Helper()
			all := maps.Clone(otherTotals)
			maps.Copy(all, want)
			if got := counters(); !maps.Equal(got, all) {
				t.Fatalf("dot totals stored %s: %v, want %v", what, got, all)
			}
		}
		totals("in the vote", map[string]int64{dotKey(ex, 0, fv.Items[0].ID): 2, dotKey(ex, 0, fv.Items[1].ID): 1})
		if f, _ := b.retro(ex); f.DotsPlaced == nil || *f.DotsPlaced != 3 {
			t.Fatalf("dots placed in the vote: %v", f.DotsPlaced)
		}

		// Back to grouping: the vote's allocations and totals are gone at
		// once.
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
		if got := stored(); !slices.Equal(got, []string{otherAlloc}) {
			t.Fatalf("allocations stored once the vote was left: %v, want only the other retro's %v", got, otherAlloc)
		}
		totals("once the vote was left", nil)
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
		if f, _ := b.retro(ex); f.DotsPlaced == nil || *f.DotsPlaced != 0 {
			t.Fatalf("dots placed in the vote started again, before any: %v", f.DotsPlaced)
		}
		for _, m := range []*rooms.Member{ann, bob} {
			if mine := b.retroMine(m, ex); mine.DotsLeft == nil || *mine.DotsLeft != 3 || len(mine.Dots) != 0 {
				t.Fatalf("%s's dots in the vote started again: %+v left %v", m.Name, mine.Dots, mine.DotsLeft)
			}
		}
		// The new vote's dots are stored as the first's were, under keys
		// of their own.
		b.ok(ann, CmdRetroDot, map[string]any{"exercise": ex, "item": fv.Items[0].ID, "delta": 1})
		want = []string{allocKey(ex, ann.Opaque(voterPurpose(ex, 1))), otherAlloc}
		slices.Sort(want)
		if got := stored(); !slices.Equal(got, want) {
			t.Fatalf("allocations stored in the vote started again: %v, want %v", got, want)
		}
		if mine := b.retroMine(ann, ex); *mine.DotsLeft != 2 {
			t.Fatalf("Ann has %d dots left after one in the new vote", *mine.DotsLeft)
		}
		totals("in the vote started again", map[string]int64{dotKey(ex, 1, fv.Items[0].ID): 1})

		// Started a third time: the second's totals go too.
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseReveal})
		totals("once the second vote was left", nil)
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
		b.ok(bob, CmdRetroDot, map[string]any{"exercise": ex, "item": fv.Items[1].ID, "delta": 1, "dotsRound": 2})
		b.ok(bob, CmdRetroDot, map[string]any{"exercise": ex, "item": fv.Items[1].ID, "delta": 1, "dotsRound": 2})
		b.ok(ann, CmdRetroDot, map[string]any{"exercise": ex, "item": fv.Items[0].ID, "delta": 1, "dotsRound": 2})
		totals("in the third vote", map[string]int64{dotKey(ex, 2, fv.Items[0].ID): 1, dotKey(ex, 2, fv.Items[1].ID): 2})

		// The totals shown, on the board and in the export, are the last
		// vote's.
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseDiscuss})
		f, p := b.retro(ex)
		for _, v := range []RetroView{f, p} {
			var got []string
			for _, it := range v.Items {
				got = append(got, fmt.Sprint(it.ID, "=", *it.Dots))
			}
			if want := []string{fv.Items[1].ID + "=2", fv.Items[0].ID + "=1"}; !slices.Equal(got, want) {
				t.Fatalf("items in the discussion %v, want %v", got, want)
			}
		}
		_, res := exportNow(t, b)
		var dots []string
		for _, c := range res.Exercises[1].Retro.Columns {
			for _, cd := range c.Cards {
				dots = append(dots, cd.Text+"="+dotStr(cd.Dots))
			}
		}
		slices.Sort(dots)
		text := map[string]string{}
		for _, c := range fv.Cards {
			text[c.ID] = c.Text
		}
		want = []string{text[fv.Items[0].ID] + "=1", text[fv.Items[1].ID] + "=2"}
		slices.Sort(want)
		if !slices.Equal(dots, want) {
			t.Fatalf("dots in the export %v, want %v", dots, want)
		}
	}

	t.Run("memory", func(t *testing.T) {
		b := newTbEnv(t, false)
		check(t, b, func() []string {
			t.Helper()
			st, err := b.store.Load(b.ctx, b.room)
			if err != nil {
				t.Fatal(err)
			}
			return allocKeysIn(slices.Collect(maps.Keys(st.Docs)))
		}, func() map[string]int64 {
			t.Helper()
			st, err := b.store.Load(b.ctx, b.room)
			if err != nil {
				t.Fatal(err)
			}
			return dotTotalsIn(st.Counters)
		})
	})
	t.Run("redis", func(t *testing.T) {
		url := redistest.Start(t)
		st, err := redisstore.New(redisstore.Options{URL: url, Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		opt, err := redis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		rdb := redis.NewClient(opt)
		t.Cleanup(func() { rdb.Close() })
		b := newTbEnvOn(t, st, false)
		check(t, b, func() []string {
			t.Helper()
			// Every document of the room, as Redis holds them: the
			// fields of every class hash ("d" or "v", then the key).
			ctx := context.Background()
			var keys []string
			iter := rdb.Scan(ctx, 0, prefix+":{"+b.room+"}:d:*", 100).Iterator()
			for iter.Next(ctx) {
				fields, err := rdb.HKeys(ctx, iter.Val()).Result()
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range fields {
					if strings.HasPrefix(f, "d") {
						keys = append(keys, f[1:])
					} else if strings.HasPrefix(f, "v") && !slices.Contains(fields, "d"+f[1:]) {
						t.Fatalf("a version without its document: %q", f)
					}
				}
			}
			if err := iter.Err(); err != nil {
				t.Fatal(err)
			}
			return allocKeysIn(keys)
		}, func() map[string]int64 {
			t.Helper()
			// Every counter of the room, as Redis holds them.
			all, err := rdb.HGetAll(context.Background(), prefix+":{"+b.room+"}:ctr").Result()
			if err != nil {
				t.Fatal(err)
			}
			ctr := map[string]int64{}
			for k, v := range all {
				if ctr[k], err = strconv.ParseInt(v, 10, 64); err != nil && dotTotal.MatchString(k) {
					t.Fatalf("counter %q holds %q", k, v)
				}
			}
			return dotTotalsIn(ctr)
		})
	})
}

// dotTotal is the name of a dot total: dotKey's, of any vote round.
var dotTotal = regexp.MustCompile(`^d[0-9]*:`)

// dotTotalsIn is the dot totals among counters, whatever their value (a
// total stored as 0 is stored all the same).
func dotTotalsIn(counters map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range counters {
		if dotTotal.MatchString(k) {
			out[k] = v
		}
	}
	return out
}

// allocKeysIn is the allocation keys among keys, sorted.
func allocKeysIn(keys []string) []string {
	var out []string
	for _, k := range keys {
		if strings.HasPrefix(k, "rd:") {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
