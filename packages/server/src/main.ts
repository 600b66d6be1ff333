#!/usr/bin/env node
import { Command } from 'commander';
import { codegenCommand } from './cli/codegen.command.js';
import { edgeCommand } from './cli/edge.command.js';
import { evalCommand } from './cli/eval.command.js';
import { importCommand } from './cli/import.command.js';
import { keysCommand } from './cli/keys.command.js';
import { migrateCommand } from './cli/migrate.command.js';
import { serveCommand } from './cli/serve.command.js';
import { tokenCommand } from './cli/token.command.js';
import { userCommand } from './cli/user.command.js';
import { ConfigError } from './config.js';
import { isPennonError } from './errors.js';

const program = new Command('pennon')
  .description('Pennon: feature flags, remote config and experiments')
  .version('0.1.0')
  .addCommand(serveCommand())
  .addCommand(edgeCommand())
  .addCommand(migrateCommand())
  .addCommand(keysCommand())
  .addCommand(tokenCommand())
  .addCommand(userCommand())
  .addCommand(evalCommand())
  .addCommand(importCommand())
  .addCommand(codegenCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  const { code, message } = error as { code?: string; message?: string };
  process.stderr.write(`pennon: ${message ?? String(error)}${code ? ` (${code})` : ''}\n`);
  // Exit code 2 means "what you gave me is wrong" (a file or a flag value), as for usage errors;
  // 1 is everything else, so scripts can tell a bad input from a failure.
  // A worker of `serve --workers N` that could not start reports through its primary, as `badInput`.
  const badInput =
    error instanceof ConfigError ||
    (isPennonError(error) && error.kind === 'invalid') ||
    (error as { badInput?: unknown }).badInput === true;
  process.exit(badInput ? 2 : 1);
});
