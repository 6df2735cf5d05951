// Full-jitter exponential backoff (docs/protocol.md 12): a delay drawn
// uniformly from [floor, max(floor, min(cap, base * 2^attempt))].
export interface BackoffOptions { baseMs: number; capMs: number; floorMs?: number }

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const a = Math.max(0, Math.min(attempt, 30));
  const floor = opts.floorMs ?? 0;
  const ceiling = Math.max(floor, Math.min(opts.capMs, opts.baseMs * 2 ** a));
  return Math.round(floor + random() * (ceiling - floor));
}
