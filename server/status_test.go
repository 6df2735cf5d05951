package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"huddle/rooms"
	"huddle/rooms/redisstore/redistest"
)

// statusOf asks ts for the status of rooms and returns the HTTP status,
// the decoded answer and its raw bytes.
func statusOf(t *testing.T, ts *testServer, body any) (int, RoomStatusResponse, string) {
	t.Helper()
	var raw json.RawMessage
	st := ts.post("/api/rooms/status", body, &raw)
	var out RoomStatusResponse
	if st == http.StatusOK {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
	}
	return st, out, string(raw)
}

// /host asks for the status of all its rooms at once, each proven by its
// facilitator secret: a running, an ended and a locked room are answered
// as GET /api/rooms/{code} answers them, by id or by code; a room the
// secret does not open (a wrong secret, a participant's token, an unknown
// or malformed code) gets one answer, word for word the same, that says
// nothing of it. On the embedded store and on Redis.
func TestRoomStatusBatch(t *testing.T) {
	for name, mod := range map[string]func(*Config){
		"memory": nil,
		"redis":  func(c *Config) { c.RedisURL = redistest.Start(t) },
	} {
		t.Run(name, func(t *testing.T) {
			ts := startServer(t, mod)
			running, runningFac := ts.facilitated(t)
			m := runningFac.cmd("link", rooms.CmdScreenLink, nil)
			var link struct{ Result struct{ Token string } }
			if m.Type != "ack" || json.Unmarshal(m.Raw, &link) != nil || link.Result.Token == "" {
				t.Fatalf("screen link: %s", m.Raw)
			}
			ended, endedFac := ts.facilitated(t)
			locked, lockedFac := ts.facilitated(t)
			other := ts.createRoom("Someone else's")
			if m := endedFac.cmd("e", "room.end", nil); m.Type != "ack" {
				t.Fatalf("room.end: %s", m.Raw)
			}
			if m := lockedFac.cmd("l", "room.lock", nil); m.Type != "ack" {
				t.Fatalf("room.lock: %s", m.Raw)
			}
			ann := ts.join(other.Room.Code, "Ann")
			secret := func(r CreateRoomResponse) string { return r.Facilitator.Secret }
			qs := []RoomStatusQuery{
				{Room: running.Room.ID, Secret: secret(running)},
				{Room: ended.Room.Code, Secret: secret(ended)},
				{Room: strings.ToLower(locked.Room.Code[:3]) + "-" + locked.Room.Code[3:], Secret: " " + secret(locked) + " "},
				{Room: other.Room.ID, Secret: secret(running)},     // another room's secret
				{Room: other.Room.Code, Secret: ann.Token},         // a participant's token
				{Room: "ZZZZZZ", Secret: secret(running)},          // no such room
				{Room: "not a room", Secret: secret(running)},      // no such code or id
				{Room: running.Room.Code, Secret: ""},              // no secret
				{Room: running.Room.Code, Secret: secret(running)}, // the same room again, by code
				{Room: strings.Repeat("A", 200), Secret: secret(running)},
				{Room: running.Room.ID, Secret: link.Result.Token}, // a projector link's token
			}
			st, out, raw := statusOf(t, ts, RoomStatusRequest{Rooms: qs})
			if st != http.StatusOK || len(out.Rooms) != len(qs) {
				t.Fatalf("status %d: %s", st, raw)
			}
			info := func(i int) RoomInfo {
				t.Helper()
				if out.Rooms[i].Room == nil || out.Rooms[i].Error != nil {
					t.Fatalf("room %d: %s", i, raw)
				}
				return *out.Rooms[i].Room
			}
			if r := info(0); r.ID != running.Room.ID || r.Code != running.Room.Code || r.Ended || r.Locked || !strings.HasSuffix(r.JoinURL, "/j/"+r.Code) {
				t.Fatalf("running room: %+v", r)
			}
			if r := info(1); r.ID != ended.Room.ID || !r.Ended {
				t.Fatalf("ended room: %+v", r)
			}
			if r := info(2); r.ID != locked.Room.ID || !r.Locked || r.Ended {
				t.Fatalf("locked room: %+v", r)
			}
			if r := info(8); r.ID != running.Room.ID {
				t.Fatalf("by code: %+v", r)
			}
			// The look-up by code answers the same room the same way.
			_, byCode := ts.get("/api/rooms/" + locked.Room.Code)
			want, _ := json.Marshal(info(2))
			if strings.TrimSpace(byCode) != string(want) {
				t.Fatalf("batch %s, look-up %s", want, byCode)
			}
			// Every room the secret does not open: one answer, the same bytes.
			var whole struct{ Rooms []json.RawMessage }
			_ = json.Unmarshal([]byte(raw), &whole)
			entries := whole.Rooms
			none := string(entries[5])
			for _, i := range []int{3, 4, 6, 7, 9, 10} {
				if string(entries[i]) != none {
					t.Fatalf("entry %d %s differs from an unknown room's %s", i, entries[i], none)
				}
			}
			if e := out.Rooms[5].Error; e == nil || e.Code != rooms.CodeNotFound || e.Field != "" || out.Rooms[5].Room != nil {
				t.Fatalf("unknown room: %s", entries[5])
			}
			// Nothing secret in the answer or the log.
			for _, s := range []string{secret(running), secret(ended), secret(locked), secret(other), ann.Token, link.Result.Token, other.Room.Title} {
				if strings.Contains(raw, s) {
					t.Fatalf("the answer holds %q: %s", s, raw)
				}
				if s != other.Room.Title && strings.Contains(ts.logs.String(), s) {
					t.Fatalf("the log holds a secret")
				}
			}
			// An empty list is answered empty.
			if st, out, raw := statusOf(t, ts, map[string]any{"rooms": []any{}}); st != http.StatusOK || out.Rooms == nil || len(out.Rooms) != 0 {
				t.Fatalf("empty list: %d %s", st, raw)
			}
		})
	}
}

