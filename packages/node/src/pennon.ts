import type { IdentityContext } from '@pennon/engine';
import {
  Emitter,
  type Endpoint,
  EventQueue,
  type EventQueueStats,
  ExposureDedup,
  type Flag,
  type FlagKey,
  type Resolution,
  resolveValue,
  Synchronizer,
  sdkFetch,
  type User,
  type ValueKind,
} from '@pennon/sdk-core';
import { type LoadedDocument, loadDocument, readBootstrap } from './document.js';
import { localFlag } from './local-flag.js';
import { type PennonOptions, type ResolvedOptions, resolveOptions } from './options.js';

/** Where the SDK stands, for health checks and dashboards. */
export interface PennonStatus {
  /** `server` once a document came from the server; `bootstrap` while running on the bootstrap. */
  source: 'server' | 'bootstrap';
  /** True while the server cannot be reached: reads use the last good document. */
  stale: boolean;
  /** The last failure to reach the server, while stale. */
  lastError: string | undefined;
  /** When the document in use was last changed on the server (ISO time). */
  updatedAt: string;
  /** Epoch ms of the last successful contact with the server. */
  lastSyncAt: number | undefined;
  events: EventQueueStats;
}

/** What a Pennon client tells listeners about. */
export interface PennonEvents {
  /** A new document is in use. */
  change: { updatedAt: string };
  /** The server became unreachable; reads keep using the last good document. */
  stale: { error: unknown };
  /** The server is reachable again. */
  fresh: Record<string, never>;
  /** Any failure the SDK recovered from (network, a refused event batch, a bad read). */
  error: { error: unknown };
}

/** Thrown by `Pennon.start` when no document could be had in time and there is no bootstrap. */
export class PennonStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PennonStartError';
  }
}

/**
 * Pennon's server SDK: downloads the environment document, evaluates every read locally and
 * synchronously with `@pennon/engine`, stays current through the change stream (polling with
 * ETag when the stream is unavailable), and logs exposures and events in the background.
 * Reads never throw and never wait for the network.
 * @example
 * const pennon = await Pennon.start({ serverKey: process.env.PENNON_SERVER_KEY!, url: 'http://localhost:8420' });
 * const user = { identifier: 'user-4821', traits: { plan: 'pro' } };
 * if (pennon.isEnabled('new_checkout', user)) { … }
 * const color = pennon.getString('checkout_color', user, 'blue');
 * pennon.track(user, 'purchase', 49.9);
 * await pennon.close();
 */
export class Pennon {
  private readonly options: ResolvedOptions;
  private readonly endpoint: Endpoint;
  private readonly emitter = new Emitter<PennonEvents>();
  private readonly queue: EventQueue;
  private readonly dedup: ExposureDedup;
  private readonly sync: Synchronizer;
  private loaded!: LoadedDocument;
  private source: 'server' | 'bootstrap' = 'bootstrap';
  private stale = false;
  private lastError: string | undefined;
  private lastSyncAt: number | undefined;
  private closed = false;

  /**
   * Starts a client: the document from the server within `startTimeoutMs`, else the bootstrap
   * document (and keeps trying the server in the background), else rejects with
   * `PennonStartError` saying why. Never hangs past the timeout.
   * @example
   * const pennon = await Pennon.start({ serverKey, url, bootstrap: { file: './document.json' } });
   */
  static async start(options: PennonOptions): Promise<Pennon> {
    const client = new Pennon(resolveOptions(options));
    await client.begin();
    return client;
  }

  private constructor(options: ResolvedOptions) {
    this.options = options;
    this.endpoint = { url: options.url, key: options.serverKey };
    this.queue = new EventQueue({
      endpoint: this.endpoint,
      maxBuffer: options.events.maxBuffer,
      batchSize: options.events.batchSize,
      flushIntervalMs: options.events.flushIntervalMs,
      retry: { initialMs: 1000, maxMs: 60_000 },
      requestTimeoutMs: options.requestTimeoutMs,
      onError: (error) => this.report(error),
    });
    this.dedup = new ExposureDedup({
      windowMs: options.events.exposureWindowMs,
      maxEntries: options.events.exposureMemory,
    });
    this.sync = new Synchronizer({
      endpoint: this.endpoint,
      stream: options.stream,
      pollIntervalMs: options.pollIntervalMs,
      streamBackoff: { initialMs: 500, maxMs: 30_000 },
      refresh: () => this.download(this.options.requestTimeoutMs),
      isCurrent: (change) => change.etag === this.loaded?.etag,
      onFreshness: (stale, error) => this.setFreshness(stale, error),
    });
    if (options.onError) this.emitter.on('error', ({ error }) => options.onError?.(error));
  }

