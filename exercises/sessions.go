package exercises

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"huddle/rooms"
)

// A session is the kept results of an ended room: what its results export
// holds (RoomResults: nothing links an answer to a person), with a summary
// to find it by, kept in the store's library for a configurable time after
// the room itself is gone. The summary and the results are two documents
// (collections sessions and results), so listing sessions stays cheap.

// SessionSummary describes one kept session.
type SessionSummary struct {
	ID        string    `json:"id"` // the room's id
	Code      string    `json:"code"`
	Title     string    `json:"title"`
	Pack      string    `json:"pack"`
	PackTitle string    `json:"packTitle"`
	CreatedAt time.Time `json:"createdAt"`
	// EndedAt is when the room ended; for a room kept while it runs (or
	// ended by a version that did not record the time), when it was kept.
	EndedAt time.Time `json:"endedAt"`
	// ExpiresAt is when the session is forgotten: EndedAt plus the
	// server's results-ttl; zero (absent) when it is kept until deleted.
	ExpiresAt    time.Time `json:"expiresAt,omitzero"`
	Participants int64     `json:"participants"`
	Exercises    int       `json:"exercises"`
	// UntilRestart says the server keeps its library in memory only (the
	// embedded store without a data directory): the session is forgotten
	// when the server stops, ExpiresAt or not. The server sets it where
	// it tells whether and until when a session is kept (the list, a
	// keep's answer, an ended room's final welcome); it is never stored.
	UntilRestart bool `json:"untilRestart,omitempty"`
}

// Session is a kept session: its summary and results.
type Session struct {
	Session SessionSummary `json:"session"`
	Results *RoomResults   `json:"results"`
}

// libResults is the collection of the sessions' full results.
const libResults = "results"

// keptSession is a Session as the library keeps it: with the form it was
// kept in, which is not served.
type keptSession struct {
	Session SessionSummary `json:"session"`
	Results *RoomResults   `json:"results"`
	Form    int            `json:"form,omitempty"`
}

// keptForm is the form of the sessions kept now: 1 since a kudos wall's
// kudos are kept in the wall's order, by random id. A session kept before
// (form 0) has them in the order they were sent, newest first, which
// would line up an anonymous kudo with the named ones sent around it; it
// is served with them in the order of what they say instead
// (KudosExport.orderByContent), its export holding no ids to order them
// by.
const keptForm = 1

// KeepSession keeps room's results (from its state st) as a session
// until ttl after the room ended (ttl 0: until deleted). The end time is
// the room's own (Room.EndedAt), so keeping the same room's results again
// (a re-sent room.end, a late retry, the console asking) gives the same
// EndedAt and ExpiresAt; now stands in for it when the room has none (it
// still runs, or an older version ended it). Keeping the same room again
// replaces its session.
func KeepSession(ctx context.Context, lib rooms.Library, room rooms.Room, st *rooms.State, now time.Time, ttl time.Duration, max int) (*Session, error) {
	res, err := ExportResults(room, st)
	if err != nil {
		return nil, err
	}
	endedAt := room.EndedAt
	if !room.Ended || endedAt.IsZero() {
		endedAt = now
	}
	endedAt = endedAt.UTC().Truncate(time.Second)
	s := &Session{Results: res, Session: SessionSummary{
		ID: room.ID, Code: room.Code, Title: room.Title, Pack: room.Pack, PackTitle: room.PackTitle,
		CreatedAt: room.CreatedAt.UTC(), EndedAt: endedAt,
		Participants: res.Participants, Exercises: len(res.Exercises),
	}}
	// The store forgets the session at ExpiresAt, however late this keep;
	// a keep after it keeps nothing (the room outlived its results).
	keep := time.Duration(0)
	if ttl > 0 {
		s.Session.ExpiresAt = endedAt.Add(ttl)
		keep = s.Session.ExpiresAt.Sub(now)
		if keep <= 0 {
			return nil, rooms.Errorf(rooms.CodeInvalid, "this room ended more than the server's results-ttl ago, so its results are no longer kept: download them instead")
		}
	}
	full, err := json.Marshal(keptSession{Session: s.Session, Results: s.Results, Form: keptForm})
	if err != nil {
		return nil, err
	}
	sum, err := json.Marshal(s.Session)
	if err != nil {
		return nil, err
	}
	// Results first: a summary never points at results that are missing.
	// At most max sessions are kept (0: no limit): with no host key anyone
	// can end rooms, and each keeps its results for the results-ttl.
	if _, err := lib.LibraryPut(ctx, libResults, room.ID, full, rooms.AnyVersion, keep, max); err != nil {
		return nil, sessionsFull(err, max)
	}
	if _, err := lib.LibraryPut(ctx, rooms.LibSessions, room.ID, sum, rooms.AnyVersion, keep, max); err != nil {
		return nil, sessionsFull(err, max)
	}
	return s, nil
}

