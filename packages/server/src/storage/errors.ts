import { isPennonError, PennonError } from '../errors.js';

/**
 * The one place that knows what the drivers throw. Every query goes through
 * `TranslatingDialect` (storage/translating-dialect.ts), which passes each failure through
 * `translateDriverError`, so no repository sees, and no response carries, a raw
 * `SQLITE_…` or PostgreSQL message. The driver's error stays as `cause`, for logs.
 */

/** Codes of the catalogue, for callers that turn one into something more precise. */
export const DUPLICATE_RECORD = 'duplicate_record';

/** SQLite's result codes and PostgreSQL's SQLSTATEs for the failures a request can cause. */
const UNIQUE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505']);
const FOREIGN_KEY = new Set(['SQLITE_CONSTRAINT_FOREIGNKEY', '23503']);
const NOT_NULL = new Set(['SQLITE_CONSTRAINT_NOTNULL', '23502']);
const CHECK = new Set(['SQLITE_CONSTRAINT_CHECK', '23514']);
/** Text PostgreSQL cannot store (NUL characters, invalid encodings). */
const UNSTORABLE_TEXT = new Set(['22P05', '22021']);
/** Contention that a retry resolves: locks, serialisation failures, deadlocks. */
const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', '40001', '40P01', '55P03']);
/** The database cannot be reached or cannot write at all. */
const UNREACHABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

interface DriverError {
  code?: unknown;
  message?: unknown;
  /** PostgreSQL's table, constraint and detail ("Key (a, b)=(…) already exists."). */
  table?: unknown;
  constraint?: unknown;
  detail?: unknown;
}

/**
 * A driver failure as an error of the catalogue; anything else passes through unchanged.
 *
 * @example
 * translateDriverError(sqliteUniqueError).code; // 'duplicate_record', kind 'conflict'
 */
export function translateDriverError(error: unknown): unknown {
  if (isPennonError(error) || typeof error !== 'object' || error === null) return error;
  const driver = error as DriverError;
  const code = typeof driver.code === 'string' ? driver.code : '';
  const where = constraintOf(driver);
  const details = where.table ? { table: where.table, columns: where.columns } : undefined;
  const on = where.table ? ` (${where.table}: ${where.columns.join(', ') || 'a constraint'})` : '';
  const make = (kind: PennonError['kind'], catalogueCode: string, message: string) =>
    new PennonError(kind, catalogueCode, message, { cause: error, details });

  if (UNIQUE.has(code))
    return make('conflict', DUPLICATE_RECORD, `This would duplicate a record that already exists${on}.`);
  if (FOREIGN_KEY.has(code))
    return make(
      'conflict',
      'missing_reference',
      `Something this refers to does not exist (any more), or something else still refers to it${on}.`,
    );
  if (NOT_NULL.has(code)) return make('invalid', 'missing_value', `A required value is missing${on}.`);
  if (CHECK.has(code))
    return make('invalid', 'value_out_of_range', `A value is outside what may be stored${on}.`);
  if (UNSTORABLE_TEXT.has(code))
    return make(
      'invalid',
      'unstorable_text',
      'Text with NUL characters or invalid encoding cannot be stored.',
    );
  if (BUSY.has(code))
    return make('unavailable', 'database_busy', 'The database is busy with another change; try again.');
  if (isUnreachable(code, driver.message))
    return make('unavailable', 'database_unavailable', 'The database cannot be reached; try again later.');
  if (code.startsWith('SQLITE_') || /^[0-9A-Z]{5}$/.test(code))
    return make('internal', 'storage_error', 'The database refused the operation.');
  return error;
}

/** True for a unique-constraint violation on either dialect, so a lost race becomes a precise 409. */
export function isUniqueViolation(error: unknown): boolean {
  if (isPennonError(error)) return error.code === DUPLICATE_RECORD;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNIQUE.has(code);
}

function isUnreachable(code: string, message: unknown): boolean {
  return (
    UNREACHABLE_NODE_CODES.has(code) ||
    // Connection exceptions, shutdowns, too many connections.
    /^(08|57P0|53300)/.test(code) ||
    ['SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_CORRUPT'].some((c) =>
      code.startsWith(c),
    ) ||
    // better-sqlite3 after close, pg after the pool ended: plain errors without a code.
    (code === '' &&
      typeof message === 'string' &&
      /database connection is not open|Cannot use a pool after calling end|Connection terminated/.test(
        message,
      ))
  );
}

/** Table and columns of the violated constraint, from either driver's error. */
function constraintOf(error: DriverError): { table?: string; columns: string[] } {
  if (typeof error.table === 'string') {
    const key = typeof error.detail === 'string' ? /Key \(([^)]*)\)/.exec(error.detail)?.[1] : undefined;
    return { table: error.table, columns: key ? key.split(/,\s*/) : [] };
  }
  // SQLite: "UNIQUE constraint failed: features.project_id, features.key".
  const message = typeof error.message === 'string' ? error.message : '';
  const listed = /constraint failed: (.+)$/.exec(message)?.[1];
  if (!listed) return { columns: [] };
  const qualified = listed.split(/,\s*/).map((c) => c.split('.'));
  if (qualified.some((parts) => parts.length !== 2)) return { columns: [] };
  return { table: qualified[0][0], columns: qualified.map((parts) => parts[1]) };
}
