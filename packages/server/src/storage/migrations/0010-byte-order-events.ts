import { type Kysely, PostgresAdapter, sql } from 'kysely';

/** Text columns of events and exposures that results compare, sort or seek by range. */
const COLUMNS = {
  events: ['unit_id', 'name', 'occurred_at'],
  exposures: ['unit_id', 'feature_key', 'variant', 'occurred_at'],
} as const;

/**
 * On PostgreSQL, events and exposures compare their keys and times as bytes (collation "C").
 * Times are ISO-8601 text, whose byte order is time order; unit ids, names and variants are
 * compared only for equality, grouping and index order. Under the database's default
 * collation (e.g. en_US.UTF-8, or C.UTF-8 before PostgreSQL 17) every comparison goes
 * through strcoll: experiment results make tens of millions of them (each index seek per
 * unit, each event against its unit's windows, each min/max), and measured on 1M units and
 * 10M events they took half the time of the whole computation. SQLite compares text as
 * bytes already. Only the indexes on these columns are rebuilt; the tables are not rewritten.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, columns] of Object.entries(COLUMNS)) {
    const changes = columns.map((column) => sql`alter column ${sql.ref(column)} type text collate "C"`);
    await sql`alter table ${sql.table(table)} ${sql.join(changes)}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, columns] of Object.entries(COLUMNS)) {
    const changes = columns.map((column) => sql`alter column ${sql.ref(column)} type text collate "default"`);
    await sql`alter table ${sql.table(table)} ${sql.join(changes)}`.execute(db);
  }
}
