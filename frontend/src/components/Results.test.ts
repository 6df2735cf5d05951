import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { settle } from '../test/settle';
import { stackedItems } from '../test/layout';
import { show } from '../test/mount';
import Results from './Results.svelte';
import type { Exercise, Results as R, TextAnswer } from '../lib/types';
import { t as tc } from '../lib/strings-console';

const cloud = { id: 'w1', kind: 'words', title: 'One word', status: 'results', minResponses: 1 } as unknown as Exercise;

/** Eight long options under a long title on an 800x600 projector, drawn
 *  big: no level of the results ends on the 768 px window, each smaller
 *  type higher, a row each lower than each label over its bar; the levels
 *  the results were measured at, in order ("3 row"). */
async function eightLongOptionsFitNowhere() {
  const measured: string[] = [];
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    if (this.dataset.testid !== 'results') return { top: 0, bottom: 100, left: 0, right: 100, width: 100, height: 100, x: 0, y: 0, toJSON() {} } as DOMRect;
    const bars = this.querySelector<HTMLElement>('.bars')!;
    measured.push(`${this.dataset.density}${bars.matches('.row') ? ' row' : ''}`);
    const type = parseFloat(this.style.fontSize) || 1;
    const bottom = (this.querySelector('.bars.row') ? 1200 : 800) + type * 100;
    return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
  });
  onTestFinished(() => { vi.restoreAllMocks(); });
  const poll = {
    id: 'p1', kind: 'poll', title: 'What should the whole team change first about how we plan and review the work?', status: 'results', minResponses: 1,
    questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({ id: `o${i}`, label: `Option ${i}: a long answer that takes most of a line` })) }],
  } as unknown as Exercise;
  const results: R = { questions: [{ id: 'q1', counts: { o1: 2, o3: 1 }, answered: 3 }] };
  const target = show(Results, { exercise: poll, results, responses: 3, big: true });
  await settle();
  await settle();
  return { target, measured };
}

describe('Results of a word cloud', () => {
  it('lets the facilitator hide a word, and show a hidden one again, by the word', () => {
    const results: R = { words: [{ word: 'rude', count: 3, hidden: true }, { word: 'calm', count: 2 }] };
    const calls: TextAnswer[] = [];
    const target = show(Results, { exercise: cloud, results, onHideText: (a: TextAnswer) => calls.push(a) });
    // The cloud is what the room sees.
    expect(target.querySelector('.cloud')!.textContent).not.toContain('rude');
    expect(target.querySelector('[data-testid=hide-words] summary')!.textContent).toBe('Hide a word (1 word hidden)');
    (target.querySelector('[aria-label="Hide: calm"]') as HTMLButtonElement).click();
    (target.querySelector('[aria-label="Show: rude"]') as HTMLButtonElement).click();
    expect(calls.map((a) => [a.id, !!a.hidden])).toEqual([['calm', false], ['rude', true]]);
  });

  it("fades a hidden word or answer, not its Show button, which would look disabled", () => {
    const words = show(Results, { exercise: cloud, results: { words: [{ word: 'rude', count: 3, hidden: true }] }, onHideText: () => {} });
    const text = { id: 't1', kind: 'text', title: 'Anything else?', status: 'results', minResponses: 1 } as unknown as Exercise;
    const texts = show(Results, { exercise: text, results: { texts: [{ id: 'a1', text: 'Too long', hidden: true }] }, onHideText: () => {} });
    for (const target of [words, texts]) {
      const row = target.querySelector('li.hidden')!;
      expect(row.querySelector('.user-text')!.matches('.faded')).toBe(true);
      const button = row.querySelector('button')!;
      expect(button.textContent).toBe('Show');
      expect(button.closest('.faded')).toBeNull();
    }
  });

  it('offers no hiding where nobody may moderate (phones, projector)', () => {
    const target = show(Results, { exercise: cloud, results: { words: [{ word: 'calm', count: 2 }] }, big: true });
    expect(target.querySelector('[data-testid=hide-words]')).toBeNull();
    expect(target.querySelector('.cloud')!.textContent).toContain('calm');
  });
});

