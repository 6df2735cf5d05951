import { errorText } from './strings';

/**
 * The state of one thing a person sends: pending until acknowledged, then
 * done, or failed with a message (the form keeps what was typed).
 */
export class Action {
  pending = $state(false);
  error = $state('');
  done = $state(false);

  async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    this.pending = true;
    this.error = '';
    this.done = false;
    try {
      const r = await fn();
      this.done = true;
      return r;
    } catch (e) {
      this.error = errorText(e);
      return undefined;
    } finally {
      this.pending = false;
    }
  }

  reset() {
    this.error = '';
    this.done = false;
  }
}
