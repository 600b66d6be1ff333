import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PennonError } from '../errors.js';
import { toErrorResponse } from '../http/error-handler.js';
import { newId } from '../shared/ids.js';
import { type SeededProject, seedProject } from '../testing/admin-fixtures.js';
import { describeEachDialect, TEST_POSTGRES_URL } from '../testing/databases.js';
import { migrateToLatest, openPostgres, openSqlite } from './database.js';
import { isUniqueViolation } from './errors.js';
import type { Tables } from './tables.js';
import { TranslatingDialect } from './translating-dialect.js';

/** Nothing a driver says may reach a caller: neither SQLite's codes nor PostgreSQL's wording. */
const RAW_DRIVER_TEXT = /SQLITE|constraint failed|violates|duplicate key|relation "|ECONNREFUSED/i;

async function failure(work: () => Promise<unknown>): Promise<PennonError> {
  const error = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PennonError);
  const { body } = toErrorResponse(error);
  expect(JSON.stringify(body)).not.toMatch(RAW_DRIVER_TEXT);
  return error as PennonError;
}

describeEachDialect('driver errors become errors of the catalogue', (getDatabase) => {
  let seeded: SeededProject;
  const db = () => getDatabase().db;
  const now = new Date().toISOString();

  beforeAll(async () => {
    seeded = await seedProject(db());
  });

  it('a unique violation is duplicate_record (409), naming the table and columns', async () => {
    const error = await failure(() =>
      db()
        .insertInto('segments')
        .values({
          id: newId(),
          project_id: seeded.projectId,
          name: 'seeded',
          description: '',
          hash_key: newId(),
          rules: '[]',
          created_at: now,
          updated_at: now,
        })
        .execute(),
    );
    expect(error).toMatchObject({ kind: 'conflict', code: 'duplicate_record' });
    expect(error.details).toEqual({ table: 'segments', columns: ['project_id', 'name'] });
    expect(isUniqueViolation(error)).toBe(true);
    expect(toErrorResponse(error).status).toBe(409);
  });

  it('a missing reference is missing_reference (409)', async () => {
    const error = await failure(() =>
      db()
        .insertInto('identities')
        .values({ id: newId(), environment_id: newId(), identifier: 'x', created_at: now })
        .execute(),
    );
    expect(error).toMatchObject({ kind: 'conflict', code: 'missing_reference' });
  });

  it('a missing required value is missing_value (400)', async () => {
    const error = await failure(() =>
      db()
        .insertInto('organisations')
        .values({ id: newId(), name: null as unknown as string, created_at: now })
        .execute(),
    );
    expect(error).toMatchObject({ kind: 'invalid', code: 'missing_value' });
  });

  it('translates failures inside transactions too, and the transaction rolls back', async () => {
    const id = newId();
    const error = await failure(() =>
      db()
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('organisations').values({ id, name: 'kept?', created_at: now }).execute();
          await trx.insertInto('organisations').values({ id, name: 'again', created_at: now }).execute();
        }),
    );
    expect(error.code).toBe('duplicate_record');
    expect(await db().selectFrom('organisations').select('id').where('id', '=', id).execute()).toEqual([]);
  });
});

describe('a database that cannot be reached is database_unavailable (503)', () => {
  const unreachable = openPostgres(TEST_POSTGRES_URL.replace(/:\d+\//, ':1/'));
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-readonly-'));
  afterAll(async () => {
    await unreachable.close().catch(() => {});
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('on PostgreSQL', async () => {
    const error = await failure(() => unreachable.db.selectFrom('organisations').selectAll().execute());
    expect(error).toMatchObject({ kind: 'unavailable', code: 'database_unavailable' });
    expect(toErrorResponse(error).status).toBe(503);
  });

  it('on SQLite, when the file cannot be written', async () => {
    const file = path.join(directory, 'pennon.db');
    const writable = openSqlite(file);
    await migrateToLatest(writable);
    await writable.close();
    const readonly = new Kysely<Tables>({
      dialect: new TranslatingDialect(new SqliteDialect({ database: new SQLite(file, { readonly: true }) })),
    });
    const error = await failure(() =>
      readonly.insertInto('organisations').values({ id: newId(), name: 'x', created_at: 'now' }).execute(),
    );
    expect(error.code).toBe('database_unavailable');
    await readonly.destroy();
  });
});
