import { describe, expect, it } from 'vitest';
import { agendaList, applyAck, currentExercise, emptyState, reduce, type RoomState } from './reducer';
import { ev, welcome } from '../test/fakews';
import type { ServerMsg } from './types';

const poll = { id: 'e1', kind: 'poll', title: 'Lunch', status: 'open', questions: [] };
const retro = { id: 'e2', kind: 'retro', title: 'Retro', status: 'open', phase: 'vote' };

function snapshot(): RoomState {
  return reduce(emptyState(), welcome(5, {
    snapshot: {
      room: { id: 'r1', code: 'ABCDEF', title: 'T', locked: false, ended: false, showNames: true },
      members: [
        { id: 'f', name: 'Facilitator', role: 'facilitator', online: true },
        { id: 'm1', name: 'Ann', role: 'participant', online: true },
      ],
      participants: 2,
      sections: {
        exercises: {
          agenda: { items: ['e1', 'e2'], current: 'e1' },
          exercises: [
            { exercise: { ...poll, notes: 'secret' }, state: { responses: 2 }, mine: { answers: { q1: { choices: ['o1'] } } } },
            { exercise: retro, state: { phase: 'vote' }, mine: { cards: [], dots: { c1: 1 }, dotsLeft: 2 } },
          ],
        },
      },
    },
  }) as ServerMsg);
}

const apply = (s: RoomState, ...ms: object[]) => ms.reduce<RoomState>((x, m) => reduce(x, m as ServerMsg), s);

