// Each dot placed was said on the console (the count was a status): the
// count is shown as it changes, and said calmly; that every dot is placed
// is said at once.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import RetroControl from './RetroControl.svelte';
import { emptyState } from '../lib/reducer';
import { QUIET_MS } from './calm.svelte';

const view = (dotsPlaced: number) => ({
  exercise: 'x1', status: 'open', phase: 'vote', dots: 3, maxPerItem: 2, columns: [{ id: 'stop', title: 'Stop', count: 1 }], written: 1, revealed: true,
  cards: [{ id: 'c1', column: 'stop', text: 'Meetings' }], groups: [], items: [{ id: 'c1', kind: 'card' }], dotsShown: false, dotsPlaced, actions: [],
});

describe('RetroControl, the dots placed in the vote', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows each dot, says none of them, and says once that every dot is placed', async () => {
    const session = $state({ state: { ...emptyState(), online: 2, states: { x1: view(0) } } as any, status: 'online', send: async () => ({}) });
    const ex = $state({ id: 'x1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'vote', retro: { columns: [{ id: 'stop', title: 'Stop' }], dots: 3, maxPerItem: 2 } } as any);
    const target = show(RetroControl, { session, ex });
    const count = target.querySelector('[data-testid=dots-placed]')!;
    const news = target.querySelector('[data-testid=dots-news]')!;
    expect(count.closest('[aria-live],[role=status],[role=alert],[role=log]')).toBeNull();
    expect(news.getAttribute('aria-live')).toBe('polite');
    const said: string[] = [];
    const observer = new MutationObserver(() => { if (news.textContent) said.push(news.textContent); });
    observer.observe(news, { childList: true, subtree: true, characterData: true });
    for (let n = 1; n <= 6; n++) {
      session.state = { ...session.state, states: { x1: view(n) } };
      flushSync();
      vi.advanceTimersByTime(1000);
      flushSync();
      await Promise.resolve();
      expect(count.textContent).toBe(`${n} ${n === 1 ? 'dot' : 'dots'} placed so far, of 6 for the 2 people here (3 each)`);
    }
    expect(said).toEqual(['Every dot is placed: everyone here has voted.']);
    vi.advanceTimersByTime(QUIET_MS * 10);
    flushSync();
    await Promise.resolve();
    observer.disconnect();
    expect(said).toEqual(['Every dot is placed: everyone here has voted.']);
  });
});
