import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { InProcessChangeBus } from '../realtime/change-bus.js';
import { createTestApp, TEST_ADMIN_TOKEN } from '../testing/app.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { startTestEdge, type TestEdge } from '../testing/edge.js';
import { SseReader } from '../testing/sse-client.js';
import { EdgeStartError } from './upstream-environment.js';

/**
 * What an edge does when its upstream goes away and comes back: it keeps answering with the
 * last documents, starts from the saved ones, holds events for the upstream (refusing what
 * does not fit rather than dropping it) and catches up when the upstream returns. The
 * upstream is a real server on a fixed loopback port, stopped and started again over the
 * same SQLite database.
 */
describe('pennon edge without its upstream', () => {
  let database: TestDatabase;
  let upstream: { url: string; port: number; close(): Promise<void> } | undefined;
  let port = 0;
  let environment: { id: string; clientKey: string };
  let serverKey: string;
  let bannerId: string;
  const edges: TestEdge[] = [];

  const upstreamUrl = () => `http://127.0.0.1:${port}`;
  async function startUpstream(first = false): Promise<void> {
    const bus = new InProcessChangeBus();
    let app: Awaited<ReturnType<typeof buildApp>>['app'];
    if (first) {
      app = (await createTestApp(database)).app;
    } else {
      const config = loadConfig({}, { logLevel: 'silent', dataDir: '.pennon-test-unused' });
      app = (await buildApp({ config, database, bus, logger: false })).app;
    }
    await app.listen({ port, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
    upstream = {
      url: upstreamUrl(),
      port,
      close: async () => {
        app.server.closeAllConnections();
        await app.close();
        await bus.close();
      },
    };
  }
  async function stopUpstream(): Promise<void> {
    await upstream?.close();
    upstream = undefined;
  }
  const admin = async (method: string, url: string, body?: object) => {
    const response = await fetch(`${upstreamUrl()}/api/admin/v1${url}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const edgeWith = async (overrides: Parameters<typeof startTestEdge>[2] = {}) => {
    const edge = await startTestEdge(upstreamUrl(), [serverKey], { pollIntervalSeconds: 1, ...overrides });
    edges.push(edge);
    return edge;
  };
  const flags = async (edge: TestEdge, body?: object) => {
    const response = await fetch(`${edge.url}/api/sdk/v1/flags`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${environment.clientKey}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  };
  const sendEvents = (edge: TestEdge, body: object) =>
    fetch(`${edge.url}/api/sdk/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${environment.clientKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const ready = async (edge: TestEdge) => (await (await fetch(`${edge.url}/ready`)).json()).environments[0];
  const storedEvents = () =>
    database.db
      .selectFrom('events')
      .select(['name', 'idempotency_key'])
      .where('environment_id', '=', environment.id)
      .execute();

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    await startUpstream(true);
    const projectId = (await admin('GET', '/projects')).items[0].id;
    const environments = (await admin('GET', `/projects/${projectId}/environments`)).items;
    const development = environments.find((e: { key: string }) => e.key === 'development');
    environment = { id: development.id, clientKey: development.client_key };
    serverKey = (await admin('POST', `/environments/${environment.id}/server-keys`, { name: 'edge' })).key;
    bannerId = (
      await admin('POST', `/projects/${projectId}/features`, {
        key: 'banner',
        type: 'string',
        default_value: 'v1',
      })
    ).id;
    await admin('PATCH', `/environments/${environment.id}/feature-states/${bannerId}`, { enabled: true });
    const segment = await admin('POST', `/projects/${projectId}/segments`, {
      name: 'pro users',
      rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
    });
    await admin('POST', `/environments/${environment.id}/segment-overrides`, {
      segment_id: segment.id,
      feature_id: bannerId,
      enabled: true,
      value: 'for pros',
    });
  });
  afterAll(async () => {
    for (const edge of edges) await edge.close();
    await stopUpstream();
    await database?.dispose();
  });

  it('keeps answering with the last values while the upstream is down, and catches up when it returns', async () => {
    const edge = await edgeWith();
    expect((await flags(edge)).body.flags.banner.value).toBe('v1');
    const stream = await SseReader.open(`${edge.url}/api/sdk/v1/stream?key=${environment.clientKey}`);
    try {
      await stream.next((e) => e.event === 'change');
      await stopUpstream();
      await until(async () => (await ready(edge)).stale === true);
      expect(await flags(edge)).toMatchObject({ status: 200, body: { flags: { banner: { value: 'v1' } } } });
      expect((await ready(edge)).last_error).toEqual(expect.any(String));

      await startUpstream();
      await admin('PATCH', `/environments/${environment.id}/feature-states/${bannerId}`, { value: 'v2' });
      const change = await stream.next((e) => e.event === 'change', 10_000);
      expect(JSON.parse(change.data).etag).toEqual(expect.any(String));
      expect((await flags(edge)).body.flags.banner.value).toBe('v2');
      await until(async () => (await ready(edge)).stale === false);
    } finally {
      stream.close();
    }
  });

  it('starts from the saved document while the upstream is down, and says why when it has none', async () => {
    const first = await edgeWith();
    expect((await flags(first)).body.flags.banner.value).toBe('v2');
    const saved = fs.readdirSync(first.dataDir);
    expect(saved).toHaveLength(1);
    // The key is not written down; the document is for the owner's eyes only.
    expect(saved[0]).not.toContain(serverKey);
    expect(fs.statSync(`${first.dataDir}/${saved[0]}`).mode & 0o077).toBe(0);

    await stopUpstream();
    try {
      const restarted = await edgeWith({ dataDir: first.dataDir });
      expect(await flags(restarted)).toMatchObject({
        status: 200,
        body: { flags: { banner: { value: 'v2' } } },
      });
      expect(await flags(restarted, { identifier: 'ana', traits: { plan: 'pro' } })).toMatchObject({
        body: { flags: { banner: { value: 'for pros' } } },
      });
      expect(await ready(restarted)).toMatchObject({ source: 'disk', stale: true });

      const error = await edgeWith().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EdgeStartError);
      expect((error as Error).message).toMatch(/server key ser\.\S+…: .*did not give one .* none was saved/);
      expect((error as Error).message).not.toContain(serverKey);
    } finally {
      await startUpstream();
    }
  });

  it('forwards events and exposures upstream, once each, even when the SDK retries a batch', async () => {
    const edge = await edgeWith();
    const batch = {
      events: [{ unit_id: 'ana', name: 'purchase', value: 9.5, idempotency_key: 'evt-1' }],
      exposures: [{ unit_id: 'ana', flag: 'banner', variant: null, value: 'v2', idempotency_key: 'exp-1' }],
    };
    const accepted = await sendEvents(edge, batch);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ accepted: 2, duplicates: 0 });
    expect((await sendEvents(edge, batch)).status).toBe(202);
    await until(async () => (await ready(edge)).events.sent === 4);
    expect(await storedEvents()).toEqual([{ name: 'purchase', idempotency_key: 'evt-1' }]);
    const exposures = await database.db
      .selectFrom('exposures')
      .select(['feature_key', 'value'])
      .where('environment_id', '=', environment.id)
      .execute();
    expect(exposures).toEqual([{ feature_key: 'banner', value: '"v2"' }]);
    expect((await ready(edge)).events).toMatchObject({ pending: 0, dropped: 0 });
  });

  it('holds events while the upstream is down, refuses what does not fit (503), and delivers the rest', async () => {
    const edge = await edgeWith({ maxBufferedEvents: 3 });
    await stopUpstream();
    try {
      const two = (from: number) => ({
        events: [0, 1].map((i) => ({ unit_id: 'bo', name: `held-${from + i}` })),
      });
      expect((await sendEvents(edge, two(0))).status).toBe(202);
      const refused = await sendEvents(edge, two(2));
      expect(refused.status).toBe(503);
      expect((await refused.json()).error).toMatchObject({
        code: 'edge_buffer_full',
        message: expect.stringContaining('send it again later'),
      });
      expect((await ready(edge)).events).toMatchObject({ pending: 2, dropped: 0 });
    } finally {
      await startUpstream();
    }
    await until(async () => (await ready(edge)).events.pending === 0, 15_000);
    const names = (await storedEvents()).map((e) => e.name).filter((n) => n.startsWith('held-'));
    expect(names.sort()).toEqual(['held-0', 'held-1']);
    expect((await ready(edge)).events.dropped).toBe(0);
  });

  it('keeps identities transient by default: evaluated with the traits sent, nothing stored upstream', async () => {
    const edge = await edgeWith();
    expect(await flags(edge, { identifier: 'transient-ana', traits: { plan: 'pro' } })).toMatchObject({
      status: 200,
      body: { flags: { banner: { value: 'for pros' } } },
    });
    const stored = await database.db
      .selectFrom('identities')
      .select('identifier')
      .where('identifier', '=', 'transient-ana')
      .execute();
    expect(stored).toEqual([]);
  });

  it('forwards identities and traits upstream with --identities forward, and answers 503 for them while it is down', async () => {
    const edge = await edgeWith({ identities: 'forward' });
    expect(
      (await flags(edge, { identifier: 'kept-ana', traits: { plan: 'pro' } })).body.flags.banner.value,
    ).toBe('for pros');
    // The trait is stored upstream, so a later request without it still matches the segment.
    expect((await flags(edge, { identifier: 'kept-ana' })).body.flags.banner.value).toBe('for pros');
    const listed = (await admin('GET', `/environments/${environment.id}/identities?q=kept-ana`)).items[0];
    const identity = await admin('GET', `/environments/${environment.id}/identities/${listed.id}`);
    expect(identity).toMatchObject({ identifier: 'kept-ana', traits: { plan: 'pro' } });

    await stopUpstream();
    try {
      const refused = await flags(edge, { identifier: 'kept-ana' });
      expect(refused.status).toBe(503);
      expect(refused.body.error.message).toContain('cannot be reached');
      // A transient identity needs nothing from the upstream.
      const transient = await flags(edge, {
        identifier: 'x',
        transient: true,
        transient_traits: { plan: 'pro' },
      });
      expect(transient.body.flags.banner.value).toBe('for pros');
    } finally {
      await startUpstream();
    }
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
