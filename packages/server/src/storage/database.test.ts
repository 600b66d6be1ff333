import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
