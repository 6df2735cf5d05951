package exercises

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"huddle/rooms"
)

// RoomResults is a room's results as a facilitator may take them away:
// what the facilitator's views show, without anything that links an
// answer to a person (no member ids, tokens or opaque keys; names only
// where the room or the item showed them, or a named vote its
// facilitator: VoteExport.ByPerson).
type RoomResults struct {
	Title string `json:"title"`
	Date  string `json:"date"` // YYYY-MM-DD (UTC) the room was created
	Ended bool   `json:"ended"`
	// EndedAt is when the room ended (RFC 3339, UTC, whole seconds), when
	// it recorded it: sessions of one pack can be ordered and told apart.
	EndedAt      string           `json:"endedAt,omitempty"`
	ShowNames    bool             `json:"showNames"`
	Participants int64            `json:"participants"`
	Exercises    []ExerciseResult `json:"exercises"`
}

// ExerciseResult is one exercise of the agenda with its results.
type ExerciseResult struct {
	Kind   Kind   `json:"kind"`
	Title  string `json:"title"`
	Prompt string `json:"prompt,omitempty"`
	// FacilitatorNotes are the exercise's notes, for the facilitator's
	// own report.
	FacilitatorNotes string `json:"facilitatorNotes,omitempty"`
	Status           Status `json:"status"`
	// Anonymous: an anonymous vote. False for a retro, help board or
	// kudos wall, whose posts say each for itself whether they name
	// their author (an exercise-wide "anonymous" beside "by: Ann" read
	// as a contradiction).
	Anonymous bool `json:"anonymous"`
	// Responses: ballots (votes), cards (retro), requests (help), visible
	// kudos (kudos).
	Responses int64        `json:"responses"`
	Vote      *VoteExport  `json:"vote,omitempty"`
	Retro     *RetroExport `json:"retro,omitempty"`
	Help      *HelpExport  `json:"help,omitempty"`
	Kudos     *KudosExport `json:"kudos,omitempty"`
}

// VoteExport is a vote's results, or why they are hidden.
type VoteExport struct {
	MinResponses int `json:"minResponses"`
	// Hidden: the vote's results are not exported, for HiddenReason.
	Hidden bool `json:"hidden"`
	// HiddenReason says why results are hidden (only when Hidden):
	// HiddenNotRun, HiddenStillOpen or HiddenTooFew. An export kept
	// before it existed has none: ExerciseResult.hiddenReason works it
	// out.
	HiddenReason string           `json:"hiddenReason,omitempty"`
	Questions    []QuestionExport `json:"questions,omitempty"`
	Words        []WordCount      `json:"words,omitempty"`
	Texts        []string         `json:"texts,omitempty"`
	// HiddenTexts is how many open answers the facilitator hid: counted in
	// the responses, left out of Texts.
	HiddenTexts int `json:"hiddenTexts,omitempty"`
	// HiddenWords is how many word-cloud words the facilitator hid: left
	// out of Words.
	HiddenWords int `json:"hiddenWords,omitempty"`
	// ByPerson is who answered what, in a named vote only (anonymous:
	// false), as the console's "Who answered what" shows it, whatever the
	// count: each person's answers, by name. Never in an anonymous vote,
	// whose export names nobody and holds nothing of any one ballot.
	ByPerson []PersonAnswers `json:"byPerson,omitempty"`
}

// PersonAnswers is one person's ballot in a named vote. Words and an
// open answer the facilitator hid are left out of it and counted, as
// they are of the vote's results.
type PersonAnswers struct {
	// Name is the person's name; absent for one who gave none (an
	// unnamed participant), who answered under no name but not
	// anonymously.
	Name string `json:"name,omitempty"`
	// Answers are a poll's, scale's or survey's: each question the
	// person answered, in the vote's order.
	Answers     []PersonAnswer `json:"answers,omitempty"`
	Words       []string       `json:"words,omitempty"`
	Text        string         `json:"text,omitempty"`
	HiddenWords int            `json:"hiddenWords,omitempty"`
	// TextHidden: the person's open answer is one the facilitator hid.
	TextHidden bool `json:"textHidden,omitempty"`
}

