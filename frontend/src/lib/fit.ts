// The projector has no scrolling: what runs off the bottom of the screen
// is cut without a word. A long list drawn there shows the items that fit
// and says how many more there are ("+3 more").
import { tick } from 'svelte';

/** How many of list's children end above the window's bottom, less
 *  reserve pixels (room for the "+N more" line); Infinity when all do.
 *  whole: the pixels to leave when every child is drawn, when no "+N
 *  more" line is needed (a list at the bottom: a margin, not that line's
 *  room); Infinity when all children end above the bottom less that.
 *  Without it, reserve (what is drawn below the list either way).
 *  At least min: 1 for a list at the top of the screen, where an item cut
 *  is better than none; 0 for one below something else, which may have
 *  left it no room at all. */
export function fitting(list: HTMLElement, reserve: number, min = 1, whole = reserve): number {
  const items = [...list.children];
  const ends = (limit: number) => items.findIndex((c) => c.getBoundingClientRect().bottom > limit);
  if (ends(window.innerHeight - whole) < 0) return Infinity;
  const i = ends(window.innerHeight - reserve);
  return i < 0 ? Infinity : Math.max(min, i);
}

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

/** For an $effect that reads the items: draws them all (set(Infinity)),
 *  then, once laid out and before the screen is painted, keeps the
 *  number that fit; again when the window is resized. Off the projector
 *  (on false) everything is drawn. reserve may be measured then (what is
 *  drawn below the list); min and whole as for fitting. Returns the
 *  effect's cleanup. */
export function fitScreen(on: boolean, list: HTMLElement | undefined, set: (n: number) => void, reserve: number | (() => number) = 64, min = 1, whole?: number): (() => void) | undefined {
  set(Infinity);
  if (!on || !list) return;
  let live = true;
  const measure = () => {
    set(Infinity);
    tick().then(() => {
      if (!live) return;
      const r = typeof reserve === 'number' ? reserve : reserve();
      set(fitting(list, r, min, whole ?? r));
    });
  };
  measure();
  window.addEventListener('resize', measure);
  return () => { live = false; window.removeEventListener('resize', measure); };
}

/** For an $effect that reads what box draws: the first of its densities
 *  0..last (each more compact than the one before) at which box ends
 *  above the window's bottom, less reserve pixels; the last when none
 *  does. Nothing is left out, so there is no "+N more": every option of
 *  a vote stays on the screen. Again when the window is resized; off the
 *  projector (on false) density 0. last may be worked out at each
 *  measure (fitBoard's, from the board's width). first: the least
 *  density tried there;
 *  reserve may be measured at each try; overflow, when given, runs when
 *  even the last density leaves box too low (stale() true once it is
 *  measured again). Returns the effect's cleanup. */
export function fitDensity(on: boolean, box: HTMLElement | undefined, last: number | (() => number), set: (n: number) => void,
  reserve: number | (() => number) = 16, first = 0, overflow?: (stale: () => boolean) => void | Promise<void>): (() => void) | undefined {
  set(0);
  if (!on || !box) return;
  const below = typeof reserve === 'function' ? reserve : () => reserve;
  let run = 0;
  const measure = async () => {
    const mine = ++run;
    const end = typeof last === 'function' ? last() : last;
    for (let d = first; d <= end; d++) {
      set(d);
      await tick();
      if (mine !== run) return;
      if (box.getBoundingClientRect().bottom <= window.innerHeight - below()) return;
    }
    await overflow?.(() => mine !== run);
  };
  measure();
  window.addEventListener('resize', measure);
  return () => { run = -1; window.removeEventListener('resize', measure); };
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
