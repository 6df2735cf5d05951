import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import HostApp from './HostApp.svelte';
import TrainerApp from '../trainer/TrainerApp.svelte';
import { hostKeyGate } from '../lib/hostkey.svelte';
import { route } from '../trainer/links';
import { settle } from '../test/settle';
import { FakeWS } from '../test/fakews';

let target: HTMLElement;
let app: any;

const packs = [{ id: 'building-trust', title: 'Building trust', description: '', author: '', exercises: 7, kinds: [], builtin: true, source: 'builtin', version: '' }];
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

/** The server answers GET /api/packs with these, in order. */
function answer(...responses: Response[]) {
  const f = vi.fn(async () => responses.shift() ?? json([]));
  vi.stubGlobal('fetch', f);
  return f;
}
async function open(component: any, pathname: string) {
  vi.stubGlobal('location', { ...window.location, pathname, search: '', origin: 'http://h' });
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(component, { target });
  await settle();
}
const choices = () => [...target.querySelectorAll('#room-pack option')].map((o) => o.textContent);
const retry = () => target.querySelector('[data-testid=packs-error] button') as HTMLButtonElement;
const text = (e: Element | null) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();
const notFound = { error: { code: 'not_found', message: 'no room this secret opens has that id or code' } };

/** The server: GET /api/packs, and POST /api/rooms/status answered from
 *  `server`, by room id, as it is when asked (null: no room that secret
 *  opens; a string: that error code for the room). */
function statusServer(server: Record<string, object | string | null>) {
  const f = vi.fn(async (url: string, init?: RequestInit) => {
    if (url === '/api/packs') return json(packs);
    if (url === '/api/rooms/status' && init?.method === 'POST') {
      const asked = JSON.parse(init.body as string).rooms as { room: string; secret: string }[];
      return json({ rooms: asked.map(({ room }) => {
        const r = server[room];
        return typeof r === 'string' ? { error: { code: r, message: r } } : r ? { room: r } : notFound;
      }) });
    }
    return json({ error: { code: 'not_found', message: 'no such API route' } }, 404);
  });
  vi.stubGlobal('fetch', f);
  return f;
}
/** The status requests made, each as the rooms it named. */
const statusRequests = (f: ReturnType<typeof statusServer>) => (f.mock.calls as unknown as [string, RequestInit?][])
  .filter(([u]) => u === '/api/rooms/status').map(([, i]) => JSON.parse(i!.body as string).rooms as { room: string; secret: string }[]);

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});
afterEach(() => {
  unmount(app);
  target.remove();
  vi.unstubAllGlobals();
});

describe('/host: the page', () => {
  it('names itself in the tab', async () => {
    answer(json(packs));
    await open(HostApp, '/host');
    expect(document.title).toBe('Facilitator console · Huddle');
  });
});

describe('/host: the pack list', () => {
  it('says why only "Blank room" is offered when the packs cannot be loaded, and tries again', async () => {
    const f = answer(json({ error: { code: 'unavailable', message: 'store down' } }, 503), json(packs));
    await open(HostApp, '/host');
    expect(choices()).toEqual(['Blank room']);
    expect(text(target.querySelector('[data-testid=packs-error]'))).toBe('The pack list could not be loaded. The server is not available right now. Please try again in a moment. Try again');
    retry().click();
    await settle();
    expect(f).toHaveBeenCalledTimes(2);
    expect(target.querySelector('[data-testid=packs-error]')).toBeNull();
    expect(choices()).toEqual(['Blank room', 'Building trust (7 exercises)']);
    // The button went with the error: the focus on the list it filled.
    expect(document.activeElement).toBe(target.querySelector('#room-pack'));
  });

  it('says the server needs its host key when the prompt is cancelled, and asks again on retry', async () => {
    answer(json({ error: { code: 'host_key', message: 'needs its host key' } }, 401), json({ error: { code: 'host_key', message: 'needs' } }, 401));
    await open(HostApp, '/host');
    expect(hostKeyGate.asking).toBe(true);
    hostKeyGate.answer(null);
    await settle();
    expect(text(target.querySelector('[data-testid=packs-error]'))).toBe('The pack list could not be loaded. This server needs its host key for that. Try again');
    // The prompt gone, the focus is on the button that brings it back.
    expect(document.activeElement).toBe(retry());
    retry().click();
    await settle();
    expect(hostKeyGate.asking).toBe(true);
    // The reason and its button stay while the key is asked for again.
    expect(retry()).not.toBeNull();
    hostKeyGate.answer(null);
    await settle();
    expect(document.activeElement).toBe(retry());
  });
});

