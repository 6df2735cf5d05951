// An ended room takes no more answers: an exercise left open in it is
// closed, as the server counts it (docs/protocol.md 8.10: "an open vote in
// an ended room counts as closed") and the room's export has it, its
// countdown gone. The one rule for the console's current exercise
// (Console) and its agenda (Agenda), which had each a copy of it.
import type { Exercise } from '../lib/types';

/** ex as its room has it: when the room has ended and ex was left open,
 *  a copy of ex closed, with no countdown; else ex itself. */
export function asEnded(ex: Exercise, ended: boolean): Exercise {
  return ended && ex.status === 'open' ? { ...ex, status: 'closed', endsAt: undefined } : ex;
}
