import { type Kysely, sql } from 'kysely';
import type { Tables } from '../storage/tables.js';
import type { Sql } from './results.sql.js';

/**
 * How PostgreSQL reaches each unit's events: `seek`, one descent of the events index per unit
 * (a nested loop, SQLite's only way); `merge`, one walk along the environment's whole events
 * index beside the sorted units (a merge join).
 */
export type JoinStrategy = 'seek' | 'merge';

/**
 * PostgreSQL settings for the one results statement (SET LOCAL: its transaction only). The
 * planner has no statistics on CTEs, so it misjudges the steps after them; measured on 1M
 * units and 10M events (bench/experiments.bench.mjs):
 *
 * - `work_mem`: the per-unit rows and their groupings stay in memory instead of spilling
 *   hundreds of MB to temporary files;
 * - no hash join: it needs a hash table of every unit, then a hash aggregate of a million
 *   groups; the join is the one `JoinStrategy` chose (the other kind is switched off);
 * - no sort: the groupings over the per-unit rows have a handful of groups, which a hash
 *   aggregate builds in one pass; the planner, guessing one row, sorted a million instead;
 * - no parallel workers: they would add up a unit's events in pieces, in an order that
 *   changes from run to run, and so the last bits of its sums; and the parallel merge join
 *   (each worker reading every unit for its share of the events, the leader merging a million
 *   partial groups) took longer, 5.4 s of wall time against 3.8 s on 2 cores;
 * - JIT only from `JIT_MIN_UNITS` exposed units on.
 */
const SETTINGS = [
  "work_mem = '256MB'",
  'enable_hashjoin = off',
  'enable_sort = off',
  'max_parallel_workers_per_gather = 0',
];

/**
 * The walk reads every index entry of the environment, and the units a second time (see
 * `ResultsSql.perUnit`); the descents read only each unit's entries in its window, but a
 * descent costs about as much as reading 18 entries. The whole statement on the bench's 10M
 * events, without JIT: 1M units 5.2 s by descents, 4.0 s by the walk; 691k units 3.3 s and
 * 2.6 s; 346k units (29 events per unit) 1.7 s either way; 7,200 units 0.13 s and 0.69 s.
 * The walk from 24 events per exposed unit down.
 */
export const EVENTS_PER_UNIT_FOR_MERGE = 24;

/**
 * Compiling the statement (JIT) costs a fixed time for its hundred-odd expressions (0.2 s for
 * the bench's, without inlining, which doubled it and gained nothing) and saves a share of the
 * time spent evaluating them per event and per unit: measured on the bench, 4.0 → 3.6 s at 1M
 * units, even at 250k units, 0.08 → 0.24 s at 20k. The planner's own JIT thresholds cannot
 * decide, as the switched-off plan types add a constant to every cost.
 */
export const JIT_MIN_UNITS = 500_000;

export interface ResultsPlan {
  strategy: JoinStrategy;
  settings: string[];
}

/**
 * Chooses the join (unless `join` is given) and the settings from PostgreSQL's own estimates
 * (from its statistics, no rows read) of the units among the `exposed` exposures and of the
 * environment's events. Units, not exposures: SDKs log a unit's exposure again and again, and
 * the statement's work follows its units.
 */
export async function planResults(
  db: Kysely<Tables>,
  environmentId: string,
  exposed: Sql,
  join?: JoinStrategy,
): Promise<ResultsPlan> {
  const units = await estimateRows(db, sql`select unit_id from exposures where ${exposed} group by unit_id`);
  const events = join
    ? 0
    : await estimateRows(db, sql`select 1 from events where environment_id = ${environmentId}`);
  return planFrom({ units, events }, join);
}

/**
 * The plan for these estimates: the walk from `EVENTS_PER_UNIT_FOR_MERGE` events per unit
 * down (unless `join` is given), JIT from `JIT_MIN_UNITS` units.
 * @example
 * planFrom({ units: 1_000_000, events: 10_000_000 }).strategy; // 'merge'
 */
export function planFrom(estimates: { units: number; events: number }, join?: JoinStrategy): ResultsPlan {
  const { units, events } = estimates;
  const strategy = join ?? (units * EVENTS_PER_UNIT_FOR_MERGE >= events ? 'merge' : 'seek');
  const jit =
    units >= JIT_MIN_UNITS
      ? ['jit = on', 'jit_above_cost = 0', 'jit_optimize_above_cost = 0', 'jit_inline_above_cost = -1']
      : ['jit = off'];
  const joins = strategy === 'merge' ? 'enable_nestloop = off' : 'enable_mergejoin = off';
  return { strategy, settings: [...SETTINGS, joins, ...jit] };
}

async function estimateRows(db: Kysely<Tables>, query: Sql): Promise<number> {
  const plan = await sql<{
    'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }];
  }>`explain (format json) ${query}`.execute(db);
  return plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
}
