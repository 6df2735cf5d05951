import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import VoteExercise from './VoteExercise.svelte';
import { emptyState } from '../lib/reducer';
import { CommandError } from '../lib/client';
import type { Exercise } from '../lib/types';

let target: HTMLElement;
let app: any;
afterEach(() => {
  unmount(app);
  target.remove();
});

/** An open poll of two options mounted with props that can change
 *  (the session's state, the exercise), answers sent with send. */
function mountPoll(send: (...args: any[]) => Promise<unknown> = vi.fn()) {
  const props = $state({
    session: { state: { ...emptyState(), states: { e1: { responses: 0, minResponses: 3 } } }, status: 'online', send } as any,
    ex: {
      id: 'e1', kind: 'poll', title: 'Lunch', status: 'open',
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'o1', label: 'Pizza' }, { id: 'o2', label: 'Soup' }] }],
    } as Exercise,
  });
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(VoteExercise, { target, props });
  flushSync();
  return props;
}

describe('VoteExercise when the exercise closes', () => {
  it('says an answer the server refused was not counted, instead of thanking', async () => {
    let fail!: (e: Error) => void;
    const send = vi.fn(() => new Promise((_, reject) => (fail = reject)));
    const props = mountPoll(send);
    (target.querySelector('input[value=o1]') as HTMLInputElement).click();
    flushSync();
    [...target.querySelectorAll('button')].find((b) => b.textContent!.includes('Send answer'))!.click();
    flushSync();
    // The facilitator closes the exercise before the answer arrives.
    props.ex = { ...props.ex, status: 'closed' };
    fail(new CommandError('wrong_status', 'this exercise is not open for answers'));
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    const text = target.textContent!.replace(/\s+/g, ' ');
    expect(target.querySelector('[data-testid=not-counted]')).not.toBeNull();
    expect(text).toContain('Your answer was not counted');
    expect(text).not.toContain('Thank you');
  });

  // Sent offline, the answer reached a vote already showing its results:
  // "Your answer was not counted, and this exercise is now closed. This
  // exercise is not open right now." said the same thing twice.
  it('says once, plainly, that an answer that came after the close was not counted', async () => {
    let fail!: (e: Error) => void;
    const send = vi.fn(() => new Promise((_, reject) => (fail = reject)));
    const props = mountPoll(send);
    (target.querySelector('input[value=o1]') as HTMLInputElement).click();
    flushSync();
    [...target.querySelectorAll('button')].find((b) => b.textContent!.includes('Send answer'))!.click();
    flushSync();
    props.ex = { ...props.ex, status: 'results' };
    fail(new CommandError('wrong_status', 'this exercise is not open for answers'));
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    const said = target.querySelector('[data-testid=not-counted]')!.textContent!.trim();
    expect(said).toBe('Your answer was not counted: voting had closed before it arrived.');
  });

  // Refused for another reason (too long, say) as the vote closed: why,
  // and that it cannot be sent again.
  it('says why an answer refused otherwise was not counted, and that voting has closed', async () => {
    let fail!: (e: Error) => void;
    const send = vi.fn(() => new Promise((_, reject) => (fail = reject)));
    const props = mountPoll(send);
    (target.querySelector('input[value=o1]') as HTMLInputElement).click();
    flushSync();
    [...target.querySelectorAll('button')].find((b) => b.textContent!.includes('Send answer'))!.click();
    flushSync();
    props.ex = { ...props.ex, status: 'closed' };
    fail(new CommandError('invalid', 'no such option'));
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    const said = target.querySelector('[data-testid=not-counted]')!.textContent!.trim();
    expect(said).toMatch(/^Your answer was not counted\. .+ Voting has now closed\.$/);
    expect(said.match(/closed/g)).toHaveLength(1);
  });

  it('shows an answer sent before a reload as answered once the server takes it', () => {
    const session = $state({ state: { ...emptyState(), states: { e1: { responses: 0, minResponses: 3 } } }, status: 'online', send: vi.fn() } as any);
    const ex = {
      id: 'e1', kind: 'poll', title: 'Lunch', status: 'open',
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'o1', label: 'Pizza' }, { id: 'o2', label: 'Soup' }] }],
    } as Exercise;
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(VoteExercise, { target, props: { session, ex } });
    flushSync();
    expect(target.querySelector('button[type=submit]')).not.toBeNull();
    // The restored command's ack records the ballot (reducer applyAck).
    session.state = { ...session.state, mine: { e1: { answers: { q1: { choices: ['o1'] } } } } };
    flushSync();
    expect(target.querySelector('button[type=submit]')).toBeNull();
    expect(target.querySelector('[data-testid=answered]')).not.toBeNull();
  });
});

describe('VoteExercise when an answer arrives from elsewhere', () => {
  // Answered in another tab or on another device while this form is open:
  // the form goes, and the focus that was in it goes to the confirmation,
  // not to the top of the page.
  it('moves the focus from the form to the confirmation', () => {
    const props = mountPoll();
    (target.querySelector('input[value=o1]') as HTMLInputElement).focus();
    expect(target.querySelector('form')!.contains(document.activeElement)).toBe(true);
    props.session.state.mine = { e1: { answers: { q1: { choices: ['o2'] } } } };
    flushSync();
    expect(target.querySelector('form')).toBeNull();
    expect(document.activeElement).toBe(target.querySelector('[data-testid=answered]'));
  });
});
