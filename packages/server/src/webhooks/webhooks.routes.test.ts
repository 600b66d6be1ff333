import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AdminCall, adminClient, rejection, seedProject } from '../testing/admin-fixtures.js';
import { createTestApp, type TestApp } from '../testing/app.js';
import { describeEachDialect } from '../testing/databases.js';
import { startReceiver } from '../testing/webhook-receiver.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { sign, verify } from './webhook-signature.js';
import { WebhookWorker } from './webhook-worker.js';

describeEachDialect('webhooks', (getDatabase) => {
  let t: TestApp;
  let api: AdminCall;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const db = () => getDatabase().db;
  const worker = () => new WebhookWorker(db());
  const created: string[] = [];
  const createWebhook = async (body: Record<string, unknown>) => {
    const response = await api('POST', `/projects/${t.projectId}/webhooks`, { url: receiver.url, ...body });
    expect(response.statusCode, response.body).toBe(201);
    const webhook = response.json();
    created.push(webhook.id);
    receiver.secret.value = webhook.secret;
    return webhook;
  };
  const deliveries = async (webhookId: string) => {
    const response = await api('GET', `/webhooks/${webhookId}/deliveries`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().items as Record<string, unknown>[];
  };
  const newFeature = async (key: string) => {
    const response = await api('POST', `/projects/${t.projectId}/features`, { key, type: 'boolean' });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  beforeAll(async () => {
    t = await createTestApp(getDatabase());
    api = adminClient(t.app, t.admin);
    receiver = await startReceiver();
  });
  afterEach(async () => {
    // Each test counts its own deliveries: earlier webhooks go, with their outbox rows.
    for (const id of created.splice(0)) await api('DELETE', `/webhooks/${id}`);
    receiver.received.length = 0;
    receiver.answers.length = 0;
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  describe('CRUD', () => {
    it('shows the secret once, then never, and records the webhook in the audit log without it', async () => {
      const webhook = await createWebhook({ description: 'on-call' });
      expect(webhook).toMatchObject({
        project_id: t.projectId,
        environment_id: null,
        url: receiver.url,
        events: ['flags', 'segments', 'overrides'],
        enabled: true,
        description: 'on-call',
      });
      expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
      const read = (await api('GET', `/webhooks/${webhook.id}`)).json();
      expect(read).not.toHaveProperty('secret');
      const listed = (await api('GET', `/projects/${t.projectId}/webhooks`)).json();
      expect(listed.items.map((w: { id: string }) => w.id)).toContain(webhook.id);
      expect(JSON.stringify(listed)).not.toContain(webhook.secret);
      const log = await db()
        .selectFrom('audit_log')
        .selectAll()
        .where('resource_id', '=', webhook.id)
        .execute();
      expect(log.map((r) => r.action)).toEqual(['create']);
      expect(JSON.stringify(log)).not.toContain(webhook.secret);
    });

    it('updates, treats an unchanged PATCH as a no-op, and deletes', async () => {
      const webhook = await createWebhook({});
      const patched = await api('PATCH', `/webhooks/${webhook.id}`, { enabled: false, events: ['audit'] });
      expect(patched.json()).toMatchObject({ enabled: false, events: ['audit'] });
      const again = await api('PATCH', `/webhooks/${webhook.id}`, { enabled: false });
      expect(again.json().updated_at).toBe(patched.json().updated_at);
      expect((await api('DELETE', `/webhooks/${webhook.id}`)).statusCode).toBe(204);
      expect((await api('GET', `/webhooks/${webhook.id}`)).json().error.code).toBe('webhook_not_found');
      const actions = await db()
        .selectFrom('audit_log')
        .select('action')
        .where('resource_id', '=', webhook.id)
        .orderBy('id')
        .execute();
      expect(actions.map((r) => r.action)).toEqual(['create', 'update', 'delete']);
    });

    it('pages through the delivery log, newest first, by cursor', async () => {
      const webhook = await createWebhook({ events: ['flags'] });
      const pinged: string[] = [];
      for (let i = 0; i < 3; i++) pinged.push((await api('POST', `/webhooks/${webhook.id}/test`)).json().id);
      const page = async (query: string) =>
        (await api('GET', `/webhooks/${webhook.id}/deliveries?${query}`)).json();
      const newest = await page('limit=2');
      expect(newest.items.map((d: { id: string }) => d.id)).toEqual([pinged[2], pinged[1]]);
      expect(newest.next_cursor).toBe(pinged[1]);
      const older = await page(`limit=2&cursor=${newest.next_cursor}`);
      expect(older).toEqual({ items: [expect.objectContaining({ id: pinged[0] })], next_cursor: null });
    });

    it('scopes a webhook to an environment given by key', async () => {
      const webhook = await createWebhook({ environment_id: t.environments[1].key });
      expect(webhook.environment_id).toBe(t.environments[1].id);
    });
  });

  describe('delivery', () => {
    it('delivers a change with a signature the receiver verifies, once, and logs the answer', async () => {
      const webhook = await createWebhook({});
      const feature = await newFeature('hooked');
      const queued = await deliveries(webhook.id);
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({ event: 'feature.create', status: 'pending', attempts: 0 });

      expect(await worker().deliverDue()).toBe(1);
      expect(await worker().deliverDue()).toBe(0);
      expect(receiver.received).toHaveLength(1);
      const [received] = receiver.received;
      expect(received.verified).toBe(true);
      expect(received.id).toBe(queued[0].id);
      expect(received.event).toBe('feature.create');
      expect(received.json).toMatchObject({
        id: queued[0].id,
        event: 'feature.create',
        webhook_id: webhook.id,
        data: { resource_type: 'feature', resource_id: feature.id, after: { key: 'hooked' } },
      });
      // The same body under another secret, or replayed later, does not verify.
      const timestamp = Math.floor(Date.now() / 1000);
      const forged = sign('whsec_wrong', timestamp, received.body);
      expect(
        verify(webhook.secret, { signature: forged, timestamp: String(timestamp) }, received.body, timestamp),
      ).toBe(false);
      const honest = sign(webhook.secret, timestamp, received.body);
      expect(
        verify(
          webhook.secret,
          { signature: honest, timestamp: String(timestamp) },
          received.body,
          timestamp + 301,
        ),
      ).toBe(false);

      const [logged] = await deliveries(webhook.id);
      expect(logged).toMatchObject({
        status: 'delivered',
        attempts: 1,
        response_code: 200,
        response_body: 'ok',
      });
      expect(logged.completed_at).not.toBeNull();
    });

    it('sends each webhook only the events and environments it subscribed to', async () => {
      const flags = await createWebhook({ events: ['flags'] });
      const segments = await createWebhook({ events: ['segments'] });
      const audit = await createWebhook({ events: ['audit'] });
      const production = await createWebhook({ environment_id: t.environments[1].id, events: ['flags'] });
      const feature = await newFeature('scoped');
      for (const environment of t.environments) {
        await api('PATCH', `/environments/${environment.id}/feature-states/${feature.id}`, { enabled: true });
      }
      await api('POST', `/environments/${t.environments[0].id}/server-keys`, { name: 'not a flag' });
      const events = async (id: string) => (await deliveries(id)).map((d) => d.event).sort();
      expect(await events(flags.id)).toEqual([
        'feature.create',
        'feature_state.update',
        'feature_state.update',
      ]);
      expect(await events(segments.id)).toEqual([]);
      expect(await events(audit.id)).toEqual([
        'feature.create',
        'feature_state.update',
        'feature_state.update',
        'server_key.create',
        // The two webhooks created after it: `audit` hears every record, whatever the resource.
        'webhook.create',
        'webhook.create',
      ]);
      // Its own environment's state, and the project-level feature every environment evaluates.
      expect(await events(production.id)).toEqual(['feature.create', 'feature_state.update']);
      const [state] = (await deliveries(production.id)).filter((d) => d.event === 'feature_state.update');
      const record = await db()
        .selectFrom('audit_log')
        .select('environment_id')
        .where('id', '=', state.audit_id as string)
        .executeTakeFirstOrThrow();
      expect(record.environment_id).toBe(t.environments[1].id);
    });

    it('queues nothing for a paused webhook', async () => {
      const webhook = await createWebhook({ enabled: false });
      await newFeature('while-paused');
      expect(await deliveries(webhook.id)).toEqual([]);
    });

    it('retries after a 500 with exponential backoff, keeping a truncated answer', async () => {
      const webhook = await createWebhook({});
      await newFeature('retried');
      let now = Date.now();
      const retrying = new WebhookWorker(db(), { now: () => now, backoffBaseMs: 60_000 });
      receiver.answers.push({ status: 500, body: 'x'.repeat(5000) }, { status: 503, body: 'busy' });

      expect(await retrying.deliverDue()).toBe(1);
      let [delivery] = await deliveries(webhook.id);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, response_code: 500 });
      expect(delivery.response_body).toBe('x'.repeat(1024));
      expect(delivery.error).toContain('500');
      expect(Date.parse(delivery.next_attempt_at as string)).toBe(now + 60_000);

      now += 59_000;
      expect(await retrying.deliverDue()).toBe(0);
      now += 1_000;
      expect(await retrying.deliverDue()).toBe(1);
      [delivery] = await deliveries(webhook.id);
      expect(delivery).toMatchObject({
        status: 'pending',
        attempts: 2,
        response_code: 503,
        response_body: 'busy',
      });
      // Doubled after the second failure.
      expect(Date.parse(delivery.next_attempt_at as string)).toBe(now + 120_000);

      now += 120_000;
      expect(await retrying.deliverDue()).toBe(1);
      [delivery] = await deliveries(webhook.id);
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, response_code: 200, error: null });
      expect(receiver.received.map((r) => r.id)).toEqual([delivery.id, delivery.id, delivery.id]);
      expect(receiver.received.every((r) => r.verified)).toBe(true);
    });

    it('marks a delivery failed after the last attempt, and says why', async () => {
      const webhook = await createWebhook({});
      await newFeature('doomed');
      let now = Date.now();
      const giving = new WebhookWorker(db(), { now: () => now, backoffBaseMs: 1000, maxAttempts: 2 });
      receiver.answers.push({ status: 500, body: 'no' }, { status: 500, body: 'still no' });
      await giving.deliverDue();
      now += 1000;
      await giving.deliverDue();
      now += 60_000;
      expect(await giving.deliverDue()).toBe(0);
      const [delivery] = await deliveries(webhook.id);
      expect(delivery).toMatchObject({
        status: 'failed',
        attempts: 2,
        response_code: 500,
        next_attempt_at: null,
      });
      expect(delivery.error).toContain('Gave up after 2 attempts');
      expect(
        (await api('GET', `/webhooks/${webhook.id}/deliveries?status=failed`)).json().items,
      ).toHaveLength(1);
      expect(
        (await api('GET', `/webhooks/${webhook.id}/deliveries?status=pending`)).json().items,
      ).toHaveLength(0);
    });

    it('logs an unreachable receiver as an error with no answer', async () => {
      const webhook = await createWebhook({ url: 'http://127.0.0.1:9/closed' });
      await newFeature('unreachable');
      await worker().deliverDue();
      const [delivery] = await deliveries(webhook.id);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, response_code: null });
      expect(delivery.error).toMatch(/^The request failed: /);
    });

    it('sends a test ping through the outbox', async () => {
      const webhook = await createWebhook({ events: ['segments'] });
      const response = await api('POST', `/webhooks/${webhook.id}/test`);
      expect(response.statusCode, response.body).toBe(202);
      expect(response.json()).toMatchObject({ event: 'ping', status: 'pending', audit_id: null });
      await worker().deliverDue();
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]).toMatchObject({ event: 'ping', verified: true });
      expect(receiver.received[0].json.data).toMatchObject({ webhook: { id: webhook.id } });
      expect((await deliveries(webhook.id))[0]).toMatchObject({ status: 'delivered', response_code: 200 });
    });

    it('picks up pending deliveries when a worker starts, as after a restart', async () => {
      const webhook = await createWebhook({});
      await newFeature('before-restart');
      await newFeature('also-before-restart');
      const started = new WebhookWorker(db(), { pollMs: 10 });
      started.start();
      try {
        await expect
          .poll(async () => (await deliveries(webhook.id)).map((d) => d.status), { timeout: 10_000 })
          .toEqual(['delivered', 'delivered']);
      } finally {
        await started.stop();
      }
      expect(receiver.received).toHaveLength(2);
    });

    it('lets another worker take a delivery whose lease ran out, and ignores the late result', async () => {
      const webhook = await createWebhook({});
      await newFeature('leased');
      const [pending] = await deliveries(webhook.id);
      const now = Date.now();
      // A worker claims it and dies before sending: the row stays held until its lease ends.
      const outbox = new WebhookDeliveriesRepository(db());
      const leasedUntil = new Date(now + 60_000).toISOString();
      const dead = await outbox.claim(
        pending.id as string,
        new Date(now).toISOString(),
        leasedUntil,
        'dead-worker',
      );
      expect(dead?.id).toBe(pending.id);
      expect(await new WebhookWorker(db(), { now: () => now + 59_000 }).deliverDue()).toBe(0);
      expect(await new WebhookWorker(db(), { now: () => now + 61_000 }).deliverDue()).toBe(1);
      expect(receiver.received.map((r) => r.id)).toEqual([pending.id]);
      // The dead worker's outcome, arriving late, changes nothing.
      const late = await outbox.finish(
        pending.id as string,
        'dead-worker',
        {
          status: 'failed',
          response_code: null,
          response_body: null,
          error: 'late',
          next_attempt_at: leasedUntil,
        },
        new Date().toISOString(),
      );
      expect(late).toBe(false);
      expect((await deliveries(webhook.id))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    });
  });

  describe('bad input', () => {
    const bad = async (method: 'POST' | 'PATCH', url: string, body: unknown) =>
      rejection(db(), () => api(method, url, body));

    it.each([
      ['an ftp URL', { url: 'ftp://hooks.example.com/x' }, 'invalid_webhook_url'],
      ['a javascript: URL', { url: 'javascript:alert(1)' }, 'invalid_webhook_url'],
      ['credentials in the URL', { url: 'https://user:secret@hooks.example.com/x' }, 'invalid_webhook_url'],
      ['a relative URL', { url: 'not a url' }, 'invalid_webhook_url'],
      ['an empty URL', { url: '' }, 'invalid_request'],
      ['a URL over 2000 characters', { url: `https://example.com/${'a'.repeat(2000)}` }, 'invalid_request'],
      ['no URL', {}, 'invalid_request'],
      ['no events', { url: 'https://example.com', events: [] }, 'invalid_request'],
      ['an event twice', { url: 'https://example.com', events: ['flags', 'flags'] }, 'invalid_request'],
      ['an unknown event', { url: 'https://example.com', events: ['everything'] }, 'invalid_request'],
      ['a chosen secret', { url: 'https://example.com', secret: 'mine' }, 'invalid_request'],
      ['a non-boolean enabled', { url: 'https://example.com', enabled: 'yes' }, 'invalid_request'],
    ])('POST webhooks with %s → 400 %s, nothing stored', async (_, body, code) => {
      const result = await bad('POST', `/projects/${t.projectId}/webhooks`, body);
      expect(result).toEqual({ status: 400, code, changed: false });
    });

    it('refuses an environment of another project, and projects of other organisations', async () => {
      const foreign = await seedProject(db());
      const body = { url: 'https://example.com', environment_id: foreign.environmentId };
      expect(await bad('POST', `/projects/${t.projectId}/webhooks`, body)).toEqual({
        status: 404,
        code: 'environment_not_found',
        changed: false,
      });
      expect(
        await bad('POST', `/projects/${foreign.projectId}/webhooks`, { url: 'https://example.com' }),
      ).toEqual({
        status: 404,
        code: 'project_not_found',
        changed: false,
      });
      expect((await api('GET', `/projects/${foreign.projectId}/webhooks`)).statusCode).toBe(404);
    });

    it('refuses bad updates and unknown webhooks', async () => {
      const webhook = await createWebhook({});
      for (const [body, code] of [
        [{ url: 'file:///etc/passwd' }, 'invalid_webhook_url'],
        [{ environment_id: t.environments[0].id }, 'invalid_request'],
        [{ events: [] }, 'invalid_request'],
        [{ description: 'x'.repeat(2001) }, 'invalid_request'],
      ] as const) {
        expect(await bad('PATCH', `/webhooks/${webhook.id}`, body)).toEqual({
          status: 400,
          code,
          changed: false,
        });
      }
      expect(await bad('PATCH', '/webhooks/missing', { enabled: false })).toEqual({
        status: 404,
        code: 'webhook_not_found',
        changed: false,
      });
      for (const [method, url] of [
        ['GET', '/webhooks/missing'],
        ['DELETE', '/webhooks/missing'],
        ['GET', '/webhooks/missing/deliveries'],
        ['POST', '/webhooks/missing/test'],
      ] as const) {
        const response = await api(method, url);
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(response.json().error.code).toBe('webhook_not_found');
      }
      const query = await api('GET', `/webhooks/${webhook.id}/deliveries?status=lost`);
      expect(query.statusCode).toBe(400);
      expect(query.json().error.code).toBe('invalid_request');
    });
  });
});
