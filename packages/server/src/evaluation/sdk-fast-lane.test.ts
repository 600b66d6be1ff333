import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

/** Framing and time: written by Node for each connection, not by the routes. */
const FRAMING = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Call {
  method: 'GET' | 'POST' | 'OPTIONS';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * The fast lane answers over real sockets only (it sits in front of Fastify's request
 * listener); `inject` reaches Fastify's routes directly. The same request both ways must give
 * the same status, headers and bytes, whichever of the two answered.
 */
describeEachDialect('SDK fast lane', (getDatabase) => {
  let t: TestApp;
  let base: string;
  let clientKey: string;
  let serverKey: string;

  const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });

  const overSocket = async (call: Call): Promise<Answer> => {
    const response = await fetch(`${base}${call.url}`, {
      method: call.method,
      headers: call.headers,
      body: call.body,
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!FRAMING.has(name)) headers[name] = value;
    });
    return { status: response.status, headers, body: await response.text() };
  };
  const throughFastify = async (call: Call): Promise<Answer> => {
    const response = await t.app.inject({
      method: call.method,
      url: call.url,
      // As fetch sends it: OFREP answers name the stream at the request's host.
      headers: { host: new URL(base).host, ...call.headers },
      payload: call.body,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (!FRAMING.has(name)) headers[name] = String(value);
    }
    return { status: response.statusCode, headers, body: response.body };
  };
  /**
   * The answer over a socket, checked equal to Fastify's, and whether the lane gave it. Fastify
   * first: it builds the snapshot when a change dropped it, which the lane never waits for.
   */
  const both = async (call: Call) => {
    const fastify = await throughFastify(call);
    const before = t.context.fastLane?.answered ?? 0;
    const lane = await overSocket(call);
    const byLane = (t.context.fastLane?.answered ?? 0) > before;
    expect(lane).toEqual(fastify);
    return { ...lane, byLane };
  };

  const flagsmith = (key: string, extra: Record<string, string> = {}) => ({
    'x-environment-key': key,
    ...extra,
  });
  const json = { 'content-type': 'application/json' };
  const identityBody = (traits: object[], extra: object = {}) =>
    JSON.stringify({ identifier: 'user-1', transient: true, traits, ...extra });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const production = t.environments.find((e) => e.key === 'production');
    if (!production) throw new Error('no production environment');
    clientKey = production.clientKey;
    serverKey = (await admin('POST', `/environments/${production.id}/server-keys`, { name: 'sdk' })).json()
      .key;
    // A split string, a JSON value and a server-only flag: every kind of per-outcome text.
    const features = [
      { key: 'colour', type: 'string', default_value: 'blue' },
      {
        key: 'banner',
        type: 'json',
        default_value: { title: 'Hello', lines: [1, 2] },
        default_enabled: true,
      },
      { key: 'secret', type: 'boolean', server_key_only: true, default_enabled: true },
      // A gate for client keys, and a name that is an array index (listed first by Statsig's maps).
      { key: 'dark_mode', type: 'boolean', default_enabled: true },
      { key: '7', type: 'number', default_value: 7, default_enabled: true },
    ];
    const created = [];
    for (const f of features)
      created.push((await admin('POST', `/projects/${t.projectId}/features`, f)).json());
    const colour = created[0];
    const variants = ['red', 'green'].map((key) => ({ key, value: key, weight: 50 }));
    await admin('PATCH', `/environments/${production.id}/feature-states/${colour.id}`, {
      enabled: true,
      variants,
    });
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = url.replace(/:\d+$/, `:${(t.app.server.address() as AddressInfo).port}`);
  });
  afterAll(() => t.close());

  it("answers Flagsmith's environment flags with Fastify's status, headers and bytes", async () => {
    for (const headers of [
      flagsmith(clientKey),
      flagsmith(clientKey, { origin: 'https://app.example.com' }),
      flagsmith(serverKey),
    ]) {
      const answer = await both({ method: 'GET', url: '/api/v1/flags/', headers });
      expect(answer.byLane).toBe(true);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).map((f: { feature: { name: string } }) => f.feature.name)).toContain(
        'colour',
      );
    }
  });

  it('answers a transient Flagsmith identity as Fastify does, variant and traits included', async () => {
    for (const body of [
      identityBody([{ trait_key: 'plan', trait_value: 'pro', transient: true }]),
      identityBody([{ trait_key: 'age', trait_value: 42 }], { identifier: 'user-2' }),
      JSON.stringify({ traits: [{ trait_key: 'plan', trait_value: 'free' }] }),
    ]) {
      const answer = await both({
        method: 'POST',
        url: '/api/v1/identities/',
        headers: flagsmith(clientKey, { ...json, origin: 'https://app.example.com' }),
        body,
      });
      expect(answer.byLane).toBe(true);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).flags.length).toBeGreaterThan(0);
    }
  });

  it('answers the native API, anonymous and transient, as Fastify does', async () => {
    const bearer = { authorization: `Bearer ${clientKey}` };
    for (const call of [
      { method: 'GET', url: '/api/sdk/v1/flags', headers: bearer },
      {
        method: 'POST',
        url: '/api/sdk/v1/flags',
        headers: { ...bearer, ...json },
        body: JSON.stringify({ identifier: 'user-3', transient: true, transient_traits: { plan: 'pro' } }),
      },
      { method: 'POST', url: '/api/sdk/v1/flags', headers: { ...bearer, ...json }, body: '{}' },
    ] as const) {
      const answer = await both(call);
      expect(answer).toMatchObject({ status: 200, byLane: true });
      expect(Object.keys(JSON.parse(answer.body).flags)).toContain('colour');
    }
  });

  it('answers OFREP bulk evaluations as Fastify does, ETag and event stream included', async () => {
    for (const context of [{ targetingKey: 'user-4', plan: 'pro', age: 30 }, { plan: 'free' }, {}]) {
      const answer = await both({
        method: 'POST',
        url: '/ofrep/v1/evaluate/flags',
        headers: { authorization: `Bearer ${clientKey}`, ...json, origin: 'https://app.example.com' },
        body: JSON.stringify({ context }),
      });
      expect(answer).toMatchObject({ status: 200, byLane: true });
      expect(answer.headers.etag).toMatch(/^"/);
      expect(JSON.parse(answer.body).eventStreams[0].url).toContain('/ofrep/v1/events?key=');
    }
  });

  const statsigText = { 'content-type': 'text/plain;charset=UTF-8' };
  /** What `@statsig/js-client` puts in the URL: its key, SDK, version, time and session. */
  const statsigQuery = () => `k=${clientKey}&st=javascript-client&sv=3.33.5&t=1767225600000&sid=5e1d-77`;
  const initialize = (
    body: object | string,
    query = statsigQuery(),
    headers: Record<string, string> = statsigText,
  ) =>
    ({
      method: 'POST',
      url: `/v1/initialize?${query}`,
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }) as Call;

  it("answers Statsig's initialize as Fastify does, under every hash and for every kind of unit", async () => {
    const users = [
      {
        user: { userID: 'user-6', custom: { plan: 'pro', age: 30 } },
        statsigMetadata: { stableID: 'dev-6' },
      },
      { user: { customIDs: { stableID: 'dev-7' }, custom: { tags: ['a', 'b'], gone: null } } },
      { statsigMetadata: { stableID: 'dev-8' } },
      {},
      {
        user: {
          userID: 9,
          email: 'x@example.com',
          privateAttributes: { plan: 'pro' },
          analyticsOnlyMetadata: {},
        },
        deltasResponseRequested: false,
        full_checksum: null,
      },
    ];
    for (const hash of ['djb2', 'sha256', 'none', undefined]) {
      for (const [i, user] of users.entries()) {
        const headers = i % 2 ? { ...statsigText, origin: 'https://app.example.com' } : statsigText;
        const answer = await both(initialize({ ...user, hash }, statsigQuery(), headers));
        expect(answer).toMatchObject({ status: 200, byLane: true });
        const body = JSON.parse(answer.body);
        expect(body.hash_used).toBe(hash ?? 'sha256');
        expect(Object.keys(body.dynamic_configs)).toHaveLength(3);
        // Names in the order a JS object lists them, as the route's serialiser wrote its maps.
        expect(answer.body).toBe(JSON.stringify(body));
      }
    }
  });

  it("answers Statsig's initialize as Fastify does with a server key, encoded bodies and sinceTime", async () => {
    const user = { user: { userID: 'user-10', custom: { plan: 'pro' } }, hash: 'djb2' };
    const text = JSON.stringify(user);
    const first = await both(initialize(user));
    const { time } = JSON.parse(first.body);
    const encoded = Buffer.from(text, 'latin1').toString('base64').split('').reverse().join('');
    const calls: [Call, boolean][] = [
      // Statsig's server SDKs: the key in a header, a JSON body, with or without a query.
      [
        { ...initialize(user), url: '/v1/initialize', headers: { ...json, 'statsig-api-key': serverKey } },
        true,
      ],
      [initialize(user, 'st=javascript-client', { ...json, 'statsig-api-key': serverKey }), true],
      // As browsers send it: base64 of the JSON, reversed; and gzipped on top.
      [initialize(encoded, `${statsigQuery()}&se=1`), true],
      [{ ...initialize(user, `${statsigQuery()}&gz=1`, json), body: gzipSync(text) }, true],
    ];
    const origin = { ...statsigText, origin: 'https://app.example.com' };
    for (const sinceTime of [time, time + 60_000, time - 1, 0, null]) {
      const unchanged = typeof sinceTime === 'number' && sinceTime >= time;
      calls.push([initialize({ ...user, sinceTime }, statsigQuery(), origin), !unchanged]);
    }
    for (const [call, hasUpdates] of calls) {
      const answer = await both(call);
      expect(answer).toMatchObject({ status: 200, byLane: true });
      expect(JSON.parse(answer.body)).toMatchObject({ has_updates: hasUpdates, time });
    }
  });

  it('leaves Statsig requests it does not read plainly to Fastify, which answers them', async () => {
    const user = { user: { userID: 'user-11' }, hash: 'djb2' };
    const calls: Call[] = [
      initialize(user, `${statsigQuery()}&sid=a%20b`),
      initialize(user, `${statsigQuery()}&sid=a+b`),
      initialize(user, statsigQuery(), { 'content-type': 'application/x-www-form-urlencoded' }),
      { ...initialize(user), url: `/v1/initialize/?${statsigQuery()}` },
    ];
    for (const call of calls) {
      const answer = await both(call);
      expect({ url: call.url, status: answer.status, byLane: answer.byLane }).toEqual({
        url: call.url,
        status: 200,
        byLane: false,
      });
    }
  });

  it("reads Statsig bodies with the route's own parser, so it answers what the route accepts", async () => {
    // Plain JSON.parse keeps a `__proto__` key as data, where the JSON routes' parser refuses it.
    const answer = await both(initialize('{"user":{"userID":"a","__proto__":{"x":1}},"hash":"none"}'));
    expect({ status: answer.status, byLane: answer.byLane }).toEqual({ status: 200, byLane: true });
  });

  it('leaves every refusal to Fastify, which answers it as before', async () => {
    const post = (body: string, headers = flagsmith(clientKey, json)) =>
      ({ method: 'POST', url: '/api/v1/identities/', headers, body }) as const;
    const refusals: [Call, number][] = [
      [{ method: 'GET', url: '/api/v1/flags/' }, 401],
      [{ method: 'GET', url: '/api/v1/flags/', headers: flagsmith('not-a-key') }, 401],
      [{ method: 'GET', url: '/api/v1/flags/?feature=nowhere', headers: flagsmith(clientKey) }, 404],
      [post('{"identifier":'), 400],
      [post(JSON.stringify({ identifier: 'u', traits: 'plan' })), 400],
      [post(JSON.stringify({ identifier: 'u', traits: [{ trait_key: 'a\u0000b', trait_value: 1 }] })), 400],
      [post('{"identifier":"u","__proto__":{"x":1}}'), 400],
      [post(`{"identifier":"u","traits":${'['.repeat(100)}${']'.repeat(100)}}`), 400],
      [post(JSON.stringify({ traits: [] })), 400],
      [
        post(
          JSON.stringify({ identifier: 'u', traits: [{ trait_key: 'a', trait_value: 'x'.repeat(3000) }] }),
        ),
        400,
      ],
      [post('{"identifier":"u"}', flagsmith(clientKey, { 'content-type': 'text/plain' })), 400],
      [
        {
          method: 'OPTIONS',
          url: '/api/v1/identities/',
          headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
        },
        204,
      ],
    ];
    const bearer = { authorization: `Bearer ${clientKey}`, ...json };
    refusals.push(
      [{ method: 'POST', url: '/api/sdk/v1/flags', headers: bearer, body: '{"traits":{"plan":"pro"}}' }, 400],
      [
        { method: 'POST', url: '/api/sdk/v1/flags', headers: bearer, body: '{"identifier":"u","colour":1}' },
        400,
      ],
      [
        { method: 'POST', url: '/ofrep/v1/evaluate/flags', headers: bearer, body: '{"context":{"plan":{}}}' },
        400,
      ],
      [{ method: 'POST', url: '/ofrep/v1/evaluate/flags', headers: bearer, body: '{"context":[]}' }, 400],
      // Statsig: a server key in the URL, an unknown key, a repeated one (no key), a bad query, bad bodies.
      [initialize({ user: { userID: 'u' } }, `k=${serverKey}`), 403],
      [initialize({ user: { userID: 'u' } }, 'k=not-a-key'), 401],
      [initialize({ user: { userID: 'u' } }, `k=${clientKey}&k=${clientKey}`), 401],
      [initialize({ user: { userID: 'u' } }, `k=${clientKey}&x=%00`), 400],
      [initialize('{"user":', `k=${clientKey}`), 400],
      [initialize({ user: { userID: 'u' }, hash: 'md5' }, `k=${clientKey}`), 400],
      [initialize({ user: { userID: 'u', custom: { plan: { nested: true } } } }, `k=${clientKey}`), 400],
      [initialize('not base64 at all', `k=${clientKey}&se=1`), 400],
      [initialize('{"user":{}}', `k=${clientKey}&gz=1`), 400],
      // A byte-order mark: the route's JSON.parse refuses it, though the lane's parser would skip it.
      [initialize('\ufeff{"user":{"userID":"u"}}', `k=${clientKey}`), 400],
    );
    for (const [call, status] of refusals) {
      const answer = await both(call);
      expect({ url: call.url, body: call.body, status: answer.status }).toEqual({
        url: call.url,
        body: call.body,
        status,
      });
      expect(answer.byLane).toBe(false);
    }
  });

  it('leaves OFREP revalidations to Fastify', async () => {
    const call = {
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags',
      headers: { authorization: `Bearer ${clientKey}`, ...json },
      body: JSON.stringify({ context: { targetingKey: 'user-5' } }),
    } as const;
    const { headers } = await both(call);
    const revalidated = await both({ ...call, headers: { ...call.headers, 'if-none-match': headers.etag } });
    expect(revalidated).toMatchObject({ status: 304, byLane: false });
  });

  it('leaves identities that need storage to Fastify', async () => {
    const call = {
      method: 'POST',
      url: '/api/v1/identities/',
      headers: flagsmith(clientKey, json),
      body: JSON.stringify({
        identifier: 'stored-user',
        traits: [{ trait_key: 'plan', trait_value: 'pro' }],
      }),
    } as const;
    const answer = await both(call);
    expect(answer).toMatchObject({ status: 200, byLane: false });
    expect(JSON.parse(answer.body).traits).toEqual([{ trait_key: 'plan', trait_value: 'pro' }]);
  });
});

