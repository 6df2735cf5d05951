import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import Timer from './Timer.svelte';

afterEach(() => vi.useRealTimers());

describe('Timer', () => {
  it('counts down in minutes and seconds, then says the time is up', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T10:00:00Z'));
    const target = show(Timer, { endsAt: '2030-01-01T10:01:05Z' });
    flushSync();
    const el = target.querySelector('[role=timer]')!;
    expect(el.textContent!.trim()).toBe('1:05');
    expect(el.classList.contains('over')).toBe(false);
    vi.advanceTimersByTime(60_000);
    flushSync();
    expect(el.textContent!.trim()).toBe('0:05');
    vi.advanceTimersByTime(5_000);
    flushSync();
    expect(el.textContent!.trim()).toBe("Time's up");
    expect(el.classList.contains('over')).toBe(true);
  });

  it('says once that the time is up, when it runs out, not when a page opens on it', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T10:00:00Z'));
    const said = (target: HTMLElement) => target.querySelector('[data-testid=timer-said]')!.textContent;
    const running = show(Timer, { endsAt: '2030-01-01T10:00:03Z' });
    flushSync();
    expect(said(running)).toBe('');
    vi.advanceTimersByTime(3_000);
    flushSync();
    expect(said(running)).toBe("Time's up");
    const over = show(Timer, { endsAt: '2030-01-01T09:59:00Z' });
    flushSync();
    expect(said(over)).toBe('');
  });
});