describe('Results on a phone', () => {
  const poll = {
    id: 'p1', kind: 'poll', title: 'Lunch?', status: 'results', minResponses: 1,
    questions: [{ id: 'q1', kind: 'choice', prompt: 'Lunch?', options: [{ id: 'soup', label: 'Soup' }, { id: 'pizza', label: 'Pizza' }] }],
  } as unknown as Exercise;
  const results: R = { questions: [{ id: 'q1', counts: { soup: 3, pizza: 1 }, answered: 4 }] };

  it('marks the option this phone chose, from its own ballot', async () => {
    const { default: Own } = await import('../test/OwnBallots.svelte');
    const target = show(Own, { exercise: poll, results, ballot: { answers: { q1: { choices: ['pizza'] } } } });
    const marked = [...target.querySelectorAll('li')].filter((li) => li.querySelector('[data-testid=yours]'));
    expect(marked.map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).toEqual(['Pizza Your answer1 · 25%']);
  });

  it('marks nothing where there is no ballot of its own (the projector, the console)', () => {
    const target = show(Results, { exercise: poll, results, big: true });
    expect(target.querySelector('[data-testid=yours]')).toBeNull();
  });

  it('marks its own words in a cloud and its own open answer', async () => {
    const { default: Own } = await import('../test/OwnBallots.svelte');
    const words = show(Own, { exercise: cloud, results: { words: [{ word: 'calm', count: 2 }, { word: 'tired', count: 1 }] }, ballot: { words: ['tired'] } });
    expect([...words.querySelectorAll('.cloud li.mine')].map((li) => li.textContent)).toEqual(['tired: 1 (Your answer)']);
    expect(words.querySelector('[data-testid=yours]')!.textContent).toBe('Underlined: your answer');
    const text = { id: 't1', kind: 'text', title: 'Anything?', status: 'results', minResponses: 1 } as unknown as Exercise;
    const texts = show(Own, { exercise: text, results: { texts: [{ id: 'a', text: 'More pairing' }, { id: 'b', text: 'Fewer meetings' }] }, ballot: { text: 'Fewer meetings', textId: 'b' } });
    expect(texts.querySelector('li.mine')!.textContent).toContain('Fewer meetings');
    expect(texts.querySelectorAll('[data-testid=yours]')).toHaveLength(1);
  });
});

describe('Results on a phone, right after sending', () => {
  // The ack of an answer carries no result: the phone holds what it sent,
  // as it typed it, until a snapshot gives the server's form.
  it('marks its words however it typed them, and its open answer without an id', async () => {
    const { default: Own } = await import('../test/OwnBallots.svelte');
    const words = show(Own, { exercise: cloud, results: { words: [{ word: 'trust', count: 2 }, { word: 'c#', count: 1 }, { word: 'calm', count: 1 }] }, ballot: { words: ['Trust!', ' C# '] } });
    expect([...words.querySelectorAll('.cloud li.mine')].map((li) => li.textContent).sort()).toEqual(['c#: 1 (Your answer)', 'trust: 2 (Your answer)']);
    const text = { id: 't1', kind: 'text', title: 'Anything?', status: 'results', minResponses: 1 } as unknown as Exercise;
    const texts = show(Own, { exercise: text, results: { texts: [{ id: 'a', text: 'More pairing' }, { id: 'b', text: 'Fewer meetings' }] }, ballot: { text: 'Fewer meetings ' } });
    expect(texts.querySelector('li.mine')!.textContent).toContain('Fewer meetings');
    expect(texts.querySelectorAll('[data-testid=yours]')).toHaveLength(1);
  });
});

