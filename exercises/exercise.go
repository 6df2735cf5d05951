// Package exercises holds the rules of the exercises a facilitator runs:
// anonymous voting (polls, scales, surveys, word clouds, open text),
// retrospectives, "Can you help me?" boards and kudos walls.
//
// The rules are pure: a command and the current state in, a change or a
// typed error out, with no I/O. register.go is the glue that reads state
// through a rooms.Tx, calls the rules and records their change, so every
// rule holds the same on any store.
package exercises

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"huddle/rooms"
)

// Kind is the type of an exercise.
type Kind string

const (
	KindPoll   Kind = "poll"   // one choice question
	KindScale  Kind = "scale"  // one agreement scale
	KindSurvey Kind = "survey" // several scale or choice questions, one ballot
	KindWords  Kind = "words"  // word cloud
	KindText   Kind = "text"   // open-text answers
	KindRetro  Kind = "retro"  // retrospective board
	KindHelp   Kind = "help"   // "Can you help me?" board
	KindKudos  Kind = "kudos"  // kudos wall
)

// Kinds lists every kind, in the order a picker shows them.
var Kinds = []Kind{KindPoll, KindScale, KindSurvey, KindWords, KindText, KindRetro, KindHelp, KindKudos}

// IsVote reports whether the kind collects one ballot per participant.
func (k Kind) IsVote() bool {
	switch k {
	case KindPoll, KindScale, KindSurvey, KindWords, KindText:
		return true
	}
	return false
}

// Status is where an exercise is in its lifecycle, which the facilitator
// drives: prepared → open → closed → results (shown), with re-opening and
// hiding results allowed.
type Status string

const (
	StatusPrepared Status = "prepared"
	StatusOpen     Status = "open"
	StatusClosed   Status = "closed"
	StatusResults  Status = "results"
)

// Question kinds inside a poll, scale or survey.
const (
	QuestionChoice = "choice"
	QuestionScale  = "scale"
)

// Option is one answer of a choice question.
type Option struct {
	ID    string `json:"id" yaml:"id"`
	Label string `json:"label" yaml:"label"`
}

// Question is one question of a poll, scale or survey.
type Question struct {
	ID     string `json:"id" yaml:"id"`
	Kind   string `json:"kind" yaml:"kind"`
	Prompt string `json:"prompt" yaml:"prompt"`
	// Choice questions.
	Options    []Option `json:"options,omitempty" yaml:"options,omitempty"`
	Multi      bool     `json:"multi,omitempty" yaml:"multi,omitempty"`
	MaxChoices int      `json:"maxChoices,omitempty" yaml:"maxChoices,omitempty"`
	// Scale questions: integers Min..Max, labelled at both ends.
	Min      int    `json:"min,omitempty" yaml:"min,omitempty"`
	Max      int    `json:"max,omitempty" yaml:"max,omitempty"`
	MinLabel string `json:"minLabel,omitempty" yaml:"minLabel,omitempty"`
	MaxLabel string `json:"maxLabel,omitempty" yaml:"maxLabel,omitempty"`
}

// Spec is what a facilitator (or a pack) sets for an exercise.
type Spec struct {
	Kind   Kind   `json:"kind" yaml:"kind"`
	Title  string `json:"title" yaml:"title"`
	Prompt string `json:"prompt,omitempty" yaml:"prompt,omitempty"`
	// Notes are for the facilitator only.
	Notes string `json:"notes,omitempty" yaml:"notes,omitempty"`
	// Anonymous (the default for votes): nobody can link an answer to a
	// person. Named mode shows the facilitator who answered what.
	Anonymous *bool `json:"anonymous,omitempty" yaml:"anonymous,omitempty"`
	// MinResponses hides results until this many have answered (default 3).
	MinResponses int `json:"minResponses,omitempty" yaml:"minResponses,omitempty"`
	// AllowChange lets a participant change their answer until closing.
	AllowChange bool `json:"allowChange,omitempty" yaml:"allowChange,omitempty"`
	// TimerSeconds is the countdown a facilitator starts by default.
	TimerSeconds int `json:"timerSeconds,omitempty" yaml:"timerSeconds,omitempty"`

	Questions  []Question `json:"questions,omitempty" yaml:"questions,omitempty"`
	MaxEntries int        `json:"maxEntries,omitempty" yaml:"maxEntries,omitempty"` // words: entries per person
	Retro      *RetroSpec `json:"retro,omitempty" yaml:"retro,omitempty"`
}

