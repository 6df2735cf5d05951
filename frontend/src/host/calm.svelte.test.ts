import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CalmNews, EVERY_MS, QUIET_MS } from './calm.svelte';

describe('CalmNews', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Everything said, in order, as `update`s and time pass. */
  function listen(news: CalmNews) {
    const said: string[] = [];
    let n = news.n;
    return {
      said,
      check() {
        if (news.n !== n) said.push(news.text);
        n = news.n;
      },
    };
  }

  it('says nothing of the figure it starts with', () => {
    const news = new CalmNews();
    news.update('3 of 5 online');
    vi.advanceTimersByTime(EVERY_MS * 2);
    expect(news.n).toBe(0);
    expect(news.text).toBe('');
  });

  it('says a burst of changes once, where it ended up, after it settles', () => {
    const news = new CalmNews();
    const l = listen(news);
    news.update('0 of 0 online');
    for (let i = 1; i <= 40; i++) {
      news.update(`${i} of ${i} online`);
      vi.advanceTimersByTime(100);
      l.check();
    }
    expect(l.said).toEqual([]);
    vi.advanceTimersByTime(QUIET_MS);
    l.check();
    expect(l.said).toEqual(['40 of 40 online']);
  });

  it('says a figure that keeps changing at most once every EVERY_MS', () => {
    const news = new CalmNews();
    const l = listen(news);
    news.update('0');
    // One change a second for three minutes.
    for (let i = 1; i <= 180; i++) {
      news.update(String(i));
      vi.advanceTimersByTime(1000);
      l.check();
    }
    vi.advanceTimersByTime(EVERY_MS);
    l.check();
    expect(l.said.length).toBeLessThanOrEqual(1 + Math.ceil(180_000 / EVERY_MS));
    expect(l.said.length).toBeGreaterThan(1);
    expect(l.said.at(-1)).toBe('180');
  });

  it('says nothing when the figure is back to what was said last', () => {
    const news = new CalmNews();
    news.update('2 of 3 online');
    news.update('3 of 3 online');
    news.update('2 of 3 online');
    vi.advanceTimersByTime(QUIET_MS * 2);
    expect(news.n).toBe(0);
  });

  it('says a milestone at once, once each time it is reached', () => {
    const news = new CalmNews();
    const l = listen(news);
    news.update('4 of 6');
    news.update('6 of 6', 'Every dot is placed.');
    l.check();
    expect(l.said).toEqual(['Every dot is placed.']);
    news.update('6 of 6', 'Every dot is placed.');
    vi.advanceTimersByTime(QUIET_MS);
    l.check();
    expect(l.said).toHaveLength(1);
    // A dot taken back (said calmly, as any change), then placed again.
    news.update('5 of 6');
    news.update('6 of 6', 'Every dot is placed.');
    l.check();
    vi.advanceTimersByTime(QUIET_MS);
    l.check();
    expect(l.said).toEqual(['Every dot is placed.', 'Every dot is placed.']);
  });

  it('says nothing more once reset, and starts afresh', () => {
    const news = new CalmNews();
    news.update('1');
    news.update('2');
    news.reset();
    vi.advanceTimersByTime(QUIET_MS);
    expect(news.n).toBe(0);
    news.update('7', 'done');
    expect(news.n).toBe(0);
  });
});
