// RoomSession joins the protocol client to a reactive room state that
// Svelte components read.
import { RoomClient, wsUrl, type ConnStatus, type StopReason } from './client';
import { applyAck, emptyState, reduce, type RoomState } from './reducer';
import { creds } from './storage';
import { limits } from './limits.svelte';

export interface SessionOptions {
  roomId: string;
  token: string;
  /** Storage key for unanswered commands. */
  pendingKey: string;
  view?: string;
  onBadToken?: () => Promise<string | null>;
}

const live = new Set<RoomSession>();

export class RoomSession {
  state = $state.raw<RoomState>(emptyState());
  status = $state<ConnStatus>('connecting');
  stopped = $state<StopReason | null>(null);
  welcomed = $state(false);
  /** Commands sent and not yet answered. */
  pendingCount = $state(0);
  client: RoomClient;

  constructor(opts: SessionOptions) {
    this.client = new RoomClient({
      url: wsUrl(),
      room: opts.roomId,
      token: opts.token,
      view: opts.view,
      pendingKey: opts.pendingKey,
      storage: creds.storage(),
      watchNetwork: true,
      onBadToken: opts.onBadToken,
      onMessage: (m) => {
        this.state = reduce(this.state, m);
        if (m.type === 'welcome') {
          this.welcomed = true;
          limits.adopt(m.server?.limits);
        }
      },
      onAck: (type, data, result) => {
        this.state = applyAck(this.state, type, data, result);
      },
      onStatus: (s) => {
        this.status = s;
        this.pendingCount = this.client.pendingIds.length;
      },
      onStop: (reason) => {
        this.stopped = reason;
        if (reason === 'ended' && this.state.room) this.state = { ...this.state, room: { ...this.state.room, ended: true } };
      },
    });
    live.add(this);
    this.client.connect();
  }

  send<T = any>(type: string, data?: unknown): Promise<T> {
    const p = this.client.send<T>(type, data);
    this.pendingCount = this.client.pendingIds.length;
    const count = () => (this.pendingCount = this.client.pendingIds.length);
    p.then(count, count);
    return p;
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
