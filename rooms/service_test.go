package rooms_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/memory"
)

func newService(t *testing.T, mod func(*rooms.Limits)) *rooms.Service {
	t.Helper()
	st := memory.New(memory.Options{HistoryLimit: 100})
	t.Cleanup(func() { st.Close() })
	lim := rooms.DefaultLimits()
	if mod != nil {
		mod(&lim)
	}
	return rooms.NewService(st, lim)
}

type fixture struct {
	svc    *rooms.Service
	room   rooms.Room
	fac    *rooms.Member
	secret rooms.Secret
}

func newRoom(t *testing.T, mod func(*rooms.Limits)) fixture {
	t.Helper()
	return roomIn(t, newService(t, mod))
}

// roomIn creates a room in svc, its facilitator authenticated.
func roomIn(t testing.TB, svc *rooms.Service) fixture {
	t.Helper()
	c, err := svc.CreateRoom(context.Background(), "Test", false)
	if err != nil {
		t.Fatal(err)
	}
	fac, _, err := svc.Authenticate(context.Background(), c.Room.ID, c.Secret)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{svc: svc, room: c.Room, fac: fac, secret: c.Secret}
}

// roomOn is roomIn on a service over wrap of a fresh memory store, which
// a test wraps to watch or break what the service does with it.
func roomOn(t testing.TB, wrap func(*memory.Store) rooms.Store) fixture {
	t.Helper()
	mem := memory.New(memory.Options{HistoryLimit: 100})
	t.Cleanup(func() { mem.Close() })
	return roomIn(t, rooms.NewService(wrap(mem), rooms.DefaultLimits()))
}

func (f fixture) join(t *testing.T, name string) *rooms.Member {
	t.Helper()
	j, err := f.svc.Join(context.Background(), f.room.Code, name, "")
	if err != nil {
		t.Fatal(err)
	}
	return &j.Member
}

func (f fixture) exec(m *rooms.Member, id, typ string, data any) rooms.Outcome {
	b, _ := json.Marshal(data)
	return f.svc.Execute(context.Background(), f.room.ID, m, rooms.Command{ID: id, Type: typ, Data: b})
}

