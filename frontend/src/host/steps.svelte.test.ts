// During a 6 s Redis stall three clicks on "Next: Reveal" left the console
// saying "Connected", the button as it was, and three commands waiting.
// Each step waits one at a time and says so once it waits longer than an
// answer takes; one answered at once changes nothing on screen.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import ExerciseControl from './ExerciseControl.svelte';
import People from './People.svelte';
import Agenda from './Agenda.svelte';
import { emptyState } from '../lib/reducer';
import { SENDING_GRACE_MS, Steps } from './steps.svelte';
import { RECONNECT_GRACE_MS } from '../lib/conngrace.svelte';
import { consoleHooks, hostWelcome, openConsole } from '../test/console';
import type { Exercise } from '../lib/types';

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});
consoleHooks();

const retro = (phase: string): Exercise => ({ id: 'x1', kind: 'retro', title: 'Sprint', status: 'open', phase, retro: { columns: [] } } as any);
const poll = (status: string, extra: object = {}): Exercise => ({
  id: 'e1', kind: 'poll', title: 'Lunch', status, questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [] }], ...extra,
} as any);

/** The whole console of room r1 (test/console), welcomed with sections. */
function consoleWith(sections?: object) {
  const { target, ws } = openConsole();
  ws.receive(hostWelcome({}, sections));
  flushSync();
  return { target, ws };
}
/** An agenda of two polls, the first current; second: the other's fields. */
const twoPolls = (second: object = {}) => ({ exercises: {
  agenda: { items: ['e1', 'e2'], current: 'e1' }, exercises: [{ exercise: poll('prepared') }, { exercise: { ...poll('prepared'), id: 'e2', ...second } }],
} });

/** The console's exercise card; each command waits until the test
 *  answers it (answer) or the server refuses it (refuse). */
function card(ex: Exercise, view: object = {}) {
  const sent: [string, any][] = [];
  const answers: { ok: () => void; no: (e: unknown) => void }[] = [];
  const session = $state({
    state: { ...emptyState(), online: 3, participants: 3, agenda: { items: [ex.id, 'next'] }, states: { [ex.id]: { exercise: ex.id, status: ex.status, ...view } } } as any,
    status: 'online', send: (type: string, data: any) => { sent.push([type, data]); return new Promise<void>((ok, no) => answers.push({ ok, no })); },
  });
  const target = show(ExerciseControl, { session, ex });
  const button = (text: string) => [...target.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.trim().startsWith(text));
  const wait = async (ms: number) => { await vi.advanceTimersByTimeAsync(ms); flushSync(); };
  const answer = async () => { answers.shift()?.ok(); await vi.advanceTimersByTimeAsync(0); flushSync(); };
  const refuse = async (code: string) => { answers.shift()?.no(Object.assign(new Error(code), { code })); await vi.advanceTimersByTimeAsync(0); flushSync(); };
  const said = () => target.querySelector('[data-testid=step-said]')!.textContent;
  const alerts = () => [...target.querySelectorAll('p.error[role=alert]')].map((p) => p.textContent);
  return { target, session, sent, button, wait, answer, refuse, said, alerts };
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
    const { target, ws } = consoleWith(twoPolls());
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

// "Discuss this", the action items, Resolve and Hide were sent once a
// click: a double click was two commands, and a stalled store showed
// nothing at the control. They are steps of the card too.
const discussing = (phase = 'discuss') => ({
  phase, dots: 3, maxPerItem: 2, columns: [{ id: 'stop', title: 'Stop', count: 2 }], written: 2, revealed: true, dotsShown: true, groups: [],
  cards: [{ id: 'c1', column: 'stop', text: 'Meetings' }, { id: 'c2', column: 'stop', text: 'Standups' }],
  items: [{ id: 'c1', kind: 'card', dots: 2 }, { id: 'c2', kind: 'card', dots: 1 }], actions: [{ id: 'a1', seq: 1, text: 'Pair more', done: false }],
});
const typeAction = (target: HTMLElement, text: string) => {
  const field = target.querySelector<HTMLInputElement>('#ra-x1')!;
  field.value = text;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
  return field;
};

describe('a retro\'s discussion and action items while their command waits', () => {
  it('"Discuss this": sent once, "Sending…" past the grace, every other step busy, and again once answered', async () => {
    const c = card(retro('discuss'), discussing());
    const discuss = () => [...c.target.querySelectorAll<HTMLButtonElement>('.focus-list button')];
    discuss()[0].click();
    discuss()[0].click();
    discuss()[1].click();
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent).toEqual([['retro.focus', { exercise: 'x1', item: 'c1' }]]);
    expect(discuss()[0].textContent).toBe('Sending…');
    // Named by what it says while it waits (its label named the item).
    expect(discuss()[0].getAttribute('aria-label')).toBeNull();
    expect(discuss().map((b) => b.getAttribute('aria-disabled'))).toEqual(['true', 'true']);
    expect(discuss()[1].textContent).toBe('Discuss this');
    expect(c.button('Close')!.getAttribute('aria-disabled')).toBe('true');
    expect(c.said()).toBe('Sending…');
    await c.answer();
    expect(discuss()[0].textContent).toBe('Discuss this');
    expect(discuss()[0].getAttribute('aria-label')).toBe('Discuss this: “Meetings”');
    expect(discuss().map((b) => b.getAttribute('aria-disabled'))).toEqual([null, null]);
    expect(c.said()).toBe('');
    discuss()[1].click();
    expect(c.sent).toHaveLength(2);
  });

  it('Add action: the action sent once, the button "Sending…", the form emptied once it is taken', async () => {
    const c = card(retro('actions'), discussing('actions'));
    const field = typeAction(c.target, 'Demo on Fridays');
    const add = c.button('Add action')!;
    add.click();
    add.click();
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent).toEqual([['retro.action.add', { exercise: 'x1', text: 'Demo on Fridays', owner: '', due: '', item: undefined }]]);
    expect(add.textContent).toBe('Sending…');
    expect(add.getAttribute('aria-disabled')).toBe('true');
    expect(field.value).toBe('Demo on Fridays');
    await c.answer();
    expect(add.textContent).toBe('Add action');
    expect(add.getAttribute('aria-disabled')).toBeNull();
    expect(field.value).toBe('');
  });

  it('Add action while another step waits: sends nothing and keeps what was typed', async () => {
    const c = card(retro('discuss'), discussing());
    c.target.querySelector<HTMLButtonElement>('.focus-list button')!.click();
    await c.answer(); // taken: the retro's last command is done
    c.button('Close')!.click(); // the card's, waiting
    const field = typeAction(c.target, 'Demo on Fridays');
    c.button('Add action')!.click();
    await c.wait(0);
    expect(c.sent.map(([type]) => type)).toEqual(['retro.focus', 'exercise.close']);
    expect(field.value).toBe('Demo on Fridays');
    await c.answer();
    c.button('Add action')!.click();
    expect(c.sent.map(([type]) => type)).toEqual(['retro.focus', 'exercise.close', 'retro.action.add']);
  });

  it('an action\'s ✕ and its box: each sent once, the waiting one says "Sending…", the other busy', async () => {
    const c = card(retro('actions'), discussing('actions'));
    const del = c.target.querySelector<HTMLButtonElement>('[aria-label="Delete: Pair more"]')!;
    const box = c.target.querySelector<HTMLInputElement>('li.row input[type=checkbox]')!;
    del.click();
    del.click();
    box.click(); // sends nothing, and leaves the box as the action is
    expect(box.checked).toBe(false);
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent).toEqual([['retro.action.delete', { exercise: 'x1', action: 'a1' }]]);
    expect(del.textContent).toBe('Sending…');
    expect(del.getAttribute('aria-label')).toBeNull();
    expect(box.getAttribute('aria-disabled')).toBe('true');
    box.click(); // busy: taken back
    expect(box.checked).toBe(false);
    expect(c.sent).toHaveLength(1);
    await c.refuse('not_found'); // deleted meanwhile on a phone
    expect(del.textContent).toBe('✕');
    expect(del.getAttribute('aria-label')).toBe('Delete: Pair more');
    expect(c.alerts()).toEqual(['That is no longer there: it may have been removed or withdrawn.']);

    box.click();
    box.click();
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent.slice(1)).toEqual([['retro.action.edit', { exercise: 'x1', action: 'a1', done: true }]]);
    expect(box.closest('label')!.textContent).toContain('Sending…');
    expect(del.getAttribute('aria-disabled')).toBe('true');
    await c.answer();
    expect(box.closest('label')!.textContent).not.toContain('Sending…');
    expect(c.alerts()).toEqual([]);
  });
});

