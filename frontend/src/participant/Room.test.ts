import { afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import Room from './Room.svelte';
import { lazyParts } from './lazyparts';
import { FakeWS, ev, welcome } from '../test/fakews';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import { openPhone } from '../test/phone';

afterEach(() => vi.unstubAllGlobals());
// Retro, help, kudos and the ended room's keepsakes are imported when
// first shown (Lazy.svelte.test.ts has the loading itself): loaded
// before any test, they show at once, not after however many ticks.
beforeAll(() => Promise.all(lazyParts.map((p) => p.get())));


/** A phone in a room whose agenda's current exercise is prepared, not opened. */
async function waitingFor(title: string) {
  const { target, ws } = openPhone();
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

const kudo = (id: string, to: string, message: string) => ({ id, to, toName: to === 'm1' ? 'Ann' : 'Ben', fromName: 'Cy', anonymous: false, message });

describe('a phone in a room that ended', () => {
  it('keeps showing, read-only, the kudos this person received and the action items it was shown', async () => {
    const { target, ws } = openPhone();
    const wall = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' };
    const retro = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'closed', retro: { columns: [] } };
    const later = { id: 'k2', kind: 'kudos', title: 'Not yet', status: 'prepared' };
    const w = welcome(1);
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['r1', 'k1', 'k2'], current: 'k1' }, exercises: [
      { exercise: retro, state: { exercise: 'r1', status: 'closed', phase: 'actions', revealed: true, dotsShown: true, columns: [], cards: [], groups: [], items: [], dots: 3, maxPerItem: 2,
        actions: [{ id: 'a1', seq: 1, text: 'Pair on Tuesdays', owner: 'Ben', due: '2030-03-01', done: false }] } },
      { exercise: wall, state: { exercise: 'k1', status: 'open', count: 2, kudos: [kudo('q1', 'm1', 'Great demo'), kudo('q2', 'm2', 'Thanks for the review')] } },
      { exercise: later, state: { exercise: 'k2', status: 'prepared', count: 1, kudos: [kudo('q3', 'm1', 'Never shown')] } },
    ] } } } });
    await settle();
    expect(target.querySelector('[data-testid=room-ended]')).toBeNull();
    ws.receive(ev(2, 'room.ended', { ended: true }));
    ws.serverClose(4003);
    await settle();
    expect(target.querySelector('[data-testid=room-ended]')!.textContent).toBe('This workshop has ended. Thank you for taking part!');
    const kudos = target.querySelector('[data-testid=kept-kudos]')!.textContent!;
    expect(kudos).toContain('Kudos for you');
    expect(kudos).toContain('Great demo');
    expect(kudos).not.toContain('Thanks for the review');
    expect(kudos).not.toContain('Never shown');
    expect(target.querySelector('[data-testid=kept-actions]')!.textContent!.replace(/\s+/g, ' ')).toContain('Pair on Tuesdays · Ben · 2030-03-01');
    // Read-only: nothing to send from here but leaving.
    expect([...target.querySelectorAll('button')].map((b) => b.textContent!.trim())).toEqual(['Join another room']);
    expect(target.querySelector('input, textarea, select')).toBeNull();
  });
});

describe('a phone told that what it sent was not taken', () => {
  it('keeps the focus on the page when the notice is dismissed: on the exercise shown', async () => {
    FakeWS.all = [];
    // Sent before a reload, about an exercise the room has since left.
    localStorage.setItem('huddle:pending:p:ABCDEF', JSON.stringify([{ id: 'c1', type: 'vote.submit', data: { exercise: 'e0' }, token: 'tok' }]));
    onTestFinished(() => localStorage.clear());
    const { target, ws } = openPhone();
    const base = welcome(1);
    ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
      agenda: { items: ['e0', 'e1'], current: 'e1' },
      exercises: [
        { exercise: { id: 'e0', kind: 'poll', title: 'Lunch?', status: 'closed', questions: [] } },
        { exercise: { id: 'e1', kind: 'kudos', title: 'Thanks', status: 'open' }, state: { exercise: 'e1', status: 'open', count: 0, kudos: [] } },
      ],
    } } } });
    await settle();
    ws.receive({ type: 'error', id: 'c1', code: 'wrong_status', message: 'the exercise is closed' });
    await settle();
    const ok = target.querySelector('[data-testid=missed] button') as HTMLButtonElement;
    ok.focus();
    ok.click();
    await settle();
    expect(target.querySelector('[data-testid=missed]')).toBeNull();
    expect(document.activeElement).toBe(target.querySelector('#ex-title'));
  });
});

