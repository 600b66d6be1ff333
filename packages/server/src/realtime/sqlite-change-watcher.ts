import type { Kysely } from 'kysely';
import type { Tables } from '../storage/tables.js';
import type { ChangeBus, ConfigChange } from './change-bus.js';

interface Seen {
  projectId: string;
  updatedAt: string;
}

/**
 * On SQLite the bus is in-process, yet another process may write the same file: the CLI's
 * `pennon import flagsmith` next to a running server. Every change bumps
 * `environments.updated_at`, so polling that one small table finds changes this process did
 * not make and publishes them on the bus, where caches and streams hear them as usual.
 */
export class SqliteChangeWatcher {
  private readonly seen = new Map<string, Seen>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private polling?: Promise<void>;
  private started = false;

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly bus: ChangeBus,
    intervalMs = 1000,
  ) {
    // Changes this process publishes are already known: record them so they are not re-published.
    this.unsubscribe = bus.subscribe((change) => this.remember(change));
    this.timer = setInterval(() => void this.poll(), intervalMs);
    this.timer.unref();
  }

  /** One look at the table; resolves when any found change has been published. */
  poll(): Promise<void> {
    this.polling ??= this.scan().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe();
    await this.polling?.catch(() => {});
  }

  private async scan(): Promise<void> {
    let rows: { id: string; project_id: string; updated_at: string }[];
    try {
      rows = await this.db.selectFrom('environments').select(['id', 'project_id', 'updated_at']).execute();
    } catch {
      return; // The database is busy or closing; the next tick looks again.
    }
    const changes: ConfigChange[] = [];
    const present = new Set<string>();
    for (const row of rows) {
      present.add(row.id);
      const before = this.seen.get(row.id);
      if (this.started && (!before || row.updated_at > before.updatedAt)) {
        changes.push({ projectId: row.project_id, environmentId: row.id, at: row.updated_at });
      }
      if (!before || row.updated_at > before.updatedAt)
        this.seen.set(row.id, { projectId: row.project_id, updatedAt: row.updated_at });
    }
    for (const [id, { projectId }] of this.seen) {
      if (present.has(id)) continue;
      this.seen.delete(id);
      changes.push({ projectId, environmentId: id, at: new Date().toISOString() });
    }
    this.started = true;
    for (const change of changes) await this.bus.publish(change);
  }

  private remember(change: ConfigChange): void {
    if (change.all) return;
    for (const [id, seen] of this.seen) {
      const concerned = change.environmentId
        ? change.environmentId === id
        : seen.projectId === change.projectId;
      if (concerned && change.at > seen.updatedAt) seen.updatedAt = change.at;
    }
  }
}
