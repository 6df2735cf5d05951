import type { ConnStatus } from './client';

/** How long a dropped connection may take to come back before the page
 *  says "Reconnecting…": a blip (a phone switching networks) is no news. */
export const RECONNECT_GRACE_MS = 1500;

/**
 * The connection's status as said (in words and aloud): "reconnecting"
 * only once it has lasted `ms`; back online before then, nothing changed
 * in what was said, so nothing ("Connected") is said again. Every other
 * status is said at once. Read `.value` in a component (runs in its effect).
 */
export function saidStatus(get: () => ConnStatus, ms: () => number = () => RECONNECT_GRACE_MS) {
  let said = $state(get());
  $effect(() => {
    const s = get();
    const wait = ms();
    if (s !== 'reconnecting' || wait <= 0) {
      said = s;
      return;
    }
    const timer = setTimeout(() => (said = s), wait);
    return () => clearTimeout(timer);
  });
  return {
    get value() {
      return said;
    },
  };
}

/** How long a screen may be reconnecting (or still connecting) before its
 *  badge offers "Try now": past the grace, when its first quick tries have
 *  failed and the next ones wait longer (lib/backoff.ts). */
export const TRY_NOW_MS = 3000;

/**
 * Whether `get()` has been true for `ms` without a break; false again as
 * soon as it is not. Read `.value` in a component (runs in its effect).
 */
export function lasting(get: () => boolean, ms: number) {
  const on = $derived(get());
  let long = $state(false);
  $effect(() => {
    if (!on) {
      long = false;
      return;
    }
    const timer = setTimeout(() => (long = true), ms);
    return () => clearTimeout(timer);
  });
  return {
    get value() {
      return long;
    },
  };
}
