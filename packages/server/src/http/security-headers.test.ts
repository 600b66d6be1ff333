import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';

// Issue #7, point 11: security headers on every response, whatever answers it.
describe('security headers', () => {
  let database: TestDatabase;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    t = await createTestApp(database);
  });
  afterAll(async () => {
    await t?.close();
    await database?.dispose();
  });

  it.each([
    ['the docs page', 'GET', '/api/docs/static/index.html', {}],
    ['the OpenAPI document', 'GET', '/api/openapi.json', {}],
    ['an admin answer', 'GET', '/api/admin/v1/projects', 'admin'],
    ['a refused admin request', 'GET', '/api/admin/v1/projects', {}],
    ['an SDK answer', 'POST', '/api/sdk/v1/flags', 'client'],
    ['a malformed SDK body', 'POST', '/v1/initialize?k={client}', 'json'],
    ['an unknown route', 'GET', '/nowhere', {}],
    ['health', 'GET', '/health', {}],
  ] as const)('on %s', async (_name, method, url, auth) => {
    const clientKey = t.environments[0].clientKey;
    const headers =
      auth === 'admin'
        ? t.admin
        : auth === 'client'
          ? { 'x-environment-key': clientKey }
          : auth === 'json'
            ? { 'content-type': 'application/json' }
            : {};
    const response = await t.app.inject({
      method,
      url: url.replace('{client}', clientKey),
      headers,
      ...(method === 'POST' ? { payload: auth === 'json' ? '{' : {} } : {}),
    });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("object-src 'none'");
    // Plain-http deployments on a LAN address would lose the docs' scripts to upgraded requests.
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});
