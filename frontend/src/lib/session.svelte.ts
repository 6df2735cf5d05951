// RoomSession joins the protocol client to a reactive room state that
// Svelte components read.
import { RoomClient, wsUrl, type ConnStatus, type PendingCommand, type StopReason } from './client';
import type { BackoffOptions } from './backoff';
import { applyAck, currentExercise, emptyState, reduce, type RoomState } from './reducer';
import { errorText } from './strings';
import { clearReplacedErrors } from './action.svelte';
import { creds } from './storage';
import { limits } from './limits.svelte';
import type { RetroPhase, SessionSummary } from './types';

export interface SessionOptions {
  roomId: string;
  token: string;
  /** Storage key for unanswered commands. */
  pendingKey: string;
  view?: string;
  onBadToken?: () => Promise<string | null>;
  /** How it reconnects: a phone's backoff unless told (lib/backoff.ts). */
  backoff?: BackoffOptions;
}

const live = new Set<RoomSession>();

/** The exercise a command's data names, or ''. */
function exerciseOf(data: unknown): string {
  const id = (data as { exercise?: unknown } | null | undefined)?.exercise;
  return typeof id === 'string' ? id : '';
}

export interface Missed {
  exercise: string;
  title: string;
  message: string;
  /** Sent before the page was reloaded: no form on this page sent it. */
  restored?: boolean;
  /** It may have been taken after all (it could not be sent again, or
   *  the person joined again before its answer came). */
  maybe?: boolean;
  /** Refused because the room was open elsewhere (code `replaced`): said
   *  no more once the person uses the room here again. */
  replaced?: boolean;
}

// The retro forms of a participant's page (participant/RetroExercise.svelte)
// and the phases each is shown in while the retro is open: one's cards
// (the card form, each card's Delete), the dot buttons, the action form.
// The page shows them from here and missedBy reads here which part of
// the page says how a command went, so the two cannot drift apart.
export const RETRO_FORMS = {
  cards: ['write', 'reveal', 'group'],
  dots: ['vote'],
  actions: ['discuss', 'actions'],
} as const satisfies Record<string, readonly RetroPhase[]>;
export type RetroForm = keyof typeof RETRO_FORMS;

/** Whether a retro's page shows the form: the retro open, and in one of
 *  the form's phases (a retro without a phase yet is being written). */
export function retroFormShown(form: RetroForm, ex: { status: string; phase?: string }): boolean {
  return ex.status === 'open' && (RETRO_FORMS[form] as readonly string[]).includes(ex.phase || 'write');
}

// The form that says how a retro command went. A retro stays on screen
// from phase to phase, but a form goes with its phases and with the
// retro's close: a dot sent offline and refused once the room is
// discussing has nowhere else to be said. (A card being added has its
// own notice for that.)
const SHOWN_IN: Record<string, RetroForm> = {
  'retro.dot': 'dots',
  'retro.card.delete': 'cards',
  'retro.action.add': 'actions',
};

/**
 * The failure of a command about an exercise, when the page no longer
 * shows that exercise, or no longer the part of it that sent the command:
 * its form, which would have said so, is gone, and the person must not
 * think it was taken. Null otherwise (the exercise's own form shows it).
 */
export function missedBy(state: RoomState, data: unknown, err: unknown, type = ''): Missed | null {
  const id = exerciseOf(data);
  if (!id) return null;
  const shown = currentExercise(state);
  const form = SHOWN_IN[type];
  if (shown && shown.id === id && shown.status !== 'prepared' && (!form || retroFormShown(form, shown))) return null;
  const replaced = (err as { code?: string } | null)?.code === 'replaced';
  return { exercise: id, title: state.exercises[id]?.title ?? '', message: errorText(err), ...(replaced ? { replaced } : {}) };
}

/**
 * The failure of a command restored after a reload. The page that sent it
 * is gone, so it is always said, whatever the page shows now. Null when
 * the page itself is closing (the command stays stored for the next one).
 */
export function restoredMissed(state: RoomState, data: unknown, err: unknown): Missed | null {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'stopped') return null;
  const id = exerciseOf(data);
  const maybe = code === 'unsent' || code === 'rejoined';
  return { exercise: id, title: id ? (state.exercises[id]?.title ?? '') : '', message: errorText(err), restored: true, ...(maybe ? { maybe } : {}) };
}

/** A retro card restored after a reload and refused (RoomSession.refusedCards). */
export interface RefusedCard {
  data: unknown;
  err: unknown;
}

