import { describe, expect, it } from 'vitest';
import { emptyState } from '../lib/reducer';
import { hasKeepsakes, keepsakesHeight, keepsakesOf } from './keepsakes';

// A phone that was paired on the help board, and nothing else: the ended
// room has keepsakes (a placeholder of their height while they load), and
// one that only offered, unaccepted, has none.
describe('keepsakes of a help board', () => {
  const state = (mine: object) => ({
    ...emptyState(), you: { id: 'me', name: 'Ann', role: 'participant', online: false },
    exercises: { h1: { id: 'h1', kind: 'help', title: 'Help', status: 'open' } },
    states: { h1: { exercise: 'h1', status: 'open', counts: { open: 0, matched: 1, resolved: 0 }, requests: [
      { id: 'r1', title: 'Flaky tests', tags: [], status: 'matched', anonymous: false, authorId: 'dee', authorName: 'Dee', offers: [
        { id: 'o1', helperId: 'cy', helperName: 'Cy', message: 'a', accepted: true, step: 'Pair on Friday' },
        { id: 'o2', helperId: 'me', helperName: 'Ann', message: 'b', accepted: false },
      ] },
    ] } },
    mine: { h1: mine },
  }) as any;

  it('are kept when one was paired', () => {
    const k = keepsakesOf(state({ requests: [], offers: ['o1'], paired: [] }));
    expect(hasKeepsakes(k)).toBe(true);
    expect(k.help[0].pairs.map((p) => [p.helping, p.name])).toEqual([[true, 'Dee']]);
    // A card (4.25 rem), a pairing (2 rem) and its step (1.5 rem).
    expect(keepsakesHeight(k)).toBe('7.75rem');
  });

  it('are none when one only offered', () => {
    expect(hasKeepsakes(keepsakesOf(state({ requests: [], offers: ['o2'], paired: [] })))).toBe(false);
  });
});
