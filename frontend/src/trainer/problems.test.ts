import { describe, expect, it } from 'vitest';
import { packFileTitles, problemPlace } from './problems';

describe('where a pack problem is, in words', () => {
  it('names the exercise, question, option and column by number, the exercise by its title too', () => {
    const titles = ['Lunch', 'Retro'];
    const of = (i: number) => titles[i];
    expect(problemPlace('exercises[0].questions[0].options[3].label', of)).toBe('Exercise 1 “Lunch”, question 1, option 4');
    expect(problemPlace('exercises[1].retro.columns[2].title', of)).toBe('Exercise 2 “Retro”, column 3');
    expect(problemPlace('exercises[5].kind')).toBe('Exercise 6');
    expect(problemPlace('exercises[0].questions[1].max', of, true)).toBe('Question 2');
    expect(problemPlace('exercises[0].title', of, true)).toBe('');
    // The pack's own fields: their messages name them.
    expect(problemPlace('title', of)).toBe('');
  });

  it("reads a file's titles from JSON, wrapped or not, and none from YAML", () => {
    const pack = { id: 'qa', exercises: [{ title: 'Lunch' }, {}] };
    expect(packFileTitles(JSON.stringify(pack))).toEqual(['Lunch', '']);
    expect(packFileTitles(JSON.stringify({ summary: {}, pack }))).toEqual(['Lunch', '']);
    expect(packFileTitles('schema: 1\nid: "team-pulse"\ntitle: x\n')).toEqual([]);
  });
});
