import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import { hostKeyGate, withHostKey } from './hostkey.svelte';
import { library } from './library';
import { creds } from './storage';
import HostKeyPrompt from '../trainer/HostKeyPrompt.svelte';

const tick = () => new Promise((r) => setTimeout(r, 0));
let target: HTMLElement;
let app: any;

beforeEach(() => {
  localStorage.clear();
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(HostKeyPrompt, { target });
});
afterEach(() => {
  if (hostKeyGate.asking) hostKeyGate.answer(null);
  unmount(app);
  target.remove();
  vi.unstubAllGlobals();
});

function server(key: string) {
  const f = vi.fn(async (_url: string, init: RequestInit) => {
    const auth = (init.headers as Record<string, string> | undefined)?.Authorization;
    if (auth !== 'Bearer ' + key) return new Response(JSON.stringify({ error: { code: 'host_key', message: 'needs its host key' } }), { status: 401 });
    return new Response('[]', { status: 200 });
  });
  vi.stubGlobal('fetch', f);
  return f;
}

const alert = () => target.querySelector('[role=dialog] [role=alert]')!.textContent!.trim();
const dialog = () => target.querySelector('[role=dialog]');
const input = () => target.querySelector('input[type=password]') as HTMLInputElement;

function type(value: string) {
  const input = target.querySelector('input[type=password]') as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  flushSync();
  target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
  flushSync();
}

describe('the host key', () => {
  it('is asked for on 401 host_key, remembered, and the request made again', async () => {
    const f = server('right');
    const p = withHostKey(() => library.packs());
    await tick();
    flushSync();
    expect(target.querySelector('[role=dialog]')).not.toBeNull();
    expect(alert()).toBe('');
    type('wrong');
    await tick();
    flushSync();
    // A refused key: asked again, saying so.
    expect(alert()).toContain('not accepted');
    type('right');
    await expect(p).resolves.toEqual([]);
    expect(creds.hostKey()).toBe('right');
    expect(f).toHaveBeenCalledTimes(3);
    flushSync();
    expect(target.querySelector('[role=dialog]')).toBeNull();
    // Later requests send it at once.
    await library.packs();
    expect(f).toHaveBeenCalledTimes(4);
  });

  it('says each refusal again: the dialog stays, its alert emptied while the key is checked', async () => {
    let answer!: (r: Response) => void;
    const refusal = () => new Response(JSON.stringify({ error: { code: 'host_key', message: 'needs its host key' } }), { status: 401 });
    // The first request is refused at once; each key sent waits for `answer`.
    let calls = 0;
    vi.stubGlobal('fetch', vi.fn(() => (calls++ === 0 ? Promise.resolve(refusal()) : new Promise<Response>((r) => (answer = r)))));
    const p = withHostKey(() => library.packs());
    await tick();
    flushSync();
    const d = dialog();
    for (let round = 1; round <= 2; round++) {
      type('wrong' + round);
      await tick();
      flushSync();
      // Being checked: the same dialog, the alert empty, the field kept.
      expect(dialog()).toBe(d);
      expect(alert()).toBe('');
      expect(input().readOnly).toBe(true);
      expect(target.querySelector('button[type=submit]')!.textContent).toBe('Checking…');
      answer(refusal());
      await tick();
      await tick();
      flushSync();
      // Refused: the alert says so again (a change a screen reader announces), the field emptied and focused.
      expect(dialog()).toBe(d);
      expect(alert()).toBe('That key was not accepted. Check it and try again.');
      expect(target.querySelectorAll('[role=alert]')).toHaveLength(1);
      expect(input().value).toBe('');
      expect(input().readOnly).toBe(false);
      await tick();
      expect(document.activeElement).toBe(input());
    }
    type('right');
    await tick();
    answer(new Response('[]'));
    await expect(p).resolves.toEqual([]);
    flushSync();
    expect(dialog()).toBeNull();
  });

  it('gives the focus back to what had it when the prompt opened', async () => {
    server('right');
    const button = document.createElement('button');
    document.body.appendChild(button);
    button.focus();
    const p = withHostKey(() => library.packs());
    await tick();
    flushSync();
    await tick();
    expect(document.activeElement).toBe(input());
    (target.querySelector('button.secondary') as HTMLButtonElement).click();
    await expect(p).rejects.toMatchObject({ code: 'host_key' });
    flushSync();
    await tick();
    expect(document.activeElement).toBe(button);
    button.remove();
  });

  it('gives up with the original error when the person cancels', async () => {
    server('right');
    const p = withHostKey(() => library.packs());
    await tick();
    flushSync();
    (target.querySelector('button.secondary') as HTMLButtonElement).click();
    await expect(p).rejects.toMatchObject({ code: 'host_key' });
    expect(hostKeyGate.asking).toBe(false);
  });

  it('does not ask on other errors', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'not_found', message: 'no' } }), { status: 404 })));
    await expect(withHostKey(() => library.pack('x'))).rejects.toMatchObject({ code: 'not_found' });
    expect(hostKeyGate.asking).toBe(false);
  });
});
