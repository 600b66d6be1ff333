#!/usr/bin/env node
import { Command } from 'commander';
import { evalCommand } from './cli/eval.command.js';
import { importCommand } from './cli/import.command.js';
import { migrateCommand } from './cli/migrate.command.js';
import { serveCommand } from './cli/serve.command.js';

const program = new Command('pennon')
  .description('Pennon: feature flags, remote config and experiments')
  .version('0.1.0')
  .addCommand(serveCommand())
  .addCommand(migrateCommand())
  .addCommand(evalCommand())
  .addCommand(importCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  const { code, message } = error as { code?: string; message?: string };
  process.stderr.write(`pennon: ${message ?? String(error)}${code ? ` (${code})` : ''}\n`);
  process.exit(1);
});
