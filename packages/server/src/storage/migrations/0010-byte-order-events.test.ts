import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/databases.js';
import { migratorOf, seedOldEnvironment, seedOldEvents } from '../../testing/migrations.js';

describeEachDialect('migration 0010: events and exposures in byte order', (getDatabase) => {
  it('keeps every row and orders unit ids and times as bytes, down and up again', async () => {
    const database = getDatabase();
    const migrator = migratorOf(database);
    expect((await migrator.migrateTo('0007-client-privacy')).error).toBeUndefined();
    const { db } = database;
    const now = '2026-01-05T00:00:00.000Z';
    await seedOldEnvironment(db, now);
    // A linguistic collation puts 'b' before 'C' and ignores the '-'; bytes do neither.
    const units = ['b', 'C', 'a-c', 'ab'];
    await seedOldEvents(
      db,
      now,
      units.map((unit, i) => ({
        unit,
        time: `2026-01-0${i + 1}T00:00:00.000Z`,
        value: i,
        variant: i % 2 ? 'B' : 'a',
      })),
    );

    for (const step of ['0010-byte-order-events', '0007-client-privacy', '0010-byte-order-events']) {
      expect((await migrator.migrateTo(step)).error).toBeUndefined();
    }
    const byUnit = await db.selectFrom('events').select(['unit_id', 'value']).orderBy('unit_id').execute();
    expect(byUnit).toEqual([
      { unit_id: 'C', value: 1 },
      { unit_id: 'a-c', value: 2 },
      { unit_id: 'ab', value: 3 },
      { unit_id: 'b', value: 0 },
    ]);
    const variants = await db.selectFrom('exposures').select('variant').orderBy('variant').execute();
    expect(variants.map((v) => v.variant)).toEqual(['B', 'B', 'a', 'a']);
    if (database.dialect === 'postgres') {
      const { rows } = await sql<{ table_name: string; column_name: string; collation_name: string }>`
        select table_name, column_name, collation_name from information_schema.columns
        where table_schema = ${database.pgSchema ?? 'public'} and table_name in ('events', 'exposures')
          and column_name in ('unit_id', 'name', 'occurred_at', 'feature_key', 'variant')
        order by table_name, column_name`.execute(db);
      expect(rows.map((r) => `${r.table_name}.${r.column_name}:${r.collation_name}`)).toEqual([
        'events.name:C',
        'events.occurred_at:C',
        'events.unit_id:C',
        'exposures.feature_key:C',
        'exposures.occurred_at:C',
        'exposures.unit_id:C',
        'exposures.variant:C',
      ]);
    }
  });
});
