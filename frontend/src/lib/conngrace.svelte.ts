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
