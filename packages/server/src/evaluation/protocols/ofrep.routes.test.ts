import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { loadConfig } from '../../config.js';
import { registerErrorHandler } from '../../http/error-handler.js';
import { registerValidation } from '../../http/validation.js';
import { InProcessChangeBus } from '../../realtime/change-bus.js';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { describeEachDialect } from '../../testing/databases.js';
import { SseReader, until } from '../../testing/sse-client.js';
import { SdkGuard } from '../sdk-guard.js';
import { ofrepRoutes } from './ofrep.routes.js';

describeEachDialect('OFREP v1 API', (getDatabase) => {
  let t: TestApp;
  let clientKey: string;
  let serverKey: string;
  let environmentId: string;
  const featureIds: Record<string, string> = {};

  const admin = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, payload });
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const one = (flag: string, context?: object, headers: Record<string, string> = auth(clientKey)) =>
    t.app.inject({
      method: 'POST',
      url: `/ofrep/v1/evaluate/flags/${flag}`,
      headers,
      payload: context === undefined ? {} : { context },
    });
  const bulk = (context?: object, headers: Record<string, string> = auth(clientKey)) =>
    t.app.inject({
      method: 'POST',
      url: '/ofrep/v1/evaluate/flags',
      headers,
      payload: context === undefined ? {} : { context },
    });
  const createFeature = async (body: object, state?: object) => {
    const feature = (await admin('POST', `/projects/${t.projectId}/features`, body)).json();
    featureIds[feature.key] = feature.id;
    if (state) {
      const patched = await admin(
        'PATCH',
        `/environments/${environmentId}/feature-states/${feature.id}`,
        state,
      );
      expect(patched.statusCode, patched.body).toBe(200);
    }
  };
  const countRows = async () => {
    const { db } = getDatabase();
    const identities = await db
      .selectFrom('identities')
      .select(db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const traits = await db
      .selectFrom('identity_traits')
      .select(db.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(identities.n) + Number(traits.n);
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const production = t.environments.find((e) => e.key === 'production');
    if (!production) throw new Error('bootstrap made no production environment');
    environmentId = production.id;
    clientKey = production.clientKey;
    serverKey = (
      await admin('POST', `/environments/${environmentId}/server-keys`, { name: 'backend' })
    ).json().key;

    await createFeature({ key: 'dark_mode', type: 'boolean' }, { enabled: true });
    await createFeature({ key: 'banner', type: 'string', default_value: 'hello' }, { enabled: true });
    await createFeature({ key: 'max_items', type: 'number', default_value: 10 }, { enabled: true });
    await createFeature(
      { key: 'theme', type: 'json', default_value: { color: 'blue', sizes: [1, 2] } },
      { enabled: true },
    );
    await createFeature({ key: 'off_text', type: 'string', default_value: 'unused' });
    await createFeature({ key: 'internal', type: 'boolean', server_key_only: true, default_enabled: true });
    await createFeature(
      { key: 'headline', type: 'string', default_value: 'control copy' },
      {
        enabled: true,
        variants: [
          { key: 'bold', value: 'BOLD', weight: 50 },
          { key: 'calm', value: 'calm', weight: 50 },
        ],
      },
    );
    const segment = (
      await admin('POST', `/projects/${t.projectId}/segments`, {
        name: 'pro users',
        rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
      })
    ).json();
    const override = await admin('POST', `/environments/${environmentId}/segment-overrides`, {
      segment_id: segment.id,
      feature_id: featureIds.banner,
      enabled: true,
      value: 'welcome, pro',
    });
    expect(override.statusCode, override.body).toBe(201);
  });
  afterAll(() => t.close());

  it('evaluates one flag of each type, typed per DESIGN §2, with OpenFeature reasons', async () => {
    const cases: [string, unknown][] = [
      ['dark_mode', true],
      ['banner', 'hello'],
      ['max_items', 10],
      ['theme', { color: 'blue', sizes: [1, 2] }],
    ];
    for (const [flag, value] of cases) {
      const response = await one(flag, { targetingKey: 'ana' });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({
        key: flag,
        value,
        reason: 'DEFAULT',
        metadata: expect.objectContaining({ reasonDetail: 'DEFAULT' }),
      });
    }
  });

  it('answers a disabled non-boolean flag with reason DISABLED and no value, so the default applies', async () => {
    const body = (await one('off_text', { targetingKey: 'ana' })).json();
    expect(body).toMatchObject({ key: 'off_text', reason: 'DISABLED' });
    expect(body).not.toHaveProperty('value');
    expect(body).not.toHaveProperty('variant');
  });

  it('applies segment rules to attributes, keeping the engine reason in metadata', async () => {
    const body = (await one('banner', { targetingKey: 'ana', plan: 'pro' })).json();
    expect(body).toEqual({
      key: 'banner',
      value: 'welcome, pro',
      reason: 'TARGETING_MATCH',
      metadata: { reasonDetail: 'TARGETING_MATCH', type: 'string' },
    });
    // Attributes without a targeting key still reach the rules.
    expect((await one('banner', { plan: 'pro' })).json()).toMatchObject({
      value: 'welcome, pro',
      reason: 'TARGETING_MATCH',
    });
    expect((await one('banner', { targetingKey: 'ana', plan: 'free', ignored: null })).json().value).toBe(
      'hello',
    );
  });

  it('splits a multivariate flag by targeting key, deterministically, and not without one', async () => {
    const seen = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      const body = (await one('headline', { targetingKey: `user-${i}` })).json();
      expect(body.reason).toBe('SPLIT');
      expect(body.metadata.reasonDetail).toMatch(/^SPLIT; weight=50/);
      expect(body.value).toBe(body.variant === 'bold' ? 'BOLD' : 'calm');
      seen.set(`user-${i}`, body.variant);
    }
    expect(new Set(seen.values())).toEqual(new Set(['bold', 'calm']));
    expect((await one('headline', { targetingKey: 'user-7' })).json().variant).toBe(seen.get('user-7'));

    const anonymous = (await one('headline')).json();
    expect(anonymous).toMatchObject({ value: 'control copy', reason: 'DEFAULT' });
    expect(anonymous).not.toHaveProperty('variant');
  });

  it('answers FLAG_NOT_FOUND for unknown flags and for server-only flags asked with a client key', async () => {
    for (const flag of ['nope', 'internal']) {
      const response = await one(flag);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({
        key: flag,
        errorCode: 'FLAG_NOT_FOUND',
        errorDetails: expect.any(String),
      });
    }
    const byServer = await one('internal', {}, { 'x-api-key': serverKey });
    expect(byServer.json()).toMatchObject({ key: 'internal', value: true });
  });

  it('refuses unusable contexts and bodies with 400 and an OFREP error code, writing nothing', async () => {
    const before = await countRows();
    const cases: [string | object, string, string][] = [
      [
        { context: { targetingKey: 'x', address: { city: 'Paris' } } },
        'INVALID_CONTEXT',
        'invalid_trait_value',
      ],
      [{ context: { targetingKey: 'x', tags: ['a'] } }, 'INVALID_CONTEXT', 'invalid_trait_value'],
      [{ context: { targetingKey: 42 } }, 'INVALID_CONTEXT', 'invalid_identifier'],
      [{ context: { targetingKey: 'k'.repeat(1001) } }, 'INVALID_CONTEXT', 'identifier_too_long'],
      [{ context: { targetingKey: 'x', plan: 'p'.repeat(2001) } }, 'INVALID_CONTEXT', 'trait_value_too_long'],
      [
        { context: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`a${i}`, i])) },
        'INVALID_CONTEXT',
        'too_many_traits',
      ],
      [{ context: 'not an object' }, 'INVALID_CONTEXT', 'invalid_request'],
      [{ context: {}, extra: true }, 'INVALID_CONTEXT', 'invalid_request'],
      ['{"context":', 'PARSE_ERROR', 'malformed_json'],
    ];
    for (const [payload, errorCode, code] of cases) {
      for (const url of ['/ofrep/v1/evaluate/flags/banner', '/ofrep/v1/evaluate/flags']) {
        const response = await t.app.inject({
          method: 'POST',
          url,
          headers: { ...auth(clientKey), 'content-type': 'application/json' },
          payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        });
        const label = `${url} ${JSON.stringify(payload).slice(0, 60)}`;
        expect(response.statusCode, label).toBe(400);
        const expected = { errorCode, errorDetails: expect.any(String), metadata: { code } };
        expect(response.json(), label).toEqual(
          url.endsWith('banner') ? { key: 'banner', ...expected } : expected,
        );
      }
    }
    expect(await countRows()).toBe(before);
  });

  it('refuses missing and unknown keys with 401 in the OFREP error shape; takes X-API-Key', async () => {
    const attempts: Record<string, string>[] = [{}, auth('not-a-key'), { 'x-api-key': 'not-a-key' }];
    for (const headers of attempts) {
      const single = await one('banner', {}, headers);
      expect(single.statusCode).toBe(401);
      expect(single.json()).toMatchObject({
        key: 'banner',
        errorCode: 'GENERAL',
        errorDetails: expect.any(String),
      });
      const many = await bulk({}, headers);
      expect(many.statusCode).toBe(401);
      expect(many.json()).toMatchObject({ errorCode: 'GENERAL' });
      expect(many.json()).not.toHaveProperty('key');
    }
    expect((await one('banner', {}, { 'x-api-key': clientKey })).statusCode).toBe(200);
  });

  it('evaluates every visible flag in bulk, with an event stream entry', async () => {
    const response = await bulk({ targetingKey: 'ana', plan: 'pro' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const byKey = Object.fromEntries(body.flags.map((f: { key: string }) => [f.key, f]));
    expect(Object.keys(byKey).sort()).toEqual([
      'banner',
      'dark_mode',
      'headline',
      'max_items',
      'off_text',
      'theme',
    ]);
    expect(byKey.dark_mode).toMatchObject({ value: true, reason: 'DEFAULT' });
    expect(byKey.banner).toMatchObject({ value: 'welcome, pro', reason: 'TARGETING_MATCH' });
    expect(byKey.max_items.value).toBe(10);
    expect(byKey.theme.value).toEqual({ color: 'blue', sizes: [1, 2] });
    expect(byKey.off_text).toEqual({
      key: 'off_text',
      reason: 'DISABLED',
      metadata: { reasonDetail: 'DISABLED', type: 'string' },
    });
    expect(byKey.headline).toMatchObject({
      reason: 'SPLIT',
      variant: expect.stringMatching(/^(bold|calm)$/),
    });
    const requestUri = `/ofrep/v1/events?key=${encodeURIComponent(clientKey)}`;
    expect(body.eventStreams).toEqual([
      { type: 'sse', url: `http://localhost:80${requestUri}`, endpoint: { requestUri } },
    ]);

    const byServer = (await bulk({}, auth(serverKey))).json();
    expect(byServer.flags.map((f: { key: string }) => f.key)).toContain('internal');
    // The stream URL never carries the server key.
    expect(byServer.eventStreams[0].url).toContain(encodeURIComponent(clientKey));
  });

  it('builds the stream URL from PENNON_PUBLIC_URL when set, whatever Host the request names', async () => {
    // A second server over the same database, as another replica behind a proxy would be.
    const config = loadConfig({}, { logLevel: 'silent', publicUrl: 'https://flags.example.com/' });
    const bus = new InProcessChangeBus();
    const { app } = await buildApp({ config, database: getDatabase(), bus, logger: false });
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/ofrep/v1/evaluate/flags',
        headers: { ...auth(clientKey), host: 'attacker.example', 'x-forwarded-host': 'attacker.example' },
        payload: {},
      });
      expect(response.statusCode).toBe(200);
      const requestUri = `/ofrep/v1/events?key=${encodeURIComponent(clientKey)}`;
      expect(response.json().eventStreams).toEqual([
        { type: 'sse', url: `https://flags.example.com${requestUri}`, endpoint: { requestUri } },
      ]);
    } finally {
      await app.close();
      await bus.close();
    }
  });

  it('tags bulk answers by configuration and context, and answers 304 to a matching If-None-Match', async () => {
    const first = await bulk({ targetingKey: 'ana', plan: 'pro', age: 30 });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);

    const same = await bulk(
      { age: 30, plan: 'pro', targetingKey: 'ana' },
      { ...auth(clientKey), 'if-none-match': etag },
    );
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');
    expect(same.headers.etag).toBe(etag);
    const listed = await bulk(
      { targetingKey: 'ana', plan: 'pro', age: 30 },
      { ...auth(clientKey), 'if-none-match': `"x", W/${etag}` },
    );
    expect(listed.statusCode).toBe(304);

    const otherUser = await bulk(
      { targetingKey: 'bo', plan: 'pro', age: 30 },
      { ...auth(clientKey), 'if-none-match': etag },
    );
    expect(otherUser.statusCode).toBe(200);
    expect(otherUser.headers.etag).not.toBe(etag);
    const otherTrait = await bulk(
      { targetingKey: 'ana', plan: 'free', age: 30 },
      { ...auth(clientKey), 'if-none-match': etag },
    );
    expect(otherTrait.statusCode).toBe(200);
    const serverSees = await bulk(
      { targetingKey: 'ana', plan: 'pro', age: 30 },
      { ...auth(serverKey), 'if-none-match': etag },
    );
    expect(serverSees.statusCode).toBe(200);

    await admin('PATCH', `/environments/${environmentId}/feature-states/${featureIds.max_items}`, {
      value: 11,
    });
    const changed = await bulk(
      { targetingKey: 'ana', plan: 'pro', age: 30 },
      { ...auth(clientKey), 'if-none-match': etag },
    );
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.json().flags.find((f: { key: string }) => f.key === 'max_items').value).toBe(11);
  });

  it('never writes identities or traits, whatever the context', async () => {
    const before = await countRows();
    await one('banner', { targetingKey: 'transient-1', plan: 'pro' });
    await bulk({ targetingKey: 'transient-2', plan: 'pro', age: 3 });
    await bulk({ plan: 'pro' });
    expect(await countRows()).toBe(before);
    const { db } = getDatabase();
    const rows = await db
      .selectFrom('identities')
      .selectAll()
      .where('identifier', 'like', 'transient-%')
      .execute();
    expect(rows).toEqual([]);
  });

  it('answers 429 with Retry-After once a key exceeds its limit, per key', async () => {
    const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
    registerValidation(app);
    registerErrorHandler(app);
    const sdkGuard = new SdkGuard(t.context.keys, {
      perKey: { perSecond: 0.2, burst: 2 },
      perAddress: false,
      eventBytes: false,
    });
    await app.register(ofrepRoutes({ ...t.context, sdkGuard }), { prefix: '/ofrep/v1' });
    try {
      const call = (key: string) =>
        app.inject({
          method: 'POST',
          url: '/ofrep/v1/evaluate/flags/banner',
          headers: auth(key),
          payload: { context: {} },
        });
      expect((await call(clientKey)).statusCode).toBe(200);
      expect((await call(clientKey)).statusCode).toBe(200);
      const limited = await call(clientKey);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(5);
      expect(limited.json()).toMatchObject({
        key: 'banner',
        errorCode: 'GENERAL',
        metadata: { code: 'rate_limited' },
      });
      const bulkLimited = await app.inject({
        method: 'POST',
        url: '/ofrep/v1/evaluate/flags',
        headers: auth(clientKey),
        payload: {},
      });
      expect(bulkLimited.statusCode).toBe(429);
      expect(bulkLimited.headers['retry-after']).toBeDefined();
      // Another key has its own bucket.
      expect((await call(serverKey)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('refuses server keys and unknown keys on the stream URL', async () => {
    const byServer = await t.app.inject({ url: `/ofrep/v1/events?key=${encodeURIComponent(serverKey)}` });
    expect(byServer.statusCode).toBe(403);
    expect(byServer.json()).toMatchObject({ errorCode: 'GENERAL', metadata: { code: 'forbidden' } });
    expect((await t.app.inject({ url: '/ofrep/v1/events?key=nope' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/ofrep/v1/events' })).statusCode).toBe(401);
  });

  it('streams refetchEvaluation events: one on connect, one per change of the environment', async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const response = await fetch(`${base}/ofrep/v1/events?key=${encodeURIComponent(clientKey)}`, {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no stream body');
    const events = sseEvents(reader);
    try {
      const initial = await events.next();
      const snapshot = await t.context.evaluation.snapshot(environmentId);
      expect(initial).toEqual({
        type: 'refetchEvaluation',
        etag: snapshot.etag,
        lastModified: snapshot.updatedAtSeconds,
      });

      await admin('PATCH', `/environments/${environmentId}/feature-states/${featureIds.dark_mode}`, {
        enabled: false,
      });
      const changed = await events.next();
      expect(changed.type).toBe('refetchEvaluation');
      expect(changed.etag).not.toBe(initial.etag);
      expect(changed.etag).toBe((await t.context.evaluation.snapshot(environmentId)).etag);
    } finally {
      controller.abort();
      await reader.cancel().catch(() => {});
    }
  });

  it('ends the stream when its client key is rotated, like every other stream', async () => {
    const base = t.app.server.listening
      ? `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`
      : await t.app.listen({ port: 0, host: '127.0.0.1' });
    const reader = await SseReader.open(`${base}/ofrep/v1/events?key=${encodeURIComponent(clientKey)}`);
    try {
      await reader.next();
      const rotated = await admin('POST', `/environments/${environmentId}/client-key/rotate`);
      expect(rotated.statusCode).toBe(200);
      clientKey = rotated.json().client_key;
      await until(() => reader.ended, 'the OFREP stream of the old key to end');
    } finally {
      reader.close();
    }
  });
});

/** Unnamed SSE events' JSON data, in order; comments (heartbeats) are skipped. */
function sseEvents(reader: ReadableStreamDefaultReader<Uint8Array>) {
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<{ type: string; etag?: string; lastModified?: number }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          expect(block).not.toMatch(/^event:/m);
          if (data) return JSON.parse(data);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}
