// Wire types of the Huddle protocol (docs/protocol.md) and of the
// exercises (exercises/*.go). Only what the web app reads is typed.

export type Role = 'facilitator' | 'participant';

export interface Position { epoch: string; seq: number }

export interface Room {
  id: string; code: string; title: string; locked: boolean; ended: boolean; showNames: boolean;
  createdAt?: string; joinUrl?: string;
  /** When the room ended (docs/protocol.md 7.1); absent while it runs. */
  endedAt?: string;
  /** The pack the room started from (docs/protocol.md 2.9.4), when it did. */
  pack?: string; packTitle?: string;
  /** Only from the look-up (docs/protocol.md 2.5): a join would be refused as room_full now. */
  full?: boolean;
}

export interface MemberView {
  id: string; name: string; role: Role; online: boolean; removed?: boolean;
  /** The facilitator's test participant (docs/protocol.md 7.2): only the console is told of it. */
  preview?: boolean;
}

export interface Limits {
  maxMessageBytes: number; commandRate: number; commandBurst: number; maxNameLen: number;
  maxTitleLen: number; maxTextLen: number; maxParticipants: number;
  maxShortLen: number; maxOptions: number; maxQuestions: number; maxWordEntries: number; maxTimerSeconds: number; minResponses: number;
}

export interface PresenceMsg { type: 'presence'; online: number; participants: number; members?: MemberView[] }

export interface Snapshot {
  room: Room; members?: MemberView[]; participants: number;
  sections?: { exercises?: ExercisesSection; [k: string]: unknown };
}

export interface WelcomeMsg {
  type: 'welcome'; you: MemberView; position: Position; recovered: boolean;
  snapshot?: Snapshot; room?: Room; presence: PresenceMsg;
  server?: { heartbeatMs?: number; limits?: Partial<Limits> };
  /** In an ended room's final welcome to its facilitator (docs/protocol.md
   *  3.3): the session its results are kept as, when they are. */
  session?: SessionSummary;
}

export interface EventMsg { type: 'event'; event: string; seq: number; epoch: string; data?: any }
export interface AckMsg { type: 'ack'; id: string; result?: any }
export interface ErrorMsg { type: 'error'; id?: string; code: string; message: string; field?: string; retry?: boolean }
export interface StateMsg { type: 'state'; key: string; data: any }
export interface PingMsg { type: 'ping' }
export interface PongMsg { type: 'pong' }

export type ServerMsg = WelcomeMsg | EventMsg | AckMsg | ErrorMsg | PresenceMsg | StateMsg | PingMsg | PongMsg;

// ---- Exercises ----

export type Kind = 'poll' | 'scale' | 'survey' | 'words' | 'text' | 'retro' | 'help' | 'kudos';
export const KINDS: Kind[] = ['poll', 'scale', 'survey', 'words', 'text', 'retro', 'help', 'kudos'];
export const VOTE_KINDS: Kind[] = ['poll', 'scale', 'survey', 'words', 'text'];
export type Status = 'prepared' | 'open' | 'closed' | 'results';

export interface Option { id: string; label: string }
export interface Question {
  id: string; kind: 'choice' | 'scale'; prompt: string;
  options?: Option[]; multi?: boolean; maxChoices?: number;
  min?: number; max?: number; minLabel?: string; maxLabel?: string;
}
export interface Column { id: string; title: string; hint?: string }
export interface RetroSpec { template?: string; columns: Column[]; dots: number; maxPerItem: number }

export interface Spec {
  kind: Kind; title: string; prompt?: string; notes?: string; anonymous?: boolean;
  minResponses?: number; allowChange?: boolean; timerSeconds?: number;
  questions?: Question[]; maxEntries?: number; retro?: RetroSpec;
}

export interface Exercise extends Spec {
  id: string; status: Status; endsAt?: string; phase?: string; focus?: string;
  /** Retro: the dot totals have been shown, so the vote cannot start again. */
  dotsFinal?: boolean;
}

export interface Agenda { items: string[]; current?: string }

export interface ExerciseView { exercise: Exercise; state: any; mine?: any }
export interface ExercisesSection { agenda: Agenda; exercises: ExerciseView[] }

export interface Answer { choices?: string[]; value?: number }
export interface Ballot { answers?: Record<string, Answer>; words?: string[]; text?: string; textId?: string }

export interface QuestionResult { id: string; counts: Record<string, number>; answered: number; mean?: number; median?: number; hidden?: boolean }
export interface TextAnswer { id: string; text: string; hidden?: boolean }
/** hidden: the facilitator hid it (only the facilitator's results have it). */
export interface WordCount { word: string; count: number; hidden?: boolean }
export interface Results { questions?: QuestionResult[]; words?: WordCount[]; moreWords?: number; texts?: TextAnswer[] }
export interface NamedBallot { member: string; name: string; ballot: Ballot }
/** final: facilitators only, a closed anonymous vote whose results were seen, which opens no more (docs/protocol.md). */
export interface VoteView {
  exercise: string; status: Status; responses: number; minResponses: number; anonymous: boolean;
  results?: Results; byMember?: NamedBallot[]; final?: boolean;
}

/** `dots`: on the board once the dot totals have been shown, the dots
 *  placed on the card itself (a group's total includes them). `authorId`
 *  (the author's member id) comes with `authorName` only, to tell
 *  namesakes apart (docs/protocol.md 8.7); a card named before the server
 *  kept it has none. */
