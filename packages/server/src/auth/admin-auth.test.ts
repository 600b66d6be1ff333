import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';
import { ADMIN_FAILURE_LIMIT } from './admin-auth.js';

describeEachDialect('guessing admin tokens', (getDatabase) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(getDatabase(), {}, ADMIN_FAILURE_LIMIT);
  });
  afterAll(() => t.close());

  const call = (token: string, remoteAddress: string) =>
    t.app.inject({
      url: '/api/admin/v1/projects',
      headers: { authorization: `Bearer ${token}` },
      remoteAddress,
    });

  it('limits failed attempts per peer address, before any token is looked up', async () => {
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await call(`pat_guess-${i}`, '10.1.1.1')).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Even the right token waits: otherwise guessing would go on at full speed, hits and all.
    const right = await call(TEST_ADMIN_TOKEN, '10.1.1.1');
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Other addresses are not affected.
    expect((await call(TEST_ADMIN_TOKEN, '10.2.2.2')).statusCode).toBe(200);
  });
});
