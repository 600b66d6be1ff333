import { type RawBuilder, sql } from 'kysely';
import { parseFilter } from '../metrics/metrics.service.js';
import type { DialectName } from '../storage/database.js';
import type { MetricRow } from '../storage/tables.js';
import type { JoinStrategy } from './results.plan.js';

export type Sql = RawBuilder<unknown>;

/** One per-unit column: its value over the unit's events, and its value when there are none. */
export interface UnitColumn {
  name: string;
  value: Sql;
  /** null: SQL null. */
  empty: Sql | null;
}

/** CUPED adjusts per-unit values; ratio and mean metrics, sums over events, take no covariate. */
export function hasCovariate(metric: MetricRow): boolean {
  return metric.kind === 'conversion' || metric.kind === 'count' || metric.kind === 'sum';
}

/** Ratio and mean metrics carry a per-unit denominator; the others none. */
export function hasDenominator(metric: MetricRow): boolean {
  return metric.kind === 'mean' || metric.kind === 'ratio';
}

/** The column of the unit's conversion-window end for a window of `hours`, computed once per unit. */
export function windowEndColumn(hours: number): string {
  return `end_${String(hours).replace(/[^0-9]/g, '_')}`;
}

/**
 * The SQL fragments of the results query: one metric's per-unit aggregates over the unit's
 * joined events (`e`, with the unit's row as `a`), and what differs between the dialects
 * (JSON property access, `min`/`least`, booleans as numbers).
 *
 * Every per-event expression is an aggregate with a FILTER clause rather than a CASE inside
 * the aggregate: the aggregate is then not stepped at all for events it does not count. Both
 * databases share the state of identical aggregates, so metrics over the same events cost one.
 */
export class ResultsSql {
  constructor(readonly dialect: DialectName) {}

  /**
   * One metric's per-unit numerator, denominator and pre-period numerator, counting events
   * before `end` (and within the metric's conversion window); `end` null: the window's end,
   * which the join already applies. Kinds: conversion 0/1 (from the first qualifying event's
   * time, which the series needs anyway); count of events; sum of values; mean and ratio as a
   * numerator over a denominator (mean: values over events; ratio: event values, or 1 for an
   * event without one, over the denominator event's the same way).
   */
  unitValues(metric: MetricRow, preWindowDays: number, end: number | null) {
    const filter = this.propertyFilter(metric);
    const windowEnd =
      metric.conversion_window_hours === null
        ? sql``
        : sql` and e.occurred_ms < a.${sql.ref(windowEndColumn(metric.conversion_window_hours))}`;
    const post = sql`e.occurred_ms >= a.first_at${end === null ? sql`` : sql` and e.occurred_ms < ${end}`}${windowEnd}`;
    const pre = sql`e.occurred_ms < a.first_at`;
    const numeratorEvent = sql`e.name = ${metric.event_name}${filter}`;
    const denominatorEvent = sql`e.name = ${metric.denominator_event_name ?? metric.event_name}${filter}`;
    const count = (when: Sql) => sql`count(*) filter (where ${numeratorEvent} and ${when})`;
    const firstAt = sql`min(e.occurred_ms) filter (where ${numeratorEvent} and ${post})`;
    const numeratorOf = (when: Sql) => {
      switch (metric.kind) {
        case 'conversion':
          return sql`case when ${count(when)} > 0 then 1 else 0 end`;
        case 'count':
          return count(when);
        case 'ratio':
          return this.total(sql`coalesce(e.value, 1)`, sql`${numeratorEvent} and ${when}`);
        default:
          return this.total(sql`e.value`, sql`${numeratorEvent} and ${when}`);
      }
    };
    return {
      numerator:
        metric.kind === 'conversion'
          ? sql`case when ${firstAt} is null then 0 else 1 end`
          : numeratorOf(post),
      denominator:
        metric.kind === 'mean'
          ? count(post)
          : metric.kind === 'ratio'
            ? this.total(sql`coalesce(e.value, 1)`, sql`${denominatorEvent} and ${post}`)
            : undefined,
      pre: preWindowDays > 0 && hasCovariate(metric) ? numeratorOf(pre) : undefined,
      /** The unit's first qualifying event after exposure: when it converted, if it did. */
      firstAt,
    };
  }

