import { afterEach, describe, expect, it, vi } from 'vitest';
import { fittingIn, pageList, PAGE_TURN_MS, splits, type Page } from './fitboard';

const ones = (n: number) => Array.from({ length: n }, () => 1);

describe('splits: a crowded column given the width short ones leave', () => {
  it('gives the one crowded column of three a second sub-column, and more while the board holds them', () => {
    expect(splits([ones(2), ones(14), ones(2)], 4)).toEqual([[1, 2, 1]]);
    expect(splits([ones(2), ones(14), ones(2)], 6)).toEqual([[1, 2, 1], [1, 3, 1], [1, 4, 1]]);
  });

  it('splits none of equally crowded columns: no short one leaves them room', () => {
    expect(splits([ones(12), ones(12), ones(12)], 4)).toEqual([]);
    expect(splits([ones(12), ones(12), ones(12)], 6)).toEqual([]);
    // Two as crowded beside a short one: both, or neither.
    expect(splits([ones(12), ones(12), ones(2)], 4)).toEqual([]);
    expect(splits([ones(12), ones(12), ones(2)], 6)).toEqual([[2, 2, 1]]);
  });

  it('weighs a group by its cards, and does not split a column of one entry', () => {
    // A group of four cards (five lines) outweighs three loose cards...
    expect(splits([[5, 1], [1, 1, 1]], 3)).toEqual([[2, 1]]);
    // ...but alone in its column it cannot be shared out.
    expect(splits([[5], [1]], 4)).toEqual([]);
  });

  it('splits nothing where the board holds no more sub-columns than columns (jsdom: no width)', () => {
    expect(splits([ones(14), ones(2)], 0)).toEqual([]);
    expect(splits([ones(14), ones(2)], 2)).toEqual([]);
  });
});

describe('fittingIn: a list in sub-columns, filled one after the other', () => {
  afterEach(() => { vi.restoreAllMocks(); document.body.replaceChildren(); });
  // The list starts 100 px down; its children are 100 px high (the window
  // is 768 px).
  function list(n: number) {
    const ul = document.createElement('ul');
    for (let i = 0; i < n; i++) ul.appendChild(document.createElement('li'));
    document.body.appendChild(ul);
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const top = this === ul ? 100 : 0, height = this === ul ? 0 : 100;
      return { top, bottom: top + height, left: 0, right: 100, width: 100, height, x: 0, y: top, toJSON() {} } as DOMRect;
    });
    return ul;
  }

  it('counts what fits in each sub-column in turn, less the room kept under it', () => {
    // 668 px - 48 for the "+N more" line: six children a sub-column.
    expect(fittingIn(list(20), 2, 48)).toBe(12);
    expect(fittingIn(list(20), 3, 48)).toBe(18);
  });

  it('says all fit when they do with only the margin under them', () => {
    expect(fittingIn(list(12), 2, 64, 1, 16)).toBe(Infinity);
    expect(fittingIn(list(13), 2, 200, 1, 16)).toBe(8);
  });

  it('keeps at least min', () => {
    expect(fittingIn(list(5), 2, 700, 1)).toBe(1);
    expect(fittingIn(list(5), 2, 700, 0)).toBe(0);
  });
});

describe('pageList: a list that does not fit, shown page by page', () => {
  afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); document.body.replaceChildren(); });

  // A list drawn as pageList says (its items' keys as its children's
  // text), each child ending 100 px below the one before, the list below
  // the 768 px window at every density: seven a page (768 less 16 and 48
  // for the page line). keys: the list's order, which the test changes.
  function paged(n: number) {
    vi.useFakeTimers();
    let keys = Array.from({ length: n }, (_, i) => `r${String(i + 1).padStart(2, '0')}`);
    const ul = document.createElement('ul');
    document.body.appendChild(ul);
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const i = this === ul ? -1 : [...ul.children].indexOf(this);
      const bottom = this === ul ? 100 * n : (i + 1) * 100;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
    let page: Page | undefined;
    const pager = pageList(ul, () => ul, 2, () => keys, (_d, drawn, p) => {
      page = p;
      ul.replaceChildren(...(drawn ?? keys).map((k) => Object.assign(document.createElement('li'), { textContent: k })));
    });
    const settle = async () => { for (let i = 0; i < 8; i++) await vi.advanceTimersByTimeAsync(0); };
    return {
      settle,
      turn: async () => { await vi.advanceTimersByTimeAsync(PAGE_TURN_MS); await settle(); },
      move: (key: string, to: number) => {
        keys = keys.filter((k) => k !== key);
        keys.splice(to, 0, key);
        pager.changed();
      },
      shown: () => [...ul.children].map((li) => li.textContent),
      page: () => page && `${page.n} of ${page.of}`,
      stop: pager.stop,
    };
  }
  const r = (...n: number[]) => n.map((i) => `r${String(i).padStart(2, '0')}`);
  const range = (a: number, b: number) => r(...Array.from({ length: b - a + 1 }, (_, i) => a + i));

  it('goes on after the page shown when one of its items moves down the list (a help request resolved)', async () => {
    const p = paged(20);
    await p.settle();
    expect(p.shown()).toEqual(range(1, 7));
    p.move('r03', 19);
    await p.settle();
    // Not moved under the room's eyes.
    expect(p.shown()).toEqual(range(1, 7));
    // Neither back to the first page (the moved item the last shown) nor
    // past the items it moved beyond, nor showing it again this round.
    await p.turn();
    expect(p.shown()).toEqual(range(8, 14));
    expect(p.page()).toBe('2 of 3');
    await p.turn();
    expect(p.shown()).toEqual(range(15, 20));
    await p.turn();
    expect(p.shown()).toEqual([...r(1, 2), ...range(4, 8)]);
    expect(p.page()).toBe('1 of 3');
    p.stop();
  });

  it('still shows in this round an item to come that moved up among those shown', async () => {
    const p = paged(20);
    await p.settle();
    p.move('r10', 1);
    await p.turn();
    expect(p.shown()).toEqual([...r(10, 8, 9), ...range(11, 14)]);
    await p.turn();
    expect(p.shown()).toEqual(range(15, 20));
    expect(p.page()).toBe('3 of 3');
    p.stop();
  });
});
