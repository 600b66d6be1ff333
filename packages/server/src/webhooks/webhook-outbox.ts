import type { Kysely, Transaction } from 'kysely';
import type { AuditRecord } from '../audit/audit.schema.js';
import { newId } from '../shared/ids.js';
import type { Tables, WebhookDeliveryRow, WebhookRow } from '../storage/tables.js';
import { type EventGroup, eventName, wants } from './webhook-events.js';

type Executor = Kysely<Tables> | Transaction<Tables>;

/**
 * Writes one outbox row per webhook that wants `record`, in the caller's transaction (the
 * change's own, through `recordAudit`), so a delivery exists exactly when its change
 * committed. A webhook of one environment hears that environment's changes and the
 * project-level ones (features, segments), which every environment evaluates.
 */
export async function enqueueDeliveries(trx: Executor, record: AuditRecord): Promise<void> {
  if (record.project_id === null) return;
  let query = trx
    .selectFrom('webhooks')
    .selectAll()
    .where('project_id', '=', record.project_id)
    .where('enabled', '=', 1);
  const environmentId = record.environment_id;
  if (environmentId !== null) {
    query = query.where((eb) =>
      eb.or([eb('environment_id', 'is', null), eb('environment_id', '=', environmentId)]),
    );
  }
  const webhooks = await query.execute();
  const rows = webhooks
    .filter((webhook) => wants(JSON.parse(webhook.events) as EventGroup[], record))
    .map((webhook) => newDelivery(webhook, eventName(record), record.id, record, record.at));
  if (rows.length > 0) await trx.insertInto('webhook_deliveries').values(rows).execute();
}

/** A pending delivery whose body is fixed now: every attempt sends the same bytes. */
export function newDelivery(
  webhook: Pick<WebhookRow, 'id'>,
  event: string,
  auditId: string | null,
  data: unknown,
  at: string,
): WebhookDeliveryRow {
  const id = newId();
  return {
    id,
    webhook_id: webhook.id,
    event,
    audit_id: auditId,
    // `id` lets receivers drop a redelivery (delivery is at least once; see webhook-worker.ts).
    payload: JSON.stringify({ id, event, webhook_id: webhook.id, created_at: at, data }),
    status: 'pending',
    attempts: 0,
    next_attempt_at: at,
    leased_until: null,
    lease_token: null,
    response_code: null,
    response_body: null,
    error: null,
    created_at: at,
    completed_at: null,
  };
}
