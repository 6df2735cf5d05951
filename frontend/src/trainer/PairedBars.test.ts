import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import PairedBars from './PairedBars.svelte';


describe('PairedBars', () => {
  it('draws each bar as its share of its own session, as its label says', () => {
    const target = show(PairedBars, { rows: [{ label: '4', a: 2, b: 1 }], totalA: 3, totalB: 1, label: 'Pace' });
    flushSync();
    const widths = [...target.querySelectorAll('.fill')].map((f) => parseFloat((f as HTMLElement).style.width));
    expect(widths[0]).toBeCloseTo(66.67, 1);
    expect(widths[1]).toBe(100);
    expect(target.textContent).toContain('2 · 67%');
  });
});