// PersonAnswer is one person's answer to one question: the options'
// labels they chose, or the scale's value.
type PersonAnswer struct {
	ID string `json:"id,omitempty"` // the question's (QuestionExport.ID)
	// Prompt is the question's; for a survey's question without one,
	// "Question 2" (its place), as the console says it.
	Prompt  string   `json:"prompt,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Value   *int     `json:"value,omitempty"`
	// Label is the choices', or the value's as the counts name it
	// ("5 (always)").
	Label string `json:"label"`
}

// Why a vote's results are hidden (VoteExport.HiddenReason).
const (
	// HiddenNotRun: on the agenda, never opened; nobody could answer.
	HiddenNotRun = "not_run"
	// HiddenStillOpen: an anonymous vote still open, answered by enough
	// people: nobody sees its results until voting closes.
	HiddenStillOpen = "still_open"
	// HiddenTooFew: fewer than the threshold answered.
	HiddenTooFew = "too_few"
)

// voteHiddenReason is why a vote's facilitators see no results, "" when
// they see them: the one rule of voteViews (what the console shows) and
// of the exports (what they say of it).
func voteHiddenReason(s Status, anonymous bool, responses int64, min int) string {
	switch {
	case s == StatusPrepared:
		return HiddenNotRun
	case responses < int64(min):
		return HiddenTooFew
	case s == StatusOpen && anonymous:
		return HiddenStillOpen
	}
	return ""
}

// hiddenReason is why x's results are hidden ("" when they are not):
// the export's word for it, or, in an export kept before that was said,
// what its status and count tell.
func (x *ExerciseResult) hiddenReason() string {
	if x.Vote == nil || !x.Vote.Hidden {
		return ""
	}
	if x.Vote.HiddenReason != "" {
		return x.Vote.HiddenReason
	}
	if why := voteHiddenReason(x.Status, x.Anonymous, x.Responses, x.Vote.MinResponses); why != "" {
		return why
	}
	return HiddenTooFew // hidden by a rule of its time this one no longer has
}

// QuestionExport is the tally of one question.
type QuestionExport struct {
	// ID is the question's id in its exercise: a pack's questions keep
	// theirs when reworded, so two sessions of one pack are compared by
	// it (Compare). Absent in an export kept before it was written.
	ID     string `json:"id,omitempty"`
	Prompt string `json:"prompt"`
	Kind   string `json:"kind"`
	// Min and Max are a scale question's range (also when it is hidden):
	// means compare only between scales of one range. Absent in an
	// export kept before they were written (scaleRange reads Counts).
	Min *int `json:"min,omitempty"`
	Max *int `json:"max,omitempty"`
	// Answered is how many answered the question; absent from a hidden
	// question of an anonymous vote (Results.hideThin).
	Answered int64        `json:"answered,omitempty"`
	Counts   []LabelCount `json:"counts"` // options, or scale values low to high
	Mean     *float64     `json:"mean,omitempty"`
	Median   *float64     `json:"median,omitempty"`
	// Hidden: fewer answered this question than the threshold; no counts.
	Hidden bool `json:"hidden,omitempty"`
}

// forgetHiddenAnswered takes the count of answers off every hidden
// question of an anonymous vote, as Results.hideThin does: an export
// kept before that was done still has it.
func (x *ExerciseResult) forgetHiddenAnswered() {
	if !x.Kind.IsVote() || !x.Anonymous || x.Vote == nil {
		return
	}
	for i := range x.Vote.Questions {
		if q := &x.Vote.Questions[i]; q.Hidden || q.Answered < int64(x.Vote.MinResponses) {
			q.Answered = 0
		}
	}
}

// LabelCount is one option's (or scale value's) count.
type LabelCount struct {
	Label string `json:"label"`
	Count int64  `json:"count"`
}

// RetroExport is a retrospective board.
type RetroExport struct {
	Phase    string `json:"phase,omitempty"`
	Revealed bool   `json:"revealed"` // cards are exported only once revealed
	// DotsShown: dot totals are exported only once they have been shown
	// (the vote has ended), in whatever phase the retro is now.
	DotsShown bool `json:"dotsShown"`
	// Written is how many cards the board holds; a column's count is
	// known only once cards are revealed (0 before), as on the board.
	Written int                 `json:"written"`
	Columns []RetroColumnExport `json:"columns"`
	Groups  []RetroGroupExport  `json:"groups,omitempty"`
	Actions []RetroActionExport `json:"actions,omitempty"`
}

// RetroColumnExport is one column with its cards.
type RetroColumnExport struct {
	Title string            `json:"title"`
	Count int               `json:"count"`
	Cards []RetroCardExport `json:"cards,omitempty"`
}

// RetroCardExport is one card: its text, the author only when the room
// showed names, its group, and its dots when it is an item of its own.
type RetroCardExport struct {
	Text   string `json:"text"`
	Author string `json:"author,omitempty"`
	Group  string `json:"group,omitempty"`
	Dots   *int64 `json:"dots,omitempty"`
}

// RetroGroupExport is a group of cards.
type RetroGroupExport struct {
	Title string   `json:"title"`
	Cards []string `json:"cards"`
	Dots  *int64   `json:"dots,omitempty"`
}

// RetroActionExport is an action item.
type RetroActionExport struct {
	Text  string `json:"text"`
	Owner string `json:"owner,omitempty"`
	Due   string `json:"due,omitempty"`
	Done  bool   `json:"done"`
	Item  string `json:"item,omitempty"` // the card's text or group's title it came from
}

// HelpExport is a "Can you help me?" board.
type HelpExport struct {
	Counts   HelpCounts          `json:"counts"`
	Requests []HelpRequestExport `json:"requests"`
}

// HelpRequestExport is one request. Requester is set only for a named
// request.
type HelpRequestExport struct {
	Title     string           `json:"title"`
	Detail    string           `json:"detail,omitempty"`
	Tags      []string         `json:"tags,omitempty"`
	Status    string           `json:"status"`
	Anonymous bool             `json:"anonymous"`
	Requester string           `json:"requester,omitempty"`
	Offers    int              `json:"offers"`
	NextSteps []NextStepExport `json:"nextSteps,omitempty"`
}

// NextStepExport is an accepted offer and the step the pair agreed.
type NextStepExport struct {
	Helper string `json:"helper"`
	Step   string `json:"step,omitempty"`
}

// KudosExport is a kudos wall's visible kudos, in the wall's order: by
// id, never by when they were sent (kudosViews).
type KudosExport struct {
	Kudos []KudoExport `json:"kudos"`
}

// orderByContent puts the kudos of a session kept in the order they were
// sent (keptForm) in an order of what they say: recipient, sender and
// message, which tells nothing of when each was sent. The kept export has
// no ids to order them by as the wall did.
func (e *KudosExport) orderByContent() {
	// Every field decides, so that no two different kudos are left in
	// the order they came in; two that tie are alike.
	flag := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	slices.SortFunc(e.Kudos, func(a, b KudoExport) int {
		return cmp.Or(strings.Compare(a.To, b.To), strings.Compare(a.From, b.From), strings.Compare(a.Message, b.Message),
			flag(a.Team)-flag(b.Team), flag(a.Anonymous)-flag(b.Anonymous))
	})
}

// KudoExport is one kudo; From is empty for an anonymous one, and for a
// named one whose sender gave no name (Anonymous tells them apart). A kudo
// to the whole team has To "the team" and Team set (To alone cannot tell
// it from one to a person of that name).
type KudoExport struct {
	To        string `json:"to"`
	From      string `json:"from,omitempty"`
	Message   string `json:"message"`
	Team      bool   `json:"team,omitempty"`
	Anonymous bool   `json:"anonymous"`
}

// UnmarshalJSON reads a kudo kept before Anonymous was exported as those
// exports were read: without a sender's name, anonymous.
func (k *KudoExport) UnmarshalJSON(b []byte) error {
	type plain KudoExport
	var v struct {
		plain
		Anonymous *bool `json:"anonymous"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*k = KudoExport(v.plain)
	k.Anonymous = v.From == ""
	if v.Anonymous != nil {
		k.Anonymous = *v.Anonymous
	}
	return nil
}

// exportViewer sees what a facilitator sees; it has no keys of its own.
var exportViewer = rooms.Viewer{Member: &rooms.Member{Role: rooms.RoleFacilitator}, Online: func(string) bool { return false }}

// ExportResults builds a room's results from a snapshot of its state (as
// store.Load returns it), through the facilitator's views.
func ExportResults(room rooms.Room, st *rooms.State) (*RoomResults, error) {
	if st == nil {
		return nil, errors.New("exercises: no room state to export")
	}
	raw, err := snapshotSection(st, exportViewer)
	if err != nil {
		return nil, err
	}
	var sec SnapshotSection
	if err := json.Unmarshal(raw, &sec); err != nil {
		return nil, err
	}
	r := &RoomResults{Title: room.Title, Ended: room.Ended, ShowNames: room.ShowNames,
		Participants: st.Counters[rooms.CounterParticipants], Exercises: []ExerciseResult{}}
	if !room.CreatedAt.IsZero() {
		r.Date = room.CreatedAt.UTC().Format(time.DateOnly)
	}
	if room.Ended && !room.EndedAt.IsZero() {
		r.EndedAt = room.EndedAt.UTC().Format(time.RFC3339)
	}
	var people namesakes
	for _, v := range sec.Exercises {
		e := v.Exercise
		x := ExerciseResult{Kind: e.Kind, Title: e.Title, Prompt: e.Prompt, FacilitatorNotes: e.Notes,
			Status: e.Status, Anonymous: e.Kind.IsVote() && e.IsAnonymous()}
		switch {
		case e.Kind.IsVote():
			var vv VoteView
			if err := json.Unmarshal(v.State, &vv); err != nil {
				return nil, err
			}
			x.Responses = vv.Responses
			x.Vote = exportVote(e, vv)
			if !e.IsAnonymous() && !vv.Anonymous {
				x.Vote.ByPerson = exportByPerson(e, vv.ByMember, st, &people)
			}
		case e.Kind == KindRetro:
			var rv RetroView
			if err := json.Unmarshal(v.State, &rv); err != nil {
				return nil, err
			}
			x.Retro = exportRetro(e, rv, room.ShowNames, cardAuthors(e.ID, st), &people)
			x.Responses = int64(rv.Written)
		case e.Kind == KindHelp:
			var hv HelpView
			if err := json.Unmarshal(v.State, &hv); err != nil {
				return nil, err
			}
			x.Help = exportHelp(hv, &people)
			x.Responses = int64(len(hv.Requests))
		case e.Kind == KindKudos:
			var kv KudosView
			if err := json.Unmarshal(v.State, &kv); err != nil {
				return nil, err
			}
			x.Kudos = exportKudos(kv, &people)
			x.Responses = int64(len(x.Kudos.Kudos))
		}
		r.Exercises = append(r.Exercises, x)
	}
	people.number()
	return r, nil
}

