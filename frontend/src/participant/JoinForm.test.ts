import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import JoinForm from './JoinForm.svelte';

let target: HTMLElement;
let app: any;
afterEach(() => {
  unmount(app);
  target.remove();
  vi.unstubAllGlobals();
});

function render(code = '') {
  const onJoined = vi.fn();
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(JoinForm, { target, props: { code, onJoined } });
  flushSync();
  return onJoined;
}
const submit = () => {
  target.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
  flushSync();
};

describe('JoinForm', () => {
  it('names its page in the tab', () => {
    render('');
    expect(document.title).toBe('Join a workshop · Huddle');
  });

  it('says how much of the name limit is used once close to it, rather than stopping the typing silently', () => {
    render('K7QX2M');
    const input = target.querySelector('#join-name') as HTMLInputElement;
    input.value = 'Ann';
    input.dispatchEvent(new Event('input'));
    flushSync();
    expect(target.querySelector('[data-testid=char-count]')).toBeNull();
    input.value = 'Maximilian Alexander von Hohenzollern-Si';
    input.dispatchEvent(new Event('input'));
    flushSync();
    const count = target.querySelector('[data-testid=char-count]')!;
    expect(count.textContent).toBe('40 / 40');
    expect(input.getAttribute('aria-describedby')).toContain(count.id);
  });

  // The server counts the name's limit in characters (code points); the
  // browser's maxlength counts UTF-16 units, an emoji two.
  it('takes a pasted name of emoji up to the limit in characters, not half of it; the code keeps its 12', () => {
    render('');
    const input = target.querySelector('#join-name') as HTMLInputElement;
    input.focus();
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', '🦊'.repeat(50));
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    // The browser cuts a paste at maxlength, in units, never inside a pair.
    const room = input.maxLength - input.value.length;
    input.value += '🦊'.repeat(50).slice(0, room - (room % 2));
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    flushSync();
    expect([...input.value].length).toBe(40);
    expect(target.querySelector('[data-testid=char-count]')!.textContent).toBe('40 / 40');
    expect((target.querySelector('#join-code') as HTMLInputElement).maxLength).toBe(12);
  });

  it('fills the code from the link', () => {
    render('K7QX2M');
    expect((target.querySelector('#join-code') as HTMLInputElement).value).toBe('K7QX2M');
  });

  it('refuses a malformed code without asking the server', () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    render('');
    const input = target.querySelector('#join-code') as HTMLInputElement;
    input.value = 'ab1';
    input.dispatchEvent(new Event('input'));
    submit();
    expect(fetch).not.toHaveBeenCalled();
    expect(target.querySelector('[role=alert]')!.textContent).toContain('A room code has 6 letters and digits.');
  });

  it('joins with a forgiving code and an optional name, and says why it failed', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ error: { code: 'room_locked', message: 'locked' } }), { status: 409 }));
    vi.stubGlobal('fetch', fetch);
    const onJoined = render('');
    const input = target.querySelector('#join-code') as HTMLInputElement;
    input.value = 'k7q-x2m';
    input.dispatchEvent(new Event('input'));
    submit();
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(JSON.parse((fetch.mock.calls[0] as any)[1].body)).toEqual({ code: 'K7QX2M', name: '' });
    expect(onJoined).not.toHaveBeenCalled();
    expect(target.querySelector('[role=alert]')!.textContent).toContain('not accepting new people');
  });

  it('shows an error about a field under that field', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'invalid', message: 'name holds a control character', field: 'name' } }), { status: 400 })));
    render('K7QX2M');
    submit();
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    const err = target.querySelector('#join-name-error');
    expect(err?.textContent).toContain('The name holds a control character');
    expect(target.querySelector('#join-name')!.getAttribute('aria-invalid')).toBe('true');
    expect(target.querySelector('#join-code-error')).toBeNull();
  });

  it('shows an unknown code under the code', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such room' } }), { status: 404 })));
    render('K7QX2M');
    submit();
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(target.querySelector('#join-code-error')?.textContent).toContain('no room with that code');
  });

  it('says at once, under the code, that a join link is for no room', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such room', field: 'code' } }), { status: 404 })));
    render('K7QX2M');
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(target.querySelector('#join-code-error')?.textContent).toContain('no room with that code');
    expect(target.querySelector('#join-code')!.getAttribute('aria-invalid')).toBe('true');
  });

  it('names the room the join link is for, while that code is the one typed', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ id: 'r1', code: 'K7QX2M', title: 'Sprint 42 retro', locked: false, ended: false, showNames: false, joinUrl: '' })));
    vi.stubGlobal('fetch', fetch);
    render('K7QX2M');
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect((fetch.mock.calls[0] as any)[0]).toBe('/api/rooms/K7QX2M');
    const joining = () => target.querySelector('[data-testid=joining-room]')?.textContent ?? '';
    expect(joining()).toBe('You are joining “Sprint 42 retro” (code K7QX2M).');
    const input = target.querySelector('#join-code') as HTMLInputElement;
    input.value = 'ABCDEF';
    input.dispatchEvent(new Event('input'));
    flushSync();
    expect(joining()).toBe('');
  });

  it('says at once that the room the link is for is locked', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ id: 'r1', code: 'K7QX2M', title: 'Sprint 42 retro', locked: true, ended: false, showNames: false, joinUrl: '' }))));
    render('K7QX2M');
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(target.querySelector('[data-testid=joining-room]')?.textContent)
      .toBe('You are joining “Sprint 42 retro” (code K7QX2M). This room is not accepting new people right now.');
  });

  it('says who will see the name in the room the link is for', async () => {
    for (const showNames of [false, true]) {
      vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ id: 'r1', code: 'K7QX2M', title: 'T', locked: false, ended: false, showNames, joinUrl: '' }))));
      render('K7QX2M');
      await new Promise((r) => setTimeout(r, 0));
      flushSync();
      expect(target.querySelector('#join-name-hint')!.textContent).toBe('Leave it empty to stay unnamed. '
        + (showNames ? 'In this room people see each other’s names.' : 'In this room only the facilitator sees the list of names.'));
      unmount(app);
      target.remove();
    }
    render('');
    expect(target.querySelector('#join-name-hint')!.textContent).toBe('Leave it empty to stay unnamed.');
  });

  it('looks nothing up without a code from the link', () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    render('');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('says once that the name is optional', () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 404 })));
    render('');
    const name = target.querySelector('#join-name')!.closest('div')!;
    expect(name.textContent!.match(/optional/gi)).toHaveLength(1);
  });

  describe('a locked room', () => {
    let locked = true;
    let full = false;
    // As the server answers: a locked room's look-up never says full.
    const info = () => ({ id: 'r1', code: 'K7QX2M', title: 'Sprint 42 retro', locked, ended: false, showNames: false, joinUrl: '', ...(full && !locked ? { full } : {}) });
    const server = () => vi.fn(async (url: string) => url === '/api/join'
      ? locked
        ? new Response(JSON.stringify({ error: { code: 'room_locked', message: 'room is locked' } }), { status: 409 })
        : full
          ? new Response(JSON.stringify({ error: { code: 'room_full', message: 'this room is full (2 participants)' } }), { status: 409 })
          : new Response(JSON.stringify({ room: info(), member: { id: 'm1', name: '' }, token: 't1' }))
      : new Response(JSON.stringify(info())));
    const join = () => [...target.querySelectorAll('button')].find((b) => b.type === 'submit')!;
    const said = () => (target.textContent!.match(/not accepting new people/g) ?? []).length;
    afterEach(() => {
      vi.useRealTimers();
      locked = true;
      full = false;
    });

    // A button disabled under the focus drops it to the top of the page.
    it('keeps the focus on Join while joining, and after the refusal', async () => {
      vi.stubGlobal('fetch', server());
      render('K7QX2M');
      await new Promise((r) => setTimeout(r, 0));
      flushSync();
      join().focus();
      submit();
      expect(join().textContent).toBe('Joining…');
      expect(join().disabled).toBe(false);
      expect(join().getAttribute('aria-disabled')).toBe('true');
      submit(); // pressed twice: joins once
      await new Promise((r) => setTimeout(r, 0));
      flushSync();
      expect(document.activeElement).toBe(join());
      expect(join().getAttribute('aria-disabled')).toBe('false');
      expect(target.querySelector('[role=alert]')!.textContent).toContain('not accepting new people');
    });

    it('says once that it is locked, and after a refusal that pressing Join again is the way in', async () => {
      const fetch = server();
      vi.stubGlobal('fetch', fetch);
      render('K7QX2M');
      await new Promise((r) => setTimeout(r, 0));
      flushSync();
      expect(said()).toBe(1);
      submit();
      await new Promise((r) => setTimeout(r, 0));
      flushSync();
      expect(fetch.mock.calls.filter((c: any) => c[0] === '/api/join')).toHaveLength(1);
      expect(said()).toBe(1);
      expect(target.querySelectorAll('[role=alert]')).toHaveLength(1);
      expect(target.querySelector('[role=alert]')!.textContent).toBe('This room is not accepting new people right now. Try again in a moment.');
      expect(target.querySelector('[data-testid=joining-room]')!.textContent).toBe('You are joining “Sprint 42 retro” (code K7QX2M).');
    });

    it('says so, politely, once the facilitator unlocks it, and Join then joins', async () => {
      vi.useFakeTimers();
      const fetch = server();
      vi.stubGlobal('fetch', fetch);
      const onJoined = render('K7QX2M');
      await vi.advanceTimersByTimeAsync(0);
      submit();
      await vi.advanceTimersByTimeAsync(0);
      flushSync();
      expect(said()).toBe(1);
      await vi.advanceTimersByTimeAsync(5000); // still locked
      flushSync();
      expect(said()).toBe(1);
      expect(target.querySelector('[data-testid=join-news]')).toBeNull();
      locked = false;
      await vi.advanceTimersByTimeAsync(5000);
      flushSync();
      expect(said()).toBe(0);
      expect(target.querySelector('[role=alert]')).toBeNull();
      const note = target.querySelector('[data-testid=join-news]')!;
      expect(note.textContent).toBe('This room is open to new people now: press Join.');
      expect(note.parentElement!.getAttribute('aria-live')).toBe('polite');
      const looked = fetch.mock.calls.length;
      await vi.advanceTimersByTimeAsync(20000); // open: no more look-ups
      expect(fetch.mock.calls.length).toBe(looked);
      submit();
      await vi.advanceTimersByTimeAsync(0);
      expect(onJoined).toHaveBeenCalled();
    });

    it('unlocked while full, keeps waiting and says nothing; says once that it is open when there is room too', async () => {
      vi.useFakeTimers();
      full = true;
      const fetch = server();
      vi.stubGlobal('fetch', fetch);
      const onJoined = render('K7QX2M');
      await vi.advanceTimersByTimeAsync(0);
      flushSync();
      expect(said()).toBe(1);
      locked = false; // unlocked, still full
      await vi.advanceTimersByTimeAsync(5000);
      flushSync();
      expect(target.querySelector('[data-testid=join-news]')).toBeNull();
      await vi.advanceTimersByTimeAsync(10000); // still full: still looking, still quiet
      flushSync();
      expect(target.querySelector('[data-testid=join-news]')).toBeNull();
      const looked = fetch.mock.calls.length;
      full = false;
      await vi.advanceTimersByTimeAsync(5000);
      flushSync();
      expect(fetch.mock.calls.length).toBe(looked + 1);
      expect(target.querySelector('[data-testid=join-news]')!.textContent).toBe('This room is open to new people now: press Join.');
      await vi.advanceTimersByTimeAsync(20000); // open: no more look-ups
      expect(fetch.mock.calls.length).toBe(looked + 1);
      expect(target.textContent!.match(/open to new people now/g)).toHaveLength(1);
      submit();
      await vi.advanceTimersByTimeAsync(0);
      expect(onJoined).toHaveBeenCalled();
    });
  });
});

