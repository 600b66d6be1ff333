import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../shared/ids.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Case {
  name: string;
  method: Method;
  /** `{placeholders}` are replaced once the fixtures exist. */
  url: string;
  /** A string is sent as is (with a JSON content type unless `headers` say otherwise). */
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const E = '/environments/{dev}/identities';
const I = `${E}/{id}`;
const traitsOf = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`t${i}`, i]));

/** One request per route, valid except for what each case spoils. */
const ROUTES: [Method, string, unknown?][] = [
  ['GET', E],
  ['POST', E, { identifier: 'brand-new' }],
  ['GET', I],
  ['DELETE', I],
  ['PUT', `${I}/traits`, { traits: {} }],
  ['PATCH', `${I}/traits`, { traits: { a: null } }],
  ['GET', `${I}/overrides`],
  ['PUT', `${I}/overrides/{banner}`, { enabled: true, value: 'x' }],
  ['DELETE', `${I}/overrides/{flag}`],
];

const CASES: Case[] = [
  ...ROUTES.flatMap(([method, url, body]): Case[] => [
    {
      name: `${method} ${url} without a token`,
      method,
      url,
      body,
      headers: { authorization: '' },
      status: 401,
      code: 'unauthorized',
    },
    {
      name: `${method} ${url} with an unknown token`,
      method,
      url,
      body,
      headers: { authorization: 'Bearer pat_not-a-real-token' },
      status: 401,
      code: 'unauthorized',
    },
    {
      name: `${method} ${url} with a malformed header`,
      method,
      url,
      body,
      headers: { authorization: 'Basic dXNlcjpwdw==' },
      status: 401,
      code: 'unauthorized',
    },
  ]),

  // Malformed JSON and wrong media types.
  {
    name: 'create: truncated JSON',
    method: 'POST',
    url: E,
    body: '{"identifier":',
    status: 400,
    code: 'malformed_json',
  },
  { name: 'create: empty JSON body', method: 'POST', url: E, body: '', status: 400, code: 'malformed_json' },
  {
    name: 'put traits: not JSON',
    method: 'PUT',
    url: `${I}/traits`,
    body: '{traits}',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'patch traits: trailing garbage',
    method: 'PATCH',
    url: `${I}/traits`,
    body: '{"traits":{}}x',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'put override: not JSON',
    method: 'PUT',
    url: `${I}/overrides/{banner}`,
    body: 'nope',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'create: __proto__ key',
    method: 'POST',
    url: E,
    body: '{"identifier":"p","traits":{"__proto__":{"x":1}}}',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'create: XML',
    method: 'POST',
    url: E,
    body: '<identifier>x</identifier>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    // Fastify parses text/plain into a string by default; the body schema then refuses it.
    name: 'create: text/plain',
    method: 'POST',
    url: E,
    body: '{"identifier":"x"}',
    headers: { 'content-type': 'text/plain' },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'create: body over the size limit',
    method: 'POST',
    url: E,
    body: { identifier: 'big', traits: { a: 'x'.repeat(300 * 1024) } },
    status: 413,
    code: 'body_too_large',
  },

  // Wrong types, missing and unknown properties.
  ...(
    [
      ['POST', E, { identifier: 5 }],
      ['POST', E, { identifier: null }],
      ['POST', E, {}],
      ['POST', E, []],
      ['POST', E, 'null'],
      ['POST', E, { identifier: 'x', traits: [] }],
      ['POST', E, { identifier: 'x', traits: { a: { b: 1 } } }],
      ['POST', E, { identifier: 'x', traits: { a: [1] } }],
      ['POST', E, { identifier: 'x', traits: { a: null } }],
      ['POST', E, { identifier: 'x', extra: 1 }],
      ['PUT', `${I}/traits`, {}],
      ['PUT', `${I}/traits`, { traits: 'a=1' }],
      ['PUT', `${I}/traits`, { traits: { a: null } }],
      ['PUT', `${I}/traits`, { traits: {}, extra: true }],
      ['PATCH', `${I}/traits`, { traits: null }],
      ['PATCH', `${I}/traits`, { traits: { a: { nested: true } } }],
      ['PATCH', `${I}/traits`, { traits: { 'line\nbreak': { nested: true } } }],
      ['PATCH', `${I}/traits`, { traits: {}, id: 'x' }],
      ['PUT', `${I}/overrides/{banner}`, {}],
      ['PUT', `${I}/overrides/{banner}`, { value: 'x' }],
      ['PUT', `${I}/overrides/{banner}`, { enabled: 'true' }],
      ['PUT', `${I}/overrides/{banner}`, { enabled: 1 }],
      ['PUT', `${I}/overrides/{banner}`, { enabled: true, feature_id: '{flag}' }],
      ['GET', `${E}?limit=0`],
      ['GET', `${E}?limit=501`],
      ['GET', `${E}?limit=ten`],
      ['GET', `${E}?cursor=bad%20cursor`],
      ['GET', `${E}?sort=identifier`],
      ['GET', `${E}?q=${'x'.repeat(1001)}`],
      ['GET', `${I}/overrides?limit=-1`],
      ['GET', `/environments/${'e'.repeat(1001)}/identities`],
    ] as [Method, string, unknown?][]
  ).map(
    ([method, url, body]): Case => ({
      name: `${method} ${url} ${JSON.stringify(body) ?? ''}`.slice(0, 140),
      method,
      url,
      body,
      status: 400,
      code: 'invalid_request',
    }),
  ),

  // Paths take names too (an identifier, an environment or feature key): one that names nothing is a 404.
  ...(
    [
      ['GET', `${E}/bad%20id`, 'identity_not_found'],
      ['GET', `/environments/${'e'.repeat(65)}/identities`, 'environment_not_found'],
      ['PUT', `${I}/overrides/bad$id`, 'feature_not_found'],
    ] as const
  ).map(
    ([method, url, code]): Case => ({
      name: `${method} ${url}`,
      method,
      url,
      ...(method === 'PUT' ? { body: { enabled: true } } : {}),
      status: 404,
      code,
    }),
  ),

  // Limits, checked by the service with their own codes.
  {
    name: 'create: identifier too long',
    method: 'POST',
    url: E,
    body: { identifier: 'x'.repeat(1001) },
    status: 400,
    code: 'identifier_too_long',
  },
  {
    name: 'create: empty identifier',
    method: 'POST',
    url: E,
    body: { identifier: '' },
    status: 400,
    code: 'invalid_identifier',
  },
  {
    name: 'create: NUL in identifier',
    method: 'POST',
    url: E,
    body: { identifier: 'a\u0000b' },
    status: 400,
    code: 'unstorable_text',
  },
  {
    name: 'create: trait key too long',
    method: 'POST',
    url: E,
    body: { identifier: 'k', traits: { ['k'.repeat(201)]: 1 } },
    status: 400,
    code: 'trait_key_too_long',
  },
  {
    name: 'create: trait value too long',
    method: 'POST',
    url: E,
    body: { identifier: 'v', traits: { a: 'v'.repeat(2001) } },
    status: 400,
    code: 'trait_value_too_long',
  },
  {
    name: 'create: empty trait key',
    method: 'POST',
    url: E,
    body: { identifier: 'e', traits: { '': 1 } },
    status: 400,
    code: 'invalid_trait_key',
  },
  {
    name: 'create: 101 traits',
    method: 'POST',
    url: E,
    body: { identifier: 'm', traits: traitsOf(101) },
    status: 400,
    code: 'too_many_traits',
  },
  {
    name: 'put traits: 101 traits',
    method: 'PUT',
    url: `${I}/traits`,
    body: { traits: traitsOf(101) },
    status: 400,
    code: 'too_many_traits',
  },
  {
    name: 'put traits: value too long',
    method: 'PUT',
    url: `${I}/traits`,
    body: { traits: { a: 'v'.repeat(2001) } },
    status: 400,
    code: 'trait_value_too_long',
  },
  {
    name: 'patch traits: one more than the limit after merging',
    method: 'PATCH',
    url: '/environments/{dev}/identities/{full}/traits',
    body: { traits: { t0: 'changed', extra: 1 } },
    status: 400,
    code: 'too_many_traits',
  },
  {
    name: 'patch traits: key too long',
    method: 'PATCH',
    url: `${I}/traits`,
    body: { traits: { ['k'.repeat(201)]: 1 } },
    status: 400,
    code: 'trait_key_too_long',
  },
  {
    name: 'put override: string feature with a number',
    method: 'PUT',
    url: `${I}/overrides/{banner}`,
    body: { enabled: true, value: 5 },
    status: 400,
    code: 'invalid_value',
  },
  {
    name: 'put override: boolean feature with a value',
    method: 'PUT',
    url: `${I}/overrides/{flag}`,
    body: { enabled: true, value: true },
    status: 400,
    code: 'invalid_value',
  },
  {
    name: 'put override: number feature with a numeric string',
    method: 'PUT',
    url: `${I}/overrides/{limit}`,
    body: { enabled: true, value: '5' },
    status: 400,
    code: 'invalid_value',
  },
  {
    name: 'put override: JSON value over 64 KiB',
    method: 'PUT',
    url: `${I}/overrides/{config}`,
    body: { enabled: true, value: { s: 'x'.repeat(70 * 1024) } },
    status: 400,
    code: 'value_too_large',
  },

  // Unknown or foreign ids.
  {
    name: 'list: unknown environment',
    method: 'GET',
    url: '/environments/{unknown}/identities',
    status: 404,
    code: 'environment_not_found',
  },
  {
    name: 'list: foreign environment',
    method: 'GET',
    url: '/environments/{foreignEnv}/identities',
    status: 404,
    code: 'environment_not_found',
  },
  {
    name: 'create: in a foreign environment',
    method: 'POST',
    url: '/environments/{foreignEnv}/identities',
    body: { identifier: 'intruder' },
    status: 404,
    code: 'environment_not_found',
  },
  {
    name: 'get: foreign identity through its own environment',
    method: 'GET',
    url: '/environments/{foreignEnv}/identities/{foreignIdentity}',
    status: 404,
    code: 'environment_not_found',
  },
  {
    name: 'get: foreign identity through our environment',
    method: 'GET',
    url: '/environments/{dev}/identities/{foreignIdentity}',
    status: 404,
    code: 'identity_not_found',
  },
  {
    name: 'get: unknown identity',
    method: 'GET',
    url: `${E}/{unknown}`,
    status: 404,
    code: 'identity_not_found',
  },
  {
    name: 'get: identity under the wrong environment',
    method: 'GET',
    url: '/environments/{prod}/identities/{id}',
    status: 404,
    code: 'identity_not_found',
  },
  {
    name: 'delete: unknown identity',
    method: 'DELETE',
    url: `${E}/{unknown}`,
    status: 404,
    code: 'identity_not_found',
  },
  {
    name: 'delete: identity under the wrong environment',
    method: 'DELETE',
    url: '/environments/{prod}/identities/{id}',
    status: 404,
    code: 'identity_not_found',
  },
  {
    name: 'put traits: unknown identity',
    method: 'PUT',
    url: `${E}/{unknown}/traits`,
    body: { traits: {} },
    status: 404,
    code: 'identity_not_found',
  },
  {
    name: 'patch traits: unknown identity',
    method: 'PATCH',
    url: `${E}/{unknown}/traits`,
    body: { traits: { a: 1 } },
    status: 404,
    code: 'identity_not_found',
  },
  {
    name: 'overrides: unknown identity',
    method: 'GET',
    url: `${E}/{unknown}/overrides`,
    status: 404,
    code: 'identity_not_found',
  },
  {
    name: 'put override: unknown identity',
    method: 'PUT',
    url: `${E}/{unknown}/overrides/{banner}`,
    body: { enabled: true },
    status: 404,
    code: 'identity_not_found',
  },
  {
    name: 'put override: unknown feature',
    method: 'PUT',
    url: `${I}/overrides/{unknown}`,
    body: { enabled: true },
    status: 404,
    code: 'feature_not_found',
  },
  {
    name: 'put override: feature of another project',
    method: 'PUT',
    url: `${I}/overrides/{otherProjectFeature}`,
    body: { enabled: true },
    status: 404,
    code: 'feature_not_found',
  },
  {
    name: 'put override: feature of another organisation',
    method: 'PUT',
    url: `${I}/overrides/{foreignFeature}`,
    body: { enabled: true },
    status: 404,
    code: 'feature_not_found',
  },
  {
    name: 'delete override: none for this feature',
    method: 'DELETE',
    url: `${I}/overrides/{banner}`,
    status: 404,
    code: 'identity_override_not_found',
  },
  {
    name: 'delete override: unknown identity',
    method: 'DELETE',
    url: `${E}/{unknown}/overrides/{flag}`,
    status: 404,
    code: 'identity_not_found',
  },
  {
    name: 'delete override: foreign environment',
    method: 'DELETE',
    url: '/environments/{foreignEnv}/identities/{foreignIdentity}/overrides/{foreignFeature}',
    status: 404,
    code: 'environment_not_found',
  },

  // Uniqueness.
  {
    name: 'create: identifier taken',
    method: 'POST',
    url: E,
    body: { identifier: 'existing' },
    status: 409,
    code: 'identity_exists',
  },
];

