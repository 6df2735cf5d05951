package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
	"huddle/rooms/roomstest"
)

// TestMain fails the run if a goroutine (a pub/sub reader, say) outlives
// the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var contract = roomstest.Options{HistoryLimit: 50, ReplyWindow: 20}

// newStore returns a store on url with its own key prefix, closed when t
// ends.
func newStore(t *testing.T, opts redisstore.Options) *redisstore.Store {
	t.Helper()
	if opts.Prefix == "" {
		opts.Prefix = "t" + strings.ToLower(rand.Text()[:10])
	}
	opts.HistoryLimit = contract.HistoryLimit
	opts.ReplyWindow = contract.ReplyWindow
	s, err := redisstore.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestContract runs the store contract suite; the subtests share one
// redis-server, each store under its own prefix.
func TestContract(t *testing.T) {
	url := redistest.Start(t)
	roomstest.Run(t, contract, func(t *testing.T) rooms.Store {
		return newStore(t, redisstore.Options{URL: url})
	})
}

func TestNewRejectsMalformedOptions(t *testing.T) {
	for _, o := range []redisstore.Options{
		{URL: "http://localhost:6379"},
		{URL: "redis://localhost:6379/notadb"},
		{URL: "::"},
		{URL: "redis://localhost:1", Prefix: "a{b}"},
	} {
		if s, err := redisstore.New(o); err == nil {
			_ = s.Close()
			t.Errorf("New(%+v) succeeded, want an error", o)
		}
	}
}

// A node starts while Redis is down: New succeeds, everything reports
// ErrUnavailable, and the store works as soon as Redis answers.
func TestUnreachableAtStart(t *testing.T) {
	srv := redistest.NewServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), DialTimeout: 200 * time.Millisecond})
	ctx := t.Context()

	unavailable(t, "Ping", st.Ping(ctx))
	_, err := st.CreateRoom(ctx, "r", "C", time.Minute, rooms.Change{})
	unavailable(t, "CreateRoom", err)
	_, err = st.Apply(ctx, "r", rooms.Change{})
	unavailable(t, "Apply", err)
	_, err = st.Subscribe("r", func(rooms.Notice) {})
	unavailable(t, "Subscribe", err)
	_, err = st.CountRooms(ctx)
	unavailable(t, "CountRooms", err)

	srv.Start()
	eventually(t, "Ping to succeed", func() bool { return st.Ping(ctx) == nil })
	if _, err := st.CreateRoom(ctx, "r", "C", time.Minute, rooms.Change{Events: []rooms.Draft{{Type: "created"}}}); err != nil {
		t.Fatalf("CreateRoom once Redis is up: %v", err)
	}
	if id, err := st.RoomByCode(ctx, "C"); err != nil || id != "r" {
		t.Errorf("RoomByCode = %q, %v", id, err)
	}
}

// Redis goes away while a room is in use: changes fail with ErrUnavailable
// and apply nothing; after the restart they work again, and a follower is
// told that notices may have been lost, then catches up from History.
func TestRedisRestart(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), DialTimeout: 200 * time.Millisecond})
	ctx := t.Context()
	created, err := st.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{Events: []rooms.Draft{{Type: "created"}}})
	if err != nil {
		t.Fatal(err)
	}
	sub := &collector{}
	cancel, err := st.Subscribe("room", sub.add)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	vote := func(cmd string) (rooms.Applied, error) {
		return st.Apply(ctx, "room", rooms.Change{
			Actor: "alice", CmdID: cmd, Reply: json.RawMessage(`"ok"`),
			Incrs:  []rooms.Incr{{Key: "votes", By: 1}},
			Events: []rooms.Draft{{Type: "voted"}},
		})
	}
	a, err := vote("c1")
	if err != nil {
		t.Fatal(err)
	}
	sub.waitFor(t, "event 2", func(n rooms.Notice) bool { return n.Event != nil && n.Event.Seq == a.Pos.Seq })

	srv.Stop()
	_, err = vote("c2")
	unavailable(t, "Apply while Redis is down", err)
	_, err = st.Load(ctx, "room")
	unavailable(t, "Load while Redis is down", err)
	unavailable(t, "Touch while Redis is down", st.Touch(ctx, "room"))

	srv.Start()
	var b rooms.Applied
	eventually(t, "Apply to work after the restart", func() bool {
		b, err = vote("c2")
		return err == nil
	})
	if b.Duplicate || b.Pos != (rooms.Position{Epoch: created.Pos.Epoch, Seq: 3}) {
		t.Errorf("Apply after restart = %+v, want a fresh change at seq 3", b)
	}
	if n, err := st.Counters(ctx, "room", "votes"); err != nil || n[0] != 2 {
		t.Errorf("votes = %v, %v; want 2: the failed Apply must not have counted", n, err)
	}
	sub.waitFor(t, "a Lost notice", func(n rooms.Notice) bool { return n.Lost && n.Room == "room" })
	evs, err := st.History(ctx, "room", a.Pos)
	if err != nil || len(evs) != 1 || evs[0].Seq != 3 {
		t.Errorf("History after the Lost notice = %+v, %v; want event 3", evs, err)
	}
	// And the subscription works again.
	c, err := vote("c3")
	if err != nil {
		t.Fatal(err)
	}
	sub.waitFor(t, "the event after the restart", func(n rooms.Notice) bool { return n.Event != nil && n.Event.Seq == c.Pos.Seq })
}

