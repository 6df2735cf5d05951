// A kudos wall too long for the projector, shown page by page. It
// showed the kudos that fit and "+48 more kudos": at the end of a
// workshop the room never saw most of its wall on the big screen, nor,
// often, the kudo it had just sent.
import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import KudosWall from './KudosWall.svelte';
import { show } from '../test/mount';
import { fakeTimers, flow as flowAs, layout as layoutAs, pages, round, settle, wait, type Parts } from '../test/paging';
// The projector's fitting, which the wall imports when it first needs
// it, loaded before any test: its import then settles at once.
import { PAGE_TURN_MS } from '../lib/fitboard';
import type { Kudo } from '../lib/types';

fakeTimers();

// happy-dom lays nothing out: test/paging makes the wall up. The wall is
// its own list: it takes the class columns.
const parts: Parts = { board: '[data-testid=kudos-wall]', item: '.kudo', text: '.msg' };
// Each kudo ends 100 px below the one before; seven fit a page.
const layout = (tall: (density: number) => number) => layoutAs(parts, tall);
// Three kudos wide, in rows (each kudo stretched to its row) or in columns.
const flow = (tall: (message: string) => number) => flowAs(parts, tall);

// In the wall's order, by id (the server's): no kudo says when it was sent.
const kudo = (id: string, message: string): Kudo => ({ id, to: 'team', fromName: 'Ann', anonymous: false, message });
const wallOf = (n: number) => Array.from({ length: n }, (_, i) => kudo(`k${String(i + 1).padStart(2, '0')}`, `Thanks ${i + 1}`));
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => `Thanks ${a + i}`);

/** The wall on the projector, its kudos a prop that can change. */
function projector(kudos: Kudo[]) {
  const props = $state({ kudos });
  const target = show(KudosWall, { get kudos() { return props.kudos; }, big: true });
  return {
    target,
    set: (k: Kudo[]) => { props.kudos = k; flushSync(); },
    ...pages(target, parts, '[data-testid=kudos-page]'),
  };
}