// A request asks about at most max-status-rooms rooms, has a list of
// rooms, and counts each room against the node's HTTP rate limit.
func TestRoomStatusLimits(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.MaxStatusRooms = 3
		c.HTTPBurst = 5
		c.HTTPRate = 0.001
	})
	r := ts.createRoom("Limits") // one token
	q := RoomStatusQuery{Room: r.Room.ID, Secret: r.Facilitator.Secret}
	var e apiError
	// Four rooms: refused, for one token.
	if st := ts.post("/api/rooms/status", RoomStatusRequest{Rooms: []RoomStatusQuery{q, q, q, q}}, &e); st != http.StatusBadRequest || e.Error.Code != rooms.CodeInvalid || e.Error.Field != "rooms" || !strings.Contains(e.Error.Message, "at most 3") {
		t.Fatalf("four rooms: %d %+v", st, e)
	}
	// Three rooms: three tokens, the last of the burst.
	if st, out, raw := statusOf(t, ts, RoomStatusRequest{Rooms: []RoomStatusQuery{q, q, q}}); st != http.StatusOK || len(out.Rooms) != 3 || out.Rooms[2].Room == nil {
		t.Fatalf("three rooms: %d %s", st, raw)
	}
	if st := ts.post("/api/rooms/status", RoomStatusRequest{Rooms: []RoomStatusQuery{q}}, &e); st != http.StatusTooManyRequests || e.Error.Code != rooms.CodeRateLimited {
		t.Fatalf("over the rate limit: %d %+v", st, e)
	}
}

// What is not a list of rooms is refused with a typed error.
func TestRoomStatusBadBodies(t *testing.T) {
	ts := startServer(t, nil)
	for body, want := range map[string]struct {
		code  rooms.Code
		field string
	}{
		`{}`:                     {rooms.CodeBadMessage, "rooms"},
		``:                       {rooms.CodeBadMessage, "rooms"},
		`{"rooms":"all"}`:        {rooms.CodeBadMessage, "rooms"},
		`{"rooms":[{"room":5}]}`: {rooms.CodeBadMessage, "rooms.room"},
		`{"rooms":[`:             {rooms.CodeBadJSON, ""},
		`[1]`:                    {rooms.CodeBadMessage, ""},
	} {
		var e apiError
		if st := ts.post("/api/rooms/status", body, &e); st != http.StatusBadRequest || e.Error.Code != want.code || e.Error.Field != want.field {
			t.Errorf("%s: %d %+v, want %s %q", body, st, e, want.code, want.field)
		}
	}
	big := `{"rooms":[` + strings.Repeat(`{"room":"ABCDEF","secret":"x"},`, 1000) + `{}]}`
	var e apiError
	if st := ts.post("/api/rooms/status", big, &e); st != http.StatusRequestEntityTooLarge || e.Error.Code != rooms.CodeTooLong {
		t.Errorf("a body over max-message-bytes: %d %+v", st, e)
	}
}

// The store unreachable, a room is not said to be gone: its answer says
// the store failed, for the page to keep what it knew.
func TestRoomStatusStoreDown(t *testing.T) {
	rs := redistest.StartServer(t)
	ts := startServer(t, func(c *Config) { c.RedisURL = rs.URL() })
	r := ts.createRoom("Down")
	rs.Stop()
	st, out, raw := statusOf(t, ts, RoomStatusRequest{Rooms: []RoomStatusQuery{{Room: r.Room.ID, Secret: r.Facilitator.Secret}}})
	if st != http.StatusOK || len(out.Rooms) != 1 || out.Rooms[0].Error == nil || out.Rooms[0].Error.Code != rooms.CodeUnavailable {
		t.Fatalf("store down: %d %s", st, raw)
	}
}
