package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/rooms/redisstore/redistest"
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

// huddle health takes what a user types: a URL, host:port or :port (as
// HUDDLE_ADDR is written); -h prints its usage.
func TestHealthCommand(t *testing.T) {
	var asked []string
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.Path)
		fmt.Fprint(w, `{"status":"ready"}`)
	}))
	defer node.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(node.URL, "http://"))
	run := func(args ...string) (int, string, string) {
		var out, errb strings.Builder
		code := Main(append([]string{"health"}, args...), &out, &errb)
		return code, out.String(), errb.String()
	}
	for _, tc := range []struct{ arg, path string }{
		{node.URL, "/readyz"},
		{node.URL + "/", "/readyz"},
		{node.URL + "/healthz", "/healthz"},
		{"127.0.0.1:" + port, "/readyz"},
		{":" + port, "/readyz"},
		{"0.0.0.0:" + port, "/readyz"},
		{"127.0.0.1:" + port + "/healthz", "/healthz"},
	} {
		asked = nil
		if code, out, errs := run(tc.arg); code != 0 || out != `200 {"status":"ready"}` || !slices.Equal(asked, []string{tc.path}) {
			t.Errorf("huddle health %s: exit %d, %q %q, asked %q", tc.arg, code, out, errs, asked)
		}
	}
	t.Setenv("HUDDLE_ADDR", ":"+port)
	if code, _, errs := run(); code != 0 {
		t.Errorf("huddle health with HUDDLE_ADDR=:%s: exit %d %q", port, code, errs)
	}
	if code, out, errs := run("-h"); code != 0 || out != "" || !strings.HasPrefix(errs, "Usage: huddle health [ADDRESS]") {
		t.Errorf("huddle health -h: exit %d, %q %q", code, out, errs)
	}
	for _, args := range [][]string{{"localhost"}, {"http://"}, {":" + port, "extra"}, {"-x"}} {
		if code, _, errs := run(args...); code != 2 || errs == "" {
			t.Errorf("huddle health %q: exit %d %q", args, code, errs)
		}
	}
	t.Setenv("HUDDLE_ADDR", "nowhere")
	if code, _, errs := run(); code != 2 || !strings.Contains(errs, "$HUDDLE_ADDR") {
		t.Errorf("HUDDLE_ADDR=nowhere: exit %d %q", code, errs)
	}
}

