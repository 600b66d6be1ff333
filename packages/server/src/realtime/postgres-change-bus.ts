import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  type ChangeBus,
  type ChangeListener,
  ChangeListeners,
  type ConfigChange,
  everythingChanged,
} from './change-bus.js';

/** NOTIFY refuses payloads of 8000 bytes or more; ours are a few hundred. */
const MAX_PAYLOAD_BYTES = 7999;
/** PostgreSQL identifiers (channel names included) are at most 63 bytes. */
const MAX_CHANNEL_BYTES = 63;
const BASE_CHANNEL = 'pennon_changes';

/** The subset of a pino logger the bus reports its connection state to. */
export interface BusLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface PostgresChangeBusOptions {
  /** The shared pool: publishes go through it, and its settings open the LISTEN connection. */
  pool: pg.Pool;
  /** Settings of the dedicated LISTEN connection; default: the pool's own. */
  listenConfig?: pg.ClientConfig;
  /** Default: derived from the pool's schema (see `channelFor`). */
  channel?: string;
  /** Backoff between reconnection attempts: doubles from `initial` up to `max`. */
  reconnectDelayMs?: { initial: number; max: number };
  /** How long `publish` waits to hear its own change back before returning anyway. */
  echoTimeoutMs?: number;
  /** How often the idle LISTEN connection is probed, so a silently dead one is noticed. */
  pingIntervalMs?: number;
  log?: BusLog;
}

/**
 * The change bus of several server processes sharing one PostgreSQL database: `publish`
 * sends `pg_notify` through the shared pool, and one dedicated connection per process
 * LISTENs. The process hears its own changes through LISTEN like everyone else's, so each
 * listener hears each change exactly once; `publish` waits (bounded) for that echo, so a
 * request that changed something is answered only after this process's caches dropped it.
 *
 * When the LISTEN connection drops, changes may be missed: the bus reconnects with backoff
 * and then delivers `everythingChanged()`, so caches rebuild and streams tell clients to refetch.
 *
 * @example
 * const bus = await PostgresChangeBus.start({ pool: database.pgPool });
 * bus.subscribe((change) => cache.invalidate(change));
 * await bus.publish({ projectId, environmentId, at });
 */
export class PostgresChangeBus implements ChangeBus {
  private readonly listeners = new ChangeListeners();
  private readonly pending = new Map<string, () => void>();
  private readonly origin = randomUUID();
  private sequence = 0;
  private client?: pg.Client;
  private listening = false;
  private closed = false;
  private attempt = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly pingTimer?: NodeJS.Timeout;

  /** Connects and LISTENs before resolving, so no change published afterwards is missed. */
  static async start(options: PostgresChangeBusOptions): Promise<PostgresChangeBus> {
    const channel = options.channel ?? (await channelFor(options.pool));
    const bus = new PostgresChangeBus(options, channel);
    try {
      await bus.listen();
    } catch (error) {
      await bus.close();
      throw error;
    }
    return bus;
  }

  private constructor(
    private readonly options: PostgresChangeBusOptions,
    /** Exposed for tests and logs. */
    readonly channel: string,
  ) {
    const ping = options.pingIntervalMs ?? 30_000;
    if (ping > 0) {
      this.pingTimer = setInterval(() => this.ping(Math.min(ping, 10_000)), ping);
      this.pingTimer.unref();
    }
  }

  /** True while the LISTEN connection is up; false between a drop and the reconnection. */
  get connected(): boolean {
    return this.listening;
  }

  /** The backend process id of the LISTEN connection, so tests can kill it. */
  get listenerPid(): number | undefined {
    return this.listening
      ? (this.client as unknown as { processID?: number } | undefined)?.processID
      : undefined;
  }

