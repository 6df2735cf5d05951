import { afterEach, describe, expect, it, vi } from 'vitest';
import { fittingIn, splits } from './fitboard';

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
