// The host key (docs/protocol.md 2.4, 2.9): when the server answers
// `401 host_key`, the trainer's pages ask for it once (HostKeyPrompt),
// this browser remembers it, and the request is made again.
import { ApiError } from './api';
import { creds } from './storage';

class HostKeyGate {
  /** The prompt is open. */
  asking = $state(false);
  /** A key was given and the request is being made again with it: the
   *  prompt stays open until it is accepted, so that a refusal is said in
   *  the same dialog (its alert going from empty to the refusal, which a
   *  screen reader announces each time) instead of a new dialog. */
  checking = $state(false);
  /** A key was sent and refused. Cleared while a key is being checked. */
  wrong = $state(false);
  #waiting: ((key: string | null) => void)[] = [];

  /** Ask the person for the key; null when they cancel. Concurrent askers share one prompt. */
  ask(wrong: boolean): Promise<string | null> {
    this.checking = false;
    this.wrong = wrong;
    this.asking = true;
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  answer(key: string | null) {
    const k = key?.trim() || null;
    if (k) creds.setHostKey(k);
    this.wrong = false;
    // A key keeps the prompt open while it is checked; cancelling closes it.
    this.checking = !!k;
    if (!k) this.asking = false;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) w(k);
  }

  /** The request made with the key answered (not with a refusal of the key): the prompt closes. */
  settle() {
    if (!this.checking) return;
    this.checking = false;
    this.asking = false;
  }
}

export const hostKeyGate = new HostKeyGate();

/** Run a request; on `401 host_key`, ask for the key and try again until it works or the person cancels. */
export async function withHostKey<T>(fn: () => Promise<T>): Promise<T> {
  let keyGiven = false;
  for (;;) {
    try {
      const r = await fn();
      if (keyGiven) hostKeyGate.settle();
      return r;
    } catch (e) {
      const refused = e instanceof ApiError && e.code === 'host_key';
      if (keyGiven && (!refused || !hostKeyGate.asking)) {
        // Another failure, or the prompt was cancelled while the key was checked.
        hostKeyGate.settle();
        throw e;
      }
      if (!refused) throw e;
      const key = await hostKeyGate.ask(!!creds.hostKey());
      if (!key) throw e;
      keyGiven = true;
    }
  }
}
