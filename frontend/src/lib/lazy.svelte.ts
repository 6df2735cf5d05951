// A part of a page loaded only when it is shown, or fetched ahead once
// the page is idle (participant/lazyparts.ts, participant/Lazy.svelte).
// Loading never rejects: a failed load says so (status 'failed') and
// tries again by itself, with backoff (lib/backoff.ts) and as soon as
// the browser says it is back online, until it has loaded. Some browsers
// remember a failed module import for the page's life, and every later
// attempt fails at once: once one has failed while online, the page
// offers a reload too (stuck).
import { backoffDelay, type BackoffOptions } from './backoff';

export type LazyStatus = 'idle' | 'loading' | 'failed' | 'loaded';

export interface LazyOptions {
  backoff?: BackoffOptions;
  random?: () => number;
}

// Retried loads wait between 1 and 30 seconds.
const LAZY_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 30_000, floorMs: 1000 };

export class LazyPart<T> {
  /** 'failed' stays until a later attempt succeeds: no flicker while retrying. */
  status = $state<LazyStatus>('idle');
  value = $state.raw<T>();
  /** An attempt failed while the browser said it was online: retrying may
   *  never work in this page (participant/Lazy.svelte offers a reload). */
  stuck = $state(false);
  #load: () => Promise<{ default: T }>;
  #opts: LazyOptions;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | null = null;
  #onOnline = () => void this.get();

  constructor(load: () => Promise<{ default: T }>, opts: LazyOptions = {}) {
    this.#load = load;
    this.#opts = opts;
  }

  /** Loads it unless loaded or loading; resolves when this attempt ends, never rejects. */
  get(): Promise<void> {
    if (this.status === 'loaded') return Promise.resolve();
    if (this.#running) return this.#running;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // Offline, an attempt could only fail (and some browsers remember a
    // failed module for the rest of the page's life): wait for 'online'.
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      this.#failed();
      return Promise.resolve();
    }
    if (this.status === 'idle') this.status = 'loading';
    const styles = refetchFailedStyles();
    this.#running = (async () => {
      try {
        if (styles) await styles;
        const m = await this.#load();
        this.value = m.default;
        this.status = 'loaded';
        this.#failures = 0;
        if (typeof window !== 'undefined') window.removeEventListener('online', this.#onOnline);
      } catch {
        if (navigator.onLine !== false) this.stuck = true;
        this.#failed();
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  #failed() {
    this.status = 'failed';
    const delay = backoffDelay(this.#failures++, this.#opts.backoff ?? LAZY_BACKOFF, this.#opts.random);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.get(), delay);
    if (typeof window !== 'undefined') window.addEventListener('online', this.#onOnline);
  }
}

/** Runs fn once the browser is idle (soon after, where it cannot say); returns a cancel. */
export function whenIdle(fn: () => void, timeoutMs = 3000): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(() => fn(), { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 200);
  return () => clearTimeout(id);
}

/** Fetches every part ahead, once the browser is idle; returns a cancel. */
export function prefetchWhenIdle(parts: LazyPart<unknown>[]): () => void {
  return whenIdle(() => {
    for (const p of parts) if (p.status !== 'loaded') void p.get();
  });
}

// A stylesheet of a lazy part that failed to load is not asked for again
// by Vite's loader (it remembers having added it): before trying again,
// each is replaced by a fresh link, and the attempt fails if one fails.
const failedStyles = new Set<HTMLLinkElement>();
if (typeof document !== 'undefined') {
  document.addEventListener('error', (e) => {
    const l = e.target;
    if (l instanceof HTMLLinkElement && l.rel === 'stylesheet') failedStyles.add(l);
  }, true);
}

function refetchFailedStyles(): Promise<unknown> | null {
  if (!failedStyles.size) return null;
  const old = [...failedStyles];
  failedStyles.clear();
  return Promise.all(old.map((o) => new Promise<void>((resolve, reject) => {
    const l = document.createElement('link');
    l.rel = 'stylesheet';
    l.crossOrigin = o.crossOrigin;
    l.href = o.href;
    l.addEventListener('load', () => resolve());
    l.addEventListener('error', () => reject(new Error('stylesheet ' + l.href)));
    o.replaceWith(l);
  })));
}
