import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../bench/workload.mjs';
import { EventsRepository } from '../events/events.repository.js';
import { type EventInput, EventsService, type ExposureInput } from '../events/events.service.js';
import { newId } from '../shared/ids.js';
import type { MetricRow } from '../storage/tables.js';
import { seedProject } from '../testing/admin-fixtures.js';
import { describeEachDialect } from '../testing/databases.js';
import { type ExposureWindow, ResultsRepository, type VariantSums } from './results.repository.js';

const HOUR = 60 * 60 * 1000;
const START = Date.parse('2026-01-10T00:00:00.000Z');
const END = START + 10 * 24 * HOUR;
const NOW = END + 30 * 24 * HOUR;

interface Unit {
  id: string;
  variant: 'a' | 'b';
  firstAt: number;
  events: { name: string; value: number | null; at: number; currency: string }[];
}

/** 600 assigned units with purchases and visits before, during and after their window. */
function simulate(): { units: Unit[]; exposures: ExposureInput[]; events: EventInput[] } {
  const next = mulberry32(7);
  const units: Unit[] = [];
  const exposures: ExposureInput[] = [];
  const events: EventInput[] = [];
  for (let i = 0; i < 600; i++) {
    const variant = i % 2 === 0 ? 'a' : 'b';
    const firstAt = START + i * 10 * 60 * 1000;
    const unit: Unit = { id: `unit-${i}`, variant, firstAt, events: [] };
    exposures.push({ unitId: unit.id, featureKey: 'checkout', variant, time: firstAt });
    exposures.push({ unitId: unit.id, featureKey: 'checkout', variant, time: firstAt + 5 * HOUR });
    const count = Math.floor(next() * (variant === 'b' ? 5 : 4));
    for (let k = 0; k < count; k++) {
      // From 20 days before the first exposure to 12 days after: some pre, some late.
      const at = firstAt + Math.round((next() * 32 - 20) * 24 * HOUR);
      const value = next() < 0.1 ? null : Math.round(next() * 10_000) / 100;
      const currency = ['EUR', 'USD', 'GBP'][Math.floor(next() * 3)] as string;
      unit.events.push({ name: 'purchase', value, at, currency });
    }
    const visits = 1 + Math.floor(next() * 4);
    for (let k = 0; k < visits; k++) {
      unit.events.push({
        name: 'visit',
        value: null,
        at: firstAt + Math.round(next() * 72 * HOUR),
        currency: 'EUR',
      });
    }
    for (const event of unit.events) {
      if (event.at < NOW - 364 * 24 * HOUR) continue;
      events.push({
        unitId: unit.id,
        name: event.name,
        value: event.value,
        properties: { currency: event.currency },
        time: event.at,
      });
    }
    units.push(unit);
  }
  // Seen both variants: excluded. Exposed before the start, or without a variant: not assigned.
  for (let i = 0; i < 10; i++) {
    exposures.push({ unitId: `both-${i}`, featureKey: 'checkout', variant: 'a', time: START + HOUR });
    exposures.push({ unitId: `both-${i}`, featureKey: 'checkout', variant: 'b', time: START + 2 * HOUR });
    events.push({ unitId: `both-${i}`, name: 'purchase', value: 1000, time: START + 3 * HOUR });
  }
  exposures.push({ unitId: 'early', featureKey: 'checkout', variant: 'a', time: START - HOUR });
  exposures.push({ unitId: 'anonymous', featureKey: 'checkout', variant: null, time: START + HOUR });
  exposures.push({ unitId: 'other-flag', featureKey: 'banner', variant: 'a', time: START + HOUR });
  return { units, exposures, events };
}

/** The per-unit value each metric must see, computed here the plain way. */
function expected(units: Unit[], metric: MetricRow, preDays: number) {
  const filter = metric.property_filter ? JSON.parse(metric.property_filter) : null;
  const keep = (e: Unit['events'][number]) => !filter || (filter.value as string[]).includes(e.currency);
  const perVariant = new Map<string, { x: number[]; d: number[]; pre: number[] }>();
  for (const unit of units) {
    const windowEnd = Math.min(
      END,
      metric.conversion_window_hours === null ? END : unit.firstAt + metric.conversion_window_hours * HOUR,
    );
    const post = (name: string) =>
      unit.events.filter((e) => e.name === name && keep(e) && e.at >= unit.firstAt && e.at < windowEnd);
    const pre = unit.events.filter(
      (e) =>
        e.name === metric.event_name &&
        keep(e) &&
        e.at < unit.firstAt &&
        e.at >= unit.firstAt - preDays * 24 * HOUR,
    );
    const value = (list: typeof pre, kind: MetricRow['kind']) => {
      if (kind === 'conversion') return list.length > 0 ? 1 : 0;
      if (kind === 'count') return list.length;
      if (kind === 'ratio') return list.reduce((s, e) => s + (e.value ?? 1), 0);
      return list.reduce((s, e) => s + (e.value ?? 0), 0);
    };
    const x = value(post(metric.event_name), metric.kind);
    const d =
      metric.kind === 'mean'
        ? post(metric.event_name).length
        : metric.kind === 'ratio'
          ? post(metric.denominator_event_name as string).reduce((s, e) => s + (e.value ?? 1), 0)
          : 0;
    const entry = perVariant.get(unit.variant) ?? { x: [], d: [], pre: [] };
    entry.x.push(x);
    entry.d.push(d);
    entry.pre.push(preDays > 0 ? value(pre, metric.kind) : 0);
    perVariant.set(unit.variant, entry);
  }
  return perVariant;
}

