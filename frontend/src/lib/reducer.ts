// The room as one member sees it, rebuilt from the welcome snapshot and
// kept current by events, coalesced state and presence. Every function
// here is pure: state in, new state out; nothing is mutated.
import type {
  Agenda, Ballot, EventMsg, Exercise, ExercisesSection, HelpMine, MemberView, PresenceMsg, RetroCardView, RetroMine,
  RetroView, Room, ServerMsg, WelcomeMsg,
} from './types';

export interface RoomState {
  room: Room | null;
  you: MemberView | null;
  members: Record<string, MemberView>;
  /** False when this viewer may not see names: only counts are known. */
  membersKnown: boolean;
  participants: number;
  online: number;
  agenda: Agenda;
  exercises: Record<string, Exercise>;
  /** Coalesced state "ex:<id>", by exercise id. */
  states: Record<string, any>;
  /** What this member answered or wrote, by exercise id. */
  mine: Record<string, any>;
  /** Facilitator notes, by exercise id. */
  notes: Record<string, string>;
  /** Projector links revoked while this page watched (room.screen_revoked; facilitators). */
  revokedLinks?: string[];
  /** Members removed while this page watched: removed ids never come
   *  back, and a later presence entry for one (a connection of theirs
   *  going away) is ignored (docs/protocol.md 4.3). */
  removed?: string[];
}

export function emptyState(): RoomState {
  return {
    room: null, you: null, members: {}, membersKnown: false, participants: 0, online: 0,
    agenda: { items: [] }, exercises: {}, states: {}, mine: {}, notes: {},
  };
}

function byId(list: MemberView[] | undefined): Record<string, MemberView> {
  const out: Record<string, MemberView> = {};
  for (const m of list ?? []) if (!m.removed) out[m.id] = m;
  return out;
}

export function applyWelcome(s: RoomState, w: WelcomeMsg): RoomState {
  if (!w.recovered && w.snapshot) {
    const snap = w.snapshot;
    const next: RoomState = {
      ...emptyState(),
      room: snap.room, you: w.you, members: byId(snap.members), membersKnown: !!snap.members,
      participants: snap.participants, online: w.presence?.online ?? 0, removed: s.removed,
    };
    const ex = snap.sections?.exercises as ExercisesSection | undefined;
    if (ex) {
      next.agenda = { items: ex.agenda?.items ?? [], current: ex.agenda?.current };
      for (const v of ex.exercises ?? []) {
        next.exercises[v.exercise.id] = v.exercise;
        if (v.state != null) next.states[v.exercise.id] = v.state;
        if (v.mine != null) next.mine[v.exercise.id] = v.mine;
        if (v.exercise.notes) next.notes[v.exercise.id] = v.exercise.notes;
      }
    }
    return next;
  }
  // Recovered: keep what we have, take the current room and counts; the
  // missed events follow.
  const next: RoomState = { ...s, you: w.you, room: w.room ?? s.room, online: w.presence?.online ?? s.online };
  if (w.presence) next.participants = w.presence.participants;
  if (w.presence?.members) {
    next.members = byId(w.presence.members);
    next.membersKnown = true;
  }
  return next;
}

export function applyPresence(s: RoomState, p: PresenceMsg): RoomState {
  const next: RoomState = { ...s, online: p.online, participants: p.participants };
  if (p.members?.length) {
    const members = { ...s.members };
    let removed = s.removed;
    for (const m of p.members) {
      if (m.removed) {
        delete members[m.id];
        removed = withRemoved(removed, m.id);
      } else if (!removed?.includes(m.id)) members[m.id] = { ...members[m.id], ...m };
    }
    next.members = members;
    next.membersKnown = true;
    next.removed = removed;
  }
  return next;
}

function withRemoved(removed: string[] | undefined, id: string): string[] {
  return removed?.includes(id) ? removed : [...(removed ?? []), id];
}

function withMine(s: RoomState, ex: string, f: (m: any) => any): RoomState {
  return { ...s, mine: { ...s.mine, [ex]: f(s.mine[ex]) } };
}

function retroMine(m: any): RetroMine {
  return { cards: [], ...(m ?? {}) };
}

function helpMine(m: any): HelpMine {
  return { requests: [], offers: [], paired: [], ...(m ?? {}) };
}

