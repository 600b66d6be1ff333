import type { Database } from '../storage/database.js';
import { type ChangeBus, InProcessChangeBus } from './change-bus.js';
import { type BusLog, PostgresChangeBus } from './postgres-change-bus.js';
import { SqliteChangeWatcher } from './sqlite-change-watcher.js';

/**
 * PostgreSQL may be shared by several processes, which hear each other's changes through
 * LISTEN/NOTIFY. SQLite serves one server process, but the CLI may write the same file, so
 * the in-process bus also watches the database for changes made elsewhere.
 */
export async function openChangeBus(database: Database, log?: BusLog): Promise<ChangeBus> {
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
