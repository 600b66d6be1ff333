import type { ExperimentResults } from './results.schema.js';

interface Entry {
  version: string;
  computedAt: number;
  results?: ExperimentResults;
  pending?: Promise<ExperimentResults>;
  refresh: () => Promise<ExperimentResults>;
}

/**
 * Results are aggregates over every exposure and event of an experiment: computed once and
 * served from here until they are older than `maxAgeMs`, the experiment or its metrics change
 * (the version), or someone asks for a refresh. A schedule recomputes what was asked for
 * recently, so the next reader finds fresh figures without waiting. One computation per
 * experiment at a time: concurrent readers share it.
 */
export class ResultsCache {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxAgeMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(
    experimentId: string,
    version: string,
    compute: () => Promise<ExperimentResults>,
    refresh = false,
  ): Promise<ExperimentResults> {
    const entry = this.entries.get(experimentId);
    if (entry && entry.version === version) {
      if (entry.pending) return entry.pending;
      if (!refresh && entry.results && this.clock() - entry.computedAt < this.maxAgeMs) return entry.results;
    }
    return this.run(experimentId, { version, computedAt: 0, refresh: compute });
  }

  /** Recomputes every cached experiment older than `maxAgeMs` every `intervalMs`. */
  schedule(intervalMs: number): void {
    this.timer = setInterval(() => {
      for (const [id, entry] of this.entries) {
        if (!entry.pending && this.clock() - entry.computedAt >= this.maxAgeMs) {
          this.run(id, entry).catch(() => this.entries.delete(id));
        }
      }
    }, intervalMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.entries.clear();
  }

  private run(experimentId: string, entry: Entry): Promise<ExperimentResults> {
    const pending = entry.refresh().then(
      (results) => {
        this.entries.set(experimentId, { ...entry, computedAt: this.clock(), results, pending: undefined });
        return results;
      },
      (error: unknown) => {
        this.entries.delete(experimentId);
        throw error;
      },
    );
    this.entries.set(experimentId, { ...entry, pending });
    return pending;
  }
}
