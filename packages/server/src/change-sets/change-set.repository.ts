import type { Kysely } from 'kysely';
import { resolveFeatureInProject } from '../features/feature-lookup.js';
import { resolveIdentity } from '../identities/identity-lookup.js';
import { resolveSegmentInProject } from '../segments/segment-lookup.js';
import type { EnvironmentRow, FeatureRow, IdentityRow, SegmentRow, Tables } from '../storage/tables.js';
import type { ChangeKind } from './change-set.schema.js';

/** The target of a change as stored, with the columns its version is made of. */
export interface TargetRow {
  id: string;
  enabled: number;
  value: string | null;
  variants?: string;
  rollout_percentage?: number | null;
  priority?: number;
  updated_at: string;
}

const TABLES = {
  feature_state: 'feature_states',
  segment_override: 'segment_overrides',
  identity_override: 'identity_overrides',
} as const;

/**
 * Reads and locks the targets of changes. Writes to them go through the domain services; the
 * only statement here that touches a target table is `lock`, a no-op update.
 */
export class ChangeSetRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  feature(environment: EnvironmentRow, ref: string): Promise<FeatureRow> {
    return resolveFeatureInProject(this.db, environment.project_id, ref);
  }

  segment(environment: EnvironmentRow, ref: string): Promise<SegmentRow> {
    return resolveSegmentInProject(this.db, environment.project_id, ref);
  }

  identity(environment: EnvironmentRow, ref: string): Promise<IdentityRow> {
    return resolveIdentity(this.db, environment, ref);
  }

  async names(ids: { feature_id: string; segment_id?: string; identity_id?: string }) {
    const feature = await this.db
      .selectFrom('features')
      .select('key')
      .where('id', '=', ids.feature_id)
      .executeTakeFirst();
    const segment = ids.segment_id
      ? await this.db
          .selectFrom('segments')
          .select('name')
          .where('id', '=', ids.segment_id)
          .executeTakeFirst()
      : undefined;
    const identity = ids.identity_id
      ? await this.db
          .selectFrom('identities')
          .select('identifier')
          .where('id', '=', ids.identity_id)
          .executeTakeFirst()
      : undefined;
    return { feature: feature?.key, segment: segment?.name, identity: identity?.identifier };
  }

  featureState(environmentId: string, featureId: string): Promise<TargetRow | undefined> {
    return this.db
      .selectFrom('feature_states')
      .select(['id', 'enabled', 'value', 'variants', 'rollout_percentage', 'updated_at'])
      .where('environment_id', '=', environmentId)
      .where('feature_id', '=', featureId)
      .executeTakeFirst();
  }

  segmentOverride(
    environmentId: string,
    segmentId: string,
    featureId: string,
  ): Promise<TargetRow | undefined> {
    return this.db
      .selectFrom('segment_overrides')
      .select(['id', 'enabled', 'value', 'variants', 'rollout_percentage', 'priority', 'updated_at'])
      .where('environment_id', '=', environmentId)
      .where('segment_id', '=', segmentId)
      .where('feature_id', '=', featureId)
      .executeTakeFirst();
  }

  identityOverride(identityId: string, featureId: string): Promise<TargetRow | undefined> {
    return this.db
      .selectFrom('identity_overrides')
      .select(['id', 'enabled', 'value', 'updated_at'])
      .where('identity_id', '=', identityId)
      .where('feature_id', '=', featureId)
      .executeTakeFirst();
  }

  /**
   * Locks the environment's row until the transaction ends. Taken before any target, in the
   * order the direct routes take their locks (environment via `ChangeRecorder.touch`, then the
   * row they change), so a commit and a direct change wait for each other instead of deadlocking.
   */
  async lockEnvironment(id: string): Promise<void> {
    await this.db
      .updateTable('environments')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', id)
      .execute();
  }

  /**
   * Locks the target row until the transaction ends and returns it as it is now; undefined
   * when it is gone. A no-op update, so it is portable: PostgreSQL holds the row lock (a
   * concurrent writer waits, and one that got there first is seen), SQLite holds its write lock.
   */
  async lock(kind: ChangeKind, id: string): Promise<{ id: string; updated_at: string } | undefined> {
    const table = TABLES[kind];
    const row = await this.db
      .updateTable(table)
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', id)
      .returning(['id', 'updated_at'])
      .executeTakeFirst();
    return row;
  }
}