  /**
   * How many of the ascending `cutoffs` are at or before `value` (all of them when it is
   * null), as a balanced tree of comparisons: a handful per unit, not one per cutoff.
   * A unit with bucket b counts at every cutoff from index b on.
   */
  bucket(value: Sql, cutoffs: readonly number[], low = 0, high = cutoffs.length): Sql {
    if (low >= high) return sql.lit(low);
    const middle = (low + high) >> 1;
    return sql`case when ${value} < ${cutoffs[middle]} then ${this.bucket(value, cutoffs, low, middle)} else ${this.bucket(value, cutoffs, middle + 1, high)} end`;
  }

  /**
   * The `per_unit` CTE (and what it needs): per assigned unit in unit order, its variants, first
   * exposure and `columns`, aggregated over its events that `unitEvents` selects (`e`, with the
   * unit's row as `a`); units that saw two variants join no events.
   *
   * By seeks (SQLite always), one grouping of the units left-joined with their events. By a
   * merge join, the events are inner-joined instead: PostgreSQL (as of 15) cannot read an index
   * in order on the nullable side of an outer join, so the units without events come back from
   * a second merge join, of the units with the per-unit values, and take each column's `empty`.
   */
  perUnit(columns: readonly UnitColumn[], unitEvents: Sql, strategy: JoinStrategy): Sql {
    const values = columns.map((c) => sql`${c.value} as ${sql.ref(c.name)}`);
    if (strategy === 'seek') {
      return sql`per_unit as materialized (
        select min(a.variant) as variant, min(a.last_variant) as last_variant, min(a.first_at) as first_at,
          ${sql.join(values)}
        from assigned a
        left join events e on a.variant = a.last_variant and ${unitEvents}
        group by a.unit_id)`;
    }
    const padded = columns.map((c) => {
      const value = sql.ref(`j.${c.name}`);
      return sql`${c.empty === null ? value : sql`coalesce(${value}, ${c.empty})`} as ${sql.ref(c.name)}`;
    });
    return sql`joined as not materialized (
        select a.unit_id, ${sql.join(values)}
        from assigned a
        join events e on a.variant = a.last_variant and ${unitEvents}
        group by a.unit_id),
      per_unit as materialized (
        select a.variant, a.last_variant, a.first_at, ${sql.join(padded)}
        from assigned a left join joined j on j.unit_id = a.unit_id)`;
  }

  /** A merge join reads `assigned` twice (see `perUnit`), each time in unit order from its index. */
  assignedMaterialization(strategy: JoinStrategy): Sql {
    return strategy === 'merge' ? sql`not materialized ` : sql``;
  }

  /** Σ `value` over the events `where` selects; 0 when none. */
  total(value: Sql, where: Sql): Sql {
    return this.dialect === 'sqlite'
      ? sql`total(${value}) filter (where ${where})`
      : sql`coalesce(sum(${value}) filter (where ${where}), 0)`;
  }

  least(value: Sql, cap: Sql): Sql {
    return this.dialect === 'sqlite' ? sql`min(${value}, ${cap})` : sql`least(${value}, ${cap})`;
  }

  /** An epoch-milliseconds time `hours` later (or earlier), to the millisecond. */
  addHours(time: Sql, hours: number): Sql {
    return sql`(${time} + ${sql.lit(Math.round(hours * 3_600_000))})`;
  }

  /** `and <property compares>` for the metric's filter; values compare as text. */
  propertyFilter(metric: MetricRow): Sql {
    const filter = parseFilter(metric.property_filter);
    if (!filter) return sql``;
    const path = `$."${filter.property}"`;
    const property =
      this.dialect === 'sqlite'
        ? sql`(case json_type(e.properties, ${path})
            when 'true' then 'true' when 'false' then 'false'
            else cast(json_extract(e.properties, ${path}) as text) end)`
        : sql`(cast(e.properties as jsonb) ->> ${filter.property})`;
    const values = (Array.isArray(filter.value) ? filter.value : [filter.value]).map(String);
    switch (filter.operator) {
      case 'equals':
        return sql` and ${property} = ${values[0]}`;
      case 'not_equals':
        return sql` and (${property} is null or ${property} <> ${values[0]})`;
      case 'in':
        return sql` and ${property} in (${sql.join(values)})`;
      case 'not_in':
        return sql` and (${property} is null or ${property} not in (${sql.join(values)}))`;
    }
  }
}