// The grouping: a double click on "Group selected cards", a card's ✕ or
// "Add selected here" sent its command twice, and a stalled store showed
// nothing at any of them. They are steps of the card too.
describe('a retro\'s grouping while its command waits', () => {
  const grouping = () => card({ ...retro('group'), retro: { columns: [{ id: 'stop', title: 'Stop' }] } } as any, {
    phase: 'group', dots: 3, maxPerItem: 2, columns: [{ id: 'stop', title: 'Stop', count: 3 }], written: 3, revealed: true, dotsShown: false,
    cards: [{ id: 'c1', column: 'stop', text: 'Meetings', group: 'g1' }, { id: 'c2', column: 'stop', text: 'Standups', group: 'g1' }, { id: 'c3', column: 'stop', text: 'Demos' }],
    groups: [{ id: 'g1', title: 'Rituals', cards: ['c1', 'c2'] }], items: [], actions: [],
  });
  const pick = (c: ReturnType<typeof card>, id: string) => { c.target.querySelector<HTMLInputElement>(`[data-card=${id}] input`)!.click(); flushSync(); };
  const outs = (c: ReturnType<typeof card>) => [...c.target.querySelectorAll<HTMLButtonElement>('[data-group=g1] .out')];
  const rename = (c: ReturnType<typeof card>) => c.target.querySelector<HTMLButtonElement>('[data-group=g1] .rename')!;

  it('"Group selected cards": sent once, "Sending…" past the grace with the board busy, the selection emptied once taken', async () => {
    const c = grouping();
    pick(c, 'c3');
    const group = c.button('Group selected cards')!;
    expect(group.textContent).toBe('Group selected cards (1)');
    group.click();
    group.click();
    await c.wait(SENDING_GRACE_MS - 100);
    expect(group.textContent).toBe('Group selected cards (1)'); // nothing shown within the grace
    await c.wait(100);
    expect(c.sent).toEqual([['retro.group', { exercise: 'x1', cards: ['c3'] }]]);
    expect(group.textContent).toBe('Sending…');
    expect(group.getAttribute('aria-disabled')).toBe('true');
    expect([...outs(c), rename(c)].map((b) => b.getAttribute('aria-disabled'))).toEqual(['true', 'true', 'true']);
    expect(c.said()).toBe('Sending…');
    await c.answer();
    expect(group.textContent).toBe('Group selected cards (0)');
    expect(c.said()).toBe('');
    expect(outs(c).map((b) => b.getAttribute('aria-disabled'))).toEqual([null, null]);
  });

  it('"Group selected cards": a card picked while it waits stays picked once it is taken, the cards sent no longer', async () => {
    const c = card({ ...retro('group'), retro: { columns: [{ id: 'stop', title: 'Stop' }] } } as any, {
      phase: 'group', dots: 3, maxPerItem: 2, columns: [{ id: 'stop', title: 'Stop', count: 3 }], written: 3, revealed: true, dotsShown: false,
      cards: [{ id: 'c1', column: 'stop', text: 'Meetings' }, { id: 'c2', column: 'stop', text: 'Standups' }, { id: 'c3', column: 'stop', text: 'Demos' }],
      groups: [], items: [], actions: [],
    });
    const picked = () => ['c1', 'c2', 'c3'].filter((id) => c.target.querySelector<HTMLInputElement>(`[data-card=${id}] input`)!.checked);
    pick(c, 'c1');
    pick(c, 'c2');
    const group = c.button('Group selected cards')!;
    group.click();
    pick(c, 'c3'); // while it waits: for the next group
    pick(c, 'c2'); // and one sent, unpicked meanwhile
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent).toEqual([['retro.group', { exercise: 'x1', cards: ['c1', 'c2'] }]]);
    await c.answer();
    expect(picked()).toEqual(['c3']);
    expect(group.textContent).toBe('Group selected cards (1)');
    group.click();
    expect(c.sent.slice(1)).toEqual([['retro.group', { exercise: 'x1', cards: ['c3'] }]]);
  });

  it('"Add selected here": a card picked while it waits stays picked once it is taken', async () => {
    const c = card({ ...retro('group'), retro: { columns: [{ id: 'stop', title: 'Stop' }] } } as any, {
      phase: 'group', dots: 3, maxPerItem: 2, columns: [{ id: 'stop', title: 'Stop', count: 3 }], written: 3, revealed: true, dotsShown: false,
      cards: [{ id: 'c1', column: 'stop', text: 'Meetings', group: 'g1' }, { id: 'c2', column: 'stop', text: 'Standups' }, { id: 'c3', column: 'stop', text: 'Demos' }],
      groups: [{ id: 'g1', title: 'Rituals', cards: ['c1'] }], items: [], actions: [],
    });
    pick(c, 'c2');
    c.button('Add selected')!.click();
    pick(c, 'c3'); // while it waits
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent).toEqual([['retro.group', { exercise: 'x1', cards: ['c2'], group: 'g1' }]]);
    await c.answer();
    expect(c.target.querySelector<HTMLInputElement>('[data-card=c3] input')!.checked).toBe(true);
    expect(c.button('Add selected')!.textContent).toBe('Add selected (1) here');
    expect(c.button('Group selected cards')!.textContent).toBe('Group selected cards (1)');
  });

  it('a card\'s ✕: sent once, says "Sending…", and a refusal is said under the phases and gives it back', async () => {
    const c = grouping();
    outs(c)[0].click();
    outs(c)[0].click();
    outs(c)[1].click();
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent).toEqual([['retro.ungroup', { exercise: 'x1', card: 'c1' }]]);
    expect(outs(c).map((b) => b.textContent)).toEqual(['Sending…', '✕']);
    // Named by what it says while it waits (its label named the card).
    expect(outs(c)[0].getAttribute('aria-label')).toBeNull();
    expect(outs(c).map((b) => b.getAttribute('aria-disabled'))).toEqual(['true', 'true']);
    expect(c.button('5. Discuss')!.getAttribute('aria-disabled')).toBe('true');
    await c.refuse('forbidden');
    expect(c.alerts()).toEqual(['You are not allowed to do that.']);
    expect(outs(c).map((b) => b.textContent)).toEqual(['✕', '✕']);
    expect(outs(c)[0].getAttribute('aria-label')).toBe('Take out of group: Meetings');
    expect(outs(c).map((b) => b.getAttribute('aria-disabled'))).toEqual([null, null]);
    outs(c)[1].click();
    expect(c.sent.slice(1)).toEqual([['retro.ungroup', { exercise: 'x1', card: 'c2' }]]);
  });

  /** Opens g1's rename form and types `title` in it; its field and Save. */
  const typeRename = (c: ReturnType<typeof card>, title: string) => {
    rename(c).click();
    flushSync();
    const field = c.target.querySelector<HTMLInputElement>('#rn-g1')!;
    field.value = title;
    field.dispatchEvent(new Event('input', { bubbles: true }));
    return { field, save: c.target.querySelector<HTMLButtonElement>('[data-group=g1] button[type=submit]')! };
  };

  it('Rename: saved once, the form kept with its Save saying "Sending…" while it waits, and closed once taken', async () => {
    const c = grouping();
    const { field, save } = typeRename(c, 'Ceremonies');
    save.click();
    save.click();
    await c.wait(SENDING_GRACE_MS - 100);
    expect(save.textContent).toBe('Save'); // nothing shown within the grace
    await c.wait(100);
    expect(c.sent).toEqual([['retro.group.rename', { exercise: 'x1', group: 'g1', title: 'Ceremonies' }]]);
    expect(field.isConnected).toBe(true);
    expect(field.value).toBe('Ceremonies');
    expect(save.textContent).toBe('Sending…');
    expect(save.getAttribute('aria-disabled')).toBe('true');
    expect(outs(c).map((b) => b.getAttribute('aria-disabled'))).toEqual(['true', 'true']);
    expect(c.said()).toBe('Sending…');
    await c.answer();
    expect(c.target.querySelector('#rn-g1')).toBeNull();
    expect(rename(c).textContent).toBe('Rename');
    expect(rename(c).getAttribute('aria-disabled')).toBeNull();
    expect(c.said()).toBe('');
  });

  it('Rename refused: the form stays with the title typed, the refusal said under the phases, and Save given back', async () => {
    const c = grouping();
    const { field, save } = typeRename(c, 'Ceremonies');
    save.click();
    await c.wait(SENDING_GRACE_MS);
    expect(save.textContent).toBe('Sending…');
    await c.refuse('forbidden');
    expect(c.alerts()).toEqual(['You are not allowed to do that.']);
    expect(c.target.querySelector('#rn-g1')).toBe(field);
    expect(field.value).toBe('Ceremonies');
    expect(save.textContent).toBe('Save');
    expect(save.getAttribute('aria-disabled')).toBeNull();
    save.click();
    expect(c.sent.map(([, d]) => d.title)).toEqual(['Ceremonies', 'Ceremonies']);
    await c.answer();
    expect(c.target.querySelector('#rn-g1')).toBeNull();
    expect(c.alerts()).toEqual([]);
  });

  it('Rename cancelled while it waits: the form goes, and the group\'s Rename says "Sending…" until the answer', async () => {
    const c = grouping();
    const { save } = typeRename(c, 'Ceremonies');
    save.click();
    c.target.querySelector<HTMLButtonElement>('[data-group=g1] button[type=button]')!.click(); // Cancel
    await c.wait(SENDING_GRACE_MS);
    expect(c.target.querySelector('#rn-g1')).toBeNull();
    expect(rename(c).textContent).toBe('Sending…');
    expect(rename(c).getAttribute('aria-disabled')).toBe('true');
    rename(c).click(); // busy: no form while it waits
    flushSync();
    expect(c.target.querySelector('#rn-g1')).toBeNull();
    await c.answer();
    expect(rename(c).textContent).toBe('Rename');
    expect(c.sent).toHaveLength(1);
  });

  it('Rename saved while another step waits: sends nothing and keeps what was typed', async () => {
    const c = grouping();
    outs(c)[0].click(); // waiting, within the grace
    rename(c).click();
    flushSync();
    const field = c.target.querySelector<HTMLInputElement>('#rn-g1')!;
    field.value = 'Ceremonies';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    field.form!.requestSubmit();
    await c.wait(0);
    expect(c.sent.map(([type]) => type)).toEqual(['retro.ungroup']);
    expect(c.target.querySelector<HTMLInputElement>('#rn-g1')!.value).toBe('Ceremonies');
    await c.answer();
    c.target.querySelector<HTMLInputElement>('#rn-g1')!.form!.requestSubmit();
    await c.wait(0);
    expect(c.sent.map(([type]) => type)).toEqual(['retro.ungroup', 'retro.group.rename']);
    await c.answer();
    expect(c.target.querySelector('#rn-g1')).toBeNull();
  });

  it('"Add selected here": sent once, "Sending…" past the grace, gone with the selection once taken', async () => {
    const c = grouping();
    pick(c, 'c3');
    const add = () => c.button('Add selected')!;
    expect(add().textContent).toBe('Add selected (1) here');
    add().click();
    add().click();
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent).toEqual([['retro.group', { exercise: 'x1', cards: ['c3'], group: 'g1' }]]);
    const waiting = c.target.querySelector<HTMLButtonElement>('[data-group=g1] > button')!;
    expect(waiting.textContent).toBe('Sending…');
    expect(waiting.getAttribute('aria-disabled')).toBe('true');
    expect(c.button('Group selected cards')!.getAttribute('aria-disabled')).toBe('true');
    await c.answer();
    expect(c.target.querySelector('[data-group=g1] > button')).toBeNull();
    expect(c.button('Group selected cards')!.textContent).toBe('Group selected cards (0)');
  });
});

