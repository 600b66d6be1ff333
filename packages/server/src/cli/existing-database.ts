import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { PennonError } from '../errors.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import { type Database, isReady, openDatabase } from '../storage/database.js';
import { type CliFlags, toOverrides } from './options.js';

export interface ExistingInstallation {
  database: Database;
  organisationId: string;
}

/**
 * Runs `work` on the data a server created, whether or not that server is running now. It
 * never creates anything: a mistyped --data-dir must say so, not leave an empty database behind.
 */
export async function withExistingInstallation<T>(
  flags: CliFlags,
  work: (installation: ExistingInstallation) => Promise<T>,
): Promise<T> {
  const config = loadConfig(process.env, toOverrides(flags));
  if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'pennon.db'))) {
    throw noData(`No Pennon database in ${path.resolve(config.dataDir)}`);
  }
  const database = openDatabase(config);
  try {
    if (!(await isReady(database))) {
      throw noData(`${database.location} is not a migrated Pennon database (run \`pennon migrate\`)`);
    }
    const organisation = await new OrganisationsRepository(database.db).first();
    if (!organisation) throw noData(`${database.location} has no organisation yet`);
    return await work({ database, organisationId: organisation.id });
  } finally {
    await database.close();
  }
}

function noData(what: string): PennonError {
  return new PennonError(
    'not_found',
    'no_installation',
    `${what}: start \`pennon serve\` on it first, or point --data-dir / --database-url at the server's data.`,
  );
}