describe('a room one cannot join', () => {
  it('ended, from its link: says so once, and offers no Join for it', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ id: 'r1', code: 'K7QX2M', title: 'T', locked: false, ended: true, showNames: false, joinUrl: '' }))));
    render('K7QX2M');
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(target.textContent!.split('This workshop has ended.').length - 1).toBe(1);
    expect(target.querySelector('button[type=submit]')).toBeNull();
    expect(target.querySelector('#join-name')).toBeNull();
  });

  it('full: gives the next step, and Join becomes "Try again", which asks again', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ error: { code: 'room_full', message: 'full' } }), { status: 409 }));
    vi.stubGlobal('fetch', fetch);
    render('');
    const input = target.querySelector('#join-code') as HTMLInputElement;
    input.value = 'K7QX2M';
    input.dispatchEvent(new Event('input'));
    submit();
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(target.querySelector('[role=alert]')!.textContent).toBe('This room is full. Ask the facilitator to make room; this page will tell you when there is.');
    const again = target.querySelector('button[type=submit]') as HTMLButtonElement;
    expect(again.textContent).toBe('Try again');
    submit();
    await new Promise((r) => setTimeout(r, 0));
    expect(fetch.mock.calls.filter((c: any) => c[0] === '/api/join')).toHaveLength(2);
  });
});

