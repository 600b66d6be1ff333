import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigChange } from '../realtime/change-bus.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

describeEachDialect('identities admin API', (getDatabase) => {
  let t: TestApp;
  let dev: string;
  let prod: string;
  const published: ConfigChange[] = [];

  const admin = (method: Method, url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });

  async function createFeature(key: string, type: string): Promise<string> {
    const response = await admin('POST', `/projects/${t.projectId}/features`, { key, type });
    expect(response.statusCode).toBe(201);
    return response.json().id;
  }

  async function createIdentity(environmentId: string, identifier: string, traits?: object) {
    const response = await admin('POST', `/environments/${environmentId}/identities`, { identifier, traits });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    [dev, prod] = t.environments.map((e) => e.id);
    t.context.bus.subscribe((change) => published.push(change));
  });
  afterAll(() => t?.close());
  beforeEach(() => {
    published.length = 0;
  });

  describe('identities', () => {
    it('creates an identity with traits (201) and reads it back', async () => {
      const created = await createIdentity(dev, 'user-1', { plan: 'pro', age: 30, beta: true, zip: '01234' });
      expect(created).toEqual({
        id: expect.any(String),
        environment_id: dev,
        identifier: 'user-1',
        created_at: expect.any(String),
        traits: { plan: 'pro', age: 30, beta: true, zip: '01234' },
        overrides: [],
      });
      const read = await admin('GET', `/environments/${dev}/identities/${created.id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(created);
      expect(published).toEqual([]);
    });

    it('answers 409 for an identifier already in the environment, but allows it in another', async () => {
      await createIdentity(dev, 'twin');
      const clash = await admin('POST', `/environments/${dev}/identities`, { identifier: 'twin' });
      expect(clash.statusCode).toBe(409);
      expect(clash.json().error.code).toBe('identity_exists');
      await createIdentity(prod, 'twin');
    });

    it('does not show an identity under another environment', async () => {
      const { id } = await createIdentity(dev, 'only-dev');
      const response = await admin('GET', `/environments/${prod}/identities/${id}`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('identity_not_found');
    });

    it('pages through identities and filters by identifier prefix (case-sensitive)', async () => {
      const env = prod;
      const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e', 'Page-f', 'other'];
      for (const name of names) await createIdentity(env, name);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `&cursor=${cursor}` : '';
        const response = await admin('GET', `/environments/${env}/identities?q=page-&limit=2${query}`);
        expect(response.statusCode).toBe(200);
        const body = response.json();
        expect(body.items.length).toBeLessThanOrEqual(2);
        seen.push(...body.items.map((i: { identifier: string }) => i.identifier));
        cursor = body.next_cursor;
        pages += 1;
      } while (cursor);
      // Ids order by creation only to the millisecond, so compare as a set.
      expect(seen.sort()).toEqual(['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
      expect(pages).toBe(3);
      const all = (await admin('GET', `/environments/${env}/identities?limit=500`)).json();
      expect(all.items.map((i: { identifier: string }) => i.identifier)).toEqual(
        expect.arrayContaining(names),
      );
      expect(all.next_cursor).toBeNull();
      const none = (
        await admin('GET', `/environments/${env}/identities?q=${encodeURIComponent('page-%')}`)
      ).json();
      expect(none.items).toEqual([]);
      // No identifier can hold a NUL: the search is refused like any unstorable text.
      const nul = await admin('GET', `/environments/${env}/identities?q=page%00`);
      expect(nul.statusCode).toBe(400);
      expect(nul.json().error.code).toBe('unstorable_text');
    });

    it('deletes an identity (204) with its traits', async () => {
      const { id } = await createIdentity(dev, 'leaving', { a: 1 });
      const response = await admin('DELETE', `/environments/${dev}/identities/${id}`);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect((await admin('GET', `/environments/${dev}/identities/${id}`)).statusCode).toBe(404);
      const traits = await getDatabase()
        .db.selectFrom('identity_traits')
        .select('trait_key')
        .where('identity_id', '=', id)
        .execute();
      expect(traits).toEqual([]);
      expect(published).toEqual([]);
      expect((await admin('DELETE', `/environments/${dev}/identities/${id}`)).statusCode).toBe(404);
    });
  });

  describe('traits', () => {
    it('replaces the whole trait set with PUT', async () => {
      const { id } = await createIdentity(dev, 'put-traits', { a: 1, b: 'two' });
      const response = await admin('PUT', `/environments/${dev}/identities/${id}/traits`, {
        traits: { c: false },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ traits: { c: false } });
      const emptied = await admin('PUT', `/environments/${dev}/identities/${id}/traits`, { traits: {} });
      expect(emptied.json()).toEqual({ traits: {} });
      expect(published).toEqual([]);
    });

    it('merges with PATCH, null deleting a key, and keeps keys with any characters', async () => {
      const { id } = await createIdentity(dev, 'patch-traits', { a: 1, b: 'two' });
      const response = await admin('PATCH', `/environments/${dev}/identities/${id}/traits`, {
        traits: { a: null, c: 3.5, 'line\nbreak': 'ok', constructor: 'fine' },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        traits: { b: 'two', c: 3.5, 'line\nbreak': 'ok', constructor: 'fine' },
      });
      const read = await admin('GET', `/environments/${dev}/identities/${id}`);
      expect(read.json().traits).toEqual({ b: 'two', c: 3.5, 'line\nbreak': 'ok', constructor: 'fine' });
      expect(published).toEqual([]);
    });

    it('reaches exactly the trait limit, by PUT and by PATCH', async () => {
      const hundred = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`t${i}`, i]));
      const { id } = await createIdentity(dev, 'full', hundred);
      const patched = await admin('PATCH', `/environments/${dev}/identities/${id}/traits`, {
        traits: { t0: null, swapped: true },
      });
      expect(patched.statusCode).toBe(200);
      expect(Object.keys(patched.json().traits)).toHaveLength(100);
    });
  });

  describe('overrides', () => {
    let flag: string;
    let banner: string;
    let limit: string;
    let config: string;

    beforeAll(async () => {
      flag = await createFeature('dark_mode', 'boolean');
      banner = await createFeature('banner', 'string');
      limit = await createFeature('limit', 'number');
      config = await createFeature('config', 'json');
    });

    const updatedAt = async (environmentId: string) =>
      (
        await getDatabase()
          .db.selectFrom('environments')
          .select('updated_at')
          .where('id', '=', environmentId)
          .executeTakeFirstOrThrow()
      ).updated_at;

    it('creates (201) then replaces (200) an override, keeping its id and hash key, and publishes each change', async () => {
      const { id } = await createIdentity(dev, 'override-me');
      const before = await updatedAt(dev);
      const url = `/environments/${dev}/identities/${id}/overrides/${banner}`;
      const created = await admin('PUT', url, { enabled: true, value: 'hello' });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toEqual({
        id: expect.any(String),
        identity_id: id,
        feature_id: banner,
        feature_key: 'banner',
        enabled: true,
        value: 'hello',
        hash_key: expect.any(String),
        updated_at: expect.any(String),
      });
      const replaced = await admin('PUT', url, { enabled: false });
      expect(replaced.statusCode).toBe(200);
      expect(replaced.json()).toMatchObject({
        id: created.json().id,
        hash_key: created.json().hash_key,
        enabled: false,
        value: null,
      });
      expect(published).toEqual([
        { projectId: t.projectId, environmentId: dev, at: expect.any(String) },
        { projectId: t.projectId, environmentId: dev, at: expect.any(String) },
      ]);
      expect(await updatedAt(dev)).toBe(published[1].at);
      expect(published[1].at > before).toBe(true);
    });

    it('takes values typed like the feature', async () => {
      const { id } = await createIdentity(dev, 'typed');
      const base = `/environments/${dev}/identities/${id}/overrides`;
      const cases: [string, object, unknown][] = [
        [flag, { enabled: true }, null],
        [flag, { enabled: true, value: null }, null],
        [limit, { enabled: true, value: 42.5 }, 42.5],
        [config, { enabled: true, value: { colours: ['red'], n: 1 } }, { colours: ['red'], n: 1 }],
      ];
      for (const [feature, body, value] of cases) {
        const response = await admin('PUT', `${base}/${feature}`, body);
        expect(response.statusCode).toBeLessThan(300);
        expect(response.json().value).toEqual(value);
      }
    });

    it('lists an identity overrides, paged, and shows them on the identity', async () => {
      const { id } = await createIdentity(dev, 'many-overrides');
      const base = `/environments/${dev}/identities/${id}/overrides`;
      await admin('PUT', `${base}/${flag}`, { enabled: true });
      await admin('PUT', `${base}/${banner}`, { enabled: true, value: 'x' });
      await admin('PUT', `${base}/${limit}`, { enabled: false, value: 1 });
      const first = (await admin('GET', `${base}?limit=2`)).json();
      expect(first.items).toHaveLength(2);
      const second = (await admin('GET', `${base}?limit=2&cursor=${first.next_cursor}`)).json();
      expect(second).toEqual({ items: [expect.any(Object)], next_cursor: null });
      const keys = [...first.items, ...second.items]
        .map((o: { feature_key: string }) => o.feature_key)
        .sort();
      expect(keys).toEqual(['banner', 'dark_mode', 'limit']);
      const identity = (await admin('GET', `/environments/${dev}/identities/${id}`)).json();
      expect(identity.overrides.map((o: { feature_key: string }) => o.feature_key).sort()).toEqual(keys);
    });

    it('deletes an override (204) and publishes; a second delete is 404', async () => {
      const { id } = await createIdentity(dev, 'drop-override');
      const url = `/environments/${dev}/identities/${id}/overrides/${flag}`;
      await admin('PUT', url, { enabled: true });
      published.length = 0;
      const response = await admin('DELETE', url);
      expect(response.statusCode).toBe(204);
      expect(published).toHaveLength(1);
      const again = await admin('DELETE', url);
      expect(again.statusCode).toBe(404);
      expect(again.json().error.code).toBe('identity_override_not_found');
    });

    it('deleting an identity removes its overrides and publishes one change', async () => {
      const { id } = await createIdentity(prod, 'cascade');
      await admin('PUT', `/environments/${prod}/identities/${id}/overrides/${flag}`, { enabled: true });
      published.length = 0;
      expect((await admin('DELETE', `/environments/${prod}/identities/${id}`)).statusCode).toBe(204);
      expect(published).toEqual([{ projectId: t.projectId, environmentId: prod, at: expect.any(String) }]);
      const left = await getDatabase()
        .db.selectFrom('identity_overrides')
        .select('id')
        .where('identity_id', '=', id)
        .execute();
      expect(left).toEqual([]);
    });

    it('applies an override made through the API to the next evaluation of that identity', async () => {
      const { id } = await createIdentity(prod, 'snapshot-user');
      await admin('PUT', `/environments/${prod}/identities/${id}/overrides/${banner}`, {
        enabled: true,
        value: 'v',
      });
      const clientKey = t.environments.find((e) => e.id === prod)?.clientKey as string;
      const evaluate = (identifier: string) =>
        t.app.inject({
          method: 'POST',
          url: '/api/sdk/v1/flags',
          headers: { authorization: `Bearer ${clientKey}` },
          payload: { identifier, transient: true },
        });
      expect((await evaluate('snapshot-user')).json().flags.banner).toMatchObject({
        enabled: true,
        value: 'v',
      });
      expect((await evaluate('someone-else')).json().flags.banner.value).not.toBe('v');
    });
  });
});
