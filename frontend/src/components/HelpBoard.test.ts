import { describe, expect, it, onTestFinished, vi } from 'vitest';
import HelpBoard from './HelpBoard.svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
// The projector's fitting, which the board imports when it first needs
// it, loaded before any test: its import then settles at once.
import '../lib/fitboard';

describe('the help board of the projector and console', () => {
  it("wraps an asker's long name as user text, whatever its width", () => {
    const long = 'Maximilianalexandervonhohenzollernsigmar';
    const target = show(HelpBoard, { view: { exercise: 'h1', status: 'open', counts: { open: 1, matched: 0, resolved: 0 },
      requests: [{ id: 'r1', title: 'Flaky tests', tags: [], status: 'open', anonymous: false, authorName: long, offers: [] }] } });
    const meta = [...target.querySelectorAll('p')].find((p) => p.textContent!.includes(long))!;
    expect(meta.classList.contains('user-text')).toBe(true);
  });
});

describe('the help board on the projector', () => {
  // jsdom lays nothing out: each request ends 100 px below the one before
  // (the window is 768 px); the board ends at tall(density), in px.
  function layout(tall: (density: number) => number) {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const board = this.closest<HTMLElement>('[data-testid=help-board]');
      const i = this.matches('.req') ? [...this.parentElement!.children].indexOf(this) : -1;
      const bottom = this === board ? tall(Number(board.dataset.density)) : i >= 0 ? (i + 1) * 100 : 0;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
    onTestFinished(() => { vi.restoreAllMocks(); });
  }
  // Open ones first, then matched, then resolved, as the server sends them.
  const status = (i: number) => (i < 6 ? 'open' : i < 8 ? 'matched' : 'resolved');
  const view = {
    exercise: 'h1', status: 'open', counts: { open: 6, matched: 2, resolved: 2 },
    requests: Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, title: `Request ${i}`, tags: [], status: status(i), anonymous: true, offers: [] })),
  };
  const board = (target: HTMLElement) => target.querySelector<HTMLElement>('[data-testid=help-board]')!;
  const titles = (target: HTMLElement) => [...target.querySelectorAll('.req strong')].map((e) => e.textContent);

  it('is made denser until it ends on the screen, every request still on it', async () => {
    layout((d) => (d < 2 ? 809 : 700));
    const target = show(HelpBoard, { view, big: true });
    await settle();
    expect(board(target).dataset.density).toBe('2');
    expect(board(target).classList.contains('d2')).toBe(true);
    expect(titles(target)).toHaveLength(10);
    expect(target.querySelector('[data-testid=help-page]')).toBeNull();
  });

  it('shows the requests that fit at its densest, open ones first, as the first of its pages (HelpBoard.pages)', async () => {
    // Seven end above the window's bottom less the margin and the room of
    // the page line (768 - 16 - 2.6rem).
    layout(() => 1360);
    const target = show(HelpBoard, { view, big: true });
    await settle();
    expect(board(target).dataset.density).toBe('2');
    expect(titles(target)).toEqual(['Request 0', 'Request 1', 'Request 2', 'Request 3', 'Request 4', 'Request 5', 'Request 6']);
    expect(target.querySelector('[data-testid=help-page]')!.textContent).toBe('Page 1 of 2');
    expect(target.querySelector('[data-testid=help-more]')).toBeNull();
    // The counts still count every request, for the eye and aloud.
    expect(target.querySelector('.counts')!.getAttribute('aria-label')).toBe('6 open · 2 matched · 2 resolved');
  });

  it('in the console, is drawn whole, as it was', async () => {
    layout(() => 1360);
    const target = show(HelpBoard, { view, onResolve: () => {} });
    await settle();
    expect(titles(target)).toHaveLength(10);
    expect(board(target).dataset.density).toBeUndefined();
    expect(board(target).classList.contains('big')).toBe(false);
    expect(target.querySelector('[data-testid=help-page]')).toBeNull();
    // Each "Mark resolved" names its request: a list of them says nothing
    // of which is which.
    const open = view.requests.find((r) => r.status !== 'resolved')!;
    const button = [...target.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === `Mark resolved: “${open.title}”`);
    expect(button?.textContent).toBe('Mark resolved');
  });
});
