/**
 * The start of a flag's `reason` when a segment override decided it; the segment's name
 * follows, as Flagsmith's engine writes it.
 *
 * @example
 * if (flag.reason.startsWith(SEGMENT_REASON_PREFIX)) {
 *   const segment = flag.reason.slice(SEGMENT_REASON_PREFIX.length);
 * }
 */
export const SEGMENT_REASON_PREFIX = 'TARGETING_MATCH; segment=';
