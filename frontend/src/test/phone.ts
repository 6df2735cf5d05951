// A participant's phone for component tests: Room mounted for Ann in room
// ABCDEF with a fake WebSocket (test/fakews.ts), its socket open; the
// welcome is the test's.
import { vi } from 'vitest';
import Room from '../participant/Room.svelte';
import { FakeWS } from './fakews';
import { show } from './mount';

export function openPhone() {
  FakeWS.all = [];
  vi.stubGlobal('WebSocket', FakeWS);
  const target = show(Room, { creds: { roomId: 'r1', code: 'ABCDEF', token: 'tok', memberId: 'm1', name: 'Ann' }, onLeave: () => {} });
  const ws = FakeWS.last();
  ws.open();
  return { target, ws };
}
