import { afterEach, describe, expect, it, vi } from 'vitest';
import { focusAfterTick } from './focus';

afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

describe('focusAfterTick', () => {
  it('focuses what is there after the update, with the options given', async () => {
    const spy = vi.spyOn(HTMLElement.prototype, 'focus');
    let el: HTMLButtonElement | null = null;
    const done = focusAfterTick(() => el, { preventScroll: true });
    // Brought by the update: not there when asked for.
    el = document.body.appendChild(document.createElement('button'));
    await done;
    expect(document.activeElement).toBe(el);
    expect(spy).toHaveBeenCalledWith({ preventScroll: true });
  });

  it('focuses nothing when the element is not there', async () => {
    const before = document.activeElement;
    await focusAfterTick(() => null);
    expect(document.activeElement).toBe(before);
  });
});
