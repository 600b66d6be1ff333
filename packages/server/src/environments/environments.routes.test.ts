import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../auth/tokens.js';
import { newId } from '../shared/ids.js';
import { newAdminToken } from '../shared/keys.js';
import type { Tables } from '../storage/tables.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A second tenant, written straight to storage: it must never reach the first one's resources. */
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
  return { authorization: `Bearer ${token}` };
}

/** Every row a request to this family could touch, to prove a refused request changed nothing. */
async function snapshot(db: Kysely<Tables>) {
  return {
    environments: await db.selectFrom('environments').selectAll().orderBy('id').execute(),
    server_keys: await db.selectFrom('server_keys').selectAll().orderBy('id').execute(),
    feature_states: await db.selectFrom('feature_states').selectAll().orderBy('id').execute(),
  };
}

/** `'PATCH /environments/:env'` → method and URL, so each case of a table fits on one line. */
function request(line: string, ids: Record<string, string>): [Method, string] {
  const [method, path] = line.split(' ') as [Method, string];
  return [method, path.replace(/:(\w+)/g, (_, name: string) => ids[name] ?? `:${name}`)];
}

describeEachDialect('environments routes', (getDatabase) => {
  let t: TestApp;
  let environmentId: string;
  const call = (method: Method, url: string, payload?: unknown, headers: Record<string, string> = t.admin) =>
    t.app.inject({
      method,
      url: `/api/admin/v1${url}`,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    const development = t.environments.find((e) => e.key === 'development');
    if (!development) throw new Error('bootstrap made no development environment');
    environmentId = development.id;
  });
  afterAll(() => t.close());

  describe('CRUD', () => {
    it('creates, reads, updates and deletes an environment', async () => {
      const created = await call('POST', `/projects/${t.projectId}/environments`, {
        key: 'staging',
        name: 'Staging',
      });
      expect(created.statusCode).toBe(201);
      const environment = created.json();
      expect(environment).toEqual({
        id: expect.any(String),
        project_id: t.projectId,
        key: 'staging',
        name: 'Staging',
        client_key: expect.any(String),
        hide_disabled_flags: false,
        hide_sensitive_data: true,
        allow_client_traits: true,
        requires_approval: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });

      expect((await call('GET', `/environments/${environment.id}`)).json()).toEqual(environment);

      const patched = await call('PATCH', `/environments/${environment.id}`, {
        name: 'Stage',
        hide_disabled_flags: true,
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ name: 'Stage', hide_disabled_flags: true, key: 'staging' });
      expect(patched.json().updated_at > environment.updated_at).toBe(true);
      expect((await call('GET', `/environments/${environment.id}`)).json()).toEqual(patched.json());

      const deleted = await call('DELETE', `/environments/${environment.id}`);
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe('');
      const gone = await call('GET', `/environments/${environment.id}`);
      expect(gone.statusCode).toBe(404);
      expect(gone.json().error.code).toBe('environment_not_found');
      expect((await call('DELETE', `/environments/${environment.id}`)).statusCode).toBe(404);
    });

    it('refuses a key already used in the project with 409', async () => {
      const response = await call('POST', `/projects/${t.projectId}/environments`, {
        key: 'production',
        name: 'Prod 2',
      });
      expect(response.statusCode).toBe(409);
      expect(response.json().error.code).toBe('environment_key_taken');
    });

    it('gives a new environment a state for every feature of the project', async () => {
      const { db } = getDatabase();
      const now = new Date().toISOString();
      const featureId = newId();
      await db
        .insertInto('features')
        .values({
          id: featureId,
          project_id: t.projectId,
          key: 'banner',
          type: 'boolean',
          description: '',
          tags: '[]',
          server_key_only: 0,
          default_enabled: 1,
          default_value: null,
          number: 9001,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const created = (
        await call('POST', `/projects/${t.projectId}/environments`, { key: 'with-states', name: 'W' })
      ).json();
      const states = await db
        .selectFrom('feature_states')
        .selectAll()
        .where('environment_id', '=', created.id)
        .execute();
      expect(states).toMatchObject([{ feature_id: featureId, enabled: 1, value: null, variants: '[]' }]);
    });

    it('pages environments with limit and next_cursor', async () => {
      const project = (await call('POST', '/projects', { name: 'Paging environments' })).json();
      const keys = ['a', 'b', 'c'];
      for (const key of keys) {
        expect(
          (await call('POST', `/projects/${project.id}/environments`, { key, name: key })).statusCode,
        ).toBe(201);
      }
      const first = (await call('GET', `/projects/${project.id}/environments?limit=2`)).json();
      // Pages follow id order; ids made within one millisecond need not follow creation order.
      expect(first.items).toHaveLength(2);
      expect(first.next_cursor).toEqual(first.items[1].id);
      const second = (
        await call('GET', `/projects/${project.id}/environments?limit=2&cursor=${first.next_cursor}`)
      ).json();
      expect(second.items).toHaveLength(1);
      expect(second.next_cursor).toBeNull();
      const paged = [...first.items, ...second.items].map((e: { key: string }) => e.key);
      expect(paged.sort()).toEqual(keys);
    });
  });

  describe('client key', () => {
    it('rotates the client key; the old one stops working at once', async () => {
      const created = (
        await call('POST', `/projects/${t.projectId}/environments`, { key: 'rotating', name: 'R' })
      ).json();
      const oldKey = created.client_key;
      expect(await t.context.keys.lookup(oldKey)).toMatchObject({
        environmentId: created.id,
        kind: 'client',
      });
      const rotated = await call('POST', `/environments/${created.id}/client-key/rotate`);
      expect(rotated.statusCode).toBe(200);
      const newKey = rotated.json().client_key;
      expect(newKey).not.toBe(oldKey);
      expect((await call('GET', `/environments/${created.id}`)).json().client_key).toBe(newKey);
      expect(await t.context.keys.lookup(oldKey)).toBeUndefined();
      expect(await t.context.keys.lookup(newKey)).toMatchObject({
        environmentId: created.id,
        kind: 'client',
      });
    });

    it('a deleted environment takes its client key with it', async () => {
      const created = (
        await call('POST', `/projects/${t.projectId}/environments`, { key: 'short-lived', name: 'S' })
      ).json();
      expect(await t.context.keys.lookup(created.client_key)).toBeDefined();
      await call('DELETE', `/environments/${created.id}`);
      expect(await t.context.keys.lookup(created.client_key)).toBeUndefined();
    });
  });

  describe('isolation between organisations', () => {
    it('answers 404 to another organisation for every route of the family, and changes nothing', async () => {
      const other = await createOtherOrganisation(getDatabase().db);
      const key = (await call('POST', `/environments/${environmentId}/server-keys`, { name: 'mine' })).json()
        .id;
      const ids = { env: environmentId, project: t.projectId, key };
      const before = await snapshot(getDatabase().db);
      const attempts: [string, unknown, string][] = [
        ['GET /projects/:project/environments', undefined, 'project_not_found'],
        ['POST /projects/:project/environments', { key: 'intruder', name: 'I' }, 'project_not_found'],
        ['GET /environments/:env', undefined, 'environment_not_found'],
        ['PATCH /environments/:env', { name: 'Hijacked' }, 'environment_not_found'],
        ['DELETE /environments/:env', undefined, 'environment_not_found'],
        ['POST /environments/:env/client-key/rotate', undefined, 'environment_not_found'],
        ['GET /environments/:env/server-keys', undefined, 'environment_not_found'],
        ['POST /environments/:env/server-keys', { name: 'stolen' }, 'environment_not_found'],
        ['DELETE /environments/:env/server-keys/:key', undefined, 'environment_not_found'],
      ];
      for (const [line, payload, code] of attempts) {
        const response = await call(...request(line, ids), payload, other);
        expect([line, response.statusCode, response.json().error.code]).toEqual([line, 404, code]);
      }
      expect(await snapshot(getDatabase().db)).toEqual(before);
    });
  });

  describe('bad input', () => {
    const long = 'n'.repeat(201);
    const cases: [string, string, unknown, number, string][] = [
      ['malformed JSON', 'POST /projects/:project/environments', '{"key":', 400, 'malformed_json'],
      ['malformed JSON on PATCH', 'PATCH /environments/:env', '{name', 400, 'malformed_json'],
      [
        'a name of the wrong type',
        'POST /projects/:project/environments',
        { key: 'k1', name: 5 },
        400,
        'invalid_request',
      ],
      [
        'a string for a boolean',
        'PATCH /environments/:env',
        { hide_disabled_flags: 'true' },
        400,
        'invalid_request',
      ],
      ['a missing key', 'POST /projects/:project/environments', { name: 'No key' }, 400, 'invalid_request'],
      [
        'an unknown property',
        'POST /projects/:project/environments',
        { key: 'k2', name: 'K', x: 1 },
        400,
        'invalid_request',
      ],
      ['changing the key', 'PATCH /environments/:env', { key: 'renamed' }, 400, 'invalid_request'],
      ['an oversized name', 'PATCH /environments/:env', { name: long }, 400, 'invalid_request'],
      ['an empty name', 'PATCH /environments/:env', { name: '' }, 400, 'invalid_request'],
      [
        'an oversized key',
        'POST /projects/:project/environments',
        { key: 'k'.repeat(101), name: 'K' },
        400,
        'invalid_request',
      ],
      [
        'a key with a space',
        'POST /projects/:project/environments',
        { key: 'a b', name: 'K' },
        400,
        'invalid_request',
      ],
      ['a JSON array body', 'POST /projects/:project/environments', [], 400, 'invalid_request'],
      [
        'an oversized server key name',
        'POST /environments/:env/server-keys',
        { name: long },
        400,
        'invalid_request',
      ],
      ['a server key without a name', 'POST /environments/:env/server-keys', {}, 400, 'invalid_request'],
      [
        'an environment key no environment has',
        'GET /environments/bad%20id!',
        undefined,
        404,
        'environment_not_found',
      ],
      [
        'an environment reference over 1000 characters',
        `DELETE /environments/${'a'.repeat(1001)}`,
        undefined,
        400,
        'invalid_request',
      ],
      [
        'a project name no project has',
        'POST /projects/bad$id/environments',
        { key: 'k3', name: 'K' },
        404,
        'project_not_found',
      ],
      [
        'a malformed server key id',
        'DELETE /environments/:env/server-keys/bad%20id',
        undefined,
        400,
        'invalid_request',
      ],
      ['an unknown environment', 'PATCH /environments/nope', { name: 'X' }, 404, 'environment_not_found'],
      [
        'an unknown project',
        'POST /projects/nope/environments',
        { key: 'k4', name: 'K' },
        404,
        'project_not_found',
      ],
      [
        'an unknown server key',
        'DELETE /environments/:env/server-keys/nope',
        undefined,
        404,
        'server_key_not_found',
      ],
      ['limit 0', 'GET /projects/:project/environments?limit=0', undefined, 400, 'invalid_request'],
      ['limit above 500', 'GET /environments/:env/server-keys?limit=501', undefined, 400, 'invalid_request'],
      [
        'a limit that is not a number',
        'GET /projects/:project/environments?limit=ten',
        undefined,
        400,
        'invalid_request',
      ],
      [
        'an unknown query parameter',
        'GET /projects/:project/environments?sort=name',
        undefined,
        400,
        'invalid_request',
      ],
    ];
    for (const [title, line, payload, status, code] of cases) {
      it(`refuses ${title} with ${status} ${code} and changes nothing`, async () => {
        const before = await snapshot(getDatabase().db);
        const [method, url] = request(line, { env: environmentId, project: t.projectId });
        const response = await t.app.inject({
          method,
          url: `/api/admin/v1${url}`,
          headers: { ...t.admin, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(payload === undefined
            ? {}
            : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
        });
        expect(response.statusCode).toBe(status);
        expect(response.json().error).toMatchObject({ code, message: expect.any(String) });
        expect(await snapshot(getDatabase().db)).toEqual(before);
      });
    }

    for (const [title, headers] of [
      ['no token', {}],
      ['a wrong token', { authorization: 'Bearer pat_not-a-real-token' }],
      ['a malformed authorization header', { authorization: 'Basic abc' }],
    ] as const) {
      it(`answers 401 unauthorized to ${title} on every route`, async () => {
        const before = await snapshot(getDatabase().db);
        const ids = { env: environmentId, project: t.projectId, key: 'whatever' };
        const attempts: [string, unknown][] = [
          ['GET /projects/:project/environments', undefined],
          ['POST /projects/:project/environments', { key: 'anon', name: 'A' }],
          ['GET /environments/:env', undefined],
          ['PATCH /environments/:env', { name: 'Anon' }],
          ['DELETE /environments/:env', undefined],
          ['POST /environments/:env/client-key/rotate', undefined],
          ['GET /environments/:env/server-keys', undefined],
          ['POST /environments/:env/server-keys', { name: 'anon' }],
          ['DELETE /environments/:env/server-keys/:key', undefined],
        ];
        for (const [line, payload] of attempts) {
          const response = await call(...request(line, ids), payload, headers);
          expect([line, response.statusCode]).toEqual([line, 401]);
          expect(response.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
        }
        expect(await snapshot(getDatabase().db)).toEqual(before);
      });
    }
  });
});
