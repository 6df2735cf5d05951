import { errorText } from './strings';

/** Where the focus goes when the control that had it went away with its action. */
export type Refocus = () => HTMLElement | null | undefined;

/** How long a send's confirmation shows, unless the next edit clears it first. */
export const SENT_MS = 8000;

// Actions whose last failure was the room being open elsewhere (code
// `replaced`, close 4006). That error tells the person to choose "Use it
// here"; once they have, it is no longer true, and it would stay on screen
// until the next click of the same control.
const failedReplaced = new Set<Action>();

/** Clears every error that came from the room being open elsewhere: the
 *  page uses the room here again (RoomSession.resume). */
export function clearReplacedErrors() {
  for (const a of failedReplaced) if (codeOf(a.failure) === 'replaced') a.reset();
  failedReplaced.clear();
}

const codeOf = (e: unknown) => (e as { code?: unknown } | null)?.code;

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

  /**
   * `refocus` says where the keyboard's focus goes should the control that
   * had it go away with the action (keepFocus; else the next item of its
   * list, else its section's heading).
   */
  async run<T>(fn: () => Promise<T>, refocus?: Refocus): Promise<T | undefined> {
    const held = keepFocus(refocus);
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
      if (codeOf(e) === 'replaced') failedReplaced.add(this);
      return undefined;
    } finally {
      this.pending = false;
      held.settled();
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

/** How long after an action its control may still go (the room's event that
 *  removes it can come after the answer, a list is reloaded after it). */
export const REFOCUS_MS = 3000;

const FOCUSABLE = 'button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

const usable = (el: Element | null | undefined): el is HTMLElement =>
  el instanceof HTMLElement && el.isConnected && !(el as HTMLButtonElement).disabled && !el.closest('[inert], [hidden]');

/**
 * Keeps the keyboard's place through an action (WCAG 2.4.3): should the
 * focused control go away with it (a person removed, a pack deleted, a
 * button its last step takes off), the focus, fallen to the page, goes to
 * `refocus`'s element if it gives one; else to the like control of the
 * next item of its list (else of the one before); else to the heading of
 * its section, made focusable for it. Browsers drop it to the page, and
 * the console has many stops before its exercise.
 *
 * Watched from now until REFOCUS_MS after settled(), and only while
 * nothing else has the focus: a person who has moved on is not moved,
 * and a component that moves the focus itself (a turn after the change)
 * has its way.
 */
export function keepFocus(refocus?: Refocus): { settled: () => void } {
  const from = typeof document === 'undefined' ? null : document.activeElement;
  if (!(from instanceof HTMLElement) || from === document.body) return { settled() {} };
  const item = from.closest('li, tr');
  const next = item?.nextElementSibling ?? null;
  const prev = item?.previousElementSibling ?? null;
  const home = from.closest('section, [data-focus-home]');
  const heading = home?.querySelector<HTMLElement>('h1, h2, h3, h4, [data-focus-heading]') ?? null;
  const like = from.tagName.toLowerCase() + [...from.classList].map((c) => '.' + CSS.escape(c)).join('');

  const inItem = (li: Element | null) => {
    if (!li?.isConnected) return null;
    const same = [...li.querySelectorAll(like)].find(usable);
    return same ?? [...li.querySelectorAll(FOCUSABLE)].find(usable) ?? null;
  };
  const target = (): HTMLElement | null => {
    const r = refocus?.();
    if (usable(r)) return r;
    const n = inItem(next) ?? inItem(prev);
    if (n) return n;
    if (heading?.isConnected) {
      if (!heading.matches(FOCUSABLE) && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
      return heading;
    }
    return null;
  };

  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const lost = () => {
    const a = document.activeElement;
    return (!a || a === document.body) && !usable(from);
  };
  // A turn later: a component that puts the focus somewhere itself (after
  // Svelte's update) has done so by then, and its choice stands.
  let later: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    if (!done && later === undefined && lost()) later = setTimeout(check, 0);
  };
  const check = () => {
    later = undefined;
    if (done || !lost()) return;
    const t = target();
    if (t) {
      t.focus();
      stop();
    }
  };
  // Someone (a person, a component) put the focus somewhere: theirs.
  const moved = (e: FocusEvent) => {
    if (e.target !== from) stop();
  };
  const observer = new MutationObserver(soon);
  observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled', 'hidden', 'inert'] });
  document.addEventListener('focusin', moved);
  function stop() {
    done = true;
    observer.disconnect();
    document.removeEventListener('focusin', moved);
    clearTimeout(timer);
    clearTimeout(later);
  }
  return {
    settled() {
      if (done) return;
      soon();
      timer = setTimeout(stop, REFOCUS_MS);
    },
  };
}

/**
 * A control whose action runs says so (aria-disabled, styled as disabled)
 * and ignores clicks, but is not disabled: a browser takes the focus from
 * a control that becomes disabled, to the page (WCAG 2.4.3), and the
 * keyboard would start again from the top.
 * `use:busy={act.pending}` in place of `disabled={act.pending}`.
 */
export function busy(node: HTMLElement, on: boolean) {
  const set = (v: boolean) => (v ? node.setAttribute('aria-disabled', 'true') : node.removeAttribute('aria-disabled'));
  const block = (e: Event) => {
    if (node.getAttribute('aria-disabled') !== 'true') return;
    e.preventDefault();
    e.stopImmediatePropagation();
  };
  set(on);
  node.addEventListener('click', block, true);
  return {
    update: set,
    destroy: () => node.removeEventListener('click', block, true),
  };
}
