// The phone's retro, help, kudos and ended-room parts are imported when
// first needed (lazyparts.ts): a placeholder until then, and all of them
// fetched ahead once the phone is in the room and idle. The imports are
// the real ones; this file's modules start unloaded.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lazyParts, help } from './lazyparts';
import { welcome } from '../test/fakews';
import { settle } from '../test/settle';
import { openPhone } from '../test/phone';

afterEach(() => vi.unstubAllGlobals());

function phoneIn(exercise: object, state: object) {
  const { target, ws } = openPhone();
  const w = welcome(1);
  ws.receive({ ...w, snapshot: { ...w.snapshot, sections: { exercises: { agenda: { items: ['x1'], current: 'x1' }, exercises: [{ exercise, state }] } } } });
  return target;
}

describe("a phone's retro, loaded when first shown", () => {
  it('shows the title and a quiet placeholder under it, then the retro; the other parts are fetched ahead once idle', async () => {
    const target = phoneIn(
      { id: 'x1', kind: 'retro', title: 'Sprint', status: 'open', phase: 'write', retro: { columns: [{ id: 'stop', title: 'Stop' }], dots: 3, maxPerItem: 2 } },
      { exercise: 'x1', status: 'open', phase: 'write', dots: 3, maxPerItem: 2, revealed: false, dotsShown: false, written: 0, actions: [], groups: [], columns: [{ id: 'stop', title: 'Stop', count: 0 }], cards: [], items: [] },
    );
    await settle();
    const section = target.querySelector('[data-testid=exercise]')!;
    expect(section.querySelector('h2')!.textContent).toBe('Sprint');
    expect(section.querySelector('[data-testid=lazy-loading]')?.textContent).toBe('Loading…');
    // The height of a short form (Lazy.svelte's style), none reserved as for the ended room's keepsakes.
    expect(section.querySelector<HTMLElement>('[data-testid=lazy-loading]')!.style.minHeight).toBe('');
    // Not while the page is still busy showing itself.
    expect(help.status).toBe('idle');
    // Importing a module in a test can take seconds on a busy machine.
    await vi.waitFor(() => expect(section.querySelector('[data-testid=retro-board]')).not.toBeNull(), { timeout: 25_000 });
    expect(section.querySelector('[data-testid=lazy-loading]')).toBeNull();
    expect(section.querySelector('textarea')!.id).toBe('card-x1');
    await vi.waitFor(() => expect(lazyParts.map((p) => p.status)).toEqual(['loaded', 'loaded', 'loaded', 'loaded']), { timeout: 25_000 });
  }, 60_000);
});
