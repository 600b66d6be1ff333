import type { Kysely } from 'kysely';

/**
 * Events and exposures (DESIGN.md §6). Append-only; metric queries read them per environment
 * by event name or feature key over a time range, which is what the indexes serve.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // `double precision`, not `real`: PostgreSQL's real is 4 bytes and would round sums of money.
    // SQLite reads the name as REAL affinity (8 bytes) too.
    .addColumn('value', 'double precision')
    .addColumn('properties', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('exposures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id').onDelete('cascade'))
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('feature_key', 'text', (c) => c.notNull())
    .addColumn('variant', 'text')
    .addColumn('value', 'text', (c) => c.notNull().defaultTo('null'))
    .addColumn('reason', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .execute();

  // Leading environment_id also serves the cascade when an environment is deleted.
  await db.schema
    .createIndex('events_env_name_time')
    .on('events')
    .columns(['environment_id', 'name', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('exposures_env_feature_time')
    .on('exposures')
    .columns(['environment_id', 'feature_key', 'occurred_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('exposures').ifExists().execute();
  await db.schema.dropTable('events').ifExists().execute();
}
