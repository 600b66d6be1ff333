import type { Flag, User } from '@pennon/sdk-core';

/** Values rendered on the server (e.g. `pennon.getAllFlags(user)` of `@pennon/node`). */
export interface Bootstrap {
  flags: Record<string, Flag>;
  /** The user they were computed for. */
  user?: User;
}

/** How a browser client connects. Only `clientKey` and `url` are required. */
export interface PennonClientOptions {
  /** The environment's public client key. */
  clientKey: string;
  /** The Pennon server, e.g. `https://flags.example.com`. */
  url: string;
  /** The user to fetch flags for; omitted: an anonymous visitor until `identify`. */
  user?: User;
  /** Values from server rendering: used at once, so the first paint matches the server's. */
  bootstrap?: Bootstrap;
  /** `ready` resolves after at most this long, with cached or default values (default 3000 ms). */
  readyTimeoutMs?: number;
  /** Live updates through the change stream (default true). */
  stream?: boolean;
  /** Polling interval while the stream is down (default 60 000 ms). */
  pollIntervalMs?: number;
  /** Where to cache flags between visits (default `localStorage`; `null`: no cache). */
  storage?: Storage | null;
  events?: {
    /** Log an exposure when a flag is read (default true). */
    exposures?: boolean;
    exposureWindowMs?: number;
    maxBuffer?: number;
    flushIntervalMs?: number;
  };
  /** Told about every failure the client recovered from. */
  onError?: (error: unknown) => void;
}
