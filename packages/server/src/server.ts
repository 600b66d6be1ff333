import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { type Bootstrap, bootstrap, FIRST_OWNER_EMAIL } from './organisations/bootstrap.js';
import type { ChangeBus } from './realtime/change-bus.js';
import { openChangeBus } from './realtime/open-change-bus.js';
import type { BusLog } from './realtime/postgres-change-bus.js';
import { type Database, migrateToLatest, openDatabase } from './storage/database.js';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /**
   * Set only on the start that created the organisation (the first start of an empty
   * database); its `adminToken` only when no PENNON_ADMIN_TOKEN was given.
   */
  firstStart?: Bootstrap;
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
    const boot = await bootstrap(database.db, {
      adminToken: config.adminToken,
      ownerEmail: FIRST_OWNER_EMAIL,
    });
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
      firstStart: boot,
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

async function closeQuietly(database: Database): Promise<void> {
  await database.close().catch(() => {});
}
