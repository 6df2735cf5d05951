package server

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/rooms"
)

// A facilitator creates a room, participants join by code and connect;
// everyone learns who is here through coalesced presence.
func TestCreateJoinPresence(t *testing.T) {
	ts := startServer(t, nil)
	room := ts.createRoom("Retro")
	if len(room.Room.Code) != rooms.CodeLength || room.Facilitator.Secret == "" {
		t.Fatalf("create answered %+v", room)
	}
	if want := ts.base + "/j/" + room.Room.Code; room.Room.JoinURL != want {
		t.Errorf("join URL %q, want %q", room.Room.JoinURL, want)
	}

	fac := ts.dial(t)
	w := fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	if w.You.Role != rooms.RoleFacilitator || w.Snapshot == nil || w.Snapshot.Room.Title != "Retro" || w.Recovered {
		t.Fatalf("facilitator welcome %+v", w)
	}

	// Codes are forgiving: lower case and a dash still find the room.
	lower := strings.ToLower(room.Room.Code[:3]) + "-" + strings.ToLower(room.Room.Code[3:])
	ann := ts.join(lower, "Ann")
	bob := ts.join(room.Room.Code, "Bob")
	if ann.Member.ID == bob.Member.ID || ann.Token == bob.Token || ann.Member.Role != rooms.RoleParticipant {
		t.Fatalf("joins %+v %+v", ann, bob)
	}
	pa := ts.dial(t)
	wa := pa.hello(ann.Room.ID, ann.Token, nil)
	if wa.You.Name != "Ann" || wa.Snapshot.Members != nil {
		t.Fatalf("participant welcome %+v (names hidden by default)", wa)
	}
	pb := ts.dial(t)
	pb.hello(bob.Room.ID, bob.Token, nil)

	// The facilitator sees both online, by name.
	online := map[string]bool{}
	fac.next(func(m msg) bool {
		if m.Type != "presence" {
			return false
		}
		var p rooms.PresenceMsg
		_ = json.Unmarshal(m.Raw, &p)
		for _, v := range p.Members {
			online[v.Name] = v.Online
		}
		return p.Online == 2 && p.Participants == 2 && online["Ann"] && online["Bob"]
	})
	// A participant sees counts without names.
	pa.next(func(m msg) bool {
		var p rooms.PresenceMsg
		_ = json.Unmarshal(m.Raw, &p)
		if m.Type == "presence" && p.Members != nil {
			t.Fatalf("participant got names: %s", m.Raw)
		}
		return m.Type == "presence" && p.Online == 2
	})

	// Bob leaves: the facilitator sees him offline.
	pb.close()
	fac.next(func(m msg) bool {
		var p rooms.PresenceMsg
		_ = json.Unmarshal(m.Raw, &p)
		for _, v := range p.Members {
			if v.Name == "Bob" && !v.Online {
				return p.Online == 1
			}
		}
		return false
	})

	// A returning phone presenting its token is the same person.
	again := JoinResponse{}
	if st := ts.post("/api/join", JoinRequest{Code: room.Room.Code, Token: ann.Token}, &again); st != 200 || again.Member.ID != ann.Member.ID {
		t.Fatalf("rejoin: %d %+v", st, again)
	}
	// The room is visible by code, without secrets.
	st, body := ts.get("/api/rooms/" + room.Room.Code)
	if st != 200 || !strings.Contains(body, `"title":"Retro"`) || strings.Contains(body, room.Facilitator.Secret) {
		t.Fatalf("room info %d %s", st, body)
	}
}

// Many joins in a burst produce presence updates at a bounded rate, not
// one broadcast per join to every member. A room flushes presence at most
// once per coalescing interval, so over a burst that took d from before the
// facilitator connected until it saw everyone online, it can have sent at
// most d/interval + 1 updates (one more for rounding). The bound grows with
// d, so a busy machine that makes the burst slow never fails the test; per
// join, the facilitator would get at least one update for every join.
// When the burst is so slow that the bound reaches that many, this interval
// cannot tell the two apart: the burst runs again with a longer one.
func TestPresenceIsCoalesced(t *testing.T) {
	const n = 40
	for _, interval := range []time.Duration{500 * time.Millisecond, 4 * time.Second} {
		updates, took := presenceBurst(t, n, interval)
		bound := int(took/interval) + 2
		if bound >= n {
			t.Logf("%d joins took %v: at %v, up to %d updates could be coalesced, as many as one per join; again with a longer interval", n, took, interval, bound)
			continue
		}
		if updates > bound {
			t.Errorf("%d presence updates for %d joins in %v, at most %d at one per %v: not coalesced", updates, n, took, bound, interval)
		}
		return
	}
	t.Fatalf("%d joins too slow to tell coalesced presence from presence per join", n)
}

