import { Command, Option } from 'commander';
import { EnvironmentsRepository } from '../environments/environments.repository.js';
import { ProjectsRepository } from '../projects/projects.repository.js';
import { everyPage } from '../storage/paging.js';
import { withExistingInstallation } from './existing-database.js';
import { type CliFlags, databaseOptions } from './options.js';

export interface ProjectKeys {
  id: string;
  name: string;
  environments: { id: string; key: string; name: string; client_key: string }[];
}

/**
 * `pennon keys`: every project's environments with their client keys, read from the database
 * (a server may be running on it or not). Client keys are public; server keys are secrets and
 * are never printed, only how to create one.
 */
export function keysCommand(): Command {
  const command = new Command('keys')
    .description('list environments and their client keys (public); explains how to get a server key')
    .addOption(new Option('--json', 'print JSON for scripts: {projects:[{id,name,environments:[…]}]}'));
  for (const option of databaseOptions) command.addOption(option);
  return command.action(async (flags: CliFlags & { json?: boolean }) => {
    const projects = await withExistingInstallation(flags, async ({ database, organisationId }) => {
      const environments = new EnvironmentsRepository(database.db);
      const rows = await everyPage((page) => new ProjectsRepository(database.db).list(organisationId, page));
      const result: ProjectKeys[] = [];
      for (const project of rows) {
        const envs = await everyPage((page) => environments.list(project.id, page));
        result.push({
          id: project.id,
          name: project.name,
          environments: envs.map((e) => ({ id: e.id, key: e.key, name: e.name, client_key: e.client_key })),
        });
      }
      return result;
    });
    process.stdout.write(flags.json ? `${JSON.stringify({ projects }, null, 2)}\n` : keysTable(projects));
  });
}

function keysTable(projects: ProjectKeys[]): string {
  const header = ['PROJECT', 'ENVIRONMENT', 'ENVIRONMENT ID', 'CLIENT KEY'];
  const rows = projects.flatMap((p) => p.environments.map((e) => [p.name, e.key, e.id, e.client_key]));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    ...rows.map(line),
    '',
    'Client keys are public (browsers and apps). Server keys ("ser.…") are secret and not listed;',
    'create one per service with the admin API:',
    '  curl -X POST <server>/api/admin/v1/environments/<ENVIRONMENT ID>/server-keys \\',
    `    -H "Authorization: Bearer <admin token>" -H 'content-type: application/json' -d '{"name":"my-service"}'`,
    '',
  ].join('\n');
}
