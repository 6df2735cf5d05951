import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ballotText, normalizeWord } from './ballot';
import type { Exercise } from './types';

describe('ballotText', () => {
  it('names the options chosen, not their ids', () => {
    const poll = { id: 'e', kind: 'poll', title: 'Colour', status: 'open',
      questions: [{ id: 'q1', kind: 'choice', prompt: '', options: [{ id: 'o1', label: 'Red' }, { id: 'o2', label: 'Blue' }] }] } as Exercise;
    expect(ballotText(poll, { answers: { q1: { choices: ['o2', 'o1'] } } })).toBe('Blue, Red');
  });
  it('labels each answer of a survey with its question', () => {
    const survey = { id: 'e', kind: 'survey', title: 'Pulse', status: 'open', questions: [
      { id: 'q1', kind: 'scale', prompt: 'Pace', min: 1, max: 5 },
      { id: 'q2', kind: 'choice', prompt: '', options: [{ id: 'go', label: 'Go' }] },
      { id: 'q3', kind: 'scale', prompt: 'Skipped' },
    ] } as Exercise;
    expect(ballotText(survey, { answers: { q1: { value: 4 }, q2: { choices: ['go'] } } })).toBe('Pace: 4; Question 2: Go');
  });
  it('gives words and texts as they are', () => {
    const ex = { id: 'e', kind: 'words', title: 'W', status: 'open' } as Exercise;
    expect(ballotText(ex, { words: ['trust', 'time'] })).toBe('trust, time');
    expect(ballotText({ ...ex, kind: 'text' }, { text: 'More demos' })).toBe('More demos');
  });
});

describe('normalizeWord', () => {
  // The cases the server's test reads too (exercises/words_test.go): a
  // phone must fold its words as the server counts them, so folding
  // changed on one side only fails here or there.
  const file = join(__dirname, '..', '..', '..', 'exercises', 'testdata', 'normalize-words.json');
  const { cases } = JSON.parse(readFileSync(file, 'utf8')) as { cases: { in: string; want: string }[] };
  it('folds case, spacing and the punctuation around a word, as the server does', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(normalizeWord(c.in), c.in).toBe(c.want);
  });
  it('leaves a word as results show it as it is', () => {
    for (const c of cases) expect(normalizeWord(c.want), c.want).toBe(c.want);
  });
});
