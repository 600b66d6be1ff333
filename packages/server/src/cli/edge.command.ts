import { Command, Option } from 'commander';
import { ConfigError } from '../config.js';
import {
  EDGE_DEFAULT_PORT,
  type EdgeOverrides,
  loadEdgeConfig,
  parseIdentityMode,
} from '../edge/edge-config.js';
import { startEdge } from '../edge/edge-server.js';
import { type CliFlags, serverOptions, toOverrides } from './options.js';

/** The serve options an edge also takes: it has no database, no admin API and no console. */
const SHARED = new Set(['--port', '--host', '--log-level', '--public-url']);
const NUMBER_FLAGS = new Set([
  '--sdk-rate-limit',
  '--sdk-address-rate-limit',
  '--request-timeout',
  '--max-connections',
  '--max-connections-per-address',
  '--event-bytes-per-second',
]);

/** Commander's parsed flags: every one a string, but `--server-key`, which repeats. */
interface EdgeFlags {
  serverKey?: string[];
  [flag: string]: string | string[] | undefined;
}

export function edgeCommand(): Command {
  const command = new Command('edge').description(
    'serve the SDK APIs from memory, following an upstream Pennon server (no database)',
  );
  command
    .addOption(
      new Option('--upstream <url>', 'the Pennon server to follow, e.g. http://host:8420 (PENNON_UPSTREAM)'),
    )
    .addOption(
      new Option(
        '--server-key <key>',
        'server key (ser.…) of an environment to serve; repeat for several (PENNON_SERVER_KEYS, comma-separated)',
      ).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    )
    .addOption(
      new Option(
        '--identities <mode>',
        'transient: evaluate with the traits sent, store nothing; forward: identities and traits live ' +
          'upstream (PENNON_EDGE_IDENTITIES, default transient)',
      ),
    )
    .addOption(
      new Option(
        '--data-dir <dir>',
        'where the last documents are kept, to start while the upstream is down (PENNON_DATA_DIR, default .pennon-edge)',
      ),
    )
    .addOption(
      new Option(
        '--poll-interval <seconds>',
        'polling while the upstream stream is down (PENNON_EDGE_POLL_INTERVAL, default 30)',
      ),
    )
    .addOption(
      new Option(
        '--start-timeout <seconds>',
        'wait this long for the upstream at start, then serve saved documents (PENNON_EDGE_START_TIMEOUT, default 10)',
      ),
    )
    .addOption(
      new Option(
        '--event-buffer <n>',
        'events and exposures held per environment for the upstream; beyond it batches get 503 (PENNON_EDGE_EVENT_BUFFER, default 100000)',
      ),
    );
  for (const option of serverOptions) {
    const flag = option.long ?? '';
    if (SHARED.has(flag) || NUMBER_FLAGS.has(flag)) {
      command.addOption(
        flag === '--port'
          ? new Option('--port <port>', `port to listen on (PENNON_PORT, default ${EDGE_DEFAULT_PORT})`)
          : option,
      );
    }
  }
  return command.action(async (flags: EdgeFlags) => {
    const config = loadEdgeConfig(process.env, edgeOverrides(flags));
    const edge = await startEdge(config);
    process.stdout.write(
      `\nPennon edge is running at ${edge.url}, following ${config.upstream} for ${config.serverKeys.length} ` +
        `environment(s); identities: ${config.identities}. Status: ${edge.url}/ready\n\n`,
    );
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      edge.app.log.info({ signal }, 'shutting down');
      edge.close().then(
        () => process.exit(0),
        (error: unknown) => {
          edge.app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });
}

function edgeOverrides({ serverKey, ...rest }: EdgeFlags): EdgeOverrides {
  const flags = rest as CliFlags;
  const overrides: EdgeOverrides = toOverrides(flags);
  if (flags.upstream !== undefined) overrides.upstream = flags.upstream;
  if (serverKey !== undefined) overrides.serverKeys = serverKey;
  if (flags.identities !== undefined) overrides.identities = parseIdentityMode(flags.identities);
  const whole = (flag: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ConfigError(`${flag} must be a whole number of at least 1 (got '${raw}').`);
    }
    return value;
  };
  overrides.pollIntervalSeconds = whole('--poll-interval', flags.pollInterval);
  overrides.startTimeoutSeconds = whole('--start-timeout', flags.startTimeout);
  overrides.maxBufferedEvents = whole('--event-buffer', flags.eventBuffer);
  return overrides;
}