func TestCodes(t *testing.T) {
	for range 1000 {
		c := rooms.NewCode()
		if n, ok := rooms.NormalizeCode(c); !ok || n != c {
			t.Fatalf("generated code %q does not normalize to itself", c)
		}
		if strings.ContainsAny(c, "01OIL") {
			t.Fatalf("code %q holds a look-alike character", c)
		}
	}
	for in, want := range map[string]string{"abc-de0": "", "abc dfg": "ABCDFG", " a b c 2 3 4 ": "ABC234", "ABCDE": "", "ABCDE0": "", "ABCDEFG": ""} {
		got, ok := rooms.NormalizeCode(in)
		if (want == "") == ok || got != want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestCleanText(t *testing.T) {
	cases := []struct {
		in, want string
		code     rooms.Code
	}{
		{"  Ann   Lee ", "Ann Lee", ""},
		{"tab\there", "tab here", ""},
		{"éééééééé", "éééééééé", ""}, // characters, not bytes
		{"ééééééééé", "", rooms.CodeTooLong},
		{"bell\x07", "", rooms.CodeInvalid},
		{"\xff", "", rooms.CodeInvalid},
		{"Ann\u202e", "Ann", ""},             // an override dropped
		{"\u2067Lee\u2069 ok", "Lee ok", ""}, // isolates too
		{"\u200b\u200b", "", ""},             // nothing visible: empty
		{"\u200bBo", "\u200bBo", ""},         // zero-width kept beside visible text
		{"😀", "😀", ""},                       // a symbol is visible
		// Marks stacked past four on one character are dropped; a
		// keycap (a variation selector and its frame) and Vietnamese's
		// two accents are kept.
		{"e" + strings.Repeat("\u0301", 20), "e\u0301\u0301\u0301\u0301", ""},
		{"1\ufe0f\u20e3 Việt", "1\ufe0f\u20e3 Việt", ""},
		{"ê\u0323\u0301", "ê\u0323\u0301", ""},
	}
	for _, c := range cases {
		got, err := rooms.CleanText(c.in, "name", 8, false)
		if rooms.ErrorCode(err) != c.code || got != c.want {
			t.Errorf("CleanText(%q) = %q, %v; want %q, %q", c.in, got, err, c.want, c.code)
		}
	}
	for _, blank := range []string{"  ", "\u200b\u200b\u200b", "\u202e"} {
		if _, err := rooms.CleanText(blank, "title", 5, true); rooms.ErrorCode(err) != rooms.CodeInvalid {
			t.Errorf("a required text %q with nothing visible gave %v", blank, err)
		}
	}
}

// Secrets print, log and marshal as [redacted]; only Reveal gives them.
func TestSecretIsRedacted(t *testing.T) {
	s := rooms.NewSecret()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("x", "token", s, "any", any(s))
	b, _ := json.Marshal(struct{ T rooms.Secret }{s})
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %#v", s, s, s), buf.String(), string(b)} {
		if strings.Contains(out, s.Reveal()) || !strings.Contains(out, "[redacted]") {
			t.Fatalf("secret leaked: %s", out)
		}
	}
	if len(s.Reveal()) < 40 {
		t.Fatalf("secret %d chars: too short", len(s.Reveal()))
	}
}

// The same command id gets the byte-identical answer and changes nothing
// the second time, for acks and for rule errors alike.
func TestExecuteIsIdempotent(t *testing.T) {
	f := newRoom(t, nil)
	p := f.join(t, "Ann")
	first := f.exec(p, "c1", rooms.CmdMemberRename, map[string]string{"name": "Annie"})
	if first.Code != "" || first.Duplicate {
		t.Fatalf("first answer %s", first.Reply)
	}
	st, _ := f.svc.Store().Load(context.Background(), f.room.ID)
	again := f.exec(p, "c1", rooms.CmdMemberRename, map[string]string{"name": "Other"})
	if !again.Duplicate || string(again.Reply) != string(first.Reply) {
		t.Fatalf("re-send answered %s (dup %v), first %s", again.Reply, again.Duplicate, first.Reply)
	}
	st2, _ := f.svc.Store().Load(context.Background(), f.room.ID)
	if st2.Pos != st.Pos {
		t.Fatalf("re-send moved the room from %v to %v", st.Pos, st2.Pos)
	}
	// Another member's c1 is its own command.
	q := f.join(t, "Bob")
	if o := f.exec(q, "c1", rooms.CmdMemberRename, map[string]string{"name": "Bobby"}); o.Duplicate || o.Code != "" {
		t.Fatalf("another member's c1: %s", o.Reply)
	}
	// A rule error is kept as the answer, even once the rule would pass.
	e1 := f.exec(p, "c2", rooms.CmdMemberRemove, map[string]string{"member": q.ID})
	if e1.Code != rooms.CodeForbidden {
		t.Fatalf("participant removing: %s", e1.Reply)
	}
	e2 := f.exec(f.fac, "c3", rooms.CmdMemberRemove, map[string]string{"member": "nobody"})
	e3 := f.exec(f.fac, "c3", rooms.CmdMemberRemove, map[string]string{"member": q.ID})
	if e2.Code != rooms.CodeNotFound || string(e2.Reply) != string(e3.Reply) {
		t.Fatalf("kept error answer: %s then %s", e2.Reply, e3.Reply)
	}
}

func TestExecuteRejects(t *testing.T) {
	f := newRoom(t, nil)
	p := f.join(t, "Ann")
	cases := []struct {
		name string
		m    *rooms.Member
		id   string
		typ  string
		data any
		code rooms.Code
	}{
		{"no id", p, "", rooms.CmdMemberRename, nil, rooms.CodeBadMessage},
		{"long id", p, strings.Repeat("i", 65), rooms.CmdMemberRename, nil, rooms.CodeBadMessage},
		{"unknown type", p, "u", "room.explode", nil, rooms.CodeUnknownType},
		{"participant locks", p, "l", rooms.CmdRoomLock, nil, rooms.CodeForbidden},
		{"participant ends", p, "e", rooms.CmdRoomEnd, nil, rooms.CodeForbidden},
		{"participant retitles", p, "t", rooms.CmdRoomUpdate, map[string]string{"title": "x"}, rooms.CodeForbidden},
		{"wrong data type", f.fac, "w", rooms.CmdRoomUpdate, map[string]int{"title": 3}, rooms.CodeBadMessage},
		{"blank title", f.fac, "b", rooms.CmdRoomUpdate, map[string]string{"title": "  "}, rooms.CodeInvalid},
		{"long title", f.fac, "lt", rooms.CmdRoomUpdate, map[string]string{"title": strings.Repeat("x", 121)}, rooms.CodeTooLong},
		{"remove nobody", f.fac, "r0", rooms.CmdMemberRemove, map[string]string{}, rooms.CodeBadMessage},
		{"remove facilitator", f.fac, "r1", rooms.CmdMemberRemove, map[string]string{"member": f.fac.ID}, rooms.CodeInvalid},
	}
	for _, c := range cases {
		o := f.exec(c.m, c.id, c.typ, c.data)
		if o.Code != c.code {
			t.Errorf("%s: answered %s, want %s", c.name, o.Reply, c.code)
		}
	}
	docs, _ := f.svc.Store().Get(context.Background(), f.room.ID, rooms.KeyRoom)
	var r rooms.Room
	_ = json.Unmarshal(docs[0].Value, &r)
	if r != f.room {
		t.Fatalf("rejected commands changed the room: %+v", r)
	}
}

// What a refusal is about is quoted as the web app quotes, in curly
// quotes: an unknown message type, and the field of the command's data
// that has the wrong JSON type.
func TestRejectMessagesQuoteInWords(t *testing.T) {
	f := newRoom(t, nil)
	p := f.join(t, "Ann")
	for i, c := range []struct {
		m    *rooms.Member
		typ  string
		data any
		want string
	}{
		{p, "room.explode", nil, "unknown message type “room.explode”"},
		{p, "a\nb", nil, `unknown message type “a\nb”`},
		{f.fac, rooms.CmdRoomUpdate, map[string]int{"title": 3}, "the command's data does not fit its type: field “title” should be a string"},
	} {
		var e struct{ Message string }
		if err := json.Unmarshal(f.exec(c.m, fmt.Sprint("q", i), c.typ, c.data).Reply, &e); err != nil || e.Message != c.want {
			t.Errorf("%q: message %q, want %q", c.typ, e.Message, c.want)
		}
	}
}

func TestRemoveLockEnd(t *testing.T) {
	f := newRoom(t, func(l *rooms.Limits) { l.MaxParticipants = 3 })
	ctx := context.Background()
	ann := f.join(t, "Ann")
	annJoin, _ := f.svc.Join(ctx, f.room.Code, "Ann2", "")
	_ = annJoin
	if o := f.exec(f.fac, "r", rooms.CmdMemberRemove, map[string]string{"member": ann.ID}); o.Code != "" {
		t.Fatal(string(o.Reply))
	}
	if o := f.exec(ann, "x", rooms.CmdMemberRename, map[string]string{"name": "back"}); o.Code != rooms.CodeRemoved {
		t.Fatalf("removed member's command: %s", o.Reply)
	}
	cs, _ := f.svc.Store().Counters(ctx, f.room.ID, rooms.CounterParticipants)
	if cs[0] != 1 {
		t.Fatalf("participants after a removal: %d", cs[0])
	}
	// Removing frees a place: two more fit under the limit of 3, a third does not.
	f.join(t, "C")
	f.join(t, "D")
	if _, err := f.svc.Join(ctx, f.room.Code, "E", ""); rooms.ErrorCode(err) != rooms.CodeRoomFull {
		t.Fatalf("join over the limit: %v", err)
	}
	// Locked: new people are refused, returning ones are let in.
	f.exec(f.fac, "l", rooms.CmdRoomLock, nil)
	if _, err := f.svc.Join(ctx, f.room.Code, "F", ""); rooms.ErrorCode(err) != rooms.CodeRoomLocked {
		t.Fatalf("join a locked room: %v", err)
	}
	if j, err := f.svc.Join(ctx, f.room.Code, "", annJoin.Token); err != nil || j.Member.ID != annJoin.Member.ID {
		t.Fatalf("returning participant in a locked room: %v", err)
	}
	// Ended: commands and joins are refused, tokens no longer authenticate.
	if o := f.exec(f.fac, "end", rooms.CmdRoomEnd, nil); o.Code != "" {
		t.Fatal(string(o.Reply))
	}
	if o := f.exec(f.fac, "l2", rooms.CmdRoomUnlock, nil); o.Code != rooms.CodeRoomEnded {
		t.Fatalf("command after end: %s", o.Reply)
	}
	if _, _, err := f.svc.Authenticate(ctx, f.room.ID, f.secret); rooms.ErrorCode(err) != rooms.CodeRoomEnded {
		t.Fatalf("authenticate after end: %v", err)
	}
}

// room.end records when the room ended in the room document, once: a
// re-send of it changes nothing, the time included.
func TestEndRecordsTime(t *testing.T) {
	f := newRoom(t, nil)
	ctx := context.Background()
	before := time.Now().UTC().Truncate(time.Second)
	if o := f.exec(f.fac, "end", rooms.CmdRoomEnd, nil); o.Code != "" {
		t.Fatal(string(o.Reply))
	}
	_, room, err := f.svc.Authenticate(ctx, f.room.ID, f.secret)
	if rooms.ErrorCode(err) != rooms.CodeRoomEnded || room == nil {
		t.Fatalf("authenticate after end: %v", err)
	}
	ended := room.EndedAt
	if ended.Before(before) || ended.After(time.Now()) || !ended.Equal(ended.Truncate(time.Second)) || ended.Location() != time.UTC {
		t.Fatalf("endedAt %v, not a whole second in UTC from %v to now", ended, before)
	}
	// Wait for the next second, so that a second end would show.
	time.Sleep(time.Until(ended.Add(time.Second + 10*time.Millisecond)))
	if o := f.exec(f.fac, "end", rooms.CmdRoomEnd, nil); o.Code != "" {
		t.Fatalf("re-sent end: %s", o.Reply)
	}
	if _, room, _ = f.svc.Authenticate(ctx, f.room.ID, f.secret); !room.EndedAt.Equal(ended) {
		t.Fatalf("a re-sent end moved endedAt from %v to %v", ended, room.EndedAt)
	}
	// A second end (a new command, not a re-send) is refused: the room
	// ended already, and its end time stays.
	if o := f.exec(f.fac, "end-again", rooms.CmdRoomEnd, nil); o.Code != rooms.CodeRoomEnded {
		t.Fatalf("second end: %s", o.Reply)
	}
	if _, room, _ = f.svc.Authenticate(ctx, f.room.ID, f.secret); !room.EndedAt.Equal(ended) {
		t.Fatalf("a second end moved endedAt from %v to %v", ended, room.EndedAt)
	}
	// A room that runs has no end time in its document.
	g := newRoom(t, nil)
	docs, err := g.svc.Store().Get(ctx, g.room.ID, rooms.KeyRoom)
	if err != nil || strings.Contains(string(docs[0].Value), "endedAt") {
		t.Fatalf("a running room's document: %s %v", docs[0].Value, err)
	}
}

// Commands racing on the same documents all get an answer and every one
// is applied exactly once, in one order.
func TestConcurrentCommandsSerialize(t *testing.T) {
	f := newRoom(t, nil)
	ctx := context.Background()
	before, _ := f.svc.Store().Load(ctx, f.room.ID)
	const n = 64
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := f.exec(f.fac, fmt.Sprint("t", i), rooms.CmdRoomUpdate, map[string]string{"title": fmt.Sprint("T", i)})
			if o.Code != "" {
				t.Errorf("update %d: %s", i, o.Reply)
			}
		}()
	}
	wg.Wait()
	evs, err := f.svc.Store().History(ctx, f.room.ID, before.Pos)
	if err != nil || len(evs) != n {
		t.Fatalf("%d events (%v), want %d", len(evs), err, n)
	}
	seen := map[string]bool{}
	for _, e := range evs {
		var r rooms.Room
		_ = json.Unmarshal(e.Data, &r)
		seen[r.Title] = true
	}
	if len(seen) != n {
		t.Fatalf("%d distinct titles in %d events", len(seen), n)
	}
}

