import { type Kysely, sql } from 'kysely';
import type { Tables } from '../storage/tables.js';

/**
 * Flag evaluation counts as SDKs report them (`{feature_name: count}`), summed per
 * environment, feature and hour. Only features of the environment's project are counted: names
 * a client invents would otherwise each add a row, and a public key could fill the disk.
 */
export class FlagAnalytics {
  constructor(private readonly db: Kysely<Tables>) {}

  /** `known`: the feature keys of the environment's project (from its snapshot); others are dropped. */
  async record(
    environmentId: string,
    counts: Record<string, number>,
    known: { has(key: string): boolean },
    now: Date = new Date(),
  ): Promise<void> {
    const bucket = `${now.toISOString().slice(0, 13)}:00:00.000Z`;
    const rows = Object.entries(counts)
      .filter(([key, count]) => count > 0 && known.has(key))
      .map(([feature_key, count]) => ({ environment_id: environmentId, feature_key, bucket, count }));
    if (rows.length === 0) return;
    // Chunked: SQLite allows at most 32,766 bound variables per statement.
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto('flag_analytics')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc
            .columns(['environment_id', 'feature_key', 'bucket'])
            .doUpdateSet({ count: sql`flag_analytics.count + excluded.count` }),
        )
        .execute();
    }
  }

  /** Total count per feature since a time, for the console and tests. */
  async totals(environmentId: string, since: Date): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('flag_analytics')
      .select(['feature_key', (eb) => eb.fn.sum<number>('count').as('total')])
      .where('environment_id', '=', environmentId)
      .where('bucket', '>=', `${since.toISOString().slice(0, 13)}:00:00.000Z`)
      .groupBy('feature_key')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.feature_key, Number(r.total)]));
  }
}
