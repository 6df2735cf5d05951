package roomstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"huddle/rooms"
)

// libraryTests checks rooms.Library. Each test uses collections of its own
// (stores under test may share a backend).
func libraryTests(t *testing.T, run func(*testing.T, string, func(*testing.T, Options, rooms.Store))) {
	run(t, "GetAbsent", testLibGetAbsent)
	run(t, "PutVersions", testLibPutVersions)
	run(t, "ListAndDelete", testLibListDelete)
	run(t, "Expiry", testLibExpiry)
	run(t, "OneWinnerPerVersion", testLibConcurrent)
	run(t, "Limit", testLibLimit)
}

func libColl(t *testing.T) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "t" + hex.EncodeToString(b[:])
}

func libCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

func testLibGetAbsent(t *testing.T, _ Options, st rooms.Store) {
	ctx := libCtx(t)
	d, err := st.LibraryGet(ctx, libColl(t), "nothing")
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 0 || d.Value != nil || d.Key != "nothing" {
		t.Fatalf("absent document = %+v, want key only and version 0", d)
	}
	docs, err := st.LibraryList(ctx, libColl(t))
	if err != nil || len(docs) != 0 {
		t.Fatalf("empty collection lists %v, %v", docs, err)
	}
	if err := st.LibraryDelete(ctx, libColl(t), "nothing", rooms.AnyVersion); !errors.Is(err, rooms.ErrDocNotFound) {
		t.Fatalf("deleting an absent document: %v, want ErrDocNotFound", err)
	}
}

func testLibPutVersions(t *testing.T, _ Options, st rooms.Store) {
	ctx := libCtx(t)
	c := libColl(t)
	v1, err := st.LibraryPut(ctx, c, "a", json.RawMessage(`{"n":1}`), 0, 0, 0)
	if err != nil || v1 == 0 {
		t.Fatalf("create: %d, %v", v1, err)
	}
	if _, err := st.LibraryPut(ctx, c, "a", json.RawMessage(`{"n":9}`), 0, 0, 0); !errors.Is(err, rooms.ErrConflict) {
		t.Fatalf("creating an existing document: %v, want ErrConflict", err)
	}
	v2, err := st.LibraryPut(ctx, c, "a", json.RawMessage(`{"n":2}`), v1, 0, 0)
	if err != nil || v2 == 0 || v2 == v1 {
		t.Fatalf("update at the current version: %d, %v (was %d)", v2, err, v1)
	}
	if _, err := st.LibraryPut(ctx, c, "a", json.RawMessage(`{"n":9}`), v1, 0, 0); !errors.Is(err, rooms.ErrConflict) {
		t.Fatalf("update at a stale version: %v, want ErrConflict", err)
	}
	if _, err := st.LibraryPut(ctx, c, "b", json.RawMessage(`{"n":9}`), v2, 0, 0); !errors.Is(err, rooms.ErrConflict) {
		t.Fatalf("update of an absent document at a version: %v, want ErrConflict", err)
	}
	d, err := st.LibraryGet(ctx, c, "a")
	if err != nil || d.Version != v2 || string(d.Value) != `{"n":2}` {
		t.Fatalf("get = %+v, %v; want version %d and n 2 (failed puts change nothing)", d, err, v2)
	}
	v3, err := st.LibraryPut(ctx, c, "a", json.RawMessage(`{"n":3}`), rooms.AnyVersion, 0, 0)
	if err != nil || v3 == v2 {
		t.Fatalf("unconditional put: %d, %v", v3, err)
	}
	if _, err := st.LibraryPut(ctx, c, "new", json.RawMessage(`{}`), rooms.AnyVersion, 0, 0); err != nil {
		t.Fatalf("unconditional create: %v", err)
	}
	// Another collection is another namespace.
	if d, _ := st.LibraryGet(ctx, libColl(t), "a"); d.Version != 0 {
		t.Fatalf("collections share ids: %+v", d)
	}
}