// A Redis that hangs makes commands time out as ErrUnavailable. A change
// whose answer was lost may or may not have been applied; re-sending it
// with its command id applies it exactly once.
func TestHungRedis(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	ctx := t.Context()
	if _, err := st.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{}); err != nil {
		t.Fatal(err)
	}
	c := rooms.Change{Actor: "bob", CmdID: "c1", Reply: json.RawMessage(`1`), Incrs: []rooms.Incr{{Key: "n", By: 1}}}

	srv.Pause()
	start := time.Now()
	_, err := st.Apply(ctx, "room", c)
	unavailable(t, "Apply to a hung Redis", err)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Apply took %v to fail", d)
	}
	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	unavailable(t, "Ping with a deadline", st.Ping(tctx))
	cancel()
	srv.Resume()

	eventually(t, "the re-send to succeed", func() bool {
		_, err = st.Apply(ctx, "room", c)
		return err == nil
	})
	if n, err := st.Counters(ctx, "room", "n"); err != nil || n[0] != 1 {
		t.Errorf("n = %v, %v; want 1", n, err)
	}
}

// A change its node gave up on is not applied when a Redis that stalled
// comes back and reaches it: the node answered it unavailable, "nothing
// applied" (docs/protocol.md), and a phone told so may join or answer
// again. Re-sent with its command id, it is then applied once. (A late
// CreateRoom: TestLateScripts.)
func TestLateChangeNotApplied(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), ReadTimeout: 400 * time.Millisecond, WriteTimeout: 400 * time.Millisecond})
	ctx := t.Context()
	if _, err := st.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the store to read Redis's clock", func() bool { return redisstore.ClockKnown(st) })
	// Redis knows the script before it stalls (EVALSHA's first run
	// falls back to EVAL, which a node that gave up never sends).
	if _, err := st.Apply(ctx, "room", rooms.Change{Incrs: []rooms.Incr{{Key: "warm", By: 1}}}); err != nil {
		t.Fatal(err)
	}
	vote := rooms.Change{Actor: "bob", CmdID: "c1", Reply: json.RawMessage(`1`), Incrs: []rooms.Incr{{Key: "n", By: 1}}}
	join := rooms.Change{Puts: []rooms.Put{{Key: "member:ghost", Value: json.RawMessage(`{}`)}}, Incrs: []rooms.Incr{{Key: "participants", By: 1}}}

	srv.Pause()
	_, err := st.Apply(ctx, "room", vote)
	unavailable(t, "Apply to a stalled Redis", err)
	_, err = st.Apply(ctx, "room", join)
	unavailable(t, "a join to a stalled Redis", err)
	srv.Resume()

	// Redis has run what was waiting in its input by the time it answers
	// this read, which follows it on the same connection or after it.
	if err := st.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n, err := st.Counters(ctx, "room", "n", "participants"); err != nil || n[0] != 0 || n[1] != 0 {
		t.Errorf("after the stall n, participants = %v, %v; want 0, 0: changes answered unavailable were applied", n, err)
	}
	if docs, err := st.Get(ctx, "room", "member:ghost"); err != nil || docs[0].Value != nil {
		t.Errorf("member:ghost = %+v, %v; want absent", docs, err)
	}
	if _, err := st.Apply(ctx, "room", vote); err != nil {
		t.Fatal(err)
	}
	if n, err := st.Counters(ctx, "room", "n"); err != nil || n[0] != 1 {
		t.Errorf("after the re-send n = %v, %v; want 1", n, err)
	}
}

