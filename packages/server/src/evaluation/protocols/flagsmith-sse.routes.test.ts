import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { describeEachDialect } from '../../testing/databases.js';
import { SseReader, sleep, until } from '../../testing/sse-client.js';

describeEachDialect('Flagsmith realtime stream', (getDatabase) => {
  let t: TestApp;
  let url: string;
  let development: { id: string; clientKey: string };
  let production: { id: string; clientKey: string };
  const readers: SseReader[] = [];

  const admin = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: object) =>
    fetch(`${url}/api/admin/v1${path}`, {
      method,
      headers: { ...t.admin, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const stream = async (clientKey: string) => {
    const reader = await SseReader.open(`${url}/sse/environments/${encodeURIComponent(clientKey)}/stream`);
    readers.push(reader);
    return reader;
  };
  /** What Flagsmith's client remembers after fetching flags. */
  const documentUpdatedAt = async (clientKey: string) => {
    const response = await fetch(`${url}/api/v1/flags/`, { headers: { 'x-environment-key': clientKey } });
    expect(response.status).toBe(200);
    return Number(response.headers.get('x-flagsmith-document-updated-at'));
  };
  const updatedAt = (data: string) => (JSON.parse(data) as { updated_at: number }).updated_at;

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const byKey = (key: string) =>
      t.environments.find((e) => e.key === key) as { id: string; clientKey: string };
    development = byKey('development');
    production = byKey('production');
  });
  afterEach(() => {
    for (const reader of readers.splice(0)) reader.close();
  });
  afterAll(async () => {
    // Test clients' idle keep-alive sockets would hold graceful close for seconds.
    t.app.server.closeAllConnections();
    await t.close();
  });

  it('announces the current state at once, with the time the flags endpoint reports', async () => {
    const reader = await stream(development.clientKey);
    expect(reader.response.status).toBe(200);
    expect(reader.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const first = await reader.next();
    expect(first.event).toBe('environment_updated');
    expect(first.data).toMatch(/^\{"updated_at":\d+(\.\d+)?\}$/);
    expect(updatedAt(first.data)).toBe(await documentUpdatedAt(development.clientKey));
  });

  it('serves the same stream under /api/v1, for clients configured with the API address', async () => {
    const reader = await SseReader.open(
      `${url}/api/v1/sse/environments/${encodeURIComponent(development.clientKey)}/stream`,
    );
    readers.push(reader);
    expect(reader.response.status).toBe(200);
    expect((await reader.next()).event).toBe('environment_updated');
  });

  it('sends environment_updated on a change of its environment, never older than what a refetch then reports', async () => {
    const reader = await stream(development.clientKey);
    const before = updatedAt((await reader.next()).data);
    expect((await admin('PATCH', `/environments/${development.id}`, { name: 'Dev renamed' })).status).toBe(
      200,
    );
    const event = await reader.next((e) => e.event === 'environment_updated');
    expect(updatedAt(event.data)).toBeGreaterThan(before);
    // Flagsmith's client refetches only when updated_at is newer than its header value.
    expect(await documentUpdatedAt(development.clientKey)).toBe(updatedAt(event.data));
  });

  it('sends environment_updated on a project-level change (a new feature) and not for other environments', async () => {
    const reader = await stream(development.clientKey);
    await reader.next();
    expect((await admin('PATCH', `/environments/${production.id}`, { name: 'Prod renamed' })).status).toBe(
      200,
    );
    await sleep(150);
    expect(reader.events).toHaveLength(1);
    const created = await admin('POST', `/projects/${t.projectId}/features`, {
      key: 'live_feature',
      type: 'boolean',
    });
    expect(created.status).toBe(201);
    const event = await reader.next();
    expect(updatedAt(event.data)).toBe(await documentUpdatedAt(development.clientKey));
  });

  it('says nothing when a change leaves its environment as it was', async () => {
    const reader = await stream(development.clientKey);
    await reader.next();
    await t.context.bus.publish({ projectId: '*', all: true, at: new Date().toISOString() });
    await sleep(150);
    expect(reader.events).toHaveLength(1);
  });

  it('answers an unknown key with 401 in Flagsmith’s error shape, an overlong one too (no key is that long), before anything else', async () => {
    const unknown = await fetch(`${url}/sse/environments/nope/stream`);
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({
      detail:
        'The environment key is not valid: no environment has it (deleted or rotated?). Send an environment key ' +
        '(its client key, or a server key ser.…) in the URL path (/sse/environments/<key>/stream).',
    });
    const long = await fetch(`${url}/sse/environments/${'k'.repeat(201)}/stream`);
    expect(long.status).toBe(401);
    expect(Object.keys(await long.json())).toEqual(['detail']);
    expect(t.context.sse.connectionCount).toBe(0);
  });

  it('ends the stream when its key is rotated away', async () => {
    const reader = await stream(production.clientKey);
    await reader.next();
    const rotated = await admin('POST', `/environments/${production.id}/client-key/rotate`);
    expect(rotated.status).toBe(200);
    production.clientKey = ((await rotated.json()) as { client_key: string }).client_key;
    await until(() => reader.ended, 'the stream of the old key to end');
    const renewed = await stream(production.clientKey);
    expect((await renewed.next()).event).toBe('environment_updated');
  });
});
