import { describe, expect, it } from 'vitest';
import { show } from '../test/mount';
import Results from './Results.svelte';
import type { Exercise, Results as R, TextAnswer } from '../lib/types';

const cloud = { id: 'w1', kind: 'words', title: 'One word', status: 'results', minResponses: 1 } as unknown as Exercise;

describe('Results of a word cloud', () => {
  it('lets the facilitator hide a word, and show a hidden one again, by the word', () => {
    const results: R = { words: [{ word: 'rude', count: 3, hidden: true }, { word: 'calm', count: 2 }] };
    const calls: TextAnswer[] = [];
    const target = show(Results, { exercise: cloud, results, onHideText: (a: TextAnswer) => calls.push(a) });
    // The cloud is what the room sees.
    expect(target.querySelector('.cloud')!.textContent).not.toContain('rude');
    expect(target.querySelector('[data-testid=hide-words] summary')!.textContent).toBe('Hide a word (1 word hidden)');
    (target.querySelector('[aria-label="Hide: calm"]') as HTMLButtonElement).click();
    (target.querySelector('[aria-label="Show: rude"]') as HTMLButtonElement).click();
    expect(calls.map((a) => [a.id, !!a.hidden])).toEqual([['calm', false], ['rude', true]]);
  });

  it('offers no hiding where nobody may moderate (phones, projector)', () => {
    const target = show(Results, { exercise: cloud, results: { words: [{ word: 'calm', count: 2 }] }, big: true });
    expect(target.querySelector('[data-testid=hide-words]')).toBeNull();
    expect(target.querySelector('.cloud')!.textContent).toContain('calm');
  });
});
