// Credentials are kept per room in this browser's localStorage. The
// facilitator secret is stored under its own key, read only by the
// console and the projector, and never sent anywhere but hello.

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