describe('a help board\'s Resolve while its command waits', () => {
  const help = (ids: string[]) => ({
    counts: { open: 0, matched: ids.length, resolved: 0 },
    requests: ids.map((id) => ({ id, title: `Docker ${id}`, tags: [], status: 'matched', anonymous: true, offers: [] })),
  });

  it('is sent once, says "Sending…" past the grace with the other Resolves busy, and is offered again when refused', async () => {
    const c = card({ id: 'e1', kind: 'help', title: 'Help', status: 'open' } as any, help(['h1', 'h2']));
    const resolve = () => [...c.target.querySelectorAll<HTMLButtonElement>('[data-testid=help-board] button')];
    resolve()[0].click();
    resolve()[0].click();
    resolve()[1].click();
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent).toEqual([['help.resolve', { exercise: 'e1', request: 'h1' }]]);
    expect(resolve().map((b) => b.textContent)).toEqual(['Sending…', 'Mark resolved']);
    expect(resolve().map((b) => b.getAttribute('aria-disabled'))).toEqual(['true', 'true']);
    expect(c.said()).toBe('Sending…');
    await c.refuse('forbidden');
    expect(c.alerts()).toEqual(['You are not allowed to do that.']);
    expect(resolve().map((b) => b.textContent)).toEqual(['Mark resolved', 'Mark resolved']);
    expect(resolve()[0].getAttribute('aria-label')).toBe('Mark resolved: “Docker h1”');
    expect(resolve().map((b) => b.getAttribute('aria-disabled'))).toEqual([null, null]);
    resolve()[0].click();
    expect(c.sent).toHaveLength(2);
  });
});

