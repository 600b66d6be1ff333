import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { PennonError } from '../errors.js';
import { FlagsmithEnvironmentDocument } from '../imports/flagsmith-document.schema.js';
import { FlagsmithImportService } from '../imports/flagsmith-import.service.js';
import { bootstrap } from '../organisations/bootstrap.js';
import { OrganisationsRepository } from '../organisations/organisations.repository.js';
import type { ChangeBus } from '../realtime/change-bus.js';
import { openChangeBus } from '../realtime/open-change-bus.js';
import { ChangeRecorder } from '../shared/changes.js';
import { migrateToLatest, openDatabase } from '../storage/database.js';
import { checkSchema } from './check-schema.js';
import { type CliFlags, databaseOptions, toOverrides } from './options.js';
import { readJsonFile } from './read-json.js';

/**
 * `pennon import flagsmith FILE`: imports a Flagsmith environment document straight into the
 * database, with or without a server running on it (a running server sees the change through
 * the database), and prints the client key and a new server key as JSON.
 */
export function importCommand(): Command {
  const flagsmith = new Command('flagsmith')
    .description(
      "import a Flagsmith environment document (as /api/v1/environment-document/ serves it); '-' reads stdin",
    )
    .argument('<file>', 'environment document JSON file');
  for (const option of databaseOptions) flagsmith.addOption(option);
  flagsmith.action(async (file: string, flags: CliFlags) => {
    const document = readDocument(file);
    const config = loadConfig(process.env, toOverrides(flags));
    const database = openDatabase(config);
    let bus: ChangeBus | undefined;
    try {
      await migrateToLatest(database);
      // Servers running on the same database hear of the import like any other change.
      bus = await openChangeBus(database);
      const boot = await bootstrap(database.db, { adminToken: config.adminToken });
      const organisation = await new OrganisationsRepository(database.db).first();
      if (!organisation)
        throw new PennonError('internal', 'no_organisation', 'The first start left no organisation.');
      const result = await new FlagsmithImportService(
        database.db,
        database.dialect,
        new ChangeRecorder(bus),
      ).import(organisation.id, document);
      const output = {
        client_key: result.client_key,
        server_key: result.server_key,
        environment_id: result.environment_id,
        counts: result.counts,
      };
      process.stdout.write(
        `${JSON.stringify(boot?.adminToken ? { ...output, admin_token: boot.adminToken } : output, null, 2)}\n`,
      );
    } finally {
      await bus?.close();
      await database.close();
    }
  });
  return new Command('import').description('import configuration from another system').addCommand(flagsmith);
}

/** The same schema the admin endpoint validates with, so both paths accept the same documents. */
function readDocument(file: string): FlagsmithEnvironmentDocument {
  return checkSchema(
    FlagsmithEnvironmentDocument,
    readJsonFile(file),
    'invalid_document',
    'Not a Flagsmith environment document',
  );
}
