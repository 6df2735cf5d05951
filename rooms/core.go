package rooms

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Core command and event types. Exercises add their own (docs/protocol.md).
const (
	CmdRoomLock     = "room.lock"
	CmdRoomUnlock   = "room.unlock"
	CmdRoomUpdate   = "room.update"
	CmdRoomEnd      = "room.end"
	CmdMemberRemove = "member.remove"
	CmdMemberRename = "member.rename"
	CmdScreenLink   = "room.screen_link"
	CmdScreenUnlink = "room.screen_unlink"

	EvRoomUpdated   = "room.updated"
	EvRoomEnded     = "room.ended"
	EvMemberRemoved = "member.removed"
	EvMemberRenamed = "member.renamed"
	EvScreenRevoked = "room.screen_revoked"
)

var facilitatorOnly = []Role{RoleFacilitator}

func (s *Service) registerCore() {
	s.Register(CmdRoomLock, Handler{Roles: facilitatorOnly, Apply: func(tx *Tx) error { return setLocked(tx, true) }})
	s.Register(CmdRoomUnlock, Handler{Roles: facilitatorOnly, Apply: func(tx *Tx) error { return setLocked(tx, false) }})
	s.Register(CmdRoomUpdate, Handler{Roles: facilitatorOnly, Apply: updateRoom})
	s.Register(CmdRoomEnd, Handler{Roles: facilitatorOnly, Apply: endRoom})
	s.Register(CmdMemberRemove, Handler{Roles: facilitatorOnly, Apply: removeMember})
	s.Register(CmdMemberRename, Handler{Apply: renameMember})
	s.Register(CmdScreenLink, Handler{Roles: facilitatorOnly, Apply: func(tx *Tx) error { return setScreenLink(tx, true) }})
	s.Register(CmdScreenUnlink, Handler{Roles: facilitatorOnly, Apply: func(tx *Tx) error { return setScreenLink(tx, false) }})
}

// keyScreenLink is the document of the room's projector link: its id and
// its token's key. A room has at most one: making another, or none,
// revokes the one before.
const keyScreenLink = "screenlink"

type screenLinkDoc struct {
	Link string `json:"link"`
	Key  string `json:"key"`
}

// screenLinkCurrent reports, as an error, when link is no longer room's
// projector link.
func (s *Service) screenLinkCurrent(ctx context.Context, room, link string) error {
	docs, err := s.store.Get(ctx, room, keyScreenLink)
	if err != nil {
		return err
	}
	var d screenLinkDoc
	if docs[0].Version == 0 || json.Unmarshal(docs[0].Value, &d) != nil || d.Link != link {
		return Errorf(CodeBadToken, "this projector link was replaced or stopped")
	}
	return nil
}

// setScreenLink makes a new projector link (create), or none, revoking the
// room's current one: its token stops opening the room, and the
// projector views it opened are closed (EvScreenRevoked, see the hub).
// The new link's token is the command's result, so only the facilitator
// who asked sees it; the stored reply is sealed with their key.
func setScreenLink(tx *Tx, create bool) error {
	var old screenLinkDoc
	had, err := tx.GetJSON(keyScreenLink, &old)
	if err != nil {
		return err
	}
	if had {
		tx.Delete(old.Key)
		if err := tx.Emit(EvScreenRevoked, map[string]string{"link": old.Link}, Audience{Facilitators: true}); err != nil {
			return err
		}
	}
	if !create {
		if had {
			tx.Delete(keyScreenLink)
		}
		return nil
	}
	link, tok := NewID(), NewSecret()
	if err := tx.Put(tokenKey(tok), tokenDoc{Member: tx.Actor.ID, Screen: link}); err != nil {
		return err
	}
	if err := tx.Put(keyScreenLink, screenLinkDoc{Link: link, Key: tokenKey(tok)}); err != nil {
		return err
	}
	tx.Result(map[string]string{"link": link, "token": tok.Reveal()})
	return nil
}

func setLocked(tx *Tx, locked bool) error {
	if tx.Room.Locked == locked {
		return nil // already so: an ack with no event
	}
	r := tx.Room
	r.Locked = locked
	return putRoom(tx, r)
}

