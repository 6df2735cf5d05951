import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import PackEditor from './PackEditor.svelte';
import type { PackEntry } from '../lib/types';
import { cancelThenEnterKey, needsKey } from '../test/hostkeyretry';
import { settle } from '../test/settle';

const tick = () => new Promise((r) => setTimeout(r, 0));
let target: HTMLElement;
let app: any;

const entry: PackEntry = {
  summary: { id: 'team-trust', title: 'Team trust', description: '', author: 'Ann', exercises: 3, kinds: ['words', 'scale', 'kudos'], builtin: false, source: 'library', version: 'v1' },
  pack: {
    schema: 1, id: 'team-trust', title: 'Team trust', description: 'For our team', author: 'Ann',
    exercises: [
      { kind: 'words', title: 'Check-in', maxEntries: 1 },
      { kind: 'scale', title: 'Trust today', questions: [{ id: 'q1', kind: 'scale', prompt: 'How much?', min: 1, max: 5 }] },
      { kind: 'kudos', title: 'Thanks' },
    ],
  },
};

function render() {
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(PackEditor, { target, props: { id: 'team-trust', initial: structuredClone(entry) } });
  flushSync();
}
const titles = () => [...target.querySelectorAll('[data-testid=pack-item] strong')].map((e) => e.textContent);
const button = (label: string) => {
  const b = target.querySelector(`button[aria-label="${label}"]`) as HTMLButtonElement | null;
  if (!b) throw new Error('no button ' + label);
  return b;
};
const click = (b: HTMLButtonElement) => {
  b.click();
  flushSync();
};
async function save() {
  target.querySelector('#pack-form')!.dispatchEvent(new Event('submit', { cancelable: true }));
  await tick();
  await tick();
  flushSync();
}
let fetchMock: ReturnType<typeof vi.fn>;
function answer(status: number, body: unknown) {
  fetchMock = vi.fn(async () => new Response(JSON.stringify(body), { status }));
  vi.stubGlobal('fetch', fetchMock);
}
const sent = () => JSON.parse((fetchMock.mock.calls[0] as any)[1].body);

beforeEach(() => localStorage.clear());
afterEach(() => {
  if (app) unmount(app);
  target.remove();
  vi.unstubAllGlobals();
});