// presenceBurst has n participants join a new room and connect, and
// returns how many presence updates its facilitator got until all were
// online, and how long that took.
func presenceBurst(t *testing.T, n int, interval time.Duration) (updates int, took time.Duration) {
	t.Helper()
	ts := startServer(t, func(c *Config) { c.CoalesceInterval = interval })
	room := ts.createRoom("")
	start := time.Now()
	fac := ts.dial(t)
	fac.hello(room.Room.ID, room.Facilitator.Secret, nil)
	var wg sync.WaitGroup
	for i := range n {
		j := ts.join(room.Room.Code, fmt.Sprint("p", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := ts.dial(t)
			c.hello(j.Room.ID, j.Token, nil)
		}()
	}
	wg.Wait()
	fac.next(func(m msg) bool {
		if m.Type != "presence" {
			return false
		}
		updates++
		var p rooms.PresenceMsg
		_ = json.Unmarshal(m.Raw, &p)
		return p.Online == n
	})
	return updates, time.Since(start)
}

// A command sent again after a reconnect is applied once and answered
// exactly as the first time, even if its content differs.
func TestResendAfterReconnectIsIdempotent(t *testing.T) {
	ts := startServer(t, nil)
	room, fac := ts.facilitated(t)
	j := ts.join(room.Room.Code, "Ann")

	p := ts.dial(t)
	w := p.hello(j.Room.ID, j.Token, nil)
	first := p.cmd("c-1", "member.rename", map[string]string{"name": "Annie"})
	if first.Type != "ack" {
		t.Fatalf("rename answered %s", first.Raw)
	}
	ev := fac.event("member.renamed")
	p.drop()

	p2 := ts.dial(t)
	w2 := p2.hello(j.Room.ID, j.Token, &w.Position)
	if !w2.Recovered {
		t.Fatalf("resume not recovered: %+v", w2)
	}
	again := p2.cmd("c-1", "member.rename", map[string]string{"name": "Something else"})
	if string(again.Raw) != string(first.Raw) {
		t.Fatalf("re-send answered %s, first answer was %s", again.Raw, first.Raw)
	}
	// A different command id is a new command.
	if m := p2.cmd("c-2", "member.rename", map[string]string{"name": "Anna"}); m.Type != "ack" {
		t.Fatalf("c-2 answered %s", m.Raw)
	}
	ev2 := fac.event("member.renamed")
	if ev2.Seq != ev.Seq+1 || !strings.Contains(string(ev2.Data), `"Anna"`) {
		t.Fatalf("after the re-send the next event is %s (first was seq %d): the re-send was applied again", ev2.Raw, ev.Seq)
	}
	// An error answer is kept too.
	e1 := p2.cmd("c-3", "member.rename", map[string]string{"name": strings.Repeat("x", 500)})
	e2 := p2.cmd("c-3", "member.rename", map[string]string{"name": "fine"})
	if e1.Code != rooms.CodeTooLong || string(e1.Raw) != string(e2.Raw) {
		t.Fatalf("error answers %s then %s", e1.Raw, e2.Raw)
	}
}

// A client that drops and comes back with its last position receives
// exactly the events it missed, in order; when they are no longer kept it
// gets a snapshot instead.
func TestResumeExactlyMissedEventsOrSnapshot(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.HistoryLimit = 10 })
	room, fac := ts.facilitated(t)
	j := ts.join(room.Room.Code, "Ann")
	p := ts.dial(t)
	w := p.hello(j.Room.ID, j.Token, nil)

	title := func(i int) {
		fac.cmd(fmt.Sprint("t", i), "room.update", map[string]string{"title": fmt.Sprint("Title ", i)})
	}
	title(1)
	seen := p.event("room.updated")
	pos := rooms.Position{Epoch: w.Position.Epoch, Seq: seen.Seq}
	p.drop()

	for i := 2; i <= 6; i++ {
		title(i)
	}
	p2 := ts.dial(t)
	w2 := p2.hello(j.Room.ID, j.Token, &pos)
	if !w2.Recovered || w2.Snapshot != nil {
		t.Fatalf("resume within history: %+v", w2)
	}
	for i := 2; i <= 6; i++ {
		m := p2.next(func(m msg) bool { return m.Type == "event" })
		if m.Seq != pos.Seq+uint64(i-1) || !strings.Contains(string(m.Data), fmt.Sprintf(`"Title %d"`, i)) {
			t.Fatalf("missed event %d arrived as %s", i, m.Raw)
		}
	}
	if w2.Position.Seq != pos.Seq+5 {
		t.Fatalf("welcome position %d, want %d", w2.Position.Seq, pos.Seq+5)
	}
	// Nothing more: no event is delivered twice.
	title(7)
	if m := p2.event("room.updated"); m.Seq != pos.Seq+6 {
		t.Fatalf("next live event seq %d, want %d", m.Seq, pos.Seq+6)
	}
	p2.drop()

	// Far behind: a snapshot with the latest state.
	for i := 8; i <= 30; i++ {
		title(i)
	}
	p3 := ts.dial(t)
	w3 := p3.hello(j.Room.ID, j.Token, &pos)
	if w3.Recovered || w3.Snapshot == nil || w3.Snapshot.Room.Title != "Title 30" {
		t.Fatalf("resume past history: recovered=%v snapshot=%+v", w3.Recovered, w3.Snapshot)
	}
	// Another epoch is also a snapshot.
	p3.drop()
	p4 := ts.dial(t)
	if w4 := p4.hello(j.Room.ID, j.Token, &rooms.Position{Epoch: "other", Seq: 1}); w4.Recovered {
		t.Fatal("a position from another epoch was treated as recovered")
	}
}

