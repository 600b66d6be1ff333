import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordAudit } from '../audit/audit.record.js';
import { loadConfig } from '../config.js';
import { FeaturesRepository } from '../features/features.repository.js';
import { FeaturesService } from '../features/features.service.js';
import { bootstrap } from '../organisations/bootstrap.js';
import { InProcessChangeBus } from '../realtime/change-bus.js';
import { startServer } from '../server.js';
import { ChangeRecorder } from '../shared/changes.js';
import { type Database, migrateToLatest, openPostgres, openSqlite } from '../storage/database.js';
import { describeEachDialect, TEST_POSTGRES_URL } from '../testing/databases.js';
import { startReceiver } from '../testing/webhook-receiver.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookWorker } from './webhook-worker.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/** A second process's own connection to the same database. */
function openAgain(database: Database): Database {
  return database.dialect === 'postgres'
    ? openPostgres(TEST_POSTGRES_URL, database.pgSchema)
    : openSqlite(database.location);
}

describeEachDialect('webhook workers sharing one database', (getDatabase) => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let other: Database;
  let organisationId: string;
  let projectId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    other = openAgain(getDatabase());
    const boot = await bootstrap(getDatabase().db);
    if (!boot) throw new Error('fresh database expected');
    ({ organisationId, projectId } = boot);
  });
  afterAll(async () => {
    await other?.close();
    await receiver?.close();
  });

  it('deliver each delivery once, however their rounds interleave', async () => {
    const webhook = await new WebhooksService(new WebhooksRepository(getDatabase().db)).create(
      organisationId,
      projectId,
      { url: receiver.url, events: ['flags'] },
    );
    receiver.secret.value = webhook.secret;
    const changes = 40;
    for (let i = 0; i < changes; i++) {
      await recordAudit(getDatabase().db, {
        organisation_id: organisationId,
        resource_type: 'feature',
        resource_id: `feature-${i}`,
        action: 'update',
        project_id: projectId,
      });
    }
    // Both see every row as due and race for each claim.
    const first = new WebhookWorker(getDatabase().db, { batch: changes });
    const second = new WebhookWorker(other.db, { batch: changes });
    let attempts = 0;
    for (let round = 0; round < 10; round++) {
      const made = await Promise.all([first.deliverDue(), second.deliverDue()]);
      attempts += made[0] + made[1];
      if (made[0] + made[1] === 0) break;
    }
    expect(attempts).toBe(changes);
    const ids = receiver.received.map((r) => r.id);
    expect(ids).toHaveLength(changes);
    expect(new Set(ids).size).toBe(changes);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const statuses = await getDatabase()
      .db.selectFrom('webhook_deliveries')
      .select(['status', 'attempts'])
      .where('webhook_id', '=', webhook.id)
      .execute();
    expect(statuses).toHaveLength(changes);
    expect(statuses.every((s) => s.status === 'delivered' && s.attempts === 1)).toBe(true);
  });

  it('give each claim of a row to exactly one of two connections racing for it', async () => {
    const webhook = await new WebhooksService(new WebhooksRepository(getDatabase().db)).create(
      organisationId,
      projectId,
      { url: receiver.url, events: ['segments'] },
    );
    for (let i = 0; i < 20; i++) {
      await recordAudit(getDatabase().db, {
        organisation_id: organisationId,
        resource_type: 'segment',
        resource_id: `segment-${i}`,
        action: 'create',
        project_id: projectId,
      });
    }
    const rows = await getDatabase()
      .db.selectFrom('webhook_deliveries')
      .select('id')
      .where('webhook_id', '=', webhook.id)
      .execute();
    expect(rows).toHaveLength(20);
    const mine = new WebhookDeliveriesRepository(getDatabase().db);
    const theirs = new WebhookDeliveriesRepository(other.db);
    const now = new Date().toISOString();
    const until = new Date(Date.now() + 60_000).toISOString();
    for (const { id } of rows) {
      const claims = await Promise.all([mine.claim(id, now, until, 'a'), theirs.claim(id, now, until, 'b')]);
      expect(claims.filter((claim) => claim !== undefined)).toHaveLength(1);
    }
  });
});

it('pennon serve sends what was queued while it was down, and stops its worker on close', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-webhooks-'));
  const receiver = await startReceiver();
  try {
    const config = loadConfig({}, { dataDir, port: 0, host: '127.0.0.1', logLevel: 'silent' });
    // Down: a change made straight on the database (as `pennon import` does) queues its delivery.
    const database = openSqlite(path.join(dataDir, 'pennon.db'));
    await migrateToLatest(database);
    const boot = await bootstrap(database.db);
    if (!boot) throw new Error('fresh database expected');
    const webhook = await new WebhooksService(new WebhooksRepository(database.db)).create(
      boot.organisationId,
      boot.projectId,
      { url: receiver.url },
    );
    receiver.secret.value = webhook.secret;
    const bus = new InProcessChangeBus();
    await new FeaturesService(new FeaturesRepository(database.db, 'sqlite'), new ChangeRecorder(bus)).create(
      boot.organisationId,
      boot.projectId,
      { key: 'while-down', type: 'boolean' },
    );
    await bus.close();
    await database.close();
    expect(receiver.received).toHaveLength(0);

    const server = await startServer(config, false);
    try {
      await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
    } finally {
      await server.close();
    }
    expect(receiver.received[0]).toMatchObject({ event: 'feature.create', verified: true });
  } finally {
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
