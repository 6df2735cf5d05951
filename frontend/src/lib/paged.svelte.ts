// A list on the projector shown page by page when even its densest does
// not fit (lib/fitboard's pageList: a kudos wall, a help board), as the
// component that draws it reads it. lib/fitboard is the projector's
// alone, so fetched when a list is drawn big, not bundled with the
// phone's page; a phone and the console draw the list whole, and scroll.
import { untrack } from 'svelte';
import { MORE_LINE_REM, remPx } from './fit';
import type { Page } from './fitboard';

/** pageList (lib/fitboard) once it has loaded: list (in box) fitted
 *  through densities 0..last, then, when it still runs off the screen,
 *  shown page by page with room for the line that says which page;
 *  set gets each step (while paged, the height of the list's columns).
 *  Returns what stops it, and what tells it that keys() changed
 *  (nothing to tell before it has loaded: it reads them then). Not
 *  loaded: the list stays drawn whole, unfitted. */
export function pageListLazily(box: HTMLElement, list: () => HTMLElement | undefined, last: number, keys: () => string[],
  set: (density: number, keys?: string[], page?: Page, height?: number) => void): { changed: () => void; stop: () => void } {
  let pager: { changed: () => void; stop: () => void } | undefined, live = true;
  import('./fitboard').then(({ pageList }) => {
    if (live) pager = pageList(box, list, last, keys, set, 16, () => remPx(MORE_LINE_REM));
  }).catch(() => {});
  return { changed: () => pager?.changed(), stop: () => { live = false; pager?.stop(); } };
}

/**
 * The items() of a component's list as drawn: on the projector (on()),
 * box fitted through its densities 0..last and, when it still does not
 * fit, list (box itself when not given) shown page by page, its items
 * told apart by key (pageListLazily); elsewhere all of them at density
 * 0. Each new items() is told to the pager (a kudo sent, a request
 * matched): drawn whole, the list is fitted again at once, else at the
 * next turn. Call while the component is made (it runs effects); read
 * its fields in the markup: density, the items to draw (drawn), the
 * page shown (page: undefined when not paged) and, while paged, the
 * height of the list's columns (height).
 */
export function pagedList<T>(o: {
  on: () => boolean; box: () => HTMLElement | undefined; list?: () => HTMLElement | undefined; last: number;
  items: () => T[]; key: (item: T) => string;
}) {
  let density = $state(0);
  // The keys of the items drawn (undefined: all): while the pages are
  // measured, those from the one a page starts with; then the page's.
  let keys = $state<string[]>();
  let page = $state<Page>();
  let height = $state<number>();
  // Those of them still in the list (one the facilitator hid goes at
  // once), as they are now, in the order the page was made in: a help
  // request matched while its page is up shows it where it is, rather
  // than moving down the page under the room's eyes.
  const byKey = $derived(keys && new Map(o.items().map((i) => [o.key(i), i])));
  const drawn = $derived(keys && byKey ? keys.map((k) => byKey.get(k)).filter((i) => i !== undefined) : o.items());
  let changed: (() => void) | undefined;
  $effect(() => {
    const box = o.box();
    density = 0;
    keys = undefined;
    page = undefined;
    height = undefined;
    if (!o.on() || !box) return;
    const pager = pageListLazily(box, o.list ?? (() => box), o.last, () => o.items().map(o.key), (d, k, p, h) => { density = d; keys = k; page = p; height = h; });
    changed = pager.changed;
    return () => { changed = undefined; pager.stop(); };
  });
  $effect(() => {
    void o.items();
    untrack(() => changed?.());
  });
  return {
    get density() { return density; },
    get drawn() { return drawn; },
    get page() { return page; },
    get height() { return height; },
  };
}
