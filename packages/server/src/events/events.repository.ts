import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import type { EventRow, ExposureRow, Tables } from '../storage/tables.js';
import type { EventStore } from './events.service.js';
import { SqliteEventsWriter } from './events.sqlite.js';

/**
 * Bound parameters one statement may carry. SQLite's default limit is 32,766 since 3.32
 * (older builds: 999); PostgreSQL's is 65,535. The smaller one bounds both dialects.
 */
export const MAX_BIND_PARAMETERS = 32_766;

/** Storage of events and exposures: append-only, written in whole batches. */
export class EventsRepository implements EventStore {
  private readonly sqliteWriter?: SqliteEventsWriter;

  /** `sqlite`: the connection under `db` when it is SQLite, for statements prepared once. */
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly maxParameters: number = MAX_BIND_PARAMETERS,
    sqlite?: SQLite.Database,
  ) {
    // Holding Kysely's one SQLite connection, no Kysely transaction can be open on it meanwhile.
    if (sqlite)
      this.sqliteWriter = new SqliteEventsWriter(sqlite, (work) =>
        db.connection().execute(async () => work()),
      );
  }

  /** The repository for a database, with SQLite's prepared-statement path when it is SQLite. */
  static of(database: Database): EventsRepository {
    return new EventsRepository(database.db, MAX_BIND_PARAMETERS, database.sqlite);
  }

  /**
   * Writes every row of a batch in one transaction, so a batch is stored whole or not at
   * all; rows go in as multi-row inserts, as few statements as the parameter limit allows.
   * A row whose idempotency key is already stored (or earlier in the batch) is skipped.
   * Returns how many rows were stored.
   */
  async insertBatch(events: readonly EventRow[], exposures: readonly ExposureRow[]): Promise<number> {
    if (events.length === 0 && exposures.length === 0) return 0;
    if (this.sqliteWriter) return this.sqliteWriter.write(events, exposures);
    return this.db.transaction().execute(async (trx) => {
      const insert = async (table: 'events' | 'exposures', rows: readonly (EventRow | ExposureRow)[]) => {
        let stored = 0;
        for (const chunk of chunks(rows, this.rowsPerStatement(rows[0]))) {
          const [result] = await trx
            .insertInto(table)
            .values(chunk as EventRow[] & ExposureRow[])
            .onConflict((oc) =>
              oc
                .columns(['environment_id', 'idempotency_key'])
                .where('idempotency_key', 'is not', null)
                .doNothing(),
            )
            .execute();
          stored += Number(result?.numInsertedOrUpdatedRows ?? 0);
        }
        return stored;
      };
      return (await insert('events', events)) + (await insert('exposures', exposures));
    });
  }

  private rowsPerStatement(sample: object | undefined): number {
    const columns = sample ? Object.keys(sample).length : 1;
    return Math.max(1, Math.floor(this.maxParameters / columns));
  }
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
