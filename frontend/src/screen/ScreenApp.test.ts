import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from 'svelte/compiler';
import ScreenApp from './ScreenApp.svelte';
import { ev, FakeWS, welcome } from '../test/fakews';
import { settle } from '../test/settle';
import { emWidth } from '../lib/fitcloud';
import { PAGE_TURN_MS } from '../lib/fitboard';

let target: HTMLElement;
let app: any;

function openAt(path: string) {
  history.replaceState(null, '', path);
  FakeWS.all = [];
  vi.stubGlobal('WebSocket', FakeWS);
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(ScreenApp, { target });
  flushSync();
  const ws = FakeWS.last();
  ws?.open();
  return ws;
}
const screenWelcome = () => welcome(1, { you: { id: 'f1', name: '', role: 'screen', online: true } });

/** A projector welcomed through link token tok, then closed by the server with code. */
async function closedWith(tok: string, code: number) {
  const ws = openAt(`/screen/ABCDEF#t=${tok}`);
  ws.receive(screenWelcome());
  await settle();
  ws.serverClose(code);
  await settle();
  return target.querySelector('[data-testid=screen-over]')?.textContent ?? '';
}

beforeEach(() => localStorage.clear());
afterEach(() => {
  unmount(app);
  target.remove();
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/');
});

describe('the projector view opened with a projector link', () => {
  it('says hello with the link token, takes it out of the address, and keeps it for reloads', async () => {
    const ws = openAt('/screen/ABCDEF#t=tok%2F1');
    expect(ws.sent[0]).toMatchObject({ type: 'hello', room: 'ABCDEF', token: 'tok/1', view: 'projector' });
    expect(window.location.hash).toBe('');
    expect(window.location.pathname).toBe('/screen/ABCDEF');
    expect(JSON.parse(localStorage.getItem('huddle:screen:ABCDEF')!)).toMatchObject({ code: 'ABCDEF', token: 'tok/1' });
    ws.receive(screenWelcome());
    await settle();
    expect(target.querySelector('[data-testid=screen-code]')?.textContent).toBe('ABCDEF');
    unmount(app);
    target.remove();

    // Reloaded: the link from before.
    const again = openAt('/screen/ABCDEF');
    expect(again.sent[0]).toMatchObject({ type: 'hello', room: 'ABCDEF', token: 'tok/1', view: 'projector' });
  });

  it('says that a room ended, with no "Disconnected" under it', async () => {
    expect(await closedWith('tok', 4003)).toMatch(/ended/);
    expect(target.querySelector('.conn')).toBeNull();
  });

  it("opened after the room ended, keeps the room's title from the final welcome", async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    const w = screenWelcome();
    ws.receive({ ...w, you: { ...w.you, online: false }, presence: { type: 'presence', online: 0, participants: 3 },
      snapshot: { ...w.snapshot, room: { ...w.snapshot.room, title: 'Lunch workshop', ended: true, locked: true }, participants: 3 } },
    { type: 'error', code: 'room_ended', message: 'this room has ended' });
    ws.serverClose(4003);
    await settle();
    expect(target.querySelector('h1')?.textContent).toBe('Lunch workshop');
    expect(document.title).toContain('Lunch workshop');
    expect(target.querySelector('[data-testid=screen-over]')?.textContent).toMatch(/ended/);
    expect(target.querySelector('[data-testid=screen-code], .qr')).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(FakeWS.all).toHaveLength(1);
  });

  it('says a revoked link no longer works, and forgets it', async () => {
    expect(await closedWith('old', 4001)).toMatch(/no longer works/);
    expect(JSON.parse(localStorage.getItem('huddle:screen:ABCDEF')!)).toMatchObject({ token: '', revoked: true });
    unmount(app);
    target.remove();
    // Reloaded: it says so again, without trying the dead link.
    expect(openAt('/screen/ABCDEF')).toBeUndefined();
    expect(target.querySelector('[data-testid=screen-over]')?.textContent).toMatch(/no longer works/);
  });

  it('opened in another window once too often (4006), says so, keeps its link, and shows the room here again when asked', async () => {
    expect(await closedWith('tok', 4006)).toBe('This projector view is open in another tab or window, so it has stopped here.');
    expect(target.querySelector('.conn')).toBeNull();
    expect(JSON.parse(localStorage.getItem('huddle:screen:ABCDEF')!)).toMatchObject({ token: 'tok' });
    await new Promise((r) => setTimeout(r, 1200));
    expect(FakeWS.all).toHaveLength(1);
    [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Use it here')!.click();
    await settle();
    const again = FakeWS.last();
    again.open();
    expect(again.sent[0]).toMatchObject({ type: 'hello', token: 'tok', view: 'projector', since: { epoch: 'E', seq: 1 } });
    again.receive({ ...screenWelcome(), recovered: true, snapshot: undefined });
    await settle();
    expect(target.querySelector('[data-testid=screen-over]')).toBeNull();
    expect(target.querySelector('[data-testid=screen-code]')?.textContent).toBe('ABCDEF');
  });

  it('without a link or the secret, says where to open it', async () => {
    const ws = openAt('/screen/ABCDEF');
    expect(ws).toBeUndefined();
    expect(target.textContent).toMatch(/projector link/);
  });
});

