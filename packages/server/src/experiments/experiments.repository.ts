import type { Kysely, Transaction } from 'kysely';
import { resolveEnvironment } from '../environments/environment-lookup.js';
import type { StoredVariant } from '../evaluation/environment-loader.js';
import { parseVariants } from '../features/variants.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type {
  EnvironmentRow,
  ExperimentChangeRow,
  ExperimentMetricRow,
  ExperimentRow,
  ExperimentStatus,
  MetricRow,
  Tables,
} from '../storage/tables.js';

export type ExperimentWithFeature = ExperimentRow & { feature_key: string };
export type ExperimentMetricWithKey = ExperimentMetricRow & { metric_key: string };

/** Storage of experiments, their metrics and their change record. */
export class ExperimentsRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  transaction<T>(
    work: (repository: ExperimentsRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new ExperimentsRepository(trx), trx));
  }

  /** By id or key; `environment_not_found` (or ambiguous) otherwise. */
  resolveEnvironment(organisationId: string, ref: string): Promise<EnvironmentRow> {
    return resolveEnvironment(this.db, organisationId, ref);
  }

  /** A feature of the project by id, else by key. */
  async findFeature(projectId: string, idOrKey: string) {
    const rows = await this.db
      .selectFrom('features')
      .select(['id', 'key', 'type'])
      .where('project_id', '=', projectId)
      .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
      .execute();
    return rows.find((r) => r.id === idOrKey) ?? rows[0];
  }

  /** The feature's variants in this environment, in evaluation order. */
  async variants(environmentId: string, featureId: string): Promise<StoredVariant[]> {
    const row = await this.db
      .selectFrom('feature_states')
      .select('variants')
      .where('environment_id', '=', environmentId)
      .where('feature_id', '=', featureId)
      .executeTakeFirst();
    return row ? parseVariants(row.variants) : [];
  }

  /** Metrics of the project named by id or key; the caller checks that each was found. */
  findMetrics(projectId: string, references: readonly string[]): Promise<MetricRow[]> {
    if (references.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('metrics')
      .selectAll()
      .where('project_id', '=', projectId)
      .where((eb) => eb.or([eb('id', 'in', references), eb('key', 'in', references)]))
      .execute();
  }

  list(environmentId: string, page: PageRequest & { status?: ExperimentStatus }) {
    let query = this.withFeature().where('experiments.environment_id', '=', environmentId);
    if (page.status) query = query.where('experiments.status', '=', page.status);
    return paginate(query, 'experiments.id', page);
  }

  /** By id, else by key within the environment. */
  async find(environmentId: string, idOrKey: string): Promise<ExperimentWithFeature | undefined> {
    const rows = await this.withFeature()
      .where('experiments.environment_id', '=', environmentId)
      .where((eb) => eb.or([eb('experiments.id', '=', idOrKey), eb('experiments.key', '=', idOrKey)]))
      .execute();
    return rows.find((r) => r.id === idOrKey) ?? rows[0];
  }

  /** Running experiments on a feature in an environment: whose assignment must not move. */
  running(environmentId: string, featureId: string): Promise<ExperimentRow[]> {
    return this.db
      .selectFrom('experiments')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('feature_id', '=', featureId)
      .where('status', '=', 'running')
      .execute();
  }

  metricsOf(experimentIds: readonly string[]): Promise<ExperimentMetricWithKey[]> {
    if (experimentIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('experiment_metrics')
      .innerJoin('metrics', 'metrics.id', 'experiment_metrics.metric_id')
      .selectAll('experiment_metrics')
      .select('metrics.key as metric_key')
      .where('experiment_metrics.experiment_id', 'in', experimentIds)
      .orderBy('experiment_metrics.position')
      .execute();
  }

  /** The full definitions of an experiment's metrics with their roles, in its order. */
  async metricDefinitions(
    experimentId: string,
  ): Promise<{ metric: MetricRow; role: ExperimentMetricRow['role'] }[]> {
    const rows = await this.db
      .selectFrom('experiment_metrics')
      .innerJoin('metrics', 'metrics.id', 'experiment_metrics.metric_id')
      .selectAll('metrics')
      .select('experiment_metrics.role as role')
      .where('experiment_metrics.experiment_id', '=', experimentId)
      .orderBy('experiment_metrics.position')
      .execute();
    return rows.map(({ role, ...metric }) => ({ metric, role }));
  }

  async insert(row: ExperimentRow): Promise<void> {
    await this.db.insertInto('experiments').values(row).execute();
  }

  async update(id: string, changes: Partial<ExperimentRow>): Promise<void> {
    await this.db.updateTable('experiments').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('experiments').where('id', '=', id).execute();
  }

  async replaceMetrics(experimentId: string, rows: readonly ExperimentMetricRow[]): Promise<void> {
    await this.db.deleteFrom('experiment_metrics').where('experiment_id', '=', experimentId).execute();
    if (rows.length > 0)
      await this.db
        .insertInto('experiment_metrics')
        .values([...rows])
        .execute();
  }

  async addChange(row: ExperimentChangeRow): Promise<void> {
    await this.db.insertInto('experiment_changes').values(row).execute();
  }

  changes(experimentId: string, page: PageRequest) {
    return paginate(
      this.db.selectFrom('experiment_changes').selectAll().where('experiment_id', '=', experimentId),
      'id',
      page,
    );
  }

  private withFeature() {
    return this.db
      .selectFrom('experiments')
      .innerJoin('features', 'features.id', 'experiments.feature_id')
      .selectAll('experiments')
      .select('features.key as feature_key');
  }
}
