// A phone's connection dropping for a moment (a blip) and for longer:
// what the badge shows and says, and what a form's send status says.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import ConnBadge from './ConnBadge.svelte';
import SendStatus from '../participant/SendStatus.svelte';
import { show } from '../test/mount';
import type { ConnStatus } from '../lib/client';
import { RECONNECT_GRACE_MS, TRY_NOW_MS } from '../lib/conngrace.svelte';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function badge() {
  const p = $state({ status: 'online' as ConnStatus, pending: 0 });
  const target = show(ConnBadge, { get status() { return p.status; }, get pending() { return p.pending; } });
  const region = target.querySelector('[role=status]')!;
  // What the live region came to say, change by change.
  const heard: string[] = [];
  let was = region.textContent;
  const note = () => { if (region.textContent !== was) heard.push((was = region.textContent) ?? ''); };
  const set = (s: ConnStatus, pending = p.pending) => { p.status = s; p.pending = pending; flushSync(); note(); };
  const wait = (ms: number) => { for (let i = 0; i < ms; i += 100) { vi.advanceTimersByTime(100); flushSync(); note(); } };
  return { target, region, heard, set, wait };
}

describe('the phone\'s badge on a blip', () => {
  it('says nothing of a drop that is back within the grace, shows it by the dot alone', () => {
    const b = badge();
    b.set('reconnecting', 1);
    expect(b.target.querySelector('.dot')!.classList.contains('reconnecting')).toBe(true);
    b.wait(1000);
    expect(b.region.textContent).toBe('Connected');
    b.set('online', 0);
    b.wait(2000);
    expect(b.heard).toEqual([]);
    expect(b.target.querySelector('.dot')!.classList.contains('reconnecting')).toBe(false);
  });

  it('says "Reconnecting" once the drop lasts, then "Connected" when back, once each', () => {
    const b = badge();
    b.set('reconnecting', 1);
    b.wait(1600);
    b.set('online', 0);
    expect(b.heard).toEqual(['Reconnecting… your answers are kept and will be sent', 'Connected']);
  });

  it('shows what waits to be sent, but outside the live region: not said with each send', () => {
    const b = badge();
    b.set('reconnecting', 1);
    b.wait(1600);
    b.set('reconnecting', 2);
    expect(b.target.querySelector('[data-testid=conn-pending]')!.textContent).toBe('2 things waiting to be sent');
    expect(b.region.textContent).not.toContain('waiting');
    expect(b.heard).toEqual(['Reconnecting… your answers are kept and will be sent']);
  });
});

describe('a form sending while the phone reconnects', () => {
  it('says "Sending…", and leaves "Reconnecting" to the badge, not a second live region', () => {
    const p = $state({ status: 'online' as ConnStatus });
    const action = { pending: true, error: '', failure: null };
    const target = show(SendStatus, { action, get status() { return p.status; } });
    const region = target.querySelector('[aria-live]')!;
    expect(region.textContent?.trim()).toBe('Sending…');
    p.status = 'reconnecting';
    flushSync();
    vi.advanceTimersByTime(500);
    flushSync();
    expect(region.textContent?.trim()).toBe('Sending…'); // a blip: no change
    vi.advanceTimersByTime(1500);
    flushSync();
    expect(region.textContent).not.toContain('Reconnecting');
    expect(target.querySelector('[data-testid=pending]')!.textContent).toBe('Reconnecting… your answers are kept and will be sent');
  });
});

