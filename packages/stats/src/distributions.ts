// The one place the package meets its numeric library: @stdlib's distribution functions, which
// are tested against reference implementations, rather than approximations of our own.
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalPdf from '@stdlib/stats-base-dists-normal-pdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/**
 * Student's t cumulative distribution function with ν degrees of freedom.
 *
 * @example
 * studentTCdf(0, 5); // 0.5
 */
export function studentTCdf(x: number, degreesOfFreedom: number): number {
  return tCdf(x, degreesOfFreedom);
}

/**
 * Student's t quantile (inverse CDF) with ν degrees of freedom.
 *
 * @example
 * studentTQuantile(0.975, 1e9); // 1.95996…
 */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  return tQuantile(p, degreesOfFreedom);
}

/**
 * Normal cumulative distribution function, standard unless a mean and standard deviation are given.
 *
 * @example
 * normalCdfAt(1.959964); // 0.975…
 */
export function normalCdfAt(x: number, mean = 0, stddev = 1): number {
  return normalCdf(x, mean, stddev);
}

/**
 * Normal probability density, standard unless a mean and standard deviation are given.
 *
 * @example
 * normalPdfAt(0); // 0.398942…
 */
export function normalPdfAt(x: number, mean = 0, stddev = 1): number {
  return normalPdf(x, mean, stddev);
}

/**
 * Normal quantile (inverse CDF), standard unless a mean and standard deviation are given.
 *
 * @example
 * normalQuantileAt(0.975); // 1.959964…
 */
export function normalQuantileAt(p: number, mean = 0, stddev = 1): number {
  return normalQuantile(p, mean, stddev);
}

/**
 * Upper tail P(X > x) of the χ² distribution with k degrees of freedom.
 *
 * @example
 * chiSquareSurvival(3.841459, 1); // 0.05…
 */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  return 1 - chisquareCdf(x, degreesOfFreedom);
}
