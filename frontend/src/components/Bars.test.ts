import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'svelte/compiler';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import Results from './Results.svelte';
import type { Exercise, Results as R } from '../lib/types';

/** happy-dom is given no component styles: Bars' own, as the browser has
 *  them (scoped by the class its elements carry), for a window w px wide. */
function styled(target: HTMLElement, w: number) {
  const scoped = [...target.querySelector('.bars')!.classList].find((c) => c.startsWith('svelte-'))!;
  const source = readFileSync(join(__dirname, 'Bars.svelte'), 'utf8');
  const { css } = compile(source, { filename: 'Bars.svelte', css: 'external', cssHash: () => scoped });
  const style = document.createElement('style');
  style.textContent = css!.code;
  document.head.appendChild(style);
  const was = [window.innerWidth, window.innerHeight];
  (window as any).happyDOM.setWindowSize({ width: w, height: 600 });
  onTestFinished(() => { style.remove(); (window as any).happyDOM.setWindowSize({ width: was[0], height: was[1] }); });
}

/** Results of ex on the projector, a row per bar (happy-dom lays nothing
 *  out: the results end below the window until their bars are rows). */
async function inRows(ex: Exercise, results: R) {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    const bottom = this.dataset.testid === 'results' && this.querySelector('.bars:not(.row)') ? 1000 : 500;
    return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
  });
  onTestFinished(() => { vi.restoreAllMocks(); });
  const target = show(Results, { exercise: ex, results, responses: 3, big: true });
  await settle();
  expect(target.querySelector('.bars')!.matches('.row')).toBe(true);
  return target;
}

describe('a scale on the projector, a row per bar', () => {
  const scale = { id: 's1', kind: 'scale', title: 'Planning', status: 'results', minResponses: 1,
    questions: [{ id: 'q1', kind: 'scale', prompt: '', min: 1, max: 5, minLabel: 'Strongly disagree', maxLabel: 'Strongly agree' }] } as unknown as Exercise;
  const results: R = { questions: [{ id: 'q1', counts: { 2: 1, 4: 2 }, answered: 3, mean: 3.3, median: 4 }] };
  const labels = (target: HTMLElement) => [...target.querySelectorAll<HTMLElement>('.bars .lbl')];

  it('keeps its end labels on one line at 800x600: up to half the width, a longer one clipped, its whole text still there', async () => {
    // "1 (Strongly disagree)" wrapped to two lines in the first column,
    // at most 40% of an 800 px projector.
    const target = await inRows(scale, results);
    styled(target, 800);
    const bars = target.querySelector<HTMLElement>('.bars')!;
    expect(getComputedStyle(bars).gridTemplateColumns).toBe('fit-content(50%) 1fr auto');
    const first = labels(target)[0];
    expect(getComputedStyle(first).whiteSpace).toBe('nowrap');
    expect(getComputedStyle(first.querySelector('.user-text')!).whiteSpace).toBe('nowrap');
    expect(getComputedStyle(first).overflow).toBe('hidden');
    expect(getComputedStyle(first).textOverflow).toBe('ellipsis');
    // Clipped on the screen only: a screen reader reads the whole label.
    expect(labels(target).map((l) => l.textContent)).toEqual(['1 (Strongly disagree)', '2', '3', '4', '5 (Strongly agree)']);
  });

  it('leaves larger screens, and a poll\'s long options, as they were', async () => {
    const target = await inRows(scale, results);
    styled(target, 1024);
    expect(getComputedStyle(target.querySelector('.bars')!).gridTemplateColumns).toBe('fit-content(40%) 1fr auto');
    expect(getComputedStyle(labels(target)[0]).whiteSpace).not.toBe('nowrap');
    const poll = { id: 'p1', kind: 'poll', title: 'Lunch?', status: 'results', minResponses: 1,
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'Soup of the day, with bread from the bakery round the corner' }, { id: 'b', label: 'Pizza' }] }] } as unknown as Exercise;
    const options = await inRows(poll, { questions: [{ id: 'q1', counts: { a: 2, b: 1 }, answered: 3 }] });
    styled(options, 800);
    expect(getComputedStyle(options.querySelector('.bars')!).gridTemplateColumns).toBe('fit-content(40%) 1fr auto');
    expect(getComputedStyle(labels(options)[0]).whiteSpace).not.toBe('nowrap');
  });
});
