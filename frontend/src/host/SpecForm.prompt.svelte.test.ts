import { describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import SpecForm from './SpecForm.svelte';
import type { Spec } from '../lib/types';

// A prompt (the question or instructions, a survey's questions, a
// question text) is up to 500 characters: a one-line input showed a few
// words of it, in the console and in the trainer's pack editor (which
// edits exercises with this form). It is a box that shows it whole, yet
// one paragraph: Enter makes no line break and does not send the form
// (as a column's hint, in the same form), a pasted line break is a space.
const long = 'On a scale from one to five, how well did the team keep to what it agreed in the last retrospective, thinking of the actions we took away, who took them and whether they were done by the review?';
const survey: Spec = {
  kind: 'survey', title: 'Pulse', prompt: long,
  questions: [{ id: 'q1', kind: 'scale', prompt: long }, { id: 'q2', kind: 'scale', prompt: 'Focus' }],
};
const poll: Spec = {
  kind: 'poll', title: 'Lunch', prompt: 'Where?',
  questions: [{ id: 'q1', kind: 'choice', prompt: long, options: [{ id: 'a', label: 'Pizza' }, { id: 'b', label: 'Soup' }] }],
};

function form(initial: Spec) {
  const onSubmit = vi.fn(async () => true);
  const target = show(SpecForm, { initial, heading: 'Edit', submitLabel: 'Save', pendingLabel: '…', onSubmit });
  return { target, onSubmit, field: (suffix: string) => target.querySelector(`[id$="-${suffix}"]`) as HTMLTextAreaElement };
}

describe('SpecForm prompts', () => {
  it('are edited in boxes of several lines that grow with the text', () => {
    for (const [spec, fields] of [[survey, ['prompt', 'sq-p-0', 'sq-p-1']], [poll, ['prompt', 'q-text']]] as const) {
      const { field } = form(spec);
      for (const f of fields) {
        const box = field(f);
        expect(box.tagName, f).toBe('TEXTAREA');
        expect(Number(box.getAttribute('rows')), f).toBeGreaterThanOrEqual(2);
        expect(box.classList.contains('para'), f).toBe(true); // app.css: field-sizing: content
      }
      expect(field(fields[1]).value).toBe(long);
    }
  });

  it('take Enter as neither a line break nor a send, and a pasted line break as a space', () => {
    const { target, field, onSubmit } = form(survey);
    for (const f of ['prompt', 'sq-p-0']) {
      const box = field(f);
      const enter = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
      box.dispatchEvent(enter);
      expect(enter.defaultPrevented, f).toBe(true);
      box.value = 'How was\nthe pace?\r\n ';
      box.dispatchEvent(new Event('input', { bubbles: true }));
      flushSync();
      expect(box.value, f).toBe('How was the pace? ');
    }
    // A line break typed with Shift is no more a paragraph's.
    const shifted = new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true, cancelable: true });
    field('prompt').dispatchEvent(shifted);
    expect(shifted.defaultPrevented).toBe(true);
    expect(onSubmit).not.toHaveBeenCalled();
    expect(target.querySelector('form')).not.toBeNull();
  });
});
