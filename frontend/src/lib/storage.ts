// Credentials are kept per room in this browser's localStorage. The
// facilitator secret is stored under its own key, read only by the
// console and the projector, and sent only to this server (hello, and the
// HTTP routes that ask for it).
import { clearDrafts } from './drafts';

export interface ParticipantCreds {
  roomId: string; code: string; token: string; memberId: string; name: string;
  /** The console's test participant (POST /api/join with preview). */
  preview?: boolean;
}
export interface HostCreds {
  roomId: string; code: string; secret: string; facilitatorId: string; title: string; joinUrl: string; createdAt: number;
  /** The room's projector link (room.screen_link), once this console made one, and its id. */
  screenLink?: string;
  screenLinkId?: string;
}
/** A projector link's token, kept by the computer that opened the link. */
export interface ScreenCreds {
  code: string; token: string; joinUrl: string;
  /** The link was replaced or stopped: its token is gone. */
  revoked?: boolean;
}

/** What the console keeps of a room this browser created (POST /api/rooms). */
export function hostCredsFrom(r: { room: { id: string; code: string; title: string; joinUrl?: string }; facilitator: { id: string; secret: string } }): HostCreds {
  return {
    roomId: r.room.id, code: r.room.code, secret: r.facilitator.secret, facilitatorId: r.facilitator.id,
    title: r.room.title, joinUrl: r.room.joinUrl ?? `${location.origin}/j/${r.room.code}`, createdAt: Date.now(),
  };
}

function store(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function read<T>(key: string): T | null {
  try {
    const v = store()?.getItem(key);
    return v ? (JSON.parse(v) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, v: unknown) {
  try {
    if (v == null) store()?.removeItem(key);
    else store()?.setItem(key, JSON.stringify(v));
  } catch {
    /* private mode: works for this page only */
  }
}

export const creds = {
  participant: (code: string, ns = 'p') => read<ParticipantCreds>(`huddle:${ns}:${code}`),
  setParticipant: (c: ParticipantCreds | null, code: string, ns = 'p') => write(`huddle:${ns}:${code}`, c),
  host: (code: string) => read<HostCreds>(`huddle:h:${code}`),
  setHost: (c: HostCreds | null, code: string) => {
    write(`huddle:h:${code}`, c);
    const list = (read<string[]>('huddle:hosted') ?? []).filter((x) => x !== code);
    if (c) list.unshift(code);
    write('huddle:hosted', list.slice(0, 20));
  },
  screen: (code: string) => read<ScreenCreds>(`huddle:screen:${code}`),
  setScreen: (c: ScreenCreds | null, code: string) => write(`huddle:screen:${code}`, c),
  hosted: (): HostCreds[] =>
    (read<string[]>('huddle:hosted') ?? []).map((c) => read<HostCreds>(`huddle:h:${c}`)).filter((x): x is HostCreds => !!x),
  /** The server's host key (HUDDLE_HOST_KEY), once the trainer typed it here. */
  hostKey: () => read<string>('huddle:hostkey') ?? '',
  setHostKey: (k: string | null) => write('huddle:hostkey', k || null),
  lastName: () => read<string>('huddle:name') ?? '',
  setLastName: (n: string) => write('huddle:name', n),
  storage: store,
};

/**
 * Everything this browser keeps for a room it hosts, forgotten (/host's
 * "Remove from this list"); the room on the server is not touched. Every
 * key that names the room, by its code or id:
 * - its facilitator record and its place in the list (huddle:h:CODE,
 *   huddle:hosted), with the projector link the console made;
 * - the console's test participant (huddle:pv:CODE, Preview.svelte) and
 *   this tab's mark that it had it open (sessionStorage huddle:pvtab:CODE);
 * - a projector link opened here (huddle:screen:CODE, ScreenApp.svelte);
 * - the commands the console, the projector and the test participant
 *   had not seen answered (huddle:pending:{h,s,pv}:CODE, lib/client.ts);
 * - the console's half-filled "Add an exercise" (draft add:ROOMID).
 *
 * Never another room's: a code is free again once its room expires, and
 * another room may have it now. A record under the code is this room's
 * when it says so: the test participant by its room id, a kept command
 * by the token it was sent with, the projector link by its token being
 * the console's link, or by `live` (the server said just now that the
 * code leads to this room, which its secret opens). The participant's
 * own record (huddle:p:CODE, the /j/ page) is someone's identity in the
 * room, not the console's: its page's Leave forgets it.
 */
export function forgetHosted(h: HostCreds, live = false): void {
  const code = h.code;
  creds.setHost(null, code);
  const tokens = new Set([h.secret]);
  const pv = creds.participant(code, 'pv');
  if (pv && pv.roomId === h.roomId) {
    tokens.add(pv.token);
    creds.setParticipant(null, code, 'pv');
  }
  const screen = creds.screen(code);
  const linkToken = h.screenLink ? new URLSearchParams(h.screenLink.split('#')[1] ?? '').get('t') : null;
  if (screen && (live || (!!screen.token && screen.token === linkToken))) {
    if (screen.token) tokens.add(screen.token);
    creds.setScreen(null, code);
  }
  for (const ns of ['h', 's', 'pv']) {
    const key = `huddle:pending:${ns}:${code}`;
    const kept = read<{ token?: string }[]>(key);
    if (!Array.isArray(kept)) continue;
    // A command kept without its token (before they were) by the console: the console's.
    const others = kept.filter((c) => !(c && (c.token ? tokens.has(c.token) : ns === 'h')));
    write(key, others.length ? others : null);
  }
  try {
    window.sessionStorage.removeItem(`huddle:pvtab:${code}`);
  } catch {
    /* no sessionStorage: nothing kept there */
  }
  if (h.roomId) clearDrafts((k) => k === `add:${h.roomId}`);
}
