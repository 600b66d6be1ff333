import { expect, it } from 'vitest';
import { ExposureDedup } from './exposure-dedup.js';

it('logs an exposure once per unit, flag and variant within the window', () => {
  const dedup = new ExposureDedup({ windowMs: 1000, maxEntries: 100 });
  expect(dedup.first('u1', 'f', 'a', 0)).toBe(true);
  expect(dedup.first('u1', 'f', 'a', 999)).toBe(false);
  expect(dedup.first('u1', 'f', 'b', 999)).toBe(true);
  expect(dedup.first('u2', 'f', 'a', 999)).toBe(true);
  expect(dedup.first('u1', 'f', null, 999)).toBe(true);
  expect(dedup.first('u1', 'f', 'a', 1000)).toBe(true);
});

it('stays within its bound, forgetting the oldest entry first', () => {
  const dedup = new ExposureDedup({ windowMs: 60_000, maxEntries: 3 });
  for (const unit of ['a', 'b', 'c', 'd']) dedup.first(unit, 'f', null, 0);
  expect(dedup.size).toBe(3);
  expect(dedup.first('d', 'f', null, 1)).toBe(false);
  expect(dedup.first('a', 'f', null, 1)).toBe(true);
});
