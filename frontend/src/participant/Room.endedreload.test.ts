// A phone whose page opens (a reload, a discarded tab, the link opened
// again) after its room ended: the server answers its hello with a final
// welcome, what the room shows this person, then room_ended and close
// 4003 (docs/protocol.md 3.3). The page shows the room's title and the
// keepsakes, read-only, and does not try again.
import { afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { lazyParts } from './lazyparts';
import { FakeWS, welcome } from '../test/fakews';
import { settle } from '../test/settle';
import { openPhone } from '../test/phone';

afterEach(() => vi.unstubAllGlobals());
beforeAll(() => Promise.all(lazyParts.map((p) => p.get())));

const kudo = (id: string, to: string, message: string, fromName = 'Cy') =>
  ({ id, to, toName: to === 'm1' ? 'Ann' : to === 'team' ? '' : 'Ben', ...(fromName ? { fromName } : {}), anonymous: !fromName, message });

function finalWelcome() {
  const w = welcome(7);
  const wall = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' };
  const retro = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'actions', retro: { columns: [] } };
  return {
    ...w,
    you: { ...w.you, online: false },
    presence: { type: 'presence', online: 0, participants: 3 },
    snapshot: {
      ...w.snapshot,
      room: { ...w.snapshot.room, title: 'Sprint 12 retro', locked: true, ended: true, endedAt: '2026-12-06T15:00:00Z' },
      sections: { exercises: { agenda: { items: ['k1', 'r1'], current: 'r1' }, exercises: [
        { exercise: wall, state: { exercise: 'k1', status: 'open', count: 3, kudos: [
          kudo('q1', 'm1', 'Thanks for pairing', 'Bo'), kudo('q2', 'team', 'Great sprint, all', ''), kudo('q3', 'm2', 'Great demo', 'Ann')] } },
        { exercise: retro, state: { exercise: 'r1', status: 'open', phase: 'actions', revealed: true, dotsShown: true, columns: [], cards: [], groups: [], items: [], dots: 3, maxPerItem: 2,
          actions: [{ id: 'a1', seq: 1, text: 'Pair twice a week', owner: 'Bo', done: false }] } },
      ] } },
    },
  };
}

describe('a phone opened after its room ended', () => {
  it("shows the room's title, the kudos for this person and the action items, from the server's final welcome", async () => {
    const { target, ws } = openPhone();
    expect(ws.sent[0]).toMatchObject({ type: 'hello', room: 'r1', token: 'tok' });
    ws.receive(finalWelcome(), { type: 'error', code: 'room_ended', message: 'this room has ended' });
    await settle();
    // Before the close: already the ended page, with nothing to change.
    expect(target.querySelector('[data-testid=room-ended]')).not.toBeNull();
    expect([...target.querySelectorAll('button')].map((b) => b.textContent!.trim())).toEqual(['Join another room']);
    ws.serverClose(4003);
    await settle();

    expect(target.querySelector('h1')!.textContent).toBe('Sprint 12 retro');
    expect(document.title).toContain('Sprint 12 retro');
    expect(target.querySelector('[data-testid=room-ended]')!.textContent).toBe('This workshop has ended. Thank you for taking part!');
    const kudos = target.querySelector('[data-testid=kept-kudos]')!.textContent!;
    expect(kudos).toContain('Kudos for you');
    expect(kudos).toContain('Thanks for pairing');
    expect(kudos).toContain('Great sprint, all');
    expect(kudos).not.toContain('Great demo');
    expect(target.querySelector('[data-testid=kept-actions]')!.textContent).toContain('Pair twice a week');
    expect([...target.querySelectorAll('button')].map((b) => b.textContent!.trim())).toEqual(['Join another room']);
    expect(target.querySelector('input, textarea, select')).toBeNull();
    // Stopped for good: no other connection.
    await new Promise((r) => setTimeout(r, 50));
    expect(FakeWS.all).toHaveLength(1);
  });

  it('says nothing about commands it had kept from before the reload', async () => {
    FakeWS.all = [];
    localStorage.setItem('huddle:pending:p:ABCDEF', JSON.stringify([{ id: 'c1', type: 'kudos.send', data: { exercise: 'k1', to: 'm2', message: 'Late' }, token: 'tok' }]));
    onTestFinished(() => localStorage.clear());
    const { target, ws } = openPhone();
    ws.receive(finalWelcome(), { type: 'error', code: 'room_ended', message: 'this room has ended' });
    ws.serverClose(4003);
    await settle();
    expect(target.querySelector('[data-testid=kept-kudos]')).not.toBeNull();
    expect(target.querySelector('[data-testid=missed]')).toBeNull();
    expect(localStorage.getItem('huddle:pending:p:ABCDEF') ?? '[]').not.toContain('c1');
  });

  it('from an older server, with no welcome: the ended notice, under the app name', async () => {
    const { target, ws } = openPhone();
    ws.receive({ type: 'error', code: 'room_ended', message: 'this room has ended' });
    ws.serverClose(4003);
    await settle();
    expect(target.querySelector('[data-testid=room-ended]')).not.toBeNull();
    expect(target.querySelector('h1')!.textContent).toBe('Huddle');
    expect(target.querySelector('[data-testid=kept-kudos]')).toBeNull();
  });
});