describe('the pack editor', () => {
  it('reorders and removes exercises, and saves them in that order with the version it loaded', async () => {
    render();
    expect(titles()).toEqual(['Check-in', 'Trust today', 'Thanks']);
    expect(button('Move Check-in up').disabled).toBe(true);
    expect(button('Move Thanks down').disabled).toBe(true);
    click(button('Move Thanks up'));
    expect(titles()).toEqual(['Check-in', 'Thanks', 'Trust today']);
    click(button('Move Check-in down'));
    expect(titles()).toEqual(['Thanks', 'Check-in', 'Trust today']);
    click(button('Remove Check-in'));
    expect(titles()).toEqual(['Thanks', 'Trust today']);
    expect(target.textContent).toContain('You have unsaved changes.');

    answer(400, { error: { code: 'invalid', message: 'bad', field: 'exercises[1].questions[0].max' } });
    await save();
    expect((fetchMock.mock.calls[0] as any)[0]).toBe('/api/packs/team-trust');
    expect((fetchMock.mock.calls[0] as any)[1].method).toBe('PUT');
    const body = sent();
    expect(body.version).toBe('v1');
    expect(body.pack.id).toBe('team-trust');
    expect(body.pack.title).toBe('Team trust');
    expect(body.pack.exercises.map((e: any) => e.title)).toEqual(['Thanks', 'Trust today']);
  });

  it('shows validation problems next to the exercise they are about, with their field', async () => {
    render();
    answer(400, { error: { code: 'invalid', message: 'a scale has at most 11 points', field: 'exercises[1].questions[0].max', problems: [
      { field: 'exercises[1].questions[0].max', message: 'a scale has at most 11 points' },
      { field: 'title', message: 'the title is 1 to 80 characters' },
    ] } });
    await save();
    const items = target.querySelectorAll('[data-testid=pack-item]');
    expect(items[0].querySelector('[data-testid=problems]')).toBeNull();
    const own = items[1].querySelector('[data-testid=problems]')!;
    // Where, in words: under its exercise, the question; in the save bar,
    // the exercise too. The path stays in the markup, not in the text.
    expect(own.textContent).toBe('Question 1: a scale has at most 11 points');
    expect(own.querySelector('[data-field]')!.getAttribute('data-field')).toBe('exercises[1].questions[0].max');
    const all = target.querySelector('[data-testid=save-bar] [role=alert]')!;
    expect(all.querySelector('p')!.textContent).toBe('The pack was not saved because of the problems below. What you typed is kept.');
    expect([...all.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Exercise 2 “Trust today”, question 1: a scale has at most 11 points', 'the title is 1 to 80 characters']);
    expect(all.textContent).not.toContain('exercises[');
    expect(all.querySelector('code')).toBeNull();
    // An edit leaves the reasons behind, and their heading with them: no
    // "not saved" without a reason.
    const title = target.querySelector('#pack-title') as HTMLInputElement;
    title.value = 'Team trust, again';
    title.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    expect(target.querySelector('[data-testid=problems]')).toBeNull();
    expect(target.querySelector('[data-testid=save-bar]')?.textContent ?? '').not.toContain('The pack was not saved');
  });

  it('says someone else changed the pack, keeps the edits, and can save over theirs', async () => {
    render();
    click(button('Remove Thanks'));
    answer(409, { error: { code: 'conflict', message: 'changed', field: 'version' } });
    await save();
    const c = target.querySelector('[data-testid=conflict]')!;
    expect(c.textContent).toContain('Someone else changed this pack');
    expect(titles()).toEqual(['Check-in', 'Trust today']);
    // Overwriting sends no version.
    answer(409, { error: { code: 'conflict', message: 'changed' } });
    click([...c.querySelectorAll('button')].find((b) => b.textContent === 'Save mine over theirs')!);
    await tick();
    expect(sent().version).toBeUndefined();
    expect(sent().pack.exercises).toHaveLength(2);
  });

  it('edits an exercise with the console form', async () => {
    render();
    const edit = target.querySelectorAll('[data-testid=pack-item] button')[0] as HTMLButtonElement;
    click(edit);
    const form = target.querySelector('[data-testid=edit-exercise]') as HTMLFormElement;
    const title = form.querySelector('input[aria-required=true]') as HTMLInputElement;
    expect(title.value).toBe('Check-in');
    title.value = 'Arrival';
    title.dispatchEvent(new Event('input'));
    flushSync();
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await tick();
    flushSync();
    expect(titles()).toEqual(['Arrival', 'Trust today', 'Thanks']);
    expect(target.querySelector('[data-testid=edit-exercise]')).toBeNull();
    answer(200, entry);
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign, search: '' });
    await save();
    expect(sent().pack.exercises[0]).toEqual({ kind: 'words', title: 'Arrival', maxEntries: 1, anonymous: true, minResponses: 3, allowChange: false });
    expect(assign).toHaveBeenCalledWith('/library/team-trust?saved=1');
  });
});

