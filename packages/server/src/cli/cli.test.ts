import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The CLI is tested as users run it: the built program in a child process.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const main = path.join(repoRoot, 'packages/server/dist/main.js');
const run = promisify(execFile);

beforeAll(async () => {
  await run('npx', ['tsc', '-b', 'packages/engine', 'packages/server'], { cwd: repoRoot });
}, 120_000);

describe('pennon CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-cli-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs as the README says: `npx --no-install pennon --help` from the repository root', async () => {
    // Guards the bin link that a fresh clone's first install makes (CI runs on a fresh clone).
    const { stdout } = await run('npx', ['--no-install', 'pennon', '--help'], { cwd: repoRoot });
    expect(stdout).toContain('Usage: pennon');
    for (const command of ['serve', 'keys', 'token', 'user', 'eval', 'import'])
      expect(stdout).toContain(command);
  });

  it.each(['serve', 'edge', 'migrate', 'keys', 'token create', 'user create', 'eval'])(
    'explains `%s` with --help',
    async (command) => {
      const { stdout } = await run('node', [main, ...command.split(' '), '--help']);
      expect(stdout).toContain(`Usage: pennon ${command}`);
    },
  );

  it('refuses a bad flag value with a message naming the flag', async () => {
    await expect(
      run('node', [main, 'serve', '--sdk-rate-limit', 'lots', '--data-dir', dir]),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('--sdk-rate-limit'),
    });
  });

  it.each([
    [[], '--upstream http://host:8420'],
    [['--upstream', 'ftp://x'], 'must be an absolute http(s) URL'],
    [['--upstream', 'http://127.0.0.1:9'], '--server-key ser.…'],
    [['--upstream', 'http://127.0.0.1:9', '--server-key', 'client-key'], 'takes server keys (ser.…)'],
    [
      ['--upstream', 'http://127.0.0.1:9', '--server-key', 'ser.x', '--identities', 'kept'],
      'transient, forward',
    ],
    [['--upstream', 'http://127.0.0.1:9', '--server-key', 'ser.x', '--event-buffer', '0'], '--event-buffer'],
  ])('refuses `edge %j` with exit code 2 and says what to give', async (flags, message) => {
    const failure = await run('node', [main, 'edge', '--data-dir', dir, ...flags], {
      env: { PATH: process.env.PATH },
    }).catch((error) => error);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining(message) });
  });

  it('will not start an edge that has no document to serve, and says why', async () => {
    const failure = await run(
      'node',
      [
        main,
        'edge',
        '--upstream',
        'http://127.0.0.1:9',
        '--server-key',
        'ser.unknown',
        '--start-timeout',
        '1',
      ],
      { cwd: dir, env: { PATH: process.env.PATH } },
    ).catch((error) => error);
    expect(failure).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('none was saved in the data directory'),
    });
    expect(failure.stderr).toContain('edge_start_failed');
  });

  it('migrates an empty SQLite directory, then reports it up to date', async () => {
    const first = await run('node', [main, 'migrate', '--data-dir', dir]);
    expect(first.stdout).toMatch(/Applied 1 migration\(s\)|Applied \d+ migration/);
    const second = await run('node', [main, 'migrate', '--data-dir', dir]);
    expect(second.stdout).toContain('up to date');
  });

  it('explains why a user got a value with `eval`', async () => {
    const file = path.join(dir, 'context.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        environment: { key: 'env', name: 'Production' },
        identity: { identifier: 'ana', traits: { plan: 'pro' } },
        features: { banner: { key: '1', name: 'banner', enabled: true, value: 'hello' } },
        segments: {
          '7': {
            key: '7',
            name: 'pro users',
            rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'pro' }] }],
            overrides: [{ key: '2', name: 'banner', enabled: true, value: 'welcome, pro', priority: 0 }],
          },
        },
      }),
    );
    const { stdout } = await run('node', [main, 'eval', '--context', file]);
    const result = JSON.parse(stdout);
    expect(result.flags.banner).toMatchObject({
      value: 'welcome, pro',
      reason: 'TARGETING_MATCH; segment=pro users',
    });
    expect(result.segments).toEqual([{ name: 'pro users' }]);

    const other = await run('node', [
      main,
      'eval',
      '--context',
      file,
      '--identifier',
      'bo',
      '--trait',
      'plan=free',
    ]);
    expect(JSON.parse(other.stdout).flags.banner).toMatchObject({ value: 'hello', reason: 'DEFAULT' });
  });

  it.each([
    ['{}', 'none of what pennon eval reads'],
    ['[1, 2]', 'is not a JSON object'],
    ['{"api_key": "k", "feature_states": []}', 'looks like a Flagsmith environment document but is not one'],
    ['{"environment": {"key": 1}}', 'is an evaluation context but it has no environment {key, name}'],
    ['{"environment": {}, "context": {"features": {}}}', 'is a Pennon environment document but its context'],
    ['{"environment":', 'is not valid JSON'],
  ])('refuses %s with exit code 2 and says what it expected', async (text, message) => {
    const file = path.join(dir, 'unreadable.json');
    fs.writeFileSync(file, text);
    const failure = await run('node', [main, 'eval', '--context', file]).catch((error) => error);
    expect(failure).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining(message) });
    if (message.startsWith('none of')) {
      for (const kind of ['evaluation context', 'Pennon', 'Flagsmith environment document']) {
        expect(failure.stderr).toContain(kind);
      }
    }
  });

  it('says where no data is, rather than creating an empty database', async () => {
    const missing = path.join(dir, 'no-such-data');
    await expect(run('node', [main, 'keys', '--data-dir', missing])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('No Pennon database'),
    });
    expect(fs.existsSync(missing)).toBe(false);
  });

  describe('a served data directory', () => {
    let dataDir: string;
    let port: number;
    let child: ChildProcess | undefined;
    let firstOutput = '';
    const api = (route: string, token: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${port}${route}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
    beforeAll(async () => {
      dataDir = path.join(dir, 'served');
      port = await freePort();
      const first = serve(dataDir, port);
      child = first.child;
      await waitForHealth(port, 30_000);
      // The block is written right after listening; give the pipe a moment.
      await waitFor(() => first.output().includes('npx pennon keys'), 5_000);
      firstOutput = first.output();
    }, 40_000);
    afterAll(() => {
      child?.kill('SIGKILL');
    });

    it('prints a getting-started block on first start, with a working admin token', async () => {
      const keys = JSON.parse((await run('node', [main, 'keys', '--json', '--data-dir', dataDir])).stdout);
      const [project] = keys.projects;
      expect(firstOutput).toContain(`Project "${project.name}" (id ${project.id})`);
      for (const environment of project.environments) {
        expect(firstOutput).toMatch(new RegExp(`${environment.key} +${environment.client_key}`));
      }
      expect(project.environments.map((e: { key: string }) => e.key)).toEqual(['development', 'production']);
      expect(firstOutput).toContain(`http://127.0.0.1:${port}/api/docs`);
      expect(firstOutput).toContain(
        `curl -X POST http://127.0.0.1:${port}/api/admin/v1/environments/${project.environments[0].id}/server-keys`,
      );
      expect(firstOutput).toContain('npx pennon token create');
      const token = /pat_[A-Za-z0-9_-]+/.exec(firstOutput)?.[0] as string;
      expect((await api('/api/admin/v1/projects', token)).status).toBe(200);
    });

    it('prints the first owner’s sign-in once, and it signs in', async () => {
      const match = /Sign in {6}(\S+) \/ (\S+)/.exec(firstOutput);
      expect(match?.[1]).toBe('admin@localhost');
      const signedIn = await fetch(`http://127.0.0.1:${port}/api/admin/v1/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: match?.[1], password: match?.[2] }),
      });
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers.get('set-cookie')).toMatch(/^pennon_session=/);
    });

    it('creates a person with `user create --password-stdin` who then signs in to the running server', async () => {
      const created = await runWithInput(
        [
          main,
          'user',
          'create',
          '--email',
          'ops@example.com',
          '--role',
          'admin',
          '--password-stdin',
          '--data-dir',
          dataDir,
        ],
        'a password from stdin\n',
      );
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout.trim()).toMatch(/^[0-9a-f]{32}$/);
      expect(created.stderr).toContain('Created admin ops@example.com');
      const signedIn = await fetch(`http://127.0.0.1:${port}/api/admin/v1/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ops@example.com', password: 'a password from stdin' }),
      });
      expect(signedIn.status).toBe(200);
      const cookie = String(signedIn.headers.get('set-cookie')).split(';')[0];
      const me = await (
        await fetch(`http://127.0.0.1:${port}/api/admin/v1/auth/me`, { headers: { cookie } })
      ).json();
      expect(me.organisation_role).toBe('admin');
    });

    it('refuses `user create` without a password, with a short one, or with an unknown role (exit 2)', async () => {
      for (const args of [
        ['--email', 'x@example.com'],
        ['--email', 'x@example.com', '--password', 'short'],
        ['--email', 'x@example.com', '--password', 'long enough password', '--role', 'god'],
      ]) {
        const result = await runWithInput([main, 'user', 'create', ...args, '--data-dir', dataDir], '');
        expect(result.code, result.stderr).not.toBe(0);
        expect(result.stderr).toMatch(/password|role/);
      }
    });

    it('lists environments and client keys with `keys`, as a table and as JSON, never a server key', async () => {
      const { stdout: json } = await run('node', [main, 'keys', '--json', '--data-dir', dataDir]);
      const environments = JSON.parse(json).projects[0].environments;
      const { stdout: table } = await run('node', [main, 'keys', '--data-dir', dataDir]);
      expect(table).toMatch(/^PROJECT +ENVIRONMENT +ENVIRONMENT ID +CLIENT KEY$/m);
      for (const e of environments) {
        expect(table).toMatch(new RegExp(`^Default project +${e.key} +${e.id} +${e.client_key}$`, 'm'));
      }
      expect(table).toContain('/server-keys');
      expect(`${json}${table}`).not.toMatch(/ser\.[A-Za-z0-9]/);
    });

    it('creates an admin token with `token create` that the running server accepts', async () => {
      const created = await run('node', [main, 'token', 'create', '--name', 'ci', '--data-dir', dataDir]);
      const token = created.stdout.trim();
      expect(token).toMatch(/^pat_[A-Za-z0-9_-]+$/);
      expect(created.stderr).toContain('"ci"');
      const projects = await api('/api/admin/v1/projects', token);
      expect(projects.status).toBe(200);
      const { projects: listed } = JSON.parse(
        (await run('node', [main, 'keys', '--json', '--data-dir', dataDir])).stdout,
      );
      // The way to a server key the first start and `keys` print works with the new token.
      const serverKey = await api(
        `/api/admin/v1/environments/${listed[0].environments[0].id}/server-keys`,
        token,
        {
          method: 'POST',
          body: JSON.stringify({ name: 'my-service' }),
        },
      );
      expect(serverKey.status).toBe(201);
      expect((await serverKey.json()).key).toMatch(/^ser\./);
      const tokens = await (await api('/api/admin/v1/admin-tokens', token)).json();
      expect(tokens.items.map((t: { name: string }) => t.name)).toContain('ci');
    });

    it('evaluates a Flagsmith document, its import as Pennon document, and its context alike', async () => {
      const flagsmithFile = path.join(dir, 'flagsmith.json');
      fs.writeFileSync(flagsmithFile, JSON.stringify(flagsmithDocument));
      const imported = JSON.parse(
        (await run('node', [main, 'import', 'flagsmith', flagsmithFile, '--data-dir', dataDir])).stdout,
      );
      const response = await fetch(`http://127.0.0.1:${port}/api/sdk/v1/environment-document`, {
        headers: { 'x-environment-key': imported.server_key },
      });
      expect(response.status).toBe(200);
      const pennonDocument = await response.json();
      const pennonFile = path.join(dir, 'pennon-document.json');
      fs.writeFileSync(pennonFile, JSON.stringify(pennonDocument));
      const contextFile = path.join(dir, 'pennon-context.json');
      fs.writeFileSync(contextFile, JSON.stringify(pennonDocument.context));

      const inputs = [
        [flagsmithFile, 'as a Flagsmith environment document'],
        [pennonFile, 'as a Pennon environment document'],
        [contextFile, 'as an evaluation context'],
      ] as const;
      for (const user of [
        ['--identifier', 'ana', '--trait', 'plan=pro'],
        ['--identifier', 'bo', '--trait', 'plan=free'],
        ['--identifier', 'vip'],
      ]) {
        const results = [];
        for (const [file, detected] of inputs) {
          const { stdout, stderr } = await run('node', [main, 'eval', '--context', file, ...user]);
          expect(stderr).toContain(detected);
          results.push(JSON.parse(stdout));
        }
        const [fromFlagsmith, ...others] = results;
        for (const other of others) {
          expect(other.flags).toEqual(fromFlagsmith.flags);
          expect(other.segments.map((s: { name: string }) => s.name)).toEqual(
            fromFlagsmith.segments.map((s: { name: string }) => s.name),
          );
        }
        if (user[1] === 'ana') {
          expect(fromFlagsmith.flags.banner).toMatchObject({
            value: 'welcome, pro',
            reason: 'TARGETING_MATCH; segment=pro users',
          });
          expect(fromFlagsmith.flags.checkout.reason).toMatch(/^SPLIT; weight=50$/);
        }
        if (user[1] === 'vip') expect(fromFlagsmith.flags.banner.value).toBe('hi, vip');
      }
    }, 60_000);

    it('prints where to look on later starts, never a secret, and shuts down on signals', async () => {
      const exited = new Promise<number | null>((resolve) => child?.on('exit', resolve));
      child?.kill('SIGTERM');
      expect(await exited).toBe(0);

      const second = serve(dataDir, port);
      child = second.child;
      await waitForHealth(port, 30_000);
      await waitFor(() => second.output().includes('pennon token create'), 5_000);
      const output = second.output();
      expect(output).not.toMatch(/pat_|ser\./);
      expect(output).toContain(`http://127.0.0.1:${port}/api/docs`);
      expect(output).toContain('npx pennon keys');
      const secondExit = new Promise<number | null>((resolve) => child?.on('exit', resolve));
      child.kill('SIGINT');
      expect(await secondExit).toBe(0);
    }, 40_000);
  });
});

