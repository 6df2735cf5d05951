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

/** The pixels that the page keeps under box for what it draws below it
 *  (a "+N more" line under a survey's questions, ScreenApp): the
 *  data-fit-below of its nearest ancestor that has one. */
function room(box: HTMLElement): number {
  return parseFloat(box.closest<HTMLElement>('[data-fit-below]')?.dataset.fitBelow ?? '') || 0;
}

/** Tells the page that box is fitted (fitDensity): a "fitted" event that
 *  bubbles from it, its detail whether box ends above the bottom (false:
 *  even its last density leaves it too low), for a page that can then
 *  leave something out (ScreenApp, a survey's questions). */
function fitted(box: HTMLElement, fits: boolean) {
  box.dispatchEvent(new CustomEvent('fitted', { bubbles: true, detail: fits }));
}

/** For an $effect that reads what box draws: the first of its densities
 *  0..last (each more compact than the one before) at which box ends
 *  above the window's bottom, less reserve pixels; the last when none
 *  does. Nothing is left out here (an overflow, below, may cut what box
 *  draws and say so). Again when the window is resized; off the
 *  projector (on false) density 0. last may be worked out at each
 *  measure (fitBoard's, from the board's width). first: the least
 *  density tried there;
 *  reserve may be measured at each try (and an ancestor's data-fit-below
 *  is kept besides); overflow, when given, runs when
 *  even the last density leaves box too low (stale() true once it is
 *  measured again), given where box ended at each density tried (ends[d],
 *  window pixels), so that it can choose among them without drawing each
 *  again. Once done it dispatches "fitted" on box (whether box fits).
 *  Returns the effect's cleanup. */
export function fitDensity(on: boolean, box: HTMLElement | undefined, last: number | (() => number), set: (n: number) => void,
  reserve: number | (() => number) = 16, first = 0, overflow?: (stale: () => boolean, ends: number[]) => void | Promise<void>): (() => void) | undefined {
  set(0);
  if (!on || !box) return;
  const below = () => (typeof reserve === 'function' ? reserve() : reserve) + room(box);
  let run = 0;
  const measure = async () => {
    const mine = ++run;
    const end = typeof last === 'function' ? last() : last;
    const ends: number[] = [];
    for (let d = first; d <= end; d++) {
      set(d);
      await tick();
      if (mine !== run) return;
      ends[d] = box.getBoundingClientRect().bottom;
      if (ends[d] <= window.innerHeight - below()) return fitted(box, true);
    }
    await overflow?.(() => mine !== run, ends);
    if (mine === run) fitted(box, false);
  };
  measure();
  window.addEventListener('resize', measure);
  return () => { run = -1; window.removeEventListener('resize', measure); };
}

/** For a fitDensity's overflow (its last density still too low): the
 *  most of total items, drawn by set(n) (the first n, however they are
 *  laid out: a word cloud puts its biggest in the middle, so no child's
 *  place says how many fit), at which box ends above the window's bottom
 *  less reserve pixels; box holds the "+N more" line too, drawn whenever
 *  n < total, so it is measured with them. At least min, and less than
 *  total (all of them did not fit). Sought by halves, each try drawn and
 *  measured; stale() true once box is measured again: then it stops. */
export async function fitMost(box: HTMLElement, total: number, set: (n: number) => void, stale: () => boolean, reserve = 16, min = 1): Promise<void> {
  let lo = min, hi = total - 1, best = min;
  while (lo <= hi) {
    const n = (lo + hi) >> 1;
    set(n);
    await tick();
    if (stale()) return;
    if (box.getBoundingClientRect().bottom <= window.innerHeight - reserve) (best = n), (lo = n + 1);
    else hi = n - 1;
  }
  set(best);
}

/** A vote's options (their counts, in their order) cut to the n that
 *  fit on the projector: the n most voted (of equal votes, the first),
 *  drawn in their own order as the results are (an option is where the
 *  room saw it on their phones, not moved up by its votes); and what the
 *  rest hold, for the "+N more" line under them: how many options, how
 *  many votes. Nothing left out when n is at least their number. */
export function mostVoted(counts: number[], n: number): { keep: number[]; options: number; votes: number } {
  const all = counts.map((_, i) => i);
  if (!(n < counts.length)) return { keep: all, options: 0, votes: 0 };
  const top = new Set([...all].sort((a, b) => counts[b] - counts[a] || a - b).slice(0, Math.max(0, n)));
  const votes = all.reduce((s, i) => (top.has(i) ? s : s + counts[i]), 0);
  return { keep: all.filter((i) => top.has(i)), options: counts.length - top.size, votes };
}

/** A "+N more" line under a list on the projector and the gap above it,
 *  in rem (the help board, a survey's questions; the kudos wall's line
 *  that says which of its pages is shown). */
export const MORE_LINE_REM = 2.6;

/** The room of a "+N more" line under a list on the projector: n of the
 *  page's rem (its type grows with the screen) in pixels. */
export function remPx(n: number): number {
  return n * (parseFloat(getComputedStyle(document.documentElement).fontSize) || 16);
}
