import { type Kysely, Migrator } from 'kysely';
import type { Database } from '../storage/database.js';
import { migrationProvider } from '../storage/migrations/index.js';
import type { Tables } from '../storage/tables.js';

/** A migrator over a test database, to step its migrations down and up (in its own schema on PostgreSQL). */
export function migratorOf(database: Database): Migrator {
  return new Migrator({
    db: database.db,
    provider: migrationProvider,
    ...(database.pgSchema ? { migrationTableSchema: database.pgSchema } : {}),
  });
}

/**
 * Organisation `o`, project `p` and environment `e`, with only the columns every migration
 * has had (hence `as never` where later ones added more): rows written as an older schema
 * held them, for a migration test to carry through.
 */
export async function seedOldEnvironment(db: Kysely<Tables>, now: string): Promise<void> {
  await db.insertInto('organisations').values({ id: 'o', name: 'o', created_at: now }).execute();
  await db
    .insertInto('projects')
    .values({ id: 'p', organisation_id: 'o', name: 'p', created_at: now, updated_at: now } as never)
    .execute();
  await db
    .insertInto('environments')
    .values({
      id: 'e',
      project_id: 'p',
      key: 'dev',
      name: 'Dev',
      client_key: 'ck',
      hide_disabled_flags: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** One event and one exposure of a unit, as `seedOldEvents` writes them. */
export interface OldEventRow {
  unit: string;
  /** ISO text, as `occurred_at` held times before migration 0013. */
  time: string;
  value: number;
  variant: string;
  idempotencyKey?: string | null;
}

/**
 * Per row `i`, event `ev<i>` (named `purchase`) and exposure `ex<i>` (to `checkout`) in
 * environment `e` (see `seedOldEnvironment`), as migrations before 0013 stored them: times as
 * ISO text in `occurred_at`, a column today's types no longer have (hence `as never`).
 */
export async function seedOldEvents(
  db: Kysely<Tables>,
  now: string,
  rows: readonly OldEventRow[],
): Promise<void> {
  const common = { environment_id: 'e', received_at: now, source: 'native' };
  await db
    .insertInto('events')
    .values(
      rows.map((row, i) => ({
        ...common,
        id: `ev${i}`,
        unit_id: row.unit,
        name: 'purchase',
        value: row.value,
        properties: '{}',
        occurred_at: row.time,
        idempotency_key: row.idempotencyKey ?? null,
      })) as never,
    )
    .execute();
  await db
    .insertInto('exposures')
    .values(
      rows.map((row, i) => ({
        ...common,
        id: `ex${i}`,
        unit_id: row.unit,
        feature_key: 'checkout',
        variant: row.variant,
        value: 'null',
        reason: null,
        occurred_at: row.time,
        idempotency_key: null,
      })) as never,
    )
    .execute();
}
