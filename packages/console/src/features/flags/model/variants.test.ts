import { describe, expect, it } from 'vitest';
import { checkVariants, evenWeights, MAX_VARIANTS } from './variants.js';

describe('variant checks', () => {
  it('accepts weights up to 100 in all, leaving the rest to control, and types the values', () => {
    const check = checkVariants('number', [
      { id: 'r', key: 'a', valueText: '1', weight: 33.3 },
      { id: 'r', key: 'b', valueText: '2.5', weight: '33.3' },
      { id: 'r', key: 'c', valueText: '', weight: 33.4 },
    ]);
    expect(check.problems).toEqual([]);
    expect(check.controlWeight).toBe(0);
    expect(check.variants).toEqual([
      { key: 'a', value: 1, weight: 33.3 },
      { key: 'b', value: 2.5, weight: 33.3 },
      { key: 'c', value: null, weight: 33.4 },
    ]);
    expect(checkVariants('string', [{ id: 'r', key: 'a', valueText: 'x', weight: 25 }]).controlWeight).toBe(
      75,
    );
  });

  it('refuses weights over 100 in all, naming the sum', () => {
    const check = checkVariants('string', [
      { id: 'r', key: 'a', valueText: 'x', weight: 60 },
      { id: 'r', key: 'b', valueText: 'y', weight: 50 },
    ]);
    expect(check.variants).toBeUndefined();
    expect(check.problems).toEqual([{ row: -1, message: expect.stringContaining('110%') }]);
  });

  it('names each bad row: key, duplicate, reserved control, weight range, value type', () => {
    const check = checkVariants('number', [
      { id: 'r', key: 'bad key', valueText: '1', weight: 10 },
      { id: 'r', key: 'ok', valueText: '1', weight: 10 },
      { id: 'r', key: 'ok', valueText: '1', weight: 10 },
      { id: 'r', key: 'control', valueText: '1', weight: 10 },
      { id: 'r', key: 'w', valueText: '1', weight: 101 },
      { id: 'r', key: 'e', valueText: '1', weight: '' },
      { id: 'r', key: 'v', valueText: 'ten', weight: 1 },
    ]);
    expect(check.problems.map((p) => p.row)).toEqual([0, 2, 3, 4, 5, 6]);
    expect(check.problems[1].message).toContain('used twice');
    expect(check.problems[2].message).toContain('reserved');
    expect(check.problems[5].message).toContain('not a finite number');
  });

  it('refuses variants on a boolean flag and more than the API allows', () => {
    expect(
      checkVariants('boolean', [{ id: 'r', key: 'a', valueText: '', weight: 1 }]).problems[0].message,
    ).toContain('boolean');
    const many = Array.from({ length: MAX_VARIANTS + 1 }, (_, i) => ({
      id: `r${i}`,
      key: `v${i}`,
      valueText: 'x',
      weight: 1,
    }));
    expect(checkVariants('string', many).problems).toEqual([
      { row: -1, message: `At most ${MAX_VARIANTS} variants.` },
    ]);
  });

  it('spreads even weights leaving the control an equal share', () => {
    expect(evenWeights(1)).toEqual([50]);
    expect(evenWeights(2)).toEqual([33.33, 33.33]);
    expect(evenWeights(3).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100);
  });
});