describeEachDialect('identities admin API: bad input', (getDatabase) => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  const admin = (method: Method, url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });

  async function created(response: Awaited<ReturnType<typeof admin>>): Promise<string> {
    expect(response.statusCode).toBe(201);
    return response.json().id;
  }

  /** Everything a rejected request could have touched. */
  async function snapshot() {
    const { db } = getDatabase();
    return {
      identities: await db.selectFrom('identities').selectAll().orderBy('id').execute(),
      traits: await db
        .selectFrom('identity_traits')
        .selectAll()
        .orderBy('identity_id')
        .orderBy('trait_key')
        .execute(),
      overrides: await db.selectFrom('identity_overrides').selectAll().orderBy('id').execute(),
      environments: await db.selectFrom('environments').select(['id', 'updated_at']).orderBy('id').execute(),
      projects: await db.selectFrom('projects').select(['id', 'updated_at']).orderBy('id').execute(),
    };
  }

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    [ids.dev, ids.prod] = t.environments.map((e) => e.id);
    ids.unknown = newId();
    const feature = (key: string, type: string, projectId = t.projectId) =>
      admin('POST', `/projects/${projectId}/features`, { key, type }).then(created);
    ids.flag = await feature('flag', 'boolean');
    ids.banner = await feature('banner', 'string');
    ids.limit = await feature('limit', 'number');
    ids.config = await feature('config', 'json');
    const otherProject = await admin('POST', '/projects', { name: 'Other project' }).then(created);
    ids.otherProjectFeature = await feature('flag', 'boolean', otherProject);

    ids.id = await admin('POST', `/environments/${ids.dev}/identities`, {
      identifier: 'existing',
      traits: { a: 1 },
    }).then(created);
    expect(
      (
        await admin('PUT', `/environments/${ids.dev}/identities/${ids.id}/overrides/${ids.flag}`, {
          enabled: true,
        })
      ).statusCode,
    ).toBe(201);
    ids.full = await admin('POST', `/environments/${ids.dev}/identities`, {
      identifier: 'full',
      traits: traitsOf(100),
    }).then(created);

    // Another organisation, with its own project, environment, feature and identity.
    const { db } = getDatabase();
    const now = new Date().toISOString();
    const [org, project] = [newId(), newId()];
    [ids.foreignEnv, ids.foreignFeature, ids.foreignIdentity] = [newId(), newId(), newId()];
    await db.insertInto('organisations').values({ id: org, name: 'Other', created_at: now }).execute();
    await db
      .insertInto('projects')
      .values({ id: project, organisation_id: org, name: 'Theirs', created_at: now, updated_at: now })
      .execute();
    await db
      .insertInto('environments')
      .values({
        id: ids.foreignEnv,
        project_id: project,
        key: 'production',
        name: 'Production',
        client_key: newId(),
        hide_disabled_flags: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('features')
      .values({
        id: ids.foreignFeature,
        project_id: project,
        key: 'theirs',
        type: 'boolean',
        description: '',
        tags: '[]',
        server_key_only: 0,
        default_enabled: 0,
        default_value: null,
        number: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await db
      .insertInto('identities')
      .values({
        id: ids.foreignIdentity,
        environment_id: ids.foreignEnv,
        identifier: 'theirs',
        created_at: now,
      })
      .execute();
  });
  afterAll(() => t?.close());

  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? `{${name}}`);

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await snapshot();
    const raw = typeof c.body === 'string';
    const headers = { ...t.admin, ...(raw ? { 'content-type': 'application/json' } : {}), ...c.headers };
    if (headers.authorization === '') delete (headers as { authorization?: string }).authorization;
    const payload = raw
      ? (c.body as string)
      : c.body === undefined
        ? undefined
        : JSON.parse(fill(JSON.stringify(c.body)));
    const response = await t.app.inject({
      method: c.method,
      url: `/api/admin/v1${fill(c.url)}`,
      headers,
      payload,
    });
    expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({
      status: c.status,
      code: c.code,
    });
    expect(response.json().error.message).toEqual(expect.any(String));
    expect(await snapshot()).toEqual(before);
  });

  it('still accepts each of those routes when the request is right', async () => {
    for (const [method, url, body] of ROUTES.filter(([m]) => m !== 'DELETE')) {
      const payload = body === undefined ? undefined : JSON.parse(fill(JSON.stringify(body)));
      const response = await t.app.inject({
        method,
        url: `/api/admin/v1${fill(url)}`,
        headers: t.admin,
        payload,
      });
      expect(response.statusCode, `${method} ${url}`).toBeLessThan(300);
    }
  });
});
