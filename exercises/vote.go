package exercises

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"huddle/rooms"
)

// WordMaxLen is the longest word-cloud entry, in characters.
const WordMaxLen = 40

// Ballot is one participant's answer to a vote.
type Ballot struct {
	Answers map[string]Answer `json:"answers,omitempty"` // by question id
	Words   []string          `json:"words,omitempty"`
	Text    string            `json:"text,omitempty"`
	// TextID names the open-text answer this ballot wrote, so changing
	// the ballot replaces it.
	TextID string `json:"textId,omitempty"`
}

// Answer is the answer to one question.
type Answer struct {
	Choices []string `json:"choices,omitempty"`
	Value   *int     `json:"value,omitempty"`
}

// NormalizeWord folds case, spacing and the punctuation around a word so
// "Trust ", "trust", "TRUST" and "Trust!" count as one entry. Punctuation
// inside is kept ("don't", "e-mail"), and so are the marks that make a
// word ("C#", "@team", "100%"; "C++" is symbols, kept too); an entry of
// nothing but punctuation ("?!") is kept whole, as the answer it is.
//
// The phones fold a word the same way (normalizeWord in
// frontend/src/lib/ballot.ts) to find their own among the results, so
// each rule is one both can keep exactly (testdata/normalize-words.json
// holds the cases both sides' tests read):
//   - a word is compared in Unicode's compatibility composition (NFKC,
//     String.prototype.normalize('NFKC') on the phones): "café" typed as
//     one character or as "e" and a combining accent, and "Ｔｒｕｓｔ" in
//     full-width letters, are "café" and "trust". Without it a keyboard's
//     or a device's own spelling of a word stood apart in the cloud and
//     told the room who wrote it. It is applied once the invisible
//     characters below are dropped (one between a letter and its accent
//     would keep them apart) and before everything else;
//   - white space is Unicode's (U+0085 NEL included), which both sides
//     can name (unicode.IsSpace, \p{White_Space});
//   - U+FEFF (a byte-order mark or zero-width no-break space, pasted
//     along with a word) shows nothing and joins nothing: it is dropped,
//     so "\ufeffchaos" is "chaos";
//   - case is each character's own lower case: "İ" is "i" (not, as
//     JavaScript's toLowerCase has it, an "i" and a combining dot);
//   - a Greek sigma is "ς" where it ends a word (after a letter, before
//     none; combining marks aside) and "σ" elsewhere, whichever was typed:
//     "ΧΑΟΣ", "Χάος" and "χαοσ" are one word, spelt as Greek spells it.
func NormalizeWord(w string) string { return fold(w, true) }

// foldWording is a text as NormalizeWord folds it, but with the
// punctuation around it kept: NFKC, case, white space trimmed and
// collapsed (and the invisible characters dropped). What an answered
// vote's labels and prompts must keep (reworded): "-1" and "1", or "(2)"
// and "2", are two labels, where a word cloud's "chaos!" and "chaos" are
// one word.
func foldWording(s string) string { return fold(s, false) }

func fold(w string, trimPunct bool) string {
	// Invisible, and dropped: a byte-order mark, and the bidi controls
	// CleanText drops from every text (so a word folds alike before it).
	w = strings.Map(func(r rune) rune {
		if r == '\ufeff' || rooms.IsBidiControl(r) {
			return -1
		}
		return r
	}, w)
	w = norm.NFKC.String(w)
	if t := strings.TrimFunc(w, func(r rune) bool { return unicode.IsSpace(r) || trimPunct && edgePunct(r) }); t != "" {
		w = t
	}
	return foldSigma(strings.ToLower(strings.Join(strings.FieldsFunc(w, unicode.IsSpace), " ")))
}

// foldSigma writes each Greek small sigma of s (lower case) as "ς" where
// it ends a word and "σ" elsewhere (NormalizeWord).
func foldSigma(s string) string {
	if !strings.ContainsAny(s, "σς") {
		return s
	}
	r := []rune(s)
	letter := func(i, step int) bool {
		for ; i >= 0 && i < len(r); i += step {
			if !unicode.IsMark(r[i]) {
				return unicode.IsLetter(r[i])
			}
		}
		return false
	}
	for i, c := range r {
		if c == 'σ' || c == 'ς' {
			if letter(i-1, -1) && !letter(i+1, 1) {
				r[i] = 'ς'
			} else {
				r[i] = 'σ'
			}
		}
	}
	return string(r)
}