describe('room state', () => {
  it('is built from a welcome snapshot', () => {
    const s = snapshot();
    expect(s.room?.title).toBe('T');
    expect(Object.keys(s.members)).toEqual(['f', 'm1']);
    expect(s.membersKnown).toBe(true);
    expect(agendaList(s).map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(currentExercise(s)?.id).toBe('e1');
    expect(s.states.e1).toEqual({ responses: 2 });
    expect(s.mine.e2.dotsLeft).toBe(2);
    expect(s.notes.e1).toBe('secret');
  });

  it('keeps its state on a recovered welcome and takes the current room', () => {
    const s = apply(snapshot(), { ...welcome(9), recovered: true, snapshot: undefined, room: { id: 'r1', code: 'ABCDEF', title: 'New', locked: true, ended: false, showNames: true } });
    expect(s.room?.title).toBe('New');
    expect(s.states.e1).toEqual({ responses: 2 });
    expect(currentExercise(s)?.id).toBe('e1');
  });

  it('replaces everything on a snapshot welcome', () => {
    const s = apply(snapshot(), welcome(1));
    expect(s.agenda.items).toEqual([]);
    expect(s.states).toEqual({});
    expect(s.membersKnown).toBe(false);
  });

  it('follows presence deltas: joins, leaves and removals', () => {
    const s = apply(snapshot(),
      { type: 'presence', online: 2, participants: 3, members: [{ id: 'm2', name: 'Ben', role: 'participant', online: true }] },
      { type: 'presence', online: 1, participants: 3, members: [{ id: 'm1', name: 'Ann', role: 'participant', online: false }] },
      { type: 'presence', online: 1, participants: 2, members: [{ id: 'm2', name: '', role: 'participant', online: false, removed: true }] },
      { type: 'presence', online: 1, participants: 2 },
    );
    expect(s.participants).toBe(2);
    expect(s.online).toBe(1);
    expect(s.members.m1.online).toBe(false);
    expect(s.members.m2).toBeUndefined();
  });

  // Removed ids never come back (docs/protocol.md 4.3): a connection of
  // the removed person going away after the removal, or coming while it
  // was refused, listed them again, in no count.
  it('never lists a removed member again', () => {
    const s = apply(snapshot(),
      { type: 'presence', online: 2, participants: 3, members: [{ id: 'm2', name: 'Ben', role: 'participant', online: true }] },
      ev(6, 'member.removed', { member: 'm1' }),
      { type: 'presence', online: 1, participants: 2, members: [{ id: 'm1', name: 'Ann', role: 'participant', online: false }] },
      { type: 'presence', online: 0, participants: 1, members: [{ id: 'm2', name: '', role: 'participant', online: false, removed: true }] },
      { type: 'presence', online: 0, participants: 1, members: [{ id: 'm2', name: 'Ben', role: 'participant', online: true }] },
    );
    expect(Object.keys(s.members)).toEqual(['f']);
    // A fresh welcome's list has neither; a late entry after it neither.
    const again = apply(s, welcome(7, { snapshot: { room: s.room, members: [s.members.f], participants: 1 } }),
      { type: 'presence', online: 0, participants: 1, members: [{ id: 'm1', name: 'Ann', role: 'participant', online: false }] });
    expect(Object.keys(again.members)).toEqual(['f']);
  });

  it('applies room, member and agenda events', () => {
    const s = apply(snapshot(),
      ev(6, 'room.updated', { id: 'r1', code: 'ABCDEF', title: 'Renamed', locked: true, ended: false, showNames: true }),
      ev(7, 'member.renamed', { id: 'm1', name: 'Annie', role: 'participant', online: false }),
      ev(8, 'agenda.updated', { items: ['e2', 'e1'], current: 'e2' }),
      ev(9, 'exercise.updated', { ...poll, status: 'results' }),
      ev(10, 'exercise.notes', { exercise: 'e1', notes: 'new notes' }),
    );
    expect(s.room?.locked).toBe(true);
    expect(s.members.m1).toMatchObject({ name: 'Annie', online: true });
    expect(s.you?.name).toBe('Annie');
    expect(currentExercise(s)?.id).toBe('e2');
    expect(s.exercises.e1.status).toBe('results');
    expect(s.notes.e1).toBe('new notes');
  });

  // The facilitator hides names mid-session: a participant's page forgets
  // who it was shown (kudos then go to the whole team, as for one that
  // joined after), a facilitator's keeps the list it always has.
  it('forgets the members it was shown when names are hidden, on a participant\'s page only', () => {
    const hide = ev(6, 'room.updated', { id: 'r1', code: 'ABCDEF', title: 'T', locked: false, ended: false, showNames: false });
    const part = apply(snapshot(), hide);
    expect(part.room?.showNames).toBe(false);
    expect(part.membersKnown).toBe(false);
    expect(Object.keys(part.members)).toEqual(['m1']); // the page's own member (Ann) alone
    const fac = apply(reduce(emptyState(), { ...(welcome(5, { you: { id: 'f', name: 'Facilitator', role: 'facilitator', online: true },
      snapshot: { room: { id: 'r1', code: 'ABCDEF', title: 'T', locked: false, ended: false, showNames: true },
        members: [{ id: 'f', name: 'Facilitator', role: 'facilitator', online: true }, { id: 'm1', name: 'Ann', role: 'participant', online: true }],
        participants: 1 } }) as any) }), hide);
    expect(fac.membersKnown).toBe(true);
    expect(fac.members.m1?.name).toBe('Ann');
  });

  it('removes an exercise and its state', () => {
    const s = apply(snapshot(), ev(6, 'exercise.removed', { exercise: 'e1' }), ev(7, 'agenda.updated', { items: ['e2'], current: 'e2' }));
    expect(s.exercises.e1).toBeUndefined();
    expect(s.states.e1).toBeUndefined();
    expect(agendaList(s).map((e) => e.id)).toEqual(['e2']);
  });

  it('replaces coalesced state by key and ignores unknown keys', () => {
    const s = apply(snapshot(), { type: 'state', key: 'ex:e1', data: { responses: 3 } }, { type: 'state', key: 'other', data: 1 });
    expect(s.states.e1).toEqual({ responses: 3 });
  });

  it('keeps my retro cards from private events, once each', () => {
    const card = { id: 'c2', column: 'start', text: 'Pair more' };
    const s = apply(snapshot(),
      ev(6, 'retro.card', { exercise: 'e2', card }),
      ev(7, 'retro.card', { exercise: 'e2', card: { ...card, text: 'Pair more often' } }),
      ev(8, 'retro.card', { exercise: 'e2', card: { id: 'c1', column: 'stop', text: 'x' } }),
      ev(9, 'retro.card.deleted', { exercise: 'e2', card: 'c1' }),
      ev(10, 'retro.dots', { exercise: 'e2', dots: { c2: 2 }, left: 1 }),
    );
    expect(s.mine.e2.cards).toEqual([{ ...card, text: 'Pair more often' }]);
    expect(s.mine.e2).toMatchObject({ dots: { c2: 2 }, dotsLeft: 1 });
  });

  it('keeps your own cards in the order they were written, an edited one in its place', () => {
    const s = apply(snapshot(),
      ev(6, 'retro.card', { exercise: 'e2', card: { id: 'c9', column: 'start', text: 'first' } }),
      ev(7, 'retro.card', { exercise: 'e2', card: { id: 'c1', column: 'start', text: 'second' } }),
      ev(8, 'retro.card', { exercise: 'e2', card: { id: 'c9', column: 'stop', text: 'first, edited' } }),
    );
    expect(s.mine.e2.cards.map((c: { text: string }) => c.text)).toEqual(['first, edited', 'second']);
  });

  it('puts cards shown to everyone on a revealed board at once, and takes deleted ones off', () => {
    const board = {
      exercise: 'e2', revealed: true, columns: [{ id: 'start', title: 'Start', count: 1 }, { id: 'stop', title: 'Stop', count: 0 }],
      cards: [{ id: 'c5', column: 'start', text: 'old' }], items: [{ id: 'c5', kind: 'card' }], groups: [],
    };
    let s = apply(snapshot(), { type: 'state', key: 'ex:e2', data: board },
      ev(6, 'retro.card.shown', { exercise: 'e2', card: { id: 'c7', column: 'stop', text: 'new' } }),
      ev(7, 'retro.card.shown', { exercise: 'e2', card: { id: 'c1', column: 'stop', text: 'first' } }),
      ev(8, 'retro.card.shown', { exercise: 'e2', card: { id: 'c5', column: 'stop', text: 'moved' } }),
    );
    expect(s.states.e2.cards.map((c: any) => c.id + ':' + c.text)).toEqual(['c1:first', 'c5:moved', 'c7:new']);
    expect(s.states.e2.columns.map((c: any) => c.count)).toEqual([0, 3]);
    expect(s.states.e2.items.map((i: any) => i.id)).toEqual(['c5', 'c7', 'c1']);
    s = apply(s, ev(9, 'retro.card.deleted', { exercise: 'e2', card: 'c7' }));
    expect(s.states.e2.cards.map((c: any) => c.id)).toEqual(['c1', 'c5']);
    expect(s.states.e2.columns[1].count).toBe(2);
    expect(s.states.e2.items.map((i: any) => i.id)).toEqual(['c5', 'c1']);
    // A board not yet revealed is left to the coalesced state.
    const hidden = apply(snapshot(), { type: 'state', key: 'ex:e2', data: { ...board, revealed: false, cards: [] } },
      ev(6, 'retro.card.shown', { exercise: 'e2', card: { id: 'c7', column: 'stop', text: 'new' } }));
    expect(hidden.states.e2.cards).toEqual([]);
  });

  it('forgets spent dots when the retro leaves the vote phase', () => {
    const s = apply(snapshot(), ev(6, 'exercise.updated', { ...retro, phase: 'discuss' }));
    expect(s.mine.e2.dots).toBeUndefined();
  });

  it('starts a vote held again with every dot, as the server does', () => {
    // Back to grouping and forward: no dot of the first vote is left to
    // take back, and the page counts every dot as left (mine.dotsLeft
    // unknown: the spec's dots).
    let s = apply(snapshot(), ev(6, 'exercise.updated', { ...retro, phase: 'group' }), ev(7, 'exercise.updated', { ...retro, phase: 'vote' }));
    expect(s.mine.e2.dots).toBeUndefined();
    expect(s.mine.e2.dotsLeft).toBeUndefined();
    s = apply(s, ev(8, 'retro.dots', { exercise: 'e2', dots: { g1: 1 }, left: 2 }));
    expect(s.mine.e2).toMatchObject({ dots: { g1: 1 }, dotsLeft: 2 });
    // The retro closed and opened again in the vote: the same vote, its dots kept.
    s = apply(s, ev(9, 'exercise.updated', { ...retro, status: 'closed' }), ev(10, 'exercise.updated', { ...retro }));
    expect(s.mine.e2).toMatchObject({ dots: { g1: 1 }, dotsLeft: 2 });
  });

  it('records my help requests, offers and pairings', () => {
    let s = apply(snapshot(),
      ev(6, 'help.requested', { exercise: 'e3', request: { id: 'h1', title: 'Go' } }),
      ev(7, 'help.requested', { exercise: 'e3', request: { id: 'h1', title: 'Go' } }),
      ev(8, 'help.paired', { exercise: 'e3', request: 'h1', offer: 'o1', helperId: 'm2', helperName: 'Ben' }),
    );
    s = applyAck(s, 'help.offer', { exercise: 'e3', request: 'h9' }, { offer: 'o9' });
    expect(s.mine.e3).toEqual({ requests: ['h1'], offers: ['o9'], paired: [{ request: 'h1', offer: 'o1', helperId: 'm2', helperName: 'Ben', requesterName: undefined }] });
  });

  it('records my ballot when an answer is acknowledged', () => {
    const s = applyAck(snapshot(), 'exercise.answer', { exercise: 'e1', ballot: { words: ['trust'] } }, undefined);
    expect(s.mine.e1).toEqual({ words: ['trust'] });
  });

  it('shows my new name as the server stored it', () => {
    const s = applyAck(snapshot(), 'member.rename', { name: 'Ann\u202eLee' }, { name: 'AnnLee' });
    expect(s.you?.name).toBe('AnnLee');
  });

  it('never mutates the state it was given', () => {
    const s = snapshot();
    const copy = structuredClone(s);
    apply(s, ev(6, 'retro.card', { exercise: 'e2', card: { id: 'c9', column: 'a', text: 't' } }), { type: 'presence', online: 0, participants: 0, members: [{ id: 'm1', name: 'A', role: 'participant', online: false }] });
    expect(s).toEqual(copy);
  });
});
