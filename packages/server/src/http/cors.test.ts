import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';

const CONSOLE = 'https://console.example.com';
const EVIL = 'https://evil.example';

// Issue #7, point 11: the admin API will carry cookies, so only configured origins may read it;
// SDK routes keep answering every origin, since browsers call them from customers' pages.
describe('CORS', () => {
  let database: TestDatabase;
  let t: TestApp;
  let clientKey: string;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    t = await createTestApp(database, { adminCorsOrigins: [CONSOLE] });
    clientKey = t.environments[0].clientKey;
  });
  afterAll(async () => {
    await t?.close();
    await database?.dispose();
  });

  const adminGet = (origin: string, url = '/api/admin/v1/projects') =>
    t.app.inject({ method: 'GET', url, headers: { ...t.admin, origin } });
  const preflight = (origin: string, url: string) =>
    t.app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });

  it('lets a page on another origin read the admin API only when that origin is configured', async () => {
    const refused = await adminGet(EVIL);
    expect(refused.statusCode).toBe(200);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();

    const allowed = await adminGet(CONSOLE);
    expect(allowed.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(allowed.headers.vary).toMatch(/Origin/);
  });

  it('refuses an admin preflight from an origin that is not configured, even through an encoded path', async () => {
    for (const url of ['/api/admin/v1/projects', '/api/%61dmin/v1/projects']) {
      const refused = await preflight(EVIL, url);
      expect(refused.headers['access-control-allow-origin'], url).toBeUndefined();
      expect(refused.headers['access-control-allow-methods'], url).toBeUndefined();
    }
    const allowed = await preflight(CONSOLE, '/api/admin/v1/projects');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(CONSOLE);
  });

  it('answers no origin on the admin API when none is configured', async () => {
    const other = await createTestDatabase('sqlite');
    const closed = await createTestApp(other);
    try {
      const response = await closed.app.inject({
        method: 'GET',
        url: '/api/admin/v1/projects',
        headers: { ...closed.admin, origin: CONSOLE },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await closed.close();
      await other.dispose();
    }
  });

  it('keeps answering any origin on SDK routes, preflights included, and exposes ETag', async () => {
    const flags = await t.app.inject({
      method: 'POST',
      url: '/api/sdk/v1/flags',
      headers: { origin: EVIL, 'x-environment-key': clientKey },
      payload: {},
    });
    expect(flags.statusCode).toBe(200);
    expect(flags.headers['access-control-allow-origin']).toBe(EVIL);
    expect(flags.headers['access-control-expose-headers']).toMatch(/ETag/);

    const statsig = await preflight(EVIL, `/v1/initialize?k=${clientKey}`);
    expect(statsig.statusCode).toBe(204);
    expect(statsig.headers['access-control-allow-origin']).toBe(EVIL);
  });
});
