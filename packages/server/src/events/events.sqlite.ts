import type SQLite from 'better-sqlite3';
import { translateDriverError } from '../storage/errors.js';
import type { EventRow, ExposureRow } from '../storage/tables.js';

const EVENT_COLUMNS = [
  'id',
  'environment_id',
  'unit_id',
  'name',
  'value',
  'properties',
  'occurred_ms',
  'received_at',
  'source',
  'idempotency_key',
] as const satisfies readonly (keyof EventRow)[];

const EXPOSURE_COLUMNS = [
  'id',
  'environment_id',
  'unit_id',
  'feature_key',
  'variant',
  'value',
  'reason',
  'occurred_ms',
  'received_at',
  'source',
  'idempotency_key',
] as const satisfies readonly (keyof ExposureRow)[];

/** Batches written in one transaction at most: bounds how long one commit holds the connection. */
export const MAX_BATCHES_PER_COMMIT = 32;

interface Pending {
  events: readonly EventRow[];
  exposures: readonly ExposureRow[];
  resolve: (stored: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Batches of events and exposures written to SQLite through statements prepared once, with
 * group commit: every batch that arrives while a commit is under way waits for the next one,
 * and that one writes them all in a single transaction. Each caller hears back only once the
 * transaction holding its batch has committed (synchronous=FULL: on disk), so acknowledged
 * still means durable; what the group saves is the commit itself, which dominated: with
 * events spread over many units, one batch dirties hundreds of index pages that COMMIT writes
 * to the WAL and syncs, and batches committed together share both the pages and the sync.
 *
 * Measured against a multi-row INSERT built per batch, SQLite also spent more time parsing
 * and planning a 500-row statement of 5,000 parameters than inserting its rows; a prepared
 * single-row insert is parsed once for the life of the connection.
 *
 * A row whose idempotency key is already stored (or earlier in the batch, or in a batch
 * earlier in the same commit) is skipped by ON CONFLICT DO NOTHING, as on the portable path.
 * If a group's transaction fails, each of its batches is retried in a transaction of its own,
 * so one batch the database refuses never takes the others down with it.
 */
export class SqliteEventsWriter {
  private writeGroup?: (group: readonly Pending[]) => number[];
  private queue: Pending[] = [];
  private flushing = false;

  /** `hold` runs its work while holding the connection, so no other transaction is open on it. */
  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly hold: <T>(work: () => T) => Promise<T>,
  ) {}

  // Prepared on the first write, not at construction: an app is also built over a database
  // not migrated yet (the OpenAPI document at build time), where the tables do not exist.
  private prepared(): (group: readonly Pending[]) => number[] {
    if (this.writeGroup) return this.writeGroup;
    const insertEvent = this.sqlite.prepare(insertSql('events', EVENT_COLUMNS));
    const insertExposure = this.sqlite.prepare(insertSql('exposures', EXPOSURE_COLUMNS));
    // better-sqlite3's transaction: BEGIN, the body, COMMIT; ROLLBACK if the body throws.
    this.writeGroup = this.sqlite.transaction((group: readonly Pending[]) =>
      group.map(({ events, exposures }) => {
        let stored = 0;
        for (const row of events) stored += insertEvent.run(EVENT_COLUMNS.map((c) => row[c] ?? null)).changes;
        for (const row of exposures)
          stored += insertExposure.run(EXPOSURE_COLUMNS.map((c) => row[c] ?? null)).changes;
        return stored;
      }),
    );
    return this.writeGroup;
  }

  /** Stores the batch whole or not at all; resolves with how many rows were new once committed. */
  write(events: readonly EventRow[], exposures: readonly ExposureRow[]): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, exposures, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // After the current turn of the event loop, so the requests already read join in.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_BATCHES_PER_COMMIT);
      await this.hold(() => this.commit(group)).catch((error: unknown) => {
        for (const pending of group) pending.reject(error);
      });
      // Let the requests that arrived during the commit be read before the next one.
      if (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    this.flushing = false;
  }

  private commit(group: readonly Pending[]): void {
    let stored: number[];
    try {
      stored = this.prepared()(group);
    } catch (error) {
      if (group.length === 1) {
        (group[0] as Pending).reject(translateDriverError(error));
        return;
      }
      stored = [];
    }
    if (stored.length === group.length) {
      for (const [i, pending] of group.entries()) pending.resolve(stored[i] as number);
      return;
    }
    for (const pending of group) {
      try {
        pending.resolve(this.prepared()([pending])[0] as number);
      } catch (error) {
        pending.reject(translateDriverError(error));
      }
    }
  }
}
function insertSql(table: string, columns: readonly string[]): string {
  return `insert into ${table} (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})
    on conflict (environment_id, idempotency_key) where idempotency_key is not null do nothing`;
}
