// Package redisstore is the rooms.Store on Redis (7.0 or later), for
// running Huddle on several nodes or surviving a restart. It passes the
// same contract suite as the in-memory store (rooms/roomstest).
//
// # Design
//
// Every change to a room is one Lua script (lua/*.lua, embedded), so all of
// it happens or none of it does: checks in the documented order, then
// documents, counters, once-only sets, the reply, events (numbered, kept in
// the history, published) and the expiry of the room's keys (below). Events
// are published from inside the script, so every node sees them in seq
// order. Reads that must be consistent (Load, History, Get) are scripts
// too, marked no-writes so they may run on replicas.
//
// All keys of a room carry the room id as hash tag, so they share a
// cluster slot. A room has a fixed set of keys, passed in KEYS to every
// script, plus one hash per class of document (the document key up to its
// first ':'; lua/room.lua): a Load skips whole classes (every member,
// token and ballot) without reading them, so a join's snapshot does not
// cost O(room). The classes are few (a fixed vocabulary of the exercises,
// not per member or per set), so refreshing the expiry of every key stays
// cheap. Which classes a room has is only known inside Redis (the classes
// hash), so scripts build the class hashes' names from the "d:" key in
// KEYS; they carry the same tag, hence the same slot, which is what Redis
// Cluster requires.
//
// The join code and the room index are in other slots. CreateRoom first
// creates the room, then claims the code; when the code is held by a live
// room it deletes the room it made again. Code keys and index entries are
// extended from Go, at most about once per ttl per room (see "ext" below),
// and lookups check that the room they lead to is alive, so a code key
// outliving its room is harmless.
//
// Subscriptions share one Redis pub/sub connection per Store, drained by
// one goroutine. When go-redis reconnects it subscribes again silently; the
// store sees the server's fresh subscribe confirmations and sends every
// follower of those rooms a Notice with Lost set, so they catch up from
// History. A connection that went silent (a frozen link brings no error)
// is PINGed and, unanswered, given up the same way (pubsub.go).
//
// # Key layout
//
// P is Options.Prefix ("huddle" by default), R a room id, C a join code.
//
//	P:{R}:meta   hash    epoch, seq (last event), ttl (ms), code, ext
//	                     (unix ms until which the code key and index entry
//	                     are known to be kept), exp (unix ms: the expiry
//	                     last set on every key of the room), layout
//	                     ("class"; a room without it was written by an
//	                     earlier version and is taken for absent), ver
//	                     (changes that wrote documents or counters; see
//	                     mirror.go)
//	P:{R}:classes hash   class → 1: the classes the room has documents in
//	P:{R}:d:<class> hash per document of the class: "d" key → value
//	                     (JSON), "v" key → version, a random token drawn by
//	                     Go at each write, so versions carry no order.
//	                     P:{R}:d: is the class "" (keys without ':')
//	P:{R}:pres   hash    "node NUL member" → 1: who is connected where
//	P:{R}:presn  hash    node → unix ms when its presence entries expire
//
// Each class hash, classes, ctr, sets and rep hold a filler field "NUL
// order" with an 80-byte value from their creation on (a class hash's is
// written by the script that makes it, before any document), which makes
// Redis keep them as hash tables rather than listpacks: a listpack keeps
// fields in the order they were written, which would line up, say, a
// member's document and an anonymous ballot written just after it.
//
//	P:{R}:ctr    hash    counter key → integer
//	P:{R}:once   set     members of every once-only set, as tokens (below)
//	P:{R}:sets   hash    once-only set name → number of members
//	P:{R}:rep    hash    command answers, by the command's reply key A
//	                     (rooms.Member.ReplyKey: one per command, so that
//	                     no field is shared by two commands of a member):
//	                       r:<H>     → answer, H a hash of A and the
//	                                   command id (replyFields)
//	                       n         → answers stored so far
//	                       q:<slot>  → the r: field in slot
//	                       a:<H>     → 1 when the command changed the
//	                                   room; kept after its answer left,
//	                                   in a ring 4× as long:
//	                       p:<slot>  → the a: field in slot
//	                       m         → markers stored so far
//	                     the room's last ReplyWindow answers form a ring
//	                     of slots; writing one evicts the one it replaces
//	P:{R}:hist   list    the newest HistoryLimit events (JSON), oldest
//	                     first; the last one has seq meta.seq
//	P:{R}:ev     channel pub/sub: {"at":<unix ms>,"event":{…}} per event,
//	                     {"at":<unix ms>,"touched":[…]} per Touch list;
//	                     a change's first notice also has its "epoch",
//	                     "ver", "ctr", "cls" and "cdrop" (mirror.go)
//	P:code:C     string  "R epoch" of the room holding the code; expires
//	                     at the room's ext
//	P:rooms      zset    room id → ext, for CountRooms (entries are
//	                     removed once ext passes; rooms are counted only
//	                     while their meta key exists)
//
// Every key of a room, class hashes included, expires at the same
// instant, exp, between ttl - slack and ttl after the last change or Touch
// (slack: rooms.ExpirySlack, ttl/20 but at most a minute). A change or
// Touch sets the expiry of every key again only when exp lags now + ttl
// by more than the slack, so a burst of changes pays for that once per
// slack; in between, the keys a change creates (a new class hash, the once
// set, the history list, a hash lost to an eviction) get exp with
// PEXPIREAT NX. A room is alive exactly while its meta key exists (with
// its layout).
//
// # Anonymity
//
// The once key holds, for each (set, member), a token: the first 63 bits
// of SHA-256 over the set name and member, as a decimal integer. Has and
// the once check recompute it; nothing stored names the member. Because
// every element is an integer, Redis keeps the set as a sorted intset (or,
// past set-max-intset-entries, a hash table): neither keeps the order in
// which people answered, on any Redis version, whereas a small set of
// strings is a listpack in insertion order since Redis 7.2. Two distinct
// (set, member) pairs share a token with probability about n²/2⁶⁴.
package redisstore
