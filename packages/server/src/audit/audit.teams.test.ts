import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../auth/tokens.js';
import { type AdminCall, adminClient } from '../testing/admin-fixtures.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';
import { createPerson, grant, signIn, TEST_PASSWORD } from '../testing/people.js';

const HOUR = 60 * 60 * 1000;

// biome-ignore lint/suspicious/noExplicitAny: tests read payloads ad hoc.
type Payload = any;

/**
 * The audit log of the teams routes: people, invitations, project roles, change requests and
 * scheduled changes each leave their record (who, what, before, after) with the change, and
 * members read the records of their own projects only.
 */
describeEachDialect('audit log of people, change requests and scheduled changes', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let tokenId: string;
  let reviewer: AdminCall;
  let reviewerId: string;
  let development: string;
  let production: string;
  const db = () => getDatabase().db;
  const ok = async (call: Promise<{ statusCode: number; body: string; json(): unknown }>, status = 200) => {
    const response = await call;
    expect(response.statusCode, response.body).toBe(status);
    return response.json() as Payload;
  };
  const records = async (query: string, as: AdminCall = api): Promise<Payload[]> =>
    (await ok(as('GET', `/audit-log?limit=500&${query}`))).items;
  const featureId = async (key: string) =>
    (
      await db()
        .selectFrom('features')
        .select('id')
        .where('project_id', '=', t.projectId)
        .where('key', '=', key)
        .executeTakeFirstOrThrow()
    ).id;
  const rawLog = async () => JSON.stringify(await db().selectFrom('audit_log').selectAll().execute());
  /** A signed-in member with `role` in the bootstrap project (production limited by `limits`). */
  const member = async (email: string, role?: 'admin' | 'editor' | 'viewer', limits = {}) => {
    const id = await createPerson(db(), t.organisationId, email);
    if (role) await grant(db(), t.projectId, id, role, limits);
    const browser = await signIn(t.app, email);
    return { browser, call: adminClient(t.app, browser.headers) };
  };

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
    const created = await ok(api('POST', '/admin-tokens', { name: 'reviewer' }), 201);
    reviewer = adminClient(t.app, { authorization: `Bearer ${created.token}` });
    reviewerId = created.id;
    [development, production] = t.environments.map((e) => e.id);
    for (let i = 0; i < 8; i++) {
      await ok(api('POST', `/projects/${t.projectId}/features`, { key: `flag_${i}`, type: 'string' }), 201);
    }
    await ok(api('PATCH', `/environments/${production}`, { requires_approval: 1 }));
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('people', () => {
    it('records a person created, renamed, given a role and a password, and removed, never with a hash', async () => {
      const user = await ok(
        api('POST', '/users', { email: 'ada@people.example', name: 'Ada', password: TEST_PASSWORD }),
        201,
      );
      const renamed = await ok(api('PATCH', `/users/${user.id}`, { name: 'Ada L.', role: 'admin' }));
      const repassworded = await ok(
        api('PATCH', `/users/${user.id}`, { password: 'a brand new password for Ada' }),
      );
      expect((await api('DELETE', `/users/${user.id}`)).statusCode).toBe(204);
      const items = await records(`resource_type=user&resource_id=${user.id}`);
      expect(items.map((r) => r.action)).toEqual(['delete', 'update', 'update', 'create']);
      for (const record of items) {
        expect(record).toMatchObject({ actor: { kind: 'token', id: tokenId }, project_id: null });
      }
      const [deleted, password, rename, create] = items;
      expect(create).toMatchObject({ before: null, after: user });
      expect(rename).toMatchObject({ before: user, after: renamed });
      expect(password.after).toEqual({ ...repassworded, password_changed: true });
      expect(deleted).toMatchObject({ before: repassworded, after: null });
      const hashes = await db().selectFrom('users').select('password_hash').execute();
      const raw = await rawLog();
      for (const secret of [
        TEST_PASSWORD,
        'a brand new password for Ada',
        ...hashes.map((h) => h.password_hash),
      ])
        expect(raw).not.toContain(secret);
      expect(raw).not.toContain('password_hash');
    });

    it('records a person the command line creates as the system', async () => {
      // createPerson goes through the same service as `pennon user create`, outside any request.
      const id = await createPerson(db(), t.organisationId, 'cli@people.example', 'member');
      const [record] = await records(`resource_type=user&resource_id=${id}`);
      expect(record).toMatchObject({ action: 'create', actor: { kind: 'system', id: 'pennon' } });
    });

    it('records an invitation without its token or link, its withdrawal, and its acceptance as the new person', async () => {
      const withdrawn = await ok(api('POST', '/invitations', { email: 'gone@people.example' }), 201);
      expect((await api('DELETE', `/invitations/${withdrawn.id}`)).statusCode).toBe(204);
      const invited = await ok(
        api('POST', '/invitations', {
          email: 'grace@people.example',
          projects: [{ project_id: t.projectId, role: 'editor', environments: { [production]: 'propose' } }],
        }),
        201,
      );
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/api/admin/v1/auth/accept-invitation',
        payload: { token: invited.token, name: 'Grace', password: TEST_PASSWORD },
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
      const grace = accepted.json().user.id as string;

      const [withdrawal, creation] = await records(`resource_type=invitation&resource_id=${withdrawn.id}`);
      expect(creation).toMatchObject({ action: 'create', actor: { kind: 'token', id: tokenId } });
      expect(creation.after).toEqual({
        id: withdrawn.id,
        email: 'gone@people.example',
        organisation_role: 'member',
        projects: [],
        created_at: expect.any(String),
        expires_at: withdrawn.expires_at,
      });
      expect(withdrawal).toMatchObject({ action: 'delete', before: creation.after, after: null });

      const asGrace = { kind: 'user', id: grace };
      const [acceptance] = await records(`resource_type=invitation&resource_id=${invited.id}`);
      expect(acceptance).toMatchObject({ action: 'accept', actor: asGrace, after: { user_id: grace } });
      expect((await records(`resource_type=user&resource_id=${grace}`))[0]).toMatchObject({
        action: 'create',
        actor: asGrace,
        after: { id: grace, email: 'grace@people.example', role: 'member' },
      });
      const [membership] = await records(`resource_type=project_member&resource_id=${grace}`);
      expect(membership).toMatchObject({
        action: 'create',
        actor: asGrace,
        project_id: t.projectId,
        after: { user_id: grace, role: 'editor', environments: { [production]: 'propose' } },
      });
      const raw = await rawLog();
      for (const secret of [withdrawn.token, invited.token, hashToken(invited.token), invited.url])
        expect(raw).not.toContain(secret);
    });

    it("records a project role given, changed and taken, in the project's history", async () => {
      const person = await createPerson(db(), t.organisationId, 'linus@people.example');
      const added = await ok(
        api('POST', `/projects/${t.projectId}/members`, { user_id: person, role: 'viewer' }),
        201,
      );
      const changed = await ok(
        api('PATCH', `/projects/${t.projectId}/members/${person}`, {
          role: 'editor',
          environments: { [production]: 'view' },
        }),
      );
      expect((await api('DELETE', `/projects/${t.projectId}/members/${person}`)).statusCode).toBe(204);
      const items = await records(
        `resource_type=project_member&resource_id=${person}&project_id=${t.projectId}`,
      );
      expect(items.map((r) => [r.action, r.before, r.after])).toEqual([
        ['delete', changed, null],
        ['update', added, changed],
        ['create', null, added],
      ]);
    });
  });

  describe('change requests', () => {
    const url = (environment = production) => `/environments/${environment}/change-requests`;

    it('records each step as whoever took it, and the committed change as the committer', async () => {
      const author = await member('author@cr.example', 'editor', { [production]: 'propose' });
      const authorId = author.browser.userId;
      const request = await ok(
        author.call('POST', url(), {
          title: 'Turn flag_0 on',
          changes: [{ kind: 'feature_state', feature: 'flag_0', enabled: true, value: 'first' }],
        }),
        201,
      );
      const revised = await ok(
        author.call('PATCH', `${url()}/${request.id}`, {
          changes: [{ kind: 'feature_state', feature: 'flag_0', enabled: true, value: 'second' }],
        }),
      );
      const approved = await ok(reviewer('POST', `${url()}/${request.id}/approve`));
      const committed = await ok(api('POST', `${url()}/${request.id}/commit`));
      const steps = await records(`resource_type=change_request&resource_id=${request.id}`);
      expect(steps.map((r) => [r.action, r.actor])).toEqual([
        ['commit', { kind: 'token', id: tokenId }],
        ['approve', { kind: 'token', id: reviewerId }],
        ['update', { kind: 'user', id: authorId }],
        ['create', { kind: 'user', id: authorId }],
      ]);
      for (const step of steps) {
        expect(step).toMatchObject({ project_id: t.projectId, environment_id: production });
      }
      expect(steps[3]).toMatchObject({ before: null, after: request });
      expect(steps[2]).toMatchObject({ before: { revision: 1 }, after: revised });
      expect(steps[1]).toMatchObject({ before: { status: 'open', approvals: [] }, after: approved });
      expect(steps[0]).toMatchObject({ before: { status: 'approved' }, after: committed });
      const [applied] = await records(`resource_type=feature_state&environment_id=${production}`);
      expect(applied).toMatchObject({
        actor: { kind: 'token', id: tokenId },
        before: { feature_key: 'flag_0', enabled: false },
        after: { feature_key: 'flag_0', enabled: true, value: 'second' },
      });
    });

    it('records a rejection by a reviewer and a cancellation by the author', async () => {
      const propose = async (title: string) =>
        ok(
          api('POST', url(), {
            title,
            changes: [{ kind: 'feature_state', feature: 'flag_1', value: title }],
          }),
          201,
        );
      const rejected = await propose('rejected');
      const cancelled = await propose('cancelled');
      await ok(reviewer('POST', `${url()}/${rejected.id}/reject`));
      await ok(api('POST', `${url()}/${cancelled.id}/cancel`));
      expect((await records(`resource_id=${rejected.id}`))[0]).toMatchObject({
        action: 'reject',
        actor: { kind: 'token', id: reviewerId },
        before: { status: 'open' },
        after: { status: 'rejected', closed_by: { kind: 'token', id: reviewerId } },
      });
      expect((await records(`resource_id=${cancelled.id}`))[0]).toMatchObject({
        action: 'cancel',
        actor: { kind: 'token', id: tokenId },
        after: { status: 'cancelled' },
      });
    });

    it("records the scheduler's commit as its own and the change as the author's, and a failed one", async () => {
      const author = await member('scheduled-author@cr.example', 'editor', { [production]: 'propose' });
      const now = new Date();
      // Due a minute apart: the first commits and moves flag_2 under the second, which fails.
      const propose = async (value: string, minutes: number) =>
        ok(
          author.call('POST', url(), {
            title: value,
            changes: [{ kind: 'feature_state', feature: 'flag_2', value }],
            scheduled_at: new Date(now.getTime() + HOUR + minutes * 60_000).toISOString(),
          }),
          201,
        );
      const committed = await propose('at its time', 0);
      const failing = await propose('too late', 1);
      for (const id of [committed.id, failing.id]) await ok(reviewer('POST', `${url()}/${id}/approve`));
      expect(await t.context.scheduler.tick(new Date(now.getTime() + 2 * HOUR))).toEqual([committed.id]);

      const scheduler = { kind: 'system', id: 'scheduler' };
      expect((await records(`resource_id=${committed.id}`))[0]).toMatchObject({
        action: 'commit',
        actor: scheduler,
        before: { status: 'approved' },
        after: { status: 'committed', closed_by: scheduler },
      });
      const [change] = await records(`resource_type=feature_state&environment_id=${production}`);
      expect(change).toMatchObject({
        actor: { kind: 'user', id: author.browser.userId },
        after: { feature_key: 'flag_2', value: 'at its time' },
      });
      expect((await records(`resource_id=${failing.id}`))[0]).toMatchObject({
        action: 'fail',
        actor: scheduler,
        before: { status: 'approved', failure: null },
        after: { status: 'failed', failure: { code: 'conflict' } },
      });
    });
  });

  describe('scheduled changes', () => {
    const at = (environment: string) => `/environments/${environment}/scheduled-changes`;

    it('records creation and cancellation by their actors, and application and failure as the scheduler', async () => {
      const author = await member('scheduler-user@sc.example', 'editor');
      const now = new Date();
      const schedule = async (changes: unknown[]) =>
        ok(
          author.call('POST', at(development), {
            changes,
            scheduled_at: new Date(now.getTime() + HOUR).toISOString(),
          }),
          201,
        );
      const applied = await schedule([{ kind: 'feature_state', feature: 'flag_3', value: 'scheduled' }]);
      const cancelled = await schedule([{ kind: 'feature_state', feature: 'flag_4', value: 'never' }]);
      const failing = await schedule([{ kind: 'feature_state', feature: 'flag_5', value: 'gone' }]);
      expect((await api('DELETE', `${at(development)}/${cancelled.id}`)).statusCode).toBe(204);
      expect((await api('DELETE', `/features/${await featureId('flag_5')}`)).statusCode).toBe(204);
      expect(await t.context.scheduler.tick(new Date(now.getTime() + 2 * HOUR))).toEqual([applied.id]);

      const user = { kind: 'user', id: author.browser.userId };
      const scheduler = { kind: 'system', id: 'scheduler' };
      const steps = async (id: string) =>
        (await records(`resource_type=scheduled_change&resource_id=${id}`)).map((r) => [r.action, r.actor]);
      expect(await steps(applied.id)).toEqual([
        ['apply', scheduler],
        ['create', user],
      ]);
      expect(await steps(cancelled.id)).toEqual([
        ['cancel', { kind: 'token', id: tokenId }],
        ['create', user],
      ]);
      expect(await steps(failing.id)).toEqual([
        ['fail', scheduler],
        ['create', user],
      ]);
      const [apply] = await records(`resource_id=${applied.id}&actor_kind=system`);
      expect(apply).toMatchObject({
        project_id: t.projectId,
        environment_id: development,
        before: { status: 'pending', applied_at: null },
        after: { status: 'applied' },
      });
      const [change] = await records(`resource_type=feature_state&environment_id=${development}`);
      expect(change).toMatchObject({ actor: user, after: { feature_key: 'flag_3', value: 'scheduled' } });
    });
  });

  describe('webhooks of change requests', () => {
    it('queues change_request and scheduled_change events for the change_requests group, not for flags', async () => {
      const reviews = await ok(
        api('POST', `/projects/${t.projectId}/webhooks`, {
          url: 'http://127.0.0.1:9/reviews',
          events: ['change_requests'],
        }),
        201,
      );
      const flags = await ok(
        api('POST', `/projects/${t.projectId}/webhooks`, {
          url: 'http://127.0.0.1:9/flags',
          events: ['flags'],
        }),
        201,
      );
      const request = await ok(
        api('POST', `/environments/${production}/change-requests`, {
          title: 'Webhook',
          changes: [{ kind: 'feature_state', feature: 'flag_6', value: 'hooked' }],
        }),
        201,
      );
      await ok(reviewer('POST', `/environments/${production}/change-requests/${request.id}/approve`));
      await ok(api('POST', `/environments/${production}/change-requests/${request.id}/commit`));
      const events = async (webhookId: string) =>
        (
          await db()
            .selectFrom('webhook_deliveries')
            .select('event')
            .where('webhook_id', '=', webhookId)
            .orderBy('id')
            .execute()
        ).map((row) => row.event);
      expect(await events(reviews.id)).toEqual([
        'change_request.create',
        'change_request.approve',
        'change_request.commit',
      ]);
      expect(await events(flags.id)).toEqual(['feature_state.update']);
    });
  });

  describe('members reading the log', () => {
    it("shows a member the records of their projects only, and refuses another project's filter", async () => {
      const viewer = await member('viewer@read.example', 'viewer');
      const outsider = await member('outsider@read.example');
      const other = await ok(api('POST', '/projects', { name: 'Elsewhere' }), 201);
      const everything = await records('');
      const seen = await records('', viewer.call);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((r) => r.project_id === t.projectId)).toBe(true);
      expect(seen).toEqual(everything.filter((r) => r.project_id === t.projectId));
      expect(await records('', outsider.call)).toEqual([]);
      expect(await records(`project_id=${t.projectId}&resource_type=feature`, viewer.call)).toEqual(
        everything.filter((r) => r.project_id === t.projectId && r.resource_type === 'feature'),
      );

      const refused = await viewer.call('GET', `/audit-log?project_id=${other.id}`);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toEqual({
        code: 'forbidden',
        message: `You have no role in project 'Elsewhere': members read the audit records of their own projects only.`,
      });
      // One by id: the organisation's and another project's records are not found, as if absent.
      const [organisationWide] = await records('resource_type=user');
      const [elsewhere] = await records(`project_id=${other.id}`);
      for (const record of [organisationWide, elsewhere]) {
        const response = await viewer.call('GET', `/audit-log/${record.id}`);
        expect(response.statusCode).toBe(404);
        expect(response.json().error.code).toBe('audit_record_not_found');
        expect((await api('GET', `/audit-log/${record.id}`)).statusCode).toBe(200);
      }
      expect(await ok(viewer.call('GET', `/audit-log/${seen[0].id}`))).toEqual(seen[0]);
    });
  });
});
