// The console on a server that keeps its library in memory only (the
// embedded store without HUDDLE_DATA_DIR): the session the results are
// kept as says untilRestart (docs/protocol.md 2.9.5), and the console says
// they are kept only until the server restarts, never "Kept until" a date
// months away that a restart would not keep.
import { describe, expect, it, vi } from 'vitest';
import { ev, welcome } from '../test/fakews';
import { consoleHooks, hostWelcome, openConsole, textIn } from '../test/console';
import { settle } from '../test/settle';

let target: HTMLElement;

const summary = {
  id: 'r1', code: 'ABCDEF', title: 'Trust', pack: 'team-trust', packTitle: 'Team trust',
  createdAt: '2026-04-06T09:00:00Z', endedAt: '2026-04-06T10:00:00Z', expiresAt: '2026-07-05T10:00:00Z', participants: 3, exercises: 2,
  untilRestart: true,
};

function mountConsole() {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(summary), { status: 201, headers: { 'Content-Type': 'application/json' } })));
  const opened = openConsole();
  target = opened.target;
  return opened.ws;
}
const text = (sel: string) => textIn(target, sel);
const room = (ended: boolean) => ({ id: 'r1', code: 'ABCDEF', title: 'Trust', locked: ended, ended, showNames: false, pack: 'team-trust', packTitle: 'Team trust' });

consoleHooks();

describe('the console of a server that keeps results only until it restarts', () => {
  it('says so when the room ends and the server kept them', async () => {
    const ws = mountConsole();
    ws.receive(hostWelcome(room(false)));
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
