import { availableParallelism } from 'node:os';
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; absent means the embedded SQLite file in `dataDir`. */
  databaseUrl?: string;
  adminToken?: string;
  logLevel: LogLevel;
  /** Requests per second one key may make on the SDK APIs; 0 turns it off. */
  sdkRateLimit: number;
  /** Requests per second one peer address may make on the SDK APIs, whatever key it sends; 0 turns it off. */
  sdkAddressRateLimit: number;
  /** Seconds a client has to send a request's headers and body. */
  requestTimeoutSeconds: number;
  /** Open connections the server accepts in total, and from one peer address. */
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** Open event streams one key may hold, and open event streams in total (per process). */
  maxStreamsPerKey: number;
  maxStreams: number;
  /** Stored identities, and stored traits, one environment may hold; SDK requests beyond them get 409. */
  maxIdentitiesPerEnvironment: number;
  maxTraitsPerEnvironment: number;
  /** Bytes of events and exposures one key may store per second (bursts of a minute's worth). */
  eventBytesPerSecond: number;
  /**
   * Seconds a server holds a webhook delivery it is sending; if it dies meanwhile, another
   * server sends it again once the lease ends. A receiver gets half of it to answer.
   */
  webhookLeaseSeconds: number;
  /** The address clients reach the server at, for URLs it hands out (streams); unset: the request's. */
  publicUrl?: string;
  /** Browser origins allowed to call the admin API; SDK routes answer every origin. */
  adminCorsOrigins: string[];
  /** The web console's build to serve at `/`; unset: packages/console/dist beside this package. */
  consoleDir?: string;
}

/** Values given on the command line win over environment variables, which win over defaults. */
export type ConfigOverrides = Partial<Config>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Shorter admin tokens, or tokens of one repeated character, are guessable (issue #7). */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

export class ConfigError extends Error {
  readonly code = 'invalid_configuration';
}

/** Whole-number settings: variable, default, smallest value allowed. */
export const NUMBER_SETTINGS = {
  sdkRateLimit: ['PENNON_SDK_RATE_LIMIT', 1000, 0],
  sdkAddressRateLimit: ['PENNON_SDK_ADDRESS_RATE_LIMIT', 5000, 0],
  requestTimeoutSeconds: ['PENNON_REQUEST_TIMEOUT', 30, 1],
  maxConnections: ['PENNON_MAX_CONNECTIONS', 10_000, 1],
  maxConnectionsPerAddress: ['PENNON_MAX_CONNECTIONS_PER_ADDRESS', 1000, 1],
  maxStreamsPerKey: ['PENNON_MAX_STREAMS_PER_KEY', 1000, 1],
  maxStreams: ['PENNON_MAX_STREAMS', 20_000, 1],
  maxIdentitiesPerEnvironment: ['PENNON_MAX_IDENTITIES', 1_000_000, 1],
  maxTraitsPerEnvironment: ['PENNON_MAX_TRAITS', 20_000_000, 1],
  eventBytesPerSecond: ['PENNON_EVENT_BYTES_PER_SECOND', 1024 * 1024, 1],
  webhookLeaseSeconds: ['PENNON_WEBHOOK_LEASE', 60, 2],
} as const satisfies Record<string, readonly [string, number, number]>;

type NumberSetting = keyof typeof NUMBER_SETTINGS;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const port = overrides.port ?? parsePort(env.PENNON_PORT);
  const logLevel = overrides.logLevel ?? parseLogLevel(env.PENNON_LOG_LEVEL);
  const databaseUrl = overrides.databaseUrl ?? (env.PENNON_DATABASE_URL || undefined);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`PENNON_DATABASE_URL must start with postgres:// (got '${databaseUrl}').`);
  }
  const adminToken = overrides.adminToken ?? (env.PENNON_ADMIN_TOKEN || undefined);
  if (adminToken !== undefined) checkAdminToken(adminToken);
  const numbers = {} as Record<NumberSetting, number>;
  for (const [name, [variable, fallback, min]] of Object.entries(NUMBER_SETTINGS)) {
    numbers[name as NumberSetting] =
      overrides[name as NumberSetting] ?? parseWhole(variable, env[variable], fallback, min);
  }
  return {
    port,
    host: overrides.host ?? (env.PENNON_HOST || '0.0.0.0'),
    dataDir: path.resolve(overrides.dataDir ?? (env.PENNON_DATA_DIR || '.pennon')),
    databaseUrl,
    adminToken,
    logLevel,
    ...numbers,
    publicUrl: parsePublicUrl(overrides.publicUrl ?? (env.PENNON_PUBLIC_URL || undefined)),
    adminCorsOrigins: overrides.adminCorsOrigins ?? parseOrigins(env.PENNON_ADMIN_CORS_ORIGINS),
    consoleDir: resolvedOrUndefined(overrides.consoleDir ?? (env.PENNON_CONSOLE_DIR || undefined)),
  };
}

function resolvedOrUndefined(dir: string | undefined): string | undefined {
  return dir === undefined ? undefined : path.resolve(dir);
}

/**
 * How many processes `pennon serve` runs behind its port: `--workers`, else PENNON_WORKERS,
 * else one per core. 1 is a single process, without a primary.
 */
export function loadWorkers(env: NodeJS.ProcessEnv = process.env, flag?: string): number {
  if (flag !== undefined) return parseWhole('--workers', flag, availableParallelism(), 1);
  return parseWhole('PENNON_WORKERS', env.PENNON_WORKERS, availableParallelism(), 1);
}

function checkAdminToken(token: string): void {
  if (token.length < MIN_ADMIN_TOKEN_LENGTH || new Set(token).size === 1) {
    throw new ConfigError(
      `PENNON_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters long and not one ` +
        'character repeated; generate one with `openssl rand -hex 32`.',
    );
  }
}

/** A whole number ≥ `min`; `name` is the variable or flag named in the error. */
export function parseWhole(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`${name} must be a whole number of at least ${min} (got '${raw}').`);
  }
  return value;
}

export function parsePublicUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PENNON_PUBLIC_URL must be an absolute http(s) URL (got '${raw}').`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`PENNON_PUBLIC_URL must be an absolute http(s) URL (got '${raw}').`);
  }
  return url.href.replace(/\/$/, '');
}

/** Comma-separated origins such as `https://console.example.com`. */
export function parseOrigins(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 8420;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PENNON_PORT must be an integer between 0 and 65535 (got '${raw}').`);
  }
  return port;
}

export function parseLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return 'info';
  if (!LOG_LEVELS.includes(raw as LogLevel)) {
    throw new ConfigError(`PENNON_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got '${raw}').`);
  }
  return raw as LogLevel;
}
