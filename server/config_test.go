package server

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"huddle/exercises"
)

// envOf returns a getenv over a fixed set of variables.
func envOf(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// With nothing set, ParseConfig gives the documented defaults, which are
// valid.
func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c, _, err := ParseConfig("huddle", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.LogFormat != "text" || c.LogLevel != "info" || c.HostKey != "" || c.AllowedOrigins != nil || !c.RedisPipeline {
		t.Fatalf("defaults %+v", c)
	}
	d := DefaultConfig()
	if c.MaxMessageBytes != d.MaxMessageBytes || c.Heartbeat != d.Heartbeat || c.Limits != d.Limits || c.ExerciseLimits() != d.ExerciseLimits() {
		t.Fatalf("ParseConfig with nothing set differs from DefaultConfig: %+v", c)
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("the default configuration is invalid: %v", err)
	}
	// A getenv that finds nothing is the same as none.
	c2, _, err := ParseConfig("huddle", nil, envOf(nil))
	if err != nil || c2.Addr != ":8080" {
		t.Fatalf("empty environment: %v %+v", err, c2)
	}
}

// HUDDLE_* variables set their options.
func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	c, _, err := ParseConfig("huddle", nil, envOf(map[string]string{
		"HUDDLE_ADDR":             "127.0.0.1:9000",
		"HUDDLE_HOST_KEY":         "secret",
		"HUDDLE_MAX_ROOMS":        "7",
		"HUDDLE_HEARTBEAT":        "3s",
		"HUDDLE_COMMAND_RATE":     "2.5",
		"HUDDLE_LOG_FORMAT":       "json",
		"HUDDLE_REDIS_PIPELINE":   "false",
		"HUDDLE_MAX_TEXT_LEN":     "900",
		"HUDDLE_MAX_SHORT_LEN":    "120",
		"HUDDLE_MAX_OPTIONS":      "30",
		"HUDDLE_MAX_QUESTIONS":    "25",
		"HUDDLE_MAX_ITEMS":        "2000",
		"HUDDLE_MAX_OFFERS":       "10",
		"HUDDLE_MAX_BOARD_BYTES":  "1048576",
		"HUDDLE_MAX_TIMER":        "90m",
		"HUDDLE_MIN_RESPONSES":    "4",
		"HUDDLE_MAX_STATUS_ROOMS": "12",
		"HUDDLE_DATA_DIR":         "not-made-yet/library",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxStatusRooms != 12 {
		t.Fatalf("max-status-rooms %d", c.MaxStatusRooms)
	}
	if c.DataDir != "not-made-yet/library" {
		t.Fatalf("data-dir %q", c.DataDir)
	}
	if c.Addr != "127.0.0.1:9000" || c.HostKey != "secret" || c.Limits.MaxRooms != 7 ||
		c.Heartbeat != 3*time.Second || c.CommandRate != 2.5 || c.LogFormat != "json" || c.RedisPipeline {
		t.Fatalf("env not applied: %+v", c)
	}
	want := exercises.Limits{MaxText: 900, MaxShort: 120, MaxName: 40, MaxOptions: 30, MaxQuestions: 25, MaxEntries: 10, MaxItems: 2000, MaxOffers: 10, MaxBoard: 1 << 20,
		MaxTimer: 5400, MinAnonymous: 4}
	if got := c.ExerciseLimits(); got != want {
		t.Fatalf("exercise limits %+v, want %+v", got, want)
	}
}

// A flag wins over its environment variable.
func TestConfigFlagWinsOverEnv(t *testing.T) {
	t.Parallel()
	env := envOf(map[string]string{"HUDDLE_ADDR": ":1111", "HUDDLE_MAX_ROOMS": "5", "HUDDLE_HEARTBEAT": "3s"})
	c, _, err := ParseConfig("huddle", []string{"-addr", ":2222", "-max-rooms=9", "-heartbeat=4s"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":2222" || c.Limits.MaxRooms != 9 || c.Heartbeat != 4*time.Second {
		t.Fatalf("flags did not win: addr %q rooms %d heartbeat %v", c.Addr, c.Limits.MaxRooms, c.Heartbeat)
	}
	// Without the flag the variable holds.
	c, _, err = ParseConfig("huddle", []string{"-addr", ":2222"}, env)
	if err != nil || c.Limits.MaxRooms != 5 {
		t.Fatalf("env lost when another flag is given: %v rooms %d", err, c.Limits.MaxRooms)
	}
}

// A bad environment value is an error that names the variable; every bad
// variable is reported, not only the first.
func TestConfigBadEnvNamesVariable(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"HUDDLE_MAX_ROOMS":      "abc",
		"HUDDLE_HEARTBEAT":      "soon",
		"HUDDLE_COMMAND_RATE":   "fast",
		"HUDDLE_REDIS_PIPELINE": "sometimes",
	}
	for k, v := range cases {
		_, _, err := ParseConfig("huddle", nil, envOf(map[string]string{k: v}))
		if err == nil || !strings.Contains(err.Error(), k) || !strings.Contains(err.Error(), v) {
			t.Errorf("%s=%s: error %v does not name the variable and value", k, v, err)
		}
	}
	// Negative or zero where only positive makes sense.
	for k, v := range map[string]string{"HUDDLE_MAX_ROOMS": "-3", "HUDDLE_HEARTBEAT": "0s", "HUDDLE_COMMAND_RATE": "0", "HUDDLE_HTTP_RATE": "NaN", "HUDDLE_HELLO_TIMEOUT": "-1s"} {
		if _, _, err := ParseConfig("huddle", nil, envOf(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: error %v", k, v, err)
		}
	}
	_, _, err := ParseConfig("huddle", nil, envOf(map[string]string{"HUDDLE_MAX_ROOMS": "abc", "HUDDLE_HEARTBEAT": "soon"}))
	if err == nil || !strings.Contains(err.Error(), "HUDDLE_MAX_ROOMS") || !strings.Contains(err.Error(), "HUDDLE_HEARTBEAT") {
		t.Fatalf("two bad variables, error: %v", err)
	}
}

// HUDDLE_ALLOWED_ORIGINS is a comma-separated list; spaces and empty
// entries are dropped. The flag does the same.
func TestConfigAllowedOriginsSplit(t *testing.T) {
	t.Parallel()
	c, _, err := ParseConfig("huddle", nil, envOf(map[string]string{"HUDDLE_ALLOWED_ORIGINS": "a.com, b.com,, "}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.AllowedOrigins, []string{"a.com", "b.com"}) {
		t.Fatalf("origins %q", c.AllowedOrigins)
	}
	c, _, err = ParseConfig("huddle", []string{"-allowed-origins", " *.example.org ,c.com"}, envOf(map[string]string{"HUDDLE_ALLOWED_ORIGINS": "a.com"}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.AllowedOrigins, []string{"*.example.org", "c.com"}) {
		t.Fatalf("origins from flag %q", c.AllowedOrigins)
	}
}

// Validate rejects limits that cannot work, naming the option.
func TestConfigValidateRejectsNonsense(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"frame smaller than message", func(c *Config) { c.MaxFrameBytes = c.MaxMessageBytes - 1 }, "max-frame-bytes"},
		{"log format xml", func(c *Config) { c.LogFormat = "xml" }, "log-format"},
		{"tiny messages", func(c *Config) { c.MaxMessageBytes = 100 }, "max-message-bytes"},
		{"queue smaller than frame", func(c *Config) { c.SendQueueBytes = c.MaxFrameBytes - 1 }, "send-queue-bytes"},
		{"no rooms", func(c *Config) { c.Limits.MaxRooms = 0 }, "max-rooms"},
		{"no participants", func(c *Config) { c.Limits.MaxParticipants = -1 }, "max-participants"},
		{"no connections", func(c *Config) { c.MaxConnections = 0 }, "max-connections"},
		{"no command burst", func(c *Config) { c.CommandBurst = 0 }, "command-burst"},
		{"no history", func(c *Config) { c.HistoryLimit = 0 }, "history-limit"},
		{"a NaN command rate", func(c *Config) { c.CommandRate = math.NaN() }, "command-rate"},
		{"an infinite HTTP rate", func(c *Config) { c.HTTPRate = math.Inf(1) }, "http-rate"},
		{"public URL without a scheme", func(c *Config) { c.PublicURL = "huddle.example.org" }, "public-url"},
		{"public URL of another scheme", func(c *Config) { c.PublicURL = "ftp://huddle.example.org" }, "public-url"},
		{"public URL with a query", func(c *Config) { c.PublicURL = "https://huddle.example.org/?a=1" }, "public-url"},
		{"public URL with a port and no host", func(c *Config) { c.PublicURL = "http://:8080" }, "public-url"},
		{"facilitator limit below the participants'", func(c *Config) { c.MaxHostMessageBytes = c.MaxMessageBytes - 1 }, "max-facilitator-message-bytes"},
		{"one option", func(c *Config) { c.Exercises.MaxOptions = 1 }, "max-options"},
		{"no rooms' status", func(c *Config) { c.MaxStatusRooms = 0 }, "max-status-rooms"},
		{"more rooms' status than the HTTP burst", func(c *Config) { c.MaxStatusRooms = c.HTTPBurst + 1 }, "max-status-rooms"},
		{"no questions", func(c *Config) { c.Exercises.MaxQuestions = 0 }, "max-questions"},
		{"no items", func(c *Config) { c.Exercises.MaxItems = 0 }, "max-items"},
		{"no board", func(c *Config) { c.Exercises.MaxBoard = 0 }, "max-board-bytes"},
		{"no short text", func(c *Config) { c.Exercises.MaxShort = 0 }, "max-short-len"},
		{"no timer", func(c *Config) { c.Exercises.MaxTimer = 0 }, "max-timer must be at least 1s"},
		{"no anonymity floor", func(c *Config) { c.Exercises.MinAnonymous = 0 }, "min-responses"},
		{"an anonymity floor no exercise can meet", func(c *Config) { c.Exercises.MinAnonymous = 1001 }, "min-responses must be at most 1000"},
		{"no reply window", func(c *Config) { c.ReplyWindow = 0 }, "reply-window"},
		{"negative presence list", func(c *Config) { c.Limits.PresenceListMax = -5 }, "presence-list-max cannot be negative"},
		{"a negative store-down-grace", func(c *Config) { c.StoreDownGrace = -time.Second }, "store-down-grace cannot be negative (0: never close connections for it)"},
		{"a spread longer than the shutdown", func(c *Config) { c.ShutdownSpread, c.ShutdownTimeout = 30*time.Second, 3*time.Second }, "shutdown-drain (0s) and shutdown-spread (30s) together must be shorter than shutdown-timeout (3s)"},
		{"a drain and spread as long as the shutdown", func(c *Config) {
			c.ShutdownDrain, c.ShutdownSpread, c.ShutdownTimeout = 15*time.Second, 5*time.Second, 20*time.Second
		}, "together must be shorter than shutdown-timeout"},
	}
	for _, tc := range cases {
		c := DefaultConfig()
		tc.mod(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate = %v, want an error naming %s", tc.name, err, tc.want)
		}
		// New refuses it too.
		if _, err := New(c, nil); err == nil {
			t.Errorf("%s: New accepted the configuration", tc.name)
		}
	}
	// The facilitator's limit follows a raised max-message-bytes unless
	// set: a deployment that raised it keeps starting.
	c := DefaultConfig()
	if c.HostMessageBytes() != DefaultHostMessageBytes {
		t.Errorf("default facilitator limit %d", c.HostMessageBytes())
	}
	c.MaxMessageBytes, c.MaxFrameBytes, c.SendQueueBytes = 512<<10, 512<<10, 1<<20
	if err := c.Validate(); err != nil || c.HostMessageBytes() != 512<<10 {
		t.Errorf("max-message-bytes 512 KiB: %v, facilitator limit %d", err, c.HostMessageBytes())
	}
	// Raised exercise limits raise the facilitator's limit with them, so
	// that the largest exercise they allow can be sent.
	c = DefaultConfig()
	c.Exercises.MaxOptions, c.Exercises.MaxQuestions = 50, 50
	if got := c.HostMessageBytes(); got < largestSpec(c.ExerciseLimits()) || got <= DefaultHostMessageBytes {
		t.Errorf("facilitator limit %d with 50×50 options", got)
	}
	if largestSpec(DefaultConfig().ExerciseLimits()) > DefaultHostMessageBytes {
		t.Errorf("the default limits' largest exercise is over the default facilitator limit")
	}
	// Public URLs people use are accepted, with or without a path or a
	// trailing slash.
	for _, u := range []string{"https://huddle.example.org", "http://192.168.1.20:8080/", "https://example.org/huddle"} {
		c := DefaultConfig()
		c.PublicURL = u
		if err := c.Validate(); err != nil {
			t.Errorf("public-url %q refused: %v", u, err)
		}
	}
	// The same through flags: ParseConfig returns the Validate error.
	for _, args := range [][]string{{"-max-frame-bytes=1024"}, {"-log-format=xml"}, {"-command-rate=NaN"}, {"-connect-rate=+Inf"}, {"-max-options=1"}, {"-max-timer=0s"}} {
		if _, _, err := ParseConfig("huddle", args, nil); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// -h is flag.ErrHelp and an unknown flag is an error.
func TestConfigHelpAndUnknownFlag(t *testing.T) {
	t.Parallel()
	_, fs, err := ParseConfig("huddle", []string{"-h"}, nil)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	var out strings.Builder
	fs.SetOutput(&out)
	fs.PrintDefaults()
	if !strings.Contains(out.String(), "HUDDLE_MAX_ROOMS") || !strings.Contains(out.String(), "-heartbeat") {
		t.Fatalf("usage does not list flags with their variables:\n%s", out.String())
	}
	if _, _, err := ParseConfig("huddle", []string{"-no-such-flag"}, nil); err == nil {
		t.Fatal("unknown flag accepted")
	}
}

// Timers and rates set by flag must be positive, as they must be when set
// by variable: -heartbeat=0 passes Validate today and the node then panics
// (time.NewTicker) on its first WebSocket connection.
func TestConfigFlagTimersMustBePositive(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-heartbeat=0", "-heartbeat=-1s", "-hello-timeout=0", "-send-queue-age=0", "-command-rate=0"} {
		if _, _, err := ParseConfig("huddle", []string{arg}, nil); err == nil {
			t.Errorf("%s: accepted (the same value in its HUDDLE_ variable is refused)", arg)
		}
	}
}

// Every violation is reported, once each, not only the first.
func TestConfigValidateReportsEveryViolation(t *testing.T) {
	c := DefaultConfig()
	c.Exercises.MaxOptions, c.Exercises.MaxItems, c.Limits.MaxTextLen = 1, 0, 0
	err := c.Validate()
	for _, want := range []string{"max-options", "max-items", "max-text-len"} {
		if err == nil || strings.Count(err.Error(), want) != 1 {
			t.Fatalf("Validate = %v; want %s named once", err, want)
		}
	}
}

// A variable's value is held to the same rules as its flag's, with the
// same words, and the error names the variable and its value: the
// variables said `"-5" is not a whole number` where the flag said
// `max-connections must be positive`.
func TestConfigEnvGetsTheFlagsRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ key, flag, value string }{
		{"HUDDLE_MAX_CONNECTIONS", "max-connections", "-5"},
		{"HUDDLE_MAX_ROOMS", "max-rooms", "0"},
		{"HUDDLE_ROOM_TTL", "room-ttl", "0"},
		{"HUDDLE_HEARTBEAT", "heartbeat", "-1s"},
		{"HUDDLE_COMMAND_RATE", "command-rate", "0"},
		{"HUDDLE_HTTP_RATE", "http-rate", "NaN"},
		{"HUDDLE_SHUTDOWN_DRAIN", "shutdown-drain", "-1s"},
		{"HUDDLE_MAX_TIMER", "max-timer", "0s"},
		{"HUDDLE_MAX_OPTIONS", "max-options", "1"},
		{"HUDDLE_PRESENCE_LIST_MAX", "presence-list-max", "-1"},
		{"HUDDLE_STATE_RATE", "state-rate", "-1"},
		{"HUDDLE_MAX_FRAME_BYTES", "max-frame-bytes", "1024"},
		{"HUDDLE_LOG_LEVEL", "log-level", "verbose"},
	} {
		_, _, flagErr := ParseConfig("huddle", []string{"-" + tc.flag + "=" + tc.value}, nil)
		_, _, envErr := ParseConfig("huddle", nil, envOf(map[string]string{tc.key: tc.value}))
		if flagErr == nil || envErr == nil {
			t.Errorf("%s=%s: flag error %v, variable error %v", tc.key, tc.value, flagErr, envErr)
			continue
		}
		want := fmt.Sprintf("$%s is %q: %s", tc.key, tc.value, flagErr)
		if strings.Contains(flagErr.Error(), fmt.Sprintf("%q", tc.value)) {
			want = fmt.Sprintf("$%s: %s", tc.key, flagErr) // the rule says the value
		}
		if envErr.Error() != want {
			t.Errorf("%s=%s:\n got  %s\n want %s", tc.key, tc.value, envErr, want)
		}
	}
	// The two messages of the report, word for word.
	for k, want := range map[string]string{
		"HUDDLE_MAX_CONNECTIONS": `$HUDDLE_MAX_CONNECTIONS is "-5": max-connections must be positive`,
		"HUDDLE_ROOM_TTL":        `$HUDDLE_ROOM_TTL is "0": room-ttl must be a positive duration`,
	} {
		v := map[string]string{"HUDDLE_MAX_CONNECTIONS": "-5", "HUDDLE_ROOM_TTL": "0"}[k]
		if _, _, err := ParseConfig("huddle", nil, envOf(map[string]string{k: v})); err == nil || err.Error() != want {
			t.Errorf("%s=%s: %v, want %s", k, v, err, want)
		}
	}
	// A flag that sets the option takes the blame, and a variable it
	// overrides is not checked at all.
	_, _, err := ParseConfig("huddle", []string{"-max-rooms=0"}, envOf(map[string]string{"HUDDLE_MAX_ROOMS": "5"}))
	if err == nil || err.Error() != "max-rooms must be positive" {
		t.Errorf("-max-rooms=0 over HUDDLE_MAX_ROOMS=5: %v", err)
	}
	if _, _, err := ParseConfig("huddle", []string{"-max-rooms=5"}, envOf(map[string]string{"HUDDLE_MAX_ROOMS": "-1"})); err != nil {
		t.Errorf("-max-rooms=5 over HUDDLE_MAX_ROOMS=-1: %v", err)
	}
	// A rule between two options names the variable that set either;
	// max-message-bytes is not named by max-facilitator-message-bytes.
	_, _, err = ParseConfig("huddle", nil, envOf(map[string]string{"HUDDLE_MAX_MESSAGE_BYTES": "100000", "HUDDLE_MAX_FACILITATOR_MESSAGE_BYTES": "0"}))
	if err == nil || !strings.Contains(err.Error(), `$HUDDLE_MAX_MESSAGE_BYTES is "100000": max-frame-bytes must be at least max-message-bytes`) || strings.Contains(err.Error(), "FACILITATOR") {
		t.Errorf("HUDDLE_MAX_MESSAGE_BYTES=100000: %v", err)
	}
	// The host key's value is never in a message.
	if msg := namingVariables(errors.New("host-key must be long"), map[string][2]string{"host-key": {"HUDDLE_HOST_KEY", "hunter2"}}).Error(); msg != "$HUDDLE_HOST_KEY: host-key must be long" {
		t.Errorf("a rule on the host key: %s", msg)
	}
}

// docsSection is section n ("## n. …") of docs/operations.md.
func docsSection(t *testing.T, n string) string {
	t.Helper()
	raw, err := os.ReadFile("../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i := strings.Index(doc, "\n## "+n+". ")
	if i < 0 {
		t.Fatalf("docs/operations.md has no section %s", n)
	}
	doc = doc[i+1:]
	if j := strings.Index(doc, "\n## "); j >= 0 {
		doc = doc[:j]
	}
	return doc
}

// The configuration table of docs/operations.md has a row for every flag
// of huddle serve, and only those, with the flag's variable and default.
func TestConfigTableMatchesFlags(t *testing.T) {
	t.Parallel()
	_, fs, err := ParseConfig("huddle serve", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `-([a-z-]+)` \\| `([A-Z_]+)` \\| ([^|]+) \\|")
	documented := map[string]bool{}
	for _, line := range strings.Split(docsSection(t, "2"), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		name, key, def := m[1], m[2], strings.TrimSpace(m[3])
		documented[name] = true
		f := fs.Lookup(name)
		if f == nil {
			t.Errorf("docs/operations.md documents -%s, which huddle serve does not have", name)
			continue
		}
		if !strings.HasSuffix(f.Usage, "($"+key+")") {
			t.Errorf("-%s: documented with $%s, its usage says %q", name, key, f.Usage)
		}
		want := "(empty)"
		if f.DefValue != "" {
			want = "`" + f.DefValue + "`"
			if d, err := time.ParseDuration(f.DefValue); err == nil {
				want = "`" + shortDuration(d) + "`"
			}
		}
		if !strings.HasPrefix(def, want) {
			t.Errorf("-%s: documented default %s, huddle serve -h says %s", name, def, f.DefValue)
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		if !documented[f.Name] {
			t.Errorf("-%s is not in docs/operations.md's configuration table", f.Name)
		}
	})
}

// shortDuration writes d as the docs do: 6h, 10s, 100ms, 0.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	if s == "0s" {
		s = "0"
	}
	return s
}

// The help of -http-rate and -http-burst says what the limiter covers:
// every /api/ route (allowHTTP), not only room creations and joins; that
// of -packs-dir which files it reads (packs.Library.LoadDir: *.yaml and
// *.yml, no *.json).
func TestConfigHelpSaysWhatIsCovered(t *testing.T) {
	t.Parallel()
	_, fs, _ := ParseConfig("huddle serve", nil, nil)
	for name, want := range map[string][]string{
		"http-rate":  {"every /api/ route", "lookups", "results downloads", "pack library", "kept sessions"},
		"http-burst": {"as http-rate"},
		"packs-dir":  {"*.yaml", "*.yml", "*.json", "new or changed since it was last loaded"},
		"data-dir":   {"created if missing", "pack library and kept sessions", "a restart loses none of them", "rooms stay in memory", "Not used with redis-url"},
	} {
		for _, w := range want {
			if u := fs.Lookup(name).Usage; !strings.Contains(u, w) {
				t.Errorf("-%s: help %q does not say %q", name, u, w)
			}
		}
	}
}

// A packs directory that is not there is a configuration error: the node
// started without its packs, and an ERROR line easy to miss.
func TestConfigPacksDirMustExist(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "pack.yaml")
	if err := os.WriteFile(file, []byte("id: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nonexistent")
	for _, tc := range []struct{ dir, want string }{
		{missing, fmt.Sprintf("packs-dir %q does not exist", missing)},
		{file, fmt.Sprintf("packs-dir %q is not a directory", file)},
	} {
		_, _, err := ParseConfig("huddle serve", []string{"-packs-dir", tc.dir}, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("-packs-dir %s: %v, want %s", tc.dir, err, tc.want)
		}
		_, _, err = ParseConfig("huddle serve", nil, envOf(map[string]string{"HUDDLE_PACKS_DIR": tc.dir}))
		if err == nil || err.Error() != "$HUDDLE_PACKS_DIR: "+tc.want {
			t.Errorf("HUDDLE_PACKS_DIR=%s: %v", tc.dir, err)
		}
	}
	if _, _, err := ParseConfig("huddle serve", []string{"-packs-dir", dir}, nil); err != nil {
		t.Errorf("-packs-dir %s: %v", dir, err)
	}
	// Through the command line: exit 2, the node never starts (a bad log
	// format too, so that it cannot start here whatever happens).
	var out, errb strings.Builder
	if code := Main([]string{"serve", "-addr", "127.0.0.1:0", "-log-format=nope", "-packs-dir", missing}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "does not exist") {
		t.Errorf("huddle serve -packs-dir %s: exit %d, %q", missing, code, errb.String())
	}
}

// A flag whose value does not parse is told as its variable is, naming
// the flag and what it takes: it said `invalid value "5" for flag
// -room-ttl: parse error`, then every setting, where $HUDDLE_ROOM_TTL
// said `"5" is not a duration such as 30s or 5m`.
func TestConfigBadFlagValueToldAsItsVariable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ flag, key, value, want string }{
		{"room-ttl", "HUDDLE_ROOM_TTL", "5", `-room-ttl: "5" is not a duration such as 30s or 5m`},
		{"max-participants", "HUDDLE_MAX_PARTICIPANTS", "abc", `-max-participants: "abc" is not a whole number`},
		{"batch-writes", "HUDDLE_BATCH_WRITES", "maybe", `-batch-writes: "maybe" is not true or false`},
		{"command-rate", "HUDDLE_COMMAND_RATE", "fast", `-command-rate: "fast" is not a number`},
		{"max-rooms", "HUDDLE_MAX_ROOMS", "99999999999999999999", `-max-rooms: "99999999999999999999" is out of range for a whole number`},
	} {
		_, _, flagErr := ParseConfig("huddle serve", []string{"-" + tc.flag + "=" + tc.value}, nil)
		_, _, envErr := ParseConfig("huddle serve", nil, envOf(map[string]string{tc.key: tc.value}))
		if flagErr == nil || flagErr.Error() != tc.want {
			t.Errorf("-%s=%s: %v, want %s", tc.flag, tc.value, flagErr, tc.want)
		}
		if envErr == nil || strings.TrimPrefix(envErr.Error(), "$"+tc.key+": ") != strings.TrimPrefix(tc.want, "-"+tc.flag+": ") {
			t.Errorf("%s=%s: %v, not in the flag's words %s", tc.key, tc.value, envErr, tc.want)
		}
		var fe *FlagError
		if !errors.As(flagErr, &fe) {
			t.Errorf("-%s=%s: %T is not a FlagError", tc.flag, tc.value, flagErr)
		}
	}
	// A bad variable beside it is told too.
	_, _, err := ParseConfig("huddle serve", []string{"-room-ttl", "5"}, envOf(map[string]string{"HUDDLE_HEARTBEAT": "soon"}))
	if err == nil || err.Error() != "-room-ttl: \"5\" is not a duration such as 30s or 5m\n$HUDDLE_HEARTBEAT: \"soon\" is not a duration such as 30s or 5m" {
		t.Errorf("a bad flag and a bad variable: %v", err)
	}
	// An unknown flag names the closest one.
	_, _, err = ParseConfig("huddle serve", []string{"-max-participant", "5"}, nil)
	if err == nil || err.Error() != "unknown flag -max-participant (did you mean -max-participants?)" {
		t.Errorf("-max-participant: %v", err)
	}
}

// The address to listen on is checked with the other settings: `-addr
// nonsense` passed, and the node failed when it listened, with exit 1
// and "missing port". A service name is a port, as net.Listen takes it.
func TestConfigListenAddressChecked(t *testing.T) {
	t.Parallel()
	for _, a := range []string{":8080", "127.0.0.1:0", "[::1]:8080", "localhost:65535", ":0", ":http", "127.0.0.1:https"} {
		if _, _, err := ParseConfig("huddle serve", []string{"-addr", a, "-pprof-addr", a}, nil); err != nil {
			t.Errorf("-addr %s: %v", a, err)
		}
	}
	for _, a := range []string{"nonsense", ":99999", "127.0.0.1", "127.0.0.1:", ":-1", ":+80", ":no-such-service", "::1:80"} {
		want := `addr must be host:port or :port, with a port from 0 to 65535 or a service name (like :8080 or 127.0.0.1:8080), not "` + a + `"`
		if _, _, err := ParseConfig("huddle serve", []string{"-addr", a}, nil); err == nil || err.Error() != want {
			t.Errorf("-addr %s: %v", a, err)
		}
		if _, _, err := ParseConfig("huddle serve", nil, envOf(map[string]string{"HUDDLE_ADDR": a})); err == nil || err.Error() != "$HUDDLE_ADDR: "+want {
			t.Errorf("HUDDLE_ADDR=%s: %v", a, err)
		}
		if _, _, err := ParseConfig("huddle serve", []string{"-pprof-addr", a}, nil); err == nil || !strings.HasPrefix(err.Error(), "pprof-addr must be host:port") {
			t.Errorf("-pprof-addr %s: %v", a, err)
		}
	}
}

// A HUDDLE_ variable no setting reads is told (a misspelt
// HUDDLE_MAX_PARTICIPANT left the limit at its default without a
// word), with the closest setting's when one is close; those of the
// project's tools and tests are not.
func TestUnknownVariables(t *testing.T) {
	t.Parallel()
	_, fs, _ := ParseConfig("huddle serve", nil, nil)
	got := UnknownVariables(fs, []string{
		"PATH=/bin", "HUDDLE_ADDR=:1", "HUDDLE_MAX_PARTICIPANT=5", "HUDDLE_FROBNICATE=1", "huddle_max_rooms=3",
		"HUDDLE_LOAD_BATCH_READS=false", "HUDDLE_BENCH_REDIS_URL=redis://x", "HUDDLE_TEST_ANYTHING=1", "HUDDLE_MEM_CONNS=5", "HUDDLE_BIN=x",
		"HUDDLE_ROOMTTL=5m",
	})
	want := [][2]string{
		{"HUDDLE_MAX_PARTICIPANT", "HUDDLE_MAX_PARTICIPANTS"},
		{"HUDDLE_FROBNICATE", ""},
		{"huddle_max_rooms", "HUDDLE_MAX_ROOMS"},
		{"HUDDLE_ROOMTTL", "HUDDLE_ROOM_TTL"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("unknown variables %q, want %q", got, want)
	}
}

// No HUDDLE_ variable the project names anywhere (its tools, tests,
// scripts and documents) is warned of as unknown.
func TestProjectVariablesAreKnown(t *testing.T) {
	t.Parallel()
	_, fs, _ := ParseConfig("huddle serve", nil, nil)
	name := regexp.MustCompile(`HUDDLE_[A-Z0-9_]+`)
	seen := map[string]string{}
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "dist", "test-artifacts", "bin":
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Base(path) {
		case "config.go", "config_test.go", "cli_test.go": // the names themselves, misspelt ones to test
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > 4<<20 {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, n := range name.FindAllString(string(b), -1) {
			if !strings.HasSuffix(n, "_") { // (HUDDLE_LOAD_… names a family)
				seen[n] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 40 {
		t.Fatalf("only %d HUDDLE_ names found", len(seen))
	}
	for n, path := range seen {
		if u := UnknownVariables(fs, []string{n + "=x"}); len(u) > 0 {
			t.Errorf("%s (in %s) would be warned of as unknown: add it to otherVariables", n, path)
		}
	}
}

// huddle serve -h prints each setting's default, which is what the
// environment set: never a secret's (a Redis URL's password, the host
// key).
func TestHelpKeepsSecrets(t *testing.T) {
	t.Parallel()
	_, fs, err := ParseConfig("huddle serve", []string{"-h"}, envOf(map[string]string{
		"HUDDLE_REDIS_URL": "redis://:s3cretpw@127.0.0.1:6379/0", "HUDDLE_HOST_KEY": "topsecretkey", "HUDDLE_MAX_ROOMS": "7",
	}))
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	var out strings.Builder
	fs.SetOutput(&out)
	printUsage(fs)
	for _, secret := range []string{"s3cretpw", "topsecretkey"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("huddle serve -h prints %q:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), "(set by the environment)") || !strings.Contains(out.String(), "(default 7)") {
		t.Errorf("huddle serve -h does not say the secrets are set, or lost the other defaults:\n%s", out.String())
	}
}

// What a deployment adds for a service or a linked container named
// huddle (Kubernetes, Docker links) is not a misspelt setting.
func TestServiceVariablesNotUnknown(t *testing.T) {
	t.Parallel()
	_, fs, _ := ParseConfig("huddle serve", nil, nil)
	env := []string{
		"HUDDLE_SERVICE_HOST=10.0.0.1", "HUDDLE_SERVICE_PORT=8080", "HUDDLE_SERVICE_PORT_HTTP=8080", "HUDDLE_PORT=tcp://10.0.0.1:8080",
		"HUDDLE_PORT_8080_TCP=tcp://10.0.0.1:8080", "HUDDLE_PORT_8080_TCP_ADDR=10.0.0.1", "HUDDLE_PORT_8080_TCP_PORT=8080",
		"HUDDLE_PORT_8080_TCP_PROTO=tcp", "HUDDLE_REDIS_SERVICE_HOST=10.0.0.2", "HUDDLE_REDIS_PORT=tcp://10.0.0.2:6379",
		"HUDDLE_REDIS_PORT_6379_TCP_ADDR=10.0.0.2",
	}
	if u := UnknownVariables(fs, env); len(u) > 0 {
		t.Errorf("service variables warned of: %q", u)
	}
	if u := UnknownVariables(fs, []string{"HUDDLE_REDIS_UR=redis://x"}); len(u) != 1 || u[0][1] != "HUDDLE_REDIS_URL" {
		t.Errorf("a misspelt setting no longer warned of: %q", u)
	}
}

// max-member-connections: 5 unless set, by flag or variable; a value
// that is not a whole number, or not positive, is refused in the words
// every other setting is.
func TestConfigMaxMemberConnections(t *testing.T) {
	t.Parallel()
	c, _, err := ParseConfig("huddle serve", nil, nil)
	if err != nil || c.MaxMemberConns != 5 {
		t.Fatalf("default: %d, %v; want 5", c.MaxMemberConns, err)
	}
	c, _, err = ParseConfig("huddle serve", nil, envOf(map[string]string{"HUDDLE_MAX_MEMBER_CONNECTIONS": "8"}))
	if err != nil || c.MaxMemberConns != 8 {
		t.Fatalf("HUDDLE_MAX_MEMBER_CONNECTIONS=8: %d, %v", c.MaxMemberConns, err)
	}
	c, _, err = ParseConfig("huddle serve", []string{"-max-member-connections=2"}, envOf(map[string]string{"HUDDLE_MAX_MEMBER_CONNECTIONS": "8"}))
	if err != nil || c.MaxMemberConns != 2 {
		t.Fatalf("-max-member-connections=2 over the variable's 8: %d, %v", c.MaxMemberConns, err)
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-max-member-connections=0"}, nil, "max-member-connections must be positive"},
		{[]string{"-max-member-connections=-1"}, nil, "max-member-connections must be positive"},
		{nil, map[string]string{"HUDDLE_MAX_MEMBER_CONNECTIONS": "0"}, `$HUDDLE_MAX_MEMBER_CONNECTIONS is "0": max-member-connections must be positive`},
		{[]string{"-max-member-connections=few"}, nil, `-max-member-connections: "few" is not a whole number`},
		{nil, map[string]string{"HUDDLE_MAX_MEMBER_CONNECTIONS": "few"}, `$HUDDLE_MAX_MEMBER_CONNECTIONS: "few" is not a whole number`},
	} {
		if _, _, err := ParseConfig("huddle serve", tc.args, envOf(tc.env)); err == nil || err.Error() != tc.want {
			t.Errorf("%v %v: %v, want %s", tc.args, tc.env, err, tc.want)
		}
	}
	d := DefaultConfig()
	d.MaxMemberConns = 0
	if _, err := New(d, nil); err == nil || !strings.Contains(err.Error(), "max-member-connections") {
		t.Errorf("New with max-member-connections 0: %v", err)
	}
}

// request-body-timeout: 30s unless set, by flag or variable; a value that
// is not a duration, or not positive, is refused in the words every
// other setting is.
func TestConfigRequestBodyTimeout(t *testing.T) {
	t.Parallel()
	c, _, err := ParseConfig("huddle serve", nil, nil)
	if err != nil || c.BodyTimeout != 30*time.Second {
		t.Fatalf("default: %v, %v; want 30s", c.BodyTimeout, err)
	}
	c, _, err = ParseConfig("huddle serve", nil, envOf(map[string]string{"HUDDLE_REQUEST_BODY_TIMEOUT": "1m"}))
	if err != nil || c.BodyTimeout != time.Minute {
		t.Fatalf("HUDDLE_REQUEST_BODY_TIMEOUT=1m: %v, %v", c.BodyTimeout, err)
	}
	c, _, err = ParseConfig("huddle serve", []string{"-request-body-timeout=5s"}, envOf(map[string]string{"HUDDLE_REQUEST_BODY_TIMEOUT": "1m"}))
	if err != nil || c.BodyTimeout != 5*time.Second {
		t.Fatalf("-request-body-timeout=5s over the variable's 1m: %v, %v", c.BodyTimeout, err)
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-request-body-timeout=0s"}, nil, "request-body-timeout must be a positive duration"},
		{[]string{"-request-body-timeout=-1s"}, nil, "request-body-timeout must be a positive duration"},
		{nil, map[string]string{"HUDDLE_REQUEST_BODY_TIMEOUT": "0"}, `$HUDDLE_REQUEST_BODY_TIMEOUT is "0": request-body-timeout must be a positive duration`},
		{[]string{"-request-body-timeout=30"}, nil, `-request-body-timeout: "30" is not a duration such as 30s or 5m`},
		{nil, map[string]string{"HUDDLE_REQUEST_BODY_TIMEOUT": "soon"}, `$HUDDLE_REQUEST_BODY_TIMEOUT: "soon" is not a duration such as 30s or 5m`},
	} {
		if _, _, err := ParseConfig("huddle serve", tc.args, envOf(tc.env)); err == nil || err.Error() != tc.want {
			t.Errorf("%v %v: %v, want %s", tc.args, tc.env, err, tc.want)
		}
	}
}

// max-board-bytes: 512 KiB unless set, by flag or variable; a value that
// is not a whole number is refused in the words every other setting is,
// and so is one below what a single item of the longest texts takes,
// which names the text limits that set it too.
func TestConfigMaxBoardBytes(t *testing.T) {
	t.Parallel()
	c, _, err := ParseConfig("huddle serve", nil, nil)
	if err != nil || c.ExerciseLimits().MaxBoard != 512<<10 {
		t.Fatalf("default: %d, %v; want 524288", c.ExerciseLimits().MaxBoard, err)
	}
	c, _, err = ParseConfig("huddle serve", nil, envOf(map[string]string{"HUDDLE_MAX_BOARD_BYTES": "2097152"}))
	if err != nil || c.ExerciseLimits().MaxBoard != 2<<20 {
		t.Fatalf("HUDDLE_MAX_BOARD_BYTES=2097152: %d, %v", c.ExerciseLimits().MaxBoard, err)
	}
	c, _, err = ParseConfig("huddle serve", []string{"-max-board-bytes=65536"}, envOf(map[string]string{"HUDDLE_MAX_BOARD_BYTES": "2097152"}))
	if err != nil || c.ExerciseLimits().MaxBoard != 64<<10 {
		t.Fatalf("-max-board-bytes=65536 over the variable's 2 MiB: %d, %v", c.ExerciseLimits().MaxBoard, err)
	}
	// The least: an offer whose message and next step are at
	// max-text-len (500), with a name at max-name-len (40), each
	// character six bytes, and the item's 100.
	least := 100 + 6*(2*500+40)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-max-board-bytes=0"}, nil, fmt.Sprintf("max-board-bytes (0) must be at least %d, what one board item may take at the longest texts max-text-len, max-short-len and max-name-len allow", least)},
		{[]string{fmt.Sprint("-max-board-bytes=", least-1)}, nil, fmt.Sprintf("max-board-bytes (%d) must be at least %d", least-1, least)},
		{nil, map[string]string{"HUDDLE_MAX_BOARD_BYTES": "4096"}, fmt.Sprintf(`$HUDDLE_MAX_BOARD_BYTES is "4096": max-board-bytes (4096) must be at least %d`, least)},
		{[]string{"-max-board-bytes=lots"}, nil, `-max-board-bytes: "lots" is not a whole number`},
		{nil, map[string]string{"HUDDLE_MAX_BOARD_BYTES": "1MiB"}, `$HUDDLE_MAX_BOARD_BYTES: "1MiB" is not a whole number`},
		// Longer texts need a bigger board: the text limit that raised
		// the least is named with the board's.
		{nil, map[string]string{"HUDDLE_MAX_TEXT_LEN": "50000"}, `$HUDDLE_MAX_TEXT_LEN is "50000": max-board-bytes (524288) must be at least 600340`},
	} {
		if _, _, err := ParseConfig("huddle serve", tc.args, envOf(tc.env)); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v %v: %v, want %s", tc.args, tc.env, err, tc.want)
		}
	}
	if _, _, err := ParseConfig("huddle serve", []string{fmt.Sprint("-max-board-bytes=", least)}, nil); err != nil {
		t.Errorf("-max-board-bytes=%d, the least: %v", least, err)
	}
	d := DefaultConfig()
	d.Exercises.MaxBoard = 1000
	if _, err := New(d, nil); err == nil || !strings.Contains(err.Error(), "max-board-bytes") {
		t.Errorf("New with max-board-bytes 1000: %v", err)
	}
}
