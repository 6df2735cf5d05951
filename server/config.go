package server

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"huddle/exercises"
	"huddle/rooms"
)

// Config is everything an operator can set, by flag or by HUDDLE_*
// environment variable (a flag wins over the variable). docs/operations.md
// lists them all; `huddle serve -h` prints them with their defaults.
type Config struct {
	Addr     string
	RedisURL string
	// RedisPipeline batches the Redis commands a node issues at the same
	// time into one pipeline (redisstore.Options.NoAutoPipeline when off).
	RedisPipeline bool
	// RedisPrefix starts every key Huddle writes in Redis, so deployments
	// can share one Redis (a Redis Cluster has no database numbers).
	RedisPrefix string
	// BatchWrites makes a fan-out's writes to many phones one io_uring
	// submission per 64 phones where the kernel allows it (sendChunk).
	BatchWrites    bool
	PublicURL      string
	HostKey        string
	AllowedOrigins []string
	LogLevel       string
	LogFormat      string
	PprofAddr      string
	PacksDir       string
	// DataDir is where the embedded store keeps the library (packs, kept
	// sessions) across restarts (memory.Options.DataDir); empty: in
	// memory only. Not used with RedisURL.
	DataDir string

	Limits rooms.Limits
	// Exercises are the exercise limits; their MaxText and MaxName are
	// Limits.MaxTextLen and MaxNameLen (ExerciseLimits).
	Exercises exercises.Limits
	// maxTimer is Exercises.MaxTimer as a flag reads it (max-timer).
	maxTimer time.Duration

	MaxMessageBytes int
	// MaxHostMessageBytes is a facilitator connection's read limit: an
	// exercise within every limit can be bigger than MaxMessageBytes. 0
	// (the default) is 256 KiB, or MaxMessageBytes when that is larger,
	// so a deployment that raised max-message-bytes keeps starting.
	MaxHostMessageBytes int
	MaxFrameBytes       int
	CommandRate         float64
	CommandBurst        int
	MaxConnections      int
	ConnectRate         float64
	ConnectBurst        int
	HTTPRate            float64
	HTTPBurst           int
	SendQueueBytes      int
	SendQueueAge        time.Duration
	Heartbeat           time.Duration
	HelloTimeout        time.Duration
	CoalesceInterval    time.Duration
	// MaxMemberConns bounds the connections one token keeps in a room on
	// a node (rooms.HubOptions.MaxMemberConns): past it, the token's
	// oldest connection there is closed (4006 replaced).
	MaxMemberConns int
	// BodyTimeout is how long an HTTP request's body has to arrive
	// (bodyDeadline); the WebSocket upgrade has none.
	BodyTimeout time.Duration
	// StateRate bounds the bytes per second one coalesced state of a room
	// writes to the room's phones, on all its nodes together
	// (rooms.HubOptions.StateRate); 0: no bound.
	StateRate       int
	HistoryLimit    int
	ReplyWindow     int
	ShutdownDrain   time.Duration
	ShutdownSpread  time.Duration
	ShutdownTimeout time.Duration
	// StoreDownGrace is how long the store (Redis) may stay unavailable
	// before the node closes its WebSockets, spread over ShutdownSpread,
	// and refuses new ones until it answers again, so that its phones
	// reconnect through the load balancer to a node that has it. 0: never.
	StoreDownGrace time.Duration
	// ResultsTTL is how long an ended room's results are kept as a
	// session (0 keeps none), MaxSessions how many at most; MaxPacks
	// bounds the pack library.
	ResultsTTL  time.Duration
	MaxSessions int
	MaxPacks    int
	// MaxStatusRooms bounds the rooms one POST /api/rooms/status asks
	// about (a facilitator's list of rooms on /host).
	MaxStatusRooms int
}

// DefaultConfig returns the configuration with nothing set.
func DefaultConfig() Config {
	return Config{
		Addr:             ":8080",
		LogLevel:         "info",
		LogFormat:        "text",
		RedisPipeline:    true,
		BatchWrites:      true,
		RedisPrefix:      "huddle",
		Limits:           rooms.DefaultLimits(),
		Exercises:        exercises.LimitsFrom(rooms.DefaultLimits()),
		MaxMessageBytes:  16 << 10,
		MaxFrameBytes:    64 << 10,
		CommandRate:      20,
		CommandBurst:     40,
		MaxConnections:   15000,
		MaxMemberConns:   rooms.DefaultMaxMemberConns,
		ConnectRate:      500,
		ConnectBurst:     2000,
		HTTPRate:         500,
		HTTPBurst:        2000,
		BodyTimeout:      30 * time.Second,
		SendQueueBytes:   512 << 10,
		SendQueueAge:     10 * time.Second,
		Heartbeat:        25 * time.Second,
		HelloTimeout:     10 * time.Second,
		CoalesceInterval: 100 * time.Millisecond,
		StateRate:        rooms.DefaultStateRate,
		HistoryLimit:     1000,
		ReplyWindow:      rooms.DefaultReplyWindow,
		ShutdownSpread:   5 * time.Second,
		ShutdownTimeout:  20 * time.Second,
		StoreDownGrace:   10 * time.Second,
		ResultsTTL:       90 * 24 * time.Hour,
		MaxPacks:         1000,
		MaxSessions:      1000,
		MaxStatusRooms:   50,
	}
}

