import { describe, expect, it } from 'vitest';
import { show } from '../test/mount';
import EndedKeepsakes from './EndedKeepsakes.svelte';
import { emptyState } from '../lib/reducer';

const kudo = (id: string, to: string, message: string) => ({ id, seq: 1, to, toName: to === 'me' ? 'Ann' : '', fromName: 'Cy', anonymous: false, message });
const retro = (id: string, title: string, texts: string[]) => ({
  exercise: { id, kind: 'retro', title, status: 'closed' },
  state: { actions: texts.map((text, i) => ({ id: `${id}-a${i}`, seq: i + 1, text, done: false })) },
});

function ended(exercises: { exercise: any; state: any }[]) {
  const state = {
    ...emptyState(), you: { id: 'me', name: 'Ann', role: 'participant', online: false },
    exercises: Object.fromEntries(exercises.map((x) => [x.exercise.id, x.exercise])),
    states: Object.fromEntries(exercises.map((x) => [x.exercise.id, x.state])),
  } as any;
  return show(EndedKeepsakes, { state });
}

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
});
