package redisstore_test

import (
	"context"
	"encoding/json"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// Changes that callers make at the same time reach Redis together: fewer
// writes to Redis than changes, each change applied once and answered on
// its own. With NoAutoPipeline every change is a write of its own.
func TestConcurrentChangesSharePipelines(t *testing.T) {
	url := redistest.Start(t)
	for _, c := range []struct {
		name string
		off  bool
	}{{"pipelined", false}, {"one by one", true}} {
		t.Run(c.name, func(t *testing.T) {
			rdb, writes := writeCountingClient(t, url)
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
			before := writes.Load()
			close(start)
			wg.Wait()
			n := writes.Load() - before
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
				t.Errorf("%d changes one by one took %d writes to Redis, want at least %d", callers, n, callers)
			case !c.off && n > callers*3/4:
				t.Errorf("%d changes at once took %d writes to Redis; pipelined, want at most %d", callers, n, callers*3/4)
			}
			t.Logf("%d changes, %s: %d writes to Redis", callers, c.name, n)
		})
	}
}

// writeCountingClient is a client of url configured as a node's, counting
// the writes on its connections (a pipeline's commands go in one).
func writeCountingClient(t *testing.T, url string) (*redis.Client, *atomic.Int64) {
	t.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	o.ContextTimeoutEnabled, o.MaxRetries = true, -1
	writes := new(atomic.Int64)
	o.Dialer = func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{c, writes}, nil
	}
	rdb := redis.NewClient(o)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb, writes
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(b []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(b)
}

// A client of the caller's that retries commands is refused: a retried
// script could apply a change twice.
func TestClientThatRetriesRefused(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: 3})
	t.Cleanup(func() { _ = rdb.Close() })
	if _, err := redisstore.New(redisstore.Options{Client: rdb}); err == nil {
		t.Fatal("a client with MaxRetries 3 was accepted")
	}
	ok := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	st, err := redisstore.New(redisstore.Options{Client: ok})
	if err != nil {
		t.Fatalf("a client with MaxRetries -1: %v", err)
	}
	_ = st.Close()
}

// Ping, which /readyz calls with a deadline, answers within that deadline
// while the node's pipeline is busy: it does not wait past it for the
// commands queued before it, which wait for Redis whatever their contexts
// say.
func TestPingKeepsItsDeadlineWhilePipelined(t *testing.T) {
	url := redistest.Start(t)
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	other := redis.NewClient(opt)
	t.Cleanup(func() { _ = other.Close() })
	st := newStore(t, redisstore.Options{URL: url, Prefix: "ping"})
	ctx := context.Background()
	const room = "r1"
	if _, err := st.CreateRoom(ctx, room, "PING1", time.Hour, rooms.Change{}); err != nil {
		t.Fatal(err)
	}
	// Redis busy for a second with another client's script.
	busy := make(chan error, 1)
	go func() {
		busy <- other.Eval(ctx, `local s = redis.call('TIME')
while true do
  local n = redis.call('TIME')
  if (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 1000000 then return 1 end
end`, nil).Err()
	}()
	time.Sleep(100 * time.Millisecond) // the script runs
	// A command of the store in flight, so that the next one would be
	// pipelined.
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = st.Get(ctx, room, "x") })
	time.Sleep(50 * time.Millisecond)
	pctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := st.Ping(pctx); err == nil {
		t.Error("Ping with a 100 ms deadline answered ok while Redis was busy for a second: it waited past its deadline")
	}
	if e := <-busy; e != nil {
		t.Fatalf("the busy script: %v", e)
	}
	wg.Wait()
	if err := st.Ping(ctx); err != nil {
		t.Errorf("Ping once Redis is free: %v", err)
	}
}
