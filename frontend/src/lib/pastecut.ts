// A text pasted past a field's maxlength is cut by the browser without a
// word (only a CharCount, where a field has one, turns red). One listener
// on the document, installed once by main.ts, tells the person next to the
// field, whichever form it is in: no form has to opt in.
//
// The browser counts maxlength in UTF-16 units and cuts a paste at the
// room left (never inside a surrogate pair), after folding its line
// breaks as the field does; cutBy does the same sums before the paste
// lands, and says what was kept and left out in code points, as the
// server and CharCount count characters.
import { t } from './strings';

type Field = HTMLInputElement | HTMLTextAreaElement;

/** What a paste of pasted into field keeps and leaves out, in characters; undefined when it fits. */
export function cutBy(field: Field, pasted: string): { kept: number; left: number } | undefined {
  const max = field.maxLength, start = field.selectionStart, end = field.selectionEnd;
  if (!(max >= 0) || start == null || end == null || field.readOnly || field.disabled) return;
  let s = pasted.replace(/\r\n?/g, '\n');
  // A one-line field drops trailing line breaks and makes the others spaces.
  if (field instanceof HTMLInputElement) s = s.replace(/\n+$/, '').replace(/\n/g, ' ');
  let room = max - field.value.length + (end - start);
  if (s.length <= room) return;
  room = Math.max(room, 0);
  if (room && /[\uD800-\uDBFF]/.test(s[room - 1])) room--;
  const kept = [...s.slice(0, room)].length;
  return { kept, left: [...s].length - kept };
}

let shown: { field: Field; note: HTMLElement; value?: string } | undefined;

function clear() {
  shown?.note.remove();
  shown = undefined;
}

function paste(e: ClipboardEvent) {
  clear();
  const field = e.target;
  if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement)) return;
  const cut = cutBy(field, e.clipboardData?.getData('text/plain') ?? '');
  if (!cut) return;
  // The live region goes in empty and is filled a moment later: one that
  // arrives with its text already in it is often not announced.
  const note = document.createElement('p');
  note.className = 'hint paste-cut';
  note.setAttribute('aria-live', 'polite');
  field.after(note);
  const s: NonNullable<typeof shown> = (shown = { field, note });
  setTimeout(() => {
    if (shown !== s) return;
    // A field's own handler that took the paste over has said nothing was cut.
    if (e.defaultPrevented) return clear();
    note.textContent = t.pasteCut(cut.kept, cut.left);
    s.value = field.value;
  }, 100);
}

// The notice goes when the person edits the field again, sends its form,
// or the field has gone or been emptied (sent by a button, say) by the
// time they move on.
function sweep(e: Event) {
  if (!shown) return;
  const { field, value } = shown;
  if (
    !field.isConnected ||
    (e.type === 'input' && e.target === field && (e as InputEvent).inputType !== 'insertFromPaste') ||
    (e.type === 'submit' && (e.target as Node).contains(field)) ||
    (e.type === 'focusin' && value !== undefined && field.value !== value)
  )
    clear();
}

/** Installs the listeners once, on doc. */
export function watchPastes(doc: Document = document) {
  doc.addEventListener('paste', paste, true);
  for (const type of ['input', 'submit', 'focusin']) doc.addEventListener(type, sweep, true);
}
