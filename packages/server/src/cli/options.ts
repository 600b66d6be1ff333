import { Option } from 'commander';
import {
  ConfigError,
  type ConfigOverrides,
  NUMBER_SETTINGS,
  parseLogLevel,
  parseOrigins,
  parsePublicUrl,
  parseWhole,
} from '../config.js';

/** Flags shared by commands that open the database; each mirrors a PENNON_* variable. */
export const databaseOptions = [
  new Option(
    '--data-dir <dir>',
    'directory of the embedded SQLite database (PENNON_DATA_DIR, default .pennon)',
  ),
  new Option('--database-url <url>', 'postgres://… to use PostgreSQL instead (PENNON_DATABASE_URL)'),
];

/** What each whole-number flag means, by config field; the variable and default come from config.ts. */
const NUMBER_FLAGS: Record<keyof typeof NUMBER_SETTINGS, [flag: string, meaning: string]> = {
  sdkRateLimit: ['--sdk-rate-limit', 'requests per second per key on every SDK route, 0 for none'],
  sdkAddressRateLimit: [
    '--sdk-address-rate-limit',
    'requests per second per peer address on every SDK route, 0 for none',
  ],
  requestTimeoutSeconds: ['--request-timeout', 'seconds a client has to send headers and body'],
  maxConnections: ['--max-connections', 'open connections in total'],
  maxConnectionsPerAddress: ['--max-connections-per-address', 'open connections per peer address'],
  maxStreamsPerKey: ['--max-streams-per-key', 'open event streams per key'],
  maxStreams: ['--max-streams', 'open event streams in total'],
  maxIdentitiesPerEnvironment: ['--max-identities', 'stored identities per environment'],
  maxTraitsPerEnvironment: ['--max-traits', 'stored traits per environment'],
  eventBytesPerSecond: ['--event-bytes-per-second', 'bytes of events one key may store per second'],
  webhookLeaseSeconds: [
    '--webhook-lease',
    'seconds a server holds a webhook delivery; another resends it after that if the first died',
  ],
};

export const serverOptions = [
  new Option('--port <port>', 'port to listen on (PENNON_PORT, default 8420)'),
  new Option('--host <host>', 'address to bind (PENNON_HOST, default 0.0.0.0)'),
  new Option(
    '--admin-token <token>',
    'admin token to create in an empty database, 32+ characters (PENNON_ADMIN_TOKEN)',
  ),
  new Option(
    '--log-level <level>',
    'fatal|error|warn|info|debug|trace|silent (PENNON_LOG_LEVEL, default info)',
  ),
  ...Object.entries(NUMBER_FLAGS).map(([name, [flag, meaning]]) => {
    const [variable, fallback] = NUMBER_SETTINGS[name as keyof typeof NUMBER_SETTINGS];
    return new Option(`${flag} <n>`, `${meaning} (${variable}, default ${fallback})`);
  }),
  new Option(
    '--public-url <url>',
    'address clients reach the server at, for stream URLs (PENNON_PUBLIC_URL)',
  ),
  new Option(
    '--admin-cors-origins <origins>',
    'comma-separated browser origins allowed on the admin API (PENNON_ADMIN_CORS_ORIGINS)',
  ),
];

export interface CliFlags {
  dataDir?: string;
  databaseUrl?: string;
  port?: string;
  host?: string;
  adminToken?: string;
  logLevel?: string;
  publicUrl?: string;
  adminCorsOrigins?: string;
  [numberSetting: string]: string | undefined;
}

export function toOverrides(flags: CliFlags): ConfigOverrides {
  const overrides: ConfigOverrides = {};
  if (flags.dataDir !== undefined) overrides.dataDir = flags.dataDir;
  if (flags.databaseUrl !== undefined) overrides.databaseUrl = flags.databaseUrl;
  if (flags.host !== undefined) overrides.host = flags.host;
  if (flags.adminToken !== undefined) overrides.adminToken = flags.adminToken;
  if (flags.logLevel !== undefined) overrides.logLevel = parseLogLevel(flags.logLevel);
  if (flags.publicUrl !== undefined) overrides.publicUrl = parsePublicUrl(flags.publicUrl);
  if (flags.adminCorsOrigins !== undefined) overrides.adminCorsOrigins = parseOrigins(flags.adminCorsOrigins);
  for (const [name, [flag]] of Object.entries(NUMBER_FLAGS)) {
    const raw = flags[camelCase(flag)];
    if (raw === undefined) continue;
    const [, fallback, min] = NUMBER_SETTINGS[name as keyof typeof NUMBER_SETTINGS];
    overrides[name as keyof typeof NUMBER_SETTINGS] = parseWhole(flag, raw, fallback, min);
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

/** Commander's attribute name for a flag: `--max-identities` → `maxIdentities`. */
function camelCase(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
