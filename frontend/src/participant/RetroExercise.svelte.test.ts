import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import RetroExercise from './RetroExercise.svelte';
import { emptyState } from '../lib/reducer';
import { CommandError } from '../lib/client';

const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
const board = {
  exercise: 'r1', status: 'open', phase: 'write', dots: 2, maxPerItem: 1, columns: columns.map((c) => ({ ...c, count: 0 })), written: 0,
  revealed: false, cards: [], groups: [], items: [], dotsShown: false, actions: [],
};

/** A phone writing cards, offline: each card sent waits for `answer`. */
function phone() {
  let answer: (ok: boolean) => void = () => {};
  const session = $state({
    state: { ...emptyState(), states: { r1: board }, mine: { r1: { cards: [] as object[] } } } as any,
    status: 'reconnecting',
    send: () => new Promise((resolve, reject) => {
      answer = (ok) => (ok ? resolve({}) : reject(new CommandError('wrong_phase', 'cards can no longer be added')));
    }),
  });
  const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'write', retro: { columns, dots: 2, maxPerItem: 1 } } as any;
  const target = show(RetroExercise, { session, ex });
  const write = async (text: string) => {
    const box = target.querySelector('textarea')!;
    box.value = text;
    box.dispatchEvent(new Event('input'));
    box.form!.requestSubmit();
    await settle();
  };
  const listed = () => [...target.querySelectorAll('[data-testid=my-cards] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
  return { target, session, write, listed, answer: (ok: boolean) => answer(ok) };
}

describe('a card sent offline', () => {
  it('still waiting when the page was reloaded, is listed from its stored command until it is answered', async () => {
    const cmd = { id: 'c-7', type: 'retro.card.add', data: { exercise: 'r1', column: 'stop', text: 'Long standups' } };
    const other = { id: 'c-8', type: 'retro.card.add', data: { exercise: 'r9', column: 'start', text: 'Elsewhere' } };
    const session = $state({
      state: { ...emptyState(), states: { r1: board }, mine: { r1: { cards: [] as object[] } } } as any,
      status: 'reconnecting',
      pendingCommands: [cmd, other],
      send: () => new Promise(() => {}),
    });
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'write', retro: { columns, dots: 2, maxPerItem: 1 } } as any;
    const target = show(RetroExercise, { session, ex });
    const listed = () => [...target.querySelectorAll('[data-testid=my-cards] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(listed()).toEqual(['Stop Long standups Waiting to be sent']);
    // Answered (sent again once online): the card itself is what is listed.
    session.pendingCommands = [other];
    session.state = { ...session.state, mine: { r1: { cards: [{ id: 'c1', column: 'stop', text: 'Long standups' }] } } };
    await settle();
    expect(listed()).toEqual(['Stop Long standups Edit Delete']);
  });

  it('says "Sending…" through a blip of the connection, and "Waiting to be sent" once it has been gone a while', async () => {
    vi.useFakeTimers();
    try {
      const cmd = { id: 'c-7', type: 'retro.card.add', data: { exercise: 'r1', column: 'stop', text: 'Long standups' } };
      const session = $state({
        state: { ...emptyState(), states: { r1: board }, mine: { r1: { cards: [] as object[] } } } as any,
        status: 'online',
        pendingCommands: [cmd],
        send: () => new Promise(() => {}),
      });
      const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'write', retro: { columns, dots: 2, maxPerItem: 1 } } as any;
      const target = show(RetroExercise, { session, ex });
      const listed = () => [...target.querySelectorAll('[data-testid=my-cards] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
      expect(listed()).toEqual(['Stop Long standups Sending…']);
      session.status = 'reconnecting';
      flushSync();
      vi.advanceTimersByTime(1000);
      flushSync();
      expect(listed()).toEqual(['Stop Long standups Sending…']);
      session.status = 'online';
      flushSync();
      session.status = 'reconnecting';
      flushSync();
      vi.advanceTimersByTime(1600);
      flushSync();
      expect(listed()).toEqual(['Stop Long standups Waiting to be sent']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('is listed under "My cards" as waiting, until the card itself comes', async () => {
    const p = phone();
    await p.write('Pair more');
    expect(p.target.querySelector('textarea')!.value).toBe('');
    expect(p.target.textContent).not.toContain('No cards yet.');
    expect(p.listed()).toEqual(['Start Pair more Waiting to be sent']);
    // Back online and taken: the card comes (its event, here before the answer).
    p.session.status = 'online';
    p.session.state = { ...p.session.state, mine: { r1: { cards: [{ id: 'c1', column: 'start', text: 'Pair more' }] } } };
    await settle();
    expect(p.listed()).toEqual(['Start Pair more Edit Delete']);
    p.answer(true);
    await settle();
    expect(p.listed()).toEqual(['Start Pair more Edit Delete']);
  });

  it('says "Sending…" while online', async () => {
    const p = phone();
    p.session.status = 'online';
    await p.write('Demos');
    expect(p.listed()).toEqual(['Start Demos Sending…']);
  });

  it('leaves the list when refused, its text back in the box', async () => {
    const p = phone();
    await p.write('Pair more');
    p.answer(false);
    await settle();
    expect(p.target.querySelector('[data-testid=card-waiting]')).toBeNull();
    expect(p.target.querySelector('textarea')!.value).toBe('Pair more');
  });

  it('refused while another card is being written, leaves that one in the box and keeps its own words in a notice', async () => {
    const p = phone();
    await p.write('Pair more');
    const box = p.target.querySelector<HTMLTextAreaElement>('#card-r1')!;
    box.value = 'Demo days';
    box.dispatchEvent(new Event('input'));
    p.answer(false);
    await settle();
    expect(box.value).toBe('Demo days');
    const kept = p.target.querySelector('[data-testid=card-kept]')!;
    expect(kept.querySelector('p')!.textContent).toBe('Your card “Pair more” was not added. Cards can no longer be added. Your text is below to copy.');
    expect(kept.querySelector('textarea')!.value).toBe('Pair more');
  });
});

describe('a dot sent offline', () => {
  /** A phone voting in the vote's second round (started again once). */
  function voting(send: (type: string, data: any) => Promise<unknown>) {
    const items = [{ id: 'c1', kind: 'card' }];
    const session = $state({
      state: { ...emptyState(), states: { r1: { ...board, phase: 'vote', revealed: true, cards: [{ id: 'c1', column: 'start', text: 'Demos' }], items } }, mine: { r1: { cards: [], dotsLeft: 2 } } } as any,
      status: 'online', send,
    });
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'vote', dotsRound: 1, retro: { columns, dots: 2, maxPerItem: 1 } } as any;
    return show(RetroExercise, { session, ex });
  }

  it('names the vote it was placed in', async () => {
    const sent: any[] = [];
    const target = voting(async (_type, data) => { sent.push(data); return {}; });
    target.querySelector<HTMLButtonElement>('button[aria-label="Place a dot on Demos"]')!.click();
    await settle();
    expect(sent).toEqual([{ exercise: 'r1', item: 'c1', delta: 1, dotsRound: 1 }]);
  });

  it('says, in the server\'s words, it was not placed when the vote started again while it waited', async () => {
    const target = voting(async () => {
      throw new CommandError('wrong_phase', 'this dot was for a vote that has since started again, so it was not placed: place your dots again', 'dotsRound');
    });
    target.querySelector<HTMLButtonElement>('button[aria-label="Place a dot on Demos"]')!.click();
    await settle();
    expect(target.querySelector('[data-testid=send-error]')!.textContent)
      .toContain('This dot was for a vote that has since started again, so it was not placed: place your dots again.');
  });

  it('tells a screen reader the dots on an item, and the one waiting, as named images', async () => {
    const target = voting(() => new Promise(() => {})); // offline: never answered
    target.querySelector<HTMLButtonElement>('button[aria-label="Place a dot on Demos"]')!.click();
    await settle();
    const named = [...target.querySelectorAll('.item .dots')].map((e) => `${e.getAttribute('role')}: ${e.getAttribute('aria-label')}`);
    expect(named).toEqual(['img: 0 dots', expect.stringMatching(/^img: .+/)]);
  });

  it('says which limit a refused dot met, in the server\'s words', async () => {
    const target = voting(async () => { throw new CommandError('no_dots_left', 'at most 1 dot on one item', 'item'); });
    target.querySelector<HTMLButtonElement>('button[aria-label="Place a dot on Demos"]')!.click();
    await settle();
    expect(target.querySelector('[data-testid=send-error]')!.textContent).toContain('At most 1 dot on one item.');
  });
});

describe('a + tapped where no dot can go', () => {
  function blocked(mine: object, maxPerItem = 1) {
    const items = [{ id: 'c1', kind: 'card' }, { id: 'c2', kind: 'card' }];
    const session = $state({
      state: { ...emptyState(), states: { r1: { ...board, phase: 'vote', maxPerItem, revealed: true, items,
        cards: [{ id: 'c1', column: 'start', text: 'Demos' }, { id: 'c2', column: 'start', text: 'Docs' }] } }, mine: { r1: { cards: [], ...mine } } } as any,
      status: 'online', send: vi.fn(async () => ({})),
    });
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'vote', retro: { columns, dots: 2, maxPerItem } } as any;
    return { target: show(RetroExercise, { session, ex }), session };
  }
  const tap = (target: HTMLElement, what: string) => {
    target.querySelector<HTMLButtonElement>(`button[aria-label="Place a dot on ${what}"]`)!.click();
    flushSync();
  };
  const why = (target: HTMLElement) => target.querySelector('[data-testid=dot-blocked]')?.textContent ?? null;

  it('says every dot is placed, and sends nothing', () => {
    const { target, session } = blocked({ dotsLeft: 0, dots: { c1: 1, c2: 1 } });
    tap(target, 'Docs');
    expect(why(target)).toBe('You have placed all 2 dots: take one back (−) to place it elsewhere.');
    // Under the + tapped, where the eye is on a long list.
    expect(target.querySelector('[data-testid=dot-blocked]')!.closest('li')!.querySelector('[aria-label="Place a dot on Docs"]')).not.toBeNull();
    expect(session.send).not.toHaveBeenCalled();
  });

  it('says the most on one item, and goes once a dot can go there again', () => {
    const { target, session } = blocked({ dotsLeft: 1, dots: { c1: 1 } });
    tap(target, 'Demos');
    expect(why(target)).toBe('At most 1 dot on one item.');
    session.state.mine.r1 = { cards: [], dotsLeft: 2, dots: {} };
    flushSync();
    expect(why(target)).toBeNull();
  });

  it('says nothing for a dot that can go', async () => {
    const { target, session } = blocked({ dotsLeft: 1, dots: { c1: 1 } });
    tap(target, 'Demos');
    tap(target, 'Docs');
    expect(why(target)).toBeNull();
    await settle();
    expect(session.send).toHaveBeenCalledTimes(1);
  });
});

describe('several cards sent offline', () => {
  /** A phone offline, each card it sends answered by the test. */
  function offline() {
    const answers: ((ok: boolean) => void)[] = [];
    const sent: any[] = [];
    const session = $state({
      state: { ...emptyState(), states: { r1: board }, mine: { r1: { cards: [] as object[] } } } as any,
      status: 'reconnecting',
      send: (_type: string, data: any) => new Promise((resolve, reject) => {
        sent.push(data);
        answers.push((ok) => (ok ? resolve({}) : reject(new CommandError('wrong_phase', 'cards can no longer be added'))));
      }),
    });
    const ex = $state({ id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'write', retro: { columns, dots: 2, maxPerItem: 1 } } as any);
    const target = show(RetroExercise, { session, ex });
    const write = async (text: string) => {
      const box = target.querySelector('textarea')!;
      box.value = text;
      box.dispatchEvent(new Event('input'));
      await settle();
      expect(target.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled).toBe(false);
      box.form!.requestSubmit();
      await settle();
    };
    const listed = () => [...target.querySelectorAll('[data-testid=my-cards] li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    return { target, session, ex, sent, answers, write, listed };
  }

  it('each wait, listed, and each is sent once', async () => {
    const p = offline();
    await p.write('Pair more');
    await p.write('Fewer meetings');
    await p.write('Demo on Fridays');
    expect(p.listed()).toEqual(['Start Pair more Waiting to be sent', 'Start Fewer meetings Waiting to be sent', 'Start Demo on Fridays Waiting to be sent']);
    expect(p.sent.map((d) => d.text)).toEqual(['Pair more', 'Fewer meetings', 'Demo on Fridays']);
    // Back online: the second comes first, then the others.
    p.session.status = 'online';
    p.session.state = { ...p.session.state, mine: { r1: { cards: [{ id: 'c2', column: 'start', text: 'Fewer meetings' }] } } };
    await settle();
    expect(p.listed()).toEqual(['Start Fewer meetings Edit Delete', 'Start Pair more Sending…', 'Start Demo on Fridays Sending…']);
    p.session.state = { ...p.session.state, mine: { r1: { cards: [{ id: 'c2', column: 'start', text: 'Fewer meetings' }, { id: 'c1', column: 'start', text: 'Pair more' }, { id: 'c3', column: 'start', text: 'Demo on Fridays' }] } } };
    for (const a of p.answers) a(true);
    await settle();
    expect(p.listed().sort()).toEqual(['Start Demo on Fridays Edit Delete', 'Start Fewer meetings Edit Delete', 'Start Pair more Edit Delete']);
    expect(p.sent).toHaveLength(3);
  });

  it('two cards of the same words wait as two until both come', async () => {
    const p = offline();
    await p.write('Coffee');
    await p.write('Coffee');
    p.session.state = { ...p.session.state, mine: { r1: { cards: [{ id: 'c1', column: 'start', text: 'Coffee' }] } } };
    await settle();
    expect(p.listed()).toEqual(['Start Coffee Edit Delete', 'Start Coffee Waiting to be sent']);
  });

  it('a refused one leaves the list, the others still wait', async () => {
    const p = offline();
    await p.write('Pair more');
    await p.write('Fewer meetings');
    p.answers[0](false);
    await settle();
    expect(p.listed()).toEqual(['Start Fewer meetings Waiting to be sent']);
    expect(p.target.querySelector('textarea')!.value).toBe('Pair more');
  });
});

describe('cards refused once the card form has gone', () => {
  it('are all said to be not added, not only the last, each with its words', async () => {
    const { CommandError } = await import('../lib/client');
    const rejects: (() => void)[] = [];
    const session = $state({
      state: { ...emptyState(), states: { r1: board }, mine: { r1: { cards: [] as object[] } } } as any,
      status: 'reconnecting',
      send: () => new Promise((_resolve, reject) => rejects.push(() => reject(new CommandError('wrong_phase', 'cards are added only in the write, reveal or group phase')))),
    });
    const ex = $state({ id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'write', retro: { columns, dots: 2, maxPerItem: 1 } } as any);
    const target = show(RetroExercise, { session, ex });
    for (const text of ['Pair more', 'Demos', 'Docs']) {
      const box = target.querySelector('textarea')!;
      box.value = text;
      box.dispatchEvent(new Event('input'));
      box.form!.requestSubmit();
      await settle();
    }
    // Back online, the room votes: all three are refused.
    ex.phase = 'vote';
    session.status = 'online';
    for (const r of rejects) r();
    await settle();
    const kept = [...target.querySelectorAll('[data-testid=card-kept]')];
    expect(kept.map((k) => k.querySelector('textarea')!.value)).toEqual(['Pair more', 'Demos', 'Docs']);
    expect(kept.map((k) => k.querySelector('p')!.textContent)).toEqual(['Pair more', 'Demos', 'Docs']
      .map((c) => `The board moved on to voting before your card “${c}” arrived, so it was not added. Your text is below to copy.`));
  });
});

describe('a card deleted from "My cards"', () => {
  /** A phone with three cards of its own, in the group phase. */
  function three() {
    const mineCards = [{ id: 'c1', column: 'start', text: 'One' }, { id: 'c2', column: 'start', text: 'Two' }, { id: 'c3', column: 'start', text: 'Three' }];
    const session = $state({
      state: { ...emptyState(), states: { r1: { ...board, phase: 'group', revealed: true, cards: mineCards, items: mineCards.map((c) => ({ id: c.id, kind: 'card' })) } },
        mine: { r1: { cards: mineCards } } } as any,
      status: 'online',
      send: vi.fn(async () => ({})),
    });
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'group', retro: { columns, dots: 2, maxPerItem: 1 } } as any;
    const target = show(RetroExercise, { session, ex });
    /** Deletes a card as the keyboard does, the board coming back without it. */
    const del = async (text: string) => {
      const b = target.querySelector<HTMLButtonElement>(`button[aria-label="Delete: ${text}"]`)!;
      b.focus();
      b.click();
      await settle();
      session.state.mine.r1 = { cards: session.state.mine.r1.cards.filter((c: any) => c.text !== text) };
      flushSync();
      await settle();
    };
    return { target, del };
  }
  const focused = () => (document.activeElement as HTMLElement | null)?.getAttribute('aria-label') ?? document.activeElement?.id;

  it('keeps the keyboard on the list: the next card\'s Delete, the last one\'s, then the card box', async () => {
    const { del } = three();
    await del('Two');
    expect(focused()).toBe('Delete: Three');
    await del('Three');
    expect(focused()).toBe('Delete: One');
    await del('One');
    expect(focused()).toBe('card-r1');
  });
});

describe('a card deleted after the dot totals were shown', () => {
  afterEach(() => vi.unstubAllGlobals());
  /** Ann's phone back in the group phase after the discussion: her card
   *  "Demos" (2 dots of its own) in a group with Ben's "Docs". */
  function regrouping(group: string[], dotsFinal = true) {
    const sent: any[] = [];
    const cards = [{ id: 'c1', column: 'start', text: 'Demos', group: 'g1', dots: 2 }, { id: 'c2', column: 'start', text: 'Docs', group: 'g1' }]
      .filter((c) => group.includes(c.id));
    const items = [{ id: 'g1', kind: 'group', dots: 5 }];
    const session = $state({
      state: { ...emptyState(), states: { r1: { ...board, phase: 'group', revealed: true, cards, groups: [{ id: 'g1', title: 'Show', cards: group }], items } },
        mine: { r1: { cards: [{ id: 'c1', column: 'start', text: 'Demos' }] } } } as any,
      status: 'online',
      send: async (type: string, data: any) => { sent.push([type, data]); return {}; },
    });
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'group', dotsFinal, retro: { columns, dots: 2, maxPerItem: 1 } } as any;
    const target = show(RetroExercise, { session, ex });
    const del = () => target.querySelector<HTMLButtonElement>('button[aria-label="Delete: Demos"]')!.click();
    return { sent, del };
  }

  it('says first how many dots go with it, and is not deleted when the person says no', async () => {
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    const p = regrouping(['c1', 'c2']);
    p.del();
    await settle();
    expect(confirm).toHaveBeenCalledWith('“Demos” holds 2 dots from the vote. Deleting it takes them off the ranking. Delete it?');
    expect(p.sent).toEqual([]);
    confirm.mockReturnValue(true);
    p.del();
    await settle();
    expect(p.sent).toEqual([['retro.card.delete', { exercise: 'r1', card: 'c1' }]]);
  });

  it('counts the whole group when the card is all the group holds', async () => {
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    regrouping(['c1']).del();
    await settle();
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('holds 5 dots'));
  });

  it('back in Write, where the board is hidden again, says that its dots may go', async () => {
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    const sent: any[] = [];
    const session = $state({
      state: { ...emptyState(), states: { r1: { ...board, phase: 'write', revealed: false, cards: [], groups: [], items: [] } },
        mine: { r1: { cards: [{ id: 'c1', column: 'start', text: 'Demos' }] } } } as any,
      status: 'online',
      send: async (type: string, data: any) => { sent.push([type, data]); return {}; },
    });
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'write', dotsFinal: true, retro: { columns, dots: 2, maxPerItem: 1 } } as any;
    const target = show(RetroExercise, { session, ex });
    target.querySelector<HTMLButtonElement>('button[aria-label="Delete: Demos"]')!.click();
    await settle();
    expect(confirm).toHaveBeenCalledWith('“Demos” may hold dots from the vote, which go with it. Delete it?');
    expect(sent).toEqual([]);
  });

  it('shows the vote in the phases as over, not as a step to come', async () => {
    regrouping(['c1', 'c2']);
    await settle();
    // "Vote, Done" to a screen reader: the line through it is not read.
    const vote = [...document.querySelectorAll('[data-testid=retro-phases] li')].find((li) => li.textContent?.startsWith('Vote'));
    expect(vote?.classList.contains('over')).toBe(true);
    expect(vote?.textContent).toBe('Vote, Done');
  });

  it('asks nothing before the totals', async () => {
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    const before = regrouping(['c1', 'c2'], false);
    before.del();
    await settle();
    expect(confirm).not.toHaveBeenCalled();
    expect(before.sent).toHaveLength(1);
  });
});

describe('an action item being written', () => {
  afterEach(() => sessionStorage.clear());
  it('comes back after a reload with its owner and date, and not once sent', async () => {
    const sent: any[] = [];
    const session = $state({
      state: { ...emptyState(), states: { r1: { ...board, phase: 'actions', revealed: true, dotsShown: true } }, mine: { r1: { cards: [] } } } as any,
      status: 'online',
      send: (type: string, data: any) => new Promise(() => sent.push({ type, data })), // the page reloads first
    });
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'actions', retro: { columns, dots: 2, maxPerItem: 1 } } as any;
    const type = (target: HTMLElement, sel: string, v: string) => {
      const el = target.querySelector(sel) as HTMLInputElement;
      el.value = v;
      el.dispatchEvent(new Event('input'));
      flushSync();
    };
    const first = show(RetroExercise, { session, ex });
    type(first, '#act-r1', 'Rotate the retro facilitator');
    type(first, '#own-r1', 'Ben');
    type(first, '#due-r1', '2026-12-24');
    const again = show(RetroExercise, { session, ex });
    const value = (sel: string) => (again.querySelector(sel) as HTMLInputElement).value;
    expect([value('#act-r1'), value('#own-r1'), value('#due-r1')]).toEqual(['Rotate the retro facilitator', 'Ben', '2026-12-24']);
    (again.querySelector('#act-r1') as HTMLInputElement).form!.requestSubmit();
    await settle();
    expect(sent.at(-1)).toMatchObject({ type: 'retro.action.add', data: { text: 'Rotate the retro facilitator', owner: 'Ben', due: '2026-12-24' } });
    const third = show(RetroExercise, { session, ex });
    expect((third.querySelector('#act-r1') as HTMLInputElement).value).toBe('');
  });
});

describe('"Add card"', () => {
  it('is not disabled with no card typed: pressed, it says what is missing at the box, which takes the focus', async () => {
    const p = phone();
    const button = [...p.target.querySelectorAll<HTMLButtonElement>('button[type=submit]')].find((b) => b.textContent === 'Add card')!;
    const box = p.target.querySelector('textarea')!;
    expect(button.disabled).toBe(false);
    button.focus();
    button.click();
    await settle();
    expect(p.listed()).toEqual([]);
    const error = p.target.querySelector('[data-testid=card-missing]')!;
    expect(error.textContent).toBe('Type your card first.');
    expect(error.getAttribute('role')).toBe('alert');
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(box.getAttribute('aria-describedby')!.split(' ')).toEqual([error.id, 'card-count-r1']);
    expect(document.activeElement).toBe(box);
    // Typing takes the error away; the count still describes the box.
    box.value = 'Demo days';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    expect(p.target.querySelector('[data-testid=card-missing]')).toBeNull();
    expect(box.hasAttribute('aria-invalid')).toBe(false);
    expect(box.getAttribute('aria-describedby')).toBe('card-count-r1');
  });
});

describe('"Add action"', () => {
  /** A phone in the actions phase; each action sent waits for its answer. */
  function acting() {
    const sent: any[] = [];
    let answer: () => void = () => {};
    const session = $state({
      state: { ...emptyState(), states: { r1: { ...board, phase: 'actions', revealed: true, dotsShown: true } }, mine: { r1: { cards: [] } } } as any,
      status: 'online',
      send: (type: string, data: any) => new Promise((resolve) => { sent.push([type, data]); answer = () => resolve({}); }),
    });
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'actions', retro: { columns, dots: 2, maxPerItem: 1 } } as any;
    const target = show(RetroExercise, { session, ex });
    const button = [...target.querySelectorAll<HTMLButtonElement>('button[type=submit]')].find((b) => b.textContent === 'Add action')!;
    const field = target.querySelector<HTMLInputElement>('#act-r1')!;
    return { target, sent, button, field, answer: () => answer() };
  }
  afterEach(() => sessionStorage.clear());

  it('is not disabled with no action typed: pressed, it says what is missing at the field, which takes the focus', async () => {
    const p = acting();
    expect(p.button.disabled).toBe(false);
    expect(p.button.hasAttribute('aria-disabled')).toBe(false);
    p.button.focus();
    p.button.click();
    await settle();
    expect(p.sent).toEqual([]);
    const error = p.target.querySelector('[data-testid=action-missing]')!;
    expect(error.textContent).toBe('Type the action first (the owner and due date are optional).');
    expect(error.getAttribute('role')).toBe('alert');
    expect(p.field.getAttribute('aria-invalid')).toBe('true');
    expect(p.field.getAttribute('aria-describedby')).toBe(error.id);
    expect(document.activeElement).toBe(p.field);
    // Typing takes the error away.
    p.field.value = 'Rotate the facilitator';
    p.field.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    expect(p.target.querySelector('[data-testid=action-missing]')).toBeNull();
    expect(p.field.hasAttribute('aria-invalid')).toBe(false);
  });

  it('keeps the focus while sending: marked busy, not disabled, and a second press sends nothing', async () => {
    const p = acting();
    p.field.value = 'Rotate the facilitator';
    p.field.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    p.button.focus();
    p.button.click();
    await settle();
    // Sent from the button: the form is empty again, ready for the next.
    expect(p.sent).toHaveLength(1);
    p.button.focus();
    expect(p.button.disabled).toBe(false);
    expect(p.button.getAttribute('aria-disabled')).toBe('true');
    p.field.value = 'Another';
    p.field.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    p.button.click();
    await settle();
    expect(p.sent).toHaveLength(1);
    expect(document.activeElement).toBe(p.button);
    p.answer();
    await settle();
    expect(p.button.hasAttribute('aria-disabled')).toBe(false);
  });
});

describe('"My cards" with a column of a long title', () => {
  it('wraps the title as user text, on a card taken and on one waiting (one long word broke out of a 320 px phone)', async () => {
    const long = [{ id: 'well', title: 'Whatwentwellthissprintandwhatwewanttokeepdoing' }];
    const session = $state({
      state: { ...emptyState(), states: { r1: { ...board, columns: long.map((c) => ({ ...c, count: 1 })) } }, mine: { r1: { cards: [{ id: 'c1', column: 'well', text: 'Demos' }] } } } as any,
      status: 'reconnecting',
      send: () => new Promise(() => {}),
    });
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'write', retro: { columns: long, dots: 2, maxPerItem: 1 } } as any;
    const target = show(RetroExercise, { session, ex });
    const box = target.querySelector('textarea')!;
    box.value = 'Pairing';
    box.dispatchEvent(new Event('input'));
    box.form!.requestSubmit();
    await settle();
    const badges = [...target.querySelectorAll('[data-testid=my-cards] .badge')];
    expect(badges.map((b) => b.textContent)).toEqual([long[0].title, long[0].title]);
    for (const b of badges) expect(b.classList.contains('user-text')).toBe(true);
  });
});

