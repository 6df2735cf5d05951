package redisstore_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// Documents live in one hash per class, each created as a hash table
// (never an insertion-ordered listpack) and listed in the room's classes
// hash; a class whose last document is deleted goes, hash and entry.
func TestClassHashes(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: "cls"})
	rdb := client(t, srv)
	ctx := t.Context()
	if _, err := st.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{Puts: []rooms.Put{
		{Key: "room", Value: json.RawMessage(`{}`)},
		{Key: "member:1", Value: json.RawMessage(`{"id":"1"}`)},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(ctx, "room", rooms.Change{Puts: []rooms.Put{
		{Key: "bal:e1:a:k1", Value: json.RawMessage(`1`)},
		{Key: "bal:e1:a:k2", Value: json.RawMessage(`2`)},
	}}); err != nil {
		t.Fatal(err)
	}
	classes := func() []string {
		t.Helper()
		h, err := rdb.HKeys(ctx, "cls:{room}:classes").Result()
		if err != nil {
			t.Fatal(err)
		}
		return slices.Sorted(slices.Values(slices.DeleteFunc(h, func(f string) bool { return f == "\x00order" })))
	}
	if got, want := classes(), []string{"", "bal:", "member:"}; !slices.Equal(got, want) {
		t.Fatalf("classes = %q, want %q", got, want)
	}
	for _, k := range []string{"classes", "d:", "d:member:", "d:bal:", "ctr", "sets", "rep"} {
		key := "cls:{room}:" + k
		if enc, err := rdb.ObjectEncoding(ctx, key).Result(); err != nil || enc != "hashtable" {
			t.Errorf("OBJECT ENCODING %s = %q, %v; want hashtable (no order of writes)", key, enc, err)
		}
	}
	if _, err := st.Apply(ctx, "room", rooms.Change{Puts: []rooms.Put{{Key: "bal:e1:a:k1"}, {Key: "bal:e1:a:k2"}}}); err != nil {
		t.Fatal(err)
	}
	if got, want := classes(), []string{"", "member:"}; !slices.Equal(got, want) {
		t.Fatalf("classes after deleting every ballot = %q, want %q", got, want)
	}
	if n, err := rdb.Exists(ctx, "cls:{room}:d:bal:").Result(); err != nil || n != 0 {
		t.Fatalf("the emptied class's hash is still there (%d, %v)", n, err)
	}
	// A class comes back as a hash table.
	if _, err := st.Apply(ctx, "room", rooms.Change{Puts: []rooms.Put{{Key: "bal:e2:a:k", Value: json.RawMessage(`1`)}}}); err != nil {
		t.Fatal(err)
	}
	if enc, err := rdb.ObjectEncoding(ctx, "cls:{room}:d:bal:").Result(); err != nil || enc != "hashtable" {
		t.Errorf("OBJECT ENCODING of a class made again = %q, %v", enc, err)
	}
	docs, err := st.Get(ctx, "room", "bal:e1:a:k1", "bal:e2:a:k", "member:1", "room", "nothing")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"", "1", `{"id":"1"}`, "{}", ""} {
		if string(docs[i].Value) != want || (docs[i].Version == 0) != (want == "") {
			t.Errorf("Get %s = %+v, want value %q", docs[i].Key, docs[i], want)
		}
	}
}

// Load never touches the hash of a class it skips whole: with the tokens'
// hash replaced by a string, a Load skipping "tok:" works and one reading
// it fails. Prefixes finer than a class filter within it.
func TestLoadSkipsClassesUnread(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: "skip"})
	ctx := t.Context()
	if _, err := st.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{Puts: []rooms.Put{
		{Key: "room", Value: json.RawMessage(`1`)},
		{Key: "tok:abc", Value: json.RawMessage(`2`)},
		{Key: "bal:e1:a:k", Value: json.RawMessage(`3`)},
		{Key: "bal:e2:a:k", Value: json.RawMessage(`4`)},
	}}); err != nil {
		t.Fatal(err)
	}
	if r, err := srv.Do("SET skip:{room}:d:tok: not-a-hash"); err != nil || r != "+OK" {
		t.Fatalf("SET = %q, %v", r, err)
	}
	s, err := st.Load(ctx, "room", "tok:", "bal:e1:")
	if err != nil {
		t.Fatalf("Load skipping tok: touched its hash: %v", err)
	}
	if got := strings.Join(slices.Sorted(maps.Keys(s.Docs)), ","); got != "bal:e2:a:k,room" {
		t.Errorf("Load skipping tok: and bal:e1: = %s", got)
	}
	if _, err := st.Load(ctx, "room", "bal:"); err == nil || errors.Is(err, rooms.ErrRoomNotFound) {
		t.Errorf("Load reading the broken tok: hash: err = %v, want WRONGTYPE", err)
	}
	docs, err := st.DocsWithPrefix(ctx, "room", "bal:e2")
	if err != nil || len(docs) != 1 || docs[0].Key != "bal:e2:a:k" || string(docs[0].Value) != "4" || docs[0].Version == 0 {
		t.Errorf("DocsWithPrefix(bal:e2) = %+v, %v", docs, err)
	}
}

