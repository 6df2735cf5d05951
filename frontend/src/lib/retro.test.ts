import { describe, expect, it } from 'vitest';
import { dotsLostWith } from './retro';
import type { RetroView } from './types';

// After the totals a card's dots follow it (docs/protocol.md 8.7): a
// group's total is its own dots and its cards'.
const view = {
  exercise: 'r1', status: 'open', phase: 'group', dots: 3, maxPerItem: 2, columns: [], revealed: true, dotsShown: false, actions: [],
  cards: [
    { id: 'a', column: 's', text: 'A', dots: 3 },
    { id: 'b', column: 's', text: 'B' },
    { id: 'c', column: 's', text: 'C', group: 'g', dots: 2 },
    { id: 'd', column: 's', text: 'D', group: 'g' },
    { id: 'e', column: 's', text: 'E', group: 'h' },
  ],
  groups: [{ id: 'g', title: 'G', cards: ['c', 'd'] }, { id: 'h', title: 'H', cards: ['e'] }],
  items: [{ id: 'a', kind: 'card', dots: 3 }, { id: 'b', kind: 'card', dots: 0 }, { id: 'g', kind: 'group', dots: 6 }, { id: 'h', kind: 'group', dots: 4 }],
} as unknown as RetroView;

describe('dotsLostWith', () => {
  it('is a card\'s own dots, or its group\'s whole total when it is all the group holds', () => {
    expect(dotsLostWith(view, 'a')).toBe(3);
    expect(dotsLostWith(view, 'b')).toBe(0);
    expect(dotsLostWith(view, 'c')).toBe(2);
    expect(dotsLostWith(view, 'd')).toBe(0);
    expect(dotsLostWith(view, 'e')).toBe(4);
    expect(dotsLostWith(view, 'zz')).toBe(0);
  });
  it('is 0 before the totals, when no item carries dots', () => {
    const before = { ...view, cards: view.cards.map(({ dots: _, ...c }) => c), items: view.items.map(({ dots: _, ...i }) => i) } as RetroView;
    expect(['a', 'c', 'e'].map((id) => dotsLostWith(before, id))).toEqual([0, 0, 0]);
  });
});
