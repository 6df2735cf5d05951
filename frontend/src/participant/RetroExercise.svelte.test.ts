import { describe, expect, it } from 'vitest';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import RetroExercise from './RetroExercise.svelte';
import { emptyState } from '../lib/reducer';
import { CommandError } from '../lib/client';

const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
const board = {
  exercise: 'r1', status: 'open', phase: 'write', dots: 2, maxPerItem: 1, columns: columns.map((c) => ({ ...c, count: 0 })), written: 0,
  revealed: false, cards: [], groups: [], items: [], dotsShown: false, actions: [],
};

/** A phone writing cards, offline: each card sent waits for `answer`. */
function phone() {
  let answer: (ok: boolean) => void = () => {};
  const session = $state({
    state: { ...emptyState(), states: { r1: board }, mine: { r1: { cards: [] as object[] } } } as any,
    status: 'reconnecting',
    send: () => new Promise((resolve, reject) => {
      answer = (ok) => (ok ? resolve({}) : reject(new CommandError('wrong_phase', 'cards can no longer be added')));
    }),
  });
  const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'write', retro: { columns, dots: 2, maxPerItem: 1 } } as any;
  const target = show(RetroExercise, { session, ex });
  const write = async (text: string) => {
    const box = target.querySelector('textarea')!;
    box.value = text;
    box.dispatchEvent(new Event('input'));
    box.form!.requestSubmit();
    await settle();
  };
  const listed = () => [...target.querySelectorAll('[data-testid=my-cards] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
  return { target, session, write, listed, answer: (ok: boolean) => answer(ok) };
}

describe('a card sent offline', () => {
  it('is listed under "My cards" as waiting, until the card itself comes', async () => {
    const p = phone();
    await p.write('Pair more');
    expect(p.target.querySelector('textarea')!.value).toBe('');
    expect(p.target.textContent).not.toContain('No cards yet.');
    expect(p.listed()).toEqual(['Start Pair more Waiting to be sent']);
    // Back online and taken: the card comes (its event, here before the answer).
    p.session.status = 'online';
    p.session.state = { ...p.session.state, mine: { r1: { cards: [{ id: 'c1', column: 'start', text: 'Pair more' }] } } };
    await settle();
    expect(p.listed()).toEqual(['Start Pair more Delete']);
    p.answer(true);
    await settle();
    expect(p.listed()).toEqual(['Start Pair more Delete']);
  });

  it('says "Sending…" while online', async () => {
    const p = phone();
    p.session.status = 'online';
    await p.write('Demos');
    expect(p.listed()).toEqual(['Start Demos Sending…']);
  });

  it('leaves the list when refused, its text back in the box', async () => {
    const p = phone();
    await p.write('Pair more');
    p.answer(false);
    await settle();
    expect(p.target.querySelector('[data-testid=card-waiting]')).toBeNull();
    expect(p.target.querySelector('textarea')!.value).toBe('Pair more');
  });
});