func TestJoinRejects(t *testing.T) {
	f := newRoom(t, nil)
	ctx := context.Background()
	if _, err := f.svc.Join(ctx, "ZZZZZZ", "", ""); rooms.ErrorCode(err) != rooms.CodeNotFound {
		t.Errorf("unknown code: %v", err)
	}
	if _, err := f.svc.Join(ctx, "O0I1", "", ""); rooms.ErrorCode(err) != rooms.CodeNotFound {
		t.Errorf("malformed code: %v", err)
	}
	if _, err := f.svc.Join(ctx, f.room.Code, strings.Repeat("n", 41), ""); rooms.ErrorCode(err) != rooms.CodeTooLong {
		t.Errorf("long name: %v", err)
	}
	// A stale token just joins as someone new.
	if j, err := f.svc.Join(ctx, f.room.Code, "x", rooms.Secret("stale")); err != nil || j.Token == "stale" {
		t.Errorf("stale token: %v", err)
	}
	if _, _, err := f.svc.Authenticate(ctx, f.room.ID, "nope"); rooms.ErrorCode(err) != rooms.CodeBadToken {
		t.Errorf("bad token: %v", err)
	}
	if _, _, err := f.svc.Authenticate(ctx, "no-room", f.secret); rooms.ErrorCode(err) != rooms.CodeBadToken {
		t.Errorf("token for another room: %v", err)
	}
}

