import type { FastifyReply } from 'fastify';
import { PennonError } from '../errors.js';

export interface RateLimitOptions {
  /** Tokens added per second: the sustained request rate one key may keep up. */
  perSecond: number;
  /** Bucket size: how many requests one key may send at once after being idle. */
  burst: number;
  /** Buckets kept in memory; the least recently used key is forgotten beyond this. */
  maxKeys?: number;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const DEFAULT_MAX_KEYS = 100_000;

/**
 * A per-key token bucket kept in memory. Protects one process from one noisy key; it is not a
 * cluster-wide quota (each replica counts on its own), which is enough to keep a runaway
 * client from starving the others. Forgetting a key only refills its bucket, so the LRU bound
 * can never lock anyone out.
 *
 * @example
 * const limiter = new RateLimiter({ perSecond: 1000, burst: 2000 });
 * const wait = limiter.take(clientKey); // 0: go ahead; otherwise seconds to wait
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** The key of the last `take`, which is the last entry of `buckets`. */
  private lastKey: string | undefined;

  constructor(options: RateLimitOptions) {
    if (!(options.perSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError('A rate limit needs perSecond > 0 and burst >= 1.');
    }
    this.perMs = options.perSecond / 1000;
    this.burst = options.burst;
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.now = options.now ?? Date.now;
  }

  /** Seconds until `key` has one token, without taking it: 0 when it has one now. */
  wait(key: string): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const tokens = Math.min(this.burst, bucket.tokens + (this.now() - bucket.at) * this.perMs);
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
  }

  /**
   * Takes `cost` tokens for `key` (one request, or a number of bytes): 0 when allowed, else the
   * whole seconds (at least 1) until that many are free.
   */
  take(key: string, cost = 1): number {
    const now = this.now();
    let bucket = this.buckets.get(key);
    let tokens = this.burst;
    if (bucket) {
      tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
      // Re-inserting keeps Map order = recency, so the first entry is the one to forget. The
      // key taken last is already the last entry: a busy key's requests skip the move.
      if (key !== this.lastKey) {
        this.buckets.delete(key);
        this.buckets.set(key, bucket);
      }
    } else {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = { tokens, at: now };
      this.buckets.set(key, bucket);
    }
    this.lastKey = key;
    // Updated in place: a key's every request reuses its bucket, allocating nothing.
    bucket.at = now;
    if (tokens >= cost) {
      bucket.tokens = tokens - cost;
      return 0;
    }
    bucket.tokens = tokens;
    return Math.max(1, Math.ceil((cost - tokens) / this.perMs / 1000));
  }
}

/** What ran out: requests of a key or of a peer address, or the bytes of events a key may store. */
export type RateLimited = 'key' | 'address' | 'event-bytes';

/** The error a limited request gets; `details.retry_after_seconds` repeats the header. */
export function rateLimited(retryAfterSeconds: number, per: RateLimited = 'key'): PennonError {
  const what =
    per === 'event-bytes' ? 'Too many bytes of events for this key' : `Too many requests for this ${per}`;
  return new PennonError('rate_limited', 'rate_limited', `${what}; retry in ${retryAfterSeconds} s.`, {
    details: { retry_after_seconds: retryAfterSeconds },
  });
}

/**
 * Takes a token for `key` or sets `Retry-After` and throws the 429 error. Call it from a hook
 * or handler; the protocol's error handler shapes the body, the header is already set.
 */
export function enforceRateLimit(
  limiter: RateLimiter | undefined,
  key: string,
  reply: FastifyReply,
  per: RateLimited = 'key',
  cost = 1,
): void {
  const wait = limiter?.take(key, cost) ?? 0;
  if (wait === 0) return;
  reply.header('Retry-After', String(wait));
  throw rateLimited(wait, per);
}
