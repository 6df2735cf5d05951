import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { settle } from '../test/settle';
import { stackedItems } from '../test/layout';
import { flushSync } from 'svelte';
import { show } from '../test/mount';
import RetroBoard from './RetroBoard.svelte';
// The projector's fitting, which RetroBoard imports when it first needs
// it, loaded before any test: its import then settles at once, not after
// however many ticks loading a module takes on a busy machine.
import '../lib/fitboard';
import type { RetroView } from '../lib/types';


describe('RetroBoard', () => {
  it('keeps the space before an author, an owner and a due date', () => {
    const view = {
      exercise: 'r1', status: 'open', phase: 'group', dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
      columns: [{ id: 'start', title: 'Start', count: 2 }], written: 2,
      cards: [{ id: 'c1', column: 'start', text: 'Pair more', authorName: 'Ann', group: 'g1' }, { id: 'c2', column: 'start', text: 'Demo', authorName: 'Ben' }],
      groups: [{ id: 'g1', title: 'Pairing', cards: ['c1'] }], items: [{ id: 'g1', kind: 'group', dots: 1 }, { id: 'c2', kind: 'card', dots: 0 }],
      actions: [{ id: 'a1', seq: 1, text: 'Pair on Tuesdays', owner: 'Cy', due: '2030-03-01', done: false }],
    } as unknown as RetroView;
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }] });
    flushSync();
    const text = target.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain('Pair more — Ann');
    expect(text).toContain('Demo — Ben');
    expect(text).toContain('Pair on Tuesdays · Cy · 2030-03-01');
  });
});

describe("RetroBoard's headings", () => {
  // The columns, a group in one and the actions: h4 and h4 under the
  // page's h2 (a phone's, the console's) or h1 (the projector's) skipped
  // levels (WCAG 1.3.1).
  const view = {
    exercise: 'r1', status: 'open', phase: 'discuss', dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
    columns: [{ id: 'start', title: 'Start', count: 2 }], written: 2,
    cards: [{ id: 'c1', column: 'start', text: 'Pair more', group: 'g1' }, { id: 'c2', column: 'start', text: 'Demo' }],
    groups: [{ id: 'g1', title: 'Pairing', cards: ['c1'] }], items: [{ id: 'g1', kind: 'group' }, { id: 'c2', kind: 'card' }],
    actions: [{ id: 'a1', seq: 1, text: 'Pair on Tuesdays', done: false }],
  } as unknown as RetroView;
  const outline = (target: HTMLElement) => [...target.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => `${h.tagName} ${h.textContent}`);

  it('are h3, a group h4, under the exercise title (h2) of a phone and the console', () => {
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }] });
    expect(outline(target)).toEqual(['H3 Start', 'H4 Pairing', 'H3 Action items']);
  });

  it("follow the page's level: h2, a group h3, under the projector's title (h1)", () => {
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }], big: true, headingLevel: 2 });
    expect(outline(target)).toEqual(['H2 Start', 'H3 Pairing', 'H2 Action items']);
  });
});

describe('RetroBoard on a phone', () => {
  it('puts one space, not two, between a card and its author (kept by pre-wrap, two showed)', () => {
    const view = {
      exercise: 'r1', status: 'open', phase: 'reveal', dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
      columns: [{ id: 'start', title: 'Start', count: 1 }], written: 1,
      cards: [{ id: 'c2', column: 'start', text: 'Demo', authorName: 'Ben' }], groups: [], items: [{ id: 'c2', kind: 'card' }], actions: [],
    } as unknown as RetroView;
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }] });
    const note = target.querySelector('[data-card=c2]')!;
    expect(note.textContent!.trim()).toBe('Demo —\u00a0Ben');
  });
});

// "— Sam" with a normal space: a narrow phone ended a line with the dash
// and began the next with the name, read as no one's card.
describe("a retro card's signature", () => {
  it('joins the dash and the name with a no-break space, loose and in a group, on a phone, the console and the projector', () => {
    const view = {
      exercise: 'r1', status: 'open', phase: 'group', dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
      columns: [{ id: 'start', title: 'Start', count: 3 }], written: 3,
      cards: [{ id: 'c1', column: 'start', text: 'Pair more', authorId: 'a', authorName: 'Ann', group: 'g1' },
        { id: 'c2', column: 'start', text: 'Demo', authorId: 'b', authorName: 'Ben' }, { id: 'c3', column: 'start', text: 'Quiet Fridays' }],
      groups: [{ id: 'g1', title: 'Pairing', cards: ['c1'] }], items: [], actions: [],
    } as unknown as RetroView;
    const columns = [{ id: 'start', title: 'Start' }];
    const grouping = { selected: [], onToggle: () => {}, onUngroup: () => {}, onRename: () => {}, onAddTo: () => {} };
    for (const props of [{}, grouping, { big: true, headingLevel: 2 }]) {
      const target = show(RetroBoard, { view, columns, ...props });
      // In a group the card's text and its signature are one line: the
      // space before the dash is the signature's own, and may break.
      expect([...target.querySelectorAll('.by')].map((by) => by.textContent)).toEqual([' —\u00a0Ann', '—\u00a0Ben']);
    }
  });
});

