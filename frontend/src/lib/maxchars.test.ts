import { afterEach, describe, expect, it } from 'vitest';
import { chars, maxChars } from './maxchars';
import { cutBy } from './pastecut';

const fields: HTMLElement[] = [];
afterEach(() => {
  for (const f of fields.splice(0)) f.remove();
});
function field<T extends 'input' | 'textarea'>(tag: T, max: number, value = '') {
  const f = document.body.appendChild(document.createElement(tag));
  fields.push(f);
  f.value = value;
  const action = maxChars(f, max);
  return { f, action };
}

/** Types s as a browser does under maxlength: each character, if the units left take it. */
function type(f: HTMLInputElement | HTMLTextAreaElement, s: string) {
  for (const ch of s) {
    f.dispatchEvent(new KeyboardEvent('keydown', { key: ch, bubbles: true }));
    if (f.value.length + ch.length > f.maxLength) continue; // refused
    const at = f.selectionStart ?? f.value.length;
    f.value = f.value.slice(0, at) + ch + f.value.slice(f.selectionEnd ?? at);
    f.setSelectionRange(at + ch.length, at + ch.length);
    f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ch }));
  }
}

/** Pastes s as a browser does: the paste event, then the text, its line breaks folded, cut at maxlength (never inside a surrogate pair). */
function paste(f: HTMLInputElement | HTMLTextAreaElement, s: string) {
  const clipboardData = new DataTransfer();
  clipboardData.setData('text/plain', s);
  f.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true, composed: true }));
  s = s.replace(/\r\n?/g, '\n');
  if (f instanceof HTMLInputElement) s = s.replace(/\n+$/, '').replace(/\n/g, ' ');
  const start = f.selectionStart!, end = f.selectionEnd!;
  let room = Math.max(f.maxLength - f.value.length + (end - start), 0);
  if (room && /[\uD800-\uDBFF]/.test(s[room - 1])) room--;
  const kept = s.slice(0, room);
  f.value = f.value.slice(0, start) + kept + f.value.slice(end);
  f.setSelectionRange(start + kept.length, start + kept.length);
  f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
}

/** Drops s at the caret as a browser does: the drop event, then the text cut at maxlength. Dragged
 *  from within the field (from: its selection), the selection leaves first (deleteByDrag). */
function drop(f: HTMLInputElement | HTMLTextAreaElement, s: string, at: number, from?: [number, number]) {
  const dataTransfer = new DataTransfer();
  dataTransfer.setData('text/plain', s);
  if (from) {
    f.setSelectionRange(from[0], from[1]);
    f.dispatchEvent(new Event('dragstart', { bubbles: true }));
  }
  const e = new Event('drop', { bubbles: true, cancelable: true });
  Object.defineProperty(e, 'dataTransfer', { value: dataTransfer });
  f.dispatchEvent(e);
  if (from) {
    f.value = f.value.slice(0, from[0]) + f.value.slice(from[1]);
    f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'deleteByDrag' }));
    if (at > from[0]) at -= from[1] - from[0];
  }
  let room = Math.max(f.maxLength - f.value.length, 0);
  if (room && /[\uD800-\uDBFF]/.test(s[room - 1])) room--;
  const kept = s.slice(0, room);
  f.value = f.value.slice(0, at) + kept + f.value.slice(at);
  f.setSelectionRange(at + kept.length, at + kept.length);
  f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromDrop' }));
  f.dispatchEvent(new Event('dragend', { bubbles: true }));
}

describe('chars', () => {
  it('counts code points, as the server and CharCount do', () => {
    expect(chars('')).toBe(0);
    expect(chars('abc')).toBe(3);
    expect(chars('😀a😀')).toBe(3);
    expect(chars('é')).toBe(1);
    expect(chars('\uD83D')).toBe(1); // a lone surrogate is one, as [...s] counts it
    for (const s of ['👍🏽 ok', '𝒜𝒷𝒸', 'plain text', '']) expect(chars(s)).toBe([...s].length);
  });
});

