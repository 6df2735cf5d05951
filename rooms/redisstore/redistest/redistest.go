// Package redistest runs private redis-server processes for tests: each on
// a unix socket in its own temporary directory, never on a TCP port, so
// tests neither need nor touch a Redis of the machine.
package redistest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTimeout bounds the wait for a started server to answer PING.
const startTimeout = 10 * time.Second

// Server is one private redis-server. Its socket path stays the same
// across Stop and Start, so clients reconnect to the same URL.
type Server struct {
	t    testing.TB
	dir  string
	sock string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	out  *bytes.Buffer // the server's log, shown when it fails to start
}

// Start starts a private redis-server for t and returns its URL. It is
// stopped when t ends.
//
// A benchmark (never a test) is given the server at
// HUDDLE_BENCH_REDIS_URL instead when that is set: one run by hand, say
// under callgrind to count its instructions (rooms/redisstore/callgrind.sh).
func Start(t testing.TB) string {
	t.Helper()
	if _, bench := t.(*testing.B); bench {
		if u := os.Getenv("HUDDLE_BENCH_REDIS_URL"); u != "" {
			return u
		}
	}
	return StartServer(t).URL()
}

// StartServer is Start returning the Server, for tests that stop, restart
// or pause Redis while a store uses it.
func StartServer(t testing.TB) *Server {
	t.Helper()
	s := NewServer(t)
	s.Start()
	return s
}

// NewServer prepares a private redis-server without starting it: its URL
// leads nowhere until Start. It is killed when t ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("redistest: redis-server is not on PATH; `make test` installs it (Debian package redis-server)")
	}
	dir := t.TempDir()
	// A unix socket path must fit in 108 bytes; test names make
	// t.TempDir long.
	if len(dir) > 80 {
		d, err := os.MkdirTemp("", "redis")
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(d) })
		dir = d
	}
	s := &Server{t: t, dir: dir, sock: filepath.Join(dir, "redis.sock")}
	t.Cleanup(s.Kill)
	return s
}

// URL is the server's address for redisstore.Options.URL.
func (s *Server) URL() string { return "unix://" + s.sock }

// Socket is the path of the server's unix socket.
func (s *Server) Socket() string { return s.sock }

// Start starts the server and waits until it answers PING. A server that
// was stopped with Stop comes back with its data.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.t.Fatal("redistest: Start: the server is running")
	}
	_ = os.Remove(s.sock)
	s.out = new(bytes.Buffer)
	cmd := exec.Command("redis-server",
		"--port", "0",
		"--unixsocket", s.sock,
		"--unixsocketperm", "700",
		"--dir", s.dir,
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
		"--logfile", "",
	)
	cmd.Stdout = s.out
	cmd.Stderr = s.out
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("redistest: starting redis-server: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.cmd, s.done = cmd, done

	deadline := time.Now().Add(startTimeout)
	for {
		err := s.ping()
		if err == nil {
			return
		}
		select {
		case <-done:
			s.t.Fatalf("redistest: redis-server exited at start: %s", s.out)
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redistest: redis-server does not answer PING after %v (%v): %s", startTimeout, err, s.out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop shuts the server down cleanly, saving its data so that the next
// Start brings it back: a Redis restart with persistence.
func (s *Server) Stop() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	// SHUTDOWN never answers when it succeeds: the connection closes.
	if _, err := s.command("SHUTDOWN SAVE"); err == nil || !isEOF(err) {
		s.t.Logf("redistest: SHUTDOWN SAVE: %v; killing the server", err)
		_ = s.cmd.Process.Kill()
	}
	s.wait()
}

// Kill stops the server at once, losing its data: a crash. The test's
// cleanup calls it.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill() // also ends a paused server
	s.wait()
	_ = os.Remove(filepath.Join(s.dir, "dump.rdb"))
}

// Restart is Stop then Start: clients lose their connections, data stays.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.Start()
}

// Pause and Resume are in pause_unix.go and pause_windows.go.

func (s *Server) signal(sig os.Signal) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		s.t.Fatal("redistest: the server is not running")
	}
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("redistest: %v: %v", sig, err)
	}
}

// wait waits for the process to exit; s.mu is held.
func (s *Server) wait() {
	select {
	case <-s.done:
	case <-time.After(startTimeout):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd, s.done = nil, nil
}

// Do sends one inline command (words separated by spaces) and returns the
// first line of the reply, for tests that look at Redis directly.
func (s *Server) Do(command string) (string, error) { return s.command(command) }

func (s *Server) ping() error {
	r, err := s.command("PING")
	if err != nil {
		return err
	}
	if r != "+PONG" {
		return fmt.Errorf("PING answered %q", r)
	}
	return nil
}

// command speaks just enough RESP to send an inline command and read the
// first line of its answer, so this package needs no Redis client.
func (s *Server) command(command string) (string, error) {
	c, err := net.DialTimeout("unix", s.sock, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(command + "\r\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

// Trips is a go-redis hook that counts round trips: each command sent, a
// pipeline once. A new connection's handshake is not counted, nor the
// store's reading of Redis's clock (TIME, in the background once a
// minute: rooms/redisstore/late.go), which no command waits for.
type Trips struct{ n atomic.Int64 }

// N is how many round trips the client made so far.
func (c *Trips) N() int64 { return c.n.Load() }

func (c *Trips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *Trips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !handshake(cmd) && cmd.Name() != "time" {
			c.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (c *Trips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if !slices.ContainsFunc(cmds, func(cmd redis.Cmder) bool { return !handshake(cmd) }) {
			return next(ctx, cmds) // a new connection's handshake
		}
		c.n.Add(1)
		return next(ctx, cmds)
	}
}

// handshake reports whether cmd is part of a new connection's handshake
// (HELLO, CLIENT SETNAME/SETINFO…): the pool's round trips, not those of
// the command that happened to open the connection.
func handshake(cmd redis.Cmder) bool {
	n := cmd.Name()
	return n == "hello" || n == "client" || n == "auth" || n == "select"
}

// CountedClient is a client of url configured as a node configures its
// own (see redisstore.Options.Client), counting its round trips. It is
// closed when t ends.
func CountedClient(t testing.TB, url string) (*redis.Client, *Trips) {
	t.Helper()
	o, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	o.ContextTimeoutEnabled, o.MaxRetries = true, -1
	rdb := redis.NewClient(o)
	trips := &Trips{}
	rdb.AddHook(trips)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb, trips
}
