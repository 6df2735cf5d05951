import { expect, it } from 'vitest';
import { show } from '../test/mount';
import Agenda from './Agenda.svelte';
import { emptyState } from '../lib/reducer';

// An ended room whose agenda stayed empty said "No exercises yet. Add one
// below." with no form below to add one.
it('says of an ended room with no exercises that none were run, not to add one', () => {
  const state = { ...emptyState(), room: { ended: true } as any };
  const target = show(Agenda, { session: { state, send: () => Promise.resolve() } as any });
  expect(target.textContent).toContain('No exercises were run.');
  expect(target.textContent).not.toContain('Add one below');
  const live = show(Agenda, { session: { state: { ...emptyState(), room: { ended: false } as any }, send: () => Promise.resolve() } as any });
  expect(live.textContent).toContain('No exercises yet. Add one below.');
});

// Four "Make current" in a row said nothing of which exercise each was for.
it('names each "Make current" with its exercise', () => {
  const ex = (id: string, title: string) => ({ id, kind: 'poll', title, status: 'prepared', questions: [] });
  const state = { ...emptyState(), room: { ended: false } as any, agenda: { items: ['a', 'b'], current: 'a' }, exercises: { a: ex('a', 'Lunch'), b: ex('b', 'Pulse') } as any };
  const target = show(Agenda, { session: { state, send: () => Promise.resolve() } as any });
  const make = [...target.querySelectorAll('button')].filter((b) => b.textContent!.trim() === 'Make current');
  expect(make.map((b) => b.getAttribute('aria-label'))).toEqual(['Make current: “Pulse”']);
});
