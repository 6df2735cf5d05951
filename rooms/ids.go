package rooms

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"strings"

	"github.com/google/uuid"
)

// CodeAlphabet is the join code alphabet: upper-case letters and digits
// without the look-alikes 0/O, 1/I/L, so a code read off a projector is
// typed right first time.
const CodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CodeLength is the number of characters in a join code.
const CodeLength = 6

// NewCode returns a random join code.
func NewCode() string {
	var b [CodeLength]byte
	// Rejection sampling keeps every character equally likely.
	limit := byte(256 - 256%len(CodeAlphabet))
	out := make([]byte, 0, CodeLength)
	for len(out) < CodeLength {
		_, _ = rand.Read(b[:])
		for _, c := range b {
			if c < limit && len(out) < CodeLength {
				out = append(out, CodeAlphabet[int(c)%len(CodeAlphabet)])
			}
		}
	}
	return string(out)
}

var codeSeparators = strings.NewReplacer(" ", "", "-", "", "\t", "")

// NormalizeCode turns what a person typed into a code: upper case, with
// spaces and dashes removed. It reports false when the result cannot be a
// join code.
func NormalizeCode(s string) (string, bool) {
	s = strings.ToUpper(codeSeparators.Replace(s))
	if len(s) != CodeLength {
		return "", false
	}
	for _, c := range s {
		if !strings.ContainsRune(CodeAlphabet, c) {
			return "", false
		}
	}
	return s, true
}

// NewID returns a new opaque id for a room or member.
func NewID() string { return uuid.NewString() }

// Secret is a bearer secret (a facilitator secret or participant token).
// It prints and logs as [redacted], so it cannot reach a log by accident;
// use Reveal where it must really be sent to its owner.
type Secret string

// NewSecret returns 256 random bits, URL-safe.
func NewSecret() Secret {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return Secret(base64.RawURLEncoding.EncodeToString(b[:]))
}

func (Secret) String() string                 { return "[redacted]" }
func (Secret) GoString() string               { return "[redacted]" }
func (Secret) LogValue() slog.Value           { return slog.StringValue("[redacted]") }
func (s Secret) Reveal() string               { return string(s) }
func (s Secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// tokenKey is the document key under which a secret's owner is found. Only
// a hash of the secret is stored, so a copy of the store does not give
// anyone a working token.
func tokenKey(s Secret) string {
	sum := sha256.Sum256([]byte(s))
	return "tok:" + hex.EncodeToString(sum[:])
}
