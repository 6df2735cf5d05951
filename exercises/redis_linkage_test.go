package exercises_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"huddle/exercises"
	"huddle/rooms"
	"huddle/rooms/redisstore/redistest"
)

// monitorRedis records every command Redis runs, as MONITOR prints it
// (a script's own commands included), until the returned function is
// called; that function returns the lines.
func monitorRedis(t *testing.T, url string) func() []string {
	t.Helper()
	sock, _, _ := strings.Cut(strings.TrimPrefix(url, "unix://"), "?")
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReaderSize(conn, 1<<20)
	if l, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(l, "+OK") {
		t.Fatalf("MONITOR: %q, %v", l, err)
	}
	var mu sync.Mutex
	var lines []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			mu.Lock()
			lines = append(lines, l)
			mu.Unlock()
		}
	}()
	return func() []string {
		// A last command marks the end: everything before it was read.
		const mark = "huddle-audit-end"
		opt, err := redis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		rdb := redis.NewClient(opt)
		rdb.Echo(context.Background(), mark)
		_ = rdb.Close()
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			seen := slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, mark) })
			out := slices.Clone(lines)
			mu.Unlock()
			if seen || time.Now().After(deadline) {
				_ = conn.Close()
				<-done
				return out
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// longToken splits a MONITOR line into the words that could be keys made
// for one person: runs of base64url and hex characters, 16 or more long
// (every opaque key, reply key, private key and member id is), not only
// digits (documents' versions, which a command about a document everyone
// sees, a card, carries as its precondition whoever wrote it).
var longToken = regexp.MustCompile(`[A-Za-z0-9_-]{16,}`)

func keyLike(tok string) bool { return strings.Trim(tok, "0123456789") != "" }

// Nothing Redis sees joins a person to what they wrote anonymously, by
// any key they share: not one command naming both, and not a key that
// appears in a command naming them (a rename, a named answer, a named
// card or help request) and in one writing their anonymous answer,
// card, dots or help request. MONITOR shows every command, and the
// append-only file and replicas get the same writes in the same order.
// Four people, on two nodes: each renames, answers a named poll and an
// anonymous one (then changes it), writes a retro card while names are
// shown and another once they are not, spends dots, and asks for help
// by name and anonymously.
func TestNoKeyJoinsPersonAndAnonymousWrites(t *testing.T) {
	const prefix = "linkage"
	url := redistest.Start(t)
	one, _, _ := redisNode(t, url, prefix)
	two, _, _ := redisNode(t, url, prefix)
	stop := monitorRedis(t, url)
	e := roomEnv(t, one, "Linkage", true)
	ctx := context.Background()

	named := poll(false)
	named["anonymous"] = false
	anon := poll(false)
	anon["allowChange"] = true
	namedPoll, anonPoll := e.open(named), e.open(anon)
	retro := e.open(map[string]any{"kind": "retro", "title": "Sprint"})
	help := e.open(map[string]any{"kind": "help", "title": "Can you help me?"})

	type person struct {
		m    *rooms.Member
		node *rooms.Service
		name string
	}
	var people []person
	for i := range 4 {
		node := []*rooms.Service{one, two}[i%2]
		people = append(people, person{joinThrough(t, e, one, node, "before"), node, fmt.Sprintf("Person%dQx", i)})
	}
	n := 0
	run := func(p person, typ string, data any) {
		t.Helper()
		n++
		b, _ := json.Marshal(data)
		if o := p.node.Execute(ctx, e.room, p.m, rooms.Command{ID: fmt.Sprint("c", n), Type: typ, Data: b}); o.Code != "" {
			t.Fatalf("%s: %s", typ, o.Reply)
		}
	}
	for _, p := range people {
		run(p, rooms.CmdMemberRename, map[string]any{"name": p.name})
		run(p, exercises.CmdAnswer, answer(namedPoll, choose("pizza")))
		run(p, exercises.CmdAnswer, answer(anonPoll, choose("soup")))
		run(p, exercises.CmdAnswer, answer(anonPoll, choose("salad")))
		run(p, exercises.CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "start", "text": "named card of " + p.name, "named": true})
		run(p, exercises.CmdHelpRequest, map[string]any{"exercise": help, "title": "named need of " + p.name})
		run(p, exercises.CmdHelpRequest, map[string]any{"exercise": help, "title": "SECRET need", "anonymous": true})
		if _, err := p.node.LoadFor(ctx, e.room, p.m); err != nil { // a snapshot, with their ballots
			t.Fatal(err)
		}
	}
	e.ok(e.fac, rooms.CmdRoomUpdate, map[string]any{"showNames": false})
	// The other node learns the room's new setting before its people
	// write again: a command it ran on its cached room meanwhile would
	// still be refused (the room's version is a precondition), but its
	// attempt, with the name, would show in MONITOR. That window, the
	// moments it takes a node to hear of the change, is documented.
	if _, err := two.LoadFor(ctx, e.room, people[1].m); err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		run(p, exercises.CmdRetroCardAdd, map[string]any{"exercise": retro, "column": "start", "text": "SECRET card", "named": true})
	}
	for _, ph := range []string{exercises.PhaseReveal, exercises.PhaseGroup, exercises.PhaseVote} {
		e.ok(e.fac, exercises.CmdRetroPhase, map[string]any{"exercise": retro, "phase": ph})
	}
	card := someCard(t, one, e.room, retro)
	for _, p := range people {
		run(p, exercises.CmdRetroDot, map[string]any{"exercise": retro, "item": card, "delta": 1})
	}
	lines := stop()

	// Who each line names: a member id, or a name set by a rename.
	names := func(l string) []int {
		var out []int
		for i, p := range people {
			if strings.Contains(l, p.m.ID) || strings.Contains(l, p.name) {
				out = append(out, i)
			}
		}
		return out
	}
	anonymous := regexp.MustCompile(`bal:[0-9a-f]+:a:|rd:[0-9a-f]+:|SECRET`)
	owners := map[string]map[int]bool{} // a long token → the people named where it appears
	for _, l := range lines {
		who := names(l)
		if len(who) == 0 {
			continue
		}
		for _, tok := range longToken.FindAllString(l, -1) {
			if !keyLike(tok) {
				continue
			}
			if owners[tok] == nil {
				owners[tok] = map[int]bool{}
			}
			for _, i := range who {
				owners[tok][i] = true
			}
		}
	}
	seen := 0
	for _, l := range lines {
		if !anonymous.MatchString(l) {
			continue
		}
		seen++
		if who := names(l); len(who) > 0 {
			t.Errorf("one command names %s and writes or reads something anonymous: %s", people[who[0]].name, l)
			continue
		}
		for _, tok := range longToken.FindAllString(l, -1) {
			if o := owners[tok]; len(o) == 1 {
				for i := range o {
					t.Errorf("%s, in a command naming %s, is in one about something anonymous: %s", tok, people[i].name, l)
				}
			}
		}
	}
	if seen < 4*4 {
		t.Fatalf("only %d of %d lines are about something anonymous: the audit saw too little", seen, len(lines))
	}
}
