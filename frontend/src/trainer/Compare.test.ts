import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Compare from './Compare.svelte';
import { delta, meanChange, pairRows, type ComparedQuestion } from './compare';
import type { Comparison } from '../lib/types';
import { cancelThenEnterKey, needsKey } from '../test/hostkeyretry';
import { settle } from '../test/settle';

const tick = () => new Promise((r) => setTimeout(r, 0));
let target: HTMLElement;
let app: any;
afterEach(() => {
  if (app) unmount(app);
  app = null;
  target?.remove();
  vi.unstubAllGlobals();
});

const session = (id: string, title: string, endedAt: string) => ({
  id, code: 'K7QX2M', title, pack: 'team-trust', packTitle: 'Team trust', createdAt: endedAt, endedAt, participants: 3, exercises: 4,
});
const scale = (counts: number[], mean: number) => ({
  answered: counts.reduce((a, b) => a + b, 0), counts: counts.map((count, i) => ({ label: String(i + 1), count })), mean, median: mean,
});

const cmp: Comparison = {
  a: session('s1', 'Trust, March', '2026-03-02T10:00:00Z'),
  b: session('s2', 'Trust, April', '2026-04-06T10:00:00Z'),
  exercises: [
    { kind: 'survey', title: 'Trust pulse', a: { status: 'results', responses: 3, hidden: false, minResponses: 3 }, b: { status: 'results', responses: 3, hidden: false, minResponses: 3 },
      questions: [
        { prompt: 'Commitments are kept', kind: 'scale', a: scale([0, 0, 1, 1, 1], 4), b: scale([0, 1, 1, 1, 0], 3), meanDelta: -1 },
        { prompt: 'Bad news is shared early', kind: 'scale', a: scale([0, 1, 2, 0, 0], 2.6666), b: scale([0, 0, 1, 1, 1], 4), meanDelta: 1.3333 },
      ] },
    { kind: 'scale', title: 'Energy', a: { status: 'closed', responses: 2, hidden: true, minResponses: 4 }, b: { status: 'results', responses: 3, hidden: false, minResponses: 3 },
      questions: [{ prompt: 'Energy now', kind: 'scale', a: null, b: scale([0, 0, 0, 3, 0], 4) }] },
    { kind: 'retro', title: 'Trust retro', a: { status: 'results', responses: 5, hidden: false }, b: { status: 'results', responses: 8, hidden: false },
      columns: [{ title: 'Builds trust', a: 2, b: 5 }, { title: 'Wears it down', a: 3, b: 3 }], actions: { a: 3, b: 2 } },
    { kind: 'words', title: 'Check-in', a: { status: 'results', responses: 3, hidden: false }, b: null },
    { kind: 'kudos', title: 'Thanks', a: null, b: { status: 'open', responses: 4, hidden: false } },
  ],
};

let fetchMock: ReturnType<typeof vi.fn>;
function render(c: Comparison = cmp) {
  // Everything shown comes from the comparison: nothing else is downloaded.
  fetchMock = vi.fn(async () => new Response('{}'));
  vi.stubGlobal('fetch', fetchMock);
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(Compare, { target, props: { a: 's1', b: 's2', initial: structuredClone(c) } });
  flushSync();
}
const sections = () => [...target.querySelectorAll('[data-testid=cmp-exercise]')] as HTMLElement[];
const text = (e: Element | null) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
/** The retro's table (the third exercise), row by row. */
const retroCells = () => [...sections()[2].querySelectorAll('tr')].map((tr) => [...tr.children].map((e) => e.textContent).join(' | '));

