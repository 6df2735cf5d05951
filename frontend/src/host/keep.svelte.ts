// Keeping a room's results as a session (POST /api/rooms/{room}/session,
// docs/protocol.md 2.9.5). The server keeps them when a room ends, but only
// when it keeps results at all (results-ttl) and only if the node lives
// long enough: the console says "kept" only once the server answered so,
// here or in the final welcome of a room that had ended (adopt).
import { ApiError } from '../lib/api';
import { library } from '../lib/library';
import { errorText, t } from '../lib/strings-console';
import type { SessionSummary } from '../lib/types';

/** Codes worth trying again: the store or the network may be back in a moment. */
const PASSING = ['unavailable', 'network', 'internal', 'rate_limited', 'conflict', 'too_many_clients'];

export class SessionKeeper {
  pending = $state(false);
  /** The session the server answered with, and when (this browser's clock). */
  kept = $state.raw<SessionSummary | null>(null);
  keptAt = $state.raw<Date | null>(null);
  error = $state('');
  /** The failure may pass: offer to try again. */
  retry = $state(false);
  /** keep() was called at least once. */
  tried = $state(false);
  #again = false;

  constructor(private room: string, private secret: string) {}

  /** The session the server says the results are kept as already (an
   *  ended room's final welcome): said kept, from the room's end, unless
   *  this page kept them itself. */
  adopt(s: SessionSummary) {
    if (this.tried || this.kept) return;
    this.kept = s;
    this.keptAt = new Date(s.endedAt);
  }

  /** Keep the results now; called while a keep is under way, keeps them again once it is done (the room may have changed). */
  async keep(): Promise<boolean> {
    this.tried = true;
    if (this.pending) {
      this.#again = true;
      return false;
    }
    this.pending = true;
    this.error = '';
    this.retry = false;
    try {
      this.kept = await library.keepSession(this.room, this.secret);
      this.keptAt = new Date();
      return true;
    } catch (e) {
      const code = e instanceof ApiError ? e.code : 'unknown';
      this.error = errorText(e, {
        invalid: t.host.keepNone,
        unavailable: t.host.keepUnavailable,
        bad_token: t.host.gone,
        not_found: t.host.gone,
      });
      this.retry = PASSING.includes(code);
      return false;
    } finally {
      this.pending = false;
      if (this.#again) {
        this.#again = false;
        this.keep();
      }
    }
  }
}
