import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { startTestEdge, type TestEdge } from '../testing/edge.js';
import { SseReader } from '../testing/sse-client.js';

/**
 * An edge following a real server over loopback HTTP answers every SDK protocol exactly as the
 * server does, from the same documents, and passes changes on to its own streams. The upstream
 * runs on SQLite: the edge never sees the database, only the server's HTTP answers.
 */
describe('pennon edge: the same answers as the server', () => {
  let database: TestDatabase;
  let t: TestApp;
  let upstream: string;
  let edge: TestEdge;
  let dev: { id: string; clientKey: string };
  let prod: { id: string; clientKey: string };
  let devServerKey: string;
  let prodServerKey: string;
  const featureIds: Record<string, string> = {};

  const admin = async (method: string, url: string, body?: object) => {
    const response = await fetch(`${upstream}/api/admin/v1${url}`, {
      method,
      headers: { ...t.admin, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  /** The same request to the server and to the edge: status, body and the named headers. */
  async function compare(path: string, init: RequestInit = {}, headers: string[] = []) {
    const [fromServer, fromEdge] = await Promise.all(
      [upstream, edge.url].map(async (base) => {
        const response = await fetch(`${base}${path}`, init);
        // Stream addresses name the host asked; everything else must match byte for byte.
        const body = (await response.text()).replaceAll(base, '<origin>');
        return { status: response.status, body, headers: headers.map((h) => response.headers.get(h)) };
      }),
    );
    expect(fromEdge, `${init.method ?? 'GET'} ${path}`).toEqual(fromServer);
    return fromEdge;
  }
  const json = (method: string, key: Record<string, string>, body: unknown): RequestInit => ({
    method,
    headers: { ...key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    t = await createTestApp(database);
    upstream = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
    dev = t.environments.find((e) => e.key === 'development') as typeof dev;
    prod = t.environments.find((e) => e.key === 'production') as typeof prod;
    devServerKey = (await admin('POST', `/environments/${dev.id}/server-keys`, { name: 'edge' })).key;
    prodServerKey = (await admin('POST', `/environments/${prod.id}/server-keys`, { name: 'edge' })).key;

    const features: [string, object, object?][] = [
      ['dark_mode', { type: 'boolean' }, { enabled: true }],
      ['internal', { type: 'boolean', server_key_only: true, default_enabled: true }],
      [
        'banner',
        { type: 'string', default_value: 'hello', description: 'Top banner', tags: ['ui'] },
        { enabled: true },
      ],
      ['limits', { type: 'json', default_value: { max: 5 } }, { enabled: true }],
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
      featureIds[key] = (await admin('POST', `/projects/${t.projectId}/features`, { key, ...definition })).id;
      if (state) await admin('PATCH', `/environments/${dev.id}/feature-states/${featureIds[key]}`, state);
    }
    const segment = await admin('POST', `/projects/${t.projectId}/segments`, {
      name: 'pro users',
      rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
    });
    await admin('POST', `/environments/${dev.id}/segment-overrides`, {
      segment_id: segment.id,
      feature_id: featureIds.banner,
      enabled: true,
      value: 'welcome, pro',
    });
    const vip = await admin('POST', `/environments/${dev.id}/identities`, { identifier: 'vip' });
    await admin('PUT', `/environments/${dev.id}/identities/${vip.id}/overrides/${featureIds.price}`, {
      enabled: true,
      value: 99,
    });
    edge = await startTestEdge(upstream, [devServerKey, prodServerKey]);
  });
  afterAll(async () => {
    await edge?.close();
    t.app.server.closeAllConnections();
    await t?.close();
    await database?.dispose();
  });

  it('serves the environment document as the server does: same text, same ETag, 304 on it', async () => {
    const served = await compare('/api/sdk/v1/environment-document', { headers: bearer(devServerKey) }, [
      'etag',
    ]);
    expect(served.status).toBe(200);
    const again = await fetch(`${edge.url}/api/sdk/v1/environment-document`, {
      headers: { ...bearer(devServerKey), 'if-none-match': served.headers[0] as string },
    });
    expect(again.status).toBe(304);
    await compare('/api/v1/environment-document/', { headers: { 'x-environment-key': devServerKey } }, [
      'x-flagsmith-document-updated-at',
    ]);
  });

  it('answers the native API alike, for client and server keys, with and without traits', async () => {
    for (const key of [dev.clientKey, devServerKey, prod.clientKey]) {
      await compare('/api/sdk/v1/flags', { headers: bearer(key) });
      for (const body of [
        { identifier: 'ana', traits: { plan: 'pro' } },
        { identifier: 'vip', transient_traits: { plan: 'free' } },
        { identifier: 'bo', traits: { plan: 'free' }, transient: true },
      ]) {
        await compare('/api/sdk/v1/flags', json('POST', bearer(key), body));
      }
    }
  });

  it('answers Flagsmith v1 alike: flags, one flag, identities with traits', async () => {
    const key = { 'x-environment-key': dev.clientKey };
    const stamp = ['x-flagsmith-document-updated-at'];
    await compare('/api/v1/flags/', { headers: key }, stamp);
    await compare('/api/v1/flags/?feature=banner', { headers: key }, stamp);
    await compare('/api/v1/flags/?feature=nope', { headers: key });
    await compare('/api/v1/identities/?identifier=vip&transient=true', { headers: key }, stamp);
    await compare(
      '/api/v1/identities/',
      json('POST', key, {
        identifier: 'cy',
        traits: [
          { trait_key: 'plan', trait_value: 'pro' },
          { trait_key: 'cart', trait_value: 12.5, transient: true },
        ],
      }),
      stamp,
    );
  });

  it('answers OFREP alike: bulk with ETag and 304, single flags, errors', async () => {
    const key = bearer(dev.clientKey);
    const context = { context: { targetingKey: 'ana', plan: 'pro' } };
    const bulk = await compare('/ofrep/v1/evaluate/flags', json('POST', key, context), ['etag']);
    const notModified = await fetch(`${edge.url}/ofrep/v1/evaluate/flags`, {
      ...json('POST', key, context),
      headers: { ...key, 'content-type': 'application/json', 'if-none-match': bulk.headers[0] as string },
    });
    expect(notModified.status).toBe(304);
    for (const flag of ['banner', 'checkout', 'limits', 'internal', 'missing']) {
      await compare(`/ofrep/v1/evaluate/flags/${flag}`, json('POST', key, context));
    }
  });

  it('answers Statsig alike: initialize with each hash, has_updates after sinceTime', async () => {
    for (const hash of ['djb2', 'sha256', 'none']) {
      await compare(
        `/v1/initialize?k=${dev.clientKey}`,
        json('POST', {}, { user: { userID: 'ana', custom: { plan: 'pro' } }, hash }),
      );
    }
    const time = Date.parse((await admin('GET', `/environments/${dev.id}`)).updated_at);
    await compare(
      `/v1/initialize?k=${dev.clientKey}`,
      json('POST', {}, { user: { userID: 'ana' }, sinceTime: time }),
    );
  });

  it('refuses what the server refuses, with the same status and code', async () => {
    await compare('/api/sdk/v1/flags', { headers: bearer('not-a-key') });
    await compare('/api/sdk/v1/environment-document', { headers: bearer(dev.clientKey) });
    await compare('/api/sdk/v1/flags', json('POST', bearer(dev.clientKey), { identifier: 42 }));
    await compare('/api/sdk/v1/flags', json('POST', bearer(dev.clientKey), { traits: { plan: 'pro' } }));
    await compare('/api/sdk/v1/events', json('POST', bearer(dev.clientKey), { events: [{ name: 'x' }] }));
    await compare(`/v1/initialize?k=${devServerKey}`, json('POST', {}, { user: { userID: 'ana' } }));
  });

  it('passes a change made through the admin API on to its streams and its answers', async () => {
    const native = await SseReader.open(`${edge.url}/api/sdk/v1/stream?key=${dev.clientKey}`);
    const flagsmith = await SseReader.open(`${edge.url}/sse/environments/${dev.clientKey}/stream`);
    try {
      const first = JSON.parse((await native.next((e) => e.event === 'change')).data) as { etag: string };
      await admin('PATCH', `/environments/${dev.id}/feature-states/${featureIds.banner}`, {
        value: 'edge-news',
      });
      const change = JSON.parse((await native.next((e) => e.event === 'change', 5000)).data) as {
        etag: string;
      };
      expect(change.etag).not.toBe(first.etag);
      await flagsmith.next((e) => e.event === 'environment_updated', 5000);
      const flags = await (
        await fetch(`${edge.url}/api/sdk/v1/flags`, { headers: bearer(dev.clientKey) })
      ).json();
      expect(flags.flags.banner.value).toBe('edge-news');
      await compare('/api/sdk/v1/flags', { headers: bearer(dev.clientKey) });
      await compare('/api/sdk/v1/environment-document', { headers: bearer(devServerKey) }, ['etag']);
    } finally {
      native.close();
      flagsmith.close();
    }
  });

  it('follows a rotated client key: the old one stops working on the edge, the new one works', async () => {
    const rotated = await admin('POST', `/environments/${prod.id}/client-key/rotate`);
    const newKey = rotated.client_key as string;
    await until(async () => (await fetch(`${edge.url}/api/sdk/v1/flags`, { headers: bearer(newKey) })).ok);
    expect((await fetch(`${edge.url}/api/sdk/v1/flags`, { headers: bearer(prod.clientKey) })).status).toBe(
      401,
    );
  });

  it("sums Flagsmith's flag analytics and reports them upstream, the environment's features only", async () => {
    const since = new Date(Date.now() - 60_000);
    const report = (counts: object) =>
      fetch(
        `${edge.url}/api/v1/analytics/flags/`,
        json('POST', { 'x-environment-key': dev.clientKey }, counts),
      );
    expect((await report({ banner: 3, invented: 7 })).status).toBe(200);
    expect((await report({ banner: 2, dark_mode: 1 })).status).toBe(200);
    await edge.analytics.flush();
    expect(await t.context.flagAnalytics.totals(dev.id, since)).toEqual({ banner: 5, dark_mode: 1 });
  });

  it('reports each environment as current in /ready', async () => {
    const ready = await (await fetch(`${edge.url}/ready`)).json();
    expect(ready.status).toBe('ready');
    expect(ready.environments).toHaveLength(2);
    for (const environment of ready.environments) {
      expect(environment).toMatchObject({ source: 'upstream', stale: false, last_error: null });
    }
  });
});

/** Polls `check` until it holds, failing after `timeoutMs`. */
async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
