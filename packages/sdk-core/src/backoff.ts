/** Limits of an exponential backoff, in milliseconds. */
export interface BackoffOptions {
  /** The first delay. */
  initialMs: number;
  /** No delay grows past this. */
  maxMs: number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): doubling from `initialMs` up
 * to `maxMs`, with "full jitter" over the upper half so that many SDK instances that lost the
 * same server do not all come back at the same instant.
 * @example
 * backoffDelay(0, { initialMs: 500, maxMs: 30_000 }); // between 250 and 500
 * backoffDelay(10, { initialMs: 500, maxMs: 30_000 }); // between 15_000 and 30_000
 */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