func putRoom(tx *Tx, r Room) error {
	if err := tx.Put(KeyRoom, r); err != nil {
		return err
	}
	return tx.Emit(EvRoomUpdated, r, Audience{})
}

func updateRoom(tx *Tx) error {
	var args struct {
		Title     *string `json:"title"`
		ShowNames *bool   `json:"showNames"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	r := tx.Room
	if args.Title != nil {
		t, err := CleanText(*args.Title, "title", tx.Limits().MaxTitleLen, true)
		if err != nil {
			return err
		}
		r.Title = t
	}
	if args.ShowNames != nil {
		r.ShowNames = *args.ShowNames
	}
	if r == tx.Room {
		return nil
	}
	return putRoom(tx, r)
}

func endRoom(tx *Tx) error {
	r := tx.Room
	r.Ended, r.Locked = true, true
	// The end time is part of the room's state, so that everything done
	// because it ended (its kept session, above all) says the same time
	// however often and late it is done.
	r.EndedAt = tx.Now().UTC().Truncate(time.Second)
	if err := tx.Put(KeyRoom, r); err != nil {
		return err
	}
	return tx.Emit(EvRoomEnded, r, Audience{})
}

func removeMember(tx *Tx) error {
	var args struct {
		Member string `json:"member"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	if args.Member == "" {
		return FieldError(CodeBadMessage, "member", "member is required")
	}
	var m Member
	ok, err := tx.GetJSON(MemberKey(args.Member), &m)
	if err != nil {
		return err
	}
	if !ok {
		return FieldError(CodeNotFound, "member", "no such member")
	}
	if m.Role == RoleFacilitator {
		return FieldError(CodeInvalid, "member", "the facilitator cannot be removed")
	}
	if m.Removed {
		return nil
	}
	m.Removed = true
	// From now on this node reads the member for each of their commands
	// (Handler.Assume), even before the removal's event comes back.
	tx.svc.MemberRemoved(tx.RoomID, m.ID)
	if err := tx.Put(MemberKey(m.ID), m); err != nil {
		return err
	}
	if !m.Uncounted {
		tx.Incr(CounterParticipants, -1, 0, nil)
	}
	tx.Touch(StatePresence)
	// The removed member is told by their close code; participants see
	// the count (and, where names are shown, the list) change in presence.
	return tx.Emit(EvMemberRemoved, memberRemoved{Member: m.ID, Preview: m.Preview}, Audience{Facilitators: true})
}

func renameMember(tx *Tx) error {
	var args struct {
		Name string `json:"name"`
	}
	if err := tx.Decode(&args); err != nil {
		return err
	}
	name, err := CleanText(args.Name, "name", tx.Limits().MaxNameLen, false)
	if err == nil && tx.Actor.Role == RoleParticipant {
		name, err = ParticipantName(name, tx.Limits().MaxNameLen)
	}
	if err != nil {
		return err
	}
	// The name as stored (cleaned), so the sender shows what others see.
	tx.Result(map[string]string{"name": name})
	m := *tx.Actor
	if m.Name == name {
		return nil
	}
	m.Name = name
	if err := tx.Put(MemberKey(m.ID), m); err != nil {
		return err
	}
	// Facilitators get the event; participants who may see names get the
	// new name through presence, which respects the presence list limit.
	tx.Touch(StatePresence)
	return tx.Emit(EvMemberRenamed, m.Ref(), Audience{Facilitators: true})
}

// MemberView is a member as others see them.
type MemberView struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Role   Role   `json:"role"`
	Online bool   `json:"online"`
	// Removed appears in presence changes when a member was removed.
	Removed bool `json:"removed,omitempty"`
	// Preview marks the facilitator's test participant (Member.Preview).
	// Only facilitators are told of one (ListsPreview); it is in no
	// count.
	Preview bool `json:"preview,omitempty"`
}

// counts reports whether v is in the presence counts: a participant, not
// the facilitator's preview, not removed.
func (v MemberView) counts() bool { return v.Role == RoleParticipant && !v.Preview && !v.Removed }

