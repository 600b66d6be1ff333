import type { Kysely } from 'kysely';

/** Per-hour evaluation counts reported by Flagsmith-compatible SDKs (`analytics/flags/`). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('flag_analytics')
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('feature_key', 'text', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('flag_analytics_pk', ['environment_id', 'feature_key', 'bucket'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('flag_analytics').ifExists().execute();
}
