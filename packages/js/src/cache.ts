import type { Flag } from '@pennon/sdk-core';

/** What is kept per environment and user between visits. */
export interface CachedFlags {
  flags: Record<string, Flag>;
  updatedAt: string;
}

/**
 * The last flags of each user in `localStorage`, so a returning visitor starts at once with
 * the last values, online or not. Storage may be missing, full or forbidden (private modes,
 * sandboxed frames): every failure just means no cache.
 * @example
 * const cache = new FlagCache(window.localStorage, clientKey);
 * cache.write('user-1', { flags, updatedAt });
 * cache.read('user-1')?.flags.banner;
 */
export class FlagCache {
  constructor(
    private readonly storage: Storage | undefined,
    private readonly clientKey: string,
  ) {}

  /**
   * The cached flags of a user (undefined identifier: the anonymous visitor), if any.
   * @example
   * cache.read(undefined);
   */
  read(identifier: string | undefined): CachedFlags | undefined {
    try {
      const text = this.storage?.getItem(this.key(identifier));
      if (!text) return undefined;
      const parsed = JSON.parse(text) as CachedFlags;
      return typeof parsed.flags === 'object' && parsed.flags !== null ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Saves a user's flags.
   * @example
   * cache.write('user-1', { flags, updatedAt: '2026-03-09T14:31:07.000Z' });
   */
  write(identifier: string | undefined, value: CachedFlags): void {
    try {
      this.storage?.setItem(this.key(identifier), JSON.stringify(value));
    } catch {
      // Quota exceeded or storage disabled: the next visit fetches instead.
    }
  }

  private key(identifier: string | undefined): string {
    return `pennon:${this.clientKey}:${identifier ?? ''}`;
  }
}

/** `window.localStorage` when there is one and it may be used. */
export function defaultStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
