// With both nodes down, the console still said "4 of 4 online" with green
// dots: its list was as of its last contact, and said nothing of it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import People from './People.svelte';
import Console from './Console.svelte';
import { emptyState } from '../lib/reducer';
import { RECONNECT_GRACE_MS } from '../lib/conngrace.svelte';
import { FakeWS, welcome } from '../test/fakews';
import type { ConnStatus } from '../lib/client';
import type { MemberView } from '../lib/types';
import type { HostCreds } from '../lib/storage';

const member = (id: string, online = true): MemberView => ({ id, name: id, role: 'participant', online });
const byId = (list: MemberView[]) => Object.fromEntries(list.map((m) => [m.id, m]));

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function people() {
  const session = $state({
    state: { ...emptyState(), members: byId([member('Ann'), member('Ben'), member('Cy'), member('Dee')]), membersKnown: true, participants: 4, online: 4 },
    status: 'online' as ConnStatus, welcomed: true, send: async () => {},
  });
  const target = show(People, { session });
  const count = () => target.querySelector('[data-testid=people-count]')!.textContent;
  const note = () => target.querySelector('[data-testid=people-stale]')?.textContent ?? null;
  const rows = () => [...target.querySelectorAll('li')].map((li) => li.querySelector('.sr-only')!.textContent);
  const wait = (ms: number) => { vi.advanceTimersByTime(ms); flushSync(); };
  const set = (s: ConnStatus) => { session.status = s; flushSync(); };
  return { target, session, count, note, rows, wait, set };
}

describe('who is here, while the console itself is disconnected', () => {
  it('says the list is as of the last contact once the drop lasts, with no live green', () => {
    const p = people();
    expect(p.count()).toBe('4 of 4 online');
    p.set('reconnecting');
    p.wait(RECONNECT_GRACE_MS);
    expect(p.count()).toBe('Last known: 4 of 4 online');
    expect(p.note()).toBe('Who is here updates once the console is connected again.');
    expect(p.target.querySelector('ul')!.classList.contains('stale')).toBe(true);
    expect(p.rows()).toEqual(Array(4).fill('Connected when last known'));
  });

  it('changes nothing for a blip', () => {
    const p = people();
    p.set('reconnecting');
    p.wait(RECONNECT_GRACE_MS - 500);
    p.set('online');
    p.wait(RECONNECT_GRACE_MS);
    expect(p.count()).toBe('4 of 4 online');
    expect(p.note()).toBeNull();
    expect(p.target.querySelector('ul')!.classList.contains('stale')).toBe(false);
  });

  it('is live again once the console is back with the room\'s presence', () => {
    const p = people();
    p.set('reconnecting');
    p.wait(RECONNECT_GRACE_MS);
    p.session.state = { ...p.session.state, members: byId([member('Ann'), member('Ben', false), member('Cy', false), member('Dee')]), online: 2 };
    p.set('online');
    expect(p.count()).toBe('2 of 4 online');
    expect(p.note()).toBeNull();
    expect(p.rows()).toEqual(['Connected', 'Connected', 'Disconnected', 'Disconnected']);
  });

  it('says so at once when the console has stopped (open in another tab)', () => {
    const p = people();
    p.set('stopped');
    expect(p.count()).toBe('Last known: 4 of 4 online');
  });

  it('says nothing of it before the first welcome, or in an ended room', () => {
    const session = $state({ state: { ...emptyState(), participants: 2, online: 1 }, status: 'connecting' as ConnStatus, welcomed: false, send: async () => {} });
    const target = show(People, { session });
    vi.advanceTimersByTime(5000);
    flushSync();
    expect(target.querySelector('[data-testid=people-count]')!.textContent).toBe('1 of 2 online');
    const ended = $state({ ...session, status: 'stopped' as ConnStatus, welcomed: true });
    const done = show(People, { session: ended, ended: true });
    expect(done.querySelector('[data-testid=people-stale]')).toBeNull();
  });
});

describe('the console\'s people list over its own connection', () => {
  const host: HostCreds = { roomId: 'r1', code: 'ABCDEF', secret: 's', facilitatorId: 'f1', title: 'T', joinUrl: 'http://x/j/ABCDEF', createdAt: 0 };
  const facilitator = { id: 'f1', name: '', role: 'facilitator', online: true };

  it('goes stale when its socket drops, and live with the welcome that brings presence back', () => {
    localStorage.clear();
    FakeWS.all = [];
    vi.stubGlobal('WebSocket', FakeWS);
    const target = show(Console, { host });
    const count = () => target.querySelector('[data-testid=people-count]')!.textContent;
    const presence = (online: number) => ({ type: 'presence', online, participants: 2, members: [facilitator, member('Ann'), member('Ben', online > 1)] });
    FakeWS.last().open();
    const base = welcome(1);
    FakeWS.last().receive({ ...base, you: facilitator, presence: presence(2), snapshot: { ...base.snapshot, participants: 2 } });
    flushSync();
    expect(count()).toBe('2 of 2 online');
    FakeWS.last().serverClose(1006);
    flushSync();
    vi.advanceTimersByTime(RECONNECT_GRACE_MS);
    flushSync();
    expect(count()).toBe('Last known: 2 of 2 online');
    while (FakeWS.all.length < 2) vi.advanceTimersByTime(100);
    FakeWS.last().open();
    FakeWS.last().receive({ ...welcome(1, { you: facilitator, presence: presence(1) }), recovered: true, snapshot: undefined });
    flushSync();
    expect(count()).toBe('1 of 2 online');
  });
});
