import { describe, expect, it, vi } from 'vitest';
import { show } from '../test/mount';
import People from './People.svelte';
import { emptyState } from '../lib/reducer';
import type { MemberView } from '../lib/types';
import { sameNameTags } from '../lib/names';

const member = (id: string, name: string, extra: Partial<MemberView> = {}): MemberView => ({ id, name, role: 'participant', online: true, ...extra });

describe('People', () => {
  it("lists the console's preview last, marked, and counts only the people", () => {
    const members = Object.fromEntries([
      member('f1', '', { role: 'facilitator' }), member('pv', 'Preview', { preview: true }), member('a', 'Ann'), member('z', 'Zoe', { online: false }),
    ].map((m) => [m.id, m]));
    const state = { ...emptyState(), members, membersKnown: true, participants: 2, online: 1 };
    const target = show(People, { session: { state, send: () => Promise.resolve() } as any });
    const rows = [...target.querySelectorAll('li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual(['Ann Connected ✕', 'Zoe Disconnected ✕', 'Preview Preview · not counted Connected ✕']);
    expect(target.querySelectorAll('li[data-preview]')).toHaveLength(1);
    expect(target.textContent).toContain('1 of 2 online');
  });

  // Sorted as text, 28 bots read Bot 0, Bot 1, Bot 10, Bot 11, ... Bot 2.
  it('lists numbered names in number order', () => {
    const members = Object.fromEntries(['Bot 10', 'Bot 2', 'bot 1', 'Bot 0'].map((n, i) => [`m${i}`, member(`m${i}`, n)]));
    const state = { ...emptyState(), members, membersKnown: true, participants: 4, online: 4 };
    const target = show(People, { session: { state, send: () => Promise.resolve() } as any });
    const names = [...target.querySelectorAll('li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim().split(' Connected')[0]);
    expect(names).toEqual(['Bot 0', 'bot 1', 'Bot 2', 'Bot 10']);
  });

  // The ended room's list read Ann Cy Dee Ben: Ben's phone had closed
  // before the end, and the dots that said so are not shown any more.
  it("lists who took part in an ended room by name alone", () => {
    const members = Object.fromEntries([member('a', 'Ann'), member('b', 'Ben', { online: false }), member('c', 'Cy')].map((m) => [m.id, m]));
    const state = { ...emptyState(), members, membersKnown: true, participants: 3, online: 2 };
    const target = show(People, { session: { state, send: () => Promise.resolve() } as any, ended: true });
    expect([...target.querySelectorAll('li')].map((li) => li.textContent!.trim().split(/\s/)[0])).toEqual(['Ann', 'Ben', 'Cy']);
  });

  // Two people joined as Sam (and two without a name): the list showed
  // "Sam ✕" twice, and nobody could say which one to remove.
  it('tells apart people of the same name, as every list of people does', () => {
    const list = [member('a', 'Sam'), member('b', 'S am', { online: false }), member('c', ''), member('d', ''), member('e', 'Ann'), member('pv', 'Sam', { preview: true })];
    const members = Object.fromEntries(list.map((m) => [m.id, m]));
    const state = { ...emptyState(), members, membersKnown: true, participants: 5, online: 4 };
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    const target = show(People, { session: { state, send: () => Promise.resolve() } as any, ended: true });
    // The numbers the participants' phones show them with: the preview, which they are not told of, is not counted.
    const tags = sameNameTags(list.filter((m) => !m.preview));
    const names = [...target.querySelectorAll('li .name')].map((n) => n.textContent);
    expect(names).toEqual(expect.arrayContaining([`Sam\u00a0#${tags.get('a')}`, `S am\u00a0#${tags.get('b')}`, `Unnamed participant\u00a0#${tags.get('c')}`, `Unnamed participant\u00a0#${tags.get('d')}`, 'Ann']));
    expect(names).toHaveLength(5);
    expect(tags.get('a')).not.toBe(tags.get('b'));

    const live = show(People, { session: { state, send: () => Promise.resolve() } as any });
    const rows = [...live.querySelectorAll('li')];
    const sam = rows.find((li) => li.querySelector('.name')!.textContent === `Sam\u00a0#${tags.get('a')}`)!;
    const remove = sam.querySelector('button')!;
    expect(remove.getAttribute('aria-label')).toBe(`Remove Sam\u00a0#${tags.get('a')}`);
    remove.click();
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining(`Remove Sam\u00a0#${tags.get('a')} from the room?`));
    // The preview keeps its own name and badge.
    expect(rows.at(-1)!.querySelector('.name')!.textContent).toBe('Sam');
    vi.unstubAllGlobals();
  });
});
