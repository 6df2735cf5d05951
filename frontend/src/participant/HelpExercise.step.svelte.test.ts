import { afterEach, describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import HelpExercise from './HelpExercise.svelte';
import { emptyState } from '../lib/reducer';
import type { Exercise, HelpView } from '../lib/types';

// One request, Ann's, with Ben's offer accepted: each phone sees the
// board and knows which of it is theirs.
const ex: Exercise = { id: 'h1', kind: 'help', title: 'Help wanted', status: 'open' } as Exercise;
const board = (step?: string): HelpView => ({
  exercise: 'h1', status: 'open', counts: { open: 0, matched: 1, resolved: 0 },
  requests: [{ id: 'r1', title: 'Flaky Go tests', tags: [], status: 'matched', anonymous: false, authorName: 'Ann',
    offers: [{ id: 'o1', helperName: 'Ben', message: 'I can pair', accepted: true, ...(step ? { step } : {}) }] }],
});

/** A phone's help board: the asker's or the helper's. Commands are
 *  answered when the test says, the board changed by the test. */
function phone(who: 'asker' | 'helper', step?: string) {
  const sent: { type: string; data: any; ack: () => void }[] = [];
  const mine = who === 'asker' ? { requests: ['r1'], offers: [], paired: [] } : { requests: [], offers: ['o1'], paired: [] };
  const session = $state({
    state: { ...emptyState(), states: { h1: board(step) }, mine: { h1: mine } } as any,
    status: 'online',
    send: (type: string, data: any) => new Promise<void>((ack) => sent.push({ type, data, ack: () => ack() })),
  });
  const target = show(HelpExercise, { session, ex });
  const setStep = (s: string) => (session.state = { ...session.state, states: { h1: board(s) } });
  return { target, sent, setStep };
}
const type = (el: HTMLInputElement, v: string) => {
  el.value = v;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
};

// What is typed is kept for a reload (lib/drafts.ts): each test's own.
afterEach(() => sessionStorage.clear());

describe('the next step of a pair', () => {
  it('is shown to the asker once the helper saved it, with no empty field that would replace it', () => {
    const { target } = phone('asker', 'Pair on Tuesday at 10');
    expect(target.querySelector('[data-testid=next-step]')?.textContent).toBe('Pair on Tuesday at 10');
    expect(target.querySelector('#step-o1')).toBeNull();
    expect(target.querySelector('#step-edit-o1')?.getAttribute('aria-label')).toBe('Edit the next step');
  });

  it('is changed deliberately: Edit opens it filled in, Save sends it, the focus goes back to Edit', async () => {
    const { target, sent, setStep } = phone('asker', 'Pair on Tuesday at 10');
    const edit = target.querySelector('#step-edit-o1') as HTMLButtonElement;
    edit.focus();
    edit.click();
    await settle();
    const field = target.querySelector('#step-o1') as HTMLInputElement;
    expect(field.value).toBe('Pair on Tuesday at 10');
    expect(document.activeElement).toBe(field);
    type(field, 'Pair on Wednesday at 10');
    field.form!.dispatchEvent(new Event('submit', { cancelable: true }));
    flushSync();
    expect(sent.at(-1)).toMatchObject({ type: 'help.step', data: { request: 'r1', offer: 'o1', text: 'Pair on Wednesday at 10' } });
    // The ack, then the board.
    sent.at(-1)!.ack();
    await settle();
    setStep('Pair on Wednesday at 10');
    await settle();
    expect(target.querySelector('#step-o1')).toBeNull();
    expect(target.querySelector('[data-testid=next-step]')?.textContent).toBe('Pair on Wednesday at 10');
    expect(document.activeElement).toBe(target.querySelector('#step-edit-o1'));
  });

  it('the first one: the form goes once saved, and the focus waits for the board to show the step', async () => {
    const { target, sent, setStep } = phone('helper');
    const field = target.querySelector('#step-o1') as HTMLInputElement;
    expect(field.value).toBe('');
    type(field, 'Pair on Tuesday at 10');
    field.focus();
    field.form!.dispatchEvent(new Event('submit', { cancelable: true }));
    flushSync();
    sent.at(-1)!.ack();
    await settle();
    setStep('Pair on Tuesday at 10');
    await settle();
    expect(target.querySelector('#step-o1')).toBeNull();
    expect(target.querySelector('[data-testid=next-step]')?.textContent).toBe('Pair on Tuesday at 10');
    expect(document.activeElement).toBe(target.querySelector('#step-edit-o1'));
  });

  it('Escape or Cancel leaves the agreed step as it was', async () => {
    const { target, sent } = phone('helper', 'Pair on Tuesday at 10');
    (target.querySelector('#step-edit-o1') as HTMLButtonElement).click();
    await settle();
    const field = target.querySelector('#step-o1') as HTMLInputElement;
    type(field, 'Never mind');
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    await settle();
    expect(target.querySelector('#step-o1')).toBeNull();
    expect(document.activeElement).toBe(target.querySelector('#step-edit-o1'));
    (target.querySelector('#step-edit-o1') as HTMLButtonElement).click();
    await settle();
    expect((target.querySelector('#step-o1') as HTMLInputElement).value).toBe('Pair on Tuesday at 10');
    [...target.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!.click();
    await settle();
    expect(target.querySelector('#step-o1')).toBeNull();
    expect(sent).toHaveLength(0);
  });

  it('saved by the other while one is typing a first one: shown, and what is typed stays', async () => {
    const { target, setStep } = phone('asker');
    type(target.querySelector('#step-o1') as HTMLInputElement, 'Meet on Mon');
    setStep('Pair on Tuesday at 10');
    await settle();
    expect(target.querySelector('[data-testid=next-step]')?.textContent).toBe('Pair on Tuesday at 10');
    expect((target.querySelector('#step-o1') as HTMLInputElement).value).toBe('Meet on Mon');
  });

  it('with two helpers, each step being written keeps its form when the other helper saves theirs', async () => {
    const two = (steps: Record<string, string>): HelpView => ({
      exercise: 'h1', status: 'open', counts: { open: 0, matched: 1, resolved: 0 },
      requests: [{ id: 'r1', title: 'Flaky Go tests', tags: [], status: 'matched', anonymous: false, authorName: 'Ann',
        offers: ['o1', 'o2'].map((id) => ({ id, helperName: id === 'o1' ? 'Ben' : 'Cy', message: 'I can pair', accepted: true, ...(steps[id] ? { step: steps[id] } : {}) })) }],
    });
    const session = $state({
      state: { ...emptyState(), states: { h1: two({}) }, mine: { h1: { requests: ['r1'], offers: [], paired: [] } } } as any,
      status: 'online',
      send: () => new Promise<void>(() => {}),
    });
    const target = show(HelpExercise, { session, ex });
    type(target.querySelector('#step-o1') as HTMLInputElement, 'Mon with Ben');
    type(target.querySelector('#step-o2') as HTMLInputElement, 'Tue with Cy');
    session.state = { ...session.state, states: { h1: two({ o1: 'Pair on Wednesday' }) } };
    await settle();
    expect((target.querySelector('#step-o1') as HTMLInputElement | null)?.value).toBe('Mon with Ben');
    expect((target.querySelector('#step-o2') as HTMLInputElement | null)?.value).toBe('Tue with Cy');
  });

  it('Cancel waits while a changed step is being saved', async () => {
    const { target } = phone('asker', 'Pair on Tuesday at 10');
    (target.querySelector('#step-edit-o1') as HTMLButtonElement).click();
    await settle();
    const field = target.querySelector('#step-o1') as HTMLInputElement;
    type(field, 'Pair on Wednesday');
    field.form!.dispatchEvent(new Event('submit', { cancelable: true }));
    flushSync();
    const cancel = [...target.querySelectorAll('button')].find((b) => b.textContent === 'Cancel') as HTMLButtonElement;
    expect(cancel.getAttribute('aria-disabled')).toBe('true');
    expect(cancel.disabled).toBe(false); // busy, not disabled: the focus stays on what has it
    cancel.click();
    await settle();
    expect(target.querySelector('#step-o1')).not.toBeNull();
  });

  it('Save keeps the focus while the step is sent, and is not sent twice', async () => {
    const { target, sent } = phone('asker', 'Pair on Tuesday at 10');
    (target.querySelector('#step-edit-o1') as HTMLButtonElement).click();
    await settle();
    type(target.querySelector('#step-o1') as HTMLInputElement, 'Pair on Wednesday');
    const save = target.querySelector('form.step button[type=submit]') as HTMLButtonElement;
    save.focus();
    save.click();
    await settle();
    expect(save.disabled).toBe(false);
    expect(save.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(save);
    save.click();
    await settle();
    expect(sent.filter((c) => c.type === 'help.step')).toHaveLength(1);
  });
});
