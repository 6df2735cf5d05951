package exercises

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"huddle/rooms"
)

// Command and event types of exercises (docs/protocol.md).
const (
	CmdAgendaAdd    = "agenda.add"
	CmdAgendaUpdate = "agenda.update"
	CmdAgendaRemove = "agenda.remove"
	CmdAgendaMove   = "agenda.move"
	CmdAgendaGo     = "agenda.go"
	CmdAgendaNext   = "agenda.next"

	CmdOpen       = "exercise.open"
	CmdClose      = "exercise.close"
	CmdShow       = "exercise.show"
	CmdHide       = "exercise.hide"
	CmdTimer      = "exercise.timer"
	CmdAnswer     = "exercise.answer"
	CmdHideAnswer = "exercise.hide_answer"

	EvAgendaUpdated    = "agenda.updated"
	EvExerciseUpdated  = "exercise.updated"
	EvExerciseNotes    = "exercise.notes"
	EvExerciseRemoved  = "exercise.removed"
	KeyAgenda          = "agenda"
	SectionExercises   = "exercises"
	stateKeyPrefix     = "ex:"
	exerciseDocPrefix  = "ex:"
	exerciseIDAttempts = 8
)

var (
	facilitator = []rooms.Role{rooms.RoleFacilitator}
	participant = []rooms.Role{rooms.RoleParticipant}
)

// Register adds every exercise's commands, coalesced state and snapshot
// section to the room service, with the default limits.
func Register(svc *rooms.Service) { RegisterWith(svc, LimitsFrom(svc.Limits())) }

// RegisterWith is Register with the server's exercise limits.
func RegisterWith(svc *rooms.Service, lim Limits) {
	now := svc.Now
	reg := func(typ string, roles []rooms.Role, fn func(tx *rooms.Tx) error) {
		svc.Register(typ, rooms.Handler{Roles: roles, Apply: fn})
	}
	reg(CmdAgendaAdd, facilitator, func(tx *rooms.Tx) error { return agendaAdd(tx, lim) })
	reg(CmdAgendaUpdate, facilitator, func(tx *rooms.Tx) error { return agendaUpdate(tx, lim) })
	reg(CmdAgendaRemove, facilitator, agendaRemove)
	reg(CmdAgendaMove, facilitator, agendaMove)
	reg(CmdAgendaGo, facilitator, agendaGo)
	reg(CmdAgendaNext, facilitator, agendaNext)
	reg(CmdOpen, facilitator, func(tx *rooms.Tx) error { return lifecycle(tx, StatusOpen) })
	reg(CmdClose, facilitator, func(tx *rooms.Tx) error { return lifecycle(tx, StatusClosed) })
	reg(CmdShow, facilitator, func(tx *rooms.Tx) error { return lifecycle(tx, StatusResults) })
	reg(CmdHide, facilitator, hideResults)
	reg(CmdTimer, facilitator, func(tx *rooms.Tx) error { return timer(tx, lim, now()) })
	// The facilitator's test participant's answers are checked, not
	// counted (rooms.Member.Preview).
	svc.Register(CmdAnswer, rooms.Handler{Roles: participant, Apply: func(tx *rooms.Tx) error { return answer(tx, lim) }, Prefetch: answerPrefetch, Assume: ballotAssumed, PreviewDry: true})
	reg(CmdHideAnswer, facilitator, func(tx *rooms.Tx) error { return hideAnswer(tx, lim) })
	registerRetro(svc, lim)
	registerBoards(svc, lim)
	svc.RegisterState(stateKeyPrefix, exerciseState)
	// Exercises are read by nearly every command and written by few: each
	// node caches them (every read is still a precondition of the change).
	svc.CacheDocs(exerciseDocPrefix)
	// Ballots are each one person's: a participant's snapshot loads their own.
	svc.RegisterPrivateDocs("bal:", func(st *rooms.State, v rooms.Viewer) []string {
		var keys []string
		var a Agenda
		if d, ok := st.Docs[KeyAgenda]; ok && json.Unmarshal(d.Value, &a) == nil {
			for _, id := range a.Items {
				// Only what names the ballot: decoding whole exercises
				// here was most of a participant's snapshot.
				var e struct {
					ID        string `json:"id"`
					Kind      Kind   `json:"kind"`
					Anonymous *bool  `json:"anonymous"`
				}
				if d, ok := st.Docs[exerciseDocPrefix+id]; ok && json.Unmarshal(d.Value, &e) == nil && e.Kind.IsVote() {
					ex := Exercise{ID: e.ID, Spec: Spec{Kind: e.Kind, Anonymous: e.Anonymous}}
					keys = append(keys, ballotKey(ex.ID, voterKey(v.Member, ex)))
				}
			}
		}
		return keys
	})
	svc.RegisterStateKeys(func(ctx context.Context, st rooms.Store, room string) ([]string, error) {
		docs, err := st.Get(ctx, room, KeyAgenda)
		if err != nil || docs[0].Version == 0 {
			return nil, err
		}
		var a Agenda
		if err := json.Unmarshal(docs[0].Value, &a); err != nil {
			return nil, err
		}
		keys := make([]string, len(a.Items))
		for i, id := range a.Items {
			keys[i] = stateKey(id)
		}
		return keys, nil
	}, KeyAgenda)
	svc.RegisterSection(SectionExercises, snapshotSection)
}

