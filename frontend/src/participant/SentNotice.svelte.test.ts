// A send that creates something (a card, an action, a help request, a
// kudo) is said to have gone, once, politely, where the flow leaves the
// focus (the emptied box, ready for the next one); "Sending…" before it is
// not said again, and a refusal reads as before.
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import KudosExercise from './KudosExercise.svelte';
import RetroExercise from './RetroExercise.svelte';
import HelpExercise from './HelpExercise.svelte';
import { emptyState } from '../lib/reducer';
import { CommandError } from '../lib/client';

afterEach(() => sessionStorage.clear());

/** A session whose sends each wait for answer(ok). */
function session(states: object, mine: object) {
  const sent: { type: string; data: any; answer: (ok: boolean) => void }[] = [];
  const s = $state({
    state: { ...emptyState(), states, mine } as any,
    status: 'online',
    send: (type: string, data: any) => new Promise((resolve, reject) => {
      sent.push({ type, data, answer: (ok) => (ok ? resolve({}) : reject(new CommandError('wrong_phase', 'that is over'))) });
    }),
  });
  return { s, sent };
}
/** What the page's live regions hold, each region's text. */
const live = (target: HTMLElement) => [...target.querySelectorAll('[aria-live],[role=status],[role=alert]')]
  .map((el) => el.textContent!.replace(/\s+/g, ' ').trim()).filter(Boolean);
const said = (target: HTMLElement, text: string) => (target.textContent!.match(new RegExp(text.replace('.', '\\.'), 'g')) ?? []).length;
const type = (el: HTMLInputElement | HTMLTextAreaElement, v: string) => {
  el.value = v;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
};
/** Whether el is inside a live region: one that takes the focus as well is read twice. */
const inLive = (el: Element | null) => !!el?.closest('[role=status],[role=alert],[aria-live]');

describe('a kudo sent', () => {
  const ex = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' } as any;
  const mount = () => {
    const { s, sent } = session({ k1: { exercise: 'k1', status: 'open', count: 0, kudos: [] } }, {});
    const target = show(KudosExercise, { session: s, ex });
    const box = target.querySelector('#k-msg-k1') as HTMLTextAreaElement;
    type(box, 'Thanks for the demo');
    (target.querySelector('button[type=submit]') as HTMLButtonElement).focus();
    box.form!.requestSubmit();
    flushSync();
    return { target, sent, box };
  };

  it('is said once, "Kudos sent.", after "Sending…", the focus in the emptied box; the next one begun clears it', async () => {
    const { target, sent, box } = mount();
    expect(live(target)).toEqual(['Sending…']);
    sent[0].answer(true);
    await settle();
    expect(live(target)).toEqual(['Kudos sent.']);
    expect(said(target, 'Kudos sent.')).toBe(1);
    expect(target.querySelector('[data-testid=sent]')!.closest('[aria-live]')!.getAttribute('aria-live')).toBe('polite');
    expect(document.activeElement).toBe(box);
    expect(inLive(document.activeElement)).toBe(false);
    type(box, 'A');
    expect(said(target, 'Kudos sent.')).toBe(0);
  });

  it('refused, says why as before and not that it went', async () => {
    const { target, sent } = mount();
    sent[0].answer(false);
    await settle();
    expect(target.querySelector('[role=alert]')!.textContent).toContain('That is over.');
    expect(said(target, 'Kudos sent.')).toBe(0);
  });
});

describe('a retro card and an action added', () => {
  const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
  const board = {
    exercise: 'r1', status: 'open', phase: 'write', dots: 2, maxPerItem: 1, columns: columns.map((c) => ({ ...c, count: 0 })), written: 0,
    revealed: false, cards: [], groups: [], items: [], dotsShown: false, actions: [],
  };
  const mount = (phase: string) => {
    const { s, sent } = session({ r1: { ...board, phase, revealed: phase !== 'write', dotsShown: phase === 'actions' } }, { r1: { cards: [] } });
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase, retro: { columns, dots: 2, maxPerItem: 1 } } as any;
    return { target: show(RetroExercise, { session: s, ex }), sent };
  };

  it('a card is said once, "Card added.", the focus kept in the emptied box; the next card begun clears it', async () => {
    const { target, sent } = mount('write');
    const box = target.querySelector('#card-r1') as HTMLTextAreaElement;
    type(box, 'Pair more');
    box.form!.requestSubmit();
    flushSync();
    expect(live(target)).toEqual(['Sending…']);
    sent[0].answer(true);
    await settle();
    expect(live(target)).toEqual(['Card added.']);
    expect(said(target, 'Card added.')).toBe(1);
    expect(document.activeElement).toBe(box);
    type(box, 'N');
    expect(said(target, 'Card added.')).toBe(0);
  });

  it('a card refused says why, and not that it was added', async () => {
    const { target, sent } = mount('write');
    const box = target.querySelector('#card-r1') as HTMLTextAreaElement;
    type(box, 'Pair more');
    box.form!.requestSubmit();
    flushSync();
    sent[0].answer(false);
    await settle();
    expect(target.querySelector('[role=alert]')!.textContent).toContain('That is over.');
    expect(said(target, 'Card added.')).toBe(0);
  });

  it('an action is said once, "Action added.", the focus kept in the emptied box', async () => {
    const { target, sent } = mount('actions');
    const box = target.querySelector('#act-r1') as HTMLInputElement;
    type(box, 'Rotate the facilitator');
    box.form!.requestSubmit();
    flushSync();
    expect(live(target)).toContain('Sending…');
    sent[0].answer(true);
    await settle();
    expect(live(target)).not.toContain('Sending…');
    expect(live(target).filter((x) => x === 'Action added.')).toHaveLength(1);
    expect(said(target, 'Action added.')).toBe(1);
    expect(document.activeElement).toBe(box);
    expect(box.value).toBe('');
  });
});

describe('a help request posted', () => {
  it('is said once, "Request posted.", outside the form that folds away, the focus on its summary', async () => {
    const { s, sent } = session({ h1: { exercise: 'h1', status: 'open', counts: { open: 0, matched: 0, resolved: 0 }, requests: [] } },
      { h1: { requests: [], offers: [], paired: [] } });
    const target = show(HelpExercise, { session: s, ex: { id: 'h1', kind: 'help', title: 'Help', status: 'open' } });
    const title = target.querySelector('#h-title-h1') as HTMLTextAreaElement;
    type(title, 'Flaky Go tests');
    title.form!.requestSubmit();
    flushSync();
    expect(live(target)).toEqual(['Sending…']);
    sent[0].answer(true);
    await settle();
    const details = target.querySelector('details.ask') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(document.activeElement).toBe(details.querySelector('summary'));
    expect(live(target)).toEqual(['Request posted.']);
    expect(said(target, 'Request posted.')).toBe(1);
    // Where a screen reader hears it: not inside the folded form.
    expect(details.contains(target.querySelector('[data-testid=posted]'))).toBe(false);
  });
});
