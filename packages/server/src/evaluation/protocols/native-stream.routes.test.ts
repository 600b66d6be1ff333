import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/app.js';
import { describeEachDialect } from '../../testing/databases.js';
import { SseReader, sleep } from '../../testing/sse-client.js';

describeEachDialect('native SDK stream', (getDatabase) => {
  let t: TestApp;
  let url: string;
  let environment: { id: string; clientKey: string };
  let serverKey: string;
  const readers: SseReader[] = [];

  const admin = (method: 'POST' | 'PATCH', path: string, body?: object) =>
    fetch(`${url}/api/admin/v1${path}`, {
      method,
      headers: { ...t.admin, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const stream = async (query = '', headers: Record<string, string> = {}) => {
    const reader = await SseReader.open(`${url}/api/sdk/v1/stream${query}`, headers);
    readers.push(reader);
    return reader;
  };
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  /** What a server SDK holds after downloading the document. */
  const documentEtag = async () =>
    (await fetch(`${url}/api/sdk/v1/environment-document`, { headers: bearer(serverKey) })).headers.get(
      'etag',
    );
  const flagsUpdatedAt = async () =>
    (
      (await (await fetch(`${url}/api/sdk/v1/flags`, { headers: bearer(environment.clientKey) })).json()) as {
        updated_at: string;
      }
    ).updated_at;
  const payload = (data: string) => JSON.parse(data) as { updated_at: string; etag: string };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    environment = t.environments.find((e) => e.key === 'development') as { id: string; clientKey: string };
    const created = await admin('POST', `/environments/${environment.id}/server-keys`, {
      name: 'stream test',
    });
    serverKey = ((await created.json()) as { key: string }).key;
  });
  afterEach(() => {
    for (const reader of readers.splice(0)) reader.close();
  });
  afterAll(async () => {
    // Test clients' idle keep-alive sockets would hold graceful close for seconds.
    t.app.server.closeAllConnections();
    await t.close();
  });

  it('sends the current state on connect: change event with updated_at and the document etag as id', async () => {
    const reader = await stream('', bearer(serverKey));
    expect(reader.response.status).toBe(200);
    expect(reader.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const first = await reader.next();
    expect(first.event).toBe('change');
    expect(first.id).toBe(payload(first.data).etag);
    expect(payload(first.data)).toEqual({ updated_at: await flagsUpdatedAt(), etag: await documentEtag() });
  });

  it('sends a change event when the environment changes, matching what a refetch then returns', async () => {
    const reader = await stream(`?key=${environment.clientKey}`);
    const before = payload((await reader.next()).data);
    expect((await admin('PATCH', `/environments/${environment.id}`, { name: 'Renamed' })).status).toBe(200);
    const after = payload((await reader.next()).data);
    expect(after.etag).not.toBe(before.etag);
    expect(after.updated_at > before.updated_at).toBe(true);
    expect(after).toEqual({ updated_at: await flagsUpdatedAt(), etag: await documentEtag() });
  });

  it('does not repeat the state a reconnecting client names in Last-Event-ID', async () => {
    const etag = (await documentEtag()) as string;
    const reader = await stream('', { ...bearer(environment.clientKey), 'last-event-id': etag });
    await sleep(150);
    expect(reader.events).toEqual([]);
    await admin('POST', `/projects/${t.projectId}/features`, { key: 'streamed_feature', type: 'boolean' });
    const event = await reader.next();
    expect(payload(event.data).etag).not.toBe(etag);
  });

  it('refuses missing, unknown and query-string server keys, and unknown query parameters', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      ['', {}, 401, 'unauthorized'],
      ['?key=nope', {}, 401, 'unauthorized'],
      [`?key=${serverKey}`, {}, 403, 'forbidden'],
      [`?key=${environment.clientKey}&other=1`, {}, 400, 'invalid_request'],
      // The key is checked before anything else: no key is that long.
      [`?key=${'k'.repeat(201)}`, {}, 401, 'unauthorized'],
    ];
    for (const [query, headers, status, code] of cases) {
      const response = await fetch(`${url}/api/sdk/v1/stream${query}`, { headers });
      expect(response.status, query).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const head = await fetch(`${url}/api/sdk/v1/stream?key=${environment.clientKey}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(t.context.sse.connectionCount).toBe(0);
  });
});
