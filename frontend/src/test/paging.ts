// A board paged on the projector (the help board, the kudos wall; lib/
// fitboard) for component tests: fake timers, the page's layout made up
// (happy-dom lays nothing out), and what a page shows.
import { afterEach, beforeEach, expect, onTestFinished, vi } from 'vitest';
import { flushSync } from 'svelte';

/** The board's elements, as selectors: the board itself, its list (the
 *  element that takes the class columns; the board when not given), an
 *  item of the list and, within an item, the text that names it. */
export type Parts = { board: string; list?: string; item: string; text: string };

/** Every test of the file on fake timers. */
export function fakeTimers() {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
}

/** The promises a few turns deep (the fitting's import, its measures),
 *  then Svelte's pending updates, with no time passing. */
export async function settle() {
  for (let i = 0; i < 8; i++) await vi.advanceTimersByTimeAsync(0);
  flushSync();
}

/** ms pass, then the board catches up. */
export async function wait(ms: number) {
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
}

// Each item ends 100 px below the one before (the window is 768 px); the
// board ends at tall(density), in px. Above the window's bottom less the
// margin and the room of the page line (768 - 16 - 2.6rem), seven items
// fit a page.
export function layout({ board, item }: Parts, tall: (density: number) => number) {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    const b = this.closest<HTMLElement>(board);
    const i = this.matches(item) ? [...this.parentElement!.children].indexOf(this) : -1;
    const bottom = this === b ? tall(Number(b.dataset.density)) : i >= 0 ? (i + 1) * 100 : 0;
    return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
  });
  onTestFinished(() => { vi.restoreAllMocks(); });
}

// A board three items wide, each item 100 px wide and as tall as
// tall(its text) says, laid out as a browser would: in a grid, in rows,
// each row as tall as its tallest item (each item stretched to it); in
// columns of the height the list is given (its class columns), each
// filled from the top before the next, an item that does not fit at the
// bottom of one going to the top of the next, the fourth column and on
// beyond the list's right edge. What else the board holds takes no room.
// No gaps.
export function flow(parts: Parts, tall: (text: string) => number) {
  const place = (list: HTMLElement) => {
    const items = [...list.querySelectorAll<HTMLElement>(parts.item)];
    const heights = items.map((li) => tall(li.querySelector(parts.text)!.textContent!));
    const boxes = new Map<Element, { top: number; bottom: number; left: number }>();
    if (list.classList.contains('columns')) {
      const room = parseFloat(list.style.height);
      let column = 0, y = 0;
      items.forEach((li, i) => {
        if (y > 0 && y + heights[i] > room) (column++, (y = 0));
        boxes.set(li, { top: y, bottom: y + heights[i], left: column * 100 });
        y += heights[i];
      });
      return { boxes, bottom: room };
    }
    let y = 0;
    for (let row = 0; row * 3 < items.length; row++) {
      const h = Math.max(...heights.slice(row * 3, row * 3 + 3));
      items.slice(row * 3, row * 3 + 3).forEach((li, i) => boxes.set(li, { top: y, bottom: y + h, left: i * 100 }));
      y += h;
    }
    return { boxes, bottom: y };
  };
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    const board = this.closest<HTMLElement>(parts.board);
    const list = parts.list ? board?.querySelector<HTMLElement>(parts.list) : board;
    const at = list ? place(list) : undefined;
    const mine = this === list || this === board;
    const b = mine ? { top: 0, bottom: at!.bottom, left: 0 } : at?.boxes.get(this) ?? { top: 0, bottom: 0, left: 0 };
    const right = mine ? 300 : b.left + 100;
    return { ...b, right, width: right - b.left, height: b.bottom - b.top, x: b.left, y: b.top, toJSON() {} } as DOMRect;
  });
  onTestFinished(() => { vi.restoreAllMocks(); });
}

/** What target shows of the board: its items' texts in order, and the
 *  line that says which page is up (null when there is none). */
export function pages(target: HTMLElement, { board, item, text }: Parts, pageLine: string) {
  return {
    shown: () => [...target.querySelectorAll(`${board} ${item} ${text}`)].map((e) => e.textContent),
    page: () => target.querySelector(pageLine)?.textContent ?? null,
  };
}

/** One round of the pages of p, from its first: each page's line says
 *  which of how many it is; the items seen, page after page, and back on
 *  the first page after the last. */
export async function round(p: { shown: () => (string | null)[]; page: () => string | null }, turn: number) {
  const of = Number(/of (\d+)$/.exec(p.page()!)![1]);
  const seen: string[] = [];
  for (let n = 1; n <= of; n++) {
    expect(p.page()).toBe(`Page ${n} of ${of}`);
    seen.push(...p.shown().map(String));
    await wait(turn);
  }
  expect(p.page()).toBe(`Page 1 of ${of}`);
  return seen;
}
