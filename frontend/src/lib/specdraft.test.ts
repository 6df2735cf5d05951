import { describe, expect, it } from 'vitest';
import { CUSTOM, draftFromSpec, draftWork, move, newDraft, specFieldTarget, specFromDraft } from './specdraft';
import type { Spec } from './types';

describe('the exercise form draft', () => {
  it('builds a new poll as the console always did', () => {
    const d = newDraft('poll');
    d.title = ' Lunch ';
    d.prompt = 'Where do we eat?';
    d.q.options = 'Pizza\n\n Salad \nSoup';
    expect(specFromDraft(d)).toEqual({
      kind: 'poll', title: 'Lunch', prompt: 'Where do we eat?', anonymous: true, minResponses: 3, allowChange: false,
      questions: [{ id: 'q1', kind: 'choice', prompt: 'Where do we eat?', multi: false,
        options: [{ id: 'o1', label: 'Pizza' }, { id: 'o2', label: 'Salad' }, { id: 'o3', label: 'Soup' }] }],
    });
  });

  it('keeps question, option and column ids when a pack exercise is edited', () => {
    const survey: Spec = {
      kind: 'survey', title: 'Trust pulse', prompt: 'How true?', minResponses: 4, timerSeconds: 240, notes: 'Say it is anonymous.',
      questions: [
        { id: 'follow-through', kind: 'scale', prompt: 'Commitments are kept', minLabel: 'Not at all', maxLabel: 'Completely' },
        { id: 'habit', kind: 'choice', prompt: 'Which habit?', multi: true, maxChoices: 2,
          options: [{ id: 'thanks', label: 'Thank people' }, { id: 'listen', label: 'Listen' }, { id: 'ask', label: 'Ask' }] },
      ],
    };
    const d = draftFromSpec(survey);
    expect(d.survey[0].min).toBe(1); // absent min and max mean 1..5
    expect(d.survey[0].max).toBe(5);
    d.survey[1].options = 'Listen\nThank people\nSay no';
    d.survey.push({ ...d.survey[0], id: undefined, prompt: 'New question' });
    const s = specFromDraft(d);
    expect(s.minResponses).toBe(4);
    expect(s.timerSeconds).toBe(240);
    expect(s.notes).toBe('Say it is anonymous.');
    expect(s.questions!.map((q) => q.id)).toEqual(['follow-through', 'habit', 'q1']);
    expect(s.questions![1]).toMatchObject({ multi: true, maxChoices: 2,
      // 'Say no' took the place of 'Ask' (the count is the same): its id.
      options: [{ id: 'listen', label: 'Listen' }, { id: 'thanks', label: 'Thank people' }, { id: 'ask', label: 'Say no' }] });

    const retro: Spec = { kind: 'retro', title: 'Trust retro', retro: { columns: [{ id: 'builds', title: 'Builds trust', hint: 'Habits' }, { id: 'wears', title: 'Wears it down' }], dots: 3, maxPerItem: 2 } };
    const r = draftFromSpec(retro);
    expect(r.template).toBe(CUSTOM);
    r.columns.push({ title: 'Next', hint: '' });
    expect(specFromDraft(r).retro).toEqual({
      columns: [{ id: 'builds', title: 'Builds trust', hint: 'Habits' }, { id: 'wears', title: 'Wears it down' }, { id: 'col1', title: 'Next' }],
      dots: 3, maxPerItem: 2,
    });
  });

  // The pack editor gave a new question the lowest free id: the first of
  // q1, q2 deleted and a question added, the new one was q1, and Compare
  // paired it with an older session's unrelated q1, with a mean change.
  // A new id is past every id the spec had, the deleted ones too.
  it('never gives a new question, option or column an id the spec had', () => {
    const scale = (id: string, prompt: string) => ({ id, kind: 'scale' as const, prompt, min: 1, max: 5 });
    const survey: Spec = { kind: 'survey', title: 'Pulse', questions: [scale('q1', 'Pace'), scale('q2', 'Trust')] };
    const d = draftFromSpec(survey);
    d.survey.splice(0, 1);
    d.survey.push({ ...d.survey[0], id: undefined, prompt: 'Energy' });
    expect(specFromDraft(d).questions!.map((q) => `${q.id} ${q.prompt}`)).toEqual(['q2 Trust', 'q3 Energy']);
    // The last one deleted: its id is not taken either.
    const e = draftFromSpec(survey);
    e.survey.splice(1, 1);
    e.survey.push({ ...e.survey[0], id: undefined, prompt: 'Energy' });
    expect(specFromDraft(e).questions!.map((q) => q.id)).toEqual(['q1', 'q3']);
    // The same every time the form builds the spec (draftWork compares them).
    expect(draftWork(e, true)).toBe(draftWork(e, true));

    const poll: Spec = { kind: 'poll', title: 'Lunch', questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'o1', label: 'Pizza' }, { id: 'o2', label: 'Soup' }] }] };
    const p = draftFromSpec(poll);
    p.q.options = 'Pizza\nSalad\nTea';
    expect(specFromDraft(p).questions![0].options!.map((o) => o.id)).toEqual(['o1', 'o3', 'o4']);

    const retro: Spec = { kind: 'retro', title: 'Retro', retro: { columns: [{ id: 'col1', title: 'Start' }, { id: 'col2', title: 'Stop' }], dots: 3, maxPerItem: 2 } };
    const r = draftFromSpec(retro);
    r.columns.splice(1, 1);
    r.columns.push({ title: 'Keep', hint: '' });
    expect(specFromDraft(r).retro!.columns!.map((c) => c.id)).toEqual(['col1', 'col3']);
  });

  it('keeps an option\'s id when its label is corrected, and gives a new option a new one', () => {
    const poll: Spec = { kind: 'poll', title: 'Trust', questions: [{ id: 'q1', kind: 'choice', prompt: '',
      options: [{ id: 'commitments', label: 'Comitments' }, { id: 'skills', label: 'Skills' }] }] };
    const d = draftFromSpec(poll);
    d.q.options = 'Commitments\nSkills';
    expect(specFromDraft(d).questions![0].options!.map((o) => o.id)).toEqual(['commitments', 'skills']);
    d.q.options = 'Commitments\nSkills\nValues';
    expect(specFromDraft(d).questions![0].options!.map((o) => o.id)).toEqual(['o1', 'skills', 'o2']);
  });

  it('round-trips a scale whose question repeats the prompt', () => {
    const scale: Spec = { kind: 'scale', title: 'Pace', prompt: 'How was the pace?', anonymous: false, minResponses: 3, allowChange: true,
      questions: [{ id: 'q1', kind: 'scale', prompt: 'How was the pace?', min: -2, max: 2, minLabel: 'slow', maxLabel: 'fast' }] };
    const d = draftFromSpec(scale);
    expect(d.q.prompt).toBe('');
    expect(specFromDraft(d)).toEqual(scale);
  });

  it('moves items up and down without changing the list it was given', () => {
    const list = ['a', 'b', 'c'];
    expect(move(list, 2, 1)).toEqual(['a', 'c', 'b']);
    expect(move(list, 0, 2)).toEqual(['b', 'c', 'a']);
    expect(move(list, 0, -1)).toEqual(['a', 'b', 'c']);
    expect(list).toEqual(['a', 'b', 'c']);
  });

  it('tells a form holding work to keep: any change of an edited exercise, only typed text of a new one', () => {
    const fresh = newDraft();
    const base = draftWork(fresh, false);
    const d = newDraft();
    d.kind = 'scale';
    d.minResponses = 5;
    expect(draftWork(d, false)).toBe(base);
    d.q.minLabel = 'low';
    expect(draftWork(d, false)).not.toBe(base);
    d.q.minLabel = '  ';
    expect(draftWork(d, false)).toBe(base);

    const scale: Spec = { kind: 'scale', title: 'Pace', prompt: 'How?', questions: [{ id: 'q1', kind: 'scale', prompt: 'How?', min: 1, max: 5 }] };
    const e = draftFromSpec(scale);
    const was = draftWork(e, true);
    e.kind = 'poll';
    expect(draftWork(e, true)).not.toBe(was);
    e.kind = 'scale';
    expect(draftWork(e, true)).toBe(was);
    e.minResponses = 6;
    expect(draftWork(e, true)).not.toBe(was);
  });
});