function cap(values: number[], percentile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) * (percentile / 100))] as number;
}

function sums(x: number[], d: number[], pre: number[]): VariantSums {
  const total = (f: (i: number) => number) => x.reduce((s, _, i) => s + f(i), 0);
  return {
    n: x.length,
    sum: total((i) => x[i] as number),
    sumSquares: total((i) => (x[i] as number) ** 2),
    denominatorSum: total((i) => d[i] as number),
    denominatorSumSquares: total((i) => (d[i] as number) ** 2),
    crossSum: total((i) => (x[i] as number) * (d[i] as number)),
    preSum: total((i) => pre[i] as number),
    preSumSquares: total((i) => (pre[i] as number) ** 2),
    preCrossSum: total((i) => (x[i] as number) * (pre[i] as number)),
  };
}

/** Equal up to the order floating-point sums were added in. */
function expectSameSums(actual?: Map<string, VariantSums>, wanted?: Map<string, VariantSums>) {
  expect([...(actual?.keys() ?? [])].sort()).toEqual([...(wanted?.keys() ?? [])].sort());
  for (const [variant, sums] of wanted ?? []) {
    for (const key of Object.keys(sums) as (keyof VariantSums)[]) {
      expect(actual?.get(variant)?.[key], `${variant}.${key}`).toBeCloseTo(sums[key], 6);
    }
  }
}

function metric(fields: Partial<MetricRow>): MetricRow {
  return {
    id: newId(),
    project_id: 'p',
    key: 'm',
    name: 'm',
    description: '',
    kind: 'sum',
    event_name: 'purchase',
    denominator_event_name: null,
    direction: 'higher',
    winsorize_percentile: null,
    conversion_window_hours: null,
    property_filter: null,
    created_at: '',
    updated_at: '',
    ...fields,
  };
}

