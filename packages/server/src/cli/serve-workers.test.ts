import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailableReason, TEST_POSTGRES_URL } from '../testing/databases.js';
import { SseReader, until } from '../testing/sse-client.js';

// `pennon serve --workers 2` as users run it: the built program, a real process tree, real HTTP.
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const main = path.join(repoRoot, 'packages/server/dist/main.js');
const ADMIN_TOKEN = 'pat_workers-test-admin-token-0123456789';

beforeAll(async () => {
  await promisify(execFile)('npx', ['tsc', '-b', 'packages/engine', 'packages/server'], { cwd: repoRoot });
}, 120_000);

const pgSkip = await postgresUnavailableReason();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}, 30_000);

describe('pennon serve --workers 2 on SQLite', () => {
  workerCases(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-workers-'));
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    return ['--data-dir', dir];
  }, 'immediately');
});

(pgSkip ? describe.skip : describe)(
  `pennon serve --workers 2 on PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ''}`,
  () => {
    // Each worker LISTENs on its own connection; a publisher waits only for its own echo, so
    // the sibling hears the change an instant later rather than before the admin response.
    workerCases(async () => ['--database-url', await freshDatabase()], 'eventually');
  },
);

function workerCases(databaseArgs: () => Promise<string[]>, siblingSees: 'immediately' | 'eventually'): void {
  let server: Served;
  let clientKey: string;
  let projectId: string;
  const readers: SseReader[] = [];

  beforeAll(async () => {
    server = await serve(await databaseArgs());
    const projects = (await admin(server, 'GET', '/projects')) as { items: { id: string }[] };
    projectId = projects.items[0]?.id as string;
    const environments = (await admin(server, 'GET', `/projects/${projectId}/environments`)) as {
      items: { key: string; client_key: string }[];
    };
    clientKey = environments.items.find((e) => e.key === 'development')?.client_key as string;
  }, 60_000);
  afterAll(async () => {
    for (const reader of readers) reader.close();
    await stop(server);
  });

  it('migrates, bootstraps and prints the getting-started block once, then serves from both workers', async () => {
    expect(server.output().match(/First start: here is how to begin/g)).toHaveLength(1);
    expect(server.output()).toContain('Admin token  the one given in PENNON_ADMIN_TOKEN');
    const answers = await fromEveryWorker(server, '/health');
    expect([...answers.keys()].sort()).toEqual(['1', '2']);
  });

  it('brings a change made through one worker to SDK requests and streams served by both', async () => {
    // New connections are dealt to the workers in turn: enough streams land on each.
    for (let n = 0; n < 8 && new Set(readers.map(workerOf)).size < 2; n++) {
      const reader = await SseReader.open(`${server.url}/api/sdk/v1/stream?key=${clientKey}`);
      readers.push(reader);
      await reader.next((e) => e.event === 'change');
    }
    expect(new Set(readers.map(workerOf))).toEqual(new Set(['1', '2']));

    await admin(server, 'POST', `/projects/${projectId}/features`, { key: 'workers_flag', type: 'boolean' });

    const flagsOn = async () => {
      const answers = await fromEveryWorker(server, '/api/v1/flags/', { 'x-environment-key': clientKey });
      return [...answers.values()].map((body) =>
        (JSON.parse(body) as { feature: { name: string } }[]).some((f) => f.feature.name === 'workers_flag'),
      );
    };
    if (siblingSees === 'immediately') {
      // The relay acknowledged the change to the writing worker only once the other had it.
      expect(await flagsOn()).toEqual([true, true]);
    } else {
      const deadline = Date.now() + 5_000;
      let seen = await flagsOn();
      while (!seen.every(Boolean) && Date.now() < deadline) seen = await flagsOn();
      expect(seen).toEqual([true, true]);
    }
    for (const reader of readers) {
      const changed = await reader.next((e) => e.event === 'change', 10_000);
      expect(JSON.parse(changed.data).etag).toBeTypeOf('string');
    }
  }, 30_000);

  it('takes changes made through both workers at once, none refused as busy', async () => {
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, n) =>
        requestOnNewConnection(`${server.url}/api/admin/v1/projects/${projectId}/features`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ key: `concurrent_${n}`, type: 'string' }),
        }),
      ),
    );
    expect(new Set(results.map((r) => r.worker))).toEqual(new Set(['1', '2']));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
  }, 30_000);

  it('restarts a worker that dies, and says so', async () => {
    expect(listeningWorkers(server)).toBe(2);
    const [victim] = childPids(server.child.pid as number);
    expect(victim).toBeTypeOf('number');
    process.kill(victim as number, 'SIGKILL');
    await until(
      () => /worker exited unexpectedly; restarting it/.test(server.output()),
      'the restart log',
      10_000,
    );
    await until(() => listeningWorkers(server) === 3, 'the new worker to listen', 20_000);
    expect(childPids(server.child.pid as number)).not.toContain(victim);
    let ids: string[] = [];
    for (let round = 0; round < 50 && ids.length < 2; round++) {
      ids = [...(await fromEveryWorker(server, '/health')).keys()];
    }
    expect(ids.sort()).toEqual(['1', '2']);
  }, 40_000);

  it('shuts every worker down on SIGTERM, ending the streams, and exits 0', async () => {
    const open = readers.filter((r) => !r.ended);
    const pids = childPids(server.child.pid as number);
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until(() => open.every((r) => r.ended), 'every stream to end');
    for (const pid of pids) expect(alive(pid)).toBe(false);
  }, 40_000);
}