describe("a phone's results", () => {
  // A poll with results shown, the phone's own ballot for Pizza in `mine`.
  async function pollResults(you: object) {
    const { target, ws } = openPhone();
    const base = welcome(1, { you: { id: 'm1', name: 'Ann', role: 'participant', online: true, ...you } });
    const questions = [{ id: 'q1', kind: 'choice', prompt: 'Lunch?', options: [{ id: 'soup', label: 'Soup' }, { id: 'pizza', label: 'Pizza' }] }];
    ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
      agenda: { items: ['e1'], current: 'e1' },
      exercises: [{
        exercise: { id: 'e1', kind: 'poll', title: 'Lunch?', status: 'results', minResponses: 1, questions },
        state: { exercise: 'e1', status: 'results', responses: 3, minResponses: 1, results: { questions: [{ id: 'q1', counts: { soup: 2, pizza: 1 }, answered: 3 }] } },
        mine: { answers: { q1: { choices: ['pizza'] } } },
      }],
    } } } });
    await settle();
    return target;
  }

  it('mark what this person answered', async () => {
    expect((await pollResults({})).querySelectorAll('[data-testid=yours]')).toHaveLength(1);
  });

  it("mark nothing in the console's preview, whose votes are not counted", async () => {
    expect((await pollResults({ preview: true })).querySelectorAll('[data-testid=yours]')).toHaveLength(0);
  });
});

describe('a phone that placed a dot offline', () => {
  it('shows the dot as waiting, and says it was not taken when the room had moved on to discussing', async () => {
    const { target, ws } = openPhone();
    const retro = (phase: string) => ({ id: 'x1', kind: 'retro', title: 'Sprint', status: 'open', phase, retro: { columns: [{ id: 'stop', title: 'Stop' }], dots: 3, maxPerItem: 2 } });
    const state = (phase: string) => ({ exercise: 'x1', status: 'open', phase, dots: 3, maxPerItem: 2, revealed: true, dotsShown: false, written: 1, actions: [], groups: [],
      columns: [{ id: 'stop', title: 'Stop', count: 1 }], cards: [{ id: 'c1', column: 'stop', text: 'Meetings' }], items: [{ id: 'c1', kind: 'card' }] });
    const base = welcome(1);
    ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
      agenda: { items: ['x1'], current: 'x1' },
      exercises: [{ exercise: retro('vote'), state: state('vote'), mine: { cards: [], dotsLeft: 3 } }],
    } } } });
    await settle();
    window.dispatchEvent(new Event('offline'));
    (target.querySelector('button[aria-label="Place a dot on Meetings"]') as HTMLButtonElement).click();
    await settle();
    expect(target.querySelector('[data-testid=dot-sending]')!.getAttribute('aria-label')).toBe('A dot being placed here, not yet taken');
    // Back online: the facilitator has moved on meanwhile.
    window.dispatchEvent(new Event('online'));
    const ws2 = FakeWS.last();
    expect(ws2).not.toBe(ws);
    ws2.open();
    ws2.receive({ ...welcome(2), recovered: true, snapshot: undefined }, ev(2, 'exercise.updated', retro('discuss')));
    await settle();
    const dot = ws2.commands().find((m) => m.type === 'retro.dot')!;
    ws2.receive({ type: 'error', id: dot.id, code: 'wrong_phase', message: 'dots are placed only in the vote phase' });
    await settle();
    expect(target.querySelector('[data-testid=missed]')!.textContent).toContain('What you sent to “Sprint” was not taken');
  });
});

