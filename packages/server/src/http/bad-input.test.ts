import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

// Issue #7, point 9: free-form JSON nested 5,000 deep and text PostgreSQL cannot store (NUL,
// lone surrogates), sent to every route family. Each must be a 400 with a code, never a 500 or
// a driver error, on both dialects, and the server must keep answering afterwards.

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';
const DEEP = 5000;
/** `{"a":{"a":…}}` as text: building the object and stringifying it would itself overflow. */
const deep = (levels: number, leaf = '1') => `${'{"a":'.repeat(levels)}${leaf}${'}'.repeat(levels)}`;
const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

interface Case {
  name: string;
  method: Method;
  /** `{placeholders}` are filled in once the fixtures exist. */
  url: string;
  /** Raw JSON text, sent as is. */
  body?: string;
  headers?: Record<string, string>;
  auth: 'admin' | 'client' | 'server' | 'none';
  code: string;
}

const now = () => Date.now();
const event = (properties: string) =>
  `{"events":[{"unit_id":"u1","name":"purchase","time":${now()},"properties":${properties}}]}`;
const exposure = (value: string) =>
  `{"exposures":[{"unit_id":"u1","feature_key":"banner","time":${now()},"value":${value}}]}`;
const statsigUser = (user: string) => `{"user":${user},"hash":"none"}`;
const rgstr = (metadata: string) =>
  `{"events":[{"eventName":"click","user":{"userID":"u1"},"time":${now()},"metadata":${metadata}}]}`;

/** Every route family that takes free-form JSON, with the free-form field as a parameter. */
const FREE_FORM: [string, Method, string, 'admin' | 'client' | 'server', (json: string) => string][] = [
  ['event properties', 'POST', '/api/sdk/v1/events', 'client', event],
  ['exposure value', 'POST', '/api/sdk/v1/events', 'server', exposure],
  ['Statsig user', 'POST', '/v1/initialize?k={client}', 'none', statsigUser],
  ['Statsig rgstr metadata', 'POST', '/v1/rgstr?k={client}', 'none', rgstr],
  ['native flags traits', 'POST', '/api/sdk/v1/flags', 'client', (j) => `{"identifier":"u1","traits":${j}}`],
  [
    'OFREP context',
    'POST',
    '/ofrep/v1/evaluate/flags',
    'client',
    (j) => `{"context":{"targetingKey":"u","x":${j}}}`,
  ],
  ['Flagsmith identity', 'POST', '/api/v1/identities/', 'client', (j) => `{"identifier":"u1","traits":${j}}`],
  ['Flagsmith analytics', 'POST', '/api/v1/analytics/flags/', 'client', (j) => `{"banner":${j}}`],
  [
    'feature default_value',
    'POST',
    '/api/admin/v1/projects/{project}/features',
    'admin',
    (j) => `{"key":"deep","type":"json","default_value":${j}}`,
  ],
  [
    'feature-state value',
    'PATCH',
    '/api/admin/v1/environments/{env}/feature-states/config',
    'admin',
    (j) => `{"value":${j}}`,
  ],
  [
    'variant value',
    'PATCH',
    '/api/admin/v1/environments/{env}/feature-states/config',
    'admin',
    (j) => `{"variants":[{"key":"a","weight":100,"value":${j}}]}`,
  ],
  [
    'identity override value',
    'PUT',
    '/api/admin/v1/environments/{env}/identities/ada/overrides/config',
    'admin',
    (j) => `{"enabled":true,"value":${j}}`,
  ],
  [
    'segment override value',
    'POST',
    '/api/admin/v1/environments/{env}/segment-overrides',
    'admin',
    (j) => `{"segment_id":"beta","feature_id":"config","enabled":true,"value":${j}}`,
  ],
  [
    'segment rules',
    'POST',
    '/api/admin/v1/projects/{project}/segments',
    'admin',
    (j) => `{"name":"s","rules":${j}}`,
  ],
  ['Flagsmith import', 'POST', '/api/admin/v1/imports/flagsmith', 'admin', (j) => `{"document":${j}}`],
  [
    'identity traits',
    'POST',
    '/api/admin/v1/environments/{env}/identities',
    'admin',
    (j) => `{"identifier":"x","traits":${j}}`,
  ],
  [
    'change request value',
    'POST',
    '/api/admin/v1/environments/{env}/change-requests',
    'admin',
    (j) => `{"title":"t","changes":[{"kind":"feature_state","feature":"config","value":${j}}]}`,
  ],
  [
    'scheduled change value',
    'POST',
    '/api/admin/v1/environments/{env}/scheduled-changes',
    'admin',
    (j) =>
      `{"scheduled_at":"2099-01-01T00:00:00Z","changes":[{"kind":"feature_state","feature":"config","value":${j}}]}`,
  ],
];

