// A projector's list fitted to the screen (lib/fitboard's fitList) once
// lib/fitboard has loaded: the projector's alone, so fetched when a board
// is drawn big, not bundled with the phone's page. The help board fits
// its requests so; the kudos wall pages through its kudos (lib/paged).
import { MORE_LINE_REM, remPx } from './fit';

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
