package loadgen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Every message a live server sent (testdata/frames.json) reads the same
// with the scanner as with encoding/json, down to every value inside.
func TestScanFixtures(t *testing.T) {
	frames := fixtureFrames(t)
	var lines, multi int
	var escapes, nested, unicode bool
	for _, f := range frames {
		parts := strings.Split(f, "\n")
		if len(parts) > 1 {
			multi++
		}
		for _, l := range parts {
			lines++
			if err := CheckLine([]byte(l)); err != nil {
				t.Fatalf("%v\nin %s", err, l)
			}
			escapes = escapes || strings.Contains(l, `\"`) && strings.Contains(l, `\\`)
			nested = nested || strings.Contains(l, `"cards":[{`)
			unicode = unicode || strings.Contains(l, "😀")
		}
	}
	if multi == 0 || !escapes || !nested || !unicode {
		t.Fatalf("the fixture lacks cases: %d frames with several messages, escapes %v, nested %v, unicode %v", multi, escapes, nested, unicode)
	}
	t.Logf("%d messages in %d frames (%d with several)", lines, len(frames), multi)
}

func TestScanCases(t *testing.T) {
	for _, s := range []string{
		`{"type":"event","event":"room.updated","seq":12,"epoch":"e1","data":{"title":"a \"quoted\" \\ back\\","x":"}]{[,:"}}`,
		` { "type" : "state" , "key" : "ex:1" , "data" : { "cards" : [ { "text" : "é\u00e9\ud83d\ude00\u2028\n\t\/" } , [ ] , { } ] } } `,
		`{"type":"presence","online":-0,"participants":3,"members":[]}`,
		`{"type":"welcome","you":{"id":"x"},"position":{"epoch":"ab","seq":7},"recovered":true,"presence":{"type":"presence","online":4,"participants":5,"members":[{"online":true}]}}`,
		`{"type":"ack","id":"c\"1","result":{"exercise":"a1"}}`,
		`{"type":"error","id":"v","code":"invalid","message":"bad \\\"","retry":true,"field":null}`,
		`{"data":[1,-2.5e3,true,false,null,"\\\\"],"type":"event","seq":18446744073709551615}`,
		`{"data":"\ud800 lone \udc00 \ud800\u0041"}`,
		`{}`,
		`{"":[{"":"","":true}],"type":"a","type":"ack"}`,
		// data not last: the shortcut for events' data must not apply.
		`{"type":"event","data":{"a":"}"},"seq":3}`,
		`{"type":"state","data":[1,{"b":2}] ,"key":"ex:1" }`,
		`{"type":"event","seq":4,"data":{"x":[]}  }`,
	} {
		if err := CheckLine([]byte(s)); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
}

// Malformed input never panics and is reported.
func TestScanMalformed(t *testing.T) {
	for _, s := range []string{
		``, `[]`, `{`, `{"type"`, `{"type":`, `{"type":"event"`, `{"type":"ev`, `{"type" "x"}`,
		`{"a":1,}`, `{"a":{"b":[1,2}`, `{"a":"\`, `{,}`, `{"a":}`, `{"a":1 "b":2}`, `{"a":1}x`,
	} {
		m, ok := ParseLine([]byte(s))
		if ok && s != `{"a":1}x` {
			t.Errorf("%q read as well-formed: %+v", s, m)
		}
		if _, ok := stringBytes([]byte(`"\u12`)); ok {
			t.Error("short \\u escape read")
		}
	}
}

// A frame with several messages reaches the handler as each of them, in
// order, with the frame's time.
func TestFrameSplits(t *testing.T) {
	frame := []byte(`{"type":"event","event":"room.updated","seq":1,"epoch":"e","data":{"title":"a\nb"}}` + "\n" +
		`{"type":"presence","online":2,"participants":2}` + "\n" +
		`{"type":"state","key":"ex:1","data":{"responses":2}}` + "\n" +
		`{"type":"event","event":"room.updated","seq":2,"epoch":"e","data":{"title":"b-1"}}`)
	c := &Conn{pending: map[string]*call{}}
	var got []string
	at := time.Now()
	c.SetHandler(func(m *Message, when time.Time) {
		if !when.Equal(at) {
			t.Error("time changed")
		}
		got = append(got, m.Type+" "+m.Event+m.Key+" "+string(m.Data))
	})
	c.frame(frame, at)
	want := []string{`event room.updated {"title":"a\nb"}`, `presence  `, `state ex:1 {"responses":2}`, `event room.updated {"title":"b-1"}`}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q", got)
	}
	if p := c.Position(); p != (Position{"e", 2}) {
		t.Fatalf("position %+v", p)
	}
}

// An answer reaches the command waiting for it with its own copy of the
// result (the frame's buffer is reused).
func TestAnswerCopiesResult(t *testing.T) {
	c := &Conn{pending: map[string]*call{}}
	w := &call{id: "c7", ch: make(chan Message, 1)}
	c.pending["c7"] = w
	frame := []byte(`{"type":"ack","id":"c7","result":{"exercise":"ab"}}`)
	c.frame(frame, time.Now())
	copy(frame, bytes.Repeat([]byte{'x'}, len(frame)))
	m := <-w.ch
	if m.ID != "c7" || string(m.Result) != `{"exercise":"ab"}` {
		t.Fatalf("%+v %s", m, m.Result)
	}
}

func TestScenarioFields(t *testing.T) {
	if i, ok := titleIndex([]byte(`{"id":"x","title":"b-42","code":"Q"}`), "b-"); !ok || i != 42 {
		t.Fatal(i, ok)
	}
	for _, s := range []string{`{"title":"b-"}`, `{"title":"a-1"}`, `{"title":"b-1x"}`, `{}`, `{"title":5}`} {
		if _, ok := titleIndex([]byte(s), "b-"); ok {
			t.Error(s)
		}
	}
	if n, ok := responsesOf([]byte(`{"exercise":"a","results":{"responses":9},"responses":3}`)); !ok || n != 3 {
		t.Fatal(n, ok)
	}
	board := pick(t, fixtureFrames(t), true, `"revealed":true`)
	m, _ := ParseLine(board)
	if n, ok := boardCount(m.Data); !ok || n != 5 || bytes.Count(m.Data, []byte(`"text":`)) != 5 {
		t.Fatalf("board of %d cards: %s", n, m.Data)
	}
	if i, ok := cardIndex([]byte(`12 1795448094720227992 caf"}`)); !ok || i != 12 {
		t.Fatal(i, ok)
	}
}

func FuzzScan(f *testing.F) {
	seeds := map[string]bool{}
	for _, fr := range fixtureFrames(f) {
		for _, l := range strings.Split(fr, "\n") {
			if !seeds[l] {
				seeds[l] = true
				f.Add([]byte(l))
			}
		}
	}
	f.Add([]byte(`{"a":"\ud83d\ude00","b":[{"c":"]"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Message
		var n names
		ok := m.parse(b, &n)
		_ = field(b, "data")
		_, _ = stringBytes(b)
		b = bytes.Trim(b, " \t\r\n") // JSON's white space only
		if !json.Valid(b) || len(b) == 0 || b[0] != '{' {
			return
		}
		if !ok {
			t.Fatalf("valid JSON read as malformed: %s", b)
		}
		var dup map[string]json.RawMessage
		if json.Unmarshal(b, &dup) != nil {
			return
		}
		if bytes.Contains(b, []byte(`\`)) || !utf8.Valid(b) {
			return // keys are compared as written: escaped or invalid UTF-8 keys are not the scanner's
		}
		if err := CheckValue(b); err != nil {
			t.Fatal(err)
		}
	})
}
