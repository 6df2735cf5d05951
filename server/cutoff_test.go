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
	"huddle/exercises/packs"
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

// storeRequest is one HTTP request to a node, and what it was answered:
// its status, its Retry-After header and its body, or answered false if
// no answer came before ctx ended.
func storeRequest(ctx context.Context, t *testing.T, method, url, body, auth string) (status int, retryAfter, answer string, answered bool) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, "", "", false
		}
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After"), string(raw), true
}

// A node cut off from Redis refused new WebSockets at once, but a join
// (the phone's POST /api/join), a room look-up or a room's creation
// still went to Redis and waited for its timeout (2 s: a frozen link
// answers nothing) before answering 503 unavailable. Once the node is
// cut off, every route that needs the store answers 503 unavailable at
// once, with the WebSocket refusal's Retry-After and body, without
// asking Redis; a built-in pack, /healthz and the like still answer; and
// the moment Redis answers the node again, a join works again.
//
// The node cut off waits an hour for Redis to answer a command (its
// dial, read and write timeouts), its pings aside (2 s each): a request
// that asked Redis is not answered before the test gives up on it
// (waitFor), which is how the test sees that it asked; it asserts no
// time of its own.
func TestNodeCutOffRefusesStoreRequestsAtOnce(t *testing.T) {
	const grace = time.Second
	rs := redistest.StartServer(t)
	relay := redistest.NewRelay(t, rs)
	cut := startServer(t, func(c *Config) {
		c.RedisURL = relay.URL() + "?dial_timeout=1h&read_timeout=1h&write_timeout=1h"
		c.StoreDownGrace = grace
	})
	// A request that did wait for Redis is answered once the link is
	// back, before the node shuts down (cleanups run last first).
	t.Cleanup(relay.Thaw)
	room := cut.createRoom("Cut off")
	builtin := packs.Builtin()[0].ID

	relay.Freeze()
	eventually(t, "the node to be cut off", cut.isCutOff)

	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	// The WebSocket refusal, as a plain GET (no upgrade asked): its body
	// is what every refusal below says too.
	st, _, wsRefusal, ok := storeRequest(ctx, t, "GET", cut.base+"/ws", "", "")
	if !ok || st != http.StatusServiceUnavailable {
		t.Fatalf("/ws of the node cut off: %d %s", st, wsRefusal)
	}
	secret := room.Facilitator.Secret
	for _, r := range []struct{ method, path, body, auth string }{
		{"POST", "/api/join", `{"code":"` + room.Room.Code + `","name":"Ann"}`, ""},
		{"GET", "/api/rooms/" + room.Room.Code, "", ""},
		{"POST", "/api/rooms", `{"title":"Another"}`, ""},
		{"POST", "/api/rooms/status", `{"rooms":[{"room":"` + room.Room.ID + `","secret":"` + secret + `"}]}`, ""},
		{"GET", "/api/rooms/" + room.Room.ID + "/results?format=csv", "", secret},
		{"POST", "/api/rooms/" + room.Room.ID + "/session", "", secret},
		{"POST", "/api/rooms/" + room.Room.ID + "/pack", `{"title":"Agenda"}`, secret},
		{"GET", "/api/packs", "", ""},
		{"GET", "/api/packs/my-pack", "", ""},
		{"POST", "/api/packs/" + builtin + "/duplicate", `{"id":"mine"}`, ""},
		{"GET", "/api/sessions", "", ""},
	} {
		st, retry, body, ok := storeRequest(ctx, t, r.method, cut.base+r.path, r.body, r.auth)
		if !ok {
			t.Fatalf("%s %s on the node cut off was not answered: it waited for Redis", r.method, r.path)
		}
		var e apiError
		_ = json.Unmarshal([]byte(body), &e)
		if st != http.StatusServiceUnavailable || e.Error.Code != rooms.CodeUnavailable || retry != "1" || body != wsRefusal {
			t.Errorf("%s %s on the node cut off: %d (Retry-After %q) %s, want 503 (1) %s", r.method, r.path, st, retry, body, wsRefusal)
		}
	}
	// What needs no store still answers.
	for _, path := range []string{"/healthz", "/api/packs/" + builtin, "/"} {
		if st, _, body, ok := storeRequest(ctx, t, "GET", cut.base+path, "", ""); !ok || st != http.StatusOK {
			t.Errorf("GET %s on the node cut off: %d %.200s", path, st, body)
		}
	}
	if !cut.isCutOff() {
		t.Fatalf("the node was no longer cut off by the end of the requests: they proved nothing")
	}

	// Redis answers again: a join works again.
	relay.Thaw()
	join := `{"code":"` + room.Room.Code + `","name":"Ann"}`
	eventually(t, "a join to work again", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		st, _, _, ok := storeRequest(ctx, t, "POST", cut.base+"/api/join", join, "")
		return ok && st == http.StatusOK
	})
}
