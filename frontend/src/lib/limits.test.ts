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
});
