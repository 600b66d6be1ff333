/**
 * A multiple-comparison correction, chosen per experiment:
 * `'holm'` controls the family-wise error rate (Holm 1979), `'benjamini-hochberg'` the false
 * discovery rate (Benjamini & Hochberg 1995).
 *
 * @example
 * const correction: Correction = 'holm';
 */
export type Correction = 'holm' | 'benjamini-hochberg';

/**
 * Adjusted p-values for a family of m tests, in the order given; compare each with α as it is.
 *
 * - Holm's step-down: sort ascending p₍₁₎ ≤ … ≤ p₍ₘ₎, p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1) p₍ⱼ₎).
 * - Benjamini–Hochberg's step-up: p̃₍ᵢ₎ = min over j ≥ i of min(1, m p₍ⱼ₎ / j).
 *
 * References: Holm (1979), "A simple sequentially rejective multiple test procedure", Scandinavian
 * Journal of Statistics 6; Benjamini & Hochberg (1995), "Controlling the false discovery rate",
 * JRSS B 57; as R's `p.adjust` and GrowthBook's `adjustPValuesHolmBonferroni` /
 * `adjustPValuesBenjaminiHochberg`. A p-value that is not a number in [0, 1] counts as 1 (or is
 * clamped), so the result never holds NaN.
 *
 * @example
 * adjustPValues([0.01, 0.04, 0.03], 'holm'); // [0.03, 0.06, 0.06]
 * adjustPValues([0.01, 0.04, 0.03], 'benjamini-hochberg'); // [0.03, 0.04, 0.04]
 */
export function adjustPValues(pValues: number[], correction: Correction): number[] {
  const m = pValues.length;
  const clean = pValues.map((p) => (Number.isNaN(p) ? 1 : Math.min(1, Math.max(0, p))));
  const order = clean.map((_, i) => i).sort((a, b) => clean[a] - clean[b]);
  const adjusted = new Array<number>(m);
  if (correction === 'holm') {
    let running = 0;
    order.forEach((index, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * clean[index]));
      adjusted[index] = running;
    });
  } else {
    let running = 1;
    for (let rank = m - 1; rank >= 0; rank--) {
      const index = order[rank];
      running = Math.min(running, (m * clean[index]) / (rank + 1));
      adjusted[index] = running;
    }
  }
  return adjusted;
}
