import { expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/databases.js';
import { migratorOf, seedOldEnvironment } from '../../testing/migrations.js';

describeEachDialect('migration 0004: counters that only grow', (getDatabase) => {
  it('starts each counter after what existing data already uses', async () => {
    const database = getDatabase();
    const migrator = migratorOf(database);
    const down = await migrator.migrateTo('0003-flag-analytics');
    expect(down.error).toBeUndefined();

    // Rows as they were before 0004, written without the new columns (hence `as never`).
    const { db } = database;
    const now = new Date().toISOString();
    await seedOldEnvironment(db, now);
    for (const number of [3, 7]) {
      await db
        .insertInto('features')
        .values({
          id: `f${number}`,
          project_id: 'p',
          key: `f${number}`,
          type: 'string',
          description: '',
          tags: '[]',
          server_key_only: 0,
          default_enabled: 0,
          default_value: null,
          number,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    const variants = JSON.stringify([
      { key: 'a', value: 'A', weight: 50, priority: 2 },
      { key: 'b', value: 'B', weight: 50, priority: 9 },
    ]);
    await db
      .insertInto('feature_states')
      .values({
        id: 's7',
        environment_id: 'e',
        feature_id: 'f7',
        enabled: 1,
        value: null,
        variants,
        hash_key: 'h',
        updated_at: now,
      } as never)
      .execute();
    await db
      .insertInto('feature_states')
      .values({
        id: 's3',
        environment_id: 'e',
        feature_id: 'f3',
        enabled: 1,
        value: null,
        variants: '[]',
        hash_key: 'h3',
        updated_at: now,
      } as never)
      .execute();

    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(
      (await database.db.selectFrom('projects').select('next_feature_number').executeTakeFirstOrThrow())
        .next_feature_number,
    ).toBe(8);
    const states = await database.db
      .selectFrom('feature_states')
      .select(['id', 'next_variant_priority'])
      .orderBy('id')
      .execute();
    expect(states).toEqual([
      { id: 's3', next_variant_priority: 0 },
      { id: 's7', next_variant_priority: 10 },
    ]);
  });
});
