import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import Sessions from './Sessions.svelte';
import { when } from './format';
import { cancelThenEnterKey, needsKey } from '../test/hostkeyretry';

const tick = () => new Promise((r) => setTimeout(r, 0));
let target: HTMLElement;
let app: any;

const session = (id: string, pack: string, packTitle: string, endedAt: string, expiresAt?: string) => ({
  id, code: 'K7QX2M', title: 'Run ' + id, pack, packTitle, createdAt: endedAt, endedAt, participants: 3, exercises: 4,
  ...(expiresAt === undefined ? {} : { expiresAt }),
});
// Newest first, as the server lists them.
const all = [
  session('s4', 'retro-basics', 'Retro basics', '2026-04-08T10:00:00Z', '2026-07-07T10:00:00Z'),
  session('s3', 'team-trust', 'Team trust', '2026-04-06T10:00:00Z', '2026-07-05T10:00:00Z'),
  // Kept until deleted (results-ttl 0): no expiresAt, or Go's zero time.
  session('s2', '', '', '2026-04-04T10:00:00Z'),
  session('s1', 'team-trust', 'Team trust', '2026-03-02T10:00:00Z', '0001-01-01T00:00:00Z'),
];

async function render(pack: string, list = all) {
  vi.stubGlobal('fetch', vi.fn(async (url: string) => {
    const p = new URL(url, 'http://h').searchParams.get('pack');
    return new Response(JSON.stringify(p ? list.filter((s) => s.pack === p) : list));
  }));
  target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(Sessions, { target, props: { pack } });
  for (let i = 0; i < 4; i++) await tick();
  flushSync();
}
const rows = () => [...target.querySelectorAll('[data-testid=session]')].map((r) => r.getAttribute('data-session'));
const choices = () => [...target.querySelectorAll('#filter-pack option')].map((o) => `${(o as HTMLOptionElement).value}=${o.textContent}`);

beforeEach(() => localStorage.clear());
afterEach(() => {
  unmount(app);
  target.remove();
  vi.unstubAllGlobals();
});

describe('past sessions', () => {
  it('offers every pack with a session in the filter, also while one pack is shown', async () => {
    await render('team-trust');
    expect(rows()).toEqual(['s3', 's1']);
    expect(choices()).toEqual(['=All sessions', 'retro-basics=Retro basics', 'team-trust=Team trust']);
    expect((target.querySelector('#filter-pack') as HTMLSelectElement).value).toBe('team-trust');
    expect(target.querySelector('[data-testid=compare-link]')!.getAttribute('href')).toBe('/compare?a=s1&b=s3');
  });

  it('shows every session without a filter', async () => {
    await render('');
    expect(rows()).toEqual(['s4', 's3', 's2', 's1']);
    expect(choices()).toEqual(['=All sessions', 'retro-basics=Retro basics', 'team-trust=Team trust']);
  });

  it('says until when each session is kept', async () => {
    await render('');
    const kept = [...target.querySelectorAll('[data-testid=session] [data-testid=kept-until]')].map((e) => e.textContent);
    expect(kept).toEqual([
      `Kept until ${when('2026-07-07T10:00:00Z')}`,
      `Kept until ${when('2026-07-05T10:00:00Z')}`,
      'Kept with no expiry',
      'Kept with no expiry',
    ]);
  });

  it('gives each long name its whole text in a title, as the table shows at most three lines of it', async () => {
    const long = 'https://wiki.example.com/spaces/PLATFORM/pages/123456789/Retrospective+Notes+Quarterly+Planning+Berlin+Lisbon';
    await render('', [{ ...all[0], title: long }, all[2]]);
    const names = [...target.querySelectorAll('[data-testid=session] .name')].map((e) => [e.textContent, e.getAttribute('title')]);
    expect(names).toEqual([[long, long], ['Retro basics', 'Retro basics'], ['Run s2', 'Run s2'], ['No pack', null]]);
  });

  it('keeps a pack in the filter that no session has any more', async () => {
    await render('gone-pack');
    expect(rows()).toEqual([]);
    expect(target.textContent).toContain('No sessions yet.');
    expect(choices()).toContain('gone-pack=gone-pack');
  });
});

