// An edit being typed when the vote begins is kept in a notice that takes
// the focus, to show the words (RetroExercise.svelte); the room's title,
// which takes the focus where the phase took away what had it
// (Room.svelte's phase news), leaves it there, and the news is said by the
// live region instead. The two took turns in the browser: the title won.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { lazyParts } from './lazyparts';
import { ev } from '../test/fakews';
import { settle } from '../test/settle';
import { phoneWith } from '../test/phone';

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  sessionStorage.clear();
});
beforeAll(() => Promise.all(lazyParts.map((p) => p.get())));

const columns = [{ id: 'start', title: 'Start' }];
const retro = (phase: string) => ({ id: 'e1', kind: 'retro', title: 'Sprint', status: 'open', phase, retro: { columns, dots: 3, maxPerItem: 2 } });
const cards = [{ id: 'c1', column: 'start', text: 'Demos' }];
const board = (phase: string) => ({
  exercise: 'e1', status: 'open', phase, dots: 3, maxPerItem: 2, columns: [{ id: 'start', title: 'Start', count: 1 }], written: 1,
  revealed: true, cards, groups: [], items: [{ id: 'c1', kind: 'card' }], dotsShown: false, actions: [],
});

describe('an edit being typed when the vote begins, in the room', () => {
  it('keeps the focus on its notice, and the news is said by the live region', async () => {
    const { target, ws } = await phoneWith(retro('group'), board('group'), { cards });
    target.querySelector<HTMLButtonElement>('button[aria-label="Edit: Demos"]')!.click();
    await settle();
    const box = target.querySelector<HTMLTextAreaElement>('[data-testid=my-cards] textarea')!;
    expect(document.activeElement).toBe(box);
    box.value = 'Demos every other Friday';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    ws.receive(ev(2, 'exercise.updated', retro('vote')));
    ws.receive({ type: 'state', key: 'ex:e1', data: board('vote') });
    await settle();
    await settle();
    const kept = target.querySelector('[data-testid=edit-kept]')!;
    expect(kept.querySelector('textarea')!.value).toBe('Demos every other Friday');
    expect(document.activeElement).toBe(kept.querySelector('p'));
    expect(target.querySelector('[data-testid=said]')!.textContent).toBe('Voting has started: you have 3 dots.');
    expect(target.querySelector('#ex-title')!.getAttribute('aria-label')).toBeNull();
  });
});