describe('the pack editor keeps the keyboard in the list', () => {
  /** Press a button as the keyboard does: focused, then clicked. */
  async function press(b: HTMLButtonElement) {
    b.focus();
    click(b);
    await tick();
  }
  const edit = (title: string) =>
    [...target.querySelectorAll('[data-testid=pack-item]')].find((li) => li.querySelector('strong')?.textContent === title)!
      .querySelector('button[aria-expanded]');

  it('on the arrow pressed as an exercise moves, or on the other arrow once it reaches an end', async () => {
    render();
    await press(button('Move Thanks up'));
    expect(titles()).toEqual(['Check-in', 'Thanks', 'Trust today']);
    expect(document.activeElement).toBe(button('Move Thanks up'));
    await press(button('Move Thanks up'));
    expect(titles()).toEqual(['Thanks', 'Check-in', 'Trust today']);
    expect(document.activeElement).toBe(button('Move Thanks down'));
    await press(button('Move Check-in down'));
    expect(titles()).toEqual(['Thanks', 'Trust today', 'Check-in']);
    expect(document.activeElement).toBe(button('Move Check-in up'));
  });

  it('on the next exercise when one is removed, else the one before, else the list\'s heading', async () => {
    render();
    await press(button('Remove Trust today'));
    expect(document.activeElement).toBe(edit('Thanks'));
    await press(button('Remove Thanks'));
    expect(document.activeElement).toBe(edit('Check-in'));
    await press(button('Remove Check-in'));
    expect(titles()).toEqual([]);
    expect(document.activeElement?.id).toBe('items-h');
  });

  it("on an exercise's Edit once its form is applied, cancelled or closed with Escape", async () => {
    render();
    const form = () => target.querySelector('[data-testid=edit-exercise]') as HTMLFormElement | null;
    const buttonIn = (f: HTMLFormElement, name: string) => [...f.querySelectorAll('button')].find((b) => b.textContent?.trim() === name)!;
    // Cancelled.
    await press(edit('Trust today') as HTMLButtonElement);
    await press(buttonIn(form()!, 'Cancel'));
    expect(form()).toBeNull();
    expect(document.activeElement).toBe(edit('Trust today'));
    // Applied.
    await press(edit('Trust today') as HTMLButtonElement);
    const title = form()!.querySelector('input[aria-required=true]') as HTMLInputElement;
    title.value = 'Trust now';
    title.dispatchEvent(new Event('input'));
    flushSync();
    buttonIn(form()!, 'Apply').focus();
    form()!.dispatchEvent(new Event('submit', { cancelable: true }));
    await tick();
    flushSync();
    await tick();
    expect(form()).toBeNull();
    expect(document.activeElement).toBe(edit('Trust now'));
    // Escape in an unchanged form closes it; in a changed one it is kept.
    await press(edit('Thanks') as HTMLButtonElement);
    const field = form()!.querySelector('input[aria-required=true]') as HTMLInputElement;
    field.focus();
    field.value = 'Thanks!';
    field.dispatchEvent(new Event('input'));
    flushSync();
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    flushSync();
    expect(form()).not.toBeNull();
    field.value = 'Thanks';
    field.dispatchEvent(new Event('input'));
    flushSync();
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    flushSync();
    await tick();
    expect(form()).toBeNull();
    expect(document.activeElement).toBe(edit('Thanks'));
  });
});

describe('the pack editor after a save', () => {
  it('leaves for the pack without the leave-page warning, and saves again against the version it saved', async () => {
    render();
    click(button('Remove Thanks'));
    const saved = structuredClone(entry);
    saved.summary.version = 'v2';
    answer(200, saved);
    // The browser asks "Leave site?" while it navigates, before Svelte's
    // effects run again: what the listener says then is what counts.
    let warned: boolean | null = null;
    const assign = vi.fn(() => {
      const e = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(e);
      warned = e.defaultPrevented;
    });
    vi.stubGlobal('location', { ...window.location, assign, search: '' });
    await save();
    expect(assign).toHaveBeenCalledWith('/library/team-trust?saved=1');
    expect(warned).toBe(false);
    // Had the person stayed on the page: nothing unsaved, and the next
    // save is not taken for someone else's change.
    expect(target.textContent).not.toContain('You have unsaved changes.');
    answer(200, saved);
    await save();
    expect(sent().version).toBe('v2');
  });
});

