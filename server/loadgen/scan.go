package loadgen

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// A small scanner for the JSON the server sends. At thousands of phones
// the tool decodes every message each of them receives, and reflection-
// based json.Unmarshal of each one took most of the machine's CPU (the
// server's own fan-out figures suffered for it). The scanner reads only
// what the tool uses: it walks an object's members without building
// anything, skips values it does not want (finding the end of a string
// with IndexByte), and hands out values as sub-slices of the input.
//
// It trusts its input to be the server's valid JSON: it checks the
// structure it walks through, but not every byte of the values it skips
// (an invalid number inside a skipped array is not noticed). Keys are
// compared as they are written, without unescaping, which is how the
// server writes them.

// special marks the bytes that matter while skipping an object or array.
var special = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just after the string that starts with the
// quote at b[i], or -1 when it is not terminated.
func stringEnd(b []byte, i int) int {
	// Most strings in the server's messages are short (keys, ids): look
	// at their first bytes one by one before calling IndexByte.
	j := i + 1
	for end := min(len(b), j+16); j < end && b[j] != '\\'; j++ {
		if b[j] == '"' {
			return j + 1
		}
	}
	// No quote before j: find the next unescaped one from there.
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return -1
		}
		k += j
		n := 0 // backslashes right before the quote
		for p := k - 1; p > i && b[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return k + 1
		}
		j = k + 1
	}
}

// valueEnd returns the index just after the JSON value that starts at
// b[i] (no white space before it), or -1.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			if !special[b[j]] {
				continue
			}
			switch b[j] {
			case '"':
				e := stringEnd(b, j)
				if e < 0 {
					return -1
				}
				j = e - 1
			case '{', '[':
				depth++
			default: // '}', ']'
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	case ',', ':', '}', ']':
		return -1
	}
	// A number, true, false or null: up to the next delimiter.
	j := i
	for j < len(b) {
		switch c := b[j]; c {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j
		}
		j++
	}
	return j
}

// fields walks the members of one JSON object.
type fields struct {
	b    []byte
	i    int
	bad  bool // not an object, or malformed
	done bool
	// last names a member known to be the object's last, when b is
	// exactly that object: its value (an object or array) is taken as
	// everything up to the closing brace without walking through it.
	last string
}

// members starts walking the object in b (white space around it allowed).
func members(b []byte) fields {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return fields{bad: true, done: true}
	}
	f := fields{b: b, i: i + 1}
	if j := skipSpace(b, f.i); j < len(b) && b[j] == '}' {
		f.done = true
	}
	return f
}

// next returns the next member: its key as written between the quotes, and
// its value as raw JSON. ok is false at the end of the object or at the
// first syntax error (then bad is set).
func (f *fields) next() (key, val []byte, ok bool) {
	if f.done {
		return nil, nil, false
	}
	b := f.b
	fail := func() ([]byte, []byte, bool) {
		f.bad, f.done = true, true
		return nil, nil, false
	}
	i := skipSpace(b, f.i)
	if i >= len(b) || b[i] != '"' {
		return fail()
	}
	e := stringEnd(b, i)
	if e < 0 {
		return fail()
	}
	key = b[i+1 : e-1]
	i = skipSpace(b, e)
	if i >= len(b) || b[i] != ':' {
		return fail()
	}
	i = skipSpace(b, i+1)
	if f.last != "" && string(key) == f.last {
		if v := restOf(b, i); v != nil {
			f.done = true
			return key, v, true
		}
	}
	e = valueEnd(b, i)
	if e < 0 {
		return fail()
	}
	val = b[i:e]
	i = skipSpace(b, e)
	switch {
	case i < len(b) && b[i] == ',':
		f.i = i + 1
	case i < len(b) && b[i] == '}':
		f.done = true
	default:
		return fail()
	}
	return key, val, true
}

// restOf returns b[i:] without the object's closing brace and white
// space, when that is an object or array (its first and last bytes
// match); else nil.
func restOf(b []byte, i int) []byte {
	end := len(b)
	for end > i && isSpace(b[end-1]) {
		end--
	}
	if end-i < 3 || b[end-1] != '}' {
		return nil
	}
	end--
	for end > i && isSpace(b[end-1]) {
		end--
	}
	v := b[i:end]
	if len(v) < 2 || !(v[0] == '{' && v[len(v)-1] == '}' || v[0] == '[' && v[len(v)-1] == ']') {
		return nil
	}
	return v
}

