import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import SpecForm from './SpecForm.svelte';
import type { Spec } from '../lib/types';

// A refused exercise, as the console's "Add an exercise" sees it: the
// submit button is busy while sending (it keeps the focus), and the
// error with its field arrives from the parent afterwards.
const poll: Spec = { kind: 'poll', title: 'Lunch', questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [] }] };

function refusing(message: string, field?: string) {
  const props = $state({
    initial: poll, heading: 'Add', submitLabel: 'Add to agenda', pendingLabel: 'Adding…', pending: false,
    error: '', errorField: undefined as string | undefined,
    onSubmit: async () => {
      props.pending = true;
      await Promise.resolve();
      props.pending = false;
      props.error = message;
      props.errorField = field;
      return false;
    },
  });
  const target = show(SpecForm, props);
  const scrolled = vi.spyOn(Element.prototype, 'scrollIntoView').mockImplementation(() => {});
  onTestFinished(() => scrolled.mockRestore());
  const button = target.querySelector('button[type=submit]') as HTMLButtonElement;
  button.focus();
  target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
  return { target, scrolled };
}

describe('SpecForm after a refusal', () => {
  it('puts the focus on the field the error is about, and its error in view', async () => {
    const focused = vi.spyOn(HTMLElement.prototype, 'focus');
    onTestFinished(() => focused.mockRestore());
    const { target, scrolled } = refusing('a poll has 2 to 20 options', 'questions[0].options');
    await settle();
    const options = target.querySelector('textarea[id$="-options"]') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(options);
    // The error is what is scrolled to (centred), not the field above it.
    expect(focused.mock.contexts.at(-1)).toBe(options);
    expect(focused).toHaveBeenLastCalledWith({ preventScroll: true });
    expect(scrolled).toHaveBeenCalled();
    expect((scrolled.mock.contexts[0] as HTMLElement).textContent).toContain('a poll has 2 to 20 options');
  });

  // A refusal is about the form as it was sent: another kind is another
  // form, and the refusal no longer shows (it showed under a field that
  // held something else); the next refusal shows again.
  it('drops a refusal when the kind changes, and shows the next one', async () => {
    const { target } = refusing('a poll has 2 to 20 options', 'questions[0].options');
    await settle();
    expect(target.textContent).toContain('a poll has 2 to 20 options');
    const kind = target.querySelector('select[id$="-kind"]') as HTMLSelectElement;
    kind.value = 'scale';
    kind.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(target.textContent).not.toContain('a poll has 2 to 20 options');
    expect(target.querySelector('.error')).toBeNull();
    kind.value = 'poll';
    kind.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(target.querySelector('.error')).toBeNull();
    target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(target.textContent).toContain('a poll has 2 to 20 options');
  });

  it('puts the focus on the error under the form when it is about no one field', async () => {
    const { target } = refusing('the agenda is full');
    await settle();
    expect(document.activeElement?.textContent).toContain('the agenda is full');
    expect(document.activeElement?.closest('form')).toBe(target.querySelector('form'));
    // Said once, by the focus: not also a live region.
    expect(document.activeElement?.closest('[role=alert],[role=status],[aria-live]')).toBeNull();
  });
});

describe('SpecForm after "Add to agenda"', () => {
  it('keeps the focus in the form, on the title of the next exercise, not on the page', async () => {
    const props = $state({
      initial: poll, heading: 'Add', submitLabel: 'Add to agenda', pendingLabel: 'Adding…', pending: false, resetAfterSubmit: true,
      onSubmit: async () => {
        props.pending = true;
        await Promise.resolve();
        props.pending = false;
        return true;
      },
    });
    const target = show(SpecForm, props);
    const button = target.querySelector('button[type=submit]') as HTMLButtonElement;
    button.focus();
    target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(document.activeElement).toBe(target.querySelector('input[id$="-title"]'));
    expect((document.activeElement as HTMLInputElement).value).toBe('');
  });
});

// Removing the last question (or column) took its Remove with it, and
// removing down to one took every Remove: the focus fell to the page.
describe('SpecForm removing a question or a column', () => {
  const base = { heading: 'Add', submitLabel: 'Add', pendingLabel: '…', onSubmit: async () => true };
  const click = (b: Element) => b.dispatchEvent(new Event('click', { bubbles: true }));

  it('keeps the focus in the list: the Remove before, then the question left', async () => {
    const survey: Spec = { kind: 'survey', title: 'Pulse', questions: ['A', 'B', 'C'].map((p, i) => ({ id: `q${i}`, kind: 'scale', prompt: p })) };
    const target = show(SpecForm, { ...base, initial: survey });
    const remove = (n: number) => target.querySelector(`[aria-label="Remove question ${n}"]`) as HTMLButtonElement;
    remove(3).focus();
    click(remove(3));
    await settle();
    expect(document.activeElement).toBe(remove(2));
    click(remove(2));
    await settle();
    expect(target.querySelector('[aria-label^="Remove question"]')).toBeNull();
    expect(document.activeElement).toBe(target.querySelector('textarea[id$="-sq-p-0"]'));
  });

  it('and in the columns', async () => {
    const retro: Spec = { kind: 'retro', title: 'S', retro: { columns: [{ id: 'c1', title: 'Glad' }, { id: 'c2', title: 'Sad' }, { id: 'c3', title: 'Mad' }], dots: 3, maxPerItem: 2 } };
    const target = show(SpecForm, { ...base, initial: retro });
    const remove = (n: number) => target.querySelector(`[aria-label="Remove column ${n}"]`) as HTMLButtonElement;
    remove(3).focus();
    click(remove(3));
    await settle();
    expect(document.activeElement).toBe(remove(2));
    click(remove(1));
    await settle();
    expect(document.activeElement).toBe(target.querySelector('input[id$="-col-t-0"]'));
    expect((document.activeElement as HTMLInputElement).value).toBe('Sad');
  });
});

// Chromium takes the focus from a button disabled under it: "Add to
// agenda" was, while sending, and a keyboard user was at the top of the
// console until the answer came (or for good, had nothing moved it).
describe('SpecForm while sending', () => {
  it('keeps the submit button focused, marked busy, and sends once', async () => {
    let finish!: (ok: boolean) => void;
    const calls: Spec[] = [];
    const props = $state({
      initial: poll, heading: 'Add', submitLabel: 'Add to agenda', pendingLabel: 'Adding…', pending: false,
      onSubmit: (s: Spec) => {
        calls.push(s);
        props.pending = true;
        return new Promise<boolean>((r) => (finish = (ok) => { props.pending = false; r(ok); }));
      },
    });
    const target = show(SpecForm, props);
    const button = target.querySelector('button[type=submit]') as HTMLButtonElement;
    button.focus();
    target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(calls).toHaveLength(1);
    expect(button.textContent).toBe('Adding…');
    expect(button.disabled).toBe(false);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(button);
    const again = new MouseEvent('click', { bubbles: true, cancelable: true });
    button.dispatchEvent(again);
    expect(again.defaultPrevented).toBe(true);
    finish(true);
    await settle();
    expect(button.hasAttribute('aria-disabled')).toBe(false);
  });
});
