// Fields with a character count are described by it only while it is
// shown (near the limit): an aria-describedby naming an id that is not on
// the page is invalid ARIA, and says nothing.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import JoinForm from './JoinForm.svelte';
import { lazyParts } from './lazyparts';
import { welcome } from '../test/fakews';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import { openPhone, phoneWith } from '../test/phone';

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});
beforeAll(() => Promise.all(lazyParts.map((p) => p.get())));

/** The ids a field's aria-describedby names that are not on the page. */
const missing = (el: Element) => (el.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && !document.getElementById(id));
const describedBy = (el: Element) => (el.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
const type = async (el: HTMLInputElement | HTMLTextAreaElement, v: string) => {
  el.value = v;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  await settle();
};

/** Far from the limit, then near it: described by nothing missing, then by the count. */
async function check(field: HTMLInputElement | HTMLTextAreaElement, near: number) {
  await type(field, 'Hi');
  expect(missing(field)).toEqual([]);
  await type(field, 'x'.repeat(near));
  const count = document.querySelector(`[data-testid=char-count]`)!;
  expect(count).not.toBeNull();
  expect(describedBy(field)).toContain(count.id);
  expect(missing(field)).toEqual([]);
}


describe('a field with a character count', () => {
  it('open text: the answer', async () => {
    const { target } = await phoneWith({ id: 'e1', kind: 'text', title: 'Ideas', status: 'open' });
    await check(target.querySelector('textarea')!, 450);
  });

  it('kudos: the message', async () => {
    const { target } = await phoneWith({ id: 'e1', kind: 'kudos', title: 'Thanks', status: 'open' }, { exercise: 'e1', status: 'open', count: 0, kudos: [] });
    await check(target.querySelector('textarea')!, 450);
  });

  it('help: the request’s title, and an offer', async () => {
    const req = { id: 'r1', title: 'Go', tags: [], status: 'open', anonymous: false, authorName: 'Ben', offers: [] };
    const { target } = await phoneWith({ id: 'e1', kind: 'help', title: 'Help', status: 'open' },
      { exercise: 'e1', status: 'open', counts: { open: 1, matched: 0, resolved: 0 }, requests: [req] });
    await check(target.querySelector('#h-title-e1') as HTMLTextAreaElement, 70);
    await type(target.querySelector('#h-title-e1') as HTMLTextAreaElement, '');
    (target.querySelector('#offer-btn-r1') as HTMLButtonElement).click();
    await settle();
    await check(target.querySelector('#offer-r1') as HTMLTextAreaElement, 450);
  });

  it('a new name, and the join form’s name', async () => {
    const { target, ws } = openPhone();
    ws.receive(welcome(1));
    await settle();
    [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Change name')!.click();
    await settle();
    await check(target.querySelector('#rename-p') as HTMLInputElement, 35);
    target.remove();
    vi.stubGlobal('fetch', () => new Promise(() => {})); // the room's title, never told
    const join = show(JoinForm, { code: 'K7QX2M', onJoined: () => {} });
    flushSync();
    const name = join.querySelector('#join-name') as HTMLInputElement;
    await check(name, 35);
    expect(describedBy(name)).toContain('join-name-hint');
  });
});
