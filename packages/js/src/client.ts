import {
  Emitter,
  type Endpoint,
  EventQueue,
  ExposureDedup,
  type Flag,
  type FlagKey,
  type Resolution,
  resolveValue,
  Synchronizer,
  sdkFetch,
  type TraitValue,
  type User,
  type ValueKind,
} from '@pennon/sdk-core';
import { defaultStorage, FlagCache } from './cache.js';
import type { PennonClientOptions } from './options.js';
import { sendOnPageHide } from './page-hide.js';

/** Where the values in use came from. */
export type FlagSource = 'server' | 'cache' | 'bootstrap' | 'defaults';

/** What a browser client tells listeners about. */
export interface PennonClientEvents {
  /** The values changed (new user, live update, refetch). */
  change: { source: FlagSource };
  /** The server cannot be reached; the last values stay in use. */
  stale: { error: unknown };
  /** Any failure the client recovered from. */
  error: { error: unknown };
}

/**
 * Pennon's browser SDK: precomputed flags for one user from `POST /api/sdk/v1/flags`, cached in
 * localStorage, bootstrappable from server rendering, live through the change stream; reads are
 * synchronous; exposures and events are batched and sent with `sendBeacon` when the page hides.
 * The constructor does no I/O; `start()` (called by `createClient`) connects.
 * @example
 * const pennon = createClient({ clientKey: 'pk_…', url: 'https://flags.example.com', user: { identifier: 'user-1' } });
 * await pennon.ready;
 * if (pennon.isEnabled('new_checkout')) showNewCheckout();
 * pennon.track('purchase', 49.9);
 */
export class PennonClient {
  private readonly options: PennonClientOptions;
  private readonly endpoint: Endpoint;
  private readonly emitter = new Emitter<PennonClientEvents>();
  private readonly cache: FlagCache;
  private readonly queue: EventQueue;
  private readonly dedup: ExposureDedup;
  private readonly sync: Synchronizer;
  private user: User | undefined;
  private flags: Record<string, Flag> = {};
  private updatedAt = '';
  private currentSource: FlagSource = 'defaults';
  private readyPromise: Promise<FlagSource> | undefined;
  private stopPageHide: (() => void) | undefined;
  private generation = 0;
  private revision = 0;

  constructor(options: PennonClientOptions) {
    this.options = options;
    this.endpoint = { url: options.url, key: options.clientKey };
    this.cache = new FlagCache(
      options.storage === null ? undefined : (options.storage ?? defaultStorage()),
      options.clientKey,
    );
    this.queue = new EventQueue({
      endpoint: this.endpoint,
      maxBuffer: options.events?.maxBuffer ?? 2000,
      batchSize: 500,
      flushIntervalMs: options.events?.flushIntervalMs ?? 5000,
      retry: { initialMs: 1000, maxMs: 60_000 },
      requestTimeoutMs: 10_000,
      onError: (error) => this.report(error),
      paused: true,
    });
    this.dedup = new ExposureDedup({
      windowMs: options.events?.exposureWindowMs ?? 60 * 60_000,
      maxEntries: 5000,
    });
    this.sync = new Synchronizer({
      endpoint: this.endpoint,
      stream: options.stream ?? true,
      pollIntervalMs: options.pollIntervalMs ?? 60_000,
      streamBackoff: { initialMs: 1000, maxMs: 60_000 },
      refresh: () => this.fetchFlags(),
      isCurrent: (change) => change.updated_at === this.updatedAt,
      onFreshness: (stale, error) => {
        if (stale) {
          this.report(error);
          this.emitter.emit('stale', { error });
        }
      },
    });
    if (options.onError) this.emitter.on('error', ({ error }) => options.onError?.(error));
    this.user = options.user ?? options.bootstrap?.user;
    // Values available without the network are used from the first read: server-rendered
    // ones first (they match the page), else the last visit's.
    if (options.bootstrap) this.use(options.bootstrap.flags, '', 'bootstrap', false);
    else {
      const cached = this.cache.read(this.user?.identifier);
      if (cached) this.use(cached.flags, cached.updatedAt, 'cache', false);
    }
  }

