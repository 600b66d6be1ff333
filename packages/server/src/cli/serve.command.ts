import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { startServer } from '../server.js';
import { gettingStarted, whereToLook } from './getting-started.js';
import { type CliFlags, databaseOptions, serverOptions, toOverrides } from './options.js';

export function serveCommand(): Command {
  const command = new Command('serve').description('run the Pennon server (admin API, SDK APIs, docs)');
  for (const option of [...serverOptions, ...databaseOptions]) command.addOption(option);
  return command.action(async (flags: CliFlags) => {
    const config = loadConfig(process.env, toOverrides(flags));
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
  });
}