// Every key of a room expires with it (none later than ttl from the last
// change), and all of them hash to the room's slot.
func TestKeysExpireTogether(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: "ttl"})
	rdb := client(t, srv)
	ctx := t.Context()
	const ttl = 30 * time.Second
	room := "r-" + rand.Text()
	if _, err := st.CreateRoom(ctx, room, "CODE", ttl, rooms.Change{Puts: []rooms.Put{
		{Key: "a", Value: json.RawMessage(`1`)},
		{Key: "member:1", Value: json.RawMessage(`1`)},
	}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	// A class first written now, and one written at creation: both hashes
	// expire with the room.
	if _, err := st.Apply(ctx, room, rooms.Change{
		Actor: "alice", CmdID: "c1", Reply: json.RawMessage(`"ok"`),
		Once:   []rooms.Once{{Set: "voted", Member: "alice"}},
		Puts:   []rooms.Put{{Key: "b", Value: json.RawMessage(`2`)}, {Key: "bal:x:1", Value: json.RawMessage(`3`)}},
		Incrs:  []rooms.Incr{{Key: "n", By: 1}},
		Events: []rooms.Draft{{Type: "e"}},
	}); err != nil {
		t.Fatal(err)
	}

	keys, err := rdb.Keys(ctx, "ttl:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	want := []string{"ttl:code:CODE", "ttl:rooms"}
	for _, k := range []string{"classes", "ctr", "d:", "d:bal:", "d:member:", "hist", "meta", "once", "rep", "sets"} {
		want = append(want, "ttl:{"+room+"}:"+k)
	}
	slices.Sort(want)
	if !slices.Equal(keys, want) {
		t.Fatalf("keys = %q\nwant %q", keys, want)
	}
	// Expiry compared as the moment each key expires (PEXPIRETIME), not
	// as what is left of it (PTTL), which shrinks between one read and the
	// next: on a busy machine the reads alone took more than 10 ms.
	var first time.Duration
	for _, k := range keys {
		left, err := rdb.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		at, err := rdb.PExpireTime(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case k == "ttl:rooms":
			// The index of all rooms has no expiry; its entries do.
		case k == "ttl:code:CODE":
			if left <= ttl || left > 2*ttl {
				t.Errorf("PTTL(%s) = %v, want in (ttl, 2 ttl]: the code outlives its room", k, left)
			}
		default:
			if left <= 0 || left > ttl {
				t.Errorf("PTTL(%s) = %v, want in (0, %v]", k, left, ttl)
			}
			if first == 0 {
				first = at
			} else if d := at - first; d > 10*time.Millisecond || d < -10*time.Millisecond {
				t.Errorf("PEXPIRETIME(%s) = %v, another key of the room has %v: they must expire together", k, at, first)
			}
			if tag := hashTag(k); tag != room {
				t.Errorf("key %s has hash tag %q, want the room id", k, tag)
			}
		}
	}
}

// The once-only sets keep no member names and no arrival order.
func TestOnceSetsKeepNoNamesOrOrder(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: "anon"})
	rdb := client(t, srv)
	ctx := t.Context()
	if _, err := st.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{}); err != nil {
		t.Fatal(err)
	}
	voters := []string{"zoe", "alice", "mallory", "bob"}
	for _, v := range voters {
		if _, err := st.Apply(ctx, "room", rooms.Change{Once: []rooms.Once{{Set: "voted", Member: v}}}); err != nil {
			t.Fatal(err)
		}
	}
	key := "anon:{room}:once"
	if enc, err := rdb.ObjectEncoding(ctx, key).Result(); err != nil || enc != "intset" {
		t.Errorf("OBJECT ENCODING %s = %q, %v; want intset (kept sorted by value)", key, enc, err)
	}
	members, err := rdb.SMembers(ctx, key).Result()
	if err != nil || len(members) != len(voters) {
		t.Fatalf("SMEMBERS = %q, %v", members, err)
	}
	for _, m := range members {
		for _, v := range voters {
			if strings.Contains(m, v) {
				t.Errorf("once set holds %q, which names %q", m, v)
			}
		}
	}
	for _, v := range voters {
		if ok, err := st.Has(ctx, "room", "voted", v); err != nil || !ok {
			t.Errorf("Has(voted, %s) = %v, %v", v, ok, err)
		}
	}
}