describe('the projector on a big screen', () => {
  it('marks the page so that its type grows with the screen, and unmarks it when it goes', async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    ws.receive(screenWelcome());
    await settle();
    expect(document.documentElement.classList.contains('projector')).toBe(true);
    unmount(app);
    expect(document.documentElement.classList.contains('projector')).toBe(false);
    app = mount(ScreenApp, { target });
    flushSync();
  });
});

describe('the projector showing results', () => {
  it('says how many answered above them', async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    const poll = { id: 'e1', kind: 'poll', title: 'Lunch?', status: 'results', minResponses: 1,
      questions: [{ id: 'q1', kind: 'choice', prompt: 'Lunch?', options: [{ id: 'a', label: 'Soup' }, { id: 'b', label: 'Pizza' }] }] };
    const state = { exercise: 'e1', status: 'results', responses: 4, minResponses: 1, anonymous: true, results: { questions: [{ id: 'q1', counts: { a: 3, b: 1 }, answered: 4 }] } };
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll, state }] } } } });
    await settle();
    expect(target.querySelector('[data-testid=results-count]')?.textContent).toBe('4 answers');
  });

  it('says voting has closed when it closed with the results hidden, not "so far"', async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    const poll = (status: string) => ({ id: 'e1', kind: 'poll', title: 'Lunch?', status, minResponses: 3,
      questions: [{ id: 'q1', kind: 'choice', prompt: 'Lunch?', options: [{ id: 'a', label: 'Soup' }] }] });
    const state = (status: string) => ({ exercise: 'e1', status, responses: 3, minResponses: 3, anonymous: true });
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll('open'), state: state('open') }] } } } });
    await settle();
    expect(target.querySelector('[data-testid=screen-count]')?.textContent).toBe('3 answers so far');
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll('closed'), state: state('closed') }] } } } });
    await settle();
    expect(target.querySelector('[data-testid=screen-count]')?.textContent).toBe('Voting has closed: 3 answers.');
    expect(target.querySelector('[data-testid=screen-soon]')?.textContent).toBe('Results will be shown when the facilitator is ready.');
  });

  it('closed below its threshold, does not promise results it cannot show', async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    const pulse = { id: 'e1', kind: 'survey', title: 'Trust pulse', status: 'closed', minResponses: 4,
      questions: [{ id: 'q1', kind: 'scale', prompt: 'I can count on it', min: 1, max: 5 }] };
    const state = { exercise: 'e1', status: 'closed', responses: 3, minResponses: 4, anonymous: true };
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: pulse, state }] } } } });
    await settle();
    expect(target.querySelector('[data-testid=screen-count]')?.textContent).toBe('Voting has closed: 3 answers.');
    expect(target.querySelector('[data-testid=screen-soon]')?.textContent).toBe('Too few answers to show the results: at least 4 are needed. The facilitator may open voting again.');
  });
});

