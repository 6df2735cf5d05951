// A help board too long for the projector, shown page by page, as a
// kudos wall is (KudosWall.pages). It showed the requests that fit and
// "+N more requests": most of a long board, its resolved requests
// always, never reached the big screen.
import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import HelpBoard from './HelpBoard.svelte';
import { show } from '../test/mount';
import { fakeTimers, flow as flowAs, layout as layoutAs, pages, round, settle, wait, type Parts } from '../test/paging';
// The projector's fitting, which the board imports when it first needs
// it, loaded before any test: its import then settles at once.
import { PAGE_TURN_MS } from '../lib/fitboard';
import type { HelpRequestView, HelpView } from '../lib/types';

type HelpStatus = HelpRequestView['status'];

fakeTimers();

// happy-dom lays nothing out: test/paging makes the board up. Its list of
// requests (.reqs) takes the class columns.
const parts: Parts = { board: '[data-testid=help-board]', list: '.reqs', item: '.req', text: 'strong' };
// Each request ends 100 px below the one before; seven fit a page.
const layout = (tall: (density: number) => number) => layoutAs(parts, tall);
// Three requests wide, in rows or in columns; the counts take no room.
const flow = (tall: (title: string) => number) => flowAs(parts, tall);

// As the server sends them: open first, then matched, then resolved, by
// id within each. Request n is "Request n", its id r and n in two digits.
const id = (n: number | string) => `r${String(n).padStart(2, '0')}`;
const request = (n: number | string, status: HelpStatus): HelpRequestView =>
  ({ id: id(n), title: `Request ${n}`, tags: [], status, anonymous: true, offers: [] });
const rank: Record<HelpStatus, number> = { open: 0, matched: 1, resolved: 2 };
/** The board of these requests, in the server's order, counted. */
function boardOf(requests: HelpRequestView[]): HelpView {
  const sorted = [...requests].sort((a, b) => rank[a.status] - rank[b.status] || (a.id < b.id ? -1 : 1));
  const count = (s: HelpStatus) => requests.filter((r) => r.status === s).length;
  return { exercise: 'h1', status: 'open', counts: { open: count('open'), matched: count('matched'), resolved: count('resolved') }, requests: sorted };
}
/** n requests: the first three fifths open, then a fifth matched, a fifth resolved. */
const requests = (n: number) => Array.from({ length: n }, (_, i) => request(i + 1, i < n * 0.6 ? 'open' : i < n * 0.8 ? 'matched' : 'resolved'));
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => `Request ${a + i}`);

/** The board on the projector (or, big false, the console), its view a
 *  prop that can change. */
function screen(view: HelpView, big = true) {
  const props = $state({ view });
  const target = show(HelpBoard, { get view() { return props.view; }, big, ...(big ? {} : { onResolve: () => {} }) });
  return {
    target,
    set: (v: HelpView) => { props.view = v; flushSync(); },
    ...pages(target, parts, '[data-testid=help-page]'),
    badge: (title: string) => [...target.querySelectorAll('.req')].find((li) => li.querySelector('strong')!.textContent === title)?.querySelector('.badge')?.textContent,
    board: () => target.querySelector<HTMLElement>('[data-testid=help-board]')!,
  };
}

