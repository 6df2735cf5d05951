// The projector's retro board fitted (lib/fit): only the projector draws
// it so, and loads it when it does (RetroBoard), so that none of it is in
// the participant page's script.
import { tick } from 'svelte';
import { fitDensity, fitting } from './fit';

/** fitting for a list drawn in k sub-columns (CSS multi-column): how many
 *  of its children, filling the sub-columns one after the other from its
 *  top, fit above the window's bottom less reserve pixels (balanced over
 *  the sub-columns, that many end higher still); Infinity when all fit
 *  above it less whole. At least min. */
export function fittingIn(list: HTMLElement, k: number, reserve: number, min = 1, whole = reserve): number {
  const top = list.getBoundingClientRect().top;
  const tall = [...list.children].map((c) => c.getBoundingClientRect().height + (parseFloat(getComputedStyle(c).marginBottom) || 0));
  const count = (below: number) => {
    const room = window.innerHeight - below - top;
    let col = 1, used = 0;
    for (const [i, h] of tall.entries()) {
      if (used > 0 && used + h > room) (col++, (used = 0));
      if (col > k || h > room) return i;
      used += h;
    }
    return Infinity;
  };
  if (count(whole) === Infinity) return Infinity;
  return Math.max(min, Math.min(count(reserve), tall.length));
}

/** How a board of lists side by side can give a crowded list more of its
 *  width: each plan says into how many sub-columns of one width each list
 *  flows (its share of the board's width), in the order to try them, the
 *  one before each all ones. weights: for each list, the heights of its
 *  children (in lines, say). At each step the tallest lists (height over
 *  sub-columns) get one sub-column more, all of them at once (splitting
 *  one of two equally tall lists makes the board no shorter), as long as
 *  a shorter list leaves them the width (lists all as tall are left as
 *  they are, to be made denser, then cut), each has a child more than it
 *  has sub-columns, and the board holds at most tracks sub-columns (how
 *  many of the least readable width fit). */
export function splits(weights: number[][], tracks: number): number[][] {
  const k = weights.map(() => 1);
  const total = weights.map((w) => w.reduce((a, b) => a + b, 0));
  const plans: number[][] = [];
  for (;;) {
    let tall: number[] = [];
    for (let i = 0; i < k.length; i++) {
      const c = tall.length ? total[i] * k[tall[0]] - total[tall[0]] * k[i] : 1;
      if (c > 0) tall = [i];
      else if (c === 0) tall.push(i);
    }
    const used = k.reduce((a, b) => a + b, 0);
    if (tall.length === k.length || used + tall.length > tracks || tall.some((i) => weights[i].length <= k[i])) return plans;
    for (const i of tall) k[i]++;
    plans.push([...k]);
  }
}

/** How many sub-columns at least min pixels wide box's width holds, with
 *  its column gap between them. */
export function tracks(box: HTMLElement, min: number): number {
  const gap = parseFloat(getComputedStyle(box).columnGap) || 0;
  return Math.floor((box.clientWidth + gap) / (min + gap));
}

/** For an $effect that reads what a board of lists side by side draws
 *  (a retro's columns): at each density 0..last, first every list one
 *  sub-column wide, then a crowded list given more of the board's width,
 *  flowing into sub-columns when the others are short (splits: weights
 *  as there; sub-columns at least minTrack pixels wide), then each of
 *  these with the lists in one sub-column at their least width (0), the
 *  first of all these that leaves box ending above the window's bottom
 *  less whole() pixels. When none does, at the last density and with the
 *  most sub-columns (the short lists at their least width when they are
 *  still whole there, else all in one width), each list cut to the
 *  children that fit, with more pixels left under it for its own "+N more" line
 *  (fitting, fittingIn; at least one child a list, at the top of the
 *  screen). set gets the density, how many children of each list to draw
 *  (an empty array: all) and each list's sub-columns (an empty array: one
 *  each; 0: one, at its least width). Again when the window is resized;
 *  off the projector (on false) density 0, everything drawn, one
 *  sub-column each. Returns the effect's cleanup. */
