import { chiSquareSurvival } from './distributions.js';

/**
 * Sample-ratio mismatch: the p-value of Pearson's χ² goodness-of-fit test of the units observed in
 * each variation against the split their weights promise,
 *
 *   χ² = Σ (Oᵢ − Eᵢ)² / Eᵢ,  Eᵢ = wᵢ / Σw · ΣO,  k − 1 degrees of freedom,
 *
 * over the k variations of positive weight: a variation of weight 0 is left out entirely (its units,
 * its cell and its degree of freedom). A p-value below 0.001 is the usual alert.
 *
 * Input that allows no test (lengths that differ, fewer than two weighted variations, no units,
 * negative or non-finite numbers) gives 1, "no evidence of a mismatch", never NaN.
 *
 * Reference: Pearson (1900), Philosophical Magazine 50; Fabijan et al. (2019), "Diagnosing Sample
 * Ratio Mismatch in Online Controlled Experiments", KDD; gbstats `check_srm`.
 *
 * @example
 * srm([5000, 5000], [0.5, 0.5]); // 1
 * srm([5100, 4800, 37], [0.5, 0.5, 0]); // 0.00257…
 */
export function srm(observed: number[], weights: number[]): number {
  if (observed.length !== weights.length) return 1;
  const all = [...observed, ...weights];
  if (!all.every((x) => Number.isFinite(x) && x >= 0)) return 1;
  const kept = observed.map((o, i) => ({ o, w: weights[i] })).filter(({ w }) => w > 0);
  if (kept.length < 2) return 1;
  const totalObserved = kept.reduce((s, { o }) => s + o, 0);
  const totalWeight = kept.reduce((s, { w }) => s + w, 0);
  if (totalObserved === 0) return 1;
  let chiSquare = 0;
  for (const { o, w } of kept) {
    const expected = (w / totalWeight) * totalObserved;
    chiSquare += (o - expected) ** 2 / expected;
  }
  return chiSquareSurvival(chiSquare, kept.length - 1);
}