func TestRoomLimit(t *testing.T) {
	svc := newService(t, func(l *rooms.Limits) { l.MaxRooms = 2 })
	ctx := context.Background()
	for range 2 {
		if _, err := svc.CreateRoom(ctx, "", false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateRoom(ctx, "", false); rooms.ErrorCode(err) != rooms.CodeTooManyRooms {
		t.Fatalf("third room: %v", err)
	}
}

// Idle rooms expire with everything in them.
func TestIdleRoomExpires(t *testing.T) {
	st := memory.New(memory.Options{SweepInterval: 20 * time.Millisecond})
	defer st.Close()
	lim := rooms.DefaultLimits()
	lim.RoomIdleTTL = 100 * time.Millisecond
	svc := rooms.NewService(st, lim)
	c, err := svc.CreateRoom(context.Background(), "", false)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		// Looking does not keep it alive (joining would: a join is activity).
		_, err := st.RoomByCode(context.Background(), c.Room.Code)
		if errors.Is(err, rooms.ErrRoomNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("room never expired")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, _, err := svc.Authenticate(context.Background(), c.Room.ID, c.Secret); rooms.ErrorCode(err) != rooms.CodeBadToken {
		t.Fatalf("token of an expired room: %v", err)
	}
}

// Kept answers are sealed with a key only the member's token gives: the
// store holds ciphertext, and a re-send still gets the plain answer.
func TestKeptAnswersAreSealed(t *testing.T) {
	f := newRoom(t, nil)
	ctx := context.Background()
	first := f.exec(f.fac, "c1", rooms.CmdRoomUpdate, map[string]string{"title": "Sealed title"})
	stored, ok, err := f.svc.Store().Reply(ctx, f.room.ID, f.fac.ReplyKey("c1"), "c1")
	if err != nil || !ok {
		t.Fatalf("no kept answer: %v", err)
	}
	if strings.Contains(string(stored), "ack") || !json.Valid(stored) {
		t.Fatalf("kept answer in the clear or not JSON: %s", stored)
	}
	again := f.exec(f.fac, "c1", rooms.CmdRoomUpdate, nil)
	if !again.Duplicate || string(again.Reply) != string(first.Reply) {
		t.Fatalf("re-send answered %s, first %s", again.Reply, first.Reply)
	}
	// A new session of the same member (same token, so same key) reads it.
	other, _, err := f.svc.Authenticate(ctx, f.room.ID, f.secret)
	if err != nil {
		t.Fatal(err)
	}
	if o := f.exec(other, "c1", rooms.CmdRoomUpdate, nil); string(o.Reply) != string(first.Reply) {
		t.Fatalf("same token, new session: %s", o.Reply)
	}
}

// A node remembers which room a join code names; once that room has
// expired and the code names a new room, a join lands in the new one.
func TestJoinCodeReusedAfterExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st := memory.New(memory.Options{Now: clock})
	t.Cleanup(func() { st.Close() })
	lim := rooms.DefaultLimits()
	lim.RoomIdleTTL = time.Minute
	svc := rooms.NewService(st, lim)
	ctx := context.Background()
	c, err := svc.CreateRoom(ctx, "Old", false)
	if err != nil {
		t.Fatal(err)
	}
	if j, err := svc.Join(ctx, c.Room.Code, "Ann", ""); err != nil || j.Room.ID != c.Room.ID {
		t.Fatalf("join: %v, %v", j, err)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute) // the old room expires
	mu.Unlock()
	fresh := rooms.Room{ID: "new-room", Code: c.Room.Code, Title: "New"}
	doc, _ := json.Marshal(fresh)
	if _, err := st.CreateRoom(ctx, fresh.ID, fresh.Code, time.Hour, rooms.Change{Puts: []rooms.Put{{Key: rooms.KeyRoom, Value: doc}}}); err != nil {
		t.Fatalf("a new room with the old code: %v", err)
	}
	j, err := svc.Join(ctx, c.Room.Code, "Bob", "")
	if err != nil || j.Room.ID != fresh.ID {
		t.Fatalf("join with the reused code: %+v, %v; want room %s", j, err, fresh.ID)
	}
	if j, err := svc.Join(ctx, c.Room.Code, "Cy", ""); err != nil || j.Room.ID != fresh.ID {
		t.Fatalf("join again: %+v, %v", j, err)
	}
}

// historyHook is a store without a ViewReader (ReadView falls back to a
// step per part) that runs hook, once, inside its first History call.
type historyHook struct {
	rooms.Store
	once sync.Once
	hook func()
}

func (h *historyHook) History(ctx context.Context, room string, after rooms.Position) ([]rooms.Event, error) {
	h.once.Do(h.hook)
	return h.Store.History(ctx, room, after)
}

// On a store that reads a view a step at a time, a hello's read still
// never shows a member as present next to events that remove them: the
// events are read first, the documents after them.
func TestAuthenticateResumeSeesARemovalAmongItsEvents(t *testing.T) {
	var st *historyHook
	f := roomOn(t, func(m *memory.Store) rooms.Store { st = &historyHook{Store: m}; return st })
	ctx := context.Background()
	j, err := f.svc.Join(ctx, f.room.Code, "P", "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := st.Load(ctx, f.room.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	st.hook = func() {
		b, _ := json.Marshal(map[string]string{"member": j.Member.ID})
		if o := f.svc.Execute(ctx, f.room.ID, f.fac, rooms.Command{ID: "rm", Type: rooms.CmdMemberRemove, Data: b}); o.Code != "" {
			t.Errorf("remove: %s", o.Reply)
		}
	}
	if _, _, _, err := f.svc.AuthenticateResume(ctx, f.room.ID, j.Token, s.Pos); rooms.ErrorCode(err) != rooms.CodeRemoved {
		t.Errorf("AuthenticateResume of a member removed during the read: %v, want %s", err, rooms.CodeRemoved)
	}
}

// The facilitator's test participant is in no count: it joins a full room
// without taking a place, and leaves without giving one back. A preview
// that joined before previews stopped counting (no Uncounted) was
// counted, and its removal still takes it off the count. Only
// facilitators see a preview among the members, marked.
func TestPreviewIsInNoCount(t *testing.T) {
	f := newRoom(t, func(l *rooms.Limits) { l.MaxParticipants = 1 })
	ctx := context.Background()
	count := func(want int64, when string) {
		t.Helper()
		cs, err := f.svc.Store().Counters(ctx, f.room.ID, rooms.CounterParticipants)
		if err != nil || cs[0] != want {
			t.Fatalf("participants %s: %v, %v; want %d", when, cs, err, want)
		}
	}
	ann := f.join(t, "Ann")
	pv, err := f.svc.JoinAs(ctx, f.room.Code, "Preview", "", true)
	if err != nil {
		t.Fatalf("a preview in a full room: %v", err)
	}
	if !pv.Member.Preview || !pv.Member.Uncounted {
		t.Fatalf("preview member %+v", pv.Member)
	}
	count(1, "with a preview")

	// Names shown: Ann sees herself, not the preview; the facilitator
	// sees both, the preview marked.
	f.exec(f.fac, "n", rooms.CmdRoomUpdate, map[string]any{"showNames": true})
	members := func(m *rooms.Member) map[string]rooms.MemberView {
		t.Helper()
		st, err := f.svc.LoadFor(ctx, f.room.ID, m)
		if err != nil {
			t.Fatal(err)
		}
		snap, err := f.svc.SnapshotFor(st, rooms.Viewer{Member: m})
		if err != nil {
			t.Fatal(err)
		}
		if snap.Participants != 1 {
			t.Fatalf("snapshot participants %d", snap.Participants)
		}
		out := map[string]rooms.MemberView{}
		for _, v := range snap.Members {
			out[v.ID] = v
		}
		return out
	}
	if got := members(ann); len(got) != 2 || got[pv.Member.ID].ID != "" {
		t.Fatalf("a participant's members: %+v", got)
	}
	if got := members(f.fac); !got[pv.Member.ID].Preview || got[ann.ID].Preview {
		t.Fatalf("the facilitator's members: %+v", got)
	}

	if o := f.exec(f.fac, "r1", rooms.CmdMemberRemove, map[string]string{"member": pv.Member.ID}); o.Code != "" {
		t.Fatal(string(o.Reply))
	}
	count(1, "after the preview left")

	// A preview from before: counted when it joined, and when it leaves.
	old := rooms.Member{ID: rooms.NewID(), Name: "Preview", Role: rooms.RoleParticipant, Preview: true}
	doc, _ := json.Marshal(old)
	if _, err := f.svc.Store().Apply(ctx, f.room.ID, rooms.Change{
		Puts:  []rooms.Put{{Key: rooms.MemberKey(old.ID), Value: doc}},
		Incrs: []rooms.Incr{{Key: rooms.CounterParticipants, By: 1}},
	}); err != nil {
		t.Fatal(err)
	}
	count(2, "with a preview from before")
	if o := f.exec(f.fac, "r2", rooms.CmdMemberRemove, map[string]string{"member": old.ID}); o.Code != "" {
		t.Fatal(string(o.Reply))
	}
	count(1, "after the preview from before left")

	// Previews have a limit of their own, max-participants (here 1)
	// test participants a room has had: each leaves a member document.
	if _, err := f.svc.JoinAs(ctx, f.room.Code, "Preview", "", true); rooms.ErrorCode(err) != rooms.CodeRoomFull {
		t.Fatalf("a second preview with max-participants 1: %v, want %s", err, rooms.CodeRoomFull)
	}
	count(1, "after a preview was refused")
}
