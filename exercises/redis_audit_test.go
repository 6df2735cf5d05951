package exercises_test

import (
	"context"
	"fmt"
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
	ctx := context.Background()
	c, err := svc.CreateRoom(ctx, "Audit", false)
	if err != nil {
		t.Fatal(err)
	}
	fac, _, _ := svc.Authenticate(ctx, c.Room.ID, c.Secret)
	e := &env{t: t, svc: svc, room: c.Room.ID, code: c.Room.Code, fac: fac}
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
			// Only the documents and their versions (each member's own
			// document) and presence may name a member.
			if !strings.HasSuffix(k, ":docs") && !strings.HasSuffix(k, ":vers") && !strings.HasSuffix(k, ":pres") {
				t.Fatalf("key %s names member %s: %.300s", k, p.m.Name, v)
			}
		}
	}
	if !found {
		t.Fatal("the answers are not in the dump")
	}
	// Hashes that hold both members' and answers' fields keep no order of
	// writing: Redis stores them as hash tables, not insertion-ordered
	// listpacks.
	opt, _ := redis.ParseURL(url)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	for k := range keys {
		for _, suffix := range []string{":docs", ":vers", ":ctr", ":sets", ":rep"} {
			if strings.HasSuffix(k, suffix) {
				if enc, _ := rdb.ObjectEncoding(ctx, k).Result(); enc != "hashtable" {
					t.Fatalf("%s is a %s, which keeps the order of writes", k, enc)
				}
			}
		}
		if strings.HasSuffix(k, ":once") {
			if enc, _ := rdb.ObjectEncoding(ctx, k).Result(); enc != "intset" && enc != "hashtable" {
				t.Fatalf("%s is a %s, which keeps the order of writes", k, enc)
			}
		}
	}
	// Within the documents hash, member ids appear only in member docs.
	for k := range keys {
		if !strings.HasSuffix(k, ":docs") {
			continue
		}
		opt, _ := redis.ParseURL(url)
		rdb := redis.NewClient(opt)
		docs, _ := rdb.HGetAll(ctx, k).Result()
		rdb.Close()
		for field, v := range docs {
			for _, p := range people {
				// The member's own document, and the index from a hash of
				// their token to them, are the only ones that name them.
				own := field == rooms.MemberKey(p.m.ID) || strings.HasPrefix(field, "tok:")
				if strings.Contains(field+v, p.m.ID) && !own {
					t.Fatalf("document %s names member %s: %s", field, p.m.Name, v)
				}
			}
		}
	}
}