describe('the pack editor with an exercise form open', () => {
  const forms = () => target.querySelectorAll('form.spec-form');
  function type(form: Element, value: string) {
    const title = form.querySelector('input[aria-required=true]') as HTMLInputElement;
    title.value = value;
    title.dispatchEvent(new Event('input'));
    flushSync();
  }
  /** Whether leaving the page now would ask first. */
  function leaveWarns() {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  }
  const blocked = () => target.querySelector('[data-testid=unapplied]')?.textContent ?? '';

  it('holds the save back while an edited exercise is not applied, and counts it as unsaved', async () => {
    render();
    answer(200, entry);
    click(target.querySelectorAll('[data-testid=pack-item] button')[0] as HTMLButtonElement);
    // An open form with no change neither warns nor holds anything back.
    expect(target.textContent).not.toContain('You have unsaved changes.');
    expect(leaveWarns()).toBe(false);
    type(target.querySelector('[data-testid=edit-exercise]')!, 'Arrival');
    expect(target.textContent).toContain('You have unsaved changes.');
    expect(leaveWarns()).toBe(true);
    await save();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(blocked()).toBe('Exercise 1 has changes that are not in the pack yet: apply them or cancel, then save.');
    expect(document.activeElement?.id).toBe('unapplied');
    // Said once, by the focus: not also a live region.
    expect(document.activeElement?.closest('[role=alert],[role=status],[aria-live]')).toBeNull();
    // Apply, and the pack saves with the change.
    target.querySelector('[data-testid=edit-exercise]')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await tick();
    flushSync();
    expect(blocked()).toBe('');
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign, search: '' });
    await save();
    expect(sent().pack.exercises[0].title).toBe('Arrival');
  });

  it('asks before another exercise\'s form drops unapplied changes', () => {
    render();
    const edits = () => target.querySelectorAll('[data-testid=pack-item] button') as NodeListOf<HTMLButtonElement>;
    click(edits()[0]);
    type(target.querySelector('[data-testid=edit-exercise]')!, 'Arrival');
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    click(target.querySelectorAll('[data-testid=pack-item]')[1].querySelector('button')!);
    expect(confirm).toHaveBeenCalledWith('Drop the changes to this exercise?');
    expect((target.querySelector('[data-testid=edit-exercise] input[aria-required=true]') as HTMLInputElement).value).toBe('Arrival');
  });

  it('holds the save back while the "Add an exercise" form is filled in, until it is added or cleared', async () => {
    render();
    answer(200, entry);
    const add = () => target.querySelector('[data-testid=pack-add-exercise]')!;
    expect(forms()).toHaveLength(1);
    expect([...add().querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Add to pack']);
    type(add(), 'Lunch');
    expect(target.textContent).toContain('You have unsaved changes.');
    expect(leaveWarns()).toBe(true);
    await save();
    expect(fetchMock).not.toHaveBeenCalled();
    expect(blocked()).toBe('The “Add an exercise” form is filled in: add it to the pack or clear it, then save.');
    click([...add().querySelectorAll('button')].find((b) => b.textContent === 'Clear')!);
    expect((add().querySelector('input[aria-required=true]') as HTMLInputElement).value).toBe('');
    expect(blocked()).toBe('');
    expect(target.textContent).not.toContain('You have unsaved changes.');
    expect(leaveWarns()).toBe(false);
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign, search: '' });
    await save();
    expect(sent().pack.exercises).toHaveLength(3);
  });

  it('lets a filled "Add an exercise" form be added, then saves', async () => {
    render();
    answer(200, entry);
    const add = target.querySelector('[data-testid=pack-add-exercise]')!;
    type(add, 'Lunch');
    add.dispatchEvent(new Event('submit', { cancelable: true }));
    await tick();
    flushSync();
    expect(titles()).toEqual(['Check-in', 'Trust today', 'Thanks', 'Lunch']);
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign, search: '' });
    await save();
    expect(blocked()).toBe('');
    expect(sent().pack.exercises.map((e: any) => e.title)).toEqual(['Check-in', 'Trust today', 'Thanks', 'Lunch']);
  });
});

describe('the pack editor on a server with a host key', () => {
  it('offers the host key prompt again after it was cancelled, and opens the pack once the key is in', async () => {
    const HostKeyPrompt = (await import('./HostKeyPrompt.svelte')).default;
    needsKey(entry);
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(PackEditor, { target, props: { id: 'team-trust' } });
    const prompt = mount(HostKeyPrompt, { target });
    expect(target.querySelector('#pack-form')).toBeNull();
    await cancelThenEnterKey(target, settle);
    expect((target.querySelector('#pack-title') as HTMLInputElement).value).toBe('Team trust');
    expect(titles()).toEqual(['Check-in', 'Trust today', 'Thanks']);
    unmount(prompt);
  });
});

