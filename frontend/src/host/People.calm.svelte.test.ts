// Forty people joining were forty announcements of "N of M online": the
// count was a live region. It is shown as it changes, and said calmly.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import People from './People.svelte';
import { emptyState } from '../lib/reducer';
import { QUIET_MS } from './calm.svelte';
import type { MemberView } from '../lib/types';

const member = (id: string): MemberView => ({ id, name: id, role: 'participant', online: true });

describe('People, the count as people join', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows every change, is no live region, and says the count once the joining settles', async () => {
    const state = $state({ ...emptyState(), membersKnown: true, participants: 0, online: 0 } as ReturnType<typeof emptyState>);
    const target = show(People, { session: { state, send: async () => {} } });
    const count = target.querySelector('[data-testid=people-count]')!;
    const news = target.querySelector('[data-testid=people-news]')!;
    expect(count.closest('[aria-live],[role=status],[role=alert],[role=log]')).toBeNull();
    expect(news.getAttribute('aria-live')).toBe('polite');

    const said: string[] = [];
    const observer = new MutationObserver(() => { if (news.textContent) said.push(news.textContent); });
    observer.observe(news, { childList: true, subtree: true, characterData: true });
    for (let i = 1; i <= 40; i++) {
      state.members = { ...state.members, [`m${i}`]: member(`m${i}`) };
      state.participants = i;
      state.online = i;
      flushSync();
      vi.advanceTimersByTime(200);
      flushSync();
      await Promise.resolve(); // the observer's turn
      expect(count.textContent).toBe(`${i} of ${i} online`);
    }
    vi.advanceTimersByTime(QUIET_MS);
    flushSync();
    await Promise.resolve();
    observer.disconnect();
    // Said after the first joins settled for a moment, then where they
    // ended up: not forty times.
    expect(said.length).toBeLessThanOrEqual(2);
    expect(said.at(-1)).toBe('Who is here: 40 of 40 online');
  });

  it('says nothing of the count once the room has ended', () => {
    const state = $state({ ...emptyState(), membersKnown: true, participants: 2, online: 2 } as ReturnType<typeof emptyState>);
    const target = show(People, { session: { state, send: async () => {} }, ended: true });
    state.participants = 3;
    flushSync();
    vi.advanceTimersByTime(QUIET_MS * 2);
    flushSync();
    expect(target.querySelector('[data-testid=people-news]')!.textContent).toBe('');
  });
});