// Two packs of one title ("x", ids x and x-2; a pack duplicated twice,
// two "… (copy)") were two identical entries: which is which is now said
// by the id, for those whose titles collide only.
describe('/host: packs of the same title in "Start from"', () => {
  it('tells them apart by their ids, and leaves the others as they were', async () => {
    const pack = (id: string, title: string, builtin = false, exercises = 1) => ({ id, title, description: '', author: '', exercises, kinds: [], builtin, source: builtin ? 'builtin' : 'library', version: '' });
    answer(json([
      pack('building-trust', 'Building trust', true, 7),
      pack('x', 'x'), pack('x-2', 'x'),
      pack('building-trust-copy', 'Building trust (copy)', false, 7), pack('building-trust-copy-2', 'Building trust (copy)', false, 7),
      // The same title but for its case and spaces: alike to the eye, so told apart too.
      pack('retro', 'Retro'), pack('retro-2', ' retro '),
      pack('lunch', 'Lunch', false, 2),
    ]));
    await open(HostApp, '/host');
    expect(choices()).toEqual([
      'Blank room',
      'Building trust (7 exercises)',
      'x · x (1 exercise)', 'x · x-2 (1 exercise)',
      'Building trust (copy) · building-trust-copy (7 exercises)', 'Building trust (copy) · building-trust-copy-2 (7 exercises)',
      'Retro · retro (1 exercise)', 'retro · retro-2 (1 exercise)',
      'Lunch (2 exercises)',
    ]);
    const x2 = [...target.querySelectorAll<HTMLOptionElement>('#room-pack option')].find((o) => o.value === 'x-2')!;
    expect(x2.textContent).toBe('x · x-2 (1 exercise)');
  });
});

describe('/host: creating a room', () => {
  it('shows a refused title under the title', async () => {
    answer(json(packs), json({ error: { code: 'too_long', message: 'title is 130 characters; the limit is 120', field: 'title' } }, 400));
    await open(HostApp, '/host');
    target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(text(target.querySelector('#room-title-error'))).toContain('the limit is 120');
    expect(target.querySelector('#room-title')!.getAttribute('aria-invalid')).toBe('true');
  });

  // The server counts the title's limit in characters (code points);
  // maxlength alone counts UTF-16 units, and an emoji is two.
  it("lets the title's field take the limit in emoji, not half of it", async () => {
    answer(json(packs));
    await open(HostApp, '/host');
    const input = target.querySelector('#room-title') as HTMLInputElement;
    input.focus();
    input.value = '🦊'.repeat(119);
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
    flushSync();
    // Room for one more emoji (two units), and no more once it is in.
    expect(input.maxLength - input.value.length).toBe(2);
    input.value += '🦊';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
    flushSync();
    expect([...input.value].length).toBe(120);
    expect(input.maxLength).toBe(input.value.length);
  });

  it('hides names unless the facilitator chooses them, as a room started from the library does', async () => {
    const f = answer(json(packs), json({ error: { code: 'unavailable', message: 'down' } }, 503));
    await open(HostApp, '/host');
    const names = [...target.querySelectorAll('label.check')].find((l) => l.textContent!.includes("see each other's names"))!;
    expect((names.querySelector('input') as HTMLInputElement).checked).toBe(false);
    target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const create = (f.mock.calls as unknown as [string, RequestInit][]).find(([u, i]) => u === '/api/rooms' && i.method === 'POST')!;
    expect(JSON.parse(create[1].body as string).showNames).toBe(false);
  });
});

describe('/host: "Create a room" while the room is created', () => {
  it('keeps the focus: marked busy, not disabled, sends once, and a failure is said and describes it', async () => {
    let fail: (r: Response) => void = () => {};
    const f = vi.fn(async (url: string) => (url === '/api/packs' ? json(packs) : new Promise<Response>((r) => (fail = r))));
    vi.stubGlobal('fetch', f);
    await open(HostApp, '/host');
    const button = target.querySelector('form button[type=submit]') as HTMLButtonElement;
    const form = target.querySelector('form')!;
    button.focus();
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(text(button)).toBe('Creating…');
    expect(button.disabled).toBe(false);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(document.activeElement).toBe(button);
    // Pressed again meanwhile: nothing more is sent.
    button.click();
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const creates = () => (f.mock.calls as unknown as [string, RequestInit?][]).filter(([u, i]) => u === '/api/rooms' && i?.method === 'POST');
    expect(creates()).toHaveLength(1);
    fail(json({ error: { code: 'unavailable', message: 'store down' } }, 503));
    await settle();
    const error = target.querySelector('#create-error')!;
    expect(error.getAttribute('role')).toBe('alert');
    expect(text(error)).toBe('The server is not available right now. Please try again in a moment.');
    expect(button.getAttribute('aria-describedby')).toBe('create-error');
    expect(button.hasAttribute('aria-disabled')).toBe(false);
    expect(text(button)).toBe('Create a room');
    expect(document.activeElement).toBe(button);
  });
});

