package exercises_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// Every Redis key of a room where participants wrote anonymous retro
// cards, placed dots, asked for help anonymously and sent anonymous kudos:
// no participant's member id or token appears anywhere except the members'
// own documents (member:<id>, and the tok: index, in their class hashes)
// and presence; the anonymous texts are stored; no document
// or kept event that holds an anonymous text names a member, by id, token
// or name; and the kept answers (the rep hash) are sealed, holding neither
// an anonymous text nor an anonymous item's id in plain.
func TestRedisKeysHoldNoBoardAuthorLink(t *testing.T) {
	const prefix = "auditboards"
	url := redistest.Start(t)
	st, err := redisstore.New(redisstore.Options{URL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := rooms.NewService(st, rooms.DefaultLimits())
	exercises.Register(svc)
	e := roomEnv(t, svc, "Boards audit", false)
	fac := e.fac
	ctx := context.Background()
	retro := e.open(map[string]any{"kind": "retro", "title": "Sprint"})
	help := e.open(map[string]any{"kind": "help", "title": "Can you help me?"})
	wall := e.open(map[string]any{"kind": "kudos", "title": "Thanks"})

	type who struct {
		m   *rooms.Member
		tok rooms.Secret
	}
	names := []string{"Zelda Quorn", "Yusuf Pemberton", "Xanthe Mbeki", "Wolfgang Tiller"}
	var people []who
	var secrets []string // every anonymous text
	for i, n := range names {
		m, tok := e.person(n)
		people = append(people, who{m, tok})
		card := fmt.Sprintf("hidden card %d", i)
		ask := fmt.Sprintf("hidden ask %d", i)
		thanks := fmt.Sprintf("hidden thanks %d", i)
		secrets = append(secrets, card, ask, thanks)
		if res := e.ok(m, exercises.CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "stop", "text": card}); res != nil {
			t.Fatalf("card answered %s", res)
		}
		if res := e.ok(m, exercises.CmdHelpRequest, map[string]any{"exercise": help, "title": ask, "detail": ask + " in detail", "tags": []string{"quiet"}, "anonymous": true}); res != nil {
			t.Fatalf("request answered %s", res)
		}
		if res := e.ok(m, exercises.CmdKudosSend, map[string]any{"exercise": wall, "to": exercises.KudosTeam, "message": thanks, "anonymous": true}); res != nil {
			t.Fatalf("kudo answered %s", res)
		}
	}
	// Anonymous dots, on the cards just written.
	e.ok(fac, exercises.CmdRetroPhase, map[string]any{"exercise": retro, "phase": exercises.PhaseVote})
	v, ok, err := svc.State(ctx, e.room, "ex:"+retro)
	if err != nil || !ok {
		t.Fatalf("state: %v %v", ok, err)
	}
	var board exercises.RetroView
	if err := json.Unmarshal(v.Participant, &board); err != nil || len(board.Items) != len(people) {
		t.Fatalf("board: %s (%v)", v.Participant, err)
	}
	for i, p := range people {
		e.ok(p.m, exercises.CmdRetroDot, map[string]any{"exercise": retro, "item": board.Items[(i+1)%len(board.Items)].ID, "delta": 1})
	}

	keys := dumpRedis(t, url, prefix)
	if len(keys) == 0 {
		t.Fatal("nothing dumped")
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	hash := func(suffix string) map[string]string {
		t.Helper()
		for k := range keys {
			if strings.HasSuffix(k, suffix) {
				h, err := rdb.HGetAll(ctx, k).Result()
				if err != nil {
					t.Fatal(err)
				}
				return h
			}
		}
		t.Fatalf("no %s key in %v", suffix, keys)
		return nil
	}
	holdsSecret := func(s string) bool {
		for _, x := range secrets {
			if strings.Contains(s, x) {
				return true
			}
		}
		return false
	}

	// Tokens appear nowhere; member ids only in the members' documents
	// and the token index (checked field by field below) and in presence.
	for k, val := range keys {
		for _, p := range people {
			if strings.Contains(k+val, p.tok.Reveal()) {
				t.Fatalf("key %s holds %s's token", k, p.m.Name)
			}
			if strings.Contains(k+val, p.m.ID) && !strings.HasSuffix(k, "}:d:member:") && !strings.HasSuffix(k, "}:d:tok:") && !strings.HasSuffix(k, ":pres") {
				t.Fatalf("key %s names member %s: %.300s", k, p.m.Name, val)
			}
		}
		if strings.Contains(k+val, e.secret.Reveal()) {
			t.Fatalf("key %s holds the facilitator's secret", k)
		}
	}
	fields := redisDocs(t, ctx, rdb, keys)
	for tagged, val := range fields {
		field := tagged[1:]
		for _, p := range people {
			own := field == rooms.MemberKey(p.m.ID) || strings.HasPrefix(field, "tok:")
			if strings.Contains(field+val, p.m.ID) && !own {
				t.Fatalf("document field %s names member %s: %s", tagged, p.m.Name, val)
			}
		}
	}
	if n := hashesUnordered(t, ctx, rdb, keys); n < 4 {
		t.Fatalf("only %d document class hashes checked", n)
	}

	// The anonymous texts are stored, each in documents that name nobody.
	docs := map[string]string{} // document key → value
	for tagged, val := range fields {
		if tagged[0] == 'd' {
			docs[tagged[1:]] = val
		}
	}
	var anonIDs []string // ids of the documents holding anonymous texts
	for _, s := range secrets {
		found := false
		for field, val := range docs {
			if !strings.Contains(val, s) {
				continue
			}
			found = true
			anonIDs = append(anonIDs, field[strings.LastIndexByte(field, ':')+1:])
			for _, p := range people {
				for what, mark := range map[string]string{"id": p.m.ID, "token": p.tok.Reveal(), "name": p.m.Name} {
					if strings.Contains(field+val, mark) {
						t.Fatalf("document %s holds %q and %s's %s: %s", field, s, p.m.Name, what, val)
					}
				}
			}
			if strings.Contains(val, `"fromName"`) || strings.Contains(val, `"authorId"`) || strings.Contains(val, `"authorName"`) {
				t.Fatalf("anonymous document %s holds a name field: %s", field, val)
			}
		}
		if !found {
			t.Fatalf("%q is not stored", s)
		}
	}
	if len(anonIDs) != len(secrets) {
		t.Fatalf("%d documents hold the %d anonymous texts", len(anonIDs), len(secrets))
	}
	// Nor does a kept event that holds one (the authors' private copies).
	for k, val := range keys {
		if !strings.HasSuffix(k, ":hist") {
			continue
		}
		events, err := rdb.LRange(ctx, k, 0, -1).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			if !holdsSecret(ev) {
				continue
			}
			for _, p := range people {
				if strings.Contains(ev, p.m.ID) || strings.Contains(ev, p.m.Name) {
					t.Fatalf("event %s names %s", ev, p.m.Name)
				}
			}
		}
		if !holdsSecret(val) {
			t.Fatal("the authors' private events are not kept")
		}
	}

	// Kept answers are sealed: no anonymous text, no anonymous item's id.
	sealed := 0
	for field, val := range hash(":rep") {
		if holdsSecret(field + val) {
			t.Fatalf("kept answer %s holds an anonymous text: %s", field, val)
		}
		for _, id := range anonIDs {
			if strings.Contains(field+val, id) {
				t.Fatalf("kept answer %s holds the anonymous item %s: %s", field, id, val)
			}
		}
		if strings.HasPrefix(field, "r:") {
			if !strings.HasPrefix(val, `"hs1:`) {
				t.Fatalf("kept answer %s is not sealed: %s", field, val)
			}
			sealed++
		}
	}
	// Every participant's three items and dot, and the facilitator's
	// commands.
	if sealed < 4*len(people) {
		t.Fatalf("only %d kept answers", sealed)
	}
}