func exportVote(e Exercise, v VoteView) *VoteExport {
	out := &VoteExport{MinResponses: v.MinResponses}
	// The facilitator's view carries results only at or above the
	// threshold (and for an anonymous vote once voting closed); check the
	// count as well, so a change there cannot leak.
	if v.Results == nil || v.Responses < int64(v.MinResponses) {
		out.Hidden = true
		out.HiddenReason = cmp.Or(voteHiddenReason(v.Status, v.Anonymous, v.Responses, v.MinResponses), HiddenTooFew)
		return out
	}
	for i, q := range e.Questions {
		if i >= len(v.Results.Questions) {
			break
		}
		qr := v.Results.Questions[i]
		qe := QuestionExport{ID: q.ID, Prompt: q.Prompt, Kind: q.Kind, Answered: qr.Answered, Counts: []LabelCount{}, Mean: qr.Mean, Median: qr.Median}
		if q.Kind == QuestionScale {
			qe.Min, qe.Max = intp(q.Min), intp(q.Max)
		}
		if qr.Hidden || qr.Answered < int64(v.MinResponses) {
			// As for the whole vote: check the count too.
			qe.Hidden, qe.Mean, qe.Median = true, nil, nil
			if e.IsAnonymous() {
				qe.Answered = 0 // as hideThin: it would tell who answered it
			}
			out.Questions = append(out.Questions, qe)
			continue
		}
		if q.Kind == QuestionChoice {
			for _, o := range q.Options {
				qe.Counts = append(qe.Counts, LabelCount{Label: o.Label, Count: qr.Counts[o.ID]})
			}
		} else {
			for n := q.Min; n <= q.Max; n++ {
				qe.Counts = append(qe.Counts, LabelCount{Label: scaleLabel(q, n), Count: qr.Counts[strconv.Itoa(n)]})
			}
		}
		out.Questions = append(out.Questions, qe)
	}
	for _, w := range v.Results.Words {
		if w.Hidden {
			out.HiddenWords++
		} else {
			out.Words = append(out.Words, w)
		}
	}
	for _, t := range v.Results.Texts {
		if t.Hidden {
			out.HiddenTexts++
		} else {
			out.Texts = append(out.Texts, t.Text)
		}
	}
	return out
}

// scaleLabel is scale value n of question q as the export names it: the
// number, with its end's label at either end ("1 (never)").
func scaleLabel(q Question, n int) string {
	l := strconv.Itoa(n)
	switch {
	case n == q.Min && q.MinLabel != "":
		l += " (" + q.MinLabel + ")"
	case n == q.Max && q.MaxLabel != "":
		l += " (" + q.MaxLabel + ")"
	}
	return l
}

// exportByPerson is a named vote's who answered what, from the
// facilitator's view of it (byMember: by name, then member id, which is
// random), the names numbered among namesakes by their member ids, which
// the export does not hold. What the facilitator hid (st's flags) is
// left out and counted.
func exportByPerson(e Exercise, named []NamedBallot, st *rooms.State, people *namesakes) []PersonAnswers {
	hidden := func(key string, flag func([]byte) bool) bool {
		d, ok := st.Docs[key]
		return ok && flag(d.Value)
	}
	textHidden := func(b []byte) bool {
		var t TextAnswer
		return json.Unmarshal(b, &t) == nil && t.Hidden
	}
	wordHidden := func(b []byte) bool {
		var h hiddenWord
		return json.Unmarshal(b, &h) == nil && h.Hidden
	}
	out := make([]PersonAnswers, 0, len(named))
	for _, nb := range named {
		pa := PersonAnswers{Name: nb.Name}
		b := nb.Ballot
		for i, q := range e.Questions {
			a, ok := b.Answers[q.ID]
			if !ok {
				continue
			}
			// A survey's question without a prompt is named as the
			// console names it.
			ans := PersonAnswer{ID: q.ID, Prompt: q.Prompt}
			if q.Prompt == "" && len(e.Questions) > 1 {
				ans.Prompt = fmt.Sprintf("Question %d", i+1)
			}
			if q.Kind == QuestionChoice {
				for _, o := range q.Options {
					if slices.Contains(a.Choices, o.ID) {
						ans.Choices = append(ans.Choices, o.Label)
					}
				}
				ans.Label = strings.Join(ans.Choices, ", ")
			} else if a.Value != nil {
				ans.Value = intp(*a.Value)
				ans.Label = scaleLabel(q, *a.Value)
			}
			pa.Answers = append(pa.Answers, ans)
		}
		for _, w := range b.Words {
			if hidden(hiddenWordKey(e.ID, w), wordHidden) {
				pa.HiddenWords++
			} else {
				pa.Words = append(pa.Words, w)
			}
		}
		if b.Text != "" {
			if b.TextID != "" && hidden(textKey(e.ID, b.TextID), textHidden) {
				pa.TextHidden = true
			} else {
				pa.Text = b.Text
			}
		}
		out = append(out, pa)
	}
	for i := range out {
		people.add(&out[i].Name, named[i].Member)
	}
	return out
}

// written is how many cards the board held: Written, or for an export
// kept before it existed (when hidden cards were counted per column) the
// columns' counts.
func (r *RetroExport) written() int {
	if r.Written > 0 {
		return r.Written
	}
	n := 0
	for _, c := range r.Columns {
		n += c.Count
	}
	return n
}

// cardAuthors gives who wrote each named card of exercise ex, by card id,
// for telling namesakes apart (namesakes): the author's member id, or for
// a card named before cards kept it, nothing.
func cardAuthors(ex string, st *rooms.State) func(card string) string {
	return func(card string) string {
		var c RetroCard
		if d, ok := st.Docs[cardKey(ex, card)]; ok && json.Unmarshal(d.Value, &c) == nil {
			return c.AuthorID
		}
		return ""
	}
}

func exportRetro(e Exercise, v RetroView, showNames bool, authorOf func(card string) string, people *namesakes) *RetroExport {
	// Once the totals have been shown they stay shown, on every board
	// and here: a retro taken back to Group after them (to merge voted
	// items) and ended there keeps its vote's results.
	out := &RetroExport{Phase: v.Phase, Revealed: v.Revealed, DotsShown: v.DotsShown || e.DotsFinal, Written: v.Written, Columns: []RetroColumnExport{}}
	dots := map[string]*int64{}
	if out.DotsShown {
		for _, it := range v.Items {
			dots[it.ID] = it.Dots
		}
	}
	groupTitle := map[string]string{}
	for _, g := range v.Groups {
		groupTitle[g.ID] = g.Title
	}
	cardText := map[string]string{}
	col := map[string]int{}
	for i, c := range v.Columns {
		col[c.ID] = i
		out.Columns = append(out.Columns, RetroColumnExport{Title: c.Title, Count: c.Count})
	}
	// The id of each exported card, by column, as out's cards are.
	ids := make([][]string, len(out.Columns))
	if v.Revealed {
		for _, c := range v.Cards {
			cardText[c.ID] = c.Text
			ce := RetroCardExport{Text: c.Text, Group: groupTitle[c.Group]}
			if showNames {
				ce.Author = c.AuthorName
			}
			if c.Group == "" {
				ce.Dots = dots[c.ID]
			}
			if i, ok := col[c.Column]; ok {
				out.Columns[i].Cards = append(out.Columns[i].Cards, ce)
				ids[i] = append(ids[i], c.ID)
			}
		}
		for i := range out.Columns {
			for j := range out.Columns[i].Cards {
				people.add(&out.Columns[i].Cards[j].Author, authorOf(ids[i][j]))
			}
		}
		for _, g := range v.Groups {
			ge := RetroGroupExport{Title: g.Title, Cards: []string{}, Dots: dots[g.ID]}
			for _, id := range g.Cards {
				ge.Cards = append(ge.Cards, cardText[id])
			}
			out.Groups = append(out.Groups, ge)
		}
		for _, a := range v.Actions {
			item := groupTitle[a.Item]
			if item == "" {
				item = cardText[a.Item]
			}
			out.Actions = append(out.Actions, RetroActionExport{Text: a.Text, Owner: a.Owner, Due: a.Due, Done: a.Done, Item: item})
		}
	}
	return out
}