const CASES: Case[] = [
  ...FREE_FORM.flatMap(([name, method, url, auth, wrap]): Case[] => [
    {
      name: `${name}: objects ${DEEP} deep`,
      method,
      url,
      auth,
      body: wrap(deep(DEEP)),
      code: 'json_too_deep',
    },
    {
      name: `${name}: arrays ${DEEP} deep`,
      method,
      url,
      auth,
      body: wrap(deepArray(DEEP)),
      code: 'json_too_deep',
    },
    {
      name: `${name}: NUL in a string`,
      method,
      url,
      auth,
      body: wrap('{"note":"a\\u0000b"}'),
      code: 'unstorable_text',
    },
    {
      name: `${name}: NUL in a key`,
      method,
      url,
      auth,
      body: wrap('{"a\\u0000":"b"}'),
      code: 'unstorable_text',
    },
    {
      name: `${name}: lone surrogate`,
      method,
      url,
      auth,
      body: wrap('{"note":"\\ud800x"}'),
      code: 'unstorable_text',
    },
  ]),
  // Other encodings of a body reach the same checks.
  {
    name: 'events sent as text/plain (sendBeacon), 5,000 deep',
    method: 'POST',
    url: '/api/sdk/v1/events?key={client}',
    headers: { 'content-type': 'text/plain' },
    auth: 'none',
    body: event(deep(DEEP)),
    code: 'json_too_deep',
  },
  {
    name: 'Statsig-encoded body (se=1), 5,000 deep',
    method: 'POST',
    url: '/v1/initialize?k={client}&se=1',
    headers: { 'content-type': 'text/plain' },
    auth: 'none',
    body: Buffer.from(statsigUser(deep(DEEP)), 'latin1')
      .toString('base64')
      .split('')
      .reverse()
      .join(''),
    code: 'json_too_deep',
  },
  // NUL and lone surrogates in URLs: keys are looked up before any body is read.
  ...(
    [
      ['Statsig ?k= with NUL', 'POST', '/v1/initialize?k=client-%00', 'none', '{}'],
      ['rgstr ?k= with NUL', 'POST', '/v1/rgstr?k=%00', 'none', '{}'],
      ['OFREP stream ?key= with NUL', 'GET', '/ofrep/v1/events?key=%00abc', 'none'],
      ['native stream ?key= with NUL', 'GET', '/api/sdk/v1/stream?key=a%00b', 'none'],
      ['events ?key= with NUL', 'POST', '/api/sdk/v1/events?key=a%00', 'none', '{"events":[]}'],
      ['Flagsmith stream key with NUL', 'GET', '/sse/environments/a%00b/stream', 'none'],
      ['Flagsmith identities ?identifier= with NUL', 'GET', '/api/v1/identities/?identifier=a%00b', 'client'],
      ['admin project by name with NUL', 'GET', '/api/admin/v1/projects/a%00b', 'admin'],
      [
        'admin identity by identifier with NUL',
        'GET',
        '/api/admin/v1/environments/{env}/identities/a%00b',
        'admin',
      ],
      ['admin list with ?q= NUL', 'GET', '/api/admin/v1/environments/{env}/identities?q=%00', 'admin'],
    ] as const
  ).map(
    ([name, method, url, auth, body]): Case => ({
      name,
      method,
      url,
      auth,
      ...(body === undefined ? {} : { body }),
      code: 'unstorable_text',
    }),
  ),
  // Names and keys in admin bodies.
  ...(
    [
      ['project name', 'POST', '/api/admin/v1/projects', '{"name":"a\\u0000"}'],
      [
        'feature key',
        'POST',
        '/api/admin/v1/projects/{project}/features',
        '{"key":"k\\u0000","type":"boolean"}',
      ],
      [
        'feature description',
        'POST',
        '/api/admin/v1/projects/{project}/features',
        '{"key":"k","type":"boolean","description":"\\udc00"}',
      ],
      ['segment name', 'POST', '/api/admin/v1/projects/{project}/segments', '{"name":"s\\u0000"}'],
      ['server key name', 'POST', '/api/admin/v1/environments/{env}/server-keys', '{"name":"\\u0000"}'],
      [
        'change request title',
        'POST',
        '/api/admin/v1/environments/{env}/change-requests',
        '{"title":"a\\u0000","changes":[{"kind":"feature_state","feature":"config","enabled":true}]}',
      ],
      [
        'person name',
        'POST',
        '/api/admin/v1/users',
        '{"email":"nul@example.com","name":"\\u0000","password":"correct horse battery staple"}',
      ],
      ['invitation email', 'POST', '/api/admin/v1/invitations', '{"email":"a\\u0000@example.com"}'],
      [
        'webhook description',
        'POST',
        '/api/admin/v1/projects/{project}/webhooks',
        '{"url":"https://hooks.example.com","description":"\\ud800"}',
      ],
    ] as const
  ).map(
    ([name, method, url, body]): Case => ({
      name,
      method,
      url,
      auth: 'admin',
      body,
      code: 'unstorable_text',
    }),
  ),
];