describe('the projector read aloud', () => {
  it('gives the title first, then the timer and the join chip', async () => {
    // They came before the heading (the title flowed around them), though
    // a phone shows them after it.
    const ws = openAt('/screen/ABCDEF#t=tok');
    const endsAt = new Date(Date.now() + 300_000).toISOString();
    const poll = { id: 'e1', kind: 'poll', title: 'Lunch?', status: 'open', endsAt, minResponses: 3,
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'Soup' }, { id: 'b', label: 'Pizza' }] }] };
    const state = { exercise: 'e1', status: 'open', responses: 1, minResponses: 3, anonymous: true };
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll, state }] } } } });
    await settle();
    const head = target.querySelector('header.head')!;
    // What a screen reader meets, in order (not what is hidden from it).
    const read = [...head.querySelectorAll('h1, [role=timer], .code')].filter((e) => !e.closest('[aria-hidden=true]'));
    expect(read.map((e) => (e.matches('h1') ? `title ${e.textContent}` : e.matches('[role=timer]') ? 'timer' : `code ${e.textContent}`))).toEqual(['title Lunch?', 'timer', 'code ABCDEF']);
    // Whatever comes before the title in the page (the chip's room, kept
    // for the title to flow around) is hidden from it and takes no focus.
    const h1 = head.querySelector('h1')!;
    const before = [...head.children].slice(0, [...head.children].indexOf(h1));
    for (const e of before) {
      expect(e.getAttribute('aria-hidden')).toBe('true');
      expect(e.hasAttribute('inert')).toBe(true);
    }
    // One join code in the header, for whoever looks it up there.
    expect(head.querySelectorAll('.code')).toHaveLength(1);
  });
});

describe('the projector while a vote waits for its results', () => {
  it('keeps the choices, the count and "Results will be shown" on the screen, denser when they would run off it', async () => {
    // jsdom lays nothing out: the block ends below the 768 px window until
    // it is drawn at its second density.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const bottom = this.dataset.testid === 'screen-wait' && Number(this.dataset.density) < 2 ? 900 : 700;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
    const ws = openAt('/screen/ABCDEF#t=tok');
    const options = ['The weekly planning meeting with the whole department', 'Standup', 'Code review of every single change, however small', 'Demos', 'Retros'];
    const poll = { id: 'e1', kind: 'poll', title: 'Which tool do we drop first when things get busy in the quarter?', prompt: 'Pick one', status: 'open', minResponses: 3,
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: options.map((label, i) => ({ id: `o${i}`, label })) }] };
    const state = { exercise: 'e1', status: 'open', responses: 2, minResponses: 3, anonymous: true };
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll, state }] } } } });
    await settle();
    await settle();
    const box = target.querySelector<HTMLElement>('[data-testid=screen-wait]')!;
    expect(box.dataset.density).toBe('2');
    expect(box.classList.contains('d2')).toBe(true);
    expect(box.querySelectorAll('[data-testid=screen-choices] li')).toHaveLength(5);
    expect(box.querySelector('[data-testid=screen-count]')?.textContent).toBe('2 answers so far');
    expect(box.textContent).toContain('Results will be shown');
    vi.restoreAllMocks();
  });

  it('has a last density for eight long choices at 800x600, closer, the title smaller over the whole width', async () => {
    // Eight long choices under a long title at 800x600: the block ends
    // below the window at every density but the last (at 3, the last
    // before, it ended at 680 px of 600).
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const bottom = this.dataset.testid === 'screen-wait' && Number(this.dataset.density) < 4 ? 900 : 700;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
    const ws = openAt('/screen/ABCDEF#t=tok');
    const options = Array.from({ length: 8 }, (_, i) => `Choice ${i + 1}: a long one, most of a line on the projector`);
    const poll = { id: 'e1', kind: 'poll', title: 'What should the whole team change first about how we plan and review the work?', status: 'open', minResponses: 3,
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: options.map((label, i) => ({ id: `o${i}`, label })) }] };
    const state = { exercise: 'e1', status: 'open', responses: 4, minResponses: 3, anonymous: true };
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll, state }] } } } });
    await settle();
    await settle();
    const box = target.querySelector<HTMLElement>('[data-testid=screen-wait]')!;
    expect(box.dataset.density).toBe('4');
    expect(box.classList.contains('d4')).toBe(true);
    expect(box.querySelectorAll('[data-testid=screen-choices] li')).toHaveLength(8);
    vi.restoreAllMocks();
  });
});