// ParseConfig reads flags from args over environment variables (looked up
// with getenv) over the defaults.
func ParseConfig(name string, args []string, getenv func(string) (string, bool)) (Config, *flag.FlagSet, error) {
	c := DefaultConfig()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the caller tells a bad flag, in the words of its variable
	fs.Usage = func() { printUsage(fs) }
	var errs []error
	// badFlag is the first flag whose value did not parse, told as its
	// variable's would be: the flag package's own words ("parse error")
	// say neither what is wrong nor what is expected.
	var badFlag error
	// fromEnv is the variable (and its value) each option was read from,
	// while no flag sets it: a rule's violation names it.
	fromEnv := map[string][2]string{}
	env := func(key string) (string, bool) {
		if getenv == nil {
			return "", false
		}
		return getenv(key)
	}
	// A value, from a variable or a flag, is only parsed here, and a
	// value that does not parse is told the same way for both (`$KEY:
	// "5" is not a duration…`, `-room-ttl: "5" is not a duration…`): the
	// rules (positive, at least …) are Validate's, for flags and
	// variables alike.
	add := func(flagName, key, usage, kind string, parse func(string) error, show func() string) {
		if v, ok := env(key); ok {
			fromEnv[flagName] = [2]string{key, v}
			if err := parse(v); err != nil {
				delete(fromEnv, flagName)
				errs = append(errs, fmt.Errorf("$%s: %w", key, err))
			}
		}
		fs.Var(&option{kind: kind, key: key, show: show, parse: func(v string) error {
			err := parse(v)
			if err != nil && badFlag == nil {
				badFlag = &FlagError{fmt.Sprintf("-%s: %v", flagName, err)}
			}
			return err
		}}, flagName, usage+" ($"+key+")")
	}
	str := func(p *string, flagName, key, usage string) {
		add(flagName, key, usage, "string", func(v string) error { *p = v; return nil }, func() string { return *p })
	}
	num := func(p *int, flagName, key, usage string) {
		add(flagName, key, usage, "int", func(v string) (err error) { *p, err = parseWhole(v, *p); return err },
			func() string { return strconv.Itoa(*p) })
	}
	float := func(p *float64, flagName, key, usage string) {
		add(flagName, key, usage, "float", func(v string) (err error) { *p, err = parseNumber(v, *p); return err },
			func() string { return strconv.FormatFloat(*p, 'g', -1, 64) })
	}
	boolean := func(p *bool, flagName, key, usage string) {
		add(flagName, key, usage, "bool", func(v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			*p = b
			return nil
		}, func() string { return strconv.FormatBool(*p) })
	}
	dur := func(p *time.Duration, flagName, key, usage string) {
		add(flagName, key, usage, "duration", func(v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%q is not a duration such as 30s or 5m", v)
			}
			*p = d
			return nil
		}, func() string { return p.String() })
	}
	origins := strings.Join(c.AllowedOrigins, ",")

	str(&c.Addr, "addr", "HUDDLE_ADDR", "address to listen on")
	str(&c.RedisURL, "redis-url", "HUDDLE_REDIS_URL", "Redis to keep rooms in, shared by several nodes: redis://host:6379/0 or unix:///path (default: the embedded in-memory store)")
	boolean(&c.RedisPipeline, "redis-pipeline", "HUDDLE_REDIS_PIPELINE", "send the Redis commands this node issues at the same time together, as one pipeline (false: each on a connection of its own)")
	str(&c.RedisPrefix, "redis-prefix", "HUDDLE_REDIS_PREFIX", "start of every Redis key name, so several deployments can share one Redis; every node of a deployment needs the same (no braces)")
	boolean(&c.BatchWrites, "batch-writes", "HUDDLE_BATCH_WRITES", "write a message going to many phones (a broadcast, a tally) with one system call per 64 phones, through Linux's io_uring, where the kernel allows it; a container whose seccomp profile forbids io_uring gets one write per phone, as with false")
	str(&c.PublicURL, "public-url", "HUDDLE_PUBLIC_URL", "base URL people use to reach Huddle, for join links and QR codes (default: from each request)")
	str(&c.HostKey, "host-key", "HUDDLE_HOST_KEY", "if set, creating a room and using the pack library and kept sessions need this key (for public deployments)")
	str(&c.PacksDir, "packs-dir", "HUDDLE_PACKS_DIR", "if set, a directory that must exist: every pack file in it (*.yaml, *.yml, *.json) is put into the pack library at start: a file new or changed since it was last loaded replaces the library pack of the same id")
	str(&c.DataDir, "data-dir", "HUDDLE_DATA_DIR", "if set, a directory (created if missing) where the embedded store keeps the pack library and kept sessions, one file each, and loads them from at start, so that a restart loses none of them (rooms stay in memory); empty: they are lost when the server stops. Not used with redis-url, which keeps them in Redis")
	str(&origins, "allowed-origins", "HUDDLE_ALLOWED_ORIGINS", "comma-separated extra origin host patterns allowed to open WebSockets (the server's own host is always allowed)")
	str(&c.LogLevel, "log-level", "HUDDLE_LOG_LEVEL", "debug, info, warn or error")
	str(&c.LogFormat, "log-format", "HUDDLE_LOG_FORMAT", "text or json")
	str(&c.PprofAddr, "pprof-addr", "HUDDLE_PPROF_ADDR", "if set, serve Go's profiler (net/http/pprof) on this separate address, e.g. 127.0.0.1:6060; never expose it publicly")

	num(&c.Limits.MaxRooms, "max-rooms", "HUDDLE_MAX_ROOMS", "rooms held at once")
	num(&c.Limits.MaxParticipants, "max-participants", "HUDDLE_MAX_PARTICIPANTS", "participants per room")
	num(&c.Limits.MaxNameLen, "max-name-len", "HUDDLE_MAX_NAME_LEN", "display name length, in characters")
	num(&c.Limits.MaxTitleLen, "max-title-len", "HUDDLE_MAX_TITLE_LEN", "room title length, in characters")
	num(&c.Limits.MaxTextLen, "max-text-len", "HUDDLE_MAX_TEXT_LEN", "other free text length, in characters")
	num(&c.Limits.PresenceListMax, "presence-list-max", "HUDDLE_PRESENCE_LIST_MAX", "above this many participants, participants see counts instead of names")
	dur(&c.Limits.RoomIdleTTL, "room-ttl", "HUDDLE_ROOM_TTL", "a room with no activity and nobody connected expires after this")
	num(&c.Exercises.MaxShort, "max-short-len", "HUDDLE_MAX_SHORT_LEN", "exercise titles, option and scale labels, column titles (hints: twice this), group titles, action owners, help request titles, in characters")
	num(&c.Exercises.MaxOptions, "max-options", "HUDDLE_MAX_OPTIONS", "options per choice question (at least 2)")
	num(&c.Exercises.MaxQuestions, "max-questions", "HUDDLE_MAX_QUESTIONS", "questions per survey")
	num(&c.Exercises.MaxItems, "max-items", "HUDDLE_MAX_ITEMS", "exercises per agenda, and per exercise: retro cards and help requests at once, action items and kudos ever")
	num(&c.Exercises.MaxOffers, "max-offers", "HUDDLE_MAX_OFFERS", "offers of help on one help request")
	num(&c.Exercises.MaxBoard, "max-board-bytes", "HUDDLE_MAX_BOARD_BYTES", "bytes of text one exercise's board may hold in all (a retro, a help board, a kudos wall, open-text answers), as phones receive it, each item counting 100 more: every phone loads a board whole on each change")
	num(&c.Exercises.MaxEntries, "max-word-entries", "HUDDLE_MAX_WORD_ENTRIES", "word-cloud entries per person an exercise may allow")
	num(&c.Exercises.MinAnonymous, "min-responses", "HUDDLE_MIN_RESPONSES", "the least number of answers before an anonymous vote shows its results (an exercise may ask for more, not fewer)")
	c.maxTimer = time.Duration(c.Exercises.MaxTimer) * time.Second
	dur(&c.maxTimer, "max-timer", "HUDDLE_MAX_TIMER", "longest exercise countdown")

	num(&c.MaxMessageBytes, "max-message-bytes", "HUDDLE_MAX_MESSAGE_BYTES", "largest message a client may send (WebSocket read limit and HTTP body limit)")
	num(&c.MaxHostMessageBytes, "max-facilitator-message-bytes", "HUDDLE_MAX_FACILITATOR_MESSAGE_BYTES", "largest message a facilitator's connection may send: a whole exercise within every other limit (a survey of 20 questions of 20 long options) is bigger than max-message-bytes (0: the largest of 256 KiB, max-message-bytes and the largest exercise the exercise limits allow)")
	num(&c.MaxFrameBytes, "max-frame-bytes", "HUDDLE_MAX_FRAME_BYTES", "largest frame the server packs queued messages into")
	float(&c.CommandRate, "command-rate", "HUDDLE_COMMAND_RATE", "commands per second per connection, sustained")
	num(&c.CommandBurst, "command-burst", "HUDDLE_COMMAND_BURST", "commands per connection in a burst")
	num(&c.MaxConnections, "max-connections", "HUDDLE_MAX_CONNECTIONS", "WebSocket connections per node")
	num(&c.MaxMemberConns, "max-member-connections", "HUDDLE_MAX_MEMBER_CONNECTIONS", "WebSocket connections one token keeps in a room on this node: a participant's, the facilitator's console (its projector views count apart, as do a projector link's); one more closes that token's oldest connection here (close 4006 replaced), so a phone that reconnects always gets in")
	float(&c.ConnectRate, "connect-rate", "HUDDLE_CONNECT_RATE", "new WebSocket connections per second per node, sustained")
	num(&c.ConnectBurst, "connect-burst", "HUDDLE_CONNECT_BURST", "new WebSocket connections per node in a burst")
	float(&c.HTTPRate, "http-rate", "HUDDLE_HTTP_RATE", "requests to the HTTP API (every /api/ route: room creations, lookups and joins, results downloads, the pack library and kept sessions) per second per node, sustained")
	num(&c.HTTPBurst, "http-burst", "HUDDLE_HTTP_BURST", "requests to the HTTP API (as http-rate) per node in a burst")
	dur(&c.BodyTimeout, "request-body-timeout", "HUDDLE_REQUEST_BODY_TIMEOUT", "longest an HTTP request's body may take to arrive, from the end of its headers; a body still arriving then is answered 408 body_timeout and its connection closed (WebSockets have none)")
	num(&c.SendQueueBytes, "send-queue-bytes", "HUDDLE_SEND_QUEUE_BYTES", "bytes queued for one connection before it counts as a slow client")
	dur(&c.SendQueueAge, "send-queue-age", "HUDDLE_SEND_QUEUE_AGE", "age of the oldest queued message before a connection counts as a slow client")
	dur(&c.Heartbeat, "heartbeat", "HUDDLE_HEARTBEAT", "interval of server pings; a client silent for 2.5 intervals is disconnected")
	dur(&c.HelloTimeout, "hello-timeout", "HUDDLE_HELLO_TIMEOUT", "time a new connection has to send hello")
	dur(&c.CoalesceInterval, "coalesce-interval", "HUDDLE_COALESCE_INTERVAL", "shortest time between two updates of presence or a tally in a room")
	num(&c.StateRate, "state-rate", "HUDDLE_STATE_RATE", "bytes per second one coalesced state of a room (a tally, a retro board) may write to the room's phones, on all nodes together (each node writes its share); a bigger state to more phones is sent less often, the events that changed it at once (0: no bound)")
	num(&c.HistoryLimit, "history-limit", "HUDDLE_HISTORY_LIMIT", "events kept per room for clients that resume")
	num(&c.ReplyWindow, "reply-window", "HUDDLE_REPLY_WINDOW", "answers to commands kept per room, so that a command sent again gets the same answer and counts once (the room's last ones, whoever sent them)")
	dur(&c.ShutdownDrain, "shutdown-drain", "HUDDLE_SHUTDOWN_DRAIN", "on shutdown, /readyz reports draining for this long before the listener closes, so a load balancer stops sending new clients (0, the default: close at once)")
	dur(&c.ShutdownSpread, "shutdown-spread", "HUDDLE_SHUTDOWN_SPREAD", "on shutdown, connections are closed spread over this time so clients do not reconnect all at once")
	dur(&c.ShutdownTimeout, "shutdown-timeout", "HUDDLE_SHUTDOWN_TIMEOUT", "longest a shutdown waits before closing what is left")
	dur(&c.StoreDownGrace, "store-down-grace", "HUDDLE_STORE_DOWN_GRACE", "with Redis: once this node has not reached Redis for this long, it closes its WebSockets (1013, spread over shutdown-spread) and refuses new ones and the API requests that need Redis (503 unavailable, at once) until Redis answers again, so that its phones reconnect to a node that works (0: never)")
	dur(&c.ResultsTTL, "results-ttl", "HUDDLE_RESULTS_TTL", "how long the results of an ended room are kept as a session to compare (0 keeps none; e.g. 2160h for 90 days)")
	num(&c.MaxPacks, "max-packs", "HUDDLE_MAX_PACKS", "packs the library holds (besides the built-in ones)")
	num(&c.MaxStatusRooms, "max-status-rooms", "HUDDLE_MAX_STATUS_ROOMS", "rooms one request for the status of a facilitator's rooms (POST /api/rooms/status, /host's list) may ask about; each counts against http-rate")
	num(&c.MaxSessions, "max-sessions", "HUDDLE_MAX_SESSIONS", "ended rooms' results the library keeps at once (each for results-ttl); when full, keeping another is refused until one is deleted or expires")

	if err := fs.Parse(args); err != nil {
		fs.SetOutput(nil)
		if errors.Is(err, flag.ErrHelp) {
			return c, fs, err
		}
		if badFlag == nil {
			badFlag = flagError(fs, err)
		}
		return c, fs, errors.Join(append([]error{badFlag}, errs...)...)
	}
	fs.SetOutput(nil)
	// The flag parser stops at the first word that is not a flag: every
	// flag after it would be ignored without a word.
	if fs.NArg() > 0 {
		return c, fs, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c.Exercises.MaxTimer = int(c.maxTimer / time.Second)
	if origins != "" {
		c.AllowedOrigins = nil
		for _, o := range strings.Split(origins, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.AllowedOrigins = append(c.AllowedOrigins, o)
			}
		}
	}
	fs.Visit(func(f *flag.Flag) { delete(fromEnv, f.Name) })
	if err := c.Validate(); err != nil {
		errs = append(errs, namingVariables(err, fromEnv))
	}
	return c, fs, errors.Join(errs...)
}

