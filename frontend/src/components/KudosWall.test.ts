import { describe, expect, it } from 'vitest';
import KudosWall from './KudosWall.svelte';
import { show } from '../test/mount';

describe('an empty kudos wall', () => {
  const said = (target: HTMLElement) => target.querySelector('[data-testid=no-kudos]')?.textContent;

  it('asks participants to be the first', () => {
    expect(said(show(KudosWall, { kudos: [] }))).toBe('No kudos yet. Be the first!');
    expect(said(show(KudosWall, { kudos: [], big: true }))).toBe('No kudos yet. Be the first!'); // the projector
  });

  it('tells the facilitator what will come, not to send one', () => {
    expect(said(show(KudosWall, { kudos: [], reader: 'facilitator', onHide: () => {} }))).toBe('No kudos yet. They show here as people send them from their phones.');
  });
});
