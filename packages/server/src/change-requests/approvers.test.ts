import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminCall, adminClient, changeTablesSnapshot } from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';
import { createPerson, grant, signIn } from '../testing/people.js';

const HOUR = 60 * 60 * 1000;

// biome-ignore lint/suspicious/noExplicitAny: tests read payloads ad hoc.
type Payload = any;

/**
 * Who approves: the author never, through any session or as the token they used; and an
 * approval counts at commit only while its approver may still edit the environment.
 */
describeEachDialect('change request approvers', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let production: string;
  const db = () => getDatabase().db;
  const url = () => `/environments/${production}/change-requests`;
  const ok = async (call: Promise<{ statusCode: number; body: string; json(): unknown }>, status = 200) => {
    const response = await call;
    expect(response.statusCode, response.body).toBe(status);
    return response.json() as Payload;
  };
  /** A signed-in person of the organisation; members get `role` in the bootstrap project. */
  const person = async (email: string, role?: 'admin' | 'editor' | 'viewer') => {
    const id = await createPerson(db(), t.organisationId, email, role ? 'member' : 'admin');
    if (role) await grant(db(), t.projectId, id, role);
    return { id, call: adminClient(t.app, (await signIn(t.app, email)).headers) };
  };
  let proposals = 0;
  const propose = async (as: AdminCall = api, scheduledAt?: Date) =>
    ok(
      as('POST', url(), {
        title: `Proposal ${++proposals}`,
        changes: [{ kind: 'feature_state', feature: `flag_${proposals}`, enabled: true }],
        ...(scheduledAt ? { scheduled_at: scheduledAt.toISOString() } : {}),
      }),
      201,
    );
  const commitRefusal = async (id: string) => {
    const before = await changeTablesSnapshot(db());
    const response = await api('POST', `${url()}/${id}/commit`);
    return {
      status: response.statusCode,
      code: response.json().error?.code,
      message: response.json().error?.message as string,
      changed: (await changeTablesSnapshot(db())) !== before,
    };
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    production = t.environments[1].id;
    for (let i = 1; i <= 12; i++) {
      await ok(api('POST', `/projects/${t.projectId}/features`, { key: `flag_${i}`, type: 'boolean' }), 201);
    }
    await ok(api('PATCH', `/environments/${production}`, { requires_approval: 1 }));
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('the author', () => {
    it('cannot approve their own request from another session, nor reject it', async () => {
      const author = await person('author@approvers.example', 'editor');
      const request = await propose(author.call);
      const otherBrowser = adminClient(t.app, (await signIn(t.app, 'author@approvers.example')).headers);
      for (const [action, code] of [
        ['approve', 'cannot_approve_own_change_request'],
        ['reject', 'cannot_reject_own_change_request'],
      ]) {
        const response = await otherBrowser('POST', `${url()}/${request.id}/${action}`);
        expect(response.statusCode).toBe(403);
        expect(response.json().error.code).toBe(code);
      }
      expect((await ok(api('GET', `${url()}/${request.id}`))).approvals).toEqual([]);
    });

    it('as a token cannot approve what that token proposed, while a person may', async () => {
      const request = await propose(api);
      const own = await api('POST', `${url()}/${request.id}/approve`);
      expect(own.json().error.code).toBe('cannot_approve_own_change_request');
      const reviewer = await person('reviewer@approvers.example', 'editor');
      const approved = await ok(reviewer.call('POST', `${url()}/${request.id}/approve`));
      expect(approved).toMatchObject({
        status: 'approved',
        approvals: [{ actor: { kind: 'user', id: reviewer.id } }],
      });
    });
  });

  describe('an approval that lapses', () => {
    it("stops counting once the approver's role is lowered, and counts again when someone else approves", async () => {
      const reviewer = await person('lowered@approvers.example', 'editor');
      const request = await propose();
      await ok(reviewer.call('POST', `${url()}/${request.id}/approve`));
      await ok(api('PATCH', `/projects/${t.projectId}/members/${reviewer.id}`, { role: 'viewer' }));
      expect(await commitRefusal(request.id)).toEqual({
        status: 409,
        code: 'change_request_not_approved',
        message:
          'This change request has 0 of the 1 approval it needs (revision 1) (1 approval was given by ' +
          'someone who may no longer edit this environment, and no longer counts); others must approve it first.',
        changed: false,
      });
      const other = await person('other@approvers.example', 'admin');
      await ok(other.call('POST', `${url()}/${request.id}/approve`));
      expect(await ok(api('POST', `${url()}/${request.id}/commit`))).toMatchObject({ status: 'committed' });
    });

    it('stops counting when the approver may only propose there, is removed, or the approving token is revoked', async () => {
      const limited = await person('limited@approvers.example', 'editor');
      const removed = await person('removed@approvers.example', 'editor');
      const token = await ok(api('POST', '/admin-tokens', { name: 'revoked reviewer', role: 'admin' }), 201);
      const byToken = adminClient(t.app, { authorization: `Bearer ${token.token}` });
      const lapses: [string, AdminCall, () => Promise<unknown>][] = [
        [
          'limited',
          limited.call,
          () =>
            ok(
              api('PATCH', `/projects/${t.projectId}/members/${limited.id}`, {
                environments: { [production]: 'propose' },
              }),
            ),
        ],
        ['removed', removed.call, () => api('DELETE', `/users/${removed.id}`)],
        ['revoked', byToken, () => api('DELETE', `/admin-tokens/${token.id}`)],
      ];
      for (const [label, approver, lapse] of lapses) {
        const request = await propose();
        expect((await ok(approver('POST', `${url()}/${request.id}/approve`))).status, label).toBe('approved');
        await lapse();
        expect((await commitRefusal(request.id)).code, label).toBe('change_request_not_approved');
      }
    });

    it('fails a scheduled request at its time when its only approval has lapsed', async () => {
      const reviewer = await person('scheduled@approvers.example', 'editor');
      const now = new Date();
      const request = await propose(api, new Date(now.getTime() + HOUR));
      await ok(reviewer.call('POST', `${url()}/${request.id}/approve`));
      expect((await api('DELETE', `/projects/${t.projectId}/members/${reviewer.id}`)).statusCode).toBe(204);
      expect(await t.context.scheduler.tick(new Date(now.getTime() + 2 * HOUR))).toEqual([]);
      expect(await ok(api('GET', `${url()}/${request.id}`))).toMatchObject({
        status: 'failed',
        failure: { code: 'change_request_not_approved' },
      });
      const state = await ok(api('GET', `/environments/${production}/feature-states/flag_${proposals}`));
      expect(state.enabled).toBe(false);
    });
  });
});
