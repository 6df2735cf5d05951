// The projector has no scrolling: what runs off the bottom of the screen
// is cut without a word. A long list drawn there shows the items that fit
// and says how many more there are ("+3 more").
import { tick } from 'svelte';

/** How many of list's children end above the window's bottom, less
 *  reserve pixels (room for the "+N more" line); Infinity when all do. */
export function fitting(list: HTMLElement, reserve: number): number {
  const limit = window.innerHeight - reserve;
  const i = [...list.children].findIndex((c) => c.getBoundingClientRect().bottom > limit);
  return i < 0 ? Infinity : Math.max(1, i);
}

/** For an $effect that reads the items: draws them all (set(Infinity)),
 *  then, once laid out and before the screen is painted, keeps the
 *  number that fit; again when the window is resized. Off the projector
 *  (on false) everything is drawn. Returns the effect's cleanup. */
export function fitScreen(on: boolean, list: HTMLElement | undefined, set: (n: number) => void, reserve = 64): (() => void) | undefined {
  set(Infinity);
  if (!on || !list) return;
  let live = true;
  const measure = () => {
    set(Infinity);
    tick().then(() => { if (live) set(fitting(list, reserve)); });
  };
  measure();
  window.addEventListener('resize', measure);
  return () => { live = false; window.removeEventListener('resize', measure); };
}