  async publish(change: ConfigChange): Promise<void> {
    const nonce = `${this.origin}:${++this.sequence}`;
    const payload = JSON.stringify({ ...change, nonce });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      throw new Error(`A change notification must stay under ${MAX_PAYLOAD_BYTES} bytes.`);
    }
    // Without a LISTEN connection there is no echo to wait for; the reconnection announces
    // that everything may have changed instead.
    const heard = this.listening && !this.closed ? this.echo(nonce) : undefined;
    try {
      // Sent even after close: other processes must hear of a change that was committed.
      await this.options.pool.query('select pg_notify($1, $2)', [this.channel, payload]);
    } catch (error) {
      this.pending.get(nonce)?.();
      throw error;
    }
    await heard;
  }

  subscribe(listener: ChangeListener): () => void {
    if (this.closed) return () => {};
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pingTimer);
    clearTimeout(this.reconnectTimer);
    this.listeners.clear();
    for (const resolve of [...this.pending.values()]) resolve();
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => {});
  }

  private echo(nonce: string): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.echoTimeoutMs ?? 2_000);
      const pending = this.pending;
      function done() {
        clearTimeout(timer);
        pending.delete(nonce);
        resolve();
      }
      pending.set(nonce, done);
    });
  }

  /** Opens a new LISTEN connection; rejects when it cannot, leaving no connection behind. */
  private async listen(): Promise<void> {
    const client = new pg.Client(this.options.listenConfig ?? this.options.pool.options);
    this.client = client;
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (client === this.client && message.channel === this.channel) this.receive(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.channel)}`);
      if (this.client !== client) throw new Error('The LISTEN connection closed while opening.');
    } catch (error) {
      if (this.client === client) this.client = undefined;
      client.end().catch(() => {});
      throw error;
    }
    this.listening = true;
    this.attempt = 0;
  }

  /** Only a connection that was listening reconnects here; a failed opening is retried by its caller. */
  private lost(client: pg.Client, error?: Error): void {
    if (client !== this.client || !this.listening || this.closed) return;
    this.client = undefined;
    this.listening = false;
    client.end().catch(() => {});
    // Publishes waiting for their echo will not get it; the reconnection covers them.
    for (const resolve of [...this.pending.values()]) resolve();
    this.options.log?.warn({ err: error, channel: this.channel }, 'change bus lost its LISTEN connection');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const { initial, max } = this.options.reconnectDelayMs ?? { initial: 250, max: 10_000 };
    const base = Math.min(max, initial * 2 ** this.attempt);
    this.attempt++;
    // Jitter, so replicas that lost the database together do not reconnect in lockstep.
    const delay = base * (0.75 + Math.random() * 0.5);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.listen().then(
        () => {
          if (this.closed) return;
          this.options.log?.info({ channel: this.channel }, 'change bus reconnected');
          this.listeners.deliver(everythingChanged());
        },
        (error: unknown) => {
          if (this.closed) return;
          this.options.log?.warn({ err: error, attempt: this.attempt }, 'change bus could not reconnect');
          this.scheduleReconnect();
        },
      );
    }, delay);
  }

  private ping(timeoutMs: number): void {
    const client = this.client;
    if (!client || !this.listening) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('The LISTEN connection did not answer a ping.')), timeoutMs);
    });
    Promise.race([client.query('select 1'), timedOut]).then(
      () => clearTimeout(timer),
      (error: Error) => {
        clearTimeout(timer);
        this.lost(client, error);
      },
    );
  }

  private receive(payload: string | undefined): void {
    const parsed = parseNotification(payload);
    if (!parsed) {
      this.options.log?.warn({ channel: this.channel }, 'change bus ignored a malformed notification');
      return;
    }
    this.listeners.deliver(parsed.change);
    if (parsed.nonce) this.pending.get(parsed.nonce)?.();
  }
}

/**
 * The default channel: `pennon_changes`, suffixed with the schema when it is not `public`.
 * Channels are per database, not per schema, so deployments (or test suites) sharing one
 * database in different schemas must not hear each other's changes.
 */
export async function channelFor(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ schema: string | null }>('select current_schema() as schema');
  const schema = rows[0]?.schema ?? 'public';
  if (schema === 'public') return BASE_CHANNEL;
  const channel = `${BASE_CHANNEL}:${schema}`;
  if (Buffer.byteLength(channel) <= MAX_CHANNEL_BYTES) return channel;
  return `${BASE_CHANNEL}:${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

/** A notification is untrusted input: anything on the channel that is not a change is dropped. */
function parseNotification(
  payload: string | undefined,
): { change: ConfigChange; nonce?: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload ?? '');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { projectId, environmentId, at, all, nonce } = value as Record<string, unknown>;
  if (typeof projectId !== 'string' || typeof at !== 'string') return undefined;
  if (environmentId !== undefined && typeof environmentId !== 'string') return undefined;
  const change: ConfigChange = { projectId, at };
  if (typeof environmentId === 'string') change.environmentId = environmentId;
  if (all === true) change.all = true;
  return { change, nonce: typeof nonce === 'string' ? nonce : undefined };
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
