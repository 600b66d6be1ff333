import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/databases.js';
import { migratorOf, seedOldEnvironment, seedOldEvents } from '../../testing/migrations.js';

const TIMES = ['2026-01-05T00:00:00.000Z', '2026-01-05T00:00:01.234Z', '2026-02-28T23:59:59.999Z'];

describeEachDialect('migration 0013: event and exposure times as epoch milliseconds', (getDatabase) => {
  it('converts the times of rows written before it exactly, and back again down', async () => {
    const database = getDatabase();
    const migrator = migratorOf(database);
    expect((await migrator.migrateTo('0012-flag-housekeeping')).error).toBeUndefined();
    const { db } = database;
    const now = TIMES[0] as string;
    await seedOldEnvironment(db, now);
    // Written as 0012 stored them: ISO text in `occurred_at`.
    await seedOldEvents(
      db,
      now,
      TIMES.map((time, i) => ({
        unit: `u${i}`,
        time,
        value: i,
        variant: 'a',
        idempotencyKey: i === 0 ? 'key-0' : null,
      })),
    );

    expect((await migrator.migrateTo('0013-epoch-event-times')).error).toBeUndefined();
    const events = await db
      .selectFrom('events')
      .select(['id', 'occurred_ms', 'value'])
      .orderBy('id')
      .execute();
    expect(events).toEqual(
      TIMES.map((time, i) => ({ id: `ev${i}`, occurred_ms: Date.parse(time), value: i })),
    );
    const exposures = await db.selectFrom('exposures').select(['id', 'occurred_ms']).orderBy('id').execute();
    expect(exposures).toEqual(TIMES.map((time, i) => ({ id: `ex${i}`, occurred_ms: Date.parse(time) })));
    // The idempotency index came through: a second event with a stored key is refused.
    const again = db
      .insertInto('events')
      .values({
        id: 'ev-again',
        environment_id: 'e',
        unit_id: 'u0',
        name: 'purchase',
        value: null,
        properties: '{}',
        occurred_ms: Date.parse(now),
        received_at: now,
        source: 'native',
        idempotency_key: 'key-0',
      })
      .execute();
    await expect(again).rejects.toMatchObject({ code: 'duplicate_record' });

    expect((await migrator.migrateTo('0012-flag-housekeeping')).error).toBeUndefined();
    const { rows } = await sql<{ id: string; occurred_at: string }>`
      select id, occurred_at from events union all select id, occurred_at from exposures order by id`.execute(
      db,
    );
    expect(rows).toEqual([
      ...TIMES.map((time, i) => ({ id: `ev${i}`, occurred_at: time })),
      ...TIMES.map((time, i) => ({ id: `ex${i}`, occurred_at: time })),
    ]);
  });
});
