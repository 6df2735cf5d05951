import { afterEach, describe, expect, it } from 'vitest';
import { cardOrder, forgetCardOrders, inWriteOrder, keepCardOrder, withNewCards } from './cardorder';

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

  it("forgets one member's retros, and nobody else's on the same exercises", () => {
    keepCardOrder('pv1:e1', ['a']);
    keepCardOrder('p:e1', ['b']);
    keepCardOrder('pv1:e2', ['c']);
    keepCardOrder('pv10:e1', ['d']);
    forgetCardOrders('pv1');
    expect(cardOrder('pv1:e1')).toEqual([]);
    expect(cardOrder('pv1:e2')).toEqual([]);
    expect(cardOrder('p:e1')).toEqual(['b']);
    expect(cardOrder('pv10:e1')).toEqual(['d']);
    forgetCardOrders('p');
    forgetCardOrders('pv10');
    expect(localStorage.getItem('huddle:cardorder')).toBeNull();
  });
});
