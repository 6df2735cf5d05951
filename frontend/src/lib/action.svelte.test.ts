import { afterEach, describe, expect, it, vi } from 'vitest';
import { Action, SENT_MS } from './action.svelte';

afterEach(() => vi.useRealTimers());

describe('Action.sent', () => {
  it('is set by a send that went, for a while, and cleared by the next send, clearSent or reset', async () => {
    vi.useFakeTimers();
    const a = new Action();
    await a.run(async () => 1);
    expect(a.sent).toBe(true);
    vi.advanceTimersByTime(SENT_MS - 1);
    expect(a.sent).toBe(true);
    vi.advanceTimersByTime(1);
    expect(a.sent).toBe(false);

    await a.run(async () => 1);
    const next = a.run(() => new Promise(() => {}));
    expect(a.sent).toBe(false);
    void next;

    const b = new Action();
    await b.run(async () => 1);
    b.clearSent();
    expect(b.sent).toBe(false);
    await b.run(async () => 1);
    b.reset();
    expect(b.sent).toBe(false);
  });

  it('is not set by a send that failed', async () => {
    const a = new Action();
    await a.run(async () => { throw new Error('no'); });
    expect(a.sent).toBe(false);
    expect(a.error).not.toBe('');
  });

  it('set by hand (markSent) for sends made otherwise, clears itself too', () => {
    vi.useFakeTimers();
    const a = new Action();
    a.markSent();
    expect(a.sent).toBe(true);
    vi.advanceTimersByTime(SENT_MS);
    expect(a.sent).toBe(false);
  });
});
