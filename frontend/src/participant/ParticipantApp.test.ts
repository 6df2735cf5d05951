// The phone's page as a whole (ParticipantApp.svelte): joining, the room,
// leaving it. A phone may be shared, one person after another in a tab.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import ParticipantApp from './ParticipantApp.svelte';
import { lazyParts } from './lazyparts';
import { FakeWS, welcome } from '../test/fakews';
import { show } from '../test/mount';
import { settle } from '../test/settle';
import { cardOrder, keepCardOrder } from '../lib/cardorder';

// Loaded ahead: the kudos wall shows at once (Lazy.svelte.test.ts has the loading).
beforeAll(() => Promise.all(lazyParts.map((p) => p.get())));

const ann = { roomId: 'r1', code: 'ABCDEF', token: 'tok', memberId: 'm1', name: 'Ann' };
const room = { id: 'r1', code: 'ABCDEF', title: 'T', locked: false, ended: false, showNames: true, joinUrl: '' };
const member = (id: string, name: string) => ({ id, name, role: 'participant', online: true });

/** The welcome of a room showing kudos wall k1, to `you`. */
function welcomeAs(you: { id: string; name: string }) {
  const w = welcome(1, { you: member(you.id, you.name) });
  return { ...w, snapshot: { ...w.snapshot, members: [member('m1', 'Ann'), member('m2', 'Bo'), member('m3', 'Cy')], sections: { exercises: {
    agenda: { items: ['k1'], current: 'k1' },
    exercises: [{ exercise: { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' }, state: { exercise: 'k1', status: 'open', count: 0, kudos: [] } }],
  } } } };
}

let joins: { code: string; name: string }[];
let joinAnswer: () => Response;
beforeEach(() => {
  FakeWS.all = [];
  vi.stubGlobal('WebSocket', FakeWS);
  joins = [];
  vi.stubGlobal('fetch', vi.fn(async (path: string, init?: RequestInit) => {
    if (path === '/api/join') {
      joins.push(JSON.parse(init!.body as string));
      return joinAnswer();
    }
    return new Response(JSON.stringify(room));
  }));
  localStorage.setItem('huddle:p:ABCDEF', JSON.stringify(ann));
  history.replaceState(null, '', '/j/ABCDEF');
});
afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
  localStorage.clear();
  history.replaceState(null, '', '/');
});

const joined = (token: string, id: string, name: string) => () =>
  new Response(JSON.stringify({ room, token, member: member(id, name) }));

const button = (target: HTMLElement, name: string) => [...target.querySelectorAll('button')].find((b) => b.textContent!.trim() === name)!;
const form = (target: HTMLElement) => ({
  message: (target.querySelector('#k-msg-k1') as HTMLTextAreaElement).value,
  to: (target.querySelector('#k-to-k1') as HTMLSelectElement).value,
  anonymous: (target.querySelector('input[type=checkbox]') as HTMLInputElement).checked,
});

/** Ann's phone, in the room, with an anonymous kudo to Cy she has not sent
 *  (typed before a reload: happy-dom cannot choose in a select). */
async function annWritesAKudo() {
  sessionStorage.setItem('huddle:draft:kudos:k1', JSON.stringify({ to: 'm3', message: 'You rock — Ann', anonymous: true }));
  const target = show(ParticipantApp);
  FakeWS.last().open();
  FakeWS.last().receive(welcomeAs({ id: 'm1', name: 'Ann' }));
  await settle();
  expect(form(target)).toEqual({ message: 'You rock — Ann', to: 'm3', anonymous: true });
  return target;
}

describe('a shared phone', () => {
  it('removed, then someone else joins in the same tab: they find nothing of the first person’s unsent kudo, nor which cards were hers', async () => {
    sessionStorage.setItem('huddle:draft:add:r9', JSON.stringify({ title: 'The console’s, in this tab' }));
    const target = await annWritesAKudo();
    keepCardOrder('m1:r1x', ['anon-card']);
    keepCardOrder('m7:r1x', ['someone-elses']);
    FakeWS.last().serverClose(4002);
    await settle();
    expect(sessionStorage.getItem('huddle:draft:kudos:k1')).toBeNull();
    // Which retro cards were hers (anonymous ones among them) goes too;
    // another member's, kept in this browser, stays.
    expect(cardOrder('m1:r1x')).toEqual([]);
    expect(cardOrder('m7:r1x')).toEqual(['someone-elses']);
    expect(sessionStorage.getItem('huddle:draft:add:r9')).not.toBeNull();
    expect(localStorage.getItem('huddle:p:ABCDEF')).toBeNull();
    button(target, 'Back').click();
    await settle();
    joinAnswer = joined('tok-bo', 'm2', 'Bo');
    const name = target.querySelector('#join-name') as HTMLInputElement;
    name.value = 'Bo';
    name.dispatchEvent(new Event('input'));
    (target.querySelector('form') as HTMLFormElement).requestSubmit();
    await settle();
    FakeWS.last().open();
    FakeWS.last().receive(welcomeAs({ id: 'm2', name: 'Bo' }));
    await settle();
    expect(form(target)).toEqual({ message: '', to: 'team', anonymous: false });
  });

  it('leaving by "Back" or "Join another room" takes the unsent drafts and the order of her cards with the person', async () => {
    const target = await annWritesAKudo();
    sessionStorage.setItem('huddle:draft:vote:e1', JSON.stringify({ text: 'unsent' }));
    keepCardOrder('m1:r1x', ['anon-card']);
    FakeWS.last().receive({ type: 'event', event: 'room.ended', seq: 2, epoch: 'E', data: { ended: true } });
    FakeWS.last().serverClose(4003);
    await settle();
    // Ended: her saved login stays until she leaves (the keepsakes show).
    expect(sessionStorage.getItem('huddle:draft:vote:e1')).not.toBeNull();
    button(target, 'Join another room').click();
    await settle();
    expect(sessionStorage.getItem('huddle:draft:kudos:k1')).toBeNull();
    expect(sessionStorage.getItem('huddle:draft:vote:e1')).toBeNull();
    expect(cardOrder('m1:r1x')).toEqual([]);
  });
});

describe('joining again by itself after a bad token', () => {
  it('is the same person: the draft stays, on the page and for a reload', async () => {
    const target = await annWritesAKudo();
    joinAnswer = joined('tok2', 'm9', 'Ann');
    FakeWS.last().serverClose(4001);
    await settle();
    expect(joins).toEqual([{ code: 'ABCDEF', name: 'Ann' }]);
    await new Promise((r) => setTimeout(r, 1100)); // its reconnect's backoff
    FakeWS.last().open();
    FakeWS.last().receive(welcomeAs({ id: 'm9', name: 'Ann' }));
    await settle();
    expect(form(target)).toEqual({ message: 'You rock — Ann', to: 'm3', anonymous: true });
    // What a reload would read: the new login, and the draft.
    expect(JSON.parse(localStorage.getItem('huddle:p:ABCDEF')!).token).toBe('tok2');
    expect(JSON.parse(sessionStorage.getItem('huddle:draft:kudos:k1')!)).toEqual({ to: 'm3', message: 'You rock — Ann', anonymous: true });
  });

  it('failing, the saved login goes and the drafts with it', async () => {
    const target = await annWritesAKudo();
    joinAnswer = () => new Response(JSON.stringify({ error: { code: 'room_locked', message: 'locked' } }), { status: 409 });
    FakeWS.last().serverClose(4001);
    await settle();
    expect(target.querySelector('[data-testid=rejoin-failed]')).not.toBeNull();
    expect(localStorage.getItem('huddle:p:ABCDEF')).toBeNull();
    expect(sessionStorage.getItem('huddle:draft:kudos:k1')).toBeNull();
  });
});