export function fitBoard(on: boolean, box: HTMLElement | undefined, lists: () => HTMLElement[], last: number,
  set: (density: number, cut: number[], split: number[]) => void, whole: () => number = () => 16, more = 48,
  weights: () => number[][] = () => [], minTrack = 272): (() => void) | undefined {
  let plans: number[][] = [[]];
  let widest: number[] = [];
  const plan = () => {
    const w = weights();
    const wider = box ? splits(w, tracks(box, minTrack)) : [];
    widest = wider[wider.length - 1] ?? w.map(() => 1);
    plans = [w.map(() => 1), ...wider, ...wider.filter((k) => k.includes(1)).map((k) => k.map((n) => (n === 1 ? 0 : n)))];
    return (last + 1) * plans.length - 1;
  };
  return fitDensity(on, box, plan, (i) => set(Math.floor(i / plans.length), [], plans[i % plans.length]), whole, 0, async (stale) => {
    // Cut as last drawn, the short lists at their least width, when they
    // still end above the bottom whole; else with the widths shared as
    // the sub-columns are, cutting the short lists too.
    const cut = (k: number[]) => {
      const w = whole();
      set(last, lists().map((l, i) => ((k[i] ?? 1) > 1 ? fittingIn(l, k[i], w + more, 1, w) : fitting(l, w + more, 1, w))), k);
    };
    const drawn = plans[plans.length - 1];
    if (drawn.includes(0) && lists().every((l, i) => drawn[i] !== 0 || fitting(l, whole()) === Infinity)) return cut(drawn);
    set(last, [], widest);
    await tick();
    if (!stale()) cut(widest);
  });
}

/** How long the projector shows one page of a list too long for it
 *  (pageList) before it turns to the next. A kudos wall at its densest
 *  holds about six to twelve kudos a page on a 720-line screen, a line
 *  or two each. Nobody in a room reads a page through: each looks for
 *  their own name ("To Ann") and reads the two or three kudos that are
 *  theirs or catch the eye, a sentence each, from a distance, at about
 *  four words a second; and the first second or two after a turn goes on
 *  seeing that the page changed. Twelve seconds is that, with some to
 *  spare for a longer message; much longer, and a wall of sixty kudos
 *  (five or six pages) took minutes to come round to a kudo again, which
 *  is what the room waits for. */
export const PAGE_TURN_MS = 12_000;

/** How many of list's first children are drawn whole on the screen:
 *  above the window's bottom less reserve pixels, and not beyond list's
 *  right edge, where a list in columns of a set height puts what does
 *  not fit (pageList); Infinity when all are, else at least one. */
export function onScreen(list: HTMLElement, reserve: number): number {
  const right = list.getBoundingClientRect().right;
  const bottom = window.innerHeight - reserve;
  const i = [...list.children].findIndex((c) => {
    const r = c.getBoundingClientRect();
    return r.bottom > bottom + 0.5 || r.right > right + 0.5;
  });
  return i < 0 ? Infinity : Math.max(1, i);
}

/** One page of a list on the projector (pageList): its items' keys, in
 *  the list's order, its number (from 1) and how many pages there are. */
export type Page = { keys: string[]; n: number; of: number };

/** For a list on the projector that should be seen whole (a kudos wall,
 *  a help board), shown page by page rather than cut. The first of the
 *  densities 0..last at which box ends above the window's bottom less
 *  whole pixels (fitDensity); when none does, at the last density, the
 *  list made into pages of the children that fit above the bottom less
 *  whole and more() pixels, the room of the line that says which page
 *  is shown (onScreen, at least one child a page, each page drawn and
 *  measured from its first child), shown one after the other, every
 *  every milliseconds, round and round.
 *  set gets the density, the keys of the items to draw, in the list's
 *  order (undefined: all of them; while measured, those a page may start
 *  with and the rest; then the page's), the page shown (undefined: none)
 *  and, while paged, the height in pixels the list has
 *  down to that room: drawn in columns of that height, each filled
 *  before the next (what does not fit goes to columns beyond the list's
 *  right edge), a page holds every child that fits. Drawn in a grid, a
 *  row is as tall as its tallest child: one long kudo in a row cut the
 *  page before the short ones beside it, and at 800x600 a page held
 *  three kudos with 40 % of the screen empty. A page shows the items it was made of for as long as
 *  it is shown: an item added to the list meanwhile is drawn at the next
 *  turn, never under the eyes of a room reading the page (the page's
 *  items still in the list are drawn, so that one taken out, a kudo the
 *  facilitator hid, goes at once). At the turn the pages still to come
 *  are made again from the list as it is then, of the items not shown
 *  so far in this round, starting after the last item shown before the
 *  first of those that were to come, so that the round neither shows an
 *  item twice nor passes one over, even one that moved (a help request
 *  matched or resolved goes further down its board); an item added among
 *  those already shown comes in the next round, whose pages are all made
 *  again.
 *  Again from the first page when the window is resized. changed() says
 *  that keys() changed: drawn whole, the list is fitted again at once.
 *  Returns what stops it, and changed. */
