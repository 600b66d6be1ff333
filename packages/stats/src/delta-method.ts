/**
 * Variance of M / D by the delta method (first-order Taylor expansion), for random variables M and
 * D with means μM, μD, variances σM², σD² and covariance σMD:
 *
 *   Var(M / D) ≈ σM² / μD² + σD² μM² / μD⁴ − 2 σMD μM / μD³
 *
 * Reference: Deng, Knoblich & Lu (2018), "Applying the Delta Method in Metric Analytics: A Practical
 * Guide with Novel Ideas", KDD, eq. 3; gbstats `variance_of_ratios`. 0 when μD = 0.
 *
 * @example
 * varianceOfRatio(1, 1, 2, 1, 1); // 0.0625
 */
export function varianceOfRatio(
  meanM: number,
  varianceM: number,
  meanD: number,
  varianceD: number,
  covarianceMD: number,
): number {
  if (meanD === 0) return 0;
  return (
    varianceM / meanD ** 2 + (varianceD * meanM ** 2) / meanD ** 4 - (2 * covarianceMD * meanM) / meanD ** 3
  );
}

/**
 * What the lift's variance needs from one arm: its units, observed (unadjusted) mean, the per-unit
 * variance of the observed value and, with CUPED, of the covariate and their covariance.
 */
export interface ArmMoments {
  n: number;
  rawMean: number;
  rawVariance: number;
  preVariance: number;
  covariance: number;
}

/**
 * Variance of the relative lift (μt − θx̄t − μc + θx̄c) / |μc| by the delta method, where μ are the
 * observed means and x̄ the covariate means (θ = 0 without CUPED). Gradients are taken with
 * x̄t ≈ x̄c, as randomisation makes them, so the control's gradient is (−μt/μc², θ/μc):
 *
 *   Var = (σ²t,post + θ²σ²t,pre − 2θσt) / (nt μc²)
 *       + (σ²c,post μt²/μc² − 2θσc μt/μc + θ²σ²c,pre) / (nc μc²)
 *
 * Without CUPED this is Var(μt/μc) = σt²/(nt μc²) + σc² μt²/(nc μc⁴). References: Deng et al. (2013),
 * "Improving the Sensitivity of Online Controlled Experiments by Utilizing Pre-Experiment Data", WSDM
 * (CUPED); gbstats `frequentist_variance_relative_cuped` and `frequentist_variance`. 0 when μc = 0.
 *
 * @example
 * const arm = { n: 100, rawMean: 2, rawVariance: 1, preVariance: 0, covariance: 0 };
 * relativeLiftVariance(arm, arm, 0); // 0.005
 */
export function relativeLiftVariance(control: ArmMoments, treatment: ArmMoments, theta: number): number {
  const muC = control.rawMean;
  const muT = treatment.rawMean;
  if (muC === 0) return 0;
  const treatmentPart =
    (treatment.rawVariance + theta ** 2 * treatment.preVariance - 2 * theta * treatment.covariance) /
    (treatment.n * muC ** 2);
  const controlPart =
    ((control.rawVariance * muT ** 2) / muC ** 2 -
      (2 * theta * control.covariance * muT) / muC +
      theta ** 2 * control.preVariance) /
    (control.n * muC ** 2);
  return treatmentPart + controlPart;
}
