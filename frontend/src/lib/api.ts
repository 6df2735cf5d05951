// The HTTP API (docs/protocol.md section 2).
import type { MemberView, Room } from './types';

export class ApiError extends Error {
  constructor(public code: string, message: string, public status: number, public field?: string) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('network', 'network error', 0);
  }
  let json: any = null;
  try {
    json = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const e = json?.error;
    throw new ApiError(e?.code ?? 'internal', e?.message ?? res.statusText, res.status, e?.field);
  }
  return json as T;
}

export interface Created { room: Room; facilitator: { id: string; secret: string } }
export interface Joined { room: Room; member: MemberView; token: string }

export const api = {
  createRoom: (title: string, showNames: boolean) => call<Created>('POST', '/api/rooms', { title, showNames }),
  join: (code: string, name: string, token?: string) => call<Joined>('POST', '/api/join', { code, name, token: token || undefined }),
  room: (code: string) => call<Room>('GET', '/api/rooms/' + encodeURIComponent(code)),
};

/** Join codes are forgiving (docs/protocol.md 1): upper case, no spaces or dashes. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

export const CODE_RE = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$/;
