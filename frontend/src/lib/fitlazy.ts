// A projector's list fitted to the screen (lib/fitboard's fitList) once
// lib/fitboard has loaded: the projector's alone, so fetched when a board
// is drawn big, not bundled with the phone's page. The help board fits
// its requests so, the kudos wall pages through its kudos.
import { MORE_LINE_REM, remPx } from './fit';
import type { Page } from './fitboard';

/** Fits list (in box) through densities 0..last, then to the items that
 *  fit with room for a "+N more" line; set gets each step. Returns what
 *  stops it. Not loaded (a redeploy under an open projector): the list
 *  stays drawn unfitted. */
export function fitListLazily(box: HTMLElement, list: () => HTMLElement | undefined, last: number,
  set: (density: number, shown: number) => void): () => void {
  let stop: (() => void) | undefined, live = true;
  import('./fitboard').then(({ fitList }) => {
    if (live) stop = fitList(true, box, list, last, set, 16, () => remPx(MORE_LINE_REM));
  }).catch(() => {});
  return () => { live = false; stop?.(); };
}

/** pageList (lib/fitboard) once it has loaded: list (in box) fitted
 *  through densities 0..last, then, when it still runs off the screen,
 *  shown page by page with room for the line that says which page;
 *  set gets each step (while paged, the height of the list's columns).
 *  Returns what stops it, and what tells it that keys() changed
 *  (nothing to tell before it has loaded: it reads them then). Not
 *  loaded: the list stays drawn whole, unfitted. */
export function pageListLazily(box: HTMLElement, list: () => HTMLElement | undefined, last: number, keys: () => string[],
  set: (density: number, from: number, page?: Page, height?: number) => void): { changed: () => void; stop: () => void } {
  let pager: { changed: () => void; stop: () => void } | undefined, live = true;
  import('./fitboard').then(({ pageList }) => {
    if (live) pager = pageList(box, list, last, keys, set, 16, () => remPx(MORE_LINE_REM));
  }).catch(() => {});
  return { changed: () => pager?.changed(), stop: () => { live = false; pager?.stop(); } };
}
