package memory_test

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"huddle/rooms"
	"huddle/rooms/memory"
	"huddle/rooms/roomstest"
)

// TestMain fails the run if any goroutine (a sweeper, say) outlives the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var contract = roomstest.Options{HistoryLimit: 50, ReplyWindow: 20}

// newStore returns a store for the contract suite, closed when t ends.
func newStore(sweep time.Duration) func(t *testing.T) rooms.Store {
	return func(t *testing.T) rooms.Store {
		s := memory.New(memory.Options{
			HistoryLimit:  contract.HistoryLimit,
			ReplyWindow:   contract.ReplyWindow,
			SweepInterval: sweep,
		})
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
}

// TestContract runs the store contract suite with a fast sweeper, so
// expired rooms are dropped within the expiry tests' deadlines.
func TestContract(t *testing.T) {
	roomstest.Run(t, contract, newStore(50*time.Millisecond))
}

// TestContractUnswept runs the suite with a sweeper that never runs during
// it: expired rooms linger in memory and must still behave as gone, and
// their ids and codes as free.
func TestContractUnswept(t *testing.T) {
	roomstest.Run(t, contract, newStore(time.Hour))
}
