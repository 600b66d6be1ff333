import type { Kysely, Transaction } from 'kysely';
import { resolveProject } from '../projects/project-lookup.js';
import { newId } from '../shared/ids.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { EnvironmentRow, FeatureStateRow, ProjectRow, Tables } from '../storage/tables.js';
import { resolveEnvironment } from './environment-lookup.js';

/** Rows per multi-row insert: keeps bound parameters far below SQLite's and PostgreSQL's limits. */
const INSERT_CHUNK = 200;

/** Storage of environments. Callers scope by organisation first (`resolveEnvironment`). */
export class EnvironmentsRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for `ChangeRecorder`. */
  transaction<T>(
    work: (repository: EnvironmentsRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new EnvironmentsRepository(trx), trx));
  }

  /** By id or name; throws `project_not_found`. */
  findProject(organisationId: string, projectRef: string): Promise<ProjectRow> {
    return resolveProject(this.db, organisationId, projectRef);
  }

  /** By id or key; throws `environment_not_found` or `environment_ambiguous`. */
  find(organisationId: string, ref: string): Promise<EnvironmentRow> {
    return resolveEnvironment(this.db, organisationId, ref);
  }

  list(projectId: string, page: PageRequest) {
    return paginate(
      this.db.selectFrom('environments').selectAll().where('project_id', '=', projectId),
      'id',
      page,
    );
  }

  findByKey(projectId: string, key: string): Promise<EnvironmentRow | undefined> {
    return this.db
      .selectFrom('environments')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  async insert(row: EnvironmentRow): Promise<void> {
    await this.db.insertInto('environments').values(row).execute();
  }

  async update(
    id: string,
    changes: Partial<
      Pick<
        EnvironmentRow,
        | 'name'
        | 'hide_disabled_flags'
        | 'hide_sensitive_data'
        | 'allow_client_traits'
        | 'client_key'
        | 'requires_approval'
      >
    >,
  ) {
    await this.db.updateTable('environments').set(changes).where('id', '=', id).execute();
  }

  /** Feature states, overrides, identities and server keys go with it (foreign-key cascades). */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('environments').where('id', '=', id).execute();
  }

  /**
   * Gives a new environment one state per feature of its project, from the feature's defaults,
   * so that every environment always has a state for every feature.
   */
  async createFeatureStates(environmentId: string, projectId: string, now: string): Promise<number> {
    const features = await this.db
      .selectFrom('features')
      .select(['id', 'default_enabled', 'default_value'])
      .where('project_id', '=', projectId)
      .orderBy('id')
      .execute();
    const rows: FeatureStateRow[] = features.map((feature) => ({
      id: newId(),
      environment_id: environmentId,
      feature_id: feature.id,
      enabled: feature.default_enabled,
      value: feature.default_value,
      variants: '[]',
      hash_key: newId(),
      next_variant_priority: 0,
      rollout_percentage: null,
      updated_at: now,
    }));
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      await this.db
        .insertInto('feature_states')
        .values(rows.slice(start, start + INSERT_CHUNK))
        .execute();
    }
    return rows.length;
  }
}