describe('RetroBoard while cards are written', () => {
  it('tells the projector where to write and how many cards there are so far', () => {
    const view = {
      exercise: 'r1', status: 'open', phase: 'write', dots: 3, maxPerItem: 2, revealed: false, dotsShown: false,
      columns: [{ id: 'start', title: 'Start', count: 0 }, { id: 'stop', title: 'Stop', count: 0 }], written: 5,
      cards: [], groups: [], items: [], actions: [],
    } as unknown as RetroView;
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }], big: true });
    expect(target.querySelector('[data-testid=write-on-phone]')!.textContent).toBe('Write your cards on your phone');
    expect(target.querySelector('[data-testid=cards-written]')!.textContent).toContain('5 cards written so far');
    expect([...target.querySelectorAll('.counts li')].map((li) => li.textContent)).toEqual(['Start', 'Stop']);
  });

  it('says on the projector what each column is for', () => {
    const view = {
      exercise: 'r1', status: 'open', phase: 'write', dots: 3, maxPerItem: 2, revealed: false, dotsShown: false,
      columns: [{ id: 'start', title: 'Start', count: 0 }, { id: 'own', title: 'My part', count: 0 }], written: 0,
      cards: [], groups: [], items: [], actions: [],
    } as unknown as RetroView;
    const columns = [{ id: 'start', title: 'Start' }, { id: 'own', title: 'My part', hint: 'One concrete thing you will do yourself' }];
    const target = show(RetroBoard, { view, columns, big: true });
    const items = [...target.querySelectorAll('.counts li')];
    expect(items.map((li) => li.querySelector('[data-testid=column-hint]')?.textContent ?? null)).toEqual([null, 'One concrete thing you will do yourself']);
    expect(items[1].firstElementChild!.textContent).toBe('My part');
  });
});

/** The discussion of twelve cards in one column, card i with dots(i). */
function twelveRanked(dots: (i: number) => number, focus?: string): RetroView {
  const cards = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, column: 'start', text: `Card ${i}` }));
  return {
    exercise: 'r1', status: 'open', phase: 'discuss', focus, dots: 3, maxPerItem: 2, revealed: true, dotsShown: true,
    columns: [{ id: 'start', title: 'Start', count: 12 }], written: 12, cards, groups: [],
    items: cards.map((c, i) => ({ id: c.id, kind: 'card', dots: dots(i) })), actions: [],
  } as unknown as RetroView;
}

describe('RetroBoard in the discussion', () => {
  it('shows the item being discussed above the ranking, however low it ranks', () => {
    const view = twelveRanked((i) => 12 - i, 'c11');
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }], big: true });
    flushSync();
    const now = target.querySelector('[data-testid=now-discussing]')!;
    expect(now.textContent!.replace(/\s+/g, ' ')).toContain('Now discussing Card 11 Column: Start 1 dot');
    expect(now.compareDocumentPosition(target.querySelector('.ranked')!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  const pairing = {
    exercise: 'r1', status: 'open', phase: 'discuss', focus: 'g1', dots: 3, maxPerItem: 2, revealed: true, dotsShown: true,
    columns: [{ id: 'start', title: 'Start', count: 3 }], written: 3,
    cards: [{ id: 'c1', column: 'start', text: 'Pair more', group: 'g1' }, { id: 'c2', column: 'start', text: 'Mob', group: 'g1' }, { id: 'c3', column: 'start', text: 'Demo' }],
    groups: [{ id: 'g1', title: 'Pairing', cards: ['c1', 'c2'] }],
    items: [{ id: 'c3', kind: 'card', dots: 4 }, { id: 'g1', kind: 'group', dots: 2 }], actions: [],
  } as unknown as RetroView;

  it('shows the item being discussed once on the projector: the ranking leaves it out', () => {
    const target = show(RetroBoard, { view: pairing, columns: [{ id: 'start', title: 'Start' }], big: true });
    const text = target.textContent!;
    expect(text.match(/Now discussing/g)).toHaveLength(1);
    expect(text.match(/Pairing/g)).toHaveLength(1);
    expect(text.match(/Pair more/g)).toHaveLength(1);
    expect([...target.querySelectorAll('.ranked li strong')].map((e) => e.textContent)).toEqual(['Demo']);
  });

  it('on a phone, shows it once too: the ranking only marks its place', () => {
    const target = show(RetroBoard, { view: pairing, columns: [{ id: 'start', title: 'Start' }] });
    const text = target.textContent!;
    expect(text.match(/Pair more/g)).toHaveLength(1);
    const current = target.querySelector('.ranked [aria-current=true]')!;
    expect(current.textContent).toContain('Pairing');
    expect(current.querySelector('.sub')).toBeNull();
  });
});

