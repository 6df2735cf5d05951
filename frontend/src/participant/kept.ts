// Whether a refused send adds "What you typed is kept" (t.kept): only
// where sending it again may work. Every form that keeps what was typed
// after a refusal says so by this (SendStatus, and the help board's
// errors under their fields).

// Not after "you have answered already" or "this exercise is closed".
const FINAL = new Set(['already_answered', 'wrong_status', 'wrong_phase', 'room_ended', 'ended', 'removed', 'bad_token', 'not_found', 'forbidden', 'no_dots_left', 'not_yours']);

/** Whether what was typed is worth keeping after failure: sending it
 *  again may work. Not after a board full of text (max-board-bytes,
 *  code `board_full`, docs/protocol.md 9), unless roomCanBeMade: a full
 *  board can make room for it (a retro's: the facilitator deletes cards,
 *  or a shorter text fits, as its refusal says); a help board, a kudos
 *  wall and an open text's answers say nothing more can be added. */
export function keptAfter(failure: unknown, roomCanBeMade = false): boolean {
  const code = (failure as { code?: string } | null)?.code ?? '';
  if (FINAL.has(code)) return false;
  return roomCanBeMade || code !== 'board_full';
}
