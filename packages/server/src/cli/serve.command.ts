import cluster from 'node:cluster';
import { Command, Option } from 'commander';
import { ConfigError, loadConfig, loadWorkers } from '../config.js';
import { isPennonError } from '../errors.js';
import { startServer } from '../server.js';
import { gettingStarted, whereToLook } from './getting-started.js';
import { type CliFlags, databaseOptions, serverOptions, toOverrides } from './options.js';
import { runPrimary, WORKER_ID_VARIABLE } from './serve-primary.js';
import { runWorker } from './serve-worker.js';

export function serveCommand(): Command {
  const command = new Command('serve').description('run the Pennon server (admin API, SDK APIs, docs)');
  for (const option of [...serverOptions, ...databaseOptions]) command.addOption(option);
  command.addOption(
    new Option(
      '--workers <n>',
      'processes sharing the port, 1 for a single process (PENNON_WORKERS, default: one per core)',
    ),
  );
  return command.action(async (flags: CliFlags & { workers?: string }) => {
    const config = loadConfig(process.env, toOverrides(flags));
    // A forked worker runs this same command line; the variable tells it which one it is.
    if (cluster.isWorker) return runWorker(config, Number(process.env[WORKER_ID_VARIABLE]), isBadInput);
    const workers = loadWorkers(process.env, flags.workers);
    if (workers > 1) return runPrimary(config, workers);
    return serveAlone(config);
  });
}

/** Exit code 2 in main.ts: what the user gave is wrong, not the machine. */
function isBadInput(error: unknown): boolean {
  return error instanceof ConfigError || (isPennonError(error) && error.kind === 'invalid');
}

/** `--workers 1`: one process, no primary. */
async function serveAlone(config: ReturnType<typeof loadConfig>): Promise<void> {
  const server = await startServer(config);
  // To stdout and not the log: the admin token in the first-start block is shown only there.
  process.stdout.write(
    server.firstStart ? gettingStarted(server.url, server.firstStart) : whereToLook(server.url),
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    server.app.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
