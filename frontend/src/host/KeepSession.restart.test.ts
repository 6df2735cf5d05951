// The console on a server that keeps its library in memory only (the
// embedded store without HUDDLE_DATA_DIR): the session the results are
// kept as says untilRestart (docs/protocol.md 2.9.5), and the console says
// they are kept only until the server restarts, never "Kept until" a date
// months away that a restart would not keep.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Console from './Console.svelte';
import { ev, FakeWS, welcome } from '../test/fakews';
import type { HostCreds } from '../lib/storage';
import { settle } from '../test/settle';

let target: HTMLElement;
let app: any;

const host: HostCreds = {
  roomId: 'r1', code: 'ABCDEF', secret: 'fac-secret', facilitatorId: 'f1', title: 'Trust', joinUrl: 'http://192.168.1.2/j/ABCDEF', createdAt: 0,
};
const summary = {
  id: 'r1', code: 'ABCDEF', title: 'Trust', pack: 'team-trust', packTitle: 'Team trust',
  createdAt: '2026-04-06T09:00:00Z', endedAt: '2026-04-06T10:00:00Z', expiresAt: '2026-07-05T10:00:00Z', participants: 3, exercises: 2,
  untilRestart: true,
};

function mountConsole() {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(summary), { status: 201, headers: { 'Content-Type': 'application/json' } })));
  FakeWS.all = [];
  vi.stubGlobal('WebSocket', FakeWS);
  vi.stubGlobal('confirm', () => true);
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(Console, { target, props: { host } });
  flushSync();
  const ws = FakeWS.last();
  ws.open();
  return ws;
}
const text = (sel: string) => (target.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim();
const room = (ended: boolean) => ({ id: 'r1', code: 'ABCDEF', title: 'Trust', locked: ended, ended, showNames: false, pack: 'team-trust', packTitle: 'Team trust' });

beforeEach(() => localStorage.clear());
afterEach(() => {
  unmount(app);
  target.remove();
  vi.unstubAllGlobals();
});

describe('the console of a server that keeps results only until it restarts', () => {
  it('says so when the room ends and the server kept them', async () => {
    const ws = mountConsole();
    ws.receive(welcome(1, { you: { id: 'f1', name: '', role: 'facilitator', online: true }, snapshot: { room: room(false), participants: 3 } }));
    await settle();
    ws.receive(ev(2, 'room.ended', { ended: true }));
    ws.serverClose(4003);
    await settle();
    expect(text('[data-testid=ended] [data-testid=kept-until]')).toBe('Kept only until this server restarts.');
    expect(text('[data-testid=ended]')).toMatch(/^This room has ended\. Kept as a session \(.+\), to download or compare with another run\. Kept only until this server restarts\. Past sessions$/);
    expect(text('[data-testid=ended]')).not.toContain('Kept until');
  });

  it('says so when opened after the room ended, from the final welcome', async () => {
    const ws = mountConsole();
    ws.receive({ ...welcome(9), you: { id: 'f1', name: 'Facilitator', role: 'facilitator', online: false },
      snapshot: { room: { ...room(true), endedAt: '2026-04-06T10:00:00Z' }, participants: 3 }, session: summary },
    { type: 'error', code: 'room_ended', message: 'this room has ended' });
    ws.serverClose(4003);
    await settle();
    expect(text('[data-testid=ended] [data-testid=kept-until]')).toBe('Kept only until this server restarts.');
  });
});
