package rooms

import (
	"context"
	"encoding/json"
	"time"
)

// The library holds documents that live outside any room, so that every
// node of a deployment shares them: the trainers' exercise packs and the
// results of ended rooms (sessions). Each collection maps ids to versioned
// documents; a document may expire.
//
// Library collections.
const (
	LibPacks    = "packs"
	LibSessions = "sessions"
)

// AnyVersion, as the expected version of LibraryPut or LibraryDelete,
// skips the version check.
const AnyVersion = ^uint64(0)

// Library is the part of a Store that keeps the library. Every Store has
// it (see Store); roomstest checks it.
type Library interface {
	// LibraryGet returns document id of collection coll; Version 0 when
	// absent or expired.
	LibraryGet(ctx context.Context, coll, id string) (Doc, error)
	// LibraryList returns every live document of coll, in no order.
	LibraryList(ctx context.Context, coll string) ([]Doc, error)
	// LibraryPut writes document id of coll when its current version is
	// expect (0: it must be absent; AnyVersion: whatever it is), and
	// returns its new version. ErrConflict when the version differs. ttl
	// 0 keeps it until deleted; otherwise it expires ttl after this put.
	// When max is positive and the document is new, coll may not hold
	// more than max live documents: ErrLibraryFull.
	LibraryPut(ctx context.Context, coll, id string, value json.RawMessage, expect uint64, ttl time.Duration, max int) (uint64, error)
	// LibraryDelete deletes document id of coll when its version is expect
	// (AnyVersion: whatever it is). ErrNotFound when absent, ErrConflict
	// when the version differs.
	LibraryDelete(ctx context.Context, coll, id string, expect uint64) error
}

// DurableLibrary is implemented by a Store that can say whether its
// library outlives the process: the embedded store keeps it in memory
// unless it was given a data directory (memory.Options.DataDir); Redis
// keeps it. A Store without it is taken to keep its library.
type DurableLibrary interface {
	// LibraryDurable reports whether the library's documents survive a
	// restart of this process.
	LibraryDurable() bool
}
