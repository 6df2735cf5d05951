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

/** For an $effect that reads what a list on the projector draws (a kudos
 *  wall, a help board's requests), the way a retro's board is fitted:
 *  the first of its densities 0..last at which box ends above the
 *  window's bottom less whole pixels (fitDensity); when none does, at
 *  the last density, list() cut to the children that fit above it less
 *  whole and more() pixels, the room of its "+N more" line (fitting: at
 *  least min, the list's first children, the newest or most relevant).
 *  set gets the density and how many children to draw (Infinity: all).
 *  Again when the window is resized; off the projector (on false)
 *  density 0, everything drawn. Returns the effect's cleanup. */
export function fitList(on: boolean, box: HTMLElement | undefined, list: () => HTMLElement | undefined, last: number,
  set: (density: number, shown: number) => void, whole = 16, more: () => number = () => 48, min = 1): (() => void) | undefined {
  return fitDensity(on, box, last, (d) => set(d, Infinity), whole, 0, () => {
    const l = list();
    set(last, l ? fitting(l, whole + more(), min, whole) : Infinity);
  });
}
