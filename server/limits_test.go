package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/redisstore/redistest"
)

// ltError is an error message as a client receives it.
type ltError struct {
	Type    string     `json:"type"`
	ID      string     `json:"id"`
	Code    rooms.Code `json:"code"`
	Message string     `json:"message"`
	Field   string     `json:"field"`
	Retry   bool       `json:"retry"`
}

// ltErr decodes m, which must be an error message.
func ltErr(t *testing.T, m msg) ltError {
	t.Helper()
	var e ltError
	if err := json.Unmarshal(m.Raw, &e); err != nil {
		t.Fatal(err)
	}
	if e.Type != "error" {
		t.Fatalf("expected an error message, got %s", m.Raw)
	}
	return e
}

// ltNextErr waits for the next error message on c.
func ltNextErr(t *testing.T, c *client) ltError {
	t.Helper()
	return ltErr(t, c.next(func(m msg) bool { return m.Type == "error" }))
}

// ltWantErr checks an answer is an error with code (and field, if given).
func ltWantErr(t *testing.T, m msg, code rooms.Code, field string) ltError {
	t.Helper()
	e := ltErr(t, m)
	if e.Code != code || (field != "" && e.Field != field) {
		t.Fatalf("got %s, want code %s field %q", m.Raw, code, field)
	}
	return e
}

// ltAck checks an answer is an ack.
func ltAck(t *testing.T, m msg) {
	t.Helper()
	if m.Type != "ack" {
		t.Fatalf("expected an ack, got %s", m.Raw)
	}
}

// ltWelcomeLimits is welcome.server.limits as c received it.
func ltWelcomeLimits(t *testing.T, c *client) map[string]float64 {
	t.Helper()
	for _, m := range c.all() {
		if m.Type == "welcome" {
			var w struct {
				Server struct {
					Limits map[string]float64 `json:"limits"`
				} `json:"server"`
			}
			if err := json.Unmarshal(m.Raw, &w); err != nil {
				t.Fatal(err)
			}
			return w.Server.Limits
		}
	}
	t.Fatal("no welcome")
	return nil
}

// ltInfo reads a room as anyone with its code sees it.
func ltInfo(t *testing.T, ts *testServer, code string) RoomInfo {
	t.Helper()
	st, body := ts.get("/api/rooms/" + code)
	if st != http.StatusOK {
		t.Fatalf("room info: %d %s", st, body)
	}
	var ri RoomInfo
	if err := json.Unmarshal([]byte(body), &ri); err != nil {
		t.Fatal(err)
	}
	return ri
}

// ltSnapshot connects afresh with secret and returns the snapshot it
// gets.
func ltSnapshot(t *testing.T, ts *testServer, roomID, secret string) *rooms.Snapshot {
	t.Helper()
	c := ts.dial(t)
	defer c.close()
	w := c.hello(roomID, secret, nil)
	if w.Snapshot == nil {
		t.Fatal("fresh hello without a snapshot")
	}
	return w.Snapshot
}

// ltMemberNames lists the snapshot's member names.
func ltMemberNames(s *rooms.Snapshot) []string {
	var out []string
	for _, m := range s.Members {
		out = append(out, m.Name)
	}
	return out
}

// ltHelloRefused says hello and returns the error and the close code.
func ltHelloRefused(t *testing.T, ts *testServer, roomID, token string) (ltError, websocket.StatusCode) {
	t.Helper()
	c := ts.dial(t)
	c.send(map[string]any{"type": "hello", "room": roomID, "token": token})
	m := c.next(func(m msg) bool { return m.Type == "welcome" || m.Type == "error" })
	e := ltErr(t, m)
	return e, c.closed()
}

// ltPost posts and decodes an error answer (when there is one).
func ltPost(t *testing.T, ts *testServer, path string, body any, header ...string) (int, rooms.Error) {
	t.Helper()
	var out apiError
	st := ts.post(path, body, &out, header...)
	return st, out.Error
}

// ltDial opens a WebSocket with options; it does not fail the test.
func ltDial(t *testing.T, ts *testServer, opts *websocket.DialOptions) (*client, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ws, resp, err := websocket.Dial(ctx, "ws://"+ts.Addr()+"/ws", opts)
	if err != nil {
		cancel()
		return nil, resp, err
	}
	ws.SetReadLimit(1 << 24)
	c := &client{t: t, ws: ws, msgs: make(chan msg, 100000), done: make(chan struct{}), ctx: ctx, cancel: cancel}
	go c.readLoop()
	t.Cleanup(c.close)
	return c, resp, nil
}

// ltWrite writes a text message without failing the test (the server may
// have closed the connection).
func ltWrite(c *client, s string) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, []byte(s))
}

// ltFacilitator creates a room and connects its facilitator.
func ltFacilitator(t *testing.T, ts *testServer, title string) (CreateRoomResponse, *client) {
	t.Helper()
	room := ts.createRoom(title)
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	return room, fac
}

// ltSized returns a room.update setting title, padded with an unknown
// field to exactly size bytes.
func ltSized(t *testing.T, id, title string, size int) string {
	t.Helper()
	base := fmt.Sprintf(`{"type":"room.update","id":%q,"data":{"title":%q},"pad":""}`, id, title)
	if size < len(base) {
		t.Fatalf("size %d below %d", size, len(base))
	}
	s := base[:len(base)-2] + strings.Repeat("x", size-len(base)) + `"}`
	if len(s) != size {
		t.Fatalf("built %d bytes, want %d", len(s), size)
	}
	return s
}

// A message of exactly the connection's limit (a facilitator's,
// MaxHostMessageBytes) is accepted; one byte more closes the connection
// with 1009 and is never applied.
func TestLimitMessageTooBig(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.MaxMessageBytes, c.MaxHostMessageBytes = 1024, 2048 })
	room, fac := ltFacilitator(t, ts, "Before")

	fac.sendRaw(ltSized(t, "at-limit", "At the limit", 2048))
	ltAck(t, fac.next(func(m msg) bool { return m.ID == "at-limit" }))
	if ri := ltInfo(t, ts, room.Room.Code); ri.Title != "At the limit" {
		t.Fatalf("title %q after a message at the limit", ri.Title)
	}

	_ = ltWrite(fac, ltSized(t, "over", "Too big", 2049))
	if code := fac.closed(); code != CloseMessageTooBig {
		t.Fatalf("closed with %d, want %d", code, CloseMessageTooBig)
	}
	for _, m := range fac.drain() {
		if m.ID == "over" {
			t.Fatalf("the oversized message was answered: %s", m.Raw)
		}
	}
	if ri := ltInfo(t, ts, room.Room.Code); ri.Title != "At the limit" {
		t.Fatalf("the oversized message changed the title to %q", ri.Title)
	}
	// The facilitator can come back.
	again := ts.dial(t)
	if w := again.hello(room.Room.ID, room.Facilitator.Secret, nil); w.Snapshot.Room.Title != "At the limit" {
		t.Fatalf("snapshot title %q", w.Snapshot.Room.Title)
	}
}

// A participant's connection has the smaller limit, MaxMessageBytes, and
// its welcome says so; a facilitator's welcome gives the larger one. A
// survey within every limit of an exercise (20 questions of 20 options
// with long labels, about 40 KB) goes through a facilitator's
// connection under the default limits, where 16 KiB closed it.
func TestLimitMessageBytesByRole(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "Survey")
	j := ts.join(room.Room.Code, "Ann")
	ann := ts.dial(t)
	ann.hello(j.Room.ID, j.Token, nil)
	limitOf := func(c *client) float64 { return ltWelcomeLimits(t, c)["maxMessageBytes"] }
	if got, want := limitOf(fac), float64(ts.cfg.HostMessageBytes()); got != want {
		t.Errorf("the facilitator's welcome says %v bytes, want %v", got, want)
	}
	if got, want := limitOf(ann), float64(ts.cfg.MaxMessageBytes); got != want {
		t.Errorf("the participant's welcome says %v bytes, want %v", got, want)
	}

	var questions []any
	for q := range 20 {
		var options []any
		for o := range 20 {
			options = append(options, map[string]any{"id": fmt.Sprintf("o%d", o), "label": fmt.Sprintf("%02d/%02d ", q, o) + strings.Repeat("é", 74)})
		}
		questions = append(questions, map[string]any{"id": fmt.Sprintf("q%d", q), "kind": "choice", "prompt": strings.Repeat("?", 80), "options": options})
	}
	spec := map[string]any{"kind": "survey", "title": "Everything", "questions": questions}
	body, _ := json.Marshal(map[string]any{"type": exercises.CmdAgendaAdd, "id": "big", "data": map[string]any{"spec": spec}})
	if len(body) <= ts.cfg.MaxMessageBytes {
		t.Fatalf("the survey is only %d bytes", len(body))
	}
	fac.sendRaw(string(body))
	ltAck(t, fac.next(func(m msg) bool { return m.ID == "big" }))

	// The same size from a participant closes its connection.
	_ = ltWrite(ann, ltSized(t, "over", "Too big", ts.cfg.MaxMessageBytes+1))
	if code := ann.closed(); code != CloseMessageTooBig {
		t.Fatalf("participant closed with %d, want %d", code, CloseMessageTooBig)
	}
}

