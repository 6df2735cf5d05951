// Both nodes went down and one came back 20 s later: the projector and a
// phone stayed on "Reconnecting…" for close to half a minute after it
// was back (a 30 s cap on the wait between tries), with nothing to try
// sooner but a reload. How long each screen waits between tries once the
// outage has lasted, and the badge's "Try now".
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import Console from '../host/Console.svelte';
import ScreenApp from '../screen/ScreenApp.svelte';
import { FakeWS, welcome } from '../test/fakews';
import { show } from '../test/mount';
import { openPhone } from '../test/phone';
import { TRY_NOW_MS } from './conngrace.svelte';
import type { HostCreds } from './storage';

const host: HostCreds = {
  roomId: 'r1', code: 'ABCDEF', secret: 'fac-secret', facilitatorId: 'f1', title: 'Trust', joinUrl: 'http://192.168.1.2/j/ABCDEF', createdAt: 0,
};

function openConsole() {
  FakeWS.all = [];
  vi.stubGlobal('WebSocket', FakeWS);
  const target = show(Console, { host });
  const ws = FakeWS.last();
  ws.open();
  ws.receive(welcome(1, { you: { id: 'f1', name: '', role: 'facilitator', online: true } }));
  flushSync();
  return target;
}
function openProjector() {
  history.replaceState(null, '', '/screen/ABCDEF#t=tok');
  FakeWS.all = [];
  vi.stubGlobal('WebSocket', FakeWS);
  const target = show(ScreenApp);
  const ws = FakeWS.last();
  ws.open();
  ws.receive(welcome(1, { you: { id: 'f1', name: '', role: 'screen', online: true } }));
  flushSync();
  return target;
}
function openPhoneIn() {
  const { target, ws } = openPhone();
  ws.receive(welcome(1));
  flushSync();
  return target;
}

/** The server goes away and every try fails: the waits between tries. */
function outage(tries: number): number[] {
  const waits: number[] = [];
  FakeWS.last().serverClose(1006);
  flushSync();
  for (let i = 0; i < tries; i++) {
    const n = FakeWS.all.length;
    let waited = 0;
    while (FakeWS.all.length === n) {
      vi.advanceTimersByTime(100);
      flushSync();
      waited += 100;
      if (waited > 120_000) throw new Error('no try in two minutes');
    }
    waits.push(waited);
    FakeWS.last().serverClose(1006);
  }
  flushSync();
  return waits;
}

beforeEach(() => {
  localStorage.clear();
  vi.useFakeTimers();
  // The longest wait each time (the jitter draws from [0, ceiling]).
  vi.spyOn(Math, 'random').mockReturnValue(0.9999);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/');
});

describe('how long a screen waits between tries during an outage', () => {
  it('the console: never more than 5 s (one per room)', () => {
    openConsole();
    const waits = outage(12);
    expect(Math.max(...waits)).toBe(5000);
    expect(waits.slice(-3)).toEqual([5000, 5000, 5000]);
  });

  it('the projector: never more than 5 s, for nobody is there to click "Try now"', () => {
    openProjector();
    expect(Math.max(...outage(12))).toBe(5000);
  });

  it('a phone: up to 15 s, for thousands of phones may come back to one node', () => {
    openPhoneIn();
    const waits = outage(12);
    expect(Math.max(...waits)).toBe(15_000);
    expect(waits.slice(-3)).toEqual([15_000, 15_000, 15_000]);
  });
});

const retry = (target: HTMLElement) => target.querySelector<HTMLButtonElement>('[data-testid=conn-retry]');

describe('"Try now" on a screen that has been reconnecting a while', () => {
  it('on the console: tries at once, not after the wait', () => {
    const target = openConsole();
    outage(8);
    expect(retry(target)!.textContent).toBe('Try now');
    const n = FakeWS.all.length;
    retry(target)!.click();
    flushSync();
    expect(FakeWS.all).toHaveLength(n + 1);
    // Back: the button goes with the drop.
    FakeWS.last().open();
    FakeWS.last().receive({ ...welcome(1, { you: { id: 'f1', name: '', role: 'facilitator', online: true } }), recovered: true, snapshot: undefined });
    flushSync();
    expect(retry(target)).toBeNull();
  });

  it('on a phone: tries at once, not after the wait', () => {
    const target = openPhoneIn();
    outage(8);
    const n = FakeWS.all.length;
    retry(target)!.click();
    flushSync();
    expect(FakeWS.all).toHaveLength(n + 1);
  });

  it('not on the projector, which nobody clicks', () => {
    const target = openProjector();
    outage(8);
    vi.advanceTimersByTime(TRY_NOW_MS);
    flushSync();
    expect(target.querySelector('[data-testid=conn]')).not.toBeNull();
    expect(retry(target)).toBeNull();
  });
});