describe('RetroBoard on the projector in the discussion', () => {
  it('ranks the items that fit the screen and says how many more there are', async () => {
    stackedItems();
    const view = twelveRanked((i) => 12 - i);
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }], big: true });
    await settle();
    expect(target.querySelectorAll('.ranked li')).toHaveLength(7);
    expect(target.querySelector('[data-testid=more]')!.textContent).toBe('+5 more voted items');
  });
});

describe('RetroBoard on the projector in the actions phase', () => {
  it('fits the actions, first on the screen, and leaves the ranking only its "+N more" when there is no room', async () => {
    // jsdom lays nothing out: the actions start 100 px down, 60 px each;
    // under them the card being discussed (200 px), then the ranking,
    // 120 px an item.
    const shown = (sel: string) => document.querySelectorAll(sel).length;
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const i = this.parentElement ? [...this.parentElement.children].indexOf(this) : 0;
      const actionsEnd = 100 + shown('.actions li') * 60;
      let top = 0, height = 60;
      if (this.closest('.actions')) top = 100 + i * 60;
      else if (this.matches('.now')) (top = actionsEnd), (height = 200);
      else if (this.closest('.ranked')) (top = actionsEnd + 200 + i * 120), (height = 120);
      return { top, bottom: top + height, left: 0, right: 100, width: 100, height, x: 0, y: top, toJSON() {} } as DOMRect;
    });
    onTestFinished(() => { vi.restoreAllMocks(); });
    const cards = Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, column: 'start', text: `Card ${i}` }));
    const view = {
      exercise: 'r1', status: 'open', phase: 'actions', dots: 3, maxPerItem: 2, revealed: true, dotsShown: true, focus: 'c0',
      columns: [{ id: 'start', title: 'Start', count: 5 }], written: 5, cards, groups: [],
      items: cards.map((c, i) => ({ id: c.id, kind: 'card', dots: 5 - i })),
      actions: Array.from({ length: 9 }, (_, i) => ({ id: `a${i}`, text: `Action ${i}` })),
    } as unknown as RetroView;
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }], big: true });
    await settle();
    // 768 px less the room for the card being discussed and two "+N more"
    // lines: five actions (the sixth would end at 460 px).
    expect(target.querySelectorAll('.actions li')).toHaveLength(5);
    expect(target.querySelector('[data-testid=actions-more]')!.textContent).toBe('+4 more action items');
    expect(target.querySelector('[data-testid=now-discussing]')).not.toBeNull();
    // The ranking starts at 600 px: its first item would end at 720 px,
    // below its own "+N more" line. It leaves out the card being
    // discussed, shown above it.
    expect(target.querySelectorAll('.ranked li')).toHaveLength(0);
    expect(target.querySelector('[data-testid=more]')!.textContent).toBe('+4 more voted items');
  });
});