describe('a kudos wall that does not fit on the projector', () => {
  it('shows the kudos that fit at its densest, in the wall\'s order, as its first page, then the next after a while, round and round', async () => {
    layout(() => 1285);
    const p = projector(wallOf(20));
    await settle();
    expect(p.target.querySelector<HTMLElement>('[data-testid=kudos-wall]')!.dataset.density).toBe('2');
    expect(p.shown()).toEqual(range(1, 7));
    expect(p.page()).toBe('Page 1 of 3');
    // Not counted: it is not cut any more.
    expect(p.target.querySelector('[data-testid=kudos-more]')).toBeNull();
    // A page stays up for the room to read it.
    await wait(PAGE_TURN_MS - 1000);
    expect(p.shown()).toEqual(range(1, 7));
    await wait(1000);
    expect(p.shown()).toEqual(range(8, 14));
    expect(p.page()).toBe('Page 2 of 3');
    await wait(PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(15, 20));
    expect(p.page()).toBe('Page 3 of 3');
    // Back to the first.
    await wait(PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(1, 7));
    expect(p.page()).toBe('Page 1 of 3');
  });

  it('shows every kudo once in a round of its pages, in the wall\'s order', async () => {
    layout(() => 1285);
    const kudos = wallOf(60);
    const p = projector(kudos);
    await settle();
    expect(await round(p, PAGE_TURN_MS)).toEqual(kudos.map((k) => k.message));
  });

  it('keeps the page up as it is while kudos arrive, and draws them in their place in the wall\'s order from the next turn', async () => {
    layout(() => 1285);
    const kudos = wallOf(20);
    const p = projector(kudos);
    await settle();
    expect(p.shown()).toEqual(range(1, 7));
    // Sent mid-page: one whose id puts it on this page, one on the next.
    const onThis = kudo('k03x', 'Thanks 3½');
    const onNext = kudo('k09x', 'Thanks 9½');
    await wait(5000);
    p.set([...kudos.slice(0, 3), onThis, ...kudos.slice(3, 9), onNext, ...kudos.slice(9)]);
    await settle();
    expect(p.shown()).toEqual(range(1, 7));
    expect(p.page()).toBe('Page 1 of 3');
    // Nothing turns before its time either.
    await wait(PAGE_TURN_MS - 5000 - 1);
    expect(p.shown()).toEqual(range(1, 7));
    // The next page starts after the last kudo shown, the new one on it
    // where its id puts it, not first and not marked.
    await wait(1);
    expect(p.shown()).toEqual(['Thanks 8', 'Thanks 9', 'Thanks 9½', 'Thanks 10', 'Thanks 11', 'Thanks 12', 'Thanks 13']);
    expect(p.page()).toBe('Page 2 of 3');
    expect([...p.target.querySelectorAll('.kudo')].every((li) => li.className === p.target.querySelector('.kudo')!.className)).toBe(true);
    await wait(PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(14, 20));
    expect(p.page()).toBe('Page 3 of 3');
    // The next round is made of the whole wall anew: the kudo sent among
    // those already shown comes in it.
    const round: string[] = [];
    for (let n = 1; n <= 4; n++) {
      await wait(PAGE_TURN_MS);
      expect(p.page()).toBe(`Page ${n} of 4`);
      round.push(...p.shown().map(String));
    }
    expect(round).toEqual([...range(1, 3), 'Thanks 3½', ...range(4, 9), 'Thanks 9½', ...range(10, 20)]);
  });

  it('fills each page: a long kudo does not cut the page before the short ones that fit after it', async () => {
    // Every third kudo, from the second, three times as tall as the
    // others: in a grid each row was as tall as its long kudo, and a page
    // held two rows, six kudos, with a third of the screen empty.
    const long = (m: string) => Number(m.split(' ')[1]) % 3 === 2;
    flow((m) => (long(m) ? 300 : 100));
    const p = projector(wallOf(20));
    await settle();
    // Columns 710 px tall (768 less 16 and the page line's 2.6rem): 1-4,
    // 5-7 and 8-10 (each next long kudo runs below the bottom).
    expect(p.shown()).toEqual(range(1, 10));
    expect(p.page()).toBe('Page 1 of 3');
    await wait(PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(11, 19));
    await wait(PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(20, 20));
    expect(p.page()).toBe('Page 3 of 3');
  });

  it('takes a kudo the facilitator hid off the page at once', async () => {
    layout(() => 1285);
    const kudos = wallOf(20);
    const p = projector(kudos);
    await settle();
    p.set(kudos.filter((k) => k.id !== 'k04'));
    await settle();
    expect(p.shown()).toEqual(['Thanks 1', 'Thanks 2', 'Thanks 3', 'Thanks 5', 'Thanks 6', 'Thanks 7']);
    // The round goes on where it was.
    await wait(PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(8, 14));
  });

  it('says which page it shows in no live region: a screen reader would read out every turn', async () => {
    layout(() => 1285);
    const p = projector(wallOf(20));
    await settle();
    const line = p.target.querySelector('[data-testid=kudos-page]')!;
    expect(line.closest('[aria-live], [role=status], [role=alert], [role=log], [role=marquee], [role=timer]')).toBeNull();
  });
});

describe('a kudos wall that fits on the projector', () => {
  it('is not paged, says no page and stays as it is', async () => {
    layout((d) => (d < 2 ? 1071 : 700));
    const p = projector(wallOf(12));
    await settle();
    expect(p.shown()).toEqual(range(1, 12));
    expect(p.page()).toBeNull();
    await wait(3 * PAGE_TURN_MS);
    expect(p.shown()).toEqual(range(1, 12));
    expect(p.page()).toBeNull();
  });

  it('shows a kudo sent while it fits at once, in its place', async () => {
    layout((d) => (d < 2 ? 1071 : 700));
    const kudos = wallOf(12);
    const p = projector(kudos);
    await settle();
    p.set([...kudos.slice(0, 5), kudo('k05x', 'Thanks 5½'), ...kudos.slice(5)]);
    await settle();
    expect(p.shown()).toEqual([...range(1, 5), 'Thanks 5½', ...range(6, 12)]);
    expect(p.page()).toBeNull();
  });
});