// IsAnonymous reports the anonymity mode, defaulting to anonymous.
func (s *Spec) IsAnonymous() bool { return s.Anonymous == nil || *s.Anonymous }

// Exercise is an exercise in a room: its spec and its live status.
type Exercise struct {
	ID string `json:"id"`
	Spec
	Status Status `json:"status"`
	// EndsAt is when a running countdown ends.
	EndsAt *time.Time `json:"endsAt,omitempty"`
	// Retro phase state.
	Phase string `json:"phase,omitempty"`
	Focus string `json:"focus,omitempty"`
	// VoteHeld: the retro has been in its vote phase, so it may hold
	// dots. DotsFinal: its dot totals have been shown since (discussion,
	// actions or results), so no dot may move again: voting after a look
	// at the totals would show who placed the new ones. Totals shown
	// before any vote (a click on Discuss too early) are all zero and
	// settle nothing.
	VoteHeld  bool `json:"voteHeld,omitempty"`
	DotsFinal bool `json:"dotsFinal,omitempty"`
	// DotsRound counts the votes started again: going back from the vote
	// before its totals were shown clears every dot, and the next vote's
	// dots are kept under keys of their own (retro_rules.go, dotKey).
	DotsRound int `json:"dotsRound,omitempty"`
	// ResultsSeen: an anonymous vote closed (or its results shown) with
	// some of its results visible to its facilitator (resultsSeen, at
	// the threshold of that moment), so it never opens again (Transition)
	// and its VoteView is final. Set once, never cleared: a threshold
	// raised later (agenda.update to the server's floor) hides results
	// that were seen already, and must not let the vote take answers
	// whose difference would show. A document written before the flag
	// falls back on the rule computed now (seenBefore).
	ResultsSeen bool `json:"resultsSeen,omitempty"`
}

// Public is the exercise as participants see it: without the notes, nor
// whether its facilitator saw its results (VoteView.final is theirs).
func (e Exercise) Public() Exercise {
	e.Notes = ""
	e.ResultsSeen = false
	return e
}

// Limits are the exercise limits. The free-text and name limits are the
// room's (rooms.Limits.MaxTextLen, MaxNameLen); the others are the
// server's configuration (docs/operations.md), the defaults of LimitsFrom
// unless set.
type Limits struct {
	MaxText      int // characters of any free text
	MaxShort     int // characters of a title, label, column title, group title, action owner
	MaxName      int // characters of a member's name, which board items copy
	MaxOptions   int // options per choice question
	MaxQuestions int // questions per survey
	MaxEntries   int // word-cloud entries per person a spec may allow
	MaxItems     int // exercises per agenda; cards, action items, help requests, kudos per exercise
	MaxOffers    int // offers on one help request
	// MaxBoard is the bytes of text one exercise's board may hold, its
	// items counted as boardbytes.go says: what bounds the state message
	// every phone loads, where the counts and lengths above multiply.
	MaxBoard int
	MaxTimer int // seconds
	// MinAnonymous is the least minResponses an anonymous vote may have:
	// below it, a small group's results would show who said what.
	MinAnonymous int
}

// DefaultMaxBoard is the board budget unless configured: 512 KiB. Two
// hundred people writing five cards of 400 characters each fit in it,
// where real cards are a sentence or two, so no workshop meets it. A
// full board's state is then about half a megabyte: about a second on a
// phone at 4 Mbit/s, a few on a poor connection, and about one
// send-queue-bytes, which a connection takes whole. The counts and
// lengths alone let one person make a board of some 80 MB.
const DefaultMaxBoard = 512 << 10

