// The HTTP API (docs/protocol.md section 2): what the phone page needs.
// The trainer's side (creating rooms, the pack library, results, past
// sessions and comparisons) is lib/library.ts, built on the same calls
// and kept out of the participant's bundle.
import type { MemberView, Problem, Room } from './types';

export class ApiError extends Error {
  /** value: the value at fault in field, when the answer names one (the pack id taken, 2.2). */
  constructor(public code: string, message: string, public status: number, public field?: string, public problems?: Problem[],
    public value?: string) {
    super(message);
  }
}

export interface Req {
  body?: unknown;
  /** A body sent as it is (a pack file, its bytes), with this content type. */
  raw?: { text: string | Blob; type: string };
  /** Sent as `Authorization: Bearer <auth>` when not empty. */
  auth?: string | null;
}

export async function send(method: string, path: string, req: Req = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  let body: string | Blob | undefined;
  if (req.raw) {
    headers['Content-Type'] = req.raw.type;
    body = req.raw.text;
  } else if (req.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(req.body);
  }
  if (req.auth) headers['Authorization'] = 'Bearer ' + req.auth;
  let res: Response;
  try {
    res = await fetch(path, { method, headers: Object.keys(headers).length ? headers : undefined, body });
  } catch {
    throw new ApiError('network', 'network error', 0);
  }
  if (!res.ok) {
    let json: any = null;
    try {
      json = await res.json();
    } catch {
      /* not JSON */
    }
    const e = json?.error;
    // No Huddle error in the body: a proxy answered (502, 503, 504 while
    // a node restarts) or something broke; never show its bare status text.
    const code = e?.code ?? bodilessCode(res.status);
    throw new ApiError(code, e?.message ?? (code === 'invalid' ? res.statusText || `HTTP ${res.status}` : ''), res.status, e?.field,
      Array.isArray(e?.problems) ? e.problems : undefined, typeof e?.value === 'string' ? e.value : undefined);
  }
  return res;
}

/** The code of an error a proxy answered, with no Huddle body. */
function bodilessCode(status: number): string {
  if (status >= 502 && status <= 504) return 'unavailable';
  if (status === 413) return 'too_long';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'internal';
  return 'invalid'; // shown with the status text: it may say why
}

export async function call<T>(method: string, path: string, req?: Req): Promise<T> {
  const res = await send(method, path, req);
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    return undefined as T;
  }
}

/** A file the server sent, ready to save (lib/download.ts). */
export interface Download { blob: Blob; filename: string; type: string }

export async function download(path: string, auth: string | null | undefined, fallback: string): Promise<Download> {
  const res = await send('GET', path, { auth });
  const blob = await res.blob();
  const cd = res.headers.get('Content-Disposition') ?? '';
  const m = cd.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
  let filename = fallback;
  if (m) {
    try {
      filename = decodeURIComponent(m[1]);
    } catch {
      filename = m[1];
    }
  }
  return { blob, filename, type: res.headers.get('Content-Type') ?? blob.type };
}

export interface Created { room: Room; facilitator: { id: string; secret: string } }
export interface Joined { room: Room; member: MemberView; token: string }

export const api = {
  join: (code: string, name: string, token?: string) => call<Joined>('POST', '/api/join', { body: { code, name, token: token || undefined } }),
  /** The facilitator's test participant, whose answers to votes are not counted. */
  joinPreview: (code: string, secret: string) => call<Joined>('POST', '/api/join', { body: { code, name: 'Preview', preview: true }, auth: secret }),
  room: (code: string) => call<Room>('GET', '/api/rooms/' + encodeURIComponent(code)),
};

/** A path segment decoded; null when it holds a malformed percent-escape (decodeURIComponent would throw). */
export function decodeSegment(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Join codes are forgiving (docs/protocol.md 1): upper case, no spaces or dashes. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

export const CODE_RE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;
