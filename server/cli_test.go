package server

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// The help /metrics gives says what each counter counts: closes by the
// client too (peer_closed), evictions for age and while attaching too.
func TestMetricsHelp(t *testing.T) {
	m := newMetrics(func() float64 { return 0 })
	m.closes.WithLabelValues("peer_closed").Inc()
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	help := map[string]string{}
	for _, f := range families {
		help[f.GetName()] = f.GetHelp()
	}
	for name, want := range map[string][]string{
		"huddle_ws_closes_total":            {"peer_closed", "client closed", "first reason"},
		"huddle_send_queue_evictions_total": {"send-queue-bytes", "send-queue-age", "a write", "attached", "4000"},
	} {
		for _, w := range want {
			if !strings.Contains(help[name], w) {
				t.Errorf("%s: help %q does not say %q", name, help[name], w)
			}
		}
	}
	if strings.Contains(help["huddle_ws_closes_total"], "closed by the server") {
		t.Errorf("huddle_ws_closes_total: %q", help["huddle_ws_closes_total"])
	}
}

// Every message package server logs is in docs/operations.md's log
// table (section 6), word for word, or as its start followed by "…".
func TestLogMessagesDocumented(t *testing.T) {
	docs := docsSection(t, "6")
	var documented []string
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(docs, -1) {
		documented = append(documented, m[1])
	}
	call := regexp.MustCompile(`\.(Debug|Info|Warn|Error)\("([^"]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			msg := m[2]
			if !slices.ContainsFunc(documented, func(d string) bool {
				return d == msg || strings.HasSuffix(d, "…") && strings.HasPrefix(msg, strings.TrimSuffix(d, "…"))
			}) {
				t.Errorf("%s logs %q (%s), which docs/operations.md section 6 does not list", name, msg, strings.ToUpper(m[1]))
			}
		}
	}
}
