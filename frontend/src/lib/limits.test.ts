import { describe, expect, it } from 'vitest';
import { limits } from './limits.svelte';

describe('text limits', () => {
  it('takes the welcome limits and ignores missing or bad values', () => {
    limits.adopt({ maxNameLen: 60, maxTextLen: 1000 });
    expect([limits.maxNameLen, limits.maxTitleLen, limits.maxTextLen]).toEqual([60, 120, 1000]);
    limits.adopt({ maxTextLen: 0, maxNameLen: 1.5, maxTitleLen: -3 });
    limits.adopt(undefined);
    expect([limits.maxNameLen, limits.maxTitleLen, limits.maxTextLen]).toEqual([60, 120, 1000]);
    limits.adopt({ maxNameLen: 40, maxTextLen: 500 });
  });
  it('takes the exercise limits too, never fewer than two options', () => {
    limits.adopt({ maxShortLen: 120, maxOptions: 1, maxQuestions: 30, maxTimerSeconds: 600 });
    expect([limits.maxShortLen, limits.maxOptions, limits.maxQuestions, limits.maxTimerSeconds]).toEqual([120, 20, 30, 600]);
    limits.adopt({ maxShortLen: 80, maxQuestions: 20, maxTimerSeconds: 10800 });
  });
  it("takes the server's anonymity floor, which a new vote's form starts at", async () => {
    const { newDraft } = await import('./specdraft');
    expect(newDraft('poll').minResponses).toBe(3);
    limits.adopt({ minResponses: 5 });
    expect(limits.minResponses).toBe(5);
    expect(newDraft('poll').minResponses).toBe(5);
    limits.adopt({ minResponses: 3 });
  });
});
