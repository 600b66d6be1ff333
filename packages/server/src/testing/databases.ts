import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { newId } from '../shared/ids.js';
import {
  type Database,
  type DialectName,
  migrateToLatest,
  openPostgres,
  openSqlite,
} from '../storage/database.js';

/**
 * Test support: a fresh, migrated database of each dialect. SQLite is a real file in a temp
 * directory; PostgreSQL is a fresh schema on the server named by PENNON_TEST_DATABASE_URL
 * (default: the local `test` database), dropped again on close.
 */
export const TEST_POSTGRES_URL =
  process.env.PENNON_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase extends Database {
  /** Closes and removes everything this test database created. */
  dispose(): Promise<void>;
}

let postgresProbe: Promise<string | undefined> | undefined;

/** Resolves to undefined when PostgreSQL answers, else to the reason it cannot be used. */
export function postgresUnavailableReason(): Promise<string | undefined> {
  postgresProbe ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      return `PostgreSQL at ${TEST_POSTGRES_URL} is not reachable (${(error as Error).message})`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresProbe;
}

export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-test-'));
    const database = openSqlite(path.join(dir, 'pennon.db'));
    await migrateToLatest(database);
    return {
      ...database,
      dispose: async () => {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${newId()}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  const database = openPostgres(TEST_POSTGRES_URL, schema);
  const dropSchema = async () => {
    const cleaner = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await cleaner.connect();
    await cleaner.query(`drop schema if exists "${schema}" cascade`);
    await cleaner.end();
  };
  try {
    await migrateToLatest(database);
  } catch (error) {
    await database.close();
    await dropSchema();
    throw error;
  }
  return {
    ...database,
    dispose: async () => {
      await database.close();
      await dropSchema();
    },
  };
}

/**
 * A second way into the same test database, as another server process would have: on
 * PostgreSQL its own connection pool (so two servers really contend for rows); on SQLite the
 * same connection, since one SQLite database is served by one process. Close it on its own.
 */
export function openSecondConnection(database: TestDatabase): Database {
  if (database.dialect === 'postgres') return openPostgres(TEST_POSTGRES_URL, database.pgSchema);
  return { ...database, close: async () => {} };
}

const pgSkipReason = await postgresUnavailableReason();
if (pgSkipReason) {
  if (process.env.CI) throw new Error(`CI must have PostgreSQL: ${pgSkipReason}`);
  console.warn(`[pennon tests] PostgreSQL half skipped: ${pgSkipReason}`);
}

/**
 * Runs one suite against every dialect, each with its own fresh database, as Kysely's own
 * test setup does. On a machine without PostgreSQL that half is skipped and its title says why;
 * under CI a missing PostgreSQL is an error, not a skip.
 *
 * @example
 * describeEachDialect('features repository', (getDb) => {
 *   it('creates a feature', async () => { const { db } = getDb(); ... });
 * });
 */
export function describeEachDialect(title: string, body: (getDatabase: () => TestDatabase) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const skip = dialect === 'postgres' ? pgSkipReason : undefined;
    const suite = skip ? describe.skip : describe;
    suite(skip ? `${title} [postgres] (skipped: ${skip})` : `${title} [${dialect}]`, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await createTestDatabase(dialect);
      });
      afterAll(async () => {
        await database?.dispose();
      });
      body(() => {
        if (!database) throw new Error('test database not created yet');
        return database;
      });
    });
  }
}
