import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../server/src/testing/app.js';
import { createTestDatabase, type TestDatabase } from '../../../server/src/testing/databases.js';
import { ApiError, createApiClient, unwrap } from './api-client.js';

// The real server on loopback. The console authenticates only with a session cookie, which the
// sessions branch adds; until then every admin call here is unauthenticated, which is what these
// tests hold: how failures reach the screens.
describe('the console API client against a real Pennon server', () => {
  let database: TestDatabase;
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    t = await createTestApp(database);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
    await database.dispose();
  });

  it('turns a 401 into an ApiError with the server code and message, and reports the ended session', async () => {
    let signedOut = 0;
    const client = createApiClient({ baseUrl, onUnauthorized: () => signedOut++ });
    const failure = await unwrap(client.GET('/api/admin/v1/projects', {})).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((failure as ApiError).message).toMatch(/credentials/i);
    expect(signedOut).toBe(1);
  });

  it('fails untyped calls the same way, with the server JSON error', async () => {
    const client = createApiClient({ baseUrl });
    const failure = await client
      .request('GET', '/api/admin/v1/no-such-route')
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 404, code: 'route_not_found' });
  });
});

// What the client sends, seen by an HTTP peer that records requests and answers as the
// contract says: the CSRF header on state-changing requests only.
describe('the CSRF token on the wire', () => {
  const seen: { method: string; csrf: string | undefined }[] = [];
  const authorizations = 0;
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seen.push({
        method: request.method ?? '',
        csrf: request.headers['x-csrf-token'] as string | undefined,
      });
      if (request.url?.startsWith('/slow-down')) {
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' });
        response.end(JSON.stringify({ error: { code: 'rate_limited', message: 'Too many attempts.' } }));
        return;
      }
      if (request.url?.startsWith('/proxy-error')) {
        response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('adds x-csrf-token to POST, PUT, PATCH and DELETE once known, never to GET', async () => {
    const client = createApiClient({ baseUrl });
    await client.request('POST', '/before-sign-in', {});
    client.setCsrfToken('token-123');
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
      await client.request(method, '/x', method === 'GET' ? undefined : {});
    await client.PATCH('/api/admin/v1/organisation', { body: { name: 'Acme' } });
    client.setCsrfToken(undefined);
    await client.request('DELETE', '/after-sign-out');
    expect(seen).toEqual([
      { method: 'POST', csrf: undefined },
      { method: 'GET', csrf: undefined },
      { method: 'POST', csrf: 'token-123' },
      { method: 'PUT', csrf: 'token-123' },
      { method: 'PATCH', csrf: 'token-123' },
      { method: 'DELETE', csrf: 'token-123' },
      { method: 'PATCH', csrf: 'token-123' },
      { method: 'DELETE', csrf: undefined },
    ]);
    expect(authorizations).toBe(0);
  });

  it('keeps Retry-After of a 429, and explains an answer that is not Pennon JSON', async () => {
    const client = createApiClient({ baseUrl });
    await expect(client.request('POST', '/slow-down', {})).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryAfter: 30,
    });
    const failure = await client.request('GET', '/proxy-error').catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, code: 'unexpected_response' });
    expect((failure as ApiError).message).toContain('502');
  });
});
