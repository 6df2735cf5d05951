// The server's text limits, as its welcome gives them (welcome.server.
// limits, docs/protocol.md 11.1): the fields' maxlength follow the
// server's configuration instead of a copy of its defaults, so a server
// that allows longer texts lets people type them. Until a welcome has
// come (the join form, a room being created) the defaults hold; the
// server checks every text anyway.
import type { Limits } from './types';

class TextLimits {
  maxNameLen = $state(40);
  maxTitleLen = $state(120);
  maxTextLen = $state(500);

  /** Takes the limits a welcome gave; missing or nonsensical ones are ignored. */
  adopt(l?: Partial<Limits>) {
    if (!l) return;
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;
    if (ok(l.maxNameLen)) this.maxNameLen = l.maxNameLen;
    if (ok(l.maxTitleLen)) this.maxTitleLen = l.maxTitleLen;
    if (ok(l.maxTextLen)) this.maxTextLen = l.maxTextLen;
  }
}

export const limits = new TextLimits();