// A returning phone's welcome and the events it missed go out together,
// in one write and frame, not one write per missed event: after a storm of
// reconnects every phone catches up at once. A catch-up bigger than the
// send queue's bound still arrives whole, in order, to a phone that
// reads: it is queued a part at a time, each part written before the next.
func TestResumeSendsMissedEventsTogether(t *testing.T) {
	for _, tc := range []struct {
		name      string
		missed    int
		titleLen  int
		maxFrames int // frames from the welcome to the last missed event
	}{
		{"small", 30, 10, 1},
		{"bigger than the send queue", 40, 4000, 41},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServer(t, func(c *Config) {
				c.SendQueueBytes = 128 << 10
				c.MaxFrameBytes = 64 << 10
				c.Limits.MaxTitleLen = 8000
				c.CommandRate, c.CommandBurst = 100000, 100000
			})
			room, fac := ts.facilitated(t)
			j := ts.join(room.Room.Code, "Ann")
			p := ts.dial(t)
			w := p.hello(j.Room.ID, j.Token, nil)
			pad := strings.Repeat("x", tc.titleLen)
			title := func(i int) {
				fac.cmd(fmt.Sprint("t", i), "room.update", map[string]string{"title": fmt.Sprint(i, pad)})
			}
			title(0)
			pos := rooms.Position{Epoch: w.Position.Epoch, Seq: p.event("room.updated").Seq}
			p.drop()
			for i := 1; i <= tc.missed; i++ {
				title(i)
			}

			back := ts.dial(t)
			wb := back.hello(j.Room.ID, j.Token, &pos)
			if !wb.Recovered {
				t.Fatalf("not recovered: %+v", wb)
			}
			for i := 1; i <= tc.missed; i++ {
				m := back.next(func(m msg) bool { return m.Type == "event" })
				if m.Seq != pos.Seq+uint64(i) || !strings.Contains(string(m.Data), fmt.Sprintf(`"%d%s"`, i, pad)) {
					t.Fatalf("missed event %d arrived as %.80s", i, m.Raw)
				}
			}
			var welcome, last int
			for _, m := range back.all() {
				switch {
				case m.Type == "welcome":
					welcome = m.Frame
				case m.Type == "event" && m.Seq == pos.Seq+uint64(tc.missed):
					last = m.Frame
				}
			}
			if frames := last - welcome + 1; frames > tc.maxFrames {
				t.Errorf("the welcome and %d missed events came in %d frames, want at most %d", tc.missed, frames, tc.maxFrames)
			}
			select {
			case <-back.done:
				t.Errorf("the returning phone was closed: %v", back.err)
			default:
			}
		})
	}
}

