import { afterEach, describe, expect, it, vi } from 'vitest';
import { fitDensity, fitMost, mostVoted } from './fit';
import { settle } from '../test/settle';

describe('fitDensity: a box made denser until it ends on the screen', () => {
  afterEach(() => { vi.restoreAllMocks(); document.body.replaceChildren(); });
  // The box ends at 700 px at density 0, 100 px higher at each density
  // after (the window is 768 px).
  function fitted(below?: number) {
    const page = document.createElement('section');
    if (below != null) page.dataset.fitBelow = String(below);
    const box = document.createElement('div');
    page.appendChild(box);
    document.body.appendChild(page);
    let density = -1;
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const bottom = this === box ? 700 - 100 * density : 0;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
    const told: boolean[] = [];
    page.addEventListener('fitted', (e) => told.push((e as CustomEvent<boolean>).detail));
    return { box, told, density: () => density, set: (d: number) => (density = d) };
  }

  it('keeps the room an ancestor keeps under it for what it draws below (data-fit-below)', async () => {
    const plain = fitted();
    fitDensity(true, plain.box, 3, plain.set, 16)?.();
    await settle();
    expect(plain.density()).toBe(0);
    const kept = fitted(100); // 768 - 16 - 100: the box ends at 600 px at density 1
    const stop = fitDensity(true, kept.box, 3, kept.set, 16);
    await settle();
    stop?.();
    expect(kept.density()).toBe(1);
    expect(kept.told).toEqual([true]);
  });

  it('tells the page when even its last density leaves the box too low, so that it can leave something out', async () => {
    const f = fitted(500);
    const stop = fitDensity(true, f.box, 2, f.set, 16);
    await settle();
    stop?.();
    expect(f.density()).toBe(2);
    expect(f.told).toEqual([false]);
  });
});

describe('fitMost: the most items that fit, however they are laid out', () => {
  afterEach(() => { vi.restoreAllMocks(); document.body.replaceChildren(); });
  // The box ends 40 px lower for each item drawn, below 100 px (the
  // window is 768 px); the items drawn, as each try was.
  function box() {
    const el = document.createElement('div');
    document.body.appendChild(el);
    let n = 0;
    vi.spyOn(el, 'getBoundingClientRect').mockImplementation(() => ({ top: 0, bottom: 100 + 40 * n, left: 0, right: 100, width: 100, height: 100 + 40 * n, x: 0, y: 0, toJSON() {} }) as DOMRect);
    const tried: number[] = [];
    return { el, tried, n: () => n, set: (k: number) => { n = k; tried.push(k); } };
  }

  it('draws the most that end above the bottom less the margin, in a few tries', async () => {
    const b = box();
    await fitMost(b.el, 46, b.set, () => false, 16);
    // 100 + 40 * 16 = 740 <= 752; 17 would end at 780.
    expect(b.n()).toBe(16);
    expect(b.tried.length).toBeLessThanOrEqual(8);
  });

  it('draws at least min, and stops when it is measured again', async () => {
    const b = box();
    await fitMost(b.el, 46, b.set, () => false, 700);
    expect(b.n()).toBe(1);
    const c = box();
    await fitMost(c.el, 46, c.set, () => true, 16);
    expect(c.tried).toEqual([23]);
  });
});

describe("mostVoted: a vote's options cut to those that fit on the projector", () => {
  // Twelve answers over twenty options: the last two among the most voted
  // (they were the ones below the screen's bottom), most with none.
  const twenty = [2, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 2, 3];

  it('keeps the most voted, in their own order, and says how many options and votes the rest hold', () => {
    const cut = mostVoted(twenty, 8);
    expect(cut.keep.map((i) => i + 1)).toEqual([1, 2, 5, 9, 10, 15, 19, 20]);
    expect(cut).toMatchObject({ options: 12, votes: 0 });
    // Room for fewer than the voted ones: the fewest votes go first, of
    // equal votes the later option.
    expect(mostVoted(twenty, 5)).toEqual({ keep: [0, 1, 4, 18, 19], options: 15, votes: 3 });
  });

  it('fills the room left by the voted ones with the first of the others', () => {
    expect(mostVoted(twenty, 10).keep.map((i) => i + 1)).toEqual([1, 2, 3, 4, 5, 9, 10, 15, 19, 20]);
  });

  it('leaves nothing out when all of them fit', () => {
    expect(mostVoted(twenty, 20)).toEqual({ keep: twenty.map((_, i) => i), options: 0, votes: 0 });
    expect(mostVoted([1, 2], Infinity)).toEqual({ keep: [0, 1], options: 0, votes: 0 });
  });
});
