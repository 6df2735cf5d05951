import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import RetroBoard from './RetroBoard.svelte';
import type { RetroCardView, RetroGroup, RetroView } from '../lib/types';

// The console's grouping board, whose buttons go once they did their
// work: the keyboard's focus stays in the group (docs: RetroBoard).
function board(groups: RetroGroup[], loose: string[] = []) {
  const cards: RetroCardView[] = [
    ...groups.flatMap((g) => g.cards.map((id) => ({ id, column: 'start', text: `Card ${id}`, group: g.id }))),
    ...loose.map((id) => ({ id, column: 'start', text: `Card ${id}` })),
  ];
  return {
    exercise: 'r1', status: 'open', phase: 'group', dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
    columns: [{ id: 'start', title: 'Start', count: cards.length }], written: cards.length, cards, groups, items: [], actions: [],
  } as unknown as RetroView;
}

/** A board the test changes as the server would; calls lists what it asked. */
function mountBoard(view: RetroView, selected: string[] = []) {
  const calls: string[] = [];
  const props = $state({
    view, columns: [{ id: 'start', title: 'Start' }], selected, onToggle: () => {},
    onUngroup: (c: string) => calls.push(`ungroup ${c}`),
    onRename: (g: string, title: string) => calls.push(`rename ${g} ${title}`),
    onAddTo: (g: string) => calls.push(`add ${g}`),
  });
  const target = show(RetroBoard, props);
  const press = (label: string) => {
    const b = [...target.querySelectorAll<HTMLButtonElement>('button')].find((x) => x.getAttribute('aria-label') === label || x.textContent === label)!;
    b.focus();
    b.click();
    flushSync();
  };
  return { target, props, calls, press };
}

describe('RetroBoard keeps the focus in the group', () => {
  it("on the next card's ✕ when a card is taken out", async () => {
    const { props, calls, press } = mountBoard(board([{ id: 'g1', title: 'Pairing', cards: ['c1', 'c2', 'c3'] }]));
    press('Take out of group: Card c1');
    expect(calls).toEqual(['ungroup c1']);
    props.view = board([{ id: 'g1', title: 'Pairing', cards: ['c2', 'c3'] }], ['c1']);
    await settle();
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Take out of group: Card c2');
  });

  it("on the one before when the last is taken out, and on the card itself when the group goes with it", async () => {
    const { target, props, press } = mountBoard(board([{ id: 'g1', title: 'Pairing', cards: ['c1', 'c2'] }]));
    press('Take out of group: Card c2');
    props.view = board([{ id: 'g1', title: 'Pairing', cards: ['c1'] }], ['c2']);
    await settle();
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Take out of group: Card c1');
    press('Take out of group: Card c1');
    props.view = board([], ['c1', 'c2']);
    await settle();
    expect(document.activeElement).toBe(target.querySelector('[data-card=c1] input'));
  });

  it('on the Rename button after a rename is saved or cancelled, and after cards are added', async () => {
    const { target, props, calls, press } = mountBoard(board([{ id: 'g1', title: 'Pairing', cards: ['c1'] }], ['c2']), ['c2']);
    const rename = () => target.querySelector('[data-group=g1] .rename');
    press('Rename');
    const input = target.querySelector('#rn-g1') as HTMLInputElement;
    input.value = 'Pairing and mobbing';
    input.dispatchEvent(new Event('input'));
    press('Save');
    await settle();
    expect(document.activeElement).toBe(rename());
    press('Rename');
    press('Cancel');
    await settle();
    expect(document.activeElement).toBe(rename());
    // Escape cancels, as Cancel does: nothing renamed, the focus back.
    press('Rename');
    await settle();
    const again = target.querySelector('#rn-g1') as HTMLInputElement;
    again.value = 'Not this';
    again.dispatchEvent(new Event('input'));
    again.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle();
    expect(target.querySelector('#rn-g1')).toBeNull();
    expect(document.activeElement).toBe(rename());
    press('Add selected (1) here');
    props.selected = [];
    await settle();
    expect(document.activeElement).toBe(rename());
    expect(calls).toEqual(['rename g1 Pairing and mobbing', 'add g1']);
  });
});
