import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { SseReader } from '../testing/sse-client.js';

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
    expectSecurityHeaders((name) => response.headers[name]);
  });

  // A stream's reply is hijacked and its head written by the SSE hub: the hooks' headers must
  // reach it all the same.
  it('on an event stream', async () => {
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const reader = await SseReader.open(
      `${url}/sse/environments/${encodeURIComponent(t.environments[0].clientKey)}/stream`,
    );
    try {
      expect(reader.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expectSecurityHeaders((name) => reader.response.headers.get(name));
    } finally {
      reader.close();
      t.app.server.closeAllConnections();
    }
  });
});

/** The headers every answer carries, read through `header` (inject and fetch differ). */
function expectSecurityHeaders(header: (name: string) => unknown): void {
  expect(header('x-content-type-options')).toBe('nosniff');
  expect(header('x-frame-options')).toBe('SAMEORIGIN');
  expect(header('referrer-policy')).toBe('no-referrer');
  expect(header('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(header('cross-origin-opener-policy')).toBe('same-origin');
  const csp = String(header('content-security-policy'));
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'self'");
  expect(csp).toContain("object-src 'none'");
  // Plain-http deployments on a LAN address would lose the docs' scripts to upgraded requests.
  expect(csp).not.toContain('upgrade-insecure-requests');
}