describe('/host: after creating a room', () => {
  it("puts the focus on the new room's title, not on the page's body", async () => {
    vi.stubGlobal('WebSocket', FakeWS);
    const created = { room: { id: 'r9', code: 'K7QX2M', title: 'Sprint 42 retro', joinUrl: 'http://h/j/K7QX2M' }, facilitator: { id: 'f', secret: 's' } };
    answer(json(packs), json(created, 201));
    await open(HostApp, '/host');
    (target.querySelector('form button[type=submit]') as HTMLButtonElement).focus();
    target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    const h1 = target.querySelector('h1')!;
    expect(text(h1)).toBe('Sprint 42 retro');
    expect(document.activeElement).toBe(h1);
  });
});

describe('a malformed escape in the address', () => {
  it('shows /host with "no such page" instead of a blank page', async () => {
    answer(json(packs));
    await open(HostApp, '/host/%E0%A4%A');
    expect(text(target.querySelector('[role=alert]'))).toBe('There is no such page.');
    expect(target.querySelector('form')).not.toBeNull();
  });

  it('is no such page among the trainer\'s pages', async () => {
    expect(route('/library/%zz', '')).toEqual({ page: 'missing' });
    expect(route('/library/%E0%A4%A/edit', '')).toEqual({ page: 'missing' });
    expect(route('/library/team%20trust', '')).toEqual({ page: 'pack', id: 'team trust' });
    answer(json(packs));
    await open(TrainerApp, '/library/%zz/edit');
    expect(text(target.querySelector('main'))).toBe('There is no such page. Pack library');
  });
});

