import type { FeatureUsage } from '../../../lib/api-types.js';

const DAY_MS = 86_400_000;

/**
 * Every day from `from` to `to` (UTC, YYYY-MM-DD) with its count, zero where the server listed
 * none: the API sends only days with evaluations, a chart needs the gaps too.
 * @example
 * fillDays('2026-03-01', '2026-03-03', [{ day: '2026-03-02', count: 4 }]);
 * // [{ day: '2026-03-01', count: 0 }, { day: '2026-03-02', count: 4 }, { day: '2026-03-03', count: 0 }]
 */
export function fillDays(
  from: string,
  to: string,
  daily: readonly { day: string; count: number }[],
): { day: string; count: number }[] {
  const counts = new Map(daily.map((d) => [d.day, d.count]));
  const days: { day: string; count: number }[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.push({ day, count: counts.get(day) ?? 0 });
  }
  return days;
}

/** Why a flag counts as stale, or null when it does not. */
export type Staleness = { stale: false } | { stale: true; reasons: string[] };

/**
 * A flag is stale when, over the last `days` days, SDKs reported no evaluation of it in this
 * environment, or nobody changed it (neither the flag nor its state here). Flags created
 * within the window are never stale: they had no time to be used.
 */
export function staleness(
  input: { createdAt: string; lastChange: string; usage: FeatureUsage | undefined },
  days: number,
  now: Date,
): Staleness {
  const since = now.getTime() - days * DAY_MS;
  if (Date.parse(input.createdAt) > since) return { stale: false };
  const reasons: string[] = [];
  if (input.usage && input.usage.total === 0) reasons.push(`not evaluated in ${days} days`);
  if (Date.parse(input.lastChange) <= since) reasons.push(`not changed in ${days} days`);
  return reasons.length > 0 ? { stale: true, reasons } : { stale: false };
}