describe('the comparison view', () => {
  it('shows both sessions side by side', () => {
    render();
    expect(text(target.querySelector('[data-testid=head-a]'))).toMatch(/^Session A\s*Trust, March\s*Team trust · .*2026.* · 3 people · room [A-Z0-9]{6}$/);
    expect(text(target.querySelector('[data-testid=head-b]'))).toContain('Trust, April');
  });

  it('says when the two sessions come from different packs, and nothing when from the same', () => {
    render();
    expect(target.querySelector('[data-testid=different-packs]')).toBeNull();
    expect(target.querySelector('a')!.getAttribute('href')).toBe('/sessions?pack=team-trust');
    unmount(app);
    target.remove();
    render({ ...cmp, b: { ...cmp.b, pack: '', packTitle: '' } });
    expect(text(target.querySelector('[data-testid=different-packs]'))).toBe(
      'These sessions come from different packs: A from “Team trust”, B from no pack. Their exercises are matched by kind and title only.');
    // Back to every session, where both are listed, not to A's pack only.
    expect(target.querySelector('a')!.getAttribute('href')).toBe('/sessions');
  });

  it('gives the means and the change with its sign, an arrow and words', () => {
    render();
    const means = sections()[0].querySelectorAll('[data-testid=cmp-means]');
    expect(text(means[0])).toBe('Mean A: 4.00 Mean B: 3.00 Change: ↓ −1.00 (lower in B)');
    expect(text(means[1])).toBe('Mean A: 2.67 Mean B: 4.00 Change: ↑ +1.33 (higher in B)');
    // The bars carry counts and shares as text, A then B.
    const rows = [...sections()[0].querySelector('ul')!.children].map((li) =>
      [...li.querySelectorAll('.lbl, .num')].map((e) => e.textContent).join(' | '));
    expect(rows).toEqual(['1 | 0 · 0% | 0 · 0%', '2 | 0 · 0% | 1 · 33%', '3 | 1 · 33% | 1 · 33%', '4 | 1 · 33% | 1 · 33%', '5 | 1 · 33% | 0 · 0%']);
    expect(text(sections()[0].querySelector('ul li'))).toContain('Session A: 0 · 0%');
  });

  it('says when a side is hidden, and how many answers it needed, from the comparison alone', async () => {
    render();
    await tick();
    flushSync();
    const s = sections()[1];
    expect(text(s.querySelector('[data-testid=side-a]'))).toBe('Hidden (fewer than 4 answers)');
    expect(text(s.querySelector('[data-testid=side-b]'))).toBe('3 answers');
    expect(text(s.querySelector('[data-testid=mean-a]'))).toBe('–');
    expect(s.querySelector('[data-testid=cmp-delta]')).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('says "too few answers" when a hidden side carries no threshold, without downloading the sessions', async () => {
    const c = structuredClone(cmp);
    delete c.exercises[1].a!.minResponses;
    render(c);
    await tick();
    flushSync();
    expect(text(sections()[1].querySelector('[data-testid=side-a]'))).toBe('Hidden (too few answers)');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('says a vote still open when its session was kept hides its results until voting closes, as the Markdown says', () => {
    const c = structuredClone(cmp);
    c.exercises[1].a = { ...c.exercises[1].a!, hidden: true, hiddenReason: 'still_open' };
    render(c);
    expect(text(sections()[1].querySelector('[data-testid=side-a]'))).toBe('Hidden (still open: results when voting closes)');
  });

  it("says an only question that reads as the exercise's title once, as the Markdown report does", () => {
    const c = structuredClone(cmp);
    c.exercises[1] = { ...c.exercises[1], title: 'Where do we meet?', questions: [{ ...c.exercises[1].questions![0], prompt: 'where do we  meet' }] };
    render(c);
    expect(sections()[1].querySelector('h3')).toBeNull();
    expect(text(sections()[1].querySelector('h2'))).toBe('Where do we meet?');
    unmount(app);
    target.remove();
    render(); // a question of its own ("Energy now") is said under the title
    expect(text(sections()[1].querySelector('h3'))).toBe('Energy now');
  });

  it('marks exercises run in one session only, and compares retros by column and actions', () => {
    render();
    const [, , retro, words, kudos] = sections();
    const cells = [...retro.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent).join(' | '));
    expect(cells).toEqual(['Column | A | B', 'Builds trust | 2 | 5', 'Wears it down | 3 | 3', 'Action items | 3 | 2']);
    expect(text(words.querySelector('[data-testid=only-in]'))).toBe('Only in session A');
    expect(text(words.querySelector('[data-testid=side-b]'))).toBe('Not in this session');
    expect(text(kudos.querySelector('[data-testid=only-in]'))).toBe('Only in session B');
    expect(text(kudos.querySelector('[data-testid=side-b]'))).toBe('4 kudos');
  });

  it('says an exercise on the agenda but never opened was not run, with no empty bars for it', () => {
    const c = structuredClone(cmp);
    c.exercises[0].b = { status: 'prepared', responses: 0, hidden: true, minResponses: 3 };
    for (const q of c.exercises[0].questions!) (q.b = null), delete q.meanDelta;
    render(c);
    const s = sections()[0];
    expect(text(s.querySelector('[data-testid=side-b]'))).toBe('Not run (on the agenda, never opened)');
    expect(text(s)).not.toContain('Hidden');
    const rows = [...s.querySelector('ul')!.children].map((li) => [...li.querySelectorAll('.num')].map((e) => e.textContent));
    expect(rows).toEqual([['0 · 0%'], ['0 · 0%'], ['1 · 33%'], ['1 · 33%'], ['1 · 33%']]);
    expect(s.querySelector('ul')!.querySelectorAll('.track')).toHaveLength(5);
  });
  it('says a question hidden on one side is hidden, with no bars, counts, mean or change for it', () => {
    // GET /api/compare for a survey whose "Best day" two answered in A
    // (threshold 3) and three in B: A's tally is hidden, not zeros.
    const c = structuredClone(cmp);
    const hidden = { answered: 2, counts: [], hidden: true };
    c.exercises[0].questions = [
      { prompt: 'Pace', kind: 'scale', a: { ...hidden }, b: scale([0, 1, 1, 1, 0], 3) },
      { prompt: 'Best day', kind: 'choice', a: { ...hidden },
        b: { answered: 3, counts: [{ label: 'Monday', count: 1 }, { label: 'Tuesday', count: 0 }, { label: 'Friday', count: 2 }] } },
    ];
    render(c);
    const qs = [...sections()[0].querySelectorAll('.q')] as HTMLElement[];
    for (const q of qs) {
      expect(text(q.querySelector('[data-testid=q-hidden-a]'))).toBe('A: Hidden (fewer than 3 answers)');
      expect(q.querySelector('[data-testid=q-hidden-b]')).toBeNull();
      // Only B's bars: no empty track or "0 · 0%" for A.
      expect(q.querySelectorAll('.track')).toHaveLength(q.querySelectorAll('li').length);
      expect(text(q.querySelector('ul'))).not.toContain('Session A');
      expect(q.querySelector('[data-testid=cmp-delta]')).toBeNull();
    }
    const rows = [...qs[1].querySelector('ul')!.children].map((li) => [...li.querySelectorAll('.lbl, .num')].map((e) => e.textContent).join(' | '));
    expect(rows).toEqual(['Monday | 1 · 33%', 'Tuesday | 0 · 0%', 'Friday | 2 · 67%']);
    expect(text(qs[0].querySelector('[data-testid=mean-a]'))).toBe('–');
    expect(text(qs[0].querySelector('[data-testid=mean-b]'))).toBe('3.00');
  });

  it('never shows a change between two different questions: each asked in one session only says so', () => {
    // GET /api/compare for two rooms set up by hand, whose "Trust pulse"
    // asked "I can rely on follow-through" (A) and "People act with
    // integrity" (B) first: the view read a change of +3.00 between them,
    // and B's question nowhere.
    const c = structuredClone(cmp);
    c.exercises[0].questions = [
      { prompt: 'I can rely on follow-through', kind: 'scale', only: 'a', a: scale([0, 3, 0, 0, 0], 2), b: null },
      { prompt: 'We have the skills', kind: 'scale', pairedBy: 'prompt', a: scale([0, 0, 0, 3, 0], 4), b: scale([3, 0, 0, 0, 0], 1), meanDelta: -3 },
      { prompt: 'People act with integrity', kind: 'scale', only: 'b', a: null, b: scale([0, 0, 0, 0, 3], 5) },
    ] as ComparedQuestion[];
    render(c);
    const qs = [...sections()[0].querySelectorAll('[data-testid=cmp-question]')] as HTMLElement[];
    expect(qs.map((q) => text(q.querySelector('h3')))).toEqual(['I can rely on follow-through', 'We have the skills', 'People act with integrity']);
    expect(qs.map((q) => text(q.querySelector('[data-testid=q-only]')))).toEqual(['Only in session A', '', 'Only in session B']);
    expect(qs.map((q) => text(q.querySelector('[data-testid=cmp-delta]')))).toEqual(['', 'Change: ↓ −3.00 (lower in B)', '']);
    expect(text(qs[0].querySelector('[data-testid=cmp-means]'))).toBe('Mean A: 2.00 Mean B: –');
    // Its own session's bars only: no empty track for the other.
    expect(qs[0].querySelectorAll('.track')).toHaveLength(5);
    expect(text(qs[2].querySelector('ul'))).not.toContain('Session A');
  });

  it('says both wordings of a question reworded in its pack, with the change', () => {
    const c = structuredClone(cmp);
    c.exercises[0].questions = [{ prompt: 'I can rely on follow-through', promptB: 'People act with integrity', pairedBy: 'id', kind: 'scale',
      a: scale([0, 3, 0, 0, 0], 2), b: scale([0, 0, 0, 0, 3], 5), meanDelta: 3 }] as ComparedQuestion[];
    render(c);
    const q = sections()[0].querySelector('[data-testid=cmp-question]')!;
    expect(text(q.querySelector('h3'))).toBe('I can rely on follow-through');
    expect(text(q.querySelector('[data-testid=q-asked-b]'))).toBe('Session B asked: “People act with integrity”');
    expect(text(q.querySelector('[data-testid=cmp-delta]'))).toBe('Change: ↑ +3.00 (higher in B)');
  });

  it('shows no change between scales of different ranges, and says why', () => {
    const ranged = (min: number, max: number, mean: number) => ({ ...scale([1, 1, 1], mean), min, max });
    const c = structuredClone(cmp);
    c.exercises[0].questions = [
      { prompt: 'Energy', kind: 'scale', pairedBy: 'prompt', a: ranged(1, 5, 2), b: ranged(1, 10, 5), noMeanDelta: 'different_scales' },
      // Even a change sent for them (a server before ranges were compared) is not shown.
      { prompt: 'Focus', kind: 'scale', pairedBy: 'prompt', a: ranged(1, 5, 3), b: ranged(-2, 2, 0), meanDelta: -3 },
    ] as ComparedQuestion[];
    render(c);
    const qs = [...sections()[0].querySelectorAll('[data-testid=cmp-question]')];
    for (const q of qs) expect(q.querySelector('[data-testid=cmp-delta]')).toBeNull();
    expect(qs.map((q) => text(q.querySelector('[data-testid=cmp-no-delta]')))).toEqual([
      'Change: not compared: the scales differ (A 1 to 5, B 1 to 10)', 'Change: not compared: the scales differ (A 1 to 5, B -2 to 2)']);
    expect(text(qs[0].querySelector('[data-testid=cmp-means]'))).toContain('Mean A: 2.00 Mean B: 5.00');
  });

  it('shows no table of zeros for a retro neither session ran, and "–" for the side that did not', () => {
    // As the server sends them (exercises/sessions.go): no columns when
    // neither side ran, and null counts for the side that did not.
    const c = structuredClone(cmp);
    const idle = { status: 'prepared', responses: 0, hidden: false };
    c.exercises[2].a = { ...idle };
    c.exercises[2].b = { ...idle };
    delete c.exercises[2].columns;
    delete c.exercises[2].actions;
    render(c);
    expect(text(sections()[2].querySelector('[data-testid=side-a]'))).toBe('Not run (on the agenda, never opened)');
    expect(sections()[2].querySelector('table')).toBeNull();
    unmount(app);
    target.remove();
    c.exercises[2].b = { status: 'results', responses: 2, hidden: false };
    c.exercises[2].columns = [{ title: 'Builds trust', a: null, b: 2 }];
    c.exercises[2].actions = { a: null, b: 0 };
    render(c);
    expect(retroCells()).toEqual(['Column | A | B', 'Builds trust | – | 2', 'Action items | – | 0']);
  });

  it("shows a retro's counts as the server sends them, not as the sides' status would have them", () => {
    // Whether a side was run is the server's to say, as in its Markdown
    // report: the view draws what it sends, and works nothing out again.
    const c = structuredClone(cmp);
    c.exercises[2].a = { status: 'prepared', responses: 0, hidden: false };
    c.exercises[2].columns = [{ title: 'Builds trust', a: 1, b: 5 }, { title: 'Wears it down', a: 0, b: null }];
    c.exercises[2].actions = { a: 2, b: null };
    render(c);
    expect(text(sections()[2].querySelector('[data-testid=side-a]'))).toBe('Not run (on the agenda, never opened)');
    expect(retroCells()).toEqual(['Column | A | B', 'Builds trust | 1 | 5', 'Wears it down | 0 | –', 'Action items | 2 | –']);
    unmount(app);
    target.remove();
    // Both sides opened, and no columns sent: no table.
    delete c.exercises[2].columns;
    delete c.exercises[2].actions;
    c.exercises[2].a = { status: 'results', responses: 0, hidden: false };
    render(c);
    expect(sections()[2].querySelector('table')).toBeNull();
  });
});

describe('the comparison on a server with a host key', () => {
  it('offers the host key prompt again after it was cancelled, and compares once the key is in', async () => {
    localStorage.clear();
    const HostKeyPrompt = (await import('./HostKeyPrompt.svelte')).default;
    needsKey(cmp);
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(Compare, { target, props: { a: 's1', b: 's2' } });
    const prompt = mount(HostKeyPrompt, { target });
    await cancelThenEnterKey(target, settle);
    expect(sections().map((s) => s.querySelector('h2')!.textContent)).toEqual(['Trust pulse', 'Energy', 'Trust retro', 'Check-in', 'Thanks']);
    unmount(prompt);
    localStorage.clear();
  });
});

// An unknown session (expired, deleted, a link mistyped) said "It is not
// in the library any more… Reload the page.": the packs' words, and a
// reload brings it back no more.
describe('the comparison of a session that is not kept', () => {
  it('says which session is gone, in words for sessions, and where to choose others', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'not_found', field: 'a', message: 'there is no kept session "x" (it may have expired)' } }), { status: 404 })));
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(Compare, { target, props: { a: 'x', b: 'y' } });
    await settle();
    const alert = target.querySelector('[role=alert]')!;
    expect(text(alert)).toBe('Session A is no longer kept: it may have expired or been deleted. Choose two sessions to compare on the past sessions page.');
    expect(alert.querySelector('a')!.getAttribute('href')).toBe('/sessions');
    expect(text(alert)).not.toMatch(/library|Reload/);
  });

  it('says so of B, and of a session the server does not name', async () => {
    for (const [field, said] of [['b', 'Session B is'], [undefined, 'That session is']] as const) {
      vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'not_found', field, message: 'no' } }), { status: 404 })));
      target = document.createElement('div');
      document.body.appendChild(target);
      app = mount(Compare, { target, props: { a: 'x', b: 'y' } });
      await settle();
      expect(text(target.querySelector('[role=alert]'))).toMatch(new RegExp(`^${said} no longer kept`));
      unmount(app);
      app = null;
      target.remove();
    }
  });
});