// edgePunct is the punctuation NormalizeWord takes off a word's ends.
func edgePunct(r rune) bool {
	return unicode.IsPunct(r) && !strings.ContainsRune("#@%&/\\", r)
}

// NormalizeBallot checks a ballot against the exercise and returns it in
// canonical form (choices in option order, words folded and deduplicated).
func NormalizeBallot(e Exercise, b Ballot, lim Limits) (Ballot, error) {
	out := Ballot{}
	switch e.Kind {
	case KindPoll, KindScale, KindSurvey:
		if len(b.Words) > 0 || b.Text != "" {
			return out, rooms.FieldError(rooms.CodeInvalid, "ballot", "this exercise takes answers to its questions")
		}
		out.Answers = map[string]Answer{}
		for qid := range b.Answers {
			if !slices.ContainsFunc(e.Questions, func(q Question) bool { return q.ID == qid }) {
				return out, rooms.FieldError(rooms.CodeInvalid, "ballot.answers", "no question %s", Quote(rooms.Truncate(qid, 32)))
			}
		}
		for _, q := range e.Questions {
			a, ok := b.Answers[q.ID]
			if !ok {
				if e.Kind != KindSurvey {
					return out, rooms.FieldError(rooms.CodeInvalid, "ballot.answers", "the question needs an answer")
				}
				continue
			}
			na, err := normalizeAnswer(q, a)
			if err != nil {
				return out, err
			}
			out.Answers[q.ID] = na
		}
		if len(out.Answers) == 0 {
			return out, rooms.FieldError(rooms.CodeInvalid, "ballot.answers", "answer at least one question")
		}
	case KindWords:
		if len(b.Answers) > 0 || b.Text != "" {
			return out, rooms.FieldError(rooms.CodeInvalid, "ballot", "a word cloud takes words")
		}
		seen := map[string]bool{}
		for i, w := range b.Words {
			cw, err := rooms.CleanText(w, fmt.Sprintf("ballot.words[%d]", i), WordMaxLen, false)
			if err != nil {
				return out, err
			}
			n := NormalizeWord(cw)
			if n == "" || seen[n] {
				continue
			}
			// NFKC may lengthen a word ("ﬃ" is "ffi"): the limit holds
			// for the word as the cloud counts it, as for one hidden.
			if k := len([]rune(n)); k > WordMaxLen {
				field := fmt.Sprintf("ballot.words[%d]", i)
				return out, rooms.FieldError(rooms.CodeTooLong, field, "%s is %d characters; the limit is %d", field, k, WordMaxLen)
			}
			seen[n] = true
			out.Words = append(out.Words, n)
		}
		if len(out.Words) == 0 {
			return out, rooms.FieldError(rooms.CodeInvalid, "ballot.words", "add at least one word")
		}
		if len(out.Words) > e.MaxEntries {
			return out, rooms.FieldError(rooms.CodeInvalid, "ballot.words", "at most %d entries each", e.MaxEntries)
		}
	case KindText:
		if len(b.Answers) > 0 || len(b.Words) > 0 {
			return out, rooms.FieldError(rooms.CodeInvalid, "ballot", "this exercise takes a text")
		}
		t, err := CleanMultiline(b.Text, "ballot.text", lim.MaxText)
		if err != nil {
			return out, err
		}
		if t == "" {
			return out, rooms.FieldError(rooms.CodeInvalid, "ballot.text", "write something first")
		}
		out.Text = t
	default:
		return out, rooms.Errorf(rooms.CodeInvalid, "a %s exercise takes no ballot", e.Kind)
	}
	return out, nil
}

