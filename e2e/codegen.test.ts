import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { E2E_ADMIN_TOKEN, type E2eServer, startE2eServer } from './support/server.js';

/**
 * Typed flags end to end: `pennon codegen` (the built CLI) writes the module from a running
 * server or a saved document, and the TypeScript compiler then accepts an application's use of
 * existing flags and rejects a flag that was removed.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
let server: E2eServer;
let dir: string;
let projectId: string;
let environmentId: string;

beforeAll(async () => {
  await run('npx', ['tsc', '-b', 'packages/sdk-core', 'packages/js', 'packages/react', 'packages/server'], {
    cwd: root,
  });
  server = await startE2eServer();
  ({ projectId, environmentId } = await server.development());
  for (const [key, type] of [
    ['checkout_color', 'string'],
    ['dark_mode', 'boolean'],
    ['old_banner', 'string'],
  ]) {
    await server.admin('POST', `/projects/${projectId}/features`, { key, type, description: `the ${key}` });
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-codegen-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
  // The application sees the workspace's installed packages, as if it had installed the SDKs.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        types: [],
        skipLibCheck: true,
      },
      files: ['flags.ts', 'app.ts'],
    }),
  );
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const codegen = (...args: string[]) =>
  run(process.execPath, [path.join(root, 'packages/server/dist/main.js'), 'codegen', ...args], { cwd: dir });

/** Type-checks `app.ts` against the generated module; returns the compiler's complaints. */
const typecheck = async (app: string): Promise<string> => {
  fs.writeFileSync(path.join(dir, 'app.ts'), app);
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  return run(process.execPath, [tsc, '-p', dir]).then(
    () => '',
    (error: { stdout: string }) => error.stdout,
  );
};

const app = (flag: string) =>
  [
    "import { createClient } from '@pennon/js';",
    "import { useFlagValue } from '@pennon/react';",
    "const pennon = createClient({ clientKey: 'k', url: 'http://localhost:8420' });",
    "const color: string = pennon.getString('checkout_color', 'blue');",
    "const dark: boolean = pennon.isEnabled('dark_mode');",
    `export const banner = () => useFlagValue('${flag}', 'hello');`,
    'export { color, dark };',
  ].join('\n');

it('writes the module from the admin API; the compiler accepts existing flags and rejects a removed one', async () => {
  const { stdout } = await codegen('--out', 'flags.ts', '--url', server.url, '--token', E2E_ADMIN_TOKEN);
  expect(stdout).toContain('Wrote 3 flags to flags.ts');
  const module = fs.readFileSync(path.join(dir, 'flags.ts'), 'utf8');
  expect(module).toContain('readonly "dark_mode": boolean;');
  expect(module).toContain('/** the checkout_color */');
  expect(await typecheck(app('old_banner'))).toBe('');
  expect(await typecheck(app('no_such_flag'))).toMatch(/app\.ts.*error TS2345.*"no_such_flag"/);

  // The flag is deleted on the server; regenerating turns its use into a compile error.
  const features = await server.admin('GET', `/projects/${projectId}/features`);
  const old = features.items.find((f: { key: string }) => f.key === 'old_banner');
  await server.admin('DELETE', `/features/${old.id}`);
  await codegen('--out', 'flags.ts', '--url', server.url, '--token', E2E_ADMIN_TOKEN);
  expect(await typecheck(app('old_banner'))).toMatch(/error TS2345.*"old_banner"/);
}, 120_000);

it('writes the same declarations from a saved environment document, with no server', async () => {
  const serverKey = (await server.admin('POST', `/environments/${environmentId}/server-keys`, { name: 'cg' }))
    .key;
  const document = await fetch(`${server.url}/api/sdk/v1/environment-document`, {
    headers: { authorization: `Bearer ${serverKey}` },
  });
  fs.writeFileSync(path.join(dir, 'document.json'), await document.text());
  const { stdout } = await codegen('--out', 'flags.ts', '--document', 'document.json');
  expect(stdout).toContain('Wrote 2 flags');
  expect(await typecheck(app('dark_mode'))).toMatch(/TS2345|TS2322/);
  expect(await typecheck(app('checkout_color'))).toBe('');
  const failure = await codegen('--out', 'x.ts', '--document', 'package.json').catch((error) => error);
  expect(failure.code).toBe(2);
  expect(failure.stderr).toContain('not a Pennon environment document');
}, 120_000);
