package exercises

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// A vote started again (vote → group → vote, before its totals were
// shown) deletes the vote before's allocations, each voter's dots, in
// the same change as the step back, on both stores: nothing of them is
// left stored until the room expires. Another retro's allocations stay,
// and the voters have all their dots again.
func TestRetroVoteStartedAgainDeletesTheVoteBefore(t *testing.T) {
	const prefix = "rounds"
	check := func(t *testing.T, b *tbEnv, stored func() []string) {
		ann, bob := b.join("Ann"), b.join("Bob")
		// A retro voted on and closed, whose allocations stay its own.
		other := b.exercise(retroSpecMap())
		b.ok(ann, CmdRetroCardAdd, map[string]any{"exercise": other, "column": "start", "text": "Lunch"})
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": other, "phase": PhaseVote})
		ov, _ := b.retro(other)
		b.ok(ann, CmdRetroDot, map[string]any{"exercise": other, "item": ov.Items[0].ID, "delta": 1})
		b.ok(b.fac, CmdClose, map[string]any{"exercise": other})
		otherAlloc := allocKey(other, ann.Opaque(voterPurpose(other, 0)))

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

		// Back to grouping: the vote's allocations are gone at once.
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseGroup})
		if got := stored(); !slices.Equal(got, []string{otherAlloc}) {
			t.Fatalf("allocations stored once the vote was left: %v, want only the other retro's %v", got, otherAlloc)
		}
		b.ok(b.fac, CmdRetroPhase, map[string]any{"exercise": ex, "phase": PhaseVote})
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
		})
	})
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
