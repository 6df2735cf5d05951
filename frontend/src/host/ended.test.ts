import { describe, expect, it } from 'vitest';
import { asEnded } from './ended';
import type { Exercise } from '../lib/types';

describe('an exercise as an ended room has it', () => {
  const open = { id: 'e1', kind: 'poll', title: 'Lunch?', status: 'open', endsAt: '2026-04-06T10:05:00Z' } as Exercise;

  it('is closed, with no countdown, when it was left open', () => {
    expect(asEnded(open, true)).toEqual({ id: 'e1', kind: 'poll', title: 'Lunch?', status: 'closed', endsAt: undefined });
    expect(open.status).toBe('open'); // a copy: the room's state is left as the server sent it
  });

  it('is itself when the room runs, or when it was not open', () => {
    expect(asEnded(open, false)).toBe(open);
    for (const status of ['prepared', 'closed', 'results'] as const) {
      const ex = { ...open, status };
      expect(asEnded(ex, true)).toBe(ex);
    }
  });
});
