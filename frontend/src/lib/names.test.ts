import { describe, expect, it } from 'vitest';
import { compareNames } from './names';

describe('compareNames', () => {
  // Sorted as text, a room of numbered names read Bot 0, Bot 1, Bot 10,
  // Bot 11, ... Bot 2.
  it('puts numbers inside names in their order, and ignores case', () => {
    const names = ['Bot 10', 'bot 2', 'Bot 1', 'Ann', 'Bot 11', 'ann b', 'Bot 0'];
    expect(names.sort(compareNames)).toEqual(['Ann', 'ann b', 'Bot 0', 'Bot 1', 'bot 2', 'Bot 10', 'Bot 11']);
  });
});