// The exercise limits follow the configuration: the welcome tells
// clients the configured ones, and a spec or an agenda over them is
// refused with the field, storing nothing.
func TestLimitExerciseContent(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) {
		c.Exercises.MaxShort, c.Exercises.MaxOptions, c.Exercises.MaxQuestions, c.Exercises.MaxItems = 10, 3, 2, 2
	})
	room, fac := ltFacilitator(t, ts, "Small")
	got := ltWelcomeLimits(t, fac)
	for k, v := range map[string]float64{"maxShortLen": 10, "maxOptions": 3, "maxQuestions": 2, "maxWordEntries": 10, "maxTimerSeconds": 10800} {
		if got[k] != v {
			t.Errorf("welcome limits.%s = %v, want %v (%v)", k, got[k], v, got)
		}
	}
	poll := func(title string, options ...string) map[string]any {
		var opts []any
		for _, o := range options {
			opts = append(opts, map[string]any{"label": o})
		}
		return map[string]any{"spec": map[string]any{"kind": "poll", "title": title, "questions": []any{map[string]any{"kind": "choice", "options": opts}}}}
	}
	ltWantErr(t, fac.cmd("a1", exercises.CmdAgendaAdd, poll("Lunch", "a", "b", "c", "d")), rooms.CodeInvalid, "questions[0].options")
	ltWantErr(t, fac.cmd("a2", exercises.CmdAgendaAdd, poll("Lunch today?", "a", "b")), rooms.CodeTooLong, "title")
	ltWantErr(t, fac.cmd("a3", exercises.CmdAgendaAdd, poll("Lunch", "a", "Sandwiches!")), rooms.CodeTooLong, "questions[0].options[1].label")
	scale := map[string]any{"kind": "scale", "prompt": "?"}
	ltWantErr(t, fac.cmd("a4", exercises.CmdAgendaAdd, map[string]any{"spec": map[string]any{"kind": "survey", "title": "Pulse", "questions": []any{scale, scale, scale}}}), rooms.CodeInvalid, "questions")
	ltAck(t, fac.cmd("a5", exercises.CmdAgendaAdd, poll("Lunch", "a", "b", "c")))
	ltAck(t, fac.cmd("a6", exercises.CmdAgendaAdd, map[string]any{"spec": map[string]any{"kind": "survey", "title": "Pulse", "questions": []any{scale, scale}}}))
	ltWantErr(t, fac.cmd("a7", exercises.CmdAgendaAdd, poll("Third", "a", "b")), rooms.CodeInvalid, "")
	var ex struct {
		Agenda exercises.Agenda `json:"agenda"`
	}
	if err := json.Unmarshal(ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret).Sections["exercises"], &ex); err != nil {
		t.Fatal(err)
	}
	if len(ex.Agenda.Items) != 2 {
		t.Fatalf("agenda %v, want the two exercises within the limits", ex.Agenda.Items)
	}
}

// A connection closed for an oversized message is counted in
// huddle_ws_closes_total{reason="message_too_big"}.
func TestLimitMessageTooBigIsCounted(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.MaxMessageBytes, c.MaxHostMessageBytes = 2048, 2048 })
	_, fac := ltFacilitator(t, ts, "")
	// Let the presence update that follows hello go out first, so no write
	// of ours races the library's 1009 (such a write fails, and the close
	// is then counted as "internal": a separate problem).
	fac.next(func(m msg) bool { return m.Type == "presence" })
	_ = ltWrite(fac, ltSized(t, "over", "Too big", 4096))
	if code := fac.closed(); code != CloseMessageTooBig {
		t.Fatalf("closed with %d, want %d", code, CloseMessageTooBig)
	}
	eventually(t, `huddle_ws_closes_total{reason="message_too_big"} counts the close`, func() bool {
		return counterValue(t, ts.metrics.closes.WithLabelValues("message_too_big")) >= 1
	})
}

// Titles and names over their limits (in characters) or holding control
// characters are refused with too_long / invalid naming the field; the
// connection keeps working and nothing is stored.
func TestLimitTextLength(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.Limits.MaxTitleLen = 10; c.Limits.MaxNameLen = 5 })
	room, fac := ltFacilitator(t, ts, "Old")

	// Room title over the limit: nothing of the command applies, not even
	// its other fields.
	ltWantErr(t, fac.cmd("t1", "room.update", map[string]any{"title": strings.Repeat("x", 11), "showNames": true}), rooms.CodeTooLong, "title")
	ltWantErr(t, fac.cmd("t2", "room.update", map[string]any{"title": "a\x07b"}), rooms.CodeInvalid, "title")
	ltWantErr(t, fac.cmd("t3", "room.update", map[string]any{"title": "   "}), rooms.CodeInvalid, "title")
	if ri := ltInfo(t, ts, room.Room.Code); ri.Title != "Old" || ri.ShowNames {
		t.Fatalf("refused updates changed the room: %+v", ri)
	}
	// Still connected; the limit counts characters, not bytes.
	title := strings.Repeat("é", 10)
	ltAck(t, fac.cmd("t4", "room.update", map[string]any{"title": title}))
	if ri := ltInfo(t, ts, room.Room.Code); ri.Title != title {
		t.Fatalf("title %q, want %q", ri.Title, title)
	}

	// Creating a room with a long title.
	if st, e := ltPost(t, ts, "/api/rooms", CreateRoomRequest{Title: strings.Repeat("x", 11)}); st != http.StatusRequestEntityTooLarge || e.Code != rooms.CodeTooLong || e.Field != "title" {
		t.Fatalf("create with a long title: %d %+v", st, e)
	}

	// Joining with a long name or a control character.
	if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: room.Room.Code, Name: "abcdef"}); st != http.StatusRequestEntityTooLarge || e.Code != rooms.CodeTooLong || e.Field != "name" {
		t.Fatalf("join with a long name: %d %+v", st, e)
	}
	if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: room.Room.Code, Name: "a\x00b"}); st != http.StatusBadRequest || e.Code != rooms.CodeInvalid || e.Field != "name" {
		t.Fatalf("join with a control character: %d %+v", st, e)
	}
	if n := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret).Participants; n != 0 {
		t.Fatalf("refused joins admitted %d participants", n)
	}

	// Renaming.
	j := ts.join(room.Room.Code, "abcde")
	p := ts.dial(t)
	p.hello(j.Room.ID, j.Token, nil)
	ltWantErr(t, p.cmd("r1", "member.rename", map[string]string{"name": "abcdef"}), rooms.CodeTooLong, "name")
	ltWantErr(t, p.cmd("r2", "member.rename", map[string]string{"name": "x\x1by"}), rooms.CodeInvalid, "name")
	snap := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret)
	if names := fmt.Sprint(ltMemberNames(snap)); names != "[Facilitator abcde]" {
		t.Fatalf("members after refused renames: %s", names)
	}
	ltAck(t, p.cmd("r3", "member.rename", map[string]string{"name": "Ann"}))
	// The ack gives the name as stored, so the sender shows what others see.
	m := p.cmd("r4", "member.rename", map[string]string{"name": "  Al\u202eBo "})
	ltAck(t, m)
	if !strings.Contains(string(m.Raw), `"result":{"name":"AlBo"}`) {
		t.Fatalf("rename ack %s, want the cleaned name", m.Raw)
	}
}

