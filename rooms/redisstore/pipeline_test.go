package redisstore_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// Changes that callers make at the same time reach Redis together, as
// pipelines: fewer round trips than changes, each change applied once
// and answered on its own. With NoAutoPipeline every change is a round
// trip of its own.
func TestConcurrentChangesSharePipelines(t *testing.T) {
	url := redistest.Start(t)
	for _, c := range []struct {
		name string
		off  bool
	}{{"pipelined", false}, {"one by one", true}} {
		t.Run(c.name, func(t *testing.T) {
			rdb, trips := redistest.CountedClient(t, url)
			st, err := redisstore.New(redisstore.Options{Client: rdb, Prefix: "pipe" + c.name, NoAutoPipeline: c.off})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			ctx := context.Background()
			const room = "r1"
			if _, err := st.CreateRoom(ctx, room, "PIPE1", time.Hour, rooms.Change{}); err != nil {
				t.Fatal(err)
			}
			if err := st.Ping(ctx); err != nil { // the connection's handshake
				t.Fatal(err)
			}
			const callers = 64
			start := make(chan struct{})
			seqs := make([]uint64, callers)
			var wg sync.WaitGroup
			for i := range callers {
				wg.Go(func() {
					<-start
					ch := vote(i % 3)
					ch.Events = []rooms.Draft{{Type: "voted", Data: json.RawMessage(`{}`)}}
					a, err := st.Apply(ctx, room, ch)
					if err != nil {
						t.Error(err)
						return
					}
					seqs[i] = a.Pos.Seq
				})
			}
			before := trips.N()
			close(start)
			wg.Wait()
			n := trips.N() - before
			// Each answer is its own: 64 different positions.
			seen := map[uint64]bool{}
			for _, s := range seqs {
				if s == 0 || seen[s] {
					t.Fatalf("positions %v: each change should have its own", seqs)
				}
				seen[s] = true
			}
			v, err := st.ReadView(ctx, room, tallyView)
			if err != nil {
				t.Fatal(err)
			}
			if v.Counters["n:1"] != callers {
				t.Fatalf("n:1 = %d, want %d", v.Counters["n:1"], callers)
			}
			switch {
			case c.off && n < callers: // and the handshakes of the connections it dials
				t.Errorf("%d changes one by one took %d round trips, want at least %d", callers, n, callers)
			case !c.off && n > callers/2:
				t.Errorf("%d changes at once took %d round trips; pipelined, want at most %d", callers, n, callers/2)
			}
			t.Logf("%d changes, %s: %d round trips", callers, c.name, n)
		})
	}
}
