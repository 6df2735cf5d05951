import { describe, expect, it, onTestFinished } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'svelte/compiler';
import { show } from '../test/mount';
import RetroPhases from './RetroPhases.svelte';

/** happy-dom is given no component styles: the component's own, scoped
 *  by the class its elements carry, and the page's (app.css). */
function styled(el: Element) {
  const scoped = [...el.classList].find((c) => c.startsWith('svelte-'))!;
  const { css } = compile(readFileSync(join(__dirname, 'RetroPhases.svelte'), 'utf8'), { filename: 'RetroPhases.svelte', css: 'external', cssHash: () => scoped });
  const style = document.createElement('style');
  style.textContent = readFileSync(join(__dirname, '../app.css'), 'utf8') + css!.code;
  document.head.appendChild(style);
  onTestFinished(() => style.remove());
}

/** WCAG's contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string) {
  const lum = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
const hex = (c: string) => {
  if (c.startsWith('#')) return c;
  const [r, g, b] = c.match(/\d+/g)!.map(Number);
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
};

describe('RetroPhases', () => {
  it('marks the current phase as the step', () => {
    const target = show(RetroPhases, { phase: 'group' });
    expect([...target.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Write', 'Reveal', 'Group', 'Vote', 'Discuss', 'Actions']);
    expect(target.querySelector('[aria-current=step]')!.textContent).toBe('Group');
  });

  it('says that the vote is over, not only by striking it through (WCAG 1.3.1)', () => {
    const target = show(RetroPhases, { phase: 'discuss', voteOver: true });
    const vote = target.querySelectorAll('li')[3];
    expect(vote.classList.contains('over')).toBe(true);
    expect(vote.textContent).toBe('Vote, Done');
    expect(vote.querySelector('.sr-only')!.textContent).toBe(', Done');
    // Not yet over in the vote itself, nor before the totals.
    expect(show(RetroPhases, { phase: 'vote', voteOver: true }).querySelectorAll('li')[3].textContent).toBe('Vote');
    expect(show(RetroPhases, { phase: 'discuss' }).querySelectorAll('li')[3].textContent).toBe('Vote');
  });

  it('draws the vote once over at 4.5:1 at least on its pill: faded to .6 it was 2.55:1 (WCAG 1.4.3)', () => {
    const target = show(RetroPhases, { phase: 'actions', voteOver: true });
    const vote = target.querySelectorAll('li')[3];
    styled(vote);
    const s = getComputedStyle(vote);
    expect(s.textDecoration).toContain('line-through');
    expect(Number(s.opacity || 1)).toBe(1);
    expect(contrast(hex(s.color), hex(s.backgroundColor))).toBeGreaterThanOrEqual(4.5);
  });
});
