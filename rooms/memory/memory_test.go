package memory_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
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

// Load skips whole classes of documents, and prefixes longer or shorter
// than a class, exactly as a pass over every key would.
func TestLoadSkipByClass(t *testing.T) {
	st := memory.New(memory.Options{})
	defer st.Close()
	ctx := context.Background()
	var puts []rooms.Put
	for _, k := range []string{"tok:a", "tok:b", "bal:e1:a", "bal:e2:b", "room", "roomy", "agenda", "member:x", "t"} {
		puts = append(puts, rooms.Put{Key: k, Value: json.RawMessage(`1`)})
	}
	if _, err := st.CreateRoom(ctx, "r", "CODE42", time.Hour, rooms.Change{Puts: puts}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, "r", rooms.Change{Puts: []rooms.Put{{Key: "member:x"}}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		skip []string
		want string
	}{
		{nil, "agenda bal:e1:a bal:e2:b room roomy t tok:a tok:b"},
		{[]string{"tok:", "bal:e1:", "roo"}, "agenda bal:e2:b t"},
		{[]string{"t"}, "agenda bal:e1:a bal:e2:b room roomy"},
		{[]string{"bal"}, "agenda room roomy t tok:a tok:b"},
		{[]string{""}, ""},
	} {
		s, err := st.Load(ctx, "r", c.skip...)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for k := range s.Docs {
			got = append(got, k)
		}
		slices.Sort(got)
		if strings.Join(got, " ") != c.want {
			t.Errorf("Load(skip %q) = %q, want %q", c.skip, strings.Join(got, " "), c.want)
		}
	}
}