describeEachDialect('SDK fast lane and rate limits', (getDatabase) => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    // One request a second per key, two at once.
    t = await createTestApp(getDatabase(), { sdkRateLimit: 1 });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  it('charges a request once, whether the lane or Fastify answers it, and Fastify refuses the excess', async () => {
    const key = t.environments[0].clientKey;
    // Built beforehand: the lane leaves a request to Fastify while its snapshot is being built.
    await t.context.evaluation.snapshot(t.environments[0].id);
    const send = (body: string) =>
      fetch(`${base}/api/v1/identities/`, {
        method: 'POST',
        headers: { 'x-environment-key': key, 'content-type': 'application/json' },
        body,
      });
    // Admitted by the lane, refused by Fastify for its body: one token, not two.
    expect((await send('{"identifier":')).status).toBe(400);
    const lane = t.context.fastLane;
    const before = lane?.answered ?? 0;
    expect((await send('{"identifier":"u","transient":true}')).status).toBe(200);
    expect(lane?.answered).toBe(before + 1);
    const refused = await send('{"identifier":"u","transient":true}');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await refused.json()).code).toBe('rate_limited');
  });

  it('charges a Statsig request with its key in the URL once too', async () => {
    const environment = t.environments[1];
    await t.context.evaluation.snapshot(environment.id);
    const send = (body: string) =>
      fetch(`${base}/v1/initialize?k=${environment.clientKey}&st=javascript-client`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body,
      });
    expect((await send('{"user":')).status).toBe(400);
    const lane = t.context.fastLane;
    const before = lane?.answered ?? 0;
    expect((await send('{"user":{"userID":"u"},"hash":"djb2"}')).status).toBe(200);
    expect(lane?.answered).toBe(before + 1);
    const refused = await send('{"user":{"userID":"u"},"hash":"djb2"}');
    expect(refused.status).toBe(429);
    expect((await refused.json()).code).toBe('rate_limited');
  });
});
