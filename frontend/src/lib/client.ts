// RoomClient speaks the Huddle WebSocket protocol (docs/protocol.md) for
// one member in one room: hello with the stored token, resume from the
// last position, jittered exponential backoff, commands that are re-sent
// with their original ids until answered, ping/pong and liveness, and the
// close codes that end a session for good.
import { splitFrame } from './frames';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { newId } from './ids';
import type { ErrorMsg, Position, ServerMsg, WelcomeMsg } from './types';

export type ConnStatus = 'connecting' | 'online' | 'reconnecting' | 'stopped';
/** Why the client stopped. 'replaced' alone is not for good: resume(). */
export type StopReason = 'removed' | 'ended' | 'bad_token' | 'replaced' | 'closed';

/** How often a command the server answers `internal` is tried again before it fails. */
export const MAX_INTERNAL_RETRIES = 4;
/** A command unanswered this long makes the client check that its connection is alive. */
export const STALL_MS = 5000;
/** How long the check waits for any message: longer than the server's own
 *  10 s bound on a command, which holds the connection's answers. */
export const STALL_WAIT_MS = 12_000;

/** A command's failure, as the server (or the client) typed it. */
export class CommandError extends Error {
  constructor(public code: string, message: string, public field?: string) {
    super(message);
  }
}

/** A command sent and not yet answered, as the UI may show it. */
export interface PendingCommand {
  id: string;
  type: string;
  data: unknown;
}

interface Pending {
  id: string;
  type: string;
  data: unknown;
  resolve: (result: any) => void;
  reject: (e: CommandError) => void;
  retries: number;
  /** How many of the retries answered internal (a server bug may answer so every time). */
  internals?: number;
  /** Sent on this connection and not yet answered (not waiting for a retry). */
  awaiting?: boolean;
  sentAt?: number;
  /** The connection was checked while this waited, and answered. */
  checked?: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** A stored command, with the token it was sent under: another identity
 *  (after joining again) must never send it. */
interface Stored { id: string; type: string; data: unknown; token?: string }

export interface ClientOptions {
  url: string;
  room: string;
  token: string;
  /** "projector": a read-only connection that sees what participants see. */
  view?: string;
  onMessage: (msg: ServerMsg) => void;
  onStatus?: (s: ConnStatus) => void;
  onStop?: (reason: StopReason, code: number) => void;
  /** Every ack, also of commands restored after a reload that nobody awaits. */
  onAck?: (type: string, data: any, result: any) => void;
  /** The refusal of a command restored after a reload: nobody awaits it,
   *  and the page that sent it is gone, so only this can say it. */
  onRestoredError?: (type: string, data: any, err: CommandError) => void;
  /** Close 4001: return a new token (a participant joins again) or null to stop. */
  onBadToken?: () => Promise<string | null>;
  /** Where unanswered commands survive a reload (localStorage key). */
  pendingKey?: string;
  storage?: Storage | null;
  WebSocketImpl?: new (url: string) => WebSocket;
  /** DEFAULT_BACKOFF, a phone's; FEW_BACKOFF for the console and projector (lib/backoff.ts). */
  backoff?: BackoffOptions;
  random?: () => number;
  /** Reset the backoff once a connection has stayed up this long. */
  stableMs?: number;
  /** Watch window online/offline/visibility events (browsers only). */
  watchNetwork?: boolean;
}

const WS_OPEN = 1;

export class RoomClient {
  status: ConnStatus = 'connecting';
  position: Position | null = null;
  heartbeatMs = 25_000;
  maxMessageBytes = 16_384;
  /** Set while the socket has said hello and got its welcome. */
  ready = false;

  private ws: WebSocket | null = null;
  private pending = new Map<string, Pending>();
  /** Commands this page saw answered: the only stored ones it may drop
   *  (another tab of the same phone keeps its own in the same key). */
  private settledIds = new Set<string>();
  private attempt = 0;
  private welcomedAt = 0;
  /** The current connection was welcomed (welcomedAt is the last welcome of any). */
  private welcomedHere = false;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private liveTimer?: ReturnType<typeof setTimeout>;
  private stallTimer?: ReturnType<typeof setTimeout>;
  /** The connection is being checked for a command that waits: if it is
   *  dead, reconnecting keeps its backoff (a slow store must not bring
   *  every phone back at once). */
  private stalled = false;
  private stopped = false;
  /** Stopped by close 4006: the room is open elsewhere with this token
   *  (another tab, another device), and only resume() connects again. */
  private replaced = false;
  private token: string;
  private unwatch: (() => void) | null = null;

  constructor(private opts: ClientOptions) {
    this.token = opts.token;
    this.restorePending();
    if (opts.watchNetwork && typeof window !== 'undefined') this.watch();
  }