// LimitsFrom is the default exercise limits, with the room's free-text
// and name limits.
func LimitsFrom(l rooms.Limits) Limits {
	return Limits{MaxText: l.MaxTextLen, MaxShort: 80, MaxName: l.MaxNameLen, MaxOptions: 20, MaxQuestions: 20, MaxEntries: 10, MaxItems: 500, MaxOffers: 50,
		MaxBoard: DefaultMaxBoard, MaxTimer: 3 * 3600, MinAnonymous: DefaultMinResponses}
}

// Check reports every limit that cannot work, by its configuration name
// (docs/operations.md).
func (l Limits) Check() error {
	var errs []error
	for _, c := range []struct {
		name, least string
		ok          bool
	}{
		{"max-text-len", "1", l.MaxText >= 1}, {"max-short-len", "1", l.MaxShort >= 1}, {"max-options", "2", l.MaxOptions >= 2},
		{"max-questions", "1", l.MaxQuestions >= 1}, {"max-word-entries", "1", l.MaxEntries >= 1}, {"max-items", "1", l.MaxItems >= 1},
		{"max-offers", "1", l.MaxOffers >= 1}, {"max-timer", "1s", l.MaxTimer >= 1}, {"min-responses", "1", l.MinAnonymous >= 1},
	} {
		if !c.ok {
			errs = append(errs, fmt.Errorf("%s must be at least %s", c.name, c.least))
		}
	}
	if l.MinAnonymous > 1000 {
		// An exercise's minResponses is at most 1000 (Validate).
		errs = append(errs, errors.New("min-responses must be at most 1000"))
	}
	if least := l.largestItem(); l.MaxBoard < least {
		// Below it a board would refuse, empty, an item within every
		// other limit.
		errs = append(errs, fmt.Errorf("max-board-bytes (%d) must be at least %d, what one board item may take at the longest texts max-text-len, max-short-len and max-name-len allow", l.MaxBoard, least))
	}
	return errors.Join(errs...)
}

// DefaultMinResponses is the anonymity threshold when a spec sets none.
const DefaultMinResponses = 3

// Distinct checks that a validated spec's options read differently
// within each question, and a retrospective's columns: two "Pizza"
// buttons on a phone cannot be told apart, nor their results on the
// screen (case and surrounding spaces aside). It is checked where a spec
// is entered (agenda.add, agenda.update of one not yet opened, a pack
// saved or imported), not where a stored one is read, so nothing kept
// from before stops working. The error is the first repeat.
func Distinct(s Spec) error {
	if errs := repeats(s); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// repeats is every repeat Distinct refuses, in order.
func repeats(s Spec) []error {
	var errs []error
	for i, q := range s.Questions {
		seen := map[string]bool{}
		for j, o := range q.Options {
			k := foldText(o.Label)
			if seen[k] {
				errs = append(errs, rooms.FieldError(rooms.CodeInvalid, fmt.Sprintf("questions[%d].options[%d].label", i, j), "two options read %s: each needs a label of its own", Quote(o.Label)))
			}
			seen[k] = true
		}
	}
	if s.Retro != nil {
		seen := map[string]bool{}
		for i, c := range s.Retro.Columns {
			k := foldText(c.Title)
			if seen[k] {
				errs = append(errs, rooms.FieldError(rooms.CodeInvalid, fmt.Sprintf("retro.columns[%d].title", i), "two columns are called %s: each needs a title of its own", Quote(c.Title)))
			}
			seen[k] = true
		}
	}
	return errs
}

// Validate checks a spec and returns it normalised: texts cleaned, ids
// given to options and questions that lack them, defaults filled in.
// The error is the spec's first problem; Problems tells them all.
func Validate(s Spec, lim Limits) (Spec, error) {
	s, errs, _ := validate(s, lim)
	if len(errs) > 0 {
		return s, errs[0]
	}
	return s, nil
}

// Problems is every problem Validate and then Distinct find in a spec,
// not only the first, each a *rooms.Error naming its field, in the
// order they check them: a pack file's author is told all of an
// exercise's problems at once (packs.Parse), not one fix at a time.
// A rule that reads a field already refused is not checked (an unknown
// kind says nothing of which fields belong, a minResponses out of range
// nothing of the anonymity floor), so no problem is told twice over.
func Problems(s Spec, lim Limits) []error {
	_, errs, reps := validate(s, lim)
	return append(errs, reps...)
}

// foldText is a label, title or tag as two are compared for reading the
// same: in Unicode's compatibility composition (NFKC, as NormalizeWord
// and nameKey: "café" typed either way, "Ｐｉｚｚａ" in full-width letters
// and "Pizza" read alike on a screen), lower case, the spaces around it
// aside.
func foldText(s string) string { return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s))) }

