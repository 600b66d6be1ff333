import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPercentage, pairPercentage } from './hash.js';

// The reference formula, with BigInt, straight from flag_engine/utils/hashing.py.
function reference(ids: string[], iterations = 1): number {
  const text = Array.from({ length: iterations }, () => ids.join(',')).join(',');
  const value = BigInt(`0x${createHash('md5').update(text, 'utf8').digest('hex')}`) % 9999n;
  const percentage = (Number(value) / 9998) * 100;
  return percentage === 100 ? reference(ids, iterations + 1) : percentage;
}

describe('hashPercentage', () => {
  it('reproduces the allocations quoted by Flagsmith test data', () => {
    // "test_env_foobar" against feature key 78986 "results in 54.53% allocation".
    expect(hashPercentage(['78986', 'test_env_foobar'])).toBe(54.53090618123625);
    expect(hashPercentage(['12345', 'test_env_foobar'])).toBeCloseTo(51.99, 2);
  });

  it('equals the reference formula for many ids', () => {
    for (let i = 0; i < 2000; i++) {
      const ids = [String(i), `user-${i * 7919}`, 'é😀'.repeat(i % 3)];
      expect(hashPercentage(ids)).toBe(reference(ids));
    }
  });

  it('repeats the id list for extra iterations', () => {
    expect(hashPercentage(['a', 'b'], 2)).toBe(reference(['a', 'b', 'a', 'b']));
    expect(hashPercentage(['a', 'b'], 3)).toBe(reference(['a', 'b'], 3));
  });

  it('prints non-string ids as Python str() does', () => {
    expect(hashPercentage([12, true, null])).toBe(reference(['12', 'True', 'None']));
  });

  it('retries with one more iteration when the value is exactly 100', () => {
    let hundred: string[] | undefined;
    for (let i = 0; !hundred; i++) {
      const ids = ['segment', `user-${i}`];
      const digest = BigInt(`0x${createHash('md5').update(ids.join(','), 'utf8').digest('hex')}`);
      if (digest % 9999n === 9998n) hundred = ids;
    }
    const value = hashPercentage(hundred);
    expect(value).toBeLessThan(100);
    expect(value).toBe(hashPercentage(hundred, 2));
    expect(pairPercentage(hundred[0], hundred[1])).toBe(value);
  });

  it('stays in [0, 100)', () => {
    for (let i = 0; i < 1000; i++) {
      const value = pairPercentage('feature', `identity-${i}`);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(100);
    }
  });
});
