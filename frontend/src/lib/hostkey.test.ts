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
    expect(target.querySelector('[role=alert]')).toBeNull();
    type('wrong');
    await tick();
    flushSync();
    // A refused key: asked again, saying so.
    expect(target.querySelector('[role=alert]')!.textContent).toContain('not accepted');
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
