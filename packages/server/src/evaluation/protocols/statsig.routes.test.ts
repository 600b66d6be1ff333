import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { describeEachDialect } from '../../testing/databases.js';
import { InitializeResponse } from './statsig.schema.js';
import { djb2 } from './statsig-hash.js';

/** What `@statsig/js-client` does with `se=1`: base64 of the JSON, then the string reversed. */
function statsigEncode(json: string): string {
  return Buffer.from(json, 'latin1').toString('base64').split('').reverse().join('');
}

// The serialiser Fastify builds from a route's response schema: the answer's bytes are
// written by hand (statsig-answers.ts) and must stay what it would write.
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
const fastJsonStringify = fromFastify('fast-json-stringify') as (
  schema: object,
) => (value: unknown) => string;
const schemaBytes = fastJsonStringify(InitializeResponse);

const sha256 = (name: string) => createHash('sha256').update(name).digest('base64');

describeEachDialect('Statsig client API: initialize', (getDatabase) => {
  let t: TestApp;
  let clientKey: string;
  let serverKey: string;
  let environmentId: string;
  const featureIds: Record<string, string> = {};

  const admin = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });
  const initialize = (
    body: object | string,
    query = `k=${clientKey}`,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/initialize?${query}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
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

    const features: [string, object, object?][] = [
      ['dark_mode', { type: 'boolean' }, { enabled: true }],
      ['beta', { type: 'boolean' }],
      ['internal', { type: 'boolean', server_key_only: true, default_enabled: true }],
      ['banner', { type: 'string', default_value: 'hello' }, { enabled: true }],
      ['limits', { type: 'json', default_value: { max: 5, tiers: ['a'] } }, { enabled: true }],
      ['price', { type: 'number', default_value: 10 }],
      [
        'checkout',
        { type: 'string', default_value: 'grey' },
        {
          enabled: true,
          variants: [
            { key: 'blue', value: 'blue', weight: 50 },
            { key: 'green', value: 'green', weight: 50 },
          ],
        },
      ],
    ];
    for (const [key, definition, state] of features) {
      const created = await admin('POST', `/projects/${t.projectId}/features`, { key, ...definition });
      if (created.statusCode !== 201) throw new Error(`feature ${key}: ${created.body}`);
      featureIds[key] = created.json().id;
      if (state) {
        const updated = await admin(
          'PATCH',
          `/environments/${environmentId}/feature-states/${featureIds[key]}`,
          state,
        );
        if (updated.statusCode !== 200) throw new Error(`state ${key}: ${updated.body}`);
      }
    }
    const segment = await admin('POST', `/projects/${t.projectId}/segments`, {
      name: 'pro users',
      rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
    });
    await admin('POST', `/environments/${environmentId}/segment-overrides`, {
      segment_id: segment.json().id,
      feature_id: featureIds.banner,
      enabled: true,
      value: 'welcome, pro',
    });
  });
  afterAll(() => t.close());

  const identityCount = async () =>
    Number(
      (
        await getDatabase()
          .db.selectFrom('identities')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('environment_id', '=', environmentId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('maps boolean features to gates and the others to dynamic configs, names unhashed with hash=none', async () => {
    const response = await initialize({ user: { userID: 'ana' }, hash: 'none' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ has_updates: true, hash_used: 'none', layer_configs: {} });
    expect(typeof body.time).toBe('number');
    expect(Object.keys(body.feature_gates).sort()).toEqual(['beta', 'dark_mode']);
    expect(body.feature_gates.dark_mode).toEqual({
      name: 'dark_mode',
      value: true,
      rule_id: 'DEFAULT',
      secondary_exposures: [],
      id_type: 'userID',
    });
    expect(body.feature_gates.beta.value).toBe(false);
    expect(Object.keys(body.dynamic_configs).sort()).toEqual(['banner', 'checkout', 'limits', 'price']);
    // A non-object value is wrapped as {value}; a JSON object is served as it is.
    expect(body.dynamic_configs.banner).toEqual({
      name: 'banner',
      value: { value: 'hello' },
      rule_id: 'DEFAULT',
      group: 'DEFAULT',
      secondary_exposures: [],
      id_type: 'userID',
      is_device_based: false,
      passed: true,
    });
    expect(body.dynamic_configs.limits.value).toEqual({ max: 5, tiers: ['a'] });
    // Disabled: no value, so every get() falls back to the caller's default.
    expect(body.dynamic_configs.price).toMatchObject({ value: {}, rule_id: 'DISABLED', passed: false });
  });

  it('serves multivariate features as experiments, with the variant as the group', async () => {
    const groups = new Set<string>();
    // Buckets follow the environment's random keys: with 8 users all landed in one variant about
    // once in 128 runs; with 40, once in 5e11.
    for (const userID of Array.from({ length: 40 }, (_, i) => `u${i + 1}`)) {
      const checkout = (await initialize({ user: { userID }, hash: 'none' })).json().dynamic_configs.checkout;
      expect(checkout).toMatchObject({ is_experiment_active: true, is_user_in_experiment: true });
      expect(['blue', 'green']).toContain(checkout.group_name);
      expect(checkout.value).toEqual({ value: checkout.group_name });
      expect(checkout.rule_id).toMatch(new RegExp(`^SPLIT; weight=50; variant=${checkout.group_name}$`));
      // Deterministic: the same user gets the same group again.
      const again = (await initialize({ user: { userID }, hash: 'none' })).json().dynamic_configs.checkout;
      expect(again.group_name).toBe(checkout.group_name);
      groups.add(checkout.group_name);
    }
    expect(groups.size).toBe(2);

    const anonymous = (await initialize({ user: {}, hash: 'none' })).json().dynamic_configs.checkout;
    expect(anonymous).toMatchObject({
      group_name: 'control',
      is_user_in_experiment: false,
      value: { value: 'grey' },
    });
  });

  it('falls back to the stableID for users without a userID', async () => {
    const body = (
      await initialize({ user: {}, hash: 'none', statsigMetadata: { stableID: 'device-1' } })
    ).json();
    expect(body.feature_gates.dark_mode.id_type).toBe('stableID');
    expect(body.dynamic_configs.checkout).toMatchObject({
      id_type: 'stableID',
      is_device_based: true,
      is_user_in_experiment: true,
    });
  });

  it('hashes names with djb2 (the client default) and sha256, and defaults to sha256 when not asked', async () => {
    const viaDjb2 = (await initialize({ user: { userID: 'ana' }, hash: 'djb2' })).json();
    expect(viaDjb2.hash_used).toBe('djb2');
    expect(viaDjb2.feature_gates['2442673356']).toMatchObject({ name: '2442673356', value: true });
    expect(viaDjb2.dynamic_configs[djb2('banner')].value).toEqual({ value: 'hello' });
    expect(viaDjb2.feature_gates.dark_mode).toBeUndefined();

    const viaSha = (await initialize({ user: { userID: 'ana' }, hash: 'sha256' })).json();
    expect(viaSha.hash_used).toBe('sha256');
    expect(viaSha.feature_gates[sha256('dark_mode')]).toMatchObject({
      name: sha256('dark_mode'),
      value: true,
    });

    const legacy = (await initialize({ user: { userID: 'ana' } })).json();
    expect(legacy.hash_used).toBe('sha256');
    expect(Object.keys(legacy.dynamic_configs)).toContain(sha256('checkout'));
  });

  it('evaluates custom fields and private attributes as transient traits, storing nothing', async () => {
    const before = await identityCount();
    const custom = (
      await initialize({ user: { userID: 'bo', custom: { plan: 'pro' } }, hash: 'none' })
    ).json();
    expect(custom.dynamic_configs.banner).toMatchObject({
      value: { value: 'welcome, pro' },
      rule_id: 'TARGETING_MATCH',
    });
    const secret = (
      await initialize({
        user: { userID: 'bo', email: 'bo@example.com', privateAttributes: { plan: 'pro' } },
        hash: 'none',
      })
    ).json();
    expect(secret.dynamic_configs.banner.value).toEqual({ value: 'welcome, pro' });
    expect(secret.user).toEqual({ userID: 'bo', email: 'bo@example.com' });
    // Transient: no identity was created for either request.
    expect(await identityCount()).toBe(before);
    const plain = (await initialize({ user: { userID: 'bo' }, hash: 'none' })).json();
    expect(plain.dynamic_configs.banner.value).toEqual({ value: 'hello' });
  });

  it('decodes Statsig-encoded and gzipped bodies', async () => {
    const json = JSON.stringify({
      user: { userID: 'cy', custom: { plan: 'pro', city: 'Zürich' } },
      hash: 'none',
    });
    const encoded = await initialize(statsigEncode(json), `k=${clientKey}&se=1`);
    expect(encoded.statusCode).toBe(200);
    expect(encoded.json().dynamic_configs.banner.value).toEqual({ value: 'welcome, pro' });
    expect(encoded.json().user.custom.city).toBe('Zürich');

    const gzipped = await t.app.inject({
      method: 'POST',
      url: `/v1/initialize?k=${clientKey}&se=1&gz=1`,
      payload: gzipSync(Buffer.from(statsigEncode(json), 'latin1')),
    });
    expect(gzipped.statusCode).toBe(200);
    expect(gzipped.json().dynamic_configs.banner.value).toEqual({ value: 'welcome, pro' });

    const contentEncoding = await t.app.inject({
      method: 'POST',
      url: `/v1/initialize?k=${clientKey}`,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: gzipSync(Buffer.from(json)),
    });
    expect(contentEncoding.statusCode).toBe(200);
  });

  it('answers has_updates false when the client already holds the current values', async () => {
    const first = (await initialize({ user: { userID: 'dee' }, hash: 'djb2' })).json();
    const unchanged = await initialize({ user: { userID: 'dee' }, hash: 'djb2', sinceTime: first.time });
    expect(unchanged.statusCode).toBe(200);
    expect(unchanged.json()).toEqual({ has_updates: false, time: first.time });

    const older = (
      await initialize({ user: { userID: 'dee' }, hash: 'djb2', sinceTime: first.time - 1 })
    ).json();
    expect(older.has_updates).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 5));
    await admin('PATCH', `/environments/${environmentId}/feature-states/${featureIds.beta}`, {
      enabled: true,
    });
    const changed = (
      await initialize({ user: { userID: 'dee' }, hash: 'djb2', sinceTime: first.time })
    ).json();
    expect(changed.has_updates).toBe(true);
    expect(changed.time).toBeGreaterThan(first.time);
    expect(changed.feature_gates[djb2('beta')].value).toBe(true);
  });

  it('hides server-only features from client keys only; takes the key from the header too', async () => {
    expect((await initialize({ hash: 'none' })).json().feature_gates.internal).toBeUndefined();
    const byHeader = await initialize({ hash: 'none' }, '', { 'statsig-api-key': serverKey });
    expect(byHeader.statusCode).toBe(200);
    expect(byHeader.json().feature_gates.internal.value).toBe(true);
  });

  it('answers 401 without a valid key', async () => {
    for (const query of ['', 'k=not-a-key']) {
      const response = await initialize({ user: { userID: 'x' } }, query);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ success: false, code: 'unauthorized' });
    }
  });

  it('answers 400 to malformed bodies and 413 to oversized ones', async () => {
    const cases: [string, string, string][] = [
      ['{"user":', `k=${clientKey}`, 'malformed_body'],
      ['not base64 at all', `k=${clientKey}&se=1`, 'malformed_body'],
      ['{"user":{}}', `k=${clientKey}&gz=1`, 'malformed_body'],
      ['{"user":{"userID":"x"},"hash":"md5"}', `k=${clientKey}`, 'invalid_request'],
      ['{"user":{"custom":{"plan":{"nested":true}}}}', `k=${clientKey}`, 'invalid_request'],
      [
        `{"user":{"userID":"x","custom":{"plan":"${'p'.repeat(2001)}"}}}`,
        `k=${clientKey}`,
        'invalid_request',
      ],
      ['{"user":{"userID":"nul\\u0000"}}', `k=${clientKey}`, 'unstorable_text'],
      ['[1,2]', `k=${clientKey}`, 'invalid_request'],
    ];
    for (const [payload, query, code] of cases) {
      const response = await initialize(payload, query);
      expect(response.statusCode, payload.slice(0, 60)).toBe(400);
      expect(response.json(), payload.slice(0, 60)).toMatchObject({ success: false, code });
    }
    const tooBig = await initialize({ user: { userID: 'x', custom: { blob: 'x'.repeat(300_000) } } });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().code).toBe('body_too_large');
  });
});