// huddle packs: -h after any command prints the usage, which gives the
// commands as they are typed (huddle packs …); usage errors exit 2.
func TestPacksCommandUsage(t *testing.T) {
	run := func(args ...string) (int, string, string) {
		var out, errb strings.Builder
		code := Main(append([]string{"packs"}, args...), &out, &errb)
		return code, out.String(), errb.String()
	}
	usageOK := func(u string) bool {
		return strings.Contains(u, "\n  huddle packs validate FILE...") && strings.Contains(u, "\n  huddle packs export ID") && !strings.Contains(u, "\n  packs ")
	}
	for _, args := range [][]string{{"-h"}, {"help"}, {"validate", "-h"}, {"validate", "a.yaml", "--help"}, {"export", "-h"}, {"list", "-h"}} {
		if code, out, errs := run(args...); code != 0 || !usageOK(out) || errs != "" {
			t.Errorf("huddle packs %q: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	for _, args := range [][]string{{}, {"validate"}, {"export"}, {"nope"}} {
		if code, out, errs := run(args...); code != 2 || !usageOK(errs) || out != "" {
			t.Errorf("huddle packs %q: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "x"}, `huddle packs list: unexpected argument "x"`},
		{[]string{"export", "retro", "x"}, `huddle packs export: unexpected argument "x"`},
	} {
		if code, _, errs := run(tc.args...); code != 2 || strings.TrimSpace(errs) != tc.want {
			t.Errorf("huddle packs %q: exit %d, stderr %q", tc.args, code, errs)
		}
	}
	// The commands themselves still run.
	if code, out, _ := run("validate", "../exercises/packs/example.yaml"); code != 0 || !strings.HasSuffix(out, ": ok\n") {
		t.Errorf("huddle packs validate example.yaml: exit %d %q", code, out)
	}
	if code, out, _ := run("list"); code != 0 || !strings.HasPrefix(out, "ID") {
		t.Errorf("huddle packs list: exit %d %q", code, out)
	}
}

// The store watch logs why the store is unavailable when the reason is
// new or changed and at most once a minute while it stays the same, and
// that it is available again, once; the Redis password never shows.
func TestStoreWatchLogs(t *testing.T) {
	var logs syncBuffer
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	w := &storeWatch{
		log:    slog.New(slog.NewTextHandler(&logs, nil)),
		redact: redactor("redis://huddle:p%40ss%2Fw0rd@redis.internal:6379/0"),
		every:  time.Minute,
		now:    func() time.Time { return now },
	}
	wrong := errors.New("redisstore: ping: WRONGPASS invalid username-password pair or user is disabled.")
	leaky := errors.New(`dial redis://huddle:p%40ss%2Fw0rd@redis.internal:6379/0: password p@ss/w0rd refused, p%40ss%2Fw0rd`)
	step := func(d time.Duration, err error, want string) {
		t.Helper()
		now = now.Add(d)
		before := logs.String()
		w.observe(err, now)
		got := strings.TrimPrefix(logs.String(), before)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Fatalf("after %v, %v: logged %q, want %q", d, err, got, want)
		}
	}
	step(0, nil, "") // answering from the start: nothing to say
	step(0, wrong, `level=WARN msg="store unavailable; the node is not ready" reason="redisstore: ping: WRONGPASS`)
	for range 59 { // a probe every second
		step(time.Second, wrong, "")
	}
	step(time.Second, wrong, "WRONGPASS") // a minute on: said again
	step(time.Second, wrong, "")
	step(time.Second, leaky, "level=WARN") // another reason: said at once
	step(time.Second, leaky, "")
	step(time.Second, nil, `level=INFO msg="store available again; the node is ready" after=1m4s`)
	step(time.Second, nil, "")
	step(time.Second, wrong, "level=WARN")
	// One stall, told in turn by a deadline, a timeout and a read timing
	// out on a new local port each time: one reason, said once a minute.
	step(time.Second, nil, "level=INFO")
	step(time.Second, errors.New("redisstore: ping: context deadline exceeded"), "level=WARN")
	for i := range 20 {
		stall := []string{"i/o timeout", "context deadline exceeded", fmt.Sprintf("read tcp 127.0.0.1:%d->127.0.0.1:6379: i/o timeout", 40000+i)}[i%3]
		step(2*time.Second, errors.New("redisstore: ping: "+stall), "")
	}
	step(0, errors.New("dial tcp 127.0.0.1:41000->127.0.0.1:6379: connect: connection refused"), "connection refused") // news
	step(time.Second, errors.New("dial tcp 127.0.0.1:41001->127.0.0.1:6379: connect: connection refused"), "")
	if out := logs.String(); strings.Contains(out, "w0rd") || !strings.Contains(out, "redis://huddle:xxxxx@redis.internal:6379/0: password xxxxx refused, xxxxx") {
		t.Errorf("the password shows, or the rest is lost:\n%s", out)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 6 {
		t.Errorf("%d warnings:\n%s", n, logs.String())
	}
	// A URL without a password is left as it is.
	if got := redactor("redis://redis:6379/0")("dial redis://redis:6379/0"); got != "dial redis://redis:6379/0" {
		t.Errorf("no password: %q", got)
	}
}

// A node on a Redis that refuses its password says so in its log, at
// start without waiting for a probe, once however often /readyz is asked,
// without the password; and that the store is back once it is.
func TestStoreUnavailableLogged(t *testing.T) {
	rs := redistest.StartServer(t)
	if r, err := rs.Do("CONFIG SET requirepass the-right-one"); err != nil || r != "+OK" {
		t.Fatalf("requirepass: %q %v", r, err)
	}
	url := strings.Replace(rs.URL(), "unix://", "unix://:hunter2-wrong@", 1)
	ts := startServer(t, func(c *Config) { c.RedisURL = url })
	eventually(t, "the reason logged at start", func() bool { return strings.Contains(ts.logs.String(), "WRONGPASS") })
	for range 20 {
		if st, body := ts.get("/readyz"); st != http.StatusServiceUnavailable {
			t.Fatalf("readyz with a wrong password: %d %s", st, body)
		}
	}
	logs := ts.logs.String()
	if n := strings.Count(logs, `msg="store unavailable; the node is not ready"`); n != 1 || !strings.Contains(logs, "level=WARN") {
		t.Errorf("%d warnings after 20 probes:\n%s", n, logs)
	}
	if strings.Contains(logs, "hunter2") {
		t.Errorf("the password is in the log:\n%s", logs)
	}
	// Redis comes back without a password: the node's AUTH is accepted.
	rs.Kill()
	rs.Start()
	eventually(t, "ready", func() bool { st, _ := ts.get("/readyz"); return st == http.StatusOK })
	eventually(t, "logged ready", func() bool {
		return strings.Contains(ts.logs.String(), `level=INFO msg="store available again; the node is ready"`)
	})
}

// huddle serve with a flag it cannot read prints one line saying what
// is wrong and where the settings are, not every setting, and exits 2;
// -h still prints them all.
func TestServeBadFlagOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-room-ttl", "5"}, `-room-ttl: "5" is not a duration such as 30s or 5m`},
		{[]string{"-max-participants", "abc"}, `-max-participants: "abc" is not a whole number`},
		{[]string{"-batch-writes=maybe"}, `-batch-writes: "maybe" is not true or false`},
		{[]string{"-max-participant", "5"}, `unknown flag -max-participant (did you mean -max-participants?)`},
		{[]string{"-room-ttl"}, `flag needs an argument: -room-ttl`},
	} {
		var out, errb strings.Builder
		code := Main(append([]string{"serve"}, tc.args...), &out, &errb)
		if want := "huddle serve: " + tc.want + "\nhuddle serve -h lists every setting\n"; code != 2 || errb.String() != want || out.String() != "" {
			t.Errorf("huddle serve %q: exit %d, stderr %q, want %q", tc.args, code, errb.String(), want)
		}
	}
	// A bad address is a configuration error, exit 2, before listening.
	var out, errb strings.Builder
	if code := Main([]string{"serve", "-addr", "nonsense"}, &out, &errb); code != 2 ||
		errb.String() != "huddle serve: addr must be host:port or :port, with a port from 0 to 65535 or a service name (like :8080 or 127.0.0.1:8080), not \"nonsense\"\n" {
		t.Errorf("huddle serve -addr nonsense: exit %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := Main([]string{"serve", "-h"}, &out, &errb); code != 0 || !strings.HasPrefix(errb.String(), "Usage of huddle serve:\n  -addr string\n") ||
		!strings.Contains(errb.String(), "\n  -room-ttl duration\n") || !strings.Contains(errb.String(), "\n  -batch-writes\n") {
		t.Errorf("huddle serve -h: exit %d, %q", code, errb.String())
	}
}

// At start, each HUDDLE_ variable no setting reads is logged as a
// warning, one line each; the node starts all the same.
func TestServeWarnsOfUnknownVariables(t *testing.T) {
	var logs strings.Builder
	_, fs, _ := ParseConfig("huddle serve", nil, nil)
	warnUnknownVariables(slog.New(slog.NewTextHandler(&logs, nil)), fs, []string{"HUDDLE_MAX_PARTICIPANT=5", "HUDDLE_ADDR=:8080", "HUDDLE_QWERTYUIOP=1"})
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `level=WARN msg="unknown variable, ignored" variable=HUDDLE_MAX_PARTICIPANT did_you_mean=HUDDLE_MAX_PARTICIPANTS`) ||
		!strings.HasSuffix(lines[1], `level=WARN msg="unknown variable, ignored" variable=HUDDLE_QWERTYUIOP`) {
		t.Errorf("logged:\n%s", logs.String())
	}
}
