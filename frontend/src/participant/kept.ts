// Whether a refused send adds "What you typed is kept" (t.kept): only
// where sending it again may work. Every form that keeps what was typed
// after a refusal says so by this (SendStatus, and the help board's
// errors under their fields).

// Not after "you have answered already" or "this exercise is closed".
const FINAL = new Set(['already_answered', 'wrong_status', 'wrong_phase', 'room_ended', 'ended', 'removed', 'bad_token', 'not_found', 'forbidden', 'no_dots_left', 'not_yours']);

// Nor after a board full of text (max-board-bytes): code `invalid`, as a
// field's bad value is, with a message that starts "the board is full:"
// ("the wall is full:" for kudos, "the answers are full:" for open text;
// docs/protocol.md 11.1). The code alone cannot tell it: after most
// `invalid` refusals the text, mended, is taken.
const FULL = /^the (board|wall|answers) (is|are) full:/;

/** Whether what was typed is worth keeping after failure: sending it
 *  again may work. roomCanBeMade: a full board can make room for it (a
 *  retro's: the facilitator deletes cards, or a shorter text fits, as
 *  its refusal says); a help board, a kudos wall and an open text's
 *  answers say nothing more can be added. */
export function keptAfter(failure: unknown, roomCanBeMade = false): boolean {
  const e = failure as { code?: string; message?: string } | null;
  if (FINAL.has(e?.code ?? '')) return false;
  return roomCanBeMade || !(e?.code === 'invalid' && FULL.test(e.message ?? ''));
}