describeEachDialect('Statsig client API: initialize answer text', (getDatabase) => {
  let t: TestApp;
  let clientKey: string;

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const production = t.environments.find((e) => e.key === 'production');
    if (!production) throw new Error('bootstrap made no production environment');
    clientKey = production.clientKey;
    // `Aa` and `BB` share a djb2 hash (31·65 + 97 = 31·66 + 66); `10` and `7` are array indices.
    const features = [
      { key: 'Aa', type: 'boolean' },
      { key: 'BB', type: 'boolean', default_enabled: true },
      { key: '10', type: 'boolean', default_enabled: true },
      { key: 'zeta', type: 'json', default_value: { b: 1, '2': 2 }, default_enabled: true },
      { key: '7', type: 'string', default_value: 'seven', default_enabled: true },
    ];
    for (const feature of features) {
      const created = await t.app.inject({
        method: 'POST',
        url: `/api/admin/v1/projects/${t.projectId}/features`,
        headers: t.admin,
        payload: feature,
      });
      if (created.statusCode !== 201) throw new Error(`feature ${feature.key}: ${created.body}`);
    }
  });
  afterAll(() => t.close());

  const initialize = async (hash: string) => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/v1/initialize?k=${clientKey}`,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      payload: JSON.stringify({ user: { userID: 'ana' }, hash }),
    });
    expect(response.statusCode).toBe(200);
    return response.body;
  };

  it('lists names as a JS object lists its keys: array indices first, ascending, then as created', async () => {
    const text = await initialize('none');
    // No whitespace, and every map in the order JSON.parse gives back.
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    const body = JSON.parse(text);
    expect(Object.keys(body.feature_gates)).toEqual(['10', 'Aa', 'BB']);
    expect(Object.keys(body.dynamic_configs)).toEqual(['7', 'zeta']);
    expect(body.dynamic_configs.zeta.value).toEqual({ '2': 2, b: 1 });
    expect(text).toContain('"value":{"2":2,"b":1}');
  });

  it('writes, for every hash and kind of unit, the bytes the response schema’s serialiser writes', async () => {
    for (const hash of ['none', 'djb2', 'sha256']) {
      for (const user of [
        { userID: 'ana', custom: { plan: 'pro' } },
        { customIDs: { stableID: 'device-1' } },
      ]) {
        const response = await t.app.inject({
          method: 'POST',
          url: `/v1/initialize?k=${clientKey}`,
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          payload: JSON.stringify({ user, hash, statsigMetadata: { stableID: 'device-1' } }),
        });
        expect(response.statusCode).toBe(200);
        expect(response.body, `${hash} ${JSON.stringify(user)}`).toBe(schemaBytes(JSON.parse(response.body)));
      }
    }
  });

  it('gives names that collide under djb2 one entry: the last feature’s, in the first one’s place', async () => {
    expect(djb2('Aa')).toBe(djb2('BB'));
    const text = await initialize('djb2');
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    const gates = JSON.parse(text).feature_gates;
    expect(Object.keys(gates)).toEqual([djb2('10'), djb2('Aa')].sort((a, b) => Number(a) - Number(b)));
    // BB was created after Aa: its entry (enabled) is the one that stays.
    expect(gates[djb2('Aa')]).toMatchObject({ name: djb2('Aa'), value: true });
  });
});