// A client that stops reading is disconnected as a slow client, and the
// room's other members keep receiving without waiting for it.
func TestSlowClientIsEvictedOthersUnaffected(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.SendQueueBytes = 256 << 10
		c.MaxFrameBytes = 64 << 10
		c.SendQueueAge = 3 * time.Second
		c.Limits.MaxTitleLen = 8000
		c.CommandRate, c.CommandBurst = 100000, 100000
	})
	room, fac := ts.facilitated(t)
	j := ts.join(room.Room.Code, "Healthy")
	healthy := ts.dial(t)
	healthy.hello(j.Room.ID, j.Token, nil)

	// The stuck phone: says hello, then never reads again.
	js := ts.join(room.Room.Code, "Stuck")
	stuck := ts.dialStuck(t, js.Room.ID, js.Token)

	big := strings.Repeat("x", 7900)
	// Up to ~24 MB, far more than socket buffers and the queue hold; stop
	// once the stuck client is gone.
	const n = 3000
	start := time.Now()
	var worst time.Duration
	sent := 0
	for i := range n {
		if i > 100 && counterValue(t, ts.metrics.evictions) >= 1 {
			break
		}
		sent++
		sent := time.Now()
		fac.send(map[string]any{"type": "room.update", "id": fmt.Sprint("u", i), "data": map[string]string{"title": fmt.Sprint(i, big)}})
		m := healthy.event("room.updated")
		if d := time.Since(sent); d > worst {
			worst = d
		}
		if !strings.Contains(string(m.Data), fmt.Sprintf(`"%d%s`, i, big[:10])) {
			t.Fatalf("event %d arrived out of order", i)
		}
	}
	eventually(t, "the stuck client is evicted", func() bool { return counterValue(t, ts.metrics.evictions) >= 1 })
	// A blocked write would have held the room for the send-queue age.
	if worst >= 3*time.Second {
		t.Fatalf("healthy client waited %v for an event while another client was stuck", worst)
	}
	t.Logf("%d events of 8 KB in %v; slowest delivery to the healthy client %v", sent, time.Since(start), worst)
	stuck.Close()
}

// Shutdown closes every connection with the going-away code, spread over
// the configured time, and readiness reports draining meanwhile.
func TestShutdownClosesWithGoingAway(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.ShutdownSpread = 300 * time.Millisecond })
	room := ts.createRoom("")
	cs := ts.phones(t, room, "p", 5)
	done := make(chan error, 1)
	go func() { done <- ts.Shutdown(t.Context()) }()
	for _, c := range cs {
		if code := c.closed(); code != CloseGoingAway {
			t.Errorf("closed with %d, want %d", code, CloseGoingAway)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	ts.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 503 {
		t.Fatalf("readyz while draining: %d", rec.Code)
	}
}

// Secrets and tokens never reach the logs, even at debug level and on
// failures.
func TestLogsHoldNoSecrets(t *testing.T) {
	ts := startServer(t, nil)
	room, fac := ts.facilitated(t)
	j := ts.join(room.Room.Code, "Ann")
	p := ts.dial(t)
	p.hello(j.Room.ID, j.Token, nil)
	p.cmd("a", "member.rename", map[string]string{"name": "Annie"})
	fac.cmd("b", "member.remove", map[string]string{"member": j.Member.ID})
	p.closed()
	bad := ts.dial(t)
	bad.send(map[string]any{"type": "hello", "room": room.Room.ID, "token": j.Token})
	bad.closed()
	fac.cmd("c", "room.end", nil)
	fac.closed()
	logs := ts.logs.String()
	for _, secret := range []string{room.Facilitator.Secret, j.Token} {
		if strings.Contains(logs, secret) {
			t.Fatalf("a secret reached the logs:\n%s", logs)
		}
	}
	if !strings.Contains(logs, "room created") {
		t.Fatalf("expected some logs, got:\n%s", logs)
	}
}
