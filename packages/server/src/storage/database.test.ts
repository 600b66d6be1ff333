import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { isReady, migrateToLatest, openSqlite } from './database.js';

// `/ready` answers from `isReady`: a database that answers and carries every migration.
describe('readiness', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-ready-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is not ready before migrations, ready after them, and not ready once the database is gone', async () => {
    const database = openSqlite(path.join(dir, 'pennon.db'));
    expect(await isReady(database)).toBe(false);
    await migrateToLatest(database);
    expect(await isReady(database)).toBe(true);
    await database.close();
    expect(await isReady(database)).toBe(false);
  });
});

// Acknowledged means durable through power loss too (issue #7, point 11): every commit syncs
// its WAL frames before the server answers. NORMAL (1) would sync only at checkpoints.
describe('durability', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-durable-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs SQLite in WAL mode with synchronous=FULL, so a commit is on disk when it returns', async () => {
    const database = openSqlite(path.join(dir, 'pennon.db'));
    try {
      const pragma = async (name: string) =>
        Object.values(
          (await sql<Record<string, unknown>>`pragma ${sql.raw(name)}`.execute(database.db)).rows[0],
        );
      expect(await pragma('journal_mode')).toEqual(['wal']);
      expect(await pragma('synchronous')).toEqual([2]);
    } finally {
      await database.close();
    }
  });
});
