import type { ExperimentResults } from './results.schema.js';

/** What the results of a two-arm checkout experiment look like, for the API documentation. */
export const resultsExample: ExperimentResults = {
  experiment: {
    id: '019c9c2d3e400000b2c3d4e5f6a70819',
    key: 'one-page-checkout',
    status: 'running',
    method: 'frequentist',
    alpha: 0.05,
    correction: 'holm',
    control_variant: 'classic',
    feature_key: 'checkout-v2',
    cuped: false,
  },
  computed_at: '2026-03-16T10:00:00.000Z',
  window: { start: '2026-03-09T14:30:00.000Z', end: '2026-03-16T10:00:00.000Z' },
  assignment: { units: { classic: 10_012, 'one-page': 9_988 }, total_units: 20_000, excluded_units: 14 },
  srm: {
    p_value: 0.865,
    alert: false,
    expected_weights: { classic: 50, 'one-page': 50 },
    observed_units: { classic: 10_012, 'one-page': 9_988 },
  },
  metrics: [
    {
      metric_key: 'checkout-completed',
      name: 'Checkout completed',
      kind: 'conversion',
      direction: 'higher',
      role: 'primary',
      variants: [
        { variant: 'classic', units: 10_012, mean: 0.1012, variance: 0.0909 },
        { variant: 'one-page', units: 9_988, mean: 0.1121, variance: 0.0995 },
      ],
      comparisons: [
        {
          variant: 'one-page',
          expected: 0.1077,
          stddev: 0.0439,
          ci: [0.0216, 0.1938],
          p_value: 0.0142,
          adjusted_p_value: 0.0142,
          chance_to_win: null,
          risk: null,
          significant: true,
          verdict: 'better',
          error: null,
        },
      ],
    },
  ],
  series: [
    {
      metric_key: 'checkout-completed',
      role: 'primary',
      points: [
        {
          at: '2026-03-10T14:30:00.000Z',
          variants: { classic: { units: 1_420, mean: 0.098 }, 'one-page': { units: 1_397, mean: 0.109 } },
          comparisons: { 'one-page': { expected: 0.112, ci: [-0.115, 0.339] } },
        },
      ],
    },
  ],
};