describe('Results on the projector', () => {
  it("puts a scale's mean and median and the number of answers first", () => {
    const scale = {
      id: 's1', kind: 'scale', title: 'How confident are you?', status: 'results', minResponses: 1,
      questions: [{ id: 'q1', kind: 'scale', prompt: '', min: 1, max: 5 }],
    } as unknown as Exercise;
    const target = show(Results, { exercise: scale, results: { questions: [{ id: 'q1', counts: { 1: 2, 4: 4 }, answered: 6, mean: 3, median: 4 }] }, responses: 6, big: true });
    const results = target.querySelector('[data-testid=results]')!;
    expect(results.querySelector('[data-testid=results-count]')!.textContent).toBe('6 answers');
    expect(results.querySelector('.stats')!.textContent!.replace(/\s+/g, ' ')).toBe('Mean: 3 Median: 4');
    expect(results.querySelector('.stats')!.compareDocumentPosition(results.querySelector('.bars')!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('shows the open answers that fit the screen and says how many more there are', async () => {
    stackedItems();
    const text = { id: 't1', kind: 'text', title: 'Anything?', status: 'results', minResponses: 1 } as unknown as Exercise;
    const texts = Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, text: `Answer ${i}` }));
    const target = show(Results, { exercise: text, results: { texts }, big: true });
    await settle();
    // 768 px high, less room for the line: seven end above it.
    expect(target.querySelectorAll('.texts li')).toHaveLength(7);
    expect(target.querySelector('[data-testid=more]')!.textContent).toBe('+3 more answers');
    // Off the projector (the console, phones) they are all there.
    const all = show(Results, { exercise: text, results: { texts } });
    await settle();
    expect(all.querySelectorAll('.texts li')).toHaveLength(10);
    expect(all.querySelector('[data-testid=more]')).toBeNull();
  });

  it('shows every open answer when they all end on the screen, with no room kept for "+N more"', async () => {
    // Each answer 92 px high: the eighth ends at 736 px, above the 768 px
    // window's bottom, but where a "+N more" line would have gone.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const i = this.parentElement ? [...this.parentElement.children].indexOf(this) : 0;
      return { top: i * 92, bottom: (i + 1) * 92, left: 0, right: 100, width: 100, height: 92, x: 0, y: i * 92, toJSON() {} } as DOMRect;
    });
    onTestFinished(() => { vi.restoreAllMocks(); });
    const text = { id: 't1', kind: 'text', title: 'Anything?', status: 'results', minResponses: 1 } as unknown as Exercise;
    const answers = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `a${i}`, text: `Answer ${i}` }));
    const all = show(Results, { exercise: text, results: { texts: answers(8) }, big: true });
    await settle();
    expect(all.querySelectorAll('.texts li')).toHaveLength(8);
    expect(all.querySelector('[data-testid=more]')).toBeNull();
    // One more, and the line is needed: it takes the room of the last two.
    const cut = show(Results, { exercise: text, results: { texts: answers(9) }, big: true });
    await settle();
    expect(cut.querySelectorAll('.texts li')).toHaveLength(7);
    expect(cut.querySelector('[data-testid=more]')!.textContent).toBe('+2 more answers');
  });

  it("keeps every option of a scale on the screen, denser, and none left out", async () => {
    // jsdom lays nothing out: the results end below the 768 px window
    // until their bars are drawn a row each.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const bottom = this.dataset.testid === 'results' && this.querySelector('.bars:not(.row)') ? 1000 : 700;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
    onTestFinished(() => { vi.restoreAllMocks(); });
    const scale = {
      id: 's1', kind: 'scale', title: 'Energy level', status: 'results', minResponses: 1,
      questions: [{ id: 'q1', kind: 'scale', prompt: '', min: 1, max: 10 }],
    } as unknown as Exercise;
    const results: R = { questions: [{ id: 'q1', counts: { 3: 1, 9: 2 }, answered: 3, mean: 7, median: 9 }] };
    const target = show(Results, { exercise: scale, results, big: true });
    await settle();
    const bars = target.querySelector('.bars') as HTMLElement;
    expect(bars.dataset.density).toBe('1');
    expect(bars.querySelectorAll('li')).toHaveLength(10);
    expect(target.querySelector('[data-testid=more]')).toBeNull();
    // Off the projector the bars are drawn as they always were.
    const console_ = show(Results, { exercise: scale, results });
    await settle();
    expect((console_.querySelector('.bars') as HTMLElement).dataset.density).toBe('0');
  });

  it("draws a poll's long options smaller until the last ends on the screen, never two columns", async () => {
    // A long title above five long options: 1083 px on an 800x600
    // projector at the first size; on the screen from 0.72 of it.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const bottom = this.dataset.testid === 'results' ? ((parseFloat(this.style.fontSize) || 1) > .75 ? 1083 : 560) : 100;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
    onTestFinished(() => { vi.restoreAllMocks(); });
    const long = (i: number) => `Option ${i}: a long answer that takes most of a line on the projector, and more`;
    const poll = {
      id: 'p1', kind: 'poll', title: 'How well did we keep our promises to the other teams this quarter', status: 'results', minResponses: 1,
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [1, 2, 3, 4, 5].map((i) => ({ id: `o${i}`, label: long(i) })) }],
    } as unknown as Exercise;
    const results: R = { questions: [{ id: 'q1', counts: { o1: 2, o3: 1 }, answered: 3 }] };
    const target = show(Results, { exercise: poll, results, responses: 3, big: true });
    await settle();
    const box = target.querySelector('[data-testid=results]') as HTMLElement;
    expect(box.style.fontSize).toBe('0.72em');
    const bars = target.querySelector('.bars') as HTMLElement;
    expect(bars.querySelectorAll('li')).toHaveLength(5);
    expect(bars.classList.contains('cols')).toBe(false);
    // On a phone the results scroll: drawn as they always were.
    const phone = show(Results, { exercise: poll, results });
    await settle();
    expect((phone.querySelector('[data-testid=results]') as HTMLElement).style.fontSize).toBe('');
    expect((phone.querySelector('.bars') as HTMLElement).dataset.density).toBe('0');
  });

  it("keeps the level that ends highest when none fits: eight long options over their bars, not a row each", async () => {
    // Eight long options under a long title on an 800x600 projector: a
    // row each wraps every label to three lines in the row's first column,
    // lower than each label over its bar; none ends on the 768 px window
    // here, each smaller type higher. Bars fitting themselves (density 0,
    // the first size) end lower still.
    const { target } = await eightLongOptionsFitNowhere();
    const box = target.querySelector('[data-testid=results]') as HTMLElement;
    expect(box.dataset.density).toBe('6');
    expect(box.style.fontSize).toBe('0.62em');
    const bars = target.querySelector('.bars') as HTMLElement;
    expect(bars.classList.contains('row')).toBe(false);
    expect(bars.querySelectorAll('li')).toHaveLength(8);
  });

  it("chooses among the levels it measured on the way down, without drawing each again to choose", async () => {
    // As above: no level ends on the window. Each level of the results is
    // drawn and measured once, then the bars fitting themselves once: a
    // second round of every level was drawn on the projector between two.
    const { target, measured } = await eightLongOptionsFitNowhere();
    expect(measured).toEqual(['0', '1 row', '2', '3 row', '4', '5 row', '6', '7 row', '0']);
    // The same choice as before: the level that ended highest.
    const box = target.querySelector('[data-testid=results]') as HTMLElement;
    expect(box.dataset.density).toBe('6');
    expect(box.style.fontSize).toBe('0.62em');
  });

  describe("a poll's options that no level fits, which the projector cannot scroll", () => {
    // Twenty options, each 40 px high below 200 px of title and count
    // whatever the level (jsdom lays nothing out): 1000 px, below the
    // 768 px window at every level; the "+N more" line under them 50 px.
    const counts = [5, 0, 1, 4, 0, 2, 3, 0, 1, 6, 0, 2, 1, 0, 3, 0, 1, 2, 0, 4];
    const poll = {
      id: 'p1', kind: 'poll', title: 'Which of these should the team take on first next quarter?', status: 'results', minResponses: 1,
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: counts.map((_, i) => ({ id: `o${i + 1}`, label: `${i + 1}. Long option label that goes on and on` })) }],
    } as unknown as Exercise;
    const results: R = { questions: [{ id: 'q1', counts: Object.fromEntries(counts.map((n, i) => [`o${i + 1}`, n])), answered: 35 }] };
    function laidOut() {
      vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
        const bottom = this.dataset.testid === 'results'
          ? 200 + 40 * this.querySelectorAll('.bars li').length + (this.querySelector('[data-testid=options-more]') ? 50 : 0) : 100;
        return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
      });
      onTestFinished(() => { vi.restoreAllMocks(); });
    }
    const drawn = (target: HTMLElement) => [...target.querySelectorAll('.bars li .lbl')].map((l) => parseInt(l.textContent!, 10));

    it('draws the most voted that fit, at its densest, in their order, and says how many options and votes are left out', async () => {
      laidOut();
      const target = show(Results, { exercise: poll, results, responses: 35, big: true, more: tc.screen.moreOptions });
      await settle();
      await settle();
      // 200 + 40 * 12 + 50 = 730 px, above the window's bottom less 16 px.
      expect(drawn(target)).toEqual([1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 18, 20]);
      expect(target.querySelector('[data-testid=options-more]')!.textContent).toBe('+8 more options (1 vote)');
      expect((target.querySelector('[data-testid=results]') as HTMLElement).dataset.density).toBe('7');
      // Each with its own count, a share of all the answers.
      expect(target.querySelector('.bars li:last-child .num')!.textContent).toBe('4 · 11%');
    });

    it('leaves them all on a phone and the console, which scroll, and where the page gives no line for the rest', async () => {
      laidOut();
      for (const props of [{}, { responses: 35 }, { responses: 35, big: true }]) {
        const target = show(Results, { exercise: poll, results, ...props });
        await settle();
        await settle();
        expect(drawn(target)).toHaveLength(20);
        expect(target.querySelector('[data-testid=options-more]')).toBeNull();
      }
    });

    it('draws them all again when they fit, the window made larger', async () => {
      laidOut();
      const target = show(Results, { exercise: poll, results, responses: 35, big: true, more: tc.screen.moreOptions });
      await settle();
      await settle();
      expect(drawn(target)).toHaveLength(12);
      vi.spyOn(window, 'innerHeight', 'get').mockReturnValue(1080);
      window.dispatchEvent(new Event('resize'));
      await settle();
      await settle();
      expect(drawn(target)).toHaveLength(20);
      expect(target.querySelector('[data-testid=options-more]')).toBeNull();
    });
  });

  describe("a survey's questions, which the projector cannot scroll", () => {
    const survey = {
      id: 'v1', kind: 'survey', title: 'Trust pulse', status: 'results', minResponses: 1,
      questions: ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'].map((id) => ({ id, kind: 'scale', prompt: `Statement ${id}`, min: 1, max: 5 })),
    } as unknown as Exercise;
    const results: R = { questions: ['q1', 'q2', 'q3', 'q4', 'q5', 'q6'].map((id) => ({ id, counts: { 2: 1, 4: 2 }, answered: 3, mean: 3.3, median: 4 })) };
    /** jsdom lays nothing out: the results end at bottom(type) for the
     *  size of their type (rem), in a box width px wide. */
    function laidOut(bottom: (rem: number) => number, width = 0) {
      vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
        const b = this.dataset.testid === 'results' ? bottom(parseFloat(this.style.fontSize) || 1.15) : 100;
        return { top: 0, bottom: b, left: 0, right: 100, width: 100, height: b, x: 0, y: 0, toJSON() {} } as DOMRect;
      });
      vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) {
        return this.dataset.testid === 'results' ? width : 0;
      });
      onTestFinished(() => { vi.restoreAllMocks(); });
    }
    const type = (target: HTMLElement) => parseFloat((target.querySelector('[data-testid=results]') as HTMLElement).style.fontSize);
    const everyBar = (target: HTMLElement) => [...target.querySelectorAll('.q')].map((q) => q.querySelectorAll('.bars li').length);

    it('draws them smaller until the last ends on the screen, every question and bar still there', async () => {
      // 1241 px at the first size (a 720-line projector showed two of six);
      // at 1rem they end above the 768 px window's bottom.
      laidOut((rem) => (rem > 1 ? 1241 : 700));
      const target = show(Results, { exercise: survey, results, responses: 3, big: true });
      await settle();
      expect(type(target)).toBe(1);
      expect(everyBar(target)).toEqual([5, 5, 5, 5, 5, 5]);
      expect(target.querySelector('[data-testid=more]')).toBeNull();
    });

    it('keeps the first size where it fits, and a readable least one where nothing does', async () => {
      laidOut(() => 700);
      const roomy = show(Results, { exercise: survey, results, responses: 3, big: true });
      await settle();
      expect(type(roomy)).toBe(1.15);
      vi.restoreAllMocks();
      laidOut(() => 2000);
      const crowded = show(Results, { exercise: survey, results, responses: 3, big: true });
      await settle();
      expect(type(crowded)).toBe(0.85);
      expect(everyBar(crowded)).toEqual([5, 5, 5, 5, 5, 5]);
    });

    it('shares them out evenly between as many columns as the width holds: six in two rows of three, not four and two', async () => {
      // 1800 px (1080p): four columns of the first size fit.
      laidOut(() => 700, 1800);
      const target = show(Results, { exercise: survey, results, responses: 3, big: true });
      await settle();
      expect((target.querySelector('.questions') as HTMLElement).style.gridTemplateColumns).toBe('repeat(3, minmax(0, 1fr))');
      // Four questions: one row of four.
      const four = show(Results, { exercise: { ...survey, questions: survey.questions!.slice(0, 4) }, results, responses: 3, big: true });
      await settle();
      expect((four.querySelector('.questions') as HTMLElement).style.gridTemplateColumns).toBe('repeat(4, minmax(0, 1fr))');
    });

    it('leaves a survey on the console and on phones as it was', async () => {
      laidOut(() => 2000);
      const target = show(Results, { exercise: survey, results });
      await settle();
      expect((target.querySelector('[data-testid=results]') as HTMLElement).style.fontSize).toBe('');
      expect(everyBar(target)).toEqual([5, 5, 5, 5, 5, 5]);
    });
  });

  it("lays a survey's questions out in a grid of their own, below the count, a row per bar", async () => {
    const survey = {
      id: 'v1', kind: 'survey', title: 'Team pulse', status: 'results', minResponses: 1,
      questions: [{ id: 'q1', kind: 'scale', prompt: 'Energy?', min: 1, max: 5 }, { id: 'q2', kind: 'scale', prompt: 'Focus?', min: 1, max: 5 }, { id: 'q3', kind: 'scale', prompt: 'Recommend?', min: 1, max: 5 }],
    } as unknown as Exercise;
    const results: R = { questions: ['q1', 'q2', 'q3'].map((id) => ({ id, counts: { 2: 1 }, answered: 1, mean: 2, median: 2 })) };
    const target = show(Results, { exercise: survey, results, responses: 1, big: true });
    await settle();
    // The count was a cell of the two-column grid: an empty quarter of
    // the projector beside it, the third question pushed off the bottom.
    const grid = target.querySelector('.questions')!;
    expect(grid.contains(target.querySelector('[data-testid=results-count]'))).toBe(false);
    expect([...grid.children].map((c) => c.querySelector('.qh')!.textContent)).toEqual(['Energy?', 'Focus?', 'Recommend?']);
    expect([...target.querySelectorAll<HTMLElement>('.bars')].map((b) => b.dataset.density)).toEqual(['1', '1', '1']);
  });
});

