import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashToken } from '../auth/tokens.js';
import { newId } from '../shared/ids.js';
import { newAdminToken } from '../shared/keys.js';
import type { Tables } from '../storage/tables.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

/** A second tenant, written straight to storage: it must never reach the first one's organisation. */
async function createOtherOrganisation(db: Kysely<Tables>) {
  const now = new Date().toISOString();
  const organisationId = newId();
  const token = newAdminToken();
  await db
    .insertInto('organisations')
    .values({ id: organisationId, name: 'Other', created_at: now })
    .execute();
  await db
    .insertInto('admin_tokens')
    .values({
      id: newId(),
      organisation_id: organisationId,
      name: 'other',
      token_hash: hashToken(token),
      created_at: now,
    })
    .execute();
  return { organisationId, headers: { authorization: `Bearer ${token}` } };
}

const organisations = (db: Kysely<Tables>) =>
  db.selectFrom('organisations').selectAll().orderBy('id').execute();

describeEachDialect('organisation routes', (getDatabase) => {
  let t: TestApp;
  const call = (method: 'GET' | 'PATCH', payload?: unknown, headers: Record<string, string> = t.admin) =>
    t.app.inject({
      method,
      url: '/api/admin/v1/organisation',
      headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined
        ? {}
        : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
  });
  afterAll(() => t.close());

  it("returns the caller's organisation", async () => {
    const response = await call('GET');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: t.organisationId,
      name: 'Default organisation',
      created_at: expect.any(String),
    });
  });

  it('renames the organisation', async () => {
    const response = await call('PATCH', { name: 'Acme' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: t.organisationId, name: 'Acme' });
    expect((await call('GET')).json().name).toBe('Acme');
    expect((await call('PATCH', {})).json().name).toBe('Acme');
  });

  it('shows and renames only the organisation of the token', async () => {
    const other = await createOtherOrganisation(getDatabase().db);
    expect((await call('GET', undefined, other.headers)).json()).toMatchObject({
      id: other.organisationId,
      name: 'Other',
    });
    expect((await call('PATCH', { name: 'Renamed by other' }, other.headers)).json().id).toBe(
      other.organisationId,
    );
    expect((await call('GET')).json()).toMatchObject({ id: t.organisationId, name: 'Acme' });
  });

  for (const [title, payload] of [
    ['malformed JSON', '{"name": "Acme'],
    ['a name of the wrong type', { name: 42 }],
    ['a null name', { name: null }],
    ['an unknown property', { name: 'Fine', plan: 'enterprise' }],
    ['an oversized name', { name: 'x'.repeat(201) }],
    ['an empty name', { name: '' }],
    ['an array body', [{ name: 'Acme' }]],
  ] as const) {
    it(`refuses ${title} with 400 and changes nothing`, async () => {
      const before = await organisations(getDatabase().db);
      const response = await call('PATCH', payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: title === 'malformed JSON' ? 'malformed_json' : 'invalid_request',
        message: expect.any(String),
      });
      expect(await organisations(getDatabase().db)).toEqual(before);
    });
  }

  for (const [title, headers] of [
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer pat_wrong' }],
  ] as const) {
    it(`answers 401 unauthorized to ${title} and changes nothing`, async () => {
      const before = await organisations(getDatabase().db);
      for (const method of ['GET', 'PATCH'] as const) {
        const response = await call(method, method === 'PATCH' ? { name: 'Anonymous' } : undefined, headers);
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      }
      expect(await organisations(getDatabase().db)).toEqual(before);
    });
  }
});