// option is a setting as a flag.Value: it parses a flag's value as its
// variable's is parsed (ParseConfig's add), so that both are told alike.
type option struct {
	kind  string // what huddle serve -h shows: int, duration, …
	key   string // its HUDDLE_ variable
	parse func(string) error
	show  func() string
}

func (o *option) Set(v string) error { return o.parse(v) }

func (o *option) String() string {
	if o == nil || o.show == nil { // (the flag package's zero value)
		return ""
	}
	return o.show()
}

func (o *option) IsBoolFlag() bool { return o != nil && o.kind == "bool" }

// FlagError is a flag huddle serve cannot read: a value that does not
// parse, a flag it does not have, a flag without its value. The command
// line then hints at -h instead of printing every setting.
type FlagError struct{ msg string }

func (e *FlagError) Error() string { return e.msg }

// flagError is the flag package's own error for a flag, with the
// closest flag named when the flag is unknown.
func flagError(fs *flag.FlagSet, err error) error {
	const unknown = "flag provided but not defined: -"
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, unknown); ok {
		msg = "unknown flag -" + name
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if near := closest(name, names); near != "" {
			msg += " (did you mean -" + near + "?)"
		}
	}
	return &FlagError{msg}
}

// parseWhole reads a whole number (old is kept when it does not).
func parseWhole(v string, old int) (int, error) {
	n, err := strconv.Atoi(v)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return old, fmt.Errorf("%q is out of range for a whole number", v)
	case err != nil:
		return old, fmt.Errorf("%q is not a whole number", v)
	}
	return n, nil
}