describe('RetroBoard on the projector in the discussion, with actions', () => {
  // jsdom lays nothing out: the card being discussed (when there is one)
  // starts 100 px down, 200 px high; 12 px under it (or at 112 px) the
  // actions' heading (50 px), then the actions, 60 px each, and their
  // "+N more" line (60 px) if any; 12 px under them the ranking, 60 px
  // an item. The window is 768 px.
  function laidOut() {
    const shown = (sel: string) => document.querySelectorAll(sel).length;
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const i = this.parentElement ? [...this.parentElement.children].indexOf(this) : 0;
      const actionsTop = 100 + shown('.now') * 200 + 12;
      const rankingTop = actionsTop + 50 + shown('.actions li') * 60 + shown('[data-testid=actions-more]') * 60 + 12;
      let top = 0, height = 60;
      if (this.matches('.now')) (top = 100), (height = 200);
      else if (this.matches('section.actions')) (top = actionsTop), (height = 50);
      else if (this.matches('.actions ul')) (top = actionsTop + 50), (height = shown('.actions li') * 60);
      else if (this.closest('.actions li')) top = actionsTop + 50 + i * 60;
      else if (this.closest('.ranked')) top = rankingTop + i * 60;
      return { top, bottom: top + height, left: 0, right: 100, width: 100, height, x: 0, y: top, toJSON() {} } as DOMRect;
    });
    onTestFinished(() => { vi.restoreAllMocks(); });
  }
  const discussing = (items: number, actions: { text: string; item?: string }[], focus?: string) => {
    const cards = Array.from({ length: items }, (_, i) => ({ id: `c${i}`, column: 'start', text: `Card ${i}` }));
    return {
      exercise: 'r1', status: 'open', phase: 'discuss', focus, dots: 3, maxPerItem: 2, revealed: true, dotsShown: true,
      columns: [{ id: 'start', title: 'Start', count: items }], written: items, cards, groups: [],
      items: cards.map((c, i) => ({ id: c.id, kind: 'card', dots: items - i })),
      actions: actions.map((a, i) => ({ id: `a${i}`, seq: i + 1, done: false, ...a })),
    } as unknown as RetroView;
  };
  const board = (target: HTMLElement) => [...target.querySelector('[data-testid=retro-board]')!.children]
    .map((e) => (e.matches('.now') ? 'now' : e.matches('.actions') ? 'actions' : e.matches('.ranked') ? 'ranking' : e.matches('[data-testid=more]') ? 'more' : e.tagName));
  const actionTexts = (target: HTMLElement) => [...target.querySelectorAll('.actions li')].map((li) => li.textContent!.trim());

  it("shows the actions being agreed under the item being discussed, the item once, the ranking under them with what is left", async () => {
    laidOut();
    const view = discussing(7, [{ text: 'Older, of another item', item: 'c3' }, { text: 'Set up a pairing rota', item: 'c0' }, { text: 'Demo on Fridays', item: 'c0' }], 'c0');
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }], big: true });
    await settle();
    expect(board(target)).toEqual(['now', 'actions', 'ranking', 'more']);
    // Those of the item being discussed first.
    expect(actionTexts(target)).toEqual(['Set up a pairing rota', 'Demo on Fridays', 'Older, of another item']);
    expect(target.querySelector('[data-testid=actions-more]')).toBeNull();
    // The ranking starts at 554 px: two of the six other items end above
    // 704 px (768 less its "+N more" line); "Card 0" is not among them.
    expect([...target.querySelectorAll('.ranked li strong')].map((e) => e.textContent)).toEqual(['Card 1', 'Card 2']);
    expect(target.querySelector('[data-testid=more]')!.textContent).toBe('+4 more voted items');
    expect(target.textContent!.match(/Card 0/g)).toHaveLength(1);
  });

  it('fits the actions first, the latest first, and leaves the ranking only its "+N more" when there is no room', async () => {
    laidOut();
    const view = discussing(5, Array.from({ length: 12 }, (_, i) => ({ text: `Action ${i}` })));
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }], big: true });
    await settle();
    // 768 px less their "+N more" line and the ranking's: eight actions
    // from 162 px (the ninth would end at 702 px).
    expect(actionTexts(target)).toEqual(['Action 11', 'Action 10', 'Action 9', 'Action 8', 'Action 7', 'Action 6', 'Action 5', 'Action 4']);
    expect(target.querySelector('[data-testid=actions-more]')!.textContent).toBe('+4 more action items');
    expect(target.querySelectorAll('.ranked li')).toHaveLength(0);
    expect(target.querySelector('[data-testid=more]')!.textContent).toBe('+5 more voted items');
  });

  it('on a phone, lists the actions under the ranking, in the order they were added', () => {
    const view = discussing(3, [{ text: 'First', item: 'c1' }, { text: 'Second', item: 'c0' }], 'c0');
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }] });
    flushSync();
    expect(board(target)).toEqual(['now', 'ranking', 'actions']);
    expect(actionTexts(target)).toEqual(['First', 'Second']);
  });
});

