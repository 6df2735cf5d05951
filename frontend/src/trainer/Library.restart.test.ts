// The pack library of a server that keeps its library in memory only (the
// embedded store without HUDDLE_DATA_DIR): its own packs say untilRestart
// (docs/protocol.md 2.9.1), and the page says a restart forgets them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mount, unmount } from 'svelte';
import Library from './Library.svelte';
import type { PackSummary } from '../lib/types';
import { settle } from '../test/settle';

let target: HTMLElement;
let app: any;

const builtin: PackSummary = { id: 'building-trust', title: 'Building trust', description: '', author: '', exercises: 2, kinds: ['words', 'retro'], builtin: true, source: 'builtin', version: '' };
const own: PackSummary = { id: 'team-pulse', title: 'Team pulse', description: '', author: '', exercises: 1, kinds: ['survey'], builtin: false, source: 'library', version: '7', updatedAt: '2026-12-07T07:06:00Z' };

async function render(packs: PackSummary[]) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(packs))));
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(Library, { target });
  await settle();
}
const notice = () => target.querySelector('[data-testid=until-restart]');

beforeEach(() => localStorage.clear());
afterEach(() => {
  unmount(app);
  target.remove();
  vi.unstubAllGlobals();
});

describe('the pack library', () => {
  it('says a restart forgets the packs of a server that keeps them in memory only', async () => {
    await render([builtin, { ...own, untilRestart: true }]);
    expect(notice()!.textContent).toBe('This server keeps your packs in memory only: restarting it forgets them. Export the ones you need as YAML, or have the server started with HUDDLE_DATA_DIR set to keep them.');
    expect(notice()!.closest('section')!.getAttribute('aria-labelledby')).toBe('own-h');
  });

  it('says nothing of restarts when the server keeps its packs, or has none of its own', async () => {
    await render([builtin, own]);
    expect(notice()).toBeNull();
    unmount(app);
    target.remove();
    await render([builtin]);
    expect(notice()).toBeNull();
  });
});
