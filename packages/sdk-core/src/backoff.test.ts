import { expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

it('doubles from the initial delay up to the maximum, jittered over the upper half', () => {
  const options = { initialMs: 100, maxMs: 1000 };
  for (let i = 0; i < 50; i++) {
    const first = backoffDelay(0, options);
    expect(first).toBeGreaterThanOrEqual(50);
    expect(first).toBeLessThanOrEqual(100);
    const third = backoffDelay(2, options);
    expect(third).toBeGreaterThanOrEqual(200);
    expect(third).toBeLessThanOrEqual(400);
    const late = backoffDelay(40, options);
    expect(late).toBeGreaterThanOrEqual(500);
    expect(late).toBeLessThanOrEqual(1000);
  }
});