describe('RetroBoard while the console groups', () => {
  it("puts a grouped card's ✕ first, to float beside its first line and leave the card's width to the lines under it", () => {
    const view = {
      exercise: 'r1', status: 'open', phase: 'group', dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
      columns: [{ id: 'start', title: 'Start', count: 2 }], written: 2,
      cards: [{ id: 'c1', column: 'start', text: 'Pairing for onboarding', group: 'g1' }, { id: 'c2', column: 'start', text: 'Demo', group: 'g1' }],
      groups: [{ id: 'g1', title: 'Knowledge sharing', cards: ['c1', 'c2'] }], items: [], actions: [],
    } as unknown as RetroView;
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }], onUngroup: () => {} });
    const note = target.querySelector('[data-group=g1] li.note')!;
    expect(note.firstElementChild!.matches('button.out')).toBe(true);
    expect(note.lastElementChild!.textContent).toBe('Pairing for onboarding');
  });

  it('takes a card out of its group, renames a group, and adds the selected cards to one', async () => {
    const view = {
      exercise: 'r1', status: 'open', phase: 'group', dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
      columns: [{ id: 'start', title: 'Start', count: 3 }], written: 3,
      cards: [{ id: 'c1', column: 'start', text: 'Pair more', group: 'g1' }, { id: 'c2', column: 'start', text: 'Mob on Fridays', group: 'g1' }, { id: 'c3', column: 'start', text: 'Demo' }],
      groups: [{ id: 'g1', title: 'Pairing', cards: ['c1', 'c2'] }], items: [], actions: [],
    } as unknown as RetroView;
    const calls: string[] = [];
    const target = show(RetroBoard, {
      view, columns: [{ id: 'start', title: 'Start' }], selected: ['c3'], onToggle: () => {},
      onUngroup: (c: string) => calls.push(`ungroup ${c}`),
      onRename: (g: string, title: string) => calls.push(`rename ${g} ${title}`),
      onAddTo: (g: string) => calls.push(`add ${g}`),
    });
    flushSync();
    const group = target.querySelector('[data-testid=group]')!;
    (group.querySelector('[aria-label="Take out of group: Mob on Fridays"]') as HTMLButtonElement).click();
    const buttons = () => [...group.querySelectorAll('button')];
    buttons().find((b) => b.textContent === 'Add selected (1) here')!.click();
    buttons().find((b) => b.textContent === 'Rename')!.click();
    flushSync();
    const input = group.querySelector('input') as HTMLInputElement;
    expect(input.value).toBe('Pairing');
    input.value = 'Pairing and mobbing';
    input.dispatchEvent(new Event('input'));
    input.form!.dispatchEvent(new Event('submit', { cancelable: true }));
    flushSync();
    expect(calls).toEqual(['ungroup c2', 'add g1', 'rename g1 Pairing and mobbing']);
    await settle(); // the form goes once the rename is answered: here at once
    expect(group.querySelector('input')).toBeNull();
  });

  // The form closed as the rename was sent: refused, the title typed was lost.
  it('keeps a rename\'s form until it is answered: refused, with the title typed; taken, closed, another group\'s form left open', async () => {
    const view = {
      exercise: 'r1', status: 'open', phase: 'group', dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
      columns: [{ id: 'start', title: 'Start', count: 2 }], written: 2,
      cards: [{ id: 'c1', column: 'start', text: 'Pair more', group: 'g1' }, { id: 'c2', column: 'start', text: 'Demo', group: 'g2' }],
      groups: [{ id: 'g1', title: 'Pairing', cards: ['c1'] }, { id: 'g2', title: 'Demos', cards: ['c2'] }], items: [], actions: [],
    } as unknown as RetroView;
    const answers: ((taken: boolean) => void)[] = [];
    const target = show(RetroBoard, {
      view, columns: [{ id: 'start', title: 'Start' }], onToggle: () => {},
      onRename: () => new Promise<boolean>((r) => answers.push(r)),
    });
    const field = (g: string) => target.querySelector<HTMLInputElement>(`#rn-${g}`);
    const renameTo = (g: string, title: string) => {
      target.querySelector<HTMLButtonElement>(`[data-group=${g}] .rename`)!.click();
      flushSync();
      field(g)!.value = title;
      field(g)!.dispatchEvent(new Event('input'));
      field(g)!.form!.dispatchEvent(new Event('submit', { cancelable: true }));
      flushSync();
    };
    renameTo('g1', 'Pairing and mobbing');
    await settle();
    expect(field('g1')!.value).toBe('Pairing and mobbing'); // waits for the answer
    answers.shift()!(false);
    await settle();
    expect(field('g1')!.value).toBe('Pairing and mobbing');
    field('g1')!.form!.dispatchEvent(new Event('submit', { cancelable: true }));
    flushSync();
    renameTo('g2', 'Show and tell'); // g1's form gives way to g2's while g1's rename waits
    answers.shift()!(true);
    await settle();
    expect(field('g1')).toBeNull();
    expect(field('g2')!.value).toBe('Show and tell');
    answers.shift()!(true);
    await settle();
    expect(field('g2')).toBeNull();
  });
});

