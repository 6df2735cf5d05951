import { errorText } from './strings';

/**
 * The state of one thing a person sends: pending until acknowledged, then
 * done, or failed with a message (the form keeps what was typed).
 */
export class Action {
  pending = $state(false);
  error = $state('');
  done = $state(false);
  /** The last failure itself, for callers that look at its code. */
  failure = $state.raw<unknown>(null);
  #text: (e: unknown) => string;

  /** `text` words a failure (errorText by default). */
  constructor(text: (e: unknown) => string = errorText) {
    this.#text = text;
  }

  async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.pending = true;
    this.error = '';
    this.done = false;
    this.failure = null;
    try {
      const r = await fn();
      this.done = true;
      return r;
    } catch (e) {
      this.failure = e;
      this.error = this.#text(e);
      return undefined;
    } finally {
      this.pending = false;
    }
  }

  reset() {
    this.error = '';
    this.done = false;
    this.failure = null;
  }
}
