import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of every delivery. */
export const SIGNATURE_HEADER = 'x-pennon-signature';
export const TIMESTAMP_HEADER = 'x-pennon-timestamp';
export const DELIVERY_HEADER = 'x-pennon-delivery';
export const EVENT_HEADER = 'x-pennon-event';

/**
 * `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<raw body>`. The timestamp (epoch seconds,
 * also sent in its own header) is signed so a captured delivery cannot be replayed later:
 * receivers reject timestamps too far from their clock.
 *
 * @example
 * sign('whsec_…', 1767225600, '{"event":"ping"}'); // → 'sha256=3f1c…'
 */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: recompute and compare in constant time, and refuse a timestamp more
 * than `toleranceSeconds` away from `now` (epoch seconds).
 */
export function verify(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  now: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  if (Math.abs(now - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