// ExerciseRef is the data of commands about one exercise.
type ExerciseRef struct {
	Exercise string `json:"exercise"`
}

func decodeRef(tx *rooms.Tx, v any) error {
	if err := tx.Decode(v); err != nil {
		return err
	}
	return nil
}

func loadAgenda(tx *rooms.Tx) (Agenda, error) {
	var a Agenda
	_, err := tx.GetJSON(KeyAgenda, &a)
	return a, err
}

func putAgenda(tx *rooms.Tx, a Agenda) error {
	if a.Items == nil {
		a.Items = []string{}
	}
	if err := tx.Put(KeyAgenda, a); err != nil {
		return err
	}
	return tx.Emit(EvAgendaUpdated, a, rooms.Audience{})
}

func loadExercise(tx *rooms.Tx, id string) (Exercise, error) {
	var e Exercise
	if id == "" {
		return e, rooms.FieldError(rooms.CodeBadMessage, "exercise", "exercise is required")
	}
	ok, err := tx.GetJSON(exerciseDocPrefix+id, &e)
	if err != nil {
		return e, err
	}
	if !ok {
		return e, rooms.FieldError(rooms.CodeNotFound, "exercise", "no such exercise")
	}
	return e, nil
}

// viewExercise is loadExercise for a handler that only reads the
// exercise, as a vote does: its value is shared by the node's commands
// (rooms.Shared), decoded once per version, and must not be changed.
func viewExercise(tx *rooms.Tx, id string) (*Exercise, error) {
	if err := checkRef("exercise", id); err != nil {
		return nil, err
	}
	e, ok, err := rooms.Shared[Exercise](tx, exerciseDocPrefix+id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, rooms.FieldError(rooms.CodeNotFound, "exercise", "no such exercise")
	}
	return e, nil
}

// putExercise stores e and tells everyone; the notes go to facilitators
// only.
func putExercise(tx *rooms.Tx, e Exercise, notesChanged bool) error {
	if err := tx.Put(exerciseDocPrefix+e.ID, e); err != nil {
		return err
	}
	if err := tx.Emit(EvExerciseUpdated, e.Public(), rooms.Audience{}); err != nil {
		return err
	}
	if notesChanged {
		return tx.Emit(EvExerciseNotes, map[string]string{"exercise": e.ID, "notes": e.Notes}, rooms.Audience{Facilitators: true})
	}
	return nil
}

func newShortID() string { return strings.ReplaceAll(uuid.NewString(), "-", "")[:12] }

func agendaAdd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Spec Spec `json:"spec"`
		At   *int `json:"at"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	spec, err := Validate(args.Spec, lim)
	if err != nil {
		return err
	}
	if err := Distinct(spec); err != nil {
		return err
	}
	a, err := loadAgenda(tx)
	if err != nil {
		return err
	}
	var id string
	for range exerciseIDAttempts {
		id = newShortID()
		docs, err := tx.Get(exerciseDocPrefix + id)
		if err != nil {
			return err
		}
		if docs[0].Version == 0 {
			break
		}
	}
	at := -1
	if args.At != nil {
		at = *args.At
	}
	if a, err = a.Add(id, at, lim); err != nil {
		return err
	}
	e := Exercise{ID: id, Spec: spec, Status: StatusPrepared}
	if err := putExercise(tx, e, e.Notes != ""); err != nil {
		return err
	}
	tx.Result(map[string]string{"exercise": id})
	return putAgenda(tx, a)
}

func agendaUpdate(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Spec     Spec   `json:"spec"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := loadExercise(tx, args.Exercise)
	if err != nil {
		return err
	}
	spec, err := Validate(args.Spec, lim)
	if err != nil {
		return err
	}
	if e.Status != StatusPrepared && !sameShape(raisedToFloor(e.Spec, spec, lim), spec) {
		return rooms.Errorf(CodeWrongStatus, "once an exercise has been opened only its texts, notes and timer can change")
	}
	if e.Status != StatusPrepared && e.Kind.IsVote() {
		// Once an answer is counted, what it answered stays worded as it
		// was: options swapped by their labels ("Yes" and "No") would
		// show every vote for Yes as one for No.
		cs, err := tx.Counters(responsesKey(e.ID))
		if err != nil {
			return err
		}
		if cs[0] > 0 {
			if err := reworded(e.Spec, spec); err != nil {
				return err
			}
		}
	}
	// An opened one keeps its options and columns as they were (above):
	// only one still prepared can be made to read differently.
	if e.Status == StatusPrepared {
		if err := Distinct(spec); err != nil {
			return err
		}
	}
	if spec.MinResponses > e.MinResponses && !e.ResultsSeen && (e.Status == StatusClosed || e.Status == StatusResults) && e.Kind.IsVote() && e.IsAnonymous() {
		// Raised after its close: what was seen at the old threshold
		// stays seen (a document closed before Exercise.ResultsSeen
		// existed has no flag yet).
		counters, err := lifecycleCounters(tx, e, StatusClosed)
		if err != nil {
			return err
		}
		e.ResultsSeen = resultsSeen(e, counters)
	}
	notes := e.Notes != spec.Notes
	e.Spec = spec
	return putExercise(tx, e, notes)
}

