import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

// Isolation, bad input and 401s for these routes are in environments.routes.test.ts, which
// covers the whole route family.
describeEachDialect('server key routes', (getDatabase) => {
  let t: TestApp;
  let environmentId: string;
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/admin/v1${url}`, headers: t.admin, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const development = t.environments.find((e) => e.key === 'development');
    if (!development) throw new Error('bootstrap made no development environment');
    environmentId = development.id;
  });
  afterAll(() => t.close());

  it('shows a new key once, masks it in lists, and revokes it on delete', async () => {
    const created = await call('POST', `/environments/${environmentId}/server-keys`, { name: 'backend' });
    expect(created.statusCode).toBe(201);
    const serverKey = created.json();
    expect(serverKey).toEqual({
      id: expect.any(String),
      name: 'backend',
      key: expect.stringMatching(/^ser\./),
      created_at: expect.any(String),
    });
    expect(await t.context.keys.lookup(serverKey.key)).toMatchObject({ environmentId, kind: 'server' });

    const list = await call('GET', `/environments/${environmentId}/server-keys`);
    expect(list.body).not.toContain(serverKey.key);
    const listed = list.json().items.find((k: { id: string }) => k.id === serverKey.id);
    expect(listed).toEqual({
      ...serverKey,
      key: '*'.repeat(serverKey.key.length - 4) + serverKey.key.slice(-4),
    });

    const deleted = await call('DELETE', `/environments/${environmentId}/server-keys/${serverKey.id}`);
    expect(deleted.statusCode).toBe(204);
    expect(await t.context.keys.lookup(serverKey.key)).toBeUndefined();
    const again = await call('DELETE', `/environments/${environmentId}/server-keys/${serverKey.id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('server_key_not_found');
  });

  it('does not delete a key through another environment', async () => {
    const production = t.environments.find((e) => e.key === 'production');
    const serverKey = (
      await call('POST', `/environments/${environmentId}/server-keys`, { name: 'k' })
    ).json();
    const response = await call('DELETE', `/environments/${production?.id}/server-keys/${serverKey.id}`);
    expect(response.statusCode).toBe(404);
    expect(await t.context.keys.lookup(serverKey.key)).toBeDefined();
  });

  it('pages server keys with limit and next_cursor', async () => {
    const env = (
      await call('POST', `/projects/${t.projectId}/environments`, { key: 'keys-paging', name: 'K' })
    ).json();
    for (const name of ['one', 'two', 'three'])
      await call('POST', `/environments/${env.id}/server-keys`, { name });
    const first = (await call('GET', `/environments/${env.id}/server-keys?limit=2`)).json();
    expect(first.items).toHaveLength(2);
    const second = (
      await call('GET', `/environments/${env.id}/server-keys?limit=2&cursor=${first.next_cursor}`)
    ).json();
    expect(second).toEqual({ items: [expect.any(Object)], next_cursor: null });
    const paged = [...first.items, ...second.items].map((k: { name: string }) => k.name);
    expect(paged.sort()).toEqual(['one', 'three', 'two']);
  });
});
