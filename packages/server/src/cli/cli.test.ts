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

  it.each(['serve', 'migrate', 'eval'])('explains `%s` with --help', async (command) => {
    const { stdout } = await run('node', [main, command, '--help']);
    expect(stdout).toContain(`Usage: pennon ${command}`);
  });

  it('refuses a bad flag value with a message naming the flag', async () => {
    await expect(
      run('node', [main, 'serve', '--sdk-rate-limit', 'lots', '--data-dir', dir]),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('--sdk-rate-limit'),
    });
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

  it('fails with a clear message on a malformed context', async () => {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{"environment":');
    await expect(run('node', [main, 'eval', '--context', file])).rejects.toMatchObject({
      stderr: expect.stringContaining('is not valid JSON'),
    });
  });

  describe('serve', () => {
    let child: ChildProcess | undefined;
    afterAll(() => {
      child?.kill('SIGKILL');
    });

    it('creates and prints an admin token once, serves /health, and shuts down on SIGTERM', async () => {
      const dataDir = path.join(dir, 'served');
      const port = await freePort();
      const first = serve(dataDir, port);
      child = first.child;
      await waitFor(() => first.output().includes('pat_'), 20_000);
      const token = /pat_[A-Za-z0-9_-]+/.exec(first.output())?.[0];
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
      const projects = await fetch(`http://127.0.0.1:${port}/api/admin/v1/projects`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(projects.status).toBe(200);

      const exited = new Promise<number | null>((resolve) => child?.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);

      // A second start on the same data prints no token: only the first start creates one.
      const second = serve(dataDir, port);
      child = second.child;
      await waitForHealth(port, 20_000);
      expect(second.output()).not.toContain('pat_');
      const secondExit = new Promise<number | null>((resolve) => child?.on('exit', resolve));
      child.kill('SIGINT');
      expect(await secondExit).toBe(0);
    }, 40_000);
  });
});

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
