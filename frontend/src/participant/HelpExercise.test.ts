import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import HelpExercise from './HelpExercise.svelte';
import { emptyState } from '../lib/reducer';
import { CommandError } from '../lib/client';
import type { Exercise, HelpView } from '../lib/types';

const ex: Exercise = { id: 'h1', kind: 'help', title: 'Help wanted', status: 'open' } as Exercise;
const board = (): HelpView => ({
  exercise: 'h1', status: 'open', counts: { open: 0, matched: 2, resolved: 0 },
  requests: [
    { id: 'r1', title: 'Go generics', tags: [], status: 'matched', anonymous: false, authorName: 'Ann', offers: [{ id: 'o1', helperName: 'Ben', message: 'me', accepted: true }] },
    { id: 'r2', title: 'Redis', tags: [], status: 'matched', anonymous: false, authorName: 'Ann', offers: [{ id: 'o2', helperName: 'Cy', message: 'me', accepted: true }] },
  ],
});

let target: HTMLElement;
let app: any;
afterEach(() => {
  unmount(app);
  target.remove();
  sessionStorage.clear();
});

function render(fail: CommandError) {
  const send = vi.fn(() => Promise.reject(fail));
  const state = { ...emptyState(), states: { h1: board() }, mine: { h1: { requests: ['r1', 'r2'], offers: [], paired: [] } } };
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(HelpExercise, { target, props: { session: { state, status: 'online', send } as any, ex } });
  flushSync();
  return send;
}
const settle = async () => {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
};
const input = (sel: string, v: string) => {
  const el = target.querySelector(sel) as HTMLInputElement;
  el.value = v;
  el.dispatchEvent(new Event('input'));
  flushSync();
  return el;
};
const errorsIn = (el: Element) => [...el.querySelectorAll('.error')].map((e) => e.textContent);

describe('HelpExercise errors', () => {
  it('shows a refused tag under the tags, not under the whole form', async () => {
    render(new CommandError('too_long', 'tags[1] is 30 characters; the limit is 24', 'tags[1]'));
    input('#h-title-h1', 'Go generics');
    const tags = input('#h-tags-h1', 'go, a-very-long-tag-that-goes-on');
    target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(tags.getAttribute('aria-invalid')).toBe('true');
    const err = document.getElementById(tags.getAttribute('aria-describedby')!.split(' ')[0])!;
    expect(err.textContent).toMatch(/too long|limit/);
    expect(target.querySelector('[data-testid=send-error]')).toBeNull();
    expect((target.querySelector('#h-title-h1') as HTMLInputElement).getAttribute('aria-invalid')).toBeNull();
  });

  it('shows a refused next step under that offer, not at the foot of the board', async () => {
    render(new CommandError('too_long', 'text is too long', 'text'));
    input('#step-o2', 'pair on Tuesday');
    (target.querySelector('#step-o2') as HTMLInputElement).form!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const cards = [...target.querySelectorAll('[data-testid=help-request]')];
    expect(errorsIn(cards[0])).toEqual([]);
    expect(errorsIn(cards[1])).toHaveLength(1);
    expect(target.querySelectorAll('.error')).toHaveLength(1);
  });
});

describe('HelpExercise offers', () => {
  // The asker can accept more than one offer ("You can accept more than
  // one offer"): the helper is not told the door is closed.
  it('tells a helper whose offer was not the one accepted that it may still be', () => {
    const send = vi.fn();
    const v = board();
    v.requests = [{ id: 'r9', title: 'Kubernetes', tags: [], status: 'matched', anonymous: false, authorName: 'Dee', offers: [{ id: 'o8', helperName: 'Eve', message: 'me', accepted: true }, { id: 'o9', helperName: 'Me', message: 'me too', accepted: false }] }];
    const state = { ...emptyState(), states: { h1: v }, mine: { h1: { requests: [], offers: ['o9'], paired: [] } } };
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(HelpExercise, { target, props: { session: { state, status: 'online', send } as any, ex } });
    flushSync();
    expect(target.querySelector('[data-testid=my-offer]')?.textContent).toBe('You offered help. Another offer was accepted; the person who asked may still accept yours too.');
  });
});

describe('a help request being written', () => {
  it('comes back after a reload with its anonymity, and not once sent', async () => {
    const send = vi.fn(() => new Promise(() => {})); // never answered: the page reloads first
    const state = { ...emptyState(), states: { h1: board() }, mine: { h1: { requests: [], offers: [], paired: [] } } };
    const mountIt = () => {
      target = document.createElement('div');
      document.body.appendChild(target);
      app = mount(HelpExercise, { target, props: { session: { state, status: 'online', send } as any, ex } });
      flushSync();
    };
    mountIt();
    input('#h-title-h1', 'Help with Go');
    const anon = target.querySelector('.ask input[type=checkbox]') as HTMLInputElement;
    anon.click();
    flushSync();
    unmount(app);
    target.remove();
    mountIt();
    expect((target.querySelector('#h-title-h1') as HTMLInputElement).value).toBe('Help with Go');
    expect((target.querySelector('.ask input[type=checkbox]') as HTMLInputElement).checked).toBe(true);
    target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    flushSync();
    expect(send).toHaveBeenCalledWith('help.request', expect.objectContaining({ anonymous: true, title: 'Help with Go' }));
    // Reloaded while sending: the stored command posts it; the form is empty.
    unmount(app);
    target.remove();
    mountIt();
    expect((target.querySelector('#h-title-h1') as HTMLInputElement).value).toBe('');
  });
});

describe('HelpExercise focus', () => {
  it('keeps the focus on the ask form once a request is posted', async () => {
    const send = vi.fn(() => Promise.resolve(undefined));
    const state = { ...emptyState(), states: { h1: board() }, mine: { h1: { requests: [], offers: [], paired: [] } } };
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(HelpExercise, { target, props: { session: { state, status: 'online', send } as any, ex } });
    flushSync();
    const title = input('#h-title-h1', 'Docker networking');
    title.focus();
    title.form!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    await settle();
    expect(send).toHaveBeenCalled();
    expect(document.activeElement?.id).toBe('h-ask-h1');
  });
});

describe("a help request's title", () => {
  function asking(send = vi.fn(() => Promise.resolve(undefined))) {
    const state = { ...emptyState(), states: { h1: board() }, mine: { h1: { requests: [], offers: [], paired: [] } } };
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(HelpExercise, { target, props: { session: { state, status: 'online', send } as any, ex } });
    flushSync();
    return send;
  }
  const count = () => target.querySelector('[data-testid=char-count]')?.textContent;

  it('says how much of its limit is used near the limit, for screen readers too', () => {
    asking();
    input('#h-title-h1', 'How do I');
    expect(count()).toBeUndefined();
    const title = input('#h-title-h1', 'x'.repeat(70));
    expect(count()).toBe('70 / 80');
    const counter = target.querySelector('[data-testid=char-count]')!;
    expect(title.getAttribute('aria-describedby')?.split(' ')).toContain(counter.id);
    expect(title.maxLength).toBe(80);
  });

  it('shows a long title on more than one line, and takes no new line: Enter posts it, a pasted one is a space', () => {
    const send = asking();
    const title = input('#h-title-h1', 'Flaky tests\nin CI');
    expect(title.tagName).toBe('TEXTAREA');
    expect(title.getAttribute('rows')).toBe('2');
    expect(title.value).toBe('Flaky tests in CI');
    const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    title.dispatchEvent(enter);
    flushSync();
    expect(enter.defaultPrevented).toBe(true);
    expect(send).toHaveBeenCalledWith('help.request', expect.objectContaining({ title: 'Flaky tests in CI' }));
  });
});