// A participant cannot join or rename themselves as the facilitator:
// with names hidden, nothing on a phone would tell their kudos and named
// cards from the facilitator's. Read as people read it, whatever its
// case, spacing, punctuation or width. The facilitator keeps the name.
func TestLimitFacilitatorNameIsTheFacilitators(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "")
	for _, name := range []string{"Facilitator", "FACILITATOR!", " f a c i l i t a t o r ", "\uff26acilitator",
		"F\u0430cilitator", "Facilitat\u03bfr", "Faci1itator", "Facilitat0r", "\u15b4acilitator", "Facilit\u00e1tor"} {
		if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: room.Room.Code, Name: name}); st != http.StatusBadRequest || e.Code != rooms.CodeInvalid || e.Field != "name" {
			t.Errorf("join as %q: %d %+v", name, st, e)
		}
	}
	j := ts.join(room.Room.Code, "Ann")
	p := ts.dial(t)
	p.hello(j.Room.ID, j.Token, nil)
	ltWantErr(t, p.cmd("r1", "member.rename", map[string]string{"name": "Facilitator."}), rooms.CodeInvalid, "name")
	// A name that only contains the word is someone's own.
	ltAck(t, p.cmd("r2", "member.rename", map[string]string{"name": "Facilitators United"}))
	ltAck(t, fac.cmd("f1", "member.rename", map[string]string{"name": "Facilitator"}))
	snap := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret)
	if names := fmt.Sprint(ltMemberNames(snap)); names != "[Facilitator Facilitators United]" {
		t.Fatalf("members: %s", names)
	}
}

// With CommandRate=5 and CommandBurst=5 a quick burst of 20 commands gets
// rate_limited errors marked retry; the connection survives, pings are not
// limited, and a command sent again after a pause is applied.
func TestLimitCommandRate(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.CommandRate, c.CommandBurst = 5, 5 })
	_, fac := ltFacilitator(t, ts, "")
	for i := range 20 {
		fac.send(map[string]any{"type": "room.unlock", "id": fmt.Sprint("r", i)})
	}
	acks := 0
	var limited []string
	for range 20 {
		m := fac.next(func(m msg) bool { return (m.Type == "ack" || m.Type == "error") && strings.HasPrefix(m.ID, "r") })
		if m.Type == "ack" {
			acks++
			continue
		}
		e := ltWantErr(t, m, rooms.CodeRateLimited, "")
		if !e.Retry || !strings.Contains(string(m.Raw), `"retry":true`) {
			t.Fatalf("rate_limited without retry:true: %s", m.Raw)
		}
		limited = append(limited, e.ID)
	}
	if acks < 5 || len(limited) == 0 {
		t.Fatalf("%d acks and %d rate_limited of 20 commands with burst 5", acks, len(limited))
	}
	// Control messages are not commands.
	fac.send(map[string]string{"type": "ping"})
	fac.next(func(m msg) bool { return m.Type == "pong" })

	// After a pause the refused command goes through.
	deadline := time.Now().Add(waitFor)
	for {
		time.Sleep(250 * time.Millisecond)
		m := fac.cmd(limited[0], "room.update", map[string]string{"title": "Later"})
		if m.Type == "ack" {
			break
		}
		ltWantErr(t, m, rooms.CodeRateLimited, "")
		if time.Now().After(deadline) {
			t.Fatal("still rate limited after waiting")
		}
	}
}

// Sustained flooding (50 commands in a row over the limit) closes the
// connection with 1008.
func TestLimitFloodClosesPolicyViolation(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.CommandRate, c.CommandBurst = 5, 5 })
	room, fac := ltFacilitator(t, ts, "")
	sent := 0
flood:
	for i := range 5000 {
		select {
		case <-fac.done:
			break flood
		default:
		}
		if ltWrite(fac, fmt.Sprintf(`{"type":"room.lock","id":"f%d"}`, i)) != nil {
			break
		}
		sent++
	}
	if code := fac.closed(); code != ClosePolicyViolation {
		t.Fatalf("flood of %d commands: closed with %d, want %d", sent, code, ClosePolicyViolation)
	}
	limited := 0
	for _, m := range fac.drain() {
		if m.Type == "error" && m.Code == rooms.CodeRateLimited {
			limited++
		}
	}
	if limited < maxViolations {
		t.Fatalf("closed after %d rate_limited answers, want at least %d", limited, maxViolations)
	}
	// The facilitator is not banned: a new connection works.
	c := ts.dial(t)
	c.hello(room.Room.ID, room.Facilitator.Secret, nil)
	ltAck(t, c.cmd("after", "room.unlock", nil))
}

// Malformed messages get bad_json / bad_message / unknown_type (with the
// id when it could be read); the connection survives and nothing applies.
func TestLimitMalformedMessages(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "Before")
	cases := []struct {
		name, raw string
		code      rooms.Code
		id        string
	}{
		{"truncated", `{"type":"room.update","id":"x1","data":{"title":"T"}`, rooms.CodeBadJSON, ""},
		{"array", `[1]`, rooms.CodeBadJSON, ""},
		{"string", `"x"`, rooms.CodeBadJSON, ""},
		{"number", `5`, rooms.CodeBadJSON, ""},
		{"null", `null`, rooms.CodeBadJSON, ""},
		{"empty", ``, rooms.CodeBadJSON, ""},
		{"trailing garbage", `{"type":"room.update","id":"x2","data":{"title":"T"}} x`, rooms.CodeBadJSON, ""},
		{"missing type", `{"id":"m1","data":{"title":"T"}}`, rooms.CodeBadMessage, "m1"},
		{"empty type", `{"type":"","id":"m2","data":{"title":"T"}}`, rooms.CodeBadMessage, "m2"},
		{"id not a string", `{"type":"room.update","id":5,"data":{"title":"T"}}`, rooms.CodeBadMessage, ""},
		{"type not a string", `{"type":7,"id":"s1"}`, rooms.CodeBadMessage, "s1"},
		{"since not an object", `{"type":"room.update","id":"s2","since":"x","data":{"title":"T"}}`, rooms.CodeBadMessage, "s2"},
		{"data of the wrong shape", `{"type":"room.update","id":"d1","data":{"title":5}}`, rooms.CodeBadMessage, "d1"},
		{"data not an object", `{"type":"room.update","id":"d2","data":"T"}`, rooms.CodeBadMessage, "d2"},
		{"unknown type", `{"type":"room.explode","id":"u1"}`, rooms.CodeUnknownType, "u1"},
		{"overlong type", `{"type":"` + strings.Repeat("z", 65) + `","id":"u2"}`, rooms.CodeUnknownType, "u2"},
	}
	for _, tc := range cases {
		fac.sendRaw(tc.raw)
		e := ltNextErr(t, fac)
		if e.Code != tc.code || e.ID != tc.id {
			t.Errorf("%s: got code %s id %q, want %s id %q", tc.name, e.Code, e.ID, tc.code, tc.id)
		}
	}
	if ri := ltInfo(t, ts, room.Room.Code); ri.Title != "Before" {
		t.Fatalf("a malformed message changed the title to %q", ri.Title)
	}
	ltAck(t, fac.cmd("ok", "room.update", map[string]string{"title": "After"}))
	if ri := ltInfo(t, ts, room.Room.Code); ri.Title != "After" {
		t.Fatalf("title %q", ri.Title)
	}
}

// Every command needs an id of 1 to 64 bytes; without one it is refused
// with bad_message (field id) and not applied.
func TestLimitCommandID(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "Before")
	fac.send(map[string]any{"type": "room.update", "data": map[string]string{"title": "No id"}})
	ltWantErr(t, fac.next(func(m msg) bool { return m.Type == "error" }), rooms.CodeBadMessage, "id")
	ltWantErr(t, fac.cmd("", "room.update", map[string]string{"title": "Empty id"}), rooms.CodeBadMessage, "id")
	long := strings.Repeat("i", 65)
	fac.send(map[string]any{"type": "room.update", "id": long, "data": map[string]string{"title": "Long id"}})
	ltWantErr(t, fac.next(func(m msg) bool { return m.Type == "error" }), rooms.CodeBadMessage, "id")
	if ri := ltInfo(t, ts, room.Room.Code); ri.Title != "Before" {
		t.Fatalf("a command without a valid id changed the title to %q", ri.Title)
	}
	ltAck(t, fac.cmd(strings.Repeat("i", 64), "room.update", map[string]string{"title": "After"}))
	if ri := ltInfo(t, ts, room.Room.Code); ri.Title != "After" {
		t.Fatalf("title %q", ri.Title)
	}
}

