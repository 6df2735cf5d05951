// The server's limits, as its welcome gives them (welcome.server.limits,
// docs/protocol.md 11.1): the fields' maxlength, the exercise form's
// counts and ranges follow the server's configuration instead of a copy
// of its defaults, so a server that allows more lets people enter it.
// Until a welcome has come (the join form, a room being created, the
// pack editor, whose packs keep to the defaults) the defaults hold; the
// server checks everything anyway.
import type { Limits } from './types';

class ServerLimits {
  maxNameLen = $state(40);
  maxTitleLen = $state(120);
  maxTextLen = $state(500);
  /** Exercise titles, labels, column titles (hints twice), group titles, action owners, help titles. */
  maxShortLen = $state(80);
  maxOptions = $state(20);
  maxQuestions = $state(20);
  maxWordEntries = $state(10);
  maxTimerSeconds = $state(10800);
  /** The least minResponses an anonymous vote may ask for. */
  minResponses = $state(3);

  /** Takes the limits a welcome gave; missing or nonsensical ones are ignored. */
  adopt(l?: Partial<Limits>) {
    if (!l) return;
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;
    if (ok(l.maxNameLen)) this.maxNameLen = l.maxNameLen;
    if (ok(l.maxTitleLen)) this.maxTitleLen = l.maxTitleLen;
    if (ok(l.maxTextLen)) this.maxTextLen = l.maxTextLen;
    if (ok(l.maxShortLen)) this.maxShortLen = l.maxShortLen;
    if (ok(l.maxOptions) && l.maxOptions >= 2) this.maxOptions = l.maxOptions;
    if (ok(l.maxQuestions)) this.maxQuestions = l.maxQuestions;
    if (ok(l.maxWordEntries)) this.maxWordEntries = l.maxWordEntries;
    if (ok(l.maxTimerSeconds)) this.maxTimerSeconds = l.maxTimerSeconds;
    if (ok(l.minResponses)) this.minResponses = l.minResponses;
  }
}

export const limits = new ServerLimits();
