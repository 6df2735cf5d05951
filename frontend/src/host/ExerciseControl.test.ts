import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import ExerciseControl from './ExerciseControl.svelte';
import { emptyState } from '../lib/reducer';
import { show } from '../test/mount';
import { sameNameTags } from '../lib/names';
import type { Exercise, Status } from '../lib/types';

const poll = (status: Status): Exercise => ({
  id: 'e1', kind: 'poll', title: 'Lunch', status,
  questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'a', label: 'Pizza' }, { id: 'b', label: 'Soup' }] }],
});
const results = { questions: [{ id: 'q1', counts: { a: 2, b: 1 }, answered: 3 }] };

/** The console's exercise card, with 5 people here. */
function render(ex: Exercise, view: object) {
  const send = vi.fn(async () => undefined);
  const session = {
    state: { ...emptyState(), online: 5, participants: 6, agenda: { items: [ex.id] }, states: { [ex.id]: view } },
    status: 'online', send,
  };
  const target = show(ExerciseControl, { session, ex });
  const buttons = () => [...target.querySelectorAll('[role=group] button')].map((b) => b.textContent!.replace(/\s+/g, ' ').trim());
  const text = (id: string) => target.querySelector(`[data-testid=${id}]`)?.textContent?.trim() ?? '';
  return { target, buttons, text, send };
}

describe('the console says what showing results does', () => {
  it('on an open vote: the button says it closes voting, and the count says how many are here', () => {
    const c = render(poll('open'), { status: 'open', responses: 3, minResponses: 3, anonymous: true, results });
    expect(c.buttons()).toEqual(['Close, results hidden', 'Close voting and show results']);
    expect(c.text('ex-status')).toBe('Open');
    expect(c.text('host-responses')).toBe('3 answers of 5 people here');
  });

  it('with results shown: one Hide results, which says voting stays closed; the badge says closed', () => {
    const c = render(poll('results'), { status: 'results', responses: 3, minResponses: 3, anonymous: false, results });
    expect(c.buttons()).toEqual(['Hide results']);
    expect(c.text('ex-status')).toBe('Closed, results shown');
    expect(c.text('shown-note')).toContain('the exercise stays closed until you open it again');
    const hide = c.target.querySelector('[role=group] button')!;
    expect(document.getElementById(hide.getAttribute('aria-describedby')!)?.dataset.testid).toBe('shown-note');
  });

  it('an anonymous vote whose results were seen is closed for good: no Open again, and the console says why', () => {
    const shown = render(poll('results'), { status: 'results', responses: 3, minResponses: 3, anonymous: true, results, final: true });
    expect(shown.text('shown-note')).toContain('Voting is closed for good');
    const closed = render(poll('closed'), { status: 'closed', responses: 3, minResponses: 3, anonymous: true, results, final: true });
    expect(closed.buttons()).toEqual(['Show results']);
    expect(closed.text('final-note')).toContain('answers taken after them would show who gave them');
  });

  it('a survey past its threshold whose every question stayed hidden is not final: Open again, as the server allows', () => {
    // Three people, each answering a different question of three: no
    // question reached its threshold, so nothing was seen (the server
    // leaves final out).
    const survey: Exercise = { ...poll('closed'), kind: 'survey' };
    const hidden = { questions: [{ id: 'q1', hidden: true, answered: 1 }] };
    const c = render(survey, { status: 'closed', responses: 3, minResponses: 3, anonymous: true, results: hidden });
    expect(c.buttons()).toContain('Open again');
    expect(c.text('final-note')).toBe('');
  });

  it('once closed below its threshold: Open again, and Show results with no more closing to say', () => {
    const c = render(poll('closed'), { status: 'closed', responses: 2, minResponses: 3, anonymous: true });
    expect(c.buttons()).toEqual(['Open again', 'Show results']);
    expect(c.text('shown-note')).toBe('');
    expect(c.text('final-note')).toBe('');
  });

  it('an open anonymous vote past its threshold: no tally, and why; closed, the results are the facilitator\'s', () => {
    const open = render(poll('open'), { status: 'open', responses: 3, minResponses: 3, anonymous: true });
    expect(open.text('results-at-close')).toContain('You will see the results when voting closes');
    expect(open.target.querySelector('h3')).toBeNull();
    const below = render(poll('open'), { status: 'open', responses: 2, minResponses: 3, anonymous: true });
    expect(below.text('results-at-close')).toBe('');
    expect(below.target.textContent).toContain('2 of 3 answers needed before results can be seen.');
    const closed = render(poll('closed'), { status: 'closed', responses: 3, minResponses: 3, anonymous: true, results });
    expect(closed.target.querySelector('h3')!.textContent).toBe('Results (only you see them until you show them)');
    expect(closed.text('results-at-close')).toBe('');
  });

  it('says when more answers came in than people are here now', () => {
    const c = render(poll('open'), { status: 'open', responses: 7, minResponses: 3, anonymous: true, results });
    expect(c.text('host-responses')).toBe('7 answers · 5 people here');
  });

  it('counts a retro\'s dots against what the people here can place', () => {
    const retro: Exercise = { id: 'e1', kind: 'retro', title: 'Retro', status: 'open', phase: 'vote', retro: { columns: [], dots: 3, maxPerItem: 2 } };
    const c = render(retro, {
      exercise: 'e1', status: 'open', phase: 'vote', dots: 3, maxPerItem: 2, columns: [], revealed: true,
      cards: [], groups: [], items: [], dotsShown: false, dotsPlaced: 11, actions: [],
    });
    expect(c.target.querySelector('[data-testid=retro-control] [data-testid=dots-placed]')!.textContent).toBe(
      '11 dots placed so far, of 15 for the 5 people here (3 each)',
    );
  });
});

