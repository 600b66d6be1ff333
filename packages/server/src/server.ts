import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { bootstrap } from './organisations/bootstrap.js';
import { type ChangeBus, InProcessChangeBus } from './realtime/change-bus.js';
import { type BusLog, PostgresChangeBus } from './realtime/postgres-change-bus.js';
import { SqliteChangeWatcher } from './realtime/sqlite-change-watcher.js';
import { type Database, migrateToLatest, openDatabase } from './storage/database.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Set only on the first start of an empty database without PENNON_ADMIN_TOKEN. */
  createdAdminToken?: string;
  close(): Promise<void>;
}

/**
 * Opens the database, applies migrations, bootstraps an empty database, and listens.
 * `close` stops accepting connections, lets in-flight requests finish, then releases the
 * database; it is what SIGINT and SIGTERM call.
 */
export async function startServer(config: Config, logger?: AppLogger): Promise<RunningServer> {
  const database = openDatabase(config);
  let bus: ChangeBus | undefined;
  try {
    await migrateToLatest(database);
    const boot = await bootstrap(database.db, { adminToken: config.adminToken });
    // The bus reports its connection state to the app's log, which exists only after the app.
    let log: BusLog | undefined;
    bus = await openChangeBus(database, { info: (...a) => log?.info(...a), warn: (...a) => log?.warn(...a) });
    const { app } = await buildApp({ config, database, bus, logger });
    log = app.log;
    const url = await app.listen({ port: config.port, host: config.host });
    app.log.info({ database: database.location, dialect: database.dialect }, 'pennon listening');
    const busToClose = bus;
    return {
      app,
      url,
      createdAdminToken: boot?.adminToken,
      close: async () => {
        await app.close();
        await busToClose.close();
        await database.close();
      },
    };
  } catch (error) {
    await bus?.close();
    await closeQuietly(database);
    throw error;
  }
}

type AppLogger = boolean | { level: string };

/**
 * PostgreSQL may be shared by several processes, which hear each other's changes through
 * LISTEN/NOTIFY. SQLite serves one server process, but the CLI may write the same file, so
 * the in-process bus also watches the database for changes made elsewhere.
 */
async function openChangeBus(database: Database, log: BusLog): Promise<ChangeBus> {
  if (database.pgPool) return PostgresChangeBus.start({ pool: database.pgPool, log });
  const bus = new InProcessChangeBus();
  const watcher = new SqliteChangeWatcher(database.db, bus);
  await watcher.poll();
  return {
    publish: (change) => bus.publish(change),
    subscribe: (listener) => bus.subscribe(listener),
    close: async () => {
      await watcher.close();
      await bus.close();
    },
  };
}

async function closeQuietly(database: Database): Promise<void> {
  await database.close().catch(() => {});
}
