import { beforeAll, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { cutBy, watchPastes } from './pastecut';
import { emptyState } from './reducer';
import JoinForm from '../participant/JoinForm.svelte';
import KudosExercise from '../participant/KudosExercise.svelte';
import RetroExercise from '../participant/RetroExercise.svelte';
import RetroControl from '../host/RetroControl.svelte';

beforeAll(() => watchPastes());

const field = (html: string, value = '', sel?: [number, number]) => {
  const box = document.createElement('div');
  box.innerHTML = html;
  const f = box.firstElementChild as HTMLInputElement;
  f.value = value;
  if (sel) f.setSelectionRange(...sel);
  return f;
};

/** Pastes text into f as a browser does: the paste event, then (unless a handler took it) the text cut at maxlength. */
function paste(f: HTMLInputElement | HTMLTextAreaElement, text: string) {
  const clipboardData = new DataTransfer();
  clipboardData.setData('text/plain', text);
  f.focus();
  const go = f.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true, composed: true }));
  if (!go) return;
  const room = f.maxLength - f.value.length;
  f.value += text.slice(0, Math.max(room, 0));
  f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  flushSync();
}
const announced = () => new Promise((r) => setTimeout(r, 150));
const notice = (root: ParentNode) => root.querySelector<HTMLElement>('.paste-cut');

describe('cutBy: what the browser keeps of a paste past maxlength', () => {
  it('counts the room left, a selection being replaced', () => {
    expect(cutBy(field('<textarea maxlength="10"></textarea>'), 'x'.repeat(15))).toEqual({ kept: 10, left: 5 });
    expect(cutBy(field('<textarea maxlength="10"></textarea>', 'abcdefgh', [2, 6]), 'x'.repeat(7))).toEqual({ kept: 6, left: 1 });
    expect(cutBy(field('<input maxlength="10">', 'abcdefgh'), 'xy')).toBeUndefined();
    expect(cutBy(field('<input maxlength="10">', 'abcdefghij'), 'xy')).toEqual({ kept: 0, left: 2 });
    expect(cutBy(field('<input>'), 'x'.repeat(5000))).toBeUndefined();
  });

  it('counts maxlength in UTF-16 units as the browser does, and says characters in code points as the server does', () => {
    // 😀 is two UTF-16 units: 5 units hold two of them, never half of the third.
    expect(cutBy(field('<textarea maxlength="5"></textarea>'), '😀😀😀')).toEqual({ kept: 2, left: 1 });
    expect(cutBy(field('<textarea maxlength="6"></textarea>'), '😀😀😀')).toBeUndefined();
  });

  it('folds line breaks as the field does', () => {
    // A one-line field drops the trailing ones and makes the others spaces.
    expect(cutBy(field('<input maxlength="7">'), 'abc\r\ndef\r\n\n')).toBeUndefined();
    expect(cutBy(field('<input maxlength="6">'), 'abc\r\ndef\n')).toEqual({ kept: 6, left: 1 });
    // A textarea keeps each as one \n.
    expect(cutBy(field('<textarea maxlength="5"></textarea>'), 'ab\r\ncd')).toBeUndefined();
    expect(cutBy(field('<textarea maxlength="4"></textarea>'), 'ab\r\ncd')).toEqual({ kept: 4, left: 1 });
  });
});