func exportHelp(v HelpView, people *namesakes) *HelpExport {
	out := &HelpExport{Counts: v.Counts, Requests: []HelpRequestExport{}}
	// Who each name is, as out's names are: the requester, then each
	// next step's helper.
	var who [][]string
	for _, r := range v.Requests {
		re := HelpRequestExport{Title: r.Title, Detail: r.Detail, Tags: r.Tags, Status: r.Status, Anonymous: r.Anonymous, Offers: len(r.Offers)}
		ids := []string{""}
		if !r.Anonymous {
			re.Requester, ids[0] = r.AuthorName, r.AuthorID
		}
		for _, o := range r.Offers {
			if o.Accepted {
				re.NextSteps = append(re.NextSteps, NextStepExport{Helper: o.HelperName, Step: o.Step})
				ids = append(ids, o.HelperID)
			}
		}
		out.Requests = append(out.Requests, re)
		who = append(who, ids)
	}
	for i := range out.Requests {
		q := &out.Requests[i]
		people.add(&q.Requester, who[i][0])
		for j := range q.NextSteps {
			people.add(&q.NextSteps[j].Helper, who[i][j+1])
		}
	}
	return out
}

func exportKudos(v KudosView, people *namesakes) *KudosExport {
	out := &KudosExport{Kudos: []KudoExport{}}
	var shown []Kudo // the kudos exported, as out's are
	for _, k := range v.Kudos {
		if k.Hidden {
			continue
		}
		ke := KudoExport{To: k.ToName, Message: k.Message, Anonymous: k.Anonymous}
		if k.To == KudosTeam {
			ke.To, ke.Team = "the team", true
		} else if ke.To == "" {
			ke.To = "a colleague"
		}
		if !k.Anonymous {
			ke.From = k.FromName
		}
		out.Kudos = append(out.Kudos, ke)
		shown = append(shown, k)
	}
	for i := range out.Kudos {
		if k := &out.Kudos[i]; !k.Team && shown[i].ToName != "" {
			people.add(&k.To, shown[i].To)
		}
		if !shown[i].Anonymous {
			people.add(&out.Kudos[i].From, shown[i].From)
		}
	}
	return out
}

// namesakes tells apart, in one export, two people shown under the same
// name (two participants who both joined as "Ann"), without their ids:
// the export carries none. Each name shared by two or more people is
// followed by a number, the same for one person wherever the export
// names them: "Ann (1)" for the first Ann it names, "Ann (2)" for the
// second, in the export's order (the agenda's, and each exercise's as it
// is exported). As in the web app's lists of people, where each Ann gets
// a number from her member id ("Ann #2835", lib/names.ts), every holder of
// a shared name is numbered and a name without a number is nobody else's
// in the export; an ordinal replaces the id's number, which would tell
// whoever has the export something of the id.
//
// Only names shown are numbered: "anonymous" and "an unnamed
// participant" name nobody, and stay as they are. Names are compared as
// the web app compares them (nameKey). A person is known by their member
// id; a name whose id the room did not keep (a card or kudo written
// before it kept them) is known by the name alone, so people of that
// name without an id count as one.
type namesakes struct {
	refs []nameRef
}

// nameRef is a name in the export and who it is: a member id, never
// exported.
type nameRef struct {
	name *string
	who  string
}

// add records the name at *name, as that of person who ("" when the
// room kept no id for it). *name must stay where it is until number: it
// is given once the slice holding it is complete.
func (n *namesakes) add(name *string, who string) {
	if *name == "" {
		return
	}
	if who == "" {
		who = "name:" + nameKey(*name)
	} else {
		who = "id:" + who
	}
	n.refs = append(n.refs, nameRef{name, who})
}

// number rewrites every shared name with its holder's number. A name
// that reads as another's numbered one (someone who joined as
// "Ann (2)", beside two Anns) is numbered too, so that no two people
// read alike.
func (n *namesakes) number() {
	numbered := map[string]bool{} // name keys numbered even when held by one
	var labels []string
	for range len(n.refs) + 1 { // each round numbers one more name, or ends
		// The people of each name, in the order the export first names
		// them.
		holders := map[string][]string{}
		for _, r := range n.refs {
			k := nameKey(*r.name)
			if !slices.Contains(holders[k], r.who) {
				holders[k] = append(holders[k], r.who)
			}
		}
		labels = make([]string, len(n.refs))
		for i, r := range n.refs {
			labels[i] = *r.name
			if ps := holders[nameKey(*r.name)]; len(ps) > 1 || numbered[nameKey(*r.name)] {
				labels[i] = fmt.Sprintf("%s (%d)", *r.name, slices.Index(ps, r.who)+1)
			}
		}
		// Two people who read alike: the one shown bare is numbered.
		readers := map[string]string{} // label's key → its first holder
		more := false
		for i, r := range n.refs {
			k := nameKey(labels[i])
			first, ok := readers[k]
			if !ok {
				readers[k] = r.who
				continue
			}
			if first == r.who {
				continue
			}
			for j, s := range n.refs {
				if nameKey(labels[j]) == k && labels[j] == *s.name && !numbered[nameKey(*s.name)] {
					numbered[nameKey(*s.name)], more = true, true
				}
			}
		}
		if !more {
			break
		}
	}
	for i, r := range n.refs {
		*r.name = labels[i]
	}
}

// nameKey is a name as it is compared for telling people apart, as the
// web app's nameKey (frontend/src/lib/names.ts) has it: "sam", "Sam " and
// "S am" are one name, and so are "Zoë" typed as one character or as "e"
// and a combining diaeresis, and "Ｓａｍ" in full-width letters
// (compatibility composition, NFKC, first, as the web app's and the word
// cloud's, NormalizeWord): two people whose names read the same on every
// screen are told apart, and one is never shown bare because a device
// spelt it its own way. Case is folded one character at a time, so "İ"
// is "i" (where JavaScript's toLowerCase would add a combining dot, the
// web app takes it to "i" first), and a Greek sigma is "σ" wherever it
// stands ("ΝΙΚΟΣ" and "Νικος" are one name; toLowerCase would make the
// first one's last sigma final by context). testdata/name-keys.json has
// the cases both sides are tested on.
func nameKey(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), r >= '\u200b' && r <= '\u200d', r == '\u2060', r == '\ufeff':
			return -1
		case r == 'ς':
			return 'σ'
		}
		return unicode.ToLower(r)
	}, norm.NFKC.String(name))
}

