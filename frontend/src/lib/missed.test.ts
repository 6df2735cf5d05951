import { describe, expect, it } from 'vitest';
import { missedBy, restoredMissed } from './session.svelte';
import { emptyState } from './reducer';
import { CommandError } from './client';

const state = (current: string | undefined) => ({
  ...emptyState(),
  agenda: { items: ['e1', 'e2'], current },
  exercises: {
    e1: { id: 'e1', kind: 'poll', title: 'Lunch', status: 'closed' },
    e2: { id: 'e2', kind: 'words', title: 'One word', status: 'open' },
  },
}) as any;

describe('missedBy', () => {
  const err = new CommandError('wrong_status', 'this exercise is not open for answers');
  it('reports a refusal about an exercise the page has moved on from', () => {
    const m = missedBy(state('e2'), { exercise: 'e1' }, err);
    expect(m).toEqual({ exercise: 'e1', title: 'Lunch', message: expect.stringContaining('not open') });
  });
  it('leaves a refusal about the exercise on screen to its own form', () => {
    expect(missedBy(state('e1'), { exercise: 'e1' }, err)).toBeNull();
  });
  const retro = (phase: string, status = 'open') => ({ ...state('e1'), agenda: { items: ['e1'], current: 'e1' }, exercises: { e1: { id: 'e1', kind: 'retro', title: 'Sprint', status, phase } } }) as any;
  it("reports a dot refused once the retro on screen has left the vote phase, whose buttons would have said so", () => {
    const wrong = new CommandError('wrong_phase', 'dots are placed only in the vote phase');
    expect(missedBy(retro('discuss'), { exercise: 'e1' }, wrong, 'retro.dot')).toEqual({ exercise: 'e1', title: 'Sprint', message: expect.any(String) });
    expect(missedBy(retro('vote'), { exercise: 'e1' }, wrong, 'retro.dot')).toBeNull();
  });
  it('reports a dot or an action refused once the retro on screen is closed: its buttons and form went with it', () => {
    expect(missedBy(retro('vote', 'closed'), { exercise: 'e1' }, err, 'retro.dot')).toMatchObject({ exercise: 'e1', title: 'Sprint' });
    expect(missedBy(retro('actions', 'results'), { exercise: 'e1' }, err, 'retro.action.add')).toMatchObject({ exercise: 'e1', title: 'Sprint' });
  });
  it('ignores commands about no exercise', () => {
    expect(missedBy(state('e2'), { name: 'Ann' }, err)).toBeNull();
    expect(missedBy(state('e2'), undefined, err)).toBeNull();
  });
});

describe('restoredMissed', () => {
  const err = new CommandError('wrong_status', 'this exercise is not open for answers');
  it('says a restored command was refused even about the exercise on screen', () => {
    expect(restoredMissed(state('e1'), { exercise: 'e1' }, err)).toEqual({
      exercise: 'e1', title: 'Lunch', message: expect.stringContaining('not open'), restored: true,
    });
  });
  it('says it for commands about no exercise too', () => {
    expect(restoredMissed(state('e2'), { name: 'Ann' }, err)).toMatchObject({ exercise: '', title: '', restored: true });
  });
  it('says nothing when the page is closing', () => {
    expect(restoredMissed(state('e2'), { exercise: 'e1' }, new CommandError('stopped', 'not connected'))).toBeNull();
  });
});

describe('restoredMissed: maybe taken', () => {
  it('says a command that could not be sent again may have been taken', () => {
    expect(restoredMissed(state('e2'), { exercise: 'e1' }, new CommandError('unsent', 'this could not be sent again'))).toMatchObject({ maybe: true });
    expect(restoredMissed(state('e2'), { exercise: 'e1' }, new CommandError('wrong_status', 'closed'))?.maybe).toBeUndefined();
  });
});
