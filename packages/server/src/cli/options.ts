import { Option } from 'commander';
import { ConfigError, type ConfigOverrides, parseLogLevel } from '../config.js';

/** Flags shared by commands that open the database; each mirrors a PENNON_* variable. */
export const databaseOptions = [
  new Option(
    '--data-dir <dir>',
    'directory of the embedded SQLite database (PENNON_DATA_DIR, default .pennon)',
  ),
  new Option('--database-url <url>', 'postgres://… to use PostgreSQL instead (PENNON_DATABASE_URL)'),
];

export const serverOptions = [
  new Option('--port <port>', 'port to listen on (PENNON_PORT, default 8420)'),
  new Option('--host <host>', 'address to bind (PENNON_HOST, default 0.0.0.0)'),
  new Option('--admin-token <token>', 'admin token to create if missing (PENNON_ADMIN_TOKEN)'),
  new Option(
    '--log-level <level>',
    'fatal|error|warn|info|debug|trace|silent (PENNON_LOG_LEVEL, default info)',
  ),
  new Option(
    '--sdk-rate-limit <n>',
    'requests per second per key on OFREP, 0 for none (PENNON_SDK_RATE_LIMIT, default 1000)',
  ),
];

export interface CliFlags {
  dataDir?: string;
  databaseUrl?: string;
  port?: string;
  host?: string;
  adminToken?: string;
  logLevel?: string;
  sdkRateLimit?: string;
}

export function toOverrides(flags: CliFlags): ConfigOverrides {
  const overrides: ConfigOverrides = {};
  if (flags.dataDir !== undefined) overrides.dataDir = flags.dataDir;
  if (flags.databaseUrl !== undefined) overrides.databaseUrl = flags.databaseUrl;
  if (flags.host !== undefined) overrides.host = flags.host;
  if (flags.adminToken !== undefined) overrides.adminToken = flags.adminToken;
  if (flags.logLevel !== undefined) overrides.logLevel = parseLogLevel(flags.logLevel);
  if (flags.sdkRateLimit !== undefined) {
    const limit = Number(flags.sdkRateLimit);
    if (!Number.isInteger(limit) || limit < 0) {
      throw new ConfigError(
        `--sdk-rate-limit must be a whole number, 0 for none (got '${flags.sdkRateLimit}').`,
      );
    }
    overrides.sdkRateLimit = limit;
  }
  if (flags.port !== undefined) {
    const port = Number(flags.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`--port must be an integer between 0 and 65535 (got '${flags.port}').`);
    }
    overrides.port = port;
  }
  return overrides;
}
