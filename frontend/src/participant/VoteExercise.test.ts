import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import VoteExercise from './VoteExercise.svelte';
import { emptyState } from '../lib/reducer';
import { CommandError } from '../lib/client';
import type { Exercise } from '../lib/types';

const poll = (extra: Partial<Exercise> = {}): Exercise => ({
  id: 'e1', kind: 'poll', title: 'Lunch', status: 'open',
  questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'o1', label: 'Pizza' }, { id: 'o2', label: '<img src=x onerror="window.hacked=1">' }] }],
  ...extra,
});

let target: HTMLElement;
let app: any;

function render(ex: Exercise, view: object = { responses: 0, minResponses: 3 }) {
  let settle!: { ok: () => void; fail: (e: Error) => void };
  const send = vi.fn(() => new Promise((resolve, reject) => (settle = { ok: () => resolve(undefined), fail: reject })));
  const session = { state: { ...emptyState(), states: { [ex.id]: view } }, status: 'online', send };
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(VoteExercise, { target, props: { session: session as any, ex } });
  flushSync();
  return { send, settle: () => settle };
}

const text = () => target.textContent!.replace(/\s+/g, ' ');
const button = (name: string) => [...target.querySelectorAll('button')].find((b) => b.textContent!.includes(name))!;
const settleAll = async () => {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
};

/** Whether el is, or is inside, a live region: one that also takes the focus is read twice. */
const live = (el: Element | null) => !!el?.closest('[role=status],[role=alert],[role=log],[aria-live]');

afterEach(() => {
  unmount(app);
  target.remove();
  sessionStorage.clear();
});