// A participant sending facilitator commands gets forbidden and nothing
// changes; the participant stays connected.
func TestLimitParticipantForbidden(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "Keep")
	ann := ts.join(room.Room.Code, "Ann")
	bob := ts.join(room.Room.Code, "Bob")
	p := ts.dial(t)
	p.hello(ann.Room.ID, ann.Token, nil)
	pb := ts.dial(t)
	pb.hello(bob.Room.ID, bob.Token, nil)

	cmds := []struct {
		typ  string
		data any
	}{
		{"room.lock", nil},
		{"room.end", nil},
		{"room.update", map[string]any{"title": "Mine", "showNames": true}},
		{"member.remove", map[string]string{"member": bob.Member.ID}},
		{"member.remove", map[string]string{"member": room.Facilitator.ID}},
	}
	for i, c := range cmds {
		ltWantErr(t, p.cmd(fmt.Sprint("f", i), c.typ, c.data), rooms.CodeForbidden, "")
	}
	// Unlock too (after the facilitator locks).
	ltAck(t, fac.cmd("lock", "room.lock", nil))
	ltWantErr(t, p.cmd("f-unlock", "room.unlock", nil), rooms.CodeForbidden, "")

	ri := ltInfo(t, ts, room.Room.Code)
	if ri.Ended || !ri.Locked || ri.Title != "Keep" || ri.ShowNames {
		t.Fatalf("forbidden commands changed the room: %+v", ri)
	}
	snap := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret)
	if snap.Participants != 2 || fmt.Sprint(ltMemberNames(snap)) != "[Facilitator Ann Bob]" {
		t.Fatalf("forbidden commands changed the members: %d %v", snap.Participants, ltMemberNames(snap))
	}
	// Both participants are still connected.
	ltAck(t, p.cmd("ok", "member.rename", map[string]string{"name": "Annie"}))
	ltAck(t, pb.cmd("ok", "member.rename", map[string]string{"name": "Bobby"}))
}

// A command before hello is answered with an error and the connection is
// closed with 1008; ping before hello is fine.
func TestLimitCommandBeforeHello(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room := ts.createRoom("")

	early := ts.dial(t)
	early.send(map[string]string{"type": "ping"})
	early.next(func(m msg) bool { return m.Type == "pong" })
	early.hello(room.Room.ID, room.Facilitator.Secret, nil)

	c := ts.dial(t)
	c.send(map[string]any{"type": "room.lock", "id": "early"})
	e := ltNextErr(t, c)
	if e.Code != rooms.CodeBadMessage || e.ID != "early" {
		t.Fatalf("command before hello answered %+v", e)
	}
	if code := c.closed(); code != ClosePolicyViolation {
		t.Fatalf("closed with %d, want %d", code, ClosePolicyViolation)
	}
	if ltInfo(t, ts, room.Room.Code).Locked {
		t.Fatal("room locked")
	}
}

// A second hello is refused with already_hello; the connection stays in
// its first room as its first member.
func TestLimitHelloTwice(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "First")
	other := ts.createRoom("Other")
	fac.send(map[string]any{"type": "hello", "room": other.Room.ID, "token": other.Facilitator.Secret})
	if e := ltNextErr(t, fac); e.Code != rooms.CodeAlreadyHello {
		t.Fatalf("second hello answered %+v", e)
	}
	ltAck(t, fac.cmd("u", "room.update", map[string]string{"title": "Changed"}))
	if ri := ltInfo(t, ts, room.Room.Code); ri.Title != "Changed" {
		t.Fatalf("first room title %q", ri.Title)
	}
	if ri := ltInfo(t, ts, other.Room.Code); ri.Title != "Other" {
		t.Fatalf("the second hello switched rooms: other room title %q", ri.Title)
	}
}

// A binary message closes the connection with 1003 and is not applied.
func TestLimitBinaryMessage(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "")
	_ = fac.ws.Write(context.Background(), websocket.MessageBinary, []byte(`{"type":"room.lock","id":"bin"}`))
	if code := fac.closed(); code != CloseUnsupportedData {
		t.Fatalf("closed with %d, want %d", code, CloseUnsupportedData)
	}
	if ltInfo(t, ts, room.Room.Code).Locked {
		t.Fatal("the binary message was applied")
	}
}

// A hello with an unknown, empty, foreign or overlong token, or an unknown
// room, gets bad_token and close 4001.
func TestLimitHelloBadToken(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room := ts.createRoom("")
	other := ts.createRoom("")
	cases := []struct{ name, room, token string }{
		{"unknown token", room.Room.ID, "not-a-token"},
		{"empty token", room.Room.ID, ""},
		{"unknown room", "no-such-room", room.Facilitator.Secret},
		{"empty room", "", room.Facilitator.Secret},
		{"token of another room", room.Room.ID, other.Facilitator.Secret},
		{"overlong token", room.Room.ID, strings.Repeat("t", 300)},
	}
	for _, tc := range cases {
		e, code := ltHelloRefused(t, ts, tc.room, tc.token)
		if e.Code != rooms.CodeBadToken || code != CloseBadToken {
			t.Errorf("%s: error %+v, close %d; want bad_token, %d", tc.name, e, code, CloseBadToken)
		}
	}
	// The real secret still works.
	c := ts.dial(t)
	c.hello(room.Room.ID, room.Facilitator.Secret, nil)
}

// A removed participant is closed with 4002 (the facilitator gets
// member.removed, others see the count drop); it cannot reconnect (4002)
// or join again with its token (403 removed).
func TestLimitRemovedParticipant(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "")
	ann := ts.join(room.Room.Code, "Ann")
	bob := ts.join(room.Room.Code, "Bob")
	pa := ts.dial(t)
	pa.hello(ann.Room.ID, ann.Token, nil)
	pb := ts.dial(t)
	pb.hello(bob.Room.ID, bob.Token, nil)
	if n := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret).Participants; n != 2 {
		t.Fatalf("participants %d before removal", n)
	}

	fac.send(map[string]any{"type": "member.remove", "id": "rm", "data": map[string]string{"member": ann.Member.ID}})
	if ev := fac.event("member.removed"); !strings.Contains(string(ev.Data), ann.Member.ID) {
		t.Fatalf("member.removed %s", ev.Raw)
	}
	if code := pa.closed(); code != CloseRemoved {
		t.Fatalf("removed participant closed with %d, want %d", code, CloseRemoved)
	}
	// The others see the count drop and stay connected.
	pb.next(func(m msg) bool {
		var p rooms.PresenceMsg
		return m.Type == "presence" && json.Unmarshal(m.Raw, &p) == nil && p.Participants == 1
	})
	ltAck(t, pb.cmd("still", "member.rename", map[string]string{"name": "Bobby"}))

	if e, code := ltHelloRefused(t, ts, ann.Room.ID, ann.Token); e.Code != rooms.CodeRemoved || code != CloseRemoved {
		t.Fatalf("reconnect of a removed participant: %+v close %d", e, code)
	}
	if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: room.Room.Code, Token: ann.Token, Name: "Ann again"}); st != http.StatusForbidden || e.Code != rooms.CodeRemoved {
		t.Fatalf("join with a removed token: %d %+v", st, e)
	}
	snap := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret)
	if snap.Participants != 1 || fmt.Sprint(ltMemberNames(snap)) != "[Facilitator Bobby]" {
		t.Fatalf("after removal: participants %d members %v", snap.Participants, ltMemberNames(snap))
	}
	// Removing again changes nothing.
	ltAck(t, fac.cmd("rm2", "member.remove", map[string]string{"member": ann.Member.ID}))
	if n := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret).Participants; n != 1 {
		t.Fatalf("second removal: participants %d", n)
	}
	// The facilitator cannot be removed.
	ltWantErr(t, fac.cmd("rm3", "member.remove", map[string]string{"member": room.Facilitator.ID}), rooms.CodeInvalid, "member")
}

