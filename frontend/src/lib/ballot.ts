// A named ballot as a facilitator reads it ("Red", "Pace: 4; Tools: Go,
// Lua"), not as the protocol carries it (option ids).
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
