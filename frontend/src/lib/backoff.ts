// Full-jitter exponential backoff (docs/protocol.md 14): a delay drawn
// uniformly from [floor, max(floor, min(cap, base * 2^attempt))].
export interface BackoffOptions { baseMs: number; capMs: number; floorMs?: number }

/**
 * A participant's phone. Its cap is what protects a node when thousands
 * of phones come back at once (a node restarted after an outage): a phone
 * at the cap tries again after a delay drawn from [0, cap], so N phones
 * waiting make about 2N/cap attempts a second, spread evenly by the
 * jitter, not together. The node admits `connect-rate` of them (500 a
 * second, after a burst of `connect-burst`, 2,000: docs/operations.md)
 * and answers the rest 429 before any upgrade, and those try again within
 * the cap. At 15 s a full node (`max-connections`, 15,000 phones) is asked
 * at most about 2,000 times a second, its burst, and 10,000 phones are
 * back in about 20 s, as fast as the connect rate lets them in (at 30 s,
 * in up to 30 s; and a room of 30 phones, which nothing refuses, waited up
 * to half a minute where it now waits up to 15 s). Lower would mostly be
 * refused: at 5 s the same node would be asked 6,000 times a second.
 */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 15_000 };

/**
 * The facilitator's console and the projector views: a few connections
 * per room, not thousands (a node of 500 rooms, each with its console and
 * a projector, is asked about 400 times a second at this cap, within its
 * connect rate). The people in the room watch them come back, and a
 * projector has nobody to click "Try now": at 30 s it stayed on
 * "Reconnecting…" for up to half a minute after the node was back.
 */
export const FEW_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 5_000 };

export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const a = Math.max(0, Math.min(attempt, 30));
  const floor = opts.floorMs ?? 0;
  const ceiling = Math.max(floor, Math.min(opts.capMs, opts.baseMs * 2 ** a));
  return Math.round(floor + random() * (ceiling - floor));
}
