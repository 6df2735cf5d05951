import { describe, expect, it } from 'vitest';
import ConnBadge from './ConnBadge.svelte';
import { show } from '../test/mount';

const said = (target: HTMLElement) => (target.querySelector('[data-testid=conn]')!.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('the connection badge while reconnecting', () => {
  it('tells a phone its answers are kept', () => {
    expect(said(show(ConnBadge, { status: 'reconnecting', pending: 2 }))).toBe('Reconnecting… your answers are kept and will be sent 2 things waiting to be sent');
  });

  it('tells the facilitator their changes are kept, not answers', () => {
    expect(said(show(ConnBadge, { status: 'reconnecting', pending: 1, reader: 'facilitator' }))).toBe('Reconnecting… your changes are kept and will be sent 1 change waiting to be sent');
  });

  it('says only that it is reconnecting on the projector, which sends nothing', () => {
    expect(said(show(ConnBadge, { status: 'reconnecting', reader: 'projector' }))).toBe('Reconnecting…');
  });
});

describe('the phone\'s count of what waits to be sent', () => {
  it('names no answers, for cards and help requests wait too', () => {
    expect(said(show(ConnBadge, { status: 'reconnecting', pending: 1 }))).toContain('1 thing waiting to be sent');
  });
});