describe('a kudo\'s Hide while its command waits', () => {
  it('is sent once, says "Sending…" past the grace, and the answer gives it back', async () => {
    const kudos = [{ id: 'k1', to: 'team', anonymous: true, message: 'Thanks' }, { id: 'k2', to: 'team', anonymous: true, message: 'Great demo' }];
    const c = card({ id: 'e1', kind: 'kudos', title: 'Kudos', status: 'open' } as any, { count: 2, kudos });
    const hide = () => [...c.target.querySelectorAll<HTMLButtonElement>('[data-testid=kudos-wall] button')];
    hide()[0].click();
    hide()[0].click();
    hide()[1].click();
    await c.wait(SENDING_GRACE_MS - 100);
    expect(hide()[0].textContent).toBe('Hide'); // nothing shown within the grace
    await c.wait(100);
    expect(c.sent).toEqual([['kudos.hide', { exercise: 'e1', kudo: 'k1', hidden: true }]]);
    expect(hide().map((b) => b.textContent)).toEqual(['Sending…', 'Hide']);
    expect(hide().map((b) => b.getAttribute('aria-disabled'))).toEqual(['true', 'true']);
    await c.answer();
    expect(hide().map((b) => b.textContent)).toEqual(['Hide', 'Hide']);
    expect(hide().map((b) => b.getAttribute('aria-disabled'))).toEqual([null, null]);
    hide()[1].click();
    expect(c.sent).toHaveLength(2);
  });
});