  private async begin(): Promise<void> {
    if (this.options.bootstrap) this.loaded = readBootstrap(this.options.bootstrap);
    try {
      await this.download(this.options.startTimeoutMs);
    } catch (error) {
      if (!this.loaded) {
        await this.queue.close(0);
        throw new PennonStartError(
          `Could not download the environment document from ${this.options.url} within ` +
            `${this.options.startTimeoutMs} ms (${describe(error)}); pass a bootstrap document to start without the server.`,
          { cause: error },
        );
      }
      this.setFreshness(true, error);
    }
    this.sync.start();
  }

  /** Fetches the document unless the server says (304) that ours is current. */
  private async download(timeoutMs: number): Promise<void> {
    const etag = this.source === 'server' ? this.loaded?.etag : undefined;
    const response = await sdkFetch(this.endpoint, 'environment-document', {
      headers: etag ? { 'if-none-match': etag } : {},
      timeoutMs,
    });
    this.lastSyncAt = Date.now();
    if (response.status === 304) return;
    const next = loadDocument(await response.json(), response.headers.get('etag') ?? undefined);
    if (this.closed) return;
    const first = this.loaded === undefined;
    this.loaded = next;
    this.source = 'server';
    if (!first) this.emitter.emit('change', { updatedAt: next.document.environment.updated_at });
  }

  private setFreshness(stale: boolean, error?: unknown): void {
    const was = this.stale;
    this.stale = stale;
    if (stale) {
      this.lastError = describe(error);
      this.report(error);
      if (!was) this.emitter.emit('stale', { error });
    } else {
      this.lastError = undefined;
      if (was) this.emitter.emit('fresh', {});
    }
  }

  private report(error: unknown): void {
    this.emitter.emit('error', { error });
  }

  /**
   * Every flag for `user`, evaluated locally, keyed by flag key. Logs no exposures: this is
   * for handing values on (e.g. bootstrapping a browser), not for deciding what a user sees.
   * @example
   * const flags = pennon.getAllFlags({ identifier: 'user-1' }); // { banner: { value: 'hi', reason: 'DEFAULT', … } }
   */
  getAllFlags(user?: User): Record<string, Flag> {
    try {
      const { compiled, types } = this.loaded;
      const result = compiled.evaluate(identityOf(user));
      // fromEntries defines own properties: a flag keyed `__proto__` stays a flag.
      return Object.fromEntries(
        Object.entries(result.flags).map(([key, flag]) => [
          key,
          localFlag(key, types.get(key) ?? 'string', flag),
        ]),
      );
    } catch (error) {
      this.report(error);
      return {};
    }
  }

