import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import People from './People.svelte';
import { emptyState } from '../lib/reducer';
import type { MemberView } from '../lib/types';

const member = (id: string, name: string): MemberView => ({ id, name, role: 'participant', online: true });

// jsdom lays nothing out: the list's box is 320 px high from the top of
// the window, each row 40 px, the rows scrolled up by `scrolled` px.
let scrolled = 0;
function laidOut() {
  scrolled = 0;
  const isList = (e: Element) => e.matches('[data-testid=people] ul');
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) { return isList(this) ? 320 : 0; });
  vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockImplementation(function (this: HTMLElement) { return isList(this) ? this.children.length * 40 : 0; });
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    let top = 0, height = 0;
    if (isList(this)) height = 320;
    else if (this.parentElement && isList(this.parentElement)) (top = [...this.parentElement.children].indexOf(this) * 40 - scrolled), (height = 40);
    return { top, bottom: top + height, left: 0, right: 100, width: 100, height, x: 0, y: top, toJSON() {} } as DOMRect;
  });
  onTestFinished(() => { vi.restoreAllMocks(); });
}
function room(n: number, ended = false) {
  const names = Array.from({ length: n }, (_, i) => `Person ${i + 1}`);
  const state = $state({ ...emptyState(), members: Object.fromEntries(names.map((x) => [x, member(x, x)])), membersKnown: true, participants: n, online: n });
  const target = show(People, { session: { state, send: vi.fn() }, ended });
  return { state, target, list: () => target.querySelector<HTMLElement>('[data-testid=people] ul')! };
}
const hint = (target: HTMLElement) => target.querySelector('[data-testid=people-more]')?.textContent ?? null;

describe('People, a list longer than its box', () => {
  // Eight rows filled the box to its edge and the ninth was below it,
  // with nothing to say so.
  it('says how many people are below its edge and to scroll, and fades the edge, until scrolled to the end', async () => {
    laidOut();
    const { target, list } = room(9);
    await settle();
    expect(hint(target)).toBe('+1 more person below: scroll the list');
    expect(list().classList.contains('fade')).toBe(true);
    scrolled = 40;
    list().dispatchEvent(new Event('scroll'));
    await settle();
    expect(hint(target)).toBeNull();
    expect(list().classList.contains('fade')).toBe(false);
  });

  it('counts the people who come while it is cut', async () => {
    laidOut();
    const { state, target } = room(9);
    await settle();
    for (const x of ['Zed', 'Zoe']) state.members[x] = member(x, x);
    await settle();
    expect(hint(target)).toBe('+3 more people below: scroll the list');
  });

  it('says nothing while everyone is in the box', async () => {
    laidOut();
    const { target, list } = room(8);
    await settle();
    expect(hint(target)).toBeNull();
    expect(list().classList.contains('fade')).toBe(false);
    expect(list().hasAttribute('tabindex')).toBe(false);
  });

  it('takes the focus in an ended room, named by its heading, where no ✕ is there to Tab to', async () => {
    laidOut();
    const running = room(9);
    await settle();
    expect(running.list().hasAttribute('tabindex')).toBe(false);
    const ended = room(9, true);
    await settle();
    expect(ended.list().querySelector('button')).toBeNull();
    expect(ended.list().getAttribute('tabindex')).toBe('0');
    expect(document.getElementById(ended.list().getAttribute('aria-labelledby')!)?.textContent).toBe('Who is here');
  });
});