// room.end closes every connection with 4003 after room.ended; later
// hellos get room_ended and 4003 (after a final welcome) and joins 410
// room_ended.
func TestLimitRoomEnded(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "")
	ann := ts.join(room.Room.Code, "Ann")
	pa := ts.dial(t)
	pa.hello(ann.Room.ID, ann.Token, nil)

	fac.send(map[string]any{"type": "room.end", "id": "end"})
	pa.event("room.ended")
	for who, c := range map[string]*client{"facilitator": fac, "participant": pa} {
		if code := c.closed(); code != CloseRoomEnded {
			t.Errorf("%s closed with %d, want %d", who, code, CloseRoomEnded)
		}
	}
	if ri := ltInfo(t, ts, room.Room.Code); !ri.Ended || !ri.Locked {
		t.Fatalf("room after end %+v", ri)
	}
	// The facilitator and a participant get a final welcome first
	// (ended_welcome_test.go).
	for who, tok := range map[string]string{"facilitator": room.Facilitator.Secret, "participant": ann.Token} {
		pc := ts.dial(t)
		pc.send(map[string]any{"type": "hello", "room": room.Room.ID, "token": tok})
		if e := ltErr(t, pc.next(func(m msg) bool { return m.Type == "error" })); e.Code != rooms.CodeRoomEnded {
			t.Errorf("%s hello after end: %+v", who, e)
		}
		if code := pc.closed(); code != CloseRoomEnded {
			t.Errorf("%s hello after end: close %d", who, code)
		}
	}
	if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: room.Room.Code, Name: "Late"}); st != http.StatusGone || e.Code != rooms.CodeRoomEnded {
		t.Fatalf("join after end: %d %+v", st, e)
	}
	if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: room.Room.Code, Token: ann.Token}); st != http.StatusGone || e.Code != rooms.CodeRoomEnded {
		t.Fatalf("rejoin after end: %d %+v", st, e)
	}
}

// A locked room refuses newcomers (409 room_locked) but lets a returning
// participant in with its token; unlocking admits newcomers again.
func TestLimitLockedRoom(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "")
	ann := ts.join(room.Room.Code, "Ann")
	ltAck(t, fac.cmd("lock", "room.lock", nil))
	if !ltInfo(t, ts, room.Room.Code).Locked {
		t.Fatal("room not locked")
	}
	if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: room.Room.Code, Name: "New"}); st != http.StatusConflict || e.Code != rooms.CodeRoomLocked {
		t.Fatalf("join of a locked room: %d %+v", st, e)
	}
	var again JoinResponse
	if st := ts.post("/api/join", JoinRequest{Code: room.Room.Code, Token: ann.Token}, &again); st != http.StatusOK || again.Member.ID != ann.Member.ID || again.Token != ann.Token {
		t.Fatalf("returning participant in a locked room: %d %+v", st, again)
	}
	p := ts.dial(t)
	p.hello(ann.Room.ID, ann.Token, nil)
	if n := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret).Participants; n != 1 {
		t.Fatalf("participants %d while locked", n)
	}
	ltAck(t, fac.cmd("unlock", "room.unlock", nil))
	ts.join(room.Room.Code, "New")
}

// MaxParticipants=2: the third join is 409 room_full; a returning
// participant does not count twice; a removal frees a place.
func TestLimitParticipantLimit(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.Limits.MaxParticipants = 2 })
	room, fac := ltFacilitator(t, ts, "")
	a := ts.join(room.Room.Code, "A")
	ts.join(room.Room.Code, "B")
	if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: room.Room.Code, Name: "C"}); st != http.StatusConflict || e.Code != rooms.CodeRoomFull {
		t.Fatalf("third join: %d %+v", st, e)
	}
	var again JoinResponse
	if st := ts.post("/api/join", JoinRequest{Code: room.Room.Code, Token: a.Token}, &again); st != http.StatusOK || again.Member.ID != a.Member.ID {
		t.Fatalf("returning participant in a full room: %d", st)
	}
	if n := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret).Participants; n != 2 {
		t.Fatalf("participants %d", n)
	}
	ltAck(t, fac.cmd("rm", "member.remove", map[string]string{"member": a.Member.ID}))
	ts.join(room.Room.Code, "C")
	if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: room.Room.Code, Name: "D"}); st != http.StatusConflict || e.Code != rooms.CodeRoomFull {
		t.Fatalf("join past the limit after a removal: %d %+v", st, e)
	}
}

// The look-up of a room says it is full exactly when a join would be
// refused as room_full, on the embedded store and on Redis: not below the
// limit, nor for the facilitator's test participant (who is in no count),
// nor for a returning participant; and no longer once someone is removed.
// A locked or ended room is never said full: a join is refused for that
// first, and the look-up tells no more than joining does.
func TestLimitLookUpSaysFull(t *testing.T) {
	for name, mod := range map[string]func(*Config){
		"memory": nil,
		"redis":  func(c *Config) { c.RedisURL = redistest.Start(t) },
	} {
		t.Run(name, func(t *testing.T) {
			ts := startServer(t, func(c *Config) {
				c.Limits.MaxParticipants = 2
				if mod != nil {
					mod(c)
				}
			})
			room, fac := ltFacilitator(t, ts, "")
			code := room.Room.Code
			// Full, and a join at the same moment is refused as full.
			full := func(when string) {
				t.Helper()
				st, body := ts.get("/api/rooms/" + code)
				var ri RoomInfo
				if st != http.StatusOK || json.Unmarshal([]byte(body), &ri) != nil || !ri.Full {
					t.Fatalf("look-up %s: %d %s; want full", when, st, body)
				}
				if st, e := ltPost(t, ts, "/api/join", JoinRequest{Code: code, Name: "Probe"}); st != http.StatusConflict || e.Code != rooms.CodeRoomFull {
					t.Fatalf("join %s: %d %+v; the look-up said full", when, st, e)
				}
			}
			// Not full: "full" absent (not false), and the rest of the
			// answer holds want.
			notFull := func(when, want string) {
				t.Helper()
				st, body := ts.get("/api/rooms/" + code)
				if st != http.StatusOK || strings.Contains(body, `"full"`) || !strings.Contains(body, want) {
					t.Fatalf("look-up %s: %d %s; want no full and %s", when, st, body, want)
				}
			}
			notFull("of an empty room", `"locked":false`)
			a := ts.join(code, "A")
			notFull("with one of two places taken", `"locked":false`)
			ts.join(code, "B")
			full("with two of two")
			// A test participant and a returning participant take no place.
			if st, _ := ltPost(t, ts, "/api/join", JoinRequest{Code: code, Preview: true}, "Authorization", "Bearer "+room.Facilitator.Secret); st != http.StatusOK {
				t.Fatalf("preview: %d", st)
			}
			if st := ts.post("/api/join", JoinRequest{Code: code, Token: a.Token}, nil); st != http.StatusOK {
				t.Fatalf("returning participant: %d", st)
			}
			full("with a preview and a return")
			ltAck(t, fac.cmd("l", rooms.CmdRoomLock, nil))
			notFull("of a full room locked", `"locked":true`)
			ltAck(t, fac.cmd("u", rooms.CmdRoomUnlock, nil))
			full("unlocked again")
			ltAck(t, fac.cmd("rm", rooms.CmdMemberRemove, map[string]string{"member": a.Member.ID}))
			notFull("after a removal", `"locked":false`)
			ts.join(code, "C")
			full("with the freed place taken")
			ltAck(t, fac.cmd("e", rooms.CmdRoomEnd, nil))
			notFull("of a full room ended", `"ended":true`)
		})
	}
}

