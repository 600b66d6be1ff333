import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../testing/app.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';

/** A key of the wrong kind gets an answer naming what arrived, what the route takes, and where. */
describe('the wrong kind of key', () => {
  let database: TestDatabase;
  let t: TestApp;
  let clientKey: string;
  let serverKey: string;
  const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    t = await createTestApp(database);
    clientKey = t.environments[0].clientKey;
    serverKey = (
      await call('POST', `/api/admin/v1/environments/${t.environments[0].id}/server-keys`, t.admin, {
        name: 'sdk',
      })
    ).json().key;
  });
  afterAll(async () => {
    await t?.close();
    await database?.dispose();
  });

  describe('on the admin API', () => {
    const takes = 'the admin API takes an admin token (pat_…) as "Authorization: Bearer <token>"';

    it('names a server key', async () => {
      const response = await call('GET', '/api/admin/v1/projects', { authorization: `Bearer ${serverKey}` });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.message).toBe(
        `A server key (ser.…) arrived; ${takes}. Environment keys are for the SDK APIs (/api/sdk/v1, /api/v1, /ofrep/v1, /v1).`,
      );
    });

    it('names a client key', async () => {
      const response = await call('GET', '/api/admin/v1/projects', { authorization: `Bearer ${clientKey}` });
      expect(response.json().error.message).toMatch(
        /^A client key arrived; the admin API takes an admin token/,
      );
    });

    it('names an SDK header and another Authorization scheme', async () => {
      const header = await call('GET', '/api/admin/v1/projects', { 'x-environment-key': clientKey });
      expect(header.json().error.message).toBe(
        `An environment key arrived in x-environment-key; ${takes}. Environment keys are for the SDK APIs.`,
      );
      const scheme = await call('GET', '/api/admin/v1/projects', {
        authorization: `Token ${TEST_ADMIN_TOKEN}`,
      });
      expect(scheme.json().error.message).toBe(
        `An Authorization header with scheme 'Token' arrived; ${takes}.`,
      );
    });
  });

  describe('on the SDK APIs', () => {
    it('names an admin token, and the header the protocol reads', async () => {
      const flagsmith = await call('GET', '/api/v1/flags/', { 'x-environment-key': TEST_ADMIN_TOKEN });
      expect(flagsmith.statusCode).toBe(401);
      expect(flagsmith.json()).toEqual({
        detail:
          'An admin token (pat_…) arrived; this SDK route takes an environment key (its client key, or a server ' +
          'key ser.…) in the X-Environment-Key header. Admin tokens are for the admin API (/api/admin/v1).',
      });
      const native = await call('POST', '/api/sdk/v1/flags', t.admin, {});
      expect(native.json().error.message).toMatch(
        /^An admin token \(pat_…\) arrived; .* as "Authorization: Bearer <key>" \(or in X-Environment-Key\)\./,
      );
    });

    it('keeps OFREP’s error shape, naming the headers OFREP reads', async () => {
      const response = await call('POST', '/ofrep/v1/evaluate/flags/x', t.admin, { context: {} });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({
        key: 'x',
        errorCode: 'GENERAL',
        errorDetails: expect.stringMatching(/^An admin token .* or in the X-API-Key header\./),
      });
    });

    it('names a client key where the environment document needs a server key', async () => {
      const native = await call('GET', '/api/sdk/v1/environment-document', {
        authorization: `Bearer ${clientKey}`,
      });
      expect(native.statusCode).toBe(403);
      expect(native.json().error.message).toBe(
        'A client key arrived; this route returns every rule of the environment and takes a server key (ser.…) ' +
          'as "Authorization: Bearer <key>" (or in X-Environment-Key). ' +
          'Create one under /api/admin/v1/environments/<environment>/server-keys.',
      );
      const flagsmith = await call('GET', '/api/v1/environment-document/', {
        'x-environment-key': clientKey,
      });
      expect(flagsmith.json().detail).toMatch(
        /takes a server key \(ser\.…\) in the X-Environment-Key header\./,
      );
    });

    it('says a key was missing, and how to send one', async () => {
      const response = await call('POST', '/api/sdk/v1/flags', {}, {});
      expect(response.json().error.message).toBe(
        'No key arrived; this route takes an environment key (its client key, or a server key ser.…) ' +
          'as "Authorization: Bearer <key>" (or in X-Environment-Key).',
      );
    });
  });
});
