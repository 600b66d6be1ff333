import { type Endpoint, EventQueue, type EventQueueStats, Synchronizer, sdkFetch } from '@pennon/sdk-core';
import type { EnvironmentSnapshot } from '../evaluation/snapshot.js';
import { snapshotFromDocument } from './document-snapshot.js';
import type { DocumentStore } from './document-store.js';

export interface UpstreamEnvironmentOptions {
  /** The upstream server's address, e.g. `http://pennon:8420`. */
  upstream: string;
  serverKey: string;
  store: DocumentStore;
  pollIntervalMs: number;
  requestTimeoutMs: number;
  /** Events and exposures held for the upstream at most; beyond it batches are refused (503). */
  maxBufferedEvents: number;
  /** Called with every new snapshot, from the disk or the upstream. */
  onSnapshot(snapshot: EnvironmentSnapshot): void;
  log: { info(message: string): void; warn(message: string): void };
}

/** Where one followed environment stands, for `/ready` and operators. */
export interface UpstreamStatus {
  environment: string;
  updatedAt: string;
  /** `upstream` once a document came from the upstream; `disk` while serving the saved one. */
  source: 'upstream' | 'disk';
  /** True while the upstream cannot be reached or refuses: the last document is served. */
  stale: boolean;
  lastError: string | undefined;
  /** Epoch ms of the last answer from the upstream. */
  lastSyncAt: number | undefined;
  events: EventQueueStats;
}

/** Thrown by `start` when neither the upstream nor the disk had a document. */
export class EdgeStartError extends Error {
  readonly code = 'edge_start_failed';
}

/**
 * One environment followed from the upstream with one server key, as `@pennon/node` follows
 * it (the same `@pennon/sdk-core` parts): the document downloaded with ETag, kept current by
 * the upstream's change stream with polling while the stream is down, and saved to disk on
 * every change. Its events and exposures go up through a bounded, retried `EventQueue`.
 */
export class UpstreamEnvironment {
  readonly events: EventQueue;
  /** The upstream and the server key this environment is followed with. */
  readonly endpoint: Endpoint;
  private readonly sync: Synchronizer;
  private current: EnvironmentSnapshot | undefined;
  /** The ETag the upstream last sent (or the saved one), for If-None-Match. */
  private etag: string | undefined;
  private source: 'upstream' | 'disk' = 'disk';
  private stale = false;
  private lastError: string | undefined;
  private lastSyncAt: number | undefined;

  constructor(private readonly options: UpstreamEnvironmentOptions) {
    this.endpoint = { url: options.upstream, key: options.serverKey };
    this.sync = new Synchronizer({
      endpoint: this.endpoint,
      stream: true,
      pollIntervalMs: options.pollIntervalMs,
      streamBackoff: { initialMs: 500, maxMs: 30_000 },
      refresh: () => this.download(options.requestTimeoutMs),
      isCurrent: (change) => change.etag === this.current?.etag,
      onFreshness: (stale, error) => this.setFreshness(stale, error),
    });
    this.events = new EventQueue({
      endpoint: this.endpoint,
      maxBuffer: options.maxBufferedEvents,
      batchSize: 500,
      flushIntervalMs: 1000,
      retry: { initialMs: 1000, maxMs: 60_000 },
      requestTimeoutMs: options.requestTimeoutMs,
      onError: (error) => options.log.warn(`events for ${this.describe()}: ${describe(error)}`),
    });
  }

  get snapshot(): EnvironmentSnapshot | undefined {
    return this.current;
  }

  /**
   * Takes the saved document, then the upstream's within `startTimeoutMs`; starts following.
   * Rejects with `EdgeStartError` only when there is neither.
   */
  async start(startTimeoutMs: number): Promise<void> {
    const saved = await this.options.store.load(this.options.serverKey).catch((error: unknown) => {
      this.options.log.warn(
        `ignoring the saved document ${this.options.store.file(this.options.serverKey)}: ${describe(error)}`,
      );
      return undefined;
    });
    if (saved) {
      try {
        this.adopt(snapshotFromDocument(saved.text));
        this.etag = saved.etag;
      } catch (error) {
        this.options.log.warn(
          `ignoring the saved document ${this.options.store.file(this.options.serverKey)}: ${describe(error)}`,
        );
      }
    }
    try {
      await this.download(startTimeoutMs);
    } catch (error) {
      if (!this.current) {
        throw new EdgeStartError(
          `No environment document for server key ${masked(this.options.serverKey)}: the upstream ` +
            `${this.options.upstream} did not give one within ${startTimeoutMs} ms (${describe(error)}) and none ` +
            'was saved in the data directory. Check --upstream and the key, or start once while the upstream is up.',
          { cause: error },
        );
      }
      this.setFreshness(true, error);
    }
    this.sync.start();
  }

  /** How many more events and exposures the queue takes before it is full. */
  eventRoom(): number {
    return Math.max(0, this.options.maxBufferedEvents - this.events.stats().pending);
  }

  status(): UpstreamStatus {
    return {
      environment: this.describe(),
      updatedAt: this.current?.updatedAt ?? '',
      source: this.source,
      stale: this.stale,
      lastError: this.lastError,
      lastSyncAt: this.lastSyncAt,
      events: this.events.stats(),
    };
  }

  /** Stops following and sends what is queued, trying for up to `timeoutMs`. */
  async close(timeoutMs: number): Promise<void> {
    this.sync.stop();
    await this.events.close(timeoutMs);
  }

  private async download(timeoutMs: number): Promise<void> {
    const response = await sdkFetch(this.endpoint, 'environment-document', {
      headers: this.etag && this.current ? { 'if-none-match': this.etag } : {},
      timeoutMs,
    });
    this.lastSyncAt = Date.now();
    this.source = 'upstream';
    if (response.status === 304) return;
    const text = await response.text();
    const snapshot = snapshotFromDocument(text);
    const etag = response.headers.get('etag') ?? undefined;
    this.etag = etag;
    this.adopt(snapshot);
    // A full or read-only disk must not stop the edge serving what it just received.
    await this.options.store.save(this.options.serverKey, { etag, text }).catch((error: unknown) => {
      this.options.log.warn(`could not save the document of ${this.describe()}: ${describe(error)}`);
    });
  }

  private adopt(snapshot: EnvironmentSnapshot): void {
    // A late answer must not replace a newer state (a poll racing the stream's refetch).
    if (this.current && snapshot.updatedAt < this.current.updatedAt) return;
    if (this.current?.etag === snapshot.etag) return;
    this.current = snapshot;
    this.options.onSnapshot(snapshot);
  }

  private setFreshness(stale: boolean, error?: unknown): void {
    const was = this.stale;
    this.stale = stale;
    this.lastError = stale ? describe(error) : undefined;
    if (stale && !was)
      this.options.log.warn(`${this.describe()} is stale, serving its last document: ${this.lastError}`);
    if (!stale && was) this.options.log.info(`${this.describe()} is current again`);
  }

  private describe(): string {
    return this.current
      ? `environment '${this.current.name}' (${this.current.environmentId})`
      : masked(this.options.serverKey);
  }
}

/** Enough of a key to tell which one is meant, not enough to use it. */
function masked(key: string): string {
  return `${key.slice(0, 8)}…`;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