// JSON is the results as indented JSON.
func (r *RoomResults) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// CSV is the results as one table, a row per fact: the exercise's place
// in the agenda, kind and title, then the section (what the fact is),
// item (what it is about), value (its count or state) and detail (text),
// then whether a kudo went to the whole team ("true" or "false" on a
// kudos row, empty on others): its item says "the team", as a kudo to a
// participant of that name would; and last the person the row names
// (person): a card's author, an action item's owner, a help request's
// requester, a next step's helper, a kudo's sender. A person is never
// written into a text's cell ("Great demo; by: Ann"), where a text typed
// as "Our lead is a bully; by: Ann" on an anonymous card would read the
// same: only the server writes the person cell. Each column came after
// those before it, so that spreadsheets reading those by place read the
// same. Cells a spreadsheet would read as a formula are prefixed with '
// (csvSafe).
func (r *RoomResults) CSV() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	row := func(cells ...string) {
		for i, c := range cells {
			cells[i] = csvSafe(c)
		}
		_ = w.Write(cells)
	}
	row("exercise", "kind", "title", "section", "item", "value", "detail", "team", "person")
	row("", "room", r.Title, "room", "date", r.Date, "", "", "")
	if r.EndedAt != "" {
		row("", "room", r.Title, "room", "ended", r.EndedAt, "", "", "")
	}
	row("", "room", r.Title, "room", "participants", strconv.FormatInt(r.Participants, 10), "", "", "")
	for i, x := range r.Exercises {
		n, k, t := strconv.Itoa(i+1), string(x.Kind), x.Title
		// by writes a row that names a person, in the person cell alone.
		by := func(person, section, item, value, detail string) {
			row(n, k, t, section, item, value, detail, "", person)
		}
		out := func(section, item, value, detail string) { by("", section, item, value, detail) }
		out("exercise", "status", string(x.Status), "")
		if x.Kind.IsVote() {
			out("exercise", "anonymous", strconv.FormatBool(x.Anonymous), "")
		}
		out("exercise", "responses", strconv.FormatInt(x.Responses, 10), "")
		if x.Prompt != "" {
			out("exercise", "prompt", "", x.Prompt)
		}
		if x.FacilitatorNotes != "" {
			out("exercise", "facilitator notes", "", x.FacilitatorNotes)
		}
		if v := x.Vote; v != nil {
			switch why := x.hiddenReason(); why {
			case HiddenNotRun:
				out("results", "hidden", why, "not run: on the agenda, never opened")
			case HiddenStillOpen:
				out("results", "hidden", why, "hidden: voting is still open, results when voting closes")
			case HiddenTooFew:
				out("results", "hidden", why, fmt.Sprintf("hidden: below the threshold of %d responses", v.MinResponses))
			}
			for _, q := range v.Questions {
				// A question with no prompt of its own (a poll's) is
				// named by its exercise, as in the Markdown.
				item := cmp.Or(q.Prompt, x.Title)
				switch {
				case q.Hidden && x.Anonymous:
					out("question", item, "", fmt.Sprintf("hidden: fewer than %d answered", v.MinResponses))
				case q.Hidden:
					out("question", item, "", fmt.Sprintf("hidden: %d answered, below the threshold of %d", q.Answered, v.MinResponses))
				}
				for _, c := range q.Counts {
					out("question", item, strconv.FormatInt(c.Count, 10), c.Label)
				}
				if q.Mean != nil {
					out("question", item, fmtNum(*q.Mean), "mean")
					out("question", item, fmtNum(*q.Median), "median")
				}
			}
			for _, wc := range v.Words {
				out("word", wc.Word, strconv.FormatInt(wc.Count, 10), "")
			}
			for _, tx := range v.Texts {
				out("text", "", "", tx)
			}
			if v.HiddenTexts > 0 {
				out("text", "hidden", strconv.Itoa(v.HiddenTexts), "hidden by the facilitator")
			}
			if v.HiddenWords > 0 {
				out("word", "hidden", strconv.Itoa(v.HiddenWords), "hidden by the facilitator")
			}
			// Who answered what (a named vote's only): a row for each
			// choice, value, word or text, its person in the person cell,
			// as question rows name their question and label.
			for _, pa := range v.ByPerson {
				who := nameOr(pa.Name)
				for _, a := range pa.Answers {
					item := cmp.Or(a.Prompt, x.Title)
					if a.Value != nil {
						by(who, "answer", item, strconv.Itoa(*a.Value), a.Label)
					}
					for _, c := range a.Choices {
						by(who, "answer", item, "", c)
					}
				}
				for _, w := range pa.Words {
					by(who, "answer", x.Title, "", w)
				}
				if pa.Text != "" {
					by(who, "answer", x.Title, "", pa.Text)
				}
				if pa.HiddenWords > 0 {
					by(who, "answer", "hidden", strconv.Itoa(pa.HiddenWords), "hidden by the facilitator")
				}
				if pa.TextHidden {
					by(who, "answer", "hidden", "1", "hidden by the facilitator")
				}
			}
		}
		if rv := x.Retro; rv != nil {
			if !rv.Revealed {
				out("retro", "not revealed", strconv.Itoa(rv.written()), "cards written")
			}
			for _, c := range rv.Columns {
				for _, cd := range c.Cards {
					by(cd.Author, "card", c.Title, dotStr(cd.Dots), joinNonEmpty(cd.Text, inGroup(cd.Group)))
				}
			}
			for _, g := range rv.Groups {
				out("group", g.Title, dotStr(g.Dots), strings.Join(g.Cards, " | "))
			}
			for _, a := range rv.Actions {
				by(a.Owner, "action", a.Text, doneStr(a.Done), joinNonEmpty(prefixed("due: ", a.Due), prefixed("from: ", a.Item)))
			}
		}
		if h := x.Help; h != nil {
			for _, q := range h.Requests {
				// An anonymous request names nobody; a named one always
				// somebody, an unnamed participant if need be.
				who := ""
				if !q.Anonymous {
					who = nameOr(q.Requester)
				}
				by(who, "request", q.Title, q.Status, joinNonEmpty(fmt.Sprintf("offers: %d", q.Offers), q.Detail))
				// The request is the item; the step its helper agreed is
				// the detail, the helper the person.
				for _, s := range q.NextSteps {
					step := "no step agreed yet"
					if s.Step != "" {
						step = "step: " + s.Step
					}
					by(nameOr(s.Helper), "next step", q.Title, "", step)
				}
			}
		}
		if kv := x.Kudos; kv != nil {
			for _, kd := range kv.Kudos {
				// The sender is the value, as before the person column;
				// and the person, as every row's author is.
				from := ""
				if !kd.Anonymous {
					from = nameOr(kd.From)
				}
				row(n, k, t, "kudos", kd.To, kd.From, kd.Message, strconv.FormatBool(kd.Team), from)
			}
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// csvSafe prefixes with ' a cell a spreadsheet would read as a formula:
// one whose first visible character is "=", "+", "-" or "@", and one that
// begins with a tab or a carriage return (which some spreadsheets read
// past). It looks past what comes before that character unseen, as a
// spreadsheet may: format characters (Unicode's Cf: a byte-order mark
// U+FEFF pasted along with a text, the zero-width space, non-joiner and
// joiner U+200B–U+200D, the word joiner U+2060, the bidi controls), which
// nobody reading the text sees and an application may drop, and white
// space, which spreadsheets trim from a cell they import when asked to
// (LibreOffice's "Trim spaces") or of their own accord. Looking past white
// space may mark a cell no spreadsheet would have run (" -1" as typed in
// an answer): a stray ' costs less than a formula run.
//
// The first visible character may be the full-width form of one of the
// four too (formulaStarters), which a spreadsheet that folds full-width
// input to ASCII (Excel in a Japanese setting) runs as the ASCII one:
// "＝HYPERLINK(…)" is "=HYPERLINK(…)" there.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) }); i >= 0 {
		if r, _ := utf8.DecodeRuneInString(s[i:]); strings.ContainsRune(formulaStarters, r) {
			return "'" + s
		}
	}
	return s
}

// formulaStarters are the characters that make a spreadsheet read a cell
// as a formula when it begins with one: "=", "+", "-" and "@", and their
// full-width forms U+FF1D ＝, U+FF0B ＋, U+FF0D － and U+FF20 ＠, which an
// East Asian keyboard types and which fold to the ASCII ones as a
// spreadsheet reads its input. Only those: not the other characters NFKC
// folds to one of the four (the small forms U+FE62 ﹢, U+FE63 ﹣, U+FE66 ﹦,
// U+FE6B ﹫, the superscripts and subscripts ⁺ ⁼ ₊ ₌), nor look-alikes
// such as the minus sign U+2212 − or the katakana prolonged sound mark
// U+30FC ー, which are not width forms of them, and never a full-width
// letter or digit: "Ａ=1" or "＝" inside a text is left as it is.
const formulaStarters = "=+-@\uff1d\uff0b\uff0d\uff20"

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

