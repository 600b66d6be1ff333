import { type Kysely, sql, type Transaction } from 'kysely';
import { resolveProject } from '../projects/project-lookup.js';
import { newId } from '../shared/ids.js';
import type { DialectName } from '../storage/database.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { FeatureRow, FeatureStateRow, ProjectRow, Tables } from '../storage/tables.js';
import { resolveFeature } from './feature-lookup.js';

/** What may change on a feature: key, type and number are fixed at creation. */
export type FeatureChanges = Partial<
  Pick<
    FeatureRow,
    | 'description'
    | 'tags'
    | 'server_key_only'
    | 'default_enabled'
    | 'default_value'
    | 'owner'
    | 'archived'
    | 'updated_at'
  >
>;

/** Storage of features. Callers scope by organisation first (`findProject`, `find`). */
export class FeaturesRepository {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: DialectName,
  ) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for `ChangeRecorder`. */
  transaction<T>(work: (repository: FeaturesRepository, trx: Transaction<Tables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new FeaturesRepository(trx, this.dialect), trx));
  }

  /** By id or name; throws `project_not_found`. */
  findProject(organisationId: string, projectRef: string): Promise<ProjectRow> {
    return resolveProject(this.db, organisationId, projectRef);
  }

  list(projectId: string, page: PageRequest & { tag?: string }) {
    let query = this.db.selectFrom('features').selectAll().where('project_id', '=', projectId);
    if (page.tag !== undefined) query = query.where(this.hasTag(page.tag));
    return paginate(query, 'id', page);
  }

  /** `tags` is a JSON array in a text column; only the JSON functions differ between dialects. */
  private hasTag(tag: string) {
    return this.dialect === 'postgres'
      ? sql<boolean>`features.tags::jsonb @> jsonb_build_array(${tag}::text)`
      : sql<boolean>`exists (select 1 from json_each(features.tags) where json_each.value = ${tag})`;
  }

  /** The feature by id or key, only if its project belongs to the organisation; throws `feature_not_found`. */
  find(organisationId: string, ref: string): Promise<FeatureRow> {
    return resolveFeature(this.db, organisationId, ref);
  }

  findByKey(projectId: string, key: string): Promise<FeatureRow | undefined> {
    return this.db
      .selectFrom('features')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  /**
   * Takes the project's next feature number. The counter only grows, so a deleted feature's
   * number is never handed out again (Flagsmith clients may have cached it as a feature id).
   * Call inside the creating transaction.
   */
  async nextNumber(projectId: string): Promise<number> {
    const row = await this.db
      .updateTable('projects')
      .set((eb) => ({ next_feature_number: eb('next_feature_number', '+', 1) }))
      .where('id', '=', projectId)
      .returning('next_feature_number')
      .executeTakeFirstOrThrow();
    return row.next_feature_number - 1;
  }

  async insert(row: FeatureRow): Promise<void> {
    await this.db.insertInto('features').values(row).execute();
  }

  /** Gives the new feature a state in every environment of its project, from its defaults. */
  async createStates(feature: FeatureRow): Promise<void> {
    const environments = await this.db
      .selectFrom('environments')
      .select('id')
      .where('project_id', '=', feature.project_id)
      .execute();
    if (environments.length === 0) return;
    const rows: FeatureStateRow[] = environments.map((environment) => ({
      id: newId(),
      environment_id: environment.id,
      feature_id: feature.id,
      enabled: feature.default_enabled,
      value: feature.default_value,
      variants: '[]',
      hash_key: newId(),
      next_variant_priority: 0,
      rollout_percentage: null,
      updated_at: feature.created_at,
    }));
    await this.db.insertInto('feature_states').values(rows).execute();
  }

  async update(id: string, changes: FeatureChanges): Promise<void> {
    await this.db.updateTable('features').set(changes).where('id', '=', id).execute();
  }

  /** States and overrides of the feature go with it (foreign-key cascades). */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('features').where('id', '=', id).execute();
  }
}
