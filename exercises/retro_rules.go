package exercises

import (
	"encoding/json"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"huddle/rooms"
)

// Retrospective commands and events (docs/protocol.md).
const (
	CmdRetroPhase        = "retro.phase"
	CmdRetroCardAdd      = "retro.card.add"
	CmdRetroCardEdit     = "retro.card.edit"
	CmdRetroCardDelete   = "retro.card.delete"
	CmdRetroGroup        = "retro.group"
	CmdRetroUngroup      = "retro.ungroup"
	CmdRetroGroupRename  = "retro.group.rename"
	CmdRetroDot          = "retro.dot"
	CmdRetroFocus        = "retro.focus"
	CmdRetroActionAdd    = "retro.action.add"
	CmdRetroActionEdit   = "retro.action.edit"
	CmdRetroActionDelete = "retro.action.delete"

	// EvRetroCard gives a card's author their card, privately.
	EvRetroCard = "retro.card"
	// EvRetroCardShown is a card as everyone sees it once cards are
	// revealed: added or edited after the reveal, it reaches the room at
	// once (the coalesced board follows at its bounded rate).
	EvRetroCardShown = "retro.card.shown"
	// EvRetroCardDeleted says a card is gone: privately to its author, or
	// to everyone when the facilitator removed someone else's card.
	EvRetroCardDeleted = "retro.card.deleted"
	// EvRetroDots gives a voter their own dot allocation, privately.
	EvRetroDots = "retro.dots"

	ItemCard  = "card"
	ItemGroup = "group"
)

// Documents and counters of a retrospective. Allocations and anonymous
// cards carry no member id: authors and voters are opaque keys made from
// the member's token, so the store cannot say who wrote or dotted what. A
// card written under its author's name carries their member id as well
// (RetroCard.AuthorID), as a named help request does: it names them
// already, and its view carries the id too (RetroCardView.AuthorID).
func cardKey(ex, id string) string     { return "rc:" + ex + ":" + id }
func cardPrefix(ex string) string      { return "rc:" + ex + ":" }
func groupKey(ex, id string) string    { return "rg:" + ex + ":" + id }
func groupPrefix(ex string) string     { return "rg:" + ex + ":" }
func actionKey(ex, id string) string   { return "ra:" + ex + ":" + id }
func actionPrefix(ex string) string    { return "ra:" + ex + ":" }
func allocKey(ex, voter string) string { return allocPrefix(ex) + voter }
func allocPrefix(ex string) string     { return "rd:" + ex + ":" }
func cardCountKey(ex string) string    { return "rn:" + ex + ":cards" }
func actionSeqKey(ex string) string    { return "rs:" + ex + ":actions" }
func authorPurpose(ex string) string   { return "author:" + ex }
func dotsPurpose(ex string) string     { return "dots:" + ex }

// A vote started again (Exercise.DotsRound) keeps its dots apart from the
// earlier votes': its own counters, and voters under keys of its own, so
// the allocations of the vote before are nobody's now. Starting again is
// then one write of the exercise, atomic with the phase change, that no
// dot placed meanwhile can slip past (every dot reads the exercise). The
// first vote keeps the keys it always had, so stored rooms read the same.
//
// The allocations of the vote before are deleted in that same change: by
// prefix (every allocation of the exercise, rooms.Change.Drops), since
// each is under a voter's opaque key (allocKey) that only that voter's
// token gives. Every allocation stored then is of the vote that ends: a
// dot of the new one reads the exercise written by the change, so none
// comes before it. So are its totals, by prefix too
// (rooms.Change.CounterDrops): counters are not preconditions, so a dot
// of the vote that ends may be counted after the change read them, and
// the store deletes whatever they hold when it applies the change. Nothing
// reads the totals of a vote started again (views read the round's own),
// until then they were left stored until the room expired.
func dotPrefix(ex string, round int) string {
	if round == 0 {
		return "d:" + ex + ":"
	}
	return "d" + strconv.Itoa(round) + ":" + ex + ":"
}
func dotKey(ex string, round int, item string) string { return dotPrefix(ex, round) + item }

// voterPurpose is the purpose of a voter's opaque key in vote round.
func voterPurpose(ex string, round int) string {
	if round == 0 {
		return dotsPurpose(ex)
	}
	return dotsPurpose(ex) + ":" + strconv.Itoa(round)
}

// namedAuthorPurpose is the purpose of the author key of what a member
// writes under their name (a retro card while names are shown, a named
// help request). It differs from authorPurpose's, for anonymous items:
// one key on both would join, in the store, a person's named items to
// their anonymous ones.
func namedAuthorPurpose(ex string) string { return "author-named:" + ex }

// dotsScope is the scope of a member's private dots events: their cards'
// events have the exercise's, and one private key on both would join the
// dots to the cards, which carry a name while names are shown.
func dotsScope(ex string) string { return ex + ":dots" }

// cardAuthor is the actor's author key for card c: the named one when c
// carries its author's name. A named card written before named cards had
// a key of their own carries the other key, which is the actor's too.
func cardAuthor(tx *rooms.Tx, ex string, c RetroCard) (string, error) {
	return authorKey(tx, ex, c.AuthorName != "", c.Author)
}

// authorKey is the actor's author key for an item of exercise ex, named or
// not; when had (the item's stored key) is either of the actor's keys, it
// is that one.
func authorKey(tx *rooms.Tx, ex string, named bool, had string) (string, error) {
	anon, err := opaque(tx, authorPurpose(ex))
	if err != nil {
		return "", err
	}
	withName, err := opaque(tx, namedAuthorPurpose(ex))
	if err != nil {
		return "", err
	}
	switch {
	case had != "" && (had == anon || had == withName):
		return had, nil
	case named:
		return withName, nil
	}
	return anon, nil
}

// cardAudience is who hears privately about the actor's own card c: the
// member when it carries their name, else their private key for the
// exercise, so that no private key is tied to a named card.
func cardAudience(tx *rooms.Tx, ex string, c RetroCard) rooms.Audience {
	if c.AuthorName != "" {
		return rooms.Audience{Member: tx.Actor.ID}
	}
	return rooms.PrivateTo(tx.Actor, ex)
}

// retroPrefixes are the documents a board's views read.
func retroPrefixes(ex string) []string {
	return []string{cardPrefix(ex), groupPrefix(ex), actionPrefix(ex)}
}

// RetroCard is a card as stored. Author is the opaque key
// Opaque("author:"+exercise) of whoever wrote it; AuthorName is kept only
// when the room showed names when it was added and its writer had been
// told so (cardName); an edit never changes it. AuthorID, the author's
// member id, is kept with AuthorName only (a card named before it was
// kept has none): the card's view carries it, and the exports use it to
// tell two authors of the same name apart without naming either's id
// (namesakes).
type RetroCard struct {
	ID         string `json:"id"`
	Column     string `json:"column"`
	Text       string `json:"text"`
	Author     string `json:"author"`
	AuthorID   string `json:"authorId,omitempty"`
	AuthorName string `json:"authorName,omitempty"`
	Group      string `json:"group,omitempty"`
}

