import type { FlagUsageRepository } from './flag-usage.repository.js';
import type { FeatureUsage, FlagUsage, FlagUsageQuery } from './flag-usage.schema.js';

const DAY_MS = 86_400_000;

/**
 * How often SDKs evaluated each flag of an environment, by day: the flag page's usage chart
 * and the list's "not evaluated for N days" staleness both read it. Every feature of the
 * project is listed, unused ones with zero, so a flag nobody reads shows up as such.
 */
export class FlagUsageService {
  constructor(private readonly usage: FlagUsageRepository) {}

  /** Throws `environment_not_found`, or `feature_not_found` for a `feature_id` outside the project. */
  async read(
    organisationId: string,
    environmentRef: string,
    query: FlagUsageQuery,
    now: Date = new Date(),
  ): Promise<FlagUsage> {
    const environment = await this.usage.findEnvironment(organisationId, environmentRef);
    const days = query.days ?? 30;
    const to = now.toISOString().slice(0, 10);
    const from = new Date(Date.parse(to) - (days - 1) * DAY_MS).toISOString().slice(0, 10);
    const features =
      query.feature_id === undefined
        ? await this.usage.features(environment.project_id)
        : [await this.usage.findFeature(environment.project_id, query.feature_id)];
    const rows = await this.usage.daily(
      environment.id,
      from,
      query.feature_id === undefined ? undefined : features[0]?.key,
    );
    const byKey = new Map<string, { day: string; count: number }[]>();
    for (const row of rows) {
      const list = byKey.get(row.feature_key) ?? [];
      list.push({ day: row.day, count: row.count });
      byKey.set(row.feature_key, list);
    }
    const items: FeatureUsage[] = features.map((feature) => {
      const daily = byKey.get(feature.key) ?? [];
      return {
        feature_id: feature.id,
        feature_key: feature.key,
        total: daily.reduce((sum, d) => sum + d.count, 0),
        last_evaluated: daily.at(-1)?.day ?? null,
        daily,
      };
    });
    return { from, to, items };
  }
}
