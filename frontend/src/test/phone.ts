// A participant's phone for component tests: Room mounted for Ann in room
// ABCDEF with a fake WebSocket (test/fakews.ts), its socket open; the
// welcome is the test's.
import { vi } from 'vitest';
import Room from '../participant/Room.svelte';
import { FakeWS, welcome } from './fakews';
import { settle } from './settle';
import { show } from './mount';

/** preview: the console's preview of a phone (its own storage space, 'pv'). */
export function openPhone({ preview = false } = {}) {
  FakeWS.all = [];
  vi.stubGlobal('WebSocket', FakeWS);
  const creds = { roomId: 'r1', code: 'ABCDEF', token: 'tok', memberId: 'm1', name: preview ? 'Preview' : 'Ann' };
  const target = show(Room, preview ? { creds, onLeave: () => {}, ns: 'pv' } : { creds, onLeave: () => {} });
  const ws = FakeWS.last();
  ws.open();
  return { target, ws };
}

/** A phone whose welcome holds one exercise, e1, current: its spec, and
 *  its state and the phone's own part of it when given. */
export async function phoneWith(exercise: object, state?: object, mine?: object) {
  const { target, ws } = openPhone();
  const base = welcome(1);
  ws.receive({ ...base, snapshot: { ...base.snapshot, sections: { exercises: {
    agenda: { items: ['e1'], current: 'e1' }, exercises: [{ exercise, state, mine }],
  } } } });
  await settle();
  return { target, ws };
}
