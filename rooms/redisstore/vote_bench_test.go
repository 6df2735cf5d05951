package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
	"huddle/rooms/redisstore"
	"huddle/rooms/redisstore/redistest"
)

// voteRoom is a room shaped like one of a vote burst: the room, a
// facilitator, members with their token index, an agenda and an open
// poll, each in the class hash the service would write it to.
type voteRoom struct {
	id           string
	roomV, pollV uint64
	members      int
}

// fillVoteRooms creates n rooms of members members each.
func fillVoteRooms(tb testing.TB, st *redisstore.Store, n, members int) []*voteRoom {
	tb.Helper()
	ctx := context.Background()
	out := make([]*voteRoom, n)
	for r := range out {
		id := fmt.Sprintf("vote%04d", r)
		init := rooms.Change{Puts: []rooms.Put{
			{Key: "room", Value: json.RawMessage(`{"id":"` + id + `","code":"C` + id + `","title":"Workshop","showNames":false}`)},
			{Key: "member:fac", Value: json.RawMessage(`{"id":"fac","name":"Facilitator","role":"facilitator"}`)},
			{Key: "tok:fac", Value: json.RawMessage(`{"member":"fac"}`)},
		}}
		if _, err := st.CreateRoom(ctx, id, "C"+id, 6*time.Hour, init); err != nil {
			tb.Fatal(err)
		}
		if _, err := st.Apply(ctx, id, rooms.Change{Puts: []rooms.Put{
			{Key: "agenda", Value: json.RawMessage(`{"items":["e1"],"current":"e1"}`)},
			{Key: "ex:e1", Value: json.RawMessage(`{"id":"e1","kind":"poll","title":"Lunch?","minResponses":3,"questions":[{"id":"q1","kind":"choice","prompt":"","options":[{"id":"pizza","label":"Pizza"},{"id":"soup","label":"Soup"},{"id":"salad","label":"Salad"}],"maxChoices":1}],"status":"open"}`)},
		}, Events: []rooms.Draft{{Type: "agenda.updated", Data: json.RawMessage(`{"items":["e1"],"current":"e1"}`)}}}); err != nil {
			tb.Fatal(err)
		}
		for m := range members {
			mid := fmt.Sprintf("m%03d", m)
			if _, err := st.Apply(ctx, id, rooms.Change{
				Puts: []rooms.Put{
					{Key: "member:" + mid, Value: json.RawMessage(`{"id":"` + mid + `","name":"P","role":"participant"}`)},
					{Key: "tok:" + mid, Value: json.RawMessage(`{"member":"` + mid + `"}`)},
				},
				Incrs: []rooms.Incr{{Key: "participants", By: 1, Max: 1000}},
				Touch: []string{"presence"},
			}); err != nil {
				tb.Fatal(err)
			}
		}
		docs, err := st.Get(ctx, id, "room", "ex:e1")
		if err != nil {
			tb.Fatal(err)
		}
		out[r] = &voteRoom{id: id, roomV: docs[0].Version, pollV: docs[1].Version, members: members}
	}
	return out
}

// voteChange is the change of a participant's first anonymous vote in a
// poll, as the service makes it: the room, the exercise and the (absent)
// ballot as preconditions, the once-only voter, the ballot, the response,
// answered and option counters, a sealed kept answer and a Touch.
func voteChange(r *voteRoom, n int) rooms.Change {
	voter := fmt.Sprintf("a:%024d", n)
	opt := []string{"pizza", "soup", "salad"}[n%3]
	return rooms.Change{
		Actor: fmt.Sprintf("k%023d", n), CmdID: "c" + strconv.Itoa(n),
		Reply:  json.RawMessage(`"hs1:` + strings.Repeat("x", 96) + `"`),
		Expect: []rooms.Expect{{Key: "room", Version: r.roomV}, {Key: "ex:e1", Version: r.pollV}, {Key: "bal:e1:" + voter}},
		Once:   []rooms.Once{{Set: "voted:e1", Member: voter}},
		Puts:   []rooms.Put{{Key: "bal:e1:" + voter, Value: json.RawMessage(`{"answers":{"q1":{"choices":["` + opt + `"]}}}`)}},
		Incrs:  []rooms.Incr{{Key: "a:e1:q1", By: 1}, {Key: "c:e1:q1:" + opt, By: 1}, {Key: "n:e1", By: 1}},
		Touch:  []string{"ex:e1"},
	}
}

