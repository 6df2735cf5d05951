import { describe, expect, it } from 'vitest';
import { show } from '../test/mount';
import EndedKeepsakes from './EndedKeepsakes.svelte';
import { emptyState } from '../lib/reducer';

const kudo = (id: string, to: string, message: string) => ({ id, to, toName: to === 'me' ? 'Ann' : '', fromName: 'Cy', anonymous: false, message });
const retro = (id: string, title: string, texts: string[]) => ({
  exercise: { id, kind: 'retro', title, status: 'closed' },
  state: { actions: texts.map((text, i) => ({ id: `${id}-a${i}`, seq: i + 1, text, done: false })) },
});

function ended(exercises: { exercise: any; state: any; mine?: any }[]) {
  const state = {
    ...emptyState(), you: { id: 'me', name: 'Ann', role: 'participant', online: false },
    exercises: Object.fromEntries(exercises.map((x) => [x.exercise.id, x.exercise])),
    states: Object.fromEntries(exercises.map((x) => [x.exercise.id, x.state])),
    mine: Object.fromEntries(exercises.filter((x) => x.mine).map((x) => [x.exercise.id, x.mine])),
  } as any;
  return show(EndedKeepsakes, { state });
}

// A help board as the phone last saw it: Ann (me) asked twice, once
// anonymously, and offered on Dee's and on an anonymous request; Ben and
// Cy paired with others.
const offer = (id: string, helperId: string, helperName: string, accepted: boolean, step?: string) => ({ id, helperId, helperName, message: 'I can', accepted, step });
const helpBoard = {
  exercise: { id: 'h1', kind: 'help', title: 'Can you help me?', status: 'open' },
  state: { exercise: 'h1', status: 'open', counts: { open: 0, matched: 4, resolved: 1 }, requests: [
    { id: 'r1', title: 'Flaky Go tests', tags: [], status: 'matched', anonymous: false, authorId: 'me', authorName: 'Ann',
      offers: [offer('o1', 'cleo', 'Cleo', true, 'Pair on Thursday 14:00'), offer('o2', 'ben', 'Ben', false)] },
    { id: 'r2', title: 'Career advice', tags: [], status: 'resolved', anonymous: true, offers: [offer('o3', 'cy', 'Cy', true)] },
    { id: 'r3', title: 'SQL joins', tags: [], status: 'matched', anonymous: false, authorId: 'dee', authorName: 'Dee', offers: [offer('o4', 'me', 'Ann', true, 'Call on Monday')] },
    { id: 'r4', title: 'Stuck on a talk', tags: [], status: 'matched', anonymous: true, offers: [offer('o5', 'me', 'Ann', true)] },
    { id: 'r5', title: 'Not mine', tags: [], status: 'matched', anonymous: false, authorId: 'eve', authorName: 'Eve', offers: [offer('o6', 'ben', 'Ben', true, 'Secret plan'), offer('o7', 'me', 'Ann', false)] },
  ] },
  mine: { requests: ['r1', 'r2'], offers: ['o4', 'o5', 'o7'], paired: [] },
};

describe('the keepsakes of an ended workshop', () => {
  it('keep the kudos to the whole team too, not those to someone else', () => {
    const target = ended([{ exercise: { id: 'k1', kind: 'kudos', title: 'Thanks', status: 'open' },
      state: { kudos: [kudo('q1', 'me', 'Great demo'), kudo('q2', 'team', 'Great sprint, all of you'), kudo('q3', 'ben', 'Thanks for the review')] } }]);
    const kept = target.querySelector('[data-testid=kept-kudos]')!.textContent!;
    expect(kept).toContain('Great demo');
    expect(kept).toContain('Great sprint, all of you');
    expect(kept).not.toContain('Thanks for the review');
  });

  it("keep each retro's action items apart, under its title, when there were several", () => {
    const two = ended([retro('r1', 'Sprint 42', ['Pair on Tuesdays']), retro('r2', 'Sprint 43', ['Demo on Fridays'])]);
    expect([...two.querySelectorAll('[data-testid=kept-actions] h2')].map((h) => h.textContent)).toEqual(['Action items: Sprint 42', 'Action items: Sprint 43']);
    expect(two.querySelectorAll('[data-testid=kept-actions]')[1].textContent).toContain('Demo on Fridays');
    const one = ended([retro('r1', 'Sprint 42', ['Pair on Tuesdays']), retro('r2', 'Sprint 43', [])]);
    expect([...one.querySelectorAll('[data-testid=kept-actions] h2')].map((h) => h.textContent)).toEqual(['Action items']);
  });

  // The trust pack's closing notes ask the facilitator to go over the help
  // pairs: each keeps whom they pair with, on what, and the step agreed.
  it("keep the help pairings this person is part of, with their next steps, and no one else's", () => {
    const kept = ended([helpBoard]).querySelector('[data-testid=kept-help]')!;
    expect(kept.querySelector('h2')!.textContent).toBe('Your help pairings');
    expect([...kept.querySelectorAll('li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).toEqual([
      'You are paired with Cleo · “Flaky Go tests” Next step: Pair on Thursday 14:00',
      'You are paired with Cy · “Career advice” Resolved',
      'You are helping Dee · “SQL joins” Next step: Call on Monday',
      // An anonymous request's asker stays unnamed to the helper.
      'You are helping someone · “Stuck on a talk”',
    ]);
    expect(kept.textContent).not.toContain('Secret plan');
    expect(kept.textContent).not.toContain('Ben');
  });

  it('tell the one paired with from a namesake, as the board did', () => {
    const two = structuredClone(helpBoard);
    two.state.requests[0].offers[1] = offer('o2', 'cleo2', 'Cleo', false);
    const text = ended([two]).querySelector('[data-testid=kept-help] li')!.textContent!;
    expect(text).toMatch(/^You are paired with Cleo\u00a0#\d{4} /);
  });
});
