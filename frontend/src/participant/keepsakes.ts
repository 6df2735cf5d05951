// What an ended room keeps on the phone, read-only (EndedKeepsakes.svelte
// shows it): the kudos this person received (to them, or to the whole
// team, which they are part of) and the retros' action items, from what
// the phone was shown. Apart from that lazily loaded part (lazyparts.ts),
// so that the room (Room.svelte) knows before it has loaded whether there
// is anything to keep, and about how tall it will be.
import type { RoomState } from '../lib/reducer';
import type { Exercise, Kudo, KudosView, RetroAction, RetroView } from '../lib/types';

export interface Keepsakes {
  kudos: Kudo[];
  /** Each retro with action items, its own apart. */
  retros: { e: Exercise; actions: RetroAction[] }[];
}

export function keepsakesOf(state: RoomState): Keepsakes {
  const shown = Object.values(state.exercises).filter((e) => e.status !== 'prepared');
  return {
    kudos: shown.filter((e) => e.kind === 'kudos')
      .flatMap((e) => ((state.states[e.id] as KudosView | undefined)?.kudos ?? []).filter((k) => !k.hidden && !!state.you && (k.to === state.you.id || k.to === 'team'))),
    retros: shown.filter((e) => e.kind === 'retro')
      .map((e) => ({ e, actions: (state.states[e.id] as RetroView | undefined)?.actions ?? [] })).filter((r) => r.actions.length),
  };
}

export const hasKeepsakes = (k: Keepsakes) => k.kudos.length > 0 || k.retros.length > 0;

/**
 * About how tall the keepsakes are on a phone, as a CSS length: what the
 * placeholder keeps while they load, so that the page (and "Join another
 * room" under them) barely moves when they come. Measured in Chromium
 * 375 px wide (EndedKeepsakes.svelte's styles, KudosWall's, app.css),
 * each text on one line: a card with its heading and the space after it
 * 4.25 rem, a kudo 7.5 rem, an action item 2 rem; within half a rem of
 * the keepsakes shown, longer texts being taller. At most about a
 * phone's screen: a move below it is not seen.
 */
export function keepsakesHeight(k: Keepsakes): string {
  const cards = (k.kudos.length ? 1 : 0) + k.retros.length;
  const actions = k.retros.reduce((n, r) => n + r.actions.length, 0);
  const rem = cards * 4.25 + k.kudos.length * 7.5 + actions * 2;
  return `${Math.min(rem, 40)}rem`;
}
