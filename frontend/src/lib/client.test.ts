import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandError, MAX_INTERNAL_RETRIES, RoomClient, STALL_MS, STALL_WAIT_MS, type ClientOptions } from './client';
import { ev, FakeWS, MemStorage, welcome } from '../test/fakews';
import type { ServerMsg } from './types';

let got: ServerMsg[];
function client(opts: Partial<ClientOptions> = {}) {
  got = [];
  const c = new RoomClient({
    url: 'ws://x/ws', room: 'r1', token: 'tok',
    WebSocketImpl: FakeWS as any, random: () => 1,
    onMessage: (m) => got.push(m),
    ...opts,
  });
  c.connect();
  return c;
}
/** Open the newest socket and answer its hello with a welcome. */
function accept(w: object = welcome()) {
  const ws = FakeWS.last();
  ws.open();
  ws.receive(w);
  return ws;
}

beforeEach(() => {
  FakeWS.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('RoomClient: hello and position', () => {
  it('says hello with the room and token, without since the first time', () => {
    client();
    const ws = accept();
    expect(ws.sent[0]).toEqual({ type: 'hello', room: 'r1', token: 'tok' });
  });

  it('asks for a projector view when told to', () => {
    client({ view: 'projector' });
    expect(accept().sent[0]).toEqual({ type: 'hello', room: 'r1', token: 'tok', view: 'projector' });
  });

  it('tracks the position from the welcome and events, and resumes from it', () => {
    const c = client();
    const ws = accept(welcome(4));
    ws.receive(ev(5), ev(7));
    expect(c.position).toEqual({ epoch: 'E', seq: 7 });
    ws.serverClose(1006);
    vi.advanceTimersByTime(600);
    const ws2 = FakeWS.last();
    expect(ws2).not.toBe(ws);
    ws2.open();
    expect(ws2.sent[0]).toEqual({ type: 'hello', room: 'r1', token: 'tok', since: { epoch: 'E', seq: 7 } });
  });

  it('applies the missed events that follow a recovered welcome, whose position is ahead of them', () => {
    const c = client();
    const ws = accept(welcome(2));
    ws.serverClose(1006);
    vi.advanceTimersByTime(600);
    const ws2 = FakeWS.last();
    ws2.open();
    // docs/protocol.md 11, step 7: position 3 in the welcome, then event 3.
    ws2.receive({ ...welcome(3), recovered: true, snapshot: undefined }, ev(3, 'room.updated', { locked: true }));
    expect(got.filter((m) => m.type === 'event').map((m: any) => m.seq)).toEqual([3]);
    expect(c.position).toEqual({ epoch: 'E', seq: 3 });
  });

  it('ignores an event seen twice', () => {
    client();
    const ws = accept(welcome(1));
    ws.receive(ev(2), ev(2));
    ws.receive(ev(1), ev(3));
    expect(got.filter((m) => m.type === 'event').map((m: any) => m.seq)).toEqual([2, 3]);
  });

  it('takes a snapshot position as it is, even when it goes back (new epoch)', () => {
    const c = client();
    const ws = accept(welcome(9));
    ws.receive({ ...welcome(1), position: { epoch: 'F', seq: 1 } });
    expect(c.position).toEqual({ epoch: 'F', seq: 1 });
    ws.receive({ ...ev(2), epoch: 'F' });
    expect(c.position).toEqual({ epoch: 'F', seq: 2 });
  });

  it('answers ping with pong', () => {
    client();
    const ws = accept();
    ws.receive({ type: 'ping' });
    expect(ws.sent.at(-1)).toEqual({ type: 'pong' });
  });
});

describe('RoomClient: commands', () => {
  it('resolves a command on its ack, once', async () => {
    const c = client();
    const ws = accept();
    const p = c.send('exercise.answer', { exercise: 'e1' });
    const cmd = ws.commands()[0];
    expect(cmd).toMatchObject({ type: 'exercise.answer', data: { exercise: 'e1' } });
    ws.receive({ type: 'ack', id: cmd.id, result: { ok: 1 } }, { type: 'ack', id: cmd.id });
    await expect(p).resolves.toEqual({ ok: 1 });
    expect(c.pendingIds).toEqual([]);
  });

  it('rejects with the typed error and forgets the command', async () => {
    const c = client();
    const ws = accept();
    const p = c.send('exercise.answer', {});
    const id = ws.commands()[0].id;
    ws.receive({ type: 'error', id, code: 'already_answered', message: 'you have answered already', field: 'x' });
    const e = await p.catch((x) => x);
    expect(e).toBeInstanceOf(CommandError);
    expect(e).toMatchObject({ code: 'already_answered', field: 'x' });
    expect(c.pendingIds).toEqual([]);
  });

  it('holds commands sent while disconnected and sends them after the welcome', () => {
    const c = client();
    c.send('retro.card.add', { text: 'a' });
    expect(FakeWS.last().sent).toEqual([]);
    const ws = accept();
    expect(ws.commands().map((m) => m.type)).toEqual(['retro.card.add']);
  });

  it('re-sends unanswered commands with their original ids after a reconnect, and settles each once', async () => {
    const c = client();
    const ws = accept();
    const p1 = c.send('a', 1);
    const p2 = c.send('b', 2);
    const [a, b] = ws.commands();
    ws.receive({ type: 'ack', id: a.id });
    ws.serverClose(1006);
    vi.advanceTimersByTime(600);
    const ws2 = accept({ ...welcome(0), recovered: true, snapshot: undefined });
    expect(ws2.commands()).toEqual([{ type: 'b', id: b.id, data: 2 }]);
    ws2.receive({ type: 'ack', id: b.id });
    await expect(p1).resolves.toBeUndefined();
    await expect(p2).resolves.toBeUndefined();
    expect(c.pendingIds).toEqual([]);
  });

  it('retries a retryable error with the same id after a delay', async () => {
    const c = client();
    const ws = accept();
    const p = c.send('x', {});
    const id = ws.commands()[0].id;
    ws.receive({ type: 'error', id, code: 'rate_limited', message: 'slow down', retry: true });
    expect(ws.commands()).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(ws.commands().map((m) => m.id)).toEqual([id, id]);
    ws.receive({ type: 'ack', id });
    await expect(p).resolves.toBeUndefined();
  });

  it('gives up on a command the server keeps answering internal, after a few tries', async () => {
    const c = client();
    const ws = accept();
    ws.autoPong = true; // a live server, slow to answer the command
    const p = c.send('x', {});
    const id = ws.commands()[0].id;
    for (let i = 0; i <= MAX_INTERNAL_RETRIES; i++) {
      ws.receive({ type: 'error', id, code: 'internal', message: 'internal error', retry: true });
      vi.advanceTimersByTime(20_000);
    }
    await expect(p).rejects.toMatchObject({ code: 'internal' });
    expect(ws.commands()).toHaveLength(MAX_INTERNAL_RETRIES + 1);
    expect(c.pendingIds).toEqual([]);
  });

  it('counts only internal answers toward giving up, not a busy server\'s', async () => {
    const c = client();
    const ws = accept();
    ws.autoPong = true; // a live server, slow to answer the command
    const p = c.send('x', {});
    const id = ws.commands()[0].id;
    for (let i = 0; i < 6; i++) {
      ws.receive({ type: 'error', id, code: 'rate_limited', message: 'slow down', retry: true });
      vi.advanceTimersByTime(20_000);
    }
    ws.receive({ type: 'error', id, code: 'internal', message: 'internal error', retry: true });
    vi.advanceTimersByTime(20_000);
    expect(ws.commands()).toHaveLength(8);
    ws.receive({ type: 'ack', id });
    await expect(p).resolves.toBeUndefined();
  });

  it('refuses a command over the message size limit without sending it', async () => {
    const c = client();
    const ws = accept();
    await expect(c.send('x', { t: 'a'.repeat(20_000) })).rejects.toMatchObject({ code: 'too_long' });
    expect(ws.commands()).toEqual([]);
  });

  it('refuses, instead of re-sending, a held command over the limit a new welcome gives', async () => {
    const c = client();
    const ws = accept();
    const big = c.send('x', { t: 'a'.repeat(10_000) });
    const small = c.send('y', { t: 'b' });
    expect(ws.commands().map((m) => m.type)).toEqual(['x', 'y']);
    ws.serverClose(1006);
    vi.advanceTimersByTime(600);
    // The server now allows 4 KiB: the big command would close the
    // connection (1009) on every reconnect.
    const ws2 = accept({ ...welcome(0), recovered: true, snapshot: undefined, server: { limits: { maxMessageBytes: 4096 } } });
    expect(ws2.commands().map((m) => m.type)).toEqual(['y']);
    await expect(big).rejects.toMatchObject({ code: 'unsent' });
    ws2.receive({ type: 'ack', id: ws2.commands()[0].id });
    await expect(small).resolves.toBeUndefined();
    expect(c.pendingIds).toEqual([]);
  });

  it('keeps unanswered commands across a reload and sends them once more', () => {
    const storage = new MemStorage();
    const c1 = client({ storage: storage as any, pendingKey: 'pk' });
    accept();
    c1.send('exercise.answer', { v: 1 });
    const id = FakeWS.last().commands()[0].id;
    FakeWS.last().serverClose(1006); // the page goes away before the ack
    const acks: string[] = [];
    client({ storage: storage as any, pendingKey: 'pk', onAck: (type) => acks.push(type) });
    const ws = accept();
    expect(ws.commands()).toEqual([{ type: 'exercise.answer', id, data: { v: 1 } }]);
    ws.receive({ type: 'ack', id });
    expect(acks).toEqual(['exercise.answer']);
    expect(storage.getItem('pk')).toBeNull();
  });

  it('keeps another tab\'s unanswered commands when its own are answered', () => {
    const storage = new MemStorage();
    const tabB = client({ storage: storage as any, pendingKey: 'pk' });
    const wsB = accept();
    const tabA = client({ storage: storage as any, pendingKey: 'pk' }); // its answer never comes
    accept();
    tabA.send('retro.card.add', { text: 'from A' });
    tabB.send('retro.card.add', { text: 'from B' });
    const stored = () => JSON.parse(storage.getItem('pk') ?? '[]').map((x: { data: { text: string } }) => x.data.text);
    expect(stored()).toEqual(['from A', 'from B']);
    wsB.receive({ type: 'ack', id: wsB.commands().at(-1)!.id });
    expect(stored()).toEqual(['from A']);
  });

  it('never sends a command stored under another identity', () => {
    const storage = new MemStorage();
    storage.setItem('pk', JSON.stringify([{ id: 'old-1', type: 'exercise.answer', data: {}, token: 'old-token' }]));
    const c = client({ storage: storage as any, pendingKey: 'pk' }); // token 'tok'
    const ws = accept();
    expect(ws.commands()).toEqual([]);
    expect(c.pendingIds).toEqual([]);
    c.send('x', {});
    expect(JSON.parse(storage.getItem('pk')!).map((s: { id: string }) => s.id)).not.toContain('old-1');
  });

  it('says the refusal of a command restored after a reload, which nobody awaits', () => {
    const storage = new MemStorage();
    const c1 = client({ storage: storage as any, pendingKey: 'pk' });
    accept();
    c1.send('exercise.answer', { exercise: 'e1' });
    const id = FakeWS.last().commands()[0].id;
    FakeWS.last().serverClose(1006);
    const refused: [string, unknown, string][] = [];
    const c2 = client({ storage: storage as any, pendingKey: 'pk', onRestoredError: (type, data, err) => refused.push([type, data, err.code]) });
    const ws = accept();
    ws.receive({ type: 'error', id, code: 'wrong_status', message: 'closed' });
    expect(refused).toEqual([['exercise.answer', { exercise: 'e1' }, 'wrong_status']]);
    expect(c2.pendingIds).toEqual([]);
    expect(storage.getItem('pk')).toBeNull();
  });

  it('keeps a restored command stored, and says nothing, when the page closes again', () => {
    const storage = new MemStorage();
    const c1 = client({ storage: storage as any, pendingKey: 'pk' });
    accept();
    c1.send('exercise.answer', { exercise: 'e1' });
    FakeWS.last().serverClose(1006);
    const refused: string[] = [];
    const c2 = client({ storage: storage as any, pendingKey: 'pk', onRestoredError: (_t, _d, err) => refused.push(err.code) });
    c2.close();
    expect(refused).toEqual(['stopped']); // the session ignores this one (restoredMissed)
    expect(storage.getItem('pk')).not.toBeNull();
  });
});

describe('RoomClient: a connection that stops passing data', () => {
  it('checks the connection when a command waits, and reconnects when nothing answers', () => {
    const c = client();
    const ws = accept();
    c.send('retro.card.add', { text: 'x' });
    vi.advanceTimersByTime(STALL_MS);
    expect(ws.sent.at(-1)).toEqual({ type: 'ping' });
    expect(FakeWS.all).toHaveLength(1);
    vi.advanceTimersByTime(STALL_WAIT_MS - 100);
    expect(FakeWS.all).toHaveLength(1); // longer than the server's own bound on a command
    vi.advanceTimersByTime(700); // no pong: dead; a new socket after the backoff
    expect(FakeWS.all.length).toBeGreaterThan(1);
    const ws2 = accept();
    expect(ws2.commands().map((m) => m.type)).toEqual(['retro.card.add']); // sent again, same id
  });

  it('watches a command sent after a check was answered', () => {
    const c = client();
    const ws = accept();
    c.send('a', {});
    vi.advanceTimersByTime(STALL_MS);
    ws.receive({ type: 'pong' });
    c.send('b', {});
    const pings = () => ws.sent.filter((m) => m.type === 'ping').length;
    expect(pings()).toBe(1);
    vi.advanceTimersByTime(STALL_MS);
    expect(pings()).toBe(2); // b's own check; a's was answered already
  });

  it('keeps a connection that answers the check', () => {
    const c = client();
    const ws = accept();
    c.send('retro.card.add', { text: 'x' });
    vi.advanceTimersByTime(STALL_MS);
    ws.receive({ type: 'pong' });
    vi.advanceTimersByTime(STALL_MS * 2);
    expect(FakeWS.all).toHaveLength(1);
  });
});

describe('RoomClient: closes and reconnects', () => {
  it('reconnects with jittered, growing backoff', () => {
    const random = vi.fn(() => 1);
    client({ random });
    FakeWS.last().serverClose(1006); // attempt 0: up to 500 ms
    vi.advanceTimersByTime(499);
    expect(FakeWS.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWS.all).toHaveLength(2);
    FakeWS.last().serverClose(1006); // attempt 1: up to 1000 ms
    vi.advanceTimersByTime(999);
    expect(FakeWS.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeWS.all).toHaveLength(3);
    expect(random).toHaveBeenCalled();
  });

  it('keeps backing off while the server stays away after a long connection', () => {
    client({ random: () => 1 });
    accept();
    vi.advanceTimersByTime(60_000); // a connection that lasted
    FakeWS.last().serverClose(1006); // attempt 0 again: up to 500 ms
    vi.advanceTimersByTime(500);
    expect(FakeWS.all).toHaveLength(2);
    // The server is down: every attempt fails without a welcome, and the
    // waits grow (1 s, 2 s, 4 s, …) instead of starting over each time,
    // up to a phone's cap.
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const n = FakeWS.all.length;
      FakeWS.last().serverClose(1006);
      let waited = 0;
      while (FakeWS.all.length === n) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
  });

  // A node shutting down spreads its 1001s over shutdown-spread, and the
  // next connection goes to another node: no floor (docs/protocol.md 14).
  it('reconnects after 1001 with the plain backoff, no floor', () => {
    client({ random: () => 0 });
    accept();
    FakeWS.last().serverClose(1001);
    vi.advanceTimersByTime(0);
    expect(FakeWS.all).toHaveLength(2);
  });

  it('waits at least a second after 1013', () => {
    client({ random: () => 0 });
    FakeWS.last().serverClose(1013);
    vi.advanceTimersByTime(999);
    expect(FakeWS.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWS.all).toHaveLength(2);
  });

  it.each([
    [4002, 'removed'],
    [4003, 'ended'],
  ])('stops for good on close %i', async (code, reason) => {
    const stops: string[] = [];
    const c = client({ onStop: (r) => stops.push(r) });
    accept();
    const p = c.send('x', {});
    FakeWS.last().serverClose(code);
    vi.advanceTimersByTime(60_000);
    expect(FakeWS.all).toHaveLength(1);
    expect(stops).toEqual([reason]);
    expect(c.status).toBe('stopped');
    await expect(p).rejects.toMatchObject({ code: reason });
  });

  it('on 4006 waits, keeping what is unanswered, until asked to use the room here again', async () => {
    const stops: [string, number][] = [];
    const storage = new MemStorage();
    const c = client({ onStop: (r, code) => stops.push([r, code]), storage: storage as any, pendingKey: 'k' });
    const ws = accept(welcome(3));
    const p = c.send('x', { a: 1 });
    const id = ws.commands()[0].id;
    // The same person opened the room in another tab: this was the oldest.
    ws.serverClose(4006);
    // It does not reconnect against the other tab, not even much later,
    // nor when told the network is back.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    c.reconnectNow();
    expect(FakeWS.all).toHaveLength(1);
    expect(stops).toEqual([['replaced', 4006]]);
    expect(c.status).toBe('stopped');
    // What was sent waits to be sent again, and a new command is refused
    // as such (the page says where the room is open).
    expect(c.pendingIds).toEqual([id]);
    expect(JSON.parse(storage.getItem('k')!).map((s: { id: string }) => s.id)).toEqual([id]);
    await expect(c.send('y', {})).rejects.toMatchObject({ code: 'replaced' });
    // Asked, it connects at once, resuming, and sends the command again
    // with its id.
    c.resume();
    expect(c.status).toBe('reconnecting');
    const ws2 = accept({ ...welcome(3), recovered: true, snapshot: undefined });
    expect(ws2).not.toBe(ws);
    expect(ws2.sent[0]).toEqual({ type: 'hello', room: 'r1', token: 'tok', since: { epoch: 'E', seq: 3 } });
    expect(ws2.commands().map((m) => m.id)).toEqual([id]);
    ws2.receive({ type: 'ack', id, result: { ok: 1 } });
    await expect(p).resolves.toEqual({ ok: 1 });
    expect(c.status).toBe('online');
  });

  it('after a 4006, closing the page stops it for good', async () => {
    const stops: string[] = [];
    const c = client({ onStop: (r) => stops.push(r) });
    const ws = accept();
    const p = c.send('x', {});
    ws.serverClose(4006);
    c.close();
    await expect(p).rejects.toMatchObject({ code: 'stopped' });
    c.resume();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWS.all).toHaveLength(1);
    expect(stops).toEqual(['replaced', 'closed']);
  });

  it('on 4001 joins again with a new token and no position', async () => {
    const c = client({ onBadToken: async () => 'tok2' });
    accept(welcome(3));
    // A command of the old identity is refused as such, not as an expired
    // session: the person is back in the room and may send it again.
    const held = c.send('x', {});
    FakeWS.last().serverClose(4001);
    await expect(held).rejects.toMatchObject({ code: 'rejoined' });
    await vi.advanceTimersByTimeAsync(600);
    const ws = FakeWS.last();
    ws.open();
    expect(ws.sent[0]).toEqual({ type: 'hello', room: 'r1', token: 'tok2' });
    expect(c.status).not.toBe('stopped');
  });

  it('on 4001 stops when joining again fails', async () => {
    const stops: string[] = [];
    client({ onBadToken: async () => null, onStop: (r) => stops.push(r) });
    accept();
    FakeWS.last().serverClose(4001);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(stops).toEqual(['bad_token']);
    expect(FakeWS.all).toHaveLength(1);
  });

  it('treats 2.5 heartbeats of silence as a dead connection', () => {
    client();
    const ws = accept({ ...welcome(0), server: { heartbeatMs: 1000 } });
    vi.advanceTimersByTime(2400);
    expect(FakeWS.all).toHaveLength(1);
    vi.advanceTimersByTime(200);
    expect(ws.closedWith).not.toBeNull();
    vi.advanceTimersByTime(600);
    expect(FakeWS.all).toHaveLength(2);
  });

  it('reports its status', () => {
    const seen: string[] = [];
    client({ onStatus: (s) => seen.push(s) });
    accept();
    FakeWS.last().serverClose(1001);
    expect(seen).toEqual(['online', 'reconnecting']);
  });
});