/** A Flagsmith environment document with a segment override, a multivariate flag and an identity override. */
const flagsmithDocument = {
  api_key: 'flagsmith-cli-test-key',
  name: 'Flagsmith production',
  project: {
    name: 'Flagsmith project',
    hide_disabled_flags: false,
    segments: [
      {
        id: 42,
        name: 'pro users',
        rules: [
          {
            type: 'ALL',
            rules: [{ type: 'ANY', conditions: [{ operator: 'EQUAL', property_: 'plan', value: 'pro' }] }],
          },
        ],
        feature_states: [
          {
            feature: { id: 1, name: 'banner', type: 'STANDARD' },
            enabled: true,
            feature_state_value: 'welcome, pro',
            django_id: 900,
            feature_segment: { priority: 0 },
          },
        ],
      },
    ],
  },
  feature_states: [
    {
      feature: { id: 1, name: 'banner', type: 'STANDARD' },
      enabled: true,
      feature_state_value: 'hello',
      django_id: 101,
    },
    {
      feature: { id: 2, name: 'checkout', type: 'MULTIVARIATE' },
      enabled: true,
      feature_state_value: 'classic',
      django_id: 102,
      multivariate_feature_state_values: [
        { id: 501, percentage_allocation: 50, multivariate_feature_option: { id: 11, value: 'one-page' } },
        { id: 502, percentage_allocation: 50, multivariate_feature_option: { id: 12, value: 'wizard' } },
      ],
    },
  ],
  identity_overrides: [
    {
      identifier: 'vip',
      identity_features: [
        {
          feature: { id: 1, name: 'banner' },
          enabled: true,
          feature_state_value: 'hi, vip',
          django_id: 7001,
        },
      ],
    },
  ],
};

/** A port nothing listens on right now: the kernel picks it for a moment's listener. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/** Starts `pennon serve` on loopback and collects what it prints. */
/** Runs the CLI with `input` on its standard input; resolves with its exit code and output. */
function runWithInput(
  args: string[],
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

function serve(dataDir: string, port: number): { child: ChildProcess; output: () => string } {
  const child = spawn('node', [
    main,
    'serve',
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--data-dir',
    dataDir,
    '--log-level',
    'warn',
  ]);
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  return { child, output: () => out };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitForHealth(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('server did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
}