export function pageList(box: HTMLElement, list: () => HTMLElement | undefined, last: number, keys: () => string[],
  set: (density: number, keys?: string[], page?: Page, height?: number) => void, whole = 16, more: () => number = () => 48,
  every = PAGE_TURN_MS): { changed: () => void; stop: () => void } {
  let pages: string[][] = []; // empty: the list drawn whole (or being measured)
  let height: number | undefined; // of the list's columns while paged
  let at = 0; // the page shown
  let stale = false; // the list changed since the pages still to come were made
  let dirty = false; // the list changed since the first page was made
  let run = 0; // each measure's own, so that a newer one stops it
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopFit: (() => void) | undefined;

  // Pages of the items rest (keys, in the list's order): each drawn from
  // its first item and cut to those that fit. Undefined when measured
  // again meanwhile.
  const make = async (rest: string[], gone: () => boolean) => {
    const room = whole + more();
    const made: string[][] = [];
    // The list is drawn at its last density here (fitDensity's overflow,
    // or a page of it), so its top is where every page's will be.
    const top = list()?.getBoundingClientRect().top;
    height = top === undefined ? undefined : Math.max(0, window.innerHeight - room - top);
    for (let s = 0; s < rest.length;) {
      set(last, rest.slice(s), undefined, height);
      await tick();
      if (gone()) return undefined;
      const l = list();
      const e = Math.min(rest.length, s + (l ? onScreen(l, room) : Infinity));
      made.push(rest.slice(s, e));
      s = e;
    }
    return made;
  };
  const show = () => {
    set(last, pages[at], { keys: pages[at], n: at + 1, of: pages.length }, height);
    timer = setTimeout(turn, every);
  };
  const fit = () => {
    clearTimeout(timer);
    stopFit?.();
    stopFit = fitDensity(true, box, last, (d) => {
      // Measured anew (first, or the window resized): drawn whole until
      // the pages are made.
      run++;
      clearTimeout(timer);
      pages = [];
      stale = dirty = false;
      set(d);
    }, whole, 0, async (gone) => {
      const made = await make(keys(), gone);
      if (!made) return;
      // All fit at once with the page line's room kept: the list ends
      // lower than its last child (nothing to turn to).
      if (made.length < 2) return set(last);
      pages = made;
      at = 0;
      show();
    });
  };
  const turn = async () => {
    if (!stale) {
      if (at + 1 < pages.length) at++;
      else if (dirty) return fit();
      else at = 0;
      return show();
    }
    // The items not shown so far in this round, in the list as it is
    // now, from after the last one shown before the first of those that
    // were to come (a page whose every item was taken out: after the one
    // before). An item shown that has moved further down the list since
    // (a help request matched) neither comes again nor makes the round
    // pass over those it moved beyond; one that was to come and has moved
    // up among those shown still comes.
    const all = keys();
    const index = new Map(all.map((k, i) => [k, i]));
    const shown = new Set(pages.slice(0, at + 1).flat());
    const first = Math.min(all.length, ...pages.slice(at + 1).flat().map((k) => index.get(k) ?? Infinity));
    const next = 1 + Math.max(-1, ...[...shown].map((k) => index.get(k) ?? -1).filter((i) => i < first));
    const rest = all.slice(next).filter((k) => !shown.has(k));
    if (!rest.length) return fit();
    const mine = ++run;
    stale = false;
    const made = await make(rest, () => mine !== run);
    if (!made) return;
    pages = [...pages.slice(0, at + 1), ...made];
    at++;
    show();
  };
  fit();
  return {
    changed: () => {
      if (pages.length) stale = dirty = true;
      else fit();
    },
    stop: () => {
      run++;
      clearTimeout(timer);
      stopFit?.();
    },
  };
}
