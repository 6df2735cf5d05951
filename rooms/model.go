package rooms

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
)

// Role is what a member may do in a room.
type Role string

const (
	RoleFacilitator Role = "facilitator"
	RoleParticipant Role = "participant"
	// RoleScreen is a projector: a read-only connection opened with the
	// facilitator's secret that sees what participants see (results only
	// once shown), counts in no presence, and sends no commands.
	RoleScreen Role = "screen"
)

// AsScreen returns the projector view of a facilitator.
func (m *Member) AsScreen() *Member {
	s := *m
	s.Role = RoleScreen
	return &s
}

// Member is a person in a room: the facilitator or a participant.
type Member struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Role    Role   `json:"role"`
	Removed bool   `json:"removed,omitempty"`
	// Preview marks the facilitator's test participant ("View as
	// participant"): it sees what participants see, but its answers to
	// votes are checked and acknowledged without being counted
	// (Handler.PreviewDry), so testing a live poll neither changes its
	// results nor helps reach its anonymity threshold.
	Preview bool `json:"preview,omitempty"`
	// Uncounted marks a preview that is not in the room's participants
	// counter (CounterParticipants): every preview that joined since
	// previews stopped counting. A preview without it joined before and
	// was counted, so its removal still takes one off the count.
	Uncounted bool `json:"uncounted,omitempty"`

	// keys holds what the member's token makes when they authenticate:
	// the seed and the keys made from it. It is never stored. Keys made
	// from the seed (Opaque) let the store keep what a member did apart
	// from who they are: nobody holding a copy of the store can compute
	// them without the token. Every copy of the Member shares it.
	keys *memberKeys
	// screenLink is the projector link (see setScreenLink) a screen
	// authenticated with; empty for one opened with the facilitator's
	// secret. Never stored.
	screenLink string
}

// ScreenLink is the id of the projector link m authenticated with, or "".
func (m *Member) ScreenLink() string { return m.screenLink }

// memberKeys is a member's seed and the keys made from it, kept for as
// long as the member is: every command of a vote needs its reply key, the
// ballot key and the reply's cipher, and each is an HMAC (the cipher also
// AES's and GCM's set-up), the costliest steps of a vote after the store.
// Safe for concurrent use.
type memberKeys struct {
	seed    []byte
	private string // Opaque("private"), made with the keys

	mu     sync.Mutex
	opaque map[string]string // purpose → Opaque(purpose); at most maxKeptKeys
	reply  cipher.AEAD       // made at the first sealed reply

	// scratch is an HMAC keyed with seed, with room for its input and
	// output, made at the first derivation and reused under macMu: a key
	// derived for every command (ReplyKey) then costs one allocation, its
	// string, instead of the HMAC's set-up each time. One per member, not
	// a sync.Pool: a pool per member costs a slot per CPU and is emptied
	// at every collection, which in a room of thousands is most of them.
	macMu   sync.Mutex
	scratch *macState
}

// macState is one of memberKeys.macs.
type macState struct {
	h   hash.Hash
	in  []byte
	sum [sha256.Size]byte
	out [24]byte // 18 bytes of the sum, base64
}

// maxKeptKeys bounds the keys a member keeps: a room's members each use a
// few purposes per exercise (ballot, cards, dots, private items). Past
// it, the kept keys are dropped and kept again as they are used.
// maxKeptPurpose bounds the length of a purpose kept: a purpose names an
// exercise (64 characters at most), and a longer one, which a command
// could bring, is derived each time, so a connection's kept keys stay
// under a few KiB.
const (
	maxKeptKeys    = 64
	maxKeptPurpose = 96
)

func newMemberKeys(token Secret) *memberKeys {
	k := &memberKeys{seed: seedFor(token)}
	// Not through derive: an idle phone's connection need not keep the
	// HMAC it would make (see scratch).
	k.private = base64.RawURLEncoding.EncodeToString(k.mac("private")[:18])
	return k
}

// mac is the HMAC of purpose under the member's seed: every key made
// from the token is one.
func (k *memberKeys) mac(purpose string) []byte {
	h := hmac.New(sha256.New, k.seed)
	h.Write([]byte(purpose))
	return h.Sum(nil)
}

// derive computes the key for purpose, without keeping it.
func (k *memberKeys) derive(purpose string) string { return k.derive2(purpose, "") }

