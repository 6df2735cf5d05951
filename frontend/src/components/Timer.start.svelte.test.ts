import { afterEach, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import Timer from './Timer.svelte';

afterEach(() => vi.useRealTimers());

// A timer started 20 s after the page drew the exercise showed 1:21 for
// up to half a second before 1:00: the clock it counted from was the
// one read when the page drew it, until its next tick.
it('counts from the moment a timer starts, not from when the page was drawn', () => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2030-01-01T10:00:00Z'));
  const props = $state<{ endsAt?: string }>({});
  const target = show(Timer, props);
  vi.setSystemTime(new Date('2030-01-01T10:00:20Z'));
  props.endsAt = '2030-01-01T10:01:20Z';
  flushSync();
  expect(target.querySelector('[role=timer]')!.textContent!.trim()).toBe('1:00');
  // Stopped, then started again 10 s later.
  props.endsAt = undefined;
  flushSync();
  vi.advanceTimersByTime(10_000);
  props.endsAt = '2030-01-01T10:01:30Z';
  flushSync();
  expect(target.querySelector('[role=timer]')!.textContent!.trim()).toBe('1:00');
});
