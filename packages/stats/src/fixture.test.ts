import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type Arm,
  adjustPValues,
  type CompareAllOptions,
  type Correction,
  compare,
  compareAll,
  srm,
} from './index.js';

// Expected figures computed by scipy from seeded data (scripts/make-fixture.py, `npm run fixture`).
// JSON has no NaN or Infinity, so the script writes them as strings; they are read back as numbers.
const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};
const fixture = JSON.parse(readFileSync(new URL('./fixture.json', import.meta.url), 'utf8'), (_key, value) =>
  typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value,
) as Fixture;

interface Fixture {
  figures: number;
  compare: { name: string; control: Arm; treatment: Arm; options: CompareAllOptions; expected: unknown }[];
  compareAll: {
    name: string;
    control: Arm;
    treatments: Arm[];
    options: CompareAllOptions;
    expected: unknown;
  }[];
  adjustPValues: { name: string; pValues: number[]; correction: Correction; expected: number[] }[];
  srm: { name: string; observed: number[]; weights: number[]; expected: number }[];
}

const TOLERANCE = 1e-6;
let compared = 0;

/** Deep comparison: same keys, same strings, numbers within 1e-6 (relative beyond 1), never NaN. */
function expectClose(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    const value = actual as number;
    expect(Number.isNaN(value), `${path} is NaN`).toBe(false);
    if (Number.isFinite(expected)) {
      const error = Math.abs(value - expected) / Math.max(1, Math.abs(expected));
      expect(error, `${path}: ${value} vs scipy ${expected}`).toBeLessThanOrEqual(TOLERANCE);
      compared++;
    } else {
      expect(value, path).toBe(expected);
    }
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((item, i) => {
      expectClose((actual as unknown[])[i], item, `${path}[${i}]`);
    });
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), `${path} keys`).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
  } else {
    expect(actual, path).toBe(expected);
  }
}

describe('figures agree with scipy to 1e-6', () => {
  it.each(fixture.compare)('compare: $name', ({ control, treatment, options, expected }) => {
    expectClose(compare(control, treatment, options), expected, 'result');
  });

  it.each(fixture.compareAll)('compareAll: $name', ({ control, treatments, options, expected }) => {
    expectClose(compareAll(control, treatments, options), expected, 'results');
  });

  it.each(fixture.adjustPValues)('adjustPValues: $name', ({ pValues, correction, expected }) => {
    expectClose(adjustPValues(pValues, correction), expected, 'adjusted');
  });

  it.each(fixture.srm)('srm: $name', ({ observed, weights, expected }) => {
    expectClose(srm(observed, weights), expected, 'p');
  });

  it('compared every finite figure of the fixture', () => {
    // Runs after the cases above (vitest runs a file's tests in order).
    expect(fixture.figures).toBeGreaterThan(1500);
    expect(compared).toBe(fixture.figures);
  });
});