describe('the count line while a vote waits', () => {
  /** The count's largest size: the share (cqi) of the waiting box's
   *  width its one line may take, times its width at 1em in the count's
   *  type (800), in percent of the box. */
  const share = (count: Element) => {
    const cap = /^([\d.]+)cqi$/.exec((count as HTMLElement).style.getPropertyValue('--most'));
    expect(cap).not.toBeNull();
    const family = getComputedStyle(document.documentElement).fontFamily || 'sans-serif';
    return Number(cap![1]) * emWidth(count.textContent ?? '', family, 800);
  };

  it('is set no larger than its one line fits the width: at 800x600 "0 answers so far" took two, "far" alone', async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    const poll = (status: string) => ({ id: 'e1', kind: 'poll', title: 'Lunch?', status, minResponses: 3,
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'Pizza' }, { id: 'b', label: 'Soup' }] }] });
    const state = (status: string) => ({ exercise: 'e1', status, responses: 0, minResponses: 3, anonymous: true });
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll('open'), state: state('open') }] } } } });
    await settle();
    const count = target.querySelector('[data-testid=screen-count]')!;
    expect(count.textContent).toBe('0 answers so far');
    expect(share(count)).toBeGreaterThan(85);
    expect(share(count)).toBeLessThanOrEqual(100);
    // Closed, the longer line is measured anew.
    const open = (count as HTMLElement).style.getPropertyValue('--most');
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll('closed'), state: state('closed') }] } } } });
    await settle();
    const closed = target.querySelector('[data-testid=screen-count]')!;
    expect(closed.textContent).toBe('Voting has closed: 0 answers.');
    expect(parseFloat((closed as HTMLElement).style.getPropertyValue('--most'))).toBeLessThan(parseFloat(open));
    expect(share(closed)).toBeGreaterThan(85);
    expect(share(closed)).toBeLessThanOrEqual(100);
  });
});

describe('the projector while a vote waits, on a 1080-line screen', () => {
  /** happy-dom is given no component styles: ScreenApp's own, scoped by
   *  the class its elements carry, on a w x h window. */
  function styled(w: number, h: number) {
    const scoped = [...target.querySelector('.screen')!.classList].find((c) => c.startsWith('svelte-'))!;
    const { css } = compile(readFileSync(join(__dirname, 'ScreenApp.svelte'), 'utf8'), { filename: 'ScreenApp.svelte', css: 'external', cssHash: () => scoped });
    const style = document.createElement('style');
    style.textContent = css!.code;
    document.head.appendChild(style);
    (window as any).happyDOM.setWindowSize({ width: w, height: h });
    return () => style.remove();
  }
  /** A length as the browser resolves it: px, vh, or min() of them. */
  function px(v: string, h: number): number {
    const m = /^min\((.+), (.+)\)$/.exec(v);
    if (m) return Math.min(px(m[1], h), px(m[2], h));
    if (v.endsWith('vh')) return (parseFloat(v) * h) / 100;
    return parseFloat(v);
  }

  it('leaves at most 60 px above the count at the first size, where 8vh made five long choices 25 px too tall', async () => {
    const was = [window.innerWidth, window.innerHeight];
    const ws = openAt('/screen/ABCDEF#t=tok');
    const options = Array.from({ length: 5 }, (_, i) => `Option ${i + 1}: a long answer that takes most of a line`);
    const poll = { id: 'e1', kind: 'poll', title: 'Lunch?', prompt: 'Pick the one that would help most, and we will talk about why in the retro afterwards', status: 'open', minResponses: 5,
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: options.map((label, i) => ({ id: `o${i}`, label })) }] };
    const state = { exercise: 'e1', status: 'open', responses: 2, minResponses: 5, anonymous: true };
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll, state }] } } } });
    await settle();
    const box = target.querySelector<HTMLElement>('[data-testid=screen-wait]')!;
    expect(box.dataset.density).toBe('0');
    const count = box.querySelector('[data-testid=screen-count]')!;
    let unstyle = styled(1920, 1080);
    try {
      expect(px(getComputedStyle(count).marginTop, 1080)).toBeLessThanOrEqual(60);
      // A 720-line screen keeps its 8vh.
      unstyle();
      unstyle = styled(1280, 720);
      expect(px(getComputedStyle(count).marginTop, 720)).toBeCloseTo(57.6, 1);
    } finally {
      unstyle();
      (window as any).happyDOM.setWindowSize({ width: was[0], height: was[1] });
    }
  });
});

