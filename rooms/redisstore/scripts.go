package redisstore

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
)

var (
	//go:embed lua/room.lua
	roomLua string
	//go:embed lua/common.lua
	commonLua string
	//go:embed lua/create.lua
	createLua string
	//go:embed lua/apply.lua
	applyLua string
	//go:embed lua/touch.lua
	touchLua string
	//go:embed lua/drop.lua
	dropLua string
	//go:embed lua/read.lua
	readLua string
	//go:embed lua/load.lua
	loadLua string
	//go:embed lua/claim.lua
	claimLua string
	//go:embed lua/keepcode.lua
	keepCodeLua string
	//go:embed lua/sweep.lua
	sweepLua string
	//go:embed lua/presence.lua
	presenceLua string
	//go:embed lua/online.lua
	onlineLua string
)

// The scripts run with EVALSHA and fall back to EVAL when Redis does not
// know them (after a restart or SCRIPT FLUSH). Redis caches a script under
// the SHA-1 of its whole text, so the shared preludes are simply
// prepended: room.lua (the room's keys, its classes of documents) to every
// script of a room, then common.lua (reading, checking and applying a
// change, refreshing the expiry) to those that write one.
//
// Writing scripts start with a "#!lua" line (no flags): Redis then refuses
// such a script as a whole while it is out of memory, where an unflagged
// script would only fail at its first write. Redis never undoes a script's
// writes, so a script must fail before its first write or not at all. The
// read scripts start with "#!lua flags=no-writes", so they may run on
// replicas.
var (
	createScript   = writer(roomLua + commonLua + createLua)
	applyScript    = writer(roomLua + commonLua + applyLua)
	touchScript    = writer(roomLua + commonLua + touchLua)
	dropScript     = writer(roomLua + dropLua)
	claimScript    = writer(claimLua)
	keepCodeScript = writer(keepCodeLua)
	sweepScript    = writer(sweepLua)
	presenceScript = writer(roomLua + commonLua + presenceLua)
	onlineScript   = writer(roomLua + commonLua + onlineLua)
	readScript     = reader(roomLua + readLua)
	loadScript     = reader(roomLua + loadLua)
)

func writer(src string) *redis.Script { return redis.NewScript("#!lua\n" + src) }
func reader(src string) *redis.Script { return redis.NewScript("#!lua flags=no-writes\n" + src) }

// Indexes into the keys of a room, as the scripts number them (from 1;
// see room.lua).
const (
	kMeta = iota
	kClasses
	kDocs
	kCtr
	kOnce
	kSets
	kRep
	kHist
	kPres
	kPresN
	nRoomKeys
)

// roomKeySuffixes name the keys of a room after its tag. "d:" is the hash
// of the document class "" and the start of every class hash's name: the
// hash of class "member:" is "P:{R}:d:member:" (see room.lua).
var roomKeySuffixes = [nRoomKeys]string{"meta", "classes", "d:", "ctr", "once", "sets", "rep", "hist", "pres", "presn"}

// keyspace names the keys of one prefix (see the package doc).
type keyspace struct{ prefix string }

// tag is the part of a room's key names up to the suffix: the braces make
// the room id the hash tag, so all of a room's keys share a cluster slot.
func (k keyspace) tag(room string) string { return k.prefix + ":{" + room + "}:" }

// room returns all keys of a room, indexed by kMeta….
func (k keyspace) room(room string) []string {
	t := k.tag(room)
	keys := make([]string, nRoomKeys)
	for i, s := range roomKeySuffixes {
		keys[i] = t + s
	}
	return keys
}

func (k keyspace) meta(room string) string    { return k.tag(room) + "meta" }
func (k keyspace) channel(room string) string { return k.tag(room) + "ev" }
func (k keyspace) code(code string) string    { return k.prefix + ":code:" + code }
func (k keyspace) index() string              { return k.prefix + ":rooms" }