// MaxRooms=1: the second room is refused with 503 too_many_rooms.
func TestLimitRoomLimit(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.Limits.MaxRooms = 1 })
	ts.createRoom("One")
	if st, e := ltPost(t, ts, "/api/rooms", CreateRoomRequest{Title: "Two"}); st != http.StatusServiceUnavailable || e.Code != rooms.CodeTooManyRooms {
		t.Fatalf("second room: %d %+v", st, e)
	}
	if n, err := ts.Service().Store().CountRooms(t.Context()); err != nil || n != 1 {
		t.Fatalf("rooms held: %d %v", n, err)
	}
}

// With a host key, creating a room needs "Authorization: Bearer <key>";
// joining does not.
func TestLimitHostKey(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.HostKey = "k" })
	if st, e := ltPost(t, ts, "/api/rooms", CreateRoomRequest{}); st != http.StatusUnauthorized || e.Code != rooms.CodeHostKey {
		t.Fatalf("no key: %d %+v", st, e)
	}
	if st, e := ltPost(t, ts, "/api/rooms", CreateRoomRequest{}, "Authorization", "Bearer wrong"); st != http.StatusUnauthorized || e.Code != rooms.CodeHostKey {
		t.Fatalf("wrong key: %d %+v", st, e)
	}
	if st, e := ltPost(t, ts, "/api/rooms", CreateRoomRequest{}, "Authorization", "Bearer "); st != http.StatusUnauthorized || e.Code != rooms.CodeHostKey {
		t.Fatalf("empty key: %d %+v", st, e)
	}
	if st, e := ltPost(t, ts, "/api/rooms", CreateRoomRequest{}, "Authorization", "k"); st != http.StatusUnauthorized || e.Code != rooms.CodeHostKey {
		t.Fatalf("key without the Bearer scheme: %d %+v", st, e)
	}
	if n, _ := ts.Service().Store().CountRooms(t.Context()); n != 0 {
		t.Fatalf("refused creations made %d rooms", n)
	}
	var out CreateRoomResponse
	if st := ts.post("/api/rooms", CreateRoomRequest{Title: "Keyed"}, &out, "Authorization", "Bearer k"); st != http.StatusCreated || out.Room.Code == "" {
		t.Fatalf("right key: %d %+v", st, out)
	}
	ts.join(out.Room.Code, "Ann")
}

// Bad HTTP bodies and codes: invalid JSON 400 bad_json, wrong types 400
// bad_message, a body over MaxMessageBytes 413 too_long, an unknown or
// malformed code 404 not_found; none of them stores anything.
func TestLimitHTTPBodies(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room := ts.createRoom("")
	big := `{"name":"` + strings.Repeat("x", DefaultConfig().MaxMessageBytes) + `","code":"` + room.Room.Code + `"}`
	cases := []struct {
		name, path string
		body       any
		status     int
		code       rooms.Code
	}{
		{"join invalid JSON", "/api/join", `{"code":`, 400, rooms.CodeBadJSON},
		{"join not an object", "/api/join", `[1]`, 400, rooms.CodeBadMessage},
		{"join code not a string", "/api/join", `{"code":5}`, 400, rooms.CodeBadMessage},
		{"join body too big", "/api/join", big, 413, rooms.CodeTooLong},
		{"join unknown code", "/api/join", JoinRequest{Code: "ZZZZZZ", Name: "A"}, 404, rooms.CodeNotFound},
		{"join malformed code", "/api/join", JoinRequest{Code: "0O1I", Name: "A"}, 404, rooms.CodeNotFound},
		{"join look-alike letters", "/api/join", JoinRequest{Code: "0O1IL0", Name: "A"}, 404, rooms.CodeNotFound},
		{"join empty body", "/api/join", nil, 404, rooms.CodeNotFound},
		{"create invalid JSON", "/api/rooms", `{"title"`, 400, rooms.CodeBadJSON},
		{"create title not a string", "/api/rooms", `{"title":["x"]}`, 400, rooms.CodeBadMessage},
		{"create body too big", "/api/rooms", big, 413, rooms.CodeTooLong},
		{"unknown API route", "/api/nothing", `{}`, 404, rooms.CodeNotFound},
	}
	for _, tc := range cases {
		st, e := ltPost(t, ts, tc.path, tc.body)
		if st != tc.status || e.Code != tc.code {
			t.Errorf("%s: %d %+v, want %d %s", tc.name, st, e, tc.status, tc.code)
		}
	}
	for _, code := range []string{"0O1I", "ZZZZZZ", "abc"} {
		if st, _ := ts.get("/api/rooms/" + code); st != http.StatusNotFound {
			t.Errorf("room info %q: %d", code, st)
		}
	}
	if n, _ := ts.Service().Store().CountRooms(t.Context()); n != 1 {
		t.Fatalf("refused requests made rooms: %d", n)
	}
	if n := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret).Participants; n != 0 {
		t.Fatalf("refused joins admitted %d participants", n)
	}
}

// A WebSocket from a foreign origin is refused with 403 unless the origin
// is allowed; the server's own origin is always allowed.
func TestLimitOrigin(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	evil := &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://evil.example"}}}
	if _, resp, err := ltDial(t, ts, evil); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: err %v resp %v", err, resp)
	}
	same := &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://" + ts.Addr()}}}
	if _, _, err := ltDial(t, ts, same); err != nil {
		t.Fatalf("own origin refused: %v", err)
	}

	allowed := startServer(t, func(c *Config) { c.AllowedOrigins = []string{"evil.example"} })
	c, _, err := ltDial(t, allowed, evil)
	if err != nil {
		t.Fatalf("allowed origin refused: %v", err)
	}
	room := allowed.createRoom("")
	c.hello(room.Room.ID, room.Facilitator.Secret, nil)
	other := &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://other.example"}}}
	if _, resp, err := ltDial(t, allowed, other); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("origin not in the allowed list: err %v", err)
	}
}

// A connection that says nothing is closed with 1008 after HelloTimeout;
// one that said hello stays.
func TestLimitHelloTimeout(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.HelloTimeout = 300 * time.Millisecond })
	room := ts.createRoom("")
	polite := ts.dial(t)
	polite.hello(room.Room.ID, room.Facilitator.Secret, nil)
	silent := ts.dial(t)
	if code := silent.closed(); code != ClosePolicyViolation {
		t.Fatalf("silent connection closed with %d, want %d", code, ClosePolicyViolation)
	}
	ltAck(t, polite.cmd("still", "room.unlock", nil))
}

// Heartbeat: the server pings; a client answering pong stays connected
// past many heartbeats, a silent one is closed with 4004; a client ping is
// answered with pong.
func TestLimitHeartbeat(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.Heartbeat = 250 * time.Millisecond })
	room := ts.createRoom("")
	silent := ts.dial(t)
	silent.hello(room.Room.ID, room.Facilitator.Secret, nil)
	chatty := ts.dial(t)
	chatty.hello(room.Room.ID, room.Facilitator.Secret, nil)

	pings := 0
	for start := time.Now(); time.Since(start) < 1500*time.Millisecond; {
		chatty.next(func(m msg) bool { return m.Type == "ping" })
		pings++
		chatty.send(map[string]string{"type": "pong"})
	}
	if pings < 2 {
		t.Fatalf("%d pings in 1.5s with a 250ms heartbeat", pings)
	}
	if code := silent.closed(); code != CloseHeartbeatTimeout {
		t.Fatalf("silent client closed with %d, want %d", code, CloseHeartbeatTimeout)
	}
	select {
	case <-chatty.done:
		t.Fatalf("a client answering pings was closed: %v", chatty.err)
	default:
	}
	ltAck(t, chatty.cmd("alive", "room.unlock", nil))
	chatty.send(map[string]string{"type": "ping"})
	chatty.next(func(m msg) bool { return m.Type == "pong" })
}

// At MaxConnections a new WebSocket is refused with 503 too_many_clients;
// a closed connection frees its place.
func TestLimitMaxConnections(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.MaxConnections = 1 })
	first := ts.dial(t)
	eventually(t, "the first connection is counted", func() bool { return counterValue(t, ts.metrics.connections) == 1 })
	_, resp, err := ltDial(t, ts, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("second connection: err %v resp %v", err, resp)
	}
	body, _ := io.ReadAll(resp.Body)
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Error.Code != rooms.CodeTooManyClients {
		t.Fatalf("refusal body %s", body)
	}
	first.close()
	eventually(t, "the first connection is released", func() bool { return counterValue(t, ts.metrics.connections) == 0 })
	room := ts.createRoom("")
	c := ts.dial(t)
	c.hello(room.Room.ID, room.Facilitator.Secret, nil)
}

