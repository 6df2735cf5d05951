package redisstore_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// roomExpiries returns the expiry (unix ms, PEXPIRETIME) of every key of
// room under prefix, by its name after the room's tag, and META's exp.
func roomExpiries(t *testing.T, rdb *redis.Client, prefix, room string) (keys map[string]int64, exp int64) {
	t.Helper()
	ctx := context.Background()
	tag := prefix + ":{" + room + "}:"
	names, err := rdb.Keys(ctx, tag+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	keys = map[string]int64{}
	for _, k := range names {
		at, err := rdb.Do(ctx, "PEXPIRETIME", k).Int64()
		if err != nil {
			t.Fatal(err)
		}
		keys[strings.TrimPrefix(k, tag)] = at
	}
	e, err := rdb.HGet(ctx, tag+"meta", "exp").Result()
	if err != nil && err != redis.Nil {
		t.Fatal(err)
	}
	exp, _ = strconv.ParseInt(e, 10, 64)
	return keys, exp
}

// expireTogether fails t unless every key of the room expires, at the
// same instant as its meta key, which is exp.
func expireTogether(t *testing.T, keys map[string]int64, exp int64) {
	t.Helper()
	if keys["meta"] != exp {
		t.Errorf("meta expires at %d, META's exp is %d", keys["meta"], exp)
	}
	for k, at := range keys {
		if at <= 0 {
			t.Errorf("key %s has no expiry (PEXPIRETIME %d)", k, at)
		} else if at != keys["meta"] {
			t.Errorf("key %s expires at %d, the meta key at %d: they must expire together", k, at, keys["meta"])
		}
	}
}

// A change whose refresh of every key is skipped (the expiry set last is
// within the slack of now + ttl) still gives the expiry of the room to
// every key it creates, or makes again after an eviction: a new class
// hash, the once set's first member, the first event's history list, and
// the classes, counters, sets and answers hashes lost to an eviction.
// None lives without an expiry, none expires before the meta key.
func TestSkippedRefreshExpiresNewKeys(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: "skip"})
	rdb := client(t, srv)
	ctx := t.Context()
	const ttl = time.Hour // a slack of a minute (rooms.ExpirySlack)
	if _, err := st.CreateRoom(ctx, "room", "CODE", ttl, rooms.Change{Puts: []rooms.Put{
		{Key: "room", Value: json.RawMessage(`{}`)}, {Key: "member:1", Value: json.RawMessage(`1`)},
	}}); err != nil {
		t.Fatal(err)
	}
	before, exp := roomExpiries(t, rdb, "skip", "room")
	if exp == 0 {
		t.Fatal("CreateRoom set no exp in META")
	}
	expireTogether(t, before, exp)
	for _, k := range []string{"classes", "ctr", "sets", "rep"} {
		if err := rdb.Del(ctx, "skip:{room}:"+k).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Apply(ctx, "room", rooms.Change{
		Actor: "alice", CmdID: "c1", Reply: json.RawMessage(`"ok"`),
		Once:   []rooms.Once{{Set: "voted", Member: "alice"}},
		Puts:   []rooms.Put{{Key: "bal:x:1", Value: json.RawMessage(`1`)}, {Key: "b", Value: json.RawMessage(`2`)}},
		Incrs:  []rooms.Incr{{Key: "n", By: 1}},
		Events: []rooms.Draft{{Type: "e"}},
	}); err != nil {
		t.Fatal(err)
	}
	after, exp2 := roomExpiries(t, rdb, "skip", "room")
	if exp2 != exp {
		t.Fatalf("META's exp moved from %d to %d: the refresh was not skipped", exp, exp2)
	}
	for _, k := range []string{"classes", "ctr", "sets", "rep", "once", "hist", "d:bal:", "d:", "d:member:", "meta"} {
		if _, ok := after[k]; !ok {
			t.Errorf("no key %s after the change; keys: %v", k, after)
		}
	}
	expireTogether(t, after, exp)
}

