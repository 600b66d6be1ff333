import type { Kysely, Transaction } from 'kysely';
import { resolveEnvironment } from '../environments/environment-lookup.js';
import { resolveFeatureInProject } from '../features/feature-lookup.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type {
  EnvironmentRow,
  FeatureRow,
  SegmentOverrideRow,
  SegmentRow,
  Tables,
} from '../storage/tables.js';
import { resolveSegmentInProject } from './segment-lookup.js';

/** Storage of segment overrides. Callers scope by organisation first (`findEnvironment`). */
export class SegmentOverridesRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for `ChangeRecorder`. */
  transaction<T>(
    work: (repository: SegmentOverridesRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new SegmentOverridesRepository(trx), trx));
  }

  /** By id or key; throws `environment_not_found` or `environment_ambiguous`. */
  findEnvironment(organisationId: string, environmentRef: string): Promise<EnvironmentRow> {
    return resolveEnvironment(this.db, organisationId, environmentRef);
  }

  /** By id or name; throws `segment_not_found`. */
  segmentInProject(projectId: string, segmentRef: string): Promise<SegmentRow> {
    return resolveSegmentInProject(this.db, projectId, segmentRef);
  }

  /** By id or key; throws `feature_not_found`. */
  featureInProject(projectId: string, featureRef: string): Promise<FeatureRow> {
    return resolveFeatureInProject(this.db, projectId, featureRef);
  }

  list(environmentId: string, page: PageRequest & { feature_id?: string }) {
    let query = this.withFeatureType().where('segment_overrides.environment_id', '=', environmentId);
    if (page.feature_id !== undefined)
      query = query.where('segment_overrides.feature_id', '=', page.feature_id);
    return paginate(query, 'segment_overrides.id', page);
  }

  find(environmentId: string, id: string) {
    return this.withFeatureType()
      .where('segment_overrides.environment_id', '=', environmentId)
      .where('segment_overrides.id', '=', id)
      .executeTakeFirst();
  }

  findFor(
    environmentId: string,
    segmentId: string,
    featureId: string,
  ): Promise<Pick<SegmentOverrideRow, 'id'> | undefined> {
    return this.db
      .selectFrom('segment_overrides')
      .select('id')
      .where('environment_id', '=', environmentId)
      .where('segment_id', '=', segmentId)
      .where('feature_id', '=', featureId)
      .executeTakeFirst();
  }

  /** -1 when the feature has no override in the environment yet. */
  async highestPriority(environmentId: string, featureId: string): Promise<number> {
    const row = await this.db
      .selectFrom('segment_overrides')
      .select((eb) => eb.fn.max('priority').as('max'))
      .where('environment_id', '=', environmentId)
      .where('feature_id', '=', featureId)
      .executeTakeFirst();
    return row?.max === null || row?.max === undefined ? -1 : Number(row.max);
  }

  async insert(row: SegmentOverrideRow): Promise<void> {
    await this.db.insertInto('segment_overrides').values(row).execute();
  }

  async update(
    id: string,
    changes: Partial<
      Pick<
        SegmentOverrideRow,
        | 'enabled'
        | 'value'
        | 'variants'
        | 'next_variant_priority'
        | 'rollout_percentage'
        | 'priority'
        | 'updated_at'
      >
    >,
  ): Promise<void> {
    await this.db.updateTable('segment_overrides').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('segment_overrides').where('id', '=', id).execute();
  }

  private withFeatureType() {
    return this.db
      .selectFrom('segment_overrides')
      .innerJoin('features', 'features.id', 'segment_overrides.feature_id')
      .selectAll('segment_overrides')
      .select('features.type as feature_type');
  }
}

export type SegmentOverrideWithType = NonNullable<Awaited<ReturnType<SegmentOverridesRepository['find']>>>;
