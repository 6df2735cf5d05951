// A named ballot as a facilitator reads it ("Red", "Pace: 4; Tools: Go,
// Lua"), not as the protocol carries it (option ids).
import { getContext, setContext } from 'svelte';
import type { Ballot, Exercise } from './types';

export function ballotText(ex: Exercise, b: Ballot): string {
  if (b.words?.length) return b.words.join(', ');
  if (b.text != null) return b.text;
  const qs = ex.questions ?? [];
  const parts: string[] = [];
  qs.forEach((q, i) => {
    const a = b.answers?.[q.id];
    if (!a) return;
    let v: string;
    if (q.kind === 'choice') v = (a.choices ?? []).map((id) => q.options?.find((o) => o.id === id)?.label ?? id).join(', ');
    else v = a.value == null ? '' : String(a.value);
    parts.push(qs.length > 1 ? `${q.prompt || `Question ${i + 1}`}: ${v}` : v);
  });
  return parts.join('; ');
}

// A phone's own ballots, so that its results mark "Your answer". The
// participant's room gives them (from the snapshot's `mine`, so only
// what this phone holds); Results reads them wherever the room draws it,
// and nowhere else (the console's and the projector's have none).
const OWN = Symbol('own ballots');
type OwnBallots = (exercise: string) => Ballot | undefined;
export function provideOwnBallots(get: OwnBallots) { setContext(OWN, get); }
export function ownBallots(): OwnBallots | undefined { return getContext<OwnBallots | undefined>(OWN); }