describe("Results' headings", () => {
  // A survey's questions were h3 wherever they were: beside the "Results"
  // heading (h3) of a phone and the console rather than under it, and two
  // levels under the projector's title (h1), which skips one (WCAG 1.3.1).
  const survey = {
    id: 'v1', kind: 'survey', title: 'Team pulse', status: 'results', minResponses: 1,
    questions: [{ id: 'q1', kind: 'scale', prompt: 'Energy?', min: 1, max: 5 }, { id: 'q2', kind: 'scale', prompt: 'Focus?', min: 1, max: 5 }],
  } as unknown as Exercise;
  const results: R = { questions: ['q1', 'q2'].map((id) => ({ id, counts: { 2: 1 }, answered: 1, mean: 2, median: 2 })) };
  const outline = (target: HTMLElement) => [...target.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => `${h.tagName} ${h.textContent}`);

  it('are h4 under the "Results" heading of a phone and the console', () => {
    expect(outline(show(Results, { exercise: survey, results }))).toEqual(['H4 Energy?', 'H4 Focus?']);
  });

  it("follow the page's level: h2 under the projector's title", () => {
    expect(outline(show(Results, { exercise: survey, results, big: true, headingLevel: 2 }))).toEqual(['H2 Energy?', 'H2 Focus?']);
  });
});

