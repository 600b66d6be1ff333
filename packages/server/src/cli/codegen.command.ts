import fs from 'node:fs';
import { Command, Option } from 'commander';
import { invalid } from '../errors.js';
import { type FlagDeclaration, flagTypesModule } from './codegen.js';
import { readJsonFile } from './read-json.js';

interface CodegenFlags {
  out: string;
  document?: string;
  url: string;
  token?: string;
  project?: string;
}

/**
 * `pennon codegen --out flags.ts`: writes a TypeScript module of the project's flag keys and
 * value types, read through the admin API of a running server (admin token) or from a saved
 * environment document (no server needed, e.g. in a build without network).
 */
export function codegenCommand(): Command {
  return new Command('codegen')
    .description('write a TypeScript module of the flag keys and value types, for compile-time checked flags')
    .requiredOption('--out <file>', 'the module to write, e.g. src/flags.ts')
    .addOption(
      new Option('--document <file>', 'read an environment document (GET /api/sdk/v1/environment-document)'),
    )
    .addOption(new Option('--url <url>', 'the server, for the admin API').default('http://localhost:8420'))
    .addOption(new Option('--token <token>', 'admin token').env('PENNON_ADMIN_TOKEN'))
    .addOption(new Option('--project <id or name>', 'which project (needed when there are several)'))
    .action(async (flags: CodegenFlags) => {
      const { declarations, source } = flags.document
        ? fromDocument(flags.document)
        : await fromAdminApi(flags.url, flags.token, flags.project);
      fs.writeFileSync(flags.out, flagTypesModule(declarations, source));
      process.stdout.write(`Wrote ${declarations.length} flags to ${flags.out}\n`);
    });
}

function fromDocument(file: string): { declarations: FlagDeclaration[]; source: string } {
  const document = readJsonFile(file) as {
    environment?: { name?: string };
    context?: { features?: Record<string, { name?: string }> };
    feature_types?: Record<string, string>;
  };
  if (!document?.context?.features || !document.feature_types) {
    throw invalid(
      'not_an_environment_document',
      `${file} is not a Pennon environment document (GET /api/sdk/v1/environment-document with a server key).`,
    );
  }
  const types = document.feature_types;
  const declarations = Object.keys(document.context.features).map((key) => ({
    key,
    type: types[key] ?? 'json',
  }));
  return { declarations, source: `the environment document of ${document.environment?.name ?? file}` };
}

async function fromAdminApi(
  url: string,
  token: string | undefined,
  project: string | undefined,
): Promise<{ declarations: FlagDeclaration[]; source: string }> {
  if (!token) {
    throw invalid(
      'token_required',
      'Pass --token (or PENNON_ADMIN_TOKEN), or --document with a saved document.',
    );
  }
  const get = async (route: string) => {
    const response = await fetch(`${url.replace(/\/+$/, '')}/api/admin/v1${route}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok)
      throw invalid('admin_api_error', `GET ${route} → ${response.status} ${await response.text()}`);
    return response.json() as Promise<{ items: Record<string, unknown>[]; next_cursor?: string | null }>;
  };
  const every = async (route: string) => {
    const items: Record<string, unknown>[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await get(`${route}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return items;
  };
  const projects = await every('/projects');
  const chosen = project ? projects.filter((p) => p.id === project || p.name === project) : projects;
  if (chosen.length !== 1) {
    const names = projects.map((p) => `${p.name} (${p.id})`).join(', ');
    throw invalid('project_required', `Pick one project with --project; there are: ${names || 'none'}.`);
  }
  const [target] = chosen as [Record<string, unknown>];
  const features = await every(`/projects/${target.id}/features`);
  return {
    declarations: features.map((f) => ({
      key: String(f.key),
      type: String(f.type),
      description: (f.description as string | null) ?? null,
    })),
    source: `project ${target.name}`,
  };
}
