import type { Kysely, Transaction } from 'kysely';
import { resolveProject } from '../projects/project-lookup.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { MetricRow, ProjectRow, Tables } from '../storage/tables.js';

/** Storage of metric definitions; every query is scoped to one project. */
export class MetricsRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  transaction<T>(work: (repository: MetricsRepository, trx: Transaction<Tables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new MetricsRepository(trx), trx));
  }

  /** By id or name; `project_not_found` otherwise. */
  resolveProject(organisationId: string, ref: string): Promise<ProjectRow> {
    return resolveProject(this.db, organisationId, ref);
  }

  list(projectId: string, page: PageRequest) {
    return paginate(
      this.db.selectFrom('metrics').selectAll().where('project_id', '=', projectId),
      'id',
      page,
    );
  }

  /** By id, else by key: an id always wins over a key that looks like one. */
  async find(projectId: string, idOrKey: string): Promise<MetricRow | undefined> {
    const rows = await this.db
      .selectFrom('metrics')
      .selectAll()
      .where('project_id', '=', projectId)
      .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
      .execute();
    return rows.find((r) => r.id === idOrKey) ?? rows[0];
  }

  /** Names of the experiments measuring this metric, for refusing its deletion. */
  async experimentsUsing(metricId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('experiment_metrics')
      .innerJoin('experiments', 'experiments.id', 'experiment_metrics.experiment_id')
      .select('experiments.key')
      .where('experiment_metrics.metric_id', '=', metricId)
      .orderBy('experiments.key')
      .execute();
    return rows.map((r) => r.key);
  }

  async insert(row: MetricRow): Promise<void> {
    await this.db.insertInto('metrics').values(row).execute();
  }

  async update(id: string, changes: Partial<MetricRow>): Promise<void> {
    await this.db.updateTable('metrics').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('metrics').where('id', '=', id).execute();
  }
}