describe('VoteExercise', () => {
  it('says plainly that an anonymous exercise is anonymous', () => {
    render(poll());
    expect(text()).toContain('Anonymous: nobody, not even the facilitator, can see what you answered.');
  });

  it('says plainly that a named exercise is not anonymous', () => {
    render(poll({ anonymous: false }));
    expect(text()).toContain('Not anonymous: the facilitator sees your name with your answer.');
  });

  it('renders user text as text, never as HTML', () => {
    render(poll());
    expect(target.querySelector('img')).toBeNull();
    expect(text()).toContain('<img src=x onerror="window.hacked=1">');
  });

  it('shows an answer as pending until it is acknowledged', async () => {
    const { send, settle } = render(poll());
    (target.querySelector('input[value=o1]') as HTMLInputElement).click();
    flushSync();
    button('Send answer').click();
    flushSync();
    expect(send).toHaveBeenCalledWith('exercise.answer', { exercise: 'e1', ballot: { answers: { q1: { choices: ['o1'] } } } });
    expect(target.querySelector('[data-testid=pending]')).not.toBeNull();
    // Busy, not disabled: a focused button that turned disabled dropped
    // the keyboard's focus to the page.
    expect(button('Sending').getAttribute('aria-disabled')).toBe('true');
    expect(button('Sending').disabled).toBe(false);
    button('Sending').click();
    flushSync();
    expect(send).toHaveBeenCalledTimes(1);
    settle().ok();
    await settleAll();
    expect(target.querySelector('[data-testid=pending]')).toBeNull();
    expect(text()).toContain('Your answer was received.');
  });

  it('shows a clear message on failure and keeps what was chosen', async () => {
    const { settle } = render(poll());
    (target.querySelector('input[value=o1]') as HTMLInputElement).click();
    flushSync();
    button('Send answer').click();
    flushSync();
    settle().fail(new CommandError('wrong_status', 'this exercise is not open for answers'));
    await settleAll();
    expect(target.querySelector('[role=alert]')!.textContent).toContain('This exercise is not open right now.');
    expect(target.querySelector('[role=alert]')!.textContent).not.toContain('kept'); // sending again would not help
    expect((target.querySelector('input[value=o1]') as HTMLInputElement).checked).toBe(true);
    expect(button('Send answer').disabled).toBe(false);
  });

  it('says an answer given on another page was received, rather than offering to send again', async () => {
    const { settle } = render(poll());
    (target.querySelector('input[value=o1]') as HTMLInputElement).click();
    flushSync();
    button('Send answer').click();
    flushSync();
    settle().fail(new CommandError('already_answered', 'one ballot per person'));
    await settleAll();
    expect(text()).toContain('You have answered already, on another page.');
    expect(target.querySelector('button[type=submit]')).toBeNull();
    // Said once, as it takes the focus the form had.
    const notice = target.querySelector('[data-testid=answered]');
    expect(document.activeElement).toBe(notice);
    expect(live(notice)).toBe(false);
  });

  it('gives the confirmation the focus the sent form had', async () => {
    const { settle } = render(poll());
    (target.querySelector('input[value=o1]') as HTMLInputElement).click();
    flushSync();
    button('Send answer').focus();
    button('Send answer').click();
    flushSync();
    settle().ok();
    await settleAll();
    await settleAll();
    const notice = target.querySelector('[data-testid=answered]');
    expect(document.activeElement).toBe(notice);
    // Said once, as what has the focus: as a live region too, it was read twice.
    expect(notice!.getAttribute('role')).toBeNull();
    expect(live(notice)).toBe(false);
  });

  it('keeps a typed text after a failure', async () => {
    const { settle } = render({ id: 'e2', kind: 'text', title: 'Ideas', status: 'open' });
    const ta = target.querySelector('textarea')!;
    ta.value = 'More demos';
    ta.dispatchEvent(new Event('input'));
    flushSync();
    button('Send answer').click();
    flushSync();
    settle().fail(new CommandError('too_long', 'ballot.text is 600 characters; the limit is 500'));
    await settleAll();
    expect(target.querySelector('[role=alert]')!.textContent).toContain('Ballot.text is 600 characters');
    expect(target.querySelector('textarea')!.value).toBe('More demos');
  });

  it('offers every point of a scale that starts or ends at 0', () => {
    // Stored questions leave a 0 end out (docs/protocol.md 8.2).
    render({ id: 'e3', kind: 'scale', title: 'Recommend?', status: 'open', questions: [{ id: 'q1', kind: 'scale', prompt: '', max: 10 }] });
    expect([...target.querySelectorAll('.pt input')].map((i) => (i as HTMLInputElement).value)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    unmount(app);
    target.remove();
    render({ id: 'e4', kind: 'scale', title: 'Mood', status: 'open', questions: [{ id: 'q1', kind: 'scale', prompt: '', min: -5 }] });
    expect([...target.querySelectorAll('.pt input')].map((i) => (i as HTMLInputElement).value)).toEqual(['-5', '-4', '-3', '-2', '-1', '0']);
  });

  it('wraps a long scale into even rows on a phone, so that no point is too small to tap', () => {
    render({ id: 'e5', kind: 'scale', title: 'Rate', status: 'open', questions: [{ id: 'q1', kind: 'scale', prompt: '', min: 1, max: 10 }] });
    const scale = target.querySelector('.scale') as HTMLElement;
    expect(scale.style.getPropertyValue('--n')).toBe('10');
    expect(scale.style.getPropertyValue('--cols')).toBe('5');
  });

  it('lets no more boxes be ticked than a multiple choice allows', () => {
    const opts = ['Alpha', 'Beta', 'Gamma'].map((label, i) => ({ id: `o${i + 1}`, label }));
    render(poll({ questions: [{ id: 'q1', kind: 'choice', prompt: '', options: opts, multi: true, maxChoices: 2 }] }));
    const box = (id: string) => target.querySelector(`input[value=${id}]`) as HTMLInputElement;
    box('o1').click();
    flushSync();
    expect(box('o3').disabled).toBe(false);
    box('o2').click();
    flushSync();
    expect(box('o3').disabled).toBe(true);
    expect(box('o3').checked).toBe(false);
    box('o1').click(); // taking one back frees the others
    flushSync();
    expect(box('o3').disabled).toBe(false);
  });

  it('keeps what was chosen and typed across a reload until it is sent', async () => {
    const survey: Exercise = { id: 'e5', kind: 'survey', title: 'Pulse', status: 'open', questions: [
      { id: 'q1', kind: 'scale', prompt: 'Pace', min: 1, max: 5 },
      { id: 'q2', kind: 'choice', prompt: 'Tools', options: [{ id: 'go', label: 'Go' }, { id: 'lua', label: 'Lua' }] },
    ] };
    render(survey);
    (target.querySelector('input[name="q-e5-q1"][value="4"]') as HTMLInputElement).click();
    (target.querySelector('input[value=lua]') as HTMLInputElement).click();
    flushSync();
    unmount(app); // the page reloads
    target.remove();
    const { send, settle } = render(survey);
    expect((target.querySelector('input[name="q-e5-q1"][value="4"]') as HTMLInputElement).checked).toBe(true);
    expect((target.querySelector('input[value=lua]') as HTMLInputElement).checked).toBe(true);
    button('Send answer').click();
    flushSync();
    expect(send).toHaveBeenCalledWith('exercise.answer', { exercise: 'e5', ballot: { answers: { q1: { value: 4 }, q2: { choices: ['lua'] } } } });
    settle().ok();
    await settleAll();
    expect(sessionStorage.length).toBe(0); // taken: nothing kept
  });

  it('shows results once the facilitator shows them', () => {
    render(poll({ status: 'results' }), { responses: 3, minResponses: 3, results: { questions: [{ id: 'q1', counts: { o1: 2, o2: 1 }, answered: 3 }] } });
    expect(text()).toMatch(/Pizza\s*2 · 67%/);
  });

  it('shows no results before they are shown, only the count', () => {
    render(poll(), { responses: 2, minResponses: 3 });
    expect(target.querySelector('[data-testid=results]')).toBeNull();
    expect(text()).toContain('2 answers');
  });

  it('tells one who arrives while results are shown that voting has closed', () => {
    render(poll({ status: 'results' }), { responses: 3, minResponses: 3, results: { questions: [{ id: 'q1', counts: { o1: 2, o2: 1 }, answered: 3 }] } });
    expect(target.querySelector('[data-testid=closed]')!.textContent).toBe('Voting has closed. The results are below.');
    expect(target.querySelector('form')).toBeNull();
  });

  // A phone that answered, once the facilitator closed the poll with the results hidden.
  function answeredThenClosed(responses: number) {
    const session = { state: { ...emptyState(), states: { e1: { responses, minResponses: 3 } }, mine: { e1: { answers: { q1: { choices: ['o1'] } } } } }, status: 'online', send: vi.fn() };
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(VoteExercise, { target, props: { session: session as any, ex: poll({ status: 'closed' }) } });
    flushSync();
  }

  it('tells one who answered that voting has closed while the results are still hidden', () => {
    answeredThenClosed(4);
    expect(text()).toContain('Your answer was received.');
    expect(target.querySelector('[data-testid=closed]')!.textContent).toBe('Voting has closed. The results will be shown when the facilitator is ready.');
  });

  it('tells one who answered a vote closed below its threshold that no results will come', () => {
    // The projector says the same: "Results will be shown" would promise what the server will not send.
    answeredThenClosed(2);
    expect(target.querySelector('[data-testid=closed]')!.textContent).toBe(
      'Voting has closed with too few answers to show the results: at least 3 are needed. The facilitator may open voting again.');
  });

  it('says a closed exercise is closed', () => {
    render(poll({ status: 'closed' }), { responses: 3, minResponses: 3 });
    expect(target.querySelector('[data-testid=closed]')!.textContent).toBe('This exercise is closed. Thank you!');
  });
});

describe('VoteExercise: a survey with questions unanswered', () => {
  const survey: Exercise = { id: 'e6', kind: 'survey', title: 'Pulse', status: 'open', questions: [
    { id: 'q1', kind: 'scale', prompt: 'Pace', min: 1, max: 5 },
    { id: 'q2', kind: 'choice', prompt: 'Tools', options: [{ id: 'go', label: 'Go' }, { id: 'lua', label: 'Lua' }] },
    { id: 'q3', kind: 'scale', prompt: 'Focus', min: 1, max: 5 },
  ] };
  const warning = () => target.querySelector('[data-testid=unanswered]');

  it('says which are unanswered before sending, and sends only when asked to', async () => {
    const { send, settle } = render(survey);
    (target.querySelector('input[name="q-e6-q1"][value="4"]') as HTMLInputElement).click();
    flushSync();
    button('Send answer').click();
    await settleAll();
    expect(send).not.toHaveBeenCalled();
    expect(warning()!.textContent).toContain('Not answered yet: question 2, question 3. Once sent, your answers cannot be changed.');
    expect(document.activeElement).toBe(warning());
    expect(live(warning())).toBe(false); // said once, as it takes the focus
    button('Send anyway').click();
    flushSync();
    expect(send).toHaveBeenCalledWith('exercise.answer', { exercise: 'e6', ballot: { answers: { q1: { value: 4 } } } });
    settle().ok();
    await settleAll();
    expect(text()).toContain('Your answer was received.');
  });

  it('goes back to the first unanswered question, and asks no more once all are answered', async () => {
    const { send } = render(survey);
    (target.querySelector('input[name="q-e6-q1"][value="4"]') as HTMLInputElement).click();
    flushSync();
    button('Send answer').click();
    await settleAll();
    button('Go back to answer').click();
    await settleAll();
    expect(warning()).toBeNull();
    expect((document.activeElement as HTMLInputElement).name).toBe('q-e6-q2');
    (target.querySelector('input[value=go]') as HTMLInputElement).click();
    (target.querySelector('input[name="q-e6-q3"][value="2"]') as HTMLInputElement).click();
    flushSync();
    button('Send answer').click();
    flushSync();
    expect(warning()).toBeNull();
    expect(send).toHaveBeenCalledWith('exercise.answer', { exercise: 'e6', ballot: { answers: { q1: { value: 4 }, q2: { choices: ['go'] }, q3: { value: 2 } } } });
  });

  it('with answers that may be changed, does not say they cannot be', async () => {
    render({ ...survey, allowChange: true });
    (target.querySelector('input[name="q-e6-q1"][value="4"]') as HTMLInputElement).click();
    flushSync();
    button('Send answer').click();
    await settleAll();
    expect(warning()!.textContent).not.toContain('cannot be changed');
  });
});

describe('VoteExercise: changing an answer', () => {
  const radio = (v: string) => target.querySelector(`input[value=${v}]`) as HTMLInputElement;

  // A poll whose answers may be changed, Pizza sent and received, and
  // "Change my answer" pressed.
  async function changing() {
    const r = render(poll({ allowChange: true }));
    radio('o1').click();
    flushSync();
    button('Send answer').click();
    flushSync();
    r.settle().ok();
    await settleAll();
    expect(text()).toContain('Your answer was received.');
    button('Change my answer').focus();
    button('Change my answer').click();
    flushSync();
    expect(text()).not.toContain('Your answer was received.');
    return r;
  }
  // …and a change begun.
  async function answered() {
    const r = await changing();
    radio('o2').click();
    flushSync();
    return r;
  }
  const escape = (el: Element, init: KeyboardEventInit = {}) => {
    const e = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true, ...init });
    el.dispatchEvent(e);
    return e;
  };

  it('can be cancelled: the answer received shows again, nothing is sent, the focus is back on "Change my answer"', async () => {
    const { send } = await answered();
    button('Cancel').click();
    await settleAll();
    expect(text()).toContain('Your answer was received.');
    expect(target.querySelector('form')).toBeNull();
    expect(send).toHaveBeenCalledTimes(1);
    expect(document.activeElement).toBe(button('Change my answer'));
    // The answer sent is the one offered again, not the change let go.
    button('Change my answer').click();
    flushSync();
    expect(radio('o1').checked).toBe(true);
    expect(radio('o2').checked).toBe(false);
  });

  it('is cancelled by Escape in the form as well, while nothing was changed', async () => {
    const { send } = await changing();
    radio('o2').click();
    radio('o1').click(); // changed back: the answer sent
    flushSync();
    expect(escape(radio('o1')).defaultPrevented).toBe(true);
    await settleAll();
    expect(text()).toContain('Your answer was received.');
    expect(send).toHaveBeenCalledTimes(1);
    expect(document.activeElement).toBe(button('Change my answer'));
  });

  it('is not thrown away by Escape once changed (Cancel does that), and Escape takes nothing else with it', async () => {
    const { send } = await answered();
    // Taken: in the console's preview, the panel does not close either.
    expect(escape(radio('o2')).defaultPrevented).toBe(true);
    await settleAll();
    expect(text()).not.toContain('Your answer was received.');
    expect(radio('o2').checked).toBe(true);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('ignores the Escape that ends an IME composition', async () => {
    await changing();
    expect(escape(radio('o1'), { isComposing: true }).defaultPrevented).toBe(false);
    await settleAll();
    expect(text()).not.toContain('Your answer was received.');
    expect(button('Cancel')).toBeDefined();
  });

  /** An open text answer, changeable, sent ('More coffee') and taken; its box. */
  async function sentText() {
    const r = render({ id: 'e2', kind: 'text', title: 'Ideas', status: 'open', allowChange: true } as Exercise);
    const box = () => target.querySelector('textarea') as HTMLTextAreaElement;
    box().value = 'More coffee';
    box().dispatchEvent(new Event('input'));
    flushSync();
    button('Send answer').click();
    flushSync();
    r.settle().ok();
    await settleAll();
    return box;
  }

  it('keeps a changed text answer from Escape, and lets one unchanged be cancelled by it', async () => {
    const box = await sentText();
    button('Change my answer').click();
    flushSync();
    box().value = 'More coffee, and tea';
    box().dispatchEvent(new Event('input'));
    flushSync();
    escape(box());
    await settleAll();
    expect(box().value).toBe('More coffee, and tea');
    box().value = 'More coffee';
    box().dispatchEvent(new Event('input'));
    flushSync();
    escape(box());
    await settleAll();
    expect(text()).toContain('Your answer was received.');
  });

  // The button goes with the answer shown: the focus must not fall to the
  // top of the page, but go where the change is made.
  it('puts the focus on the answer chosen once "Change my answer" is pressed', async () => {
    await changing();
    await settleAll();
    expect(document.activeElement).toBe(radio('o1'));
  });

  it('in a survey, puts the focus on the first question: its answer, or its first point if it has none', async () => {
    const survey: Exercise = { id: 'e7', kind: 'survey', title: 'Pulse', status: 'open', allowChange: true, questions: [
      { id: 'q1', kind: 'scale', prompt: 'Pace', min: 1, max: 5 },
      { id: 'q2', kind: 'choice', prompt: 'Tools', options: [{ id: 'go', label: 'Go' }, { id: 'lua', label: 'Lua' }] },
    ] };
    for (const pace of ['4', '']) {
      const r = render(survey);
      if (pace) (target.querySelector(`input[name="q-e7-q1"][value="${pace}"]`) as HTMLInputElement).click();
      radio('lua').click();
      flushSync();
      button('Send answer').click();
      await settleAll();
      if (!pace) button('Send anyway').click(); // the first question skipped
      await settleAll();
      r.settle().ok();
      await settleAll();
      button('Change my answer').focus();
      button('Change my answer').click();
      await settleAll();
      expect(document.activeElement).toBe(target.querySelector(`input[name="q-e7-q1"][value="${pace || '1'}"]`));
      unmount(app);
      target.remove();
      sessionStorage.clear();
    }
    render(poll()); // for afterEach
  });

  it('puts the focus in the box of a text answer being changed', async () => {
    const box = await sentText();
    button('Change my answer').click();
    await settleAll();
    expect(document.activeElement).toBe(box());
  });

  it('offers no Cancel for a first answer, which has nothing to go back to', () => {
    render(poll({ allowChange: true }));
    expect(button('Cancel')).toBeUndefined();
  });
});

// The server counts a text's limit in characters (code points); maxlength
// alone counts UTF-16 units, and stopped a text of emoji at half of it.
describe('VoteExercise: a text limited in characters', () => {
  /** Types s as a browser does under maxlength: each character, if the units left take it. */
  function type(f: HTMLInputElement | HTMLTextAreaElement, s: string) {
    f.focus();
    for (const ch of s) {
      f.dispatchEvent(new KeyboardEvent('keydown', { key: ch, bubbles: true }));
      if (f.maxLength >= 0 && f.value.length + ch.length > f.maxLength) continue;
      f.value += ch;
      f.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: ch }));
    }
    flushSync();
  }

  it('takes an answer of emoji up to the limit, as the counter says, and sends it whole', async () => {
    const { send, settle } = render({ id: 'e2', kind: 'text', title: 'Ideas', status: 'open' });
    const box = target.querySelector('textarea')!;
    type(box, '🎉'.repeat(510));
    expect([...box.value].length).toBe(500);
    expect(target.querySelector('[data-testid=char-count]')!.textContent).toBe('500 / 500');
    button('Send answer').click();
    flushSync();
    expect(send).toHaveBeenCalledWith('exercise.answer', { exercise: 'e2', ballot: { text: '🎉'.repeat(500) } });
    settle().ok();
    await settleAll();
  });

  it('takes a word of 40 characters, emoji or not', () => {
    render({ id: 'e3', kind: 'words', title: 'One word', status: 'open', maxEntries: 2 } as Exercise);
    const [first, second] = target.querySelectorAll('input');
    type(first, '🙂'.repeat(45));
    type(second, 'w'.repeat(45));
    expect([...first.value].length).toBe(40);
    expect(second.value).toBe('w'.repeat(40));
  });
});
