import { afterEach, describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import RetroExercise from './RetroExercise.svelte';
import { emptyState } from '../lib/reducer';
import { CommandError } from '../lib/client';

// A retro card keeps the anonymity its writer was shown (docs/protocol.md
// 8.7, retro.card.add's "named"): QA's case, a card typed under
// "Anonymous" and sent after the facilitator turned names on, was posted
// with its author's name.
const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
const board = (phase: string) => ({
  exercise: 'r1', status: 'open', phase, dots: 2, maxPerItem: 1, columns: columns.map((c) => ({ ...c, count: 0 })), written: 0,
  revealed: phase !== 'write', cards: [], groups: [], items: [], dotsShown: false, actions: [],
});
const room = (showNames: boolean) => ({ id: 'room1', code: 'ABCDEF', title: 'Workshop', locked: false, ended: false, showNames, joinUrl: '' });

afterEach(() => sessionStorage.clear());

/** Finn's phone in a retro; each command sent waits for answer(err?). */
function phone({ showNames = false, phase = 'write', status = 'online' } = {}) {
  const sent: [string, any][] = [];
  const answers: ((err?: Error) => void)[] = [];
  const session = $state({
    state: { ...emptyState(), room: room(showNames), states: { r1: board(phase) }, mine: { r1: { cards: [] as object[] } } } as any,
    status,
    pendingCommands: [] as object[],
    send: (type: string, data: any) => new Promise((resolve, reject) => {
      sent.push([type, data]);
      answers.push((err) => (err ? reject(err) : resolve({})));
    }),
  });
  const props = $state({ session, ex: { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase, retro: { columns, dots: 2, maxPerItem: 1 } } as any });
  const target = show(RetroExercise, props);
  const q = <T extends Element>(sel: string) => target.querySelector<T>(sel);
  const box = () => q<HTMLTextAreaElement>('#card-r1')!;
  const type = (text: string) => {
    box().value = text;
    box().dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
  };
  const add = async () => {
    box().form!.requestSubmit();
    await settle();
  };
  const names = async (on: boolean) => {
    session.state = { ...session.state, room: room(on) };
    await settle();
  };
  const moveTo = async (phase: string, exStatus = 'open') => {
    props.ex = { ...props.ex, phase, status: exStatus };
    session.state = { ...session.state, states: { r1: board(phase) } };
    await settle();
  };
  const note = () => q('[data-testid=card-stays-anon]');
  const notice = () => q('[data-testid=anon-notice]')!.textContent!.trim();
  return { target, session, props, sent, answers, q, box, type, add, names, moveTo, note, notice };
}

describe('a card typed under "Anonymous"', () => {
  it('stays anonymous when names are turned on before it is added, and the phone says so by the box', async () => {
    const p = phone();
    expect(p.notice()).toBe('Anonymous: your name is not shown with what you write.');
    p.type('Our lead ignores my ideas');
    expect(p.note()).toBeNull();
    await p.names(true);
    expect(p.notice()).toBe('Your name is shown with what you write.');
    const note = p.note()!;
    expect(note.textContent!.trim()).toBe('Names are now shown; this card stays anonymous, as you started it.');
    // Said once as it comes, and read with the box.
    expect(note.getAttribute('role')).toBe('status');
    expect(p.box().getAttribute('aria-describedby')!.split(' ')).toContain(note.id);
    await p.add();
    expect(p.sent).toEqual([['retro.card.add', { exercise: 'r1', column: 'start', text: 'Our lead ignores my ideas', named: false }]]);
    // The box is empty: the note goes, and the next card is a new one,
    // started under "Your name is shown".
    expect(p.note()).toBeNull();
    p.type('Demo days');
    expect(p.note()).toBeNull();
    await p.add();
    expect(p.sent[1]).toEqual(['retro.card.add', { exercise: 'r1', column: 'start', text: 'Demo days', named: true }]);
  });

  it('queued offline stays anonymous: its command says so, whatever the room shows when it is sent', async () => {
    const p = phone({ status: 'reconnecting' });
    p.type('Our lead ignores my ideas');
    await p.add();
    await p.names(true);
    p.session.status = 'online';
    await settle();
    expect(p.sent).toEqual([['retro.card.add', { exercise: 'r1', column: 'start', text: 'Our lead ignores my ideas', named: false }]]);
  });

  it('keeps its anonymity through a reload of the page', async () => {
    const first = phone();
    first.type('Our lead ignores my ideas');
    await first.names(true);
    const again = phone({ showNames: true });
    expect(again.box().value).toBe('Our lead ignores my ideas');
    expect(again.note()).not.toBeNull();
    await again.add();
    expect(again.sent[0][1].named).toBe(false);
  });

  it('kept by a page of before (its text only) is anonymous', async () => {
    sessionStorage.setItem('huddle:draft:card:r1', JSON.stringify('Old words'));
    const p = phone({ showNames: true });
    expect(p.box().value).toBe('Old words');
    await p.add();
    expect(p.sent[0][1]).toMatchObject({ text: 'Old words', named: false });
  });

  it('refused while the form is there, comes back in the box still anonymous', async () => {
    const p = phone();
    p.type('Our lead ignores my ideas');
    await p.add();
    await p.names(true);
    p.answers[0](new CommandError('rate_limited', 'slow down'));
    await settle();
    expect(p.box().value).toBe('Our lead ignores my ideas');
    expect(p.note()).not.toBeNull();
    await p.add();
    expect(p.sent[1][1].named).toBe(false);
  });
});

describe('a card typed under "Your name is shown"', () => {
  it('is named', async () => {
    const p = phone({ showNames: true });
    expect(p.notice()).toBe('Your name is shown with what you write.');
    p.type('Demo days');
    await p.add();
    expect(p.sent[0][1]).toMatchObject({ text: 'Demo days', named: true });
  });

  it('turned anonymous by names hidden while it is typed, stays anonymous though they come back', async () => {
    const p = phone({ showNames: true });
    p.type('Demo days');
    await p.names(false);
    expect(p.note()).toBeNull(); // the notice above says "Anonymous", as it is
    await p.names(true);
    expect(p.note()).not.toBeNull();
    await p.add();
    expect(p.sent[0][1].named).toBe(false);
  });

  it('sent while names are hidden, says it is not named', async () => {
    const p = phone({ showNames: true });
    p.type('Demo days');
    await p.names(false);
    await p.add();
    expect(p.sent[0][1].named).toBe(false);
  });
});

describe('a card sent offline and refused once the board had moved on', () => {
  /** QA's case: offline, "Demo days" added; the room votes; back online, refused. */
  async function refusedInTheVote() {
    const p = phone({ status: 'reconnecting' });
    p.type('Demo days');
    await p.add();
    await p.moveTo('vote');
    p.session.status = 'online';
    p.answers[0](new CommandError('wrong_phase', 'cards are added only in the write or reveal or group phase'));
    await settle();
    return p;
  }

  it('says plainly why, and keeps its words to copy', async () => {
    const p = await refusedInTheVote();
    const kept = p.q('[data-testid=card-kept]')!;
    const says = kept.querySelector('p')!;
    expect(says.textContent).toBe('The board moved on to voting before your card “Demo days” arrived, so it was not added. Your text is below to copy.');
    expect(says.getAttribute('role')).toBe('alert');
    const copy = kept.querySelector('textarea')!;
    expect(copy.readOnly).toBe(true);
    expect(copy.value).toBe('Demo days');
    expect(document.querySelector(`label[for="${copy.id}"]`)?.textContent).toBe('What you typed');
    expect(p.target.textContent).not.toContain('Cards are added only');
    // Nothing to add it to in the vote: only OK.
    expect([...kept.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['OK']);
    kept.querySelector('button')!.dispatchEvent(new Event('click', { bubbles: true }));
    await settle();
    expect(p.q('[data-testid=card-kept]')).toBeNull();
  });

  it('can be put back in the box once cards can be added again, with the anonymity it was written under', async () => {
    const p = await refusedInTheVote();
    await p.names(true);
    await p.moveTo('group');
    const again = [...p.q('[data-testid=card-kept]')!.querySelectorAll('button')].find((b) => b.textContent === 'Put back in the box')!;
    again.dispatchEvent(new Event('click', { bubbles: true }));
    await settle();
    expect(p.q('[data-testid=card-kept]')).toBeNull();
    expect(p.box().value).toBe('Demo days');
    expect(document.activeElement).toBe(p.box());
    expect(p.note()).not.toBeNull();
    await p.add();
    expect(p.sent[1][1]).toMatchObject({ text: 'Demo days', named: false });
  });

  it('says the retro closed, when it did', async () => {
    const p = phone({ status: 'reconnecting' });
    p.type('Demo days');
    await p.add();
    await p.moveTo('write', 'closed');
    p.answers[0](new CommandError('wrong_status', 'the exercise is closed'));
    await settle();
    expect(p.q('[data-testid=card-kept] p')!.textContent)
      .toBe('The retro closed before your card “Demo days” arrived, so it was not added. Your text is below to copy.');
  });

  it('for another reason, says it in the server\'s words', async () => {
    const p = phone({ status: 'reconnecting' });
    p.type('Demo days');
    await p.add();
    await p.moveTo('discuss');
    p.answers[0](new CommandError('invalid', 'at most 500 cards'));
    await settle();
    expect(p.q('[data-testid=card-kept] p')!.textContent)
      .toBe('Your card “Demo days” was not added. At most 500 cards. Your text is below to copy.');
  });
});
