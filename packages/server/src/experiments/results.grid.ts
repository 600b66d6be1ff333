import type { MetricRow } from '../storage/tables.js';
import type { Assignment, MetricSums, SumsByMetric, VariantSums } from './results.repository.js';
import type { Sql } from './results.sql.js';

/** One aggregate of a part, by the name its sums are read back under. */
export type Aggregate = [name: string, value: Sql];

/**
 * One SELECT of the results statement's UNION ALL: its grouping keys — the variant (null:
 * excluded), the first cutoff at which a unit counts, the first cutoff by which it had
 * converted — and its aggregates. Every part has the same columns: `part`, `k0`..`k2`, then
 * `c0`.. (null where a part has fewer aggregates).
 */
export interface Part {
  name: string;
  keys: Sql[];
  aggregates: Aggregate[];
}

export const KEYS = 3;

export type GridRow = Record<string, number | string | null>;

const ZERO: VariantSums = {
  n: 0,
  sum: 0,
  sumSquares: 0,
  denominatorSum: 0,
  denominatorSumSquares: 0,
  crossSum: 0,
  preSum: 0,
  preSumSquares: 0,
  preCrossSum: 0,
};

const SUMS = Object.keys(ZERO).filter((name) => name !== 'n') as Exclude<keyof VariantSums, 'n'>[];

interface Group {
  variant: string | null;
  /** Counts at every cutoff from this index on. */
  counted: number;
  /** Had converted (first conversion metric of its part) by every cutoff from this index on. */
  converted: number;
  value(name: string): number;
}

/**
 * Adds up the groups of the results statement into the assignment, the final sums and every
 * point of the series. A unit whose group counts from cutoff b is in every cutoff's sums from
 * b on; a conversion metric's value at a cutoff is the same 0 or 1 (capped as the final value
 * is) for its whole group, so the group's Σ of the covariate gives Σ value·covariate.
 */
export function readGrid(
  rows: readonly GridRow[],
  parts: readonly Part[],
  request: { metrics: readonly MetricRow[]; series: readonly MetricRow[]; cutoffs: readonly number[] },
): MetricSums {
  const { metrics, series, cutoffs } = request;
  const groupsOf = (name: string): Group[] => {
    const part = parts.find((p) => p.name === name);
    if (!part) return [];
    const index = new Map(part.aggregates.map(([aggregate], i) => [aggregate, `c${i}`]));
    return rows
      .filter((row) => row.part === name)
      .map((row) => ({
        variant: row.k0 === null ? null : String(row.k0),
        counted: Number(row.k1 ?? 0),
        converted: Number(row.k2 ?? cutoffs.length),
        value: (aggregate: string) => {
          const column = index.get(aggregate);
          return column === undefined ? 0 : Number(row[column] ?? 0);
        },
      }))
      .sort(byKeys);
  };
  const grid = groupsOf('grid');
  const capsRow = groupsOf('caps')[0];

  const assignment: Assignment = { units: new Map(), excluded: 0 };
  for (const group of grid) {
    const n = group.value('n');
    if (group.variant === null) assignment.excluded += n;
    else assignment.units.set(group.variant, (assignment.units.get(group.variant) ?? 0) + n);
  }
  const variants = [...assignment.units.keys()].sort();
  const assigned = grid.filter((group) => group.variant !== null);

  const final: SumsByMetric = new Map();
  metrics.forEach((metric, m) => {
    const byVariant = zeros(variants);
    for (const group of assigned) {
      add(byVariant.get(group.variant as string) as VariantSums, group, (name) => `${name}_${m}`);
    }
    final.set(metric.key, byVariant);
  });

  const points: SumsByMetric[] = cutoffs.map(() => new Map());
  const firstConversion = series.find((metric) => metric.kind === 'conversion');
  for (const metric of series) {
    const m = metrics.indexOf(metric);
    const groups = (
      metric === firstConversion || metric.kind !== 'conversion' ? assigned : groupsOf(`series${m}`)
    ).filter((group) => group.variant !== null);
    const cap = capsRow ? capsRow.value(`cap${m}`) : null;
    const hasCap = capsRow !== undefined && metric.winsorize_percentile !== null;
    cutoffs.forEach((_, c) => {
      const byVariant = zeros(variants);
      for (const group of groups) {
        if (group.counted > c) continue;
        const sums = byVariant.get(group.variant as string) as VariantSums;
        const n = group.value('n');
        const preSum = group.value(`preSum_${m}`);
        sums.n += n;
        sums.preSum += preSum;
        sums.preSumSquares += group.value(`preSumSquares_${m}`);
        if (metric.kind !== 'conversion') {
          for (const name of [
            'sum',
            'sumSquares',
            'denominatorSum',
            'denominatorSumSquares',
            'crossSum',
            'preCrossSum',
          ] as const) {
            sums[name] += group.value(`${name}_${m}_${c}`);
          }
          continue;
        }
        const converted = group.converted <= c ? 1 : 0;
        const x = hasCap && cap !== null ? Math.min(converted, cap) : converted;
        sums.sum += n * x;
        sums.sumSquares += n * x * x;
        sums.preCrossSum += x * preSum;
      }
      points[c]?.set(metric.key, byVariant);
    });
  }
  return { assignment, final, series: points };
}

/**
 * Groups in the order of their keys. A database returns a hash aggregate's groups in the order
 * of its hash table, which follows the planner's estimates; the floating-point sums below must
 * not, or the same data would give answers differing in their last bits from one plan to another.
 */
function byKeys(a: Group, b: Group): number {
  if (a.variant !== b.variant) {
    if (a.variant === null) return -1;
    if (b.variant === null) return 1;
    return a.variant < b.variant ? -1 : 1;
  }
  return a.counted - b.counted || a.converted - b.converted;
}

function zeros(variants: readonly string[]): Map<string, VariantSums> {
  return new Map(variants.map((variant) => [variant, { ...ZERO }]));
}

function add(sums: VariantSums, group: Group, name: (sum: string) => string): void {
  sums.n += group.value('n');
  for (const sum of SUMS) sums[sum] += group.value(name(sum));
}
