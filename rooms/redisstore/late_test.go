package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"huddle/rooms"
	"huddle/rooms/redisstore/redistest"
)

// A change whose deadline has passed when its script runs is refused as
// late, before any write, by both scripts that write a change: the room
// is not created, the change not applied (see late.go). A deadline still
// ahead, or none, applies as before.
func TestLateScripts(t *testing.T) {
	st, err := New(Options{URL: redistest.Start(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	past := time.Now().Add(-time.Hour).UnixMilli()
	change := rooms.Change{Puts: []rooms.Put{{Key: "member:m", Value: json.RawMessage(`{}`)}}, Incrs: []rooms.Incr{{Key: "participants", By: 1}}}

	args, err := st.changeArgs("late", newEpoch(), time.Minute.Milliseconds(), "LATE", past, change)
	if err != nil {
		t.Fatal(err)
	}
	res, err := createScript.Run(ctx, st.rdb, st.keys.room("late"), args...).Result()
	if err != nil {
		t.Fatal(err)
	}
	if o, err := parseOutcome(res); err != nil || !errors.Is(o.err, rooms.ErrUnavailable) || !errors.Is(o.err, errLate) {
		t.Fatalf("late create: %+v, %v; want errLate", o, err)
	}
	if n, err := st.rdb.Exists(ctx, st.keys.room("late")...).Result(); err != nil || n != 0 {
		t.Fatalf("a late create left %d keys (%v)", n, err)
	}

	if _, err := st.CreateRoom(ctx, "room", "CODE", time.Minute, rooms.Change{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		deadline int64
		want     int64
	}{
		{"past", past, 0},
		{"ahead", time.Now().Add(time.Hour).UnixMilli(), 1},
		{"none", 0, 2},
	} {
		args, err := st.changeArgs("room", "", 0, "", tc.deadline, change)
		if err != nil {
			t.Fatal(err)
		}
		res, err := applyScript.Run(ctx, st.rdb, st.keys.room("room"), args...).Result()
		if err != nil {
			t.Fatal(err)
		}
		o, err := parseOutcome(res)
		if err != nil {
			t.Fatal(err)
		}
		if late := errors.Is(o.err, errLate); late != (tc.want == 0) {
			t.Errorf("%s deadline: outcome %v", tc.name, o.err)
		}
		if n, err := st.Counters(ctx, "room", "participants"); err != nil || n[0] != tc.want {
			t.Errorf("%s deadline: participants = %v, %v; want %d", tc.name, n, err, tc.want)
		}
	}
}
