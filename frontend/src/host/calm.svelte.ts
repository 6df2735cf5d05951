// The console's figures that change with every person (who is online,
// the dots placed) are shown as they change, but are no live region: as
// one, "1 of 2 online", "2 of 3 online", … was said for each of forty
// people joining, over whatever the facilitator was doing. A screen
// reader finds the figure where it is shown, whenever it is wanted; the
// live region beside it (CalmNews.text) says it now and then:
// - a milestone at once, once each time it is reached ("Every dot is
//   placed."), the news a facilitator waits for;
// - else the figure once it has been still for QUIET_MS (a burst of joins
//   is said where it ended up), or EVERY_MS after it started changing if
//   it keeps changing, and at most once every EVERY_MS; never what was
//   said last, nor the figure the page opened with.

/** How long after the figure changes it is said: a burst is said once. */
export const QUIET_MS = 5000;
/** At most one summary so often while the figure keeps changing. */
export const EVERY_MS = 30000;

export class CalmNews {
  /** What the polite live region says now. */
  text = $state('');
  /** One more for each thing said: the region is drawn again with it, so
   *  that the same words said again (a milestone reached twice) are said. */
  n = $state(0);
  #count = 0;
  #said: string | null = null;
  #latest = '';
  #milestone = '';
  #at = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the figure first changed from what was said, while not said yet. */
  #since: number | undefined;

  /**
   * The figure now, and the milestone it has reached if any ('' for none).
   * Call it with each change (an effect); the first call only takes note.
   */
  update(figure: string, milestone = '') {
    this.#latest = figure;
    if (this.#said === null) {
      this.#said = figure;
      this.#milestone = milestone;
      return;
    }
    if (milestone !== this.#milestone) {
      this.#milestone = milestone;
      if (milestone) {
        this.#stopTimer();
        this.#said = figure;
        this.#say(milestone);
        return;
      }
    }
    if (figure === this.#said) {
      this.#stopTimer();
      return;
    }
    // Said once it has been still QUIET_MS, or EVERY_MS after it first
    // changed if it keeps changing, and never sooner than EVERY_MS after
    // the last thing said.
    const now = Date.now();
    this.#since ??= now;
    const at = Math.max(Math.min(now + QUIET_MS, this.#since + EVERY_MS), this.#at + EVERY_MS);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#since = undefined;
      if (this.#latest === this.#said) return;
      this.#said = this.#latest;
      this.#say(this.#latest);
    }, at - now);
  }

  /** The figure is no longer shown (the vote is over, the room ended):
   *  nothing more is said of it, and the next update starts afresh. */
  reset() {
    this.#stopTimer();
    this.#said = null;
    this.#milestone = '';
    this.text = '';
  }

  #say(text: string) {
    this.text = text;
    this.n = ++this.#count;
    this.#at = Date.now();
  }

  #stopTimer() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#since = undefined;
  }
}
