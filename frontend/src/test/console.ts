// The facilitator's console for component tests: Console mounted for the
// host of room r1 (ABCDEF, "Trust") into a fresh element of the page, with
// a fake WebSocket (test/fakews.ts), its socket open and every confirm
// answered yes; the fetch and the welcome are the test's. A file that
// opens it calls consoleHooks() once.
import { afterEach, beforeEach, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Console from '../host/Console.svelte';
import type { HostCreds } from '../lib/storage';
import { FakeWS, welcome } from './fakews';

/** The console's host: a test may change it, and puts it back. */
export const host: HostCreds = {
  roomId: 'r1', code: 'ABCDEF', secret: 'fac-secret', facilitatorId: 'f1', title: 'Trust', joinUrl: 'http://192.168.1.2/j/ABCDEF', createdAt: 0,
};

let shown: { app: any; target: HTMLElement } | undefined;

/** The console of host, opened: the element it is in and its socket. */
export function openConsole() {
  FakeWS.all = [];
  vi.stubGlobal('WebSocket', FakeWS);
  vi.stubGlobal('confirm', () => true);
  const target = document.createElement('div');
  document.body.appendChild(target);
  shown = { app: mount(Console, { target, props: { host } }), target };
  flushSync();
  const ws = FakeWS.last();
  ws.open();
  return { target, ws };
}

/** The console unmounted and its element gone (a reload, when opened again). */
export function closeConsole() {
  if (!shown) return;
  unmount(shown.app);
  shown.target.remove();
  shown = undefined;
}

/** Each test starts with nothing stored, and ends with its console closed
 *  and every global it stubbed as it was. */
export function consoleHooks() {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    closeConsole();
    vi.unstubAllGlobals();
  });
}

/** The text in target of what sel selects, white space folded. */
export const textIn = (target: HTMLElement, sel: string) => (target.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** The welcome to the facilitator in host's room, open, names not shown
 *  (room's fields over those), three people in it and sections. */
export const hostWelcome = (room: object = {}, sections?: object) => welcome(1, {
  you: { id: 'f1', name: '', role: 'facilitator', online: true },
  snapshot: { room: { id: 'r1', code: 'ABCDEF', title: 'Trust', locked: false, ended: false, showNames: false, ...room }, participants: 3, sections },
});
