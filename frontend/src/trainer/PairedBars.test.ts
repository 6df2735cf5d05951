import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import PairedBars from './PairedBars.svelte';

let target: HTMLElement;
let app: any;
afterEach(() => {
  unmount(app);
  target.remove();
});

describe('PairedBars', () => {
  it('draws each bar as its share of its own session, as its label says', () => {
    target = document.createElement('div');
    document.body.appendChild(target);
    // A: 2 of 3 answered 4 (67 %); B: 1 of 1 (100 %).
    app = mount(PairedBars, { target, props: { rows: [{ label: '4', a: 2, b: 1 }], totalA: 3, totalB: 1, label: 'Pace' } });
    flushSync();
    const widths = [...target.querySelectorAll('.fill')].map((f) => parseFloat((f as HTMLElement).style.width));
    expect(widths[0]).toBeCloseTo(66.67, 1);
    expect(widths[1]).toBe(100);
    expect(target.textContent).toContain('2 · 67%');
  });
});