// derive2 is derive of purpose+rest, without making that string.
func (k *memberKeys) derive2(purpose, rest string) string {
	k.macMu.Lock()
	defer k.macMu.Unlock()
	st := k.scratch
	if st == nil {
		st = &macState{h: hmac.New(sha256.New, k.seed)}
		k.scratch = st
	}
	st.in = append(append(st.in[:0], purpose...), rest...)
	st.h.Reset()
	st.h.Write(st.in)
	sum := st.h.Sum(st.sum[:0])
	base64.RawURLEncoding.Encode(st.out[:], sum[:18])
	if cap(st.in) > 256 {
		st.in = nil // a long purpose's buffer is let go
	}
	return string(st.out[:])
}

func (k *memberKeys) get(purpose string) string {
	k.mu.Lock()
	key, ok := k.opaque[purpose]
	k.mu.Unlock()
	if ok {
		return key
	}
	key = k.derive(purpose)
	if len(purpose) > maxKeptPurpose {
		return key
	}
	k.mu.Lock()
	if k.opaque == nil || len(k.opaque) >= maxKeptKeys {
		k.opaque = make(map[string]string)
	}
	k.opaque[purpose] = key
	k.mu.Unlock()
	return key
}

// Opaque returns a stable key for this member and purpose that cannot be
// linked to the member without their token. It is empty for a member not
// loaded through Authenticate.
func (m *Member) Opaque(purpose string) string {
	if m.keys == nil {
		return ""
	}
	return m.keys.get(purpose)
}

// ReplyKey is the key under which the answer to the member's command
// cmdID is kept (Change.Actor). It differs for every command: a key
// shared by all of a member's commands would join, in anything that
// records the store's writes in order (an append-only file, MONITOR, a
// replica's stream), the commands that name them (a rename, a named
// answer) to the ones that write their anonymous answers.
func (m *Member) ReplyKey(cmdID string) string {
	if m.keys == nil {
		return "id:" + m.ID
	}
	return m.keys.derive2("reply:", cmdID)
}

// PrivateKey names the member as the audience of private events with no
// scope.
func (m *Member) PrivateKey() string {
	if m.keys == nil {
		return ""
	}
	return m.keys.private
}

// PrivateKeyFor names the member as the audience of private events of one
// scope (an exercise): keys differ per scope, so the store cannot tell
// that two exercises' private items share an author.
func (m *Member) PrivateKeyFor(scope string) string {
	if scope == "" {
		return m.PrivateKey()
	}
	return m.Opaque("private:" + scope)
}

func seedFor(token Secret) []byte {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("huddle member seed v1"))
	return mac.Sum(nil)
}

// IsFacilitator reports whether m leads the room.
func (m *Member) IsFacilitator() bool { return m.Role == RoleFacilitator }

// View is m as others see them (online as given).
func (m *Member) View(online bool) MemberView {
	return MemberView{ID: m.ID, Name: m.Name, Role: m.Role, Online: online, Preview: m.Preview}
}

