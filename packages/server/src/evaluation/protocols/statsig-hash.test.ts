import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { djb2, hashName } from './statsig-hash.js';

/** djb2 computed independently of the implementation: exact modular arithmetic, no bit tricks. */
function djb2ByHand(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 2 ** 32;
  return String(h);
}

it('djb2 matches hand-computed values, including 32-bit wrap-around', () => {
  expect(djb2('a')).toBe('97');
  expect(djb2('ab')).toBe('3105'); // 31 * 97 + 98
  expect(djb2('abc')).toBe('96354'); // 31 * 3105 + 99
  expect(djb2('')).toBe('0');
  // Wraps past 2^32: values the Statsig client itself computes for these names.
  expect(djb2('dark_mode')).toBe('2442673356');
  expect(djb2('checkout_experiment')).toBe('2862480534');
  for (const name of ['dark_mode', 'checkout', 'x'.repeat(100), 'ééé😀'])
    expect(djb2(name)).toBe(djb2ByHand(name));
});

it('hashes names with sha256 as base64, or not at all', () => {
  expect(hashName('dark_mode', 'sha256')).toBe(createHash('sha256').update('dark_mode').digest('base64'));
  expect(hashName('dark_mode', 'none')).toBe('dark_mode');
  expect(hashName('dark_mode', 'djb2')).toBe('2442673356');
});