  /** Unanswered commands, oldest first (for tests and the UI). */
  get pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  /** Unanswered commands as sent, oldest first: a page reloaded with some
   *  still waiting (restored from storage) can show what they are. */
  get pendingCommands(): PendingCommand[] {
    return [...this.pending.values()].map(({ id, type, data }) => ({ id, type, data }));
  }

  connect(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.teardown();
    const WS = this.opts.WebSocketImpl ?? WebSocket;
    let ws: WebSocket;
    try {
      ws = new WS(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const hello: Record<string, unknown> = { type: 'hello', room: this.opts.room, token: this.token };
      if (this.position) hello.since = this.position;
      if (this.opts.view) hello.view = this.opts.view;
      ws.send(JSON.stringify(hello));
      this.armLiveness();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return;
      for (const m of splitFrame(ev.data)) this.handle(m);
      if (this.ws === ws) {
        this.armLiveness(); // after the welcome has set the heartbeat
        this.stalled = false; // it answers
        this.watchStall(); // commands sent since the last check
      }
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.onClosed(ev.code);
    };
    ws.onerror = () => {
      // onclose follows.
    };
  }

  /** Send a command; resolves with its result on ack, rejects with a CommandError. */
  send<T = any>(type: string, data?: unknown): Promise<T> {
    const id = newId();
    return new Promise<T>((resolve, reject) => {
      if (this.stopped) {
        reject(new CommandError(this.replaced ? 'replaced' : 'stopped', 'not connected to the room'));
        return;
      }
      const body = JSON.stringify({ type, id, data: data ?? null });
      if (new TextEncoder().encode(body).length > this.maxMessageBytes) {
        reject(new CommandError('too_long', 'this is too long to send'));
        return;
      }
      const p: Pending = { id, type, data, resolve, reject, retries: 0 };
      this.pending.set(id, p);
      this.savePending();
      this.transmit(p);
    });
  }

  /** Stop for good (leaving the page, or the session is over). */
  close(reason: StopReason = 'closed', code = 1000): void {
    if (this.stopped && !this.replaced) return;
    this.stopped = true;
    this.replaced = false;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.liveTimer);
    this.teardown(code >= 4000 ? 1000 : code);
    this.unwatch?.();
    this.setStatus('stopped');
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      if (reason !== 'closed') this.forget(p.id);
      p.reject(new CommandError(reason === 'closed' ? 'stopped' : reason, 'not connected to the room'));
    }
    this.pending.clear();
    if (reason !== 'closed') this.savePending();
    this.opts.onStop?.(reason, code);
  }

  /** Connect again after close 4006, when the person asks to use the room
   *  here: resuming, with every unanswered command sent again. The server
   *  closes the token's oldest connection in turn (the other tab's, say),
   *  which then waits as this one did. */
  resume(): void {
    if (!this.replaced) return;
    this.replaced = false;
    this.stopped = false;
    this.attempt = 0;
    this.setStatus('reconnecting');
    this.connect();
  }

  /** Drop the connection and reconnect (tests, and a stale socket). */
  reconnectNow(): void {
    if (this.stopped) return;
    this.attempt = 0;
    this.connect();
  }

  // ---- internals ----

  private setStatus(s: ConnStatus) {
    if (this.status === s) return;
    this.status = s;
    this.opts.onStatus?.(s);
  }