// replyFields returns the rep hash field of actor's answer to cmd, the
// field counting the room's answers, and the prefix of the room's ring
// slots: the room's last answers are kept, whoever sent them (see
// rooms.DefaultReplyWindow). A ring per actor would name the actor in
// every command's writes (see rooms.Member.ReplyKey). The field is a hash
// of the actor and the command id together (the actor with its length,
// so no pair reads as another): a command id its client made from a
// counter cannot be read back out of it, as it could from a hash of the
// id alone, without the actor, which is nowhere else.
func replyFields(actor, cmd string) (answer, count, slots string) {
	h := sha256.New()
	h.Write([]byte(strconv.Itoa(len(actor)) + ":" + actor + ":" + cmd))
	return "r:" + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18]), "n", "q:"
}

// onceToken is what the once key stores for member of set (see "Anonymity"
// in the package doc): a non-negative int64, so Redis keeps the set as an
// intset, sorted by value rather than by arrival.
func onceToken(set, member string) string {
	h := sha256.New()
	h.Write([]byte(strconv.Itoa(len(set)) + ":" + set))
	h.Write([]byte(member))
	return strconv.FormatUint(binary.BigEndian.Uint64(h.Sum(nil))>>1, 10)
}

// changeArgs returns ARGV for create.lua or apply.lua (see common.lua):
// a header, then the change flattened to strings. Values go as []byte,
// untouched; only the event fields are encoded here, without seq, epoch and
// room, which the script puts in front.
func (s *Store) changeArgs(room, epoch string, ttlMS int64, code string, deadline int64, c rooms.Change) ([]any, error) {
	roomJSON, err := json.Marshal(room)
	if err != nil {
		return nil, err
	}
	n := 16 + 2*len(c.Expect) + 2*len(c.Once) + 3*len(c.Puts) + len(c.Drops) + len(c.CounterDrops) + 3*len(c.Incrs) + len(c.Events)
	args := make([]any, 0, n)
	args = append(args, roomJSON, s.keys.channel(room), s.opts.HistoryLimit, s.opts.ReplyWindow, epoch, ttlMS, code, deadline)

	var answer, count, slots string
	if c.CmdID != "" {
		answer, count, slots = replyFields(c.Actor, c.CmdID)
	}
	store := "0"
	if c.CmdID != "" && c.Reply != nil {
		store = "1"
	}
	args = append(args, answer, count, slots, store, []byte(c.Reply))

	args = append(args, len(c.Expect))
	for _, e := range c.Expect {
		args = append(args, e.Key, strconv.FormatUint(e.Version, 10))
	}
	args = append(args, len(c.Once))
	for _, o := range c.Once {
		args = append(args, o.Set, onceToken(o.Set, o.Member))
	}
	args = append(args, len(c.Puts))
	for _, p := range c.Puts {
		if p.Value == nil {
			args = append(args, p.Key, "0", "")
		} else {
			// The version travels with the put: a random token, drawn here
			// because a script's own randomness is not to be relied on.
			args = append(args, p.Key, strconv.FormatUint(rooms.NewVersion(), 10), []byte(p.Value))
		}
	}
	// Drops and CounterDrops in one list, each tagged (decode in
	// common.lua), so that a change with neither costs Redis no more.
	args = append(args, len(c.Drops)+len(c.CounterDrops))
	for _, p := range c.Drops {
		args = append(args, "d"+p)
	}
	for _, p := range c.CounterDrops {
		args = append(args, "c"+p)
	}
	args = append(args, len(c.Incrs))
	for _, in := range c.Incrs {
		args = append(args, in.Key, in.By, in.Max)
	}
	args = append(args, len(c.Events))
	for _, d := range c.Events {
		b, err := json.Marshal(eventTail{Type: d.Type, Data: d.Data, To: d.To})
		if err != nil {
			return nil, fmt.Errorf("event %q: %w", d.Type, err)
		}
		args = append(args, b[1:]) // without '{': the script writes room, epoch and seq first
	}
	touched := ""
	if len(c.Touch) > 0 {
		b, err := json.Marshal(c.Touch)
		if err != nil {
			return nil, err
		}
		touched = string(b)
	}
	return append(args, touched), nil
}

// eventTail is the part of a rooms.Event that comes from its Draft, with
// the same JSON names.
type eventTail struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data,omitempty"`
	To   rooms.Audience  `json:"to"`
}

