import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEnvironmentDocument } from '../../../../bench/workload.mjs';
import { runAs } from '../auth/actor.js';
import { hashToken } from '../auth/tokens.js';
import { FlagsmithImportService } from '../imports/flagsmith-import.service.js';
import { InProcessChangeBus } from '../realtime/change-bus.js';
import { ChangeRecorder } from '../shared/changes.js';
import { type AdminCall, adminClient, rejection, seedProject } from '../testing/admin-fixtures.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';
import { recordAudit } from './audit.record.js';

describeEachDialect('audit log', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let tokenId: string;
  const db = () => getDatabase().db;
  const records = async (query: string) => {
    const response = await api('GET', `/audit-log?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { items: Record<string, unknown>[]; next_cursor: string | null };
  };
  const rawLog = async () => JSON.stringify(await db().selectFrom('audit_log').selectAll().execute());

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    tokenId = (
      await db()
        .selectFrom('admin_tokens')
        .select('id')
        .where('token_hash', '=', hashToken(TEST_ADMIN_TOKEN))
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('recording', () => {
    it('records each change once, as the token that made it, with the API representation before and after', async () => {
      const created = (
        await api('POST', `/projects/${t.projectId}/features`, {
          key: 'audited',
          type: 'string',
          default_value: 'a',
        })
      ).json();
      const updated = (
        await api('PATCH', `/features/${created.id}`, { description: 'Now described' })
      ).json();
      expect((await api('DELETE', `/features/${created.id}`)).statusCode).toBe(204);

      const { items } = await records(`resource_id=${created.id}`);
      expect(items.map((r) => r.action)).toEqual(['delete', 'update', 'create']);
      const [deleted, update, create] = items;
      for (const record of items) {
        expect(record).toMatchObject({
          actor: { kind: 'token', id: tokenId },
          resource_type: 'feature',
          resource_id: created.id,
          project_id: t.projectId,
          environment_id: null,
        });
      }
      expect(create).toMatchObject({ before: null, after: created });
      expect(update).toMatchObject({ before: created, after: updated });
      expect(deleted).toMatchObject({ before: updated, after: null });
    });

    it('records a feature state change with its project and environment', async () => {
      const feature = (
        await api('POST', `/projects/${t.projectId}/features`, { key: 'state-audit', type: 'boolean' })
      ).json();
      const environmentId = t.environments[0].id;
      const response = await api('PATCH', `/environments/${environmentId}/feature-states/${feature.id}`, {
        enabled: true,
      });
      expect(response.statusCode, response.body).toBe(200);
      const { items } = await records(`resource_type=feature_state&environment_id=${environmentId}`);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        action: 'update',
        project_id: t.projectId,
        environment_id: environmentId,
        before: { feature_key: 'state-audit', enabled: false },
        after: { feature_key: 'state-audit', enabled: true },
      });
    });

    it('records nothing for a change that fails, nor for a PATCH that changes nothing', async () => {
      await api('POST', `/projects/${t.projectId}/features`, { key: 'taken', type: 'boolean' });
      const count = async () => (await db().selectFrom('audit_log').select('id').execute()).length;
      const before = await count();
      const taken = await rejection(db(), () =>
        api('POST', `/projects/${t.projectId}/features`, { key: 'taken', type: 'boolean' }),
      );
      expect(taken).toEqual({ status: 409, code: 'feature_key_taken', changed: false });
      const feature = (await records('resource_type=feature')).items[0];
      const unchanged = await api('PATCH', `/features/${feature.resource_id}`, {});
      expect(unchanged.statusCode).toBe(200);
      expect(await count()).toBe(before);
    });

    it('rolls the record back with the transaction it was written in', async () => {
      const failing = db()
        .transaction()
        .execute(async (trx) => {
          await recordAudit(trx, {
            organisation_id: t.organisationId,
            resource_type: 'project',
            resource_id: 'rolled-back',
            action: 'update',
            project_id: t.projectId,
            after: { name: 'never' },
          });
          throw new Error('the change failed after its record was written');
        });
      await expect(failing).rejects.toThrow('the change failed');
      expect(await records('resource_id=rolled-back')).toEqual({ items: [], next_cursor: null });
    });

    it('masks keys and tokens: the log never holds a usable secret', async () => {
      const environmentId = t.environments[1].id;
      const serverKey = (
        await api('POST', `/environments/${environmentId}/server-keys`, { name: 'ci' })
      ).json();
      const rotated = (await api('POST', `/environments/${environmentId}/client-key/rotate`)).json();
      const token = (await api('POST', '/admin-tokens', { name: 'audited' })).json();
      const raw = await rawLog();
      for (const secret of [serverKey.key, rotated.client_key, t.environments[1].clientKey, token.token]) {
        expect(typeof secret).toBe('string');
        expect(raw).not.toContain(secret);
      }
      const [keyRecord] = (await records(`resource_type=server_key&resource_id=${serverKey.id}`)).items;
      expect((keyRecord.after as { key: string }).key).toBe(
        `${'*'.repeat(serverKey.key.length - 4)}${serverKey.key.slice(-4)}`,
      );
      const [rotation] = (await records(`resource_type=environment&resource_id=${environmentId}`)).items;
      expect(rotation.action).toBe('rotate_key');
      expect(
        (rotation.after as { client_key: string }).client_key.endsWith(rotated.client_key.slice(-4)),
      ).toBe(true);
      const [tokenRecord] = (await records(`resource_type=admin_token&resource_id=${token.id}`)).items;
      expect(tokenRecord.after).toEqual({
        id: token.id,
        name: 'audited',
        role: 'owner',
        created_at: token.created_at,
      });
    });

    it('records an import once, over HTTP as the token and from the command line as the system', async () => {
      const document = generateEnvironmentDocument({ seed: 11 });
      const response = await api('POST', '/imports/flagsmith', document);
      expect(response.statusCode, response.body).toBe(201);
      const imported = response.json();
      const cli = await new FlagsmithImportService(
        db(),
        getDatabase().dialect,
        new ChangeRecorder(new InProcessChangeBus()),
      ).import(t.organisationId, { ...document, api_key: `${document.api_key}-cli` });
      const { items } = await records('resource_type=import');
      expect(items.map((r) => r.actor)).toEqual([
        { kind: 'system', id: 'pennon' },
        { kind: 'token', id: tokenId },
      ]);
      expect(items[1]).toMatchObject({
        action: 'import',
        resource_id: imported.environment_id,
        project_id: imported.project_id,
        environment_id: imported.environment_id,
        before: null,
        after: { source: 'flagsmith', counts: imported.counts },
      });
      const raw = await rawLog();
      for (const secret of [imported.client_key, imported.server_key, cli.client_key, cli.server_key]) {
        expect(raw).not.toContain(secret);
      }
    });

    it('records changes made outside HTTP as the system, or as whoever runAs names', async () => {
      const at = (id: string) =>
        recordAudit(db(), {
          organisation_id: t.organisationId,
          resource_type: 'project',
          resource_id: id,
          action: 'update',
        });
      await at('by-system');
      await runAs({ kind: 'system', id: 'scheduler' }, () => at('by-scheduler'));
      expect((await records('resource_id=by-system')).items[0].actor).toEqual({
        kind: 'system',
        id: 'pennon',
      });
      expect((await records('resource_id=by-scheduler')).items[0].actor).toEqual({
        kind: 'system',
        id: 'scheduler',
      });
      expect((await records('actor_kind=system&actor_id=scheduler')).items).toHaveLength(1);
    });
  });

  describe('reading', () => {
    it('pages newest first with the cursor, and filters by project, actor and time', async () => {
      const first = await records('limit=2');
      expect(first.items).toHaveLength(2);
      expect(first.next_cursor).toBe(first.items[1].id);
      const second = await records(`limit=2&cursor=${first.next_cursor}`);
      const ids = [...first.items, ...second.items].map((r) => r.id as string);
      expect(ids).toEqual([...ids].sort().reverse());
      expect(new Set(ids).size).toBe(4);

      const all = await records('limit=500');
      const byToken = await records(`limit=500&actor_kind=token&actor_id=${tokenId}`);
      expect(byToken.items.length).toBeGreaterThan(0);
      expect(byToken.items.every((r) => (r.actor as { id: string }).id === tokenId)).toBe(true);
      expect(byToken.items.length).toBeLessThan(all.items.length);
      const inProject = await records(`limit=500&project_id=${t.projectId}`);
      expect(inProject.items.every((r) => r.project_id === t.projectId)).toBe(true);

      const middle = all.items[Math.floor(all.items.length / 2)].at as string;
      const later = await records(`limit=500&from=${encodeURIComponent(middle)}`);
      const earlier = await records(`limit=500&to=${encodeURIComponent(middle)}`);
      expect(later.items.every((r) => (r.at as string) >= middle)).toBe(true);
      expect(earlier.items.every((r) => (r.at as string) < middle)).toBe(true);
      expect(later.items.length + earlier.items.length).toBe(all.items.length);
      // An offset is a time, not text: +01:00 is an hour earlier in UTC.
      const shifted = new Date(new Date(middle).getTime() + 3_600_000).toISOString().replace('Z', '+01:00');
      expect((await records(`limit=500&from=${encodeURIComponent(shifted)}`)).items).toEqual(later.items);
    });

    it('gets one record by id', async () => {
      const [latest] = (await records('limit=1')).items;
      const response = await api('GET', `/audit-log/${latest.id}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(latest);
    });

    it("never shows another organisation's records", async () => {
      const foreign = await seedProject(db());
      const record = await recordAudit(db(), {
        organisation_id: foreign.organisationId,
        resource_type: 'project',
        resource_id: foreign.projectId,
        action: 'update',
        project_id: foreign.projectId,
      });
      expect((await records(`project_id=${foreign.projectId}`)).items).toEqual([]);
      expect((await api('GET', `/audit-log/${record.id}`)).json().error.code).toBe('audit_record_not_found');
    });
  });

  describe('nothing edits or deletes it', () => {
    it.each([
      ['POST', '/audit-log'],
      ['PATCH', '/audit-log'],
      ['DELETE', '/audit-log'],
      ['PUT', '/audit-log'],
      ['PATCH', '/audit-log/:id'],
      ['DELETE', '/audit-log/:id'],
      ['PUT', '/audit-log/:id'],
    ] as const)('%s %s is not a route', async (method, path) => {
      const [latest] = (await records('limit=1')).items;
      const before = await rawLog();
      const response = await t.app.inject({
        method,
        url: `/api/admin/v1${path.replace(':id', latest.id as string)}`,
        headers: t.admin,
        payload: { after: null },
      });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('route_not_found');
      expect(await rawLog()).toBe(before);
    });
  });

  describe('bad input', () => {
    it.each([
      ['resource_type=flag', 'invalid_request'],
      ['actor_kind=robot', 'invalid_request'],
      ['from=yesterday', 'invalid_request'],
      ['to=2026-13-01T00:00:00Z', 'invalid_request'],
      ['limit=0', 'invalid_request'],
      ['limit=501', 'invalid_request'],
      ['cursor=%20', 'invalid_request'],
      ['colour=blue', 'invalid_request'],
      ['from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'invalid_time_range'],
      ['from=2026-03-02T00:00:00Z&to=2026-03-02T00:00:00Z', 'invalid_time_range'],
    ])('GET /audit-log?%s → 400 %s', async (query, code) => {
      const response = await api('GET', `/audit-log?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe(code);
      expect(response.json().error.message.length).toBeGreaterThan(10);
    });

    it('answers 404 for an unknown record and 401 without a token', async () => {
      expect((await api('GET', '/audit-log/nope')).json().error.code).toBe('audit_record_not_found');
      expect((await t.app.inject({ method: 'GET', url: '/api/admin/v1/audit-log' })).statusCode).toBe(401);
    });
  });
});
