package loadgen_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.uber.org/goleak"

	"huddle/server"
	"huddle/server/loadgen"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startServer starts a node on loopback for the test.
func startServer(t *testing.T) *server.Server {
	t.Helper()
	cfg := server.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.ShutdownSpread = 50 * time.Millisecond
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
	for _, o := range []loadgen.Options{
		{Scenario: "broadcast", Participants: 30, Events: 5, Interval: 20 * time.Millisecond},
		{Scenario: "vote", Participants: 40, Burst: 200 * time.Millisecond},
		{Scenario: "rooms", Participants: 5, Rooms: 6, Burst: 200 * time.Millisecond},
		{Scenario: "join", Participants: 40},
	} {
		t.Run(o.Scenario, func(t *testing.T) {
			o.URL = "http://" + srv.Addr()
			o.JoinRate = 1000
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			r, err := loadgen.Run(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Expected == 0 || r.Delivered != r.Expected || !r.Exact {
				t.Fatalf("delivered %d of %d, exact %v, notes %v", r.Delivered, r.Expected, r.Exact, r.Notes)
			}
		})
	}
}