describe('the projector in a retrospective', () => {
  it("says in the vote what to do, with the spec's dots, and nothing of dots placed it is not given", async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
    const retro = (phase: string) => ({ id: 'e1', kind: 'retro', title: 'Sprint 44', status: 'open', phase, retro: { columns, dots: 4, maxPerItem: 2 } });
    const state = (phase: string) => ({
      exercise: 'e1', status: 'open', phase, dots: 4, maxPerItem: 2, revealed: true, dotsShown: false, written: 1,
      columns: columns.map((c) => ({ ...c, count: c.id === 'start' ? 1 : 0 })),
      cards: [{ id: 'c1', column: 'start', text: 'Pair more' }], groups: [], items: [{ id: 'c1', kind: 'card' }], actions: [],
    });
    const w = screenWelcome();
    const at = (phase: string) => ({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: retro(phase), state: state(phase) }] } } } });
    ws.receive(at('group'));
    await settle();
    expect(target.querySelector('[data-testid=retro-board]')?.textContent).toContain('Pair more');
    expect(target.querySelector('[data-testid=vote-on-phone]')).toBeNull();
    ws.receive(at('vote'));
    await settle();
    expect(target.querySelector('[data-testid=vote-on-phone]')?.textContent).toBe('Place your dots on your phone: 4 dots each, at most 2 on one item');
    expect(target.textContent).not.toMatch(/placed so far/);
  });

  it('heads its columns h2, right under the title (h1): h4 skipped two levels (WCAG 1.3.1)', async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    const columns = [{ id: 'start', title: 'Start' }];
    const w = screenWelcome();
    const exercise = { id: 'e1', kind: 'retro', title: 'Sprint 44', status: 'open', phase: 'group', retro: { columns, dots: 4, maxPerItem: 2 } };
    const state = {
      exercise: 'e1', status: 'open', phase: 'group', dots: 4, maxPerItem: 2, revealed: true, dotsShown: false, written: 1,
      columns: [{ id: 'start', title: 'Start', count: 1 }], cards: [{ id: 'c1', column: 'start', text: 'Pair more', group: 'g1' }],
      groups: [{ id: 'g1', title: 'Pairing', cards: ['c1'] }], items: [{ id: 'g1', kind: 'group' }], actions: [],
    };
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise, state }] } } } });
    await settle();
    expect([...target.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => `${h.tagName} ${h.textContent}`)).toEqual(['H1 Sprint 44', 'H2 Start', 'H3 Pairing']);
  });
});

describe('the projector showing a survey', () => {
  // A pulse of four scale questions, its results shown.
  function survey(ws: FakeWS) {
    const prompts = ['I can raise a concern', 'It is easy to ask for help', 'I can admit a mistake', 'My skills are put to use'];
    const questions = prompts.map((prompt, i) => ({ id: `q${i + 1}`, kind: 'scale', prompt, min: 1, max: 10, minLabel: 'Strongly disagree', maxLabel: 'Strongly agree' }));
    const pulse = { id: 'e1', kind: 'survey', title: 'Psychological safety check', prompt: 'How safe does it feel?', status: 'results', minResponses: 3, questions };
    const results = { questions: questions.map((q) => ({ id: q.id, counts: { 1: 1, 2: 1, 3: 1 }, answered: 3, mean: 2, median: 2 })) };
    const state = { exercise: 'e1', status: 'results', responses: 3, minResponses: 3, anonymous: true, results };
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: pulse, state }] } } } });
  }
  // jsdom lays nothing out: the questions one under the other, the i-th
  // ending at 300 + 200i px (the window is 768 px); the results end at
  // tall(how many questions they draw).
  function layout(tall: (questions: number) => number) {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      let bottom = 0;
      if (this.matches('[data-testid=results]')) bottom = tall(this.querySelectorAll('.q').length);
      else if (this.matches('.q')) bottom = 300 + 200 * [...this.parentElement!.children].indexOf(this);
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
  }
  const more = () => target.querySelector('[data-testid=screen-more]')?.textContent;

  it('shows the questions that fit when even the densest results run off the screen, and says how many more', async () => {
    // Four questions end below the window at every density; three, with
    // the "+N more" line under them, above it.
    layout((n) => (n > 3 ? 988 : 700));
    const ws = openAt('/screen/ABCDEF#t=tok');
    survey(ws);
    for (let i = 0; i < 4; i++) await settle();
    const results = target.querySelector<HTMLElement>('[data-testid=results]')!;
    expect([...results.querySelectorAll('.q h2')].map((h) => h.textContent)).toEqual(['I can raise a concern', 'It is easy to ask for help', 'I can admit a mistake']);
    expect(more()).toBe('+1 more question');
    // Results still lays out a survey, fitted anew with room for the line.
    expect(results.classList.contains('many')).toBe(true);
    expect(results.dataset.density).toBe('0');
    expect(Number(target.querySelector<HTMLElement>('.body')!.dataset.fitBelow)).toBeGreaterThan(0);
    vi.restoreAllMocks();
  });

  it('shows every question when the densest results fit', async () => {
    layout(() => 700);
    const ws = openAt('/screen/ABCDEF#t=tok');
    survey(ws);
    for (let i = 0; i < 4; i++) await settle();
    expect(target.querySelectorAll('[data-testid=results] .q')).toHaveLength(4);
    expect(more()).toBeUndefined();
    expect(target.querySelector<HTMLElement>('.body')!.dataset.fitBelow).toBeUndefined();
    vi.restoreAllMocks();
  });
});

