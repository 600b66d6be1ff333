import { recordAudit } from '../audit/audit.record.js';
import { notFound } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import { newId, newSecret } from '../shared/ids.js';
import { changedFields, nothingChanged } from '../shared/patch.js';
import type { PageRequest } from '../storage/paging.js';
import type { DeliveryStatus, WebhookDeliveryRow, WebhookRow } from '../storage/tables.js';
import { type EventGroup, PING_EVENT } from './webhook-events.js';
import { newDelivery } from './webhook-outbox.js';
import { checkWebhookUrl } from './webhook-url.js';
import type { WebhookChanges, WebhooksRepository } from './webhooks.repository.js';
import type {
  CreatedWebhook,
  CreateWebhook,
  UpdateWebhook,
  Webhook,
  WebhookDelivery,
} from './webhooks.schema.js';

/** What a new webhook hears when the creator names no events: every change to evaluation. */
const DEFAULT_EVENTS: EventGroup[] = ['flags', 'segments', 'overrides'];

/**
 * Webhooks of a project or of one of its environments. The secret is generated here and
 * answered once; deliveries are written by `recordAudit` and sent by webhook-worker.ts.
 */
export class WebhooksService {
  constructor(private readonly webhooks: WebhooksRepository) {}

  async list(organisationId: string, projectRef: string, page: PageRequest): Promise<PageResult<Webhook>> {
    const project = await this.webhooks.findProject(organisationId, projectRef);
    const rows = await this.webhooks.list(project.id, page);
    return { items: rows.items.map(toWebhook), next_cursor: rows.next_cursor };
  }

  async get(organisationId: string, id: string): Promise<Webhook> {
    return toWebhook(await requireWebhook(this.webhooks, organisationId, id));
  }

  async create(organisationId: string, projectRef: string, input: CreateWebhook): Promise<CreatedWebhook> {
    const url = checkWebhookUrl(input.url);
    return this.webhooks.transaction(async (repository, trx) => {
      const project = await repository.findProject(organisationId, projectRef);
      let environmentId: string | null = null;
      if (input.environment_id !== undefined) {
        const environment = await repository.findEnvironmentInProject(project.id, input.environment_id);
        if (!environment) throw notFound('environment', input.environment_id, 'id or key');
        environmentId = environment.id;
      }
      const now = new Date().toISOString();
      const row: WebhookRow = {
        id: newId(),
        project_id: project.id,
        environment_id: environmentId,
        url,
        secret: newSecret('whsec_'),
        events: JSON.stringify(input.events ?? DEFAULT_EVENTS),
        enabled: input.enabled === false ? 0 : 1,
        description: input.description ?? '',
        created_at: now,
        updated_at: now,
      };
      await repository.insert(row);
      const webhook = toWebhook(row);
      await recordAudit(trx, { ...auditScope(organisationId, row), action: 'create', after: webhook });
      return { ...webhook, secret: row.secret };
    });
  }

  async update(organisationId: string, id: string, input: UpdateWebhook): Promise<Webhook> {
    const url = input.url === undefined ? undefined : checkWebhookUrl(input.url);
    return this.webhooks.transaction(async (repository, trx) => {
      const current = await requireWebhook(repository, organisationId, id);
      const changes: WebhookChanges = changedFields(current, {
        url,
        events: input.events === undefined ? undefined : JSON.stringify(input.events),
        enabled: input.enabled === undefined ? undefined : input.enabled ? 1 : 0,
        description: input.description,
      });
      if (nothingChanged(changes)) return toWebhook(current);
      changes.updated_at = new Date().toISOString();
      await repository.update(current.id, changes);
      const after = toWebhook({ ...current, ...changes });
      await recordAudit(trx, {
        ...auditScope(organisationId, current),
        action: 'update',
        before: toWebhook(current),
        after,
      });
      return after;
    });
  }

  /** Pending deliveries are dropped with it: nobody asked for them any more. */
  async delete(organisationId: string, id: string): Promise<void> {
    await this.webhooks.transaction(async (repository, trx) => {
      const current = await requireWebhook(repository, organisationId, id);
      await repository.delete(current.id);
      await recordAudit(trx, {
        ...auditScope(organisationId, current),
        action: 'delete',
        before: toWebhook(current),
      });
    });
  }

  async deliveries(
    organisationId: string,
    id: string,
    page: PageRequest & { status?: DeliveryStatus },
  ): Promise<PageResult<WebhookDelivery>> {
    const webhook = await requireWebhook(this.webhooks, organisationId, id);
    const rows = await this.webhooks.deliveries(webhook.id, page);
    return { items: rows.items.map(toDelivery), next_cursor: rows.next_cursor };
  }

  /**
   * Queues a `ping` through the same outbox as every change, so it tests the whole path
   * (signature, worker, receiver) and its result shows in the delivery log.
   */
  async ping(organisationId: string, id: string): Promise<WebhookDelivery> {
    const webhook = await requireWebhook(this.webhooks, organisationId, id);
    const at = new Date().toISOString();
    const row = newDelivery(webhook, PING_EVENT, null, { webhook: toWebhook(webhook) }, at);
    await this.webhooks.insertDelivery(row);
    return toDelivery(row);
  }
}

async function requireWebhook(repository: WebhooksRepository, organisationId: string, id: string) {
  const row = await repository.find(organisationId, id);
  if (!row) throw notFound('webhook', id);
  return row;
}

function auditScope(organisationId: string, row: WebhookRow) {
  return {
    organisation_id: organisationId,
    resource_type: 'webhook' as const,
    resource_id: row.id,
    project_id: row.project_id,
    environment_id: row.environment_id,
  };
}

/** The secret never leaves here except in `create`'s answer. */
function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    project_id: row.project_id,
    environment_id: row.environment_id,
    url: row.url,
    events: JSON.parse(row.events) as EventGroup[],
    enabled: row.enabled === 1,
    description: row.description,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    event: row.event,
    audit_id: row.audit_id,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' ? row.next_attempt_at : null,
    response_code: row.response_code,
    response_body: row.response_body,
    error: row.error,
    created_at: row.created_at,
    completed_at: row.completed_at,
  };
}
