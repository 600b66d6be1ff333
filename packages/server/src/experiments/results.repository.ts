import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DialectName } from '../storage/database.js';
import type { MetricRow, Tables } from '../storage/tables.js';
import { type Aggregate, type GridRow, KEYS, type Part, readGrid } from './results.grid.js';
import { type JoinStrategy, planResults } from './results.plan.js';
import {
  hasCovariate,
  hasDenominator,
  ResultsSql,
  type Sql,
  type UnitColumn,
  windowEndColumn,
} from './results.sql.js';

/** Which units an analysis reads: first exposures to one feature in one environment and window. */
export interface ExposureWindow {
  environmentId: string;
  featureKey: string;
  /** ISO times; exposures in [start, end) assign units, events before `end` count. */
  start: string;
  end: string;
}

/** Units per variant; `excluded` saw more than one variant and are left out of every metric. */
export interface Assignment {
  units: Map<string, number>;
  excluded: number;
}

/** Sufficient statistics of one metric in one variant, summed over its units inside the database. */
export interface VariantSums {
  n: number;
  /** Per-unit value (numerator for ratio and mean metrics). */
  sum: number;
  sumSquares: number;
  /** Ratio and mean metrics: the per-unit denominator, and Σ numerator·denominator. */
  denominatorSum: number;
  denominatorSumSquares: number;
  crossSum: number;
  /** CUPED: the same per-unit value before exposure, and Σ post·pre. */
  preSum: number;
  preSumSquares: number;
  preCrossSum: number;
}

export interface MetricSumsRequest {
  metrics: readonly MetricRow[];
  /** Days before each unit's first exposure whose events make its CUPED covariate; 0: none. */
  preWindowDays: number;
  /**
   * Earlier ends of the window (ISO, ascending) at which the metrics in `seriesMetrics` are
   * summed too, as if the experiment had been read then: the points of a cumulative series.
   */
  cutoffs?: readonly string[];
  seriesMetrics?: readonly string[];
}

export type SumsByMetric = Map<string, Map<string, VariantSums>>;

export interface MetricSums {
  assignment: Assignment;
  final: SumsByMetric;
  /** One entry per cutoff, in the order given. */
  series: SumsByMetric[];
}

/**
 * The aggregates experiment results are made of, computed inside the database in one
 * statement, whatever the number of units:
 *
 * - `assigned`: each exposed unit's first exposure in the window, its variants, and the
 *   starts and ends of its pre-period and conversion windows, computed once per unit;
 * - `per_unit`: each unit's events, visited once in the order of the covering index
 *   `events(environment_id, unit_id, occurred_ms, name, value)` (SQLite: a seek per unit;
 *   PostgreSQL: the same, or one merge join along it, see `planResults`), folded into every metric's
 *   per-unit values in one grouping; units that saw two variants join no events;
 * - `caps`: each winsorization cap over the assigned units;
 * - one GROUP BY over the units into a grid of a few groups: per variant (null: excluded),
 *   the first cutoff at which the unit counts, and, for the first conversion metric of the
 *   series, the first cutoff by which it had converted. Each group holds Σ and Σ² of every
 *   metric (and of the other series metrics at each cutoff), so the assignment, the final
 *   sums and every point of the series are added up in `results.grid.ts` from the groups
 *   rather than with one conditional sum per cutoff per unit, or one sort per figure.
 *
 * No per-unit row ever reaches Node. The same SQL runs on both dialects but for the fragments
 * in `ResultsSql`.
 */
export class ResultsRepository {
  private readonly fragments: ResultsSql;

  /**
   * @param join how units meet their events, when it must be one way (tests cover both);
   *   otherwise SQLite seeks and PostgreSQL chooses (`planResults`).
   */
  constructor(
    private readonly db: Kysely<Tables>,
    dialect: DialectName,
    private readonly join?: JoinStrategy,
  ) {
    this.fragments = new ResultsSql(dialect);
  }

  /** A unit's variant is that of its exposures in the window; units with two or more are excluded. */
  async assignment(window: ExposureWindow): Promise<Assignment> {
    return (await this.metricSums(window, { metrics: [], preWindowDays: 0 })).assignment;
  }