// validate is Validate keeping on past a problem: the spec as far as it
// is normalised, every problem in the order Validate meets them (the
// first is Validate's error), and apart Distinct's repeats among the
// questions and columns it checked.
func validate(s Spec, lim Limits) (Spec, []error, []error) {
	var errs []error
	bad := func(err error) { errs = append(errs, err) }
	clean := func(dst *string, field string, max int, required bool) {
		if c, err := rooms.CleanText(*dst, field, max, required); err != nil {
			bad(err)
		} else {
			*dst = c
		}
	}
	known := slices.Contains(Kinds, s.Kind)
	if !known {
		bad(rooms.FieldError(rooms.CodeInvalid, "kind", "unknown exercise kind %s", Quote(string(s.Kind))))
	}
	clean(&s.Title, "title", lim.MaxShort, true)
	clean(&s.Prompt, "prompt", lim.MaxText, false)
	if n, err := CleanMultiline(s.Notes, "notes", lim.MaxText*4); err != nil {
		bad(err)
	} else {
		s.Notes = n
	}
	if s.MinResponses == 0 {
		s.MinResponses = max(DefaultMinResponses, lim.MinAnonymous)
	}
	if s.MinResponses < 1 || s.MinResponses > 1000 {
		bad(rooms.FieldError(rooms.CodeInvalid, "minResponses", "minResponses must be 1 to 1000"))
	} else if s.Kind.IsVote() && s.IsAnonymous() && s.MinResponses < lim.MinAnonymous {
		bad(rooms.FieldError(rooms.CodeInvalid, "minResponses", "an anonymous vote shows its results once at least %d have answered on this server; fewer would let a small group see who said what", lim.MinAnonymous))
	}
	if s.TimerSeconds < 0 || s.TimerSeconds > lim.MaxTimer {
		bad(rooms.FieldError(rooms.CodeInvalid, "timerSeconds", "timerSeconds must be 0 to %d", lim.MaxTimer))
	}
	if !known {
		// What else belongs depends on the kind.
		return s, errs, nil
	}
	var checked Spec // what Distinct looks at: the questions and columns checked
	shaped := true
	switch s.Kind {
	case KindPoll:
		if len(s.Questions) != 1 || s.Questions[0].Kind != QuestionChoice {
			shaped = false
			bad(rooms.FieldError(rooms.CodeInvalid, "questions", "a poll has exactly one choice question"))
		}
	case KindScale:
		if len(s.Questions) != 1 || s.Questions[0].Kind != QuestionScale {
			shaped = false
			bad(rooms.FieldError(rooms.CodeInvalid, "questions", "a scale has exactly one scale question"))
		}
	case KindSurvey:
		if len(s.Questions) < 1 || len(s.Questions) > lim.MaxQuestions {
			shaped = false
			bad(rooms.FieldError(rooms.CodeInvalid, "questions", "a survey has 1 to %d questions", lim.MaxQuestions))
		}
	default:
		if len(s.Questions) > 0 {
			shaped = false
			bad(rooms.FieldError(rooms.CodeInvalid, "questions", "a %s exercise has no questions", s.Kind))
		}
	}
	if s.Kind.IsVote() && shaped {
		s.Questions = validateQuestions(s.Questions, lim, bad)
		checked.Questions = s.Questions
	}
	if s.Kind == KindWords {
		if s.MaxEntries == 0 {
			s.MaxEntries = 3
		}
		if s.MaxEntries < 1 || s.MaxEntries > lim.MaxEntries {
			bad(rooms.FieldError(rooms.CodeInvalid, "maxEntries", "maxEntries must be 1 to %d", lim.MaxEntries))
		}
	} else if s.MaxEntries != 0 {
		bad(rooms.FieldError(rooms.CodeInvalid, "maxEntries", "only a word cloud has maxEntries"))
	}
	if s.Kind == KindRetro {
		r := DefaultRetro()
		if s.Retro != nil {
			r = *s.Retro
		}
		r = validateRetro(r, lim, bad)
		s.Retro = &r
		checked.Retro = s.Retro
	} else if s.Retro != nil {
		bad(rooms.FieldError(rooms.CodeInvalid, "retro", "only a retrospective has retro settings"))
	}
	return s, errs, repeats(checked)
}