// /metrics exposes connections, commands by type and result, evictions and
// fan-out latency, with no room ids, codes or unknown type names; /healthz
// and /readyz answer 200.
func TestLimitMetricsAndHealth(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "")
	ltAck(t, fac.cmd("u", "room.update", map[string]string{"title": "T"}))
	fac.sendRaw("{")
	ltNextErr(t, fac)
	ltWantErr(t, fac.cmd("x", "secret.room.type", nil), rooms.CodeUnknownType, "")

	var body string
	eventually(t, "fan-out latency observed", func() bool {
		var st int
		st, body = ts.get("/metrics")
		m := regexp.MustCompile(`(?m)^huddle_fanout_latency_seconds_count (\d+)$`).FindStringSubmatch(body)
		if st != http.StatusOK || m == nil {
			return false
		}
		n, _ := strconv.Atoi(m[1])
		return n >= 1
	})
	for _, want := range []string{
		`(?m)^huddle_connections 1$`,
		`(?m)^huddle_commands_total\{result="ok",type="room.update"\} 1$`,
		`(?m)^huddle_commands_total\{result="bad_json",type="invalid"\} 1$`,
		`(?m)^huddle_commands_total\{result="unknown_type",type="unknown"\} 1$`,
		`(?m)^huddle_send_queue_evictions_total 0$`,
		`(?m)^huddle_fanout_latency_seconds_bucket\{le="\+Inf"\} \d+$`,
		`(?m)^huddle_rooms_created_total 1$`,
	} {
		if !regexp.MustCompile(want).MatchString(body) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, leak := range []string{room.Room.ID, room.Room.Code, room.Facilitator.Secret, "secret.room.type"} {
		if strings.Contains(body, leak) {
			t.Errorf("metrics contain %q", leak)
		}
	}
	if st, b := ts.get("/healthz"); st != http.StatusOK || !strings.Contains(b, "ok") {
		t.Errorf("healthz %d %s", st, b)
	}
	if st, b := ts.get("/readyz"); st != http.StatusOK || !strings.Contains(b, "ready") {
		t.Errorf("readyz %d %s", st, b)
	}
}

// A room whose board is bigger than a connection's whole send queue (a
// retro of long cards) can still be joined and followed: a message over
// the bound is taken by an empty queue instead of closing every phone
// that joins, the facilitator included, as a slow client.
func TestBoardBiggerThanSendQueue(t *testing.T) {
	const bound = 16 << 10
	ts := startServer(t, func(c *Config) {
		c.MaxFrameBytes, c.SendQueueBytes = bound, bound
		c.CommandRate, c.CommandBurst = 1000, 1000
	})
	room := ts.createRoom("Long cards")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	r := &bdRunner{t: t}
	ex := bdAddOpen(r, fac, map[string]any{"kind": "retro", "title": "Big board"})
	r.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": ex, "phase": exercises.PhaseReveal})
	ann := bdJoin(t, ts, room.Room.Code, "Ann")
	text := strings.Repeat("<", 400) // 2,400 bytes once escaped in JSON
	for i := range 12 {
		r.ok(ann.c, exercises.CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "start", "text": fmt.Sprint(i, text)})
		// Each card's event read before the next is sent: twelve events of
		// 2.4 KB queued for a reader slowed down (the race detector, a busy
		// machine) are more than the 16 KB queue, and the eviction that
		// follows is the bound working, not what this test is about.
		for _, c := range []*client{fac, ann.c} {
			bdWait(c, "card shown", func(m msg) bool {
				return m.Ev == exercises.EvRetroCardShown && strings.Contains(string(m.Data), fmt.Sprintf(`"%d\u003c`, i))
			})
		}
	}
	key := "ex:" + ex
	big := func(m msg) bool {
		return m.Type == "state" && m.Ev == "" && len(m.Raw) > bound && strings.Contains(string(m.Raw), key)
	}
	bdWait(fac, "the whole board, bigger than the send queue", big)

	// Newcomers, a facilitator's second tab and a participant, get their
	// welcome, which holds the whole board, and stay connected.
	fac2 := ts.dial(t)
	fac2.hello(room.Room.ID, room.Facilitator.Secret, nil)
	bob := bdJoin(t, ts, room.Room.Code, "Bob")
	for _, c := range []*client{fac2, bob.c} {
		bdWait(c, "a welcome with the whole board", func(m msg) bool {
			return m.Type == "welcome" && len(m.Raw) > bound && strings.Contains(string(m.Raw), `"11\u003c\u003c`)
		})
	}
	r.ok(bob.c, exercises.CmdRetroCardAdd, map[string]any{"exercise": ex, "column": "stop", "text": "one more"})
	for _, c := range []*client{fac, fac2, ann.c, bob.c} {
		bdWait(c, "the card after", func(m msg) bool {
			return m.Ev == exercises.EvRetroCardShown && strings.Contains(string(m.Data), "one more")
		})
	}
	if n := counterValue(t, ts.metrics.evictions); n != 0 {
		t.Fatalf("%v slow-client evictions", n)
	}
}

// With the default floor (min-responses 3), a facilitator cannot make an
// anonymous vote show results to fewer people; the welcome says the
// floor, so the console's form can.
func TestMinResponsesFloorServer(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Exercises.MinAnonymous = DefaultConfig().Exercises.MinAnonymous })
	room := ts.createRoom("Floor")
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	if got := ltWelcomeLimits(t, fac)["minResponses"]; got != 3 {
		t.Fatalf("welcome minResponses %v", got)
	}
	spec := map[string]any{"kind": "poll", "title": "Lunch?", "minResponses": 1, "questions": []any{map[string]any{
		"kind": "choice", "options": []any{map[string]any{"label": "Soup"}, map[string]any{"label": "Salad"}}}}}
	if m := fac.cmd("a", "agenda.add", map[string]any{"spec": spec}); m.Code != rooms.CodeInvalid || !strings.Contains(string(m.Raw), `"field":"minResponses"`) {
		t.Fatalf("anonymous poll under the floor: %s", m.Raw)
	}
	spec["anonymous"] = false
	if m := fac.cmd("b", "agenda.add", map[string]any{"spec": spec}); m.Type != "ack" {
		t.Fatalf("named poll with minResponses 1: %s", m.Raw)
	}
}

// ltPing checks that c is alive: a ping is answered.
func ltPing(t *testing.T, c *client) {
	t.Helper()
	c.send(map[string]string{"type": "ping"})
	c.next(func(m msg) bool { return m.Type == "pong" })
}

// ltReplaced waits for c's close and checks it is 4006 replaced.
func ltReplaced(t *testing.T, c *client, what string) {
	t.Helper()
	if code := c.closed(); code != CloseReplaced {
		t.Fatalf("%s closed with %d (%v), want %d replaced", what, code, c.err, CloseReplaced)
	}
	var ce websocket.CloseError
	if !errors.As(c.err, &ce) || ce.Reason != "replaced" {
		t.Fatalf("%s closed with reason %v, want replaced", what, c.err)
	}
}