describe('/host: your rooms in this browser', () => {
  const stored = [
    { code: 'AAAAAA', title: 'Morning standup' },
    { code: 'BBBBBB', title: 'Offsite day 2' },
    { code: 'CCCCCC', title: 'Quick poll' },
    { code: 'DDDDDD', title: 'Old one' },
  ];
  const room = (code: string, title: string, more: object = {}) => ({ id: 'r' + code, code, title, locked: false, ended: false, showNames: false, ...more });

  it('names each room in its link, says which ended, are locked or are gone, ended ones last, with one look-up for all', async () => {
    // Stored newest first (creds.setHost puts each new room first).
    for (const r of [...stored].reverse()) {
      localStorage.setItem('huddle:h:' + r.code, JSON.stringify({ roomId: 'r' + r.code, code: r.code, secret: 's' + r.code, facilitatorId: 'f', title: r.title, joinUrl: '', createdAt: 1 }));
      localStorage.setItem('huddle:hosted', JSON.stringify([r.code, ...JSON.parse(localStorage.getItem('huddle:hosted') ?? '[]')]));
    }
    const f = statusServer({
      rAAAAAA: room('AAAAAA', 'Morning standup'),
      rBBBBBB: room('BBBBBB', 'Offsite day 2', { ended: true }),
      rCCCCCC: room('CCCCCC', 'Quick poll (renamed)', { locked: true }),
    });
    await open(HostApp, '/host');
    // One request, each room named by its id and proven by its secret.
    expect(statusRequests(f)).toEqual([[
      { room: 'rAAAAAA', secret: 'sAAAAAA' }, { room: 'rBBBBBB', secret: 'sBBBBBB' }, { room: 'rCCCCCC', secret: 'sCCCCCC' }, { room: 'rDDDDDD', secret: 'sDDDDDD' },
    ]]);
    expect((f.mock.calls as unknown as [string][]).filter(([u]) => u.startsWith('/api/rooms/') && u !== '/api/rooms/status')).toEqual([]);
    const entries = [...target.querySelectorAll('[data-testid=hosted-room]')];
    expect(entries.map((e) => text(e))).toEqual([
      'Morning standup AAAAAA Open Remove from this list',
      'Quick poll (renamed) CCCCCC Joining locked Open Remove from this list',
      'Offsite day 2 BBBBBB Ended Open Remove from this list',
      'Old one DDDDDD No longer on the server Open Remove from this list',
    ]);
    const links = entries.map((e) => e.querySelector('a')!);
    expect(links.map((a) => a.getAttribute('aria-label'))).toEqual(['Open “Morning standup”', 'Open “Quick poll (renamed)”', 'Open “Offsite day 2”', 'Open “Old one”']);
    // The state goes with the link too; an ended room stays openable (its console shows its results).
    expect(links.map((a) => text(a.getAttribute('aria-describedby') ? target.querySelector('#' + a.getAttribute('aria-describedby')) : null)))
      .toEqual(['', 'Joining locked', 'Ended', 'No longer on the server']);
    expect(links[2].getAttribute('href')).toBe('/host/BBBBBB');
  });

  it('says a room is gone when its secret opens it no more, though its code now leads to another room, and keeps its own title', async () => {
    localStorage.setItem('huddle:h:AAAAAA', JSON.stringify({ roomId: 'rOld', code: 'AAAAAA', secret: 's', facilitatorId: 'f', title: 'Last week', joinUrl: '', createdAt: 1 }));
    localStorage.setItem('huddle:hosted', JSON.stringify(['AAAAAA']));
    // The code is someone else's room now: asked by its id, the old room is not found.
    const f = statusServer({ rNew: room('AAAAAA', 'Someone else’s room', { id: 'rNew', locked: true }), AAAAAA: room('AAAAAA', 'Someone else’s room', { id: 'rNew', locked: true }) });
    await open(HostApp, '/host');
    expect(statusRequests(f)).toEqual([[{ room: 'rOld', secret: 's' }]]);
    expect([...target.querySelectorAll('[data-testid=hosted-room]')].map((e) => text(e)))
      .toEqual(['Last week AAAAAA No longer on the server Open Remove from this list']);
  });

  it('asks in halves a server that answers fewer rooms at once', async () => {
    for (const r of [...stored].reverse()) {
      localStorage.setItem('huddle:h:' + r.code, JSON.stringify({ roomId: 'r' + r.code, code: r.code, secret: 's', facilitatorId: 'f', title: r.title, joinUrl: '', createdAt: 1 }));
      localStorage.setItem('huddle:hosted', JSON.stringify([r.code, ...JSON.parse(localStorage.getItem('huddle:hosted') ?? '[]')]));
    }
    const server = statusServer({ rAAAAAA: room('AAAAAA', 'Morning standup', { locked: true }), rBBBBBB: room('BBBBBB', 'Offsite day 2'), rCCCCCC: room('CCCCCC', 'Quick poll', { ended: true }) });
    const answer = server.getMockImplementation()!;
    // max-status-rooms is 2 on this server.
    server.mockImplementation(async (url: string, init?: RequestInit) => url === '/api/rooms/status' && JSON.parse(init!.body as string).rooms.length > 2
      ? json({ error: { code: 'invalid', message: 'at most 2', field: 'rooms' } }, 400) : answer(url, init));
    await open(HostApp, '/host');
    expect(statusRequests(server).map((r) => r.map((q) => q.room))).toEqual([['rAAAAAA', 'rBBBBBB', 'rCCCCCC', 'rDDDDDD'], ['rAAAAAA', 'rBBBBBB'], ['rCCCCCC', 'rDDDDDD']]);
    expect([...target.querySelectorAll('[data-testid=hosted-room]')].map((e) => text(e))).toEqual([
      'Morning standup AAAAAA Joining locked Open Remove from this list',
      'Offsite day 2 BBBBBB Open Remove from this list',
      'Quick poll CCCCCC Ended Open Remove from this list',
      'Old one DDDDDD No longer on the server Open Remove from this list',
    ]);
  });

  it('says nothing of a room whose status the server could not give, and does not count it gone', async () => {
    localStorage.setItem('huddle:h:AAAAAA', JSON.stringify({ roomId: 'rAAAAAA', code: 'AAAAAA', secret: 's', facilitatorId: 'f', title: 'Morning standup', joinUrl: '', createdAt: 1 }));
    localStorage.setItem('huddle:h:BBBBBB', JSON.stringify({ roomId: 'rBBBBBB', code: 'BBBBBB', secret: 's', facilitatorId: 'f', title: 'Offsite day 2', joinUrl: '', createdAt: 1 }));
    localStorage.setItem('huddle:hosted', JSON.stringify(['AAAAAA', 'BBBBBB']));
    statusServer({ rAAAAAA: 'unavailable', rBBBBBB: room('BBBBBB', 'Offsite day 2', { ended: true }) });
    await open(HostApp, '/host');
    expect([...target.querySelectorAll('[data-testid=hosted-room]')].map((e) => text(e))).toEqual([
      'Morning standup AAAAAA Open Remove from this list',
      'Offsite day 2 BBBBBB Ended Open Remove from this list',
    ]);
  });

  it('shows what this browser holds when the look-ups fail', async () => {
    localStorage.setItem('huddle:h:AAAAAA', JSON.stringify({ roomId: 'r', code: 'AAAAAA', secret: 's', facilitatorId: 'f', title: '', joinUrl: '', createdAt: 1 }));
    localStorage.setItem('huddle:hosted', JSON.stringify(['AAAAAA']));
    vi.stubGlobal('fetch', vi.fn(async (url: string) => (url === '/api/packs' ? json(packs) : json({ error: { code: 'unavailable', message: 'down' } }, 503))));
    await open(HostApp, '/host');
    const entry = target.querySelector('[data-testid=hosted-room]')!;
    expect(text(entry)).toBe('AAAAAA Open Remove from this list');
    expect(entry.querySelector('a')!.getAttribute('aria-label')).toBe('Open the room AAAAAA');
  });
});

