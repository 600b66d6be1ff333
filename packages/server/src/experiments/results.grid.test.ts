import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../storage/tables.js';
import { type GridRow, type Part, readGrid } from './results.grid.js';

const metric = { key: 'revenue', kind: 'sum', winsorize_percentile: null } as MetricRow;

const parts: Part[] = [
  {
    name: 'grid',
    keys: [sql`variant`, sql`counted`],
    aggregates: [
      ['n', sql`count(*)`],
      ['sum_0', sql`sum(x0)`],
    ],
  },
];

/** Per variant, groups whose sums come out differently when added in another order. */
const rows: GridRow[] = ['a', 'b'].flatMap((variant) =>
  [1e16, 1, 1, -3].map((sum, counted) => ({
    part: 'grid',
    k0: variant,
    k1: counted,
    k2: null,
    c0: 1,
    c1: sum,
  })),
);

describe('results grid', () => {
  it('adds groups up in the order of their keys, whatever order the database returned them in', () => {
    const read = (order: GridRow[]) => readGrid(order, parts, { metrics: [metric], series: [], cutoffs: [] });
    const inKeyOrder = read(rows);
    expect(inKeyOrder.final.get('revenue')?.get('a')?.sum).toBe(1e16 - 4);
    for (const shuffled of [[...rows].reverse(), [...rows.slice(3), ...rows.slice(0, 3)]]) {
      expect(read(shuffled)).toEqual(inKeyOrder);
    }
  });
});
