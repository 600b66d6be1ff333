import type { Kysely, Transaction } from 'kysely';
import { resolveEnvironment } from '../environments/environment-lookup.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { EnvironmentRow, FeatureRow, FeatureStateRow, Tables } from '../storage/tables.js';
import { resolveFeatureInProject } from './feature-lookup.js';

/** Storage of feature states, read with the key and type of their feature. */
export class FeatureStatesRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for `ChangeRecorder`. */
  transaction<T>(
    work: (repository: FeatureStatesRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new FeatureStatesRepository(trx), trx));
  }

  /** By id or key; throws `environment_not_found` or `environment_ambiguous`. */
  findEnvironment(organisationId: string, environmentRef: string): Promise<EnvironmentRow> {
    return resolveEnvironment(this.db, organisationId, environmentRef);
  }

  list(environmentId: string, page: PageRequest) {
    return paginate(
      this.withFeature().where('feature_states.environment_id', '=', environmentId),
      'feature_states.id',
      page,
    );
  }

  /** A feature of the project by id or key; throws `feature_not_found`. */
  findFeature(projectId: string, featureRef: string): Promise<FeatureRow> {
    return resolveFeatureInProject(this.db, projectId, featureRef);
  }

  find(environmentId: string, featureId: string) {
    return this.withFeature()
      .where('feature_states.environment_id', '=', environmentId)
      .where('feature_states.feature_id', '=', featureId)
      .executeTakeFirst();
  }

  async update(
    id: string,
    changes: Partial<
      Pick<
        FeatureStateRow,
        'enabled' | 'value' | 'variants' | 'next_variant_priority' | 'rollout_percentage' | 'updated_at'
      >
    >,
  ) {
    await this.db.updateTable('feature_states').set(changes).where('id', '=', id).execute();
  }

  private withFeature() {
    return this.db
      .selectFrom('feature_states')
      .innerJoin('features', 'features.id', 'feature_states.feature_id')
      .selectAll('feature_states')
      .select(['features.key as feature_key', 'features.type as feature_type']);
  }
}

export type FeatureStateWithFeature = NonNullable<Awaited<ReturnType<FeatureStatesRepository['find']>>>;