// parseNumber reads a decimal number (old is kept when it does not).
func parseNumber(v string, old float64) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return old, fmt.Errorf("%q is out of range", v)
	case err != nil:
		return old, fmt.Errorf("%q is not a number", v)
	}
	return f, nil
}

// printUsage is flag.PrintDefaults with each flag's type, which it
// cannot see in an option.
func printUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage of %s:\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		kind := "string"
		if o, ok := f.Value.(*option); ok {
			kind = o.kind
		}
		line := "  -" + f.Name
		if kind != "bool" {
			line += " " + kind
		}
		line += "\n    \t" + strings.ReplaceAll(f.Usage, "\n", "\n    \t")
		switch {
		case f.DefValue == "" || f.DefValue == "0" || f.DefValue == "0s" || f.DefValue == "false":
		case secretOptions[f.Name]:
			// The default is what the environment set: a Redis password
			// or the host key, which help must not print.
			line += " (set by the environment)"
		case kind == "string":
			line += fmt.Sprintf(" (default %q)", f.DefValue)
		default:
			line += fmt.Sprintf(" (default %v)", f.DefValue)
		}
		fmt.Fprintln(w, line)
	})
}

// otherVariables are the HUDDLE_ variables read by the project's other
// tools and tests (the load tool, benchmarks, the browser tests), and
// the starts of those names: huddle serve does not warn of them.
var (
	otherVariables        = []string{"HUDDLE_BIN"}
	otherVariablePrefixes = []string{"HUDDLE_LOAD_", "HUDDLE_BENCH_", "HUDDLE_TEST_", "HUDDLE_MEM_"}
	// serviceVariable matches what a deployment adds on its own for a
	// service or a linked container named huddle or huddle-…:
	// Kubernetes's HUDDLE_SERVICE_HOST, HUDDLE_PORT_8080_TCP_ADDR,
	// HUDDLE_REDIS_PORT (a Service huddle-redis), Docker links' the same.
	serviceVariable = regexp.MustCompile(`^[A-Z0-9_]+_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT|PORT_[0-9]+_(TCP|UDP|SCTP)(_ADDR|_PORT|_PROTO)?)$`)
)