/**
 * Each protocol answers in its own error shape: ours and Statsig's carry the code, OFREP's in
 * `metadata`; Flagsmith's has only `detail`, so its message tells which check refused.
 */
function codeOf(body: {
  error?: { code?: string };
  code?: string;
  metadata?: { code?: string };
  detail?: string;
}): string | undefined {
  if (body.detail !== undefined) {
    if (body.detail.includes('nests deeper than')) return 'json_too_deep';
    if (body.detail.includes('NUL character or an unpaired surrogate')) return 'unstorable_text';
  }
  return body.error?.code ?? body.metadata?.code ?? body.code;
}

describeEachDialect('bad input on every route family', (getDatabase) => {
  let t: TestApp;
  const ids: Record<string, string> = {};

  const admin = (method: Method, url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const dev = t.environments[0];
    ids.env = dev.id;
    ids.client = dev.clientKey;
    ids.project = t.projectId;
    ids.server = (await admin('POST', `/environments/${dev.id}/server-keys`, { name: 'backend' })).json().key;
    for (const feature of [
      { key: 'banner', type: 'string' },
      { key: 'config', type: 'json' },
    ]) {
      expect((await admin('POST', `/projects/${t.projectId}/features`, feature)).statusCode).toBe(201);
    }
    expect(
      (
        await admin('POST', `/projects/${t.projectId}/segments`, {
          name: 'beta',
          rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'beta' }] }],
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (await admin('POST', `/environments/${dev.id}/identities`, { identifier: 'ada' })).statusCode,
    ).toBe(201);
  });
  afterAll(() => t?.close());

  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? `{${name}}`);

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const keyHeader =
      c.auth === 'admin'
        ? t.admin
        : c.auth === 'client'
          ? { 'x-environment-key': ids.client }
          : c.auth === 'server'
            ? { 'x-environment-key': ids.server }
            : {};
    const response = await t.app.inject({
      method: c.method,
      url: fill(c.url),
      headers: {
        ...keyHeader,
        ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...c.headers,
      },
      ...(c.body === undefined ? {} : { payload: fill(c.body) }),
    });
    expect({ status: response.statusCode, code: codeOf(response.json()) }, response.body).toEqual({
      status: 400,
      code: c.code,
    });
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('still accepts JSON nested as deep as the bound, and text with escapes that is storable', async () => {
    const patched = await admin('PATCH', `/environments/${ids.env}/feature-states/config`, {
      value: JSON.parse(deep(60, '"deep"')),
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/api/sdk/v1/events',
      headers: { 'x-environment-key': ids.client, 'content-type': 'application/json' },
      payload: event('{"emoji":"\\ud83d\\ude80","brackets":"[[[{{{","quote":"\\"\\\\u0000"}'),
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
  });
});
