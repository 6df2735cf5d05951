// What the comparison view shows of a Comparison (docs/protocol.md 2.9.5).
import { t } from '../lib/strings-console';
import type { QuestionTally, SessionSummary } from '../lib/types';
import { normalizeWord } from '../lib/ballot';

/** Whether two texts read the same, case, spacing and the punctuation
 * around them aside ("Where do we meet?", "where do we meet"): the
 * Markdown report's rule (exercises/export.go alike), so that the view
 * and the report say an exercise's only question, or leave it out, alike. */
export const alike = (a: string, b: string) => b !== '' && normalizeWord(a) === normalizeWord(b);

export interface Delta { text: string; arrow: string; word: string; sign: -1 | 0 | 1 }

/** b − a as "+0.42", "−0.30" (a true minus sign) or "0.00", with an arrow and words, so the direction never rests on colour. */
export function delta(d: number): Delta {
  const r = Math.round(d * 100) / 100;
  const abs = Math.abs(r).toFixed(2);
  if (r > 0) return { text: '+' + abs, arrow: '↑', word: t.lib.higher, sign: 1 };
  if (r < 0) return { text: '−' + abs, arrow: '↓', word: t.lib.lower, sign: -1 };
  return { text: '0.00', arrow: '→', word: t.lib.same, sign: 0 };
}

/** A mean with two decimals; "–" when there is none. */
export const mean = (n?: number | null) => (n == null ? '–' : n.toFixed(2));

export interface PairRow { label: string; a: number | null; b: number | null }

/** A side's tally to draw: none when that side has no such question or hid it (docs/protocol.md 2.9.5). */
export const shown = (q: QuestionTally | null | undefined) => (q && !q.hidden ? q : null);

/** One row per option or scale value, in A's order then B's own; null where a side has no such row (or hid the question). */
export function pairRows(ta: QuestionTally | null, tb: QuestionTally | null): PairRow[] {
  const a = shown(ta), b = shown(tb);
  const rows: PairRow[] = [];
  const at = new Map<string, PairRow>();
  for (const c of a?.counts ?? []) {
    const r = { label: c.label, a: c.count, b: b ? 0 : null };
    rows.push(r);
    at.set(c.label, r);
  }
  for (const c of b?.counts ?? []) {
    const r = at.get(c.label);
    if (r) r.b = c.count;
    else rows.push({ label: c.label, a: a ? 0 : null, b: c.count });
  }
  return rows;
}

/** The share of answers, as a whole percentage. */
export const pct = (n: number, total: number) => (total > 0 ? Math.round((n / total) * 100) : 0);

/**
 * The two newest sessions of the same pack, older first: the natural pair
 * to compare. None when no pack has two: two sessions of different packs
 * (or of no pack, rooms set up by hand) are not chosen for anyone, as the
 * page's hint says.
 */
export function defaultPair(newestFirst: SessionSummary[]): string[] {
  const list = newestFirst;
  for (let i = 0; i < list.length; i++) {
    if (!list[i].pack) continue;
    const other = list.slice(i + 1).find((s) => s.pack === list[i].pack);
    if (other) return [other.id, list[i].id];
  }
  return [];
}
