// A retro's phase moving on under the phone: said once, politely, as what
// one can do now, without taking the focus from a card being typed; the
// title says it where the phase took away what had the focus.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { lazyParts } from './lazyparts';
import { FakeWS, ev, welcome } from '../test/fakews';
import { settle } from '../test/settle';
import { openPhone, phoneWith } from '../test/phone';

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});
beforeAll(() => Promise.all(lazyParts.map((p) => p.get())));

const columns = [{ id: 'start', title: 'Start' }];
const retro = (phase: string, status = 'open') => ({ id: 'e1', kind: 'retro', title: 'Sprint', status, phase, retro: { columns, dots: 3, maxPerItem: 2 } });
const board = (phase: string) => ({
  exercise: 'e1', status: 'open', phase, dots: 3, maxPerItem: 2, columns: [{ id: 'start', title: 'Start', count: 1 }], written: 1,
  revealed: phase !== 'write', cards: phase === 'write' ? [] : [{ id: 'c1', column: 'start', text: 'Demos' }], groups: [],
  items: phase === 'write' ? [] : [{ id: 'c1', kind: 'card' }], dotsShown: phase === 'discuss' || phase === 'actions', actions: [],
});

const said = (target: HTMLElement) => target.querySelector('[data-testid=said]')!.textContent;
const title = (target: HTMLElement) => target.querySelector('#ex-title') as HTMLElement;

/** The facilitator moves the retro to `phase`: its event, then its board. */
async function moveTo(ws: FakeWS, seq: number, phase: string) {
  ws.receive(ev(seq, 'exercise.updated', retro(phase)));
  ws.receive({ type: 'state', key: 'ex:e1', data: board(phase) });
  await settle();
}

describe('a retro moving on under the phone', () => {
  it('says once that cards are revealed, the focus left in the card being typed', async () => {
    const { target, ws } = await phoneWith(retro('write'), board('write'), { cards: [] });
    const box = target.querySelector('textarea')!;
    box.focus();
    await moveTo(ws, 2, 'reveal');
    expect(document.activeElement).toBe(box);
    expect(said(target)).toBe('Cards are revealed. You can still add cards.');
    expect(title(target).getAttribute('aria-label')).toBeNull();
    // A board that changes in the same phase is no news: said once.
    ws.receive({ type: 'state', key: 'ex:e1', data: { ...board('reveal'), written: 2 } });
    ws.receive(ev(3, 'exercise.updated', retro('reveal')));
    await settle();
    expect(said(target)).toBe('Cards are revealed. You can still add cards.');
  });

  it('says the vote has started and how many dots one has, by the live region where the focus stays', async () => {
    const { target, ws } = await phoneWith(retro('group'), board('group'), { cards: [] });
    [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Change name')!.click();
    await settle();
    const name = target.querySelector('#rename-p') as HTMLInputElement;
    expect(document.activeElement).toBe(name);
    await moveTo(ws, 2, 'vote');
    expect(document.activeElement).toBe(name);
    expect(said(target)).toBe('Voting has started: you have 3 dots.');
  });

  it('puts the focus on the title, which says it once, when the phase took the card box away', async () => {
    const { target, ws } = await phoneWith(retro('group'), board('group'), { cards: [] });
    target.querySelector('textarea')!.focus();
    await moveTo(ws, 2, 'vote');
    expect(target.querySelector('textarea')).toBeNull();
    expect(document.activeElement).toBe(title(target));
    expect(title(target).getAttribute('aria-label')).toBe('Voting has started: you have 3 dots. “Sprint”');
    expect(said(target)).toBe(''); // said by the title, not twice
    title(target).blur();
    await settle();
    expect(title(target).getAttribute('aria-label')).toBeNull();
  });

  it('has the news on the title before the title takes the focus, not its old name', async () => {
    const { target, ws } = await phoneWith(retro('group'), board('group'), { cards: [] });
    target.querySelector('textarea')!.focus();
    const onFocus: (string | null)[] = [];
    title(target).addEventListener('focus', () => onFocus.push(title(target).getAttribute('aria-label')));
    await moveTo(ws, 2, 'vote');
    expect(document.activeElement).toBe(title(target));
    expect(onFocus).toEqual(['Voting has started: you have 3 dots. “Sprint”']);
  });

  it('says each move, back ones too, once each', async () => {
    const { target, ws } = await phoneWith(retro('vote'), board('vote'), { cards: [], dots: {}, dotsLeft: 3 });
    const heard: string[] = [];
    const region = target.querySelector('[data-testid=said]')!;
    const observer = new MutationObserver(() => { if (region.textContent) heard.push(region.textContent); });
    observer.observe(region, { childList: true, subtree: true, characterData: true });
    let seq = 2;
    for (const phase of ['group', 'vote', 'discuss', 'actions', 'write']) {
      await moveTo(ws, seq++, phase);
    }
    observer.disconnect();
    expect(heard).toEqual([
      'Cards are being grouped. You can still add cards.',
      'Voting has started: you have 3 dots.',
      'The discussion has started. You can add action items.',
      'Time to agree on action items. You can add them.',
      'Back to writing cards. Only you see yours.',
    ]);
  });

  it('says nothing of a phase on joining, nor a closed retro\'s phase twice', async () => {
    const { target, ws } = await phoneWith(retro('vote'), board('vote'), { cards: [], dots: {}, dotsLeft: 3 });
    expect(said(target)).toBe('');
    ws.receive(ev(2, 'exercise.updated', retro('vote', 'closed')));
    await settle();
    expect(said(target)).toBe('This exercise has closed.');
  });

  it('says nothing in the console\'s preview, where the facilitator moved it', async () => {
    const { target, ws } = openPhone({ preview: true });
    const base = welcome(1);
    ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
      agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: retro('write'), state: board('write'), mine: { cards: [] } }],
    } } } });
    await settle();
    await moveTo(ws, 2, 'reveal');
    expect(said(target)).toBe('');
    expect(title(target).getAttribute('aria-label')).toBeNull();
  });
});
