import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';

/**
 * Events and exposures keep their time as epoch milliseconds (`occurred_ms`, an integer)
 * instead of ISO text (`occurred_at`). Experiment results compare every event's time with its
 * unit's windows and compute each unit's window ends from its first exposure: as integers these
 * are machine comparisons and additions, where text took a string comparison per event and a
 * date parse and format per unit (strftime, to_char), measured as most of the remaining time
 * on 1M units and 10M events (bench/experiments.bench.mjs). The new name makes any SQL still
 * written against the text column fail rather than compare an integer with a string.
 *
 * Every stored time was written by `Date.toISOString()` (UTC, milliseconds), so the
 * conversion is exact both ways.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of TABLES) {
      await sql`alter table ${sql.table(table)} alter column occurred_at type bigint
        using cast(round(extract(epoch from cast(occurred_at as timestamptz)) * 1000) as bigint)`.execute(db);
      await sql`alter table ${sql.table(table)} rename column occurred_at to occurred_ms`.execute(db);
      // The rewritten table has no statistics and no visibility map: results' index-only scans
      // visit the table for every row until the next VACUUM (autovacuum's, once enough new
      // rows arrived, or an operator's: VACUUM cannot run inside this migration's transaction).
      // On 10M events that was 18 CPU-s of results instead of 14.
      await sql`analyze ${sql.table(table)}`.execute(db);
    }
    return;
  }
  // julianday is exact to well under a millisecond in this range; rounding makes it exact.
  await rebuildSqlite(
    db,
    'integer',
    'occurred_ms',
    sql`cast(round((julianday(occurred_at) - 2440587.5) * 86400000) as integer)`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of TABLES) {
      await sql`alter table ${sql.table(table)} alter column occurred_ms type text collate "C"
        using to_char(to_timestamp(occurred_ms / 1000.0) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.execute(
        db,
      );
      await sql`alter table ${sql.table(table)} rename column occurred_ms to occurred_at`.execute(db);
    }
    return;
  }
  await rebuildSqlite(
    db,
    'text',
    'occurred_at',
    sql`strftime('%Y-%m-%dT%H:%M:%fZ', occurred_ms / 1000.0, 'unixepoch')`,
  );
}

const TABLES = ['events', 'exposures'] as const;

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * SQLite cannot change a column's type: each table is copied into one declared with the new
 * column, in a transaction of its own (SQLite migrations run outside one), and its indexes are
 * made again over the new column.
 */
async function rebuildSqlite(
  db: Kysely<unknown>,
  type: 'integer' | 'text',
  column: 'occurred_ms' | 'occurred_at',
  converted: RawBuilder<unknown>,
): Promise<void> {
  const time = sql.ref(column);
  await db.transaction().execute(async (trx) => {
    await sql`create table events_next (
      id text primary key,
      environment_id text not null references environments (id) on delete cascade,
      unit_id text not null, name text not null, value double precision,
      properties text default '{}' not null, ${time} ${sql.raw(type)} not null,
      received_at text not null, source text not null, idempotency_key text)`.execute(trx);
    await sql`insert into events_next
      select id, environment_id, unit_id, name, value, properties, ${converted}, received_at, source, idempotency_key
      from events`.execute(trx);
    await sql`create table exposures_next (
      id text primary key,
      environment_id text not null references environments (id) on delete cascade,
      unit_id text not null, feature_key text not null, variant text,
      value text default 'null' not null, reason text, ${time} ${sql.raw(type)} not null,
      received_at text not null, source text not null, idempotency_key text)`.execute(trx);
    await sql`insert into exposures_next
      select id, environment_id, unit_id, feature_key, variant, value, reason, ${converted}, received_at, source, idempotency_key
      from exposures`.execute(trx);
    for (const table of TABLES) {
      await sql`drop table ${sql.table(table)}`.execute(trx);
      await sql`alter table ${sql.table(`${table}_next`)} rename to ${sql.table(table)}`.execute(trx);
      await sql`create unique index ${sql.ref(`${table}_idempotency`)} on ${sql.table(table)} (environment_id, idempotency_key)
        where idempotency_key is not null`.execute(trx);
    }
    // The same indexes as before (0002, 0006), over the new column.
    await sql`create index exposures_env_feature_time on exposures (environment_id, feature_key, ${time})`.execute(
      trx,
    );
    await sql`create index exposures_env_feature_unit on exposures (environment_id, feature_key, unit_id, ${time}, variant)`.execute(
      trx,
    );
    await sql`create index events_env_unit_time on events (environment_id, unit_id, ${time}, name, value)`.execute(
      trx,
    );
  });
}
