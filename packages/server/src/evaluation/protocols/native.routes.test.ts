import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { describeEachDialect } from '../../testing/databases.js';

describeEachDialect('native SDK API', (getDatabase) => {
  let t: TestApp;
  let clientKey: string;
  let serverKey: string;
  let environmentId: string;

  const admin = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });
  const flags = (payload: object, key = clientKey) =>
    t.app.inject({
      method: 'POST',
      url: '/api/sdk/v1/flags',
      headers: { authorization: `Bearer ${key}` },
      payload,
    });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const production = t.environments.find((e) => e.key === 'production');
    if (!production) throw new Error('bootstrap made no production environment');
    environmentId = production.id;
    clientKey = production.clientKey;
    serverKey = (
      await admin('POST', `/environments/${environmentId}/server-keys`, { name: 'backend' })
    ).json().key;

    const banner = (
      await admin('POST', `/projects/${t.projectId}/features`, {
        key: 'banner',
        type: 'string',
        default_value: 'hello',
      })
    ).json();
    await admin('POST', `/projects/${t.projectId}/features`, { key: 'dark_mode', type: 'boolean' });
    await admin('POST', `/projects/${t.projectId}/features`, {
      key: 'internal',
      type: 'boolean',
      server_key_only: true,
      default_enabled: true,
    });
    await admin('PATCH', `/environments/${environmentId}/feature-states/${banner.id}`, { enabled: true });
    const segment = (
      await admin('POST', `/projects/${t.projectId}/segments`, {
        name: 'pro users',
        rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
      })
    ).json();
    await admin('POST', `/environments/${environmentId}/segment-overrides`, {
      segment_id: segment.id,
      feature_id: banner.id,
      enabled: true,
      value: 'welcome, pro',
    });
  });
  afterAll(() => t.close());

  const identityRow = (identifier: string) =>
    getDatabase()
      .db.selectFrom('identities')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('identifier', '=', identifier)
      .executeTakeFirst();

  it('evaluates every flag for an anonymous request, with reasons', async () => {
    const response = await flags({});
    expect(response.statusCode).toBe(200);
    expect(response.json().flags.banner).toEqual({
      key: 'banner',
      type: 'string',
      enabled: true,
      value: 'hello',
      reason: 'DEFAULT',
      variant: null,
    });
    expect(response.json().flags.dark_mode).toMatchObject({
      enabled: false,
      value: false,
      reason: 'DEFAULT',
    });
  });

  it('never shows server-only features to client keys, but does to server keys', async () => {
    expect((await flags({})).json().flags.internal).toBeUndefined();
    expect((await flags({}, serverKey)).json().flags.internal).toMatchObject({ enabled: true, value: true });
  });

  it('names the matched segment to server keys only: client keys never learn which segments exist', async () => {
    const payload = { identifier: 'dee', transient_traits: { plan: 'pro' } };
    expect((await flags(payload)).json().flags.banner.reason).toBe('TARGETING_MATCH');
    expect((await flags(payload, serverKey)).json().flags.banner.reason).toBe(
      'TARGETING_MATCH; segment=pro users',
    );
  });

  it('stores traits of a persistent identity and uses them on later requests', async () => {
    const first = await flags({ identifier: 'ana', traits: { plan: 'pro' } });
    expect(first.json().flags.banner).toMatchObject({
      value: 'welcome, pro',
      reason: 'TARGETING_MATCH',
    });
    const later = await flags({ identifier: 'ana' });
    expect(later.json().flags.banner.value).toBe('welcome, pro');
    expect(await identityRow('ana')).toBeDefined();
  });

  it('deletes a stored trait sent as null', async () => {
    await flags({ identifier: 'bo', traits: { plan: 'pro' } });
    const cleared = await flags({ identifier: 'bo', traits: { plan: null } });
    expect(cleared.json().flags.banner.value).toBe('hello');
  });

  it('uses transient traits for one evaluation and never stores them', async () => {
    const response = await flags({ identifier: 'cy', transient_traits: { plan: 'pro' } });
    expect(response.json().flags.banner.value).toBe('welcome, pro');
    const row = await identityRow('cy');
    const traits = await getDatabase()
      .db.selectFrom('identity_traits')
      .selectAll()
      .where('identity_id', '=', row?.id ?? '')
      .execute();
    expect(traits).toEqual([]);
    expect((await flags({ identifier: 'cy' })).json().flags.banner.value).toBe('hello');
  });

  it('writes nothing at all for a transient identity', async () => {
    const response = await flags({ identifier: 'ghost', transient: true, traits: { plan: 'pro' } });
    expect(response.json().flags.banner.value).toBe('welcome, pro');
    expect(await identityRow('ghost')).toBeUndefined();
  });

  it('sees a configuration change on the next request', async () => {
    const features = (await admin('GET', `/projects/${t.projectId}/features`)).json().items;
    const darkMode = features.find((f: { key: string }) => f.key === 'dark_mode');
    await admin('PATCH', `/environments/${environmentId}/feature-states/${darkMode.id}`, { enabled: true });
    expect((await flags({})).json().flags.dark_mode.value).toBe(true);
  });

  it('serves the environment document to server keys only, with ETag and 304', async () => {
    const url = '/api/sdk/v1/environment-document';
    const byClient = await t.app.inject({ url, headers: { 'x-environment-key': clientKey } });
    expect(byClient.statusCode).toBe(403);
    expect(byClient.json().error.code).toBe('forbidden');

    const document = await t.app.inject({ url, headers: { authorization: `Bearer ${serverKey}` } });
    expect(document.statusCode).toBe(200);
    expect(Object.keys(document.json().context.features)).toContain('internal');
    expect(document.json().feature_types).toMatchObject({ banner: 'string', internal: 'boolean' });
    // What `pennon edge` rebuilds the server's snapshot from: settings and features in order.
    expect(document.json().environment).toMatchObject({
      id: environmentId,
      project: { id: t.projectId },
      hide_disabled_flags: false,
      hide_sensitive_data: true,
      allow_client_traits: true,
    });
    expect(document.json().context.environment.key).toBe(clientKey);
    const features = document.json().features as { key: string; server_key_only: boolean }[];
    expect(features.map((f) => f.key)).toEqual(['banner', 'dark_mode', 'internal']);
    expect(features.find((f) => f.key === 'internal')).toMatchObject({
      type: 'boolean',
      server_key_only: true,
    });
    const etag = document.headers.etag as string;
    const again = await t.app.inject({
      url,
      headers: { authorization: `Bearer ${serverKey}`, 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
  });

  it('rejects unknown keys, and bad bodies with a clear error', async () => {
    expect((await flags({}, 'not-a-key')).statusCode).toBe(401);
    const cases: [object | string, number, string][] = [
      ['{"identifier":', 400, 'malformed_json'],
      [{ identifier: 42 }, 400, 'invalid_request'],
      [{ identifier: 'x', unknown: true }, 400, 'invalid_request'],
      [{ identifier: 'x', traits: { plan: { nested: true } } }, 400, 'invalid_request'],
      [{ identifier: 'x', traits: { plan: 'p'.repeat(2001) } }, 400, 'invalid_request'],
      [{ traits: { plan: 'pro' } }, 400, 'identifier_required'],
      [
        { identifier: 'x', traits: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`t${i}`, i])) },
        400,
        'invalid_request',
      ],
    ];
    for (const [payload, status, code] of cases) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/sdk/v1/flags',
        headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(status);
      expect(response.json().error.code).toBe(code);
    }
    expect(await identityRow('x')).toBeUndefined();
  });

  it('refuses oversized bodies with 413', async () => {
    const response = await flags({ identifier: 'big', traits: { blob: 'x'.repeat(300_000) } });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('body_too_large');
  });
});
