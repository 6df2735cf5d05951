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
