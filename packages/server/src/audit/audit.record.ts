import type { Kysely, Transaction } from 'kysely';
import { currentActor } from '../auth/actor.js';
import { maskKey } from '../environments/server-keys.service.js';
import { newId } from '../shared/ids.js';
import type { AuditLogRow, Tables } from '../storage/tables.js';
import { enqueueDeliveries } from '../webhooks/webhook-outbox.js';
import type { AuditAction, AuditRecord, ResourceType } from './audit.schema.js';

type Executor = Kysely<Tables> | Transaction<Tables>;

/** One change, as a service describes it: `before`/`after` are API representations. */
export interface AuditEntry {
  organisation_id: string;
  resource_type: ResourceType;
  resource_id: string;
  action: AuditAction;
  project_id?: string | null;
  environment_id?: string | null;
  /** Omitted or null for a creation. */
  before?: unknown;
  /** Omitted or null for a deletion. */
  after?: unknown;
}

/**
 * Records a change as the ambient actor's (auth/actor.ts), and queues it for every webhook
 * that subscribes to it. MUST be called with the transaction that makes the change: then a
 * change never commits without its record and its deliveries, and a rolled-back change
 * leaves neither. Every path that changes configuration (admin routes, imports, scheduled
 * changes, change requests) goes through here.
 *
 * @example
 * await recordAudit(trx, {
 *   organisation_id, resource_type: 'feature', resource_id: row.id, action: 'update',
 *   project_id: row.project_id, before: toFeature(current), after: toFeature(updated),
 * });
 */
export async function recordAudit(trx: Executor, entry: AuditEntry): Promise<AuditRecord> {
  const actor = currentActor();
  const row: AuditLogRow = {
    id: newId(),
    organisation_id: entry.organisation_id,
    at: new Date().toISOString(),
    actor_kind: actor.kind,
    actor_id: actor.id,
    resource_type: entry.resource_type,
    resource_id: entry.resource_id,
    action: entry.action,
    project_id: entry.project_id ?? null,
    environment_id: entry.environment_id ?? null,
    before: serialise(entry.before),
    after: serialise(entry.after),
  };
  await trx.insertInto('audit_log').values(row).execute();
  const record = toAuditRecord(row);
  await enqueueDeliveries(trx, record);
  return record;
}

export function toAuditRecord(row: AuditLogRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind, id: row.actor_id },
    resource_type: row.resource_type as ResourceType,
    resource_id: row.resource_id,
    action: row.action as AuditAction,
    project_id: row.project_id,
    environment_id: row.environment_id,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  };
}

/**
 * Fields that hold a usable secret wherever they appear. Services already hand over masked
 * representations; masking here too means a representation that grows a secret field later
 * still never puts it in the log.
 */
const SECRET_FIELDS = new Set(['token', 'secret', 'client_key', 'server_key', 'token_hash', 'password']);

function serialise(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value, (field, inner) =>
    SECRET_FIELDS.has(field) && typeof inner === 'string' ? maskKey(inner) : inner,
  );
}

/**
 * The organisation of a project, for changes applied where only the environment is at hand
 * (change requests, scheduled changes): the record must name its organisation whoever applies it.
 */
export async function organisationOfProject(trx: Executor, projectId: string): Promise<string> {
  const row = await trx
    .selectFrom('projects')
    .select('organisation_id')
    .where('id', '=', projectId)
    .executeTakeFirstOrThrow();
  return row.organisation_id;
}
