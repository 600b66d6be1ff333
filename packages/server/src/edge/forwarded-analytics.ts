import type { FlagAnalytics } from '../analytics/flag-analytics.service.js';
import type { EdgeEnvironments } from './edge-environments.js';

/**
 * Flagsmith's flag analytics (`{feature_name: count}`) received by the edge, summed per
 * environment and sent upstream every `intervalMs`. Counts that could not be sent stay and are
 * added to the next report, so an outage delays them without losing them; memory stays bounded
 * because only the environment's own features are counted, as the server counts them.
 */
export class ForwardedAnalytics implements Pick<FlagAnalytics, 'record'> {
  private readonly pending = new Map<string, Map<string, number>>();
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> | undefined;

  constructor(
    private readonly environments: EdgeEnvironments,
    private readonly options: { intervalMs: number; timeoutMs: number; onError(error: unknown): void },
  ) {
    this.timer = setInterval(() => void this.flush(), options.intervalMs);
    this.timer.unref();
  }

  async record(
    environmentId: string,
    counts: Record<string, number>,
    known: { has(key: string): boolean },
  ): Promise<void> {
    let sums = this.pending.get(environmentId);
    for (const [key, count] of Object.entries(counts)) {
      if (!(count > 0) || !known.has(key)) continue;
      if (!sums) {
        sums = new Map();
        this.pending.set(environmentId, sums);
      }
      sums.set(key, (sums.get(key) ?? 0) + count);
    }
  }

  /** Sends every environment's sums; what fails stays for the next time. Never rejects. */
  flush(): Promise<void> {
    this.sending ??= this.sendAll().finally(() => {
      this.sending = undefined;
    });
    return this.sending;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async sendAll(): Promise<void> {
    for (const [environmentId, sums] of [...this.pending]) {
      const follower = this.environments.follower(environmentId);
      if (!follower) continue;
      this.pending.delete(environmentId);
      const { url, key } = follower.endpoint;
      try {
        const response = await fetch(`${url.replace(/\/+$/, '')}/api/v1/analytics/flags/`, {
          method: 'POST',
          headers: { 'x-environment-key': key, 'content-type': 'application/json' },
          body: JSON.stringify(Object.fromEntries(sums)),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        if (!response.ok) throw new Error(`the upstream answered ${response.status}`);
      } catch (error) {
        // Put back, adding whatever arrived meanwhile.
        const now = this.pending.get(environmentId) ?? new Map<string, number>();
        for (const [feature, count] of sums) now.set(feature, (now.get(feature) ?? 0) + count);
        this.pending.set(environmentId, now);
        this.options.onError(error);
      }
    }
  }
}