// envelope is a message on a room's channel.
type envelope struct {
	At      int64        `json:"at"`
	Event   *rooms.Event `json:"event,omitempty"`
	Touched []string     `json:"touched,omitempty"`
	// The room's version; the first notice of a change that wrote
	// documents or counters also has what it wrote (see mirror.go).
	versionNote
}

// outcome is a parsed reply of create.lua or apply.lua.
type outcome struct {
	applied rooms.Applied
	err     error
	// moved reports that the room's horizon moved: code and index entry
	// must be extended to ext (unix ms).
	moved bool
	// ver is the room's version after the change (see mirror.go).
	ver  int64
	code string
	ext  int64
}

// parseOutcome turns a script reply into the Applied and the rooms error
// it stands for.
func parseOutcome(v any) (outcome, error) {
	r, ok := v.([]any)
	if !ok || len(r) == 0 {
		return outcome{}, fmt.Errorf("unexpected script reply %T", v)
	}
	var o outcome
	status := str(r[0])
	switch status {
	case "notfound":
		o.err = rooms.ErrRoomNotFound
		return o, nil
	case "exists":
		o.err = rooms.ErrRoomExists
		return o, nil
	case "late":
		o.err = errLate
		return o, nil
	}
	if len(r) < 3 {
		return o, fmt.Errorf("short script reply %v", r)
	}
	o.applied.Pos = rooms.Position{Epoch: str(r[1]), Seq: uint64(integer(r[2]))}
	switch status {
	case "ok":
		if len(r) < 6 {
			return o, fmt.Errorf("short script reply %v", r)
		}
		o.moved = integer(r[3]) == 1
		o.code = str(r[4])
		o.ext = integer(r[5])
		if len(r) > 6 {
			o.ver = integer(r[6])
		}
	case "dup":
		o.applied.Duplicate = true
		o.applied.Reply = bytesOf(r[3])
	case "applied":
		// Applied before, its answer gone (see rooms.Applied).
		o.applied.Duplicate = true
	case "conflict":
		o.err = rooms.ErrConflict
	case "once":
		o.err = &rooms.OnceError{Set: str(r[3])}
	case "limit":
		o.err = &rooms.LimitError{Key: str(r[3])}
	default:
		return o, fmt.Errorf("unknown script status %q", status)
	}
	return o, nil
}

// str reads a string from a script reply.
func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return ""
}

// integer reads an integer from a script reply, which Lua may send as an
// integer or as a decimal string.
func integer(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return 0
}

// bytesOf returns a fresh copy of a string reply, or nil for a nil one.
func bytesOf(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	return json.RawMessage(str(v))
}

// orderField is the filler field the scripts put in each hash of a room
// that can hold anonymous data, so that Redis keeps it as an unordered
// hash table (see room.lua).
const orderField = "\x00order"

// The fields of a class hash: docValueTag + key → value, docVersionTag +
// key → version (see room.lua).
const (
	docValueTag   = 'd'
	docVersionTag = 'v'
)

// pairs walks a flat HGETALL reply, without the filler field.
func pairs(v any, f func(k, v string)) {
	r, _ := v.([]any)
	for i := 0; i+1 < len(r); i += 2 {
		if k := str(r[i]); k != orderField {
			f(k, str(r[i+1]))
		}
	}
}

// addDocs adds to docs the documents of a list of class hash replies, each
// a flat list of tagged fields and values (see room.lua).
func addDocs(docs map[string]rooms.Doc, classes any) {
	list, _ := classes.([]any)
	for _, c := range list {
		pairs(c, func(f, v string) {
			if f == "" {
				return
			}
			key := f[1:]
			d := docs[key]
			d.Key = key
			switch f[0] {
			case docValueTag:
				d.Value = json.RawMessage(v)
			case docVersionTag:
				d.Version, _ = strconv.ParseUint(v, 10, 64)
			default:
				return
			}
			docs[key] = d
		})
	}
}

// layout is the value of meta's "layout" field in a room whose documents
// are kept by class (LAYOUT in room.lua). Rooms without it were written
// by an earlier version: every method takes them for absent.
const layout = "class"
