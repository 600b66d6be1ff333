import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { bootstrap } from '../organisations/bootstrap.js';
import { InProcessChangeBus } from '../realtime/change-bus.js';
import type { Scheduler } from '../scheduled-changes/scheduler.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { createPerson, grant, signIn, TEST_PASSWORD } from '../testing/people.js';
import { startReceiver } from '../testing/webhook-receiver.js';
import { WebhookWorker } from '../webhooks/webhook-worker.js';

const PREFIX = '/api/admin/v1';
const ADMIN_TOKEN = 'pat_log-test-admin-token-0123456789abcdef';

/**
 * Runs the flows that handle secrets with every log line on (trace: each request and answer
 * logged), then looks for each secret in what was logged, in every answer but the one that
 * shows it once, and in the audit log as stored: passwords, password hashes, session and
 * CSRF tokens, invitation tokens, admin tokens, server keys, webhook secrets (created, signing
 * deliveries that succeed and fail), and the same through change requests and scheduled
 * changes made by a signed-in person.
 */
describe('secrets never reach the log', () => {
  let database: TestDatabase;
  const lines: string[] = [];
  const secrets: string[] = [ADMIN_TOKEN, TEST_PASSWORD];
  /** Every answer after the one that showed a secret once. */
  const answers: string[] = [];
  let auditLog = '';
  let outbox = '';

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const boot = await bootstrap(database.db, { adminToken: ADMIN_TOKEN });
    if (!boot) throw new Error('empty database expected');
    const config = loadConfig({}, { logLevel: 'trace', dataDir: '.pennon-test-unused' });
    const bus = new InProcessChangeBus();
    const { app, context } = await buildApp({
      config,
      database,
      bus,
      logger: { level: 'trace', stream: { write: (line: string) => lines.push(line) } },
    });
    await app.ready();
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    try {
      await createPerson(database.db, boot.organisationId, 'logged@example.com', 'admin');
      const signedIn = await app.inject({
        method: 'POST',
        url: `${PREFIX}/auth/sign-in`,
        payload: { email: 'logged@example.com', password: TEST_PASSWORD },
      });
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0];
      secrets.push(cookie.split('=')[1], signedIn.json().csrf_token);
      await app.inject({ method: 'GET', url: `${PREFIX}/auth/me`, headers: { cookie } });
      const wrong = 'a wrong password, typed by mistake';
      secrets.push(wrong);
      await app.inject({
        method: 'POST',
        url: `${PREFIX}/auth/sign-in`,
        payload: { email: 'logged@example.com', password: wrong },
      });
      const invitation = (
        await app.inject({
          method: 'POST',
          url: `${PREFIX}/invitations`,
          headers: { cookie, 'x-csrf-token': signedIn.json().csrf_token },
          payload: { email: 'invited@example.com' },
        })
      ).json();
      secrets.push(invitation.token);
      const invitedPassword = 'the invited person’s password';
      secrets.push(invitedPassword);
      await app.inject({
        method: 'POST',
        url: `${PREFIX}/auth/accept-invitation`,
        payload: { token: invitation.token, name: 'Invited', password: invitedPassword },
      });
      const token = (
        await app.inject({
          method: 'POST',
          url: `${PREFIX}/admin-tokens`,
          headers: admin,
          payload: { name: 'logged' },
        })
      ).json();
      secrets.push(token.token);
      await app.inject({
        method: 'GET',
        url: `${PREFIX}/projects`,
        headers: { authorization: `Bearer ${token.token}` },
      });
      await app.inject({
        method: 'GET',
        url: `${PREFIX}/projects`,
        headers: { authorization: 'Bearer pat_a-guessed-token-0123456789' },
      });
      secrets.push('pat_a-guessed-token-0123456789');
      await app.inject({
        method: 'GET',
        url: `${PREFIX}/auth/me`,
        headers: { cookie: 'pennon_session=a-forged-session-token' },
      });
      secrets.push('a-forged-session-token');
      await teamsFlows(app, context.scheduler, boot, admin);
      for (const row of await database.db.selectFrom('users').select('password_hash').execute()) {
        secrets.push(row.password_hash, row.password_hash.split('$').at(-1) as string);
      }
      auditLog = JSON.stringify(await database.db.selectFrom('audit_log').selectAll().execute());
      outbox = JSON.stringify(
        await database.db
          .selectFrom('webhook_deliveries')
          .select(['payload', 'response_body', 'error'])
          .execute(),
      );
    } finally {
      await app.close();
      await bus.close();
    }
  });
  afterAll(() => database?.dispose());

  /**
   * Webhooks (created, delivered to a receiver that answers 200, one that answers 500 and an
   * address nobody listens on), a server key, and a change request and a scheduled change by a
   * signed-in editor, reviewed with a token; the delivery worker logs to the same lines.
   */
  async function teamsFlows(
    app: Awaited<ReturnType<typeof buildApp>>['app'],
    scheduler: Scheduler,
    boot: { organisationId: string; projectId: string; environments: { id: string }[] },
    admin: Record<string, string>,
  ): Promise<void> {
    const call = async (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      headers: object,
      payload?: object,
    ) => {
      const response = await app.inject({ method, url: `${PREFIX}${url}`, headers: { ...headers }, payload });
      if (response.statusCode >= 400)
        throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
      return response;
    };
    const [development, production] = boot.environments.map((e) => e.id);
    const receiver = await startReceiver();
    receiver.answers.push({ status: 500, body: 'the receiver failed' });
    try {
      const webhooks = [];
      for (const url of [receiver.url, 'http://127.0.0.1:9/nobody-listens']) {
        const created = (
          await call('POST', `/projects/${boot.projectId}/webhooks`, admin, {
            url,
            events: ['flags', 'change_requests'],
          })
        ).json();
        secrets.push(created.secret);
        webhooks.push(created.id as string);
      }
      receiver.secret.value = secrets.at(-2) as string;
      const serverKey = (
        await call('POST', `/environments/${development}/server-keys`, admin, { name: 'ci' })
      ).json();
      secrets.push(serverKey.key);

      const editor = await createPerson(database.db, boot.organisationId, 'editor@example.com');
      await grant(database.db, boot.projectId, editor, 'editor');
      const browser = await signIn(app, 'editor@example.com');
      secrets.push(browser.cookie.split('=')[1], browser.csrf);
      await call('POST', `/projects/${boot.projectId}/features`, browser.headers, {
        key: 'logged_flag',
        type: 'string',
      });
      await call('PATCH', `/environments/${production}`, admin, { requires_approval: 1 });
      const request = (
        await call('POST', `/environments/${production}/change-requests`, browser.headers, {
          title: 'Logged',
          changes: [{ kind: 'feature_state', feature: 'logged_flag', enabled: true, value: 'on' }],
        })
      ).json();
      answers.push(
        (await call('POST', `/environments/${production}/change-requests/${request.id}/approve`, admin)).body,
      );
      answers.push(
        (
          await call(
            'POST',
            `/environments/${production}/change-requests/${request.id}/commit`,
            browser.headers,
          )
        ).body,
      );
      const scheduled = (
        await call('POST', `/environments/${development}/scheduled-changes`, browser.headers, {
          changes: [{ kind: 'feature_state', feature: 'logged_flag', value: 'later' }],
          scheduled_at: new Date(Date.now() + 3_600_000).toISOString(),
        })
      ).json();
      expect(await scheduler.tick(new Date(Date.now() + 2 * 3_600_000))).toEqual([scheduled.id]);
      answers.push(
        (await call('GET', `/environments/${development}/scheduled-changes/${scheduled.id}`, browser.headers))
          .body,
      );

      const worker = new WebhookWorker(database.db, { log: app.log, backoffBaseMs: 0 });
      for (let round = 0; round < 3; round++) await worker.deliverDue();
      for (const id of webhooks) {
        answers.push((await call('POST', `/webhooks/${id}/test`, admin)).body);
        answers.push((await call('GET', `/webhooks/${id}`, admin)).body);
      }
      await worker.deliverDue();
      for (const id of webhooks) answers.push((await call('GET', `/webhooks/${id}/deliveries`, admin)).body);
      answers.push((await call('GET', '/audit-log?limit=500', admin)).body);
      answers.push((await call('GET', `/environments/${development}/server-keys`, admin)).body);
      expect(receiver.received.length).toBeGreaterThanOrEqual(2);
      expect(receiver.received.every((delivery) => delivery.verified)).toBe(true);
    } finally {
      await receiver.close();
    }
  }

  it('logged the flows at all (so the search below means something)', () => {
    const text = lines.join('');
    expect(text).toContain('/auth/sign-in');
    expect(text).toContain('sign-in failed');
    expect(text).toContain('admin authentication failed');
  });

  it('contains none of the secrets', () => {
    const text = lines.join('');
    expect(secrets.length).toBeGreaterThanOrEqual(17);
    for (const secret of secrets)
      expect(text.includes(secret), `a secret was logged: ${secret.slice(0, 6)}…`).toBe(false);
  });

  it('answers none of them after showing each once', () => {
    const text = answers.join('');
    expect(text).toContain('change_request');
    for (const secret of secrets)
      expect(text.includes(secret), `a secret was answered: ${secret.slice(0, 6)}…`).toBe(false);
  });

  it('stores none of them in the audit log or the webhook outbox', () => {
    expect(auditLog).toContain('"change_request"');
    expect(auditLog).toContain('"scheduled_change"');
    expect(auditLog).toContain('"webhook"');
    expect(outbox).toContain('change_request.commit');
    for (const secret of secrets) {
      expect(auditLog.includes(secret), `a secret is in the audit log: ${secret.slice(0, 6)}…`).toBe(false);
      expect(outbox.includes(secret), `a secret is in the outbox: ${secret.slice(0, 6)}…`).toBe(false);
    }
    expect(auditLog).not.toContain('password_hash');
    expect(auditLog).not.toContain('token_hash');
  });
});
