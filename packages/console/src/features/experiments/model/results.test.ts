import { describe, expect, it } from 'vitest';
import { resultsExample } from '../../../../../server/src/experiments/results.example.js';
import type { ExperimentResults } from '../../../lib/api-types.js';
import { controlChoices, headline, liftBars, percent, pValue, seriesRows, srmWarning } from './results.js';

// The server's own example of a results answer, so these shapes are the API's.
const results = resultsExample as ExperimentResults;
const metric = results.metrics[0];
const comparison = metric.comparisons[0];

describe('experiment results for charts and words', () => {
  it('offers the variants as control, and the remainder when weights leave one', () => {
    const variants = [
      { key: 'a', value: 1, weight: 50 },
      { key: 'b', value: 2, weight: 50 },
    ];
    expect(controlChoices(variants)).toEqual(['a', 'b']);
    expect(controlChoices([{ key: 'a', value: 1, weight: 30 }])).toEqual(['a', 'control']);
  });

  it('draws each lift with its interval in percent, open ends to the edge', () => {
    expect(liftBars(metric)).toEqual([
      {
        variant: 'one-page',
        expected: 10.77,
        range: [2.16, 19.38],
        openLow: false,
        openHigh: false,
        verdict: 'better',
      },
    ]);
    const open = { ...metric, comparisons: [{ ...comparison, ci: [0.01, null] }] };
    expect(liftBars(open, 50)[0]).toMatchObject({ range: [1, 50], openHigh: true });
  });

  it('turns the daily cumulative series into rows per day', () => {
    expect(seriesRows(results.series[0], 'one-page')).toEqual([
      { day: '2026-03-10', expected: 11.2, band: [-11.5, 33.9] },
    ]);
    expect(seriesRows(results.series[0], 'missing')).toEqual([
      { day: '2026-03-10', expected: null, band: null },
    ]);
  });

  it('leads with the p-value or the chance to win, as the method speaks', () => {
    expect(headline('frequentist', comparison)).toEqual({ label: 'p-value', value: '0.014' });
    expect(headline('bayesian', { ...comparison, chance_to_win: 0.9731 })).toEqual({
      label: 'Chance to beat control',
      value: '97.3%',
    });
    expect(headline('sequential', { ...comparison, adjusted_p_value: 0.03 }).label).toBe(
      'p-value (adjusted)',
    );
    expect(pValue(0.0004)).toBe('< 0.001');
    expect(percent(-0.0234)).toBe('-2.3%');
    expect(percent(0.1)).toBe('+10.0%');
    expect(percent(null)).toBe('—');
  });

  it('warns of a sample ratio mismatch only when the server raises it', () => {
    expect(srmWarning(results)).toBeNull();
    const broken = { ...results, srm: { ...results.srm, alert: true, p_value: 0.00001 } };
    expect(srmWarning(broken)).toMatch(
      /^Sample ratio mismatch \(p = < 0.001\): units per variant \(classic 10012, one-page 9988\) do not fit the weights \(classic 50%, one-page 50%\)/,
    );
  });
});
