package redisstore_test

import (
	"crypto/rand"
	"strings"
	"testing"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
	"huddle/rooms/roomstest"
)

// The library outlives a node: a store opened on the same Redis (and
// prefix) after another closed reads what that one wrote, as the
// embedded store's data directory does (memory.TestLibraryReopen).
func TestLibraryReopen(t *testing.T) {
	url := redistest.Start(t)
	prefix := "t" + strings.ToLower(rand.Text()[:10])
	roomstest.LibraryReopen(t, func(t *testing.T) rooms.Store {
		st := newStore(t, redisstore.Options{URL: url, Prefix: prefix})
		if !st.LibraryDurable() {
			t.Error("the Redis store says its library is not durable")
		}
		return st
	})
}
