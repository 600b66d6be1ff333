import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

/** What a public client key could do to the CPU, and the limits that stop it. */
describeEachDialect('rate limits on every SDK route', (getDatabase) => {
  describe('per key and per address', () => {
    let t: TestApp;
    beforeAll(async () => {
      // One request per second and key, two at once; two per second from one address.
      t = await createTestApp(getDatabase(), { sdkRateLimit: 1, sdkAddressRateLimit: 2 });
    });
    afterAll(() => t.close());

    it('answers 429 with Retry-After on every SDK route once a key is over its limit', async () => {
      const key = t.environments[0]?.clientKey as string;
      const header = { 'x-environment-key': key };
      const bearer = { authorization: `Bearer ${key}` };
      const routes = [
        { method: 'GET', url: '/api/v1/flags/', headers: header },
        { method: 'GET', url: '/api/v1/identities/?identifier=a', headers: header },
        { method: 'POST', url: '/api/v1/identities/', headers: header, payload: { identifier: 'a' } },
        { method: 'POST', url: '/api/v1/analytics/flags/', headers: header, payload: {} },
        { method: 'GET', url: '/api/sdk/v1/flags', headers: bearer },
        { method: 'POST', url: '/api/sdk/v1/flags', headers: bearer, payload: {} },
        { method: 'POST', url: '/api/sdk/v1/events', headers: bearer, payload: { events: [] } },
        { method: 'GET', url: `/api/sdk/v1/stream?key=${key}`, headers: {} },
        { method: 'POST', url: `/v1/initialize?k=${key}`, headers: {}, payload: { user: {} } },
        { method: 'POST', url: `/v1/rgstr?k=${key}`, headers: {}, payload: { events: [] } },
        { method: 'POST', url: '/ofrep/v1/evaluate/flags', headers: bearer, payload: {} },
      ] as const;
      // Distinct peer addresses, so only the key's own limit is at work.
      const send = (route: (typeof routes)[number], i: number) =>
        t.app.inject({ ...route, remoteAddress: `10.0.0.${i}` });
      expect((await send(routes[0], 100)).statusCode).toBe(200);
      expect((await send(routes[1], 101)).statusCode).toBe(200);
      for (const [i, route] of routes.entries()) {
        const response = await send(route, i);
        expect(response.statusCode, route.url).toBe(429);
        expect(Number(response.headers['retry-after']), route.url).toBeGreaterThanOrEqual(1);
      }
    });

    it('limits one peer address however many invented keys it sends', async () => {
      const statuses = [];
      for (let i = 0; i < 6; i++) {
        const response = await t.app.inject({
          url: '/api/v1/flags/',
          headers: { 'x-environment-key': `invented-${i}` },
          remoteAddress: '10.9.9.9',
        });
        statuses.push(response.statusCode);
      }
      expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
      expect(statuses.slice(4)).toEqual([429, 429]);
    });
  });
});

/** What a public client key could do to the disk, and the quotas that stop it. */
describeEachDialect('storage quotas', (getDatabase) => {
  describe('per environment and per key', () => {
    let t: TestApp;
    let environmentId: string;
    let key: string;
    beforeAll(async () => {
      t = await createTestApp(getDatabase(), {
        maxIdentitiesPerEnvironment: 3,
        maxTraitsPerEnvironment: 4,
        eventBytesPerSecond: 50, // 3,000 bytes at once
      });
      environmentId = t.environments[1]?.id as string;
      key = t.environments[1]?.clientKey as string;
    });
    afterAll(() => t.close());

    const identify = (identifier: string, traits: Record<string, unknown> = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/identities/',
        headers: { 'x-environment-key': key },
        payload: {
          identifier,
          traits: Object.entries(traits).map(([trait_key, trait_value]) => ({ trait_key, trait_value })),
        },
      });
    const identifiers = async () =>
      (
        await t.app.inject({
          url: `/api/admin/v1/environments/${environmentId}/identities`,
          headers: t.admin,
        })
      )
        .json()
        .items.map((i: { identifier: string }) => i.identifier)
        .sort();

    it('refuses a new identity beyond the quota, on GET too, and stores nothing', async () => {
      expect((await identify('u1', { a: 1, b: 2 })).statusCode).toBe(200);
      expect((await identify('u2')).statusCode).toBe(200);
      const third = await t.app.inject({
        url: '/api/v1/identities/?identifier=u3',
        headers: { 'x-environment-key': key },
      });
      expect(third.statusCode).toBe(200);
      const over = await t.app.inject({
        url: '/api/v1/identities/?identifier=u4',
        headers: { 'x-environment-key': key },
      });
      expect(over.statusCode).toBe(409);
      expect(over.json()).toMatchObject({
        code: 'quota_exceeded',
        detail: expect.stringContaining('PENNON_MAX_IDENTITIES'),
      });
      expect(await identifiers()).toEqual(['u1', 'u2', 'u3']);
      // Existing identities keep working.
      expect((await identify('u1', { a: 5 })).statusCode).toBe(200);
    });

    it('refuses new traits beyond the quota, and frees room when traits go', async () => {
      expect((await identify('u2', { c: 1, d: 2 })).statusCode).toBe(200);
      const over = await identify('u3', { e: 1 });
      expect(over.statusCode).toBe(409);
      expect(over.json().detail).toContain('PENNON_MAX_TRAITS');
      expect((await identify('u1', { a: null })).statusCode).toBe(200);
      expect((await identify('u3', { e: 1 })).statusCode).toBe(200);
    });

    it('drops flag analytics for features that do not exist', async () => {
      const feature = await t.app.inject({
        method: 'POST',
        url: `/api/admin/v1/projects/${t.projectId}/features`,
        headers: t.admin,
        payload: { key: 'real_flag', type: 'boolean' },
      });
      expect(feature.statusCode).toBe(201);
      const invented = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`invented_${i}`, 1]));
      const sent = await t.app.inject({
        method: 'POST',
        url: '/api/v1/analytics/flags/',
        headers: { 'x-environment-key': key },
        payload: { ...invented, real_flag: 3 },
      });
      expect(sent.statusCode).toBe(200);
      const rows = await getDatabase()
        .db.selectFrom('flag_analytics')
        .select(['feature_key', 'count'])
        .where('environment_id', '=', environmentId)
        .execute();
      expect(rows.map((r) => [r.feature_key, Number(r.count)])).toEqual([['real_flag', 3]]);
    });

    it('caps the bytes of events one key may store per unit of time', async () => {
      const batch = {
        events: Array.from({ length: 8 }, (_, i) => ({
          unit_id: `u${i}`,
          name: 'x',
          properties: { pad: 'p'.repeat(100) },
        })),
      };
      const send = () =>
        t.app.inject({
          method: 'POST',
          url: '/api/sdk/v1/events',
          headers: { authorization: `Bearer ${key}` },
          payload: batch,
        });
      expect((await send()).statusCode).toBe(202);
      expect((await send()).statusCode).toBe(202);
      const over = await send();
      expect(over.statusCode).toBe(429);
      expect(over.json().error.message).toContain('bytes of events');
    });
  });
});
