// A part of the phone's page loaded when shown (lib/lazy.svelte.ts,
// participant/Lazy.svelte): the import function is the test's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import { LazyPart, prefetchWhenIdle } from '../lib/lazy.svelte';
import Greeting from '../test/Greeting.svelte';
import LazyGreeting from '../test/LazyGreeting.svelte';

type Mod = { default: typeof Greeting };

/** An import the test settles: resolve() or reject() its latest call. */
function fakeImport() {
  const calls: { resolve: (m: Mod) => void; reject: (e: unknown) => void }[] = [];
  const load = vi.fn(() => new Promise<Mod>((resolve, reject) => calls.push({ resolve, reject })));
  return {
    load,
    resolve: () => calls[calls.length - 1].resolve({ default: Greeting }),
    reject: () => calls[calls.length - 1].reject(new TypeError('Failed to fetch dynamically imported module')),
  };
}

let target: HTMLElement;
let app: ReturnType<typeof mount> | undefined;
let props: { part: LazyPart<typeof Greeting>; text: string; reserve?: string };

function showGreeting(part: LazyPart<typeof Greeting>, text = 'Hello', reserve?: string) {
  const p = $state({ part, text, reserve });
  props = p;
  app = mount(LazyGreeting, { target, props });
  flushSync();
}

/** Lets the promises settle, with fake timers: and Svelte update. */
async function settle() {
  await vi.advanceTimersByTimeAsync(0);
  flushSync();
}

const shown = () => ({
  loading: target.querySelector('[data-testid=lazy-loading]')?.textContent ?? null,
  failed: target.querySelector('[data-testid=lazy-failed] p')?.textContent ?? null,
  greeting: target.querySelector('[data-testid=greeting]')?.textContent ?? null,
});
const reloadButton = () => target.querySelector<HTMLButtonElement>('[data-testid=lazy-failed] button');

