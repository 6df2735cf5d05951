// The ended room's keepsakes (keepsakes.ts, EndedKeepsakes.svelte) while
// their part (lazyparts.ts) has not loaded: the room ended before the
// phone fetched it ahead. Here it never loads: the placeholder stays.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepsakes } from './lazyparts';
import { ev, welcome } from '../test/fakews';
import { settle } from '../test/settle';
import { openPhone } from '../test/phone';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const kudo = (id: string, to: string) => ({ id, to, toName: 'Ann', fromName: 'Cy', anonymous: false, message: 'Great demo' });

async function endedRoom(exercises: object[]) {
  const get = vi.spyOn(keepsakes, 'get').mockReturnValue(new Promise(() => {}));
  const { target, ws } = openPhone();
  const w = welcome(1);
  ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: [], current: '' }, exercises } } } });
  await settle();
  ws.receive(ev(2, 'room.ended', { ended: true }));
  ws.serverClose(4003);
  await settle();
  expect(keepsakes.status).toBe('idle');
  return { target, get };
}

describe('the keepsakes of an ended room, not loaded yet', () => {
  it('take no placeholder when there is nothing to keep, which the page then lost', async () => {
    const { target, get } = await endedRoom([
      { exercise: { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' }, state: { exercise: 'k1', status: 'open', count: 1, kudos: [kudo('q1', 'm2')] } },
    ]);
    expect(target.querySelector('[data-testid=room-ended]')).not.toBeNull();
    expect(target.querySelector('[data-testid=lazy-loading]')).toBeNull();
    expect(get).not.toHaveBeenCalled();
  });

  it('keep about the room they take while they load, so that the page does not jump when they come', async () => {
    const { target } = await endedRoom([
      { exercise: { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' }, state: { exercise: 'k1', status: 'open', count: 2, kudos: [kudo('q1', 'm1'), kudo('q2', 'team')] } },
      { exercise: { id: 'r1', kind: 'retro', title: 'Sprint', status: 'closed', retro: { columns: [] } },
        state: { exercise: 'r1', status: 'closed', actions: [{ id: 'a1', seq: 1, text: 'Pair on Tuesdays', done: false }] } },
    ]);
    const placeholder = target.querySelector<HTMLElement>('[data-testid=lazy-loading]')!;
    expect(placeholder.textContent).toBe('Loading…');
    // Two cards (4.25 rem each), two kudos (7.5 rem each), one action item (2 rem).
    expect(placeholder.style.minHeight).toBe('25.5rem');
  });
});
