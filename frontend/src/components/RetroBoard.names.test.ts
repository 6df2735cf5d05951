// Two people who joined as Sam put their names on retro cards, and both
// cards read "— Sam" on every screen. A named card carries its author's
// member id (docs/protocol.md 8.7), and the board tells the two apart as
// every list of people does ("Sam #4821", lib/names.ts): the same number
// for the same person on the phone, the console and the projector. A name
// nobody else holds stays bare.
import { describe, expect, it } from 'vitest';
import { show } from '../test/mount';
import RetroBoard from './RetroBoard.svelte';
import RetroExercise from '../participant/RetroExercise.svelte';
import RetroControl from '../host/RetroControl.svelte';
import { emptyState } from '../lib/reducer';
import { sameNameTags } from '../lib/names';
import type { MemberView, RetroCardView, RetroView } from '../lib/types';
import '../lib/fitboard';

const columns = [{ id: 'start', title: 'Start' }, { id: 'stop', title: 'Stop' }];
const board = (cards: RetroCardView[], groups: RetroView['groups'] = []): RetroView => ({
  exercise: 'r1', status: 'open', phase: 'reveal', dots: 3, maxPerItem: 2, revealed: true, dotsShown: false,
  columns: columns.map((c) => ({ ...c, count: cards.filter((x) => x.column === c.id).length })), written: cards.length,
  cards, groups, items: [], actions: [],
});
const card = (id: string, text: string, authorId?: string, authorName?: string, more: Partial<RetroCardView> = {}): RetroCardView =>
  ({ id, column: 'start', text, ...(authorId ? { authorId } : {}), ...(authorName ? { authorName } : {}), ...more });
// The numbers the console's people list gives the two Sams.
const tags = sameNameTags([{ id: 'm-sam1', name: 'Sam' }, { id: 'm-sam2', name: 'Sam' }]);
const sam1 = `Sam\u00a0#${tags.get('m-sam1')}`;
const sam2 = `Sam\u00a0#${tags.get('m-sam2')}`;
const member = (id: string, name: string): MemberView => ({ id, name, role: 'participant', online: true });

// Each card's author line, by card text.
const authors = (target: HTMLElement) => Object.fromEntries([...target.querySelectorAll('[data-testid=retro-board] .by')]
  .map((by) => [by.parentElement!.textContent!.replace(by.textContent!, '').trim(), by.textContent!.replace(/^\s*—\s*/, '')]));

describe('named retro cards of two people of the same name', () => {
  const two = board([
    card('c1', 'Demos', 'm-sam1', 'Sam'), card('c2', 'Long meetings', 'm-sam2', 'Sam', { column: 'stop', group: 'g1' }),
    card('c3', 'Pairing', 'm-bob', 'Bob'), card('c4', 'Quiet Fridays'),
  ], [{ id: 'g1', title: 'Meetings', cards: ['c2'] }]);

  it('are told apart on the projector, by the board alone (in a group too); a lone Bob and an anonymous card are as they were', () => {
    expect(sam1).not.toBe(sam2);
    const target = show(RetroBoard, { view: two, columns, big: true, headingLevel: 2 });
    expect(authors(target)).toEqual({ Demos: sam1, 'Long meetings': sam2, Pairing: 'Bob' });
    expect(target.textContent).not.toMatch(/Quiet Fridays\s*—/);
  });

  it('leave one Sam bare: nobody else on the board or in the room is called Sam', () => {
    const target = show(RetroBoard, { view: board([card('c1', 'Demos', 'm-sam1', 'Sam'), card('c4', 'Quiet Fridays')]), columns,
      people: [member('m-sam1', 'Sam'), member('m-bob', 'Bob')] });
    expect(authors(target)).toEqual({ Demos: 'Sam' });
  });

  it("count the Sam the page knows beside the one who wrote, as the people list does", () => {
    const target = show(RetroBoard, { view: board([card('c1', 'Demos', 'm-sam1', 'Sam')]), columns,
      people: [member('m-sam1', 'Sam'), member('m-sam2', 'Sam')] });
    expect(authors(target)).toEqual({ Demos: sam1 });
  });

  // The phone (Cy's) and the console, each given the room's members.
  const members = Object.fromEntries([member('m-sam1', 'Sam'), member('m-sam2', 'Sam'), member('m-cy', 'Cy')].map((m) => [m.id, m]));
  const pages = (view: RetroView) => {
    const ex = { id: 'r1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'reveal', retro: { columns, dots: 3, maxPerItem: 2 } } as any;
    const session = (you: MemberView | null) => ({
      state: { ...emptyState(), you, members, room: { id: 'room1', code: 'ABCDEF', title: 'W', locked: false, ended: false, showNames: true, joinUrl: '' },
        states: { r1: view }, mine: { r1: { cards: [] } } } as any,
      status: 'online', pendingCommands: [], send: () => new Promise(() => {}),
    });
    return { phone: show(RetroExercise, { session: session(members['m-cy']), ex }), console: show(RetroControl, { session: session(null), ex }) };
  };

  it('give the same number on the phone, the console and the projector', () => {
    const view = board([card('c1', 'Demos', 'm-sam1', 'Sam'), card('c2', 'Long meetings', 'm-sam2', 'Sam', { column: 'stop' })]);
    const { phone, console: console_ } = pages(view);
    const projector = show(RetroBoard, { view, columns, big: true, headingLevel: 2 });
    const want = { Demos: sam1, 'Long meetings': sam2 };
    expect(authors(phone)).toEqual(want);
    expect(authors(console_)).toEqual(want);
    expect(authors(projector)).toEqual(want);
  });

  it('are numbered on the phone and the console when only one Sam wrote: they know the other', () => {
    const { phone, console: console_ } = pages(board([card('c1', 'Demos', 'm-sam1', 'Sam')]));
    expect(authors(phone)).toEqual({ Demos: sam1 });
    expect(authors(console_)).toEqual({ Demos: sam1 });
  });
});