describe('RetroBoard keeps each item in its column', () => {
  const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }, { id: 'continue', title: 'Continue' }];
  const board = (phase: string, dotsShown = false) => ({
    exercise: 'r1', status: 'open', phase, dots: 3, maxPerItem: 2, revealed: true, dotsShown,
    columns: columns.map((c) => ({ ...c, count: 2 })), written: 6,
    cards: [
      { id: 'c1', column: 'start', text: 'Pair more', group: 'g2' }, { id: 'c2', column: 'start', text: 'Demo' },
      { id: 'c3', column: 'stop', text: 'Friday deploys', group: 'g1' }, { id: 'c4', column: 'stop', text: 'Deploying on Friday', group: 'g1' },
      { id: 'c5', column: 'continue', text: 'Mobbing', group: 'g2' }, { id: 'c6', column: 'continue', text: 'Retros' },
    ],
    groups: [{ id: 'g1', title: 'Friday deploys', cards: ['c3', 'c4'] }, { id: 'g2', title: 'Working together', cards: ['c1', 'c5'] }],
    // Totals come with the items once shown (as the server sends them).
    items: [{ id: 'g2', kind: 'group', dots: 1 }, { id: 'c2', kind: 'card', dots: 4 }, { id: 'g1', kind: 'group', dots: 3 }, { id: 'c6', kind: 'card', dots: 0 }]
      .map((i) => (dotsShown ? i : { id: i.id, kind: i.kind })),
    actions: [],
  }) as unknown as RetroView;
  const col = (target: HTMLElement, name: string) => target.querySelector(`.col[aria-label="${name}"]`)!;
  const squash = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();
  const texts = (el: Element, sel = '.hd, .note') => [...el.querySelectorAll(sel)].map(squash);

  for (const phase of ['group', 'vote']) {
    it(`leaves a group of one column's cards in that column, and one across columns under its first card's, each card named (${phase})`, () => {
      const target = show(RetroBoard, { view: board(phase), columns, big: phase === 'vote' });
      expect(col(target, 'Stop').querySelector('[data-group=g1]')).not.toBeNull();
      expect(texts(col(target, 'Stop'))).toEqual(['Stop', 'Friday deploys', 'Friday deploys', 'Deploying on Friday']);
      expect(col(target, 'Start').querySelector('[data-group=g2]')).not.toBeNull();
      expect(texts(col(target, 'Start'))).toEqual(['Start', 'Working together', 'Column: Start Pair more', 'Column: Continue Mobbing', 'Demo']);
      expect(texts(col(target, 'Continue'))).toEqual(['Continue', 'Retros']);
    });
  }

  it('names the column of each item in the ranking', () => {
    const target = show(RetroBoard, { view: { ...board('discuss', true), focus: 'g1' }, columns, big: true });
    expect(texts(target, '[data-testid=now-discussing] .row')).toEqual(['Friday deploys Column: Stop 3 dots']);
    expect([...target.querySelectorAll('.ranked li .row')].map(squash)).toEqual([
      'Working together Columns: Start + Continue 1 dot', 'Demo Column: Start 4 dots', 'Retros Column: Continue 0 dots',
    ]);
  });
});

describe('RetroBoard on the projector, the hidden part of the ranking', () => {
  it('says "more items", not "more voted items", when what it hides has no dots', async () => {
    stackedItems();
    const view = twelveRanked((i) => Math.max(0, 8 - i));
    const target = show(RetroBoard, { view, columns: [{ id: 'start', title: 'Start' }], big: true });
    await settle();
    expect(target.querySelectorAll('.ranked li')).toHaveLength(7);
    expect(target.querySelector('[data-testid=more]')!.textContent).toBe('+5 more items');
  });
});

describe('RetroBoard on the projector, its columns', () => {
  // Nine cards and a group of two in "Start", three in "Stop": the board
  // never ends above the window's bottom (768 px in jsdom), and each
  // entry of a column ends 100 px below the one before.
  const cards = [
    ...Array.from({ length: 11 }, (_, i) => ({ id: `a${String(i).padStart(2, '0')}`, column: 'start', text: `Start ${i}`, ...(i >= 9 ? { group: 'g1' } : {}) })),
    ...Array.from({ length: 3 }, (_, i) => ({ id: `b${i}`, column: 'stop', text: `Stop ${i}` })),
  ];
  const view = (phase: string) => ({
    exercise: 'r1', status: 'open', phase, dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
    columns: [{ id: 'start', title: 'Start', count: 11 }, { id: 'stop', title: 'Stop', count: 3 }], written: 14, cards,
    groups: [{ id: 'g1', title: 'Pairing', cards: ['a09', 'a10'] }], items: [], actions: [],
  }) as unknown as RetroView;
  const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
  function layout() {
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const list = this.parentElement?.matches('.col > ul');
      const i = list ? [...this.parentElement!.children].indexOf(this) : 0;
      const bottom = this.matches('.cols') ? 2000 : list ? (i + 1) * 100 : 0;
      return { top: bottom - 100, bottom, left: 0, right: 100, width: 100, height: 100, x: 0, y: bottom - 100, toJSON() {} } as DOMRect;
    });
    onTestFinished(() => { vi.restoreAllMocks(); });
  }

  for (const phase of ['reveal', 'group', 'vote']) {
    it(`are made denser, then each cut to what fits, saying what it hides (${phase})`, async () => {
      layout();
      const target = show(RetroBoard, { view: view(phase), columns, big: true });
      await settle();
      await settle();
      expect(target.querySelector('.cols')!.classList.contains('d2')).toBe(true);
      const [start, stop] = [...target.querySelectorAll('.col')];
      expect(start.querySelectorAll(':scope > ul > li')).toHaveLength(7);
      expect(start.querySelector('[data-testid=col-more]')!.textContent).toBe('+3 more (1 group, 2 cards)');
      expect(stop.querySelectorAll(':scope > ul > li')).toHaveLength(3);
      expect(stop.querySelector('[data-testid=col-more]')).toBeNull();
    });
  }

  it('off the projector, are drawn whole', async () => {
    layout();
    const target = show(RetroBoard, { view: view('group'), columns });
    await settle();
    expect(target.querySelector('.cols')!.classList.contains('d0')).toBe(true);
    expect(target.querySelectorAll('.col:first-child > ul > li')).toHaveLength(10);
    expect(target.querySelector('[data-testid=col-more]')).toBeNull();
  });
});

