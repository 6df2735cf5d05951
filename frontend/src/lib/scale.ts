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
