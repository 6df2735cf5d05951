import { errorText } from './strings';

/** How long a send's confirmation shows, unless the next edit clears it first. */
export const SENT_MS = 8000;

/**
 * The state of one thing a person sends: pending until acknowledged, then
 * done, or failed with a message (the form keeps what was typed).
 */
export class Action {
  pending = $state(false);
  error = $state('');
  done = $state(false);
  /**
   * Just sent: what the form says of it ("Card added.", SendStatus) shows
   * for SENT_MS, or until the next send, reset() or clearSent() (the form
   * calls it on the next edit). Unlike done, only what is shown.
   */
  sent = $state(false);
  /** The last failure itself, for callers that look at its code. */
  failure = $state.raw<unknown>(null);
  #text: (e: unknown) => string;
  #sentTimer: ReturnType<typeof setTimeout> | undefined;

  /** `text` words a failure (errorText by default). */
  constructor(text: (e: unknown) => string = errorText) {
    this.#text = text;
  }

  async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.pending = true;
    this.error = '';
    this.done = false;
    this.clearSent();
    this.failure = null;
    try {
      const r = await fn();
      this.done = true;
      this.markSent();
      return r;
    } catch (e) {
      this.failure = e;
      this.error = this.#text(e);
      return undefined;
    } finally {
      this.pending = false;
    }
  }

  /** Says that a send went (for sends not made with run). */
  markSent() {
    clearTimeout(this.#sentTimer);
    this.sent = true;
    this.#sentTimer = setTimeout(() => (this.sent = false), SENT_MS);
  }

  clearSent() {
    clearTimeout(this.#sentTimer);
    this.sent = false;
  }

  reset() {
    this.error = '';
    this.done = false;
    this.clearSent();
    this.failure = null;
  }
}