describe('RetroBoard on the projector, one crowded column beside short ones', () => {
  const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }, { id: 'continue', title: 'Continue' }];
  const view = (crowded: number, phase = 'group') => {
    const per = { start: 2, stop: crowded, continue: 2 } as Record<string, number>;
    const cards = columns.flatMap((c) => Array.from({ length: per[c.id] }, (_, i) => ({ id: `${c.id}${String(i).padStart(2, '0')}`, column: c.id, text: `${c.title} ${i}` })));
    return {
      exercise: 'r1', status: 'open', phase, dots: 5, maxPerItem: 2, revealed: true, dotsShown: false,
      columns: columns.map((c) => ({ ...c, count: per[c.id] })), written: cards.length, cards, groups: [], items: [], actions: [],
    } as unknown as RetroView;
  };
  // jsdom lays nothing out: the board is 1200 px wide (four sub-columns
  // of 16rem), its columns' lists start 100 px down, each entry 60 px
  // high (50 px where the short columns are at their least width, the
  // crowded one wider), in as many sub-columns as the list is given
  // (--k); the board ends under its tallest list. The window is 768 px.
  function layout() {
    const k = (ul: Element) => Number((ul as HTMLElement).style.getPropertyValue('--k')) || 1;
    const row = () => (document.querySelector<HTMLElement>('.cols')?.style.getPropertyValue('--widths').includes('14rem') ? 50 : 60);
    const high = (ul: Element) => Math.ceil(ul.children.length / k(ul)) * row();
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(function (this: HTMLElement) { return this.matches('.cols') ? 1200 : 0; });
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      let top = 0, height = 0;
      if (this.matches('.cols')) (top = 100), (height = Math.max(...[...this.querySelectorAll(':scope > .col > ul')].map(high)));
      else if (this.matches('.col > ul')) (top = 100), (height = high(this));
      else if (this.parentElement?.matches('.col > ul')) (top = 100 + [...this.parentElement.children].indexOf(this) * row()), (height = row());
      return { top, bottom: top + height, left: 0, right: 100, width: 100, height, x: 0, y: top, toJSON() {} } as DOMRect;
    });
    onTestFinished(() => { vi.restoreAllMocks(); });
  }
  const stop = (target: HTMLElement) => target.querySelector<HTMLElement>('.col[aria-label="Stop"] > ul')!;

  it('gives it the width they leave, in two sub-columns, its type not made denser and nothing cut', async () => {
    layout();
    const target = show(RetroBoard, { view: view(14), columns, big: true });
    await settle();
    await settle();
    expect(target.querySelector('[data-testid=col-more]')).toBeNull();
    expect(target.querySelector('.cols')!.classList.contains('d0')).toBe(true);
    expect((target.querySelector('.cols') as HTMLElement).style.getPropertyValue('--widths')).toBe('minmax(0, 1fr) minmax(0, 2fr) minmax(0, 1fr)');
    expect(stop(target).classList.contains('split')).toBe(true);
    expect(stop(target).style.getPropertyValue('--k')).toBe('2');
    expect(stop(target).children).toHaveLength(14);
    expect(target.querySelectorAll('ul.split')).toHaveLength(1);
  });

  it('gives it more still, the short columns at their least width, when two sub-columns of one width are not enough', async () => {
    layout();
    const target = show(RetroBoard, { view: view(24), columns, big: true });
    await settle();
    await settle();
    // Twelve rows of 60 px end at 820 px; of 50 px, at 700.
    expect(target.querySelector('[data-testid=col-more]')).toBeNull();
    expect(target.querySelector('.cols')!.classList.contains('d0')).toBe(true);
    expect((target.querySelector('.cols') as HTMLElement).style.getPropertyValue('--widths')).toBe('14rem minmax(0, 2fr) 14rem');
    expect(stop(target).style.getPropertyValue('--k')).toBe('2');
    expect(stop(target).children).toHaveLength(24);
  });

  it('cuts it in its sub-columns when even that does not fit, saying what it hides, the short columns still whole', async () => {
    layout();
    const target = show(RetroBoard, { view: view(30), columns, big: true });
    await settle();
    await settle();
    expect(target.querySelector('.cols')!.classList.contains('d2')).toBe(true);
    expect((target.querySelector('.cols') as HTMLElement).style.getPropertyValue('--widths')).toBe('14rem minmax(0, 2fr) 14rem');
    expect(stop(target).style.getPropertyValue('--k')).toBe('2');
    // 768 px less 100 above, 16 under and 48 for the "+N more" line:
    // twelve entries of 50 px a sub-column.
    expect(stop(target).children).toHaveLength(24);
    expect(target.querySelector('.col[aria-label="Stop"] [data-testid=col-more]')!.textContent).toBe('+6 more cards');
    expect(target.querySelectorAll('[data-testid=col-more]')).toHaveLength(1);
  });

  it('cuts every column with the width shared as their sub-columns are, when the others are no longer short at their least width', async () => {
    layout();
    const v = view(30);
    const more = Array.from({ length: 12 }, (_, i) => ({ id: `start${String(i + 2).padStart(2, '0')}`, column: 'start', text: `Start ${i + 2}` }));
    const target = show(RetroBoard, { view: { ...v, cards: [...more, ...v.cards] }, columns, big: true });
    await settle();
    await settle();
    expect((target.querySelector('.cols') as HTMLElement).style.getPropertyValue('--widths')).toBe('minmax(0, 1fr) minmax(0, 2fr) minmax(0, 1fr)');
    // Ten entries of 60 px a sub-column.
    expect(stop(target).children).toHaveLength(20);
    expect(target.querySelector('.col[aria-label="Stop"] [data-testid=col-more]')!.textContent).toBe('+10 more cards');
    expect(target.querySelectorAll('.col[aria-label="Start"] > ul > li')).toHaveLength(10);
    expect(target.querySelector('.col[aria-label="Start"] [data-testid=col-more]')!.textContent).toBe('+4 more cards');
    expect(target.querySelector('.col[aria-label="Continue"] [data-testid=col-more]')).toBeNull();
  });

  it('off the projector, draws every column one sub-column wide, as before', async () => {
    layout();
    const target = show(RetroBoard, { view: view(14), columns });
    await settle();
    expect(target.querySelector('ul.split')).toBeNull();
    expect((target.querySelector('.cols') as HTMLElement).style.getPropertyValue('--widths')).toBe('');
    expect(stop(target).children).toHaveLength(14);
  });

  it('says in the vote, on the projector alone, to place the dots on a phone and how many each person has', () => {
    const line = (v: RetroView, big = true) => show(RetroBoard, { view: v, columns, big }).querySelector('[data-testid=vote-on-phone]')?.textContent ?? null;
    expect(line(view(3, 'vote'))).toBe('Place your dots on your phone: 5 dots each, at most 2 on one item');
    expect(line({ ...view(3, 'vote'), dots: 3, maxPerItem: 3 })).toBe('Place your dots on your phone: 3 dots each');
    expect(line({ ...view(3, 'vote'), dots: 1, maxPerItem: 1 })).toBe('Place your dots on your phone: 1 dot each');
    expect(line(view(3, 'group'))).toBeNull();
    expect(line({ ...view(3, 'vote'), status: 'closed' })).toBeNull();
    expect(line(view(3, 'vote'), false)).toBeNull();
  });
});