func normalizeAnswer(q Question, a Answer) (Answer, error) {
	field := "ballot.answers." + q.ID
	switch q.Kind {
	case QuestionChoice:
		if a.Value != nil {
			return a, rooms.FieldError(rooms.CodeInvalid, field, "a choice question takes choices")
		}
		var out []string
		for _, o := range q.Options {
			if slices.Contains(a.Choices, o.ID) {
				out = append(out, o.ID)
			}
		}
		for _, c := range a.Choices {
			if !slices.ContainsFunc(q.Options, func(o Option) bool { return o.ID == c }) {
				return a, rooms.FieldError(rooms.CodeInvalid, field, "no option %s", Quote(rooms.Truncate(c, 32)))
			}
		}
		if len(out) == 0 {
			return a, rooms.FieldError(rooms.CodeInvalid, field, "choose an option")
		}
		if len(out) > q.MaxChoices {
			return a, rooms.FieldError(rooms.CodeInvalid, field, "choose at most %d", q.MaxChoices)
		}
		return Answer{Choices: out}, nil
	default:
		if a.Value == nil || len(a.Choices) > 0 {
			return a, rooms.FieldError(rooms.CodeInvalid, field, "a scale question takes a value")
		}
		if *a.Value < q.Min || *a.Value > q.Max {
			return a, rooms.FieldError(rooms.CodeInvalid, field, "the value must be %d to %d", q.Min, q.Max)
		}
		v := *a.Value
		return Answer{Value: &v}, nil
	}
}

// Counter names of a vote. Tallies are counters: adding a ballot only
// increments them, so ballots from many people never conflict.
func responsesKey(ex string) string         { return "n:" + ex }
func choiceKey(ex, q, option string) string { return "c:" + ex + ":" + q + ":" + option }
func wordKey(ex, word string) string        { return "w:" + ex + ":" + word }
func wordPrefix(ex string) string           { return "w:" + ex + ":" }
func textKey(ex, id string) string          { return "txt:" + ex + ":" + id }
func textPrefix(ex string) string           { return "txt:" + ex + ":" }
func hiddenWordKey(ex, word string) string  { return "hw:" + ex + ":" + word }
func hiddenWordPrefix(ex string) string     { return "hw:" + ex + ":" }
func hiddenWordsKey(ex string) string       { return "hw:" + ex + ":n" } // a counter: how many are hidden
func ballotKey(ex, voter string) string     { return "bal:" + ex + ":" + voter }
func namedBallotPrefix(ex string) string    { return "bal:" + ex + ":m:" }
func votedSet(ex string) string             { return "voted:" + ex }
func answeredKey(ex, q string) string       { return "a:" + ex + ":" + q }
func scaleKey(ex, q string, v int) string   { return choiceKey(ex, q, strconv.Itoa(v)) }
func stateKey(id string) string             { return "ex:" + id }

// counts gives the counters one ballot adds.
func counts(e Exercise, b Ballot) map[string]int64 {
	m := map[string]int64{}
	for _, q := range e.Questions {
		a, ok := b.Answers[q.ID]
		if !ok {
			continue
		}
		m[answeredKey(e.ID, q.ID)]++
		if q.Kind == QuestionChoice {
			for _, c := range a.Choices {
				m[choiceKey(e.ID, q.ID, c)]++
			}
		} else if a.Value != nil {
			m[scaleKey(e.ID, q.ID, *a.Value)]++
		}
	}
	for _, w := range b.Words {
		m[wordKey(e.ID, w)]++
	}
	return m
}

// Delta is the counter change from replacing old (nil: none) with b, in a
// stable order.
func Delta(e Exercise, old *Ballot, b Ballot) []rooms.Incr {
	m := counts(e, b)
	if old != nil {
		for k, v := range counts(e, *old) {
			m[k] -= v
		}
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v != 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]rooms.Incr, len(keys))
	for i, k := range keys {
		out[i] = rooms.Incr{Key: k, By: m[k]}
	}
	return out
}

// QuestionResult is the tally of one question.
type QuestionResult struct {
	ID     string           `json:"id"`
	Counts map[string]int64 `json:"counts"` // option id, or scale value, → count
	// Answered is how many ballots answered the question; absent from a
	// hidden question of an anonymous vote (hideThin).
	Answered int64    `json:"answered,omitempty"`
	Mean     *float64 `json:"mean,omitempty"`
	Median   *float64 `json:"median,omitempty"`
	// Hidden: fewer people answered this question than the exercise's
	// threshold (a survey's questions may be skipped), so its counts are
	// left out like a whole vote's below it.
	Hidden bool `json:"hidden,omitempty"`
}

