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
