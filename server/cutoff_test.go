package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/redisstore/redistest"
)

// cutOffNodes starts two nodes on one private Redis: the first reaches it
// through a relay the test can freeze, cutting that node alone off (a
// partition: its connections stay open and answer nothing), the second
// directly.
func cutOffNodes(t *testing.T, grace time.Duration) (cut, whole *testServer, relay *redistest.Relay) {
	t.Helper()
	rs := redistest.StartServer(t)
	relay = redistest.NewRelay(t, rs)
	cut = startServer(t, func(c *Config) { c.RedisURL, c.StoreDownGrace = relay.URL(), grace })
	whole = startServer(t, func(c *Config) { c.RedisURL, c.StoreDownGrace = rs.URL(), grace })
	return cut, whole, relay
}

// tryDial opens a WebSocket to addr, or says why it could not: the
// status and error code of a refused upgrade.
func tryDial(t *testing.T, addr string) (*websocket.Conn, int, rooms.Code) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, "ws://"+addr+"/ws", nil)
	if err == nil {
		return ws, http.StatusSwitchingProtocols, ""
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	raw, _ := io.ReadAll(resp.Body)
	var e apiError
	_ = json.Unmarshal(raw, &e)
	return nil, resp.StatusCode, e.Error.Code
}

// A node cut off from Redis while the other node and Redis carry on
// (the link frozen, not closed) does not keep its phones: once the store
// has been unavailable for store-down-grace it closes them with 1013
// unavailable and refuses new connections with 503 unavailable, so they
// reconnect through the balancer to the node that works. There a phone
// resumes, gets what it missed, and its vote, re-sent, counts once. When
// the link comes back, the node takes connections again.
func TestNodeCutOffFromRedisSendsPhonesAway(t *testing.T) {
	const grace = time.Second
	cut, whole, relay := cutOffNodes(t, grace)
	room := whole.createRoom("Partition")
	fac := whole.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	id := addPoll(t, fac, 1)
	ann := cut.join(room.Room.Code, "Ann")
	phone := cut.dial(t)
	pos := phone.hello(ann.Room.ID, ann.Token, nil).Position
	vote := map[string]any{"type": exercises.CmdAnswer, "id": "v1", "data": answer(id, choose("soup"))}

	relay.Freeze()
	frozen := time.Now()
	// Ann votes on the node cut off: it cannot apply it. The room moves
	// on through the other node meanwhile.
	phone.send(vote)
	if m := fac.cmd("t1", "room.update", map[string]string{"title": "Moved on"}); m.Type != "ack" {
		t.Fatalf("the facilitator, on the node that works: %s", m.Raw)
	}
	if code := phone.closed(); code != CloseTryAgainLater {
		t.Fatalf("Ann's phone on the node cut off closed with %d (%v), want %d", code, phone.err, CloseTryAgainLater)
	}
	// The grace, then a ping that waits for an answer that does not
	// come, the ping before it, and the spread of the closes: a margin
	// for a busy machine on top.
	if limit := grace + storePingTimeout + storeCheckPeriod + cut.cfg.ShutdownSpread + 3*time.Second; time.Since(frozen) > limit {
		t.Errorf("Ann's phone closed %v after the link froze, later than %v", time.Since(frozen).Round(time.Millisecond), limit)
	}
	for _, m := range phone.all() {
		if m.Type == "ack" && m.ID == "v1" {
			t.Fatalf("the node cut off acknowledged the vote: %s", m.Raw)
		}
	}
	// A phone sent back to it is refused before the upgrade, with a
	// typed error, and tries again elsewhere.
	if ws, st, code := tryDial(t, cut.Addr()); ws != nil || st != http.StatusServiceUnavailable || code != rooms.CodeUnavailable {
		if ws != nil {
			_ = ws.CloseNow()
		}
		t.Fatalf("a new connection to the node cut off: %d %q, want 503 unavailable", st, code)
	}
	if st, body := cut.get("/readyz"); st != http.StatusServiceUnavailable || !strings.Contains(body, "store unavailable") {
		t.Errorf("readyz of the node cut off: %d %s", st, body)
	}

	// Ann's phone comes back through the node that works: it gets what
	// it missed, and its vote, re-sent with its id, counts once.
	again := whole.dial(t)
	w := again.hello(ann.Room.ID, ann.Token, &pos)
	if !w.Recovered {
		t.Errorf("the resume on the node that works gave a snapshot, want what was missed")
	}
	again.next(func(m msg) bool { return m.Type == "event" && containsTitle(m.Data, "Moved on") })
	for range 2 {
		again.send(vote)
		if m := again.next(func(m msg) bool { return m.ID == "v1" }); m.Type != "ack" {
			t.Fatalf("Ann's vote, re-sent on the node that works: %s", m.Raw)
		}
	}
	fac.stateOf(id, func(v exercises.VoteView) bool { return v.Responses == 1 })

	// The link comes back: the node takes connections again, and the
	// vote it gave up on, which reaches Redis only now, is not counted.
	relay.Thaw()
	var ws *websocket.Conn
	eventually(t, "the node to take connections again", func() bool {
		ws, _, _ = tryDial(t, cut.Addr())
		return ws != nil
	})
	_ = ws.CloseNow()
	back := cut.dial(t)
	back.hello(ann.Room.ID, ann.Token, nil)
	if m := back.cmd("v1", exercises.CmdAnswer, answer(id, choose("soup"))); m.Type != "ack" {
		t.Fatalf("Ann's vote once more, on the node that is back: %s", m.Raw)
	}
	if m := fac.cmd("close", exercises.CmdClose, map[string]any{"exercise": id}); m.Type != "ack" {
		t.Fatalf("close: %s", m.Raw)
	}
	if v := fac.stateOf(id, func(v exercises.VoteView) bool { return v.Results != nil }); v.Responses != 1 || v.Results.Questions[0].Counts["soup"] != 1 {
		t.Fatalf("after the partition: %+v", v)
	}
	logs := cut.logs.String()
	for _, line := range []string{
		`level=WARN msg="store unavailable past store-down-grace; closing connections and refusing new ones"`,
		`level=INFO msg="store available again; taking connections again"`,
	} {
		if n := strings.Count(logs, line); n != 1 {
			t.Errorf("logged %d times, want once: %s", n, line)
		}
	}
	if n := counterValue(t, cut.metrics.closes.WithLabelValues("unavailable")); n < 1 {
		t.Errorf("closes for unavailable: %v", n)
	}
}