interface Served {
  url: string;
  child: ChildProcess;
  output: () => string;
}

async function serve(args: string[]): Promise<Served> {
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PENNON_')));
  const child = spawn(
    process.execPath,
    [
      main,
      'serve',
      '--workers',
      '2',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--admin-token',
      ADMIN_TOKEN,
      ...args,
    ],
    { cwd: repoRoot, env: { ...env, PENNON_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const served = { url: `http://127.0.0.1:${port}`, child, output: () => out };
  await until(
    () => out.includes('npx pennon keys') || child.exitCode !== null,
    'the server to start',
    45_000,
  );
  if (child.exitCode !== null) throw new Error(`pennon serve exited (${child.exitCode}):\n${out}`);
  return served;
}

async function stop(server: Served): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** GETs `route` on new connections (dealt to the workers in turn) until both workers answered. */
async function fromEveryWorker(
  server: Served,
  route: string,
  headers: Record<string, string> = {},
): Promise<Map<string, string>> {
  const answers = new Map<string, string>();
  for (let n = 0; n < 10 && answers.size < 2; n++) {
    const { worker, body, status } = await getOnNewConnection(`${server.url}${route}`, headers);
    expect(status).toBe(200);
    answers.set(worker, body);
  }
  return answers;
}

function getOnNewConnection(url: string, headers: Record<string, string>) {
  return requestOnNewConnection(url, { method: 'GET', headers });
}

/** One request on a connection of its own, so the primary deals it to the next worker. */
function requestOnNewConnection(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: string },
): Promise<{ worker: string; body: string; status: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { agent: false, method: options.method, headers: options.headers },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({
            worker: String(response.headers['x-pennon-worker']),
            body,
            status: response.statusCode ?? 0,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** How many times a worker said it listens (each worker logs it once per start). */
const listeningWorkers = (server: Served) => server.output().match(/"msg":"pennon listening"}/g)?.length ?? 0;

const workerOf = (reader: SseReader) => reader.response.headers.get('x-pennon-worker');

/** The worker processes of the primary (Linux: the kernel lists a task's children). */
function childPids(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function admin(server: Served, method: string, route: string, body?: object): Promise<unknown> {
  const response = await fetch(`${server.url}/api/admin/v1${route}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A database of its own on the test server, dropped afterwards. */
async function freshDatabase(): Promise<string> {
  const name = `pennon_workers_${Date.now().toString(36)}_${process.pid}`;
  const adminClient = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await adminClient.connect();
  await adminClient.query(`create database "${name}"`);
  await adminClient.end();
  cleanups.push(async () => {
    const cleaner = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await cleaner.connect();
    try {
      await cleaner.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await cleaner.end();
    }
  });
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}