describe('a full room, waited on', () => {
  let full = true;
  let locked = false;
  let ended = false;
  const info = () => ({ id: 'r1', code: 'K7QX2M', title: 'Sprint 42 retro', locked, ended, showNames: false, joinUrl: '', ...(full ? { full } : {}) });
  const server = () => vi.fn(async (url: string) => url === '/api/join'
    ? full
      ? new Response(JSON.stringify({ error: { code: 'room_full', message: 'this room is full (2 participants)' } }), { status: 409 })
      : new Response(JSON.stringify({ room: info(), member: { id: 'm1', name: '' }, token: 't1' }))
    : new Response(JSON.stringify(info())));
  const joins = (fetch: ReturnType<typeof server>) => fetch.mock.calls.filter((c: any) => c[0] === '/api/join').length;
  const lookUps = (fetch: ReturnType<typeof server>) => fetch.mock.calls.filter((c: any) => c[0] === '/api/rooms/K7QX2M').length;
  const button = () => target.querySelector('button[type=submit]') as HTMLButtonElement | null;
  const news = () => target.querySelector('[data-testid=join-news]');
  const typeCode = (code: string) => {
    const input = target.querySelector('#join-code') as HTMLInputElement;
    input.value = code;
    input.dispatchEvent(new Event('input'));
    flushSync();
  };
  // The code typed, not from a link: Join refused as full.
  async function refused() {
    vi.useFakeTimers();
    const fetch = server();
    vi.stubGlobal('fetch', fetch);
    const onJoined = render('');
    typeCode('k7q-x2m');
    submit();
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
    expect(target.querySelector('[role=alert]')!.textContent).toBe('This room is full. Ask the facilitator to make room; this page will tell you when there is.');
    expect(button()!.textContent).toBe('Try again');
    return { fetch, onJoined };
  }
  // Opened from its link: Join refused as full (flushed by the caller).
  async function refusedFromLink() {
    vi.useFakeTimers();
    const fetch = server();
    vi.stubGlobal('fetch', fetch);
    render('K7QX2M');
    await vi.advanceTimersByTimeAsync(0);
    submit();
    await vi.advanceTimersByTimeAsync(0);
    return fetch;
  }
  afterEach(() => {
    vi.useRealTimers();
    full = true;
    locked = ended = false;
  });

  it('says so, politely and once, when a place frees up, and Join then joins; never joins by itself', async () => {
    const { fetch, onJoined } = await refused();
    await vi.advanceTimersByTimeAsync(5000); // still full
    flushSync();
    expect(lookUps(fetch)).toBe(1);
    expect(news()).toBeNull();
    expect(button()!.textContent).toBe('Try again');
    full = false; // someone was removed
    await vi.advanceTimersByTimeAsync(5000);
    flushSync();
    const note = news()!;
    expect(note.textContent).toBe('There is room now: press Join.');
    expect(note.parentElement!.getAttribute('aria-live')).toBe('polite');
    expect(target.querySelector('[role=alert]')).toBeNull();
    expect(button()!.textContent).toBe('Join');
    const looked = lookUps(fetch);
    await vi.advanceTimersByTimeAsync(20000); // room: no more look-ups, the news left as it was
    flushSync();
    expect(lookUps(fetch)).toBe(looked);
    expect(news()).toBe(note);
    expect(target.textContent!.match(/There is room now/g)).toHaveLength(1);
    expect(joins(fetch)).toBe(1);
    expect(onJoined).not.toHaveBeenCalled();
    submit();
    await vi.advanceTimersByTimeAsync(0);
    expect(JSON.parse((fetch.mock.calls.find((c: any) => c[0] === '/api/join') as any)[1].body).code).toBe('K7QX2M');
    expect(onJoined).toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(20000);
    expect(lookUps(fetch)).toBe(looked);
  });

  it('waits on the room from a join link too, and on a room locked meanwhile until it opens', async () => {
    const fetch = await refusedFromLink();
    flushSync();
    expect(button()!.textContent).toBe('Try again');
    full = false;
    locked = true; // the look-up of a locked room never says full
    await vi.advanceTimersByTimeAsync(10000);
    flushSync();
    expect(news()).toBeNull();
    expect(target.querySelector('[role=alert]')!.textContent).toContain('This room is full.');
    locked = false;
    await vi.advanceTimersByTimeAsync(5000);
    flushSync();
    expect(news()!.textContent).toBe('There is room now: press Join.');
    expect(target.querySelector('[role=alert]')).toBeNull();
    expect(button()!.textContent).toBe('Join');
  });

  // The link said locked; the room opened, full, before the page looked
  // again: the refusal says it is open, so no "open to new people now".
  it('takes a refusal as full for news that the room the link is for is no longer locked', async () => {
    vi.useFakeTimers();
    locked = true;
    const fetch = server();
    vi.stubGlobal('fetch', fetch);
    render('K7QX2M');
    await vi.advanceTimersByTimeAsync(0);
    locked = false;
    submit();
    await vi.advanceTimersByTimeAsync(0);
    flushSync();
    expect(target.querySelector('[data-testid=joining-room]')!.textContent).toBe('You are joining “Sprint 42 retro” (code K7QX2M).');
    await vi.advanceTimersByTimeAsync(10000);
    flushSync();
    expect(news()).toBeNull();
    expect(button()!.textContent).toBe('Try again');
    expect(lookUps(fetch)).toBe(3); // the link's, then one every 5 s
  });

  it('stops looking once the code typed is another', async () => {
    const { fetch } = await refused();
    await vi.advanceTimersByTimeAsync(5000);
    expect(lookUps(fetch)).toBe(1);
    typeCode('ABCDEF');
    full = false;
    await vi.advanceTimersByTimeAsync(20000);
    flushSync();
    expect(lookUps(fetch)).toBe(1);
    expect(news()).toBeNull();
  });

  it('shows the refusal and "Try again" only while the code refused is the one typed', async () => {
    await refused();
    typeCode('ABCDEF');
    expect(target.querySelector('[role=alert]')).toBeNull();
    expect(button()!.textContent).toBe('Join');
    typeCode('K7QX2M');
    expect(target.querySelector('[role=alert]')!.textContent).toBe('This room is full. Ask the facilitator to make room; this page will tell you when there is.');
    expect(button()!.textContent).toBe('Try again');
  });

  it('says a room gone meanwhile is no room, under the code, and stops looking', async () => {
    const { fetch } = await refused();
    fetch.mockImplementation(async () => new Response(JSON.stringify({ error: { code: 'not_found', message: 'there is no room with that code', field: 'code' } }), { status: 404 }));
    await vi.advanceTimersByTimeAsync(5000);
    flushSync();
    expect(target.querySelector('#join-code-error')!.textContent).toContain('no room with that code');
    expect(target.querySelectorAll('[role=alert]')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20000);
    expect(lookUps(fetch)).toBe(1);
  });

  it('stops looking while Join asks again, and after a refusal looks again', async () => {
    const { fetch } = await refused();
    await vi.advanceTimersByTimeAsync(4000);
    submit(); // pressed again before the look-up: refused again, the wait starts over
    await vi.advanceTimersByTimeAsync(4000);
    expect(joins(fetch)).toBe(2);
    expect(lookUps(fetch)).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(lookUps(fetch)).toBe(1);
  });

  it('says the room ended, once, and stops looking: typed, under the form', async () => {
    const { fetch } = await refused();
    ended = true;
    locked = true;
    full = false;
    await vi.advanceTimersByTimeAsync(5000);
    flushSync();
    expect(target.querySelector('[role=alert]')!.textContent).toBe('This workshop has ended.');
    expect(target.textContent!.split('This workshop has ended.').length - 1).toBe(1);
    expect(news()).toBeNull();
    expect(button()!.textContent).toBe('Join');
    await vi.advanceTimersByTimeAsync(20000);
    expect(lookUps(fetch)).toBe(1);
  });

  it('says the room ended, once, and stops looking: from its link, with no Join for it', async () => {
    const fetch = await refusedFromLink();
    ended = true;
    locked = true;
    full = false;
    await vi.advanceTimersByTimeAsync(5000);
    flushSync();
    expect(target.textContent!.split('This workshop has ended.').length - 1).toBe(1);
    expect(button()).toBeNull();
    const looked = lookUps(fetch);
    await vi.advanceTimersByTimeAsync(20000);
    expect(lookUps(fetch)).toBe(looked);
  });

  // "Try again" goes with the rest of the form: the focus on it fell to
  // the page, and nothing said the end.
  it('from its link, puts the focus on the notice that says the room ended, which takes it once', async () => {
    const fetch = await refusedFromLink();
    flushSync();
    button()!.focus();
    expect(document.activeElement!.textContent).toBe('Try again');
    ended = true;
    full = false;
    await vi.advanceTimersByTimeAsync(5000);
    flushSync();
    const notice = target.querySelector<HTMLElement>('[data-testid=joining-room]')!;
    expect(notice.textContent).toBe('This workshop has ended.');
    expect(notice.getAttribute('tabindex')).toBe('-1');
    expect(document.activeElement).toBe(notice);
    // Said by the focus, not by a live region as well.
    expect(target.querySelectorAll('[role=alert]')).toHaveLength(0);
    expect(target.querySelector('[aria-live]')!.textContent).toBe('');
  });

  it('leaves the focus where the person put it outside the form when the room ends', async () => {
    vi.useFakeTimers();
    const fetch = server();
    vi.stubGlobal('fetch', fetch);
    const outside = document.createElement('button');
    document.body.appendChild(outside);
    render('K7QX2M');
    await vi.advanceTimersByTimeAsync(0);
    submit();
    await vi.advanceTimersByTimeAsync(0);
    outside.focus();
    ended = true;
    full = false;
    await vi.advanceTimersByTimeAsync(5000);
    flushSync();
    expect(document.activeElement).toBe(outside);
    outside.remove();
  });
});
