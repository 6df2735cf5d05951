package exercises_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// dumpRedis returns every key under prefix with its whole content, as
// text, by type.
func dumpRedis(t *testing.T, url, prefix string) map[string]string {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	ctx := context.Background()
	out := map[string]string{}
	iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		typ, _ := rdb.Type(ctx, k).Result()
		var v any
		switch typ {
		case "string":
			v, _ = rdb.Get(ctx, k).Result()
		case "hash":
			v, _ = rdb.HGetAll(ctx, k).Result()
		case "set":
			v, _ = rdb.SMembers(ctx, k).Result()
		case "list":
			v, _ = rdb.LRange(ctx, k, 0, -1).Result()
		case "zset":
			v, _ = rdb.ZRangeWithScores(ctx, k, 0, -1).Result()
		}
		out[k] = fmt.Sprint(v)
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// docHashKey reports whether key is one of a room's document class hashes,
// "<prefix>:{R}:d:<class>" (see docs/redis.md), and returns its class.
func docHashKey(key string) (class string, ok bool) {
	i := strings.Index(key, "}:d:")
	if i < 0 {
		return "", false
	}
	return key[i+len("}:d:"):], true
}

// redisDocs reads every document class hash among the dumped keys, after
// checking that they are exactly the classes the room's classes hash
// lists (so nothing is hidden from Load, expiry or this audit) and that
// each holds only documents of its class. It returns every field, tagged
// as stored: "d" + key → value, "v" + key → version.
func redisDocs(t *testing.T, ctx context.Context, rdb *redis.Client, keys map[string]string) map[string]string {
	t.Helper()
	var listed, found []string
	for k := range keys {
		if strings.HasSuffix(k, "}:classes") {
			fs, err := rdb.HKeys(ctx, k).Result()
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f != "\x00order" {
					listed = append(listed, f)
				}
			}
		}
	}
	out := map[string]string{}
	for k := range keys {
		class, ok := docHashKey(k)
		if !ok {
			continue
		}
		found = append(found, class)
		h, err := rdb.HGetAll(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		for f, v := range h {
			if f == "\x00order" {
				continue
			}
			key, own := f[1:], ""
			if i := strings.IndexByte(key, ':'); i >= 0 {
				own = key[:i+1]
			}
			if (f[0] != 'd' && f[0] != 'v') || own != class {
				t.Fatalf("%s holds field %q, not a document of class %q", k, f, class)
			}
			out[f] = v
		}
	}
	slices.Sort(listed)
	slices.Sort(found)
	if !slices.Equal(listed, found) {
		t.Fatalf("the room lists the classes %q, but has hashes for %q", listed, found)
	}
	return out
}

// hashesUnordered fails t unless every hash of the dump that can hold
// anonymous data (every one but meta and the presence hashes) is a hash
// table, and returns how many document class hashes it checked. A small
// hash is a listpack, which keeps its fields in the order of writing.
func hashesUnordered(t *testing.T, ctx context.Context, rdb *redis.Client, keys map[string]string) int {
	t.Helper()
	classes := 0
	for k := range keys {
		if typ, _ := rdb.Type(ctx, k).Result(); typ != "hash" {
			continue
		}
		if strings.HasSuffix(k, ":meta") || strings.HasSuffix(k, ":pres") || strings.HasSuffix(k, ":presn") {
			continue
		}
		if enc, _ := rdb.ObjectEncoding(ctx, k).Result(); enc != "hashtable" {
			t.Fatalf("%s is a %s, which keeps the order of writes", k, enc)
		}
		if _, ok := docHashKey(k); ok {
			classes++
		}
	}
	return classes
}

// Every Redis key of a room with anonymous votes: no participant id or
// token appears in any key that holds answers. Member ids appear only in
// the members' own documents, in presence (who is connected), and in
// nothing else.
func TestRedisKeysHoldNoVoterLink(t *testing.T) {
	url := redistest.Start(t)
	st, err := redisstore.New(redisstore.Options{URL: url, Prefix: "audit"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := rooms.NewService(st, rooms.DefaultLimits())
	exercises.Register(svc)
	e := roomEnv(t, svc, "Audit", false)
	fac := e.fac
	ctx := context.Background()
	ids := []string{
		e.add(poll(false)),
		e.add(map[string]any{"kind": "scale", "title": "Agree?", "allowChange": true, "questions": []any{map[string]any{"kind": "scale"}}}),
		e.add(map[string]any{"kind": "text", "title": "Anything?"}),
	}
	for _, id := range ids {
		e.ok(fac, exercises.CmdOpen, map[string]any{"exercise": id})
	}
	type who struct {
		m   *rooms.Member
		tok rooms.Secret
	}
	var people []who
	for i := range 4 {
		m, tok := e.person(fmt.Sprintf("Person%d", i))
		people = append(people, who{m, tok})
		e.ok(m, exercises.CmdAnswer, answer(ids[0], choose("salad")))
		e.ok(m, exercises.CmdAnswer, answer(ids[1], rate(2)))
		e.ok(m, exercises.CmdAnswer, answer(ids[1], rate(4)))
		e.ok(m, exercises.CmdAnswer, answer(ids[2], map[string]any{"text": fmt.Sprint("private thought ", i)}))
	}
	keys := dumpRedis(t, url, "audit")
	if len(keys) == 0 {
		t.Fatal("nothing dumped")
	}
	found := false
	for k, v := range keys {
		if strings.Contains(v, "private thought 2") {
			found = true
		}
		for _, p := range people {
			if strings.Contains(k+v, p.tok.Reveal()) {
				t.Fatalf("key %s holds a token", k)
			}
			if !strings.Contains(k+v, p.m.ID) {
				continue
			}
			// Only the members' documents, the token index (checked field
			// by field below) and presence may name a member.
			if !strings.HasSuffix(k, "}:d:member:") && !strings.HasSuffix(k, "}:d:tok:") && !strings.HasSuffix(k, ":pres") {
				t.Fatalf("key %s names member %s: %.300s", k, p.m.Name, v)
			}
		}
	}
	if !found {
		t.Fatal("the answers are not in the dump")
	}
	// Hashes that hold both members' and answers' fields keep no order of
	// writing: Redis stores them as hash tables, not insertion-ordered
	// listpacks. That includes every document class hash, each made when
	// its class's first document came.
	opt, _ := redis.ParseURL(url)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	if n := hashesUnordered(t, ctx, rdb, keys); n < 4 {
		t.Fatalf("only %d document class hashes checked", n)
	}
	for _, class := range []string{"member:", "tok:", "bal:", "ex:"} {
		if _, ok := keys["audit:{"+e.room+"}:d:"+class]; !ok {
			t.Fatalf("no hash for the class %q", class)
		}
	}
	for k := range keys {
		if strings.HasSuffix(k, ":once") {
			if enc, _ := rdb.ObjectEncoding(ctx, k).Result(); enc != "intset" && enc != "hashtable" {
				t.Fatalf("%s is a %s, which keeps the order of writes", k, enc)
			}
		}
	}
	// Among the documents, member ids appear only in member docs.
	for field, v := range redisDocs(t, ctx, rdb, keys) {
		key := field[1:]
		for _, p := range people {
			// The member's own document, and the index from a hash of
			// their token to them, are the only ones that name them.
			own := key == rooms.MemberKey(p.m.ID) || strings.HasPrefix(key, "tok:")
			if strings.Contains(key+v, p.m.ID) && !own {
				t.Fatalf("document %s names member %s: %s", key, p.m.Name, v)
			}
		}
	}
}

// joinThrough joins name to e's room through node join and authenticates
// them through node at.
func joinThrough(t *testing.T, e *env, join, at *rooms.Service, name string) *rooms.Member {
	t.Helper()
	j, err := join.Join(context.Background(), e.code, name, "")
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := at.Authenticate(context.Background(), e.room, j.Token)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// someCard returns the id of one of retro's cards in room.
func someCard(t *testing.T, svc *rooms.Service, room, retro string) string {
	t.Helper()
	st, err := svc.Store().Load(context.Background(), room)
	if err != nil {
		t.Fatal(err)
	}
	for k := range st.Docs {
		if id, ok := strings.CutPrefix(k, "rc:"+retro+":"); ok {
			return id
		}
	}
	t.Fatalf("no card in %s", retro)
	return ""
}

// No command Redis runs names both a member and one of their anonymous
// documents in its arguments: Redis's SLOWLOG and MONITOR show arguments,
// and the two together would join who someone is to what they answered.
// Every command is slow-logged here while participants join through two
// nodes (hello, snapshot with their own ballots), answer a poll first
// there (a guess), through the other node (the guess wrong, then a read),
// change their answer (a read, then the write), and spend retro dots
// (their opaque allocation).
func TestNoCommandJoinsMemberAndBallot(t *testing.T) {
	const prefix = "audit"
	url := redistest.Start(t)
	rdb, _ := redistest.CountedClient(t, url) // an admin client; its count is unused
	ctx := context.Background()
	for _, kv := range [][2]string{{"slowlog-log-slower-than", "0"}, {"slowlog-max-len", "100000"}} {
		if err := rdb.ConfigSet(ctx, kv[0], kv[1]).Err(); err != nil {
			t.Fatal(err)
		}
	}
	one, _, _ := redisNode(t, url, prefix)
	two, _, _ := redisNode(t, url, prefix)
	e := roomEnv(t, one, "Audit", false)
	spec := poll(false)
	spec["allowChange"] = true
	ex := e.open(spec)
	retro := e.open(map[string]any{"kind": "retro", "title": "Sprint"})
	var people []*rooms.Member
	for i := range 4 {
		people = append(people, joinThrough(t, e, one, []*rooms.Service{one, two}[i%2], fmt.Sprint("P", i)))
	}
	run := func(node *rooms.Service, m *rooms.Member, id, typ string, data any) {
		t.Helper()
		b, _ := json.Marshal(data)
		if o := node.Execute(ctx, e.room, m, rooms.Command{ID: id, Type: typ, Data: b}); o.Code != "" {
			t.Fatalf("%s: %s", typ, o.Reply)
		}
	}
	for i, m := range people {
		a, b := one, two
		if i%2 == 1 {
			a, b = two, one
		}
		if _, err := a.LoadFor(ctx, e.room, m); err != nil { // the snapshot, before answering
			t.Fatal(err)
		}
		run(a, m, "v1", exercises.CmdAnswer, answer(ex, choose("soup")))
		run(b, m, "v2", exercises.CmdAnswer, answer(ex, choose("salad"))) // a wrong guess there, then a read
		run(b, m, "v3", exercises.CmdAnswer, answer(ex, choose("pizza")))
		if _, err := b.LoadFor(ctx, e.room, m); err != nil { // the snapshot, with their ballot
			t.Fatal(err)
		}
	}
	e.ok(e.fac, exercises.CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "start", "text": "Pair more"})
	e.ok(e.fac, exercises.CmdRetroPhase, map[string]any{"exercise": retro, "phase": exercises.PhaseVote})
	card := someCard(t, one, e.room, retro)
	for i, m := range people {
		run([]*rooms.Service{two, one}[i%2], m, "d1", exercises.CmdRetroDot, map[string]any{"exercise": retro, "item": card, "delta": 1})
	}

	entries, err := rdb.SlowLogGet(ctx, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	anonymous := func(arg string) bool {
		return strings.HasPrefix(arg, "bal:") && strings.Contains(arg, ":a:") || strings.HasPrefix(arg, "rd:")
	}
	seen := 0
	for _, en := range entries {
		var member, doc string
		for _, a := range en.Args {
			switch {
			case strings.HasPrefix(a, "member:") && len(a) > len("member:"):
				member = a
			case anonymous(a):
				doc = a
			}
		}
		if doc != "" {
			seen++
		}
		if member != "" && doc != "" {
			t.Errorf("one command names %s and %s: %v", member, doc, en.Args)
		}
	}
	if seen == 0 {
		t.Fatalf("no command among %d named an anonymous document: the audit saw nothing", len(entries))
	}
}
