import fs from 'node:fs';
import { Command, Option } from 'commander';
import { invalid } from '../errors.js';
import { UsersRepository } from '../users/users.repository.js';
import { CreateUser } from '../users/users.schema.js';
import { UsersService } from '../users/users.service.js';
import { checkSchema } from './check-schema.js';
import { withExistingInstallation } from './existing-database.js';
import { type CliFlags, databaseOptions } from './options.js';

type UserFlags = CliFlags & {
  email: string;
  name?: string;
  role: 'owner' | 'admin' | 'member';
  password?: string;
  passwordStdin?: boolean;
};

/**
 * `pennon user create`: a person who signs in to the console, for automation and for the
 * first real owner. `--password-stdin` keeps the password out of the process list and the
 * shell history; `--password` is there for throwaway setups. A running server accepts the
 * person at once.
 */
export function userCommand(): Command {
  const create = new Command('create')
    .description('create a person who signs in with an email and a password (stdout: their id)')
    .addOption(new Option('--email <email>', 'the email they sign in with').makeOptionMandatory())
    .addOption(new Option('--name <name>', 'how they are shown (default: the part of the email before @)'))
    .addOption(
      new Option('--role <role>', 'organisation role')
        .choices(['owner', 'admin', 'member'])
        .default('member'),
    )
    .addOption(new Option('--password-stdin', 'read the password from standard input (one line)'))
    .addOption(
      new Option(
        '--password <password>',
        'the password (visible to other local users: prefer --password-stdin)',
      ),
    );
  for (const option of databaseOptions) create.addOption(option);
  create.action(async (flags: UserFlags) => {
    const password = readPassword(flags);
    const input = checkSchema(
      CreateUser,
      { email: flags.email, name: flags.name ?? flags.email.split('@')[0], password, role: flags.role },
      'invalid_user',
      'user',
    );
    // Whoever can reach the database can do anything already: the command acts as an owner.
    const user = await withExistingInstallation(flags, ({ database, organisationId }) =>
      new UsersService(new UsersRepository(database.db)).create(organisationId, input, { role: 'owner' }),
    );
    process.stderr.write(
      `Created ${user.role} ${user.email} (id ${user.id}); they sign in at /api/admin/v1/auth/sign-in or the console.\n`,
    );
    process.stdout.write(`${user.id}\n`);
  });
  return new Command('user').description('manage people who sign in').addCommand(create);
}

function readPassword(flags: UserFlags): string {
  if (flags.passwordStdin && flags.password !== undefined) {
    throw invalid('invalid_user', 'Give either --password-stdin or --password, not both.');
  }
  if (flags.password !== undefined) return flags.password;
  if (!flags.passwordStdin) {
    throw invalid('invalid_user', 'Give the password with --password-stdin (or --password <password>).');
  }
  // One line: a trailing newline (from echo or a file) is not part of the password.
  return fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}