  private teardown(code = 1000) {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(code);
      } catch {
        /* already closed */
      }
    }
  }

  private transmit(p: Pending) {
    if (!this.ready || !this.ws || this.ws.readyState !== WS_OPEN) return; // sent after the next welcome
    this.ws.send(JSON.stringify({ type: p.type, id: p.id, data: p.data ?? null }));
    p.awaiting = true;
    p.sentAt = Date.now();
    p.checked = false;
    this.watchStall();
  }

  /**
   * A command unanswered for STALL_MS on a socket that looks open: the
   * network may have died under it (a Wi-Fi that stopped passing data
   * says nothing), which the heartbeat would find only after 2.5 beats.
   * Ask, and give the connection a few seconds; any message answers.
   */
  private watchStall() {
    if (this.stallTimer) return;
    const waiting = [...this.pending.values()].filter((p) => p.awaiting && !p.checked);
    if (!waiting.length) return;
    const oldest = Math.min(...waiting.map((p) => p.sentAt ?? 0));
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (!this.ready || !this.ws || this.ws.readyState !== WS_OPEN) return;
      const now = Date.now();
      const due = [...this.pending.values()].filter((p) => p.awaiting && !p.checked);
      if (!due.length) return;
      if (now - Math.min(...due.map((p) => p.sentAt ?? 0)) < STALL_MS) {
        this.watchStall(); // the oldest was answered; watch the next
        return;
      }
      // One check for every command waiting now; any message answers it,
      // and a command sent later is watched anew.
      for (const p of due) p.checked = true;
      this.stalled = true;
      this.ws.send('{"type":"ping"}');
      this.armLiveness(STALL_WAIT_MS);
    }, Math.max(0, oldest + STALL_MS - Date.now()));
  }

  private handle(m: ServerMsg) {
    switch (m.type) {
      case 'ping':
        this.ws?.send('{"type":"pong"}');
        return;
      case 'pong':
        return;
      case 'welcome':
        this.onWelcome(m);
        return;
      case 'event': {
        const pos = this.position;
        if (pos && m.epoch === pos.epoch && m.seq <= pos.seq) return; // seen already
        this.position = { epoch: m.epoch, seq: m.seq };
        this.opts.onMessage(m);
        return;
      }
      case 'ack': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.settle(p);
        this.opts.onAck?.(p.type, p.data, m.result);
        p.resolve(m.result);
        return;
      }
      case 'error':
        this.onError(m);
        return;
      default:
        this.opts.onMessage(m);
    }
  }

  private onWelcome(w: WelcomeMsg) {
    if (w.server?.heartbeatMs) this.heartbeatMs = w.server.heartbeatMs;
    if (w.server?.limits?.maxMessageBytes) this.maxMessageBytes = w.server.limits.maxMessageBytes;
    // A snapshot sets the position. A recovered welcome's position may be
    // ahead of the missed events that follow it, so keep ours and let
    // those events advance it.
    if (!w.recovered || !this.position) this.position = w.position;
    this.ready = true;
    this.welcomedAt = Date.now();
    this.welcomedHere = true;
    this.setStatus('online');
    this.opts.onMessage(w);
    // Re-send every unanswered command with its original id, but none
    // over this connection's limit: the server would close the connection
    // (1009) for it, and the client would reconnect and send it again,
    // for ever (the limit may have gone down, or the connection be
    // another role's).
    for (const p of [...this.pending.values()]) {
      clearTimeout(p.timer);
      p.timer = undefined;
      if (this.encodedSize(p) > this.maxMessageBytes) {
        // It may have reached the server before the connection dropped:
        // say it could not be sent again, not that it was never taken.
        this.settle(p);
        p.reject(new CommandError('unsent', 'this could not be sent again'));
        continue;
      }
      this.transmit(p);
    }
  }

  private encodedSize(p: Pending): number {
    return new TextEncoder().encode(JSON.stringify({ type: p.type, id: p.id, data: p.data ?? null })).length;
  }

  private onError(e: ErrorMsg) {
    if (!e.id) return; // about hello or an unreadable message; a close follows when it matters
    const p = this.pending.get(e.id);
    if (!p) return;
    // A server bug (internal) may answer the same command the same way
    // every time: after a few tries, say so instead of "Sending…" for ever.
    if (e.code === 'internal') p.internals = (p.internals ?? 0) + 1;
    if (e.retry && !(e.code === 'internal' && (p.internals ?? 0) > MAX_INTERNAL_RETRIES)) {
      // Not stored by the server: the same id tries again.
      p.retries++;
      p.awaiting = false;
      clearTimeout(p.timer);
      p.timer = setTimeout(() => {
        p.timer = undefined;
        if (this.pending.has(p.id)) this.transmit(p);
      }, backoffDelay(p.retries, { baseMs: 500, capMs: 10_000, floorMs: 1000 }, this.opts.random));
      return;
    }
    this.settle(p);
    p.reject(new CommandError(e.code, e.message, e.field));
  }

  private settle(p: Pending) {
    clearTimeout(p.timer);
    this.pending.delete(p.id);
    this.forget(p.id);
    this.savePending();
  }

  private forget(id: string) {
    this.settledIds.add(id);
    if (this.settledIds.size > 4096) this.settledIds.delete(this.settledIds.values().next().value!);
  }

  private onClosed(code: number) {
    this.ws = null;
    this.ready = false;
    clearTimeout(this.liveTimer);
    switch (code) {
      case 4002:
        this.close('removed', code);
        return;
      case 4003:
        this.close('ended', code);
        return;
      case 4001:
        this.onBadTokenClose();
        return;
      case 4006:
        this.yieldToNewer();
        return;
    }
    // Only the end of a connection that was welcomed and lasted starts the
    // backoff again: a failed attempt after it (the server still down) is
    // not one, or the phone would retry every half second for as long as
    // the server is away.
    if (this.welcomedHere && Date.now() - this.welcomedAt > (this.opts.stableMs ?? 10_000) && !this.stalled) this.attempt = 0;
    this.welcomedHere = false;
    this.stalled = false;
    // A floor where trying again at once is known to fail: 1013 says the
    // store is unavailable (or the node overloaded). None after 1001: a
    // node shutting down already spreads its closes over shutdown-spread,
    // and the next connection goes to another node (docs/protocol.md 14).
    const floor = code === 1013 ? 1000 : code === 4005 ? 200 : 0;
    this.scheduleReconnect(floor);
  }

  /**
   * Close 4006: the same token connected to the room once more than the
   * server allows (another tab, another device, docs/protocol.md 3.3) and
   * this was its oldest connection. Connecting again on its own would
   * close that one in turn, and the two would take turns for ever: it
   * stops until asked (resume), keeping what is unanswered to send then.
   */
  private yieldToNewer() {
    this.stopped = true;
    this.replaced = true;
    clearTimeout(this.reconnectTimer);
    this.welcomedHere = false;
    this.stalled = false;
    this.setStatus('stopped');
    this.opts.onStop?.('replaced', 4006);
  }

  private async onBadTokenClose() {
    const renew = this.opts.onBadToken;
    const token = renew ? await renew().catch(() => null) : null;
    if (!token || this.stopped) {
      this.close('bad_token', 4001);
      return;
    }
    // A new identity: the old one's unanswered commands cannot be
    // re-sent safely, and its position means nothing.
    this.token = token;
    this.position = null; // the old token's stored commands go with it (savePending keeps only this token's)
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      this.forget(p.id);
      p.reject(new CommandError('rejoined', 'you joined again; send this again'));
    }
    this.pending.clear();
    this.savePending();
    this.scheduleReconnect();
  }

  private scheduleReconnect(floorMs = 0) {
    if (this.stopped) return;
    this.setStatus(this.welcomedAt ? 'reconnecting' : 'connecting');
    const delay = backoffDelay(this.attempt, { ...(this.opts.backoff ?? DEFAULT_BACKOFF), floorMs }, this.opts.random);
    this.attempt++;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /** Treat the connection as dead when nothing arrives for 2.5 heartbeats. */
  private armLiveness(ms = this.heartbeatMs * 2.5) {
    clearTimeout(this.liveTimer);
    this.liveTimer = setTimeout(() => {
      if (this.ws && !this.stopped) {
        this.teardown();
        this.onClosed(4004);
      }
    }, ms);
  }

  private watch() {
    const online = () => {
      if (!this.ready) this.reconnectNow(); // back on the network: try now, not after the backoff
    };
    const offline = () => {
      // The socket is as good as dead; say so at once.
      if (this.ws) {
        this.teardown();
        this.onClosed(1006);
      }
    };
    const visible = () => {
      if (document.visibilityState !== 'visible' || this.stopped) return;
      if (this.ws && this.ws.readyState === WS_OPEN) {
        // After sleep the socket may be a ghost: ask, and give it 5 s.
        this.ws.send('{"type":"ping"}');
        this.armLiveness(5000);
      } else if (!this.ws) {
        this.reconnectNow();
      }
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    document.addEventListener('visibilitychange', visible);
    this.unwatch = () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      document.removeEventListener('visibilitychange', visible);
    };
  }

  private savePending() {
    const { storage, pendingKey } = this.opts;
    if (!storage || !pendingKey) return;
    try {
      // Another tab of the same phone keeps its unanswered commands in
      // the same key: keep those, drop only what this page saw answered,
      // and any of another token (an identity this phone left).
      let others: Stored[] = [];
      try {
        others = (JSON.parse(storage.getItem(pendingKey) || '[]') as Stored[]).filter((s) => s && typeof s.id === 'string'
          && (s.token ?? this.token) === this.token && !this.pending.has(s.id) && !this.settledIds.has(s.id));
      } catch {
        /* a broken entry: replaced below */
      }
      const mine = [...this.pending.values()].map((p): Stored => ({ id: p.id, type: p.type, data: p.data, token: this.token }));
      const list: Stored[] = [...others, ...mine];
      if (list.length === 0) storage.removeItem(pendingKey);
      else storage.setItem(pendingKey, JSON.stringify(list));
    } catch {
      /* storage full or disabled */
    }
  }

  private restorePending() {
    const { storage, pendingKey } = this.opts;
    if (!storage || !pendingKey) return;
    try {
      const list = JSON.parse(storage.getItem(pendingKey) || '[]') as Stored[];
      for (const s of list) {
        if (!s || typeof s.id !== 'string' || typeof s.type !== 'string') continue;
        if (s.token && s.token !== this.token) continue; // another identity's: never sent as this one
        // Commands from before a reload: nobody awaits them, but they
        // must still be answered exactly once, and a refusal said.
        const reject = (err: CommandError) => this.opts.onRestoredError?.(s.type, s.data, err);
        this.pending.set(s.id, { ...s, resolve: () => {}, reject, retries: 0 });
      }
    } catch {
      /* ignore a broken entry */
    }
  }
}

export function wsUrl(loc: Location = window.location): string {
  return (loc.protocol === 'https:' ? 'wss://' : 'ws://') + loc.host + '/ws';
}