// Scripts come back after Redis forgets them (SCRIPT FLUSH, a restart).
func TestScriptCacheFlushed(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL()})
	ctx := t.Context()
	if _, err := st.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{}); err != nil {
		t.Fatal(err)
	}
	if r, err := srv.Do("SCRIPT FLUSH"); err != nil || r != "+OK" {
		t.Fatalf("SCRIPT FLUSH = %q, %v", r, err)
	}
	if _, err := st.Apply(ctx, "room", rooms.Change{Incrs: []rooms.Incr{{Key: "n", By: 1}}}); err != nil {
		t.Errorf("Apply after SCRIPT FLUSH: %v", err)
	}
	if _, err := st.Load(ctx, "room"); err != nil {
		t.Errorf("Load after SCRIPT FLUSH: %v", err)
	}
}

// A join code key lost while its room lives (a refresh that failed) is put
// back by the next Touch.
func TestTouchRepairsCode(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: "fix"})
	ctx := t.Context()
	if _, err := st.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Do("DEL fix:code:CODE"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RoomByCode(ctx, "CODE"); !errors.Is(err, rooms.ErrRoomNotFound) {
		t.Fatalf("RoomByCode without its key: %v", err)
	}
	if err := st.Touch(ctx, "room"); err != nil {
		t.Fatal(err)
	}
	if id, err := st.RoomByCode(ctx, "CODE"); err != nil || id != "room" {
		t.Errorf("RoomByCode after Touch = %q, %v", id, err)
	}
}

// Subscribe returns only once Redis has the subscription: a change applied
// right after it is always delivered. (The hub relies on this: it
// subscribes, then reads the room's position.)
func TestSubscribeThenApply(t *testing.T) {
	st := newStore(t, redisstore.Options{URL: redistest.Start(t)})
	ctx := t.Context()
	for i := range 100 {
		room := fmt.Sprintf("room-%d", i)
		if _, err := st.CreateRoom(ctx, room, room, time.Minute, rooms.Change{}); err != nil {
			t.Fatal(err)
		}
		got := make(chan rooms.Notice, 1)
		cancel, err := st.Subscribe(room, func(n rooms.Notice) { got <- n })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Apply(ctx, room, rooms.Change{Events: []rooms.Draft{{Type: "first"}}}); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-got:
			if n.Event == nil || n.Event.Seq != 1 {
				t.Fatalf("%s: first notice %+v, want event 1", room, n)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("%s: the event applied right after Subscribe never arrived", room)
		}
		cancel()
	}
}

