import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import RetroExercise from './RetroExercise.svelte';
import { emptyState } from '../lib/reducer';
import { missedBy } from '../lib/session.svelte';
import { CommandError } from '../lib/client';
import { RETRO_PHASES, type Exercise, type RetroView } from '../lib/types';

const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
const ex = (phase: string): Exercise => ({ id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase, retro: { columns, dots: 2, maxPerItem: 1 } } as Exercise);
const view = (phase: string): RetroView => ({
  exercise: 'r1', status: 'open', phase, dots: 2, maxPerItem: 1, columns: columns.map((c) => ({ ...c, count: 0 })), written: 2, revealed: true,
  cards: [{ id: 'c1', column: 'start', text: 'Demos' }, { id: 'c2', column: 'stop', text: 'Meetings' }] as any,
  groups: [], items: [{ id: 'c1', kind: 'card' }, { id: 'c2', kind: 'card' }], dotsShown: false, actions: [],
});

let target: HTMLElement;
let app: any;
afterEach(() => {
  unmount(app);
  target.remove();
  sessionStorage.clear();
});
function render(phase: string, mine: object = { cards: [] }, v: RetroView = view(phase)) {
  const send = vi.fn(async () => ({}));
  const state = { ...emptyState(), states: { r1: v }, mine: { r1: mine } };
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(RetroExercise, { target, props: { session: { state, status: 'online', send } as any, ex: ex(phase) } });
  flushSync();
  return send;
}
const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
};

describe('RetroExercise keeps the keyboard where it was', () => {
  it('puts focus back in the card box after a card is added', async () => {
    render('write');
    const box = target.querySelector('textarea') as HTMLTextAreaElement;
    box.value = 'More demos';
    box.dispatchEvent(new Event('input'));
    flushSync();
    (target.querySelector('button[type=submit]') as HTMLButtonElement).focus();
    box.form!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(box.value).toBe('');
    expect(document.activeElement).toBe(box);
  });

  it('marks a dot button unusable without disabling it, and sends nothing from it', () => {
    const send = render('vote', { cards: [], dots: { c1: 1 }, dotsLeft: 1 });
    const place = target.querySelector('button[aria-label="Place a dot on Demos"]') as HTMLButtonElement;
    expect(place.disabled).toBe(false);
    expect(place.getAttribute('aria-disabled')).toBe('true'); // one per item at most
    place.focus();
    place.click();
    expect(send).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(place);
    (target.querySelector('button[aria-label="Place a dot on Meetings"]') as HTMLButtonElement).click();
    expect(send).toHaveBeenCalledWith('retro.dot', { exercise: 'r1', item: 'c2', delta: 1, dotsRound: 0 });
  });

});

describe('RetroExercise shows what a group holds', () => {
  it('lists a group\'s cards under its title when voting, each as its own', () => {
    const grouped = { ...view('vote'), groups: [{ id: 'g1', title: 'Rituals', cards: ['c1', 'c2'] }], items: [{ id: 'g1', kind: 'group' as const }] };
    render('vote', { cards: [], dotsLeft: 2 }, grouped);
    expect([...target.querySelectorAll('.item .in-group li')].map((e) => e.textContent)).toEqual(['Demos', 'Meetings']);
  });
});

describe('the text counter', () => {
  it('appears near the limit', () => {
    render('write');
    const box = target.querySelector('textarea') as HTMLTextAreaElement;
    box.value = 'x'.repeat(390);
    box.dispatchEvent(new Event('input'));
    flushSync();
    expect(target.querySelector('[data-testid=char-count]')).toBeNull();
    box.value = 'x'.repeat(420);
    box.dispatchEvent(new Event('input'));
    flushSync();
    expect(target.querySelector('[data-testid=char-count]')?.textContent).toBe('420 / 500');
  });
});

describe('a card being written', () => {
  it('survives a reload, and is gone once added', async () => {
    render('write');
    const box = () => target.querySelector('textarea') as HTMLTextAreaElement;
    box().value = 'Pair more';
    box().dispatchEvent(new Event('input'));
    flushSync();
    unmount(app);
    target.remove();
    render('write');
    expect(box().value).toBe('Pair more');
    box().form!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(box().value).toBe('');
    expect(sessionStorage.length).toBe(0);
  });
});

