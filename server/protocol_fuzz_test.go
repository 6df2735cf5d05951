package server

import (
	"strings"
	"testing"

	"huddle/rooms"
)

// decodeSeeds are valid and invalid client messages.
var decodeSeeds = []string{
	`{"type":"hello","room":"r1","token":"t1"}`,
	`{"type":"hello","room":"r1","token":"t1","since":{"epoch":"e","seq":3}}`,
	`{"type":"room.update","id":"c-1","data":{"title":"Retro"}}`,
	`{"type":"member.rename","id":"c-2","data":{"name":"Ann"}}`,
	`{"type":"ping"}`,
	`{"type":"pong"}`,
	`  {"type":"ping"}  `,
	``,
	`   `,
	`{`,
	`}`,
	`[1]`,
	`"x"`,
	`5`,
	`null`,
	`true`,
	`{}`,
	`{"id":"x"}`,
	`{"type":""}`,
	`{"type":null,"id":"n"}`,
	`{"type":5}`,
	`{"type":"a","id":5}`,
	`{"type":"a","id":"i","since":"x"}`,
	`{"type":"a","since":{"seq":-1}}`,
	`{"type":"a","since":{"seq":1e30}}`,
	`{"type":"a","data":`,
	`{"type":"a"} trailing`,
	`{"type":"a"}{"type":"b"}`,
	`{"type":"` + strings.Repeat("t", 64) + `"}`,
	`{"type":"` + strings.Repeat("t", 65) + `","id":"long"}`,
	`{"type":"` + strings.Repeat("é", 40) + `"}`,
	`{"type":"\ud800","id":"\u0000"}`,
	"{\"type\":\"\xff\xfe\"}",
	`{"type":"a","type":"b"}`,
	`{"TYPE":"a","ID":"case"}`,
	`{"type":"a","data":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`,
}

// decodeCodes are the only codes decode may answer with.
var decodeCodes = map[rooms.Code]bool{rooms.CodeBadJSON: true, rooms.CodeBadMessage: true, rooms.CodeUnknownType: true}

// decode never panics; it accepts a message only with a type of 1 to 64
// bytes, and refuses every other message with bad_json, bad_message or
// unknown_type.
func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := decode(b)
		if err == nil {
			if in.Type == "" || len(in.Type) > 64 {
				t.Fatalf("decode(%q) accepted type %q", b, in.Type)
			}
			return
		}
		if !decodeCodes[err.Code] {
			t.Fatalf("decode(%q) answered code %q (%v)", b, err.Code, err)
		}
		if err.Code == rooms.CodeUnknownType && len(in.Type) > 64 {
			t.Fatalf("decode(%q) kept a type of %d bytes", b, len(in.Type))
		}
		if err.Message == "" {
			t.Fatalf("decode(%q): error without a message", b)
		}
	})
}

// decode reads each field, salvages the command id where it can, and
// answers each kind of malformed message with its code.
func TestDecode(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("t", 65)
	cases := []struct {
		name, in  string
		typ, id   string
		code      rooms.Code
		field     string
		wantRoom  string
		wantSince bool
	}{
		{name: "command", in: `{"type":"room.update","id":"c-1","data":{"title":"x"}}`, typ: "room.update", id: "c-1"},
		{name: "hello", in: `{"type":"hello","room":"r","token":"t","since":{"epoch":"e","seq":4}}`, typ: "hello", wantRoom: "r", wantSince: true},
		{name: "surrounding space", in: " \n{\"type\":\"ping\"}\t", typ: "ping"},
		{name: "64-byte type", in: `{"type":"` + strings.Repeat("t", 64) + `"}`, typ: strings.Repeat("t", 64)},
		{name: "empty", in: ``, code: rooms.CodeBadJSON},
		{name: "spaces", in: `   `, code: rooms.CodeBadJSON},
		{name: "array", in: `[1]`, code: rooms.CodeBadJSON},
		{name: "string", in: `"x"`, code: rooms.CodeBadJSON},
		{name: "null", in: `null`, code: rooms.CodeBadJSON},
		{name: "truncated", in: `{"type":"a","id":"x"`, code: rooms.CodeBadJSON},
		{name: "trailing garbage", in: `{"type":"a","id":"x"} y`, code: rooms.CodeBadJSON},
		{name: "two objects", in: `{"type":"a"}{"type":"b"}`, code: rooms.CodeBadJSON},
		{name: "missing type", in: `{"id":"m1"}`, id: "m1", code: rooms.CodeBadMessage, field: "type"},
		{name: "empty type", in: `{"type":"","id":"m2"}`, id: "m2", code: rooms.CodeBadMessage, field: "type"},
		{name: "null type", in: `{"type":null,"id":"m3"}`, id: "m3", code: rooms.CodeBadMessage, field: "type"},
		{name: "id not a string", in: `{"type":"a","id":5}`, typ: "a", code: rooms.CodeBadMessage},
		{name: "type not a string, id salvaged", in: `{"type":7,"id":"s1"}`, id: "s1", code: rooms.CodeBadMessage},
		{name: "since not an object, id salvaged", in: `{"type":"a","id":"s2","since":"x"}`, typ: "a", id: "s2", code: rooms.CodeBadMessage},
		{name: "negative seq", in: `{"type":"a","id":"s3","since":{"seq":-1}}`, typ: "a", id: "s3", code: rooms.CodeBadMessage},
		{name: "overlong type", in: `{"type":"` + long + `","id":"u1"}`, typ: long[:64], id: "u1", code: rooms.CodeUnknownType, field: "type"},
	}
	for _, tc := range cases {
		in, err := decode([]byte(tc.in))
		if tc.code == "" {
			if err != nil {
				t.Errorf("%s: error %v", tc.name, err)
				continue
			}
		} else if err == nil || err.Code != tc.code || err.Field != tc.field {
			t.Errorf("%s: error %v, want code %s field %q", tc.name, err, tc.code, tc.field)
			continue
		}
		if in.ID != tc.id {
			t.Errorf("%s: id %q, want %q", tc.name, in.ID, tc.id)
		}
		if tc.typ != "" && in.Type != tc.typ {
			t.Errorf("%s: type %q, want %q", tc.name, in.Type, tc.typ)
		}
		if tc.code == "" && (in.Room != tc.wantRoom || (in.Since != nil) != tc.wantSince) {
			t.Errorf("%s: room %q since %v", tc.name, in.Room, in.Since)
		}
	}
	// Data is kept raw for the command's handler.
	in, err := decode([]byte(`{"type":"x","id":"d","data":{"b":[1,2],"a":"z"}}`))
	if err != nil || string(in.Data) != `{"b":[1,2],"a":"z"}` {
		t.Fatalf("data %s, err %v", in.Data, err)
	}
	if in, err := decode([]byte(`{"type":"hello","since":{"epoch":"e","seq":4}}`)); err != nil || *in.Since != (rooms.Position{Epoch: "e", Seq: 4}) {
		t.Fatalf("since %+v err %v", in.Since, err)
	}
}
