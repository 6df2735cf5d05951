// A text's limit in characters, as the server counts them (Go
// utf8.RuneCountInString: code points) and CharCount shows them, for a
// field whose maxlength alone would count UTF-16 units: an emoji is two,
// so a text of emoji stopped at half its limit while the counter said
// there was room. `<input use:maxChars={max}>` keeps the field's
// maxLength at max plus the surrogate pairs already in it:
//
// - While the field has the focus and room for a character, one unit
//   more, so that the last character may be an emoji. Two one-unit
//   characters inserted at once into that room (a keyboard's suggestion)
//   would be one too many: the one before the caret goes again at once.
// - A paste is sized before the browser cuts it: maxLength lets in the
//   characters left, whatever their width. This listens on the window,
//   ahead of the document's listener that says a paste was cut
//   (lib/pastecut.ts), so that it reads the same maxLength.
// - A drop (text dragged in) is sized the same way. Where in the field it
//   lands is not known before it does, but only how much room is left
//   matters; text dragged within the field leaves its place first, so
//   its own characters count as room.
// - A text the page set past the limit (a draft kept under a higher one)
//   is not cut: the server says it is too long, and the person chooses
//   what goes.
import type { ActionReturn } from 'svelte/action';

type Field = HTMLInputElement | HTMLTextAreaElement;

/** The characters (code points) in s. */
export function chars(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A lead surrogate followed by a trail one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The first n characters of s, and not part of one as people see it:
 *  a family emoji is several code points joined, and cut inside it left
 *  a broken piece; a cut that would split one keeps none of it. */
function head(s: string, n: number): string {
  let i = 0;
  for (const ch of s) {
    if (n-- <= 0) break;
    i += ch.length;
  }
  if (i < s.length && typeof Intl !== 'undefined' && 'Segmenter' in Intl) {
    let whole = 0;
    for (const g of new Intl.Segmenter().segment(s)) {
      if (g.index + g.segment.length > i) break;
      whole = g.index + g.segment.length;
    }
    i = whole;
  }
  return s.slice(0, i);
}

const limited = new WeakMap<Field, { max: number; set: () => void }>();

/** The maxLength that lets in max characters. */
function lengthFor(f: Field, max: number): number {
  const n = chars(f.value);
  const room = n < max && document.activeElement === f ? 1 : 0;
  return max + (f.value.length - n) + room;
}

// What a paste into a limited field keeps: the characters left, after the
// line breaks are folded as the field will (as lib/pastecut.ts folds them).
function sizePaste(e: ClipboardEvent) {
  const f = e.target as Field;
  const l = limited.get(f);
  const start = f.selectionStart, end = f.selectionEnd;
  if (!l || start == null || end == null) return;
  let s = (e.clipboardData?.getData('text/plain') ?? '').replace(/\r\n?/g, '\n');
  if (f instanceof HTMLInputElement) s = s.replace(/\n+$/, '').replace(/\n/g, ' ');
  const v = f.value;
  const left = Math.max(l.max - chars(v.slice(0, start)) - chars(v.slice(end)), 0);
  f.maxLength = v.length - (end - start) + head(s, left).length;
  // The input that follows sets it back; a paste a handler took over has none.
  setTimeout(l.set);
}

// What a drop into a limited field keeps, as sizePaste. dragged is the
// text being dragged out of a limited field, if any: a drop into the same
// field moves it (deleteByDrag, then insertFromDrop).
let dragged: { field: Field; text: string } | undefined;
function noteDrag(e: DragEvent) {
  const f = e.target as Field;
  const start = f.selectionStart, end = f.selectionEnd;
  dragged = limited.has(f) && start != null && end != null ? { field: f, text: f.value.slice(start, end) } : undefined;
}
function sizeDrop(e: DragEvent) {
  const f = e.target as Field;
  const l = limited.get(f);
  const moving = dragged?.field === f ? dragged.text : '';
  dragged = undefined;
  if (!l) return;
  let s = (e.dataTransfer?.getData('text/plain') ?? '').replace(/\r\n?/g, '\n');
  if (f instanceof HTMLInputElement) s = s.replace(/\n+$/, '').replace(/\n/g, ' ');
  const v = f.value;
  const left = Math.max(l.max - chars(v) + chars(moving), 0);
  f.maxLength = v.length - moving.length + head(s, left).length;
  setTimeout(l.set);
}
let listening = false;

/** Limits a text field to max characters (code points). */
export function maxChars(node: Field, max: number): ActionReturn<number> {
  // was: the characters before this change.
  let was = 0;
  const l = {
    max,
    set: () => {
      was = chars(node.value);
      node.maxLength = lengthFor(node, l.max);
    },
  };
  // A character inserted past the limit (the unit of room left for an
  // emoji taken by two narrower ones) goes again, from before the caret,
  // where it was inserted; not while a keyboard is composing, which would
  // lose its place. A text the page set past the limit stays as it was.
  const fit = (e: Event) => {
    if ((e as InputEvent).isComposing) return;
    // Text moved within the field: the drop that follows was sized with it.
    if ((e as InputEvent).inputType === 'deleteByDrag') return void setTimeout(l.set);
    const v = node.value;
    const over = chars(v) - Math.max(l.max, was);
    if (over > 0) {
      const at = node.selectionEnd ?? v.length;
      const keep = Math.max(chars(v.slice(0, at)) - over, 0);
      const before = head(v, keep);
      const after = head(v.slice(at), Math.max(l.max, was) - keep);
      node.value = before + after;
      node.setSelectionRange(before.length, before.length);
      l.set();
      // The page's binding takes the value it now has.
      const inputType = (e as InputEvent).inputType;
      node.dispatchEvent(inputType ? new InputEvent('input', { bubbles: true, inputType }) : new Event('input', { bubbles: true }));
      return;
    }
    l.set();
  };
  // Counted again before a key changes it, the page having maybe set it.
  const on = [['input', fit], ['compositionend', fit], ['keydown', l.set], ['focus', l.set], ['blur', l.set]] as const;
  for (const [t, f] of on) node.addEventListener(t, f);
  limited.set(node, l);
  if (!listening) {
    listening = true;
    window.addEventListener('paste', sizePaste, true);
    window.addEventListener('dragstart', noteDrag, true);
    window.addEventListener('drop', sizeDrop, true);
    window.addEventListener('dragend', () => (dragged = undefined), true);
  }
  l.set();
  return {
    update(m: number) {
      l.max = m;
      l.set();
    },
    destroy() {
      for (const [t, f] of on) node.removeEventListener(t, f);
      limited.delete(node);
    },
  };
}
