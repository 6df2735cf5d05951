package redisstore

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"huddle/rooms"
	"huddle/rooms/redisstore/redistest"
)

// The notices the scripts write, as they write them (common.lua's commit,
// presence.lua), and ones readNotice leaves to encoding/json.
var noticeSamples = []string{
	`{"at":1796489034050,"epoch":"e1","ver":12,"ctr":["n:ex1","5","a:ex1:q1","5","c:ex1:q1:a","2"],"cls":["bal:"],"touched":["ex:ex1"]}`,
	`{"at":1796489034050,"epoch":"e1","ver":12,"ctr":["n:ex1","5"],"touched":["ex:ex1","presence"]}`,
	`{"at":1796489034050,"epoch":"e1","ver":13,"cls":["ex:"],"touched":["ex:ex1"]}`,
	`{"at":1796489034050,"epoch":"e1","ver":13,"touched":["presence"]}`,
	`{"at":1796489034050,"epoch":"e1","ver":14,"ctr":["n:ex1","-3"]}`,
	`{"at":1796489034050,"epoch":"e1","ver":0}`,
	// encoding/json's:
	`{"at":1796489034050,"epoch":"e1","ver":14,"cls":[""],"event":{"room":"r","epoch":"e1","seq":3,"type":"t","data":{"a":1},"to":{}}}`,
	`{"at":1,"epoch":"e\u00e91","ver":2,"touched":["ex:a\/b"]}`,
	`{"at":1,"epoch":"é","ver":2}`,
	`{"at":1,"ver":2,"epoch":"e"}`,
	`{"at":1,"epoch":"e","ver":2,"touched":[]}`,
	`{"at":01,"epoch":"e","ver":2}`,
	`{"at":1,"epoch":"e","ver":2} `,
}

// Every notice decodes as encoding/json decodes it, and the scripts' own
// shapes without it.
func TestDecodeNotice(t *testing.T) {
	for i, p := range noticeSamples {
		var want envelope
		wantErr := json.Unmarshal([]byte(p), &want)
		got, err := decodeNotice(p)
		if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v, %v", p, got, err, want, wantErr)
		}
		if _, fast := readNotice(p); fast != (i < 6) {
			t.Errorf("%s: read directly %v, want %v", p, fast, i < 6)
		}
	}
	if _, err := decodeNotice(`{"at":`); err == nil {
		t.Error("a cut notice decoded")
	}
}

// Whatever readNotice accepts, encoding/json reads the same way.
func FuzzDecodeNotice(f *testing.F) {
	for _, p := range noticeSamples {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got, ok := readNotice(p)
		if !ok {
			return
		}
		var want envelope
		if err := json.Unmarshal([]byte(p), &want); err != nil {
			t.Fatalf("%q read directly, but encoding/json says %v", p, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %+v\nwant %+v", p, got, want)
		}
	})
}

func BenchmarkDecodeNotice(b *testing.B) {
	p := noticeSamples[0]
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeNotice(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var env envelope
			if err := json.Unmarshal([]byte(p), &env); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The notices the scripts publish for changes without events are the
// shape readNotice reads: were the scripts to change it, every notice
// would quietly take the slow path.
func TestScriptNoticesReadDirectly(t *testing.T) {
	ctx := t.Context()
	url := redistest.Start(t)
	st, err := New(Options{URL: url, Prefix: "notice"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CreateRoom(ctx, "r", "CODE", time.Minute, rooms.Change{}); err != nil {
		t.Fatal(err)
	}
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(o)
	defer rdb.Close()
	ps := rdb.Subscribe(ctx, st.keys.channel("r"))
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	changes := []rooms.Change{
		// A vote: a ballot, counters, a once-only set, a touched tally.
		{Actor: "a1", CmdID: "c1", Reply: json.RawMessage(`{"ok":true}`),
			Puts:  []rooms.Put{{Key: "bal:e:a:x", Value: json.RawMessage(`{"answers":{}}`)}},
			Incrs: []rooms.Incr{{Key: "n:e", By: 1}, {Key: "c:e:q1:a", By: 1}},
			Once:  []rooms.Once{{Set: "voted:e", Member: "x"}},
			Touch: []string{"ex:e"}},
		{Touch: []string{"ex:e", "presence"}},                                    // state only
		{Incrs: []rooms.Incr{{Key: "n:e", By: -1}}},                              // a version only
		{Puts: []rooms.Put{{Key: "ex:e", Value: json.RawMessage(`{"id":"e"}`)}}}, // a document only
	}
	for i, c := range changes {
		if _, err := st.Apply(ctx, "r", c); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
		m, err := ps.ReceiveMessage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		env, ok := readNotice(m.Payload)
		if !ok {
			t.Fatalf("change %d's notice takes the slow path: %s", i, m.Payload)
		}
		var want envelope
		if err := json.Unmarshal([]byte(m.Payload), &want); err != nil || !reflect.DeepEqual(env, want) {
			t.Fatalf("change %d: read %+v, encoding/json %+v (%v)", i, env, want, err)
		}
		if env.Ver == 0 || env.Epoch == "" {
			t.Fatalf("change %d's notice has no version: %s", i, m.Payload)
		}
	}
}