describe('comparison helpers', () => {
  it('gives the change between two means of one scale, and why there is none between two scales', () => {
    const t = (mean: number, min?: number, max?: number) => ({ answered: 3, counts: [], mean, min, max });
    const q = (a: any, b: any, meanDelta?: number, noMeanDelta?: 'different_scales'): ComparedQuestion => ({ prompt: 'Energy', kind: 'scale', a, b, meanDelta, noMeanDelta });
    expect(meanChange(q(t(2, 1, 5), t(3, 1, 5), 1))).toEqual({ delta: 1 });
    expect(meanChange(q(t(2), t(3), 1))).toEqual({ delta: 1 }); // a session kept before ranges were said
    expect(meanChange(q(t(2, 1, 5), t(5, 1, 10), undefined, 'different_scales'))).toEqual({ why: 'not compared: the scales differ (A 1 to 5, B 1 to 10)' });
    expect(meanChange(q(t(3, 1, 5), t(0, -2, 2), -3))).toEqual({ why: 'not compared: the scales differ (A 1 to 5, B -2 to 2)' });
    expect(meanChange(q(t(3, 1, 5), null))).toBeNull();
  });

  it('formats the change with a true minus sign and two decimals', () => {
    expect(delta(0.42)).toMatchObject({ text: '+0.42', arrow: '↑', sign: 1 });
    expect(delta(-0.3)).toMatchObject({ text: '−0.30', arrow: '↓', sign: -1 });
    expect(delta(0.001)).toMatchObject({ text: '0.00', arrow: '→', sign: 0 });
  });

  it('pairs the rows of both sides, A first', () => {
    const a = { answered: 3, counts: [{ label: 'Tea', count: 2 }, { label: 'Coffee', count: 1 }] };
    const b = { answered: 2, counts: [{ label: 'Coffee', count: 1 }, { label: 'Water', count: 1 }] };
    expect(pairRows(a, b)).toEqual([{ label: 'Tea', a: 2, b: 0 }, { label: 'Coffee', a: 1, b: 1 }, { label: 'Water', a: 0, b: 1 }]);
    expect(pairRows(null, b)).toEqual([{ label: 'Coffee', a: null, b: 1 }, { label: 'Water', a: null, b: 1 }]);
    // A side that hid the question has no rows, not zeros.
    expect(pairRows({ answered: 2, counts: [], hidden: true }, b)).toEqual([{ label: 'Coffee', a: null, b: 1 }, { label: 'Water', a: null, b: 1 }]);
  });
});
