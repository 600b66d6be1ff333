import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../storage/database.js';
import {
  createTestDatabase,
  describeEachDialect,
  postgresUnavailableReason,
  TEST_POSTGRES_URL,
  type TestDatabase,
} from '../testing/databases.js';
import { bootstrap } from './bootstrap.js';

describeEachDialect('first start', (getDatabase) => {
  it('creates one organisation with a project, two environments and a token, once', async () => {
    const { db } = getDatabase();
    const first = await bootstrap(db, {});
    expect(first?.adminToken).toMatch(/^pat_/);
    expect(first?.environments.map((e) => e.key)).toEqual(['development', 'production']);
    expect(await bootstrap(db, {})).toBeUndefined();
    expect(await db.selectFrom('organisations').select('id').execute()).toHaveLength(1);
  });

  it('never adds a given admin token to an existing database, so a revoked one stays revoked', async () => {
    const { db } = getDatabase();
    await bootstrap(db, { adminToken: 'pat_given-token-0123456789abcdefghijkl' });
    expect(await db.selectFrom('admin_tokens').select('id').execute()).toHaveLength(1);
  });

  it('keeps the start-up token revoked across restarts', async () => {
    const database = await createTestDatabase(getDatabase().dialect);
    try {
      const token = 'pat_startup-token-0123456789abcdefghijkl';
      await bootstrap(database.db, { adminToken: token });
      expect(await database.db.selectFrom('admin_tokens').select('id').execute()).toHaveLength(1);
      await database.db.deleteFrom('admin_tokens').execute(); // revoked through the admin API
      await bootstrap(database.db, { adminToken: token }); // the next start, same variable
      expect(await database.db.selectFrom('admin_tokens').select('id').execute()).toEqual([]);
    } finally {
      await database.dispose();
    }
  });
});

const pgSkip = await postgresUnavailableReason();

// SQLite serves one process, so only PostgreSQL replicas can race on a first start.
(pgSkip ? describe.skip : describe)(
  pgSkip
    ? `replicas racing on a first start (skipped: ${pgSkip})`
    : 'replicas racing on a first start [postgres]',
  () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase('postgres');
    });
    afterAll(() => database.dispose());

    it('creates exactly one organisation however many start at once', async () => {
      // A pool each, as separate processes would have.
      const replicas = [1, 2, 3].map(() => openPostgres(TEST_POSTGRES_URL, database.pgSchema));
      try {
        const results = await Promise.all(
          replicas.map((replica) => bootstrap(replica.db, { adminToken: 'pat_shared-token-0123456789' })),
        );
        expect(results.filter((result) => result !== undefined)).toHaveLength(1);
      } finally {
        await Promise.all(replicas.map((replica) => replica.close()));
      }
      const { db } = database;
      expect(await db.selectFrom('organisations').select('id').execute()).toHaveLength(1);
      expect(await db.selectFrom('environments').select('id').execute()).toHaveLength(2);
      expect(await db.selectFrom('admin_tokens').select('id').execute()).toHaveLength(1);
    });
  },
);
