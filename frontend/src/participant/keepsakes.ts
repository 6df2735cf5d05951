// What an ended room keeps on the phone, read-only (EndedKeepsakes.svelte
// shows it): the kudos this person received (to them, or to the whole
// team, which they are part of), the retros' action items, and the help
// board's pairings this person is part of (their own requests' accepted
// offers, their own offers accepted) with the next step the pair agreed,
// from what the phone was shown. Apart from that lazily loaded part (lazyparts.ts),
// so that the room (Room.svelte) knows before it has loaded whether there
// is anything to keep, and about how tall it will be.
import type { RoomState } from '../lib/reducer';
import type { Exercise, HelpMine, HelpOfferView, HelpRequestView, HelpView, Kudo, KudosView, RetroAction, RetroView } from '../lib/types';

/** One pairing of the help board that this person is part of. */
export interface Pairing {
  request: HelpRequestView;
  /** The accepted offer, with the pair's next step. */
  offer: HelpOfferView;
  /** True when this person helps; false when they asked. */
  helping: boolean;
  /** Who the other is: the helper, or a named request's asker; '' for
   *  an anonymous request's asker, whom nobody is told. */
  name: string;
  /** Their member id, where the board gives it (to tell namesakes apart). */
  id?: string;
}

export interface Keepsakes {
  kudos: Kudo[];
  /** Each retro with action items, its own apart. */
  retros: { e: Exercise; actions: RetroAction[] }[];
  /** Each help board where this person was paired, its own apart. */
  help: { e: Exercise; pairs: Pairing[] }[];
}

/** The pairings of a help board that this person (`mine`) is part of. */
function pairingsOf(v: HelpView | undefined, m: HelpMine | undefined): Pairing[] {
  const out: Pairing[] = [];
  for (const r of v?.requests ?? []) {
    for (const o of r.offers) {
      if (!o.accepted) continue;
      if (m?.requests.includes(r.id)) {
        const p = m.paired?.find((x) => x.offer === o.id && !!x.helperId);
        out.push({ request: r, offer: o, helping: false, name: p?.helperName ?? o.helperName, id: p?.helperId ?? o.helperId });
      } else if (m?.offers.includes(o.id)) {
        // An anonymous request's asker stays unnamed, to the helper too.
        const p = m.paired?.find((x) => x.offer === o.id && !x.helperId);
        out.push({ request: r, offer: o, helping: true, name: r.anonymous ? '' : (p?.requesterName ?? r.authorName ?? ''), id: r.anonymous ? undefined : r.authorId });
      }
    }
  }
  return out;
}

export function keepsakesOf(state: RoomState): Keepsakes {
  const shown = Object.values(state.exercises).filter((e) => e.status !== 'prepared');
  return {
    kudos: shown.filter((e) => e.kind === 'kudos')
      .flatMap((e) => ((state.states[e.id] as KudosView | undefined)?.kudos ?? []).filter((k) => !k.hidden && !!state.you && (k.to === state.you.id || k.to === 'team'))),
    retros: shown.filter((e) => e.kind === 'retro')
      .map((e) => ({ e, actions: (state.states[e.id] as RetroView | undefined)?.actions ?? [] })).filter((r) => r.actions.length),
    help: shown.filter((e) => e.kind === 'help')
      .map((e) => ({ e, pairs: pairingsOf(state.states[e.id] as HelpView | undefined, state.mine[e.id] as HelpMine | undefined) })).filter((h) => h.pairs.length),
  };
}

export const hasKeepsakes = (k: Keepsakes) => k.kudos.length > 0 || k.retros.length > 0 || k.help.length > 0;

/**
 * About how tall the keepsakes are on a phone, as a CSS length: what the
 * placeholder keeps while they load, so that the page (and "Join another
 * room" under them) barely moves when they come. Measured in Chromium
 * 375 px wide (EndedKeepsakes.svelte's styles, KudosWall's, app.css),
 * each text on one line: a card with its heading and the space after it
 * 4.25 rem, a kudo 7.5 rem, an action item 2 rem, a help pairing 2 rem
 * and its next step 1.5 rem more; within half a rem of the keepsakes
 * shown, longer texts being taller. At most about a phone's screen: a
 * move below it is not seen.
 */
export function keepsakesHeight(k: Keepsakes): string {
  const cards = (k.kudos.length ? 1 : 0) + k.retros.length + k.help.length;
  const actions = k.retros.reduce((n, r) => n + r.actions.length, 0);
  const pairs = k.help.flatMap((h) => h.pairs);
  const rem = cards * 4.25 + k.kudos.length * 7.5 + actions * 2 + pairs.length * 2 + pairs.filter((p) => p.offer.step).length * 1.5;
  return `${Math.min(rem, 40)}rem`;
}
