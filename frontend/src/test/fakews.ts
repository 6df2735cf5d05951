// A scriptable stand-in for the browser WebSocket, for client tests.
export class FakeWS {
  static all: FakeWS[] = [];
  static last(): FakeWS {
    return FakeWS.all[FakeWS.all.length - 1];
  }
  readyState = 0;
  sent: any[] = [];
  closedWith: number | null = null;
  onopen: ((e: any) => void) | null = null;
  onmessage: ((e: any) => void) | null = null;
  onclose: ((e: any) => void) | null = null;
  onerror: ((e: any) => void) | null = null;

  constructor(public url: string) {
    FakeWS.all.push(this);
  }
  /** Answer the client's pings, as a live server does (after a tick). */
  autoPong = false;
  send(data: string) {
    const m = JSON.parse(data);
    this.sent.push(m);
    if (this.autoPong && m.type === 'ping') setTimeout(() => this.receive({ type: 'pong' }), 0);
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
  }
  // ---- driven by the test ----
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** One server frame: messages joined by "\n". */
  receive(...msgs: object[]) {
    this.onmessage?.({ data: msgs.map((m) => JSON.stringify(m)).join('\n') });
  }
  serverClose(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  commands() {
    return this.sent.filter((m) => m.type !== 'hello' && m.type !== 'pong' && m.type !== 'ping');
  }
}

export const welcome = (seq = 0, extra: object = {}) => ({
  type: 'welcome',
  you: { id: 'm1', name: 'Ann', role: 'participant', online: true },
  position: { epoch: 'E', seq },
  recovered: false,
  snapshot: { room: { id: 'r1', code: 'ABCDEF', title: 'T', locked: false, ended: false, showNames: true }, participants: 1 },
  presence: { type: 'presence', online: 1, participants: 1 },
  server: { heartbeatMs: 25000, limits: { maxMessageBytes: 16384 } },
  ...extra,
});

export const ev = (seq: number, event = 'room.updated', data: object = {}) => ({ type: 'event', event, seq, epoch: 'E', data });

export class MemStorage {
  m = new Map<string, string>();
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
}
