// The trainer's side of the HTTP API (docs/protocol.md 2.4, 2.7a, 2.9):
// creating rooms, the pack library, a room's results, past sessions and
// comparisons. Loaded only with the console and the trainer's pages.
import { call, download, type Created } from './api';
import { creds } from './storage';
import type { Comparison, Pack, PackEntry, PackSummary, Room, SessionResults, SessionSummary } from './types';

const enc = encodeURIComponent;
const hostKey = () => creds.hostKey();
export type ResultsFormat = 'json' | 'csv' | 'md';
/** One room's answer to POST /api/rooms/status (2.5a): the room, or why there is none. */
export interface RoomStatus { room?: Room; error?: { code: string; message: string } }

/** The largest pack file the server takes (packs.MaxFileSize, docs/packs.md). */
export const MAX_PACK_BYTES = 1 << 20;

/**
 * The trainer's side of the API. Requests that the host key guards carry
 * the one this browser remembers (lib/storage.ts); wrap them in
 * withHostKey (lib/hostkey.svelte.ts) to ask for it on `401 host_key`.
 */
export const library = {
  /** POST /api/rooms (2.4, 2.9.4): a room, from a pack when `pack` is set. */
  createRoom: (title: string, showNames: boolean, pack?: string) =>
    call<Created>('POST', '/api/rooms', { body: { title, showNames, pack: pack || undefined }, auth: hostKey() }),

  /** POST /api/rooms/status (2.5a): several rooms at once, each by its id or code and its facilitator secret; answered in that order. */
  roomStatus: (rooms: { room: string; secret: string }[]) => call<{ rooms: RoomStatus[] }>('POST', '/api/rooms/status', { body: { rooms } }),

  packs: () => call<PackSummary[]>('GET', '/api/packs', { auth: hostKey() }),
  pack: (id: string) => call<PackEntry>('GET', `/api/packs/${enc(id)}`, { auth: hostKey() }),
  packYaml: (id: string) => download(`/api/packs/${enc(id)}?format=yaml`, hostKey(), `${id}.yaml`),
  createPack: (pack: Pack) => call<PackEntry>('POST', '/api/packs', { body: { pack }, auth: hostKey() }),
  /** Import a pack file; `replace` overwrites a library pack with the same id. */
  /** A pack file, as text or as its bytes (the server says what a file not in UTF-8 is). */
  importPack: (file: string | Blob, replace = false) =>
    call<PackEntry>('POST', '/api/packs' + (replace ? '?replace=1' : ''), { raw: { text: file, type: 'application/yaml' }, auth: hostKey() }),
  /** Save an edit; `version` guards against overwriting someone else's change (omit it to overwrite). */
  updatePack: (id: string, pack: Pack, version?: string) =>
    call<PackEntry>('PUT', `/api/packs/${enc(id)}`, { body: version === undefined ? { pack } : { pack, version }, auth: hostKey() }),
  duplicatePack: (id: string, copy: { id?: string; title?: string } = {}) =>
    call<PackEntry>('POST', `/api/packs/${enc(id)}/duplicate`, { body: copy, auth: hostKey() }),
  deletePack: (id: string, version?: string) =>
    call<void>('DELETE', `/api/packs/${enc(id)}` + (version ? `?version=${enc(version)}` : ''), { auth: hostKey() }),

  /** POST /api/rooms/{room}/pack (2.9.3): the room's agenda as a new pack; the facilitator's secret, not the host key. */
  saveAgenda: (room: string, secret: string, meta: { id?: string; title?: string; description?: string; author?: string }) =>
    call<PackEntry>('POST', `/api/rooms/${enc(room)}/pack`, { body: meta, auth: secret }),
  /** POST /api/rooms/{room}/session (2.9.5): keep the room's results as a session now; the facilitator's secret. */
  keepSession: (room: string, secret: string) =>
    call<SessionSummary>('POST', `/api/rooms/${enc(room)}/session`, { auth: secret }),
  /** GET /api/rooms/{room}/results (2.7a), with the facilitator's secret. */
  results: (room: string, secret: string, format: ResultsFormat) =>
    download(`/api/rooms/${enc(room)}/results?format=${format}`, secret, `huddle-results.${format}`),

  sessions: (pack?: string) => call<SessionSummary[]>('GET', '/api/sessions' + (pack ? `?pack=${enc(pack)}` : ''), { auth: hostKey() }),
  session: (id: string) => call<SessionResults>('GET', `/api/sessions/${enc(id)}?format=json`, { auth: hostKey() }),
  sessionFile: (id: string, format: ResultsFormat) => download(`/api/sessions/${enc(id)}?format=${format}`, hostKey(), `huddle-session.${format}`),
  deleteSession: (id: string) => call<void>('DELETE', `/api/sessions/${enc(id)}`, { auth: hostKey() }),
  compare: (a: string, b: string) => call<Comparison>('GET', `/api/compare?a=${enc(a)}&b=${enc(b)}&format=json`, { auth: hostKey() }),
  compareFile: (a: string, b: string) => download(`/api/compare?a=${enc(a)}&b=${enc(b)}&format=md`, hostKey(), 'huddle-comparison.md'),
};
