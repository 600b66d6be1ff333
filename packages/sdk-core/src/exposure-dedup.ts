/**
 * Remembers which (unit, flag, variant) exposures were logged recently, so a flag read in a hot
 * loop logs one exposure per window rather than one per read. Bounded: past `maxEntries` the
 * oldest entry is forgotten (its next read logs again), so memory stays flat however many
 * users pass through a long-running server.
 * @example
 * const dedup = new ExposureDedup({ windowMs: 60_000, maxEntries: 10_000 });
 * dedup.first('user-1', 'banner', 'b', Date.now()); // true: log it
 * dedup.first('user-1', 'banner', 'b', Date.now()); // false: seen within the window
 */
export class ExposureDedup {
  // Map keeps insertion order, and every hit is re-inserted, so the first key is the oldest.
  private readonly seen = new Map<string, number>();

  constructor(private readonly options: { windowMs: number; maxEntries: number }) {}

  /**
   * True when this exposure was not logged within the window (and records it now).
   * @example
   * if (dedup.first(unit, flag, variant, Date.now())) queue.exposure({ ... });
   */
  first(unit: string, flag: string, variant: string | null, now: number): boolean {
    const key = `${unit}\u0000${flag}\u0000${variant ?? ''}`;
    const at = this.seen.get(key);
    if (at !== undefined && now - at < this.options.windowMs) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    if (this.seen.size > this.options.maxEntries) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
    }
    return true;
  }

  /** How many exposures are remembered now. */
  get size(): number {
    return this.seen.size;
  }
}