describe('past sessions chosen for comparing', () => {
  const chosen = () => [...target.querySelectorAll<HTMLInputElement>('[data-testid=session] input[type=checkbox]')]
    .filter((c) => c.checked).map((c) => c.closest('tr')!.getAttribute('data-session'));
  const hint = () => target.querySelector('.compare .hint')!.textContent;

  it('are the two newest of one pack, even with newer sessions of other packs', async () => {
    await render('');
    expect(chosen()).toEqual(['s3', 's1']);
    expect(target.querySelector('[data-testid=compare-link]')!.getAttribute('href')).toBe('/compare?a=s1&b=s3');
    expect(hint()).toBe('Choose two sessions; the two newest of the same pack are chosen for you.');
  });

  it('are none when no pack has two, sessions of no pack included, and the hint says so', async () => {
    await render('', [all[0], all[1], all[2], session('s0', '', '', '2026-03-01T10:00:00Z')]);
    expect(chosen()).toEqual([]);
    expect(target.querySelector('[data-testid=compare-link]')).toBeNull();
    expect(hint()).toBe('Choose two sessions. None are chosen for you: no pack has two sessions here.');
  });
});

describe('past sessions deleted with the keyboard', () => {
  it('keep the focus on the Delete of the session now in its place, else the one before, else the heading', async () => {
    let list = all.slice(0, 3);
    vi.stubGlobal('confirm', () => true);
    vi.stubGlobal('fetch', vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === 'DELETE') {
        const id = decodeURIComponent(url.split('/').pop()!.split('?')[0]);
        list = list.filter((s) => s.id !== id);
        return new Response(null, { status: 204 });
      }
      return new Response(JSON.stringify(list));
    }));
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(Sessions, { target, props: { pack: '' } });
    for (let i = 0; i < 4; i++) await tick();
    flushSync();
    const del = (id: string) => target.querySelector(`[data-session="${id}"] button[aria-label^="Delete"]`) as HTMLButtonElement;
    for (const [id, next] of [['s3', 's2'], ['s2', 's4'], ['s4', null]] as const) {
      del(id).focus();
      del(id).click();
      for (let i = 0; i < 6; i++) await tick();
      flushSync();
      expect(rows()).not.toContain(id);
      expect(document.activeElement).toBe(next ? del(next) : target.querySelector('h1'));
    }
  });
});

describe('past sessions on a server with a host key', () => {
  it('offer the host key prompt again after it was cancelled, with the focus on its button', async () => {
    const HostKeyPrompt = (await import('./HostKeyPrompt.svelte')).default;
    needsKey(all);
    target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(Sessions, { target, props: { pack: '' } });
    const prompt = mount(HostKeyPrompt, { target });
    await cancelThenEnterKey(target, async () => {
      for (let i = 0; i < 4; i++) await tick();
      flushSync();
    });
    expect(rows()).toEqual(['s4', 's3', 's2', 's1']);
    unmount(prompt);
  });
});