// One participant's token cannot take every place of a node: a token's
// connection past max-member-connections in a room closes its oldest
// there with 4006 replaced, and the newest always gets in (a phone whose
// old sockets are half dead is never locked out by them). However many
// times it connects, the node keeps room for everyone else: another
// participant and the facilitator connect. The facilitator's console is
// held to the same limit, and its projector views count apart from it.
// On the embedded store and on Redis.
func TestLimitMemberConnections(t *testing.T) {
	t.Parallel()
	const limit, places = 3, 12
	for name, mod := range map[string]func(*Config){
		"memory": nil,
		"redis":  func(c *Config) { c.RedisURL = redistest.Start(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t, func(c *Config) {
				c.MaxMemberConns = limit
				c.MaxConnections = places
				if mod != nil {
					mod(c)
				}
			})
			room, fac := ltFacilitator(t, ts, "")
			ann := ts.join(room.Room.Code, "Ann")
			var tabs []*client
			open := func() *client {
				c := ts.dial(t)
				c.hello(ann.Room.ID, ann.Token, nil)
				tabs = append(tabs, c)
				return c
			}
			for range limit {
				open()
			}
			open() // limit+1: the first goes
			ltReplaced(t, tabs[0], "Ann's oldest connection")
			for i, c := range tabs[1:] {
				if c.err != nil {
					t.Fatalf("Ann's connection %d ended: %v", i+1, c.err)
				}
				ltPing(t, c)
			}
			// Twice as many as the node has places, one after another:
			// each replaces the oldest, and the node never fills.
			for range 2 * places {
				open()
				ltReplaced(t, tabs[len(tabs)-limit-1], fmt.Sprintf("Ann's connection %d", len(tabs)-limit-1))
			}
			for _, c := range tabs[len(tabs)-limit:] {
				ltPing(t, c)
			}
			// Counted once the node has closed its side, which may come
			// after the phone has read the close.
			eventually(t, fmt.Sprintf("%d closes counted as replaced", len(tabs)-limit), func() bool {
				return counterValue(t, ts.metrics.closes.WithLabelValues("replaced")) == float64(len(tabs)-limit)
			})
			eventually(t, "the replaced connections' places freed", func() bool {
				return counterValue(t, ts.metrics.connections) == 1+limit
			})
			// Everyone else still gets in.
			bob := ts.join(room.Room.Code, "Bob")
			ts.dial(t).hello(bob.Room.ID, bob.Token, nil)
			again := ts.dial(t)
			again.hello(room.Room.ID, room.Facilitator.Secret, nil)
			ltAck(t, again.cmd("u", "room.update", map[string]string{"title": "Still mine"}))

			// The facilitator's console: the same limit. fac and again
			// are two; two more replace fac.
			consoles := []*client{fac, again}
			for range 2 {
				c := ts.dial(t)
				c.hello(room.Room.ID, room.Facilitator.Secret, nil)
				consoles = append(consoles, c)
			}
			ltReplaced(t, fac, "the facilitator's oldest console")
			// Its projector views count apart: as many as the limit
			// leave every console open, and one more replaces the
			// oldest view, not a console.
			var views []*client
			for range limit + 1 {
				v := ts.dial(t)
				v.send(map[string]any{"type": "hello", "room": room.Room.ID, "token": room.Facilitator.Secret, "view": "projector"})
				v.next(func(m msg) bool { return m.Type == "welcome" })
				views = append(views, v)
			}
			ltReplaced(t, views[0], "the oldest projector view")
			for _, c := range append(consoles[1:], views[1:]...) {
				ltPing(t, c)
			}
		})
	}
}

// A projector view opened with the facilitator's secret is nobody in
// presence: closing it leaves the facilitator's console online. (It took
// one off the facilitator's connections, and the console showed offline
// to everyone while it was connected.)
func TestProjectorLeavesFacilitatorOnline(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	room, fac := ltFacilitator(t, ts, "")
	view := ts.dial(t)
	view.send(map[string]any{"type": "hello", "room": room.Room.ID, "token": room.Facilitator.Secret, "view": "projector"})
	view.next(func(m msg) bool { return m.Type == "welcome" })
	view.close()
	eventually(t, "the view's connection ended", func() bool { return counterValue(t, ts.metrics.connections) == 1 })
	// Ann coming is the next presence change the console is told of:
	// nothing before it may say the facilitator left.
	ann := ts.join(room.Room.Code, "Ann")
	ts.dial(t).hello(ann.Room.ID, ann.Token, nil)
	for {
		m := fac.next(func(m msg) bool { return m.Type == "presence" })
		var p rooms.PresenceMsg
		if err := json.Unmarshal(m.Raw, &p); err != nil {
			t.Fatal(err)
		}
		annOnline := false
		for _, v := range p.Members {
			if v.ID == room.Facilitator.ID && !v.Online {
				t.Fatalf("the facilitator shown offline after its projector view closed: %s", m.Raw)
			}
			annOnline = annOnline || v.ID == ann.Member.ID && v.Online
		}
		if annOnline {
			return
		}
	}
}

// ltRaw opens a plain TCP connection to the node, for requests written by
// hand.
func ltRaw(t *testing.T, ts *testServer) (net.Conn, *bufio.Reader) {
	t.Helper()
	nc, err := net.Dial("tcp", ts.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return nc, bufio.NewReader(nc)
}

// ltTrickle writes body to nc a byte at a time, every 20 ms, until the
// body is sent or the node stops taking it; done is closed then.
func ltTrickle(nc net.Conn, body string) (done chan struct{}) {
	done = make(chan struct{})
	go func() {
		defer close(done)
		for i := range len(body) {
			if _, err := nc.Write([]byte{body[i]}); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return done
}

// A request body that does not arrive within request-body-timeout is cut
// off, however steadily it trickles: the handler answers 408
// body_timeout and the connection is closed (what is left of the body
// must not be read as a request), also when the handler refused it
// before reading it. A body that arrives in time, and the next request
// on the same connection after a pause longer than the timeout, are
// served; so is a WebSocket held open well past it.
func TestLimitSlowRequestBody(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	ts := startServer(t, func(c *Config) { c.BodyTimeout = timeout; c.HostKey = "k" })
	var room CreateRoomResponse
	if st := ts.post("/api/rooms", CreateRoomRequest{}, &room, "Authorization", "Bearer k"); st != http.StatusCreated {
		t.Fatalf("create room: %d", st)
	}
	join := `{"code":"` + room.Room.Code + `","name":"Slow"}`
	// Ten times longer than the timeout, a byte every 20 ms.
	slow := join + strings.Repeat(" ", int(10*timeout/(20*time.Millisecond)))
	cutOff := func(path string, want int, code rooms.Code) {
		t.Helper()
		nc, br := ltRaw(t, ts)
		fmt.Fprintf(nc, "POST %s HTTP/1.1\r\nHost: huddle\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, len(slow))
		done := ltTrickle(nc, slow)
		_ = nc.SetReadDeadline(time.Now().Add(waitFor))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s: no answer to a slow body: %v", path, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e apiError
		if resp.StatusCode != want || json.Unmarshal(raw, &e) != nil || e.Error.Code != code {
			t.Fatalf("%s: a slow body answered %d %s, want %d %s", path, resp.StatusCode, raw, want, code)
		}
		if !resp.Close {
			t.Errorf("%s: the answer to a slow body keeps the connection (no Connection: close)", path)
		}
		// The connection is closed: the rest of the body is never read
		// as a request.
		if _, err := br.ReadByte(); err == nil {
			t.Errorf("%s: the connection is still open after the answer", path)
		}
		select {
		case <-done:
		case <-time.After(waitFor):
			t.Fatalf("%s: the node still takes the slow body", path)
		}
	}
	cutOff("/api/join", http.StatusRequestTimeout, rooms.CodeBodyTimeout)
	// Without the host key, refused before its body is read: what is
	// left of it on the wire is bounded by the same deadline.
	cutOff("/api/rooms", http.StatusUnauthorized, rooms.CodeHostKey)
	if n := ltSnapshot(t, ts, room.Room.ID, room.Facilitator.Secret).Participants; n != 0 {
		t.Fatalf("a cut-off join admitted %d participants", n)
	}

	// In time, in two parts, then again on the same connection after a
	// pause longer than the timeout: each request has its own.
	nc, br := ltRaw(t, ts)
	for i := range 2 {
		fmt.Fprintf(nc, "POST /api/join HTTP/1.1\r\nHost: huddle\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(join))
		io.WriteString(nc, join[:10])
		time.Sleep(timeout / 3)
		io.WriteString(nc, join[10:])
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("join %d: %v", i, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Close {
			t.Fatalf("join %d in time: %d %s (close %v)", i, resp.StatusCode, raw, resp.Close)
		}
		time.Sleep(2 * timeout)
	}

	// A WebSocket lives well past the timeout.
	ann := ts.join(room.Room.Code, "Ann")
	c := ts.dial(t)
	c.hello(ann.Room.ID, ann.Token, nil)
	time.Sleep(4 * timeout)
	ltPing(t, c)
	ltAck(t, c.cmd("r", "member.rename", map[string]string{"name": "Ann B"}))
}