  /**
   * One flag for `user` with its explanation (`reason`, `variant`), or undefined when the
   * environment has no such flag. Logs an exposure (deduplicated).
   * @example
   * pennon.getFlag('checkout', user); // { key: 'checkout', value: 'express', reason: 'SPLIT; weight=25', variant: 'express', … }
   */
  getFlag(key: FlagKey, user?: User): Flag | undefined {
    try {
      const { compiled, types } = this.loaded;
      // Only the segments overriding this flag are tested (getAllFlags evaluates them all).
      const result = compiled.evaluateFlag(key, identityOf(user));
      if (!result) return undefined;
      const flag = localFlag(key, types.get(key) ?? 'string', result);
      if (user) this.expose(user, flag);
      return flag;
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }

  /**
   * Whether the flag is on for `user`; false for an unknown flag.
   * @example
   * if (pennon.isEnabled('new_checkout', user)) renderNewCheckout();
   */
  isEnabled(key: FlagKey, user?: User): boolean {
    return this.getFlag(key, user)?.enabled ?? false;
  }

  /**
   * The flag's value for `user`, whatever its type; `defaultValue` when the flag is unknown or
   * disabled.
   * @example
   * pennon.getValue('limits', user, { max: 10 });
   */
  getValue<T = unknown>(key: FlagKey, user?: User, defaultValue?: T): T | undefined {
    const flag = this.getFlag(key, user);
    return flag && 'value' in flag ? (flag.value as T) : defaultValue;
  }

  /**
   * A typed read with its explanation: the value when the flag has one of `kind`, else
   * `defaultValue` with the reason (`DISABLED`) or error (`FLAG_NOT_FOUND`, `TYPE_MISMATCH`).
   * @example
   * pennon.resolve('checkout_color', user, 'string', 'blue'); // { value: 'green', reason: 'TARGETING_MATCH; segment=pro', variant: null }
   */
  resolve<T>(key: FlagKey, user: User | undefined, kind: ValueKind, defaultValue: T): Resolution<T> {
    return resolveValue(this.getFlag(key, user), kind, defaultValue);
  }

  /**
   * The flag's boolean value, or `defaultValue`.
   * @example
   * pennon.getBoolean('dark_mode', user, false);
   */
  getBoolean(key: FlagKey, user: User | undefined, defaultValue: boolean): boolean {
    return this.resolve(key, user, 'boolean', defaultValue).value;
  }

  /**
   * The flag's string value, or `defaultValue`.
   * @example
   * pennon.getString('checkout_color', user, 'blue');
   */
  getString(key: FlagKey, user: User | undefined, defaultValue: string): string {
    return this.resolve(key, user, 'string', defaultValue).value;
  }

  /**
   * The flag's number value, or `defaultValue`.
   * @example
   * pennon.getNumber('max_items', user, 10);
   */
  getNumber(key: FlagKey, user: User | undefined, defaultValue: number): number {
    return this.resolve(key, user, 'number', defaultValue).value;
  }

  /**
   * The flag's JSON (object or array) value, or `defaultValue`.
   * @example
   * pennon.getJson('limits', user, { max: 10 });
   */
  getJson<T extends object>(key: FlagKey, user: User | undefined, defaultValue: T): T {
    return this.resolve(key, user, 'object', defaultValue).value;
  }

  /**
   * Logs an event for `user` (sent in the background, retried until acknowledged).
   * @example
   * pennon.track(user, 'purchase', 49.9, { currency: 'EUR' });
   */
  track(user: User, name: string, value?: number | null, properties?: Record<string, unknown>): void {
    try {
      if (!user || typeof user.identifier !== 'string' || typeof name !== 'string') {
        throw new TypeError('track needs a user with an identifier and an event name.');
      }
      this.queue.event({
        unit_id: user.identifier,
        name,
        ...(value === undefined ? {} : { value }),
        ...(properties === undefined ? {} : { properties }),
      });
    } catch (error) {
      this.report(error);
    }
  }

  private expose(user: User, flag: Flag): void {
    if (!this.options.events.exposures || typeof user.identifier !== 'string') return;
    if (!this.dedup.first(user.identifier, flag.key, flag.variant, Date.now())) return;
    this.queue.exposure({
      unit_id: user.identifier,
      flag: flag.key,
      variant: flag.variant,
      value: flag.value,
      reason: flag.reason,
    });
  }

  /**
   * Where the SDK stands: document source, staleness, last error, event counters.
   * @example
   * if (pennon.status().stale) log.warn('serving the last good flags', pennon.status().lastError);
   */
  status(): PennonStatus {
    return {
      source: this.source,
      stale: this.stale,
      lastError: this.lastError,
      updatedAt: this.loaded.document.environment.updated_at,
      lastSyncAt: this.lastSyncAt,
      events: this.queue.stats(),
    };
  }

  /**
   * Listens to `change`, `stale`, `fresh` or `error`; returns the function that stops listening.
   * @example
   * pennon.on('change', ({ updatedAt }) => log.info('flags updated', updatedAt));
   */
  on<K extends keyof PennonEvents>(event: K, listener: (payload: PennonEvents[K]) => void): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * Sends queued events now (they are also sent in the background).
   * @example
   * await pennon.flush();
   */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /**
   * Stops the stream and polling and sends queued events (trying for up to `timeoutMs`).
   * Reads keep working on the last document.
   * @example
   * process.on('SIGTERM', () => pennon.close());
   */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sync.stop();
    await this.queue.close(timeoutMs);
    this.emitter.clear();
  }
}

function identityOf(user: User | undefined): IdentityContext | undefined {
  if (!user || typeof user.identifier !== 'string') return undefined;
  return { identifier: user.identifier, traits: user.traits ?? {} };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