describe('maxChars: a field limited in characters, not UTF-16 units', () => {
  it('leaves plain text as maxlength did: typing stops at max', () => {
    const { f } = field('input', 5);
    expect(f.maxLength).toBe(5);
    f.focus();
    type(f, 'abcdefgh');
    expect(f.value).toBe('abcde');
    expect(f.maxLength).toBe(5);
    f.blur();
    expect(f.maxLength).toBe(5);
  });

  it('lets emoji be typed up to exactly max characters, no further', () => {
    const { f } = field('textarea', 5);
    f.focus();
    type(f, '😀'.repeat(8));
    expect(f.value).toBe('😀'.repeat(5));
    expect(chars(f.value)).toBe(5);
    expect(f.value.length).toBe(10); // twice what maxlength={5} let in
    expect(f.maxLength).toBe(10);
  });

  it('lets a last emoji in after plain text, and mixed text reaches max too', () => {
    const { f } = field('input', 4);
    f.focus();
    type(f, 'abc😀x');
    expect(f.value).toBe('abc😀');
    f.value = '';
    f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'deleteContentBackward' }));
    type(f, 'a😀b👍c');
    expect(f.value).toBe('a😀b👍');
  });

  it('takes off again a second character inserted with the last one, before the caret', () => {
    const { f } = field('input', 4);
    const seen: string[] = [];
    f.addEventListener('input', () => seen.push(f.value));
    f.focus();
    type(f, 'abc');
    expect(f.maxLength).toBe(5); // room for an emoji
    // A keyboard's suggestion inserts two units at once, in the middle.
    f.value = 'aXYbc';
    f.setSelectionRange(3, 3);
    f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText' }));
    expect(f.value).toBe('aXbc');
    expect(f.selectionStart).toBe(2);
    // The page's binding was told the value it kept.
    expect(seen.at(-1)).toBe('aXbc');
    expect(f.maxLength).toBe(4);
  });

  // A family emoji is 7 code points (4 people and 3 joiners): a paste
  // cut inside one left a broken piece at the end.
  it('cuts a paste between emoji as people see them, never inside one', () => {
    const family = '👨‍👩‍👧‍👦';
    expect(chars(family)).toBe(7);
    const { f } = field('input', 20);
    f.focus();
    paste(f, family.repeat(3));
    expect(f.value).toBe(family.repeat(2));
    expect(chars(f.value)).toBe(14);
  });

  it('lets a paste in up to the characters left, emoji or not, and the paste notice counts the same', () => {
    const { f } = field('textarea', 6);
    f.focus();
    type(f, 'ab');
    paste(f, '😀😀😀😀😀');
    expect(f.value).toBe('ab😀😀😀😀');
    expect(chars(f.value)).toBe(6);

    const g = field('textarea', 6).f;
    g.focus();
    // What lib/pastecut.ts says, reading maxLength once the paste is sized.
    let said: ReturnType<typeof cutBy>;
    g.addEventListener('paste', (e) => (said = cutBy(g, e.clipboardData!.getData('text/plain'))));
    paste(g, 'x😀'.repeat(5));
    expect(g.value).toBe('x😀x😀x😀');
    expect(said!).toEqual({ kept: 6, left: 4 });
    // A paste that fits is not said to be cut.
    g.value = '';
    g.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'deleteContentBackward' }));
    paste(g, '😀😀😀😀😀😀');
    expect(g.value).toBe('😀😀😀😀😀😀');
    expect(said).toBeUndefined();
  });

  it('sizes a paste over a selection by what it replaces, and folds its line breaks as an input does', () => {
    const { f } = field('input', 5, '😀😀😀😀😀');
    f.focus();
    f.setSelectionRange(2, 6); // two emoji
    paste(f, 'a\r\nb\nc');
    expect(f.value).toBe('😀a 😀😀');
  });

  it('sets maxLength back when a handler took the paste over', async () => {
    const { f } = field('input', 5);
    f.focus();
    f.addEventListener('paste', (e) => e.preventDefault(), { once: true });
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', 'ab');
    f.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    expect(f.maxLength).toBe(2);
    await new Promise((r) => setTimeout(r));
    expect(f.maxLength).toBe(6);
  });

  // A drop was cut as maxlength counts, in UTF-16 units: five emoji
  // dropped into a field with room for four kept two.
  it('lets a drop in up to the characters left, wherever it lands', async () => {
    const { f } = field('textarea', 6, 'ab');
    drop(f, '😀😀😀😀😀', 1);
    expect(f.value).toBe('a😀😀😀😀b');
    expect(chars(f.value)).toBe(6);
    await new Promise((r) => setTimeout(r));
    expect(f.maxLength).toBe(10);
    // Full: a drop keeps nothing.
    drop(f, 'xyz', 0);
    expect(f.value).toBe('a😀😀😀😀b');
  });

  it('moves text within a full field whole, emoji and all', async () => {
    const { f } = field('input', 5, 'ab😀😀c');
    drop(f, '😀😀', 0, [2, 6]);
    expect(f.value).toBe('😀😀abc');
    await new Promise((r) => setTimeout(r));
    expect(f.maxLength).toBe(7);
  });

  it('counts a text the page set once the field is used, and does not cut one past the limit', () => {
    const { f } = field('textarea', 3);
    f.value = '😀😀';
    expect(f.maxLength).toBe(3); // not yet counted
    f.focus();
    expect(f.maxLength).toBe(6);
    f.blur();
    f.value = 'abcdef'; // a draft from when the limit was higher
    f.focus();
    type(f, 'g');
    expect(f.value).toBe('abcdef');
    f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
    expect(f.value).toBe('abcdef');
  });

  it('follows a new limit, and lets the field be once destroyed', () => {
    const { f, action } = field('input', 3, '😀');
    expect(f.maxLength).toBe(4);
    action.update!(10);
    expect(f.maxLength).toBe(11);
    action.destroy!();
    f.focus();
    f.value = 'x'.repeat(20);
    f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
    expect(f.value).toBe('x'.repeat(20));
  });
});