// commandStats returns Redis's INFO commandstats: calls and usec by
// command, lower case, without the "cmdstat_" prefix.
func commandStats(tb testing.TB, rdb *redis.Client) (calls, usec map[string]int64) {
	tb.Helper()
	s, err := rdb.Info(context.Background(), "commandstats").Result()
	if err != nil {
		tb.Fatal(err)
	}
	calls, usec = map[string]int64{}, map[string]int64{}
	for _, line := range strings.Split(s, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.HasPrefix(name, "cmdstat_") {
			continue
		}
		name = strings.TrimPrefix(name, "cmdstat_")
		for _, kv := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(kv, "=")
			n, _ := strconv.ParseInt(v, 10, 64)
			switch k {
			case "calls":
				calls[name] = n
			case "usec":
				usec[name] = n
			}
		}
	}
	return calls, usec
}

// scriptEntry reports whether a command only runs a script (or is this
// file's own bookkeeping), so that its calls are not the script's own.
func scriptEntry(cmd string) bool {
	switch cmd {
	case "evalsha", "evalsha_ro", "eval", "eval_ro", "info", "config|resetstat", "config", "ping", "hello", "client|setinfo", "client":
		return true
	}
	return false
}

// reportCalls resets INFO commandstats, runs f, and reports per op (ops of
// them): the redis.calls the scripts made (redis-calls/op), the time
// Redis spent in the scripts (redis-us/op, INFO commandstats: wall time,
// so a busy machine inflates it) and the CPU time the Redis server used
// (redis-cpu-us/op, network included). With -v it logs each command's
// calls and usec per op.
func reportCalls(b *testing.B, url string, f func() int) {
	b.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		b.Fatal(err)
	}
	rdb := redis.NewClient(o)
	defer rdb.Close()
	if err := rdb.ConfigResetStat(context.Background()).Err(); err != nil {
		b.Fatal(err)
	}
	cpu0 := redisCPU(b, rdb)
	ops := f()
	cpu := redisCPU(b, rdb) - cpu0
	calls, usec := commandStats(b, rdb)
	var total int64
	var names []string
	for c, n := range calls {
		if !scriptEntry(c) {
			total += n
			names = append(names, c)
		}
	}
	sort.Strings(names)
	var per []string
	for _, c := range names {
		per = append(per, fmt.Sprintf("%s %.2f (%.1fus)", c, float64(calls[c])/float64(ops), float64(usec[c])/float64(ops)))
	}
	if testing.Verbose() {
		b.Logf("%d ops; redis.calls per op: %s", ops, strings.Join(per, ", "))
	}
	b.ReportMetric(float64(total)/float64(ops), "redis-calls/op")
	b.ReportMetric(float64(usec["evalsha"]+usec["evalsha_ro"])/float64(ops), "redis-us/op")
	b.ReportMetric(cpu.Seconds()*1e6/float64(ops), "redis-cpu-us/op")
}

// redisCPU returns the CPU time the Redis server has used (INFO cpu: user
// and system, all threads): unlike a command's usec it leaves out the
// time Redis waited for a core on a busy machine.
func redisCPU(tb testing.TB, rdb *redis.Client) time.Duration {
	tb.Helper()
	s, err := rdb.Info(context.Background(), "cpu").Result()
	if err != nil {
		tb.Fatal(err)
	}
	var total float64
	for _, line := range strings.Split(s, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		if k == "used_cpu_sys" || k == "used_cpu_user" {
			f, _ := strconv.ParseFloat(v, 64)
			total += f
		}
	}
	return time.Duration(total * float64(time.Second))
}

// BenchmarkApplyVote measures the Apply of first anonymous votes (see
// voteChange) spread over 100 rooms of 10 members, one at a time: the
// script's work inside Redis, per vote, is what a burst of votes queues
// on.
func BenchmarkApplyVote(b *testing.B) {
	url := redistest.Start(b)
	st, err := redisstore.New(redisstore.Options{URL: url, Prefix: "benchvote"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	rs := fillVoteRooms(b, st, 100, 10)
	ctx := b.Context()
	reportCalls(b, url, func() int {
		n := 0
		for b.Loop() {
			r := rs[n%len(rs)]
			if _, err := st.Apply(ctx, r.id, voteChange(r, n)); err != nil {
				b.Fatal(err)
			}
			n++
		}
		return n
	})
}