// Hiding a text answer (or a word of a cloud): a double click sent
// exercise.hide_answer twice, the second showing it again had the first
// one's news come between.
describe('an answer\'s Hide while its command waits', () => {
  const answers = { responses: 2, minResponses: 1, results: { texts: [{ id: 'a1', text: 'Too long' }, { id: 'a2', text: 'Great' }] } };
  const texts = () => card({ id: 'e1', kind: 'text', title: 'Anything else?', status: 'results', minResponses: 1 } as any, answers);
  const hides = (c: ReturnType<typeof card>) => [...c.target.querySelectorAll<HTMLButtonElement>('.texts button')];

  it('is sent once, says "Sending…" past the grace with the others busy, and the answer gives it back', async () => {
    const c = texts();
    hides(c)[0].click();
    hides(c)[0].click();
    hides(c)[1].click();
    await c.wait(SENDING_GRACE_MS - 100);
    expect(hides(c).map((b) => b.textContent)).toEqual(['Hide', 'Hide']); // nothing shown within the grace
    expect(hides(c)[0].getAttribute('aria-disabled')).toBeNull();
    await c.wait(100);
    expect(c.sent).toEqual([['exercise.hide_answer', { exercise: 'e1', answer: 'a1', hidden: true }]]);
    expect(hides(c).map((b) => b.textContent)).toEqual(['Sending…', 'Hide']);
    expect(hides(c).map((b) => b.getAttribute('aria-disabled'))).toEqual(['true', 'true']);
    expect(c.button('Hide results')!.getAttribute('aria-disabled')).toBe('true');
    expect(c.said()).toBe('Sending…');
    await c.answer();
    expect(hides(c).map((b) => b.textContent)).toEqual(['Hide', 'Hide']);
    expect(hides(c).map((b) => b.getAttribute('aria-disabled'))).toEqual([null, null]);
    expect(c.said()).toBe('');
    hides(c)[1].click();
    expect(c.sent).toHaveLength(2);
  });

  it('says a refusal under the card and is offered again', async () => {
    const c = texts();
    hides(c)[1].click();
    await c.wait(SENDING_GRACE_MS);
    expect(hides(c)[1].textContent).toBe('Sending…');
    await c.refuse('not_found');
    expect(c.alerts()).toEqual(['That is no longer there: it may have been removed or withdrawn.']);
    expect(hides(c).map((b) => b.textContent)).toEqual(['Hide', 'Hide']);
    expect(hides(c)[1].getAttribute('aria-disabled')).toBeNull();
    hides(c)[1].click();
    expect(c.sent.map(([, d]) => d.answer)).toEqual(['a2', 'a2']);
  });

  it('a word of a cloud: sent once, "Sending…" in place of its name while it waits', async () => {
    const c = card({ id: 'w1', kind: 'words', title: 'One word', status: 'results', minResponses: 1 } as any,
      { responses: 3, minResponses: 1, results: { words: [{ word: 'rude', count: 3, hidden: true }, { word: 'calm', count: 2 }] } });
    const show_ = () => c.target.querySelector<HTMLButtonElement>('[data-testid=hide-words] li button')!;
    expect(show_().getAttribute('aria-label')).toBe('Show: rude');
    show_().click();
    show_().click();
    await c.wait(SENDING_GRACE_MS);
    expect(c.sent).toEqual([['exercise.hide_answer', { exercise: 'w1', answer: 'rude', hidden: false }]]);
    expect(show_().textContent).toBe('Sending…');
    expect(show_().getAttribute('aria-label')).toBeNull();
    await c.answer();
    expect(show_().textContent).toBe('Show');
    expect(show_().getAttribute('aria-label')).toBe('Show: rude');
  });
});

// "Show names to participants", beside a room's kudos while its names
// are hidden: a double click sent room.update twice.
describe('"Show names to participants" while its command waits', () => {
  function kudosCard() {
    const c = card({ id: 'e1', kind: 'kudos', title: 'Kudos', status: 'open' } as any, { count: 0, kudos: [] });
    c.session.state.room = { id: 'r1', code: 'K7QX2M', title: 'Retro', locked: false, ended: false, showNames: false };
    flushSync();
    return { ...c, show: () => c.target.querySelector<HTMLButtonElement>('[data-testid=kudos-names] button')! };
  }

  it('is sent once, says "Sending…" past the grace with the card\'s steps busy, and the answer gives it back', async () => {
    const c = kudosCard();
    c.show().click();
    c.show().click();
    await c.wait(SENDING_GRACE_MS - 100);
    expect(c.show().textContent).toBe('Show names to participants'); // nothing shown within the grace
    expect(c.show().getAttribute('aria-disabled')).toBeNull();
    await c.wait(100);
    expect(c.sent).toEqual([['room.update', { showNames: true }]]);
    expect(c.show().textContent).toBe('Sending…');
    expect(c.show().getAttribute('aria-disabled')).toBe('true');
    expect(c.button('Close')!.getAttribute('aria-disabled')).toBe('true');
    c.button('Close')!.click();
    expect(c.sent).toHaveLength(1);
    expect(c.said()).toBe('Sending…');
    await c.answer();
    expect(c.show().textContent).toBe('Show names to participants');
    expect(c.show().getAttribute('aria-disabled')).toBeNull();
    expect(c.said()).toBe('');
  });

  it('says a refusal under the card and is offered again', async () => {
    const c = kudosCard();
    c.show().click();
    await c.wait(SENDING_GRACE_MS);
    expect(c.show().textContent).toBe('Sending…');
    await c.refuse('forbidden');
    expect(c.alerts()).toEqual(['You are not allowed to do that.']);
    expect(c.show().textContent).toBe('Show names to participants');
    expect(c.show().getAttribute('aria-disabled')).toBeNull();
    c.show().click();
    expect(c.sent).toEqual([['room.update', { showNames: true }], ['room.update', { showNames: true }]]);
  });
});

