import { afterEach, describe, expect, it, vi } from 'vitest';
import { welcome } from '../test/fakews';
import { settle } from '../test/settle';
import { openPhone } from '../test/phone';
import { retro as retroPart } from './lazyparts';

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

const PENDING = 'huddle:pending:p:ABCDEF';
const notice = (target: HTMLElement) => target.querySelector('[data-testid=missed]')?.textContent ?? '';

// A card added just before the phone reloaded, not yet answered: the new
// page sends it again from storage. Refused then, the page says so with
// the card's words, as it does for a card it sent itself: back in the
// box where cards can still be added, else kept in a notice to copy.
describe('a card refused after the phone reloaded', () => {
  const card = { id: 'card-1', type: 'retro.card.add', data: { exercise: 'r1', column: 'stop', text: 'Long standups', named: false }, token: 'tok' };
  const listed = (target: HTMLElement) => [...target.querySelectorAll('[data-testid=my-cards] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());

  /** Ann's phone reloaded with `card` still stored, in a retro's `phase`. */
  function reloadedIn(phase: string) {
    localStorage.setItem(PENDING, JSON.stringify([card]));
    const { target, ws } = openPhone();
    const w = welcome(1);
    const retro = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase,
      retro: { columns: [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }], dots: 2, maxPerItem: 1 } };
    const state = { exercise: 'r1', status: 'open', phase, dots: 2, maxPerItem: 1,
      columns: [{ id: 'start', title: 'Start', count: 1 }, { id: 'stop', title: 'Stop', count: 0 }], written: 1,
      revealed: phase !== 'write', cards: phase === 'write' ? [] : [{ id: 'c9', column: 'start', text: 'Demos' }], groups: [],
      items: phase === 'write' ? [] : [{ id: 'c9', kind: 'card' }], dotsShown: false, actions: [] };
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['r1'], current: 'r1' },
      exercises: [{ exercise: retro, state, mine: { cards: [], dots: {}, dotsLeft: 2 } }] } } } });
    return { target, ws };
  }

  it('once the board has moved on, keeps its words in a notice to copy, also when refused before the retro\'s part has loaded', async () => {
    const { target, ws } = reloadedIn('vote');
    await settle();
    expect(ws.commands().map((c) => c.id)).toContain('card-1');
    // Refused before the retro's part has loaded (this file's modules
    // start unloaded): the session keeps the card for it.
    expect(retroPart.status).not.toBe('loaded');
    ws.receive({ type: 'error', id: 'card-1', code: 'wrong_phase', message: 'cards are added only in the write or reveal or group phase' });
    await settle();
    const kept = () => target.querySelector('[data-testid=card-kept]');
    await vi.waitFor(() => expect(kept()).not.toBeNull(), { timeout: 25_000 });
    expect(kept()!.querySelector('p')!.textContent)
      .toBe('The board moved on to voting before your card “Long standups” arrived, so it was not added. Your text is below to copy.');
    expect(kept()!.querySelector('textarea')!.value).toBe('Long standups');
    expect(notice(target)).toBe('');
  }, 60_000);

  it('where cards can still be added, puts its words back in the box, in its column, and says why there', async () => {
    const { target, ws } = reloadedIn('write');
    await settle();
    expect(ws.commands().map((c) => c.id)).toContain('card-1');
    // The retro's part loads (vite's transform of it, the first time).
    await vi.waitFor(() => expect(listed(target)).toEqual(['Stop Long standups Sending…']), { timeout: 25_000 });
    ws.receive({ type: 'error', id: 'card-1', code: 'invalid', message: 'a retro holds at most 500 cards' });
    await settle();
    expect(listed(target)).toEqual([]);
    expect(target.querySelector<HTMLTextAreaElement>('#card-r1')!.value).toBe('Long standups');
    expect(target.querySelector<HTMLInputElement>('input[name=col-r1][value=stop]')!.checked).toBe(true);
    expect(target.querySelector('[data-testid=send-error]')?.textContent).toContain('A retro holds at most 500 cards.');
    // Said once, where the card is, not again by the room's notice.
    expect(notice(target)).toBe('');
    expect(localStorage.getItem(PENDING)).toBeNull();
  }, 60_000);

  it('not known to be taken or not (the room had lost the phone), says so in the room\'s notice, not as a card refused to add again', async () => {
    const { target, ws } = reloadedIn('write');
    await settle();
    await vi.waitFor(() => expect(listed(target)).toEqual(['Stop Long standups Sending…']), { timeout: 25_000 });
    ws.receive({ type: 'error', id: 'card-1', code: 'rejoined' });
    await settle();
    expect(target.querySelector('[data-testid=send-error]')).toBeNull();
    expect(target.querySelector('[data-testid=card-kept]')).toBeNull();
    expect(notice(target)).toContain('may not have been');
  }, 60_000);
});