export interface RetroCardView { id: string; column: string; text: string; authorId?: string; authorName?: string; group?: string; dots?: number }
export interface RetroGroup { id: string; title: string; cards: string[] }
export interface RetroItem { id: string; kind: 'group' | 'card'; dots?: number }
export interface RetroAction { id: string; seq: number; text: string; owner?: string; due?: string; done: boolean; item?: string }
export interface RetroView {
  exercise: string; status: Status; phase: string; focus?: string; dots: number; maxPerItem: number;
  /** Each column's count once revealed; 0 while cards are hidden. */
  columns: { id: string; title: string; count: number }[];
  /** How many cards the board holds. */
  written?: number;
  revealed: boolean; cards: RetroCardView[]; groups: RetroGroup[]; items: RetroItem[];
  dotsShown: boolean; dotsPlaced?: number; actions: RetroAction[];
}
export interface RetroMine { cards: RetroCardView[]; dots?: Record<string, number>; dotsLeft?: number }

/** helperId, authorId (a named request's only): member ids, to tell namesakes apart (docs/protocol.md 8.8). */
export interface HelpOfferView { id: string; helperId?: string; helperName: string; message: string; accepted: boolean; step?: string }
export interface HelpRequestView {
  id: string; title: string; detail?: string; tags: string[]; status: 'open' | 'matched' | 'resolved';
  anonymous: boolean; authorId?: string; authorName?: string; offers: HelpOfferView[];
}
export interface HelpView {
  exercise: string; status: Status; counts: { open: number; matched: number; resolved: number };
  requests: HelpRequestView[];
}
export interface Paired { request: string; offer: string; requesterName?: string; helperId?: string; helperName?: string }
export interface HelpMine { requests: string[]; offers: string[]; paired?: Paired[] }

/** A kudo says nothing of when it was sent: a wall comes in the order of
 *  its kudos' random ids (docs/protocol.md 8.10). */
export interface Kudo {
  id: string; to: string; toName?: string; fromName?: string;
  /** The sender's member id, on a named kudo only (docs/protocol.md 8.9). */
  from?: string;
  anonymous: boolean; message: string; hidden?: boolean;
}
export interface KudosView { exercise: string; status: Status; count: number; kudos: Kudo[] }

export const RETRO_PHASES = ['write', 'reveal', 'group', 'vote', 'discuss', 'actions'] as const;
export type RetroPhase = (typeof RETRO_PHASES)[number];

// ---- The trainer's library (docs/protocol.md 2.9) ----

export interface PackSummary {
  id: string; title: string; description: string; author: string; exercises: number;
  /** Kind of each exercise, in order. */
  kinds: string[];
  builtin: boolean; source: 'builtin' | 'library' | 'directory' | string; version: string; updatedAt?: string;
  /** GET /api/packs: a library pack of a server that keeps its library in memory only, lost when it restarts. */
  untilRestart?: boolean;
}
export interface Pack { schema?: number; id: string; title: string; description?: string; author?: string; exercises: Spec[] }
export interface PackEntry { summary: PackSummary; pack: Pack }
/** One validation problem of a pack (line only for YAML input). */
export interface Problem { line?: number; field?: string; message: string }

export interface SessionSummary {
  id: string; code: string; title: string; pack: string; packTitle: string;
  createdAt: string; endedAt: string; participants: number; exercises: number;
  /** When the session is forgotten (endedAt + results-ttl); absent when it is kept until deleted. */
  expiresAt?: string;
  /** The server keeps its library in memory only: the session is forgotten when it restarts, expiresAt or not. */
  untilRestart?: boolean;
}

export interface LabelCount { label: string; count: number }
/** A question's tally on one side of a comparison; hidden: fewer than the threshold answered it (no counts, mean or median). */
export interface QuestionTally { answered: number; counts: LabelCount[]; mean?: number; median?: number; hidden?: boolean }
export interface QuestionExport extends QuestionTally { prompt: string; kind: string }
export interface VoteExport { minResponses: number; hidden: boolean; hiddenReason?: HiddenReason; questions?: QuestionExport[]; words?: { word: string; count: number }[]; texts?: string[] }
export interface ExerciseResult {
  kind: Kind; title: string; prompt?: string; facilitatorNotes?: string; status: Status; anonymous: boolean; responses: number;
  vote?: VoteExport; retro?: any; help?: any; kudos?: any;
}
export interface RoomResults { title: string; date: string; ended: boolean; showNames: boolean; participants: number; exercises: ExerciseResult[] }
export interface SessionResults { session: SessionSummary; results: RoomResults }

/** One session's side of a compared exercise; minResponses is a vote's threshold (absent for other kinds). */
/** Why a side's (or an export's) results are hidden (docs/protocol.md 2.9.5). */
export type HiddenReason = 'not_run' | 'still_open' | 'too_few';
export interface CompareSide { status: Status | string; responses: number; hidden: boolean; hiddenReason?: HiddenReason; minResponses?: number }
export interface CompareQuestion {
  prompt: string; kind: string; a: QuestionTally | null; b: QuestionTally | null; meanDelta?: number;
}
export interface CompareExercise {
  kind: Kind | string; title: string; a: CompareSide | null; b: CompareSide | null;
  questions?: CompareQuestion[];
  /** Retros: cards per column; null on a side without that column or exercise. */
  columns?: { title: string; a: number | null; b: number | null }[];
  actions?: { a: number | null; b: number | null };
}
export interface Comparison { a: SessionSummary; b: SessionSummary; exercises: CompareExercise[] }
