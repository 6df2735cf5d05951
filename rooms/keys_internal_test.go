package rooms

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// The keys a member keeps are the ones the token makes: the same for every
// copy of the member, and the same as before they were kept, since rooms
// already stored hold ballots and cards under them.
func TestMemberKeysKept(t *testing.T) {
	token := Secret("a-token-of-some-member")
	m := &Member{ID: "m1", keys: newMemberKeys(token)}
	want := func(purpose string) string {
		seed := hmac.New(sha256.New, []byte(token))
		seed.Write([]byte("huddle member seed v1"))
		mac := hmac.New(sha256.New, seed.Sum(nil))
		mac.Write([]byte(purpose))
		return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18])
	}
	copied := *m
	if copied.keys != m.keys {
		t.Fatal("a copy of the member has keys of its own")
	}
	for _, p := range []string{"actor", "ballot:ex1", "ballot:ex1", "private:ex2"} {
		if got := m.Opaque(p); got != want(p) {
			t.Fatalf("Opaque(%q) = %q, want %q", p, got, want(p))
		}
		if got := copied.Opaque(p); got != want(p) {
			t.Fatalf("a copy's Opaque(%q) = %q, want %q", p, got, want(p))
		}
	}
	if m.PrivateKey() != want("private") || m.PrivateKeyFor("ex2") != want("private:ex2") {
		t.Fatalf("private keys %q, %q", m.PrivateKey(), m.PrivateKeyFor("ex2"))
	}
	// A reply key differs per command and is never kept.
	if m.ReplyKey("c1") != want("reply:c1") || m.ReplyKey("c1") == m.ReplyKey("c2") {
		t.Fatalf("ReplyKey %q, %q", m.ReplyKey("c1"), m.ReplyKey("c2"))
	}
	if n := len(m.keys.opaque); n != 3 {
		t.Fatalf("%d keys kept, want 3 (actor, ballot:ex1, private:ex2)", n)
	}

	// Bounded: a member who used many purposes keeps at most maxKeptKeys,
	// and every key is still right.
	for i := range 3 * maxKeptKeys {
		p := fmt.Sprint("ballot:x", i)
		if got := m.Opaque(p); got != want(p) {
			t.Fatalf("Opaque(%q) = %q, want %q", p, got, want(p))
		}
		if n := len(m.keys.opaque); n > maxKeptKeys {
			t.Fatalf("%d keys kept, bound %d", n, maxKeptKeys)
		}
	}

	// A long purpose (a command can bring one) is derived, not kept.
	m.keys.opaque = nil
	long := "ballot:" + strings.Repeat("x", 10_000)
	if got := m.Opaque(long); got != want(long) {
		t.Fatalf("Opaque(long) = %q, want %q", got, want(long))
	}
	if n := len(m.keys.opaque); n != 0 {
		t.Fatalf("a purpose of %d bytes was kept", len(long))
	}

	// A member without a token has no opaque keys.
	if k := (&Member{ID: "m2"}).Opaque("actor"); k != "" {
		t.Fatalf("Opaque without a token = %q", k)
	}
}

// The reply's cipher is made once per member and serves its copies, also
// at once: answers sealed by one open with another. Its keys too.
func TestReplyCipherKept(t *testing.T) {
	m := &Member{ID: "m1", keys: newMemberKeys("token-1")}
	if replyAEAD(m) != replyAEAD(m) {
		t.Fatal("a new cipher for each reply")
	}
	other := &Member{ID: "m1", keys: newMemberKeys("token-2")}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			copied := *m
			p := fmt.Sprint("ballot:ex", i%3) // kept by one, read by others
			seed := hmac.New(sha256.New, []byte("token-1"))
			seed.Write([]byte("huddle member seed v1"))
			mac := hmac.New(sha256.New, seed.Sum(nil))
			mac.Write([]byte(p))
			if got, want := copied.Opaque(p), base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18]); got != want {
				t.Errorf("Opaque(%q) = %q, want %q", p, got, want)
			}
			id := fmt.Sprint("cmd", i)
			reply := json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))
			sealed := sealReply(&copied, id, reply)
			got, err := openReply(m, id, sealed)
			if err != nil || string(got) != string(reply) {
				t.Errorf("opened %s, %v; want %s", got, err, reply)
			}
			if _, err := openReply(other, id, sealed); err == nil {
				t.Error("another member's token opened the answer")
			}
		}()
	}
	wg.Wait()
}
