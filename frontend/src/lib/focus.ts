import { tick } from 'svelte';

/**
 * Focuses, once Svelte has updated the page for the state just set, the
 * element `find` returns then. It is asked for after the update because
 * it is often one the update brings (the field of a form just opened, the
 * button back once the form is gone); nothing is focused if it is not
 * there.
 */
export async function focusAfterTick(find: () => HTMLElement | null | undefined): Promise<void> {
  await tick();
  find()?.focus();
}