// raisedToFloor is old with spec's minResponses when spec raises an
// anonymous vote's from below the server's floor (min-responses) to it.
// A vote made before the floor, or under a lower one, keeps its threshold
// (Validate checks only what is sent), but one of its edits, which sends
// the whole spec again, could then never pass: it may be raised, even
// once opened, since a higher threshold only hides results longer.
func raisedToFloor(old, spec Spec, lim Limits) Spec {
	if old.Kind.IsVote() && old.IsAnonymous() && old.MinResponses < lim.MinAnonymous && spec.MinResponses == lim.MinAnonymous {
		old.MinResponses = spec.MinResponses
	}
	return old
}

// reworded refuses, in a vote someone has answered, a change of what the
// answers answered: the vote's prompt, a question's prompt, an option's
// label or a scale's end labels (a and b have the same shape,
// sameShape). A change that reads the same once folded (foldWording:
// case, spacing, NFKC; not the punctuation around it, which a word
// cloud's NormalizeWord drops, for "-1" is not "1") changes no answer's
// meaning, and is taken; so is anything else
// agenda.update may change of an opened exercise: the title, which names
// the exercise and not what anyone answered, the notes and the timer.
func reworded(a, b Spec) error {
	changed := func(was, now string) bool { return foldWording(was) != foldWording(now) }
	refuse := func(field, what, was, now string) error {
		change := fmt.Sprintf("changing %s from %s to %s", what, Quote(was), Quote(now))
		switch {
		case was == "":
			change = fmt.Sprintf("giving %s the words %s", what, Quote(now))
		case now == "":
			change = fmt.Sprintf("taking %s (%s) away", what, Quote(was))
		}
		return rooms.FieldError(CodeHasAnswers, field, "people have answered already: %s now would change what their answers mean; add a new exercise instead", change)
	}
	if changed(a.Prompt, b.Prompt) {
		return refuse("prompt", "the question", a.Prompt, b.Prompt)
	}
	for i := range a.Questions {
		qa, qb := a.Questions[i], b.Questions[i]
		field := fmt.Sprintf("questions[%d]", i)
		of := ""
		if len(a.Questions) > 1 {
			of = fmt.Sprintf(" of question %d", i+1)
		}
		if pa, pb := asked(a, qa), asked(b, qb); changed(pa, pb) {
			return refuse(field+".prompt", fmt.Sprintf("question %d", i+1), pa, pb)
		}
		for j := range qa.Options {
			if changed(qa.Options[j].Label, qb.Options[j].Label) {
				return refuse(fmt.Sprintf("%s.options[%d].label", field, j), fmt.Sprintf("option %d%s", j+1, of), qa.Options[j].Label, qb.Options[j].Label)
			}
		}
		if changed(qa.MinLabel, qb.MinLabel) {
			return refuse(field+".minLabel", "the low end's label"+of, qa.MinLabel, qb.MinLabel)
		}
		if changed(qa.MaxLabel, qb.MaxLabel) {
			return refuse(field+".maxLabel", "the high end's label"+of, qa.MaxLabel, qb.MaxLabel)
		}
	}
	return nil
}

// asked is what a question asks: its prompt, or a poll's or scale's
// without one, the exercise's (the console's form sends the one as the
// other: an edit of a poll stored with its question's prompt empty sends
// the exercise's there, and rewords nothing).
func asked(s Spec, q Question) string {
	if q.Prompt == "" && (s.Kind == KindPoll || s.Kind == KindScale) {
		return s.Prompt
	}
	return q.Prompt
}

// sameShape reports whether a spec change keeps everything answers and
// tallies depend on: kind, anonymity, questions' ids, kinds, options and
// ranges, and the retro's columns and dots.
func sameShape(a, b Spec) bool {
	if a.Kind != b.Kind || a.IsAnonymous() != b.IsAnonymous() || a.AllowChange != b.AllowChange ||
		a.MinResponses != b.MinResponses || a.MaxEntries != b.MaxEntries || len(a.Questions) != len(b.Questions) {
		return false
	}
	for i := range a.Questions {
		qa, qb := a.Questions[i], b.Questions[i]
		if qa.ID != qb.ID || qa.Kind != qb.Kind || qa.Min != qb.Min || qa.Max != qb.Max ||
			qa.Multi != qb.Multi || qa.MaxChoices != qb.MaxChoices || len(qa.Options) != len(qb.Options) {
			return false
		}
		for j := range qa.Options {
			if qa.Options[j].ID != qb.Options[j].ID {
				return false
			}
		}
	}
	if (a.Retro == nil) != (b.Retro == nil) {
		return false
	}
	if a.Retro != nil {
		if a.Retro.Dots != b.Retro.Dots || a.Retro.MaxPerItem != b.Retro.MaxPerItem || len(a.Retro.Columns) != len(b.Retro.Columns) {
			return false
		}
		for i := range a.Retro.Columns {
			if a.Retro.Columns[i].ID != b.Retro.Columns[i].ID {
				return false
			}
		}
	}
	return true
}

