import { type Kysely, sql } from 'kysely';
import { resolveEnvironment } from '../environments/environment-lookup.js';
import { resolveFeatureInProject } from '../features/feature-lookup.js';
import type { EnvironmentRow, FeatureRow, Tables } from '../storage/tables.js';

/** Reads the hourly `flag_analytics` counts summed by UTC day. */
export class FlagUsageRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  findEnvironment(organisationId: string, ref: string): Promise<EnvironmentRow> {
    return resolveEnvironment(this.db, organisationId, ref);
  }

  findFeature(projectId: string, ref: string): Promise<FeatureRow> {
    return resolveFeatureInProject(this.db, projectId, ref);
  }

  features(projectId: string): Promise<Pick<FeatureRow, 'id' | 'key'>[]> {
    return this.db
      .selectFrom('features')
      .select(['id', 'key'])
      .where('project_id', '=', projectId)
      .orderBy('key')
      .execute();
  }

  /**
   * Counts per (feature key, day) from `fromDay` on. Buckets are ISO hours, so their first ten
   * characters are the UTC day on both dialects, and they compare as text.
   */
  async daily(
    environmentId: string,
    fromDay: string,
    featureKey?: string,
  ): Promise<{ feature_key: string; day: string; count: number }[]> {
    const day = sql<string>`substr(bucket, 1, 10)`;
    let query = this.db
      .selectFrom('flag_analytics')
      .select(['feature_key', day.as('day'), (eb) => eb.fn.sum<number | string>('count').as('count')])
      .where('environment_id', '=', environmentId)
      .where('bucket', '>=', `${fromDay}T00:00:00.000Z`);
    if (featureKey !== undefined) query = query.where('feature_key', '=', featureKey);
    const rows = await query.groupBy(['feature_key', day]).orderBy('feature_key').orderBy(day).execute();
    // PostgreSQL sums bigint as numeric, which the driver hands over as a string.
    return rows.map((row) => ({ feature_key: row.feature_key, day: row.day, count: Number(row.count) }));
  }
}