// hideThin leaves out the counts of every question fewer than min people
// answered: the threshold holds for each question, not only for the
// ballots, or the one person who answered an optional question would be
// shown. In an anonymous vote its count of answers goes too: a survey
// whose every question stayed hidden opens again, and the counts of two
// closes apart would tell which questions the people between them
// answered ([1,1,1], then [1,2,1]). The ballots' count (responses) stays.
func (r *Results) hideThin(min int, anonymous bool) {
	for i := range r.Questions {
		q := &r.Questions[i]
		if q.Answered < int64(min) {
			q.Counts, q.Mean, q.Median, q.Hidden = map[string]int64{}, nil, nil, true
			if anonymous {
				q.Answered = 0
			}
		}
	}
}

// resultsSeen reports whether a vote's facilitator sees some of its
// results once voting is closed, at these counters (the exercise's, by
// name): the rule of voteViews, which shows them at or past the
// threshold, with hideThin, which hides each question fewer answered.
// A survey whose every question fewer than the threshold answered (three
// people, each answering a different question of three) shows nothing,
// however many ballots it holds. The counters read are lifecycleKeys'.
func resultsSeen(e Exercise, counters map[string]int64) bool {
	if voteHiddenReason(StatusClosed, e.IsAnonymous(), counters[responsesKey(e.ID)], e.MinResponses) != "" {
		return false
	}
	if len(e.Questions) == 0 {
		return true // a word cloud's or open text's results are shown whole
	}
	for _, q := range Tally(e, counters, nil, nil, false).Questions {
		if q.Answered >= int64(e.MinResponses) {
			return true
		}
	}
	return false
}

// seenBefore reports whether an anonymous vote's results were seen: its
// flag, set when a close or shown results made some visible, or for a
// document written before the flag, the rule at these counters and its
// threshold now. The rule alone is not enough: a threshold raised since
// (agenda.update, to the server's floor) would turn it false.
func seenBefore(e Exercise, counters map[string]int64) bool {
	return e.ResultsSeen || resultsSeen(e, counters)
}

// lifecycleCounters reads the counters lifecycleKeys names, by name.
func lifecycleCounters(tx *rooms.Tx, e Exercise, to Status) (map[string]int64, error) {
	keys := lifecycleKeys(e, to)
	cs, err := tx.Counters(keys...)
	if err != nil {
		return nil, err
	}
	counters := make(map[string]int64, len(keys))
	for i, k := range keys {
		counters[k] = cs[i]
	}
	return counters, nil
}

// lifecycleKeys names the counters Transition reads: the ballots, and
// for an anonymous vote being closed, shown or opened again (resultsSeen)
// what Tally counts each question's answers from.
func lifecycleKeys(e Exercise, to Status) []string {
	keys := []string{responsesKey(e.ID)}
	if !e.Kind.IsVote() || !e.IsAnonymous() {
		return keys
	}
	switch {
	case to == StatusClosed || to == StatusResults:
		if e.ResultsSeen {
			return keys
		}
	case to == StatusOpen && e.Status == StatusClosed:
		if e.ResultsSeen {
			return keys // refused whatever the counts
		}
	default:
		return keys
	}
	if len(e.Questions) == 0 {
		return keys
	}
	for _, q := range e.Questions {
		if q.Kind == QuestionChoice {
			keys = append(keys, answeredKey(e.ID, q.ID))
			continue
		}
		for v := q.Min; v <= q.Max; v++ {
			keys = append(keys, scaleKey(e.ID, q.ID, v))
		}
	}
	return keys
}

// WordCount is one word-cloud entry.
type WordCount struct {
	Word  string `json:"word"`
	Count int64  `json:"count"`
	// Hidden: the facilitator hid the word (facilitators' view only).
	Hidden bool `json:"hidden,omitempty"`
}

