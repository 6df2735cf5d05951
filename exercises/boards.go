package exercises

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"

	"huddle/rooms"
)

// "Can you help me?" board and kudos wall commands and events
// (docs/protocol.md).
const (
	CmdHelpRequest  = "help.request"
	CmdHelpOffer    = "help.offer"
	CmdHelpAccept   = "help.accept"
	CmdHelpStep     = "help.step"
	CmdHelpResolve  = "help.resolve"
	CmdHelpWithdraw = "help.withdraw"
	CmdKudosSend    = "kudos.send"
	CmdKudosHide    = "kudos.hide"

	// EvHelpRequested gives a requester their new request: privately for
	// an anonymous request, to the member for a named one.
	EvHelpRequested = "help.requested"
	// EvHelpPaired tells both sides of an accepted offer who the other is.
	EvHelpPaired = "help.paired"

	HelpOpen     = "open"
	HelpMatched  = "matched"
	HelpResolved = "resolved"

	// KudosTeam is the recipient "to" for kudos to the whole team.
	KudosTeam = "team"

	MaxTags   = 5  // tags per help request
	MaxTagLen = 24 // characters of a tag
)

// Documents, counters and sets of the boards. A request names its author
// only by the opaque key Opaque("author:"+exercise), plus id and name
// when the author chose to be named; an anonymous kudo names no sender.
// A wall's count of kudos ever sent is max-items' alone: no kudo holds a
// number from it. Its key still ends in "seq", from when it numbered
// them, so that a wall running across that change keeps its count.
func requestKey(ex, id string) string    { return "hr:" + ex + ":" + id }
func requestPrefix(ex string) string     { return "hr:" + ex + ":" }
func offerKey(ex, req, id string) string { return "ho:" + ex + ":" + req + ":" + id }
func offerPrefix(ex string) string       { return "ho:" + ex + ":" }
func offeredSet(ex, req string) string   { return "hoff:" + ex + ":" + req }
func requestCountKey(ex string) string   { return "hn:" + ex + ":requests" }
func kudoKey(ex, id string) string       { return "kd:" + ex + ":" + id }
func kudoPrefix(ex string) string        { return "kd:" + ex + ":" }
func kudoCountKey(ex string) string      { return "k:" + ex + ":seq" }
func boardPrefixes(ex string) []string {
	return []string{requestPrefix(ex), offerPrefix(ex), kudoPrefix(ex)}
}

// HelpRequest is a request as stored.
type HelpRequest struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Detail    string   `json:"detail,omitempty"`
	Tags      []string `json:"tags"`
	Anonymous bool     `json:"anonymous"`
	// Author is the requester's opaque key; AuthorID and AuthorName are
	// kept only for a named request.
	Author     string `json:"author"`
	AuthorID   string `json:"authorId,omitempty"`
	AuthorName string `json:"authorName,omitempty"`
	Status     string `json:"status"`
	// Offers are the offers' ids, in the order they came.
	Offers []string `json:"offers"`
}