describe('RetroBoard back in Group after the totals', () => {
  const view = (withDots: boolean) => ({
    exercise: 'r1', status: 'open', phase: 'group', dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
    columns: [{ id: 'start', title: 'Start', count: 3 }], written: 3,
    cards: [{ id: 'c1', column: 'start', text: 'Pair more', group: 'g1' }, { id: 'c2', column: 'start', text: 'Demo', group: 'g1' },
      { id: 'c3', column: 'start', text: 'Retro notes' }, { id: 'c4', column: 'start', text: 'Lunch' }],
    groups: [{ id: 'g1', title: 'Pairing', cards: ['c1', 'c2'] }],
    items: withDots ? [{ id: 'g1', kind: 'group', dots: 3 }, { id: 'c3', kind: 'card', dots: 2 }, { id: 'c4', kind: 'card', dots: 0 }]
      : [{ id: 'g1', kind: 'group' }, { id: 'c3', kind: 'card' }, { id: 'c4', kind: 'card' }],
    actions: [],
  }) as unknown as RetroView;

  it('shows each item with its total, so that regrouping shows the dots following the cards', () => {
    const target = show(RetroBoard, { view: view(true), columns: [{ id: 'start', title: 'Start' }] });
    flushSync();
    const badges = [...target.querySelectorAll('[data-testid="item-dots"]')].map((b) => b.textContent);
    expect(badges).toEqual(['3 dots', '2 dots']);
    expect(target.querySelector('[data-group="g1"] [data-testid="item-dots"]')?.textContent).toBe('3 dots');
  });

  it('shows no totals before they were shown', () => {
    const target = show(RetroBoard, { view: view(false), columns: [{ id: 'start', title: 'Start' }] });
    flushSync();
    expect(target.querySelectorAll('[data-testid="item-dots"]')).toHaveLength(0);
  });
});
