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
  /** Requests per second one key may make on the SDK APIs that limit (OFREP); 0 turns it off. */
  sdkRateLimit: number;
}

/** Values given on the command line win over environment variables, which win over defaults. */
export type ConfigOverrides = Partial<Config>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {
  readonly code = 'invalid_configuration';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const port = overrides.port ?? parsePort(env.PENNON_PORT);
  const logLevel = overrides.logLevel ?? parseLogLevel(env.PENNON_LOG_LEVEL);
  const databaseUrl = overrides.databaseUrl ?? (env.PENNON_DATABASE_URL || undefined);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`PENNON_DATABASE_URL must start with postgres:// (got '${databaseUrl}').`);
  }
  const adminToken = overrides.adminToken ?? (env.PENNON_ADMIN_TOKEN || undefined);
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('PENNON_ADMIN_TOKEN must be at least 16 characters long.');
  }
  return {
    port,
    host: overrides.host ?? (env.PENNON_HOST || '0.0.0.0'),
    dataDir: path.resolve(overrides.dataDir ?? (env.PENNON_DATA_DIR || '.pennon')),
    databaseUrl,
    adminToken,
    logLevel,
    sdkRateLimit: overrides.sdkRateLimit ?? parseRateLimit(env.PENNON_SDK_RATE_LIMIT),
  };
}

function parseRateLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1000;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new ConfigError(
      `PENNON_SDK_RATE_LIMIT must be a whole number of requests per second, 0 for none (got '${raw}').`,
    );
  }
  return limit;
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
