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
