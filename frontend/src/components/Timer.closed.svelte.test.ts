import { afterEach, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import Timer from './Timer.svelte';

afterEach(() => vi.useRealTimers());

// The console closed an exercise whose timer had run out: its page-wide
// "Time's up" went, and what the timer had said for a screen reader
// should go with it.
it('forgets that the time was up once its end is gone (the exercise closed)', () => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2030-01-01T10:00:00Z'));
  const props = $state<{ endsAt?: string }>({ endsAt: '2030-01-01T10:00:03Z' });
  const target = show(Timer, props);
  flushSync();
  vi.advanceTimersByTime(3_000);
  flushSync();
  expect(target.querySelector('[data-testid=timer-said]')!.textContent).toBe("Time's up");
  props.endsAt = undefined;
  flushSync();
  expect(target.querySelector('[role=timer]')).toBeNull();
  expect(target.querySelector('[data-testid=timer-said]')!.textContent).toBe('');
});
