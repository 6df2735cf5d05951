import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import SpecForm from './SpecForm.svelte';
import type { Spec } from '../lib/types';
import { limits } from '../lib/limits.svelte';

let target: HTMLElement;
let app: any;
afterEach(() => {
  unmount(app);
  target.remove();
  limits.adopt({ minResponses: 3 }); // a test that changed the server's floor must not leak it
});

function render(initial: Spec, error: string, errorField?: string) {
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(SpecForm, { target, props: { initial, heading: 'Add', submitLabel: 'Add', pendingLabel: '…', error, errorField, onSubmit: async () => false } });
  flushSync();
}
/** The input whose id ends with suffix, and the errors shown. */
const input = (suffix: string) => target.querySelector(`[id$="-${suffix}"]`) as HTMLElement;
const errors = () => [...target.querySelectorAll('.error')].map((e) => e.textContent?.trim());

const poll: Spec = {
  kind: 'poll', title: 'Lunch',
  questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'Pizza' }, { id: 'b', label: 'Soup' }] }],
};
const survey: Spec = {
  kind: 'survey', title: 'Pulse',
  questions: [{ id: 'q1', kind: 'scale', prompt: 'Pace' }, { id: 'q2', kind: 'scale', prompt: 'Focus' }],
};

describe('SpecForm errors', () => {
  it('shows an option error under the options, the field marked and described by it', () => {
    render(poll, 'the label is too long', 'questions[0].options[1].label');
    const options = input('options');
    expect(options.getAttribute('aria-invalid')).toBe('true');
    const err = document.getElementById(options.getAttribute('aria-describedby')!)!;
    expect(err.textContent).toContain('the label is too long');
    expect(options.nextElementSibling).toBe(err);
    expect(errors()).toHaveLength(1);
  });

  it('shows a survey question error under that question', () => {
    render(survey, 'the prompt is too long', 'questions[1].prompt');
    expect(input('sq-p-1').getAttribute('aria-invalid')).toBe('true');
    expect(input('sq-p-0').getAttribute('aria-invalid')).toBeNull();
    expect(input('sq-p-1').nextElementSibling?.textContent).toContain('the prompt is too long');
  });

  it('keeps a question hint described along with the error', () => {
    render({ ...poll, questions: [{ ...poll.questions![0], prompt: 'Where do we eat?' }] }, 'too long', 'questions[0].prompt');
    expect(input('q-text').getAttribute('aria-describedby')!.split(' ')).toHaveLength(2);
  });

  it('shows an error about no one field, or no field, under the whole form', () => {
    render(poll, 'the agenda is full', undefined);
    expect(target.querySelectorAll('[aria-invalid]')).toHaveLength(0);
    expect(errors()).toEqual([expect.stringContaining('the agenda is full')]);
    unmount(app);
    target.remove();
    render(poll, 'a poll has exactly one choice question', 'questions');
    expect(target.querySelectorAll('[aria-invalid]')).toHaveLength(0);
    expect(errors()).toEqual([expect.stringContaining('exactly one')]);
  });
});

describe('SpecForm question text', () => {
  it('asks a poll\'s question once, unless the exercise has a question text of its own', () => {
    render(poll, '');
    expect(input('q-text')).toBeNull();
    unmount(app);
    target.remove();
    render({ ...poll, questions: [{ ...poll.questions![0], prompt: 'Where do we eat?' }] }, '');
    expect((input('q-text') as HTMLInputElement).value).toBe('Where do we eat?');
  });
  it('shows an error about a hidden question text under the form', () => {
    render(poll, 'question 1 is too long', 'questions[0].prompt');
    expect(errors()).toEqual([expect.stringContaining('too long')]);
  });
});

describe('SpecForm limits', () => {
  afterEach(() => limits.adopt({ maxShortLen: 80, maxQuestions: 20 }));
  it('follows the limits the welcome gave', () => {
    limits.adopt({ maxShortLen: 120, maxQuestions: 2 });
    render(survey, '');
    expect(input('title').getAttribute('maxlength')).toBe('120');
    expect(target.textContent).not.toContain('Add question'); // two of two
  });
});