describe('"Try now" on the badge', () => {
  function retrying(status: ConnStatus = 'online') {
    const p = $state({ status });
    const tries: number[] = [];
    const target = show(ConnBadge, { get status() { return p.status; }, onRetry: () => tries.push(Date.now()) });
    const set = (s: ConnStatus) => { p.status = s; flushSync(); };
    const wait = (ms: number) => { vi.advanceTimersByTime(ms); flushSync(); };
    const button = () => target.querySelector<HTMLButtonElement>('[data-testid=conn-retry]');
    return { target, tries, set, wait, button };
  }

  it('is offered once a drop has lasted past the grace, not on a blip', () => {
    const b = retrying();
    b.set('reconnecting');
    b.wait(TRY_NOW_MS - 100);
    expect(b.button()).toBeNull();
    b.set('online');
    b.set('reconnecting'); // a new drop counts from its start
    b.wait(TRY_NOW_MS - 100);
    expect(b.button()).toBeNull();
    b.wait(100);
    expect(b.button()!.textContent).toBe('Try now');
    expect(b.button()!.type).toBe('button');
  });

  it('is offered to a page that has been connecting since it opened during an outage', () => {
    const b = retrying('connecting');
    b.wait(TRY_NOW_MS);
    expect(b.button()).not.toBeNull();
  });

  it('tries once per click, and says it is trying without taking a second click meanwhile', () => {
    const b = retrying();
    b.set('reconnecting');
    b.wait(TRY_NOW_MS);
    b.button()!.click();
    flushSync();
    expect(b.tries).toHaveLength(1);
    expect(b.button()!.textContent).toBe('Trying…');
    expect(b.button()!.getAttribute('aria-disabled')).toBe('true');
    b.button()!.click();
    expect(b.tries).toHaveLength(1);
    b.wait(2000);
    expect(b.button()!.textContent).toBe('Try now');
    b.button()!.click();
    expect(b.tries).toHaveLength(2);
  });

  it('goes when the connection is back, leaving the keyboard on the badge, which says "Connected"', async () => {
    const b = retrying();
    b.set('reconnecting');
    b.wait(TRY_NOW_MS);
    b.button()!.focus();
    b.set('online');
    for (let i = 0; i < 5; i++) await Promise.resolve();
    flushSync();
    expect(b.button()).toBeNull();
    const badge = b.target.querySelector('[data-testid=conn]');
    expect(document.activeElement).toBe(badge);
    expect(badge!.textContent).toContain('Connected');
  });

  it('leaves the keyboard on the badge also when the browser blurs the button as it goes (Chromium)', () => {
    const b = retrying();
    b.set('reconnecting');
    b.wait(TRY_NOW_MS);
    const button = b.button()!;
    button.focus();
    // Chromium sends blur while the button is still in the page, then removes it.
    button.dispatchEvent(new FocusEvent('blur'));
    b.set('online');
    expect(document.activeElement).toBe(b.target.querySelector('[data-testid=conn]'));
  });

  it('is not offered without a way to try (the projector)', () => {
    const p = $state({ status: 'reconnecting' as ConnStatus });
    const target = show(ConnBadge, { get status() { return p.status; }, reader: 'projector' });
    vi.advanceTimersByTime(TRY_NOW_MS * 3);
    flushSync();
    expect(target.querySelector('button')).toBeNull();
  });
});

describe('what waits to be sent while connected', () => {
  it('is shown once it has waited past the grace (a store that stalls), not for an answer that comes at once', () => {
    const p = $state({ pending: 0 });
    const target = show(ConnBadge, { status: 'online', reader: 'facilitator', get pending() { return p.pending; } });
    const shown = () => target.querySelector('[data-testid=conn-pending]')?.textContent ?? null;
    p.pending = 1;
    flushSync();
    vi.advanceTimersByTime(100);
    p.pending = 0; // answered
    flushSync();
    vi.advanceTimersByTime(RECONNECT_GRACE_MS);
    flushSync();
    expect(shown()).toBeNull();
    p.pending = 1;
    flushSync();
    vi.advanceTimersByTime(RECONNECT_GRACE_MS - 100);
    p.pending = 3; // more clicks: counted from the first
    flushSync();
    vi.advanceTimersByTime(100);
    flushSync();
    expect(shown()).toBe('3 changes waiting to be sent');
    expect(target.querySelector('[role=status]')!.textContent).toBe('Connected');
    p.pending = 0;
    flushSync();
    expect(shown()).toBeNull();
  });
});
