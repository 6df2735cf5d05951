// A console opened (a reload, or from /host's list) after its room ended:
// the server answers the facilitator's hello with a final welcome, the
// facilitator's own snapshot and the session the results were kept as,
// then room_ended and close 4003 (docs/protocol.md 3.3). The console shows
// the ended room as before the reload: who took part, the agenda and its
// results, the downloads, and "kept" when the welcome says so.
import { describe, expect, it, vi } from 'vitest';
import { FakeWS, welcome } from '../test/fakews';
import { consoleHooks, openConsole, textIn } from '../test/console';
import { when } from '../trainer/format';
import { settle } from '../test/settle';

let target: HTMLElement;
let fetchMock: ReturnType<typeof vi.fn>;

const summary = {
  id: 'r1', code: 'ABCDEF', title: 'Lunch workshop', pack: 'team-trust', packTitle: 'Team trust',
  createdAt: '2026-04-06T09:00:00Z', endedAt: '2026-04-06T10:00:00Z', expiresAt: '2026-07-05T10:00:00Z', participants: 3, exercises: 1,
};
const members = [
  { id: 'f1', name: 'Facilitator', role: 'facilitator', online: false },
  { id: 'm1', name: 'Ann Voter', role: 'participant', online: false },
  { id: 'm2', name: 'Bo Voter', role: 'participant', online: false },
  { id: 'm3', name: 'Cy Voter', role: 'participant', online: false },
];
const poll = { id: 'e1', kind: 'poll', title: 'Lunch?', status: 'results', minResponses: 1,
  questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'Soup' }, { id: 'b', label: 'Pizza' }] }] };
const votes = { exercise: 'e1', status: 'results', responses: 3, minResponses: 1, anonymous: true, results: { questions: [{ id: 'q1', counts: { a: 2, b: 1 }, answered: 3 }] } };

/** The facilitator's final welcome in the ended room, with session when kept. */
function finalWelcome(session?: object) {
  const w = welcome(9);
  return {
    ...w,
    you: { id: 'f1', name: 'Facilitator', role: 'facilitator', online: false },
    snapshot: {
      room: { id: 'r1', code: 'ABCDEF', title: 'Lunch workshop', locked: true, ended: true, showNames: false, pack: 'team-trust', packTitle: 'Team trust', endedAt: '2026-04-06T10:00:00Z' },
      members, participants: 3,
      sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll, state: votes }] } },
    },
    presence: { type: 'presence', online: 0, participants: 3, members },
    server: { heartbeatMs: 25000, limits: { maxMessageBytes: 262144 } },
    ...(session ? { session } : {}),
  };
}

function open() {
  fetchMock = vi.fn(async () => new Response(JSON.stringify(summary), { status: 201, headers: { 'Content-Type': 'application/json' } }));
  vi.stubGlobal('fetch', fetchMock);
  const opened = openConsole();
  target = opened.target;
  return opened.ws;
}
async function endedHello(ws: FakeWS, session?: object) {
  ws.receive(finalWelcome(session), { type: 'error', code: 'room_ended', message: 'this room has ended' });
  ws.serverClose(4003);
  await settle();
}
const keeps = () => (fetchMock.mock.calls as unknown as [string, RequestInit][]).filter(([u]) => u === '/api/rooms/r1/session');
const text = (sel: string) => textIn(target, sel);
const buttons = () => [...target.querySelectorAll('button')].map((b) => b.textContent!.trim());

consoleHooks();

describe('the console opened after its room ended', () => {
  it('shows who took part, the agenda and its results, the downloads, and that the results are kept', async () => {
    const ws = open();
    expect(ws.sent[0]).toMatchObject({ type: 'hello', room: 'r1', token: 'fac-secret' });
    await endedHello(ws, summary);

    expect(text('h1')).toBe('Lunch workshop');
    const people = text('[data-testid=people]');
    expect(people).toContain('3 people took part');
    for (const n of ['Ann Voter', 'Bo Voter', 'Cy Voter']) expect(people).toContain(n);
    expect(people).not.toContain('Nobody has joined yet');
    const agenda = text('[data-testid=agenda]');
    expect(agenda).toContain('Lunch?');
    expect(agenda).not.toContain('No exercises yet');
    expect(text('[data-testid=ex-status]')).toBe('Closed, results shown');
    // Beside who took part: nobody is online in an ended room.
    expect(text('[data-testid=host-responses]')).toBe('3 answers from 3 people who took part');
    expect(text('[data-testid=control]')).toContain('Soup');
    expect(target.querySelectorAll('[data-testid=room-results] button[aria-label^="Download the results as"]')).toHaveLength(3);

    // Kept at the end, as the welcome says: no button to keep them again.
    expect(text('[data-testid=ended]')).toMatch(/^This room has ended\. Kept as a session \(.+\), to download or compare with another run\. Kept until .+\. Past sessions$/);
    expect(text('[data-testid=ended] [data-testid=kept-session]')).toContain(when('2026-04-06T10:00:00Z'));
    expect(text('[data-testid=ended] [data-testid=kept-until]')).toBe(`Kept until ${when('2026-07-05T10:00:00Z')}.`);
    expect(buttons()).not.toContain('Keep the results as a session');
    expect(keeps()).toHaveLength(0);

    // Nothing to change in it, and no other connection.
    expect(target.querySelector('[data-testid=join-code]')).toBeNull();
    expect(buttons()).not.toContain('End the room');
    await new Promise((r) => setTimeout(r, 50));
    expect(FakeWS.all).toHaveLength(1);
  });

  it('offers to keep the results when the welcome says none are kept (deleted since, or kept by nobody)', async () => {
    const ws = open();
    await endedHello(ws);
    expect(text('[data-testid=people]')).toContain('3 people took part');
    expect(text('[data-testid=agenda]')).toContain('Lunch?');
    expect(text('[data-testid=ended]')).toBe('This room has ended. Keep the results as a session');
    expect(keeps()).toHaveLength(0);
  });
});