// RetroCardView is a card as members see it: never its author key.
// AuthorID, the author's member id, comes with AuthorName only (a card
// named before cards kept the id has none): it tells two authors of the
// same name apart on every screen ("Sam #4821"), as a named help
// request's does. An anonymous card names nobody, by name or by id.
type RetroCardView struct {
	ID         string `json:"id"`
	Column     string `json:"column"`
	Text       string `json:"text"`
	AuthorID   string `json:"authorId,omitempty"`
	AuthorName string `json:"authorName,omitempty"`
	Group      string `json:"group,omitempty"`
	// Dots: on the board once the dot totals have been shown, the dots
	// placed on the card itself, when it has any (a group's total holds
	// those of its cards). Never in events or "mine".
	Dots *int64 `json:"dots,omitempty"`
}

// View is the card as members see it: the author's id only beside their
// name, whatever the stored card holds.
func (c RetroCard) View() RetroCardView {
	v := RetroCardView{ID: c.ID, Column: c.Column, Text: c.Text, AuthorName: c.AuthorName, Group: c.Group}
	if c.AuthorName != "" {
		v.AuthorID = c.AuthorID
	}
	return v
}

// RetroGroup is a named set of cards; a card is in at most one group.
type RetroGroup struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Cards []string `json:"cards"`
}

// RetroAction is an action item.
type RetroAction struct {
	ID    string `json:"id"`
	Seq   int64  `json:"seq"`
	Text  string `json:"text"`
	Owner string `json:"owner,omitempty"`
	Due   string `json:"due,omitempty"` // YYYY-MM-DD
	Done  bool   `json:"done"`
	Item  string `json:"item,omitempty"` // the card or group it came from
}

// DotAlloc is one voter's dots by item, kept under an opaque key.
type DotAlloc struct {
	Items map[string]int `json:"items"`
}

// Spent is how many dots are placed.
func (a DotAlloc) Spent() int {
	n := 0
	for _, v := range a.Items {
		n += v
	}
	return n
}

// retroBoard is the part of a board a command loaded.
type retroBoard struct {
	cards  map[string]RetroCard
	groups map[string]RetroGroup
}

func newBoard() retroBoard {
	return retroBoard{cards: map[string]RetroCard{}, groups: map[string]RetroGroup{}}
}

// retroChange is what a card or group command writes.
type retroChange struct {
	cards      []RetroCard
	groups     []RetroGroup
	dropCards  []string
	dropGroups []string
	// dotsTo: where the dots of a group that empties go, once the dot
	// totals have been shown (putChange moves them). A group merged into
	// another brings its dots to it; a group whose last card is taken out
	// leaves them to that card. A group emptied by deleting its last card
	// takes its dots with it: it is in dropGroups and not here.
	dotsTo []dotMove
}

// dotMove moves the dots placed on item From (its own: not those of its
// cards, which stay on the cards) onto item To.
type dotMove struct{ From, To string }

func (c retroChange) empty() bool {
	return len(c.cards)+len(c.groups)+len(c.dropCards)+len(c.dropGroups) == 0
}

func phaseOf(e Exercise) string {
	if e.Phase == "" {
		return PhaseWrite
	}
	return e.Phase
}

func inPhase(e Exercise, ps ...string) bool { return slices.Contains(ps, phaseOf(e)) }

func retroSpec(e Exercise) RetroSpec {
	if e.Retro != nil {
		return *e.Retro
	}
	return DefaultRetro()
}

func wrongPhase(what string, phases ...string) error {
	return rooms.Errorf(CodeWrongPhase, "%s only in the %s phase", what, strings.Join(phases, " or "))
}

// ---- Pure rules ----

// checkExercise checks that a command about kind may run on e now.
func checkExercise(e Exercise, kind Kind) error {
	if e.Kind != kind {
		return rooms.FieldError(rooms.CodeInvalid, "exercise", "this is a %s exercise, not a %s", e.Kind, kind)
	}
	if e.Status != StatusOpen {
		return rooms.Errorf(CodeWrongStatus, "this exercise is not open")
	}
	return nil
}

