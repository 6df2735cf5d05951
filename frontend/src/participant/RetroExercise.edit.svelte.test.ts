import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import RetroExercise from './RetroExercise.svelte';
import { emptyState } from '../lib/reducer';
import { CommandError } from '../lib/client';
import { RETRO_PHASES } from '../lib/types';

// One's own card edited on the phone: retro.card.edit, in the phases the
// protocol allows it (write, reveal, group; docs/protocol.md 8.7).
const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
const board = (phase: string) => ({
  exercise: 'r1', status: 'open', phase, dots: 2, maxPerItem: 1, columns: columns.map((c) => ({ ...c, count: 0 })), written: 2,
  revealed: phase !== 'write', cards: [], groups: [], items: [], dotsShown: false, actions: [],
});

/** Ann's phone with two cards of her own; each command sent waits for
 *  the test's answer (answer(err?)). */
function phone(phase = 'write', status = 'open') {
  const sent: [string, any][] = [];
  let answer: (err?: Error) => void = () => {};
  const cards = [{ id: 'c1', column: 'start', text: 'Demos' }, { id: 'c2', column: 'stop', text: 'Long meetings' }];
  const session = $state({
    state: { ...emptyState(), states: { r1: board(phase) }, mine: { r1: { cards } } } as any,
    status: 'online',
    send: (type: string, data: any) => new Promise((resolve, reject) => {
      sent.push([type, data]);
      answer = (err) => (err ? reject(err) : resolve({}));
    }),
  });
  const props = $state({ session, ex: { id: 'r1', kind: 'retro', title: 'Sprint', status, phase, retro: { columns, dots: 2, maxPerItem: 1 } } as any });
  const target = show(RetroExercise, props);
  const q = <T extends Element>(sel: string) => target.querySelector<T>(sel);
  const button = (name: string) => q<HTMLButtonElement>(`button[aria-label="${name}"]`);
  const box = () => q<HTMLTextAreaElement>('[data-testid=my-cards] textarea');
  const type = (text: string) => {
    box()!.value = text;
    box()!.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
  };
  const click = async (el: HTMLElement | null) => {
    el!.dispatchEvent(new Event('click', { bubbles: true }));
    await settle();
  };
  const save = async () => {
    box()!.form!.requestSubmit();
    await settle();
  };
  const listed = () => [...target.querySelectorAll('[data-testid=my-cards] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
  return { target, session, props, sent, q, button, box, type, click, save, listed, answer: (err?: Error) => answer(err) };
}

describe('a card of one\'s own, edited', () => {
  it('has an Edit button beside its Delete, named by the card, which opens a box of the card\'s limit, focused', async () => {
    const p = phone();
    const edit = p.button('Edit: Demos')!;
    expect(edit).not.toBeNull();
    expect(edit.nextElementSibling?.getAttribute('aria-label')).toBe('Delete: Demos');
    await p.click(edit);
    const box = p.box()!;
    expect(box.value).toBe('Demos');
    expect(document.activeElement).toBe(box);
    box.blur(); // focused, it holds one unit more, for an emoji (lib/maxchars.ts)
    expect(box.maxLength).toBe(500);
    expect(document.querySelector(`label[for="${box.id}"]`)?.textContent).toBe('New text for this card');
    // The same counter as a new card's, near the limit.
    p.type('x'.repeat(420));
    const count = p.q('[data-testid=my-cards] [data-testid=char-count]')!;
    expect(count.textContent).toBe('420 / 500');
    expect(box.getAttribute('aria-describedby')).toBe(count.id);
  });

  it('is sent, shown changed at once, and the focus goes back to its Edit button', async () => {
    const p = phone();
    await p.click(p.button('Edit: Demos'));
    p.type('  Demos on Fridays ');
    await p.save();
    expect(p.sent).toEqual([['retro.card.edit', { exercise: 'r1', card: 'c1', text: 'Demos on Fridays' }]]);
    expect(p.box()).toBeNull();
    expect(p.listed()).toEqual(['Start Demos on Fridays Sending… Edit Delete', 'Stop Long meetings Edit Delete']);
    expect(document.activeElement).toBe(p.button('Edit: Demos on Fridays'));
    // The card comes back changed (its private event), and the answer.
    p.session.state = { ...p.session.state, mine: { r1: { cards: [{ id: 'c1', column: 'start', text: 'Demos on Fridays' }, { id: 'c2', column: 'stop', text: 'Long meetings' }] } } };
    p.answer();
    await settle();
    expect(p.listed()).toEqual(['Start Demos on Fridays Edit Delete', 'Stop Long meetings Edit Delete']);
    expect(p.q('[data-testid=edit-error]')).toBeNull();
  });

  it('is not sent when nothing changed', async () => {
    const p = phone();
    await p.click(p.button('Edit: Demos'));
    await p.save();
    expect(p.sent).toEqual([]);
    expect(document.activeElement).toBe(p.button('Edit: Demos'));
  });

  it('is given up with Escape or Cancel, nothing sent, the focus back on its Edit button', async () => {
    const p = phone();
    await p.click(p.button('Edit: Long meetings'));
    p.type('Shorter meetings');
    p.box()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle();
    expect(p.box()).toBeNull();
    expect(p.listed()).toEqual(['Start Demos Edit Delete', 'Stop Long meetings Edit Delete']);
    expect(document.activeElement).toBe(p.button('Edit: Long meetings'));
    await p.click(p.button('Edit: Long meetings'));
    await p.click([...p.target.querySelectorAll<HTMLButtonElement>('[data-testid=my-cards] button')].find((b) => b.textContent === 'Cancel')!);
    expect(p.box()).toBeNull();
    expect(document.activeElement).toBe(p.button('Edit: Long meetings'));
    expect(p.sent).toEqual([]);
  });

  it('refused, shows the card as it was, says why, and gives back what was typed', async () => {
    const p = phone('reveal');
    await p.click(p.button('Edit: Demos'));
    p.type('Demos on Fridays');
    await p.save();
    p.answer(new CommandError('rate_limited', 'slow down'));
    await settle();
    expect(p.q('[data-testid=edit-error]')!.textContent).toBe('Your change to “Demos” was not saved. Too many at once. Trying again…');
    expect(p.q('[data-testid=edit-error]')!.getAttribute('role')).toBe('alert');
    expect(p.box()!.value).toBe('Demos on Fridays');
    expect(document.activeElement).toBe(p.box());
    expect(p.listed()[1]).toBe('Stop Long meetings Edit Delete');
  });

  it('refused because the room moved on to the vote, says so once the cards are gone', async () => {
    const p = phone('group');
    await p.click(p.button('Edit: Demos'));
    p.type('Demos on Fridays');
    await p.save();
    p.props.ex = { ...p.props.ex, phase: 'vote' };
    p.session.state = { ...p.session.state, states: { r1: board('vote') } };
    await settle();
    p.answer(new CommandError('wrong_phase', 'cards are edited only in the write or reveal or group phase'));
    await settle();
    expect(p.q('[data-testid=my-cards]')).toBeNull();
    expect(p.q('[data-testid=edit-error]')!.textContent)
      .toBe('Your change to “Demos” was not saved. Cards are edited only in the write or reveal or group phase.');
  });

  it('just after the card was added, does not make the card seem to wait again', async () => {
    const p = phone();
    const add = p.q<HTMLTextAreaElement>('#card-r1')!;
    add.value = 'Pairing';
    add.dispatchEvent(new Event('input', { bubbles: true }));
    add.form!.requestSubmit();
    await settle();
    const taken = (text: string) => ({ id: 'c3', column: 'start', text });
    p.session.state = { ...p.session.state, mine: { r1: { cards: [...p.session.state.mine.r1.cards.slice(0, 2), taken('Pairing')] } } };
    p.answer();
    await settle();
    expect(p.listed()[2]).toBe('Start Pairing Edit Delete');
    // Edited within the few seconds a card added is looked for.
    await p.click(p.button('Edit: Pairing'));
    p.type('Pairing on bugs');
    await p.save();
    p.session.state = { ...p.session.state, mine: { r1: { cards: [...p.session.state.mine.r1.cards.slice(0, 2), taken('Pairing on bugs')] } } };
    p.answer();
    await settle();
    expect(p.listed()).toEqual(['Start Demos Edit Delete', 'Stop Long meetings Edit Delete', 'Start Pairing on bugs Edit Delete']);
  });

  it('is offered only where the protocol allows it: write, reveal and group, while the retro is open', () => {
    const offered: string[] = [];
    for (const status of ['open', 'closed', 'results']) {
      for (const phase of RETRO_PHASES) {
        const p = phone(phase, status);
        if (p.button('Edit: Demos')) offered.push(`${status} ${phase}`);
      }
    }
    expect(offered).toEqual(['open write', 'open reveal', 'open group']);
  });
});
