// Small formatting helpers of the trainer's pages.
import { t } from '../lib/strings-console';
import type { Kind, SessionSummary } from '../lib/types';

/** A kind's name; PackSummary.kinds may say "pulse" for a survey (docs/protocol.md 2.9.1). */
export function kindLabel(kind: string): string {
  if (kind === 'pulse') return t.host.kinds.survey;
  return t.host.kinds[kind as Kind] ?? kind;
}

/** "Word cloud, Pulse survey ×2, Retrospective": kinds in order of first use, with counts. */
export function kindsSummary(kinds: string[]): string {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k === 'pulse' ? 'survey' : k, (counts.get(k === 'pulse' ? 'survey' : k) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n > 1 ? `${kindLabel(k)} ×${n}` : kindLabel(k))).join(', ');
}

/** A date and time for people, in their locale; the input when it is not a date. */
export function when(iso?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A date without the time. */
export function day(iso?: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** Until when a kept session is available: "Kept until <date>", or "Kept
 * with no expiry" when it has no expiresAt (absent, or Go's zero time), or
 * only until the server restarts when it keeps its library in memory
 * (untilRestart), which comes first whatever the date. */
export function keptUntil(s: Pick<SessionSummary, 'expiresAt' | 'untilRestart'>): string {
  if (s.untilRestart) return t.lib.keptUntilRestart;
  const at = s.expiresAt ? Date.parse(s.expiresAt) : NaN;
  if (!s.expiresAt || at <= 0) return t.lib.keptForever;
  return t.lib.keptUntil(when(s.expiresAt));
}