// validRef reports whether s can be an id: 1 to 64 letters, digits, - or _.
func validRef(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// checkRef returns the error for a missing or malformed id in field.
func checkRef(field, id string) error {
	if id == "" {
		return rooms.FieldError(rooms.CodeBadMessage, field, "%s is required", field)
	}
	if !validRef(id) {
		return rooms.FieldError(rooms.CodeNotFound, field, "no such %s", field)
	}
	return nil
}

func tooMany(what string, n int) *rooms.Error {
	return rooms.Errorf(rooms.CodeInvalid, "this board holds at most %d %s", n, what)
}

// RetroSetPhase moves the board to phase (forward or back). Leaving the
// discussion clears the focus: only there is an item under discussion.
// The clients link an action added to the item in focus, so a focus kept
// into the actions phase made every action agreed there come "from" the
// last item discussed.
//
// Going back from the vote before its totals were shown clears every dot:
// the vote starts again when the board comes back to it. Dots kept
// through the back step disagreed with everything around them: the
// phones forget theirs when the vote ends, cards grouped meanwhile took
// the dots on them out of the count, and a dot placed before and one
// placed after a regrouping would count alike.
func RetroSetPhase(e Exercise, phase string) (Exercise, error) {
	if !slices.Contains(Phases, phase) {
		return e, rooms.FieldError(rooms.CodeInvalid, "phase", "phase must be one of %s", strings.Join(Phases, ", "))
	}
	if phase == PhaseVote && e.DotsFinal && e.Phase != PhaseVote {
		return e, rooms.FieldError(CodeWrongPhase, "phase", "the dot totals have been shown, so the vote cannot start again: new dots would show who placed them")
	}
	if phaseOf(e) == PhaseVote && slices.Index(Phases, phase) < slices.Index(Phases, PhaseVote) && !e.DotsFinal {
		e.DotsRound++
		e.VoteHeld = false // no dots are held now
	}
	e.Phase = phase
	if phase != PhaseDiscuss {
		e.Focus = ""
	}
	if slices.Index(Phases, phase) >= slices.Index(Phases, PhaseDiscuss) && e.VoteHeld {
		e.DotsFinal = true // discussion and actions show the totals
	}
	if phase == PhaseVote {
		e.VoteHeld = true
	}
	return e, nil
}

func cleanColumn(e Exercise, col string) (string, error) {
	if !slices.ContainsFunc(retroSpec(e).Columns, func(c Column) bool { return c.ID == col }) {
		if col == "" {
			return "", rooms.FieldError(rooms.CodeBadMessage, "column", "column is required")
		}
		return "", rooms.FieldError(rooms.CodeInvalid, "column", "no column %s", Quote(rooms.Truncate(col, 32)))
	}
	return col, nil
}

// RetroAddCard writes a new card.
func RetroAddCard(e Exercise, id, column, text, author, authorName string, lim Limits) (RetroCard, error) {
	if !inPhase(e, PhaseWrite, PhaseReveal, PhaseGroup) {
		return RetroCard{}, wrongPhase("cards are added", PhaseWrite, PhaseReveal, PhaseGroup)
	}
	col, err := cleanColumn(e, column)
	if err != nil {
		return RetroCard{}, err
	}
	t, err := rooms.CleanText(text, "text", lim.MaxText, true)
	if err != nil {
		return RetroCard{}, err
	}
	return RetroCard{ID: id, Column: col, Text: t, Author: author, AuthorName: authorName}, nil
}

// RetroEditCard changes a card's text and, optionally, column: its
// author only.
func RetroEditCard(e Exercise, c RetroCard, author, text string, column *string, lim Limits) (RetroCard, error) {
	if !inPhase(e, PhaseWrite, PhaseReveal, PhaseGroup) {
		return c, wrongPhase("cards are edited", PhaseWrite, PhaseReveal, PhaseGroup)
	}
	if c.Author != author {
		return c, rooms.FieldError(CodeNotYours, "card", "only its author may edit a card")
	}
	t, err := rooms.CleanText(text, "text", lim.MaxText, true)
	if err != nil {
		return c, err
	}
	c.Text = t
	if column != nil {
		if c.Column, err = cleanColumn(e, *column); err != nil {
			return c, err
		}
	}
	return c, nil
}

// RetroDeleteCard removes a card (its author, or the facilitator as
// moderator), taking it out of its group; b holds the card's group.
func RetroDeleteCard(e Exercise, b retroBoard, c RetroCard, author string, moderator bool) (retroChange, error) {
	var ch retroChange
	if !inPhase(e, PhaseWrite, PhaseReveal, PhaseGroup) {
		return ch, wrongPhase("cards are deleted", PhaseWrite, PhaseReveal, PhaseGroup)
	}
	if c.Author != author && !moderator {
		return ch, rooms.FieldError(CodeNotYours, "card", "only its author may delete a card")
	}
	ch.dropCards = []string{c.ID}
	ch = leaveGroup(ch, b, c)
	return ch, nil
}

// leaveGroup takes card c out of its group, deleting the group when it
// empties.
func leaveGroup(ch retroChange, b retroBoard, c RetroCard) retroChange {
	g, ok := b.groups[c.Group]
	if c.Group == "" || !ok {
		return ch
	}
	g.Cards = slices.DeleteFunc(slices.Clone(g.Cards), func(id string) bool { return id == c.ID })
	if len(g.Cards) == 0 {
		ch.dropGroups = append(ch.dropGroups, g.ID)
	} else {
		ch.groups = append(ch.groups, g)
	}
	return ch
}

// defaultGroupTitle names a new group after its first card.
func defaultGroupTitle(text string, max int) string {
	r := []rune(text)
	if len(r) <= max {
		return text
	}
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// RetroGroupCards puts cards into group target (an existing group), or
// into a new group newID when target is empty. A card in another group
// moves; groups left empty are deleted. b holds the cards, their groups
// and the target. It returns the change and the group's id.
func RetroGroupCards(e Exercise, b retroBoard, cards []string, target string, title *string, newID string, lim Limits) (retroChange, string, error) {
	var ch retroChange
	if !inPhase(e, PhaseGroup) {
		return ch, "", wrongPhase("cards are grouped", PhaseGroup)
	}
	if cards == nil { // missing, as every missing id (docs/protocol.md 8.7)
		return ch, "", rooms.FieldError(rooms.CodeBadMessage, "cards", "cards is required")
	}
	if len(cards) == 0 {
		return ch, "", rooms.FieldError(rooms.CodeInvalid, "cards", "name at least one card")
	}
	if len(cards) > lim.MaxItems {
		return ch, "", rooms.FieldError(rooms.CodeInvalid, "cards", "at most %d cards at once", lim.MaxItems)
	}
	var ids []string
	for _, id := range cards {
		if err := checkRef("cards", id); err != nil {
			return ch, "", err
		}
		if _, ok := b.cards[id]; !ok {
			return ch, "", rooms.FieldError(rooms.CodeNotFound, "cards", "no such card")
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	var g RetroGroup
	var renamed bool
	if target != "" {
		var ok bool
		if g, ok = b.groups[target]; !ok || !validRef(target) {
			return ch, "", rooms.FieldError(rooms.CodeNotFound, "group", "no such group")
		}
		g.Cards = slices.Clone(g.Cards)
	} else {
		g = RetroGroup{ID: newID, Title: defaultGroupTitle(b.cards[ids[0]].Text, lim.MaxShort), Cards: []string{}}
		renamed = true
	}
	if title != nil {
		t, err := rooms.CleanText(*title, "title", lim.MaxShort, target != "")
		if err != nil {
			return ch, "", err
		}
		if t != "" && t != g.Title {
			g.Title, renamed = t, true
		}
	}
	// Cards leave their old groups (several may leave the same one);
	// groups left empty are deleted.
	left := map[string]RetroGroup{}
	moved := false
	for _, id := range ids {
		c := b.cards[id]
		if c.Group == g.ID {
			continue
		}
		og, ok := left[c.Group]
		if !ok {
			og, ok = b.groups[c.Group]
			og.Cards = slices.Clone(og.Cards)
		}
		if ok {
			og.Cards = slices.DeleteFunc(og.Cards, func(x string) bool { return x == c.ID })
			left[og.ID] = og
		}
		c.Group = g.ID
		g.Cards = append(g.Cards, c.ID)
		ch.cards = append(ch.cards, c)
		moved = true
	}
	for _, id := range sortedKeys(left) {
		if og := left[id]; len(og.Cards) == 0 {
			ch.dropGroups = append(ch.dropGroups, id)
			ch.dotsTo = append(ch.dotsTo, dotMove{From: id, To: g.ID})
		} else {
			ch.groups = append(ch.groups, og)
		}
	}
	if moved || renamed {
		ch.groups = append(ch.groups, g)
	}
	return ch, g.ID, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// RetroUngroup takes a card out of its group; b holds the card's group.
func RetroUngroup(e Exercise, b retroBoard, c RetroCard) (retroChange, error) {
	var ch retroChange
	if !inPhase(e, PhaseGroup) {
		return ch, wrongPhase("cards are ungrouped", PhaseGroup)
	}
	if c.Group == "" {
		return ch, nil
	}
	ch = leaveGroup(ch, b, c)
	if slices.Contains(ch.dropGroups, c.Group) {
		// The group was this card alone: the item it was goes on as the
		// card, with its dots.
		ch.dotsTo = append(ch.dotsTo, dotMove{From: c.Group, To: c.ID})
	}
	c.Group = ""
	ch.cards = append(ch.cards, c)
	return ch, nil
}

// RetroRenameGroup sets a group's title.
func RetroRenameGroup(e Exercise, g RetroGroup, title string, lim Limits) (RetroGroup, bool, error) {
	if !inPhase(e, PhaseGroup) {
		return g, false, wrongPhase("groups are renamed", PhaseGroup)
	}
	t, err := rooms.CleanText(title, "title", lim.MaxShort, true)
	if err != nil {
		return g, false, err
	}
	changed := t != g.Title
	g.Title = t
	return g, changed, nil
}

// itemKind checks that id is a votable item of b: a group, or a card in
// no group.
func (b retroBoard) itemKind(id string) (string, error) {
	if err := checkRef("item", id); err != nil {
		return "", err
	}
	if c, ok := b.cards[id]; ok {
		if c.Group != "" {
			return "", rooms.FieldError(rooms.CodeInvalid, "item", "this card is in a group: use the group")
		}
		return ItemCard, nil
	}
	if _, ok := b.groups[id]; ok {
		return ItemGroup, nil
	}
	return "", rooms.FieldError(rooms.CodeNotFound, "item", "no such item")
}

// RetroDot places (delta 1) or takes back (delta -1) one dot on item. b
// holds the item. Taking back needs only the allocation, so dots on an
// item that has since gone can still be recovered.
func RetroDot(e Exercise, a DotAlloc, b retroBoard, item string, delta int) (DotAlloc, error) {
	if !inPhase(e, PhaseVote) {
		return a, wrongPhase("dots are placed", PhaseVote)
	}
	if e.DotsFinal {
		return a, rooms.Errorf(CodeWrongPhase, "the dot totals have been shown, so dots no longer move")
	}
	if delta != 1 && delta != -1 {
		return a, rooms.FieldError(rooms.CodeInvalid, "delta", "delta is 1 (place a dot) or -1 (take one back)")
	}
	if err := checkRef("item", item); err != nil {
		return a, err
	}
	spec := retroSpec(e)
	out := DotAlloc{Items: map[string]int{}}
	for k, v := range a.Items {
		out.Items[k] = v
	}
	if delta == 1 {
		if _, err := b.itemKind(item); err != nil {
			return a, err
		}
		// Phones show these words (errorText): "1 dot", not "1 dots".
		if out.Spent() >= spec.Dots {
			if spec.Dots == 1 {
				return a, rooms.Errorf(CodeNoDotsLeft, "you have placed your only dot")
			}
			return a, rooms.Errorf(CodeNoDotsLeft, "you have placed all %d dots", spec.Dots)
		}
		if out.Items[item] >= spec.MaxPerItem {
			return a, rooms.FieldError(CodeNoDotsLeft, "item", "at most %s on one item", pluralWord(int64(spec.MaxPerItem), "dot", "dots"))
		}
		out.Items[item]++
		return out, nil
	}
	if out.Items[item] == 0 {
		return a, rooms.FieldError(rooms.CodeInvalid, "item", "you have no dot on this item")
	}
	if out.Items[item]--; out.Items[item] == 0 {
		delete(out.Items, item)
	}
	return out, nil
}

// RetroDotRound checks that a dot was sent in the vote it is placed in:
// round is the vote round its sender knew (Exercise.DotsRound, nil from
// a client that does not say). A dot queued on a phone that was offline
// while the vote was started again would otherwise land in the new vote,
// placed (or taken back) by nobody's choice there.
func RetroDotRound(e Exercise, round *int) error {
	if round != nil && *round != e.DotsRound {
		return rooms.FieldError(CodeWrongPhase, "dotsRound", "this dot was for a vote that has since started again, so it was not placed: place your dots again")
	}
	return nil
}

// RetroFocus sets the item under discussion ("" clears it).
func RetroFocus(e Exercise, b retroBoard, item string) (Exercise, error) {
	if !inPhase(e, PhaseDiscuss) {
		return e, wrongPhase("an item is focused", PhaseDiscuss)
	}
	if item != "" {
		if _, err := b.itemKind(item); err != nil {
			return e, err
		}
	}
	e.Focus = item
	return e, nil
}

// ActionArgs are the fields of an action item a command sets; nil leaves
// a field unchanged.
type ActionArgs struct {
	Text  *string `json:"text"`
	Owner *string `json:"owner"`
	Due   *string `json:"due"`
	Done  *bool   `json:"done"`
	Item  *string `json:"item"`
}

// RetroSetAction applies args to action a (a new one when a.ID is set by
// the caller and a.Text is empty). b holds args.Item.
func RetroSetAction(e Exercise, a RetroAction, b retroBoard, args ActionArgs, lim Limits) (RetroAction, error) {
	if !inPhase(e, PhaseDiscuss, PhaseActions) {
		return a, wrongPhase("action items are changed", PhaseDiscuss, PhaseActions)
	}
	var err error
	if args.Text != nil {
		if a.Text, err = rooms.CleanText(*args.Text, "text", lim.MaxText, true); err != nil {
			return a, err
		}
	}
	if a.Text == "" {
		return a, rooms.FieldError(rooms.CodeInvalid, "text", "text is required")
	}
	if args.Owner != nil {
		if a.Owner, err = rooms.CleanText(*args.Owner, "owner", lim.MaxShort, false); err != nil {
			return a, err
		}
	}
	if args.Due != nil {
		d := strings.TrimSpace(*args.Due)
		if d != "" {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return a, rooms.FieldError(rooms.CodeInvalid, "due", "due is a date written YYYY-MM-DD")
			}
		}
		a.Due = d
	}
	if args.Done != nil {
		a.Done = *args.Done
	}
	if args.Item != nil {
		if *args.Item != "" {
			if _, err := b.itemKind(*args.Item); err != nil {
				return a, err
			}
		}
		a.Item = *args.Item
	}
	return a, nil
}

// ---- Views ----

// RetroView is the board as a role sees it (state "ex:<id>").
type RetroView struct {
	Exercise   string `json:"exercise"`
	Status     Status `json:"status"`
	Phase      string `json:"phase"`
	Focus      string `json:"focus,omitempty"`
	Dots       int    `json:"dots"`
	MaxPerItem int    `json:"maxPerItem"`
	// Columns: each column's card count once revealed; 0 while cards are
	// hidden, when Written alone counts them.
	Columns []ColumnCount `json:"columns"`
	// Written is how many cards the board holds.
	Written int `json:"written"`
	// Revealed: cards, groups, items and actions are shown (from the
	// reveal phase on, or once results are shown).
	Revealed bool            `json:"revealed"`
	Cards    []RetroCardView `json:"cards"`
	Groups   []RetroGroup    `json:"groups"`
	// Items are the votable items, in board order; once DotsShown, in
	// vote order (most dots first), which is the discussion order.
	Items     []RetroItem `json:"items"`
	DotsShown bool        `json:"dotsShown"`
	// DotsPlaced is the number of dots placed so far: facilitators only,
	// in the vote phase.
	DotsPlaced *int64        `json:"dotsPlaced,omitempty"`
	Actions    []RetroAction `json:"actions"`
}

// ColumnCount is a column and how many cards it holds.
type ColumnCount struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Count int    `json:"count"`
}

// RetroItem is a votable item: a group or a card in no group.
type RetroItem struct {
	ID   string `json:"id"`
	Kind string `json:"kind"` // "group" or "card"
	Dots *int64 `json:"dots,omitempty"`
}

// RetroMine is what the viewer wrote and dotted (snapshot "mine").
type RetroMine struct {
	Cards    []RetroCardView `json:"cards"`
	Dots     map[string]int  `json:"dots,omitempty"`
	DotsLeft *int            `json:"dotsLeft,omitempty"`
}

func parseBoard(ex string, docs map[string]rooms.Doc) (retroBoard, []RetroAction) {
	b := newBoard()
	var actions []RetroAction
	for k, d := range docs {
		switch {
		case strings.HasPrefix(k, cardPrefix(ex)):
			var c RetroCard
			if json.Unmarshal(d.Value, &c) == nil {
				b.cards[c.ID] = c
			}
		case strings.HasPrefix(k, groupPrefix(ex)):
			var g RetroGroup
			if json.Unmarshal(d.Value, &g) == nil {
				b.groups[g.ID] = g
			}
		case strings.HasPrefix(k, actionPrefix(ex)):
			var a RetroAction
			if json.Unmarshal(d.Value, &a) == nil {
				actions = append(actions, a)
			}
		}
	}
	sort.Slice(actions, func(i, j int) bool {
		if actions[i].Seq != actions[j].Seq {
			return actions[i].Seq < actions[j].Seq
		}
		return actions[i].ID < actions[j].ID
	})
	return b, actions
}

// retroViews computes the board for facilitators and participants. Cards
// are ordered by column, then id: never by when they were written, so the
// order cannot be lined up with who was typing when; while they are
// hidden, only their total is counted.
func retroViews(e Exercise, in inputs) (fac, part any) {
	spec := retroSpec(e)
	b, actions := parseBoard(e.ID, in.docs)
	phase := phaseOf(e)
	v := RetroView{Exercise: e.ID, Status: e.Status, Phase: phase, Focus: e.Focus, Dots: spec.Dots, MaxPerItem: spec.MaxPerItem,
		Cards: []RetroCardView{}, Groups: []RetroGroup{}, Items: []RetroItem{}, Actions: []RetroAction{}}
	// An ended room's board shows its facilitators its cards whatever the
	// phase: a retro ended in Write (never revealed, or taken back there
	// after the vote) has no later phase to show them in, and its cards
	// are the workshop's results (the export and kept session read the
	// facilitator's view). Others are not sent them (in.ended is false).
	v.Revealed = cardsRevealed(e) || in.ended
	v.DotsShown = phase == PhaseDiscuss || phase == PhaseActions || e.Status == StatusResults
	col := map[string]int{}
	for i, c := range spec.Columns {
		col[c.ID] = i
		v.Columns = append(v.Columns, ColumnCount{ID: c.ID, Title: c.Title})
	}
	// While cards are hidden only their total shows: a column's count
	// going up as one person is seen to finish would tell which column
	// they wrote in, and at reveal a column of few cards would name them.
	cards := make([]RetroCard, 0, len(b.cards))
	for _, c := range b.cards {
		cards = append(cards, c)
		if i, ok := col[c.Column]; ok && v.Revealed {
			v.Columns[i].Count++
		}
	}
	v.Written = len(cards)
	if v.Revealed {
		sort.Slice(cards, func(i, j int) bool {
			if cards[i].Column != cards[j].Column {
				return col[cards[i].Column] < col[cards[j].Column]
			}
			return cards[i].ID < cards[j].ID
		})
		for _, c := range cards {
			cv := c.View()
			if e.DotsFinal {
				// The dots on the card itself (in a group, the group's
				// total holds them too): what deleting it takes away.
				if n := in.counters[dotKey(e.ID, e.DotsRound, c.ID)]; n != 0 {
					cv.Dots = &n
				}
			}
			v.Cards = append(v.Cards, cv)
		}
		v.Items, v.Groups = retroItems(e, b, cards, in.counters, v.DotsShown)
		v.Actions = append(v.Actions, actions...)
	}
	f := v
	if phase == PhaseVote && !v.DotsShown {
		var n int64
		for k, c := range in.counters {
			if strings.HasPrefix(k, dotPrefix(e.ID, e.DotsRound)) {
				n += c
			}
		}
		f.DotsPlaced = &n
	}
	return f, v
}

// retroItems lists the votable items of a board whose cards are sorted.
// Board order puts an item where its first card sits; with dots shown the
// items are in vote order, most dots first, board order breaking ties.
// Groups come in item order.
func retroItems(e Exercise, b retroBoard, cards []RetroCard, counters map[string]int64, withDots bool) ([]RetroItem, []RetroGroup) {
	pos := map[string]int{}
	for i, c := range cards {
		pos[c.ID] = i
	}
	type ranked struct {
		item RetroItem
		at   int
	}
	var items []ranked
	groups := []RetroGroup{}
	for _, g := range b.groups {
		g.Cards = slices.DeleteFunc(slices.Clone(g.Cards), func(id string) bool { _, ok := pos[id]; return !ok })
		at := len(cards)
		for _, id := range g.Cards {
			at = min(at, pos[id])
		}
		items = append(items, ranked{RetroItem{ID: g.ID, Kind: ItemGroup}, at})
		groups = append(groups, g)
	}
	for i, c := range cards {
		if _, grouped := b.groups[c.Group]; !grouped {
			items = append(items, ranked{RetroItem{ID: c.ID, Kind: ItemCard}, i})
		}
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].at != items[j].at {
			return items[i].at < items[j].at
		}
		return items[i].item.ID < items[j].item.ID
	})
	if withDots || e.DotsFinal {
		// An item's dots are those placed on it and on its cards: a card
		// keeps the dots placed on it when it joins a group, and takes
		// them back out (putChange says where a group's own dots go).
		// While the vote is held a grouped card has none: grouping
		// happens outside the vote, and a vote started again counts
		// apart. Once the totals have been shown they come with the
		// items in every phase, the same numbers everyone has seen, so
		// that the console can say what a change would take with it.
		own := func(id string) int64 { return counters[dotKey(e.ID, e.DotsRound, id)] }
		for i := range items {
			n := own(items[i].item.ID)
			if g, ok := b.groups[items[i].item.ID]; ok {
				for _, id := range g.Cards {
					if _, ok := pos[id]; ok {
						n += own(id)
					}
				}
			}
			items[i].item.Dots = &n
		}
	}
	if withDots {
		sort.SliceStable(items, func(i, j int) bool { return *items[i].item.Dots > *items[j].item.Dots })
	}
	out := make([]RetroItem, len(items))
	order := map[string]int{}
	for i, it := range items {
		out[i] = it.item
		order[it.item.ID] = i
	}
	sort.Slice(groups, func(i, j int) bool { return order[groups[i].ID] < order[groups[j].ID] })
	return out, groups
}

// retroMine is the viewer's own cards and, in the vote phase, their dots.
func retroMine(e Exercise, st *rooms.State, m *rooms.Member) json.RawMessage {
	author, named := m.Opaque(authorPurpose(e.ID)), m.Opaque(namedAuthorPurpose(e.ID))
	if author == "" {
		return nil
	}
	mine := RetroMine{Cards: []RetroCardView{}}
	for k, d := range st.Docs {
		if !strings.HasPrefix(k, cardPrefix(e.ID)) {
			continue
		}
		var c RetroCard
		if json.Unmarshal(d.Value, &c) == nil && (c.Author == author || c.Author == named) {
			mine.Cards = append(mine.Cards, c.View())
		}
	}
	sort.Slice(mine.Cards, func(i, j int) bool { return mine.Cards[i].ID < mine.Cards[j].ID })
	if phaseOf(e) == PhaseVote {
		var a DotAlloc
		if d, ok := st.Docs[allocKey(e.ID, m.Opaque(voterPurpose(e.ID, e.DotsRound)))]; ok {
			_ = json.Unmarshal(d.Value, &a)
		}
		left := retroSpec(e).Dots - a.Spent()
		mine.Dots, mine.DotsLeft = a.Items, &left
		if mine.Dots == nil {
			mine.Dots = map[string]int{}
		}
	}
	b, _ := json.Marshal(mine)
	return b
}

// ---- Glue: reads and writes through the transaction ----

// anyone: every role may send the command.
var anyone []rooms.Role

func registerRetro(svc *rooms.Service, lim Limits) {
	// What the commands participants send most read, named for Prefetch
	// (see refPrefetch): every document they read then comes in the
	// round trip that reads the room and the member.
	prefetch := map[string]func(*rooms.Tx) []string{
		CmdRetroCardAdd: refPrefetch(nil),
		CmdRetroCardEdit: refPrefetch(func(_ *rooms.Tx, r cmdRefs) []string {
			if !validRef(r.Card) {
				return nil
			}
			return []string{cardKey(r.Exercise, r.Card)}
		}),
		CmdRetroDot: refPrefetch(func(tx *rooms.Tx, r cmdRefs) []string {
			// The voter's key is of the exercise's vote round: the one
			// the node knows, else the first (a wrong guess costs the
			// handler one more read, nothing else).
			round := 0
			if e, ok := rooms.PeekShared[Exercise](tx, exerciseDocPrefix+r.Exercise); ok {
				round = e.DotsRound
			}
			voter := tx.Actor.Opaque(voterPurpose(r.Exercise, round))
			if voter == "" {
				return nil
			}
			keys := []string{allocKey(r.Exercise, voter)}
			if r.Delta == 1 && validRef(r.Item) {
				// loadItem: the card, or the group when there is no card.
				keys = append(keys, cardKey(r.Exercise, r.Item), groupKey(r.Exercise, r.Item))
			}
			return keys
		}),
	}
	reg := func(typ string, roles []rooms.Role, fn func(tx *rooms.Tx, lim Limits) error) {
		svc.Register(typ, rooms.Handler{Roles: roles, Apply: func(tx *rooms.Tx) error { return fn(tx, lim) }, Prefetch: prefetch[typ]})
	}
	reg(CmdRetroPhase, facilitator, retroPhaseCmd)
	reg(CmdRetroCardAdd, anyone, retroCardAddCmd)
	reg(CmdRetroCardEdit, anyone, retroCardEditCmd)
	reg(CmdRetroCardDelete, anyone, retroCardDeleteCmd)
	reg(CmdRetroGroup, anyone, retroGroupCmd)
	reg(CmdRetroUngroup, anyone, retroUngroupCmd)
	reg(CmdRetroGroupRename, anyone, retroRenameCmd)
	reg(CmdRetroDot, participant, retroDotCmd)
	reg(CmdRetroFocus, facilitator, retroFocusCmd)
	reg(CmdRetroActionAdd, anyone, retroActionAddCmd)
	reg(CmdRetroActionEdit, anyone, retroActionEditCmd)
	reg(CmdRetroActionDelete, anyone, retroActionDeleteCmd)
}

// openExercise loads the exercise a command names and checks its kind and
// status.
func openExercise(tx *rooms.Tx, id string, kind Kind) (Exercise, error) {
	e, err := loadExercise(tx, id)
	if err != nil {
		return e, err
	}
	return e, checkExercise(e, kind)
}

// opaque is the actor's opaque key for purpose; members always have one
// once authenticated.
func opaque(tx *rooms.Tx, purpose string) (string, error) {
	k := tx.Actor.Opaque(purpose)
	if k == "" {
		return "", rooms.Errorf(rooms.CodeInternal, "no anonymous key for this member")
	}
	return k, nil
}

// loadCard reads a card, and its group into b.
func loadCard(tx *rooms.Tx, b retroBoard, ex, field, id string) (RetroCard, error) {
	var c RetroCard
	if err := checkRef(field, id); err != nil {
		return c, err
	}
	ok, err := tx.GetJSON(cardKey(ex, id), &c)
	if err != nil {
		return c, err
	}
	if !ok {
		return c, rooms.FieldError(rooms.CodeNotFound, field, "no such card")
	}
	b.cards[c.ID] = c
	if c.Group != "" {
		if _, err := loadGroup(tx, b, ex, c.Group); err != nil {
			return c, err
		}
	}
	return c, nil
}

// loadGroup reads a group into b, reporting whether it exists.
func loadGroup(tx *rooms.Tx, b retroBoard, ex, id string) (bool, error) {
	if _, ok := b.groups[id]; ok {
		return true, nil
	}
	var g RetroGroup
	ok, err := tx.GetJSON(groupKey(ex, id), &g)
	if ok {
		b.groups[g.ID] = g
	}
	return ok, err
}

// loadItem reads whatever item id may be (card or group) into b.
func loadItem(tx *rooms.Tx, b retroBoard, ex, id string) error {
	if !validRef(id) {
		return nil // the rule reports it
	}
	var c RetroCard
	ok, err := tx.GetJSON(cardKey(ex, id), &c)
	if err != nil {
		return err
	}
	if ok {
		b.cards[c.ID] = c
		return nil
	}
	_, err = loadGroup(tx, b, ex, id)
	return err
}

// putChange writes ch, b holding what it changes as it was read: the
// board's count of bytes (growBoard) moves by what ch adds and takes
// away. Only a group's title can grow it (a new group's, or a group
// renamed); the cards ch writes are moved, never reworded.
//
// Once the dot totals have been shown, the dots of
// the groups ch empties move as ch.dotsTo says, in the same change: an
// item's total is the dots placed on it and on its cards (retroItems),
// so dots follow the cards they were placed on through any regrouping,
// and a group's own dots follow its cards into the group they join.
// Before the totals were shown a group holds no dots here: cards are
// grouped only outside the vote, and going back from the vote starts a
// new round whose counters are empty.
//
// The counters read are not preconditions of the change (tx.Counters),
// and need not be: a group's own counter changes only by a dot placed
// in the vote, which the exercise read here (a precondition) rules out
// once the totals are shown, and by a change that empties or fills that
// group, which reads and writes the group's document, a precondition
// here too.
func putChange(tx *rooms.Tx, e Exercise, b retroBoard, ch retroChange, lim Limits) error {
	ex := e.ID
	var delta int64
	for _, c := range ch.cards {
		delta += c.boardBytes()
		if was, ok := b.cards[c.ID]; ok {
			delta -= was.boardBytes()
		}
	}
	for _, g := range ch.groups {
		delta += g.boardBytes()
		if was, ok := b.groups[g.ID]; ok {
			delta -= was.boardBytes()
		}
	}
	for _, id := range ch.dropCards {
		if was, ok := b.cards[id]; ok {
			delta -= was.boardBytes()
		}
	}
	for _, id := range ch.dropGroups {
		if was, ok := b.groups[id]; ok {
			delta -= was.boardBytes()
		}
	}
	growBoard(tx, e, delta, "title", lim)
	if len(ch.dotsTo) > 0 && e.DotsFinal {
		keys := make([]string, len(ch.dotsTo))
		for i, m := range ch.dotsTo {
			keys[i] = dotKey(ex, e.DotsRound, m.From)
		}
		n, err := tx.Counters(keys...)
		if err != nil {
			return err
		}
		for i, m := range ch.dotsTo {
			if n[i] != 0 {
				tx.Incr(keys[i], -n[i], 0, nil)
				tx.Incr(dotKey(ex, e.DotsRound, m.To), n[i], 0, nil)
			}
		}
	}
	for _, c := range ch.cards {
		if err := tx.Put(cardKey(ex, c.ID), c); err != nil {
			return err
		}
	}
	for _, g := range ch.groups {
		if err := tx.Put(groupKey(ex, g.ID), g); err != nil {
			return err
		}
	}
	for _, id := range ch.dropCards {
		tx.Delete(cardKey(ex, id))
	}
	for _, id := range ch.dropGroups {
		tx.Delete(groupKey(ex, id))
	}
	if !ch.empty() {
		tx.Touch(stateKey(ex))
	}
	return nil
}

type cardEvent struct {
	Exercise string        `json:"exercise"`
	Card     RetroCardView `json:"card"`
}

type cardRef struct {
	Exercise string `json:"exercise"`
	Card     string `json:"card"`
}

func retroPhaseCmd(tx *rooms.Tx, _ Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Phase    string `json:"phase"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	ne, err := RetroSetPhase(e, args.Phase)
	if err != nil || ne.Phase == phaseOf(e) && ne.Focus == e.Focus {
		return err
	}
	// A countdown that has run out was for the phase being left: its
	// "Time's up" stayed on every screen through every later phase until
	// stopped. One still running goes on (a timer for the whole retro).
	if ne.Phase != phaseOf(e) && ne.EndsAt != nil && !ne.EndsAt.After(tx.Now()) {
		ne.EndsAt = nil
	}
	if ne.DotsRound != e.DotsRound {
		// The vote starts again: its voters' allocations go with it, and
		// its totals: those of the round being left only, since each
		// round before dropped its own when it was left (the drops of
		// every round so far grew with each restart). A room whose
		// earlier rounds kept theirs (before the drops) keeps them, read
		// by nothing, until it expires.
		tx.DeletePrefix(allocPrefix(e.ID))
		tx.DeleteCounterPrefix(dotPrefix(e.ID, e.DotsRound))
	}
	tx.Touch(stateKey(e.ID))
	return putExercise(tx, ne, false)
}

// The card commands return no result on purpose: a kept answer is sealed
// (rooms/service.go), but an id or text in it would still be more than an
// anonymous card needs. The author gets the card through the private
// retro.card event instead.
func retroCardAddCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Column   string `json:"column"`
		Text     string `json:"text"`
		// Named: the writer was told their name goes with the card.
		Named bool `json:"named"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	name := cardName(tx.Room.ShowNames, args.Named, tx.Actor.Name)
	author, err := cardAuthor(tx, e.ID, RetroCard{AuthorName: name})
	if err != nil {
		return err
	}
	c, err := RetroAddCard(e, newShortID(), args.Column, args.Text, author, name, lim)
	if err != nil {
		return err
	}
	if name != "" {
		c.AuthorID = tx.Actor.ID
	}
	tx.Incr(cardCountKey(e.ID), 1, int64(lim.MaxItems), tooMany("cards", lim.MaxItems))
	growBoard(tx, e, c.boardBytes(), "text", lim)
	if err := tx.Put(cardKey(e.ID, c.ID), c); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	return emitCard(tx, e, c)
}

// cardName is the name a new card carries: its writer's only when the
// room shows names now AND the writer was told so when they wrote it
// (retro.card.add's named). A card written under "Anonymous" stays so
// when names are turned on before it arrives (typed while they were
// hidden, or queued offline); one written under a name loses it when
// they are turned off. Absent, named is false: anonymous.
func cardName(roomShows, named bool, actor string) string {
	if roomShows && named {
		return actor
	}
	return ""
}

// cardsRevealed reports whether everyone sees the board's cards (as
// RetroView.Revealed).
func cardsRevealed(e Exercise) bool { return phaseOf(e) != PhaseWrite || e.Status == StatusResults }

// emitCard tells the author their card (privately: only they learn it is
// theirs), and everyone the card itself once cards are revealed.
func emitCard(tx *rooms.Tx, e Exercise, c RetroCard) error {
	if err := tx.Emit(EvRetroCard, cardEvent{e.ID, c.View()}, cardAudience(tx, e.ID, c)); err != nil {
		return err
	}
	if !cardsRevealed(e) {
		return nil
	}
	return tx.Emit(EvRetroCardShown, cardEvent{e.ID, c.View()}, rooms.Audience{})
}

func retroCardEditCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string  `json:"exercise"`
		Card     string  `json:"card"`
		Text     string  `json:"text"`
		Column   *string `json:"column"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	c, err := loadCard(tx, newBoard(), e.ID, "card", args.Card)
	if err != nil {
		return err
	}
	author, err := cardAuthor(tx, e.ID, c)
	if err != nil {
		return err
	}
	nc, err := RetroEditCard(e, c, author, args.Text, args.Column, lim)
	if err != nil || nc == c {
		return err
	}
	// A longer text over the budget is refused, and the card keeps the
	// one it had.
	growBoard(tx, e, nc.boardBytes()-c.boardBytes(), "text", lim)
	if err := tx.Put(cardKey(e.ID, nc.ID), nc); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	return emitCard(tx, e, nc)
}

func retroCardDeleteCmd(tx *rooms.Tx, lim Limits) error {
	var args cardRef
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	b := newBoard()
	c, err := loadCard(tx, b, e.ID, "card", args.Card)
	if err != nil {
		return err
	}
	author, err := cardAuthor(tx, e.ID, c)
	if err != nil {
		return err
	}
	ch, err := RetroDeleteCard(e, b, c, author, tx.Actor.IsFacilitator())
	if err != nil {
		return err
	}
	if err := putChange(tx, e, b, ch, lim); err != nil {
		return err
	}
	tx.Incr(cardCountKey(e.ID), -1, 0, nil)
	to := cardAudience(tx, e.ID, c)
	if c.Author != author || cardsRevealed(e) {
		// Moderation (the author learns with everyone), or a card
		// everyone sees goes for everyone.
		to = rooms.Audience{}
	}
	return tx.Emit(EvRetroCardDeleted, cardRef{e.ID, c.ID}, to)
}

func retroGroupCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string   `json:"exercise"`
		Cards    []string `json:"cards"`
		Group    string   `json:"group"`
		Title    *string  `json:"title"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	b := newBoard()
	if inPhase(e, PhaseGroup) && len(args.Cards) <= lim.MaxItems {
		for _, id := range args.Cards {
			if _, ok := b.cards[id]; ok || !validRef(id) {
				continue
			}
			if _, err := loadCard(tx, b, e.ID, "cards", id); err != nil && rooms.ErrorCode(err) != rooms.CodeNotFound {
				return err
			}
		}
		if args.Group != "" && validRef(args.Group) {
			if _, err := loadGroup(tx, b, e.ID, args.Group); err != nil {
				return err
			}
		}
	}
	ch, id, err := RetroGroupCards(e, b, args.Cards, args.Group, args.Title, newShortID(), lim)
	if err != nil {
		return err
	}
	tx.Result(map[string]string{"group": id})
	return putChange(tx, e, b, ch, lim)
}