// Chromium blurs a button disabled under the focus (WCAG 2.4.3).
describe('past sessions while a file downloads', () => {
  it('keep its button focusable, marked busy, and take no second press', async () => {
    await render('');
    let release!: (r: Response) => void;
    const fetchMock = vi.fn(() => new Promise<Response>((r) => (release = r)));
    vi.stubGlobal('fetch', fetchMock);
    const csv = target.querySelector('[data-session=s3] [aria-label^="Download CSV"], [data-session=s3] .dl button:nth-child(2)') as HTMLButtonElement;
    csv.focus();
    csv.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    flushSync();
    expect(csv.disabled).toBe(false);
    expect(csv.getAttribute('aria-disabled')).toBe('true');
    csv.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    release(new Response(JSON.stringify({ error: { code: 'not_found', message: 'no' } }), { status: 404 }));
    for (let i = 0; i < 4; i++) await tick();
    flushSync();
    expect(csv.hasAttribute('aria-disabled')).toBe(false);
    expect(document.activeElement).toBe(csv);
  });

  it('say a session gone meanwhile is no longer kept, not that a pack is to be reloaded', async () => {
    await render('');
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such session' } }), { status: 404 })));
    (target.querySelector('[data-session=s3] .dl button') as HTMLButtonElement).click();
    for (let i = 0; i < 4; i++) await tick();
    flushSync();
    const said = target.querySelector('[role=alert]')!.textContent!;
    expect(said).toBe('That session is no longer kept: it may have expired or been deleted.');
    expect(said).not.toMatch(/library|Reload/);
  });
});

describe('past sessions of a server that keeps its library in memory only', () => {
  it('say each is kept only until the server restarts, whatever its date, and how to keep them', async () => {
    await render('', all.map((s) => ({ ...s, untilRestart: true })));
    const kept = [...target.querySelectorAll('[data-testid=session] [data-testid=kept-until]')].map((e) => e.textContent);
    expect(kept).toEqual(Array(4).fill('Kept only until this server restarts'));
    expect(target.textContent).not.toContain('Kept until');
    expect(target.querySelector('[data-testid=until-restart]')!.textContent).toBe(
      'This server keeps sessions in memory only: restarting it forgets every one of them, whatever its date. Download the ones you need, or have the server started with HUDDLE_DATA_DIR set to keep them.');
  });

  it('are not said to be, on a server that keeps them', async () => {
    await render('');
    expect(target.querySelector('[data-testid=until-restart]')).toBeNull();
    expect(target.textContent).not.toContain('restart');
  });
});

describe('past sessions read by a screen reader', () => {
  // Two runs of one pack that ended the same minute, and a third of
  // another day: every control of the table has a label of its own.
  const run = (id: string, code: string, endedAt: string) => ({ ...session(id, 'qa', 'QA workshop', endedAt, '2027-03-07T07:06:00Z'), title: 'QA workshop', code });
  const runs = [run('r2', 'BBBBBB', '2026-12-07T07:06:50Z'), run('r1', 'AAAAAA', '2026-12-07T07:06:10Z'), run('r0', 'CCCCCC', '2026-11-30T07:06:10Z')];
  const labels = (id: string) => [...target.querySelectorAll(`[data-session=${id}] [aria-label]`)].map((e) => e.getAttribute('aria-label'));

  it('name each session by its title, its room code and when it ended', async () => {
    await render('', runs);
    const at = when('2026-12-07T07:06:10Z');
    expect(when('2026-12-07T07:06:50Z')).toBe(at); // the same minute: the time alone would not tell them apart
    expect(labels('r1')).toEqual([
      `Compare QA workshop, room AAAAAA, ended ${at}`,
      `Download QA workshop, room AAAAAA, ended ${at} as JSON`,
      `Download QA workshop, room AAAAAA, ended ${at} as CSV`,
      `Download QA workshop, room AAAAAA, ended ${at} as Markdown`,
      `Delete the session QA workshop, room AAAAAA, ended ${at}`,
    ]);
    expect(labels('r2')[0]).toBe(`Compare QA workshop, room BBBBBB, ended ${at}`);
  });

  it('give no two controls of the table the same label', async () => {
    for (const list of [runs, all]) {
      await render('', list);
      const every = [...target.querySelectorAll('[data-testid=sessions] tbody [aria-label]')].map((e) => e.getAttribute('aria-label'));
      expect(every).toHaveLength(list.length * 5);
      expect(new Set(every).size).toBe(every.length);
      unmount(app);
      target.remove();
    }
    await render('', runs); // for afterEach
  });
});
