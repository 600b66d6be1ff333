import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { migrateToLatest, openDatabase } from '../storage/database.js';
import { type CliFlags, databaseOptions, toOverrides } from './options.js';

export function migrateCommand(): Command {
  const command = new Command('migrate').description('apply pending database migrations, then exit');
  for (const option of databaseOptions) command.addOption(option);
  return command.action(async (flags: CliFlags) => {
    const config = loadConfig(process.env, toOverrides(flags));
    const database = openDatabase(config);
    try {
      const applied = await migrateToLatest(database);
      process.stdout.write(
        applied.length > 0
          ? `Applied ${applied.length} migration(s) to ${database.location}: ${applied.join(', ')}\n`
          : `${database.location} is up to date.\n`,
      );
    } finally {
      await database.close();
    }
  });
}
