package redisstore

import (
	"encoding/json"
	"fmt"
	"sync"

	"huddle/rooms"
)

// eventCache keeps history events decoded, by their stored text. In a
// reconnect storm thousands of phones read the same few dozen events
// (each returning phone's hello reads the events it missed), and decoding
// their JSON again for every phone took about 6 % of a node's CPU. An
// event's text never changes (its room, epoch and seq are in it), and an
// Event is never modified once decoded, so one copy serves every reader.
//
// The cache is bounded by the memory its entries take (the text, the
// decoded copy of the event's data and their bookkeeping) and simply
// emptied when full: a storm reads the latest events again and again, and
// they are back after one decode. An event of a room that ended stays
// until then; it is in the room's history in Redis anyway, until that
// expires.
type eventCache struct {
	mu    sync.Mutex
	m     map[string]rooms.Event
	bytes int
}

// eventCacheBytes bounds the memory an eventCache's entries take, and
// eventOverhead is an entry's beside its text and data (the map's slot,
// the Event, its short strings).
const (
	eventCacheBytes = 4 << 20
	eventOverhead   = 256
)

// decode returns the event stored as raw.
func (c *eventCache) decode(raw string) (rooms.Event, error) {
	c.mu.Lock()
	ev, ok := c.m[raw]
	c.mu.Unlock()
	if ok {
		return ev, nil
	}
	ev, err := unmarshalEvent(raw)
	if err != nil {
		return rooms.Event{}, err
	}
	size := len(raw) + len(ev.Data) + eventOverhead
	if size > eventCacheBytes/16 {
		return ev, nil // a rare big one is not worth a sixteenth of the cache
	}
	c.mu.Lock()
	if c.m == nil || c.bytes+size > eventCacheBytes {
		c.m, c.bytes = make(map[string]rooms.Event), 0
	}
	if _, ok := c.m[raw]; !ok {
		c.m[raw] = ev
		c.bytes += size
	}
	c.mu.Unlock()
	return ev, nil
}

// unmarshalEvent decodes one stored event. (Apart from decode, so that a
// hit there allocates nothing.)
func unmarshalEvent(raw string) (rooms.Event, error) {
	var ev rooms.Event
	err := json.Unmarshal([]byte(raw), &ev)
	return ev, err
}

// decodeEvents decodes a list of stored events, as read.lua gives them.
func (c *eventCache) decodeEvents(list any) ([]rooms.Event, error) {
	raw, _ := list.([]any)
	evs := make([]rooms.Event, len(raw))
	for i, r := range raw {
		ev, err := c.decode(str(r))
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		evs[i] = ev
	}
	return evs, nil
}
