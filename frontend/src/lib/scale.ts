// A scale question's range. Stored questions leave out a min or max of 0
// (docs/protocol.md 8.2: read an absent one as 0), and a spec with
// neither is 1 to 5; every page reads the range here, so a scale from 0
// to 10 or from -5 to 0 is the same everywhere.
import type { Question } from './types';

export function scaleBounds(q: Pick<Question, 'min' | 'max'>): [number, number] {
  if (!q.min && !q.max) return [1, 5];
  return [q.min ?? 0, q.max ?? 0];
}

/** Every point of the scale, lowest first. */
export function scalePoints(q: Pick<Question, 'min' | 'max'>): number[] {
  const [a, b] = scaleBounds(q);
  return Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
}

/**
 * The points a phone's row holds for a scale of `n` points: all of them
 * up to 6 (about 46 px each in a 360 px phone's card, over the 40 px a
 * thumb needs), else as few even rows as keep to 6: 10 points are 2 rows
 * of 5, 11 are 6 and 5.
 */
export function scaleColumns(n: number): number {
  const rows = Math.max(1, Math.ceil(n / 6));
  return Math.ceil(n / rows);
}