export class RoomSession {
  state = $state.raw<RoomState>(emptyState());
  status = $state<ConnStatus>('connecting');
  stopped = $state<StopReason | null>(null);
  welcomed = $state(false);
  /** The session an ended room's results are kept as, as its final
   *  welcome to the facilitator says (docs/protocol.md 3.3); null when it
   *  says none, or before. */
  keptSession = $state.raw<SessionSummary | null>(null);
  /** Commands sent and not yet answered. */
  pendingCount = $state(0);
  /** The same commands, as sent (a card restored after a reload is listed). */
  pendingCommands = $state.raw<PendingCommand[]>([]);
  /** A command about an exercise the page no longer shows, refused after
   *  its form was gone (the room moved on while it was in flight). */
  missed = $state<Missed | null>(null);
  /** Retro cards restored after a reload and refused while their retro
   *  is on screen: its page (participant/RetroExercise.svelte) says so
   *  with the card's words, as for a card it sent itself, and takes them
   *  from here (its part may still be loading when the refusal comes).
   *  The room's notice would say it without them, so they cannot be
   *  copied or typed again. */
  refusedCards = $state.raw<RefusedCard[]>([]);
  client: RoomClient;

  constructor(opts: SessionOptions) {
    this.client = new RoomClient({
      url: wsUrl(),
      room: opts.roomId,
      token: opts.token,
      view: opts.view,
      backoff: opts.backoff,
      pendingKey: opts.pendingKey,
      storage: creds.storage(),
      watchNetwork: true,
      onBadToken: opts.onBadToken,
      onMessage: (m) => {
        this.state = reduce(this.state, m);
        if (m.type === 'welcome') {
          this.welcomed = true;
          this.keptSession = m.session ?? null;
          limits.adopt(m.server?.limits);
        }
      },
      onAck: (type, data, result) => {
        this.state = applyAck(this.state, type, data, result);
        this.syncPending(); // a restored command's too
      },
      onRestoredError: (type, data, err) => {
        this.syncPending();
        // unsent, rejoined: whether the card was taken is not known, and
        // the room's notice says so ("may not have been"); put back in
        // the box, it could be added twice.
        const unknown = err.code === 'stopped' || err.code === 'unsent' || err.code === 'rejoined';
        if (type === 'retro.card.add' && !unknown && !this.state.room?.ended && !missedBy(this.state, data, err, type)) {
          this.refusedCards = [...this.refusedCards, { data, err }];
          return;
        }
        const m = restoredMissed(this.state, data, err);
        if (m) this.missed = m;
      },
      onStatus: (s) => {
        this.status = s;
        this.syncPending();
      },
      onStop: (reason) => {
        this.stopped = reason;
        if (reason === 'ended' && this.state.room) this.state = { ...this.state, room: { ...this.state.room, ended: true } };
      },
    });
    live.add(this);
    this.syncPending(); // what was restored from storage
    this.client.connect();
  }

  private syncPending() {
    this.pendingCommands = this.client.pendingCommands;
    this.pendingCount = this.pendingCommands.length;
  }

  send<T = any>(type: string, data?: unknown): Promise<T> {
    const p = this.client.send<T>(type, data);
    this.syncPending();
    const count = () => this.syncPending();
    p.then(
      () => {
        count();
        // Sent again and taken: the notice about it is settled.
        if (this.missed && this.missed.exercise === exerciseOf(data)) this.missed = null;
      },
      (err) => {
        count();
        const m = missedBy(this.state, data, err, type);
        if (m) this.missed = m;
      },
    );
    return p;
  }

  /** Use the room here again after it was opened elsewhere with the same
   *  token (stopped 'replaced'): connect, resuming. */
  resume() {
    if (this.stopped !== 'replaced') return;
    this.stopped = null;
    // What was refused while the room was open elsewhere said "choose
    // Use it here": chosen, it is not true any more.
    clearReplacedErrors();
    if (this.missed?.replaced) this.missed = null;
    this.client.resume();
  }

  /** Connect now, not after the backoff's wait (the badge's "Try now"). */
  reconnectNow() {
    this.client.reconnectNow();
  }

  close() {
    live.delete(this);
    this.client.close();
  }
}

// A hook for the browser tests: drop every connection, as a network change would.
if (typeof window !== 'undefined') {
  (window as any).__huddle = {
    drop: () => live.forEach((s) => s.client.reconnectNow()),
    pending: () => [...live].reduce((n, s) => n + s.client.pendingIds.length, 0),
  };
}
