package loadgen

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The summary reads targets.sh's JSON reports and says, per target and
// store, what was measured and whether the bound holds, and how Redis's
// key latency compares with the embedded store's.
func TestSummarize(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, r Report) {
		b, _ := json.Marshal(r)
		if err := os.WriteFile(filepath.Join(dir, name+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("embedded-vote-10000", Report{Scenario: "vote", Exact: true, Expected: 10, Delivered: 10,
		Ack: Summary{N: 10, P50: time.Millisecond, P99: 50 * time.Millisecond}, Settle: 400 * time.Millisecond,
		Server: ProcReport{CPU: 2 * time.Second, Cores: 2, Busy: 0.67}})
	write("redis-vote-10000", Report{Scenario: "vote", Exact: true, Expected: 10, Delivered: 10,
		Ack: Summary{N: 10, P50: 30 * time.Millisecond, P99: 300 * time.Millisecond}, Settle: 500 * time.Millisecond,
		Server: ProcReport{CPU: 1500 * time.Millisecond, Others: []OtherCPU{{PID: 2, Name: "huddle", CPU: time.Second}, {PID: 3, Name: "redis-server", CPU: 250 * time.Millisecond}}, Cores: 2, Busy: 0.954}})
	// join-1000 sets the joins against each other, not the settle times
	// (the presence flush's phase).
	write("embedded-join-1000", Report{Scenario: "join", Exact: true, Expected: 10, Delivered: 10,
		Join: Summary{N: 10, P99: 20 * time.Millisecond}, Settle: 7 * time.Millisecond})
	write("redis-join-1000", Report{Scenario: "join", Exact: true, Expected: 10, Delivered: 10,
		Join: Summary{N: 10, P99: 30 * time.Millisecond}, Settle: 91 * time.Millisecond})
	write("embedded-cards-1000-1s", Report{Scenario: "cards", Exact: true, Expected: 10, Delivered: 9,
		Fanout: Summary{N: 9, P50: 5 * time.Millisecond, P99: 10 * time.Millisecond}})
	// Packets the machine dropped are said beside the figure whose tail
	// their resends are; none dropped, nothing said.
	write("embedded-cards-1000-10s", Report{Scenario: "cards", Exact: true, Expected: 10, Delivered: 10,
		Fanout: Summary{N: 10, P50: 5 * time.Millisecond, P99: 210 * time.Millisecond},
		Server: ProcReport{Network: &NetReport{Dropped: 120, Resent: 118, Backlog: 1000}}})
	write("redis-cards-1000-10s", Report{Scenario: "cards", Exact: true, Expected: 10, Delivered: 10,
		Fanout: Summary{N: 10, P50: 5 * time.Millisecond, P99: 12 * time.Millisecond},
		Server: ProcReport{Network: &NetReport{Resent: 3, Backlog: 1000}}})
	var out bytes.Buffer
	if err := Summarize(dir, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"| vote-10000: 10,000 votes in 5 s: exact, ack p99 < 200 ms, final tally within 1 s | embedded | exact; ack p50 1.00ms, p99 50.00ms; settled 400.00ms | yes |",
		"| vote-10000: 10,000 votes in 5 s: exact, ack p99 < 200 ms, final tally within 1 s | redis, 2 nodes | exact; ack p50 30.00ms, p99 300.00ms; settled 500.00ms | **no** |",
		"| vote-10000: Redis within 2× of embedded | both | 6.0× (300.00ms vs 50.00ms; CPU 2.75s vs 2.00s; cores 95% vs 67% busy) | **no** |",
		"| cards-1000-1s: a retro card to 1,000, 1/s: p99 < 20 ms | embedded | fan-out p50 5.00ms, p99 10.00ms | **no**: lost 1 |",
		"| join-1000: 1,000 joining: settled within 2 s of the last join | redis, 2 nodes | settled 91.00ms; join p99 30.00ms | yes |",
		"| join-1000: Redis within 2× of embedded | both | 1.5× (30.00ms vs 20.00ms) | yes |",
		"| cards-1000-10s: a retro card to 1,000, 10/s: p99 < 20 ms | embedded | fan-out p50 5.00ms, p99 210.00ms; 120 packets dropped by a full input queue (netdev_max_backlog 1000), 118 resent | **no** |",
		"| cards-1000-10s: a retro card to 1,000, 10/s: p99 < 20 ms | redis, 2 nodes | fan-out p50 5.00ms, p99 12.00ms | yes |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "broadcast-10000") {
		t.Errorf("a target without a report is listed:\n%s", got)
	}
	var stderr bytes.Buffer
	if code := Main([]string{"-summarize", t.TempDir()}, &out, &stderr); code != 1 || !strings.Contains(stderr.String(), "no reports") {
		t.Errorf("an empty directory: exit %d, %q", code, stderr.String())
	}
}

// With the machine's floor kept beside the reports (targets.sh runs
// BenchmarkWriteFloor first), the summary opens with it and gives each
// broadcast's p99 over it: the machines of one kind differ by 2×.
func TestSummarizeWithTheFloor(t *testing.T) {
	dir := t.TempDir()
	b, _ := json.Marshal(Report{Scenario: "broadcast", Exact: true, Expected: 10, Delivered: 10,
		Fanout: Summary{N: 10, P50: 40 * time.Millisecond, P99: 99 * time.Millisecond}})
	if err := os.WriteFile(filepath.Join(dir, "embedded-broadcast-10000.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	// The run with the phones' reads held is set against the floor with
	// nobody reading.
	b, _ = json.Marshal(Report{Scenario: "broadcast", Exact: true, Expected: 10, Delivered: 10, HoldReads: 200 * time.Millisecond,
		Fanout: Summary{N: 10, P50: 30 * time.Millisecond, P99: 55 * time.Millisecond}})
	if err := os.WriteFile(filepath.Join(dir, "embedded-broadcast-10000-held.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	bench := `goos: linux
BenchmarkWriteFloor/unread-2         	      20	  48112920 ns/op	         8.385 cpu-µs/write	        48.10 ms/broadcast	      9900 sockets
--- BENCH: BenchmarkWriteFloor/unread-2
BenchmarkWriteFloor/read-2           	      20	  66144280 ns/op	        12.80 cpu-µs/write	        66.00 ms/broadcast	      9900 sockets
BenchmarkWriteFloor/unread-2         	      20	  50112920 ns/op	         8.385 cpu-µs/write	        50.00 ms/broadcast	      9900 sockets
BenchmarkWriteFloor/read-2           	      20	  76144280 ns/op	        12.80 cpu-µs/write	        76.00 ms/broadcast	      9900 sockets
BenchmarkWriteFloor/read-2           	      20	  64144280 ns/op	        12.80 cpu-µs/write	        64.00 ms/broadcast	      9900 sockets
PASS
`
	if err := os.WriteFile(filepath.Join(dir, FloorFile), []byte(bench), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Summarize(dir, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"This machine's floor (`BenchmarkWriteFloor`, one frame to every socket of a loopback fleet, no server): 66.00ms with the sockets read on the same cores, 50.00ms unread.",
		"| broadcast-10000: a broadcast to 10,000: p99 < 60 ms | embedded | fan-out p50 40.00ms, p99 99.00ms (1.5× the floor, 66.00ms) | **no** |",
		"| broadcast-10000-held: a broadcast to 10,000, the phones' reads held 200 ms: p99 < 60 ms | embedded | fan-out p50 30.00ms, p99 55.00ms (1.1× the floor unread, 50.00ms) | yes |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}

	// With the batched floor measured too (io_uring available), the
	// broadcasts are set against it: the node batches its writes.
	batched := bench + `BenchmarkWriteFloor/unread-batched-2 	      20	  28112920 ns/op	         4.6 cpu-µs/write	        28.00 ms/broadcast	      9900 sockets
BenchmarkWriteFloor/read-batched-2   	      20	  44144280 ns/op	        11.0 cpu-µs/write	        44.00 ms/broadcast	      9900 sockets
`
	if err := os.WriteFile(filepath.Join(dir, FloorFile), []byte(batched), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := Summarize(dir, &out); err != nil {
		t.Fatal(err)
	}
	got = out.String()
	for _, want := range []string{
		"no server): 66.00ms with the sockets read on the same cores, 50.00ms unread; written as the node writes them, 64 per io_uring submission: 44.00ms read, 28.00ms unread.",
		"p99 99.00ms (2.2× the batched floor, 44.00ms) | **no** |",
		"p99 55.00ms (2.0× the batched floor unread, 28.00ms) | yes |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}

// Memory per connection counts the phones the measured node holds: with
// two nodes, the first holds half of them.
func TestPerConnWithNodes(t *testing.T) {
	r := Report{Clients: 1000, BaseRSS: 10000, IdleRSS: 20000}
	if got := r.PerConn(r.IdleRSS); got != 10 {
		t.Errorf("one node: %.1f KiB per connection, want 10", got)
	}
	r.Nodes = 2
	if got := r.PerConn(r.IdleRSS); got != 20 {
		t.Errorf("two nodes: %.1f KiB per connection, want 20", got)
	}
}