// A change Redis cannot complete fails before writing anything: Redis
// never rolls back a script that stops halfway.
func TestNoHalfAppliedChange(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL()})
	ctx := t.Context()
	if _, err := st.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{Incrs: []rooms.Incr{{Key: "n", By: 1 << 62}}}); err != nil {
		t.Fatal(err)
	}
	before, err := st.Load(ctx, "room")
	if err != nil {
		t.Fatal(err)
	}
	change := rooms.Change{
		Actor: "a", CmdID: "c", Reply: json.RawMessage(`1`),
		Puts:   []rooms.Put{{Key: "k", Value: json.RawMessage(`1`)}},
		Once:   []rooms.Once{{Set: "s", Member: "m"}},
		Incrs:  []rooms.Incr{{Key: "other", By: 1}, {Key: "n", By: 1 << 62}},
		Events: []rooms.Draft{{Type: "e"}},
	}
	// Past int64: HINCRBY would fail after the Puts were written.
	var le *rooms.LimitError
	if _, err := st.Apply(ctx, "room", change); !errors.As(err, &le) || le.Key != "n" {
		t.Errorf("counter past int64: err = %v, want *LimitError{n}", err)
	}
	// Out of memory: Redis refuses the whole script.
	if r, err := srv.Do("CONFIG SET maxmemory 1"); err != nil || r != "+OK" {
		t.Fatalf("CONFIG SET maxmemory = %q, %v", r, err)
	}
	change.Incrs = change.Incrs[:1]
	_, err = st.Apply(ctx, "room", change)
	unavailable(t, "Apply while Redis is out of memory", err)
	if r, err := srv.Do("CONFIG SET maxmemory 0"); err != nil || r != "+OK" {
		t.Fatalf("CONFIG SET maxmemory = %q, %v", r, err)
	}
	if after, err := st.Load(ctx, "room"); err != nil || !reflect.DeepEqual(after, before) {
		t.Errorf("room changed by failed changes:\n got  %+v, %v\n want %+v", after, err, before)
	}
	if _, ok, err := st.Reply(ctx, "room", "a", "c"); ok || err != nil {
		t.Errorf("failed change stored its reply (err %v)", err)
	}
	if a, err := st.Apply(ctx, "room", change); err != nil || a.Duplicate || a.Pos.Seq != 1 {
		t.Errorf("Apply once Redis has memory again = %+v, %v", a, err)
	}
}

// Close ends every subscription; Subscribe afterwards fails.
func TestCloseWithSubscribers(t *testing.T) {
	url := redistest.Start(t)
	st, err := redisstore.New(redisstore.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateRoom(t.Context(), "room", "CODE", time.Minute, rooms.Change{}); err != nil {
		t.Fatal(err)
	}
	cancel, err := st.Subscribe("room", func(rooms.Notice) {})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	cancel() // after Close: harmless
	if err := st.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := st.Subscribe("room", func(rooms.Notice) {}); err == nil {
		t.Error("Subscribe after Close succeeded")
	}
}

// ---- helpers ----

func unavailable(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, rooms.ErrUnavailable) {
		t.Errorf("%s: err = %v, want ErrUnavailable", what, err)
	}
}

// client returns a plain go-redis client on srv, for looking at keys.
func client(t *testing.T, srv *redistest.Server) *redis.Client {
	t.Helper()
	o, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(o)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// hashTag returns the part of key Redis Cluster hashes: the text between
// the first '{' and the next '}', when not empty, else the whole key.
func hashTag(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			return key[i+1 : i+1+j]
		}
	}
	return key
}

type collector struct {
	mu      sync.Mutex
	notices []rooms.Notice
}

func (c *collector) add(n rooms.Notice) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.notices = append(c.notices, n)
}

func (c *collector) waitFor(t *testing.T, what string, match func(rooms.Notice) bool) {
	t.Helper()
	eventually(t, what, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return slices.ContainsFunc(c.notices, match)
	})
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkApply measures one vote-like change: a command id and reply, a
// once-only member, a counter, an event and a Touch, in one script.
func BenchmarkApply(b *testing.B) {
	st := benchRoom(b, "bench")
	ctx := b.Context()
	var i atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := i.Add(1)
			id := strconv.FormatInt(n, 10)
			if _, err := st.Apply(ctx, "r", rooms.Change{
				Actor: "m" + id, CmdID: "vote", Reply: json.RawMessage(`{"ok":true}`),
				Once:   []rooms.Once{{Set: "voted:q1", Member: "m" + id}},
				Incrs:  []rooms.Incr{{Key: "q1:a", By: 1}},
				Events: []rooms.Draft{{Type: "voted", To: rooms.Audience{Facilitators: true}}},
				Touch:  []string{"tally:q1"},
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A Redis URL that does not parse is refused without its password: the
// message goes to the operator's terminal and logs.
func TestBadURLHidesPassword(t *testing.T) {
	for _, u := range []string{"redis://user:s3cr3tPW@127.0.0.1:notaport/0", "redis://:s3cr3tPW@host:6379/notadb"} {
		_, err := redisstore.New(redisstore.Options{URL: u})
		if err == nil || strings.Contains(err.Error(), "s3cr3tPW") {
			t.Fatalf("New(%q): %v", u, err)
		}
	}
}