// ListsPreview reports whether m is told of the facilitator's test
// participant: only facilitators are. To everyone else a preview is
// nobody, so it is never offered to them as someone to thank or count.
func ListsPreview(m *Member) bool { return m.IsFacilitator() }

// MemberRef names a member in events.
type MemberRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Preview as in MemberView: every node's hub learns from the event
	// whether the presence change it makes is for facilitators only.
	Preview bool `json:"preview,omitempty"`
}

// Ref is how events name m.
func (m *Member) Ref() MemberRef {
	return MemberRef{ID: m.ID, Name: m.Name, Role: m.Role, Preview: m.Preview}
}

// View is the member r names as others see them, offline: presence says
// who is online.
func (r MemberRef) View() MemberView {
	return MemberView{ID: r.ID, Name: r.Name, Role: r.Role, Preview: r.Preview}
}

// offline is v with no presence state: not online, not removed.
func (v MemberView) offline() MemberView {
	v.Online, v.Removed = false, false
	return v
}

// memberRemoved is the data of EvMemberRemoved.
type memberRemoved struct {
	Member  string `json:"member"`
	Preview bool   `json:"preview,omitempty"`
}

// View is the removed member as presence changes name them (only
// participants are removed).
func (d memberRemoved) View() MemberView {
	return MemberView{ID: d.Member, Role: RoleParticipant, Removed: true, Preview: d.Preview}
}

// Snapshot is the whole room as one viewer may see it.
type Snapshot struct {
	Room    Room         `json:"room"`
	Members []MemberView `json:"members,omitempty"`
	// Participants is how many participants have joined (not removed).
	Participants int64 `json:"participants"`
	// Sections holds each part's own view (exercises add theirs).
	Sections map[string]json.RawMessage `json:"sections,omitempty"`
}

// Viewer is the context in which a snapshot is built.
type Viewer struct {
	Member *Member
	// Online reports whether a member is connected.
	Online func(id string) bool
}

// SnapshotFor builds what viewer may see of st. Facilitators see every
// member; participants see the member list only when the room shows
// names and is small enough for lists.
func (s *Service) SnapshotFor(st *State, v Viewer) (*Snapshot, error) {
	var room Room
	if err := json.Unmarshal(st.Docs[KeyRoom].Value, &room); err != nil {
		return nil, err
	}
	snap := &Snapshot{Room: room, Participants: st.Counters[CounterParticipants]}
	if v.Member.IsFacilitator() || (room.ShowNames && snap.Participants <= int64(s.limits.PresenceListMax)) {
		var docs []Doc
		for k, d := range st.Docs {
			if strings.HasPrefix(k, "member:") {
				docs = append(docs, d)
			}
		}
		snap.Members = memberViews(docs, v.Online, ListsPreview(v.Member))
	}
	for _, sec := range s.sections {
		b, err := sec.fn(st, v)
		if err != nil {
			return nil, err
		}
		if b != nil {
			if snap.Sections == nil {
				snap.Sections = make(map[string]json.RawMessage)
			}
			snap.Sections[sec.name] = b
		}
	}
	return snap, nil
}

// memberViews lists members from their documents, facilitators first,
// then by name; a preview only with previews.
func memberViews(docs []Doc, online func(string) bool, previews bool) []MemberView {
	out := []MemberView{}
	for _, d := range docs {
		var m Member
		if json.Unmarshal(d.Value, &m) != nil || m.Removed || (m.Preview && !previews) {
			continue
		}
		out = append(out, m.View(online != nil && online(m.ID)))
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Role != b.Role {
			return a.Role == RoleFacilitator
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	return out
}

// Visible reports whether an event's audience includes m.
func Visible(to Audience, m *Member) bool {
	switch {
	case to.Everyone():
		return true
	case m.Role == RoleScreen:
		// A projector shares the facilitator's identity but shows the
		// room: nothing addressed to one person, the facilitator included.
		return false
	case to.Facilitators:
		return m.IsFacilitator()
	case to.Private != "":
		return to.Private == m.PrivateKeyFor(to.Scope)
	default:
		return to.Member == m.ID
	}
}