// UnknownVariables are the variables of environ (KEY=value lines) named
// like Huddle's (HUDDLE_…, in any case) that no setting reads: a
// misspelt one would be ignored without a word. Each is given with the
// closest setting's variable when one is close ("" otherwise), in the
// order of environ.
func UnknownVariables(fs *flag.FlagSet, environ []string) [][2]string {
	known := map[string]bool{}
	var keys []string
	fs.VisitAll(func(f *flag.Flag) {
		if o, ok := f.Value.(*option); ok {
			known[o.key] = true
			keys = append(keys, o.key)
		}
	})
	var out [][2]string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		if !strings.HasPrefix(upper, "HUDDLE_") || known[name] || slices.Contains(otherVariables, name) ||
			slices.ContainsFunc(otherVariablePrefixes, func(p string) bool { return strings.HasPrefix(name, p) }) ||
			serviceVariable.MatchString(name) {
			continue
		}
		out = append(out, [2]string{name, closest(upper, keys)})
	}
	return out
}

// closest is the name of names nearest to name, when it is near enough
// to be what was meant (a letter or two off, or the case); else "".
func closest(name string, names []string) string {
	best, bestD := "", -1
	for _, n := range names {
		d := editDistance(strings.ToUpper(name), strings.ToUpper(n))
		if bestD < 0 || d < bestD {
			best, bestD = n, d
		}
	}
	if bestD < 0 || bestD > 3 || bestD*3 > len(name) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkListenAddr checks an address to listen on, host:port or :port
// with a port from 0 to 65535 or a service name the machine knows: a node given another would fail only when
// it listens, with exit 1 and Go's words.
func checkListenAddr(name, addr, example string) error {
	_, port, err := net.SplitHostPort(addr)
	n, perr := strconv.Atoi(port)
	if err == nil && perr != nil && port != "" && strings.Trim(port, "0123456789+-") != "" {
		// A service name, as net.Listen takes it (":http"), from the
		// machine's services database.
		if _, lerr := net.LookupPort("tcp", port); lerr == nil {
			return nil
		}
	}
	if err != nil || perr != nil || strings.Trim(port, "0123456789") != "" || n > 65535 {
		return fmt.Errorf("%s must be host:port or :port, with a port from 0 to 65535 or a service name (like %s), not %q", name, example, addr)
	}
	return nil
}

// secretOptions never have their values in a message.
var secretOptions = map[string]bool{"host-key": true, "redis-url": true}

// namingVariables puts before each of err's lines (one rule each, which
// names its options as their flags) the variables, with their values,
// that set an option it names: `$HUDDLE_ROOM_TTL is "0": room-ttl must
// be a positive duration`, where the flag gets the rule alone.
func namingVariables(err error, fromEnv map[string][2]string) error {
	var out []error
	for _, line := range strings.Split(err.Error(), "\n") {
		var named []string
		for name, kv := range fromEnv {
			if !mentions(line, name) {
				continue
			}
			if secretOptions[name] || strings.Contains(line, strconv.Quote(kv[1])) {
				// (A rule that quotes the value says it already.)
				named = append(named, "$"+kv[0])
			} else {
				named = append(named, fmt.Sprintf("$%s is %q", kv[0], kv[1]))
			}
		}
		if len(named) > 0 {
			slices.Sort(named)
			line = strings.Join(named, ", ") + ": " + line
		}
		out = append(out, errors.New(line))
	}
	return errors.Join(out...)
}

// mentions reports whether msg names the option as a word of its own
// (max-message-bytes is not in max-facilitator-message-bytes).
func mentions(msg, option string) bool {
	part := func(b byte) bool { return b == '-' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }
	for i := 0; ; {
		j := strings.Index(msg[i:], option)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(option)
		if (start == 0 || !part(msg[start-1])) && (end == len(msg) || !part(msg[end])) {
			return true
		}
		i = start + 1
	}
}

// Validate checks that every limit is usable.
func (c Config) Validate() error {
	var errs []error
	pos := func(name string, v int) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive", name))
		}
	}
	pos("max-rooms", c.Limits.MaxRooms)
	pos("max-participants", c.Limits.MaxParticipants)
	pos("max-name-len", c.Limits.MaxNameLen)
	pos("max-title-len", c.Limits.MaxTitleLen)
	pos("max-message-bytes", c.MaxMessageBytes)
	pos("max-connections", c.MaxConnections)
	pos("max-member-connections", c.MaxMemberConns)
	pos("command-burst", c.CommandBurst)
	pos("history-limit", c.HistoryLimit)
	pos("reply-window", c.ReplyWindow)
	pos("connect-burst", c.ConnectBurst)
	pos("http-burst", c.HTTPBurst)
	pos("send-queue-bytes", c.SendQueueBytes)
	pos("max-packs", c.MaxPacks)
	pos("max-sessions", c.MaxSessions)
	pos("max-status-rooms", c.MaxStatusRooms)
	if c.MaxStatusRooms > 0 && c.HTTPBurst > 0 && c.MaxStatusRooms > c.HTTPBurst {
		// Each room asked about counts against the HTTP rate limit: a
		// request over its burst would never pass.
		errs = append(errs, fmt.Errorf("max-status-rooms (%d) must be at most http-burst (%d)", c.MaxStatusRooms, c.HTTPBurst))
	}
	if c.Limits.PresenceListMax < 0 {
		errs = append(errs, errors.New("presence-list-max cannot be negative (0: counts only, never names)"))
	}
	if err := c.ExerciseLimits().Check(); err != nil {
		errs = append(errs, err)
	}
	if c.StateRate < 0 {
		errs = append(errs, errors.New("state-rate cannot be negative (0: no bound)"))
	}
	for name, d := range map[string]time.Duration{
		"room-ttl": c.Limits.RoomIdleTTL, "send-queue-age": c.SendQueueAge, "heartbeat": c.Heartbeat,
		"hello-timeout": c.HelloTimeout, "coalesce-interval": c.CoalesceInterval, "shutdown-timeout": c.ShutdownTimeout,
		"request-body-timeout": c.BodyTimeout,
	} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s must be a positive duration", name))
		}
	}
	for _, d := range []struct {
		name string
		d    time.Duration
		zero string
	}{
		{"shutdown-spread", c.ShutdownSpread, "close every connection at once"},
		{"shutdown-drain", c.ShutdownDrain, "no drain"},
		{"results-ttl", c.ResultsTTL, "keep no results"},
		{"store-down-grace", c.StoreDownGrace, "never close connections for it"},
	} {
		if d.d < 0 {
			errs = append(errs, fmt.Errorf("%s cannot be negative (0: %s)", d.name, d.zero))
		}
	}
	// A shutdown drains, then closes the connections spread over its
	// spread, all within its timeout: past the timeout what is left is
	// cut (close 1006, exit 1), which the spread was there to avoid.
	if c.ShutdownTimeout > 0 && c.ShutdownDrain >= 0 && c.ShutdownSpread >= 0 && c.ShutdownDrain+c.ShutdownSpread >= c.ShutdownTimeout {
		errs = append(errs, fmt.Errorf("shutdown-drain (%v) and shutdown-spread (%v) together must be shorter than shutdown-timeout (%v): connections still open when it ends are cut", c.ShutdownDrain, c.ShutdownSpread, c.ShutdownTimeout))
	}
	for name, r := range map[string]float64{"command-rate": c.CommandRate, "connect-rate": c.ConnectRate, "http-rate": c.HTTPRate} {
		// NaN compares false with everything: a NaN rate let every
		// command through.
		if !(r > 0) || math.IsInf(r, 0) {
			errs = append(errs, fmt.Errorf("%s must be a positive number", name))
		}
	}
	if err := checkListenAddr("addr", c.Addr, ":8080 or 127.0.0.1:8080"); err != nil {
		errs = append(errs, err)
	}
	if c.PprofAddr != "" {
		if err := checkListenAddr("pprof-addr", c.PprofAddr, "127.0.0.1:6060"); err != nil {
			errs = append(errs, err)
		}
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		errs = append(errs, fmt.Errorf("log-level must be debug, info, warn or error, not %q", c.LogLevel))
	}
	if c.MaxMessageBytes < 1024 {
		errs = append(errs, errors.New("max-message-bytes must be at least 1024"))
	}
	if c.MaxHostMessageBytes != 0 && c.MaxHostMessageBytes < c.MaxMessageBytes {
		errs = append(errs, errors.New("max-facilitator-message-bytes must be 0 (automatic) or at least max-message-bytes"))
	}
	if c.MaxFrameBytes < c.MaxMessageBytes {
		errs = append(errs, errors.New("max-frame-bytes must be at least max-message-bytes"))
	}
	if c.SendQueueBytes < c.MaxFrameBytes {
		errs = append(errs, errors.New("send-queue-bytes must be at least max-frame-bytes"))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log-format must be text or json, not %q", c.LogFormat))
	}
	if c.RedisPrefix == "" || strings.ContainsAny(c.RedisPrefix, "{}") {
		// Braces would change which cluster slot a room's keys share.
		errs = append(errs, fmt.Errorf("redis-prefix must be non-empty and without braces, not %q", c.RedisPrefix))
	}
	if c.PacksDir != "" {
		if err := readableDir(c.PacksDir); err != nil {
			errs = append(errs, err)
		}
	}
	if c.DataDir != "" && c.RedisURL == "" {
		if err := dataDir(c.DataDir); err != nil {
			errs = append(errs, err)
		}
	}
	if c.PublicURL != "" {
		// Join links and QR codes are this plus /j/CODE: a value without
		// its scheme or with a query would print links no phone opens.
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			errs = append(errs, fmt.Errorf("public-url must be an http:// or https:// address with a host and no query, like https://huddle.example.org, not %q", c.PublicURL))
		}
	}
	return errors.Join(errs...)
}