// A blip shorter than store-down-grace (a failover, a stall) closes
// nobody: the node notices the store is unavailable, and when it answers
// again the phones are where they were.
func TestStoreBlipClosesNobody(t *testing.T) {
	// The blip lasts about 3 s (a ping fails after 2 s, the next one,
	// a second later, is answered); the test waits for neither grace.
	const grace = 8 * time.Second
	cut, _, relay := cutOffNodes(t, grace)
	room, fac := cut.facilitated(t)
	phones := cut.phones(t, room, "P", 3)

	relay.Freeze()
	eventually(t, "the node to notice", func() bool {
		return strings.Contains(cut.logs.String(), `msg="store unavailable; the node is not ready"`)
	})
	relay.Thaw()
	eventually(t, "the node to see the store again", func() bool {
		return strings.Contains(cut.logs.String(), `msg="store available again; the node is ready"`)
	})
	for _, c := range append(phones, fac) {
		ltPing(t, c)
	}
	if m := fac.cmd("t", "room.update", map[string]string{"title": "Still here"}); m.Type != "ack" {
		t.Fatalf("after the blip: %s", m.Raw)
	}
	for _, c := range phones {
		c.next(func(m msg) bool { return m.Type == "event" && containsTitle(m.Data, "Still here") })
	}
	if strings.Contains(cut.logs.String(), "past store-down-grace") {
		t.Errorf("a blip shorter than the grace cut the node off:\n%s", cut.logs.String())
	}
	if n := counterValue(t, cut.metrics.closes.WithLabelValues("unavailable")); n != 0 {
		t.Errorf("%v connections closed for unavailable", n)
	}
}
