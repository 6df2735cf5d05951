import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import KudosExercise from './KudosExercise.svelte';
import { emptyState } from '../lib/reducer';
import type { Exercise } from '../lib/types';
import { sameNameTags } from '../lib/names';
import { settle } from '../test/settle';


/** A kudos wall on a phone: a message typed, "Send" focused and pressed
 *  (send answers as the test wants). */
async function sendFromKeyboard(send: () => Promise<unknown>) {
  const ex = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' } as Exercise;
  const state = { ...emptyState(), states: { k1: { exercise: 'k1', status: 'open', count: 0, kudos: [] } } };
  const target = show(KudosExercise, { session: { state, status: 'online', send } as any, ex });
  flushSync();
  const box = target.querySelector('#k-msg-k1') as HTMLTextAreaElement;
  box.value = 'Thanks for the demo';
  box.dispatchEvent(new Event('input'));
  flushSync();
  const button = target.querySelector('button[type=submit]') as HTMLButtonElement;
  button.focus();
  button.click();
  await settle();
  return { box, button };
}

describe('KudosExercise', () => {
  it('gives the message box the focus again once a kudo is sent', async () => {
    const send = vi.fn(() => Promise.resolve(undefined));
    const { box } = await sendFromKeyboard(send);
    expect(send).toHaveBeenCalledWith('kudos.send', expect.objectContaining({ message: 'Thanks for the demo' }));
    expect(box.value).toBe('');
    expect(document.activeElement).toBe(box);
  });
});