// A survey's questions may be skipped: the projector's "6 answers" above
// questions answered by 5, whose bars are shares of 5, confused the room.
// A question answered by fewer than the survey says its own count (as the
// export does, "(5 answered)"); one below the threshold stays hidden.
describe("a survey's questions answered by fewer than the whole", () => {
  const survey = {
    id: 'v1', kind: 'survey', title: 'Team pulse', status: 'results', minResponses: 3,
    questions: ['q1', 'q2', 'q3', 'q4'].map((id) => ({ id, kind: 'choice', prompt: `Question ${id}`, options: [{ id: 'y', label: 'Yes' }, { id: 'n', label: 'No' }] })),
  } as unknown as Exercise;
  const results: R = { questions: [
    { id: 'q1', counts: { y: 4, n: 2 }, answered: 6 },
    { id: 'q2', counts: { y: 4, n: 2 }, answered: 6 },
    { id: 'q3', counts: { y: 4, n: 1 }, answered: 5 },
    { id: 'q4', counts: {}, answered: 2, hidden: true },
  ] };
  const headings = (target: HTMLElement) => [...target.querySelectorAll('.qh')].map((h) => h.textContent);

  it('says its own count on the projector, beside the count of the whole', () => {
    const target = show(Results, { exercise: survey, results, responses: 6, big: true, headingLevel: 2 });
    expect(target.querySelector('[data-testid=results-count]')!.textContent).toBe('6 answers');
    expect(headings(target)).toEqual(['Question q1', 'Question q2', 'Question q3 (5 answered)', 'Question q4']);
    // Its bars are shares of its own answers.
    expect(target.querySelectorAll('.q')[2].querySelector('.num')!.textContent).toBe('4 · 80%');
    // Below the threshold: hidden, with no bars, as before.
    const hidden = target.querySelectorAll('.q')[3];
    expect(hidden.querySelector('[data-testid=question-hidden]')!.textContent).toBe('2 answered this question: its results show once 3 have.');
    expect(hidden.querySelector('.bars')).toBeNull();
  });

  // An anonymous vote's hidden question comes without its count of
  // answers (the server leaves it out): it says too few answered, never
  // "undefined answered", and the count above is still the most of those shown.
  it('says too few answered of a hidden question that comes without its count', () => {
    const { answered: _, ...q4 } = results.questions![3];
    const target = show(Results, { exercise: survey, results: { questions: [...results.questions!.slice(0, 3), q4] } });
    expect(target.querySelector('[data-testid=question-hidden]')!.textContent).toBe('Fewer than 3 answered this question: its results show once 3 have.');
    expect(target.textContent).not.toMatch(/undefined|NaN/);
    expect(headings(target)).toEqual(['Question q1', 'Question q2', 'Question q3 (5 answered)', 'Question q4']);
  });

  it('says it on the console and a phone too, where the count of the whole is elsewhere or nowhere', () => {
    expect(headings(show(Results, { exercise: survey, results, responses: 6 }))).toEqual(['Question q1', 'Question q2', 'Question q3 (5 answered)', 'Question q4']);
    expect(headings(show(Results, { exercise: survey, results }))).toEqual(['Question q1', 'Question q2', 'Question q3 (5 answered)', 'Question q4']);
  });

  it('says nothing more when every question was answered by all', () => {
    const all: R = { questions: results.questions!.slice(0, 3).map((q) => ({ ...q, answered: 6 })) };
    const target = show(Results, { exercise: { ...survey, questions: survey.questions!.slice(0, 3) }, results: all, responses: 6, big: true });
    expect(target.querySelector('[data-testid=question-answered]')).toBeNull();
  });
});