describe('SpecForm and the anonymity floor', () => {
  it("starts a new anonymous vote at the server's floor, even one that arrives later, and raises it when Anonymous is ticked", () => {
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(SpecForm, { target, props: { heading: 'Add', submitLabel: 'Add', pendingLabel: '…', error: '', onSubmit: async () => false } });
    flushSync();
    const min = () => input('min') as HTMLInputElement;
    expect(min().value).toBe('3');
    limits.adopt({ minResponses: 5 }); // the welcome, after the form opened
    flushSync();
    expect(min().value).toBe('5');
    expect(min().min).toBe('5');
    expect(document.getElementById(min().getAttribute('aria-describedby')!)!.textContent).toContain('at least 5');
    const anon = [...target.querySelectorAll('input[type=checkbox]')].find((b) => b.parentElement?.textContent?.includes('Anonymous')) as HTMLInputElement;
    anon.click();
    flushSync();
    min().value = '1';
    min().dispatchEvent(new Event('input'));
    flushSync();
    expect(min().min).toBe('1');
    anon.click();
    flushSync();
    expect(min().value).toBe('5');
    limits.adopt({ minResponses: 3 });
  });
});

describe('SpecForm editing a vote from before the floor', () => {
  it("raises its minResponses to the server's floor, says so, and sends the floor", async () => {
    let sent: Spec | null = null;
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(SpecForm, { target, props: { initial: { ...poll, minResponses: 1 }, heading: 'Edit', submitLabel: 'Save', pendingLabel: '…', error: '',
      onSubmit: async (s: Spec) => ((sent = s), true) } });
    flushSync();
    const min = input('min') as HTMLInputElement;
    expect(min.value).toBe('3');
    expect(min.min).toBe('3');
    const hint = document.getElementById(min.getAttribute('aria-describedby')!)!;
    expect(hint.textContent).toBe("This vote asked for 1, below this server's least of 3 for an anonymous vote: saving raises it to 3, so its results stay hidden until 3 have answered.");
    limits.adopt({ minResponses: 4 }); // a welcome from a server with another floor
    flushSync();
    expect(min.value).toBe('4');
    expect(hint.textContent).toContain('asked for 1');
    target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await Promise.resolve();
    expect(sent).toMatchObject({ title: 'Lunch', anonymous: true, minResponses: 4 });
  });

  it('leaves one that asked for enough, or a named one, as it was', () => {
    render({ ...poll, minResponses: 5 }, '');
    expect((input('min') as HTMLInputElement).value).toBe('5');
    expect(target.querySelector('[data-testid=min-floor]')).toBeNull();
    unmount(app);
    target.remove();
    render({ ...poll, anonymous: false, minResponses: 1 }, '');
    expect((input('min') as HTMLInputElement).value).toBe('1');
    expect(target.querySelector('[data-testid=min-floor]')).toBeNull();
  });
});

describe("a retro column's hint", () => {
  const long = 'What went well this sprint, in the work itself and in how we worked together as a team';
  const retro: Spec = { kind: 'retro', title: 'Sprint', retro: { columns: [{ id: 'c1', title: 'Glad', hint: long }, { id: 'c2', title: 'Sad' }], dots: 3, maxPerItem: 2 } };

  it('is a box of two lines that shows a long hint whole, kept to one line: Enter neither breaks the line nor sends the form, a line break is a space', async () => {
    let sent: Spec | null = null;
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(SpecForm, { target, props: { initial: retro, heading: 'Edit', submitLabel: 'Save', pendingLabel: '…', onSubmit: async (s: Spec) => { sent = s; return true; } } });
    flushSync();
    const hint = input('col-h-0') as HTMLTextAreaElement;
    expect(hint.tagName).toBe('TEXTAREA');
    expect(hint.getAttribute('rows')).toBe('2');
    expect(hint.value).toBe(long);

    hint.value = 'Glad about\r\n  the demo\nand the pairing';
    hint.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    expect(hint.value).toBe('Glad about the demo and the pairing');

    // Enter in the box: no line break, and the form, half written, stays.
    const submits = vi.fn((e: Event) => e.preventDefault());
    hint.form!.addEventListener('submit', submits);
    for (const mod of [{}, { shiftKey: true }, { ctrlKey: true }]) {
      const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...mod });
      hint.dispatchEvent(enter);
      expect(enter.defaultPrevented).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 0));
    expect(submits).not.toHaveBeenCalled();
    expect(sent).toBeNull();

    // The form's own submit button sends it, the hint on one line.
    target.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(sent!.retro!.columns![0].hint).toBe('Glad about the demo and the pairing');
  });
});