describe('a help board that does not fit on the projector', () => {
  it('shows the requests that fit at its densest, in the board\'s order, as its first page, then the next after a while, round and round', async () => {
    layout(() => 2100);
    const p = screen(boardOf(requests(20)));
    await settle();
    expect(p.board().dataset.density).toBe('2');
    expect(p.shown()).toEqual(range(1, 7));
    expect(p.page()).toBe('Page 1 of 3');
    // Not cut any more, so nothing says how many more.
    expect(p.target.querySelector('[data-testid=help-more]')).toBeNull();
    // The counts count every request, whichever page is up.
    expect(p.target.querySelector('.counts')!.getAttribute('aria-label')).toBe('12 open · 4 matched · 4 resolved');
    // A page stays up for the room to read it.
    await wait(PAGE_TURN_MS - 1000);
    expect(p.shown()).toEqual(range(1, 7));
    await wait(1000);
    expect(p.shown()).toEqual(range(8, 14));
    expect(p.page()).toBe('Page 2 of 3');
    await wait(PAGE_TURN_MS);
    // The resolved ones reach the screen too, last.
    expect(p.shown()).toEqual(range(15, 20));
    expect(p.badge('Request 20')).toBe('Resolved');
    expect(p.page()).toBe('Page 3 of 3');
    // Back to the first.
    await wait(PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(1, 7));
    expect(p.page()).toBe('Page 1 of 3');
  });

  it('shows every request once in a round of its pages, in the board\'s order', async () => {
    layout(() => 6100);
    const board = boardOf(requests(60));
    const p = screen(board);
    await settle();
    expect(await round(p, PAGE_TURN_MS)).toEqual(board.requests.map((r) => r.title));
  });

  it('says a request matched while its page is up where it is, then goes on to the requests after the page, not showing it again', async () => {
    layout(() => 2100);
    const all = requests(20);
    const p = screen(boardOf(all));
    await settle();
    expect(p.shown()).toEqual(range(1, 7));
    // Request 3 is matched: the server now sends it after the open ones.
    await wait(5000);
    const matched = all.map((r) => (r.id === id(3) ? { ...r, status: 'matched' as const } : r));
    p.set(boardOf(matched));
    await settle();
    // On the page as it was, in its place, its badge changed.
    expect(p.shown()).toEqual(range(1, 7));
    expect(p.badge('Request 3')).toBe('Matched');
    expect(p.page()).toBe('Page 1 of 3');
    // The next page starts after the page shown: neither from the request
    // that moved down (passing over those it moved beyond) nor again from
    // the first page.
    await wait(PAGE_TURN_MS - 5000);
    expect(p.shown()).toEqual(range(8, 14));
    expect(p.page()).toBe('Page 2 of 3');
    await wait(PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(15, 20));
    expect(p.page()).toBe('Page 3 of 3');
    // The next round is made of the whole board anew, in its new order.
    const round: string[] = [];
    for (let n = 1; n <= 3; n++) {
      await wait(PAGE_TURN_MS);
      expect(p.page()).toBe(`Page ${n} of 3`);
      round.push(...p.shown().map(String));
    }
    expect(round).toEqual(boardOf(matched).requests.map((r) => r.title));
  });

  it('keeps the page up as it is while requests arrive, and draws them in their place in the board\'s order from the next turn', async () => {
    layout(() => 2100);
    const all = requests(20);
    const p = screen(boardOf(all));
    await settle();
    // Asked mid-page: one whose id puts it on this page, one on the next.
    await wait(5000);
    const more = [...all, request('03x', 'open'), request('09x', 'open')];
    p.set(boardOf(more));
    await settle();
    expect(p.shown()).toEqual(range(1, 7));
    // The counts say so at once.
    expect(p.target.querySelector('.counts')!.getAttribute('aria-label')).toBe('14 open · 4 matched · 4 resolved');
    await wait(PAGE_TURN_MS - 5000);
    expect(p.shown()).toEqual(['Request 8', 'Request 9', 'Request 09x', 'Request 10', 'Request 11', 'Request 12', 'Request 13']);
    expect(p.page()).toBe('Page 2 of 3');
    // The one asked among those already shown comes in the next round.
    await wait(PAGE_TURN_MS);
    const round: string[] = [];
    for (let n = 1; n <= 4; n++) {
      await wait(PAGE_TURN_MS);
      expect(p.page()).toBe(`Page ${n} of 4`);
      round.push(...p.shown().map(String));
    }
    expect(round).toContain('Request 03x');
    expect(round).toEqual(boardOf(more).requests.map((r) => r.title));
  });

  it('fills each page: a tall request does not cut the page before the short ones that fit after it', async () => {
    // Every third request, from the second, three times as tall as the
    // others: in a grid each row was as tall as its tall request.
    flow((title) => (Number(title.split(' ')[1]) % 3 === 2 ? 300 : 100));
    const p = screen(boardOf(requests(20)));
    await settle();
    expect(p.target.querySelector('.reqs')!.classList.contains('columns')).toBe(true);
    // Columns 710 px tall (768 less 16 and the page line's 2.6rem): 1-4,
    // 5-7 and 8-10 (each next tall request runs below the bottom).
    expect(p.shown()).toEqual(range(1, 10));
    expect(p.page()).toBe('Page 1 of 3');
    await wait(PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(11, 19));
    await wait(PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(20, 20));
  });

  it('says which page it shows in no live region: a screen reader would read out every turn', async () => {
    layout(() => 2100);
    const p = screen(boardOf(requests(20)));
    await settle();
    const line = p.target.querySelector('[data-testid=help-page]')!;
    expect(line.closest('[aria-live], [role=status], [role=alert], [role=log], [role=marquee], [role=timer]')).toBeNull();
  });
});

describe('a help board that fits on the projector', () => {
  it('is not paged, says no page and stays as it is', async () => {
    layout((d) => (d < 2 ? 1300 : 700));
    const p = screen(boardOf(requests(12)));
    await settle();
    expect(p.shown()).toEqual(range(1, 12));
    expect(p.page()).toBeNull();
    await wait(3 * PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(1, 12));
    expect(p.page()).toBeNull();
  });
});

describe('a help board too long for the projector, in the console', () => {
  it('is drawn whole, in the board\'s order, and never turns', async () => {
    layout(() => 6100);
    const board = boardOf(requests(60));
    const p = screen(board, false);
    await settle();
    expect(p.shown()).toEqual(board.requests.map((r) => r.title));
    expect(p.page()).toBeNull();
    await wait(2 * PAGE_TURN_MS);
    expect(p.shown()).toEqual(board.requests.map((r) => r.title));
    expect(p.board().dataset.density).toBeUndefined();
  });
});
