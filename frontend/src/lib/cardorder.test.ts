import { afterEach, describe, expect, it } from 'vitest';
import { cardOrder, inWriteOrder, keepCardOrder, withNewCards } from './cardorder';

afterEach(() => localStorage.clear());

describe('cardorder', () => {
  it('puts cards in the order kept, those it does not know after, as given', () => {
    const cards = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }];
    expect(inWriteOrder(cards, ['c', 'x', 'a']).map((c) => c.id)).toEqual(['c', 'a', 'b', 'd']);
    const order = ['c', 'a'];
    expect(withNewCards(order, cards)).toEqual(['c', 'a', 'b', 'd']);
    expect(withNewCards(order, [{ id: 'a' }])).toBe(order);
  });

  it('keeps the latest retros only', () => {
    for (let i = 0; i < 25; i++) keepCardOrder(`m:${i}`, [`c${i}`]);
    expect(cardOrder('m:24')).toEqual(['c24']);
    expect(cardOrder('m:5')).toEqual(['c5']);
    expect(cardOrder('m:4')).toEqual([]);
  });
});