describe('"Show results" below the threshold', () => {
  const showButton = (c: ReturnType<typeof render>) => [...c.target.querySelectorAll<HTMLButtonElement>('[role=group] button')].find((b) => /show results/i.test(b.textContent!))!;

  for (const status of ['open', 'closed'] as const) {
    it(`stays in the Tab order, says it is off and why, and does nothing when pressed (${status})`, () => {
      const c = render(poll(status), { status, responses: 2, minResponses: 3, anonymous: true });
      const b = showButton(c);
      expect(b.disabled).toBe(false);
      expect(b.getAttribute('aria-disabled')).toBe('true');
      expect(document.getElementById(b.getAttribute('aria-describedby')!)?.textContent).toBe('2 of 3 answers needed before results can be seen.');
      b.focus();
      expect(document.activeElement).toBe(b);
      b.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      expect(c.send).not.toHaveBeenCalled();
    });
  }

  it('at the threshold, is on and shows them', () => {
    const c = render(poll('closed'), { status: 'closed', responses: 3, minResponses: 3, anonymous: false, results });
    const b = showButton(c);
    expect(b.hasAttribute('aria-disabled')).toBe(false);
    expect(b.hasAttribute('aria-describedby')).toBe(false);
    b.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(c.send).toHaveBeenCalledWith('exercise.show', { exercise: 'e1' });
  });
});

describe("the console's timer", () => {
  afterEach(() => vi.useRealTimers());
  const ended = { ...poll('open'), endsAt: '2030-01-01T09:59:57Z' };
  const view = { status: 'open', responses: 1, minResponses: 3, anonymous: true };

  it("says the time is up while the exercise is open", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T10:00:00Z'));
    const c = render(ended, view);
    flushSync();
    expect(c.target.querySelector('[role=timer]')?.textContent?.trim()).toBe("Time's up");
  });

  it('drops it once the exercise is closed, as the phones and the projector do', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T10:00:00Z'));
    for (const status of ['closed', 'results'] as const) {
      const c = render({ ...ended, status }, { ...view, status });
      flushSync();
      expect(c.target.querySelector('[role=timer]')).toBeNull();
      expect(c.target.textContent).not.toContain("Time's up");
    }
  });
});

describe('kudos in a room that hides names', () => {
  const kudos = (status: Status): Exercise => ({ id: 'e1', kind: 'kudos', title: 'Thanks', status });
  const room = (showNames: boolean) => ({ id: 'r', code: 'K7QX2M', title: 'W', showNames, locked: false, ended: false });

  it('says phones can thank only the team, and shows names in one click', () => {
    const send = vi.fn(async () => undefined);
    const session = { state: { ...emptyState(), online: 5, room: room(false), agenda: { items: ['e1'] }, states: {} }, status: 'online', send };
    const target = show(ExerciseControl, { session, ex: kudos('open') });
    const note = target.querySelector('[data-testid=kudos-names]')!;
    expect(note.textContent).toContain('so their kudos can only go to the whole team');
    (note.querySelector('button') as HTMLButtonElement).click();
    expect(send).toHaveBeenCalledWith('room.update', { showNames: true });
  });

  it('says nothing once names are shown', () => {
    const session = { state: { ...emptyState(), online: 5, room: room(true), agenda: { items: ['e1'] }, states: {} }, status: 'online', send: vi.fn() };
    const target = show(ExerciseControl, { session, ex: kudos('open') });
    expect(target.querySelector('[data-testid=kudos-names]')).toBeNull();
  });
});