describe('the phase moving on under the keyboard', () => {
  it('takes the focus from the card box that goes to what the phase asks now, not to the top of the page', async () => {
    const session = $state({
      state: { ...emptyState(), states: { r1: { ...board, phase: 'group', revealed: true } }, mine: { r1: { cards: [] } } } as any,
      status: 'online', send: () => new Promise(() => {}),
    });
    const props = $state({ session, ex: { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'group', retro: { columns, dots: 2, maxPerItem: 1 } } as any });
    const target = show(RetroExercise, props);
    const box = target.querySelector('textarea')!;
    box.focus();
    props.ex = { ...props.ex, phase: 'vote' };
    session.state = { ...session.state, states: { r1: { ...board, phase: 'vote', revealed: true } } };
    await settle();
    expect(target.querySelector('textarea')).toBeNull();
    expect(document.activeElement?.textContent).toBe('Place your dots on what matters most.');
  });

  it('leaves the focus where it is when it was not in what went', async () => {
    const props = $state({ session: { state: { ...emptyState(), states: { r1: { ...board, phase: 'group', revealed: true } }, mine: { r1: { cards: [] } } }, status: 'online', send: vi.fn() } as any,
      ex: { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'group', retro: { columns, dots: 2, maxPerItem: 1 } } as any });
    show(RetroExercise, props);
    const outside = document.createElement('button');
    document.body.appendChild(outside);
    outside.focus();
    props.ex = { ...props.ex, phase: 'vote' };
    await settle();
    expect(document.activeElement).toBe(outside);
    outside.remove();
  });
});