// readableDir checks the packs directory: a node told to load packs
// from a directory that is not there (a typo, a volume not mounted) would
// start with none of them and an ERROR line easy to miss.
func readableDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("packs-dir %q does not exist", dir)
	case err != nil:
		return fmt.Errorf("packs-dir %q cannot be read: %v", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("packs-dir %q is not a directory", dir)
	}
	f, err := os.Open(dir)
	if err == nil {
		_, err = f.ReadDir(1)
		f.Close()
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("packs-dir %q cannot be read: %v", dir, err)
	}
	return nil
}

// dataDir checks the data directory as far as can be without making it
// (the store makes it, when it opens): a file of that name, or a path
// that cannot be looked at, would fail the node only then.
func dataDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // made at start
	case err != nil:
		return fmt.Errorf("data-dir %q cannot be used: %v", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("data-dir %q is not a directory", dir)
	}
	return nil
}

// LookupEnv is os.LookupEnv, for ParseConfig.
func LookupEnv(key string) (string, bool) { return os.LookupEnv(key) }

// ExerciseLimits are the exercise limits, with the rooms' free-text and
// name limits.
func (c Config) ExerciseLimits() exercises.Limits {
	l := c.Exercises
	l.MaxText = c.Limits.MaxTextLen
	l.MaxName = c.Limits.MaxNameLen
	return l
}

