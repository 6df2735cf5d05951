import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'svelte/compiler';
import { show } from '../test/mount';
import RetroExercise from './RetroExercise.svelte';
import { emptyState } from '../lib/reducer';

// The "N dots left" notice stays at the top of the screen while the list
// of items scrolls under it. A − or + the keyboard moves to must stop
// below it, not under it (WCAG 2.4.11, focus not obscured): Shift+Tab up
// a long list hid one in six. happy-dom lays nothing out: what is checked
// is that the buttons keep clear above them, when scrolled to, at least
// the notice's top, its height and its shadow (the browser test scrolls).
const columns = [{ id: 'start', title: 'Start' }];
const cards = Array.from({ length: 3 }, (_, i) => ({ id: `c${i}`, column: 'start', text: `Card ${i}` }));

function voting() {
  const state = { ...emptyState(), states: { r1: { exercise: 'r1', status: 'open', phase: 'vote', dots: 3, maxPerItem: 2, columns: [{ id: 'start', title: 'Start', count: 3 }],
    written: 3, revealed: true, cards, groups: [], items: cards.map((c) => ({ id: c.id, kind: 'card' })), dotsShown: false, actions: [] } },
  mine: { r1: { cards: [], dotsLeft: 3 } } };
  const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'vote', retro: { columns, dots: 3, maxPerItem: 2 } };
  const target = show(RetroExercise, { session: { state, status: 'online', send: vi.fn() }, ex });
  // The component's own styles, scoped as in the page.
  const scoped = [...target.querySelector('[data-testid=dots-left]')!.classList].find((c) => c.startsWith('svelte-'))!;
  const source = readFileSync(join(__dirname, 'RetroExercise.svelte'), 'utf8');
  const { css } = compile(source, { filename: 'RetroExercise.svelte', css: 'external', cssHash: () => scoped });
  const style = document.createElement('style');
  style.textContent = css!.code;
  document.head.appendChild(style);
  onTestFinished(() => style.remove());
  return target;
}

/** A computed length in rem ("3.7rem", "9.6px" of a 16 px rem); NaN otherwise. */
function rem(v: string) {
  const m = /^(-?[\d.]+)(rem|px)$/.exec(v.trim());
  return !m ? NaN : m[2] === 'rem' ? parseFloat(m[1]) : parseFloat(m[1]) / 16;
}

describe('the sticky "dots left" notice', () => {
  it('leaves room above every − and + for itself, so that a button focused is never under it', () => {
    const target = voting();
    const notice = getComputedStyle(target.querySelector('[data-testid=dots-left]')!);
    expect(notice.position).toBe('sticky');
    const spread = rem(notice.boxShadow.split(/\s+/)[3]);
    const covers = rem(notice.top) + rem(notice.paddingTop) + rem(notice.lineHeight) + rem(notice.paddingBottom) + spread;
    expect(covers).toBeGreaterThan(2.5); // every part of it counted, in rem
    const buttons = [...target.querySelectorAll<HTMLButtonElement>('.items button')];
    expect(buttons).toHaveLength(6);
    for (const b of buttons) expect(rem(getComputedStyle(b).scrollMarginTop)).toBeGreaterThanOrEqual(covers);
  });
});