// hiddenWord is the facilitator's flag on one word of a word cloud. A
// word is a counter, not a document, so its flag is a document of its
// own, made the first time the word is hidden.
type hiddenWord struct {
	Word   string `json:"word"`
	Hidden bool   `json:"hidden"`
}

// TextAnswer is one open-text answer. It names no author.
type TextAnswer struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Hidden bool   `json:"hidden,omitempty"`
}

// Results are what a vote shows once it may be shown.
type Results struct {
	Questions []QuestionResult `json:"questions,omitempty"`
	Words     []WordCount      `json:"words,omitempty"`
	// MoreWords is how many shown words the cap (MaxWordsShown) left out
	// of Words, the least frequent: a cloud says "+N more words".
	MoreWords int          `json:"moreWords,omitempty"`
	Texts     []TextAnswer `json:"texts,omitempty"`
}

// MaxWordsShown caps a word cloud's entries in results.
const MaxWordsShown = 100

// Tally computes results from the vote's counters and open-text answers.
// Hidden answers and words are left out unless withHidden (the
// facilitator's view, where they are marked).
func Tally(e Exercise, counters map[string]int64, texts []TextAnswer, hiddenWords map[string]bool, withHidden bool) Results {
	var r Results
	for _, q := range e.Questions {
		qr := QuestionResult{ID: q.ID, Counts: map[string]int64{}}
		if q.Kind == QuestionChoice {
			for _, o := range q.Options {
				n := counters[choiceKey(e.ID, q.ID, o.ID)]
				qr.Counts[o.ID] = n
			}
			qr.Answered = counters[answeredKey(e.ID, q.ID)]
		} else {
			var sum, total int64
			for v := q.Min; v <= q.Max; v++ {
				n := counters[scaleKey(e.ID, q.ID, v)]
				qr.Counts[strconv.Itoa(v)] = n
				sum += int64(v) * n
				total += n
			}
			qr.Answered = total
			if total > 0 {
				mean := float64(sum) / float64(total)
				med := median(q, qr.Counts, total)
				qr.Mean, qr.Median = &mean, &med
			}
		}
		r.Questions = append(r.Questions, qr)
	}
	if e.Kind == KindWords {
		prefix := wordPrefix(e.ID)
		for k, n := range counters {
			if w, ok := strings.CutPrefix(k, prefix); ok && n > 0 && (withHidden || !hiddenWords[w]) {
				r.Words = append(r.Words, WordCount{Word: w, Count: n, Hidden: hiddenWords[w]})
			}
		}
		sort.Slice(r.Words, func(i, j int) bool {
			if r.Words[i].Count != r.Words[j].Count {
				return r.Words[i].Count > r.Words[j].Count
			}
			return r.Words[i].Word < r.Words[j].Word
		})
		// The cap counts shown words only: the facilitator sees what the
		// room sees, and the hidden words among it.
		shown := 0
		for i, w := range r.Words {
			if !w.Hidden {
				shown++
			}
			if shown > MaxWordsShown {
				for _, left := range r.Words[i:] {
					if !left.Hidden {
						r.MoreWords++
					}
				}
				r.Words = r.Words[:i]
				break
			}
		}
	}
	for _, t := range texts {
		if !t.Hidden || withHidden {
			r.Texts = append(r.Texts, t)
		}
	}
	return r
}

func median(q Question, c map[string]int64, total int64) float64 {
	at := func(i int64) int { // the value at sorted position i
		var seen int64
		for v := q.Min; v <= q.Max; v++ {
			seen += c[strconv.Itoa(v)]
			if seen > i {
				return v
			}
		}
		return q.Max
	}
	if total%2 == 1 {
		return float64(at(total / 2))
	}
	return float64(at(total/2-1)+at(total/2)) / 2
}

func sortTexts(t []TextAnswer) {
	sort.Slice(t, func(i, j int) bool { return t[i].ID < t[j].ID })
}

func sortNamed(n []NamedBallot) {
	sort.Slice(n, func(i, j int) bool {
		if n[i].Name != n[j].Name {
			return n[i].Name < n[j].Name
		}
		return n[i].Member < n[j].Member
	})
}