func retroUngroupCmd(tx *rooms.Tx, lim Limits) error {
	var args cardRef
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	b := newBoard()
	c, err := loadCard(tx, b, e.ID, "card", args.Card)
	if err != nil {
		return err
	}
	ch, err := RetroUngroup(e, b, c)
	if err != nil {
		return err
	}
	return putChange(tx, e, b, ch, lim)
}

func retroRenameCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Group    string `json:"group"`
		Title    string `json:"title"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	if err := checkRef("group", args.Group); err != nil {
		return err
	}
	b := newBoard()
	if ok, err := loadGroup(tx, b, e.ID, args.Group); err != nil || !ok {
		if err == nil {
			err = rooms.FieldError(rooms.CodeNotFound, "group", "no such group")
		}
		return err
	}
	g, changed, err := RetroRenameGroup(e, b.groups[args.Group], args.Title, lim)
	if err != nil || !changed {
		return err
	}
	return putChange(tx, e, b, retroChange{groups: []RetroGroup{g}}, lim)
}

type dotsEvent struct {
	Exercise string         `json:"exercise"`
	Dots     map[string]int `json:"dots"`
	Left     int            `json:"left"`
}

// retroDotCmd returns no result for the same reason as the card commands;
// the voter's allocation comes in the private retro.dots event.
func retroDotCmd(tx *rooms.Tx, _ Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Item     string `json:"item"`
		Delta    int    `json:"delta"`
		Round    *int   `json:"dotsRound"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	if inPhase(e, PhaseVote) && !e.DotsFinal {
		if err := RetroDotRound(e, args.Round); err != nil {
			return err
		}
	}
	voter, err := opaque(tx, voterPurpose(e.ID, e.DotsRound))
	if err != nil {
		return err
	}
	var a DotAlloc
	if _, err := tx.GetJSON(allocKey(e.ID, voter), &a); err != nil {
		return err
	}
	b := newBoard()
	if args.Delta == 1 && inPhase(e, PhaseVote) {
		if err := loadItem(tx, b, e.ID, args.Item); err != nil {
			return err
		}
	}
	na, err := RetroDot(e, a, b, args.Item, args.Delta)
	if err != nil {
		return err
	}
	if len(na.Items) == 0 {
		tx.Delete(allocKey(e.ID, voter))
	} else if err := tx.Put(allocKey(e.ID, voter), na); err != nil {
		return err
	}
	tx.Incr(dotKey(e.ID, e.DotsRound, args.Item), int64(args.Delta), 0, nil)
	tx.Touch(stateKey(e.ID))
	return tx.Emit(EvRetroDots, dotsEvent{e.ID, na.Items, retroSpec(e).Dots - na.Spent()}, rooms.PrivateTo(tx.Actor, dotsScope(e.ID)))
}