// Chromium blurs a button disabled under the focus: "Save pack" was,
// while saving, and the keyboard started again at the top (WCAG 2.4.3).
describe('the pack editor while saving', () => {
  it('keeps "Save pack" focusable, marked busy, and sends one save', async () => {
    render();
    let done!: (r: Response) => void;
    fetchMock = vi.fn(() => new Promise<Response>((r) => (done = r)));
    vi.stubGlobal('fetch', fetchMock);
    const saveButton = target.querySelector('button[form=pack-form]') as HTMLButtonElement;
    saveButton.focus();
    await save();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(saveButton.disabled).toBe(false);
    expect(saveButton.getAttribute('aria-disabled')).toBe('true');
    const again = new MouseEvent('click', { bubbles: true, cancelable: true });
    saveButton.dispatchEvent(again);
    expect(again.defaultPrevented).toBe(true);
    done(new Response(JSON.stringify({ error: { code: 'invalid', message: 'bad' } }), { status: 400 }));
    await save();
  });
});

// A built-in pack's editor offers its copy: "Duplicate to adapt" was
// disabled while the copy was made, and the focus fell to the page, to
// stay there when the copy was refused.
describe('the pack editor of a built-in pack', () => {
  it('keeps "Duplicate to adapt" focused and marked busy while it copies, and after a refusal', async () => {
    const builtin = structuredClone(entry);
    builtin.summary.builtin = true;
    builtin.summary.source = 'builtin';
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(PackEditor, { target, props: { id: 'team-trust', initial: builtin } });
    flushSync();
    let done!: (r: Response) => void;
    fetchMock = vi.fn(() => new Promise<Response>((r) => (done = r)));
    vi.stubGlobal('fetch', fetchMock);
    const dup = [...target.querySelectorAll('button')].find((b) => b.textContent === 'Duplicate to adapt')!;
    dup.focus();
    dup.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    flushSync();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(dup.disabled).toBe(false);
    expect(dup.getAttribute('aria-disabled')).toBe('true');
    const again = new MouseEvent('click', { bubbles: true, cancelable: true });
    dup.dispatchEvent(again);
    expect(again.defaultPrevented).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    done(new Response(JSON.stringify({ error: { code: 'internal', message: 'disk full' } }), { status: 500 }));
    await settle();
    expect(dup.hasAttribute('aria-disabled')).toBe(false);
    expect(document.activeElement).toBe(dup);
    expect(target.querySelector('[role=alert]')!.textContent).toBe('Something went wrong on the server. Please try again.');
  });
});

// The save bar stays at the bottom of the window and hid the keyboard's
// focus (WCAG 2.4.11): the page now scrolls a focused control above it
// (the root's scroll-padding-bottom, the bar's height), and a bar taller
// than a third of the window (a conflict on a phone: 347 of 568 px) goes
// back into the page's flow. The browser's side: e2e/pack-editor-focus.mjs.
describe("the pack editor's save bar", () => {
  it("keeps the page's focus clear of it while short, goes into the flow when tall, and leaves the page as it was", async () => {
    let barHeight = 80;
    const rect = HTMLElement.prototype.getBoundingClientRect;
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      if (this.dataset.testid !== 'save-bar') return rect.call(this);
      return { top: 568 - barHeight, bottom: 568, left: 0, right: 320, width: 320, height: barHeight, x: 0, y: 568 - barHeight, toJSON() {} } as DOMRect;
    });
    vi.stubGlobal('innerHeight', 568);
    const root = document.documentElement;
    try {
      render();
      const bar = target.querySelector<HTMLElement>('[data-testid=save-bar]')!;
      expect(root.style.scrollPaddingBottom).toBe('calc(80px + .5rem)');
      expect(bar.classList.contains('in-flow')).toBe(false);
      // A refused save: the conflict makes it 347 px tall (its observer, or a resize, says so).
      barHeight = 347;
      window.dispatchEvent(new Event('resize'));
      flushSync();
      expect(bar.classList.contains('in-flow')).toBe(true);
      expect(root.style.scrollPaddingBottom).toBe('');
      // The same bar in a taller window stays at its bottom again.
      vi.stubGlobal('innerHeight', 1200);
      window.dispatchEvent(new Event('resize'));
      flushSync();
      expect(bar.classList.contains('in-flow')).toBe(false);
      expect(root.style.scrollPaddingBottom).toBe('calc(347px + .5rem)');
      // The editor left (another page of the app): the page scrolls as before.
      unmount(app);
      app = null;
      expect(root.style.scrollPaddingBottom).toBe('');
    } finally {
      vi.restoreAllMocks();
    }
  });
});