  /**
   * The assignment, and per metric and variant Σ and Σ² of the per-unit values at the
   * window's end and at each cutoff.
   */
  async metricSums(window: ExposureWindow, request: MetricSumsRequest): Promise<MetricSums> {
    const { metrics, preWindowDays } = request;
    // Stored times are epoch milliseconds (migration 0013); the window arrives as ISO times.
    const cutoffs = (request.cutoffs ?? []).map((cutoff) => Date.parse(cutoff));
    const [start, end] = [Date.parse(window.start), Date.parse(window.end)];
    const series = cutoffs.length === 0 ? [] : metrics.filter((m) => request.seriesMetrics?.includes(m.key));
    const f = this.fragments;
    const ref = (column: string) => sql.ref(column);

    // Per unit, per metric: numerator, denominator and pre-period numerator at the end of the
    // window (x<m>, d<m>, p<m>); for a conversion metric in the series its first conversion
    // time (t<m>), from which every cutoff follows; for other series metrics one numerator
    // and denominator per cutoff (x<m>_<c>, d<m>_<c>).
    // A unit without events has 0 for every value but its first conversion time (null).
    const unitColumns: UnitColumn[] = [];
    metrics.forEach((metric, m) => {
      const values = f.unitValues(metric, preWindowDays, null);
      unitColumns.push({ name: `x${m}`, value: values.numerator, empty: sql`0` });
      if (values.denominator) unitColumns.push({ name: `d${m}`, value: values.denominator, empty: sql`0` });
      if (values.pre) unitColumns.push({ name: `p${m}`, value: values.pre, empty: sql`0` });
      if (!series.includes(metric)) return;
      if (metric.kind === 'conversion') {
        unitColumns.push({ name: `t${m}`, value: values.firstAt, empty: null });
        return;
      }
      cutoffs.forEach((cutoff, c) => {
        const atCutoff = f.unitValues(metric, preWindowDays, cutoff);
        unitColumns.push({ name: `x${m}_${c}`, value: atCutoff.numerator, empty: sql`0` });
        if (atCutoff.denominator)
          unitColumns.push({ name: `d${m}_${c}`, value: atCutoff.denominator, empty: sql`0` });
      });
    });

    const caps = metrics.map((metric, m) =>
      metric.winsorize_percentile === null ? null : this.capQuery(`x${m}`, metric.winsorize_percentile),
    );
    const capped = (m: number, value: Sql) => (caps[m] ? f.least(value, ref(`cap${m}`)) : value);
    const hasCaps = caps.some((cap) => cap !== null);
    const pre = (metric: MetricRow, m: number) =>
      preWindowDays > 0 && hasCovariate(metric) ? capped(m, ref(`p${m}`)) : null;

    // The grid: final sums of every metric, and per cutoff those of non-conversion series metrics.
    const conversions = series.filter((metric) => metric.kind === 'conversion');
    const gridAggregates: Aggregate[] = [['n', sql`count(*)`]];
    metrics.forEach((metric, m) => {
      const d = hasDenominator(metric) ? ref(`d${m}`) : null;
      gridAggregates.push(...sumsOf(`${m}`, capped(m, ref(`x${m}`)), d, pre(metric, m)));
    });
    for (const metric of series.filter((s) => s.kind !== 'conversion')) {
      const m = metrics.indexOf(metric);
      cutoffs.forEach((_, c) => {
        const d = hasDenominator(metric) ? ref(`d${m}_${c}`) : null;
        const sums = sumsOf(`${m}_${c}`, capped(m, ref(`x${m}_${c}`)), d, pre(metric, m));
        // The covariate's own sums are the same at every cutoff: the final ones serve.
        gridAggregates.push(...sums.filter(([name]) => !/^preSum(Squares)?_/.test(name)));
      });
    }
    const counted = cutoffs.length > 0 ? f.bucket(ref('first_at'), cutoffs) : null;
    const converted = (metric: MetricRow) => f.bucket(ref(`t${metrics.indexOf(metric)}`), cutoffs);
    const [firstConversion, ...otherConversions] = conversions;
    const parts: Part[] = [
      {
        name: 'grid',
        keys: [
          sql`case when variant = last_variant then variant end`,
          ...(counted ? [counted] : []),
          ...(firstConversion ? [converted(firstConversion)] : []),
        ],
        aggregates: gridAggregates,
      },
      // Further conversion metrics of the series: their own grid of the covariate's sums.
      ...otherConversions.map((metric) => {
        const m = metrics.indexOf(metric);
        const covariate = pre(metric, m);
        const aggregates: Aggregate[] = [['n', sql`count(*)`]];
        if (covariate) {
          aggregates.push([`preSum_${m}`, sql`sum(${covariate})`]);
          aggregates.push([`preSumSquares_${m}`, sql`sum(${covariate} * ${covariate})`]);
        }
        return {
          name: `series${m}`,
          keys: [sql`case when variant = last_variant then variant end`, counted as Sql, converted(metric)],
          aggregates,
        };
      }),
    ];
    if (hasCaps) {
      parts.push({
        name: 'caps',
        keys: [],
        aggregates: caps.flatMap((cap, m) => (cap ? [[`cap${m}`, ref(`cap${m}`)] as Aggregate] : [])),
      });
    }

    const needsPre = preWindowDays > 0;
    const firstAt = sql`min(occurred_ms)`;
    const endColumns = [
      ...new Set(
        metrics.flatMap((m) => (m.conversion_window_hours === null ? [] : [m.conversion_window_hours])),
      ),
    ].map((hours) => sql`, ${f.addHours(firstAt, hours)} as ${ref(windowEndColumn(hours))}`);
    const names = [
      ...new Set(metrics.flatMap((m) => [m.event_name, m.denominator_event_name ?? m.event_name])),
    ];
    const exposed = sql`environment_id = ${window.environmentId} and feature_key = ${window.featureKey}
      and variant is not null and occurred_ms >= ${start} and occurred_ms < ${end}`;
    const unitEvents = sql`e.environment_id = ${window.environmentId} and e.unit_id = a.unit_id
      and e.occurred_ms >= a.from_at and e.occurred_ms < ${end} and e.name in (${sql.join(names)})`;
    const perUnit = (strategy: JoinStrategy) =>
      metrics.length === 0
        ? sql`per_unit as materialized (select variant, last_variant, first_at from assigned)`
        : f.perUnit(unitColumns, unitEvents, strategy);
    const withCaps = hasCaps ? sql`per_unit cross join caps` : sql`per_unit`;
    const width = Math.max(...parts.map((p) => p.aggregates.length));
    const query = (strategy: JoinStrategy) => sql<GridRow>`
      with assigned as ${f.assignedMaterialization(strategy)}(
        select unit_id, ${firstAt} as first_at, min(variant) as variant, max(variant) as last_variant,
          ${needsPre ? f.addHours(firstAt, -24 * preWindowDays) : firstAt} as from_at${sql.join(endColumns, sql``)}
        from exposures
        where ${exposed}
        group by unit_id
        order by unit_id
      ),
      ${perUnit(strategy)}${
        hasCaps
          ? sql`,
      units as not materialized (select * from per_unit where variant = last_variant),
      caps as materialized (select ${sql.join(caps.flatMap((cap, m) => (cap === null ? [] : [sql`(${cap}) as ${ref(`cap${m}`)}`])))})`
          : sql``
      }
      ${sql.join(
        parts.map((p) => {
          // Typed, so PostgreSQL can match every part's columns whatever the part holds.
          const keys = Array.from(
            { length: KEYS },
            (_, k) =>
              sql`cast(${p.keys[k] ?? sql`null`} as ${k === 0 ? sql`text` : sql`integer`}) as ${ref(`k${k}`)}`,
          );
          const values = Array.from(
            { length: width },
            (_, i) => sql`cast(${p.aggregates[i]?.[1] ?? sql`null`} as double precision) as ${ref(`c${i}`)}`,
          );
          // By position: PostgreSQL would not see an expression with bound parameters as the same twice.
          const positions = p.keys.map((_, k) => sql.lit(2 + k));
          const grouped = p.keys.length === 0 ? sql`caps` : sql`${withCaps} group by ${sql.join(positions)}`;
          return sql`select ${sql.lit(p.name)} as part, ${sql.join(keys)}, ${sql.join(values)} from ${grouped}`;
        }),
        sql` union all `,
      )}`;
    return readGrid(await this.run(query, window.environmentId, exposed), parts, {
      metrics,
      series,
      cutoffs,
    });
  }