func retroFocusCmd(tx *rooms.Tx, _ Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Item     string `json:"item"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	b := newBoard()
	if args.Item != "" && inPhase(e, PhaseDiscuss) {
		if err := loadItem(tx, b, e.ID, args.Item); err != nil {
			return err
		}
	}
	ne, err := RetroFocus(e, b, args.Item)
	if err != nil || ne.Focus == e.Focus {
		return err
	}
	tx.Touch(stateKey(e.ID))
	return putExercise(tx, ne, false)
}

func retroActionAddCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		ActionArgs
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	args.Done = nil // a new action is not done
	b := newBoard()
	if args.Item != nil && *args.Item != "" && inPhase(e, PhaseDiscuss, PhaseActions) {
		if err := loadItem(tx, b, e.ID, *args.Item); err != nil {
			return err
		}
	}
	a, err := RetroSetAction(e, RetroAction{ID: newShortID()}, b, args.ActionArgs, lim)
	if err != nil {
		return err
	}
	seq, err := tx.Counters(actionSeqKey(e.ID))
	if err != nil {
		return err
	}
	a.Seq = seq[0] + 1
	tx.Incr(actionSeqKey(e.ID), 1, int64(lim.MaxItems), tooMany("action items", lim.MaxItems))
	growBoard(tx, e, a.boardBytes(), "text", lim)
	if err := tx.Put(actionKey(e.ID, a.ID), a); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	tx.Result(map[string]string{"action": a.ID})
	return nil
}

func loadAction(tx *rooms.Tx, ex, id string) (RetroAction, error) {
	var a RetroAction
	if err := checkRef("action", id); err != nil {
		return a, err
	}
	ok, err := tx.GetJSON(actionKey(ex, id), &a)
	if err == nil && !ok {
		err = rooms.FieldError(rooms.CodeNotFound, "action", "no such action item")
	}
	return a, err
}

func retroActionEditCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Action   string `json:"action"`
		ActionArgs
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	a, err := loadAction(tx, e.ID, args.Action)
	if err != nil {
		return err
	}
	b := newBoard()
	if args.Item != nil && *args.Item != "" && inPhase(e, PhaseDiscuss, PhaseActions) {
		if err := loadItem(tx, b, e.ID, *args.Item); err != nil {
			return err
		}
	}
	na, err := RetroSetAction(e, a, b, args.ActionArgs, lim)
	if err != nil || na == a {
		return err
	}
	field := "text"
	if args.Text == nil {
		field = "owner"
	}
	growBoard(tx, e, na.boardBytes()-a.boardBytes(), field, lim)
	if err := tx.Put(actionKey(e.ID, a.ID), na); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	return nil
}

func retroActionDeleteCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Action   string `json:"action"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindRetro)
	if err != nil {
		return err
	}
	if !inPhase(e, PhaseDiscuss, PhaseActions) {
		return wrongPhase("action items are changed", PhaseDiscuss, PhaseActions)
	}
	a, err := loadAction(tx, e.ID, args.Action)
	if err != nil {
		return err
	}
	tx.Delete(actionKey(e.ID, a.ID))
	growBoard(tx, e, -a.boardBytes(), "", lim)
	tx.Touch(stateKey(e.ID))
	return nil
}
