// What the phone says of the help board goes once it is no longer news:
// "Dan offered to help with …" and "Request posted." stayed on the page
// long after, even after the request was resolved. News is replaced by
// the next, goes as soon as the request it is about changes (accepted,
// resolved, withdrawn), and in any case after SENT_MS; what one does
// oneself on the board takes "Request posted." away.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import HelpExercise from './HelpExercise.svelte';
import { emptyState } from '../lib/reducer';
import { SENT_MS } from '../lib/action.svelte';
import type { Exercise, HelpOfferView, HelpRequestView, HelpView } from '../lib/types';

const ex: Exercise = { id: 'h1', kind: 'help', title: 'Help wanted', status: 'open' } as Exercise;
const req = (more: Partial<HelpRequestView> = {}): HelpRequestView =>
  ({ id: 'r1', title: 'Flaky Go tests', tags: [], status: 'open', anonymous: false, authorName: 'Me', offers: [], ...more });
const offer = (id: string, helperName: string, accepted = false): HelpOfferView => ({ id, helperId: `m-${helperName}`, helperName, message: 'I can', accepted });
const board = (...requests: HelpRequestView[]): HelpView => ({ exercise: 'h1', status: 'open', counts: { open: 1, matched: 0, resolved: 0 }, requests });

afterEach(() => {
  vi.useRealTimers();
  sessionStorage.clear();
});

function phone(mine: { requests: string[]; offers: string[] }, view: HelpView) {
  vi.useFakeTimers();
  const session = $state({
    state: { ...emptyState(), states: { h1: view }, mine: { h1: { ...mine, paired: [] } } } as any,
    status: 'online',
    send: () => Promise.resolve(),
  });
  const target = show(HelpExercise, { session, ex });
  const update = (v: HelpView, m = mine) => {
    session.state = { ...session.state, states: { h1: v }, mine: { h1: { ...m, paired: [] } } };
    flushSync();
  };
  const said = () => target.querySelector('[data-testid=help-said]')!.textContent;
  const posted = () => target.querySelector('[data-testid=posted]')?.textContent ?? '';
  return { target, update, said, posted };
}
const settle = async () => {
  await vi.advanceTimersByTimeAsync(0);
  flushSync();
};

describe('an offer on one’s request, said', () => {
  it('goes once the request changes: its offer accepted', () => {
    const { update, said } = phone({ requests: ['r1'], offers: [] }, board(req()));
    update(board(req({ offers: [offer('o1', 'Dan')] })));
    expect(said()).toBe('Dan offered to help with “Flaky Go tests”.');
    // Counted again: still news.
    update({ ...board(req({ offers: [offer('o1', 'Dan')] })), counts: { open: 2, matched: 0, resolved: 0 } });
    expect(said()).toBe('Dan offered to help with “Flaky Go tests”.');
    update(board(req({ status: 'matched', offers: [offer('o1', 'Dan', true)] })));
    expect(said()).toBe('');
  });

  it('goes once the request is resolved or withdrawn', () => {
    const { update, said } = phone({ requests: ['r1'], offers: [] }, board(req()));
    update(board(req({ offers: [offer('o1', 'Dan')] })));
    update(board(req({ status: 'resolved', offers: [offer('o1', 'Dan')] })));
    expect(said()).toBe('');
    update(board(req({ id: 'r2', title: 'Other' })), { requests: ['r2'], offers: [] });
    update(board(req({ id: 'r2', title: 'Other', offers: [offer('o2', 'Eve')] })), { requests: ['r2'], offers: [] });
    expect(said()).toBe('Eve offered to help with “Other”.');
    update(board(), { requests: [], offers: [] });
    expect(said()).toBe('');
  });

  it('goes after a while, and is replaced by the next', () => {
    const { update, said } = phone({ requests: ['r1'], offers: [] }, board(req()));
    update(board(req({ offers: [offer('o1', 'Dan')] })));
    vi.advanceTimersByTime(SENT_MS - 1000);
    flushSync();
    update(board(req({ offers: [offer('o1', 'Dan'), offer('o2', 'Eve')] })));
    expect(said()).toBe('Eve offered to help with “Flaky Go tests”.');
    // The next has its own while.
    vi.advanceTimersByTime(SENT_MS - 1000);
    flushSync();
    expect(said()).toBe('Eve offered to help with “Flaky Go tests”.');
    vi.advanceTimersByTime(1000);
    flushSync();
    expect(said()).toBe('');
  });

  it('of one’s accepted offer goes once the request is resolved', () => {
    const { update, said } = phone({ requests: [], offers: ['o1'] }, board(req({ authorName: 'Ann', offers: [offer('o1', 'Me')] })));
    update(board(req({ authorName: 'Ann', status: 'matched', offers: [offer('o1', 'Me', true)] })));
    expect(said()).toBe('Your offer was accepted: you are helping Ann with “Flaky Go tests”.');
    update(board(req({ authorName: 'Ann', status: 'resolved', offers: [offer('o1', 'Me', true)] })));
    expect(said()).toBe('');
  });
});

describe('"Request posted."', () => {
  async function posted1() {
    const p = phone({ requests: [], offers: [] }, board(req({ id: 'r0', title: 'Someone else’s', authorName: 'Ann' })));
    const title = p.target.querySelector('#h-title-h1') as HTMLTextAreaElement;
    title.value = 'Flaky Go tests';
    title.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    title.form!.requestSubmit();
    await settle();
    expect(p.posted()).toBe('Request posted.');
    return p;
  }

  it('is replaced by the next news: an offer on it', async () => {
    const { update, said, posted } = await posted1();
    const mine = { requests: ['r1'], offers: [] };
    update(board(req({ id: 'r0', title: 'Someone else’s', authorName: 'Ann' }), req()), mine);
    expect(posted()).toBe('Request posted.');
    update(board(req({ id: 'r0', title: 'Someone else’s', authorName: 'Ann' }), req({ offers: [offer('o1', 'Dan')] })), mine);
    expect(posted()).toBe('');
    expect(said()).toBe('Dan offered to help with “Flaky Go tests”.');
  });

  it('goes once one does something else on the board: offering help', async () => {
    const { target, posted } = await posted1();
    [...target.querySelectorAll('button')].find((b) => b.textContent === 'Offer help')!.click();
    flushSync();
    expect(posted()).toBe('');
  });
});
