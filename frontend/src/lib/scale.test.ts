import { describe, expect, it } from 'vitest';
import { scaleBounds, scaleColumns, scalePoints } from './scale';

describe('scale range', () => {
  it('reads an absent end as 0, as the server stores it', () => {
    expect(scalePoints({ max: 10 })).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(scalePoints({ min: -5 })).toEqual([-5, -4, -3, -2, -1, 0]);
    expect(scaleBounds({ min: 1, max: 7 })).toEqual([1, 7]);
  });
  it('is 1 to 5 with neither end', () => {
    expect(scalePoints({})).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('scaleColumns', () => {
  it('keeps up to 6 points on a row, and wraps more into even rows', () => {
    expect([5, 6, 7, 10, 11, 13, 21].map(scaleColumns)).toEqual([5, 6, 4, 5, 6, 5, 6]);
  });
});