func agendaRemove(tx *rooms.Tx) error {
	var args ExerciseRef
	if err := decodeRef(tx, &args); err != nil {
		return err
	}
	if _, err := loadExercise(tx, args.Exercise); err != nil {
		return err
	}
	a, err := loadAgenda(tx)
	if err != nil {
		return err
	}
	if a, err = a.Remove(args.Exercise); err != nil {
		return err
	}
	tx.Delete(exerciseDocPrefix + args.Exercise)
	if err := tx.Emit(EvExerciseRemoved, args, rooms.Audience{}); err != nil {
		return err
	}
	return putAgenda(tx, a)
}

func agendaMove(tx *rooms.Tx) error {
	var args struct {
		Exercise string `json:"exercise"`
		To       int    `json:"to"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	a, err := loadAgenda(tx)
	if err != nil {
		return err
	}
	if a, err = a.Move(args.Exercise, args.To); err != nil {
		return err
	}
	return putAgenda(tx, a)
}

func agendaGo(tx *rooms.Tx) error {
	var args ExerciseRef
	if err := decodeRef(tx, &args); err != nil {
		return err
	}
	a, err := loadAgenda(tx)
	if err != nil {
		return err
	}
	if args.Exercise != "" && a.Current == args.Exercise {
		return nil
	}
	// Missing or unknown: not_found (docs/protocol.md 8.5), also when no
	// exercise is current.
	if a, err = a.Go(args.Exercise); err != nil {
		return err
	}
	return putAgenda(tx, a)
}

// agendaNext makes the item after the current one current. With "from",
// the item the facilitator saw as current, it moves on from that one
// only: a second click, or one queued while the console was offline,
// that arrives after the move changes nothing and is acked with the item
// now current, instead of skipping an exercise.
func agendaNext(tx *rooms.Tx) error {
	var args struct {
		From string `json:"from"`
	}
	if err := decodeRef(tx, &args); err != nil {
		return err
	}
	a, err := loadAgenda(tx)
	if err != nil {
		return err
	}
	if args.From != "" && a.Current != args.From {
		tx.Result(map[string]string{"exercise": a.Current})
		return nil
	}
	if a, err = a.Next(); err != nil {
		return err
	}
	tx.Result(map[string]string{"exercise": a.Current})
	return putAgenda(tx, a)
}

func lifecycle(tx *rooms.Tx, to Status) error {
	var args ExerciseRef
	if err := decodeRef(tx, &args); err != nil {
		return err
	}
	e, err := loadExercise(tx, args.Exercise)
	if err != nil {
		return err
	}
	if e.Status == to {
		return nil
	}
	if to == StatusResults && e.Kind == KindRetro && phaseOf(e) == PhaseWrite {
		// Shown results show every card: in the write phase each card is
		// still its author's alone, and only the phases reveal them.
		return rooms.Errorf(CodeWrongPhase, "a retrospective's cards are private while they are written; reveal them first")
	}
	counters, err := lifecycleCounters(tx, e, to)
	if err != nil {
		return err
	}
	if e, err = Transition(e, to, counters); err != nil {
		return err
	}
	if to != StatusOpen {
		e.EndsAt = nil
	}
	if to == StatusResults && e.Kind == KindRetro && e.VoteHeld {
		e.DotsFinal = true // shown results show the dot totals
	}
	// Who may see results changed: refresh the coalesced state.
	tx.Touch(stateKey(e.ID))
	return putExercise(tx, e, false)
}

// hideResults takes shown results off the screens (the exercise stays
// closed); it never closes an open exercise.
func hideResults(tx *rooms.Tx) error {
	var args ExerciseRef
	if err := decodeRef(tx, &args); err != nil {
		return err
	}
	e, err := loadExercise(tx, args.Exercise)
	if err != nil {
		return err
	}
	switch e.Status {
	case StatusResults:
		return lifecycle(tx, StatusClosed)
	case StatusClosed:
		return nil
	}
	return rooms.Errorf(CodeWrongStatus, "only shown results can be hidden")
}

func timer(tx *rooms.Tx, lim Limits, now time.Time) error {
	var args struct {
		Exercise string `json:"exercise"`
		Seconds  *int   `json:"seconds"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := loadExercise(tx, args.Exercise)
	if err != nil {
		return err
	}
	secs := e.TimerSeconds
	if args.Seconds != nil {
		secs = *args.Seconds
	}
	if secs < 0 || secs > lim.MaxTimer {
		return rooms.FieldError(rooms.CodeInvalid, "seconds", "seconds must be 0 to %d", lim.MaxTimer)
	}
	if secs == 0 {
		if args.Seconds == nil {
			return rooms.FieldError(rooms.CodeInvalid, "seconds", "this exercise has no preset timer; give seconds")
		}
		e.EndsAt = nil
	} else {
		t := now.UTC().Add(time.Duration(secs) * time.Second).Truncate(time.Second)
		e.EndsAt = &t
	}
	return putExercise(tx, e, false)
}

// voterKey is the key a ballot is kept under. In anonymous mode it is
// derived from the voter's token and the exercise, so nothing in the
// store can link it to the voter, and it differs from one exercise to the
// next, so a person's answers across exercises cannot be joined either.
func voterKey(m *rooms.Member, e Exercise) string {
	if e.IsAnonymous() {
		return "a:" + m.Opaque("ballot:"+e.ID)
	}
	return "m:" + m.ID
}

// answerPrefetch names what answer reads: the exercise and the voter's
// ballot, so that a vote reads everything in one round trip with the
// room and the member. When the node has the exercise cached, its
// anonymity names the one ballot key; when not (the node's first vote in
// the room, or the first after the exercise changed), the anonymous key
// is read, as most votes are: reading the named key with it would name
// the member (its key holds their id) next to their anonymous ballot key
// in one command, which MONITOR shows. A named exercise's ballot is then
// read apart, by the handler.
func answerPrefetch(tx *rooms.Tx) []string {
	var args struct {
		Exercise string `json:"exercise"`
	}
	if json.Unmarshal(tx.Data, &args) != nil || !validRef(args.Exercise) {
		return nil // answer refuses it, and no key is made for it
	}
	key := exerciseDocPrefix + args.Exercise
	// Decoded once per version and shared with the handler (viewExercise).
	if e, ok := rooms.PeekShared[Exercise](tx, key); ok {
		return []string{key, ballotKey(e.ID, voterKey(tx.Actor, *e))}
	}
	// An exercise's id is the end of its key (agendaAdd).
	anon := true
	keys := []string{key}
	if v := voterKey(tx.Actor, Exercise{ID: args.Exercise, Spec: Spec{Anonymous: &anon}}); v != "a:" {
		keys = append(keys, ballotKey(args.Exercise, v))
	}
	return keys
}

// ballotAssumed guesses that the voter has no ballot yet (see
// rooms.Handler.Assume): most answers are someone's first in that
// exercise, and when the node has the exercise cached they then cost the
// store one round trip, the write. A changed answer or a second try is a
// wrong guess the first time, which costs one conflict and then the read
// it would have had.
func ballotAssumed(key string) bool { return strings.HasPrefix(key, "bal:") }

// cmdRefs are the ids a participant's command names in its data, as
// Prefetch reads them: decoding only these fields skips the rest.
type cmdRefs struct {
	Exercise string `json:"exercise"`
	Card     string `json:"card"`
	Item     string `json:"item"`
	Delta    int    `json:"delta"`
	Request  string `json:"request"`
	To       string `json:"to"`
}

// refPrefetch makes a Prefetch for a command about one exercise: the
// exercise, plus the keys more returns: documents the handler reads whose
// keys the command's data and the actor name without the exercise being
// read first (a card, a request, the actor's opaque dot allocation). A
// key that depends on what a read finds (a card's group) is left to the
// handler. more leaves out ids the handler refuses (checkRef), so a bad
// command costs no pointless read.
func refPrefetch(more func(tx *rooms.Tx, r cmdRefs) []string) func(tx *rooms.Tx) []string {
	return func(tx *rooms.Tx) []string {
		var r cmdRefs
		if json.Unmarshal(tx.Data, &r) != nil || !validRef(r.Exercise) {
			return nil
		}
		keys := []string{exerciseDocPrefix + r.Exercise}
		if more != nil {
			keys = append(keys, more(tx, r)...)
		}
		return keys
	}
}

func answer(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Ballot   Ballot `json:"ballot"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	shared, err := viewExercise(tx, args.Exercise)
	if err != nil {
		return err
	}
	e := *shared // a copy of the fields; what they point to stays shared: read only
	if !e.Kind.IsVote() {
		return rooms.FieldError(rooms.CodeInvalid, "exercise", "a %s exercise takes no ballot", e.Kind)
	}
	if e.Status != StatusOpen {
		return rooms.Errorf(CodeWrongStatus, "this exercise is not open for answers")
	}
	b, err := NormalizeBallot(e, args.Ballot, lim)
	if err != nil {
		return err
	}
	voter := voterKey(tx.Actor, e)
	if voter == "a:" {
		return rooms.Errorf(rooms.CodeInternal, "no anonymous key for this member")
	}
	key := ballotKey(e.ID, voter)
	var old Ballot
	had, err := tx.GetJSON(key, &old)
	if err != nil {
		return err
	}
	already := rooms.Errorf(CodeAlreadyAnswered, "you have answered already")
	var prev *Ballot
	if had {
		if !e.AllowChange {
			return already
		}
		prev = &old
	} else {
		tx.Once(votedSet(e.ID), voter, already)
		tx.Incr(responsesKey(e.ID), 1, 0, nil)
	}
	if e.Kind == KindText {
		t := TextAnswer{ID: old.TextID, Text: b.Text}
		grow := t.boardBytes()
		if t.ID == "" {
			t.ID = newShortID()
		} else {
			// A changed answer replaces its text: what it counted goes.
			grow -= TextAnswer{Text: old.Text}.boardBytes()
			// An answer the facilitator hid stays hidden when its writer
			// changes it: otherwise changing one word of an unkind answer
			// would put it back on every screen. The facilitator may show
			// it again (exercise.hide_answer, hidden false).
			var was TextAnswer
			if _, err := tx.GetJSON(textKey(e.ID, t.ID), &was); err != nil {
				return err
			}
			t.Hidden = was.Hidden
		}
		b.TextID = t.ID
		growBoard(tx, e, grow, "ballot.text", lim)
		if err := tx.Put(textKey(e.ID, t.ID), t); err != nil {
			return err
		}
	}
	for _, in := range Delta(e, prev, b) {
		tx.Incr(in.Key, in.By, 0, nil)
	}
	if err := tx.Put(key, b); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	return nil
}

func hideAnswer(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Answer   string `json:"answer"`
		Hidden   bool   `json:"hidden"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := loadExercise(tx, args.Exercise)
	if err != nil {
		return err
	}
	switch e.Kind {
	case KindText:
		return setHidden(tx, e, "answer", textKey(e.ID, args.Answer), args.Answer, args.Hidden, func(t *TextAnswer) *bool { return &t.Hidden })
	case KindWords:
		// A word cloud's answer is a word, named as results show it (or
		// as typed: it is folded the same way).
		w := NormalizeWord(args.Answer)
		if w == "" {
			return rooms.FieldError(rooms.CodeBadMessage, "answer", "answer is required")
		}
		if len([]rune(w)) > WordMaxLen {
			return rooms.FieldError(rooms.CodeInvalid, "answer", "a word is at most %d characters", WordMaxLen)
		}
		// Whether anyone entered a word is a result. Below the exercise's
		// minimum of answers the facilitator sees none, and an answer to
		// "hide this word" must not tell them what the first few people
		// wrote: so no word is hidden then, and a word is hidden whether
		// or not anyone entered it (the flag of a word nobody entered
		// changes nothing, and counts against max-items).
		cs, err := tx.Counters(responsesKey(e.ID))
		if err != nil {
			return err
		}
		if n := cs[0]; n < int64(e.MinResponses) {
			return rooms.Errorf(CodeTooFewResponses, "results stay hidden until %d people have answered (%d so far): there is nothing to hide yet", e.MinResponses, n)
		}
		anyWord := func() (hiddenWord, bool, error) { return hiddenWord{Word: w}, true, nil }
		flipped, err := flipHidden(tx, e, "answer", hiddenWordKey(e.ID, w), args.Hidden, func(h *hiddenWord) *bool { return &h.Hidden }, anyWord)
		if flipped {
			// How many are hidden, for readInputs; at most max-items.
			if args.Hidden {
				tx.Incr(hiddenWordsKey(e.ID), 1, int64(lim.MaxItems), tooMany("hidden words", lim.MaxItems))
			} else {
				tx.Incr(hiddenWordsKey(e.ID), -1, 0, nil)
			}
		}
		return err
	}
	return rooms.FieldError(rooms.CodeInvalid, "exercise", "only open-text answers and word-cloud words can be hidden")
}

// setHidden is moderation, shared by open-text answers and kudos: it hides
// (or shows again) one item of an exercise, in any status, and refreshes
// the exercise's state. field names the item in errors.
func setHidden[T any](tx *rooms.Tx, e Exercise, field, key, id string, hidden bool, flag func(*T) *bool) error {
	if err := checkRef(field, id); err != nil {
		return err
	}
	_, err := flipHidden(tx, e, field, key, hidden, flag, nil)
	return err
}

// flipHidden is setHidden once the item is named, and says whether the
// flag changed. made, when not nil, gives an item that has no document
// yet (a word cloud's word is a counter) and whether it exists.
func flipHidden[T any](tx *rooms.Tx, e Exercise, field, key string, hidden bool, flag func(*T) *bool, made func() (T, bool, error)) (bool, error) {
	var item T
	ok, err := tx.GetJSON(key, &item)
	if err != nil {
		return false, err
	}
	if !ok && made != nil {
		if item, ok, err = made(); err != nil {
			return false, err
		}
	}
	if !ok {
		return false, rooms.FieldError(rooms.CodeNotFound, field, "no such %s", field)
	}
	if *flag(&item) == hidden {
		return false, nil
	}
	*flag(&item) = hidden
	if err := tx.Put(key, item); err != nil {
		return false, err
	}
	tx.Touch(stateKey(e.ID))
	return true, nil
}

// VoteView is a vote's live state as one role sees it.
type VoteView struct {
	Exercise     string `json:"exercise"`
	Status       Status `json:"status"`
	Responses    int64  `json:"responses"`
	MinResponses int    `json:"minResponses"`
	Anonymous    bool   `json:"anonymous"`
	// Final (facilitators only; absent when false): an anonymous vote,
	// closed or its results shown, whose facilitator has seen some of its
	// results (seenBefore), so it does not open again (Transition). The
	// console says "closed for good" by it, never by responses and
	// minResponses alone: a survey whose every question fewer than the
	// threshold answered shows nothing, and may open again.
	Final   bool     `json:"final,omitempty"`
	Results *Results `json:"results,omitempty"`
	// ByMember is named mode's "who answered what", for facilitators.
	ByMember []NamedBallot `json:"byMember,omitempty"`
}

// NamedBallot is one person's ballot in named mode.
type NamedBallot struct {
	Member string `json:"member"`
	Name   string `json:"name"`
	Ballot Ballot `json:"ballot"`
}

// voteViews computes what facilitators and participants see of a vote.
// Results stay hidden from everyone below the threshold, and from
// participants until the facilitator shows them. While an anonymous vote
// is open its facilitators see only how many answered: a tally that moves
// as each person answers, watched beside who is here (someone coming back
// online and the count going up with one option), would tell who chose
// what. They see the results once voting closes.
func voteViews(e Exercise, counters map[string]int64, texts []TextAnswer, hiddenWords map[string]bool, named []NamedBallot) (fac, part VoteView) {
	n := counters[responsesKey(e.ID)]
	base := VoteView{Exercise: e.ID, Status: e.Status, Responses: n, MinResponses: e.MinResponses, Anonymous: e.IsAnonymous()}
	fac, part = base, base
	if voteHiddenReason(e.Status, e.IsAnonymous(), n, e.MinResponses) == "" {
		r := Tally(e, counters, texts, hiddenWords, true)
		r.hideThin(e.MinResponses, e.IsAnonymous())
		fac.Results = &r
		if e.Status == StatusResults {
			p := Tally(e, counters, texts, hiddenWords, false)
			p.hideThin(e.MinResponses, e.IsAnonymous())
			part.Results = &p
		}
	}
	// Not while open: a flag that turned as people answered would tell,
	// beside the count, which question the last one answered.
	fac.Final = e.IsAnonymous() && (e.Status == StatusClosed || e.Status == StatusResults) && seenBefore(e, counters)
	if !e.IsAnonymous() {
		fac.ByMember = named
	}
	return fac, part
}

// exerciseState is the coalesced state "ex:<id>". The exercise and the
// room's counters come in one read (one round trip on Redis: the hub
// computes this for every flush of a tally on every node); the documents
// the exercise's views read, which only the exercise names, in a second
// when it has any.
func exerciseState(ctx context.Context, st rooms.Store, room, key string) (rooms.StateView, error) {
	id := strings.TrimPrefix(key, stateKeyPrefix)
	v, err := rooms.ReadView(ctx, st, room, rooms.ViewQuery{Keys: []string{exerciseDocPrefix + id}, CounterPrefixes: []string{""}})
	if err != nil || v.Docs[0].Version == 0 {
		return rooms.StateView{}, err
	}
	var e Exercise
	if err := json.Unmarshal(v.Docs[0].Value, &e); err != nil {
		return rooms.StateView{}, err
	}
	in, err := readInputs(ctx, st, room, e, v.Counters)
	if err != nil {
		return rooms.StateView{}, err
	}
	return stateViews(e, in)
}

// inputs is what an exercise's views are computed from.
type inputs struct {
	counters map[string]int64
	docs     map[string]rooms.Doc // the exercise's documents by key
	// ended: the room has ended and the viewer is its facilitator, so
	// nothing is hidden for a later phase (a retro ended in Write shows
	// its cards; see retroViews).
	ended bool
}

// readInputs keeps e's counters out of counters (the room's, read with
// the exercise) and reads e's documents in one read and, in named mode,
// the documents of the members who answered in one more.
func readInputs(ctx context.Context, st rooms.Store, room string, e Exercise, counters map[string]int64) (inputs, error) {
	in := inputs{counters: map[string]int64{}, docs: map[string]rooms.Doc{}}
	for k, v := range counters {
		if counterOf(k, e.ID) {
			in.counters[k] = v
		}
	}
	ps := docPrefixes(e)
	if e.Kind == KindWords && in.counters[hiddenWordsKey(e.ID)] <= 0 {
		// Nothing hidden (nearly every word cloud): no read of the flags
		// on each flush of the tally.
		ps = slices.DeleteFunc(ps, func(p string) bool { return p == hiddenWordPrefix(e.ID) })
	}
	if len(ps) > 0 {
		v, err := rooms.ReadView(ctx, st, room, rooms.ViewQuery{DocPrefixes: ps})
		if err != nil {
			return in, err
		}
		for _, d := range v.Found {
			in.docs[d.Key] = d
		}
	}
	if !e.IsAnonymous() && e.Kind.IsVote() {
		// Names for named mode.
		var members []string
		for k := range in.docs {
			if mid, ok := strings.CutPrefix(k, namedBallotPrefix(e.ID)); ok {
				members = append(members, rooms.MemberKey(mid))
			}
		}
		if len(members) > 0 {
			ms, err := st.Get(ctx, room, members...)
			if err != nil {
				return in, err
			}
			for _, d := range ms {
				in.docs[d.Key] = d
			}
		}
	}
	return in, nil
}

// counterOf reports whether counter k belongs to exercise id.
func counterOf(k, id string) bool {
	i := strings.IndexByte(k, ':')
	return i > 0 && strings.HasPrefix(k[i+1:], id+":") || k == responsesKey(id)
}

// docPrefixes lists the document prefixes an exercise's views read.
func docPrefixes(e Exercise) []string {
	if e.Kind.IsVote() && e.IsAnonymous() && e.Status == StatusOpen {
		// Nobody sees an open anonymous vote's answers (voteViews): its
		// state, computed on every flush of a tally, reads none of them.
		return nil
	}
	switch e.Kind {
	case KindText:
		return []string{textPrefix(e.ID), namedBallotPrefix(e.ID)}
	case KindRetro:
		return retroPrefixes(e.ID)
	case KindHelp, KindKudos:
		return boardPrefixes(e.ID)
	case KindWords:
		if !e.IsAnonymous() {
			return []string{hiddenWordPrefix(e.ID), namedBallotPrefix(e.ID)}
		}
		return []string{hiddenWordPrefix(e.ID)}
	}
	if !e.IsAnonymous() {
		return []string{namedBallotPrefix(e.ID)}
	}
	return nil
}

func stateViews(e Exercise, in inputs) (rooms.StateView, error) {
	var fac, part any
	switch {
	case e.Kind.IsVote():
		var texts []TextAnswer
		var named []NamedBallot
		hiddenWords := map[string]bool{}
		for k, d := range in.docs {
			switch {
			case strings.HasPrefix(k, hiddenWordPrefix(e.ID)):
				var h hiddenWord
				if json.Unmarshal(d.Value, &h) == nil && h.Hidden {
					hiddenWords[h.Word] = true
				}
			case strings.HasPrefix(k, textPrefix(e.ID)):
				var t TextAnswer
				if json.Unmarshal(d.Value, &t) == nil {
					texts = append(texts, t)
				}
			case strings.HasPrefix(k, namedBallotPrefix(e.ID)):
				var b Ballot
				mid := strings.TrimPrefix(k, namedBallotPrefix(e.ID))
				var m rooms.Member
				_ = json.Unmarshal(in.docs[rooms.MemberKey(mid)].Value, &m)
				if json.Unmarshal(d.Value, &b) == nil {
					named = append(named, NamedBallot{Member: mid, Name: m.Name, Ballot: b})
				}
			}
		}
		sortTexts(texts)
		sortNamed(named)
		f, p := voteViews(e, in.counters, texts, hiddenWords, named)
		fac, part = f, p
	case e.Kind == KindRetro:
		fac, part = retroViews(e, in)
	default:
		fac, part = boardViews(e, in)
	}
	fb, err := json.Marshal(fac)
	if err != nil {
		return rooms.StateView{}, err
	}
	pb, err := json.Marshal(part)
	if err != nil {
		return rooms.StateView{}, err
	}
	return rooms.StateView{Facilitator: fb, Participant: pb}, nil
}

// ExerciseView is one exercise in a snapshot.
type ExerciseView struct {
	Exercise Exercise        `json:"exercise"`
	State    json.RawMessage `json:"state"`
	// Mine is what the viewer has answered or written, privately.
	Mine json.RawMessage `json:"mine,omitempty"`
}

// SnapshotSection is the "exercises" part of a snapshot.
type SnapshotSection struct {
	Agenda    Agenda         `json:"agenda"`
	Exercises []ExerciseView `json:"exercises"`
}

func snapshotSection(st *rooms.State, v rooms.Viewer) (json.RawMessage, error) {
	var sec SnapshotSection
	if d, ok := st.Docs[KeyAgenda]; ok {
		if err := json.Unmarshal(d.Value, &sec.Agenda); err != nil {
			return nil, err
		}
	}
	if sec.Agenda.Items == nil {
		sec.Agenda.Items = []string{}
	}
	sec.Exercises = []ExerciseView{}
	var room rooms.Room
	if d, ok := st.Docs[rooms.KeyRoom]; ok {
		if err := json.Unmarshal(d.Value, &room); err != nil {
			return nil, err
		}
	}
	for _, id := range sec.Agenda.Items {
		d, ok := st.Docs[exerciseDocPrefix+id]
		if !ok {
			continue
		}
		var e Exercise
		if err := json.Unmarshal(d.Value, &e); err != nil {
			return nil, err
		}
		if room.Ended && e.Status == StatusOpen {
			// An ended room takes nothing more: what was still open is
			// closed, whatever its last command said, and its results
			// are the facilitator's (and its kept session's) to see.
			e.Status = StatusClosed
		}
		// An ended room's board shows its cards to its facilitators (and
		// so to the export and kept session); nobody else is sent them.
		in := inputs{counters: map[string]int64{}, docs: map[string]rooms.Doc{},
			ended: room.Ended && v.Member != nil && v.Member.Role == rooms.RoleFacilitator}
		for k, c := range st.Counters {
			if counterOf(k, e.ID) {
				in.counters[k] = c
			}
		}
		prefixes := docPrefixes(e)
		for k, doc := range st.Docs {
			for _, p := range prefixes {
				if strings.HasPrefix(k, p) {
					in.docs[k] = doc
				}
			}
			if strings.HasPrefix(k, "member:") {
				in.docs[k] = doc
			}
		}
		sv, err := stateViews(e, in)
		if err != nil {
			return nil, err
		}
		view := ExerciseView{Exercise: e, State: sv.Participant}
		switch v.Member.Role {
		case rooms.RoleFacilitator:
			view.State = sv.Facilitator
			view.Mine = mine(e, st, v.Member)
		case rooms.RoleParticipant:
			view.Exercise = e.Public()
			view.Mine = mine(e, st, v.Member)
		default: // a projector shows what everyone may see
			view.Exercise = e.Public()
		}
		sec.Exercises = append(sec.Exercises, view)
	}
	return json.Marshal(sec)
}

// mine is the viewer's own ballot or board items.
func mine(e Exercise, st *rooms.State, m *rooms.Member) json.RawMessage {
	if e.Kind.IsVote() {
		if d, ok := st.Docs[ballotKey(e.ID, voterKey(m, e))]; ok {
			return d.Value
		}
		return nil
	}
	if e.Kind == KindRetro {
		return retroMine(e, st, m)
	}
	return boardMine(e, st, m)
}