describeEachDialect('results repository', (getDatabase) => {
  let repository: ResultsRepository;
  let window: ExposureWindow;
  let units: Unit[];

  beforeAll(async () => {
    const { db, dialect } = getDatabase();
    // A project with one environment, as other suites seed it; its other rows stay out of the window.
    const { environmentId } = await seedProject(db);
    const data = simulate();
    units = data.units;
    const events = new EventsService(new EventsRepository(db), () => NOW);
    for (let i = 0; i < data.events.length; i += 1000) {
      await events.ingest(environmentId, { events: data.events.slice(i, i + 1000) }, 'native');
    }
    await events.ingest(environmentId, { exposures: data.exposures.slice(0, 1000) }, 'native');
    await events.ingest(environmentId, { exposures: data.exposures.slice(1000) }, 'native');
    repository = new ResultsRepository(db, dialect);
    window = {
      environmentId,
      featureKey: 'checkout',
      start: new Date(START).toISOString(),
      end: new Date(END).toISOString(),
    };
  });

  it('assigns each unit the variant of its exposures in the window, and excludes those with two', async () => {
    const assignment = await repository.assignment(window);
    expect(Object.fromEntries(assignment.units)).toEqual({ a: 300, b: 300 });
    expect(assignment.excluded).toBe(10);
  });

  const cases: [string, Partial<MetricRow>, number][] = [
    ['conversion within 48 hours', { kind: 'conversion', conversion_window_hours: 48 }, 0],
    ['count', { kind: 'count' }, 0],
    [
      'sum of values in EUR or USD',
      {
        kind: 'sum',
        property_filter: JSON.stringify({ property: 'currency', operator: 'in', value: ['EUR', 'USD'] }),
      },
      0,
    ],
    ['mean of values per event', { kind: 'mean' }, 0],
    [
      'ratio of purchases to visits within 36.5 hours',
      { kind: 'ratio', denominator_event_name: 'visit', conversion_window_hours: 36.5 },
      0,
    ],
    ['sum with a 14-day CUPED covariate', { kind: 'sum' }, 14],
    ['conversion with a 7-day CUPED covariate', { kind: 'conversion' }, 7],
  ];
  it.each(cases)('sums %s per variant exactly as the events say', async (_title, fields, preDays) => {
    const definition = metric(fields);
    const actual = (
      await repository.metricSums(window, { metrics: [definition], preWindowDays: preDays })
    ).final.get(definition.key) as Map<string, VariantSums>;
    for (const [variant, { x, d, pre }] of expected(units, definition, preDays)) {
      const want = sums(x, d, pre);
      const got = actual.get(variant) as VariantSums;
      for (const key of Object.keys(want) as (keyof VariantSums)[]) {
        expect(got[key], `${variant}.${key}`).toBeCloseTo(want[key], 6);
      }
    }
  });

  it("counts every assigned unit once, with zeros, when none of them sent the metric's events", async () => {
    const definition = metric({ kind: 'ratio', event_name: 'refund', denominator_event_name: 'refund' });
    // Both joins: the merge join brings units without events back in a join of its own.
    const { db, dialect } = getDatabase();
    for (const join of ['seek', 'merge'] as const) {
      const { assignment, final } = await new ResultsRepository(db, dialect, join).metricSums(window, {
        metrics: [definition],
        preWindowDays: 0,
      });
      expect(Object.fromEntries(assignment.units)).toEqual({ a: 300, b: 300 });
      const zero = { ...sums([0], [0], [0]), n: 300 };
      expect(Object.fromEntries(final.get(definition.key) ?? []), join).toEqual({ a: zero, b: zero });
    }
  });

  it('caps per-unit values at the winsorization percentile, over both variants pooled', async () => {
    const definition = metric({ kind: 'sum', winsorize_percentile: 90 });
    const perVariant = expected(units, definition, 0);
    const limit = cap(
      [...perVariant.values()].flatMap((v) => v.x),
      90,
    );
    const actual = (
      await repository.metricSums(window, { metrics: [definition], preWindowDays: 0 })
    ).final.get(definition.key) as Map<string, VariantSums>;
    for (const [variant, { x, d, pre }] of perVariant) {
      const want = sums(
        x.map((v) => Math.min(v, limit)),
        d,
        pre,
      );
      expect(actual.get(variant)?.sum).toBeCloseTo(want.sum, 6);
      expect(actual.get(variant)?.sumSquares).toBeCloseTo(want.sumSquares, 6);
    }
  });

  it('sums several metrics in one pass exactly as one at a time, and each cutoff as a window ending there', async () => {
    const definitions = cases.map(([, fields], i) => metric({ ...fields, key: `metric-${i}` }));
    // Every kind in the series: two conversion metrics (the second grouped on its own), count
    // and sum with their covariate, mean and ratio with their denominators.
    const seriesKeys = ['metric-0', 'metric-1', 'metric-2', 'metric-3', 'metric-4', 'metric-6'];
    const together = await repository.metricSums(window, {
      metrics: definitions,
      preWindowDays: 14,
      cutoffs: [new Date(START + 2 * 24 * HOUR).toISOString(), new Date(START + 5 * 24 * HOUR).toISOString()],
      seriesMetrics: seriesKeys,
    });
    expect(Object.fromEntries(together.assignment.units)).toEqual({ a: 300, b: 300 });
    expect(together.assignment.excluded).toBe(10);
    for (const definition of definitions) {
      const alone = await repository.metricSums(window, { metrics: [definition], preWindowDays: 14 });
      expectSameSums(together.final.get(definition.key), alone.final.get(definition.key));
    }
    expect(together.series).toHaveLength(2);
    for (const [c, days] of [2, 5].entries()) {
      const cut = { ...window, end: new Date(START + days * 24 * HOUR).toISOString() };
      for (const key of seriesKeys) {
        const definition = definitions.find((d) => d.key === key) as MetricRow;
        const direct = await repository.metricSums(cut, { metrics: [definition], preWindowDays: 14 });
        expectSameSums(together.series[c]?.get(key), direct.final.get(key));
      }
      expect(together.series[c]?.has('metric-5')).toBe(false);
    }
  });

  it('sums the same, bit for bit, whether units meet their events by seeks or by a merge join', async () => {
    const { db, dialect } = getDatabase();
    const request = {
      metrics: [
        ...cases.map(([, fields], i) => metric({ ...fields, key: `metric-${i}` })),
        metric({ kind: 'sum', key: 'capped', winsorize_percentile: 90 }),
      ],
      preWindowDays: 14,
      cutoffs: [new Date(START + 2 * 24 * HOUR).toISOString(), new Date(START + 5 * 24 * HOUR).toISOString()],
      seriesMetrics: ['metric-0', 'metric-2', 'metric-4', 'metric-6'],
    };
    const bySeeks = await new ResultsRepository(db, dialect, 'seek').metricSums(window, request);
    const byMerge = await new ResultsRepository(db, dialect, 'merge').metricSums(window, request);
    expect(Object.fromEntries(byMerge.assignment.units)).toEqual({ a: 300, b: 300 });
    expect(byMerge).toEqual(bySeeks);
  });

  describe('a window cut short', () => {
    it('counts only exposures and events before its end', async () => {
      const cut = { ...window, end: new Date(START + 50 * 60 * 60 * 1000).toISOString() };
      const assignment = await repository.assignment(cut);
      const exposed = units.filter((u) => u.firstAt < START + 50 * HOUR);
      expect([...assignment.units.values()].reduce((a, b) => a + b, 0)).toBe(exposed.length);
    });
  });
});
