import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import PackEditor from './PackEditor.svelte';
import type { PackEntry } from '../lib/types';

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
  unmount(app);
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
    expect(own.textContent).toContain('exercises[1].questions[0].max');
    expect(own.textContent).toContain('a scale has at most 11 points');
    expect(own.textContent).not.toContain('title is');
    const all = target.querySelector('[data-testid=save-bar] [role=alert]')!;
    expect(all.textContent).toContain('The pack was not saved');
    expect(all.textContent).toContain('Exercise 2 (Trust today)');
    expect(all.textContent).toContain('the title is 1 to 80 characters');
    expect(all.textContent).toContain('What you typed is kept.');
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
    const title = form.querySelector('input[required]') as HTMLInputElement;
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