describe('the projector showing a poll or a scale that no level fits', () => {
  // jsdom lays nothing out: the results end 40 px lower for each bar
  // they draw, below 200 px, and 50 px lower with the "+N more" line
  // (the window is 768 px).
  function layout() {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const bottom = this.matches('[data-testid=results]')
        ? 200 + 40 * this.querySelectorAll('.bars li').length + (this.querySelector('[data-testid=options-more]') ? 50 : 0) : 100;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
  }
  function shown(ws: FakeWS, exercise: object, counts: Record<string, number>, answered: number) {
    const state = { exercise: 'e1', status: 'results', responses: answered, minResponses: 1, anonymous: true, results: { questions: [{ id: 'q1', counts, answered }] } };
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise, state }] } } } });
  }
  const more = () => target.querySelector('[data-testid=options-more]')?.textContent;

  it("shows a poll's most voted options that fit, and says how many options and votes it left out", async () => {
    layout();
    const ws = openAt('/screen/ABCDEF#t=tok');
    const options = Array.from({ length: 20 }, (_, i) => ({ id: `o${i + 1}`, label: `${i + 1}. Long option label that goes on and on` }));
    shown(ws, { id: 'e1', kind: 'poll', title: 'Where next?', status: 'results', minResponses: 1, questions: [{ id: 'q1', kind: 'choice', prompt: '', options }] },
      { o20: 3, o19: 2, o1: 2, o2: 1, o5: 1, o9: 1, o10: 1, o15: 1 }, 12);
    for (let i = 0; i < 4; i++) await settle();
    // 200 + 40 * 12 + 50 = 730 px: twelve, the eight voted among them.
    const drawn = [...target.querySelectorAll('[data-testid=results] .bars li .lbl')].map((l) => parseInt(l.textContent!, 10));
    expect(drawn).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10, 15, 19, 20]);
    expect(more()).toBe('+8 more options (0 votes)');
    vi.restoreAllMocks();
  });

  it("says a scale's points", async () => {
    layout();
    const ws = openAt('/screen/ABCDEF#t=tok');
    // Eleven points and their figures: 200 + 40 * 11 = 640 px fits; the
    // window made 600 px high, it does not.
    vi.spyOn(window, 'innerHeight', 'get').mockReturnValue(600);
    shown(ws, { id: 'e1', kind: 'scale', title: 'Energy', status: 'results', minResponses: 1, questions: [{ id: 'q1', kind: 'scale', prompt: '', min: 0, max: 10 }] },
      { 0: 0, 1: 0, 2: 1, 3: 0, 4: 0, 5: 2, 6: 0, 7: 3, 8: 1, 9: 0, 10: 1 }, 8);
    for (let i = 0; i < 4; i++) await settle();
    // 200 + 40 * 8 + 50 = 570 px, above 600 less 16.
    expect(target.querySelectorAll('[data-testid=results] .bars li')).toHaveLength(8);
    expect(more()).toBe('+3 more points (0 votes)');
    vi.restoreAllMocks();
  });
});