  /**
   * Resolves once values from the server are in use, or at once when cached or bootstrapped
   * values are (the server's then follow as a `change`), or after `readyTimeoutMs` with what
   * there is. Never rejects and never hangs; tells which source the values came from.
   * @example
   * const source = await pennon.ready; // 'server' | 'cache' | 'bootstrap' | 'defaults'
   */
  get ready(): Promise<FlagSource> {
    return this.readyPromise ?? this.start();
  }

  /** Where the values in use came from. */
  get source(): FlagSource {
    return this.currentSource;
  }

  /** Increases on every change of values: a cheap snapshot for `useSyncExternalStore`. */
  get version(): number {
    return this.revision;
  }

  /**
   * Connects: fetches the user's flags, opens the stream, sends events on page hide. Called by
   * `createClient`; frameworks that render on the server call it from an effect instead.
   * Calling it again after `stop()` resumes.
   * @example
   * const source = await client.start();
   */
  start(): Promise<FlagSource> {
    if (this.readyPromise) return this.readyPromise;
    const fetched = this.sync.refresh().then(() => this.currentSource);
    this.sync.start();
    this.stopPageHide = sendOnPageHide(this.queue, this.endpoint);
    this.queue.resume();
    const immediate = this.currentSource === 'defaults' ? undefined : Promise.resolve(this.currentSource);
    this.readyPromise =
      immediate ?? withTimeout(fetched, this.options.readyTimeoutMs ?? 3000, () => this.currentSource);
    return this.readyPromise;
  }

  /**
   * Pauses the network (stream, polling, page-hide beacons); values stay readable.
   * @example
   * client.stop();
   */
  stop(): void {
    this.sync.stop();
    this.stopPageHide?.();
    this.stopPageHide = undefined;
    this.readyPromise = undefined;
  }

  /**
   * Switches to another user (sign-in, sign-out with undefined) and fetches their flags; their
   * cached values are used meanwhile. Resolves when the fetch is done (or failed).
   * @example
   * await pennon.identify({ identifier: 'user-1', traits: { plan: 'pro' } });
   */
  async identify(user: User | undefined): Promise<void> {
    this.user = user;
    const cached = this.cache.read(user?.identifier);
    this.use(cached?.flags ?? {}, cached?.updatedAt ?? '', cached ? 'cache' : 'defaults', true);
    await this.sync.refresh();
  }

  /**
   * Adds or changes traits of the current user (null deletes one) and refetches.
   * @example
   * await pennon.setTraits({ plan: 'pro' });
   */
  async setTraits(traits: Record<string, TraitValue>): Promise<void> {
    if (!this.user) {
      this.report(new Error('setTraits needs an identified user: call identify first.'));
      return;
    }
    this.user = { ...this.user, traits: { ...this.user.traits, ...traits } };
    await this.sync.refresh();
  }

  /** The current user. */
  getUser(): User | undefined {
    return this.user;
  }

  private async fetchFlags(): Promise<void> {
    const generation = ++this.generation;
    const user = this.user;
    const body = user ? { identifier: user.identifier, traits: user.traits ?? {} } : {};
    const response = await sdkFetch(this.endpoint, 'flags', { method: 'POST', body, timeoutMs: 10_000 });
    const payload = (await response.json()) as { flags: Record<string, Flag>; updated_at: string };
    // An identify() that came later wins, whatever order the answers arrive in.
    if (generation !== this.generation) return;
    this.cache.write(user?.identifier, { flags: payload.flags, updatedAt: payload.updated_at });
    this.use(payload.flags, payload.updated_at, 'server', true);
  }

  private use(flags: Record<string, Flag>, updatedAt: string, source: FlagSource, notify: boolean): void {
    const same = JSON.stringify(flags) === JSON.stringify(this.flags);
    this.flags = flags;
    this.updatedAt = updatedAt;
    this.currentSource = source;
    // Equal values (the server confirming a bootstrap) change nothing on screen: no re-render.
    if (same) return;
    this.revision++;
    if (notify) this.emitter.emit('change', { source });
  }

  private report(error: unknown): void {
    this.emitter.emit('error', { error });
  }

  /**
   * Every flag of the current user. Logs no exposures.
   * @example
   * pennon.getAllFlags(); // { banner: { key: 'banner', value: 'hello', … } }
   */
  getAllFlags(): Record<string, Flag> {
    return { ...this.flags };
  }

