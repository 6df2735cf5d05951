import { afterEach, describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import HelpExercise from './HelpExercise.svelte';
import { emptyState } from '../lib/reducer';
import type { Exercise, HelpRequestView, HelpView } from '../lib/types';

// Ann's phone on a help board: the "Ask for help" form is hers to open
// and close; typing in it, or someone else's request arriving, never
// folds it.
const ex: Exercise = { id: 'h1', kind: 'help', title: 'Help wanted', status: 'open' } as Exercise;
const req = (id: string, title: string, authorName: string): HelpRequestView =>
  ({ id, title, tags: [], status: 'open', anonymous: false, authorName, offers: [] });
const board = (...requests: HelpRequestView[]): HelpView =>
  ({ exercise: 'h1', status: 'open', counts: { open: requests.length, matched: 0, resolved: 0 }, requests });

function phone(myRequests: string[], view: HelpView) {
  const sent: { type: string; data: any; ack: () => void }[] = [];
  const session = $state({
    state: { ...emptyState(), states: { h1: view }, mine: { h1: { requests: myRequests, offers: [], paired: [] } } } as any,
    status: 'online',
    send: (type: string, data: any) => new Promise<void>((ack) => sent.push({ type, data, ack: () => ack() })),
  });
  const target = show(HelpExercise, { session, ex });
  const update = (v: HelpView, mine = myRequests) => {
    session.state = { ...session.state, states: { h1: v }, mine: { h1: { requests: mine, offers: [], paired: [] } } };
    flushSync();
  };
  return { target, sent, update };
}
const details = (target: HTMLElement) => target.querySelector('details.ask') as HTMLDetailsElement;
const summary = (target: HTMLElement) => target.querySelector('details.ask summary') as HTMLElement;
const title = (target: HTMLElement) => target.querySelector('#h-title-h1') as HTMLTextAreaElement;
// One keystroke: the field's value grows by a letter, then input.
const key = (el: HTMLTextAreaElement | HTMLInputElement, ch: string) => {
  el.value += ch;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
};

afterEach(() => sessionStorage.clear());

describe('the "Ask for help" form', () => {
  it('opened after a first request, stays open while a second is typed and others post', async () => {
    const mine = req('r1', 'Flaky Go tests', 'Ann');
    const { target, update } = phone(['r1'], board(mine));
    // Her first request is on the board: the form is folded.
    expect(details(target).open).toBe(false);
    summary(target).click();
    flushSync();
    await settle();
    expect(details(target).open).toBe(true);

    for (const ch of 'Second') key(title(target), ch);
    expect(details(target).open).toBe(true);
    expect(title(target).value).toBe('Second');

    // Someone else's request arrives.
    update(board(mine, req('r2', 'Redis cluster', 'Ben')));
    await settle();
    expect(details(target).open).toBe(true);
    key(target.querySelector('#h-detail-h1') as HTMLTextAreaElement, 'x');
    expect(details(target).open).toBe(true);
    expect(title(target).value).toBe('Second');
  });

  it('closed by the person, stays closed when others post; opens again when her requests are gone', async () => {
    const { target, update } = phone([], board());
    expect(details(target).open).toBe(true);
    summary(target).click();
    flushSync();
    await settle();
    expect(details(target).open).toBe(false);
    update(board(req('r2', 'Redis cluster', 'Ben')));
    await settle();
    expect(details(target).open).toBe(false);

    // Her own request folds it; withdrawing it opens it again.
    summary(target).click();
    await settle();
    const mine = req('r1', 'Flaky Go tests', 'Ann');
    update(board(req('r2', 'Redis cluster', 'Ben'), mine), ['r1']);
    await settle();
    expect(details(target).open).toBe(false);
    update(board(req('r2', 'Redis cluster', 'Ben')), []);
    await settle();
    expect(details(target).open).toBe(true);
  });

  it('folds once a second request is posted, the focus on its summary', async () => {
    const first = req('r1', 'Flaky Go tests', 'Ann');
    const { target, sent, update } = phone(['r1'], board(first));
    summary(target).click();
    await settle();
    for (const ch of 'Second') key(title(target), ch);
    const post = [...target.querySelectorAll('.ask button')].find((b) => b.textContent === 'Post request') as HTMLButtonElement;
    post.focus();
    post.click();
    flushSync();
    expect(sent.at(-1)).toMatchObject({ type: 'help.request', data: { title: 'Second' } });
    sent.at(-1)!.ack();
    await settle();
    update(board(first, req('r3', 'Second', 'Ann')), ['r1', 'r3']);
    await settle();
    expect(details(target).open).toBe(false);
    expect(document.activeElement?.id).toBe('h-ask-h1');
  });

  it('being written when the page reloads, comes back unfolded', async () => {
    const first = req('r1', 'Flaky Go tests', 'Ann');
    const one = phone(['r1'], board(first));
    summary(one.target).click();
    await settle();
    for (const ch of 'Sec') key(title(one.target), ch);
    one.target.remove();
    const two = phone(['r1'], board(first));
    expect(details(two.target).open).toBe(true);
    expect(title(two.target).value).toBe('Sec');
  });
});

describe('posting a request by keyboard', () => {
  it('"Post" keeps the focus while it sends, busy, not disabled', async () => {
    const { target, sent } = phone([], board());
    details(target).open = true;
    details(target).dispatchEvent(new Event('toggle'));
    flushSync();
    key(title(target), 'H');
    const post = target.querySelector('details.ask button[type=submit]') as HTMLButtonElement;
    post.focus();
    post.click();
    await settle();
    expect(sent).toHaveLength(1);
    expect(post.disabled).toBe(false);
    expect(post.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(post);
  });
});
