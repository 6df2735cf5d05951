// What the comparison view shows of a Comparison (docs/protocol.md 2.9.5).
import { t } from '../lib/strings-console';
import type { CompareQuestion, QuestionTally, SessionSummary } from '../lib/types';
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

/** A side's tally of a question, with a scale question's range (docs/protocol.md 2.9.5). */
export type RangedTally = QuestionTally & { min?: number; max?: number };

/**
 * A compared question as the server pairs it (docs/protocol.md 2.9.5):
 * by id in two sessions of one pack, else by what it asks, never by
 * position. `promptB` is B's wording when it differs from A's (`prompt`);
 * `only` says whose question it is when the other session's exercise did
 * not ask it; `noMeanDelta` why two means have no change.
 */
export type ComparedQuestion = Omit<CompareQuestion, 'a' | 'b'> & {
  a: RangedTally | null; b: RangedTally | null;
  promptB?: string; only?: 'a' | 'b'; pairedBy?: 'id' | 'prompt'; noMeanDelta?: 'different_scales';
};

/** The comparison's words for a question: the Markdown report's too
 *  (exercises/sessions.go wordOnlyIn, wordAskedInB, wordNotCompared,
 *  checked by TestCompareWordsAreTheViews), so the view and the report
 *  say a question alike. */
export const compareWords = {
  onlyIn: (side: string) => `only in session ${side}`,
  askedInB: (prompt: string) => `session B asked: ${prompt}`,
  notCompared: (a: string, b: string) => `not compared: the scales differ (A ${a}, B ${b})`,
};

/** Words as they open a line. */
export const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A scale's range as the comparison says it: "1 to 5"; "?" when the session does not say. */
export const scaleRange = (q: RangedTally | null | undefined) => (q?.min != null && q?.max != null ? `${q.min} to ${q.max}` : '?');

/** Whether the two sides' scales run over different ranges (each known). */
const rangesDiffer = (q: ComparedQuestion) =>
  q.a?.min != null && q.a?.max != null && q.b?.min != null && q.b?.max != null && (q.a.min !== q.b.min || q.a.max !== q.b.max);

/**
 * The change between a question's two means: the server's `meanDelta`,
 * or why there is none when both sides have a mean (scales of different
 * ranges are on no one ruler: 1-5 against 1-10 is no "+3.00"); null when
 * there is nothing to say.
 */
export function meanChange(q: ComparedQuestion): { delta: number } | { why: string } | null {
  const both = q.a?.mean != null && q.b?.mean != null;
  if (both && (q.noMeanDelta === 'different_scales' || rangesDiffer(q))) return { why: compareWords.notCompared(scaleRange(q.a), scaleRange(q.b)) };
  if (q.meanDelta != null) return { delta: q.meanDelta };
  return null;
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
