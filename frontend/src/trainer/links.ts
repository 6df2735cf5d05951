// Addresses of the trainer's pages (main.ts loads them; TrainerApp picks the page).

import { decodeSegment } from '../lib/api';

const enc = encodeURIComponent;

/** A pack's page. "/library/new" is the editor for a new pack, so a pack with the id "new" is shown at /library/new/view. */
export const packHref = (id: string) => (id === 'new' ? '/library/new/view' : `/library/${enc(id)}`);
export const editHref = (id: string) => `/library/${enc(id)}/edit`;
export const newPackHref = '/library/new';
export const sessionsHref = (pack?: string) => (pack ? `/sessions?pack=${enc(pack)}` : '/sessions');
export const compareHref = (a: string, b: string) => `/compare?a=${enc(a)}&b=${enc(b)}`;

export type Route =
  | { page: 'library' }
  | { page: 'pack'; id: string }
  | { page: 'edit'; id?: string }
  | { page: 'sessions'; pack: string }
  | { page: 'compare'; a: string; b: string }
  | { page: 'missing' };

/** The page for a path and query. */
export function route(pathname: string, search: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const q = new URLSearchParams(search);
  if (path === '/library') return { page: 'library' };
  if (path === '/library/new') return { page: 'edit' };
  // A malformed escape (decodeURIComponent throws) names no pack: no such page.
  let m = path.match(/^\/library\/([^/]+)\/edit$/);
  if (m) {
    const id = decodeSegment(m[1]);
    return id === null ? { page: 'missing' } : { page: 'edit', id };
  }
  m = path.match(/^\/library\/([^/]+)(?:\/view)?$/);
  if (m) {
    const id = decodeSegment(m[1]);
    return id === null ? { page: 'missing' } : { page: 'pack', id };
  }
  if (path === '/sessions') return { page: 'sessions', pack: q.get('pack') ?? '' };
  if (path === '/compare') return { page: 'compare', a: q.get('a') ?? '', b: q.get('b') ?? '' };
  return { page: 'missing' };
}