describe('a pasted text cut at a field’s maxlength is said next to the field', () => {
  it('in the join form: after the field, announced, gone at the next edit', async () => {
    const target = show(JoinForm, { code: '', onJoined: vi.fn() });
    const name = target.querySelector('#join-name') as HTMLInputElement;
    paste(name, 'n'.repeat(name.maxLength + 5));
    await announced();
    const n = notice(target)!;
    expect(n.textContent).toBe(`Pasted text was cut to ${name.maxLength} characters (5 left out).`);
    expect(n.getAttribute('aria-live')).toBe('polite');
    expect(name.nextElementSibling).toBe(n);
    name.value = name.value.slice(1);
    name.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'deleteContentBackward' }));
    expect(notice(target)).toBeNull();
  });

  it('a join link pasted into the room code gives its code, not its first 12 characters and a notice', async () => {
    const target = show(JoinForm, { code: '', onJoined: vi.fn() });
    const code = target.querySelector('#join-code') as HTMLInputElement;
    paste(code, 'Join the retro: http://192.168.1.20:8080/j/k7qx2m');
    await announced();
    expect(code.value).toBe('K7QX2M');
    expect(notice(target)).toBeNull();
    // Anything else pasted is the field's as before.
    code.value = '';
    paste(code, 'K7Q-X2M');
    expect(code.value).toBe('K7Q-X2M');
  });

  it('says nothing for a paste that fits', async () => {
    const target = show(JoinForm, { code: '', onJoined: vi.fn() });
    paste(target.querySelector('#join-name') as HTMLInputElement, 'Ann');
    await announced();
    expect(notice(target)).toBeNull();
  });

  it('in a retro card, whose form is not this change’s: the notice goes once the card is sent', async () => {
    const send = vi.fn(async () => ({}));
    const columns = [{ id: 'start', title: 'Start' }];
    const view = { exercise: 'r1', status: 'open', phase: 'write', dots: 2, maxPerItem: 1, columns: [{ id: 'start', title: 'Start', count: 0 }], written: 0,
      revealed: false, cards: [], groups: [], items: [], dotsShown: false, actions: [] };
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'write', retro: { columns, dots: 2, maxPerItem: 1 } };
    const target = show(RetroExercise, { session: { state: { ...emptyState(), states: { r1: view }, mine: { r1: { cards: [] } } }, status: 'online', send } as any, ex });
    const box = target.querySelector('#card-r1') as HTMLTextAreaElement;
    paste(box, 'w'.repeat(box.maxLength) + '😀'.repeat(45));
    await announced();
    expect(notice(target)!.textContent).toBe(`Pasted text was cut to ${box.maxLength} characters (45 left out).`);
    // The counter says the same field is full.
    expect(target.querySelector('[data-testid=char-count]')!.textContent).toBe(`${box.maxLength} / ${box.maxLength}`);
    box.form!.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(notice(target)).toBeNull();
    sessionStorage.clear();
  });

  it('in a full kudos message: the pasted text was left out', async () => {
    const ex = { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' };
    const state = { ...emptyState(), states: { k1: { exercise: 'k1', status: 'open', count: 0, kudos: [] } } };
    const target = show(KudosExercise, { session: { state, status: 'online', send: vi.fn() } as any, ex });
    const box = target.querySelector('#k-msg-k1') as HTMLTextAreaElement;
    box.value = 'k'.repeat(box.maxLength);
    box.dispatchEvent(new Event('input'));
    paste(box, 'more');
    await announced();
    expect(notice(target)!.textContent).toBe('This field is full: the pasted text was left out.');
  });

  it('in the console’s action row: the notice goes with the field', async () => {
    const view = { exercise: 'x1', status: 'open', phase: 'actions', dots: 3, maxPerItem: 2, columns: [{ id: 'stop', title: 'Stop', count: 0 }], written: 0,
      revealed: true, cards: [], groups: [], items: [], dotsShown: true, actions: [] };
    const session = $state({ state: { ...emptyState(), states: { x1: view } } as any, status: 'online', send: async () => ({}) });
    const ex = $state({ id: 'x1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'actions', retro: { columns: [{ id: 'stop', title: 'Stop' }] } } as any);
    const target = show(RetroControl, { session, ex });
    const owner = target.querySelector('#ro-x1') as HTMLInputElement;
    paste(owner, 'o'.repeat(owner.maxLength + 1));
    await announced();
    expect(notice(target)!.textContent).toBe(`Pasted text was cut to ${owner.maxLength} characters (1 left out).`);
    expect(notice(owner.form!)).not.toBeNull();
    // A paste the page took over itself was not cut by the browser.
    const box = target.querySelector('#ra-x1') as HTMLInputElement;
    box.addEventListener('paste', (e) => e.preventDefault(), { once: true });
    paste(box, 'a'.repeat(box.maxLength + 1));
    await announced();
    expect(notice(target)).toBeNull();
  });
});
