// A board full of text (max-board-bytes) refuses what is added to it:
// code `board_full` (it was `invalid`, as a field's bad value is, and the
// phone told the two apart by the message's first words), and a message
// that says the board is full and what can be done. Each form kept what
// was typed and added "What you typed is kept.", which says that sending
// it again may work: it does not on a full help board, kudos wall or open
// text's answers; on a full retro it may, once the facilitator deletes
// cards or with a shorter text, as the refusal says.
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import { CommandError } from '../lib/client';
import { keptAfter } from './kept';
import { emptyState } from '../lib/reducer';
import type { Exercise, HelpRequestView, HelpView } from '../lib/types';
import HelpExercise from './HelpExercise.svelte';
import KudosExercise from './KudosExercise.svelte';
import RetroExercise from './RetroExercise.svelte';
import VoteExercise from './VoteExercise.svelte';

// The refusals as the server words them (exercises/boardbytes.go).
const full = {
  help: (field: string) => new CommandError('board_full', 'the board is full: nothing more can be added to it, so ask the facilitator', field),
  kudos: new CommandError('board_full', 'the wall is full: no more kudos can be added to it', 'message'),
  text: new CommandError('board_full', 'the answers are full: this exercise cannot take any more text, so ask the facilitator', 'ballot.text'),
  retro: new CommandError('board_full', 'the board is full: the facilitator can make room by deleting cards, or you can shorten what you wrote', 'text'),
};
const KEPT = 'What you typed is kept.';

afterEach(() => sessionStorage.clear());

/** A session whose every send is refused with err. */
const refusing = (state: object, err: Error) => ({
  state: { ...emptyState(), ...state } as any,
  status: 'online',
  send: () => Promise.reject(err),
});
const type = (el: HTMLInputElement | HTMLTextAreaElement, v: string) => {
  el.value = v;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
};
const submit = async (el: HTMLElement) => {
  (el as HTMLInputElement).form!.requestSubmit();
  await settle();
};
const button = (target: HTMLElement, name: string) => [...target.querySelectorAll('button')].find((b) => b.textContent === name) as HTMLButtonElement;
const said = (target: HTMLElement) => [...target.querySelectorAll('.error')].map((e) => e.textContent);

describe('a help board full of text', () => {
  const ex = { id: 'h1', kind: 'help', title: 'Help wanted', status: 'open' } as Exercise;
  const req = (more: Partial<HelpRequestView> = {}): HelpRequestView =>
    ({ id: 'r1', title: 'Flaky Go tests', tags: [], status: 'open', anonymous: false, authorName: 'Ann', offers: [], ...more });
  const board = (...requests: HelpRequestView[]): HelpView => ({ exercise: 'h1', status: 'open', counts: { open: 1, matched: 0, resolved: 0 }, requests });
  const phone = (view: HelpView, mine: { requests: string[]; offers: string[] }, err: Error) =>
    show(HelpExercise, { session: refusing({ states: { h1: view }, mine: { h1: { ...mine, paired: [] } } }, err), ex });

  it('refusing a request: says so under its details, and not that what was typed is kept', async () => {
    const target = phone(board(), { requests: [], offers: [] }, full.help('detail'));
    type(target.querySelector('#h-title-h1')!, 'Docker on Windows');
    const detail = target.querySelector<HTMLTextAreaElement>('#h-detail-h1')!;
    type(detail, 'It will not start');
    await submit(detail);
    expect(said(target)).toEqual(['The board is full: nothing more can be added to it, so ask the facilitator.']);
    expect(detail.getAttribute('aria-invalid')).toBe('true');
    // It is still there, to copy.
    expect(detail.value).toBe('It will not start');
  });

  it('refusing a request for a bad tag still says what was typed is kept: mended, it is taken', async () => {
    const target = phone(board(), { requests: [], offers: [] }, new CommandError('too_long', 'tags[0] is 30 characters; the limit is 24', 'tags[0]'));
    type(target.querySelector('#h-title-h1')!, 'Docker on Windows');
    const tags = target.querySelector<HTMLInputElement>('#h-tags-h1')!;
    type(tags, 'a-very-long-tag-that-goes-on-and-on');
    await submit(tags);
    expect(said(target)).toEqual([`Tag 1 is 30 characters; the limit is 24. ${KEPT}`]);
  });

  it('refusing an offer: says so, and not that what was typed is kept', async () => {
    const target = phone(board(req()), { requests: [], offers: [] }, full.help('message'));
    button(target, 'Offer help').click();
    await settle();
    const field = target.querySelector<HTMLTextAreaElement>('#offer-r1')!;
    type(field, 'I fixed the same last week');
    await submit(field);
    expect(target.querySelector('[data-testid=send-error]')!.textContent).toBe('The board is full: nothing more can be added to it, so ask the facilitator.');
    expect(field.value).toBe('I fixed the same last week');
  });

  it('refusing a next step: says so under it, and not that what was typed is kept', async () => {
    const matched = req({ status: 'matched', offers: [{ id: 'o1', helperName: 'Ben', message: 'I can pair', accepted: true }] });
    const target = phone(board(matched), { requests: ['r1'], offers: [] }, full.help('text'));
    const field = target.querySelector<HTMLTextAreaElement>('#step-o1')!;
    type(field, 'Pair on Tuesday at 10');
    await submit(field);
    expect(said(target)).toEqual(['The board is full: nothing more can be added to it, so ask the facilitator.']);
    expect(field.value).toBe('Pair on Tuesday at 10');
  });
});

