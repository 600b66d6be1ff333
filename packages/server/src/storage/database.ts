import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { unavailable } from '../errors.js';
import { latestMigration, migrationProvider } from './migrations/index.js';
import type { Tables } from './tables.js';
import { TranslatingDialect } from './translating-dialect.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<Tables>;
  readonly dialect: DialectName;
  /** Where the data lives, for logs: a file path or the URL without its password. */
  readonly location: string;
  /** The PostgreSQL pool, for LISTEN/NOTIFY; absent on SQLite. */
  readonly pgPool?: pg.Pool;
  /**
   * The SQLite connection under `db`, for the one hot path that needs prepared statements
   * (event ingestion); absent on PostgreSQL. Use it only while holding Kysely's connection
   * (`db.connection().execute(...)`), so no Kysely transaction is open on it meanwhile.
   */
  readonly sqlite?: SQLite.Database;
  /** The PostgreSQL schema in use when not the default one. */
  readonly pgSchema?: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  dataDir: string;
  databaseUrl?: string;
  /** PostgreSQL schema to use instead of `public`; tests give each suite its own. */
  pgSchema?: string;
}

/** Integers come back as numbers on both dialects (PostgreSQL's int8 would be a string). */
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function openDatabase(options: DatabaseOptions): Database {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.pgSchema);
  fs.mkdirSync(options.dataDir, { recursive: true });
  return openSqlite(path.join(options.dataDir, 'pennon.db'));
}

export function openSqlite(file: string): Database {
  const sqlite = new SQLite(file);
  // WAL lets readers proceed while one writer commits; foreign keys make cascades real.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Acknowledged means durable (DESIGN.md §7), power loss included: in WAL mode NORMAL syncs
  // only at checkpoints, so the last commits before a power cut could vanish after the server
  // said "stored". FULL syncs the WAL on every commit. SQLite cannot choose per transaction,
  // and every write here acknowledges something (events, exposures, admin changes), so the
  // whole connection runs FULL; batched ingestion pays one fsync per batch.
  sqlite.pragma('synchronous = FULL');
  // The default 2 MiB page cache thrashes once events and their indexes outgrow it: ingestion
  // and experiment results both touch index pages all over. Sorts and groupings stay in memory.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma('mmap_size = 268435456');
  // Transactions take the write lock when they begin: one that read first and wrote later would
  // fail at once (SQLITE_BUSY, without waiting) whenever another process — a sibling worker of
  // `serve --workers N`, the CLI — committed in between; taking the lock up front lets
  // busy_timeout queue them instead.
  const dialect = new TranslatingDialect(new SqliteDialect({ database: sqlite }), {
    beginStatement: 'begin immediate',
  });
  const db = new Kysely<Tables>({ dialect });
  return { db, dialect: 'sqlite', location: file, sqlite, close: () => db.destroy() };
}

export function openPostgres(url: string, schema?: string): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new TranslatingDialect(new PostgresDialect({ pool })) });
  const location = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return { db, dialect: 'postgres', location, pgPool: pool, pgSchema: schema, close: () => db.destroy() };
}

/** Applies every pending migration; throws `unavailable` with the cause when one fails. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrator = migratorFor(database);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    // Operators read this, not API callers: the driver's own words help them most.
    const cause = (error as Error).cause ?? error;
    throw unavailable(`Database migration failed: ${String((cause as Error).message ?? cause)}`, error);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when the database answers and every migration has been applied. */
export async function isReady(database: Database): Promise<boolean> {
  try {
    const migrator = migratorFor(database);
    const applied = await migrator.getMigrations();
    return applied.some((m) => m.name === latestMigration && m.executedAt !== undefined);
  } catch {
    return false;
  }
}

/**
 * Kysely looks for its migration tables in every schema unless told one; with several
 * schemas on one server (tests, tenants) it must be told, or it finds another's lock table.
 */
function migratorFor(database: Database): Migrator {
  return new Migrator({
    db: database.db,
    provider: migrationProvider,
    ...(database.pgSchema ? { migrationTableSchema: database.pgSchema } : {}),
  });
}