  /**
   * One flag with its explanation (`reason`, `variant`); logs an exposure for an identified user.
   * @example
   * pennon.getFlag('checkout')?.variant; // 'express'
   */
  getFlag(key: FlagKey): Flag | undefined {
    const flag = Object.hasOwn(this.flags, key) ? this.flags[key] : undefined;
    if (flag) this.expose(flag);
    return flag;
  }

  /**
   * Whether the flag is on; false when unknown.
   * @example
   * if (pennon.isEnabled('dark_mode')) document.body.classList.add('dark');
   */
  isEnabled(key: FlagKey): boolean {
    return this.getFlag(key)?.enabled ?? false;
  }

  /**
   * The flag's value, or `defaultValue` when unknown or disabled.
   * @example
   * pennon.getValue('banner', 'Welcome');
   */
  getValue<T = unknown>(key: FlagKey, defaultValue?: T): T | undefined {
    const flag = this.getFlag(key);
    return flag && 'value' in flag ? (flag.value as T) : defaultValue;
  }

  /**
   * A typed read with its explanation and, on fallback, the reason or error code.
   * @example
   * pennon.resolve('max_items', 'number', 10); // { value: 25, reason: 'DEFAULT', variant: null }
   */
  resolve<T>(key: FlagKey, kind: ValueKind, defaultValue: T): Resolution<T> {
    return resolveValue(this.getFlag(key), kind, defaultValue);
  }

  /**
   * The flag's boolean value, or `defaultValue`.
   * @example
   * pennon.getBoolean('dark_mode', false);
   */
  getBoolean(key: FlagKey, defaultValue: boolean): boolean {
    return this.resolve(key, 'boolean', defaultValue).value;
  }

  /**
   * The flag's string value, or `defaultValue`.
   * @example
   * pennon.getString('banner', 'Welcome');
   */
  getString(key: FlagKey, defaultValue: string): string {
    return this.resolve(key, 'string', defaultValue).value;
  }

  /**
   * The flag's number value, or `defaultValue`.
   * @example
   * pennon.getNumber('max_items', 10);
   */
  getNumber(key: FlagKey, defaultValue: number): number {
    return this.resolve(key, 'number', defaultValue).value;
  }

  /**
   * The flag's JSON (object or array) value, or `defaultValue`.
   * @example
   * pennon.getJson('theme', { accent: '#06c' });
   */
  getJson<T extends object>(key: FlagKey, defaultValue: T): T {
    return this.resolve(key, 'object', defaultValue).value;
  }

  /**
   * Logs an event for the current user; dropped (and reported) without one.
   * @example
   * pennon.track('add_to_cart', 1, { sku: 'TS-042' });
   */
  track(name: string, value?: number | null, properties?: Record<string, unknown>): void {
    if (!this.user) {
      this.report(new Error(`track("${name}") needs an identified user: call identify first.`));
      return;
    }
    this.queue.event({
      unit_id: this.user.identifier,
      name,
      ...(value === undefined ? {} : { value }),
      ...(properties === undefined ? {} : { properties }),
    });
  }

  private expose(flag: Flag): void {
    const user = this.user;
    if (!user || this.options.events?.exposures === false) return;
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
   * Listens to `change`, `stale` or `error`; returns the function that stops listening.
   * @example
   * const off = pennon.on('change', () => render());
   */
  on<K extends keyof PennonClientEvents>(
    event: K,
    listener: (payload: PennonClientEvents[K]) => void,
  ): () => void {
    return this.emitter.on(event, listener);
  }

  /**
   * Sends queued events now.
   * @example
   * await pennon.flush();
   */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /**
   * Disconnects and sends what is queued.
   * @example
   * await pennon.close();
   */
  async close(): Promise<void> {
    this.stop();
    await this.queue.close(2000);
    this.emitter.clear();
  }
}

/**
 * Creates a client and starts it.
 * @example
 * const pennon = createClient({ clientKey, url, user: { identifier: 'user-1' } });
 * await pennon.ready;
 */
export function createClient(options: PennonClientOptions): PennonClient {
  const client = new PennonClient(options);
  void client.start();
  return client;
}

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback()), ms);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