// Lock joining, Unlock and End the room: a double click on Lock sent a
// second command (an unlock, had the lock's news come between), and End
// asked twice.
describe('the room\'s steps while their command waits', () => {
  function room() {
    const { target, ws } = consoleWith();
    const confirm = vi.fn(() => true);
    vi.stubGlobal('confirm', confirm);
    const button = (text: string) => [...target.querySelectorAll<HTMLButtonElement>('header button')].find((b) => b.textContent!.trim() === text);
    const wait = async (ms: number) => { await vi.advanceTimersByTimeAsync(ms); flushSync(); };
    const said = () => target.querySelector('[data-testid=room-step-said]')!.textContent;
    return { target, ws, confirm, button, wait, said };
  }

  it('Lock joining: sent once, "Sending…" past the grace with End busy, and given back by the answer', async () => {
    const r = room();
    const lock = r.button('Lock joining')!;
    lock.click();
    lock.click();
    await r.wait(SENDING_GRACE_MS);
    expect(r.ws.commands().map((c: any) => c.type)).toEqual(['room.lock']);
    expect(lock.textContent!.trim()).toBe('Sending…');
    expect(lock.getAttribute('aria-disabled')).toBe('true');
    expect(r.said()).toBe('Sending…');
    const end = r.button('End the room')!;
    expect(end.getAttribute('aria-disabled')).toBe('true');
    end.click();
    expect(r.confirm).not.toHaveBeenCalled();
    expect(r.ws.commands()).toHaveLength(1);
    r.ws.receive({ type: 'ack', id: r.ws.commands()[0].id });
    await r.wait(0);
    expect(lock.textContent!.trim()).toBe('Lock joining');
    expect(lock.getAttribute('aria-disabled')).toBeNull();
    expect(end.getAttribute('aria-disabled')).toBeNull();
    expect(r.said()).toBe('');
  });

  it('End the room: asked and sent once however often clicked, "Sending…" while it waits', async () => {
    const r = room();
    const end = r.button('End the room')!;
    end.click();
    end.click();
    await r.wait(SENDING_GRACE_MS);
    end.click();
    expect(r.confirm).toHaveBeenCalledTimes(1);
    expect(r.ws.commands().map((c: any) => c.type)).toEqual(['room.end']);
    expect(end.textContent).toBe('Sending…');
    expect(r.button('Lock joining')!.getAttribute('aria-disabled')).toBe('true');
    r.ws.receive({ type: 'error', id: r.ws.commands()[0].id, code: 'forbidden', message: 'no' });
    await r.wait(0);
    expect(end.textContent).toBe('End the room');
    expect(end.getAttribute('aria-disabled')).toBeNull();
    expect(r.target.querySelector('p.error[role=alert]')!.textContent).toBe('You are not allowed to do that.');
  });
});

/** The console's people card (with the console's room steps, if given);
 *  each command waits until the test answers it or the server refuses it. */
function people(steps?: Steps) {
  const state = $state({
    ...emptyState(), room: { id: 'r1', code: 'K7QX2M', title: 'Retro', locked: false, ended: false, showNames: false }, membersKnown: true, participants: 2, online: 2,
    members: { a: { id: 'a', name: 'Ann', role: 'participant', online: true }, b: { id: 'b', name: 'Ben', role: 'participant', online: true } },
  } as any);
  const confirm = vi.fn(() => true);
  vi.stubGlobal('confirm', confirm);
  const sent: string[] = [];
  const answers: { ok: () => void; no: (e: unknown) => void }[] = [];
  const send = (type: string) => { sent.push(type); return new Promise<void>((ok, no) => answers.push({ ok, no })); };
  const target = show(People, { session: { state, send }, ...(steps ? { steps } : {}) });
  const wait = async (ms: number) => { await vi.advanceTimersByTimeAsync(ms); flushSync(); };
  const answer = async () => { answers.shift()?.ok(); await wait(0); };
  const refuse = async (code: string) => { answers.shift()?.no(Object.assign(new Error(code), { code })); await wait(0); };
  const lock = () => target.querySelector<HTMLButtonElement>('[data-testid=removed-notice] button')!;
  // Each person's ✕, in the list's order (Ann, Ben).
  const removes = () => [...target.querySelectorAll<HTMLButtonElement>('[data-testid=people] li button')];
  const alerts = () => [...target.querySelectorAll('p.error[role=alert]')].map((p) => p.textContent);
  return { state, target, confirm, sent, wait, answer, refuse, lock, removes, alerts };
}

describe('the people card\'s Lock joining while its command waits', () => {
  async function removeAnn(p: ReturnType<typeof people>) {
    p.target.querySelector<HTMLButtonElement>('[aria-label="Remove Ann"]')!.click();
    await p.answer();
  }

  it('is sent once, says "Sending…" past the grace, and is given back by the answer', async () => {
    const p = people();
    await removeAnn(p);
    p.lock().click();
    p.lock().click();
    await p.wait(SENDING_GRACE_MS);
    expect(p.sent).toEqual(['member.remove', 'room.lock']);
    expect(p.lock().textContent!.trim()).toBe('Sending…');
    expect(p.lock().getAttribute('aria-disabled')).toBe('true');
    await p.answer();
    expect(p.lock().textContent!.trim()).toBe('Lock joining');
    expect(p.lock().getAttribute('aria-disabled')).toBeNull();
  });

  it('waits its turn after the console\'s own room steps', async () => {
    const steps = new Steps();
    const p = people(steps);
    await removeAnn(p);
    let done = () => {};
    void steps.run('lock', () => new Promise<void>((r) => (done = r))); // the header's Lock joining
    p.lock().click();
    await p.wait(SENDING_GRACE_MS);
    expect(p.sent).toEqual(['member.remove']);
    expect(p.lock().getAttribute('aria-disabled')).toBe('true');
    expect(p.lock().textContent!.trim()).toBe('Lock joining'); // not the one waiting
    done();
    await p.wait(0);
    p.lock().click();
    expect(p.sent).toEqual(['member.remove', 'room.lock']);
  });
});

