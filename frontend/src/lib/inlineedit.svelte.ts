import { Action } from './action.svelte';
import { focusAfterTick } from './focus';

/**
 * An inline form that takes its button's place (rename a room, change
 * one's name): start opens it with the focus in its field; Save, Cancel
 * and Escape close it with the focus back on the button, not at the top
 * of the page. Escape does nothing while the form's action is in flight.
 * Bind the button and the field with bind:this={edit.button} and
 * bind:this={edit.field}; send with edit.action.
 */
export class InlineEdit {
  open = $state(false);
  button = $state<HTMLElement>();
  field = $state<HTMLElement>();
  readonly action = new Action();

  /** Opens the form; fill sets its field's first value. */
  start = async (fill: () => void) => {
    fill();
    this.action.reset();
    this.open = true;
    await focusAfterTick(() => this.field);
  };

  end = async () => {
    this.open = false;
    await focusAfterTick(() => this.button);
  };

  escape = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || this.action.pending) return;
    e.preventDefault();
    void this.end();
  };
}
