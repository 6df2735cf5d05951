package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"huddle/exercises/packs"
	"huddle/rooms/redisstore"
	"huddle/server/loadgen"
)

// Version is set at build time (-ldflags "-X huddle/server.Version=...").
var Version = "dev"

const usage = `Huddle: live team workshops, self-hosted.

Usage:
  huddle serve [flags]    start a node (huddle serve -h lists every flag and HUDDLE_* variable)
  huddle packs validate FILE...   check exercise pack files (errors name the line and field)
  huddle packs list               the built-in packs
  huddle packs export ID          a built-in pack as YAML
  huddle load [flags]     drive a running node like real phones and report latencies (huddle load -h)
  huddle health [ADDRESS] exit 0 if the node at ADDRESS (a URL, host:port or :port; default: from $HUDDLE_ADDR) is ready; for container health checks
  huddle version          print the version
`

// Main runs the huddle command line and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "load":
		return loadgen.Main(args[1:], stdout, stderr)
	case "packs":
		return packs.Main("huddle packs", args[1:], stdout, stderr)
	case "health":
		return health(args[1:], stdout, stderr)
	case "version", "--version", "-v":
		if len(args) > 1 {
			fmt.Fprintf(stderr, "huddle version: unexpected argument %q\n", args[1])
			return 2
		}
		fmt.Fprintln(stdout, "huddle", Version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "huddle: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(cfg.LogFormat, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func serve(args []string, stdout, stderr io.Writer) int {
	cfg, fs, err := ParseConfig("huddle serve", args, LookupEnv)
	fs.SetOutput(stderr)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "huddle serve:", err)
		if _, ok := errors.AsType[*FlagError](err); ok {
			// Not every setting, which would push the message off the
			// screen: where to find them.
			fmt.Fprintln(stderr, "huddle serve -h lists every setting")
		}
		return 2
	}
	log := newLogger(cfg, stderr)
	warnUnknownVariables(log, fs, os.Environ())
	if cfg.RedisURL != "" {
		redisstore.SetLogger(log)
	}
	srv, err := New(cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "huddle serve:", err)
		return 1
	}
	if err := srv.Start(); err != nil {
		fmt.Fprintln(stderr, "huddle serve:", err)
		return 1
	}
	store := "memory"
	if cfg.RedisURL != "" {
		store = "redis"
	}
	log.Info("huddle started", "version", Version, "addr", srv.Addr(), "store", store)
	started(stdout, srv.URL(), srv.LANURLs())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	<-ctx.Done()
	stop()
	log.Info("signal received; shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// warnUnknownVariables logs each HUDDLE_ variable of environ that no
// setting reads (a misspelt limit would otherwise stay at its default
// without a word), with the closest setting's
// variable when one is close. The node still starts.
func warnUnknownVariables(log *slog.Logger, fs *flag.FlagSet, environ []string) {
	for _, u := range UnknownVariables(fs, environ) {
		if u[1] != "" {
			log.Warn("unknown variable, ignored", "variable", u[0], "did_you_mean", u[1])
		} else {
			log.Warn("unknown variable, ignored", "variable", u[0])
		}
	}
}

const healthUsage = `Usage: huddle health [ADDRESS]

Asks a node's /readyz, for container health checks (the image has no shell
or curl), and prints the answer. ADDRESS is a URL (http://host:port; with
no path, its /readyz is asked), or host:port or :port as in HUDDLE_ADDR
(an empty, 0.0.0.0 or :: host is this machine). Without one, the node at
$HUDDLE_ADDR (default :8080) on this machine is asked.

Exit code: 0 ready (200), 1 not ready or no answer, 2 a usage error or an
address that cannot be read.
`

// health asks a node's /readyz, for container health checks (the image
// has no shell or curl).
func health(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("huddle health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), healthUsage) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "huddle health: unexpected argument %q\n", fs.Arg(1))
		return 2
	}
	var url string
	var err error
	if fs.NArg() == 1 {
		url, err = readyzURL(fs.Arg(0))
	} else {
		addr := ":8080"
		if v, ok := os.LookupEnv("HUDDLE_ADDR"); ok {
			addr = v
		}
		if url, err = readyzURL(addr); err != nil {
			err = fmt.Errorf("$HUDDLE_ADDR: %w", err)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "huddle health:", err)
		return 2
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintln(stderr, "huddle health:", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	fmt.Fprintf(stdout, "%d %s", resp.StatusCode, body)
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}

// readyzURL is the URL huddle health asks for an address: a URL as
// given, its /readyz when it has no path; host:port or :port (what
// HUDDLE_ADDR holds, and what a user types after reading it), on this
// machine when the host is empty or unspecified, likewise.
func readyzURL(addr string) (string, error) {
	if strings.Contains(addr, "://") {
		u, err := neturl.Parse(addr)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("%q is not a URL such as http://127.0.0.1:8080", addr)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/readyz"
		}
		return u.String(), nil
	}
	hostPort, path, _ := strings.Cut(addr, "/")
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil || port == "" {
		return "", fmt.Errorf("%q is neither a URL (http://host:port) nor host:port or :port", addr)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	if path == "" {
		path = "readyz"
	}
	return "http://" + net.JoinHostPort(host, port) + "/" + path, nil
}

// started tells whoever ran huddle serve where to go. The console is given
// at the addresses phones can reach when the node listens on the network:
// the join link and QR code it shows are made from the address it was
// opened at, and a phone cannot open "localhost".
func started(w io.Writer, url string, lan []string) {
	base := strings.TrimSuffix(url, "/") + "/"
	fmt.Fprintf(w, "\nHuddle is running. Open %s\n", base)
	switch len(lan) {
	case 0:
		fmt.Fprintf(w, "Facilitator console: %shost\n", base)
	case 1:
		fmt.Fprintf(w, "Facilitator console: %shost\n", lan[0])
	default:
		fmt.Fprintln(w, "Facilitator console, at an address the phones can reach (its QR code is made from it):")
		for _, u := range lan {
			fmt.Fprintf(w, "  %shost\n", u)
		}
	}
	if len(lan) > 0 {
		fmt.Fprintf(w, "Phones on the same network can reach it at: %s\n", strings.Join(lan, "  "))
	}
	fmt.Fprintln(w)
}