describe('RetroExercise lists your cards in the order you wrote them', () => {
  const me = { id: 'm1', name: 'Ann', role: 'participant', online: true };
  const card = (id: string, text: string) => ({ id, column: 'start', text });
  function mountWith(cards: object[]) {
    const props = { session: { state: { ...emptyState(), you: me, states: { r1: view('write') }, mine: { r1: { cards } } }, status: 'online', send: vi.fn() } as any, ex: ex('write') };
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(RetroExercise, { target, props });
    flushSync();
  }
  const listed = () => [...target.querySelectorAll('[data-testid=my-cards] li .user-text:not(.badge)')].map((e) => e.textContent);
  afterEach(() => localStorage.clear());

  it('after a reload too, though the server lists them by card id', () => {
    // As written, one at a time: each comes in at the end (the reducer).
    mountWith([card('c7', 'Demos')]);
    unmount(app);
    target.remove();
    mountWith([card('c7', 'Demos'), card('c2', 'Pairing')]);
    expect(listed()).toEqual(['Demos', 'Pairing']);
    unmount(app);
    target.remove();
    // A reload: the snapshot's "mine" is by id.
    mountWith([card('c2', 'Pairing'), card('c7', 'Demos')]);
    expect(listed()).toEqual(['Demos', 'Pairing']);
  });
});

describe('RetroExercise while cards are written', () => {
  it('shows one empty state under "My cards", not a box per column', () => {
    render('write', { cards: [] }, { ...view('write'), revealed: false, cards: [], items: [] });
    const text = target.textContent!;
    expect(text).toContain('No cards yet.');
    expect(text).toContain('2 cards written so far');
    // The columns are named once, in the form's choice of column.
    expect(text.match(/Start/g)).toHaveLength(1);
    expect(target.querySelector('[data-testid=retro-board] ul')).toBeNull();
  });
});

describe('RetroExercise says what each column is for', () => {
  it('shows a column\'s hint under its title where cards are written', () => {
    const hinted = [{ id: 'start', title: 'Start' }, { id: 'own', title: 'My part', hint: 'One concrete thing you will do yourself' }];
    const send = vi.fn(async () => ({}));
    const state = { ...emptyState(), states: { r1: { ...view('write'), revealed: false } }, mine: { r1: { cards: [] } } };
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(RetroExercise, { target, props: { session: { state, status: 'online', send } as any, ex: { ...ex('write'), retro: { columns: hinted, dots: 2, maxPerItem: 1 } } as Exercise } });
    flushSync();
    const hints = [...target.querySelectorAll('[data-testid=column-hint]')];
    expect(hints.map((h) => h.textContent)).toEqual(['One concrete thing you will do yourself']);
    // The choice is named by the title and described by the hint.
    const radio = target.querySelector<HTMLInputElement>('input[value=own]')!;
    expect(document.getElementById(radio.getAttribute('aria-labelledby')!)?.textContent).toBe('My part');
    expect(radio.getAttribute('aria-describedby')).toBe(hints[0].id);
    expect(target.querySelector('input[value=start]')!.hasAttribute('aria-describedby')).toBe(false);
  });
});

describe('RetroExercise while voting', () => {
  it('names the column each item came from', () => {
    render('vote', { cards: [], dotsLeft: 2 });
    expect([...target.querySelectorAll('.item [data-testid=column-tag]')].map((e) => e.textContent)).toEqual(['Column: Start', 'Column: Stop']);
  });
});

describe('RetroExercise and the notice of a command missed', () => {
  // Where the page says how a command went: the form that sent it, else
  // the room's notice (lib/session.svelte.ts, missedBy). Never both, and
  // never neither: in every phase, open or closed.
  const forms = [
    ['retro.card.delete', 'button[aria-label="Delete: Demos"]'],
    ['retro.dot', 'button[aria-label="Place a dot on Demos"]'],
    ['retro.action.add', 'input#act-r1'],
  ] as const;
  const refused = new CommandError('wrong_phase', 'not in this phase');
  for (const status of ['open', 'closed', 'results']) {
    for (const phase of [...RETRO_PHASES, undefined]) {
      it(`leaves a command to its form exactly while the page shows it (${status}, ${phase ?? 'no phase'})`, () => {
        const shown = { ...ex(phase ?? ''), status, phase } as Exercise;
        const state = { ...emptyState(), agenda: { items: ['r1'], current: 'r1' }, exercises: { r1: shown }, states: { r1: view(phase ?? 'write') }, mine: { r1: { cards: [{ id: 'c1', column: 'start', text: 'Demos' }], dotsLeft: 2 } } };
        target = document.createElement('div');
        document.body.appendChild(target);
        app = mount(RetroExercise, { target, props: { session: { state, status: 'online', send: vi.fn() } as any, ex: shown } });
        flushSync();
        const seen = Object.fromEntries(forms.map(([type, sel]) => [type, !!target.querySelector(sel)]));
        const leftToForm = Object.fromEntries(forms.map(([type]) => [type, missedBy(state as any, { exercise: 'r1' }, refused, type) === null]));
        expect(leftToForm).toEqual(seen);
      });
    }
  }
});
