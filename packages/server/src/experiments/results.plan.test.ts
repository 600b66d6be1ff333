import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject } from '../testing/admin-fixtures.js';
import { createTestDatabase, postgresUnavailableReason, type TestDatabase } from '../testing/databases.js';
import { EVENTS_PER_UNIT_FOR_MERGE, JIT_MIN_UNITS, planFrom, planResults } from './results.plan.js';

describe('planFrom', () => {
  it('walks the events from 24 events per unit down, and seeks above', () => {
    expect(planFrom({ units: 1000, events: 1000 * EVENTS_PER_UNIT_FOR_MERGE }).strategy).toBe('merge');
    expect(planFrom({ units: 1000, events: 1000 * EVENTS_PER_UNIT_FOR_MERGE + 1 }).strategy).toBe('seek');
    expect(planFrom({ units: 1000, events: 1 }, 'seek').strategy).toBe('seek');
  });

  it('turns the other join off, and compiles the statement from half a million units on', () => {
    expect(planFrom({ units: 10, events: 10 }).settings).toContain('enable_nestloop = off');
    expect(planFrom({ units: 10, events: 10_000 }).settings).toContain('enable_mergejoin = off');
    expect(planFrom({ units: JIT_MIN_UNITS - 1, events: 1 }).settings).toContain('jit = off');
    const large = planFrom({ units: JIT_MIN_UNITS, events: 1 }).settings;
    expect(large).toContain('jit = on');
    expect(large).toContain('jit_inline_above_cost = -1');
    expect(large).not.toContain('jit = off');
  });
});

const skip = await postgresUnavailableReason();
const suite = skip ? describe.skip : describe;
const title = (name: string) => (skip ? `${name} (skipped: ${skip})` : name);

/** The plan is PostgreSQL's alone: SQLite has one way to join. */
suite(title('planResults on PostgreSQL'), () => {
  let database: TestDatabase;
  /** Two environments, each with the same 100 units exposed 20 times: `busy` has 5,000 events, `quiet` 1,000. */
  const environments = { busy: '', quiet: '' };
  const exposed = (environmentId: string) =>
    sql`environment_id = ${environmentId} and feature_key = ${'checkout'} and variant is not null`;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const at = sql.lit(Date.parse('2026-01-05T00:00:00Z'));
    for (const [name, events] of [
      ['busy', 5_000],
      ['quiet', 1_000],
    ] as const) {
      const environmentId = (await seedProject(database.db)).environmentId;
      environments[name] = environmentId;
      await sql`insert into exposures (id, environment_id, unit_id, feature_key, variant, value, reason, occurred_ms, received_at, source)
        select ${name} || 'x' || i, ${environmentId}, 'u' || (i % 100), 'checkout', 'a', 'null', null, ${at} + i, '2026-01-05T00:00:00Z', 'test'
        from generate_series(0, 1999) as i`.execute(database.db);
      await sql`insert into events (id, environment_id, unit_id, name, value, properties, occurred_ms, received_at, source)
        select ${name} || 'e' || i, ${environmentId}, 'u' || (i % 100), 'visit', null, '{}', ${at} + i, '2026-01-05T00:00:00Z', 'test'
        from generate_series(1, ${sql.lit(events)}) as i`.execute(database.db);
    }
    await sql`analyze exposures`.execute(database.db);
    await sql`analyze events`.execute(database.db);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('walks the events beside the units when there are few events per exposed unit, counting units, not exposures', async () => {
    expect(100 * EVENTS_PER_UNIT_FOR_MERGE).toBeLessThan(5_000);
    expect(100 * EVENTS_PER_UNIT_FOR_MERGE).toBeGreaterThanOrEqual(1_000);
    // 100 units × 24 < 5,000 events: one seek per unit, though 2,000 exposures × 24 would say the walk.
    expect((await planResults(database.db, environments.busy, exposed(environments.busy))).strategy).toBe(
      'seek',
    );
    expect((await planResults(database.db, environments.quiet, exposed(environments.quiet))).strategy).toBe(
      'merge',
    );
  });

  it('keeps the join it is told, and compiles nothing for a small experiment', async () => {
    const plan = await planResults(database.db, environments.busy, exposed(environments.busy), 'merge');
    expect(plan.strategy).toBe('merge');
    expect(plan.settings).toContain('enable_nestloop = off');
    expect(plan.settings).toContain('jit = off');
  });
});
