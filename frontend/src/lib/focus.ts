import { tick } from 'svelte';

/**
 * Focuses, once Svelte has updated the page for the state just set, the
 * element `find` returns then. It is asked for after the update because
 * it is often one the update brings (the field of a form just opened, the
 * button back once the form is gone); nothing is focused if it is not
 * there. `options` go to focus() (preventScroll, when the caller scrolls
 * something else into view).
 */
export async function focusAfterTick(find: () => HTMLElement | null | undefined, options?: FocusOptions): Promise<void> {
  await tick();
  find()?.focus(options);
}