describe('a named vote\'s answers by person', () => {
  it('numbers two people of the same name as the people list does', () => {
    const members = {
      m1: { id: 'm1', name: 'Sam', role: 'participant' },
      m2: { id: 'm2', name: 'Sam', role: 'participant' },
    };
    const view = { exercise: 'e1', status: 'closed', responses: 2, minResponses: 1, anonymous: false, results, byMember: [
      { member: 'm1', name: 'Sam', ballot: { answers: { q1: { choices: ['a'] } } } },
      { member: 'm2', name: 'Sam', ballot: { answers: { q1: { choices: ['b'] } } } },
    ] };
    const session = { state: { ...emptyState(), online: 2, members, agenda: { items: ['e1'] }, states: { e1: view } }, status: 'online', send: vi.fn() };
    const target = show(ExerciseControl, { session, ex: poll('closed') });
    const tags = sameNameTags(Object.values(members));
    const lines = [...target.querySelectorAll('details li')].map((li) => li.textContent!.replace(/[ \t\n\r]+/g, ' ').trim());
    expect(lines).toHaveLength(2);
    expect(lines[0].startsWith(`Sam\u00a0#${tags.get('m1')}:`)).toBe(true);
    expect(lines[1].startsWith(`Sam\u00a0#${tags.get('m2')}:`)).toBe(true);
  });
});

describe('kudos to one of two people of the same name', () => {
  const kudos = (status: Status): Exercise => ({ id: 'e1', kind: 'kudos', title: 'Thanks', status });
  const room = (showNames: boolean) => ({ id: 'r', code: 'K7QX2M', title: 'W', showNames, locked: false, ended: false });

  it('numbers a kudo to one of two Sams as the people list does, though only one got kudos', () => {
    const members = {
      m1: { id: 'm1', name: 'Sam', role: 'participant' },
      m2: { id: 'm2', name: 'sam ', role: 'participant' },
      f: { id: 'f', name: 'Facilitator', role: 'facilitator' },
    };
    const view = { exercise: 'e1', status: 'open', count: 1, kudos: [{ id: 'k1', to: 'm1', toName: 'Sam', anonymous: true, message: 'Thanks' }] };
    const session = { state: { ...emptyState(), online: 2, room: room(true), members, agenda: { items: ['e1'] }, states: { e1: view } }, status: 'online', send: vi.fn() };
    const target = show(ExerciseControl, { session, ex: kudos('open') });
    const tag = sameNameTags(Object.values(members).filter((m) => m.role === 'participant')).get('m1');
    expect(tag).toBeTruthy();
    expect(target.textContent).toContain(`Sam\u00a0#${tag}`);
  });
});

describe('a retro\'s action items', () => {
  it('says an action needs its text, at the field, rather than doing nothing', async () => {
    const retro: Exercise = { id: 'e1', kind: 'retro', title: 'Retro', status: 'open', phase: 'actions', retro: { columns: [], dots: 3, maxPerItem: 2 } };
    const c = render(retro, {
      exercise: 'e1', status: 'open', phase: 'actions', dots: 3, maxPerItem: 2, columns: [], revealed: true,
      cards: [], groups: [], items: [], dotsShown: true, actions: [],
    });
    const owner = c.target.querySelector('#ro-e1') as HTMLInputElement;
    owner.value = 'Ann';
    owner.dispatchEvent(new Event('input'));
    c.target.querySelector('[data-testid=retro-control] form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    flushSync();
    expect(c.send).not.toHaveBeenCalled();
    const action = c.target.querySelector('#ra-e1') as HTMLInputElement;
    expect(document.activeElement).toBe(action);
    expect(action.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(action.getAttribute('aria-describedby')!)!.textContent).toBe(
      'Type the action first (the owner and due date are optional).',
    );
    // Typing it takes the complaint away, and the action goes.
    action.value = 'Pair on the release';
    action.dispatchEvent(new Event('input'));
    flushSync();
    expect(action.getAttribute('aria-invalid')).toBeNull();
    c.target.querySelector('[data-testid=retro-control] form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    flushSync();
    expect(c.send).toHaveBeenCalledWith('retro.action.add', { exercise: 'e1', text: 'Pair on the release', owner: 'Ann', due: '' });
  });
});

// With "View as participant" open, the phone's region of the same
// exercise is named by its title too: axe found two regions "Thank you".
describe("the console's exercise region", () => {
  it('is named as the console\'s, not by the title alone', () => {
    const c = render(poll('open'), { status: 'open', responses: 0, minResponses: 1, anonymous: true });
    const region = c.target.querySelector('section[data-testid=control]')!;
    expect(region.getAttribute('aria-label')).toBe('Console: Lunch');
    expect(region.hasAttribute('aria-labelledby')).toBe(false);
  });
});