describe('/host: keeping the list of your rooms', () => {
  const room = (code: string, title: string, more: object = {}) => ({ id: 'r' + code, code, title, locked: false, ended: false, showNames: false, ...more });
  /** This browser created these rooms, the first the newest. */
  function stored(...rooms: [string, string][]) {
    for (const [code, title] of rooms) {
      localStorage.setItem('huddle:h:' + code, JSON.stringify({ roomId: 'r' + code, code, secret: 's', facilitatorId: 'f', title, joinUrl: '', createdAt: 1 }));
    }
    localStorage.setItem('huddle:hosted', JSON.stringify(rooms.map(([c]) => c)));
  }
  /** The server, answering each room's status from `server` (by code) as it is when asked. */
  function serve(server: Record<string, object | null>) {
    return statusServer(new Proxy({}, { get: (_, id: string) => server[id.slice(1)] ?? null }));
  }
  /** The rooms asked about, by code; and each round was one request. */
  const lookUps = (f: ReturnType<typeof serve>) => {
    const requests = statusRequests(f);
    expect(requests.length).toBeLessThanOrEqual(1);
    return requests.flat().map((q) => q.room.slice(1)).sort();
  };
  const entries = () => [...target.querySelectorAll<HTMLElement>('[data-testid=hosted-room]')];
  const removeButton = (code: string) => target.querySelector<HTMLButtonElement>(`[data-code=${code}] button`)!;
  const click = (b: HTMLElement) => b.dispatchEvent(new Event('click', { bubbles: true }));

  let visibility: DocumentVisibilityState = 'visible';
  beforeEach(() => {
    visibility = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
  });
  afterEach(() => {
    delete (document as any).visibilityState;
  });
  function show(v: DocumentVisibilityState) {
    visibility = v;
    document.dispatchEvent(new Event('visibilitychange'));
  }

  it("removes a room from this browser's list only, named by its room, and moves the focus on to the next", async () => {
    stored(['AAAAAA', 'Morning standup'], ['BBBBBB', 'Offsite day 2'], ['CCCCCC', '']);
    const f = serve({ AAAAAA: room('AAAAAA', 'Morning standup'), BBBBBB: room('BBBBBB', 'Offsite day 2'), CCCCCC: room('CCCCCC', '') });
    const confirm = vi.fn(() => true);
    vi.stubGlobal('confirm', confirm);
    await open(HostApp, '/host');
    expect(entries().map((e) => removeButton(e.dataset.code!).getAttribute('aria-label'))).toEqual([
      'Remove from this list: “Morning standup”', 'Remove from this list: “Offsite day 2”', 'Remove from this list: the room CCCCCC',
    ]);
    const calls = f.mock.calls.length;

    removeButton('AAAAAA').focus();
    click(removeButton('AAAAAA'));
    await settle();
    // Asked first: the room runs, and its console will not open from here any more.
    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/^Remove “Morning standup” from this list\? The room on the server is not changed/));
    expect(entries().map((e) => e.dataset.code)).toEqual(['BBBBBB', 'CCCCCC']);
    // This browser's record, facilitator key and all, goes; nothing is asked of the server.
    expect(localStorage.getItem('huddle:h:AAAAAA')).toBeNull();
    expect(JSON.parse(localStorage.getItem('huddle:hosted')!)).toEqual(['BBBBBB', 'CCCCCC']);
    expect(localStorage.getItem('huddle:h:BBBBBB')).not.toBeNull();
    expect(f.mock.calls.length).toBe(calls);
    // The entry that took its place has the focus, and what happened is said.
    expect(document.activeElement).toBe(removeButton('BBBBBB'));
    expect(text(target.querySelector('[role=status]'))).toBe('Removed “Morning standup” from this list.');

    // The last entry gone, the focus goes back to the one before it.
    removeButton('CCCCCC').focus();
    click(removeButton('CCCCCC'));
    await settle();
    expect(entries().map((e) => e.dataset.code)).toEqual(['BBBBBB']);
    expect(document.activeElement).toBe(removeButton('BBBBBB'));
    expect(text(target.querySelector('[role=status]'))).toBe('Removed the room CCCCCC from this list.');

    // None left: the list says so, and its heading has the focus.
    click(removeButton('BBBBBB'));
    await settle();
    expect(entries()).toHaveLength(0);
    expect(document.activeElement).toBe(target.querySelector('#your-rooms-h'));
    expect(text(target.querySelector('#your-rooms-h')!.closest('section'))).toContain('No rooms left in this list.');
    expect(localStorage.getItem('huddle:hosted')).toBe('[]');
  });

  // Removed from the list, a room left its projector token, test
  // participant, unsent commands and draft in this browser.
  it("forgets everything this browser kept of the room, and nothing of another room's", async () => {
    stored(['AAAAAA', 'Morning standup'], ['BBBBBB', 'Offsite day 2'], ['CCCCCC', 'Last week']);
    // The console made a projector link for A and C.
    for (const c of ['AAAAAA', 'CCCCCC']) {
      const h = JSON.parse(localStorage.getItem('huddle:h:' + c)!);
      localStorage.setItem('huddle:h:' + c, JSON.stringify({ ...h, secret: 's' + c, screenLink: `http://h/screen/${c}#t=link${c}`, screenLinkId: 'l' }));
    }
    const B = JSON.parse(localStorage.getItem('huddle:h:BBBBBB')!);
    localStorage.setItem('huddle:h:BBBBBB', JSON.stringify({ ...B, secret: 'sBBBBBB' }));
    const kept = (c: string, more: Record<string, string> = {}) => {
      const local: Record<string, string> = {
        [`huddle:screen:${c}`]: JSON.stringify({ code: c, token: 'link' + c, joinUrl: '' }),
        [`huddle:pv:${c}`]: JSON.stringify({ roomId: 'r' + c, code: c, token: 'pv' + c, memberId: 'm', name: 'Preview', preview: true }),
        [`huddle:pending:h:${c}`]: JSON.stringify([{ id: 'c1', type: 'agenda.add', data: {}, token: 's' + c }]),
        [`huddle:pending:s:${c}`]: JSON.stringify([{ id: 'c2', type: 'x', data: {}, token: 'link' + c }]),
        [`huddle:pending:pv:${c}`]: JSON.stringify([{ id: 'c3', type: 'exercise.answer', data: {}, token: 'pv' + c }]),
        ...more,
      };
      for (const [k, v] of Object.entries(local)) localStorage.setItem(k, v);
      sessionStorage.setItem(`huddle:pvtab:${c}`, '1');
      sessionStorage.setItem(`huddle:draft:add:r${c}`, JSON.stringify({ title: 'Half a poll' }));
      return [...Object.keys(local), `huddle:h:${c}`];
    };
    const a = kept('AAAAAA', { 'huddle:p:AAAAAA': JSON.stringify({ roomId: 'rAAAAAA', code: 'AAAAAA', token: 't', memberId: 'p', name: 'Ann' }) });
    const b = kept('BBBBBB');
    kept('CCCCCC');
    // C's code now leads to another room, which this computer projects:
    // its projector record and the commands sent with it are that room's.
    localStorage.setItem('huddle:screen:CCCCCC', JSON.stringify({ code: 'CCCCCC', token: 'other', joinUrl: '' }));
    localStorage.setItem('huddle:pending:s:CCCCCC', JSON.stringify([{ id: 'c2', type: 'x', data: {}, token: 'other' }, { id: 'c4', type: 'x', data: {}, token: 'sCCCCCC' }]));
    sessionStorage.setItem('huddle:draft:vote:e1', JSON.stringify({ choice: 1 }));
    localStorage.setItem('huddle:hostkey', JSON.stringify('key'));
    serve({ AAAAAA: room('AAAAAA', 'Morning standup'), BBBBBB: room('BBBBBB', 'Offsite day 2'), CCCCCC: null });
    vi.stubGlobal('confirm', () => true);
    await open(HostApp, '/host');
    const snapshot = () => Object.fromEntries([...b, 'huddle:hostkey'].map((k) => [k, localStorage.getItem(k)]));
    const before = snapshot();

    click(removeButton('AAAAAA'));
    await settle();
    for (const k of a.filter((k) => k !== 'huddle:p:AAAAAA')) expect(localStorage.getItem(k), k).toBeNull();
    expect(sessionStorage.getItem('huddle:pvtab:AAAAAA')).toBeNull();
    expect(sessionStorage.getItem('huddle:draft:add:rAAAAAA')).toBeNull();
    // The participant who joined A from this browser is someone in the
    // room, not the console: their page's Leave forgets them.
    expect(localStorage.getItem('huddle:p:AAAAAA')).not.toBeNull();
    // B, the server's host key and a phone's draft are as they were.
    expect(snapshot()).toEqual(before);
    for (const k of b) expect(localStorage.getItem(k), k).not.toBeNull();
    expect(sessionStorage.getItem('huddle:pvtab:BBBBBB')).toBe('1');
    expect(sessionStorage.getItem('huddle:draft:add:rBBBBBB')).not.toBeNull();
    expect(sessionStorage.getItem('huddle:draft:vote:e1')).not.toBeNull();

    // C is gone: what is still its own goes, the other room's stays.
    click(removeButton('CCCCCC'));
    await settle();
    for (const k of ['huddle:h:CCCCCC', 'huddle:pv:CCCCCC', 'huddle:pending:h:CCCCCC', 'huddle:pending:pv:CCCCCC']) expect(localStorage.getItem(k), k).toBeNull();
    expect(sessionStorage.getItem('huddle:draft:add:rCCCCCC')).toBeNull();
    expect(JSON.parse(localStorage.getItem('huddle:screen:CCCCCC')!).token).toBe('other');
    expect(JSON.parse(localStorage.getItem('huddle:pending:s:CCCCCC')!)).toEqual([{ id: 'c2', type: 'x', data: {}, token: 'other' }]);
    expect(snapshot()).toEqual(before);
    expect(JSON.parse(localStorage.getItem('huddle:hosted')!)).toEqual(['BBBBBB']);
  });

  // The order a room's test participant wrote its retro cards in
  // (lib/cardorder.ts, "MEMBER:EXERCISE") stayed after the room was removed.
  it("forgets the order its test participant wrote retro cards in, and nobody else's", async () => {
    stored(['AAAAAA', 'Morning standup'], ['BBBBBB', 'Offsite day 2']);
    const pv = (c: string, member: string) => localStorage.setItem(`huddle:pv:${c}`, JSON.stringify({ roomId: 'r' + c, code: c, token: 'pv' + c, memberId: member, name: 'Preview', preview: true }));
    pv('AAAAAA', 'pvA');
    pv('BBBBBB', 'pvB');
    // A participant who joined A from this browser (the /j/ page) writes on the same exercises.
    localStorage.setItem('huddle:p:AAAAAA', JSON.stringify({ roomId: 'rAAAAAA', code: 'AAAAAA', token: 't', memberId: 'ann', name: 'Ann' }));
    const orders = [{ k: 'pvA:e1', ids: ['c1', 'c2'] }, { k: 'ann:e1', ids: ['c3'] }, { k: 'pvB:e9', ids: ['c4'] }, { k: 'pvA:e2', ids: ['c5'] }];
    localStorage.setItem('huddle:cardorder', JSON.stringify(orders));
    serve({ AAAAAA: room('AAAAAA', 'Morning standup'), BBBBBB: room('BBBBBB', 'Offsite day 2') });
    vi.stubGlobal('confirm', () => true);
    await open(HostApp, '/host');

    click(removeButton('AAAAAA'));
    await settle();
    expect(localStorage.getItem('huddle:pv:AAAAAA')).toBeNull();
    expect(JSON.parse(localStorage.getItem('huddle:cardorder')!).map((e: { k: string }) => e.k)).toEqual(['ann:e1', 'pvB:e9']);
  });

  it('keeps a room when the question is answered no, and asks nothing of a room gone', async () => {
    stored(['AAAAAA', 'Morning standup'], ['DDDDDD', 'Old one']);
    serve({ AAAAAA: room('AAAAAA', 'Morning standup') });
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    await open(HostApp, '/host');
    click(removeButton('AAAAAA'));
    await settle();
    expect(entries().map((e) => e.dataset.code)).toEqual(['AAAAAA', 'DDDDDD']);
    expect(localStorage.getItem('huddle:h:AAAAAA')).not.toBeNull();
    expect(text(target.querySelector('[role=status]'))).toBe('');

    confirm.mockClear();
    click(removeButton('DDDDDD'));
    await settle();
    expect(confirm).not.toHaveBeenCalled();
    expect(entries().map((e) => e.dataset.code)).toEqual(['AAAAAA']);
    expect(localStorage.getItem('huddle:h:DDDDDD')).toBeNull();
  });

  // The page was left open in a tab over the lunch break: the badges
  // still said what the rooms were when it opened.
  it('looks the rooms up again when the page is shown again, once each', async () => {
    stored(['AAAAAA', 'Morning standup'], ['BBBBBB', 'Offsite day 2'], ['CCCCCC', 'Quick poll'], ['DDDDDD', 'Old one']);
    const server: Record<string, object | null> = {
      AAAAAA: room('AAAAAA', 'Morning standup'), BBBBBB: room('BBBBBB', 'Offsite day 2'), CCCCCC: room('CCCCCC', 'Quick poll'), DDDDDD: null,
    };
    const f = serve(server);
    await open(HostApp, '/host');
    expect(lookUps(f)).toEqual(['AAAAAA', 'BBBBBB', 'CCCCCC', 'DDDDDD']);
    f.mockClear();

    // Meanwhile one ended, one was locked, one expired.
    server.AAAAAA = room('AAAAAA', 'Morning standup', { ended: true });
    server.BBBBBB = room('BBBBBB', 'Offsite day 2', { locked: true });
    server.CCCCCC = null;
    show('hidden');
    await settle();
    expect(lookUps(f)).toEqual([]);
    // Shown, hidden and shown again before the look-ups answer: one round.
    show('visible');
    show('hidden');
    show('visible');
    await settle();
    // The room already gone is not asked for again.
    expect(lookUps(f)).toEqual(['AAAAAA', 'BBBBBB', 'CCCCCC']);
    expect(entries().map((e) => text(e))).toEqual([
      'Offsite day 2 BBBBBB Joining locked Open Remove from this list',
      'Morning standup AAAAAA Ended Open Remove from this list',
      'Quick poll CCCCCC No longer on the server Open Remove from this list',
      'Old one DDDDDD No longer on the server Open Remove from this list',
    ]);

    // Shown again later: another round, of the rooms still listed and not gone.
    f.mockClear();
    vi.stubGlobal('confirm', () => true);
    click(removeButton('BBBBBB'));
    await settle();
    show('hidden');
    show('visible');
    await settle();
    expect(lookUps(f)).toEqual(['AAAAAA']);
  });

  // Sorted again as the rooms ended, the entries move: the one with the
  // focus lost it to the page.
  it('keeps the focus where it was as the entries are sorted again', async () => {
    stored(['AAAAAA', 'Morning standup'], ['BBBBBB', 'Offsite day 2']);
    const server: Record<string, object | null> = { AAAAAA: room('AAAAAA', 'Morning standup'), BBBBBB: room('BBBBBB', 'Offsite day 2') };
    serve(server);
    await open(HostApp, '/host');
    const link = target.querySelector<HTMLElement>('[data-code=AAAAAA] a')!;
    link.focus();
    server.AAAAAA = room('AAAAAA', 'Morning standup', { ended: true });
    show('hidden');
    show('visible');
    await settle();
    expect(entries().map((e) => e.dataset.code)).toEqual(['BBBBBB', 'AAAAAA']);
    expect(document.activeElement).toBe(link);
  });

  it('keeps what the last look-up said of a room when looking again fails', async () => {
    stored(['AAAAAA', 'Morning standup']);
    const f = serve({ AAAAAA: room('AAAAAA', 'Morning standup', { locked: true }) });
    await open(HostApp, '/host');
    f.mockImplementation(async () => json({ error: { code: 'network', message: 'offline' } }, 503));
    show('hidden');
    show('visible');
    await settle();
    expect(f).toHaveBeenCalled();
    expect(text(entries()[0])).toBe('Morning standup AAAAAA Joining locked Open Remove from this list');
  });
});
