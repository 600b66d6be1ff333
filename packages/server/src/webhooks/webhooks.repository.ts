import type { Kysely, Transaction } from 'kysely';
import { resolveProject } from '../projects/project-lookup.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type {
  DeliveryStatus,
  EnvironmentRow,
  ProjectRow,
  Tables,
  WebhookDeliveryRow,
  WebhookRow,
} from '../storage/tables.js';

export type WebhookChanges = Partial<
  Pick<WebhookRow, 'url' | 'events' | 'enabled' | 'description' | 'updated_at'>
>;

/** Storage of webhooks and, read-only, their delivery log. Scoped by organisation first. */
export class WebhooksRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  transaction<T>(work: (repository: WebhooksRepository, trx: Transaction<Tables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new WebhooksRepository(trx), trx));
  }

  /** By id or name; throws `project_not_found`. */
  findProject(organisationId: string, projectRef: string): Promise<ProjectRow> {
    return resolveProject(this.db, organisationId, projectRef);
  }

  /** An environment of this project by id or key. */
  findEnvironmentInProject(projectId: string, ref: string): Promise<EnvironmentRow | undefined> {
    return this.db
      .selectFrom('environments')
      .selectAll()
      .where('project_id', '=', projectId)
      .where((eb) => eb.or([eb('id', '=', ref), eb('key', '=', ref)]))
      .orderBy('id')
      .executeTakeFirst();
  }

  list(projectId: string, page: PageRequest) {
    return paginate(
      this.db.selectFrom('webhooks').selectAll().where('project_id', '=', projectId),
      'id',
      page,
    );
  }

  /** Only a webhook of a project of the organisation. */
  find(organisationId: string, id: string): Promise<WebhookRow | undefined> {
    return this.db
      .selectFrom('webhooks')
      .innerJoin('projects', 'projects.id', 'webhooks.project_id')
      .selectAll('webhooks')
      .where('projects.organisation_id', '=', organisationId)
      .where('webhooks.id', '=', id)
      .executeTakeFirst();
  }

  async insert(row: WebhookRow): Promise<void> {
    await this.db.insertInto('webhooks').values(row).execute();
  }

  async update(id: string, changes: WebhookChanges): Promise<void> {
    await this.db.updateTable('webhooks').set(changes).where('id', '=', id).execute();
  }

  /** Its delivery log goes with it (foreign-key cascade), pending deliveries included. */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('webhooks').where('id', '=', id).execute();
  }

  /** Newest first. */
  deliveries(webhookId: string, page: PageRequest & { status?: DeliveryStatus }) {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
    if (page.status !== undefined) query = query.where('status', '=', page.status);
    return paginate(query, 'id', page, 'desc');
  }

  async insertDelivery(row: WebhookDeliveryRow): Promise<void> {
    await this.db.insertInto('webhook_deliveries').values(row).execute();
  }
}
