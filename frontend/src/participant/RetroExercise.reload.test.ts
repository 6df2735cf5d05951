import { afterEach, describe, expect, it, vi } from 'vitest';
import { welcome } from '../test/fakews';
import { settle } from '../test/settle';
import { openPhone } from '../test/phone';
import { t } from '../lib/strings';

// A dot placed just before the phone reloaded is sent again from storage
// by the new page, whose dot buttons never sent it: refused then, the
// room's notice says so in the server's words, as the dot buttons do.
afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

const PENDING = 'huddle:pending:p:ABCDEF';
const dot = { id: 'dot-1', type: 'retro.dot', data: { exercise: 'r1', item: 'c1', delta: 1, dotsRound: 0 }, token: 'tok' };

/** Ann's phone reloaded with `dot` still stored, in a retro's vote. */
async function reloadedInTheVote() {
  localStorage.setItem(PENDING, JSON.stringify([dot]));
  const { target, ws } = openPhone();
  const w = welcome(1);
  const retro = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'vote', dotsRound: 1,
    retro: { columns: [{ id: 'start', title: 'Start' }], dots: 2, maxPerItem: 1 } };
  const state = { exercise: 'r1', status: 'open', phase: 'vote', dots: 2, maxPerItem: 1, columns: [{ id: 'start', title: 'Start', count: 1 }], written: 1,
    revealed: true, cards: [{ id: 'c1', column: 'start', text: 'Demos' }], groups: [], items: [{ id: 'c1', kind: 'card' }], dotsShown: false, actions: [] };
  ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['r1'], current: 'r1' },
    exercises: [{ exercise: retro, state, mine: { cards: [], dots: {}, dotsLeft: 2 } }] } } } });
  await settle();
  expect(ws.commands().map((c) => c.id)).toContain('dot-1');
  return { target, ws };
}

const notice = (target: HTMLElement) => target.querySelector('[data-testid=missed]')?.textContent ?? '';

describe('a dot refused after the phone reloaded', () => {
  it('says the vote started again, in the server\'s words', async () => {
    const { target, ws } = await reloadedInTheVote();
    ws.receive({ type: 'error', id: 'dot-1', code: 'wrong_phase', field: 'dotsRound',
      message: 'this dot was for a vote that has since started again, so it was not placed: place your dots again' });
    await settle();
    expect(notice(target)).toContain('before the page reloaded was not taken: This dot was for a vote that has since started again, so it was not placed: place your dots again.');
    expect(notice(target)).not.toContain(t.errors.wrong_phase);
  });

  it('says which limit it met, in the server\'s words', async () => {
    const { target, ws } = await reloadedInTheVote();
    ws.receive({ type: 'error', id: 'dot-1', code: 'no_dots_left', message: 'you have placed all 2 dots' });
    await settle();
    expect(notice(target)).toContain('before the page reloaded was not taken: You have placed all 2 dots.');
    expect(notice(target)).not.toContain(t.errors.no_dots_left);
  });
});

// A card edited just before the phone reloaded, its edit not yet
// answered: the new page, which sends it again from storage, lists the
// card with the words (and column) sent, marked as waiting, not its old
// text, until the card comes back changed.
describe('a card edit not yet answered when the phone reloaded', () => {
  const edit = { id: 'edit-1', type: 'retro.card.edit', data: { exercise: 'r1', card: 'c1', text: 'Demos on Fridays', column: 'stop' }, token: 'tok' };
  const listed = (target: HTMLElement) => [...target.querySelectorAll('[data-testid=my-cards] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());

  it('is listed as sent, marked as sending, until its card comes back changed', async () => {
    localStorage.setItem(PENDING, JSON.stringify([edit]));
    const { target, ws } = openPhone();
    const w = welcome(1);
    const retro = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'reveal',
      retro: { columns: [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }], dots: 2, maxPerItem: 1 } };
    const state = { exercise: 'r1', status: 'open', phase: 'reveal', dots: 2, maxPerItem: 1,
      columns: [{ id: 'start', title: 'Start', count: 1 }, { id: 'stop', title: 'Stop', count: 0 }], written: 1,
      revealed: true, cards: [{ id: 'c1', column: 'start', text: 'Demos' }], groups: [], items: [{ id: 'c1', kind: 'card' }], dotsShown: false, actions: [] };
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['r1'], current: 'r1' },
      exercises: [{ exercise: retro, state, mine: { cards: [{ id: 'c1', column: 'start', text: 'Demos' }] } }] } } } });
    await settle();
    expect(ws.commands().map((c) => c.id)).toContain('edit-1');
    // The retro's part loads (vite's transform of it, the first time).
    await vi.waitFor(() => expect(listed(target)).toEqual(['Stop Demos on Fridays Sending… Edit Delete']), { timeout: 25_000 });
    // Taken: the card's private event, then the answer.
    ws.receive({ type: 'event', event: 'retro.card', seq: 2, epoch: 'E',
      data: { exercise: 'r1', card: { id: 'c1', column: 'stop', text: 'Demos on Fridays' } } }, { type: 'ack', id: 'edit-1' });
    await settle();
    expect(listed(target)).toEqual(['Stop Demos on Fridays Edit Delete']);
    expect(localStorage.getItem(PENDING)).toBeNull();
  }, 60_000);
});