// Every key's expiry is set again once the one set last lags now + ttl by
// more than the slack (ttl/20, at most a minute), by a change or a Touch,
// and at the first change of a room whose META has no exp (written by an
// earlier version); within the slack it is left alone.
func TestRefreshAfterSlack(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: "slack"})
	rdb := client(t, srv)
	ctx := t.Context()
	const ttl = 2 * time.Second
	if s := rooms.ExpirySlack(ttl); s != 100*time.Millisecond {
		t.Fatalf("ExpirySlack(%v) = %v, want 100ms", ttl, s)
	}
	if _, err := st.CreateRoom(ctx, "room", "CODE", ttl, rooms.Change{Puts: []rooms.Put{{Key: "member:1", Value: json.RawMessage(`1`)}}}); err != nil {
		t.Fatal(err)
	}
	vote := func(n int) {
		t.Helper()
		if _, err := st.Apply(ctx, "room", rooms.Change{
			Actor: "m" + strconv.Itoa(n), CmdID: "v", Reply: json.RawMessage(`"ok"`),
			Once:  []rooms.Once{{Set: "voted", Member: strconv.Itoa(n)}},
			Puts:  []rooms.Put{{Key: "bal:e:" + strconv.Itoa(n), Value: json.RawMessage(`1`)}},
			Incrs: []rooms.Incr{{Key: "n", By: 1}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	_, exp0 := roomExpiries(t, rdb, "slack", "room")
	start := time.Now()
	vote(1)
	if err := st.Touch(ctx, "room"); err != nil {
		t.Fatal(err)
	}
	keys, exp := roomExpiries(t, rdb, "slack", "room")
	if time.Since(start) < 50*time.Millisecond && exp != exp0 {
		t.Errorf("a change and a Touch within the slack moved exp from %d to %d", exp0, exp)
	}
	expireTogether(t, keys, exp)
	for i, refresh := range []func(){func() { vote(2) }, func() { _ = st.Touch(ctx, "room") }} {
		time.Sleep(150 * time.Millisecond)
		refresh()
		keys, next := roomExpiries(t, rdb, "slack", "room")
		if next < exp+150 {
			t.Errorf("refresh %d past the slack: exp %d, was %d", i, next, exp)
		}
		expireTogether(t, keys, next)
		exp = next
	}
	// A room of an earlier version: no exp, so its first change refreshes.
	if err := rdb.HDel(ctx, "slack:{room}:meta", "exp").Err(); err != nil {
		t.Fatal(err)
	}
	vote(3)
	keys, next := roomExpiries(t, rdb, "slack", "room")
	if next == 0 {
		t.Fatal("a change to a room without exp set none")
	}
	expireTogether(t, keys, next)
}

// A vote in a room whose every key's expiry is within the slack visits
// none of the room's other keys: no HKEYS of the classes, and one
// PEXPIREAT, NX, for the once set (which nothing cheaper tells new).
func TestVoteSkipsRefresh(t *testing.T) {
	url := redistest.Start(t)
	st := newStore(t, redisstore.Options{URL: url, Prefix: "quiet"})
	rs := fillVoteRooms(t, st, 1, 10)
	ctx := t.Context()
	vote := func(n int) {
		t.Helper()
		if _, err := st.Apply(ctx, rs[0].id, voteChange(rs[0], n)); err != nil {
			t.Fatal(err)
		}
	}
	vote(0) // the first ballot makes the bal: class
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(o)
	defer rdb.Close()
	if err := rdb.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	const votes = 10
	for n := 1; n <= votes; n++ {
		vote(n)
	}
	calls, _ := commandStats(t, rdb)
	if calls["hkeys"] != 0 || calls["pexpireat"] != votes {
		t.Errorf("%d votes made %d HKEYS and %d PEXPIREAT, want none and %d", votes, calls["hkeys"], calls["pexpireat"], votes)
	}
	var total int64
	for c, n := range calls {
		if !scriptEntry(c) {
			total += n
		}
	}
	// 18: the 17 of the change itself and META's version, which spares
	// every node following the room a read of its counters (mirror.go).
	if total > 18*votes {
		t.Errorf("%d votes made %d redis.calls (%v), want at most 18 each", votes, total, calls)
	}
}