// View is the request as everyone sees it, without its offers.
func (r HelpRequest) View() HelpRequestView {
	v := HelpRequestView{ID: r.ID, Title: r.Title, Detail: r.Detail, Tags: r.Tags, Status: r.Status,
		Anonymous: r.Anonymous, AuthorName: r.AuthorName, Offers: []HelpOfferView{}}
	if !r.Anonymous {
		v.AuthorID = r.AuthorID
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	return v
}

// HelpOffer is an offer of help, by name.
type HelpOffer struct {
	ID         string `json:"id"`
	Request    string `json:"request"`
	HelperID   string `json:"helperId"`
	HelperName string `json:"helperName"`
	Message    string `json:"message"`
	Accepted   bool   `json:"accepted"`
	Step       string `json:"step,omitempty"`
}

// HelpRequestView is a request as everyone sees it. AuthorID (a named
// request's only: an anonymous one has none) and its offers' HelperID are
// member ids, as a kudo's "to" is: two people of the same name are told
// apart by them on the board, as in every list of people.
type HelpRequestView struct {
	ID         string          `json:"id"`
	Title      string          `json:"title"`
	Detail     string          `json:"detail,omitempty"`
	Tags       []string        `json:"tags"`
	Status     string          `json:"status"`
	Anonymous  bool            `json:"anonymous"`
	AuthorID   string          `json:"authorId,omitempty"`
	AuthorName string          `json:"authorName,omitempty"`
	Offers     []HelpOfferView `json:"offers"`
}

// HelpOfferView is an offer as everyone sees it.
type HelpOfferView struct {
	ID         string `json:"id"`
	HelperID   string `json:"helperId"`
	HelperName string `json:"helperName"`
	Message    string `json:"message"`
	Accepted   bool   `json:"accepted"`
	Step       string `json:"step,omitempty"`
}

// HelpCounts counts requests by status.
type HelpCounts struct {
	Open     int `json:"open"`
	Matched  int `json:"matched"`
	Resolved int `json:"resolved"`
}

// HelpView is the help board (state "ex:<id>"), the same for every role.
type HelpView struct {
	Exercise string            `json:"exercise"`
	Status   Status            `json:"status"`
	Counts   HelpCounts        `json:"counts"`
	Requests []HelpRequestView `json:"requests"`
}

// HelpMine is what the viewer asked and offered (snapshot "mine").
type HelpMine struct {
	Requests []string `json:"requests"`
	Offers   []string `json:"offers"`
}

// Kudo is one message on a kudos wall. An anonymous kudo holds nothing
// about its sender. A named one holds the sender's member id (From) as
// every kudo holds its recipient's (To), so that two senders of the same
// name are told apart on the wall as the room's lists tell people apart.
// Nothing in it says when it was sent, or after which other kudo: its id
// is random, and it has no number or time. (A kudo stored before kudos
// stopped being numbered has a "seq" too; it is not read, so no view
// shows it.)
type Kudo struct {
	ID       string `json:"id"`
	To       string `json:"to"` // a member id, or "team"
	ToName   string `json:"toName,omitempty"`
	FromName string `json:"fromName,omitempty"`
	// From is the sender's member id, of a named kudo only; never the
	// facilitator's test participant, whom only the console lists.
	From      string `json:"from,omitempty"`
	Anonymous bool   `json:"anonymous"`
	Message   string `json:"message"`
	Hidden    bool   `json:"hidden,omitempty"`
}

// KudosView is the wall (state "ex:<id>"), ordered by id: never by when
// the kudos were sent, so that an anonymous kudo sent between one
// person's named ones cannot be lined up with them. Participants do not
// get hidden kudos; facilitators get them marked hidden.
type KudosView struct {
	Exercise string `json:"exercise"`
	Status   Status `json:"status"`
	Count    int    `json:"count"`
	Kudos    []Kudo `json:"kudos"`
}

// ---- Pure rules: help board ----

// NormalizeTags cleans, folds (NFKC, lower case) and deduplicates tags.
func NormalizeTags(tags []string) ([]string, error) {
	out := []string{}
	for i, t := range tags {
		// In NFKC (foldText), before its length is checked: a tag typed
		// in full-width letters, or with an accent of its own, would
		// otherwise stand apart from everyone else's and tell whose
		// (anonymous) request it is.
		c, err := rooms.CleanText(norm.NFKC.String(t), fmt.Sprintf("tags[%d]", i), MaxTagLen, false)
		if err != nil {
			return nil, err
		}
		if c = strings.ToLower(c); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) > MaxTags {
		return nil, rooms.FieldError(rooms.CodeInvalid, "tags", "at most %d tags", MaxTags)
	}
	return out, nil
}

// HelpRequestArgs is the data of help.request.
type HelpRequestArgs struct {
	Title     string   `json:"title"`
	Detail    string   `json:"detail"`
	Tags      []string `json:"tags"`
	Anonymous bool     `json:"anonymous"`
}

// NewHelpRequest makes an open request by author (an opaque key); who
// (id and name) is kept only when the request is not anonymous.
func NewHelpRequest(id string, a HelpRequestArgs, author string, who rooms.Member, lim Limits) (HelpRequest, error) {
	r := HelpRequest{ID: id, Anonymous: a.Anonymous, Author: author, Status: HelpOpen, Offers: []string{}}
	var err error
	if r.Title, err = rooms.CleanText(a.Title, "title", lim.MaxShort, true); err != nil {
		return r, err
	}
	if r.Detail, err = CleanMultiline(a.Detail, "detail", lim.MaxText); err != nil {
		return r, err
	}
	if r.Tags, err = NormalizeTags(a.Tags); err != nil {
		return r, err
	}
	if !a.Anonymous {
		r.AuthorID, r.AuthorName = who.ID, who.Name
	}
	return r, nil
}

// NewHelpOffer makes helper's offer on r. author is the helper's opaque
// key for the board, to tell a requester offering on their own request.
func NewHelpOffer(r HelpRequest, id string, helper rooms.Member, author, message string, lim Limits) (HelpOffer, HelpRequest, error) {
	if r.Author == author {
		return HelpOffer{}, r, rooms.FieldError(rooms.CodeInvalid, "request", "you cannot offer help on your own request")
	}
	if r.Status == HelpResolved {
		return HelpOffer{}, r, rooms.FieldError(rooms.CodeInvalid, "request", "this request is resolved")
	}
	if len(r.Offers) >= lim.MaxOffers {
		return HelpOffer{}, r, rooms.FieldError(rooms.CodeInvalid, "request", "a request takes at most %d offers", lim.MaxOffers)
	}
	msg, err := cleanMessage(message, "message", lim.MaxText)
	if err != nil {
		return HelpOffer{}, r, err
	}
	r.Offers = append(slices.Clone(r.Offers), id)
	return HelpOffer{ID: id, Request: r.ID, HelperID: helper.ID, HelperName: helper.Name, Message: msg}, r, nil
}

// AcceptHelpOffer accepts o on r: the requester only. changed is false
// when it was accepted already.
func AcceptHelpOffer(r HelpRequest, o HelpOffer, author string) (HelpRequest, HelpOffer, bool, error) {
	if r.Author != author {
		return r, o, false, rooms.FieldError(CodeNotYours, "request", "only the requester may accept offers")
	}
	if r.Status == HelpResolved {
		return r, o, false, rooms.FieldError(rooms.CodeInvalid, "request", "this request is resolved")
	}
	if o.Accepted {
		return r, o, false, nil
	}
	o.Accepted = true
	r.Status = HelpMatched
	return r, o, true, nil
}

// SetHelpStep records the pair's agreed next step on an accepted offer:
// the requester (by opaque key) or the helper (by member id).
func SetHelpStep(r HelpRequest, o HelpOffer, author, memberID, text string, lim Limits) (HelpOffer, error) {
	if r.Author != author && o.HelperID != memberID {
		return o, rooms.FieldError(CodeNotYours, "offer", "only the requester and the helper may set the next step")
	}
	if !o.Accepted {
		return o, rooms.FieldError(rooms.CodeInvalid, "offer", "the requester has not accepted this offer yet")
	}
	t, err := rooms.CleanText(text, "text", lim.MaxText, true)
	if err != nil {
		return o, err
	}
	o.Step = t
	return o, nil
}

// ResolveHelp marks r resolved: the requester or a facilitator.
func ResolveHelp(r HelpRequest, author string, facilitator bool) (HelpRequest, error) {
	if r.Author != author && !facilitator {
		return r, rooms.FieldError(CodeNotYours, "request", "only the requester or the facilitator may resolve a request")
	}
	r.Status = HelpResolved
	return r, nil
}

// WithdrawHelp checks that the requester may withdraw r: an open request
// of theirs.
func WithdrawHelp(r HelpRequest, author string) error {
	if r.Author != author {
		return rooms.FieldError(CodeNotYours, "request", "only the requester may withdraw a request")
	}
	if r.Status != HelpOpen {
		return rooms.FieldError(rooms.CodeInvalid, "request", "only an open request can be withdrawn; resolve it instead")
	}
	return nil
}

// ---- Pure rules: kudos ----

// KudosArgs is the data of kudos.send.
type KudosArgs struct {
	To        string `json:"to"`
	Message   string `json:"message"`
	Anonymous bool   `json:"anonymous"`
}

// NewKudo makes a kudo from sender to a.To; to is the recipient's member
// document (nil when there is none). An anonymous kudo keeps nothing of
// the sender; a named one its name and member id.
func NewKudo(id string, a KudosArgs, sender rooms.Member, to *rooms.Member, lim Limits) (Kudo, error) {
	k := Kudo{ID: id, To: a.To, Anonymous: a.Anonymous}
	switch {
	case a.To == "":
		return k, rooms.FieldError(rooms.CodeBadMessage, "to", "to is required: a member id or “team”")
	case a.To == KudosTeam:
	case to == nil || to.Removed:
		return k, rooms.FieldError(rooms.CodeNotFound, "to", "no such member in this room")
	case to.Preview:
		// Nobody but the facilitator is shown the preview (rooms.ListsPreview).
		return k, rooms.FieldError(rooms.CodeInvalid, "to", "this is the facilitator's test participant; kudos go to the people in the room")
	case to.ID == sender.ID:
		return k, rooms.FieldError(rooms.CodeInvalid, "to", "kudos go to someone else")
	default:
		k.ToName = to.Name
	}
	var err error
	if k.Message, err = cleanMessage(a.Message, "message", lim.MaxText); err != nil {
		return k, err
	}
	if !a.Anonymous {
		k.FromName = sender.Name
		if !sender.Preview {
			k.From = sender.ID
		}
	}
	return k, nil
}

// ---- Views ----

func boardViews(e Exercise, in inputs) (fac, part any) {
	if e.Kind == KindKudos {
		return kudosViews(e, in)
	}
	v := helpBoard(e, in.docs)
	return v, v
}

func helpBoard(e Exercise, docs map[string]rooms.Doc) HelpView {
	v := HelpView{Exercise: e.ID, Status: e.Status, Requests: []HelpRequestView{}}
	offers := map[string]HelpOffer{}
	var reqs []HelpRequest
	for k, d := range docs {
		switch {
		case strings.HasPrefix(k, requestPrefix(e.ID)):
			var r HelpRequest
			if json.Unmarshal(d.Value, &r) == nil {
				reqs = append(reqs, r)
			}
		case strings.HasPrefix(k, offerPrefix(e.ID)):
			var o HelpOffer
			if json.Unmarshal(d.Value, &o) == nil {
				offers[o.Request+":"+o.ID] = o
			}
		}
	}
	// Open requests first, then matched, then resolved; by id within
	// each, never by when they were written.
	rank := map[string]int{HelpOpen: 0, HelpMatched: 1, HelpResolved: 2}
	sort.Slice(reqs, func(i, j int) bool {
		if rank[reqs[i].Status] != rank[reqs[j].Status] {
			return rank[reqs[i].Status] < rank[reqs[j].Status]
		}
		return reqs[i].ID < reqs[j].ID
	})
	for _, r := range reqs {
		rv := r.View()
		for _, oid := range r.Offers {
			if o, ok := offers[r.ID+":"+oid]; ok {
				rv.Offers = append(rv.Offers, HelpOfferView{ID: o.ID, HelperID: o.HelperID, HelperName: o.HelperName, Message: o.Message, Accepted: o.Accepted, Step: o.Step})
			}
		}
		switch r.Status {
		case HelpOpen:
			v.Counts.Open++
		case HelpMatched:
			v.Counts.Matched++
		case HelpResolved:
			v.Counts.Resolved++
		}
		v.Requests = append(v.Requests, rv)
	}
	return v
}

func kudosViews(e Exercise, in inputs) (fac, part KudosView) {
	var all []Kudo
	for k, d := range in.docs {
		if strings.HasPrefix(k, kudoPrefix(e.ID)) {
			var kd Kudo
			if json.Unmarshal(d.Value, &kd) == nil {
				all = append(all, kd)
			}
		}
	}
	// By id, never by when they were sent: the ids are random, so the
	// order says nothing of who sent what around a named kudo. It is the
	// same on every screen and in the exports, which follow this view.
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	fac = KudosView{Exercise: e.ID, Status: e.Status, Kudos: []Kudo{}}
	part = fac
	part.Kudos = []Kudo{}
	for _, k := range all {
		fac.Kudos = append(fac.Kudos, k)
		if !k.Hidden {
			part.Kudos = append(part.Kudos, k)
		}
	}
	fac.Count, part.Count = len(fac.Kudos), len(part.Kudos)
	return fac, part
}

// boardMine is the viewer's own requests and offers on a help board.
func boardMine(e Exercise, st *rooms.State, m *rooms.Member) json.RawMessage {
	if e.Kind != KindHelp {
		return nil
	}
	author, named := m.Opaque(authorPurpose(e.ID)), m.Opaque(namedAuthorPurpose(e.ID))
	mine := HelpMine{Requests: []string{}, Offers: []string{}}
	for k, d := range st.Docs {
		switch {
		case strings.HasPrefix(k, requestPrefix(e.ID)):
			var r HelpRequest
			if author != "" && json.Unmarshal(d.Value, &r) == nil && (r.Author == author || r.Author == named) {
				mine.Requests = append(mine.Requests, r.ID)
			}
		case strings.HasPrefix(k, offerPrefix(e.ID)):
			var o HelpOffer
			if json.Unmarshal(d.Value, &o) == nil && o.HelperID == m.ID {
				mine.Offers = append(mine.Offers, o.ID)
			}
		}
	}
	sort.Strings(mine.Requests)
	sort.Strings(mine.Offers)
	b, _ := json.Marshal(mine)
	return b
}

// ---- Glue ----

func registerBoards(svc *rooms.Service, lim Limits) {
	// What the posts participants send read, named for Prefetch (see
	// refPrefetch).
	request := func(_ *rooms.Tx, r cmdRefs) []string {
		if !validRef(r.Request) {
			return nil
		}
		return []string{requestKey(r.Exercise, r.Request)}
	}
	prefetch := map[string]func(*rooms.Tx) []string{
		CmdHelpRequest: refPrefetch(nil),
		CmdHelpOffer:   refPrefetch(request),
		CmdKudosSend: refPrefetch(func(_ *rooms.Tx, r cmdRefs) []string {
			if r.To == KudosTeam || !validRef(r.To) {
				return nil
			}
			return []string{rooms.MemberKey(r.To)}
		}),
	}
	reg := func(typ string, roles []rooms.Role, fn func(tx *rooms.Tx, lim Limits) error) {
		svc.Register(typ, rooms.Handler{Roles: roles, Apply: func(tx *rooms.Tx) error { return fn(tx, lim) }, Prefetch: prefetch[typ]})
	}
	reg(CmdHelpRequest, participant, helpRequestCmd)
	reg(CmdHelpOffer, participant, helpOfferCmd)
	reg(CmdHelpAccept, participant, helpAcceptCmd)
	reg(CmdHelpStep, participant, helpStepCmd)
	reg(CmdHelpResolve, anyone, helpResolveCmd)
	reg(CmdHelpWithdraw, participant, helpWithdrawCmd)
	reg(CmdKudosSend, anyone, kudosSendCmd)
	reg(CmdKudosHide, facilitator, kudosHideCmd)
}

func loadRequest(tx *rooms.Tx, ex, id string) (HelpRequest, error) {
	var r HelpRequest
	if err := checkRef("request", id); err != nil {
		return r, err
	}
	ok, err := tx.GetJSON(requestKey(ex, id), &r)
	if err == nil && !ok {
		err = rooms.FieldError(rooms.CodeNotFound, "request", "no such request")
	}
	return r, err
}

func loadOffer(tx *rooms.Tx, ex string, r HelpRequest, id string) (HelpOffer, error) {
	var o HelpOffer
	if err := checkRef("offer", id); err != nil {
		return o, err
	}
	ok, err := tx.GetJSON(offerKey(ex, r.ID, id), &o)
	if err == nil && !ok {
		err = rooms.FieldError(rooms.CodeNotFound, "offer", "no such offer on this request")
	}
	return o, err
}

type requestEvent struct {
	Exercise string          `json:"exercise"`
	Request  HelpRequestView `json:"request"`
}

// mineAudience is who hears about a request's author's own request: the
// author privately when it is anonymous (so nothing stored names them),
// the member when it is named (so their private key is never tied to a
// named request).
func mineAudience(tx *rooms.Tx, exercise string, r HelpRequest) rooms.Audience {
	if r.Anonymous {
		return rooms.PrivateTo(tx.Actor, exercise)
	}
	return rooms.Audience{Member: r.AuthorID}
}

// helpRequestCmd returns no result: a kept answer is sealed
// (rooms/service.go), but the request's id in it would still be more than
// an anonymous request needs. The requester gets the request in
// help.requested.
func helpRequestCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		HelpRequestArgs
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindHelp)
	if err != nil {
		return err
	}
	author, err := authorKey(tx, e.ID, !args.Anonymous, "")
	if err != nil {
		return err
	}
	r, err := NewHelpRequest(newShortID(), args.HelpRequestArgs, author, *tx.Actor, lim)
	if err != nil {
		return err
	}
	tx.Incr(requestCountKey(e.ID), 1, int64(lim.MaxItems), tooMany("requests", lim.MaxItems))
	// About the detail: the one text long enough that a shorter one may fit.
	growBoard(tx, e, r.boardBytes(), "detail", lim)
	if err := tx.Put(requestKey(e.ID, r.ID), r); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	return tx.Emit(EvHelpRequested, requestEvent{e.ID, r.View()}, mineAudience(tx, e.ID, r))
}

func helpOfferCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Request  string `json:"request"`
		Message  string `json:"message"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	c, err := loadRequestCmd(tx, args.Exercise, args.Request)
	if err != nil {
		return err
	}
	e, author, r := c.e, c.author, c.r
	o, r, err := NewHelpOffer(r, newShortID(), *tx.Actor, author, args.Message, lim)
	if err != nil {
		return err
	}
	tx.Once(offeredSet(e.ID, r.ID), tx.Actor.ID, rooms.FieldError(CodeAlreadyAnswered, "request", "you have offered help on this request already"))
	growBoard(tx, e, o.boardBytes(), "message", lim)
	if err := tx.Put(offerKey(e.ID, r.ID, o.ID), o); err != nil {
		return err
	}
	if err := tx.Put(requestKey(e.ID, r.ID), r); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	tx.Result(map[string]string{"offer": o.ID})
	return nil
}

type pairedEvent struct {
	Exercise      string `json:"exercise"`
	Request       string `json:"request"`
	Offer         string `json:"offer"`
	RequesterName string `json:"requesterName,omitempty"`
	HelperID      string `json:"helperId,omitempty"`
	HelperName    string `json:"helperName,omitempty"`
}

// helpCmd is what commands about one request (and offer) load: the open
// help exercise, the sender's author key in it, the request, the offer.
type helpCmd struct {
	e      Exercise
	author string
	r      HelpRequest
	o      HelpOffer
}

func loadRequestCmd(tx *rooms.Tx, exercise, request string) (helpCmd, error) {
	var c helpCmd
	var err error
	if c.e, err = openExercise(tx, exercise, KindHelp); err != nil {
		return c, err
	}
	if c.r, err = loadRequest(tx, c.e.ID, request); err != nil {
		return c, err
	}
	// Named requests and anonymous ones have author keys of their own, so
	// that nothing stored joins a person's anonymous requests to their
	// named ones (a request from before that kept the other key is the
	// author's still).
	c.author, err = authorKey(tx, c.e.ID, !c.r.Anonymous, c.r.Author)
	return c, err
}

func loadOfferCmd(tx *rooms.Tx, exercise, request, offer string) (helpCmd, error) {
	c, err := loadRequestCmd(tx, exercise, request)
	if err != nil {
		return c, err
	}
	c.o, err = loadOffer(tx, c.e.ID, c.r, offer)
	return c, err
}

func helpAcceptCmd(tx *rooms.Tx, _ Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Request  string `json:"request"`
		Offer    string `json:"offer"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	c, err := loadOfferCmd(tx, args.Exercise, args.Request, args.Offer)
	if err != nil {
		return err
	}
	e := c.e
	r, o, changed, err := AcceptHelpOffer(c.r, c.o, c.author)
	if err != nil || !changed {
		return err
	}
	if err := tx.Put(requestKey(e.ID, r.ID), r); err != nil {
		return err
	}
	if err := tx.Put(offerKey(e.ID, r.ID, o.ID), o); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	// The helper learns that the offer was taken. The requester's name
	// goes with it only for a named request (the board shows it anyway):
	// for an anonymous one the event would be kept in the room's history,
	// and the stored name would tie the request, and through its author
	// key every other anonymous request of that person on the board, to
	// who asked. The two agree their next step on the board (help.step),
	// and the requester says who they are if they wish.
	name := ""
	if !r.Anonymous {
		name = tx.Actor.Name
	}
	if err := tx.Emit(EvHelpPaired, pairedEvent{Exercise: e.ID, Request: r.ID, Offer: o.ID, RequesterName: name},
		rooms.Audience{Member: o.HelperID}); err != nil {
		return err
	}
	return tx.Emit(EvHelpPaired, pairedEvent{Exercise: e.ID, Request: r.ID, Offer: o.ID, HelperID: o.HelperID, HelperName: o.HelperName},
		mineAudience(tx, e.ID, r))
}

func helpStepCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Request  string `json:"request"`
		Offer    string `json:"offer"`
		Text     string `json:"text"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	c, err := loadOfferCmd(tx, args.Exercise, args.Request, args.Offer)
	if err != nil {
		return err
	}
	e, r, o := c.e, c.r, c.o
	no, err := SetHelpStep(r, o, c.author, tx.Actor.ID, args.Text, lim)
	if err != nil || no == o {
		return err
	}
	// A longer step over the budget is refused, and the offer keeps the
	// step it had.
	growBoard(tx, e, no.boardBytes()-o.boardBytes(), "text", lim)
	if err := tx.Put(offerKey(e.ID, r.ID, o.ID), no); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	return nil
}

type requestRef struct {
	Exercise string `json:"exercise"`
	Request  string `json:"request"`
}

func helpResolveCmd(tx *rooms.Tx, _ Limits) error {
	var args requestRef
	if err := tx.Decode(&args); err != nil {
		return err
	}
	c, err := loadRequestCmd(tx, args.Exercise, args.Request)
	if err != nil {
		return err
	}
	e, author, r := c.e, c.author, c.r
	nr, err := ResolveHelp(r, author, tx.Actor.IsFacilitator())
	if err != nil || nr.Status == r.Status {
		return err
	}
	if err := tx.Put(requestKey(e.ID, r.ID), nr); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	return nil
}

func helpWithdrawCmd(tx *rooms.Tx, lim Limits) error {
	var args requestRef
	if err := tx.Decode(&args); err != nil {
		return err
	}
	c, err := loadRequestCmd(tx, args.Exercise, args.Request)
	if err != nil {
		return err
	}
	e, author, r := c.e, c.author, c.r
	if err := WithdrawHelp(r, author); err != nil {
		return err
	}
	// The offers go with the request, and so does what they counted on
	// the board: they are read (in one step) to know how much.
	freed := r.boardBytes()
	keys := make([]string, len(r.Offers))
	for i, oid := range r.Offers {
		keys[i] = offerKey(e.ID, r.ID, oid)
	}
	if len(keys) > 0 {
		docs, err := tx.Get(keys...)
		if err != nil {
			return err
		}
		for _, d := range docs {
			var o HelpOffer
			if d.Version != 0 && json.Unmarshal(d.Value, &o) == nil {
				freed += o.boardBytes()
			}
		}
	}
	tx.Delete(requestKey(e.ID, r.ID))
	for _, k := range keys {
		tx.Delete(k)
	}
	tx.Incr(requestCountKey(e.ID), -1, 0, nil)
	growBoard(tx, e, -freed, "", lim)
	tx.Touch(stateKey(e.ID))
	return nil
}

// kudosSendCmd returns no result, so no kept answer, sealed or not, ties
// a kudo to its sender.
func kudosSendCmd(tx *rooms.Tx, lim Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		KudosArgs
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	e, err := openExercise(tx, args.Exercise, KindKudos)
	if err != nil {
		return err
	}
	var to *rooms.Member
	if args.To != KudosTeam && validRef(args.To) {
		var m rooms.Member
		ok, err := tx.GetJSON(rooms.MemberKey(args.To), &m)
		if err != nil {
			return err
		}
		if ok {
			to = &m
		}
	}
	k, err := NewKudo(newShortID(), args.KudosArgs, *tx.Actor, to, lim)
	if err != nil {
		return err
	}
	// The count is only the limit's: the kudo holds no number of its own.
	tx.Incr(kudoCountKey(e.ID), 1, int64(lim.MaxItems), tooMany("kudos", lim.MaxItems))
	growBoard(tx, e, k.boardBytes(), "message", lim)
	if err := tx.Put(kudoKey(e.ID, k.ID), k); err != nil {
		return err
	}
	tx.Touch(stateKey(e.ID))
	return nil
}

func kudosHideCmd(tx *rooms.Tx, _ Limits) error {
	var args struct {
		Exercise string `json:"exercise"`
		Kudo     string `json:"kudo"`
		Hidden   bool   `json:"hidden"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	// Moderation works in any status: an offensive kudo can be hidden
	// after the wall closed, too.
	e, err := loadExercise(tx, args.Exercise)
	if err != nil {
		return err
	}
	if e.Kind != KindKudos {
		return rooms.FieldError(rooms.CodeInvalid, "exercise", "this is not a kudos wall")
	}
	return setHidden(tx, e, "kudo", kudoKey(e.ID, args.Kudo), args.Kudo, args.Hidden, func(k *Kudo) *bool { return &k.Hidden })
}
