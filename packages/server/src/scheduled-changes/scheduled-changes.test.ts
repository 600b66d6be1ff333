import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminCall,
  adminClient,
  changeTablesSnapshot as everything,
} from '../testing/admin-fixtures.js';
import { createTestApp, joinTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect, openSecondConnection } from '../testing/databases.js';

const HOUR = 60 * 60 * 1000;

describeEachDialect('scheduled changes', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let reviewer: AdminCall;
  let development: string;
  let production: string;
  const db = () => getDatabase().db;
  const scheduled = (environment = development) => `/environments/${environment}/scheduled-changes`;

  const ok = async (call: Promise<{ statusCode: number; body: string; json(): unknown }>, status = 200) => {
    const response = await call;
    expect(response.statusCode, response.body).toBe(status);
    // biome-ignore lint/suspicious/noExplicitAny: tests read payloads ad hoc.
    return response.json() as any;
  };
  const state = async (feature: string, environment = development) =>
    ok(api('GET', `/environments/${environment}/feature-states/${feature}`));
  const schedule = (changes: unknown[], at: Date, environment = development) =>
    ok(api('POST', scheduled(environment), { changes, scheduled_at: at.toISOString() }), 201);
  const row = (id: string) =>
    db().selectFrom('scheduled_changes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    const token = (await ok(api('POST', '/admin-tokens', { name: 'reviewer' }), 201)).token;
    reviewer = adminClient(t.app, { authorization: `Bearer ${token}` });
    [development, production] = t.environments.map((e) => e.id);
    for (let i = 0; i < 13; i++) {
      await ok(api('POST', `/projects/${t.projectId}/features`, { key: `flag_${i}`, type: 'string' }), 201);
    }
    await ok(api('PATCH', `/environments/${production}`, { requires_approval: 1 }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('applies a change at its time, once, as its author', async () => {
    const now = new Date();
    const change = await schedule(
      [{ kind: 'feature_state', feature: 'flag_0', enabled: true, value: 'on time' }],
      new Date(now.getTime() + HOUR),
    );
    expect(change).toMatchObject({ status: 'pending', applied_at: null, author: { kind: 'token' } });
    expect(await t.context.scheduler.tick(now)).toEqual([]);
    expect((await state('flag_0')).enabled).toBe(false);

    const due = new Date(now.getTime() + HOUR + 1000);
    expect(await t.context.scheduler.tick(due)).toEqual([change.id]);
    expect(await state('flag_0')).toMatchObject({ enabled: true, value: 'on time' });
    expect(await ok(api('GET', `${scheduled()}/${change.id}`))).toMatchObject({
      status: 'applied',
      applied_at: due.toISOString(),
    });
    expect((await row(change.id)).claimed_by).toBe(t.context.scheduler.owner);
    expect(await t.context.scheduler.tick(new Date(due.getTime() + HOUR))).toEqual([]);
  });

  it('is applied exactly once by two servers polling the same database at the same moment', async () => {
    const second = openSecondConnection(getDatabase());
    const other = await joinTestApp(second);
    try {
      const now = new Date();
      const ids: string[] = [];
      for (let i = 1; i <= 10; i++) {
        const at = new Date(now.getTime() + i);
        ids.push((await schedule([{ kind: 'feature_state', feature: `flag_${i}`, value: `v${i}` }], at)).id);
      }
      const later = new Date(now.getTime() + HOUR);
      const [mine, theirs] = await Promise.all([
        t.context.scheduler.tick(later),
        other.context.scheduler.tick(later),
      ]);
      // Each change applied by exactly one of them, and every one applied.
      expect(mine.filter((id) => theirs.includes(id))).toEqual([]);
      expect([...mine, ...theirs].sort()).toEqual([...ids].sort());
      for (const id of ids) {
        const stored = await row(id);
        expect(stored.status).toBe('applied');
        const owner = mine.includes(id) ? t.context.scheduler.owner : other.context.scheduler.owner;
        expect(stored.claimed_by).toBe(owner);
      }
      for (let i = 1; i <= 10; i++) expect((await state(`flag_${i}`)).value).toBe(`v${i}`);
    } finally {
      await other.close();
      await second.close();
    }
  });

  it('applies what fell due while no server ran on the first tick after a restart, late but not lost', async () => {
    const now = new Date();
    const at = new Date(now.getTime() + HOUR);
    const change = await schedule([{ kind: 'feature_state', feature: 'flag_11', value: 'late' }], at);
    const request = await ok(
      api('POST', `/environments/${production}/change-requests`, {
        title: 'Scheduled launch',
        changes: [{ kind: 'feature_state', feature: 'flag_11', enabled: true, value: 'launched' }],
        scheduled_at: at.toISOString(),
      }),
      201,
    );
    const requestUrl = `/environments/${production}/change-requests/${request.id}`;
    await ok(reviewer('POST', `${requestUrl}/approve`));
    // An approved request waits for its time; committing it early is refused.
    expect((await api('POST', `${requestUrl}/commit`)).json().error.code).toBe('change_request_scheduled');
    expect(await t.context.scheduler.tick(now)).toEqual([]);

    // "Downtime": the time passes with no server; then another one starts on the same database.
    const restarted = await joinTestApp(getDatabase());
    try {
      const back = new Date(now.getTime() + 5 * HOUR);
      expect((await restarted.context.scheduler.tick(back)).sort()).toEqual([change.id, request.id].sort());
      expect(await ok(api('GET', `${scheduled()}/${change.id}`))).toMatchObject({
        status: 'applied',
        scheduled_at: at.toISOString(),
        applied_at: back.toISOString(),
      });
      expect(await ok(api('GET', requestUrl))).toMatchObject({
        status: 'committed',
        closed_by: { kind: 'system', id: 'scheduler' },
        closed_at: back.toISOString(),
      });
      expect((await state('flag_11')).value).toBe('late');
      expect(await state('flag_11', production)).toMatchObject({ enabled: true, value: 'launched' });
    } finally {
      await restarted.close();
    }
  });

  it('marks a change that cannot apply at its time failed, with the reason, and does not retry it', async () => {
    const segment = await ok(
      api('POST', `/projects/${t.projectId}/segments`, {
        name: 'short-lived',
        rules: [{ type: 'ALL', conditions: [{ property: 'x', operator: 'IS_SET' }] }],
      }),
      201,
    );
    const now = new Date();
    const change = await schedule(
      [{ kind: 'segment_override', segment: 'short-lived', feature: 'flag_0', enabled: true }],
      new Date(now.getTime() + HOUR),
    );
    expect((await api('DELETE', `/segments/${segment.id}`)).statusCode).toBe(204);
    const later = new Date(now.getTime() + 2 * HOUR);
    expect(await t.context.scheduler.tick(later)).toEqual([]);
    const failed = await ok(api('GET', `${scheduled()}/${change.id}`));
    expect(failed).toMatchObject({
      status: 'failed',
      applied_at: null,
      failure: { code: 'segment_not_found' },
    });
    expect(await t.context.scheduler.tick(new Date(later.getTime() + HOUR))).toEqual([]);
    expect((await row(change.id)).status).toBe('failed');
  });

  it('marks a scheduled change request failed when what it changes moved since the proposal', async () => {
    const now = new Date();
    const url = `/environments/${production}/change-requests`;
    const changes = (value: string) => [{ kind: 'feature_state', feature: 'flag_5', value }];
    const scheduledRequest = await ok(
      api('POST', url, {
        title: 'Later',
        changes: changes('scheduled'),
        scheduled_at: new Date(now.getTime() + HOUR).toISOString(),
      }),
      201,
    );
    const direct = await ok(api('POST', url, { title: 'Now', changes: changes('now') }), 201);
    for (const id of [scheduledRequest.id, direct.id]) await ok(reviewer('POST', `${url}/${id}/approve`));
    await ok(api('POST', `${url}/${direct.id}/commit`));

    expect(await t.context.scheduler.tick(new Date(now.getTime() + 2 * HOUR))).toEqual([]);
    expect(await ok(api('GET', `${url}/${scheduledRequest.id}`))).toMatchObject({
      status: 'failed',
      failure: { code: 'conflict' },
    });
    expect((await state('flag_5', production)).value).toBe('now');
  });

  it('cancels a pending change, which then never applies', async () => {
    const now = new Date();
    const change = await schedule(
      [{ kind: 'feature_state', feature: 'flag_12', value: 'never' }],
      new Date(now.getTime() + HOUR),
    );
    expect((await api('DELETE', `${scheduled()}/${change.id}`)).statusCode).toBe(204);
    expect(await t.context.scheduler.tick(new Date(now.getTime() + 2 * HOUR))).toEqual([]);
    expect((await state('flag_12')).value).toBeNull();
    const listed = await ok(api('GET', `${scheduled()}?status=cancelled`));
    expect(listed.items.map((c: { id: string }) => c.id)).toEqual([change.id]);
  });

  describe('bad input', () => {
    const change = { kind: 'feature_state', feature: 'flag_0', enabled: true };
    const at = '2030-01-01T09:00:00Z';
    let applied: string;
    beforeAll(async () => {
      const past = new Date(Date.now() - HOUR);
      applied = (await schedule([{ kind: 'feature_state', feature: 'flag_7', value: 'x' }], past)).id;
      expect(await t.context.scheduler.tick()).toContain(applied);
    });

    it.each([
      ['malformed JSON', 'POST', '', '{"changes":', 400, 'malformed_json'],
      ['a missing time', 'POST', '', { changes: [change] }, 400, 'invalid_request'],
      [
        'a time that is not one',
        'POST',
        '',
        { changes: [change], scheduled_at: 'tomorrow' },
        400,
        'invalid_request',
      ],
      ['no changes', 'POST', '', { changes: [], scheduled_at: at }, 400, 'invalid_request'],
      ['an unknown kind', 'POST', '', { changes: [{ kind: 'x' }], scheduled_at: at }, 400, 'invalid_request'],
      [
        'an unknown property',
        'POST',
        '',
        { changes: [change], scheduled_at: at, title: 'x' },
        400,
        'invalid_request',
      ],
      [
        'a value of the wrong type',
        'POST',
        '',
        { changes: [{ kind: 'feature_state', feature: 'flag_0', value: 5 }], scheduled_at: at },
        400,
        'invalid_value',
      ],
      [
        'an unknown feature',
        'POST',
        '',
        { changes: [{ ...change, feature: 'nope' }], scheduled_at: at },
        404,
        'feature_not_found',
      ],
      ['an unknown status filter', 'GET', '?status=done', undefined, 400, 'invalid_request'],
      ['an unknown change', 'GET', '/0123456789abcdef', undefined, 404, 'scheduled_change_not_found'],
      [
        'cancelling an unknown change',
        'DELETE',
        '/0123456789abcdef',
        undefined,
        404,
        'scheduled_change_not_found',
      ],
      ['cancelling an applied change', 'DELETE', '/:applied', undefined, 409, 'scheduled_change_closed'],
    ])('refuses %s and changes nothing', async (_what, method, suffix, body, status, code) => {
      const before = await everything(db());
      const response = await api(
        method as 'POST',
        `${scheduled()}${suffix.replace(':applied', applied)}`,
        body,
      );
      expect([response.statusCode, response.json().error.code]).toEqual([status, code]);
      expect(await everything(db())).toBe(before);
    });

    it('sends protected environments to change requests', async () => {
      const before = await everything(db());
      const response = await api('POST', scheduled(production), { changes: [change], scheduled_at: at });
      expect(response.statusCode).toBe(409);
      expect(response.json().error).toMatchObject({ code: 'change_request_required' });
      expect(response.json().error.message).toContain('/change-requests');
      expect(await everything(db())).toBe(before);
    });
  });
});