func dotStr(d *int64) string {
	if d == nil {
		return ""
	}
	return strconv.FormatInt(*d, 10)
}

func doneStr(done bool) string {
	if done {
		return "done"
	}
	return "open"
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

func inGroup(title string) string { return prefixed("group: ", title) }

// wordUnnamed is who a named post's author or helper is when they gave
// no name (the console's "Unnamed participant"): not "anonymous", which
// they did not choose.
const wordUnnamed = "an unnamed participant"

// nameOr is name, or wordUnnamed when it is empty.
func nameOr(name string) string { return cmp.Or(name, wordUnnamed) }

// mdPerson is a person's name as the Markdown report writes it (a card's
// author, an action item's owner, a requester, a helper, a kudo's
// sender): in bold, which no text typed in the room can make there (md
// escapes every "*", each "_" that could make emphasis and every "<"), so
// that a card whose text ends "(by Ann)" never reads as a card of Ann's,
// in the file or rendered. One who gave no name is wordUnnamed, not in
// bold: someone who joined as "an unnamed participant" reads apart.
func mdPerson(name string) string {
	// A space inside the bold's marks would keep them from making it
	// (names are kept without, CleanText).
	if name = strings.TrimSpace(name); name == "" {
		return wordUnnamed
	}
	return "**" + md(name) + "**"
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// mdEscaper escapes participants' text so it reads as text in Markdown
// (no links, code, emphasis or HTML of its own, no table cell broken) and
// stays on its line. It escapes only what makes Markdown anywhere in a
// line: a report is pasted into chat and wiki pages, where a needless
// backslash shows ("Great demo\!"). "!" makes an image only before "[",
// which is escaped; "_", "~", an entity's "&" and what GFM links by
// itself are handled by md, what starts a block by mdLine.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "[", `\[`, "]", `\]`, "<", `&lt;`, ">", `&gt;`,
	"|", `\|`, "\r\n", " ", "\n", " ", "\r", " ")

// mdWordJoiner (U+2060) is invisible and joins its neighbours: before an
// e-mail address's "@" it keeps the address from becoming a link (GFM
// finds addresses after backslash escapes and entities are read, so
// neither helps) and the address reads as typed.
const mdWordJoiner = '\u2060'

// mdNoRef is an empty HTML comment, put after the "@" of what GitHub
// takes for a mention ("@ann", which notifies Ann when the report is
// pasted into an issue) and inside a reference to another repository's
// issue ("owner/repo#12", which puts a "mentioned this" on that issue,
// in someone else's project). A bare "#12" or "GH-12" only links an
// issue of the repository it is pasted in, and notifies nobody; "#1
// priority" is common in a retro, and a chat that shows raw HTML as text
// would show "#<!-- -->1": those stay as typed. GitHub finds both
// in the rendered HTML's text, after Markdown is read: "\@" and "&#64;"
// have become a plain "@" by then, so neither helps (github/markup#1168,
// github/cmark-gfm#181). The comment splits the text in two, so neither
// half is a mention or a reference, and shows nothing: the page reads,
// and copies, as typed. An invisible character (a zero-width space or
// joiner) would do the same but goes with the text into whatever it is
// copied to, and backticks would make it code. A renderer that shows raw
// HTML as text (markdown-it or micromark with HTML off) shows the
// comment; those that pass or drop raw HTML (cmark-gfm, safe or not,
// GitLab, Gitea) show nothing.
const mdNoRef = "<!-- -->"

// md is text for anywhere in a Markdown line: mdEscaper's, and where GFM
// would otherwise make something of it, only there:
//   - an "_" that could start or end emphasis (not one inside a word, as
//     in snake_case);
//   - a run of "~" that could close strikethrough ("~~done~~", "~x~",
//     "5~10"): with no closer nothing is struck, so a run that can only
//     open ("~5 min", "~/src") stays as typed. Runs of three or more are
//     escaped too: GFM strikes none, but markdown-it based wikis do;
//   - an "&" that starts an entity ("&amp;", "&#35;"), which would show
//     as the character it names;
//   - an address GFM links by itself: "www." and "http://", "https://"
//     and "ftp://" get a backslash before their "." or ":", an e-mail
//     address (or "mailto:"/"xmpp:") a word joiner before its "@";
//   - what GitHub would make a notification of: mdNoRef after a
//     mention's "@" or another repository's issue reference's "#".
//
// The text is taken to follow a space, punctuation or a line's start
// (every caller's template does so), and its end to be followed by
// anything.
func md(s string) string {
	s = mdEscapeText(s)
	if !strings.ContainsAny(s, "_~.:@#") {
		return s
	}
	r := []rune(s)
	word := func(i int) bool { return i >= 0 && i < len(r) && (unicode.IsLetter(r[i]) || unicode.IsDigit(r[i])) }
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		switch c := r[i]; {
		case c == '_' && !(word(i-1) && word(i+1)):
			b.WriteString(`\_`)
		case c == '~':
			j := i
			for j < len(r) && r[j] == '~' {
				j++
			}
			run := string(r[i:j])
			if mdMayClose(r, i, j) {
				run = strings.ReplaceAll(run, "~", `\~`)
			}
			b.WriteString(run)
			i = j - 1
		case c == '.' && mdWWW(r, i), c == ':' && mdScheme(r, i):
			b.WriteByte('\\')
			b.WriteRune(c)
		case c == '@' && mdEmail(r, i):
			b.WriteRune(mdWordJoiner)
			b.WriteRune(c)
		case c == '@' && mdMention(r, i), c == '#' && mdCrossRef(r, i):
			b.WriteRune(c)
			b.WriteString(mdNoRef)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// mdMayClose says whether the run of "~" r[i:j] is right-flanking
// (CommonMark's rule, which GFM's strikethrough uses): not after
// whitespace, and either not after punctuation or before whitespace or
// punctuation. The text's start counts as punctuation and its end as
// whitespace: what the template puts there may be either.
func mdMayClose(r []rune, i, j int) bool {
	if i > 0 && unicode.IsSpace(r[i-1]) {
		return false
	}
	if i > 0 && !mdPunct(r[i-1]) {
		return true
	}
	return j == len(r) || unicode.IsSpace(r[j]) || mdPunct(r[j]) || unicode.IsSymbol(r[j])
}

// mdPunct is CommonMark's punctuation: ASCII's (symbols too), and
// Unicode's.
func mdPunct(c rune) bool { return unicode.IsPunct(c) || c < 0x80 && unicode.IsSymbol(c) }

// mdEntity is an entity reference, whether or not its name is one (those
// that are not stay as typed anyway).
var mdEntity = regexp.MustCompile(`&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});`)

// mdEscapeText is mdEscaper's, and a backslash before an "&" that starts
// an entity (not before those of its own "&lt;" and "&gt;").
func mdEscapeText(s string) string {
	ents := mdEntity.FindAllStringIndex(s, -1)
	if ents == nil {
		return mdEscaper.Replace(s)
	}
	var b strings.Builder
	at := 0
	for _, e := range ents {
		b.WriteString(mdEscaper.Replace(s[at:e[0]]))
		b.WriteString(`\`)
		at = e[0]
	}
	b.WriteString(mdEscaper.Replace(s[at:]))
	return b.String()
}

// mdWWW says whether r[i], a ".", ends a "www" (any case) that GFM
// would link: at the text's start, or after whitespace or one of
// "*_~([]".
func mdWWW(r []rune, i int) bool {
	if i < 3 || !strings.EqualFold(string(r[i-3:i]), "www") {
		return false
	}
	return i == 3 || unicode.IsSpace(r[i-4]) || strings.ContainsRune("*_~([]", r[i-4])
}

// mdScheme says whether r[i], a ":", follows a scheme GFM links (the
// whole run of ASCII letters before it: "xhttp://" is no link) and
// comes before "//" and a host.
func mdScheme(r []rune, i int) bool {
	if i+3 >= len(r) || r[i+1] != '/' || r[i+2] != '/' || unicode.IsSpace(r[i+3]) || r[i+3] < 0x80 && mdPunct(r[i+3]) {
		return false
	}
	k := i
	for k > 0 && r[k-1] < 0x80 && unicode.IsLetter(r[k-1]) {
		k--
	}
	scheme := string(r[k:i])
	return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "ftp")
}

// mdEmailDomain is what follows an e-mail address's "@" for GFM: a
// domain with a dot in it (broadly: GFM asks a little more).
var mdEmailDomain = regexp.MustCompile(`^[A-Za-z0-9._-]*\.[A-Za-z0-9]`)

// mdEmail says whether r[i], an "@", is an e-mail address's for GFM:
// after one of the characters of an address's first part and before a
// domain.
func mdEmail(r []rune, i int) bool {
	if i == 0 {
		return false
	}
	if c := r[i-1]; !(c < 0x80 && (unicode.IsLetter(c) || unicode.IsDigit(c))) && !strings.ContainsRune(".+-_", c) {
		return false
	}
	return mdEmailDomain.MatchString(string(r[i+1:]))
}

// mdWordChar is a character of a word for GitHub's mentions and issue
// references (Ruby's \w): an ASCII letter or digit, or "_". A mention or
// reference starts at the text's start or after any other character.
func mdWordChar(c rune) bool {
	return c < 0x80 && (unicode.IsLetter(c) || unicode.IsDigit(c)) || c == '_'
}

// mdAlnum is an ASCII letter or digit, what a GitHub login starts with.
func mdAlnum(c rune) bool { return c < 0x80 && (unicode.IsLetter(c) || unicode.IsDigit(c)) }

// mdDigit is an ASCII digit, what an issue number starts with.
func mdDigit(c rune) bool { return c >= '0' && c <= '9' }

// mdMention says whether r[i], an "@", starts what GitHub takes for a
// mention of a person or team ("@ann", "@org/team", "(@3pm"): not after
// a word's character ("me@home", "5@3pm") and before a login's first.
func mdMention(r []rune, i int) bool {
	return (i == 0 || !mdWordChar(r[i-1])) && i+1 < len(r) && mdAlnum(r[i+1])
}

// mdCrossRef says whether r[i], a "#", is the one of what GitHub takes
// for a reference to another repository's issue or pull request:
// "owner/repo#12".
func mdCrossRef(r []rune, i int) bool {
	if i+1 >= len(r) || !mdDigit(r[i+1]) || i == 0 || !mdWordChar(r[i-1]) {
		return false
	}
	repo := func(c rune) bool { return mdWordChar(c) || c == '.' || c == '-' }
	k := i
	for k > 0 && repo(r[k-1]) {
		k--
	}
	return k > 1 && r[k-1] == '/' && repo(r[k-2])
}

// mdBlockStart is what makes a heading or a list item of its own at the
// start of a line's text (after "> " or "- ").
var mdBlockStart = regexp.MustCompile(`^(#|[-+]|\d{1,9}[.)])`)

// mdLine is md for text that starts a line's content: its heading or list
// marker escaped too, and a code fence's ("~~~", which md leaves as typed
// where it cannot close strikethrough), and only there.
func mdLine(s string) string {
	s = md(s)
	if strings.HasPrefix(s, "~~~") {
		return `\` + s
	}
	if m := mdBlockStart.FindStringIndex(s); m != nil {
		s = s[:m[1]-1] + `\` + s[m[1]-1:]
	}
	return s
}

// mdHeading is md for a heading's text: a "#" run at its end would be
// taken for the heading's closing marks, and dropped.
func mdHeading(s string) string {
	s = md(s)
	if rest := strings.TrimRight(s, "#"); rest != s && (rest == "" || strings.HasSuffix(rest, " ")) {
		s = rest + `\` + s[len(rest):]
	}
	return s
}

// The console's words for kinds, statuses and phases
// (frontend/src/lib/strings.ts), in reports people read: not the
// protocol's ("scale, results"). TestExportWordsAreTheConsoles fails
// when kindWords or statusWords and strings.ts differ.
var (
	kindWords = map[Kind]string{
		KindPoll: "Poll", KindScale: "Scale", KindSurvey: "Pulse survey", KindWords: "Word cloud", KindText: "Open text",
		KindRetro: "Retrospective", KindHelp: `"Can you help me?" board`, KindKudos: "Kudos wall",
	}
	statusWords = map[Status]string{
		StatusPrepared: "Prepared", StatusOpen: "Open", StatusClosed: "Closed", StatusResults: "Closed, results shown",
	}
)

func kindWord(k Kind) string     { return wordOr(kindWords[k], string(k)) }
func statusWord(s Status) string { return wordOr(statusWords[s], string(s)) }
func phaseWord(p string) string {
	if p == "" {
		return p
	}
	return strings.ToUpper(p[:1]) + p[1:]
}
func wordOr(w, fallback string) string {
	if w == "" {
		return fallback
	}
	return w
}

// Markdown is a readable report of the results.
func (r *RoomResults) Markdown() ([]byte, error) {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# %s\n\n", mdHeading(r.Title))
	if r.Date != "" {
		p("- Date: %s\n", r.Date)
	}
	if r.EndedAt != "" {
		// As people read it, as the comparison's heads say it; the JSON
		// and CSV keep RFC 3339.
		ended := r.EndedAt
		if t, err := time.Parse(time.RFC3339, r.EndedAt); err == nil {
			ended = t.UTC().Format("2006-01-02 15:04 UTC")
		}
		p("- Ended: %s\n", ended)
	}
	p("- Participants: %d\n- Exercises: %d\n", r.Participants, len(r.Exercises))
	for i, x := range r.Exercises {
		p("\n## %d. %s\n\n", i+1, mdHeading(x.Title))
		mode := "Anonymous"
		if !x.Anonymous {
			mode = "Named"
		}
		if x.Kind.IsVote() {
			p("*%s · %s · %s · %s*\n\n", kindWord(x.Kind), statusWord(x.Status), mode, plural(x.Responses, "answer"))
		} else if x.Retro != nil && x.Retro.Phase != "" && x.Status != StatusPrepared {
			p("*%s · %s · %s phase*\n\n", kindWord(x.Kind), statusWord(x.Status), phaseWord(x.Retro.Phase))
		} else {
			p("*%s · %s*\n\n", kindWord(x.Kind), statusWord(x.Status))
		}
		if x.Prompt != "" {
			p("> %s\n\n", mdLine(x.Prompt))
		}
		if x.FacilitatorNotes != "" {
			p("**Facilitator notes** (not shown to participants):\n\n")
			for _, l := range strings.Split(x.FacilitatorNotes, "\n") {
				p("> %s\n", mdLine(l))
			}
			p("\n")
		}
		switch {
		case !x.Kind.IsVote() && x.Status == StatusPrepared:
			// On the agenda, never opened: as a vote never opened says it,
			// not "0 cards written" or "No kudos".
			p("%s.\n", wordNotRun)
		case x.Vote != nil:
			writeVoteMD(&b, &x)
			writeByPersonMD(&b, &x)
		case x.Retro != nil:
			writeRetroMD(&b, x.Retro)
		case x.Help != nil:
			h := x.Help
			p("%d open, %d matched, %d resolved.\n\n", h.Counts.Open, h.Counts.Matched, h.Counts.Resolved)
			for _, q := range h.Requests {
				// Anonymous only when asked so: a named request by someone
				// who gave no name is not anonymous (the JSON says
				// "anonymous": false), it is unnamed.
				who := "anonymous"
				if !q.Anonymous {
					who = "asked by " + mdPerson(q.Requester)
				}
				p("- **%s** (%s; %s; %s)", md(q.Title), q.Status, who, plural(int64(q.Offers), "offer"))
				if q.Detail != "" {
					p(": %s", md(q.Detail))
				}
				p("\n")
				for _, s := range q.NextSteps {
					step := "no step agreed yet"
					if s.Step != "" {
						step = md(s.Step)
					}
					p("  - Next step with %s: %s\n", mdPerson(s.Helper), step)
				}
			}
		case x.Kudos != nil:
			if len(x.Kudos.Kudos) == 0 {
				p("No kudos.\n")
			}
			for _, k := range x.Kudos.Kudos {
				from := "anonymous"
				if !k.Anonymous {
					from = "from " + mdPerson(k.From)
				}
				// The app's words (kudos.toTeam, kudos.toName).
				to := "the whole team"
				if !k.Team {
					to = md(k.To)
				}
				p("- To %s (%s): %s\n", to, from, md(k.Message))
			}
		}
	}
	return b.Bytes(), nil
}

func writeVoteMD(b *bytes.Buffer, x *ExerciseResult) {
	v := x.Vote
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	switch x.hiddenReason() {
	case HiddenNotRun:
		// The comparison's words (lib.notRun in frontend/src/lib/strings.ts).
		p("%s.\n", wordNotRun)
		return
	case HiddenStillOpen:
		p("Results hidden: voting is still open (results when voting closes).\n")
		return
	case HiddenTooFew:
		p("Results hidden: fewer than %d people answered.\n", v.MinResponses)
		return
	}
	for _, q := range v.Questions {
		// A question without a prompt is a poll's or a scale's only one:
		// the exercise's line above already says how many answered. So
		// does an only question that repeats the exercise's prompt (or
		// title), which is said once, above.
		if q.Prompt != "" && !(len(v.Questions) == 1 && (alike(q.Prompt, x.Prompt) || alike(q.Prompt, x.Title))) {
			if q.Hidden && x.Anonymous { // no count of its answers (hideThin)
				p("**%s**\n\n", md(q.Prompt))
			} else {
				p("**%s** (%d answered)\n\n", md(q.Prompt), q.Answered)
			}
		}
		if q.Hidden {
			p("Hidden: fewer than %d people answered this question.\n\n", v.MinResponses)
			continue
		}
		p("| Answer | Count |\n|---|---:|\n")
		for _, c := range q.Counts {
			p("| %s | %d |\n", md(c.Label), c.Count)
		}
		if q.Mean != nil {
			p("\nMean %s, median %s.\n", fmtNum(*q.Mean), fmtNum(*q.Median))
		}
		p("\n")
	}
	if len(v.Words) > 0 {
		p("| Word | Count |\n|---|---:|\n")
		for _, w := range v.Words {
			p("| %s | %d |\n", md(w.Word), w.Count)
		}
		p("\n")
	}
	for _, t := range v.Texts {
		p("- %s\n", mdLine(t))
	}
	if v.HiddenTexts > 0 {
		p("\n*%s hidden by the facilitator.*\n", plural(int64(v.HiddenTexts), "answer"))
	}
	if v.HiddenWords > 0 {
		p("\n*%s hidden by the facilitator.*\n", plural(int64(v.HiddenWords), "word"))
	}
}

// writeByPersonMD writes a named vote's who answered what: a line for
// each person, their name first and in bold (mdPerson), which no answer
// of anyone's can make.
func writeByPersonMD(b *bytes.Buffer, x *ExerciseResult) {
	if len(x.Vote.ByPerson) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	if !bytes.HasSuffix(b.Bytes(), []byte("\n\n")) {
		p("\n")
	}
	p("**Who answered what**\n\n")
	for _, pa := range x.Vote.ByPerson {
		var said []string
		for _, w := range pa.Words {
			said = append(said, md(w))
		}
		if pa.Text != "" {
			said = append(said, md(pa.Text))
		}
		if pa.HiddenWords > 0 {
			said = append(said, "*"+plural(int64(pa.HiddenWords), "word")+" hidden by the facilitator*")
		}
		if pa.TextHidden {
			said = append(said, "*answer hidden by the facilitator*")
		}
		// A poll's or scale's one question is said on the person's
		// line; a survey's each on a line of its own, under it.
		var lines []string
		for _, a := range pa.Answers {
			if x.Kind != KindSurvey || a.Prompt == "" {
				said = append(said, md(a.Label))
			} else {
				lines = append(lines, fmt.Sprintf("  - %s: %s\n", md(a.Prompt), md(a.Label)))
			}
		}
		p("- %s", mdPerson(pa.Name))
		if len(said) > 0 {
			p(": %s", strings.Join(said, ", "))
		}
		p("\n%s", strings.Join(lines, ""))
	}
}

// alike says whether two texts read the same, case, spacing and the
// punctuation around them aside ("Where do we meet?", "where do we meet").
func alike(a, b string) bool { return b != "" && NormalizeWord(a) == NormalizeWord(b) }

func writeRetroMD(b *bytes.Buffer, r *RetroExport) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	if !r.Revealed {
		p("%s written, not revealed.\n", plural(int64(r.written()), "card"))
		return
	}
	for _, c := range r.Columns {
		p("### %s\n\n", mdHeading(c.Title))
		if len(c.Cards) == 0 {
			p("No cards.\n\n")
			continue
		}
		for _, cd := range c.Cards {
			p("- %s", mdLine(cd.Text))
			var extra []string
			if cd.Author != "" {
				extra = append(extra, "by "+mdPerson(cd.Author))
			}
			if cd.Group != "" {
				extra = append(extra, "in "+md(cd.Group))
			}
			if cd.Dots != nil {
				extra = append(extra, plural(*cd.Dots, "dot"))
			}
			if len(extra) > 0 {
				p(" (%s)", strings.Join(extra, ", "))
			}
			p("\n")
		}
		p("\n")
	}
	if len(r.Groups) > 0 {
		p("### Groups\n\n")
		for _, g := range r.Groups {
			p("- **%s**", md(g.Title))
			if g.Dots != nil {
				p(" (%s)", plural(*g.Dots, "dot"))
			}
			cards := make([]string, len(g.Cards))
			for i, c := range g.Cards {
				cards[i] = md(c)
			}
			p(": %s\n", strings.Join(cards, "; "))
		}
		p("\n")
	}
	if len(r.Actions) > 0 {
		p("### Action items\n\n")
		for _, a := range r.Actions {
			box := " "
			if a.Done {
				box = "x"
			}
			p("- [%s] %s", box, md(a.Text))
			var extra []string
			if a.Owner != "" {
				extra = append(extra, "owner "+mdPerson(a.Owner))
			}
			if a.Due != "" {
				extra = append(extra, "due "+a.Due)
			}
			if a.Item != "" {
				extra = append(extra, "from "+md(a.Item))
			}
			if len(extra) > 0 {
				p(" (%s)", strings.Join(extra, ", "))
			}
			p("\n")
		}
	}
}

func plural(n int64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
