import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../shared/ids.js';
import { newAdminToken } from '../shared/keys.js';
import type { Tables } from '../storage/tables.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';
import { hashToken } from './tokens.js';

type Method = 'GET' | 'POST' | 'DELETE';

/** A second tenant with one token, written straight to storage. */
async function createOtherOrganisation(db: Kysely<Tables>) {
  const now = new Date().toISOString();
  const organisationId = newId();
  const token = newAdminToken();
  const tokenId = newId();
  await db
    .insertInto('organisations')
    .values({ id: organisationId, name: 'Other', created_at: now })
    .execute();
  await db
    .insertInto('admin_tokens')
    .values({
      id: tokenId,
      organisation_id: organisationId,
      name: 'other',
      token_hash: hashToken(token),
      created_at: now,
    })
    .execute();
  return { organisationId, tokenId, headers: { authorization: `Bearer ${token}` } };
}

const tokenRows = (db: Kysely<Tables>) => db.selectFrom('admin_tokens').selectAll().orderBy('id').execute();

describeEachDialect('admin token routes', (getDatabase) => {
  let t: TestApp;
  const call = (method: Method, url: string, payload?: unknown, headers: Record<string, string> = t.admin) =>
    t.app.inject({
      method,
      url: `/api/admin/v1${url}`,
      headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined
        ? {}
        : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
  });
  afterAll(() => t.close());

  describe('CRUD', () => {
    it('creates a token shown once, which then authenticates', async () => {
      const created = await call('POST', '/admin-tokens', { name: 'ci' });
      expect(created.statusCode).toBe(201);
      const token = created.json();
      expect(token).toEqual({
        id: expect.any(String),
        name: 'ci',
        role: 'owner',
        created_at: expect.any(String),
        token: expect.stringMatching(/^pat_/),
      });
      expect((await call('GET', '/organisation', undefined, bearer(token.token))).json().id).toBe(
        t.organisationId,
      );

      const list = await call('GET', '/admin-tokens');
      expect(list.body).not.toContain(token.token);
      expect(list.body).not.toContain(hashToken(token.token));
      expect(list.json().items).toContainEqual({
        id: token.id,
        name: 'ci',
        role: 'owner',
        created_at: token.created_at,
      });
      for (const item of list.json().items)
        expect(Object.keys(item).sort()).toEqual(['created_at', 'id', 'name', 'role']);
    });

    it('revokes a deleted token at once', async () => {
      const token = (await call('POST', '/admin-tokens', { name: 'short-lived' })).json();
      const deleted = await call('DELETE', `/admin-tokens/${token.id}`);
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe('');
      expect((await call('GET', '/organisation', undefined, bearer(token.token))).statusCode).toBe(401);
      const again = await call('DELETE', `/admin-tokens/${token.id}`);
      expect(again.statusCode).toBe(404);
      expect(again.json().error.code).toBe('admin_token_not_found');
    });

    it('lets a token delete itself while others remain', async () => {
      const token = (await call('POST', '/admin-tokens', { name: 'self-destruct' })).json();
      expect(
        (await call('DELETE', `/admin-tokens/${token.id}`, undefined, bearer(token.token))).statusCode,
      ).toBe(204);
      expect((await call('GET', '/admin-tokens', undefined, bearer(token.token))).statusCode).toBe(401);
    });

    it('refuses to delete the last token of an organisation with 409 last_admin_token', async () => {
      const other = await createOtherOrganisation(getDatabase().db);
      const before = await tokenRows(getDatabase().db);
      const response = await call('DELETE', `/admin-tokens/${other.tokenId}`, undefined, other.headers);
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('last_admin_token');
      expect(await tokenRows(getDatabase().db)).toEqual(before);
      expect((await call('GET', '/organisation', undefined, other.headers)).statusCode).toBe(200);
    });

    it('pages tokens with limit and next_cursor', async () => {
      for (const name of ['p1', 'p2', 'p3']) await call('POST', '/admin-tokens', { name });
      const all = (await call('GET', '/admin-tokens?limit=500'))
        .json()
        .items.map((i: { id: string }) => i.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; next_cursor: string | null } = (
          await call('GET', `/admin-tokens?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual(all);
      expect(seen.length).toBeGreaterThanOrEqual(4);
    });
  });

  describe('isolation between organisations', () => {
    it('lists only its own tokens and cannot delete those of others', async () => {
      const other = await createOtherOrganisation(getDatabase().db);
      const mine = (await call('POST', '/admin-tokens', { name: 'mine' })).json();
      const theirs = (await call('GET', '/admin-tokens', undefined, other.headers)).json();
      expect(theirs).toEqual({
        items: [{ id: other.tokenId, name: 'other', role: 'owner', created_at: expect.any(String) }],
        next_cursor: null,
      });
      const before = await tokenRows(getDatabase().db);
      const response = await call('DELETE', `/admin-tokens/${mine.id}`, undefined, other.headers);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('admin_token_not_found');
      expect(await tokenRows(getDatabase().db)).toEqual(before);
    });
  });

  describe('bad input', () => {
    const cases: [string, Method, string, unknown, number, string][] = [
      ['malformed JSON', 'POST', '/admin-tokens', '{"name"', 400, 'malformed_json'],
      ['a name of the wrong type', 'POST', '/admin-tokens', { name: ['ci'] }, 400, 'invalid_request'],
      ['a missing name', 'POST', '/admin-tokens', {}, 400, 'invalid_request'],
      [
        'an unknown property',
        'POST',
        '/admin-tokens',
        { name: 'ci', token: 'pat_chosen' },
        400,
        'invalid_request',
      ],
      ['an oversized name', 'POST', '/admin-tokens', { name: 'x'.repeat(201) }, 400, 'invalid_request'],
      ['an empty name', 'POST', '/admin-tokens', { name: '' }, 400, 'invalid_request'],
      ['a malformed id', 'DELETE', '/admin-tokens/not%20an%20id', undefined, 400, 'invalid_request'],
      [
        'an id that is too long',
        'DELETE',
        `/admin-tokens/${'f'.repeat(65)}`,
        undefined,
        400,
        'invalid_request',
      ],
      ['an unknown id', 'DELETE', '/admin-tokens/0000', undefined, 404, 'admin_token_not_found'],
      ['a negative limit', 'GET', '/admin-tokens?limit=-1', undefined, 400, 'invalid_request'],
      [
        'a malformed cursor',
        'GET',
        '/admin-tokens?cursor=%27%20or%201%3D1',
        undefined,
        400,
        'invalid_request',
      ],
    ];
    for (const [title, method, url, payload, status, code] of cases) {
      it(`refuses ${title} with ${status} ${code} and changes nothing`, async () => {
        const before = await tokenRows(getDatabase().db);
        const response = await call(method, url, payload);
        expect(response.statusCode).toBe(status);
        expect(response.json().error).toMatchObject({ code, message: expect.any(String) });
        expect(await tokenRows(getDatabase().db)).toEqual(before);
      });
    }

    for (const [title, headers] of [
      ['no token', {}],
      ['a wrong token', { authorization: 'Bearer pat_wrong' }],
      ['an empty bearer', { authorization: 'Bearer ' }],
    ] as const) {
      it(`answers 401 unauthorized to ${title} on every route and changes nothing`, async () => {
        const before = await tokenRows(getDatabase().db);
        const victim = before[0]?.id ?? 'x';
        for (const [method, url, payload] of [
          ['GET', '/admin-tokens', undefined],
          ['POST', '/admin-tokens', { name: 'anon' }],
          ['DELETE', `/admin-tokens/${victim}`, undefined],
        ] as const) {
          const response = await call(method, url, payload, headers);
          expect(response.statusCode).toBe(401);
          expect(response.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
        }
        expect(await tokenRows(getDatabase().db)).toEqual(before);
      });
    }
  });
});
