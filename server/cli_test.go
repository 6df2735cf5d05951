package server

import (
	"strings"
	"testing"
)

// What huddle serve prints when it has started: the console at an address
// phones can reach when there is one (its QR code is made from the
// address it is opened at), and a console link that works whether or not
// the public URL ends in a slash.
func TestStartedMessage(t *testing.T) {
	for _, tc := range []struct {
		name      string
		url       string
		lan       []string
		want, not []string
	}{
		{"loopback only", "http://localhost:8080/", nil,
			[]string{"Open http://localhost:8080/\n", "Facilitator console: http://localhost:8080/host\n"}, []string{"Phones"}},
		{"a public URL without its slash", "https://huddle.example.org", nil,
			[]string{"Open https://huddle.example.org/\n", "Facilitator console: https://huddle.example.org/host\n"}, []string{"orghost"}},
		{"one network address", "http://localhost:8080/", []string{"http://192.168.1.20:8080/"},
			[]string{"Facilitator console: http://192.168.1.20:8080/host\n", "Phones on the same network can reach it at: http://192.168.1.20:8080/\n"},
			[]string{"localhost:8080/host"}},
		{"several", "http://localhost:8080/", []string{"http://192.168.1.20:8080/", "http://10.0.0.5:8080/"},
			[]string{"  http://192.168.1.20:8080/host\n", "  http://10.0.0.5:8080/host\n", "reach it at: http://192.168.1.20:8080/  http://10.0.0.5:8080/\n"},
			[]string{"localhost:8080/host"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			started(&b, tc.url, tc.lan)
			out := b.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in:\n%s", w, out)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(out, n) {
					t.Errorf("unexpected %q in:\n%s", n, out)
				}
			}
		})
	}
}

// A word that is not a flag is refused, with exit code 2, instead of
// ending the flags: `huddle serve foo -addr X` listened on the default
// address, every flag after the word ignored.
func TestServeRefusesArguments(t *testing.T) {
	for _, args := range [][]string{{"foo", "-addr", "127.0.0.1:8291"}, {"-addr", "127.0.0.1:8291", "foo"}} {
		_, _, err := ParseConfig("huddle serve", args, nil)
		if err == nil || err.Error() != `unexpected argument "foo"` {
			t.Errorf("%q: error %v", args, err)
		}
	}
	// Through the command line. A bad log format makes the node refuse to
	// start whatever happens to the word, so this cannot start a node.
	t.Setenv("HUDDLE_LOG_FORMAT", "nope")
	var out, errb strings.Builder
	if code := Main([]string{"serve", "foo", "-addr", "127.0.0.1:0"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `huddle serve: unexpected argument "foo"`) {
		t.Errorf("huddle serve foo: exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := Main([]string{"version", "foo"}, &out, &errb); code != 2 || errb.String() != "huddle version: unexpected argument \"foo\"\n" {
		t.Errorf("huddle version foo: exit %d, stderr %q", code, errb.String())
	}
}
