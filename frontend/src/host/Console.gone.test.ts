// The console of a room the server no longer has (it expired, or a server
// on the embedded store was restarted): the server closes the facilitator's
// connection with 4001 (docs/protocol.md 3.3). The console showed a banner
// and otherwise looked live: the join code and QR, an agenda reading "No
// exercises yet", End, Lock, Add exercise and Keep; and its JSON download
// said "Your session expired. Please join again.", the phone's words.
import { describe, expect, it, vi } from 'vitest';
import { FakeWS } from '../test/fakews';
import { consoleHooks, hostWelcome, openConsole, textIn } from '../test/console';
import { settle } from '../test/settle';

let target: HTMLElement;
let fetchMock: ReturnType<typeof vi.fn>;

const json = (body: unknown, status: number) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const poll = { id: 'e1', kind: 'poll', title: 'Lunch?', status: 'results', minResponses: 1,
  questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'Soup' }, { id: 'b', label: 'Pizza' }] }] };
const votes = { exercise: 'e1', status: 'results', responses: 3, minResponses: 1, anonymous: true, results: { questions: [{ id: 'q1', counts: { a: 2, b: 1 }, answered: 3 }] } };
const withPoll = { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll, state: votes }] } };

function mountConsole() {
  // The server has no such room: whatever the console asks of it is refused as the server refuses it.
  fetchMock = vi.fn(async () => json({ error: { code: 'bad_token', message: 'unknown room or token' } }, 401));
  vi.stubGlobal('fetch', fetchMock);
  const opened = openConsole();
  target = opened.target;
  return opened.ws;
}
async function welcomed(ws: FakeWS, sections?: object) {
  ws.receive(hostWelcome({}, sections));
  await settle();
}
async function gone(ws: FakeWS) {
  ws.serverClose(4001);
  await settle();
}
const text = (sel: string) => textIn(target, sel);
const buttons = () => [...target.querySelectorAll('button')];
const button = (name: string) => buttons().find((b) => b.textContent?.trim() === name);
const links = () => [...target.querySelectorAll('a')].map((a) => `${a.textContent!.trim()} → ${a.getAttribute('href')}`);

consoleHooks();

describe('the console of a room the server no longer has', () => {
  it('says so plainly, with what is left to do, and nothing that looks live', async () => {
    await gone(mountConsole());
    expect(text('[data-testid=gone]')).toBe('This room is no longer on the server: it expired, or the server was restarted. '
      + 'Nobody can join it any more, and nothing of it can be changed or downloaded here. If its results were kept as a session, Past sessions has them while the server keeps them. '
      + 'Start a new room Past sessions');
    expect(links()).toEqual(['Start a new room → /host', 'Past sessions → /sessions']);
    // No way in, no room to run, no "No exercises yet. Add one below.".
    for (const sel of ['[data-testid=join-code]', '[data-testid=qr]', '[data-testid=join-link]', '[data-testid=agenda]', '[data-testid=add-exercise]',
      '[data-testid=people]', '[data-testid=room-results]', '[data-testid=conn]', '[data-testid=ended]']) {
      expect(target.querySelector(sel), sel).toBeNull();
    }
    expect(target.textContent).not.toContain('No exercises yet');
    expect(buttons().map((b) => b.textContent!.trim())).toEqual([]);
    expect(document.title).toBe('Trust · Facilitator console');
    expect(text('h1')).toBe('Trust');
    // Opened on a room already gone: the focus is left where a page starts.
    expect(document.activeElement).toBe(document.body);
  });

  it('gone while open: keeps what it saw to read, with nothing to press, and the focus on the notice', async () => {
    const ws = mountConsole();
    await welcomed(ws, withPoll);
    button('End the room')!.focus();
    await gone(ws);
    const notice = target.querySelector<HTMLElement>('[data-testid=gone]')!;
    expect(document.activeElement).toBe(notice);
    expect(text('[data-testid=gone]')).toContain('Below is the room as this page last saw it, to read.');
    // The exercise and its results, the agenda: shown, not run.
    expect(text('[data-testid=control]')).toContain('Soup');
    expect(text('[data-testid=agenda]')).toContain('Lunch?');
    const live = buttons().filter((b) => !b.disabled && !b.closest('fieldset:disabled'));
    expect(live.map((b) => b.textContent!.trim())).toEqual([]);
    for (const sel of ['[data-testid=join-code]', '[data-testid=add-exercise]', '[data-testid=people]', '[data-testid=room-results]', '[data-testid=conn]']) {
      expect(target.querySelector(sel), sel).toBeNull();
    }
  });
});

describe("the console's downloads refused by the server", () => {
  it("say so in the console's words, not the phone's", async () => {
    const ws = mountConsole();
    await welcomed(ws, withPoll);
    target.querySelector<HTMLButtonElement>('button[aria-label="Download the results as JSON"]')!.click();
    await settle();
    const said = () => [...target.querySelectorAll('[data-testid=room-results] [role=alert]')].map((e) => e.textContent!.trim());
    expect(said()).toEqual(['This room is no longer on the server (it expired, or the server was restarted), so its results cannot be downloaded from here. If they were kept as a session, Past sessions has them.']);
    button('Save agenda as pack')!.click();
    await settle();
    expect(said()[1]).toBe('This room is no longer on the server (it expired, or the server was restarted), so its agenda cannot be saved as a pack.');
    expect(target.textContent).not.toContain('join again');
  });
});
