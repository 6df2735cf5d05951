package exercises

import (
	"unicode/utf8"

	"huddle/rooms"
)

// A board (a retrospective, a help board, a kudos wall, an open-text
// exercise's answers) is sent whole, as one state message, to every
// phone in the room on each change. Its item counts (max-items,
// max-offers) and text lengths (max-text-len) alone let it grow to tens
// of megabytes: 500 help requests of 50 offers, each of 500 "<", which
// JSON writes as six bytes each. The board budget (max-board-bytes,
// Limits.MaxBoard) bounds it as a whole.
//
// What a board holds is counted in bytes, not characters, since bytes are
// what phones load and the node keeps and sends: each text as its state
// message carries it (textBytes), plus boardItemBytes for each item. The
// count is a counter of the exercise (boardBytesKey), changed in the same
// atomic change as the items: a command that adds or grows text adds the
// difference with the budget as the counter's maximum (growBoard), so two
// phones writing at once cannot pass it together, on either store; one
// that deletes or shortens takes its difference off, never refused. The
// documents a command reads are its preconditions, so the difference it
// counts is that of the texts it replaces, and the counter stays exact.
//
// A room started before the budget has no counter: it counts from zero,
// while its board already holds what was written. Everything deleted or
// shortened since is taken off all the same, so the counter stays below
// the board's true size by exactly what the board held at the upgrade:
// such a board may pass the budget by that much, never grow past the
// budget plus that, and the room expires within room-ttl of its last use.
// Reading the whole board to start the counter at its size would cost
// every first command a scan of the board, for a few hours' rooms.

// boardItemBytes is what each item of a board (card, group, action item,
// help request, offer, kudo, open-text answer) counts besides its texts:
// about what its id, the member ids it carries and its field names take
// in the board's state (from 31 bytes for an open-text answer to some 140
// for a named kudo, whose sender's and recipient's ids are 36 each). It
// also stops a board of very many short items: 25,000 offers of one
// letter each, the counts' limit, would be a state of 3 MB.
const boardItemBytes = 100

// boardBytesKey is the counter of what exercise ex's board holds, in
// bytes. Its name has the exercise's id as its second part, so it is
// among the exercise's counters (counterOf).
func boardBytesKey(ex string) string { return "bb:" + ex + ":bytes" }

// textBytes is the length of s as encoding/json writes it between its
// quotes, which is how a board's documents are stored and its state is
// sent: its UTF-8 bytes, with 6 for each of <, > and & (\u003c), 2 for a
// quote, a backslash and a line break, 6 for other control characters,
// for U+2028 and U+2029, and for each byte of invalid UTF-8 (\ufffd).
func textBytes(s string) int64 {
	var n int64
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += int64(size)
		}
		i += size
	}
	return n
}

func textsBytes(ss ...string) int64 {
	var n int64
	for _, s := range ss {
		n += textBytes(s)
	}
	return n
}

// The bytes each item counts on its board: boardItemBytes and its texts,
// the names it carries among them (a name is copied into the item when
// it is written, and sent with it).
func (c RetroCard) boardBytes() int64 {
	return boardItemBytes + textsBytes(c.Text, c.AuthorName)
}
func (g RetroGroup) boardBytes() int64 { return boardItemBytes + textBytes(g.Title) }
func (a RetroAction) boardBytes() int64 {
	return boardItemBytes + textsBytes(a.Text, a.Owner)
}
func (r HelpRequest) boardBytes() int64 {
	return boardItemBytes + textsBytes(r.Title, r.Detail, r.AuthorName) + textsBytes(r.Tags...)
}
func (o HelpOffer) boardBytes() int64 {
	return boardItemBytes + textsBytes(o.Message, o.Step, o.HelperName)
}
func (k Kudo) boardBytes() int64 {
	return boardItemBytes + textsBytes(k.Message, k.ToName, k.FromName)
}
func (t TextAnswer) boardBytes() int64 { return boardItemBytes + textBytes(t.Text) }

// growBoard counts delta bytes more (or fewer) on e's board, in the
// command's change. More is refused with boardFull (about field) when it
// would take the board past the budget; fewer never is, so a board over
// it (one from before the budget, or a budget lowered since) can always
// be made smaller. Nothing is counted for no difference: a card moved or
// grouped costs its change no counter.
func growBoard(tx *rooms.Tx, e Exercise, delta int64, field string, lim Limits) {
	switch {
	case delta > 0:
		tx.Incr(boardBytesKey(e.ID), delta, int64(lim.MaxBoard), boardFull(e.Kind, field))
	case delta < 0:
		tx.Incr(boardBytesKey(e.ID), delta, 0, nil)
	}
}

// boardFull is the answer to a command that would take a board past its
// budget: board_full, about the text it adds, in words a phone shows as
// they are (errorText in the web app capitalises them and ends them with
// a full stop). The code, not the words, tells a client the board is
// full (invalid was a field's bad value, mended and sent again). It says
// what the person can do next on that board, and no size: bytes mean
// nothing to them, and the budget is the server's. Each starts as
// docs/protocol.md quotes it ("the board is full: …"), as it did when
// the code was invalid and clients knew it by those words.
func boardFull(kind Kind, field string) *rooms.Error {
	switch kind {
	case KindRetro:
		// Deleting a card (its author, or the facilitator) or an action
		// item frees what it counted; shortening a text gives the
		// difference back.
		return rooms.FieldError(rooms.CodeBoardFull, field, "the board is full: the facilitator can make room by deleting cards, or you can shorten what you wrote")
	case KindKudos:
		// Nothing frees a wall: hidden kudos still count.
		return rooms.FieldError(rooms.CodeBoardFull, field, "the wall is full: no more kudos can be added to it")
	case KindHelp:
		return rooms.FieldError(rooms.CodeBoardFull, field, "the board is full: nothing more can be added to it, so ask the facilitator")
	case KindText:
		// Hidden answers still count; a shorter answer is never refused.
		return rooms.FieldError(rooms.CodeBoardFull, field, "the answers are full: this exercise cannot take any more text, so ask the facilitator")
	}
	return rooms.FieldError(rooms.CodeBoardFull, field, "the board is full: nothing more can be added to it")
}

// largestItem is the most bytes one item of a board can count within
// the text limits: a help offer whose message and next step are at
// max-text-len, a help request at max-short-len and max-text-len with
// its tags, or a kudo with two names, each character written as six
// bytes (\u003c). A budget below it would refuse such an item on an
// empty board.
func (l Limits) largestItem() int {
	const escaped = 6
	request := l.MaxShort + l.MaxText + MaxTags*MaxTagLen + l.MaxName
	offer := 2*l.MaxText + l.MaxName
	kudo := l.MaxText + 2*l.MaxName
	return boardItemBytes + escaped*max(request, offer, kudo)
}