// Removing a person: a double click on ✕ asked twice whether to remove
// them and sent member.remove twice. It is one of the room's steps.
describe('removing a person while the command waits', () => {
  it('is asked and sent once however often clicked, says "Sending…" past the grace, and is given back by the answer', async () => {
    const p = people();
    p.removes()[0].click();
    p.removes()[0].click();
    p.removes()[1].click(); // Ben's: waits its turn, asks nothing
    await p.wait(SENDING_GRACE_MS - 100);
    expect(p.removes()[0].textContent).toBe('✕'); // nothing shown within the grace
    expect(p.removes()[0].getAttribute('aria-disabled')).toBeNull();
    await p.wait(100);
    expect(p.confirm).toHaveBeenCalledTimes(1);
    expect(p.sent).toEqual(['member.remove']);
    expect(p.removes().map((b) => b.textContent)).toEqual(['Sending…', '✕']);
    // Named by what it says while it waits (its label named the person).
    expect(p.removes()[0].getAttribute('aria-label')).toBeNull();
    expect(p.removes().map((b) => b.getAttribute('aria-disabled'))).toEqual(['true', 'true']);
    p.removes()[1].click();
    expect(p.confirm).toHaveBeenCalledTimes(1);
    await p.answer();
    expect(p.removes().map((b) => b.textContent)).toEqual(['✕', '✕']);
    expect(p.removes()[0].getAttribute('aria-label')).toBe('Remove Ann');
    expect(p.removes().map((b) => b.getAttribute('aria-disabled'))).toEqual([null, null]);
    expect(p.target.querySelector('[data-testid=removed-notice]')!.textContent).toContain('Ann');
    p.removes()[1].click();
    expect(p.confirm).toHaveBeenCalledTimes(2);
    expect(p.sent).toEqual(['member.remove', 'member.remove']);
  });

  it('says a refusal under the list and gives the ✕ back', async () => {
    const p = people();
    p.removes()[0].click();
    await p.wait(SENDING_GRACE_MS);
    expect(p.removes()[0].textContent).toBe('Sending…');
    await p.refuse('forbidden');
    expect(p.alerts()).toEqual(['You are not allowed to do that.']);
    expect(p.removes()[0].textContent).toBe('✕');
    expect(p.removes()[0].getAttribute('aria-label')).toBe('Remove Ann');
    expect(p.removes()[0].getAttribute('aria-disabled')).toBeNull();
    expect(p.target.querySelector('[data-testid=removed-notice]')).toBeNull();
    p.removes()[0].click();
    expect(p.confirm).toHaveBeenCalledTimes(2);
    expect(p.sent).toEqual(['member.remove', 'member.remove']);
  });

  it('asks nothing while one of the console\'s own room steps waits', async () => {
    const steps = new Steps();
    const p = people(steps);
    let done = () => {};
    void steps.run('end', () => new Promise<void>((r) => (done = r))); // End the room, confirmed
    p.removes()[0].click();
    await p.wait(SENDING_GRACE_MS);
    expect(p.confirm).not.toHaveBeenCalled();
    expect(p.sent).toEqual([]);
    expect(p.removes()[0].getAttribute('aria-disabled')).toBe('true');
    expect(p.removes()[0].textContent).toBe('✕'); // not the one waiting
    done();
    await p.wait(0);
    p.removes()[0].click();
    expect(p.confirm).toHaveBeenCalledTimes(1);
    expect(p.sent).toEqual(['member.remove']);
  });
});

/** The console's agenda, One (current), Two and Three (with the console's
 *  room steps, if given); each command waits until the test answers it or
 *  the server refuses it, and the test moves the items as the server would. */
function agenda(steps?: Steps) {
  const ex = (id: string, title: string) => ({ id, kind: 'text', title, status: 'prepared' });
  const state = $state({
    ...emptyState(), room: { id: 'r1', code: 'K7QX2M', title: 'Retro', locked: false, ended: false, showNames: false },
    agenda: { items: ['e1', 'e2', 'e3'], current: 'e1' }, exercises: { e1: ex('e1', 'One'), e2: ex('e2', 'Two'), e3: ex('e3', 'Three') },
  } as any);
  const confirm = vi.fn(() => true);
  vi.stubGlobal('confirm', confirm);
  const sent: [string, any][] = [];
  const answers: { ok: () => void; no: (e: unknown) => void }[] = [];
  const send = (type: string, data: any) => { sent.push([type, data]); return new Promise<void>((ok, no) => answers.push({ ok, no })); };
  const target = show(Agenda, { session: { state, send }, ...(steps ? { steps } : {}) });
  const wait = async (ms: number) => { await vi.advanceTimersByTimeAsync(ms); flushSync(); };
  const answer = async () => { answers.shift()?.ok(); await wait(0); };
  const refuse = async (code: string) => { answers.shift()?.no(Object.assign(new Error(code), { code })); await wait(0); };
  const row = (id: string) => target.querySelector<HTMLElement>(`[data-ex="${id}"]`)!;
  const up = (id: string) => row(id).querySelector<HTMLButtonElement>('.move-up')!;
  const down = (id: string) => row(id).querySelector<HTMLButtonElement>('.move-down')!;
  const go = (id: string) => row(id).querySelector<HTMLButtonElement>('.make-current')!;
  const remove = (id: string) => [...row(id).querySelectorAll<HTMLButtonElement>('button.ghost')].at(-1)!; // ↑, ↓, ✕
  // Every step of the agenda (Edit opens a form: not one).
  const all = () => [...target.querySelectorAll<HTMLButtonElement>('li button:not(.edit)')];
  const alerts = () => [...target.querySelectorAll('p.error[role=alert]')].map((p) => p.textContent);
  return { state, target, confirm, sent, wait, answer, refuse, up, down, go, remove, all, alerts };
}

