// The host key (docs/protocol.md 2.4, 2.9): when the server answers
// `401 host_key`, the trainer's pages ask for it once (HostKeyPrompt),
// this browser remembers it, and the request is made again.
import { ApiError } from './api';
import { creds } from './storage';

class HostKeyGate {
  /** The prompt is open. */
  asking = $state(false);
  /** A key was sent and refused. */
  wrong = $state(false);
  #waiting: ((key: string | null) => void)[] = [];

  /** Ask the person for the key; null when they cancel. Concurrent askers share one prompt. */
  ask(wrong: boolean): Promise<string | null> {
    this.wrong = wrong;
    this.asking = true;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  answer(key: string | null) {
    const k = key?.trim() || null;
    if (k) creds.setHostKey(k);
    this.asking = false;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) w(k);
  }
}

export const hostKeyGate = new HostKeyGate();

/** Run a request; on `401 host_key`, ask for the key and try again until it works or the person cancels. */
export async function withHostKey<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'host_key') throw e;
      const key = await hostKeyGate.ask(!!creds.hostKey());
      if (!key) throw e;
    }
  }
}
