package loadgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// refMessage is a server message as encoding/json reads it: the reference
// the scanner is checked against.
type refMessage struct {
	Type         string          `json:"type"`
	ID           string          `json:"id"`
	Code         string          `json:"code"`
	Event        string          `json:"event"`
	Seq          uint64          `json:"seq"`
	Epoch        string          `json:"epoch"`
	Key          string          `json:"key"`
	Data         json.RawMessage `json:"data"`
	Result       json.RawMessage `json:"result"`
	Online       int             `json:"online"`
	Participants int             `json:"participants"`
	Recovered    bool            `json:"recovered"`
	Position     Position        `json:"position"`
	Presence     struct {
		Online       int `json:"online"`
		Participants int `json:"participants"`
	} `json:"presence"`
}

// ParseLine reads one server message with the scanner.
func ParseLine(line []byte) (Message, bool) {
	var m Message
	var n names
	ok := m.parse(line, &n)
	if m.id != nil {
		m.ID = string(m.id)
	}
	return m, ok
}

// CheckLine reads one server message with the scanner and with
// encoding/json and reports the first difference, down to every value
// inside it.
func CheckLine(line []byte) error {
	var ref refMessage
	if err := json.Unmarshal(line, &ref); err != nil {
		return fmt.Errorf("encoding/json: %v", err)
	}
	m, ok := ParseLine(line)
	if !ok {
		return fmt.Errorf("the scanner found it malformed")
	}
	got := fmt.Sprintf("%q %q %q %q %d %q %q %d %d %v %+v %d %d", m.Type, m.ID, m.Code, m.Event, m.Seq, m.Epoch, m.Key,
		m.Online, m.Participants, m.Recovered, m.Position, m.Presence.Online, m.Presence.Participants)
	want := fmt.Sprintf("%q %q %q %q %d %q %q %d %d %v %+v %d %d", ref.Type, ref.ID, ref.Code, ref.Event, ref.Seq, ref.Epoch, ref.Key,
		ref.Online, ref.Participants, ref.Recovered, ref.Position, ref.Presence.Online, ref.Presence.Participants)
	if got != want {
		return fmt.Errorf("envelope:\n got %s\nwant %s", got, want)
	}
	if !bytes.Equal(m.Data, ref.Data) || !bytes.Equal(m.Result, ref.Result) {
		return fmt.Errorf("data or result differ: %s / %s", m.Data, m.Result)
	}
	return CheckValue(line)
}

// CheckValue walks a JSON value with the scanner and compares every member,
// string and integer in it with what encoding/json reads.
func CheckValue(v []byte) error {
	v = bytes.Trim(v, " \t\r\n")
	if e := valueEnd(v, 0); e != len(v) {
		return fmt.Errorf("value ends at %d of %d: %s", e, len(v), v)
	}
	switch v[0] {
	case '{':
		var ref map[string]json.RawMessage
		if err := json.Unmarshal(v, &ref); err != nil {
			return err
		}
		// Duplicate keys: encoding/json keeps the last.
		type member struct{ k, v []byte }
		var all []member
		last := map[string]int{}
		f := members(v)
		for {
			k, val, ok := f.next()
			if !ok {
				break
			}
			key, _ := stringBytes([]byte(`"` + string(k) + `"`))
			last[string(key)] = len(all)
			all = append(all, member{key, val})
		}
		if f.bad || len(last) != len(ref) {
			return fmt.Errorf("walked %d members of %d (bad %v): %s", len(last), len(ref), f.bad, v)
		}
		for i, m := range all {
			if last[string(m.k)] != i {
				continue
			}
			if r, ok := ref[string(m.k)]; !ok || !bytes.Equal(r, m.v) {
				return fmt.Errorf("member %s: %s, encoding/json %s", m.k, m.v, r)
			}
			if err := CheckValue(m.v); err != nil {
				return fmt.Errorf("%s: %w", m.k, err)
			}
		}
	case '[':
		var ref []json.RawMessage
		if err := json.Unmarshal(v, &ref); err != nil {
			return err
		}
		it := elements(v)
		i := 0
		for {
			e, ok := it.next()
			if !ok {
				break
			}
			if i >= len(ref) || !bytes.Equal(e, ref[i]) {
				return fmt.Errorf("[%d]: %s", i, e)
			}
			if err := CheckValue(e); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
			i++
		}
		if it.bad || i != len(ref) {
			return fmt.Errorf("walked %d elements of %d (bad %v): %s", i, len(ref), it.bad, v)
		}
	case '"':
		var ref string
		if err := json.Unmarshal(v, &ref); err != nil {
			return err
		}
		s, ok := stringBytes(v)
		if !ok || (utf8.Valid(v) && string(s) != ref) {
			return fmt.Errorf("string %s: got %q, encoding/json %q", v, s, ref)
		}
	default:
		var ref int64
		if string(v) != "null" && json.Unmarshal(v, &ref) == nil {
			if n, ok := parseInt(v); !ok || n != ref {
				return fmt.Errorf("integer %s: got %d", v, n)
			}
		}
	}
	return nil
}
