import type { Database } from '../storage/database.js';
import { type ChangeBus, InProcessChangeBus } from './change-bus.js';
import { ClusterChangeBus } from './cluster-change-bus.js';
import type { ClusterEndpoint } from './cluster-messages.js';
import { type BusLog, PostgresChangeBus } from './postgres-change-bus.js';
import { SqliteChangeWatcher } from './sqlite-change-watcher.js';

export interface ChangeBusOptions {
  log?: BusLog;
  /** In a worker of `pennon serve --workers N`: its pipe to the primary, which relays changes. */
  primary?: ClusterEndpoint;
}

/**
 * PostgreSQL may be shared by several processes, which hear each other's changes through
 * LISTEN/NOTIFY (workers of one `serve` included). On SQLite, the workers of one `serve` hear
 * each other through the primary's relay, and a single server through itself; either way the
 * bus also watches the file for changes made elsewhere (the CLI's `pennon import`).
 */
export async function openChangeBus(database: Database, options: ChangeBusOptions = {}): Promise<ChangeBus> {
  if (database.pgPool) return PostgresChangeBus.start({ pool: database.pgPool, log: options.log });
  const bus = options.primary ? new ClusterChangeBus(options.primary) : new InProcessChangeBus();
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
