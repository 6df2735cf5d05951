import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import People from './People.svelte';
import { emptyState } from '../lib/reducer';
import type { MemberView } from '../lib/types';

const member = (id: string, name: string): MemberView => ({ id, name, role: 'participant', online: true });

describe('People, removing a person', () => {
  function room() {
    const state = $state({ ...emptyState(), members: Object.fromEntries(['Ann', 'Ben', 'Cy'].map((n) => [n, member(n, n)])), membersKnown: true, participants: 3, online: 3 });
    vi.stubGlobal('confirm', () => true);
    onTestFinished(() => { vi.unstubAllGlobals(); });
    const send = vi.fn(async (_type: string, data: { member: string }) => {
      delete state.members[data.member];
      state.participants -= 1; // the presence that says who is online comes later
    });
    const target = show(People, { session: { state, send } });
    return { state, target };
  }
  const removeOf = (target: HTMLElement, who: string) => target.querySelector(`[aria-label="Remove ${who}"]`) as HTMLButtonElement;

  // The row went with its ✕ and the focus to the top of the console.
  it("puts the focus on the next person's ✕, else the one before, else the heading", async () => {
    const { target } = room();
    for (const [who, then] of [['Ben', 'Cy'], ['Cy', 'Ann']]) {
      removeOf(target, who).focus();
      removeOf(target, who).dispatchEvent(new Event('click', { bubbles: true }));
      await settle();
      await settle();
      expect(document.activeElement).toBe(removeOf(target, then));
    }
    removeOf(target, 'Ann').dispatchEvent(new Event('click', { bubbles: true }));
    await settle();
    await settle();
    expect(document.activeElement).toBe(target.querySelector('#people-h'));
  });

  // It announced "4 of 3 online" until the next presence.
  it('never says more online than there are', async () => {
    const { target } = room();
    removeOf(target, 'Ben').dispatchEvent(new Event('click', { bubbles: true }));
    await settle();
    flushSync();
    expect(target.textContent).toContain('2 of 2 online');
  });
});