// DefaultHostMessageBytes is a facilitator's read limit unless
// configured: room for any exercise within the default limits.
const DefaultHostMessageBytes = 256 << 10

// HostMessageBytes is a facilitator connection's read limit: the
// configured one, else the largest of DefaultHostMessageBytes,
// MaxMessageBytes and the size of the largest exercise the limits allow.
func (c Config) HostMessageBytes() int {
	if c.MaxHostMessageBytes > 0 {
		return c.MaxHostMessageBytes
	}
	return max(DefaultHostMessageBytes, c.MaxMessageBytes, largestSpec(c.ExerciseLimits()))
}

// largestSpec bounds the bytes of an agenda.add or agenda.update whose
// spec is at every limit: a survey of the most questions, each with its
// prompt, its scale labels and the most options, plus the exercise's
// own texts (notes are four free texts). Characters count 4 bytes (the
// longest in UTF-8; a JSON escape of a quote is 2), each option and
// question 64 more for its id and JSON. The defaults give about 214 KiB.
func largestSpec(l exercises.Limits) int {
	option := 4*l.MaxShort + 64
	question := 4*l.MaxText + 2*4*l.MaxShort + l.MaxOptions*option + 64
	return 4*l.MaxShort + 5*4*l.MaxText + l.MaxQuestions*question + 1024
}
