import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminCall,
  adminClient,
  rejection,
  type SeededProject,
  seedProject,
} from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';

describeEachDialect('features routes', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let foreign: SeededProject;
  const db = () => getDatabase().db;
  const environmentTimes = async () =>
    Object.fromEntries(
      (
        await db()
          .selectFrom('environments')
          .select(['id', 'updated_at'])
          .where('project_id', '=', t.projectId)
          .execute()
      ).map((row) => [row.id, row.updated_at]),
    );
  const create = async (body: Record<string, unknown>) => {
    const response = await api('POST', `/projects/${t.projectId}/features`, body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    foreign = await seedProject(db());
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('create', () => {
    it('creates a feature with the next number and a state in both bootstrap environments', async () => {
      const before = await environmentTimes();
      const feature = await create({
        key: 'checkout.v2',
        type: 'string',
        description: 'New checkout',
        tags: ['checkout', 'web'],
        default_enabled: true,
        default_value: 'blue',
      });
      expect(feature).toMatchObject({
        key: 'checkout.v2',
        type: 'string',
        number: 1,
        description: 'New checkout',
        tags: ['checkout', 'web'],
        server_key_only: false,
        default_enabled: true,
        default_value: 'blue',
        project_id: t.projectId,
      });
      const states = await db()
        .selectFrom('feature_states')
        .selectAll()
        .where('feature_id', '=', feature.id)
        .execute();
      expect(states.map((s) => s.environment_id).sort()).toEqual(t.environments.map((e) => e.id).sort());
      for (const state of states)
        expect(state).toMatchObject({ enabled: 1, value: '"blue"', variants: '[]' });
      expect(new Set(states.map((s) => s.hash_key)).size).toBe(2);
      const after = await environmentTimes();
      for (const environment of t.environments)
        expect(after[environment.id] > before[environment.id]).toBe(true);

      const second = await create({ key: 'second', type: 'boolean' });
      expect(second).toMatchObject({
        number: 2,
        default_enabled: false,
        default_value: null,
        tags: [],
        description: '',
      });
    });

    it('takes any JSON value for json features and finite numbers for number features', async () => {
      expect(
        (await create({ key: 'config', type: 'json', default_value: { a: [1, null, 'x'] } })).default_value,
      ).toEqual({
        a: [1, null, 'x'],
      });
      expect((await create({ key: 'limit', type: 'number', default_value: 2.5 })).default_value).toBe(2.5);
    });

    it('refuses a key already used in the project with 409 and changes nothing', async () => {
      expect(
        await rejection(db(), () =>
          api('POST', `/projects/${t.projectId}/features`, { key: 'checkout.v2', type: 'boolean' }),
        ),
      ).toEqual({ status: 409, code: 'feature_key_taken', changed: false });
    });

    it.each([
      ['a value on a boolean feature', { key: 'b1', type: 'boolean', default_value: true }, 'invalid_value'],
      ['a number on a string feature', { key: 's1', type: 'string', default_value: 3 }, 'invalid_value'],
      ['a string on a number feature', { key: 'n1', type: 'number', default_value: '3' }, 'invalid_value'],
      [
        'a value over 64 KiB',
        { key: 'j1', type: 'json', default_value: 'x'.repeat(64 * 1024) },
        'value_too_large',
      ],
      ['an unknown property', { key: 'u1', type: 'boolean', colour: 'red' }, 'invalid_request'],
      ['an unknown type', { key: 'u2', type: 'date' }, 'invalid_request'],
      ['a key with spaces', { key: 'has space', type: 'boolean' }, 'invalid_request'],
      ['a key over 100 characters', { key: 'k'.repeat(101), type: 'boolean' }, 'invalid_request'],
      [
        'a string where a boolean belongs',
        { key: 'w1', type: 'boolean', default_enabled: 'true' },
        'invalid_request',
      ],
      ['a repeated tag', { key: 't1', type: 'boolean', tags: ['a', 'a'] }, 'invalid_request'],
      ['a missing type', { key: 'm1' }, 'invalid_request'],
    ])('refuses %s with 400 and changes nothing', async (_what, body, code) => {
      expect(await rejection(db(), () => api('POST', `/projects/${t.projectId}/features`, body))).toEqual({
        status: 400,
        code,
        changed: false,
      });
    });

    it('refuses malformed JSON', async () => {
      expect(
        await rejection(db(), () => api('POST', `/projects/${t.projectId}/features`, '{"key": "x", ')),
      ).toEqual({
        status: 400,
        code: 'malformed_json',
        changed: false,
      });
    });

    it('answers 404 for a project of another organisation and 401 without a valid token', async () => {
      expect(
        await rejection(db(), () =>
          api('POST', `/projects/${foreign.projectId}/features`, { key: 'x', type: 'boolean' }),
        ),
      ).toEqual({
        status: 404,
        code: 'project_not_found',
        changed: false,
      });
      const url = `/api/admin/v1/projects/${t.projectId}/features`;
      const payload = { key: 'nope', type: 'boolean' };
      for (const headers of [{}, { authorization: 'Bearer pat_wrong' }]) {
        expect(await rejection(db(), () => t.app.inject({ method: 'POST', url, headers, payload }))).toEqual({
          status: 401,
          code: 'unauthorized',
          changed: false,
        });
      }
    });
  });

  describe('read', () => {
    it('lists the project features in pages', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const response = await api(
          'GET',
          `/projects/${t.projectId}/features?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(response.statusCode).toBe(200);
        const page = response.json();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((f: { key: string }) => f.key));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toEqual(['checkout.v2', 'second', 'config', 'limit']);
    });

    it('filters by tag', async () => {
      await create({ key: 'tagged', type: 'boolean', tags: ['web"', 'mobile'] });
      const keys = async (tag: string) =>
        (await api('GET', `/projects/${t.projectId}/features?tag=${encodeURIComponent(tag)}`))
          .json()
          .items.map((f: { key: string }) => f.key);
      expect(await keys('web')).toEqual(['checkout.v2']);
      expect(await keys('web"')).toEqual(['tagged']);
      expect(await keys('mobile')).toEqual(['tagged']);
      expect(await keys('Web')).toEqual([]);
    });

    it('gets one feature; other organisations’ features and unknown ids are 404', async () => {
      const [feature] = (await api('GET', `/projects/${t.projectId}/features?limit=1`)).json().items;
      expect((await api('GET', `/features/${feature.id}`)).json()).toEqual(feature);
      for (const id of [foreign.featureId, 'nope']) {
        const response = await api('GET', `/features/${id}`);
        expect(response.statusCode).toBe(404);
        expect(response.json().error.code).toBe('feature_not_found');
      }
      expect((await api('GET', `/projects/${foreign.projectId}/features`)).statusCode).toBe(404);
    });

    it('refuses unknown query parameters and bad limits', async () => {
      expect((await api('GET', `/projects/${t.projectId}/features?colour=red`)).statusCode).toBe(400);
      expect((await api('GET', `/projects/${t.projectId}/features?limit=0`)).statusCode).toBe(400);
    });
  });

  describe('update and delete', () => {
    it('updates the mutable fields and bumps every environment of the project', async () => {
      const feature = await create({ key: 'editable', type: 'number', default_value: 1 });
      const before = await environmentTimes();
      const response = await api('PATCH', `/features/${feature.id}`, {
        key: 'editable',
        type: 'number',
        description: 'Edited',
        tags: ['x'],
        server_key_only: true,
        default_enabled: true,
        default_value: 7,
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({
        key: 'editable',
        number: feature.number,
        description: 'Edited',
        tags: ['x'],
        server_key_only: true,
        default_enabled: true,
        default_value: 7,
      });
      expect((await api('GET', `/features/${feature.id}`)).json()).toEqual(response.json());
      const after = await environmentTimes();
      for (const environment of t.environments)
        expect(after[environment.id] > before[environment.id]).toBe(true);
    });

    it.each([
      ['a new key', { key: 'renamed' }, 'feature_key_immutable'],
      ['a new type', { type: 'string' }, 'feature_type_immutable'],
      ['a value of the wrong type', { default_value: 'seven' }, 'invalid_value'],
      ['an oversized value', { default_value: 1, description: 'd'.repeat(2001) }, 'invalid_request'],
      ['an unknown property', { number: 99 }, 'invalid_request'],
    ])('refuses %s and changes nothing', async (_what, body, code) => {
      const feature = (await api('GET', `/projects/${t.projectId}/features?tag=x`)).json().items[0];
      expect(await rejection(db(), () => api('PATCH', `/features/${feature.id}`, body))).toEqual({
        status: 400,
        code,
        changed: false,
      });
    });

    it('does not update or delete features of other organisations', async () => {
      expect(
        await rejection(db(), () => api('PATCH', `/features/${foreign.featureId}`, { description: 'mine' })),
      ).toEqual({
        status: 404,
        code: 'feature_not_found',
        changed: false,
      });
      expect(await rejection(db(), () => api('DELETE', `/features/${foreign.featureId}`))).toEqual({
        status: 404,
        code: 'feature_not_found',
        changed: false,
      });
    });

    it('deletes a feature with its states and bumps every environment', async () => {
      const feature = await create({ key: 'doomed', type: 'boolean' });
      const before = await environmentTimes();
      const response = await api('DELETE', `/features/${feature.id}`);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect((await api('GET', `/features/${feature.id}`)).statusCode).toBe(404);
      expect(
        await db().selectFrom('feature_states').select('id').where('feature_id', '=', feature.id).execute(),
      ).toEqual([]);
      const after = await environmentTimes();
      for (const environment of t.environments)
        expect(after[environment.id] > before[environment.id]).toBe(true);
    });

    it('numbers after the highest number in use, never filling gaps', async () => {
      const gap = await create({ key: 'gap', type: 'boolean' });
      const survivor = await create({ key: 'survivor', type: 'boolean' });
      expect((await api('DELETE', `/features/${gap.id}`)).statusCode).toBe(204);
      expect((await create({ key: 'after-gap', type: 'boolean' })).number).toBe(survivor.number + 1);
    });

    it('never hands out a deleted feature’s number again, even the highest one', async () => {
      const highest = await create({ key: 'highest', type: 'boolean' });
      expect((await api('DELETE', `/features/${highest.id}`)).statusCode).toBe(204);
      expect((await create({ key: 'next-one', type: 'boolean' })).number).toBe(highest.number + 1);
    });
  });
});