// elems walks the elements of one JSON array.
type elems struct {
	b    []byte
	i    int
	bad  bool
	done bool
}

// elements starts walking the array in b (white space around it allowed).
func elements(b []byte) elems {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return elems{bad: true, done: true}
	}
	e := elems{b: b, i: i + 1}
	if j := skipSpace(b, e.i); j < len(b) && b[j] == ']' {
		e.done = true
	}
	return e
}

// next returns the next element as raw JSON; ok is false at the end of
// the array or at the first syntax error (then bad is set).
func (e *elems) next() (val []byte, ok bool) {
	if e.done {
		return nil, false
	}
	b := e.b
	i := skipSpace(b, e.i)
	end := valueEnd(b, i)
	if end < 0 {
		e.bad, e.done = true, true
		return nil, false
	}
	val = b[i:end]
	i = skipSpace(b, end)
	switch {
	case i < len(b) && b[i] == ',':
		e.i = i + 1
	case i < len(b) && b[i] == ']':
		e.done = true
	default:
		e.bad, e.done = true, true
		return nil, false
	}
	return val, true
}

// field returns the raw value of key in the JSON object obj (nil if
// absent or obj is not an object).
func field(obj []byte, key string) []byte {
	f := members(obj)
	for {
		k, v, ok := f.next()
		if !ok {
			return nil
		}
		if string(k) == key {
			return v
		}
	}
}

// parseUint reads a non-negative JSON integer.
func parseUint(v []byte) (uint64, bool) {
	if len(v) == 0 || len(v) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (1<<64-1-d)/10 {
			return 0, false // overflow
		}
		n = n*10 + d
	}
	return n, true
}

// parseInt reads a JSON integer.
func parseInt(v []byte) (int64, bool) {
	neg := len(v) > 0 && v[0] == '-'
	if neg {
		v = v[1:]
	}
	n, ok := parseUint(v)
	if !ok || n > 1<<63-1 {
		return 0, false
	}
	if neg {
		return -int64(n), true
	}
	return int64(n), true
}

// stringBytes returns the contents of a JSON string value: a sub-slice of
// v when it holds no escapes, else a new decoded slice. ok is false when v
// is not a string.
func stringBytes(v []byte) ([]byte, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return nil, false
	}
	s := v[1 : len(v)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return s, true
	}
	return unescape(s)
}

// unescape decodes a JSON string's contents (without quotes) that hold
// escapes. Lone surrogates become U+FFFD, as encoding/json does.
func unescape(s []byte) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return nil, false
		}
		switch s[i+1] {
		case '"', '\\', '/':
			out = append(out, s[i+1])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(s[i+2:])
			if !ok {
				return nil, false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				// A pair is two escapes; anything else is an error rune.
				if i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if r2, ok := hex4(s[i+2:]); ok {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							out = utf8.AppendRune(out, d)
							i += 6
							continue
						}
					}
				}
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return nil, false
		}
		i += 2
	}
	return out, true
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// names turns the strings of one connection's messages into Go strings
// without allocating each time: message types and known event names are
// constants, and the last few other values (the epoch, state keys) are
// kept. Only its connection's reading goroutine uses it.
type names struct {
	recent [8]string
	next   int
}

// known are the message types and event names the server sends.
var known = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{
		"welcome", "event", "presence", "state", "ack", "error", "ping", "pong",
		"room.updated", "room.locked", "room.unlocked", "room.ended", "member.renamed", "member.removed",
		"exercise.updated", "exercise.notes", "exercise.removed", "agenda.updated",
		"retro.card", "retro.card.shown", "retro.card.deleted", "retro.dots",
		"help.requested", "help.paired",
	} {
		m[s] = s
	}
	return m
}()

// get returns v (a JSON string value) as a string, "" if it is not one.
func (n *names) get(v []byte) string {
	s, ok := stringBytes(v)
	if !ok {
		return ""
	}
	if k, ok := known[string(s)]; ok {
		return k
	}
	for _, r := range n.recent {
		if r == string(s) {
			return r
		}
	}
	r := string(s)
	n.recent[n.next] = r
	n.next = (n.next + 1) % len(n.recent)
	return r
}
