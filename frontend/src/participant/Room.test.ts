import { afterEach, describe, expect, it, vi } from 'vitest';
import Room from './Room.svelte';
import { FakeWS, welcome } from '../test/fakews';
import { show } from '../test/mount';
import { settle } from '../test/settle';

afterEach(() => vi.unstubAllGlobals());

/** A phone in a room whose agenda's current exercise is prepared, not opened. */
async function waitingFor(title: string) {
  FakeWS.all = [];
  vi.stubGlobal('WebSocket', FakeWS);
  const target = show(Room, { creds: { roomId: 'r1', code: 'ABCDEF', token: 'tok', memberId: 'm1', name: 'Ann' }, onLeave: () => {} });
  const ws = FakeWS.last();
  ws.open();
  const base = welcome(1);
  ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
    agenda: { items: ['e1'], current: 'e1' },
    exercises: [{ exercise: { id: 'e1', kind: 'poll', title, status: 'prepared', questions: [] } }],
  } } } });
  await settle();
  return target.querySelector('[data-testid=waiting]')!;
}

describe('a phone waiting for the next exercise', () => {
  it('names it once, in quotes, and promises no moment', async () => {
    const w = await waitingFor('Lunch?');
    expect([...w.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Next up: “Lunch?”', 'The facilitator will open it.']);
    expect(w.textContent).not.toContain('moment');
  });
});