describe('KudosExercise sending by keyboard', () => {
  it('"Send" keeps the focus while the kudo is sent, busy, and ignores a second press', async () => {
    const send = vi.fn(() => new Promise(() => {}));
    const { button } = await sendFromKeyboard(send);
    expect(button.disabled).toBe(false);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(button);
    button.click();
    await settle();
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('KudosExercise message', () => {
  it('says how much of the limit a long message uses', () => {
    const ex = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' } as Exercise;
    const state = { ...emptyState(), states: { k1: { exercise: 'k1', status: 'open', count: 0, kudos: [] } } };
    const target = show(KudosExercise, { session: { state, status: 'online', send: vi.fn() } as any, ex });
    const box = target.querySelector('#k-msg-k1') as HTMLTextAreaElement;
    box.value = 'x'.repeat(490);
    box.dispatchEvent(new Event('input'));
    flushSync();
    const count = target.querySelector('[data-testid=char-count]')!;
    expect(count.textContent).toMatch(/^490 \/ \d+$/);
    expect(box.getAttribute('aria-describedby')).toBe(count.id);
  });
});

describe('KudosExercise recipients', () => {
  it("offers the people in the room, never oneself or the facilitator's preview", () => {
    const ex = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' } as Exercise;
    const m = (id: string, name: string, extra: object = {}) => [id, { id, name, role: 'participant', online: true, ...extra }];
    const members = Object.fromEntries([m('me', 'Me'), m('b', 'Bo'), m('pv', 'Preview', { preview: true }), m('f', 'Fac', { role: 'facilitator' })]);
    const state = { ...emptyState(), you: { id: 'me', name: 'Me', role: 'participant', online: true }, members, membersKnown: true,
      states: { k1: { exercise: 'k1', status: 'open', count: 0, kudos: [] } } };
    const target = show(KudosExercise, { session: { state, status: 'online', send: vi.fn() } as any, ex });
    const options = [...target.querySelectorAll('#k-to-k1 option')].map((o) => o.textContent);
    expect(options).toEqual(['The whole team', 'Bo']);
  });

  it('lists numbered names in number order', () => {
    const ex = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' } as Exercise;
    const m = (id: string, name: string) => [id, { id, name, role: 'participant', online: true }];
    const members = Object.fromEntries([m('a', 'Bot 10'), m('b', 'Bot 2'), m('c', 'bot 1')]);
    const state = { ...emptyState(), members, membersKnown: true, states: { k1: { exercise: 'k1', status: 'open', count: 0, kudos: [] } } };
    const target = show(KudosExercise, { session: { state, status: 'online', send: vi.fn() } as any, ex });
    const options = [...target.querySelectorAll('#k-to-k1 option')].map((o) => o.textContent);
    expect(options).toEqual(['The whole team', 'bot 1', 'Bot 2', 'Bot 10']);
  });
});

describe('a kudo being written', () => {
  const ex = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' } as Exercise;
  const members = { b: { id: 'b', name: 'Bo', role: 'participant', online: true } };
  const state = { ...emptyState(), you: { id: 'me', name: 'Me', role: 'participant', online: true }, members, membersKnown: true,
    states: { k1: { exercise: 'k1', status: 'open', count: 0, kudos: [] } } };
  const send = vi.fn(() => new Promise(() => {})); // never answered: the page reloads first
  const open = () => show(KudosExercise, { session: { state, status: 'online', send } as any, ex });
  afterEach(() => sessionStorage.clear());

  it('is kept for a reload as it is typed, with its anonymity', () => {
    const first = open();
    (first.querySelector('input[type=checkbox]') as HTMLInputElement).click();
    const box = first.querySelector('#k-msg-k1') as HTMLTextAreaElement;
    box.value = 'Thanks for the pairing';
    box.dispatchEvent(new Event('input'));
    flushSync();
    const again = open();
    expect((again.querySelector('#k-msg-k1') as HTMLTextAreaElement).value).toBe('Thanks for the pairing');
    expect((again.querySelector('input[type=checkbox]') as HTMLInputElement).checked).toBe(true);
  });

  it('comes back to the same person, while they are here, and not once sent', () => {
    sessionStorage.setItem('huddle:draft:kudos:k1', JSON.stringify({ to: 'b', message: 'Thanks for the pairing', anonymous: true }));
    const again = open();
    expect((again.querySelector('#k-to-k1') as HTMLSelectElement).value).toBe('b');
    (again.querySelector('button[type=submit]') as HTMLButtonElement).click();
    flushSync();
    expect(send).toHaveBeenCalledWith('kudos.send', expect.objectContaining({ to: 'b', anonymous: true, message: 'Thanks for the pairing' }));
    // Reloaded while sending: the stored command sends it; the box is empty.
    expect((open().querySelector('#k-msg-k1') as HTMLTextAreaElement).value).toBe('');
  });

  // One who cannot be chosen: the message kept, the choice to make again
  // (not the team unasked, nor someone refused once it is sent).
  it.each([
    ['someone who has left', 'gone'],
    ['the facilitator', 'f'],
    ["the facilitator's preview", 'pv'],
  ])('meant for %s, comes back with no one chosen', (_, who) => {
    const members = {
      b: { id: 'b', name: 'Bo', role: 'participant', online: true },
      pv: { id: 'pv', name: 'Preview', role: 'participant', online: true, preview: true },
      f: { id: 'f', name: 'Fac', role: 'facilitator', online: true },
    };
    const st = { ...state, members };
    sessionStorage.setItem('huddle:draft:kudos:k1', JSON.stringify({ to: who, message: 'Thanks', anonymous: false }));
    const left = show(KudosExercise, { session: { state: st, status: 'online', send } as any, ex });
    const select = left.querySelector('#k-to-k1') as HTMLSelectElement;
    expect(select.value).toBe('');
    expect(select.options[0].textContent).toBe('Choose who it is for');
    expect([...select.options].map((o) => o.value)).toEqual(['', 'team', 'b']);
    expect((left.querySelector('#k-msg-k1') as HTMLTextAreaElement).value).toBe('Thanks');
    expect((left.querySelector('button[type=submit]') as HTMLButtonElement).disabled).toBe(true);
  });

  it('meant for the whole team, comes back so', () => {
    sessionStorage.setItem('huddle:draft:kudos:k1', JSON.stringify({ to: 'team', message: 'Thanks all', anonymous: false }));
    const again = open();
    expect((again.querySelector('#k-to-k1') as HTMLSelectElement).value).toBe('team');
    expect((again.querySelector('#k-to-k1 option') as HTMLOptionElement).value).toBe('team');
  });
});

// Two people joined as Sam: the list offered "Sam" twice, and the wall
// said "To Sam" of kudos to either.
describe('people of the same name', () => {
  const ex = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' } as Exercise;
  const m = (id: string, name: string) => ({ id, name, role: 'participant' as const, online: true });
  const people = [m('me', 'Sam'), m('s2', 'sam'), m('s3', 'Sam'), m('bo', 'Bo')];
  // The numbers the console and every other phone show them with.
  const tags = sameNameTags(people);
  const kudos = [
    { id: 'q2', to: 's3', toName: 'Sam', fromName: 'Bo', anonymous: false, message: 'Thanks for the review' },
    { id: 'q1', to: 'bo', toName: 'Bo', anonymous: true, message: 'Great demo' },
  ];
  const open = () => show(KudosExercise, {
    session: {
      state: { ...emptyState(), you: people[0], members: Object.fromEntries(people.map((p) => [p.id, p])), membersKnown: true,
        states: { k1: { exercise: 'k1', status: 'open', count: 2, kudos } } },
      status: 'online', send: vi.fn(),
    } as any,
    ex,
  });

  it('offers each with their number, and tells one how one is shown', () => {
    const target = open();
    const options = [...target.querySelectorAll<HTMLOptionElement>('#k-to-k1 option')].map((o) => [o.value, o.textContent]);
    expect(options).toEqual(expect.arrayContaining([['bo', 'Bo'], ['s2', `sam\u00a0#${tags.get('s2')}`], ['s3', `Sam\u00a0#${tags.get('s3')}`]]));
    expect(options).toHaveLength(4);
    expect(target.querySelector('[data-testid=same-name]')!.textContent).toBe(`Someone else here has the same name as you: others see you as Sam\u00a0#${tags.get('me')}.`);
  });

  it('says on the wall which of them a kudo is for', () => {
    const target = open();
    expect([...target.querySelectorAll('.kudo .to')].map((p) => p.textContent)).toEqual([`To\u00a0Sam\u00a0#${tags.get('s3')}`, 'To\u00a0Bo']);
  });

  it('says on the wall which of them a kudo is from, and tells one how one is shown there where the room does not show who is here', () => {
    const fromKudos = [
      { id: 'q3', to: 'team', from: 's3', fromName: 'Sam', anonymous: false, message: 'Good call' },
      { id: 'q2', to: 'bo', toName: 'Bo', from: 'me', fromName: 'Sam', anonymous: false, message: 'Thanks for pairing' },
      { id: 'q1', to: 'team', anonymous: true, message: 'Great demo' },
    ];
    const fromTags = sameNameTags([{ id: 's3', name: 'Sam' }, { id: 'me', name: 'Sam' }]);
    // The phone is shown nobody: the wall's own kudos tell it.
    const target = show(KudosExercise, {
      session: { state: { ...emptyState(), you: people[0], membersKnown: false, states: { k1: { exercise: 'k1', status: 'open', count: 3, kudos: fromKudos } } },
        status: 'online', send: vi.fn() } as any,
      ex,
    });
    expect([...target.querySelectorAll('.kudo .from')].map((p) => p.textContent)).toEqual([`from\u00a0Sam\u00a0#${fromTags.get('s3')}`, `from\u00a0Sam\u00a0#${fromTags.get('me')}`, 'anonymous']);
    expect(target.querySelector('[data-testid=same-name]')!.textContent).toBe(`Someone else here has the same name as you: others see you as Sam\u00a0#${fromTags.get('me')}.`);
  });

  it('says nothing of a name nobody else has', () => {
    const target = show(KudosExercise, {
      session: { state: { ...emptyState(), you: m('bo', 'Bo'), members: { bo: m('bo', 'Bo'), s3: m('s3', 'Sam') }, membersKnown: true,
        states: { k1: { exercise: 'k1', status: 'open', count: 0, kudos: [] } } }, status: 'online', send: vi.fn() } as any,
      ex,
    });
    expect([...target.querySelectorAll('#k-to-k1 option')].map((o) => o.textContent)).toEqual(['The whole team', 'Sam']);
    expect(target.querySelector('[data-testid=same-name]')).toBeNull();
  });
});