// Moving an exercise, going to one and removing one: a double click on ↓
// sent two moves (the second to where the first had taken it already),
// on ✕ asked twice and sent two removals. They are the room's steps.
describe('the agenda\'s steps while their command waits', () => {
  it('a move: sent once however often clicked, "Sending…" past the grace with every step busy, and given back by the answer', async () => {
    const a = agenda();
    a.down('e1').click();
    a.down('e1').click();
    a.up('e3').click();
    await a.wait(SENDING_GRACE_MS - 100);
    expect(a.down('e1').textContent).toBe('↓'); // nothing shown within the grace
    expect(a.down('e1').getAttribute('aria-disabled')).toBeNull();
    await a.wait(100);
    expect(a.sent).toEqual([['agenda.move', { exercise: 'e1', to: 1 }]]);
    expect(a.down('e1').textContent).toBe('Sending…');
    // Named by what it says while it waits (its label named the exercise).
    expect(a.down('e1').getAttribute('aria-label')).toBeNull();
    expect(a.up('e3').textContent).toBe('↑');
    expect(a.all().map((b) => b.getAttribute('aria-disabled'))).toEqual(a.all().map(() => 'true'));
    a.state.agenda = { items: ['e2', 'e1', 'e3'], current: 'e1' }; // the event, then the answer
    await a.wait(0);
    await a.answer();
    expect(a.down('e1').textContent).toBe('↓');
    expect(a.down('e1').getAttribute('aria-label')).toBe('Move One down');
    expect(a.all().map((b) => b.getAttribute('aria-disabled'))).toEqual(a.all().map(() => null));
    a.down('e1').click();
    expect(a.sent.slice(1)).toEqual([['agenda.move', { exercise: 'e1', to: 2 }]]);
  });

  it('a move pressed twice with the keyboard: one sent, and the focus on its arrow once shown, on the other at the bottom', async () => {
    const a = agenda();
    for (const [items, ackFirst, want] of [[['e2', 'e1', 'e3'], false, 'down'], [['e2', 'e3', 'e1'], true, 'up']] as const) {
      a.down('e1').focus();
      a.down('e1').click();
      a.down('e1').click();
      await a.wait(SENDING_GRACE_MS);
      expect(a.down('e1').textContent).toBe('Sending…');
      expect(document.activeElement).toBe(a.down('e1'));
      if (ackFirst) await a.answer();
      a.state.agenda = { items: [...items], current: 'e1' };
      await a.wait(0);
      if (!ackFirst) await a.answer();
      expect(document.activeElement).toBe(want === 'down' ? a.down('e1') : a.up('e1'));
    }
    expect(a.sent).toEqual([['agenda.move', { exercise: 'e1', to: 1 }], ['agenda.move', { exercise: 'e1', to: 2 }]]);
    expect(a.down('e1').disabled).toBe(true);
  });

  it('Make current: sent once, "Sending…" past the grace, and a refusal is said under the agenda and gives it back', async () => {
    const a = agenda();
    a.go('e2').click();
    a.go('e2').click();
    a.go('e3').click();
    await a.wait(SENDING_GRACE_MS);
    expect(a.sent).toEqual([['agenda.go', { exercise: 'e2' }]]);
    expect([a.go('e2'), a.go('e3')].map((b) => b.textContent)).toEqual(['Sending…', 'Make current']);
    expect(a.go('e2').getAttribute('aria-label')).toBeNull();
    expect(a.go('e3').getAttribute('aria-disabled')).toBe('true');
    await a.refuse('forbidden');
    expect(a.alerts()).toEqual(['You are not allowed to do that.']);
    expect(a.go('e2').textContent).toBe('Make current');
    expect(a.go('e2').getAttribute('aria-label')).toBe('Make current: “Two”');
    expect(a.go('e2').getAttribute('aria-disabled')).toBeNull();
    a.go('e3').click();
    expect(a.sent.slice(1)).toEqual([['agenda.go', { exercise: 'e3' }]]);
  });

  it('removing an exercise: asked and sent once however often clicked, "Sending…" past the grace, given back by a refusal', async () => {
    const a = agenda();
    a.remove('e2').click();
    a.remove('e2').click();
    a.remove('e3').click(); // waits its turn, asks nothing
    await a.wait(SENDING_GRACE_MS);
    expect(a.confirm).toHaveBeenCalledTimes(1);
    expect(a.sent).toEqual([['agenda.remove', { exercise: 'e2' }]]);
    expect([a.remove('e2'), a.remove('e3')].map((b) => b.textContent)).toEqual(['Sending…', '✕']);
    expect(a.remove('e2').getAttribute('aria-label')).toBeNull();
    expect(a.remove('e3').getAttribute('aria-disabled')).toBe('true');
    a.remove('e3').click();
    expect(a.confirm).toHaveBeenCalledTimes(1);
    await a.refuse('forbidden');
    expect(a.alerts()).toEqual(['You are not allowed to do that.']);
    expect(a.remove('e2').textContent).toBe('✕');
    expect(a.remove('e2').getAttribute('aria-label')).toBe('Remove Two');
    expect(a.remove('e2').getAttribute('aria-disabled')).toBeNull();
    a.remove('e2').click();
    expect(a.confirm).toHaveBeenCalledTimes(2);
    expect(a.sent.map(([type]) => type)).toEqual(['agenda.remove', 'agenda.remove']);
  });

  it('asks nothing and sends nothing while one of the console\'s own room steps waits', async () => {
    const steps = new Steps();
    const a = agenda(steps);
    let done = () => {};
    void steps.run('lock', () => new Promise<void>((r) => (done = r))); // the header's Lock joining
    a.remove('e2').click();
    a.down('e1').click();
    a.go('e3').click();
    await a.wait(SENDING_GRACE_MS);
    expect(a.confirm).not.toHaveBeenCalled();
    expect(a.sent).toEqual([]);
    expect(a.all().map((b) => b.getAttribute('aria-disabled'))).toEqual(a.all().map(() => 'true'));
    expect([a.remove('e2'), a.down('e1'), a.go('e3')].map((b) => b.textContent)).toEqual(['✕', '↓', 'Make current']); // not the one waiting
    done();
    await a.wait(0);
    a.remove('e2').click();
    expect(a.confirm).toHaveBeenCalledTimes(1);
    expect(a.sent).toEqual([['agenda.remove', { exercise: 'e2' }]]);
  });

  it('in the console: the room\'s steps, with Lock joining and End, said once in the room\'s live region', async () => {
    const { target, ws } = consoleWith(twoPolls({ title: 'Pulse' }));
    const wait = async (ms: number) => { await vi.advanceTimersByTimeAsync(ms); flushSync(); };
    const down = target.querySelector<HTMLButtonElement>('[data-testid=agenda] [data-ex=e1] .move-down')!;
    const header = (text: string) => [...target.querySelectorAll<HTMLButtonElement>('header button')].find((b) => b.textContent!.trim() === text)!;
    const said = () => target.querySelector('[data-testid=room-step-said]')!.textContent;
    down.click();
    await wait(SENDING_GRACE_MS);
    expect(down.textContent).toBe('Sending…');
    expect(said()).toBe('Sending…');
    expect([header('Lock joining'), header('End the room')].map((b) => b.getAttribute('aria-disabled'))).toEqual(['true', 'true']);
    header('Lock joining').click();
    expect(ws.commands().map((c: any) => c.type)).toEqual(['agenda.move']);
    ws.receive({ type: 'ack', id: ws.commands()[0].id });
    await wait(0);
    expect(said()).toBe('');
    // And the other way round: while Lock joining waits, the agenda's wait their turn.
    header('Lock joining').click();
    await wait(SENDING_GRACE_MS);
    expect(down.getAttribute('aria-disabled')).toBe('true');
    down.click();
    expect(ws.commands().map((c: any) => c.type)).toEqual(['agenda.move', 'room.lock']);
  });
});
