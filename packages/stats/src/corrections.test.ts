import { describe, expect, it } from 'vitest';
import { adjustPValues } from './corrections.js';

const pValues = [0.001, 0.2, 0.013, 0.04, 0.012, 0.6];

describe('adjustPValues', () => {
  it.each(['holm', 'benjamini-hochberg'] as const)(
    '%s never lowers a p-value and keeps their order',
    (method) => {
      const adjusted = adjustPValues(pValues, method);
      adjusted.forEach((p, i) => {
        expect(p).toBeGreaterThanOrEqual(pValues[i]);
        expect(p).toBeLessThanOrEqual(1);
        pValues.forEach((q, j) => {
          if (pValues[i] < q) expect(p).toBeLessThanOrEqual(adjusted[j]);
        });
      });
    },
  );

  it('Benjamini–Hochberg is never stricter than Holm', () => {
    const holm = adjustPValues(pValues, 'holm');
    adjustPValues(pValues, 'benjamini-hochberg').forEach((p, i) => {
      expect(p).toBeLessThanOrEqual(holm[i]);
    });
  });

  it('one test needs no correction; NaN counts as 1', () => {
    expect(adjustPValues([0.03], 'holm')).toEqual([0.03]);
    expect(adjustPValues([Number.NaN, 0.01], 'holm')).toEqual([1, 0.02]);
  });
});
