// What the library page and a pack's page both do with a pack.
import { library } from '../lib/library';
import { saveFile } from '../lib/download';
import { withHostKey } from '../lib/hostkey.svelte';
import { creds, hostCredsFrom } from '../lib/storage';
import { errorText, t } from '../lib/strings-console';
import { editHref } from './links';

/** An error of the library's requests, in the library's words. */
export const libError = (e: unknown) => errorText(e, { not_found: t.lib.notFound, forbidden: t.lib.readOnly, conflict: t.errors.conflict });

/** An error of the requests for kept sessions: one not found is no pack
 *  of the library, and a reload brings it back no more. A comparison's
 *  says which of its two (the error's field, a or b). */
export const sessionError = (e: unknown) => {
  const field = (e as { field?: string } | null)?.field;
  return errorText(e, { not_found: t.lib.sessionGone(field === 'a' || field === 'b' ? field.toUpperCase() : '') });
};

/**
 * Start a room from the pack and open its console, keeping the facilitator's
 * key as /host does. Names are hidden unless the trainer chose to show them:
 * shown names go with retro cards, help requests and kudos into the kept session.
 */
export async function startRoom(pack: string, showNames = false) {
  const r = await withHostKey(() => library.createRoom('', showNames, pack));
  const h = hostCredsFrom(r);
  creds.setHost(h, h.code);
  focusHeadingNext('host', h.code);
  window.location.assign('/host/' + encodeURIComponent(h.code));
}

/** A library copy of the pack, opened in the editor: how a built-in pack is adapted. */
export async function duplicatePack(pack: string) {
  const r = await withHostKey(() => library.duplicatePack(pack));
  focusHeadingNext('edit', r.summary.id);
  window.location.assign(editHref(r.summary.id));
}

export async function exportYaml(pack: string) {
  saveFile(await withHostKey(() => library.packYaml(pack)));
}

// A room just started or a pack just duplicated opens on a new page: a
// keyboard user goes on from its heading (the room's title, the copy's
// editor), not from the top of the page. The page it opens takes the
// mark (once) and focuses its heading when the mark names what it shows.
const FOCUS_KEY = 'huddle:focus-heading';

/** The next page showing `id` (a room's code, a pack's id) focuses its heading. */
export function focusHeadingNext(page: 'host' | 'edit', id: string) {
  try {
    sessionStorage.setItem(FOCUS_KEY, `${page}:${id}`);
  } catch {
    /* no sessionStorage: the page opens as usual */
  }
}

/** Whether this page, showing `id`, was opened to have its heading focused. */
export function takeHeadingFocus(page: 'host' | 'edit', id: string): boolean {
  try {
    const v = sessionStorage.getItem(FOCUS_KEY);
    if (v === null) return false;
    sessionStorage.removeItem(FOCUS_KEY);
    return v === `${page}:${id}`;
  } catch {
    return false;
  }
}
