import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { settle } from '../test/settle';
import { show } from '../test/mount';
import WordCloud from './WordCloud.svelte';
import { emWidth, widestWord } from '../lib/fitcloud';

// 46 words as 60 people sent them: three said six times, then fewer.
const crowd = Array.from({ length: 46 }, (_, i) => ({ word: i < 3 ? ['trust', 'chaos', 'collaboration'][i] : `word${i}`, count: i < 3 ? 6 : i < 10 ? 4 : 2 }));

/** happy-dom lays nothing out: the cloud (its words and its "+N more"
 *  line) ends 30 px lower for each word it draws, less at each denser
 *  level, below a 200 px header; the window is 768 px. */
function layout() {
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    let bottom = 0;
    if (this.dataset.testid === 'words') {
      const n = this.querySelectorAll('li').length;
      bottom = 200 + n * (30 - 5 * Number(this.dataset.density)) + (this.querySelector('[data-testid=words-more]') ? 40 : 0);
    }
    return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
  });
  onTestFinished(() => { vi.restoreAllMocks(); });
}
const drawn = (target: HTMLElement) => [...target.querySelectorAll('.cloud li .user-text')].map((e) => e.textContent);
const item = (target: HTMLElement, word: string) => [...target.querySelectorAll<HTMLElement>('.cloud li')].find((li) => li.querySelector('.user-text')!.textContent === word)!;
/** A word's size in the cloud's em (its font-size is at most that). */
const size = (target: HTMLElement, word: string) => parseFloat(item(target, word).style.getPropertyValue('--size'));

describe('a word cloud on the projector', () => {
  it('gets denser, then shows the most frequent words that fit and says how many more there are', async () => {
    layout();
    const target = show(WordCloud, { words: crowd, big: true, label: 'Describe our team' });
    for (let i = 0; i < 4; i++) await settle();
    const box = target.querySelector<HTMLElement>('[data-testid=words]')!;
    // Its densest level (15 px a word): 34 words and the line end at
    // 750 px, above the bottom less 16 px; 35 would not.
    expect(box.dataset.density).toBe('3');
    const words = drawn(target);
    expect(words).toHaveLength(34);
    expect(target.querySelector('[data-testid=words-more]')!.textContent).toBe('+12 more words');
    // The most frequent are all there, the biggest near the middle.
    for (const w of ['trust', 'chaos', 'collaboration', 'word3', 'word9']) expect(words).toContain(w);
    expect(words.indexOf('trust')).toBeGreaterThan(10);
    expect(words.indexOf('trust')).toBeLessThan(24);
    // Still a list that says each word's count to a screen reader.
    expect(target.querySelector('ul.cloud')!.getAttribute('aria-label')).toBe('Describe our team');
    expect(target.querySelector('.cloud li')!.querySelector('.sr-only')!.textContent).toMatch(/^: \d+$/);
    expect(size(target, 'trust')).toBeGreaterThan(size(target, 'word3'));
  });

  it('shows every word, at the first level that holds them, with no "+N more" line', async () => {
    layout();
    // 20 words end at 800 px at the first level, at 700 px at the second.
    const target = show(WordCloud, { words: crowd.slice(0, 20), big: true, label: 'Describe our team' });
    for (let i = 0; i < 4; i++) await settle();
    expect(target.querySelector<HTMLElement>('[data-testid=words]')!.dataset.density).toBe('1');
    expect(drawn(target)).toHaveLength(20);
    expect(target.querySelector('[data-testid=words-more]')).toBeNull();
  });

  it('draws every word off the projector (a phone, the console), which scroll', async () => {
    layout();
    const target = show(WordCloud, { words: crowd, label: 'Describe our team' });
    for (let i = 0; i < 4; i++) await settle();
    expect(drawn(target)).toHaveLength(46);
    expect(target.querySelector('[data-testid=words-more]')).toBeNull();
  });

  // The results carry the 100 most frequent words: the cloud said "+12
  // more words" of 146 on the projector, and nothing of the 100 left out.
  it('counts the words the results left out with those it had no room for', async () => {
    layout();
    const target = show(WordCloud, { words: crowd, more: 100, big: true, label: 'Describe our team' });
    for (let i = 0; i < 4; i++) await settle();
    expect(drawn(target)).toHaveLength(34);
    expect(target.querySelector('[data-testid=words-more]')!.textContent).toBe('+112 more words');
    const phone = show(WordCloud, { words: crowd, more: 100, label: 'Describe our team' });
    for (let i = 0; i < 4; i++) await settle();
    expect(drawn(phone)).toHaveLength(46);
    expect(phone.querySelector('[data-testid=words-more]')!.textContent).toBe('+100 more words');
  });
});

describe('a word in a cloud', () => {
  it('is set no larger than its one line fits the width of the cloud, never broken in the middle', () => {
    const long = 'rindfleischetikettierungsüberwachung';
    for (const big of [false, true]) {
      const target = show(WordCloud, { words: [{ word: long, count: 3 }, { word: 'trust', count: 3 }, { word: 'calm', count: 1 }], big, label: 'Words' });
      // The most frequent size (3.2 times the cloud's type), at most the
      // share of the cloud's width (cqi) that its width in em leaves.
      expect(size(target, long)).toBe(3.2);
      const cap = item(target, long).style.getPropertyValue('--most').match(/^([\d.]+)cqi$/);
      expect(cap).not.toBeNull();
      expect(Number(cap![1]) * emWidth(long, 'sans-serif')).toBeLessThanOrEqual(100);
      expect(Number(cap![1]) * emWidth(long, 'sans-serif')).toBeGreaterThan(85);
    }
  });

  // A phrase on a 390 px phone shrank to 13 px on one line: it is set no
  // smaller than the cloud's type (the style), then wraps between its
  // words, each whole and none wider than the cloud (--word).
  it('is a phrase of words each kept whole, none set larger than the widest fits the width', () => {
    const phrase = 'psychological safety in the whole team';
    for (const big of [false, true]) {
      const target = show(WordCloud, { words: [{ word: phrase, count: 2 }, { word: 'trust', count: 3 }], big, label: 'Words' });
      const li = item(target, phrase);
      expect([...li.querySelectorAll('.user-text .w')].map((w) => w.textContent)).toEqual(phrase.split(' '));
      const cap = (name: string, el = li) => Number(/^([\d.]+)cqi$/.exec(el.style.getPropertyValue(name))![1]);
      expect(cap('--word') * widestWord(phrase, 'sans-serif')).toBeLessThanOrEqual(100);
      expect(cap('--word') * widestWord(phrase, 'sans-serif')).toBeGreaterThan(85);
      // Its words are each narrower than the phrase: a larger cap.
      expect(cap('--word')).toBeGreaterThan(2 * cap('--most'));
      // A word alone: its own width.
      expect(cap('--word', item(target, 'trust'))).toBe(cap('--most', item(target, 'trust')));
    }
  });

  it('takes the width of its widest letters: capitals, CJK and emoji wider than small letters', () => {
    expect(emWidth('WWWW', 'x')).toBeGreaterThan(emWidth('iiii', 'x'));
    expect(emWidth('カイゼン', 'x')).toBeGreaterThan(emWidth('abcd', 'x'));
    expect(emWidth('🚀', 'x')).toBeGreaterThan(emWidth('a', 'x'));
  });
});
