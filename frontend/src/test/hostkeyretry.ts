// The walk a trainer page's test takes through a server that needs its
// host key, the prompt cancelled (the library, a pack, the pack editor,
// past sessions, the comparison; trainer/NeedsKey.svelte): the page says
// why with a button that has the focus; the button opens the prompt again,
// and cancelled again the focus is back on the button; with the key the
// notice goes and the focus is on the page's heading.
import { expect, vi } from 'vitest';
import { hostKeyGate } from '../lib/hostkey.svelte';

/** A fetch that answers host_key (401) unless sent the key "secret", then body. */
export function needsKey(body: unknown) {
  vi.stubGlobal('fetch', vi.fn(async (_url: string, init?: RequestInit) => {
    const auth = (init?.headers as Record<string, string> | undefined)?.Authorization;
    if (auth !== 'Bearer secret') return new Response(JSON.stringify({ error: { code: 'host_key', message: 'needs' } }), { status: 401 });
    return new Response(JSON.stringify(body));
  }));
}

/** Cancels the prompt, opens it again from the page's button, cancels
 *  again, then gives the key; target holds the page and the prompt. */
export async function cancelThenEnterKey(target: HTMLElement, settle: () => Promise<void>) {
  await settle();
  expect(hostKeyGate.asking).toBe(true);
  hostKeyGate.answer(null);
  await settle();
  const needs = target.querySelector('[data-testid=needs-key]')!;
  expect(needs.getAttribute('role')).toBe('alert');
  expect(needs.textContent!.replace(/\s+/g, ' ').trim()).toBe('This server needs its host key for that. Enter the host key');
  const button = () => target.querySelector('[data-testid=needs-key] button') as HTMLButtonElement;
  expect(document.activeElement).toBe(button());
  button().click();
  await settle();
  expect(hostKeyGate.asking).toBe(true);
  expect(document.activeElement).toBe(target.querySelector('#hk-key'));
  hostKeyGate.answer(null);
  await settle();
  expect(document.activeElement).toBe(button());
  button().click();
  await settle();
  hostKeyGate.answer('secret');
  await settle();
  expect(target.querySelector('[data-testid=needs-key]')).toBeNull();
  // Its button gone, the focus on the page's heading.
  expect(document.activeElement).toBe(target.querySelector('h1'));
}
