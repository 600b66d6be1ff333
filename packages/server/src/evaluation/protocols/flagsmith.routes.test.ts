import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { describeEachDialect } from '../../testing/databases.js';

describeEachDialect('Flagsmith SDK API v1', (getDatabase) => {
  let t: TestApp;
  let clientKey: string;
  let serverKey: string;
  let environmentId: string;

  const admin = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });
  const sdk = (method: 'GET' | 'POST', url: string, payload?: object | string, key = clientKey) =>
    t.app.inject({
      method,
      url: `/api/v1/${url}`,
      headers: { 'x-environment-key': key, ...(payload ? { 'content-type': 'application/json' } : {}) },
      payload: typeof payload === 'string' ? payload : payload ? JSON.stringify(payload) : undefined,
    });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const production = t.environments.find((e) => e.key === 'production');
    if (!production) throw new Error('no production environment');
    environmentId = production.id;
    clientKey = production.clientKey;
    serverKey = (await admin('POST', `/environments/${environmentId}/server-keys`, { name: 'sdk' })).json()
      .key;
    const colour = (
      await admin('POST', `/projects/${t.projectId}/features`, {
        key: 'colour',
        type: 'string',
        default_value: 'blue',
      })
    ).json();
    await admin('POST', `/projects/${t.projectId}/features`, { key: 'beta', type: 'boolean' });
    await admin('POST', `/projects/${t.projectId}/features`, {
      key: 'secret',
      type: 'boolean',
      server_key_only: true,
      default_enabled: true,
    });
    await admin('PATCH', `/environments/${environmentId}/feature-states/${colour.id}`, {
      enabled: true,
      variants: [
        { key: 'red', value: 'red', weight: 50 },
        { key: 'green', value: 'green', weight: 50 },
      ],
    });
    const segment = (
      await admin('POST', `/projects/${t.projectId}/segments`, {
        name: 'testers',
        rules: [{ type: 'ALL', conditions: [{ property: 'tester', operator: 'EQUAL', value: 'true' }] }],
      })
    ).json();
    const beta = (await admin('GET', `/projects/${t.projectId}/features`))
      .json()
      .items.find((f: { key: string }) => f.key === 'beta');
    await admin('POST', `/environments/${environmentId}/segment-overrides`, {
      segment_id: segment.id,
      feature_id: beta.id,
      enabled: true,
    });
  });
  afterAll(() => t.close());

  it('lists environment flags as Flagsmith flag objects, with the document time header', async () => {
    const response = await sdk('GET', 'flags/');
    expect(response.statusCode).toBe(200);
    expect(Number(response.headers['x-flagsmith-document-updated-at'])).toBeGreaterThan(1.7e9);
    const flags = response.json();
    expect(flags.map((f: { feature: { name: string } }) => f.feature.name).sort()).toEqual([
      'beta',
      'colour',
    ]);
    const colour = flags.find((f: { feature: { name: string } }) => f.feature.name === 'colour');
    expect(colour).toMatchObject({
      enabled: true,
      feature_state_value: 'blue',
      feature: { name: 'colour', type: 'STANDARD' },
    });
    expect(typeof colour.id).toBe('number');
    // flagsmith-nodejs reads the reason from the feature object.
    expect(colour.feature.reason).toBe(colour.reason);
  });

  it('answers one flag with ?feature= and 404 for an unknown one', async () => {
    expect((await sdk('GET', 'flags/?feature=beta')).json()).toMatchObject({
      feature: { name: 'beta' },
      enabled: false,
    });
    const missing = await sdk('GET', 'flags/?feature=nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toContain('nope');
  });

  it('identifies with traits, stores them, and reports the variant', async () => {
    const response = await sdk('POST', 'identities/', {
      identifier: 'user-1',
      traits: [{ trait_key: 'tester', trait_value: 'true' }],
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.identifier).toBe('user-1');
    expect(body.traits).toEqual([{ trait_key: 'tester', trait_value: 'true' }]);
    const beta = body.flags.find((f: { feature: { name: string } }) => f.feature.name === 'beta');
    expect(beta.enabled).toBe(true);
    const colour = body.flags.find((f: { feature: { name: string } }) => f.feature.name === 'colour');
    expect(['red', 'green']).toContain(colour.variant);
    expect(colour.feature_state_value).toBe(colour.variant);

    // Stored traits still count, but a client key is not shown them (hide_sensitive_data).
    const again = await sdk('GET', 'identities/?identifier=user-1');
    expect(again.json().traits).toEqual([]);
    expect(
      again.json().flags.find((f: { feature: { name: string } }) => f.feature.name === 'beta').enabled,
    ).toBe(true);
  });

  it('deletes a stored trait sent with a null value', async () => {
    await sdk('POST', 'identities/', {
      identifier: 'user-2',
      traits: [{ trait_key: 'tester', trait_value: 'true' }],
    });
    const cleared = await sdk('POST', 'identities/', {
      identifier: 'user-2',
      traits: [{ trait_key: 'tester', trait_value: null }],
    });
    expect(cleared.json().traits).toEqual([]);
  });

  it('keeps transient identities and traits out of storage', async () => {
    await sdk('POST', 'identities/', {
      identifier: 'user-3',
      traits: [
        { trait_key: 'tester', trait_value: 'true', transient: true },
        { trait_key: 'plan', trait_value: 'pro' },
      ],
    });
    await sdk('POST', 'identities/', {
      identifier: 'ghost',
      transient: true,
      traits: [{ trait_key: 'tester', trait_value: 'true' }],
    });
    await sdk('GET', 'identities/?identifier=ghost-2&transient=true');
    const { db } = getDatabase();
    const identities = await db
      .selectFrom('identities')
      .select('identifier')
      .where('environment_id', '=', environmentId)
      .execute();
    const names = identities.map((i) => i.identifier);
    expect(names).toContain('user-3');
    expect(names).not.toContain('ghost');
    expect(names).not.toContain('ghost-2');
    const traits = await db
      .selectFrom('identity_traits')
      .innerJoin('identities', 'identities.id', 'identity_traits.identity_id')
      .select(['identity_traits.trait_key'])
      .where('identities.identifier', '=', 'user-3')
      .execute();
    expect(traits.map((t) => t.trait_key)).toEqual(['plan']);
  });

  it('derives an identifier from the traits when none is sent, and stores nothing', async () => {
    const a = await sdk('POST', 'identities/', { traits: [{ trait_key: 'tester', trait_value: 'true' }] });
    const b = await sdk('POST', 'identities/', { traits: [{ trait_key: 'tester', trait_value: 'true' }] });
    expect(a.statusCode).toBe(200);
    expect(a.json().identifier).toBe(b.json().identifier);
    const { db } = getDatabase();
    const found = await db
      .selectFrom('identities')
      .select('id')
      .where('identifier', '=', a.json().identifier)
      .execute();
    expect(found).toEqual([]);
  });

  it('serves the environment document to server keys, with If-Modified-Since', async () => {
    expect((await sdk('GET', 'environment-document/')).statusCode).toBe(403);
    const response = await sdk('GET', 'environment-document/', undefined, serverKey);
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.api_key).toBe(clientKey);
    expect(document.feature_states.map((f: { feature: { name: string } }) => f.feature.name).sort()).toEqual([
      'beta',
      'colour',
      'secret',
    ]);
    expect(document.project.segments[0].feature_states[0].feature_segment.priority).toBe(0);
    const secret = document.feature_states.find(
      (f: { feature: { name: string } }) => f.feature.name === 'secret',
    );
    expect(document.project.server_key_only_feature_ids).toEqual([secret.feature.id]);
    expect(document.use_identity_composite_key_for_hashing).toBe(true);
    const lastModified = response.headers['last-modified'] as string;
    const again = await t.app.inject({
      url: '/api/v1/environment-document/',
      headers: { 'x-environment-key': serverKey, 'if-modified-since': lastModified },
    });
    expect(again.statusCode).toBe(304);
  });

  it('counts flag analytics', async () => {
    const response = await sdk('POST', 'analytics/flags/', { colour: 3, beta: 1 });
    expect(response.statusCode).toBe(200);
    const totals = await t.context.flagAnalytics.totals(environmentId, new Date(Date.now() - 3_600_000));
    expect(totals).toEqual({ colour: 3, beta: 1 });
  });

  it('answers bad requests in Flagsmith error shape and stores nothing', async () => {
    const unknownKey = await sdk('GET', 'flags/', undefined, 'nope');
    expect(unknownKey.statusCode).toBe(401);
    expect(unknownKey.json()).toHaveProperty('detail');
    expect((await sdk('POST', 'identities/', '{"identifier":')).statusCode).toBe(400);
    expect(
      (
        await sdk('POST', 'identities/', {
          identifier: 'bad',
          traits: [{ trait_key: 'k', trait_value: { deep: 1 } }],
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await sdk('POST', 'identities/', {
          identifier: 'bad',
          traits: [{ trait_key: 'k', trait_value: 'v'.repeat(2001) }],
        })
      ).statusCode,
    ).toBe(400);
    expect((await sdk('POST', 'analytics/flags/', { colour: -1 })).statusCode).toBe(400);
    const { db } = getDatabase();
    expect(await db.selectFrom('identities').select('id').where('identifier', '=', 'bad').execute()).toEqual(
      [],
    );
  });
});
