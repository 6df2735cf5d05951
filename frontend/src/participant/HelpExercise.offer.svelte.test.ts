import { afterEach, describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import HelpExercise from './HelpExercise.svelte';
import { emptyState } from '../lib/reducer';
import type { Exercise, HelpRequestView, HelpView } from '../lib/types';

// Ann asked for help; Ben's phone offers, Ann's accepts or withdraws.
const ex: Exercise = { id: 'h1', kind: 'help', title: 'Help wanted', status: 'open' } as Exercise;
const req = (more: Partial<HelpRequestView> = {}): HelpRequestView =>
  ({ id: 'r1', title: 'Flaky Go tests', tags: [], status: 'open', anonymous: false, authorName: 'Ann', offers: [], ...more });
const board = (...requests: HelpRequestView[]): HelpView => ({ exercise: 'h1', status: 'open', counts: { open: 1, matched: 0, resolved: 0 }, requests });

function phone(mine: { requests: string[]; offers: string[] }, view: HelpView) {
  const sent: { type: string; data: any; ack: () => void }[] = [];
  const session = $state({
    state: { ...emptyState(), states: { h1: view }, mine: { h1: { ...mine, paired: [] } } } as any,
    status: 'online',
    send: (type: string, data: any) => new Promise<void>((ack) => sent.push({ type, data, ack: () => ack() })),
  });
  const target = show(HelpExercise, { session, ex });
  const update = (v: HelpView, m = mine) => {
    session.state = { ...session.state, states: { h1: v }, mine: { h1: { ...m, paired: [] } } };
  };
  return { target, sent, update };
}
const type = (el: HTMLInputElement | HTMLTextAreaElement, v: string) => {
  el.value = v;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
};
const button = (target: HTMLElement, name: string) => [...target.querySelectorAll('button')].find((b) => b.textContent === name) as HTMLButtonElement;

afterEach(() => sessionStorage.clear());

describe('an offer of help', () => {
  it('is written in a box of several lines that says how much of its limit is used, and gets the focus', async () => {
    const { target } = phone({ requests: [], offers: [] }, board(req()));
    button(target, 'Offer help').click();
    await settle();
    const field = target.querySelector('#offer-r1') as HTMLTextAreaElement;
    expect(field.tagName).toBe('TEXTAREA');
    expect(document.activeElement).toBe(field);
    type(field, 'x'.repeat(450));
    const count = target.querySelector('[data-testid=char-count]')!;
    expect(count.textContent).toMatch(/^450 \/ \d+$/);
    expect(field.getAttribute('aria-describedby')).toBe(count.id);
  });

  it('cancelled: the focus goes back to "Offer help"', async () => {
    const { target } = phone({ requests: [], offers: [] }, board(req()));
    button(target, 'Offer help').click();
    await settle();
    button(target, 'Cancel').click();
    await settle();
    expect(target.querySelector('#offer-r1')).toBeNull();
    expect(document.activeElement).toBe(button(target, 'Offer help'));
  });

  it('sent: the focus goes to what says it was made, once the board shows it', async () => {
    const { target, sent, update } = phone({ requests: [], offers: [] }, board(req()));
    button(target, 'Offer help').click();
    await settle();
    type(target.querySelector('#offer-r1') as HTMLTextAreaElement, 'I can pair on Thursday');
    const send = button(target, 'Send offer');
    send.focus();
    send.click();
    flushSync();
    expect(sent.at(-1)).toMatchObject({ type: 'help.offer', data: { request: 'r1', message: 'I can pair on Thursday' } });
    sent.at(-1)!.ack();
    await settle();
    update(board(req({ offers: [{ id: 'o1', helperName: 'Ben', message: 'I can pair on Thursday', accepted: false }] })), { requests: [], offers: ['o1'] });
    await settle();
    expect(document.activeElement).toBe(target.querySelector('[data-testid=my-offer]'));
  });

  it('sent by keyboard: "Send offer" keeps the focus while it sends, busy, and ignores a second press', async () => {
    const { target, sent } = phone({ requests: [], offers: [] }, board(req()));
    button(target, 'Offer help').click();
    await settle();
    type(target.querySelector('#offer-r1') as HTMLTextAreaElement, 'I can pair on Thursday');
    const send = button(target, 'Send offer');
    send.focus();
    send.click();
    await settle();
    const busy = button(target, 'Sending…');
    expect(busy.disabled).toBe(false);
    expect(busy.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(busy);
    busy.click();
    await settle();
    expect(sent).toHaveLength(1);
  });

  it('being written comes back after a reload, and not once sent', async () => {
    const first = phone({ requests: [], offers: [] }, board(req()));
    button(first.target, 'Offer help').click();
    await settle();
    type(first.target.querySelector('#offer-r1') as HTMLTextAreaElement, 'I ran this for years');
    first.target.remove();
    const again = phone({ requests: [], offers: [] }, board(req()));
    expect((again.target.querySelector('#offer-r1') as HTMLTextAreaElement | null)?.value).toBe('I ran this for years');
    button(again.target, 'Send offer').click();
    flushSync();
    expect(again.sent).toHaveLength(1);
    const third = phone({ requests: [], offers: [] }, board(req()));
    expect(third.target.querySelector('#offer-r1')).toBeNull();
  });
});

describe('the requester', () => {
  it('accepting: the focus goes to the pair, once the board shows it', async () => {
    const offered = req({ offers: [{ id: 'o1', helperName: 'Ben', message: 'me', accepted: false }] });
    const { target, sent, update } = phone({ requests: ['r1'], offers: [] }, board(offered));
    const accept = button(target, 'Accept this offer');
    accept.focus();
    accept.click();
    flushSync();
    expect(sent.at(-1)).toMatchObject({ type: 'help.accept', data: { request: 'r1', offer: 'o1' } });
    sent.at(-1)!.ack();
    await settle();
    update(board(req({ status: 'matched', offers: [{ id: 'o1', helperName: 'Ben', message: 'me', accepted: true }] })), { requests: ['r1'], offers: [] });
    await settle();
    expect(document.activeElement?.className).toMatch(/notice/);
    expect(document.activeElement?.textContent).toMatch(/paired with Ben/);
  });

  it('withdrawing: the focus goes to "Ask for help", not to the top of the page', async () => {
    const { target, sent, update } = phone({ requests: ['r1'], offers: [] }, board(req()));
    const withdraw = button(target, 'Withdraw');
    withdraw.focus();
    withdraw.click();
    flushSync();
    sent.at(-1)!.ack();
    await settle();
    update(board(), { requests: ['r1'], offers: [] });
    await settle();
    expect(document.activeElement?.id).toBe('h-ask-h1');
  });
});

describe('a next step being written', () => {
  it('shows its hint whole on two lines, Enter saves it, and it comes back after a reload', () => {
    const accepted = () => req({ status: 'matched', offers: [{ id: 'o1', helperName: 'Ben', message: 'me', accepted: true }] });
    const first = phone({ requests: [], offers: ['o1'] }, board(accepted()));
    const field = first.target.querySelector('#step-o1') as HTMLTextAreaElement;
    expect(field.tagName).toBe('TEXTAREA');
    expect(field.getAttribute('rows')).toBe('2');
    type(field, 'Thursday\n14:00');
    expect(field.value).toBe('Thursday 14:00');
    first.target.remove();
    const again = phone({ requests: [], offers: ['o1'] }, board(accepted()));
    const kept = again.target.querySelector('#step-o1') as HTMLTextAreaElement;
    expect(kept.value).toBe('Thursday 14:00');
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    kept.dispatchEvent(enter);
    flushSync();
    expect(enter.defaultPrevented).toBe(true);
    expect(again.sent.at(-1)).toMatchObject({ type: 'help.step', data: { offer: 'o1', text: 'Thursday 14:00' } });
  });
});

describe('long names on the help board', () => {
  it('are wrapped as user text: who asked, who helps, who is helped (one long word broke out of a 320 px phone)', () => {
    const long = 'Maximilianalexandervonhohenzollernsigmar';
    const accepted = req({ status: 'matched', authorName: long, offers: [{ id: 'o1', helperName: long, message: 'me', accepted: true }] });
    const asker = phone({ requests: ['r1'], offers: [] }, board(accepted)).target;
    const helper = phone({ requests: [], offers: ['o1'] }, board(accepted)).target;
    const holding = (t: HTMLElement) => [...t.querySelectorAll('p')].filter((p) => p.textContent!.includes(long) && !p.querySelector('.user-text'));
    expect(holding(asker).length).toBeGreaterThan(0);
    expect(holding(helper).length).toBeGreaterThan(0);
    for (const p of [...holding(asker), ...holding(helper)]) expect(p.classList.contains('user-text')).toBe(true);
  });
});