let online = true;
beforeEach(() => {
  vi.useFakeTimers();
  online = true;
  vi.spyOn(navigator, 'onLine', 'get').mockImplementation(() => online);
  target = document.createElement('div');
  document.body.appendChild(target);
});
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  target.remove();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('a lazily loaded part of the page', () => {
  it('shows a quiet placeholder while it loads, then the component with its props', async () => {
    const imp = fakeImport();
    showGreeting(new LazyPart(imp.load));
    expect(shown()).toEqual({ loading: 'Loading…', failed: null, greeting: null });
    expect(target.querySelector('[data-testid=lazy-loading]')!.getAttribute('role')).toBe('status');
    expect(imp.load).toHaveBeenCalledTimes(1);
    imp.resolve();
    await settle();
    expect(shown()).toEqual({ loading: null, failed: null, greeting: 'Hello' });
    props.text = 'Hi again';
    flushSync();
    expect(shown().greeting).toBe('Hi again');
  });

  // The ended room's keepsakes reserve about their height: a failed load
  // keeps it too, or the page jumps twice (short notice, then the part).
  it('keeps the reserved height while it loads and when it could not load', async () => {
    const imp = fakeImport();
    showGreeting(new LazyPart(imp.load, { random: () => 0 }), 'Hello', '20rem');
    expect((target.querySelector('[data-testid=lazy-loading]') as HTMLElement).style.minHeight).toBe('20rem');
    imp.reject();
    await settle();
    expect((target.querySelector('[data-testid=lazy-failed]') as HTMLElement).style.minHeight).toBe('20rem');
  });

  it('says it could not load and tries again by itself, with backoff, until it loads', async () => {
    const imp = fakeImport();
    showGreeting(new LazyPart(imp.load, { random: () => 0 })); // each wait: its 1 s floor
    imp.reject();
    await settle();
    expect(shown()).toEqual({ loading: null, failed: 'This part of the page could not load. Trying again… If it does not come, reload the page.', greeting: null });
    await vi.advanceTimersByTimeAsync(999);
    expect(imp.load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(imp.load).toHaveBeenCalledTimes(2);
    // Failing again: the notice stays while it retries, no flicker.
    flushSync();
    expect(shown().failed).not.toBeNull();
    imp.reject();
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    expect(imp.load).toHaveBeenCalledTimes(3);
    imp.resolve();
    await settle();
    expect(shown()).toEqual({ loading: null, failed: null, greeting: 'Hello' });
    // Loaded: no more attempts.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(imp.load).toHaveBeenCalledTimes(3);
  });

  it('once it failed online, offers a reload as well (some browsers never fetch a failed module again), and keeps trying', async () => {
    const reload = vi.fn();
    vi.spyOn(window, 'location', 'get').mockReturnValue({ ...window.location, reload } as Location);
    const imp = fakeImport();
    showGreeting(new LazyPart(imp.load, { random: () => 0 }));
    expect(reloadButton()).toBeNull();
    imp.reject();
    await settle();
    expect(reloadButton()!.textContent).toBe('Reload the page');
    reloadButton()!.click();
    expect(reload).toHaveBeenCalledTimes(1);
    // The retries go on, the button with them, until it loads.
    await vi.advanceTimersByTimeAsync(1000);
    expect(imp.load).toHaveBeenCalledTimes(2);
    flushSync();
    expect(reloadButton()).not.toBeNull();
    imp.resolve();
    await settle();
    expect(shown().greeting).toBe('Hello');
    expect(reloadButton()).toBeNull();
  });

  it('offline, where a reload could not help, offers none', async () => {
    online = false;
    const imp = fakeImport();
    showGreeting(new LazyPart(imp.load));
    await settle();
    expect(shown().failed).not.toBeNull();
    expect(reloadButton()).toBeNull();
  });

  it('waits longer after each failure, up to 30 seconds', async () => {
    const imp = fakeImport();
    const part = new LazyPart(imp.load, { random: () => 1 });
    void part.get();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      imp.reject();
      await settle();
      const before = imp.load.mock.calls.length;
      let waited = 0;
      while (imp.load.mock.calls.length === before) { await vi.advanceTimersByTimeAsync(500); waited += 500; }
      waits.push(waited);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('tries again at once when the browser is back online', async () => {
    const imp = fakeImport();
    showGreeting(new LazyPart(imp.load, { random: () => 1 }));
    imp.reject();
    await settle();
    window.dispatchEvent(new Event('online'));
    expect(imp.load).toHaveBeenCalledTimes(2);
    imp.resolve();
    await settle();
    expect(shown().greeting).toBe('Hello');
    window.dispatchEvent(new Event('online'));
    expect(imp.load).toHaveBeenCalledTimes(2);
  });

  it('offline, does not try (a failure might be remembered) but says so, and loads once online', async () => {
    online = false;
    const imp = fakeImport();
    showGreeting(new LazyPart(imp.load));
    await settle();
    expect(imp.load).not.toHaveBeenCalled();
    expect(shown().failed).not.toBeNull();
    await vi.advanceTimersByTimeAsync(5000);
    expect(imp.load).not.toHaveBeenCalled();
    online = true;
    window.dispatchEvent(new Event('online'));
    imp.resolve();
    await settle();
    expect(imp.load).toHaveBeenCalledTimes(1);
    expect(shown().greeting).toBe('Hello');
  });

  it('once loaded, shows it at once wherever it is shown next, without loading again', async () => {
    const imp = fakeImport();
    const part = new LazyPart(imp.load);
    const got = part.get();
    imp.resolve();
    await got;
    showGreeting(part, 'Second');
    expect(shown()).toEqual({ loading: null, failed: null, greeting: 'Second' });
    expect(imp.load).toHaveBeenCalledTimes(1);
  });

  it('is fetched ahead once the browser is idle, and a failed fetch ahead rejects nothing', async () => {
    const ok = fakeImport();
    const bad = fakeImport();
    const parts = [new LazyPart(ok.load), new LazyPart(bad.load)];
    prefetchWhenIdle(parts);
    expect(ok.load).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(ok.load).toHaveBeenCalledTimes(1);
    expect(bad.load).toHaveBeenCalledTimes(1);
    ok.resolve();
    bad.reject();
    await settle();
    expect(parts.map((p) => p.status)).toEqual(['loaded', 'failed']);
    // Shown later, the part fetched ahead is there at once.
    showGreeting(parts[0] as LazyPart<typeof Greeting>);
    expect(shown().greeting).toBe('Hello');
  });

  it('fetched ahead is cancelled with the page that asked', async () => {
    const imp = fakeImport();
    const cancel = prefetchWhenIdle([new LazyPart(imp.load)]);
    cancel();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(imp.load).not.toHaveBeenCalled();
  });

  it('uses requestIdleCallback where the browser has it', async () => {
    let idle: (() => void) | undefined;
    vi.stubGlobal('requestIdleCallback', (fn: () => void) => { idle = fn; return 7; });
    vi.stubGlobal('cancelIdleCallback', () => {});
    try {
      const imp = fakeImport();
      prefetchWhenIdle([new LazyPart(imp.load)]);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(imp.load).not.toHaveBeenCalled();
      idle!();
      expect(imp.load).toHaveBeenCalledTimes(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('asks again for a stylesheet that failed to load before trying again, and waits for it', async () => {
    // Vite's loader adds a part's stylesheet once and never again.
    const css = 'data:text/css,.part{color:red}';
    const old = document.createElement('link');
    old.rel = 'stylesheet';
    old.dataset.test = 'old';
    document.head.appendChild(old);
    old.dispatchEvent(new Event('error'));
    const imp = fakeImport();
    const part = new LazyPart(imp.load);
    old.href = css; // only now: happy-dom would fetch it, and fire its own events
    void part.get();
    const fresh = [...document.head.querySelectorAll<HTMLLinkElement>('link[rel=stylesheet]')].find((l) => l.href === css)!;
    expect(fresh).not.toBe(old);
    expect(old.isConnected).toBe(false);
    expect(imp.load).not.toHaveBeenCalled();
    fresh.dispatchEvent(new Event('load'));
    await settle();
    expect(imp.load).toHaveBeenCalledTimes(1);
    imp.resolve();
    await settle();
    expect(part.status).toBe('loaded');
    fresh.remove();
  });
});