describe('the projector while joining is locked', () => {
  // Every phone that scanned the code was turned away (room_locked).
  const lockedWelcome = (sections?: object) => {
    const w = screenWelcome();
    return { ...w, snapshot: { ...w.snapshot, room: { ...w.snapshot.room, locked: true }, ...(sections ? { sections } : {}) } };
  };
  const room = (locked: boolean) => ({ id: 'r1', code: 'ABCDEF', title: 'T', locked, ended: false, showNames: true });

  it('shows no QR code or join code in the lobby and says joining is closed; unlocked, invites again at once', async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    ws.receive(lockedWelcome());
    await settle();
    expect(target.querySelector('[data-testid=qr]')).toBeNull();
    expect(target.querySelector('[data-testid=screen-code]')).toBeNull();
    expect(target.textContent).not.toMatch(/Scan to join|with code/);
    expect(target.querySelector('[data-testid=screen-closed]')?.textContent).toBe('Joining is closed');
    // Who is here is still said.
    expect(target.querySelector('.people')?.textContent).toBe('1 person here');
    ws.receive(ev(2, 'room.updated', room(false)));
    await settle();
    expect(target.querySelector('[data-testid=qr]')).not.toBeNull();
    expect(target.querySelector('[data-testid=screen-code]')?.textContent).toBe('ABCDEF');
    expect(target.querySelector('[data-testid=screen-closed]')).toBeNull();
    ws.receive(ev(3, 'room.updated', room(true)));
    await settle();
    expect(target.querySelector('[data-testid=qr]')).toBeNull();
    expect(target.querySelector('[data-testid=screen-closed]')?.textContent).toBe('Joining is closed');
  });

  it('during an exercise, says joining is closed where the join chip gave the code', async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    const poll = { id: 'e1', kind: 'poll', title: 'Lunch?', status: 'open', minResponses: 3,
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'Soup' }] }] };
    const state = { exercise: 'e1', status: 'open', responses: 1, minResponses: 3, anonymous: true };
    ws.receive(lockedWelcome({ exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise: poll, state }] } }));
    await settle();
    const head = target.querySelector('header.head')!;
    expect(head.textContent).not.toMatch(/ABCDEF|Join at/);
    expect(head.querySelector('[data-testid=screen-chip] [data-testid=screen-closed]')?.textContent).toBe('Joining is closed');
    ws.receive(ev(2, 'room.updated', room(false)));
    await settle();
    expect(head.querySelector('[data-testid=screen-chip] .code')?.textContent).toBe('ABCDEF');
    expect(head.querySelector('[data-testid=screen-closed]')).toBeNull();
  });
});

describe('the projector losing its connection', () => {
  it('says only that it is reconnecting: it has no answers to keep', async () => {
    const ws = openAt('/screen/ABCDEF#t=tok');
    ws.receive(screenWelcome());
    await settle();
    ws.serverClose(1001);
    await settle();
    expect(target.querySelector('[data-testid=conn]')?.textContent?.trim()).toBe('Reconnecting…');
  });
});

