import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { LISTEN_BACKLOG } from './http/listen-backlog.js';
import { type Bootstrap, bootstrap, FIRST_OWNER_EMAIL } from './organisations/bootstrap.js';
import type { ChangeBus } from './realtime/change-bus.js';
import type { ClusterEndpoint } from './realtime/cluster-messages.js';
import { openChangeBus } from './realtime/open-change-bus.js';
import type { BusLog } from './realtime/postgres-change-bus.js';
import { type Database, migrateToLatest, openDatabase } from './storage/database.js';
import { WebhookWorker } from './webhooks/webhook-worker.js';

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

/** How this process takes part in `pennon serve --workers N`; absent for a lone server. */
export interface WorkerRole {
  /** 1…N; a restarted worker keeps the id of the one it replaces. */
  id: number;
  /** The pipe to the primary, which relays changes between workers on SQLite. */
  primary: ClusterEndpoint;
}

export interface StartOptions {
  /** Pino logger options or false; default: the configured level. */
  logger?: AppLogger;
  /** Set in a worker: the primary already migrated and bootstrapped the database. */
  worker?: WorkerRole;
}

/**
 * Opens the database, applies migrations, bootstraps an empty database, and listens (a worker
 * skips the first two: its primary did them once, before forking). `close` stops accepting
 * connections, lets in-flight requests finish, then releases the database; it is what SIGINT
 * and SIGTERM call.
 */
export async function startServer(
  config: Config,
  logger?: AppLogger,
  options: StartOptions = {},
): Promise<RunningServer> {
  const { worker } = options;
  const database = openDatabase(config);
  let bus: ChangeBus | undefined;
  try {
    const boot = worker ? undefined : await prepareDatabase(database, config);
    // The bus reports its connection state to the app's log, which exists only after the app.
    let log: BusLog | undefined;
    bus = await openChangeBus(database, {
      log: { info: (...a) => log?.info(...a), warn: (...a) => log?.warn(...a) },
      primary: worker?.primary,
    });
    const { app, context } = await buildApp({
      config,
      database,
      bus,
      logger: options.logger ?? logger,
      workerId: worker?.id,
    });
    log = app.log;
    const url = await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
    // Scheduled changes live in the database; polling it finds what fell due while no server
    // ran. Every worker polls: each item is claimed under a row lock and applied once.
    context.scheduler.start(SCHEDULER_INTERVAL_MS);
    app.log.info(
      { database: database.location, dialect: database.dialect, worker: worker?.id },
      'pennon listening',
    );
    // Its first round sends what an earlier process left pending (a restart, a crash). Every
    // worker runs one: deliveries are claimed with a lease in the database, never twice.
    const webhooks = new WebhookWorker(database.db, {
      log: app.log,
      leaseMs: config.webhookLeaseSeconds * 1000,
    });
    webhooks.start();
    const busToClose = bus;
    return {
      app,
      url,
      firstStart: boot,
      close: async () => {
        // Before the database closes: the round in flight records its outcomes first.
        await webhooks.stop();
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

/**
 * What happens once per start, whatever the number of workers: migrations, and the first
 * start's organisation. Returns the bootstrap when this start created it.
 */
export async function prepareDatabase(database: Database, config: Config): Promise<Bootstrap | undefined> {
  await migrateToLatest(database);
  return bootstrap(database.db, { adminToken: config.adminToken, ownerEmail: FIRST_OWNER_EMAIL });
}

/** `prepareDatabase` on a connection of its own, for the primary of `--workers N`. */
export async function prepareDatabaseOnce(config: Config): Promise<Bootstrap | undefined> {
  const database = openDatabase(config);
  try {
    return await prepareDatabase(database, config);
  } finally {
    await closeQuietly(database);
  }
}

type AppLogger = boolean | { level: string };

/** How often `pennon serve` looks for scheduled changes that came due: about when they are due. */
const SCHEDULER_INTERVAL_MS = 1000;

async function closeQuietly(database: Database): Promise<void> {
  await database.close().catch(() => {});
}
