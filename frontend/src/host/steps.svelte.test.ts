// During a 6 s Redis stall three clicks on "Next: Reveal" left the console
// saying "Connected", the button as it was, and three commands waiting.
// Each step waits one at a time and says so once it waits longer than an
// answer takes; one answered at once changes nothing on screen.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import ExerciseControl from './ExerciseControl.svelte';
import Console from './Console.svelte';
import { emptyState } from '../lib/reducer';
import { SENDING_GRACE_MS } from './steps.svelte';
import { RECONNECT_GRACE_MS } from '../lib/conngrace.svelte';
import { FakeWS, welcome } from '../test/fakews';
import type { Exercise } from '../lib/types';
import type { HostCreds } from '../lib/storage';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const retro = (phase: string): Exercise => ({ id: 'x1', kind: 'retro', title: 'Sprint', status: 'open', phase, retro: { columns: [] } } as any);
const poll = (status: string, extra: object = {}): Exercise => ({
  id: 'e1', kind: 'poll', title: 'Lunch', status, questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [] }], ...extra,
} as any);

/** The console's exercise card; each command waits until the test answers it. */
function card(ex: Exercise, view: object = {}) {
  const sent: [string, any][] = [];
  const answers: (() => void)[] = [];
  const session = $state({
    state: { ...emptyState(), online: 3, participants: 3, agenda: { items: [ex.id, 'next'] }, states: { [ex.id]: { exercise: ex.id, status: ex.status, ...view } } } as any,
    status: 'online', send: (type: string, data: any) => { sent.push([type, data]); return new Promise<void>((r) => answers.push(r)); },
  });
  const target = show(ExerciseControl, { session, ex });
  const button = (text: string) => [...target.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.trim().startsWith(text));
  const wait = async (ms: number) => { await vi.advanceTimersByTimeAsync(ms); flushSync(); };
  const answer = async () => { answers.shift()?.(); await vi.advanceTimersByTimeAsync(0); flushSync(); };
  const said = () => target.querySelector('[data-testid=step-said]')!.textContent;
  return { target, sent, button, wait, answer, said };
}

describe('a retro\'s step while its command waits', () => {
  it('is sent once however often it is clicked, and says "Sending…" once it waits past the grace', async () => {
    const c = card(retro('write'), { phase: 'write', dots: 3, columns: [], cards: [], groups: [], items: [], actions: [] });
    const next = c.target.querySelector<HTMLButtonElement>('[data-testid=next-phase]')!;
    expect(next.textContent).toBe('Next: Reveal');
    next.click();
    next.click();
    await c.wait(SENDING_GRACE_MS - 100);
    next.click();
    expect(c.sent).toEqual([['retro.phase', { exercise: 'x1', phase: 'reveal' }]]);
    expect(next.textContent).toBe('Next: Reveal');
    expect(next.getAttribute('aria-disabled')).toBeNull();
    await c.wait(100);
    expect(next.textContent).toBe('Sending…');
    expect(next.getAttribute('aria-disabled')).toBe('true');
    // Every other step waits its turn, and shows it.
    expect(c.button('3. Group')!.getAttribute('aria-disabled')).toBe('true');
    c.button('3. Group')!.click();
    expect(c.sent).toHaveLength(1);
    expect(c.said()).toBe('Sending…');
    await c.answer();
    expect(next.textContent).toBe('Next: Reveal');
    expect(next.getAttribute('aria-disabled')).toBeNull();
    expect(c.said()).toBe('');
    next.click();
    expect(c.sent).toHaveLength(2);
  });

  it('changes nothing on screen when answered in 100 ms', async () => {
    const c = card(retro('write'), { phase: 'write', dots: 3, columns: [], cards: [], groups: [], items: [], actions: [] });
    const next = c.target.querySelector<HTMLButtonElement>('[data-testid=next-phase]')!;
    const seen = new Set<string>();
    const look = () => seen.add(`${next.textContent}|${next.getAttribute('aria-disabled')}|${c.said()}`);
    look();
    next.click();
    for (let i = 0; i < 10; i++) {
      await c.wait(10);
      look();
    }
    await c.answer();
    look();
    await c.wait(SENDING_GRACE_MS * 2);
    look();
    expect([...seen]).toEqual(['Next: Reveal|null|']);
  });
});

