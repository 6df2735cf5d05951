package redisstore

import (
	"encoding/json"
	"strconv"
	"strings"
)

// decodeNotice decodes a message of a room's channel. Every node decodes
// every notice of the rooms it follows: in a vote burst that is one per
// vote per node, and encoding/json's reflection made it 4 % of a node's
// CPU. The notices the scripts write without an event (a change that
// touched state, or only moved the room's version: common.lua's commit,
// presence.lua) have one fixed shape, which readNotice reads directly;
// anything else (an event, an escape in a string, a field out of order,
// the "cdrop" of the rare change that deletes counters) goes to
// encoding/json, which gives the same result for every input
// readNotice takes (FuzzDecodeNotice).
func decodeNotice(payload string) (envelope, error) {
	if env, ok := readNotice(payload); ok {
		return env, nil
	}
	var env envelope
	err := json.Unmarshal([]byte(payload), &env)
	return env, err
}

// readNotice reads {"at":N,"epoch":"S","ver":N[,"ctr":[S,…]][,"cls":[S,…]][,"touched":[S,…]]},
// in that order, with strings free of escapes and control characters, and
// reports whether payload was exactly that.
func readNotice(payload string) (envelope, bool) {
	var env envelope
	r := noticeReader{s: payload}
	var ok bool
	if !r.lit(`{"at":`) {
		return env, false
	}
	if env.At, ok = r.int(); !ok || !r.lit(`,"epoch":`) {
		return env, false
	}
	if env.Epoch, ok = r.str(); !ok || !r.lit(`,"ver":`) {
		return env, false
	}
	if env.Ver, ok = r.int(); !ok {
		return env, false
	}
	if r.lit(`,"ctr":`) {
		if env.Ctr, ok = r.strs(); !ok {
			return env, false
		}
	}
	if r.lit(`,"cls":`) {
		if env.Cls, ok = r.strs(); !ok {
			return env, false
		}
	}
	if r.lit(`,"touched":`) {
		if env.Touched, ok = r.strs(); !ok {
			return env, false
		}
	}
	return env, r.lit("}") && r.s == ""
}

// noticeReader consumes a notice from its front.
type noticeReader struct{ s string }

func (r *noticeReader) lit(p string) bool {
	if !strings.HasPrefix(r.s, p) {
		return false
	}
	r.s = r.s[len(p):]
	return true
}

// int reads an integer as encoding/json would into an int64: an optional
// minus, then digits without a leading zero.
func (r *noticeReader) int() (int64, bool) {
	i := 0
	if i < len(r.s) && r.s[i] == '-' {
		i++
	}
	start := i
	for i < len(r.s) && r.s[i] >= '0' && r.s[i] <= '9' {
		i++
	}
	if i == start || (r.s[start] == '0' && i-start > 1) {
		return 0, false
	}
	n, err := strconv.ParseInt(r.s[:i], 10, 64)
	if err != nil {
		return 0, false
	}
	r.s = r.s[i:]
	return n, true
}

// str reads a string without escapes, control characters or invalid
// UTF-8 (which encoding/json would replace): those take the slow path.
func (r *noticeReader) str() (string, bool) {
	if !r.lit(`"`) {
		return "", false
	}
	for i := 0; i < len(r.s); i++ {
		switch c := r.s[i]; {
		case c == '"':
			v := r.s[:i]
			r.s = r.s[i+1:]
			return v, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return "", false
		}
	}
	return "", false
}

// strs reads a non-empty array of such strings.
func (r *noticeReader) strs() ([]string, bool) {
	if !r.lit("[") {
		return nil, false
	}
	var out []string
	for {
		v, ok := r.str()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if r.lit("]") {
			return out, true
		}
		if !r.lit(",") {
			return nil, false
		}
	}
}
