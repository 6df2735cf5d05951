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

describe('a kudo between people with long names', () => {
  it('wraps the names as user text (one long word broke out of a 320 px phone)', () => {
    const long = 'Bartholomewjonathanworthingtonsmythesonx';
    const target = show(KudosWall, { kudos: [{ id: 'q1', seq: 1, to: 'b', toName: long, fromName: long, anonymous: false, message: 'Thanks' }] });
    for (const sel of ['.to', '.from']) {
      const p = target.querySelector(sel)!;
      expect(p.textContent).toContain(long);
      expect(p.classList.contains('user-text')).toBe(true);
    }
  });
});
