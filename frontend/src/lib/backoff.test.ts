import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, FEW_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  it('stays within 0 and base × 2^attempt, capped', () => {
    for (let a = 0; a < 40; a++) {
      const ceiling = Math.min(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.baseMs * 2 ** a);
      for (const r of [0, 0.25, 0.5, 0.999999]) {
        const d = backoffDelay(a, DEFAULT_BACKOFF, () => r);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });
  it('grows with the attempt and never passes the cap', () => {
    const top = (a: number) => backoffDelay(a, DEFAULT_BACKOFF, () => 1);
    expect(top(0)).toBe(500);
    expect(top(1)).toBe(1000);
    expect(top(3)).toBe(4000);
    expect(top(10)).toBe(15_000);
    expect(top(1000)).toBe(15_000);
  });
  // A phone's cap protects a node from thousands coming back at once; the
  // console and the projector are a few per room, and come back sooner.
  it('caps a phone at 15 s, the console and the projector at 5 s', () => {
    expect(backoffDelay(1000, DEFAULT_BACKOFF, () => 1)).toBe(15_000);
    expect(backoffDelay(1000, FEW_BACKOFF, () => 1)).toBe(5000);
    expect(backoffDelay(3, FEW_BACKOFF, () => 1)).toBe(4000);
  });
  it('is jittered: the whole range is used', () => {
    expect(backoffDelay(4, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(4, DEFAULT_BACKOFF, () => 0.5)).toBe(4000);
  });
  it('respects a floor (after 1013 or 429)', () => {
    expect(backoffDelay(0, { ...DEFAULT_BACKOFF, floorMs: 1000 }, () => 0.7)).toBe(1000); // never below the floor
    expect(backoffDelay(3, { ...DEFAULT_BACKOFF, floorMs: 1000 }, () => 0)).toBe(1000);
    expect(backoffDelay(3, { ...DEFAULT_BACKOFF, floorMs: 1000 }, () => 1)).toBe(4000);
  });
});
