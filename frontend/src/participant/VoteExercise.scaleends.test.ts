// A scale's end labels tied to its first and last points, and laid out at
// the scale's ends when it wraps on a phone (WCAG 1.3.1).
import { describe, expect, it } from 'vitest';
import VoteExercise from './VoteExercise.svelte';
import { emptyState } from '../lib/reducer';
import { show } from '../test/mount';
import type { Exercise } from '../lib/types';

function scale(min: number, max: number, minLabel = '', maxLabel = '') {
  const ex = { id: 's1', kind: 'scale', title: 'Pace', status: 'open', questions: [{ id: 'q1', kind: 'scale', prompt: 'Pace', min, max, minLabel, maxLabel }] } as Exercise;
  const session = { state: { ...emptyState(), states: { s1: { responses: 0, minResponses: 3 } } }, status: 'online', send: () => new Promise(() => {}) };
  return show(VoteExercise, { session, ex });
}
const names = (target: HTMLElement) => [...target.querySelectorAll<HTMLInputElement>('.scale input')].map((i) => i.getAttribute('aria-label') ?? i.value);

describe("a scale's end labels", () => {
  it('are part of the first and last points’ names, and shown without being said again', () => {
    const target = scale(1, 5, 'Too slow', 'Too fast');
    expect(names(target)).toEqual(['1, Too slow', '2', '3', '4', '5, Too fast']);
    for (const id of ['scale-low', 'scale-high']) {
      const el = target.querySelector(`[data-testid=${id}]`)!;
      expect(el.getAttribute('aria-hidden')).toBe('true');
      expect(el.closest('[role=radiogroup]')).not.toBeNull();
    }
    expect(target.querySelector('[data-testid=scale-low]')!.textContent).toBe('Too slow');
    expect(target.querySelector('[data-testid=scale-high]')!.textContent).toBe('Too fast');
  });

  it('name only the end that has a label', () => {
    expect(names(scale(0, 3, '', 'Very'))).toEqual(['0', '1', '2', '3, Very']);
    expect(names(scale(1, 3))).toEqual(['1', '2', '3']);
  });

  it('sit above the first point and under the last when 11 points wrap into rows of 6 and 5', () => {
    const target = scale(0, 10, 'Not at all likely', 'Extremely likely');
    const grid = target.querySelector('.scale') as HTMLElement;
    expect(grid.classList.contains('wraps')).toBe(true);
    // The last point is in the 5th column of the 2nd row: the high label
    // ends at its right edge (grid line 6), in the row under it (row 4,
    // the low label's row and two rows of points above).
    expect(grid.style.getPropertyValue('--last-end')).toBe('6');
    expect(grid.style.getPropertyValue('--hi-row')).toBe('4');
    expect(scale(1, 5, 'a', 'b').querySelector('.scale')!.classList.contains('wraps')).toBe(false);
  });
});