// A room written by an earlier version (one docs and one vers hash, no
// layout in meta) is taken for absent by every method, without error or
// change, and expires on its own.
func TestOldLayoutRoomIsAbsent(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: "old"})
	rdb := client(t, srv)
	ctx := t.Context()
	for _, cmd := range []string{
		"HSET old:{room}:meta epoch e1 seq 3 ttl 60000 code OLD ext 99999999999999",
		"HSET old:{room}:docs room {} member:1 {}",
		"HSET old:{room}:vers room 17 member:1 18",
		"SET old:code:OLD \"room e1\"",
		"ZADD old:rooms 99999999999999 room",
	} {
		if _, err := srv.Do(cmd); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
	}
	before, err := rdb.Keys(ctx, "old:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, rooms.ErrRoomNotFound) {
			t.Errorf("%s on an old room: err = %v, want ErrRoomNotFound", what, err)
		}
	}
	_, err = st.RoomByCode(ctx, "OLD")
	notFound("RoomByCode", err)
	_, err = st.Load(ctx, "room")
	notFound("Load", err)
	_, err = st.Get(ctx, "room", "room")
	notFound("Get", err)
	_, err = st.DocsWithPrefix(ctx, "room", "member:")
	notFound("DocsWithPrefix", err)
	_, err = st.Apply(ctx, "room", rooms.Change{Puts: []rooms.Put{{Key: "x", Value: json.RawMessage(`1`)}}})
	notFound("Apply", err)
	notFound("Touch", st.Touch(ctx, "room"))
	_, err = st.History(ctx, "room", rooms.Position{Epoch: "e1"})
	notFound("History", err)
	notFound("UpdatePresence", st.UpdatePresence(ctx, "room", "n1", []string{"1"}, nil, time.Minute))
	_, err = st.Online(ctx, "room")
	notFound("Online", err)
	_, err = st.Counters(ctx, "room", "n")
	notFound("Counters", err)
	if n, err := st.CountRooms(ctx); err != nil || n != 0 {
		t.Errorf("CountRooms = %d, %v; want 0", n, err)
	}
	// The index still lists it; the limit check must not count it.
	if below, err := st.RoomsBelow(ctx, 1); err != nil || !below {
		t.Errorf("RoomsBelow(1) = %v, %v; want true", below, err)
	}
	after, err := rdb.Keys(ctx, "old:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(before)
	slices.Sort(after)
	if !slices.Equal(before, after) {
		t.Errorf("keys changed: %q, then %q", before, after)
	}
}

// RoomsBelow answers exactly whether the store holds fewer than n rooms,
// from the index alone while it lists fewer, and by counting from there.
func TestRoomsBelow(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: "rb"})
	ctx := t.Context()
	for i := range 3 {
		ttl := time.Hour
		if i == 2 {
			ttl = 300 * time.Millisecond
		}
		if _, err := st.CreateRoom(ctx, fmt.Sprint("room", i), fmt.Sprint("CODE", i), ttl, rooms.Change{}); err != nil {
			t.Fatal(err)
		}
	}
	below := func(n int) bool {
		t.Helper()
		b, err := st.RoomsBelow(ctx, n)
		if err != nil {
			t.Fatalf("RoomsBelow(%d): %v", n, err)
		}
		return b
	}
	if below(3) || !below(4) || below(1) {
		t.Errorf("3 rooms: below(3) %v, below(4) %v, below(1) %v", below(3), below(4), below(1))
	}
	// The short room's keys expire; its index entry outlives them (its
	// horizon is two ttls ahead), yet it no longer counts.
	deadline := time.Now().Add(10 * time.Second)
	for !below(3) {
		if time.Now().After(deadline) {
			t.Fatal("an expired room still counts against the limit")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if below(2) {
		t.Error("below(2) with 2 rooms held")
	}
}

// A room created again under the id of one whose meta and classes list
// an eviction dropped, leaving a class hash behind, inherits nothing.
func TestNewRoomInheritsNoEvictedClass(t *testing.T) {
	srv := redistest.StartServer(t)
	st := newStore(t, redisstore.Options{URL: srv.URL(), Prefix: "ev"})
	rdb := client(t, srv)
	ctx := t.Context()
	if _, err := st.CreateRoom(ctx, "room", "CODE1", time.Minute, rooms.Change{Puts: []rooms.Put{
		{Key: "member:old", Value: json.RawMessage(`{"id":"old"}`)},
	}}); err != nil {
		t.Fatal(err)
	}
	if err := rdb.Del(ctx, "ev:{room}:meta", "ev:{room}:classes").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateRoom(ctx, "room", "CODE2", time.Minute, rooms.Change{Puts: []rooms.Put{
		{Key: "member:new", Value: json.RawMessage(`{"id":"new"}`)},
	}}); err != nil {
		t.Fatal(err)
	}
	got, err := st.DocsWithPrefix(ctx, "room", "member:")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Key != "member:new" {
		t.Fatalf("members of the new room: %+v", got)
	}
	if enc, err := rdb.ObjectEncoding(ctx, "ev:{room}:d:member:").Result(); err != nil || enc != "hashtable" {
		t.Errorf("OBJECT ENCODING = %q, %v; want hashtable", enc, err)
	}
}
