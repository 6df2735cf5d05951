package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
)

//go:embed lua/library.lua
var libraryLua string

var libraryScript = writer(libraryLua)

// Library keys: one hash tag per collection, so its index and documents
// live in one slot (and one script may touch them together).
func (k keyspace) libTag(coll string) string     { return k.prefix + ":{lib:" + coll + "}:" }
func (k keyspace) libIndex(coll string) string   { return k.libTag(coll) + "idx" }
func (k keyspace) libDoc(coll, id string) string { return k.libTag(coll) + "d:" + id }

func checkColl(coll string) error {
	if coll == "" || strings.ContainsAny(coll, "{}") {
		return fmt.Errorf("redisstore: bad library collection %q", coll)
	}
	return nil
}

func expectArg(v uint64) string {
	if v == rooms.AnyVersion {
		return "any"
	}
	return strconv.FormatUint(v, 10)
}

// LibraryGet implements rooms.Library.
func (s *Store) LibraryGet(ctx context.Context, coll, id string) (rooms.Doc, error) {
	if err := checkColl(coll); err != nil {
		return rooms.Doc{}, err
	}
	res, err := s.cmd.HMGet(ctx, s.keys.libDoc(coll, id), "v", "d").Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return rooms.Doc{}, fail("library get", err)
	}
	d := rooms.Doc{Key: id}
	if len(res) == 2 && res[0] != nil {
		d.Version, _ = strconv.ParseUint(str(res[0]), 10, 64)
		d.Value = bytesOf(res[1])
	}
	return d, nil
}

// LibraryList implements rooms.Library.
func (s *Store) LibraryList(ctx context.Context, coll string) ([]rooms.Doc, error) {
	if err := checkColl(coll); err != nil {
		return nil, err
	}
	res, err := libraryScript.Run(ctx, s.cmd, []string{s.keys.libIndex(coll), s.keys.libDoc(coll, "")}, "list", s.keys.libDoc(coll, "")).Slice()
	if err != nil {
		return nil, fail("library list", err)
	}
	out := make([]rooms.Doc, 0, len(res)/3)
	for i := 0; i+2 < len(res); i += 3 {
		v, _ := strconv.ParseUint(str(res[i+1]), 10, 64)
		out = append(out, rooms.Doc{Key: str(res[i]), Version: v, Value: bytesOf(res[i+2])})
	}
	return out, nil
}

// LibraryPut implements rooms.Library.
func (s *Store) LibraryPut(ctx context.Context, coll, id string, value json.RawMessage, expect uint64, ttl time.Duration, limit int) (uint64, error) {
	if err := checkColl(coll); err != nil {
		return 0, err
	}
	v := rooms.NewVersion()
	ms := int64(0)
	if ttl > 0 {
		ms = max(ttl.Milliseconds(), 1)
	}
	res, err := libraryScript.Run(ctx, s.cmd, []string{s.keys.libIndex(coll), s.keys.libDoc(coll, id)},
		"put", id, expectArg(expect), strconv.FormatUint(v, 10), []byte(value), ms, limit).Text()
	if err != nil {
		return 0, fail("library put", err)
	}
	switch res {
	case "conflict":
		return 0, rooms.ErrConflict
	case "full":
		return 0, rooms.ErrLibraryFull
	}
	return v, nil
}

// LibraryDelete implements rooms.Library.
func (s *Store) LibraryDelete(ctx context.Context, coll, id string, expect uint64) error {
	if err := checkColl(coll); err != nil {
		return err
	}
	res, err := libraryScript.Run(ctx, s.cmd, []string{s.keys.libIndex(coll), s.keys.libDoc(coll, id)},
		"delete", id, expectArg(expect)).Text()
	if err != nil {
		return fail("library delete", err)
	}
	switch res {
	case "notfound":
		return rooms.ErrDocNotFound
	case "conflict":
		return rooms.ErrConflict
	}
	return nil
}

// LibraryDurable implements rooms.DurableLibrary: Redis keeps the library
// whatever becomes of the nodes (as durably as Redis is configured to).
func (s *Store) LibraryDurable() bool { return true }
