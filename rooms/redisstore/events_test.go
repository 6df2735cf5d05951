package redisstore

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"huddle/rooms"
)

func storedEvent(seq int, data string) string {
	return fmt.Sprintf(`{"room":"r1","epoch":"e1","seq":%d,"type":"room.updated","data":{"title":%q},"to":{"f":true}}`, seq, data)
}

// A cached event is the event its text decodes to, whether decoded now or
// before; text that is not an event is an error and is not kept.
func TestEventCacheDecodes(t *testing.T) {
	var c eventCache
	raw := storedEvent(7, "Hello")
	var want rooms.Event
	if err := json.Unmarshal([]byte(raw), &want); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		got, err := c.decode(raw)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("decode %d: %+v, %v; want %+v", i, got, err, want)
		}
	}
	if len(c.m) != 1 {
		t.Fatalf("%d events kept, want 1", len(c.m))
	}
	if _, err := c.decode(`{"seq":"x"`); err == nil {
		t.Fatal("malformed text decoded")
	}
	evs, err := c.decodeEvents([]any{storedEvent(1, "a"), storedEvent(2, "b")})
	if err != nil || len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 2 {
		t.Fatalf("decodeEvents: %+v, %v", evs, err)
	}
	if _, err := c.decodeEvents([]any{storedEvent(3, "c"), "nope"}); err == nil || !strings.Contains(err.Error(), "event 1") {
		t.Fatalf("decodeEvents of a bad list: %v", err)
	}
	if len(c.m) != 4 {
		t.Fatalf("%d events kept, want 4 (the bad one not among them)", len(c.m))
	}
}

// The cache's entries take at most eventCacheBytes, however many events
// pass through it, and never a single event too big for it.
func TestEventCacheBounded(t *testing.T) {
	var c eventCache
	pad := strings.Repeat("x", 1000)
	for i := range 3 * eventCacheBytes / 2000 {
		if _, err := c.decode(storedEvent(i, pad)); err != nil {
			t.Fatal(err)
		}
		if c.bytes > eventCacheBytes {
			t.Fatalf("after %d events the cache holds %d bytes, over %d", i+1, c.bytes, eventCacheBytes)
		}
	}
	big := storedEvent(1, strings.Repeat("y", eventCacheBytes/8))
	before := c.bytes
	if ev, err := c.decode(big); err != nil || ev.Seq != 1 {
		t.Fatalf("big event: %+v, %v", ev, err)
	}
	if _, ok := c.m[big]; ok || c.bytes != before {
		t.Fatal("a big event was kept")
	}
}

// Phones resuming at once decode the same events concurrently.
func TestEventCacheConcurrent(t *testing.T) {
	var c eventCache
	list := make([]any, 30)
	for i := range list {
		list[i] = storedEvent(i+1, "t")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				evs, err := c.decodeEvents(list)
				if err != nil || len(evs) != 30 || evs[29].Seq != 30 {
					t.Errorf("decodeEvents: %d events, %v", len(evs), err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// 30 missed events, as a returning phone's hello reads them: decoded each
// time (no cache) and from the cache, as the next phones of a storm get
// them.
func BenchmarkDecodeMissedEvents(b *testing.B) {
	list := make([]any, 30)
	for i := range list {
		list[i] = storedEvent(i+1, fmt.Sprint("Broadcast ", i))
	}
	b.Run("decoded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var c eventCache // empty: every event decoded
			if _, err := c.decodeEvents(list); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		var c eventCache
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.decodeEvents(list); err != nil {
				b.Fatal(err)
			}
		}
	})
}
