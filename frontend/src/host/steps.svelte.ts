// The one-click steps of the console's exercise card: Open, Close, Show
// and Hide results, Next exercise, a retro's phases, the timer; a retro's
// grouping ("Group selected cards", a card's ✕, a group's Rename and "Add
// selected here"), "Discuss this" and its action items' Add, done box
// and ✕; a help board's Resolve; a kudo's Hide and "Show names to
// participants" beside them; a text answer's or a word's Hide and Show.
// And, with a Steps of their own, the room's: Lock or Unlock joining (in
// the header and the people card), a person's removal (its ✕), End the
// room, and the agenda's moves (↑ and ↓), Make current and an exercise's
// removal (its ✕). During a 6 s Redis stall three clicks on "Next:
// Reveal" were three commands and the console showed nothing of them,
// where a phone says "Sending…".

/** How long a step's command may wait before its control says so: the
 *  usual answer (100 ms) changes nothing on screen, so nothing flickers. */
export const SENDING_GRACE_MS = 500;

/**
 * One step waits at a time: a click on any step while one waits does
 * nothing (the console sends steps one after the other, and the second
 * would be sent on a state the first has not changed yet). Once it has
 * waited past SENDING_GRACE_MS the steps show it: busy (`use:busy`, which
 * keeps the focus where a disabled button would drop it), and the waiting
 * one says "Sending…".
 */
export class Steps {
  /** The step whose command waits, '' when none. */
  waiting = $state('');
  /** It has waited past SENDING_GRACE_MS. */
  slow = $state(false);

  /** Runs `fn`, the step `key`'s command, unless a step waits already. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.waiting) return undefined;
    this.waiting = key;
    const timer = setTimeout(() => (this.slow = true), SENDING_GRACE_MS);
    try {
      return await fn();
    } finally {
      clearTimeout(timer);
      this.waiting = '';
      this.slow = false;
    }
  }

  /** Whether the control of step `key` says "Sending…". */
  sending(key: string): boolean {
    return this.slow && this.waiting === key;
  }
}
