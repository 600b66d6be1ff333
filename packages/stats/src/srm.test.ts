import { describe, expect, it } from 'vitest';
import { srm } from './srm.js';

describe('srm', () => {
  it('a variation of weight 0 is left out entirely', () => {
    expect(srm([5100, 4800, 37], [0.5, 0.5, 0])).toBe(srm([5100, 4800], [0.5, 0.5]));
  });

  it('alerts below 0.001 on a clear mismatch and stays quiet on the promised split', () => {
    expect(srm([10_400, 9_600], [0.5, 0.5])).toBeLessThan(0.001);
    expect(srm([2_003, 7_997], [0.2, 0.8])).toBeGreaterThan(0.5);
  });

  it('input that allows no test gives 1', () => {
    for (const [observed, weights] of [
      [[], []],
      [
        [0, 0],
        [1, 1],
      ],
      [
        [10, 10],
        [1, 0],
      ],
      [
        [10, 10, 10],
        [1, 1],
      ],
      [
        [10, Number.POSITIVE_INFINITY],
        [1, 1],
      ],
    ]) {
      expect(srm(observed, weights)).toBe(1);
    }
  });
});