// CleanMultiline cleans a text that keeps its line breaks (notes, details,
// open answers, offers, kudos, a pack's description): each line as
// rooms.CleanText does, blank lines at either end dropped and a run of
// them inside kept as one (a message of empty lines would fill a
// projector's wall), the whole at most max characters.
func CleanMultiline(s, field string, max int) (string, error) {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	kept := lines[:0]
	for _, l := range lines {
		c, err := rooms.CleanText(l, field, max, false)
		if err != nil {
			return "", err
		}
		if c == "" && len(kept) > 0 && kept[len(kept)-1] == "" {
			continue
		}
		kept = append(kept, c)
	}
	out := strings.TrimSpace(strings.Join(kept, "\n"))
	if n := len([]rune(out)); n > max {
		return "", rooms.FieldError(rooms.CodeTooLong, field, "%s is %d characters; the limit is %d", field, n, max)
	}
	return out, nil
}

// cleanMessage is CleanMultiline for a text that must say something (an
// offer of help, a kudo): empty, or only blank lines, is refused as
// rooms.CleanText refuses a required text.
func cleanMessage(s, field string, max int) (string, error) {
	out, err := CleanMultiline(s, field, max)
	if err == nil && out == "" {
		err = rooms.FieldError(rooms.CodeInvalid, field, "%s is required", field)
	}
	return out, err
}