  /** SQLite reaches each unit's events by seeks; PostgreSQL as `planResults` chooses. */
  private async run(
    query: (strategy: JoinStrategy) => RawBuilder<GridRow>,
    environmentId: string,
    exposed: Sql,
  ): Promise<GridRow[]> {
    if (this.fragments.dialect === 'sqlite') return (await query(this.join ?? 'seek').execute(this.db)).rows;
    return this.db.transaction().execute(async (trx) => {
      const plan = await planResults(trx, environmentId, exposed, this.join);
      for (const setting of plan.settings) await sql.raw(`set local ${setting}`).execute(trx);
      return (await query(plan.strategy).execute(trx)).rows;
    });
  }

  /**
   * The per-unit value at a percentile (nearest rank below), over every assigned unit. Counted
   * from the nearer end: with LIMIT 1 OFFSET k both databases keep only the k + 1 extreme
   * values while sorting, so a 99th percentile is a small heap rather than a sort of every unit.
   */
  private capQuery(column: string, percentile: number): Sql {
    const ref = sql.ref(column);
    const rank = sql`cast(floor((count(*) - 1) * cast(${percentile / 100} as double precision)) as integer)`;
    const [direction, offset] = percentile > 50 ? [sql`desc`, sql`count(*) - 1 - ${rank}`] : [sql`asc`, rank];
    return sql`select ${ref} from units order by ${ref} ${direction}
      limit 1 offset (select case when count(*) = 0 then 0 else ${offset} end from units)`;
  }
}

/** Σ and Σ² of a numerator, its denominator and its covariate (when it has them), named `<sum>_<suffix>`. */
function sumsOf(suffix: string, x: Sql, d: Sql | null, pre: Sql | null): Aggregate[] {
  const sums: Aggregate[] = [
    ['sum', sql`sum(${x})`],
    ['sumSquares', sql`sum(${x} * ${x})`],
  ];
  if (d) {
    sums.push(['denominatorSum', sql`sum(${d})`]);
    sums.push(['denominatorSumSquares', sql`sum(${d} * ${d})`]);
    sums.push(['crossSum', sql`sum(${x} * ${d})`]);
  }
  if (pre) {
    sums.push(['preSum', sql`sum(${pre})`]);
    sums.push(['preSumSquares', sql`sum(${pre} * ${pre})`]);
    sums.push(['preCrossSum', sql`sum(${x} * ${pre})`]);
  }
  return sums.map(([name, value]) => [`${name}_${suffix}`, value]);
}
