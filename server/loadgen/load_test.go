package loadgen_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"huddle/rooms/redisstore/redistest"
	"huddle/server"
	"huddle/server/loadgen"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startServer starts a node on loopback for the test (on Redis when
// redisURL is set).
func startServer(t *testing.T, redisURL ...string) *server.Server {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.ShutdownSpread = 50 * time.Millisecond
	if len(redisURL) > 0 {
		cfg.RedisURL = redisURL[0]
	}
	srv, err := server.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return srv
}

// A short run of every scenario against a real node: nothing is lost and
// every count is exact. (Speed is measured by the tool itself, with the
// commands in docs/benchmarks.md, never asserted here.)
func TestLoadSmoke(t *testing.T) {
	srv := startServer(t)
	pause := 100 * time.Millisecond
	covered := map[string]bool{}
	for _, o := range []loadgen.Options{
		{Scenario: "broadcast", Participants: 30, Events: 5, Interval: 20 * time.Millisecond},
		{Scenario: "vote", Participants: 40, Burst: 200 * time.Millisecond},
		{Scenario: "rooms", Participants: 5, Rooms: 6, Burst: 200 * time.Millisecond},
		{Scenario: "join", Participants: 40},
		{Scenario: "idle", Participants: 30, Hold: 300 * time.Millisecond},
		{Scenario: "cards", Participants: 20, Rate: 20, Duration: 500 * time.Millisecond},
		{Scenario: "reconnect", Participants: 30, Interval: 20 * time.Millisecond, Window: 200 * time.Millisecond},
	} {
		covered[o.Scenario] = true
		t.Run(o.Scenario, func(t *testing.T) {
			o.URL = "http://" + srv.Addr()
			o.JoinRate = 1000
			o.Pause = pause
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			r, err := loadgen.Run(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Expected == 0 || r.Delivered != r.Expected || !r.Exact {
				t.Fatalf("delivered %d of %d, exact %v, notes %v", r.Delivered, r.Expected, r.Exact, r.Notes)
			}
			if r.Join.N != r.Clients {
				t.Fatalf("%d join times for %d clients", r.Join.N, r.Clients)
			}
			switch o.Scenario {
			case "cards":
				if r.Expected != 10*19 || r.Fanout.N != int(r.Expected) || r.Paths["event"]+r.Paths["state"] != r.Delivered {
					t.Fatalf("cards: expected %d, fan-out %d, paths %v", r.Expected, r.Fanout.N, r.Paths)
				}
			case "reconnect":
				if r.Reconnect.N != o.Participants || r.Resumed != o.Participants || r.Snapshots != 0 {
					t.Fatalf("reconnect: %d reconnects, %d resumed, %d snapshots", r.Reconnect.N, r.Resumed, r.Snapshots)
				}
			case "join", "idle":
				if r.Settle < 0 {
					t.Fatalf("settled %s", r.Settle)
				}
			}
		})
	}
	for _, s := range loadgen.Scenarios {
		if !covered[s] {
			t.Errorf("scenario %s has no smoke test", s)
		}
	}
}

// huddle load -h describes every scenario and flag; bad flags exit 2.
func TestMainUsage(t *testing.T) {
	var out, errs strings.Builder
	if code := loadgen.Main([]string{"-h"}, &out, &errs); code != 0 {
		t.Fatalf("-h exited %d", code)
	}
	for _, s := range loadgen.Scenarios {
		if !strings.Contains(errs.String(), "\n  "+s+" ") {
			t.Errorf("usage does not describe scenario %s", s)
		}
	}
	for _, f := range []string{"-hold", "-rate", "-duration", "-drop", "-window", "-join-rate", "-pid", "-also", "-cpuprofile", "-hold-reads"} {
		if !strings.Contains(errs.String(), "  "+f+" ") {
			t.Errorf("usage lacks %s", f)
		}
	}
	for _, args := range [][]string{{"-scenario", "nope"}, {"-drop", "2"}, {"-scenario", "cards", "-rate", "100", "-duration", "10s"}, {"extra"}, {"-also", "redis"}, {"-also", "12,0"}, {"-scenario", "vote", "-hold-reads", "1s"}, {"-hold-reads", "-1s"}, {"-scenario", "broadcast", "-hold-reads", "200ms", "-interval", "200ms"}} {
		errs.Reset()
		if code := loadgen.Main(args, &out, &errs); code != 2 {
			t.Errorf("%v exited %d, want 2 (%s)", args, code, errs.String())
		}
	}
}

// A run's failure to deliver is a failure of the command: a report with a
// loss exits 1. (The smoke test above checks no loss; this checks the
// exit code path with a node that is not there.)
func TestMainFails(t *testing.T) {
	var out, errs strings.Builder
	if code := loadgen.Main([]string{"-url", "http://127.0.0.1:1", "-scenario", "join", "-participants", "2", "-timeout", "5s"}, &out, &errs); code != 1 {
		t.Fatalf("exited %d: %s", code, errs.String())
	}
}

// The same scenarios against two nodes sharing one Redis: phones spread
// over both, nothing lost, every count exact.
func TestLoadTwoNodes(t *testing.T) {
	url := redistest.Start(t)
	var nodes []string
	for range 2 {
		nodes = append(nodes, "http://"+startServer(t, url).Addr())
	}
	for _, o := range []loadgen.Options{
		{Scenario: "broadcast", Participants: 20, Events: 5, Interval: 20 * time.Millisecond},
		{Scenario: "vote", Participants: 30, Burst: 200 * time.Millisecond},
		{Scenario: "cards", Participants: 10, Rate: 20, Duration: 300 * time.Millisecond},
	} {
		t.Run(o.Scenario, func(t *testing.T) {
			o.URL = strings.Join(nodes, ",")
			o.JoinRate = 1000
			o.Pause = 100 * time.Millisecond
			o.PID = -1
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			r, err := loadgen.Run(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Nodes != 2 || r.Expected == 0 || r.Delivered != r.Expected || !r.Exact {
				t.Fatalf("nodes %d, delivered %d of %d, exact %v, notes %v", r.Nodes, r.Delivered, r.Expected, r.Exact, r.Notes)
			}
		})
	}
}
