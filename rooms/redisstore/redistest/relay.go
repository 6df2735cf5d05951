package redistest

import (
	"net"
	"sync"
	"testing"
)

// Relay is a TCP relay in front of a Server, for tests that cut one
// client off from Redis while others keep it, as a network partition
// does: the client connects to the relay (URL), the relay to the server's
// socket. Freeze stops it passing bytes, both ways, without closing
// anything: the client's connections stay open and its writes are taken,
// and nothing comes back, which is what a frozen link looks like from
// either end. Thaw lets what waited through. A Pause of the Server would
// freeze it for every client.
type Relay struct {
	t      testing.TB
	ln     net.Listener
	target string

	mu      sync.Mutex
	frozen  bool
	changed chan struct{} // closed and replaced when the relay thaws or strands
	pairs   map[*pair]struct{}
	closed  bool
	done    chan struct{} // closed by Close
	wg      sync.WaitGroup
}

// pair is one relayed connection: the client's end and the server's.
type pair struct {
	client, server net.Conn
	stranded       bool // frozen for good (Strand)
}

// NewRelay starts a relay to s on a loopback port. It is closed when t
// ends.
func NewRelay(t testing.TB, s *Server) *Relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: relay: %v", err)
	}
	r := &Relay{t: t, ln: ln, target: s.sock, changed: make(chan struct{}), pairs: make(map[*pair]struct{}), done: make(chan struct{})}
	r.wg.Add(1)
	go r.accept()
	t.Cleanup(r.Close)
	return r
}

// URL is the relay's address for redisstore.Options.URL.
func (r *Relay) URL() string { return "redis://" + r.ln.Addr().String() }

// Freeze stops the relay passing bytes on every connection, those open
// now and those opened until Thaw (which the relay accepts: a client's
// dial succeeds and its first command waits, as through a partition
// whose far end is a proxy). Nothing is closed.
func (r *Relay) Freeze() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frozen = true
}

// Thaw undoes Freeze: what waited goes through, and a connection the
// client closed meanwhile is closed on the server's side too.
func (r *Relay) Thaw() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frozen = false
	close(r.changed)
	r.changed = make(chan struct{})
}

// Strand freezes the connections open now for good, without closing
// them, while new ones pass: what a client sees of connections a
// partition left dead (the far end gone, no reset ever arriving) once
// the network works again.
func (r *Relay) Strand() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p := range r.pairs {
		p.stranded = true
	}
}

// Close closes the relay and every connection through it.
func (r *Relay) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	close(r.done)
	_ = r.ln.Close()
	for p := range r.pairs {
		_ = p.client.Close()
		_ = p.server.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
}

func (r *Relay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("unix", r.target)
		if err != nil {
			_ = c.Close() // the server is down: the client sees its connection refused, near enough
			continue
		}
		p := &pair{client: c, server: s}
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			_ = c.Close()
			_ = s.Close()
			return
		}
		r.pairs[p] = struct{}{}
		r.wg.Add(2)
		r.mu.Unlock()
		go r.pipe(p, c, s)
		go r.pipe(p, s, c)
	}
}

// pipe copies src to dst, waiting at each write while the pair is
// frozen, and closes both ends once src ends (after waiting too: a
// frozen link does not pass a close either).
func (r *Relay) pipe(p *pair, src, dst net.Conn) {
	defer r.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !r.pass(p) {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				err = werr
			}
		}
		if err != nil {
			if !r.pass(p) {
				return
			}
			_ = src.Close()
			_ = dst.Close()
			r.mu.Lock()
			delete(r.pairs, p)
			r.mu.Unlock()
			return
		}
	}
}

// pass waits until p may pass bytes, and reports false if the relay was
// closed meanwhile.
func (r *Relay) pass(p *pair) bool {
	for {
		r.mu.Lock()
		blocked := r.frozen || p.stranded
		changed, closed := r.changed, r.closed
		r.mu.Unlock()
		if closed {
			return false
		}
		if !blocked {
			return true
		}
		select {
		case <-changed:
		case <-r.done:
			return false
		}
	}
}