describe('specFieldTarget', () => {
  const at = (field: string | undefined, kind: any, template = 'start-stop-continue') => specFieldTarget(field, { kind, template });
  it('finds the spec fields the form shows', () => {
    expect(at('title', 'poll')).toBe('title');
    expect(at('timerSeconds', 'poll')).toBe('timer');
    expect(at('timerSeconds', 'retro')).toBe('timer2');
    expect(at('minResponses', 'retro')).toBeNull();
    expect(at('questions[0].options[3].label', 'poll')).toBe('options');
    expect(at('questions[0].maxLabel', 'scale')).toBe('sc-maxl');
    expect(at('questions[0]', 'scale')).toBe('sc-min');
    expect(at('questions[4].options', 'survey')).toBe('sq-o-4');
    expect(at('questions[2].minLabel', 'survey')).toBe('sq2-minl');
    expect(at('retro.columns[1].hint', 'retro', 'custom')).toBe('col-h-1');
    expect(at('retro.maxPerItem', 'retro')).toBe('mpi');
  });
  it('leaves to the whole form what no one input holds', () => {
    expect(at(undefined, 'poll')).toBeNull();
    expect(at('questions', 'poll')).toBeNull();
    expect(at('questions[1].prompt', 'poll')).toBeNull();
    expect(at('retro.columns[1].title', 'retro')).toBeNull(); // a template's columns are not in the form
    expect(at('kind', 'poll')).toBeNull();
  });
});
