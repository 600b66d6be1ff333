import { describe, expect, it } from 'vitest';
import { compare } from './compare.js';
import { pooledTheta } from './cuped.js';
import type { MeanArm } from './types.js';

// A small deterministic generator, so the data are the same on every run.
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
}

function arm(values: [number, number][]): MeanArm {
  let sum = 0;
  let sumSquares = 0;
  let preSum = 0;
  let preSquares = 0;
  let crossSum = 0;
  for (const [post, pre] of values) {
    sum += post;
    sumSquares += post * post;
    preSum += pre;
    preSquares += pre * pre;
    crossSum += post * pre;
  }
  return { n: values.length, sum, sumSquares, pre: { sum: preSum, sumSquares: preSquares, crossSum } };
}

const random = lcg(7);
const unit = (shift: number): [number, number] => {
  const pre = 10 + 6 * (random() - 0.5);
  return [1 + 0.9 * pre + shift + (random() - 0.5), pre];
};
const controlUnits = Array.from({ length: 400 }, () => unit(0));
const treatmentUnits = Array.from({ length: 400 }, () => unit(0.2));

describe('CUPED', () => {
  it('θ pooled over both arms is the least-squares slope of the metric on its pre-exposure value', () => {
    const all = [...controlUnits, ...treatmentUnits];
    const mx = all.reduce((s, [, x]) => s + x, 0) / all.length;
    const my = all.reduce((s, [y]) => s + y, 0) / all.length;
    const sxy = all.reduce((s, [y, x]) => s + (x - mx) * (y - my), 0);
    const sxx = all.reduce((s, [, x]) => s + (x - mx) ** 2, 0);
    const quantities = (units: [number, number][]) => {
      const a = arm(units);
      return {
        post: { n: a.n, sum: a.sum, sumSquares: a.sumSquares },
        pre: { n: a.n, sum: a.pre?.sum ?? 0, sumSquares: a.pre?.sumSquares },
        crossSum: a.pre?.crossSum ?? 0,
      };
    };
    expect(pooledTheta(quantities(controlUnits), quantities(treatmentUnits))).toBeCloseTo(sxy / sxx, 10);
  });

  it('narrows the interval when the covariate predicts the metric', () => {
    const adjusted = compare(arm(controlUnits), arm(treatmentUnits), { difference: 'absolute' });
    const { pre: _c, ...plainControl } = arm(controlUnits);
    const { pre: _t, ...plainTreatment } = arm(treatmentUnits);
    const plain = compare(plainControl, plainTreatment, { difference: 'absolute' });
    expect(adjusted.error).toBeUndefined();
    expect(adjusted.stddev).toBeLessThan(plain.stddev / 3);
    expect(adjusted.pValue).toBeLessThan(plain.pValue as number);
  });

  it('a covariate that never varies changes nothing', () => {
    const constantPre = (units: [number, number][]) => arm(units.map(([y]) => [y, 5]));
    const { pre: _c, ...plainControl } = arm(controlUnits);
    const { pre: _t, ...plainTreatment } = arm(treatmentUnits);
    expect(compare(constantPre(controlUnits), constantPre(treatmentUnits))).toEqual(
      compare(plainControl, plainTreatment),
    );
  });
});