// validateQuestions checks and normalises a vote's questions, telling
// bad every problem.
func validateQuestions(qs []Question, lim Limits, bad func(error)) []Question {
	out := make([]Question, len(qs))
	ids := map[string]bool{}
	clean := func(dst *string, field string, max int, required bool) {
		if c, err := rooms.CleanText(*dst, field, max, required); err != nil {
			bad(err)
		} else {
			*dst = c
		}
	}
	for i, q := range qs {
		field := fmt.Sprintf("questions[%d]", i)
		if q.ID == "" {
			q.ID = fmt.Sprintf("q%d", i+1)
		}
		if !validID(q.ID) || ids[q.ID] {
			bad(rooms.FieldError(rooms.CodeInvalid, field+".id", "question ids are unique, 1 to 32 letters, digits, - or _"))
		}
		ids[q.ID] = true
		clean(&q.Prompt, field+".prompt", lim.MaxText, false)
		switch q.Kind {
		case QuestionChoice:
			if len(q.Options) < 2 || len(q.Options) > lim.MaxOptions {
				bad(rooms.FieldError(rooms.CodeInvalid, field+".options", "a choice question has 2 to %d options", lim.MaxOptions))
			}
			oids := map[string]bool{}
			opts := make([]Option, len(q.Options))
			for j, o := range q.Options {
				of := fmt.Sprintf("%s.options[%d]", field, j)
				if o.ID == "" {
					o.ID = fmt.Sprintf("o%d", j+1)
				}
				if !validID(o.ID) || oids[o.ID] {
					bad(rooms.FieldError(rooms.CodeInvalid, of+".id", "option ids are unique, 1 to 32 letters, digits, - or _"))
				}
				oids[o.ID] = true
				clean(&o.Label, of+".label", lim.MaxShort, true)
				opts[j] = o
			}
			q.Options = opts
			if !q.Multi {
				q.MaxChoices = 1
			} else if q.MaxChoices == 0 || q.MaxChoices > len(q.Options) {
				q.MaxChoices = len(q.Options)
			} else if q.MaxChoices < 1 {
				bad(rooms.FieldError(rooms.CodeInvalid, field+".maxChoices", "maxChoices must be at least 1"))
			}
			if q.Min != 0 || q.Max != 0 || q.MinLabel != "" || q.MaxLabel != "" {
				bad(rooms.FieldError(rooms.CodeInvalid, field, "a choice question has no scale settings"))
			}
		case QuestionScale:
			if q.Min == 0 && q.Max == 0 {
				q.Min, q.Max = 1, 5
			}
			inRange := q.Min >= -10 && q.Max <= 10 && q.Max >= -10 && q.Min <= 10
			if q.Min >= q.Max && inRange {
				// Both ends are possible, only the wrong way round (or
				// the same): said in words, with the two values given.
				// The field is the question's, as for the range, which
				// the console shows under the lowest value's input.
				bad(rooms.FieldError(rooms.CodeInvalid, field, "the scale’s lowest value (%d) must be below its highest (%d)", q.Min, q.Max))
			} else if q.Min >= q.Max || q.Max-q.Min > 10 || q.Min < -10 || q.Max > 10 {
				bad(rooms.FieldError(rooms.CodeInvalid, field, "a scale runs from min to max, -10 to 10, with at most 11 points"))
			}
			clean(&q.MinLabel, field+".minLabel", lim.MaxShort, false)
			clean(&q.MaxLabel, field+".maxLabel", lim.MaxShort, false)
			if len(q.Options) > 0 || q.Multi || q.MaxChoices != 0 {
				bad(rooms.FieldError(rooms.CodeInvalid, field, "a scale question has no options"))
			}
		default:
			bad(rooms.FieldError(rooms.CodeInvalid, field+".kind", "a question is a choice or a scale"))
		}
		out[i] = q
	}
	return out
}

