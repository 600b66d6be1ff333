import path from 'node:path';
import { type Config, ConfigError, type ConfigOverrides, loadConfig, parseWhole } from '../config.js';
import { SERVER_KEY_PREFIX } from '../shared/keys.js';
import type { IdentityMode } from './edge-identities.js';

/** What `pennon edge` runs with: the server's HTTP settings and limits, and what to follow. */
export interface EdgeConfig
  extends Pick<
    Config,
    | 'port'
    | 'host'
    | 'dataDir'
    | 'logLevel'
    | 'sdkRateLimit'
    | 'sdkAddressRateLimit'
    | 'requestTimeoutSeconds'
    | 'maxConnections'
    | 'maxConnectionsPerAddress'
    | 'eventBytesPerSecond'
    | 'publicUrl'
    | 'adminCorsOrigins'
  > {
  /** The Pennon server followed, e.g. `http://pennon:8420`. */
  upstream: string;
  /** One server key per environment served. */
  serverKeys: string[];
  identities: IdentityMode;
  /** Seconds between polls while the upstream's stream is down. */
  pollIntervalSeconds: number;
  /** Seconds to wait for the upstream at start before serving saved documents. */
  startTimeoutSeconds: number;
  /** Events and exposures held per environment for the upstream. */
  maxBufferedEvents: number;
}

export type EdgeOverrides = ConfigOverrides &
  Partial<Pick<EdgeConfig, 'upstream' | 'serverKeys' | 'identities'>> & {
    pollIntervalSeconds?: number;
    startTimeoutSeconds?: number;
    maxBufferedEvents?: number;
  };

export const EDGE_DEFAULT_PORT = 8421;
const IDENTITY_MODES: readonly IdentityMode[] = ['transient', 'forward'];

/** Flags win over `PENNON_*` variables, which win over defaults, as for `pennon serve`. */
export function loadEdgeConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: EdgeOverrides = {},
): EdgeConfig {
  // An edge has no database: the server's database settings must not make it fail.
  const { PENNON_DATABASE_URL: _url, PENNON_ADMIN_TOKEN: _token, ...rest } = env;
  const base = loadConfig(rest, {
    ...overrides,
    port: overrides.port ?? (env.PENNON_PORT ? undefined : EDGE_DEFAULT_PORT),
    dataDir: overrides.dataDir ?? (env.PENNON_DATA_DIR || '.pennon-edge'),
  });
  const upstream = parseUpstream(overrides.upstream ?? (env.PENNON_UPSTREAM || undefined));
  const serverKeys = parseServerKeys(overrides.serverKeys ?? splitList(env.PENNON_SERVER_KEYS));
  const identities = overrides.identities ?? parseIdentityMode(env.PENNON_EDGE_IDENTITIES || 'transient');
  return {
    port: base.port,
    host: base.host,
    dataDir: path.resolve(base.dataDir),
    logLevel: base.logLevel,
    sdkRateLimit: base.sdkRateLimit,
    sdkAddressRateLimit: base.sdkAddressRateLimit,
    requestTimeoutSeconds: base.requestTimeoutSeconds,
    maxConnections: base.maxConnections,
    maxConnectionsPerAddress: base.maxConnectionsPerAddress,
    eventBytesPerSecond: base.eventBytesPerSecond,
    publicUrl: base.publicUrl,
    adminCorsOrigins: [],
    upstream,
    serverKeys,
    identities,
    pollIntervalSeconds:
      overrides.pollIntervalSeconds ??
      parseWhole('PENNON_EDGE_POLL_INTERVAL', env.PENNON_EDGE_POLL_INTERVAL, 30, 1),
    startTimeoutSeconds:
      overrides.startTimeoutSeconds ??
      parseWhole('PENNON_EDGE_START_TIMEOUT', env.PENNON_EDGE_START_TIMEOUT, 10, 1),
    maxBufferedEvents:
      overrides.maxBufferedEvents ??
      parseWhole('PENNON_EDGE_EVENT_BUFFER', env.PENNON_EDGE_EVENT_BUFFER, 100_000, 1),
  };
}

export function parseUpstream(raw: string | undefined): string {
  if (raw === undefined) {
    throw new ConfigError(
      'Name the Pennon server to follow: --upstream http://host:8420 (or PENNON_UPSTREAM).',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `--upstream must be an absolute http(s) URL such as http://host:8420 (got '${raw}').`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      `--upstream must be an absolute http(s) URL such as http://host:8420 (got '${raw}').`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

export function parseServerKeys(keys: string[]): string[] {
  if (keys.length === 0) {
    throw new ConfigError(
      'Give the server key of each environment to serve: --server-key ser.… (repeatable), or ' +
        'PENNON_SERVER_KEYS=ser.…,ser.…',
    );
  }
  for (const key of keys) {
    if (!key.startsWith(SERVER_KEY_PREFIX)) {
      throw new ConfigError(
        `--server-key takes server keys (${SERVER_KEY_PREFIX}…), not client keys or admin tokens ` +
          `(got one starting '${key.slice(0, 4)}'); create one under /api/admin/v1/environments/<environment>/server-keys.`,
      );
    }
  }
  return [...new Set(keys)];
}

export function parseIdentityMode(raw: string): IdentityMode {
  if (!IDENTITY_MODES.includes(raw as IdentityMode)) {
    throw new ConfigError(`--identities must be one of ${IDENTITY_MODES.join(', ')} (got '${raw}').`);
  }
  return raw as IdentityMode;
}

function splitList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