export function applyEvent(s: RoomState, e: EventMsg): RoomState {
  const d = e.data ?? {};
  switch (e.event) {
    case 'room.updated':
    case 'room.ended': {
      const next: RoomState = { ...s, room: { ...s.room, ...d } };
      // Names hidden: a participant's page forgets the people it was shown
      // (the server sends it no member list from now on), so its kudos go
      // to the whole team, as on a page that joined after; it kept them,
      // and never heard of anyone who came since.
      if (d.showNames === false && s.room?.showNames && s.you?.role !== 'facilitator') {
        next.members = s.you && s.members[s.you.id] ? { [s.you.id]: s.members[s.you.id] } : {};
        next.membersKnown = false;
      }
      return next;
    }
    case 'member.removed': {
      const removed = withRemoved(s.removed, d.member);
      if (!s.members[d.member]) return { ...s, removed };
      const members = { ...s.members };
      delete members[d.member];
      return { ...s, members, removed };
    }
    case 'room.screen_revoked':
      return typeof d.link === 'string' ? { ...s, revokedLinks: [...(s.revokedLinks ?? []), d.link] } : s;
    case 'member.renamed': {
      const old = s.members[d.id];
      const you = s.you && s.you.id === d.id ? { ...s.you, name: d.name } : s.you;
      if (!old) return { ...s, you };
      return { ...s, you, members: { ...s.members, [d.id]: { ...old, name: d.name } } };
    }
    case 'agenda.updated':
      return { ...s, agenda: { items: d.items ?? [], current: d.current } };
    case 'exercise.updated': {
      const ex = d as Exercise;
      const next = { ...s, exercises: { ...s.exercises, [ex.id]: ex } };
      const prev = s.exercises[ex.id];
      // Dots are spent per vote: going back from the vote clears every dot
      // on the server too (docs/protocol.md 8.7), and so does this page,
      // whose next vote starts with all its dots; once the totals are
      // shown the page lists no dots of its own. A fresh count comes with
      // the next dot.
      if (ex.kind === 'retro' && prev && prev.phase !== ex.phase && ex.phase !== 'vote') {
        return withMine(next, ex.id, (m) => ({ ...retroMine(m), dots: undefined, dotsLeft: undefined }));
      }
      return next;
    }
    case 'exercise.notes':
      return { ...s, notes: { ...s.notes, [d.exercise]: d.notes ?? '' } };
    case 'exercise.removed': {
      const exercises = { ...s.exercises };
      delete exercises[d.exercise];
      const states = { ...s.states };
      delete states[d.exercise];
      return { ...s, exercises, states };
    }
    case 'retro.card':
      // In the order they come, which is the order they were written (an
      // edit keeps its card's place): lib/cardorder.ts.
      return withMine(s, d.exercise, (m) => {
        const r = retroMine(m);
        const at = r.cards.findIndex((c) => c.id === d.card.id);
        const cards = at < 0 ? [...r.cards, d.card] : r.cards.map((c, i) => (i === at ? d.card : c));
        return { ...r, cards };
      });
    case 'retro.card.shown':
      return onBoard(s, d.exercise, d.card.id, d.card);
    case 'retro.card.deleted':
      return onBoard(withMine(s, d.exercise, (m) => {
        const r = retroMine(m);
        return { ...r, cards: r.cards.filter((c) => c.id !== d.card) };
      }), d.exercise, d.card, null);
    case 'retro.dots':
      return withMine(s, d.exercise, (m) => ({ ...retroMine(m), dots: d.dots ?? {}, dotsLeft: d.left }));
    case 'help.requested':
      return withMine(s, d.exercise, (m) => {
        const h = helpMine(m);
        return h.requests.includes(d.request.id) ? h : { ...h, requests: [...h.requests, d.request.id] };
      });
    case 'help.paired':
      return withMine(s, d.exercise, (m) => {
        const h = helpMine(m);
        const paired = (h.paired ?? []).filter((p) => p.offer !== d.offer || (!!p.helperId) !== (!!d.helperId));
        paired.push({ request: d.request, offer: d.offer, requesterName: d.requesterName, helperId: d.helperId, helperName: d.helperName });
        return { ...h, paired };
      });
  }
  return s;
}

/**
 * Puts a card shown to everyone (retro.card.shown) on a revealed board at
 * once, or takes a deleted one off (card null); the coalesced board that
 * follows within the coalescing interval agrees with it.
 */
function onBoard(s: RoomState, exercise: string, id: string, card: RetroCardView | null): RoomState {
  const v = s.states[exercise] as RetroView | undefined;
  if (!v || !v.revealed || !Array.isArray(v.cards)) return s;
  const old = v.cards.find((c) => c.id === id);
  const columns = v.columns.map((c) => ({ ...c }));
  const bump = (col: string, n: number) => {
    const c = columns.find((x) => x.id === col);
    if (c) c.count = Math.max(0, c.count + n);
  };
  const cards = v.cards.filter((c) => c.id !== id);
  let items = v.items ?? [];
  if (old) bump(old.column, -1);
  if (card) {
    const kept = old?.group && !card.group ? { ...card, group: old.group } : card;
    cards.push(kept);
    bump(card.column, 1);
    if (!old && !kept.group) items = [...items, { id: card.id, kind: 'card' }];
  } else {
    if (!old) return s;
    items = items.filter((i) => i.id !== id);
  }
  const order = new Map(v.columns.map((c, i) => [c.id, i]));
  cards.sort((a, b) => (order.get(a.column) ?? 0) - (order.get(b.column) ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ...s, states: { ...s.states, [exercise]: { ...v, cards, columns, items } } };
}

export function applyState(s: RoomState, key: string, data: any): RoomState {
  if (!key.startsWith('ex:')) return s;
  const id = key.slice(3);
  return { ...s, states: { ...s.states, [id]: data } };
}

/** What an acknowledged command of this member changes locally (answers carry no event). */
export function applyAck(s: RoomState, type: string, data: any, result: any): RoomState {
  switch (type) {
    case 'exercise.answer':
      return withMine(s, data.exercise, () => data.ballot as Ballot);
    case 'help.offer':
      if (!result?.offer) return s;
      return withMine(s, data.exercise, (m) => {
        const h = helpMine(m);
        return h.offers.includes(result.offer) ? h : { ...h, offers: [...h.offers, result.offer] };
      });
    case 'member.rename':
      if (!s.you) return s;
      // The server's cleaned name (what others see), else what was sent.
      return { ...s, you: { ...s.you, name: typeof result?.name === 'string' ? result.name : (data?.name ?? '') } };
  }
  return s;
}

export function reduce(s: RoomState, m: ServerMsg): RoomState {
  switch (m.type) {
    case 'welcome':
      return applyWelcome(s, m);
    case 'event':
      return applyEvent(s, m);
    case 'presence':
      return applyPresence(s, m);
    case 'state':
      return applyState(s, m.key, m.data);
  }
  return s;
}

/** The agenda's exercises, in order. */
export function agendaList(s: RoomState): Exercise[] {
  return s.agenda.items.map((id) => s.exercises[id]).filter((e): e is Exercise => !!e);
}

export function currentExercise(s: RoomState): Exercise | null {
  return (s.agenda.current && s.exercises[s.agenda.current]) || null;
}