describe('the exercise card\'s own steps while their command waits', () => {
  for (const [what, ex, label, type] of [
    ['Open', poll('prepared'), 'Open', 'exercise.open'],
    ['Close', poll('open'), 'Close, results hidden', 'exercise.close'],
    ['Hide results', poll('results'), 'Hide results', 'exercise.hide'],
  ] as const) {
    it(`${what}: sent once, busy and "Sending…" past the grace`, async () => {
      const c = card(ex, { responses: 0, minResponses: 3 });
      const b = c.button(label)!;
      b.click();
      b.click();
      await c.wait(SENDING_GRACE_MS);
      expect(c.sent.map(([t]) => t)).toEqual([type]);
      expect(b.textContent!.trim()).toBe('Sending…');
      expect(b.getAttribute('aria-disabled')).toBe('true');
      await c.answer();
      expect(b.textContent!.trim()).toBe(label);
    });
  }

  it('Next exercise: one step, however often clicked, even across its close and its move', async () => {
    const c = card(poll('open'), { responses: 0, minResponses: 3 });
    const next = c.button('Next exercise')!;
    next.click();
    await c.wait(SENDING_GRACE_MS);
    expect(next.textContent).toBe('Sending…');
    await c.answer(); // the close; the move follows
    next.click();
    await c.wait(SENDING_GRACE_MS);
    await c.answer();
    expect(c.sent.map(([t]) => t)).toEqual(['exercise.close', 'agenda.next']);
  });

  it('the timer: started once, and Stop waits its turn', async () => {
    const c = card(poll('open', { endsAt: new Date(Date.now() + 60_000).toISOString() }), { responses: 0, minResponses: 3 });
    const start = c.button('Start timer')!;
    start.click();
    start.click();
    c.button('Stop timer')!.click();
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent).toEqual([['exercise.timer', { exercise: 'e1', seconds: 120 }]]);
    expect(start.textContent).toBe('Sending…');
    expect(c.button('Stop timer')!.getAttribute('aria-disabled')).toBe('true');
  });
});

describe('the console while its steps wait on a connection that stalls', () => {
  it('says "Sending…" at the step and, past the grace, what waits at the badge, while "Connected"', async () => {
    localStorage.clear();
    FakeWS.all = [];
    vi.stubGlobal('WebSocket', FakeWS);
    const host: HostCreds = { roomId: 'r1', code: 'ABCDEF', secret: 's', facilitatorId: 'f1', title: 'T', joinUrl: 'http://x/j/ABCDEF', createdAt: 0 };
    const target = show(Console, { host });
    const ws = FakeWS.last();
    ws.open();
    const base = welcome(1);
    ws.receive({ ...base, you: { id: 'f1', name: '', role: 'facilitator', online: true }, snapshot: { ...base.snapshot, sections: { exercises: {
      agenda: { items: ['e1', 'e2'], current: 'e1' }, exercises: [{ exercise: poll('prepared') }, { exercise: { ...poll('prepared'), id: 'e2' } }],
    } } } });
    flushSync();
    const open = [...target.querySelectorAll<HTMLButtonElement>('[data-testid=control] button')].find((b) => b.textContent === 'Open')!;
    const pending = () => target.querySelector('[data-testid=conn-pending]')?.textContent ?? null;
    open.click();
    open.click();
    open.click();
    flushSync();
    expect(ws.commands()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(SENDING_GRACE_MS);
    flushSync();
    expect(open.textContent).toBe('Sending…');
    expect(pending()).toBeNull(); // the badge keeps calm a little longer
    await vi.advanceTimersByTimeAsync(RECONNECT_GRACE_MS);
    flushSync();
    expect(target.querySelector('[data-testid=conn-said]')!.textContent).toBe('Connected');
    expect(pending()).toBe('1 change waiting to be sent');
    ws.receive({ type: 'ack', id: ws.commands()[0].id });
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
    expect(pending()).toBeNull();
    expect(open.textContent).toBe('Open');
    expect(ws.commands()).toHaveLength(1);
  });
});