describe("a phone's Change name", () => {
  it('counts the characters of a long name, the count describing the field, and Escape cancels', async () => {
    const { target, ws } = openPhone();
    ws.receive(welcome(1, { you: { id: 'm1', name: 'Ann', role: 'participant', online: true } }));
    await settle();
    const change = () => [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Change name');
    const box = () => target.querySelector('#rename-p') as HTMLInputElement | null;
    change()!.focus();
    change()!.click();
    await settle();
    expect(document.activeElement).toBe(box());
    expect(target.querySelector('[data-testid=char-count]')).toBeNull(); // "Ann": far from the limit

    box()!.value = 'Maximilian Alexander Kwame Mensah-Bonsu';
    box()!.dispatchEvent(new Event('input'));
    await settle();
    const count = target.querySelector('[data-testid=char-count]')!;
    expect(count.textContent).toBe('39 / 40');
    expect(box()!.getAttribute('aria-describedby')!.split(' ')).toContain(count.id);

    box()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    await settle();
    expect(box()).toBeNull();
    expect(document.activeElement).toBe(change());
    expect(ws.commands().filter((c) => c.type === 'member.rename')).toHaveLength(0);
    change()!.click();
    await settle();
    expect(box()!.value).toBe('Ann'); // Escape kept nothing
  });

  // Save was disabled while sending: the focus fell to the top of the
  // page, and stayed there when the name was refused, the error said
  // under a field the keyboard had left.
  it('keeps Save focused and busy while it sends, and there when the name is refused', async () => {
    const { target, ws } = openPhone();
    ws.receive(welcome(1, { you: { id: 'm1', name: 'Ann', role: 'participant', online: true } }));
    await settle();
    [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Change name')!.click();
    await settle();
    const box = target.querySelector('#rename-p') as HTMLInputElement;
    box.value = 'Bo';
    box.dispatchEvent(new Event('input'));
    await settle();
    const save = [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Save')!;
    save.focus();
    save.closest('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(save.textContent).toBe('Sending…');
    expect(save.disabled).toBe(false);
    expect(save.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(save);
    const cmd = ws.commands().find((c) => c.type === 'member.rename')!;
    ws.receive({ type: 'error', id: cmd.id, code: 'invalid', message: 'that name is taken here' });
    await settle();
    expect(target.querySelector('#rename-p-error')!.textContent).toContain('That name is taken here.');
    expect(save.hasAttribute('aria-disabled')).toBe(false);
    expect(document.activeElement).toBe(save);
  });
});

describe('a phone where what the room shows changes', () => {
  const poll = (id: string, title: string, status = 'open') => ({ id, kind: 'poll', title, status,
    questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] }] });
  const said = (target: HTMLElement) => target.querySelector('[data-testid=said]')!;
  /** Whether el is, or is inside, a live region: one that also takes the focus is read twice. */
  const live = (el: Element | null) => !!el?.closest('[role=status],[role=alert],[role=log],[aria-live]');

  it('puts the focus in the room once joined, where the join form had it: on the waiting card', async () => {
    (document.activeElement as HTMLElement | null)?.blur(); // the join form is gone
    const { target, ws } = openPhone();
    ws.receive(welcome(1));
    await settle();
    const card = target.querySelector('[data-testid=waiting]')!;
    expect(document.activeElement).toBe(card);
    // Said once, as it takes the focus: as a status as well, it was read twice.
    expect(live(card)).toBe(false);
    expect(said(target).textContent).toBe(''); // joining is no news
  });

  // The waiting card is no live region: what it says changing while it is
  // shown, the focus on it, is said by the live region, once.
  it('says by the live region a new next exercise on the waiting card, which keeps the focus', async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    const { target, ws } = openPhone();
    ws.receive(welcome(1));
    await settle();
    const card = target.querySelector('[data-testid=waiting]') as HTMLElement;
    expect(document.activeElement).toBe(card);
    ws.receive(ev(2, 'exercise.updated', poll('e1', 'Lunch?', 'prepared')), ev(3, 'agenda.updated', { items: ['e1'], current: 'e1' }));
    await settle();
    expect(target.querySelector('[data-testid=waiting]')).toBe(card);
    expect(card.textContent).toContain('Next up: “Lunch?”');
    expect(said(target).textContent).toBe('Next up: “Lunch?” The facilitator will open it.');
    expect(document.activeElement).toBe(card);
    // Renamed while prepared: said again, as the card says it now.
    ws.receive(ev(4, 'exercise.updated', poll('e1', 'Lunch today?', 'prepared')));
    await settle();
    expect(said(target).textContent).toBe('Next up: “Lunch today?” The facilitator will open it.');
    // Nothing next any more.
    ws.receive(ev(5, 'agenda.updated', { items: ['e1'], current: '' }));
    await settle();
    expect(said(target).textContent).toBe('Waiting for the facilitator to start an exercise.');
    expect(document.activeElement).toBe(card);
  });

  it('gives the waiting card the focus the last exercise’s form had, the card saying itself once', async () => {
    const { target, ws } = openPhone();
    const base = welcome(1);
    ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
      agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll('e1', 'Lunch?') }],
    } } } });
    await settle();
    const radio = target.querySelector('input[value=a]') as HTMLInputElement;
    radio.focus();
    radio.blur(); // the form is gone, and the focus with it
    ws.receive(ev(2, 'agenda.updated', { items: ['e1'], current: '' }));
    await settle();
    const card = target.querySelector('[data-testid=waiting]');
    expect(document.activeElement).toBe(card);
    expect(live(card)).toBe(false);
    expect(said(target).textContent).toBe('');
  });

  it('says by the live region that the room waits again, to one typing a new name', async () => {
    const { target, ws } = openPhone();
    const base = welcome(1);
    ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
      agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll('e1', 'Lunch?') }],
    } } } });
    await settle();
    [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Change name')!.click();
    await settle();
    const box = target.querySelector('#rename-p') as HTMLInputElement;
    expect(document.activeElement).toBe(box);
    ws.receive(ev(2, 'agenda.updated', { items: ['e1'], current: '' }));
    await settle();
    expect(target.querySelector('[data-testid=waiting]')).not.toBeNull();
    expect(document.activeElement).toBe(box);
    expect(said(target).textContent).toBe('Waiting for the facilitator to start an exercise.');
  });

  it("takes no focus in the console's preview as it opens", async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    FakeWS.all = [];
    vi.stubGlobal('WebSocket', FakeWS);
    show(Room, { creds: { roomId: 'r1', code: 'ABCDEF', token: 'tok', memberId: 'm1', name: 'Test' }, onLeave: () => {}, ns: 'pv' });
    FakeWS.last().open();
    FakeWS.last().receive(welcome(1));
    await settle();
    expect(document.activeElement).toBe(document.body);
  });

  it('puts the focus on the title of an exercise already open when joining', async () => {
    (document.activeElement as HTMLElement | null)?.blur();
    const { target, ws } = openPhone();
    const base = welcome(1);
    ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
      agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll('e1', 'Lunch?') }],
    } } } });
    await settle();
    expect(document.activeElement).toBe(target.querySelector('#ex-title'));
  });

  // A new exercise is said once: by its title where the focus goes to
  // it, else by the live region. Both made a screen reader read it twice.
  it('moves the focus from the waiting card to the title of an exercise the facilitator opens, the title saying it once', async () => {
    const w = (await waitingFor('Lunch?')) as HTMLElement;
    const target = w.parentElement!;
    const ws = FakeWS.last();
    w.focus();
    ws.receive(ev(2, 'exercise.updated', poll('e1', 'Lunch?')));
    await settle();
    expect(target.querySelector('[data-testid=waiting]')).toBeNull();
    const title = target.querySelector('#ex-title') as HTMLElement;
    expect(document.activeElement).toBe(title);
    expect(title.getAttribute('aria-label')).toBe('Now open: Poll “Lunch?”');
    expect(said(target).textContent).toBe('');
    // Once the focus leaves it, the title is the title again.
    title.blur();
    await settle();
    expect(title.getAttribute('aria-label')).toBeNull();
    expect(title.textContent).toBe('Lunch?');
  });

  // A screen reader's browsing may never move the focus off the title:
  // it says "Now open" for a moment, not for as long as it is shown.
  it('lets the title be the title again a moment after it said the exercise is new, the focus still on it', async () => {
    const w = (await waitingFor('Lunch?')) as HTMLElement;
    const target = w.parentElement!;
    w.focus();
    FakeWS.last().receive(ev(2, 'exercise.updated', poll('e1', 'Lunch?')));
    await settle();
    const title = target.querySelector('#ex-title') as HTMLElement;
    expect(document.activeElement).toBe(title);
    expect(title.getAttribute('aria-label')).toBe('Now open: Poll “Lunch?”');
    await new Promise((r) => setTimeout(r, 3100));
    await settle();
    expect(document.activeElement).toBe(title);
    expect(title.getAttribute('aria-label')).toBeNull();
  }, 10000);

  it('moves the focus from the last exercise’s form to the next one’s title, which says it', async () => {
    const { target, ws } = openPhone();
    const base = welcome(1);
    ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
      agenda: { items: ['e1', 'e2'], current: 'e1' }, exercises: [{ exercise: poll('e1', 'Lunch?') }, { exercise: { ...poll('e2', 'Team mood'), kind: 'scale' } }],
    } } } });
    await settle();
    (target.querySelector('input[value=a]') as HTMLInputElement).focus();
    ws.receive(ev(2, 'agenda.updated', { items: ['e1', 'e2'], current: 'e2' }));
    await settle();
    expect(target.querySelector('[data-testid=exercise]')!.getAttribute('data-id')).toBe('e2');
    expect(document.activeElement).toBe(target.querySelector('#ex-title'));
    expect(document.activeElement!.getAttribute('aria-label')).toBe('Now open: Scale “Team mood”');
    expect(said(target).textContent).toBe('');
  });

  it('leaves the focus with one typing a new name while an exercise opens', async () => {
    const w = (await waitingFor('Lunch?')) as HTMLElement;
    const target = w.parentElement!;
    const ws = FakeWS.last();
    [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Change name')!.click();
    await settle();
    const box = target.querySelector('#rename-p') as HTMLInputElement;
    expect(document.activeElement).toBe(box);
    ws.receive(ev(2, 'exercise.updated', poll('e1', 'Lunch?')));
    await settle();
    expect(said(target).getAttribute('aria-live')).toBe('polite');
    expect(said(target).textContent).toBe('Now open: Poll “Lunch?”');
    expect(document.activeElement).toBe(box);
    // Said by the live region, not again by the title when reached.
    expect(target.querySelector('#ex-title')!.getAttribute('aria-label')).toBeNull();
  });

  it("says nothing in the console's preview when an exercise opens, the facilitator having opened it", async () => {
    const { target, ws } = openPhone({ preview: true });
    const base = welcome(1);
    ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
      agenda: { items: ['e1', 'e2'], current: 'e1' }, exercises: [{ exercise: poll('e1', 'Lunch?', 'prepared') }, { exercise: poll('e2', 'Team mood', 'prepared') }],
    } } } });
    await settle();
    // Where the focus is in the console (its Open button, here a button of the page's own).
    const open = document.body.appendChild(document.createElement('button'));
    onTestFinished(() => open.remove());
    open.focus();
    ws.receive(ev(2, 'exercise.updated', poll('e1', 'Lunch?')));
    await settle();
    expect(target.querySelector('[data-testid=exercise]')!.getAttribute('data-id')).toBe('e1');
    expect(said(target).textContent).toBe('');
    expect(document.activeElement).toBe(open);
    // Nor when the focus was in the preview, on what went away: it stays in the panel, on a title that is only the title.
    (target.querySelector('input[value=a]') as HTMLInputElement).focus();
    ws.receive(ev(3, 'exercise.updated', poll('e2', 'Team mood')), ev(4, 'agenda.updated', { items: ['e1', 'e2'], current: 'e2' }));
    await settle();
    expect(target.querySelector('[data-testid=exercise]')!.getAttribute('data-id')).toBe('e2');
    expect(said(target).textContent).toBe('');
    expect(document.activeElement).toBe(target.querySelector('#ex-title'));
    expect(document.activeElement!.getAttribute('aria-label')).toBeNull();
  });
});