// Sixty kudos at the end of a workshop: the projector showed the seven
// that fit and "+53 more kudos", and a kudo just sent seldom among them.
describe('the projector showing a kudos wall too long for the screen', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); });
  const settleNow = async () => {
    for (let i = 0; i < 8; i++) await vi.advanceTimersByTimeAsync(0);
    flushSync();
  };
  const wall = (kudos: object[]) => ({ exercise: 'e1', status: 'open', count: kudos.length, kudos });
  const kudo = (n: number, id = `k${String(n).padStart(2, '0')}`) => ({ id, to: 'team', anonymous: true, message: `Thanks ${n}` });
  const shown = () => [...target.querySelectorAll('[data-testid=kudos-wall] .msg')].map((p) => p.textContent);

  it('pages through it, and a kudo sent meanwhile waits for the next turn', async () => {
    // happy-dom lays nothing out: each kudo ends 100 px below the one
    // before, the wall below the 768 px window at every density: seven
    // kudos a page.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const i = this.matches('.kudo') ? [...this.parentElement!.children].indexOf(this) : -1;
      const bottom = this.matches('[data-testid=kudos-wall]') ? 6100 : i >= 0 ? (i + 1) * 100 : 0;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
    const ws = openAt('/screen/ABCDEF#t=tok');
    const exercise = { id: 'e1', kind: 'kudos', title: 'Thank you', status: 'open' };
    const kudos = Array.from({ length: 20 }, (_, i) => kudo(i + 1));
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise, state: wall(kudos) }] } } } });
    await settleNow();
    expect(shown()).toEqual(['Thanks 1', 'Thanks 2', 'Thanks 3', 'Thanks 4', 'Thanks 5', 'Thanks 6', 'Thanks 7']);
    const page = target.querySelector('[data-testid=kudos-page]')!;
    expect(page.textContent).toBe('Page 1 of 3');
    // Said to nobody: the projector's only live region is the lobby's count.
    expect(page.closest('[aria-live], [role=status]')).toBeNull();
    // One sent where its id puts it on this page, and one on it hidden
    // by the facilitator: the hidden one goes at once, the new one waits.
    ws.receive({ type: 'state', key: 'ex:e1', data: wall([...kudos.slice(0, 2), kudo(2.5, 'k02x'), ...kudos.slice(3)]) });
    await settleNow();
    expect(shown()).toEqual(['Thanks 1', 'Thanks 2', 'Thanks 4', 'Thanks 5', 'Thanks 6', 'Thanks 7']);
    expect(page.textContent).toBe('Page 1 of 3');
    await vi.advanceTimersByTimeAsync(PAGE_TURN_MS);
    await settleNow();
    expect(shown()).toEqual(['Thanks 8', 'Thanks 9', 'Thanks 10', 'Thanks 11', 'Thanks 12', 'Thanks 13', 'Thanks 14']);
    expect(target.querySelector('[data-testid=kudos-page]')!.textContent).toBe('Page 2 of 3');
  });
});

// Forty requests in a workshop: the projector showed the seven that fit
// and "+33 more requests", the resolved ones never.
describe('the projector showing a help board too long for the screen', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); });
  const settleNow = async () => {
    for (let i = 0; i < 8; i++) await vi.advanceTimersByTimeAsync(0);
    flushSync();
  };
  const titles = () => [...target.querySelectorAll('[data-testid=help-board] .req strong')].map((e) => e.textContent);

  it('pages through it, round and round, saying which page in no live region', async () => {
    // happy-dom lays nothing out: each request ends 100 px below the one
    // before, the board below the 768 px window at every density: seven
    // requests a page.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const i = this.matches('.req') ? [...this.parentElement!.children].indexOf(this) : -1;
      const bottom = this.matches('[data-testid=help-board]') ? 2100 : i >= 0 ? (i + 1) * 100 : 0;
      return { top: 0, bottom, left: 0, right: 100, width: 100, height: bottom, x: 0, y: 0, toJSON() {} } as DOMRect;
    });
    const ws = openAt('/screen/ABCDEF#t=tok');
    const exercise = { id: 'e1', kind: 'help', title: 'Can you help me?', status: 'open' };
    const requests = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, title: `Request ${i}`, tags: [], status: i < 8 ? 'open' : 'resolved', anonymous: true, offers: [] }));
    const state = { exercise: 'e1', status: 'open', counts: { open: 8, matched: 0, resolved: 2 }, requests };
    const w = screenWelcome();
    ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise, state }] } } } });
    await settleNow();
    expect(titles()).toEqual(requests.slice(0, 7).map((r) => r.title));
    const page = target.querySelector('[data-testid=help-page]')!;
    expect(page.textContent).toBe('Page 1 of 2');
    expect(page.closest('[aria-live], [role=status]')).toBeNull();
    expect(target.querySelector('[data-testid=help-more]')).toBeNull();
    await vi.advanceTimersByTimeAsync(PAGE_TURN_MS);
    await settleNow();
    expect(titles()).toEqual(['Request 7', 'Request 8', 'Request 9']);
    expect(target.querySelector('[data-testid=help-page]')!.textContent).toBe('Page 2 of 2');
    await vi.advanceTimersByTimeAsync(PAGE_TURN_MS);
    await settleNow();
    expect(titles()).toEqual(requests.slice(0, 7).map((r) => r.title));
  });
});
