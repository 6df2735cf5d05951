// What others do to one's requests and offers is said politely, once
// (WCAG 4.1.3): an offer on one's own request, one's offer accepted.
import { describe, expect, it } from 'vitest';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import HelpExercise from './HelpExercise.svelte';
import { emptyState } from '../lib/reducer';
import type { Exercise, HelpOfferView, HelpRequestView, HelpView } from '../lib/types';

const ex: Exercise = { id: 'h1', kind: 'help', title: 'Help wanted', status: 'open' } as Exercise;
const req = (more: Partial<HelpRequestView> = {}): HelpRequestView =>
  ({ id: 'r1', title: 'Flaky Go tests', tags: [], status: 'open', anonymous: false, authorName: 'Ann', offers: [], ...more });
const offer = (id: string, helperName: string, accepted = false): HelpOfferView => ({ id, helperName, message: 'I can', accepted } as HelpOfferView);
const board = (...requests: HelpRequestView[]): HelpView => ({ exercise: 'h1', status: 'open', counts: { open: 1, matched: 0, resolved: 0 }, requests });

function phone(mine: { requests: string[]; offers: string[] }, view: HelpView) {
  const session = $state({
    state: { ...emptyState(), states: { h1: view }, mine: { h1: { ...mine, paired: [] } } } as any,
    status: 'online',
    send: () => new Promise<void>(() => {}),
  });
  const target = show(HelpExercise, { session, ex });
  const update = (v: HelpView) => {
    session.state = { ...session.state, states: { h1: v } };
  };
  const said = () => target.querySelector('[data-testid=help-said]')!;
  return { target, update, said };
}

describe('the help board on a phone', () => {
  it('says politely, once, that someone offered to help with one’s own request, not what was there on opening', async () => {
    const { update, said } = phone({ requests: ['r1'], offers: [] }, board(req({ offers: [offer('o1', 'Ben')] })));
    expect(said().getAttribute('aria-live')).toBe('polite');
    expect(said().textContent).toBe('');
    update(board(req({ offers: [offer('o1', 'Ben'), offer('o2', 'Cy')] })));
    await settle();
    expect(said().textContent).toBe('Cy offered to help with “Flaky Go tests”.');
    // Counted again, or moved: nothing new to say.
    update({ ...board(req({ offers: [offer('o1', 'Ben'), offer('o2', 'Cy')] })), counts: { open: 2, matched: 0, resolved: 0 } });
    await settle();
    expect(said().textContent).toBe('Cy offered to help with “Flaky Go tests”.');
  });

  it('says nothing of offers on other people’s requests', async () => {
    const { update, said } = phone({ requests: [], offers: [] }, board(req()));
    update(board(req({ offers: [offer('o1', 'Ben')] })));
    await settle();
    expect(said().textContent).toBe('');
  });

  it('says politely that one’s offer was accepted, whom one is helping', async () => {
    const { target, update, said } = phone({ requests: [], offers: ['o1'] }, board(req({ offers: [offer('o1', 'Ben')] })));
    expect(said().textContent).toBe('');
    update(board(req({ status: 'matched', offers: [offer('o1', 'Ben', true)] })));
    await settle();
    expect(target.querySelector('[data-testid=my-offer]')!.textContent).toBe('You are helping Ann');
    expect(said().textContent).toBe('Your offer was accepted: you are helping Ann with “Flaky Go tests”.');
  });
});
