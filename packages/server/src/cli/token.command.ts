import { Command, Option } from 'commander';
import { AdminTokensRepository } from '../auth/admin-tokens.repository.js';
import { CreateAdminToken } from '../auth/admin-tokens.schema.js';
import { AdminTokensService } from '../auth/admin-tokens.service.js';
import { checkSchema } from './check-schema.js';
import { withExistingInstallation } from './existing-database.js';
import { type CliFlags, databaseOptions } from './options.js';

/**
 * `pennon token create`: a new admin token for whoever can reach the data directory or the
 * database URL — the way back in when the first token is lost. A running server accepts it at
 * once (admin authentication reads tokens from storage on every request).
 */
export function tokenCommand(): Command {
  const create = new Command('create')
    .description('create an admin token and print it once (stdout: the token alone)')
    .addOption(new Option('--name <name>', 'what the token is for, shown in token listings').default('cli'))
    .addOption(
      new Option('--role <role>', "the token's organisation role")
        .choices(['owner', 'admin'])
        .default('owner'),
    );
  for (const option of databaseOptions) create.addOption(option);
  create.action(async (flags: CliFlags & { name: string; role: 'owner' | 'admin' }) => {
    const input = checkSchema(
      CreateAdminToken,
      { name: flags.name, role: flags.role },
      'invalid_token_name',
      '--name',
    );
    // Whoever can reach the database can do anything already: the command acts as an owner.
    const created = await withExistingInstallation(flags, ({ database, organisationId }) =>
      new AdminTokensService(new AdminTokensRepository(database.db)).create(organisationId, input, {
        role: 'owner',
      }),
    );
    // The token alone on stdout, so `TOKEN=$(pennon token create)` works; the rest is for people.
    process.stderr.write(
      `Created ${created.role} admin token "${created.name}" (id ${created.id}). It is shown only now; ` +
        'use it as "Authorization: Bearer <token>" on /api/admin/v1/.\n',
    );
    process.stdout.write(`${created.token}\n`);
  });
  return new Command('token').description('manage admin tokens').addCommand(create);
}