// ListSessions returns the kept sessions, newest first; pack, when not
// empty, keeps those of one pack.
func ListSessions(ctx context.Context, lib rooms.Library, pack string) ([]SessionSummary, error) {
	docs, err := lib.LibraryList(ctx, rooms.LibSessions)
	if err != nil {
		return nil, err
	}
	out := []SessionSummary{}
	for _, d := range docs {
		var s SessionSummary
		if json.Unmarshal(d.Value, &s) != nil {
			continue
		}
		if pack == "" || s.Pack == pack {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b SessionSummary) int {
		if c := b.EndedAt.Compare(a.EndedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

func sessionNotFound(field, id string) error {
	return rooms.FieldError(rooms.CodeNotFound, field, "there is no kept session %s (it may have expired)", Quote(id))
}

// GetSession returns a kept session. field names the request field in the
// not-found error.
func GetSession(ctx context.Context, lib rooms.Library, id, field string) (*Session, error) {
	if id == "" || len(id) > 64 {
		return nil, sessionNotFound(field, id)
	}
	d, err := lib.LibraryGet(ctx, libResults, id)
	if err != nil {
		return nil, err
	}
	if d.Version == 0 {
		return nil, sessionNotFound(field, id)
	}
	var k keptSession
	if err := json.Unmarshal(d.Value, &k); err != nil || k.Results == nil {
		return nil, fmt.Errorf("exercises: kept session %q is damaged: %v", id, err)
	}
	// One kept before hidden questions lost their counts of answers
	// (Results.hideThin) is served without them too, and one kept before
	// kudos were kept in no order of their sending without that order.
	for i := range k.Results.Exercises {
		x := &k.Results.Exercises[i]
		x.forgetHiddenAnswered()
		if x.Kudos != nil && k.Form < keptForm {
			x.Kudos.orderByContent()
		}
	}
	return &Session{Session: k.Session, Results: k.Results}, nil
}

// GetSessionSummary returns the summary of kept session id (a room's id:
// its results kept as a session), nil when there is none.
func GetSessionSummary(ctx context.Context, lib rooms.Library, id string) (*SessionSummary, error) {
	if id == "" || len(id) > 64 {
		return nil, nil
	}
	d, err := lib.LibraryGet(ctx, rooms.LibSessions, id)
	if err != nil || d.Version == 0 {
		return nil, err
	}
	var s SessionSummary
	if err := json.Unmarshal(d.Value, &s); err != nil {
		return nil, fmt.Errorf("exercises: kept session %q is damaged: %v", id, err)
	}
	return &s, nil
}

// DeleteSession forgets a kept session.
func DeleteSession(ctx context.Context, lib rooms.Library, id string) error {
	err := lib.LibraryDelete(ctx, rooms.LibSessions, id, rooms.AnyVersion)
	rerr := lib.LibraryDelete(ctx, libResults, id, rooms.AnyVersion)
	if errors.Is(err, rooms.ErrDocNotFound) && errors.Is(rerr, rooms.ErrDocNotFound) {
		return sessionNotFound("id", id)
	}
	for _, e := range []error{err, rerr} {
		if e != nil && !errors.Is(e, rooms.ErrDocNotFound) {
			return e
		}
	}
	return nil
}

// AgendaSpecs returns the specs of a room's agenda, in order, as a
// facilitator edited them (notes included), from its state.
func AgendaSpecs(st *rooms.State) ([]Spec, error) {
	raw, err := snapshotSection(st, exportViewer)
	if err != nil {
		return nil, err
	}
	var sec SnapshotSection
	if err := json.Unmarshal(raw, &sec); err != nil {
		return nil, err
	}
	out := make([]Spec, 0, len(sec.Exercises))
	for _, v := range sec.Exercises {
		out = append(out, v.Exercise.Spec)
	}
	return out, nil
}

// Comparison is two sessions side by side (docs/protocol.md 2.9.5).
type Comparison struct {
	A         SessionSummary       `json:"a"`
	B         SessionSummary       `json:"b"`
	Exercises []ExerciseComparison `json:"exercises"`
}

// ExerciseComparison is one exercise in either session or both.
type ExerciseComparison struct {
	Kind      Kind                 `json:"kind"`
	Title     string               `json:"title"`
	A         *SideSummary         `json:"a"`
	B         *SideSummary         `json:"b"`
	Questions []QuestionComparison `json:"questions,omitempty"`
	Columns   []ColumnComparison   `json:"columns,omitempty"`
	Actions   *PairCount           `json:"actions,omitempty"`
}

// SideSummary is one session's side of an exercise.
type SideSummary struct {
	Status    Status `json:"status"`
	Responses int64  `json:"responses"`
	Hidden    bool   `json:"hidden"`
	// HiddenReason says why a hidden vote's results are hidden (as
	// VoteExport's: HiddenNotRun, HiddenStillOpen, HiddenTooFew), also for
	// a session kept before exports said it.
	HiddenReason string `json:"hiddenReason,omitempty"`
	// MinResponses is a vote's threshold (0 for other kinds).
	MinResponses int `json:"minResponses,omitempty"`
}

// QuestionComparison is one question of a vote, on both sides or one.
type QuestionComparison struct {
	// Prompt is the question as A words it (as B does, for one only in
	// B). PromptB is B's wording when the two read differently: a pack's
	// question reworded between the sessions, paired by its id; then
	// Prompt is what A's asked (a poll's or scale's question without a
	// prompt asks the exercise's).
	Prompt  string `json:"prompt"`
	PromptB string `json:"promptB,omitempty"`
	Kind    string `json:"kind"`
	// PairedBy is how a question on both sides was paired: PairedByID or
	// PairedByPrompt.
	PairedBy string `json:"pairedBy,omitempty"`
	// Only is "a" or "b" for a question that one session's exercise asked
	// and the other's, its questions shown, did not.
	Only      string         `json:"only,omitempty"`
	A         *QuestionTally `json:"a"`
	B         *QuestionTally `json:"b"`
	MeanDelta *float64       `json:"meanDelta,omitempty"`
	// NoMeanDelta says why two means have no change between them:
	// NoDeltaDifferentScales.
	NoMeanDelta string `json:"noMeanDelta,omitempty"`
}

// How two questions were paired (QuestionComparison.PairedBy).
const (
	PairedByID     = "id"
	PairedByPrompt = "prompt"
)

// NoDeltaDifferentScales: the two scales run over different ranges (1
// to 5 and 1 to 10, or -2 to 2), so their means are not on one ruler.
const NoDeltaDifferentScales = "different_scales"

// QuestionTally is a question's tally on one side.
type QuestionTally struct {
	// Answered: absent from a hidden question of an anonymous vote.
	Answered int64        `json:"answered,omitempty"`
	Counts   []LabelCount `json:"counts"`
	Mean     *float64     `json:"mean,omitempty"`
	Median   *float64     `json:"median,omitempty"`
	// Min and Max are a scale question's range, when the session says
	// it (QuestionExport's, or its counts' first and last values).
	Min *int `json:"min,omitempty"`
	Max *int `json:"max,omitempty"`
	// Hidden: fewer than the vote's threshold answered this question (its
	// others are shown), as QuestionExport's: no counts, mean or median,
	// and in an anonymous vote no Answered.
	Hidden bool `json:"hidden,omitempty"`
}

// ColumnComparison is a retro column's number of cards on both sides.
type ColumnComparison struct {
	Title string `json:"title"`
	A     *int   `json:"a"`
	B     *int   `json:"b"`
}

// PairCount is a number on both sides (nil: that side has no such
// exercise).
type PairCount struct {
	A *int `json:"a"`
	B *int `json:"b"`
}

// Compare lines up two sessions: exercises by kind and title (a's agenda
// order, then those only in b), questions by prompt then by id (two
// sessions of one pack; compareQuestions).
func Compare(a, b *Session) *Comparison {
	c := &Comparison{A: a.Session, B: b.Session, Exercises: []ExerciseComparison{}}
	// A question's id is stable in a pack: ids of two packs, or of rooms
	// set up by hand (q1, q2, ... by position), say nothing of sameness.
	samePack := a.Session.Pack != "" && a.Session.Pack == b.Session.Pack
	used := make([]bool, len(b.Results.Exercises))
	match := func(x ExerciseResult) int {
		for j, y := range b.Results.Exercises {
			if !used[j] && y.Kind == x.Kind && foldText(y.Title) == foldText(x.Title) {
				return j
			}
		}
		return -1
	}
	for i := range a.Results.Exercises {
		x := &a.Results.Exercises[i]
		var y *ExerciseResult
		if j := match(*x); j >= 0 {
			used[j] = true
			y = &b.Results.Exercises[j]
		}
		c.Exercises = append(c.Exercises, compareExercise(x, y, samePack))
	}
	for j := range b.Results.Exercises {
		if !used[j] {
			c.Exercises = append(c.Exercises, compareExercise(nil, &b.Results.Exercises[j], samePack))
		}
	}
	return c
}

func side(e *ExerciseResult) *SideSummary {
	if e == nil {
		return nil
	}
	s := &SideSummary{Status: e.Status, Responses: e.Responses}
	if e.Vote != nil {
		s.Hidden, s.HiddenReason, s.MinResponses = e.Vote.Hidden, e.hiddenReason(), e.Vote.MinResponses
	}
	return s
}

// ran says an exercise was opened in its session (not only on the agenda).
func ran(e *ExerciseResult) bool { return e != nil && e.Status != StatusPrepared }

func compareExercise(a, b *ExerciseResult, byID bool) ExerciseComparison {
	ref := a // the side that has it, for its kind and title
	if ref == nil {
		ref = b
	}
	ec := ExerciseComparison{Kind: ref.Kind, Title: ref.Title, A: side(a), B: side(b)}
	if ref.Kind.IsVote() {
		ec.Questions = compareQuestions(askedOf(a), askedOf(b), minOf(a), minOf(b), byID)
	}
	if ref.Kind == KindRetro {
		// A side on the agenda but never opened had no cards to count: it
		// reads "–", not 0, and when neither side ran there is no table.
		ranA, ranB := ran(a), ran(b)
		if ranA || ranB {
			ra, rb := retroOf(a), retroOf(b)
			if !ranA {
				ra = nil
			}
			if !ranB {
				rb = nil
			}
			ec.Columns, ec.Actions = compareRetro(ra, rb, ranA, ranB)
		}
	}
	return ec
}

// questionsOf returns an exercise's visible questions; nil when absent or
// hidden.
func questionsOf(e *ExerciseResult) []QuestionExport {
	if e == nil || e.Vote == nil || e.Vote.Hidden {
		return nil
	}
	return e.Vote.Questions
}

// askedQuestion is a question of a session's vote with what it asks.
type askedQuestion struct {
	QuestionExport
	asks      string // its prompt, or a poll's or scale's without one, the exercise's
	anonymous bool   // its vote is anonymous: hidden, it has no count of answers
}

// askedOf is an exercise's visible questions with what each asks; nil
// when absent or hidden (questionsOf).
func askedOf(e *ExerciseResult) []askedQuestion {
	qs := questionsOf(e)
	if qs == nil {
		return nil
	}
	out := make([]askedQuestion, len(qs))
	for i, q := range qs {
		out[i] = askedQuestion{q, q.Prompt, e.Anonymous}
		if q.Prompt == "" && (e.Kind == KindPoll || e.Kind == KindScale) {
			out[i].asks = e.Prompt
		}
	}
	return out
}

// minOf is a vote's threshold (0 when absent).
func minOf(e *ExerciseResult) int {
	if e == nil || e.Vote == nil {
		return 0
	}
	return e.Vote.MinResponses
}

func retroOf(e *ExerciseResult) *RetroExport {
	if e == nil {
		return nil
	}
	return e.Retro
}

// result is a question's tally; a question fewer than min answered is
// hidden, with its count of answers only (also one kept before exports
// hid single questions, which wrote its counts): never its counts or mean.
func result(q *QuestionExport, min int, anonymous bool) *QuestionTally {
	if q == nil {
		return nil
	}
	t := &QuestionTally{Answered: q.Answered, Counts: q.Counts, Mean: q.Mean, Median: q.Median}
	if q.Hidden || q.Answered < int64(min) {
		t = &QuestionTally{Answered: q.Answered, Counts: []LabelCount{}, Hidden: true}
		if anonymous {
			t.Answered = 0 // as Results.hideThin
		}
	}
	if lo, hi, ok := scaleRange(q); ok {
		t.Min, t.Max = intp(lo), intp(hi)
	}
	return t
}

// scaleRange is a scale question's range: the export's, or in one kept
// before it said it, its counts' first and last values ("1 (Disagree)"
// … "5"); not ok for a choice question, or when neither tells.
func scaleRange(q *QuestionExport) (lo, hi int, ok bool) {
	if q.Kind != QuestionScale {
		return 0, 0, false
	}
	if q.Min != nil && q.Max != nil {
		return *q.Min, *q.Max, true
	}
	if len(q.Counts) == 0 {
		return 0, 0, false
	}
	value := func(label string) (int, error) {
		n, _, _ := strings.Cut(label, " ")
		return strconv.Atoi(n)
	}
	lo, err1 := value(q.Counts[0].Label)
	hi, err2 := value(q.Counts[len(q.Counts)-1].Label)
	return lo, hi, err1 == nil && err2 == nil
}

// askKey is a question's wording as two are compared for being the same
// question: folded as a word-cloud word (case, spacing, the punctuation
// around it, NFKC).
func askKey(s string) string { return NormalizeWord(s) }

// compareQuestions pairs the questions of one exercise in two sessions:
// by what they ask first, read alike (askKey), then among those left by
// id when byID (two sessions of one pack, whose questions keep their ids
// when reworded), each of the same kind; never by position alone. Ids
// come second because they may be positions: a pack written without ids
// gets q1, q2, … by place (Validate), so a question inserted at the top
// of a re-imported pack takes the first one's id, and every other shifts. A question left
// unpaired is listed with the other side nil, and when both sides show
// their questions, Only says whose it is. A pair whose wordings differ
// carries both (PromptB). A pair of scales over different ranges has no
// mean change (NoMeanDelta), whatever their means.
func compareQuestions(as, bs []askedQuestion, minA, minB int, byID bool) []QuestionComparison {
	pair := make([]int, len(as)) // a's question i is b's pair[i], or -1
	used := make([]bool, len(bs))
	for i := range pair {
		pair[i] = -1
	}
	match := func(same func(x, y askedQuestion) bool) {
		for i, x := range as {
			if pair[i] >= 0 {
				continue
			}
			for j, y := range bs {
				if !used[j] && x.Kind == y.Kind && same(x, y) {
					pair[i], used[j] = j, true
					break
				}
			}
		}
	}
	match(func(x, y askedQuestion) bool { return askKey(x.asks) == askKey(y.asks) })
	pairedByPrompt := slices.Clone(pair)
	if byID {
		match(func(x, y askedQuestion) bool { return x.ID != "" && x.ID == y.ID })
	}

	both := as != nil && bs != nil
	var out []QuestionComparison
	for i := range as {
		q := &as[i]
		qc := QuestionComparison{Prompt: q.Prompt, Kind: q.Kind, A: result(&q.QuestionExport, minA, q.anonymous)}
		j := pair[i]
		if j < 0 {
			if both {
				qc.Only = "a"
			}
			out = append(out, qc)
			continue
		}
		y := &bs[j]
		qc.B = result(&y.QuestionExport, minB, y.anonymous)
		qc.PairedBy = PairedByID
		if pairedByPrompt[i] == j {
			qc.PairedBy = PairedByPrompt
		}
		if askKey(q.asks) != askKey(y.asks) {
			qc.Prompt, qc.PromptB = q.asks, y.asks
		}
		if qc.A.Mean != nil && qc.B.Mean != nil {
			if qc.A.Min != nil && qc.B.Min != nil && (*qc.A.Min != *qc.B.Min || *qc.A.Max != *qc.B.Max) {
				qc.NoMeanDelta = NoDeltaDifferentScales
			} else {
				d := *qc.B.Mean - *qc.A.Mean
				qc.MeanDelta = &d
			}
		}
		out = append(out, qc)
	}
	for j := range bs {
		if !used[j] {
			qc := QuestionComparison{Prompt: bs[j].Prompt, Kind: bs[j].Kind, B: result(&bs[j].QuestionExport, minB, bs[j].anonymous)}
			if both {
				qc.Only = "b"
			}
			out = append(out, qc)
		}
	}
	return out
}

func intp(n int) *int { return &n }

func compareRetro(a, b *RetroExport, hasA, hasB bool) ([]ColumnComparison, *PairCount) {
	var cols []ColumnComparison
	index := map[string]int{}
	add := func(r *RetroExport, isA bool) {
		if r == nil {
			return
		}
		for _, col := range r.Columns {
			k := foldText(col.Title)
			i, ok := index[k]
			if !ok {
				i = len(cols)
				index[k] = i
				cols = append(cols, ColumnComparison{Title: col.Title})
			}
			// A column's count is known once cards were revealed (an
			// export kept before that rule has its counts, not written).
			if !r.Revealed && r.Written > 0 {
				continue // unknown: shown as –
			}
			if isA {
				cols[i].A = intp(col.Count)
			} else {
				cols[i].B = intp(col.Count)
			}
		}
	}
	add(a, true)
	add(b, false)
	actions := &PairCount{}
	if a != nil {
		actions.A = intp(len(a.Actions))
	} else if hasA {
		actions.A = intp(0)
	}
	if b != nil {
		actions.B = intp(len(b.Actions))
	} else if hasB {
		actions.B = intp(0)
	}
	return cols, actions
}

// Markdown is the comparison as a readable report, in the comparison
// view's words (frontend/src/trainer/Compare.svelte, lib in
// frontend/src/lib/strings.ts): the same things read the same in the
// app and in the wiki page a trainer pastes this into.
func (c *Comparison) Markdown() []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	// A session as the view's heads show it: its title, then its pack
	// (when the title is not the pack's), when it ended, how many people
	// took part and its room's code, which tells apart two runs of one
	// pack that ended the same minute.
	head := func(s SessionSummary) string {
		var about []string
		if s.PackTitle != "" && s.PackTitle != s.Title {
			about = append(about, md(s.PackTitle))
		}
		when := s.EndedAt
		if when.IsZero() {
			when = s.CreatedAt
		}
		if !when.IsZero() {
			about = append(about, when.UTC().Format("2006-01-02 15:04 UTC"))
		}
		about = append(about, pluralWord(s.Participants, "person", "people"))
		if s.Code != "" {
			about = append(about, "room "+md(s.Code))
		}
		return fmt.Sprintf("%s (%s)", md(s.Title), strings.Join(about, " · "))
	}
	p("# Comparing two sessions\n\n- **Session A:** %s\n- **Session B:** %s\n", head(c.A), head(c.B))
	if c.A.Pack != c.B.Pack {
		// As the view says it (lib.differentPacks): what is matched by
		// kind and title may not be the same exercise.
		packName := func(s SessionSummary) string {
			if s.Pack == "" {
				return "no pack"
			}
			return "“" + md(cmp.Or(s.PackTitle, s.Pack)) + "”"
		}
		p("\n*These sessions come from different packs: A from %s, B from %s. Their exercises are matched by kind and title only.*\n", packName(c.A), packName(c.B))
	}
	num := func(f *float64) string {
		if f == nil {
			return "–"
		}
		return fmtNum(*f)
	}
	count := func(n *int) string {
		if n == nil {
			return "–"
		}
		return fmt.Sprint(*n)
	}
	answered := func(q *QuestionTally) string {
		if q == nil || q.Hidden && q.Answered == 0 { // an anonymous vote's hidden question has no count
			return "–"
		}
		return fmt.Sprint(q.Answered)
	}
	// A side's words for results hidden under its threshold, as the
	// view's (lib.hidden).
	hiddenText := func(min int) string {
		if min > 0 {
			return fmt.Sprintf("Hidden (fewer than %d answers)", min)
		}
		return "Hidden (too few answers)"
	}
	// A question's mean on one side: none for a question hidden there.
	meanText := func(q *QuestionTally, s *SideSummary) string {
		switch {
		case q == nil:
			return "–"
		case q.Hidden:
			return hiddenText(s.MinResponses)
		}
		return num(q.Mean)
	}
	// What a side counts is its kind's own (export.go's Responses).
	sideText := func(kind Kind, s *SideSummary) string {
		switch {
		case s == nil:
			return wordNotInSession
		case s.Status == StatusPrepared:
			// On the agenda, never opened: not "hidden", nothing was asked.
			return wordNotRun
		case s.Hidden && s.HiddenReason == HiddenStillOpen:
			return wordHiddenOpen
		case s.Hidden:
			return hiddenText(s.MinResponses)
		}
		switch kind {
		case KindRetro:
			return plural(s.Responses, "card")
		case KindHelp:
			return plural(s.Responses, "request")
		case KindKudos:
			return plural(s.Responses, "kudo")
		}
		return plural(s.Responses, "answer")
	}
	for _, e := range c.Exercises {
		p("\n## %s (%s)\n\n", md(e.Title), kindWord(e.Kind))
		switch {
		case e.A == nil:
			p("*Only in session B*\n\n")
		case e.B == nil:
			p("*Only in session A*\n\n")
		}
		p("- A: %s\n- B: %s\n", sideText(e.Kind, e.A), sideText(e.Kind, e.B))
		// Scale questions by their means; a choice question by its counts,
		// in a table of its own, so each column holds what its header says.
		var scales, choices []QuestionComparison
		for _, q := range e.Questions {
			if q.Kind == QuestionChoice {
				choices = append(choices, q)
			} else {
				scales = append(scales, q)
			}
		}
		if len(scales) > 0 {
			p("\n| Question | A mean | B mean | Change | A answered | B answered |\n|---|---:|---:|---:|---:|---:|\n")
			for _, q := range scales {
				delta := "–"
				if q.MeanDelta != nil {
					delta = fmt.Sprintf("%+.2f", *q.MeanDelta)
				} else if q.NoMeanDelta == NoDeltaDifferentScales {
					delta = notCompared(q)
				}
				p("| %s | %s | %s | %s | %s | %s |\n", questionText(q, e.Title, false), meanText(q.A, e.A), meanText(q.B, e.B), delta, answered(q.A), answered(q.B))
			}
		}
		for _, q := range choices {
			rows := mergeCounts(q.A, q.B)
			hiddenA, hiddenB := q.A != nil && q.A.Hidden, q.B != nil && q.B.Hidden
			if len(rows) == 0 && !hiddenA && !hiddenB {
				continue
			}
			// The question, unless it is the exercise's only one and the
			// heading says it (the side lines above count its answers).
			if len(e.Questions) > 1 || (q.Prompt != "" && !alike(q.Prompt, e.Title)) || q.PromptB != "" || q.Only != "" {
				p("\n%s (answered: A %s, B %s)\n", questionText(q, e.Title, true), answered(q.A), answered(q.B))
			}
			// A side that hid this question says so: its column reads
			// "–", never a count (docs/protocol.md 2.9.5).
			if hiddenA || hiddenB {
				p("\n")
				if hiddenA {
					p("- A: %s\n", hiddenText(e.A.MinResponses))
				}
				if hiddenB {
					p("- B: %s\n", hiddenText(e.B.MinResponses))
				}
			}
			if len(rows) == 0 {
				continue
			}
			p("\n| Answer | A count | B count |\n|---|---:|---:|\n")
			for _, lc := range rows {
				p("| %s | %s | %s |\n", mdCell(lc.label), count(lc.a), count(lc.b))
			}
		}
		if len(e.Columns) > 0 {
			p("\n| Column | A cards | B cards |\n|---|---:|---:|\n")
			for _, col := range e.Columns {
				p("| %s | %s | %s |\n", mdCell(col.Title), count(col.A), count(col.B))
			}
			if e.Actions != nil {
				p("| Action items | %s | %s |\n", count(e.Actions.A), count(e.Actions.B))
			}
		}
	}
	return b.Bytes()
}

// questionText is a question as the report names it, in the view's
// words (frontend/src/trainer/compare.ts): its prompt (the exercise's
// title for one without; in bold as a heading), B's wording when it differs ("session B
// asked: …"), and whose it is when only one session asked it.
func questionText(q QuestionComparison, title string, bold bool) string {
	out := md(cmp.Or(q.Prompt, title))
	if bold {
		out = "**" + out + "**"
	}
	if q.PromptB != "" {
		out += " (" + fmt.Sprintf(wordAskedInB, "“"+md(q.PromptB)+"”") + ")"
	}
	switch q.Only {
	case "a":
		out += " (" + fmt.Sprintf(wordOnlyIn, "A") + ")"
	case "b":
		out += " (" + fmt.Sprintf(wordOnlyIn, "B") + ")"
	}
	return out
}

// notCompared says why two scales' means have no change: their ranges.
func notCompared(q QuestionComparison) string {
	rng := func(t *QuestionTally) string {
		if t == nil || t.Min == nil || t.Max == nil {
			return "?"
		}
		return fmt.Sprintf("%d to %d", *t.Min, *t.Max)
	}
	return fmt.Sprintf(wordNotCompared, rng(q.A), rng(q.B))
}

// pluralWord is n and the word for one or for more ("1 person", "5
// people").
func pluralWord(n int64, one, more string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, more)
}

type labelPair struct {
	label string
	a, b  *int
}

func mergeCounts(a, b *QuestionTally) []labelPair {
	var out []labelPair
	idx := map[string]int{}
	add := func(q *QuestionTally, isA bool) {
		if q == nil {
			return
		}
		for _, lc := range q.Counts {
			i, ok := idx[lc.Label]
			if !ok {
				i = len(out)
				idx[lc.Label] = i
				out = append(out, labelPair{label: lc.Label})
			}
			n := int(lc.Count)
			if isA {
				out[i].a = &n
			} else {
				out[i].b = &n
			}
		}
	}
	add(a, true)
	add(b, false)
	return out
}

// mdCell is text for a table cell (md escapes "|" already).
func mdCell(s string) string { return md(s) }

// sessionsFull is the error of a keep refused because the server holds
// its limit of sessions.
func sessionsFull(err error, max int) error {
	if errors.Is(err, rooms.ErrLibraryFull) {
		return rooms.Errorf(rooms.CodeInvalid, "the server keeps at most %d sessions: delete one in the library, or download these results instead", max)
	}
	return err
}

// The comparison's words for a side with no counts: the comparison
// view's (frontend/src/lib/strings-console.ts lib.notInSession, notRun,
// hiddenOpen), checked by TestExportWordsAreTheConsoles.
const (
	wordNotInSession = "Not in this session"
	wordNotRun       = "Not run (on the agenda, never opened)"
	wordHiddenOpen   = "Hidden (still open: results when voting closes)"
)

// The comparison's words for a question: the comparison view's
// (frontend/src/trainer/compare.ts compareWords), checked by
// TestCompareWordsAreTheViews.
const (
	wordOnlyIn      = "only in session %s"
	wordAskedInB    = "session B asked: %s"
	wordNotCompared = "not compared: the scales differ (A %s, B %s)"
)
