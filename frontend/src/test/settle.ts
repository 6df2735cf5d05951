// Letting a mounted component catch up in a test: the promise callbacks
// (a fake WebSocket's messages, a fetch's answer) a few turns deep, then
// Svelte's pending updates.
import { flushSync } from 'svelte';

export const tick = () => new Promise((r) => setTimeout(r, 0));

export async function settle() {
  for (let i = 0; i < 4; i++) await tick();
  flushSync();
}
