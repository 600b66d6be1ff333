import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

// "Why does this user get this?" and "who has an override of this flag?", over real storage.
describeEachDialect('identity evaluation and overrides by feature', (getDatabase) => {
  let t: TestApp;
  let dev: string;
  let prod: string;

  const admin = (method: Method, url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });
  const ok = async (method: Method, url: string, payload?: object) => {
    const response = await admin(method, url, payload);
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.statusCode === 204 ? undefined : response.json();
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    [dev, prod] = t.environments.map((e) => e.id);
    const p = `/projects/${t.projectId}`;
    await ok('POST', `${p}/features`, { key: 'banner', type: 'string', default_value: 'plain' });
    await ok('POST', `${p}/features`, { key: 'secret_limit', type: 'number', server_key_only: true });
    await ok('POST', `${p}/features`, { key: 'dark_mode', type: 'boolean' });
    await ok('POST', `${p}/features`, { key: 'layout', type: 'string', default_value: 'grid' });
    await ok('POST', `${p}/segments`, {
      name: 'pro users',
      rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
    });
    await ok('PATCH', `/environments/${dev}/feature-states/banner`, { enabled: true });
    await ok('PATCH', `/environments/${dev}/feature-states/secret_limit`, { enabled: true, value: 7 });
    await ok('PATCH', `/environments/${dev}/feature-states/layout`, {
      enabled: true,
      variants: [{ key: 'list', value: 'list', weight: 100 }],
    });
    await ok('POST', `/environments/${dev}/segment-overrides`, {
      segment_id: 'pro users',
      feature_id: 'banner',
      enabled: true,
      value: 'gold',
    });
    await ok('POST', `/environments/${dev}/identities`, { identifier: 'ada', traits: { plan: 'pro' } });
    await ok('POST', `/environments/${dev}/identities`, { identifier: 'bob', traits: { plan: 'free' } });
    await ok('PUT', `/environments/${dev}/identities/bob/overrides/dark_mode`, { enabled: true });
    await ok('POST', `/environments/${prod}/identities`, { identifier: 'bob' });
    await ok('PUT', `/environments/${prod}/identities/bob/overrides/dark_mode`, { enabled: false });
  });
  afterAll(() => t?.close());

  it('evaluates every flag for a stored identity, server-only ones included, saying what decided', async () => {
    const ada = await ok('GET', `/environments/${dev}/identities/ada/evaluation`);
    const segment = (await ok('GET', `/segments/pro users`)) as { id: string };
    expect(ada).toMatchObject({ identifier: 'ada', environment_id: dev, traits: { plan: 'pro' } });
    expect(ada.segments).toEqual([{ id: segment.id, name: 'pro users' }]);
    const byKey = Object.fromEntries(ada.flags.map((f: { feature_key: string }) => [f.feature_key, f]));
    expect(Object.keys(byKey).sort()).toEqual(['banner', 'dark_mode', 'layout', 'secret_limit']);
    expect(byKey.banner).toMatchObject({
      type: 'string',
      enabled: true,
      value: 'gold',
      reason: 'TARGETING_MATCH; segment=pro users',
      decided_by: 'segment',
      segment: { id: segment.id, name: 'pro users' },
    });
    expect(byKey.secret_limit).toMatchObject({
      server_key_only: true,
      value: 7,
      reason: 'DEFAULT',
      decided_by: 'environment',
      segment: null,
    });
    expect(byKey.layout).toMatchObject({ value: 'list', variant: 'list', decided_by: 'split' });
    expect(byKey.layout.reason).toMatch(/^SPLIT; weight=100/);
    expect(byKey.dark_mode).toMatchObject({ enabled: false, decided_by: 'environment' });
  });

  it('names an identity override as the decider, and reads per environment', async () => {
    const bob = await ok('GET', `/environments/${dev}/identities/bob/evaluation`);
    const darkMode = bob.flags.find((f: { feature_key: string }) => f.feature_key === 'dark_mode');
    expect(darkMode).toMatchObject({ enabled: true, decided_by: 'identity_override', segment: null });
    expect(bob.segments).toEqual([]);
    const banner = bob.flags.find((f: { feature_key: string }) => f.feature_key === 'banner');
    expect(banner).toMatchObject({ value: 'plain', decided_by: 'environment' });
    const inProd = await ok('GET', `/environments/${prod}/identities/bob/evaluation`);
    expect(inProd.flags.find((f: { feature_key: string }) => f.feature_key === 'dark_mode')).toMatchObject({
      enabled: false,
      decided_by: 'identity_override',
    });
  });

  it('stores nothing when evaluating', async () => {
    const before = await ok('GET', `/environments/${dev}/identities?limit=500`);
    await ok('GET', `/environments/${dev}/identities/ada/evaluation`);
    expect(await ok('GET', `/environments/${dev}/identities?limit=500`)).toEqual(before);
    expect((await ok('GET', `/environments/${dev}/identities/ada`)).traits).toEqual({ plan: 'pro' });
  });

  it('answers 404 with the code for an unknown identity or environment', async () => {
    const unknown = await admin('GET', `/environments/${dev}/identities/nobody/evaluation`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('identity_not_found');
    const environment = await admin('GET', '/environments/nowhere/identities/ada/evaluation');
    expect(environment.statusCode).toBe(404);
    expect(environment.json().error.code).toBe('environment_not_found');
  });

  it('lists who has an override of a feature in one environment, by id or key', async () => {
    const list = await ok('GET', `/environments/${dev}/identity-overrides?feature_id=dark_mode`);
    expect(list).toEqual({
      items: [
        {
          identity_id: expect.any(String),
          identifier: 'bob',
          feature_id: expect.any(String),
          feature_key: 'dark_mode',
          enabled: true,
          value: null,
          updated_at: expect.any(String),
        },
      ],
      next_cursor: null,
    });
    const byId = await ok(
      'GET',
      `/environments/${prod}/identity-overrides?feature_id=${list.items[0].feature_id}`,
    );
    expect(
      byId.items.map((o: { identifier: string; enabled: boolean }) => [o.identifier, o.enabled]),
    ).toEqual([['bob', false]]);
    expect((await ok('GET', `/environments/${dev}/identity-overrides?feature_id=banner`)).items).toEqual([]);
  });

  it('pages the overrides of a feature', async () => {
    for (const name of ['p1', 'p2', 'p3']) {
      await ok('POST', `/environments/${prod}/identities`, { identifier: name });
      await ok('PUT', `/environments/${prod}/identities/${name}/overrides/layout`, {
        enabled: true,
        value: name,
      });
    }
    const first = await ok('GET', `/environments/${prod}/identity-overrides?feature_id=layout&limit=2`);
    expect(first.items.map((o: { identifier: string }) => o.identifier)).toEqual(['p1', 'p2']);
    const second = await ok(
      'GET',
      `/environments/${prod}/identity-overrides?feature_id=layout&limit=2&cursor=${first.next_cursor}`,
    );
    expect(second).toMatchObject({ items: [{ identifier: 'p3', value: 'p3' }], next_cursor: null });
  });

  it('refuses a missing or unknown feature with a code, changing nothing', async () => {
    const missing = await admin('GET', `/environments/${dev}/identity-overrides`);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/feature_id/);
    const unknown = await admin('GET', `/environments/${dev}/identity-overrides?feature_id=no_such_flag`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('feature_not_found');
    const extra = await admin('GET', `/environments/${dev}/identity-overrides?feature_id=banner&sort=x`);
    expect(extra.statusCode).toBe(400);
  });
});