func validID(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Transition applies a lifecycle command to an exercise. counters are
// the exercise's counters by name, at least those lifecycleKeys names:
// how many have answered, for the results threshold, and for an
// anonymous vote closed, how many answered each question.
//
// An anonymous vote whose results its facilitator has seen (resultsSeen)
// does not open again: the answers taken after them would show, as the
// difference between two tallies, what the few people who gave them
// chose (a changed ballot too, with the count unmoved). Closed before
// anything could be seen (below the threshold, or a survey whose every
// question fewer than the threshold answered) nobody has seen anything,
// and it may take more answers. The retro's vote holds the same way
// (DotsFinal).
func Transition(e Exercise, to Status, counters map[string]int64) (Exercise, error) {
	responses := counters[responsesKey(e.ID)]
	ok := false
	switch to {
	case StatusOpen:
		ok = e.Status == StatusPrepared || e.Status == StatusClosed
		if ok && e.Status == StatusClosed && e.Kind.IsVote() && e.IsAnonymous() && seenBefore(e, counters) {
			return e, rooms.Errorf(CodeWrongStatus, "its results have been seen, so voting does not open again: answers taken now would show who gave them")
		}
	case StatusClosed:
		ok = e.Status == StatusOpen || e.Status == StatusResults
	case StatusResults:
		ok = e.Status == StatusOpen || e.Status == StatusClosed
		if ok && e.Kind.IsVote() && responses < int64(e.MinResponses) {
			return e, rooms.Errorf(CodeTooFewResponses, "results stay hidden until %d people have answered (%d so far)", e.MinResponses, responses)
		}
	}
	if !ok {
		return e, rooms.Errorf(CodeWrongStatus, "a %s exercise cannot become %s", e.Status, to)
	}
	e.Status = to
	if (to == StatusClosed || to == StatusResults) && e.Kind.IsVote() && e.IsAnonymous() && resultsSeen(e, counters) {
		e.ResultsSeen = true // for good: see the field
	}
	if to == StatusOpen && e.Kind == KindRetro && e.Phase == "" {
		e.Phase = PhaseWrite
	}
	return e, nil
}

// Exercise error codes (docs/protocol.md).
const (
	CodeTooFewResponses rooms.Code = "too_few_responses" // results stay hidden below the threshold
	CodeWrongStatus     rooms.Code = "wrong_status"      // the exercise is not in a status that allows this
	CodeAlreadyAnswered rooms.Code = "already_answered"  // one ballot per person, and changing it is off
	CodeWrongPhase      rooms.Code = "wrong_phase"       // the retrospective is not in a phase that allows this
	CodeNoDotsLeft      rooms.Code = "no_dots_left"      // every dot is spent, or the item has its maximum
	CodeNotYours        rooms.Code = "not_yours"         // only the author may change this
	// CodeHasAnswers: agenda.update would change what a vote's answers
	// answered (a label, a prompt) once someone has answered it.
	CodeHasAnswers rooms.Code = "has_answers"
)

// Agenda is a room's ordered list of exercises, with one current.
type Agenda struct {
	Items   []string `json:"items"`
	Current string   `json:"current,omitempty"`
}

// Add appends id (or inserts it at index when 0 <= at < len).
func (a Agenda) Add(id string, at int, lim Limits) (Agenda, error) {
	if len(a.Items) >= lim.MaxItems {
		return a, rooms.Errorf(rooms.CodeInvalid, "an agenda holds at most %d exercises", lim.MaxItems)
	}
	items := slices.Clone(a.Items)
	if at < 0 || at >= len(items) {
		items = append(items, id)
	} else {
		items = slices.Insert(items, at, id)
	}
	a.Items = items
	if a.Current == "" {
		a.Current = id
	}
	return a, nil
}

// Remove takes id out; the current item moves to the next one.
func (a Agenda) Remove(id string) (Agenda, error) {
	i := slices.Index(a.Items, id)
	if i < 0 {
		return a, rooms.FieldError(rooms.CodeNotFound, "exercise", "no such exercise")
	}
	a.Items = slices.Delete(slices.Clone(a.Items), i, i+1)
	if a.Current == id {
		a.Current = ""
		if len(a.Items) > 0 {
			a.Current = a.Items[min(i, len(a.Items)-1)]
		}
	}
	return a, nil
}

// Move puts id at index to.
func (a Agenda) Move(id string, to int) (Agenda, error) {
	i := slices.Index(a.Items, id)
	if i < 0 {
		return a, rooms.FieldError(rooms.CodeNotFound, "exercise", "no such exercise")
	}
	if to < 0 || to >= len(a.Items) {
		return a, rooms.FieldError(rooms.CodeInvalid, "to", "to must be 0 to %d", len(a.Items)-1)
	}
	items := slices.Delete(slices.Clone(a.Items), i, i+1)
	a.Items = slices.Insert(items, to, id)
	return a, nil
}

// Go makes id current.
func (a Agenda) Go(id string) (Agenda, error) {
	if !slices.Contains(a.Items, id) {
		return a, rooms.FieldError(rooms.CodeNotFound, "exercise", "no such exercise")
	}
	a.Current = id
	return a, nil
}

// Next moves to the item after the current one.
func (a Agenda) Next() (Agenda, error) {
	i := slices.Index(a.Items, a.Current)
	if i < 0 || i+1 >= len(a.Items) {
		return a, rooms.Errorf(rooms.CodeInvalid, "there is no next exercise")
	}
	a.Current = a.Items[i+1]
	return a, nil
}