func testLibListDelete(t *testing.T, _ Options, st rooms.Store) {
	ctx := libCtx(t)
	c := libColl(t)
	want := map[string]string{}
	vers := map[string]uint64{}
	for _, id := range []string{"x", "y", "z-1"} {
		val := `{"id":"` + id + `"}`
		v, err := st.LibraryPut(ctx, c, id, json.RawMessage(val), 0, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want[id], vers[id] = val, v
	}
	list := func() map[string]rooms.Doc {
		t.Helper()
		docs, err := st.LibraryList(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]rooms.Doc{}
		for _, d := range docs {
			if _, dup := out[d.Key]; dup {
				t.Fatalf("list holds %q twice", d.Key)
			}
			out[d.Key] = d
		}
		return out
	}
	got := list()
	if len(got) != len(want) {
		t.Fatalf("list = %v, want %v", got, want)
	}
	for id, val := range want {
		if string(got[id].Value) != val || got[id].Version != vers[id] {
			t.Fatalf("list[%s] = %+v, want %s at %d", id, got[id], val, vers[id])
		}
	}
	if err := st.LibraryDelete(ctx, c, "y", vers["y"]+1); !errors.Is(err, rooms.ErrConflict) {
		t.Fatalf("delete at a stale version: %v, want ErrConflict", err)
	}
	if err := st.LibraryDelete(ctx, c, "y", vers["y"]); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := st.LibraryDelete(ctx, c, "x", rooms.AnyVersion); err != nil {
		t.Fatalf("unconditional delete: %v", err)
	}
	got = list()
	if len(got) != 1 || got["z-1"].Version != vers["z-1"] {
		t.Fatalf("after deletes the list is %v, want only z-1", got)
	}
	if d, _ := st.LibraryGet(ctx, c, "y"); d.Version != 0 {
		t.Fatalf("deleted document still there: %+v", d)
	}
	if err := st.LibraryDelete(ctx, c, "y", rooms.AnyVersion); !errors.Is(err, rooms.ErrDocNotFound) {
		t.Fatalf("deleting twice: %v, want ErrDocNotFound", err)
	}
	// A deleted id can be created again.
	if _, err := st.LibraryPut(ctx, c, "y", json.RawMessage(`{}`), 0, 0, 0); err != nil {
		t.Fatalf("re-create after delete: %v", err)
	}
}

func testLibExpiry(t *testing.T, _ Options, st rooms.Store) {
	ctx := libCtx(t)
	c := libColl(t)
	if _, err := st.LibraryPut(ctx, c, "short", json.RawMessage(`1`), 0, 300*time.Millisecond, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LibraryPut(ctx, c, "kept", json.RawMessage(`2`), 0, 300*time.Millisecond, 0); err != nil {
		t.Fatal(err)
	}
	// A put without ttl makes a document permanent again.
	if _, err := st.LibraryPut(ctx, c, "kept", json.RawMessage(`3`), rooms.AnyVersion, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LibraryPut(ctx, c, "long", json.RawMessage(`4`), 0, time.Hour, 0); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.LibraryGet(ctx, c, "short"); d.Version == 0 {
		t.Fatal("a document with a ttl is gone at once")
	}
	deadline := time.Now().Add(waitTimeout)
	for {
		d, err := st.LibraryGet(ctx, c, "short")
		if err != nil {
			t.Fatal(err)
		}
		if d.Version == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a document did not expire after its ttl")
		}
		time.Sleep(pollInterval)
	}
	docs, err := st.LibraryList(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, d := range docs {
		ids[d.Key] = true
	}
	if ids["short"] || !ids["kept"] || !ids["long"] || len(ids) != 2 {
		t.Fatalf("after expiry the list holds %v, want kept and long", ids)
	}
	// The expired id is free again.
	if _, err := st.LibraryPut(ctx, c, "short", json.RawMessage(`5`), 0, 0, 0); err != nil {
		t.Fatalf("re-create an expired id: %v", err)
	}
}

func testLibConcurrent(t *testing.T, _ Options, st rooms.Store) {
	ctx := libCtx(t)
	c := libColl(t)
	v0, err := st.LibraryPut(ctx, c, "doc", json.RawMessage(`0`), 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	wins := make(chan uint64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := st.LibraryPut(ctx, c, "doc", json.RawMessage(fmt.Sprintf(`{"writer":%d}`, i)), v0, 0, 0)
			if err == nil {
				wins <- v
			} else if !errors.Is(err, rooms.ErrConflict) {
				t.Errorf("put: %v", err)
			}
		}()
	}
	wg.Wait()
	close(wins)
	if len(wins) != 1 {
		t.Fatalf("%d writers won at the same version, want exactly 1", len(wins))
	}
}

// A limit counts live documents, applies to new documents only, and is
// exact under concurrent creates.
func testLibLimit(t *testing.T, _ Options, st rooms.Store) {
	ctx := libCtx(t)
	c := libColl(t)
	for _, id := range []string{"a", "b"} {
		if _, err := st.LibraryPut(ctx, c, id, json.RawMessage(`1`), 0, 0, 3); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.LibraryPut(ctx, c, "gone", json.RawMessage(`1`), 0, 200*time.Millisecond, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LibraryPut(ctx, c, "d", json.RawMessage(`1`), 0, 0, 3); !errors.Is(err, rooms.ErrLibraryFull) {
		t.Fatalf("a fourth document under a limit of 3: %v, want ErrLibraryFull", err)
	}
	// Replacing a document is not adding one.
	if _, err := st.LibraryPut(ctx, c, "a", json.RawMessage(`2`), rooms.AnyVersion, 0, 3); err != nil {
		t.Fatalf("replace at the limit: %v", err)
	}
	// An expired document no longer counts.
	deadline := time.Now().Add(waitTimeout)
	for {
		_, err := st.LibraryPut(ctx, c, "d", json.RawMessage(`1`), 0, 0, 3)
		if err == nil {
			break
		}
		if !errors.Is(err, rooms.ErrLibraryFull) || time.Now().After(deadline) {
			t.Fatalf("after expiry: %v", err)
		}
		time.Sleep(pollInterval)
	}
	// Concurrent creates never pass the limit.
	c2 := libColl(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.LibraryPut(ctx, c2, fmt.Sprint("p", i), json.RawMessage(`1`), 0, 0, 5); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			} else if !errors.Is(err, rooms.ErrLibraryFull) {
				t.Errorf("put: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 5 {
		t.Fatalf("%d concurrent creates succeeded under a limit of 5", ok)
	}
}

// LibraryReopen checks that a store's library outlives the store: what
// one store wrote, a store opened after it was closed on the same backend
// (the same Redis, the same data directory) reads the same, versions
// included, and holds to the same rules (versions, limits, expiry). open
// returns a new store on that backend each time it is called; the test
// closes each store before it opens the next.
func LibraryReopen(t *testing.T, open func(t *testing.T) rooms.Store) {
	t.Helper()
	ctx := libCtx(t)
	c, other := libColl(t), libColl(t)
	put := func(st rooms.Store, coll, id, val string, expect uint64, ttl time.Duration, limit int) uint64 {
		t.Helper()
		v, err := st.LibraryPut(ctx, coll, id, json.RawMessage(val), expect, ttl, limit)
		if err != nil {
			t.Fatalf("put %s %q: %v", coll, id, err)
		}
		return v
	}
	// Ids a file system could mistake: a path, and two that differ only
	// in case.
	odd := []string{"../../out of place", "Mixed-Case", "mixed-case", "ünïcode id"}

	st := open(t)
	va := put(st, c, "a", `{"n":1}`, 0, 0, 0)
	va = put(st, c, "a", `{"n":2}`, va, 0, 0) // replaced: the last version is kept
	vb := put(st, c, "b", `{"b":true}`, 0, time.Hour, 0)
	gone := put(st, c, "gone", `1`, 0, 0, 0)
	if err := st.LibraryDelete(ctx, c, "gone", gone); err != nil {
		t.Fatal(err)
	}
	put(st, c, "short", `1`, 0, 300*time.Millisecond, 0)
	vo := put(st, other, "a", `"other"`, 0, 0, 0)
	oddVers := map[string]uint64{}
	for i, id := range odd {
		oddVers[id] = put(st, c, id, fmt.Sprintf(`{"odd":%d}`, i), 0, 0, 0)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	st = open(t)
	get := func(coll, id string) rooms.Doc {
		t.Helper()
		d, err := st.LibraryGet(ctx, coll, id)
		if err != nil {
			t.Fatalf("get %s %q: %v", coll, id, err)
		}
		return d
	}
	if d := get(c, "a"); d.Version != va || string(d.Value) != `{"n":2}` {
		t.Fatalf("after reopening, a = %+v (%s), want version %d and n 2", d, d.Value, va)
	}
	if d := get(c, "b"); d.Version != vb || string(d.Value) != `{"b":true}` {
		t.Fatalf("after reopening, b (expiring in an hour) = %+v, want version %d", d, vb)
	}
	if d := get(c, "gone"); d.Version != 0 {
		t.Fatalf("a deleted document is back after reopening: %+v", d)
	}
	if d := get(other, "a"); d.Version != vo || string(d.Value) != `"other"` {
		t.Fatalf("after reopening, the other collection's a = %+v", d)
	}
	for i, id := range odd {
		if d := get(c, id); d.Version != oddVers[id] || string(d.Value) != fmt.Sprintf(`{"odd":%d}`, i) {
			t.Fatalf("after reopening, %q = %+v (%s), want version %d", id, d, d.Value, oddVers[id])
		}
	}
	// The short-lived document expires as it would have.
	deadline := time.Now().Add(waitTimeout)
	for get(c, "short").Version != 0 {
		if time.Now().After(deadline) {
			t.Fatal("a document did not expire after its ttl, across a reopening")
		}
		time.Sleep(pollInterval)
	}
	docs, err := st.LibraryList(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.Key)
	}
	slices.Sort(ids)
	want := append([]string{"a", "b"}, odd...)
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Fatalf("after reopening the list holds %q, want %q", ids, want)
	}

	// Versions from before still guard: the old one conflicts, the
	// current one wins.
	if _, err := st.LibraryPut(ctx, c, "a", json.RawMessage(`{"n":9}`), va+1, 0, 0); !errors.Is(err, rooms.ErrConflict) {
		t.Fatalf("update at a stale version after reopening: %v, want ErrConflict", err)
	}
	if _, err := st.LibraryPut(ctx, c, "a", json.RawMessage(`{"n":9}`), 0, 0, 0); !errors.Is(err, rooms.ErrConflict) {
		t.Fatalf("creating a document kept from before: %v, want ErrConflict", err)
	}
	if err := st.LibraryDelete(ctx, c, "b", vb+1); !errors.Is(err, rooms.ErrConflict) {
		t.Fatalf("delete at a stale version after reopening: %v, want ErrConflict", err)
	}
	va3 := put(st, c, "a", `{"n":3}`, va, 0, 0)
	// The documents kept from before count toward a limit.
	limit := len(want)
	if _, err := st.LibraryPut(ctx, c, "new", json.RawMessage(`1`), 0, 0, limit); !errors.Is(err, rooms.ErrLibraryFull) {
		t.Fatalf("a document past a limit of %d after reopening: %v, want ErrLibraryFull", limit, err)
	}
	if err := st.LibraryDelete(ctx, c, "b", vb); err != nil {
		t.Fatalf("delete at the version kept from before: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	// What the reopened store changed is kept too.
	st = open(t)
	if d := get(c, "a"); d.Version != va3 || string(d.Value) != `{"n":3}` {
		t.Fatalf("after a second reopening, a = %+v, want version %d and n 3", d, va3)
	}
	if d := get(c, "b"); d.Version != 0 {
		t.Fatalf("b, deleted after the first reopening, is back: %+v", d)
	}
	if d := get(c, "short"); d.Version != 0 {
		t.Fatalf("an expired document is back: %+v", d)
	}
}
