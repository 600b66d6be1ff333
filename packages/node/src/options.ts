import type { EnvironmentDocument } from './document.js';

/** How `Pennon.start` connects, starts and logs. Only `serverKey` and `url` are required. */
export interface PennonOptions {
  /** A server key (`ser.…`) of the environment. */
  serverKey: string;
  /** The Pennon server, e.g. `https://flags.example.com`. */
  url: string;
  /** `start` gives up on the server after this long (default 5000 ms). */
  startTimeoutMs?: number;
  /**
   * A document to start from when the server cannot be reached (an object or a JSON file saved
   * from the environment-document route). With it, `start` never fails for the network.
   */
  bootstrap?: EnvironmentDocument | { file: string };
  /** Listen to the change stream (default true); without it, or while it is down, poll. */
  stream?: boolean;
  /** Polling interval while there is no stream (default 30 000 ms). */
  pollIntervalMs?: number;
  /** Deadline of each request (default 10 000 ms). */
  requestTimeoutMs?: number;
  events?: {
    /** Log an exposure when a flag is read for a user (default true). */
    exposures?: boolean;
    /** The same user, flag and variant logs one exposure per window (default 10 minutes). */
    exposureWindowMs?: number;
    /** Most exposures remembered for deduplication (default 50 000). */
    exposureMemory?: number;
    /** Most events held while the server is unreachable (default 50 000). */
    maxBuffer?: number;
    /** Items per request (default 500; the server takes up to 1000). */
    batchSize?: number;
    /** How often queued events are sent (default 2000 ms). */
    flushIntervalMs?: number;
  };
  /** Told about every failure the SDK recovers from (default: nothing; see also `on('error')`). */
  onError?: (error: unknown) => void;
}

/** The options with every default filled in. */
export type ResolvedOptions = Required<Omit<PennonOptions, 'bootstrap' | 'onError' | 'events'>> &
  Pick<PennonOptions, 'bootstrap' | 'onError'> & { events: Required<NonNullable<PennonOptions['events']>> };

/**
 * Fills in defaults and checks what would otherwise fail later and less clearly.
 * @example
 * resolveOptions({ serverKey: 'ser.abc', url: 'http://localhost:8420' }).startTimeoutMs; // 5000
 */
export function resolveOptions(options: PennonOptions): ResolvedOptions {
  if (!options || typeof options.serverKey !== 'string' || options.serverKey === '') {
    throw new TypeError('Pennon.start needs a serverKey (a "ser.…" key of the environment).');
  }
  if (typeof options.url !== 'string' || !/^https?:\/\//.test(options.url)) {
    throw new TypeError('Pennon.start needs the server url, e.g. "http://localhost:8420".');
  }
  return {
    serverKey: options.serverKey,
    url: options.url,
    startTimeoutMs: options.startTimeoutMs ?? 5000,
    bootstrap: options.bootstrap,
    stream: options.stream ?? true,
    pollIntervalMs: options.pollIntervalMs ?? 30_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    onError: options.onError,
    events: {
      exposures: options.events?.exposures ?? true,
      exposureWindowMs: options.events?.exposureWindowMs ?? 10 * 60_000,
      exposureMemory: options.events?.exposureMemory ?? 50_000,
      maxBuffer: options.events?.maxBuffer ?? 50_000,
      batchSize: options.events?.batchSize ?? 500,
      flushIntervalMs: options.events?.flushIntervalMs ?? 2000,
    },
  };
}
