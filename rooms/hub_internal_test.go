package rooms

import (
	"testing"
	"time"
)

func TestCoalesceForRoomSize(t *testing.T) {
	base := 100 * time.Millisecond
	for subs, want := range map[int]time.Duration{0: base, 1000: base, 2500: 250 * time.Millisecond, 5000: 500 * time.Millisecond, 10000: 500 * time.Millisecond} {
		if got := coalesceFor(base, subs); got != want {
			t.Errorf("coalesceFor(%v, %d) = %v, want %v", base, subs, got, want)
		}
	}
}