// Room is a room's settings and status, kept in the document "room".
type Room struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`
	Title     string    `json:"title"`
	Locked    bool      `json:"locked"`
	Ended     bool      `json:"ended"`
	ShowNames bool      `json:"showNames"`
	CreatedAt time.Time `json:"createdAt"`
	// EndedAt is when the room ended (room.end), in UTC, whole seconds;
	// zero while it runs, and for rooms ended by versions before it was
	// kept.
	EndedAt time.Time `json:"endedAt,omitzero"`
	// Pack is the id of the exercise pack the room started from, and
	// PackTitle its title then (both empty for a blank room).
	Pack      string `json:"pack,omitempty"`
	PackTitle string `json:"packTitle,omitempty"`
}

// Document keys and counters of the room core.
const (
	KeyRoom             = "room"
	CounterParticipants = "participants"
	// CounterPreviews counts the facilitator's test participants a room
	// has had (Member.Preview): they are in no participant count, and
	// this bounds their member documents by max-participants of their
	// own. Never decremented: each one's document stays, removed.
	CounterPreviews = "previews"
	StatePresence   = "presence"
)

// MemberKey is the document key of a member.
func MemberKey(id string) string { return "member:" + id }

// Limits are the room core's configurable limits.
type Limits struct {
	MaxRooms        int           // rooms a node's store holds at once
	MaxParticipants int           // participants per room
	MaxNameLen      int           // display name, in characters
	MaxTitleLen     int           // room title, in characters
	MaxTextLen      int           // any other free text, in characters
	MaxCmdIDLen     int           // client-chosen command id, in bytes
	RoomIdleTTL     time.Duration // a room with no change and no member connected expires after this (on Redis up to ExpirySlack sooner)
	PresenceListMax int           // above this many participants, participants get counts, not names
}

// DefaultLimits are the limits when nothing is configured.
func DefaultLimits() Limits {
	return Limits{
		MaxRooms:        1000,
		MaxParticipants: 10000,
		MaxNameLen:      40,
		MaxTitleLen:     120,
		MaxTextLen:      500,
		MaxCmdIDLen:     64,
		RoomIdleTTL:     6 * time.Hour,
		PresenceListMax: 200,
	}
}

// CleanText trims s, folds runs of white space into one space and checks
// its length in characters and that it holds no control characters. The
// characters that reorder the text after them (bidirectional embeddings,
// overrides and isolates) are dropped: a name could otherwise turn the
// rest of a line around. A text with nothing visible in it (only
// zero-width characters, say) is empty, so a required one is refused and
// a name cannot look blank. Marks stacked on one character past
// MaxStackedMarks are dropped: twenty accents on an "é" drew a column
// over the lines above it on every screen. Field names the field in the
// error.
func CleanText(s, field string, max int, required bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", FieldError(CodeInvalid, field, "%s is not valid UTF-8", field)
	}
	if strings.ContainsFunc(s, isBidiControl) {
		s = strings.Map(func(r rune) rune {
			if isBidiControl(r) {
				return -1
			}
			return r
		}, s)
	}
	s = dropStackedMarks(s)
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	visible := false
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", FieldError(CodeInvalid, field, "%s holds a control character", field)
		}
		visible = visible || unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S)
	}
	if !visible {
		s = ""
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", FieldError(CodeTooLong, field, "%s is %d characters; the limit is %d", field, n, max)
	}
	if required && s == "" {
		return "", FieldError(CodeInvalid, field, "%s is required", field)
	}
	return s, nil
}

// FacilitatorName is the facilitator's name in the room: what a kudo,
// an offer or a card from them is signed with.
const FacilitatorName = "Facilitator"

// ParticipantName is CleanText for a participant's name, which may not
// read as the facilitator's: with names hidden, phones have no list of
// people to tell a participant called "Facilitator" from the facilitator,
// and a kudo or a named card from them would seem to come from whoever
// runs the room. The name is compared as people read it (readsAs):
// "FACILITATOR!", "F a c i l i t a t o r", full-width letters, a
// Cyrillic "а" or a "0" for the "o" are all the same name.
func ParticipantName(s string, max int) (string, error) {
	name, err := CleanText(s, "name", max, false)
	if err != nil {
		return "", err
	}
	if readsAs(name, FacilitatorName) {
		return "", FieldError(CodeInvalid, "name", "the name “%s” is the facilitator’s: choose another", FacilitatorName)
	}
	return name, nil
}

// readsAs reports whether a and b read alike: their letters and digits,
// whatever their case, accents or script, compared by their Unicode
// confusable skeletons (UTS #39, github.com/mtibben/confusables: a
// Cyrillic "а" and a Latin "a", a "0" and an "O", a "1" and an "l" have
// one skeleton). The skeleton is taken twice, around folding the case,
// since the table maps "0" to a capital "O" and "o" to itself (and the
// case is folded first too: it maps a capital "I" to an "l").
func readsAs(a, b string) bool {
	key := func(s string) string {
		s = confusables.Skeleton(strings.ToLower(confusables.Skeleton(strings.ToLower(norm.NFKC.String(s)))))
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	return key(a) == key(b)
}

// MaxStackedMarks is how many combining marks drawn over or under a
// character (Unicode's nonspacing and enclosing marks: accents, the
// vowel signs of Hebrew or Thai, a keycap's frame, an emoji's variation
// selector) CleanText keeps in a row. Writing systems stack two or three
// (Vietnamese, Hebrew with its points and cantillation); more is text
// made to spill over its neighbours.
const MaxStackedMarks = 4

// dropStackedMarks keeps at most MaxStackedMarks marks in a row.
func dropStackedMarks(s string) string {
	run, over := 0, false
	for _, r := range s {
		if unicode.In(r, unicode.Mn, unicode.Me) {
			run++
			over = over || run > MaxStackedMarks
		} else {
			run = 0
		}
	}
	if !over {
		return s
	}
	var b strings.Builder
	run = 0
	for _, r := range s {
		if unicode.In(r, unicode.Mn, unicode.Me) {
			if run++; run > MaxStackedMarks {
				continue
			}
		} else {
			run = 0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// IsBidiControl reports whether r is a bidirectional embedding, override
// or isolate (U+202A-U+202E, U+2066-U+2069): CleanText drops them from
// every text, since pasted with a name or a word they reorder what
// follows them on every screen.
func IsBidiControl(r rune) bool { return isBidiControl(r) }

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}