describe('a kudos wall full of text', () => {
  it('refusing a kudo: says so, and not that what was typed is kept', async () => {
    const ex = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' } as Exercise;
    const session = refusing({ states: { k1: { exercise: 'k1', status: 'open', count: 0, kudos: [] } } }, full.kudos);
    const target = show(KudosExercise, { session, ex });
    const box = target.querySelector<HTMLTextAreaElement>('#k-msg-k1')!;
    type(box, 'Thanks for the demo');
    await submit(box);
    expect(target.querySelector('[data-testid=send-error]')!.textContent).toBe('The wall is full: no more kudos can be added to it.');
    expect(box.value).toBe('Thanks for the demo');
  });
});

describe('an open text whose answers are full', () => {
  it('refusing an answer: says so, and not that what was typed is kept', async () => {
    const ex = { id: 'e2', kind: 'text', title: 'Ideas', status: 'open' } as Exercise;
    const target = show(VoteExercise, { session: refusing({ states: { e2: { responses: 0, minResponses: 3 } } }, full.text), ex });
    const box = target.querySelector('textarea')!;
    type(box, 'More demos');
    await submit(box);
    expect(target.querySelector('[data-testid=send-error]')!.textContent).toBe('The answers are full: this exercise cannot take any more text, so ask the facilitator.');
    expect(box.value).toBe('More demos');
  });
});

describe('a retro board full of text', () => {
  const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
  const retro = (phase: string) => {
    const view = {
      exercise: 'r1', status: 'open', phase, dots: 2, maxPerItem: 1, columns: columns.map((c) => ({ ...c, count: 0 })), written: 0,
      revealed: phase !== 'write', cards: [], groups: [], items: [], dotsShown: false, actions: [],
    };
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase, retro: { columns, dots: 2, maxPerItem: 1 } } as any;
    return show(RetroExercise, { session: refusing({ states: { r1: view }, mine: { r1: { cards: [] } } }, full.retro), ex });
  };

  // Its refusal says what may make it go: a deleted card, a shorter text.
  it.each([
    ['a card', 'write', '#card-r1', 'Pair more'],
    ['an action item', 'actions', '#act-r1', 'Book the demo room'],
  ])('refusing %s: says so, and that what was typed is kept, back in its field', async (_, phase, sel, text) => {
    const target = retro(phase);
    const field = target.querySelector<HTMLInputElement | HTMLTextAreaElement>(sel)!;
    type(field, text);
    await submit(field);
    expect(target.querySelector('[data-testid=send-error]')!.textContent)
      .toBe(`The board is full: the facilitator can make room by deleting cards, or you can shorten what you wrote. ${KEPT}`);
    expect(field.value).toBe(text);
  });
});

describe('keptAfter', () => {
  it('goes by the code, board_full, not by the words of the message', () => {
    expect(keptAfter(full.kudos)).toBe(false);
    expect(keptAfter(full.help('detail'))).toBe(false);
    // A retro's form: room can be made there.
    expect(keptAfter(full.retro, true)).toBe(true);
    // Whatever its words, a field's bad value is mended and sent again.
    expect(keptAfter(new CommandError('invalid', 'the board is full: of ideas', 'text'))).toBe(true);
    expect(keptAfter(new CommandError('board_full', 'worded some other way', 'text'))).toBe(false);
    expect(keptAfter(new CommandError('already_answered', 'you have answered already'), true)).toBe(false);
    expect(keptAfter(null)).toBe(true);
  });
});
