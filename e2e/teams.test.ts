import { type ChildProcess, execFile, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailableReason, TEST_POSTGRES_URL } from '../packages/server/src/testing/databases.js';

/**
 * Change requests and scheduled changes across two real `pennon serve` processes on one
 * PostgreSQL database: a scheduled change is applied once whichever process polls, and two
 * commits racing on one flag through different processes end with one winner and one clear
 * conflict.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_TOKEN = 'pat_e2e-teams-admin-token-0123456789abc';

// biome-ignore lint/suspicious/noExplicitAny: tests read admin payloads ad hoc.
type Payload = any;

interface Pennon {
  url: string;
  process: ChildProcess;
  output: string[];
}

const started: Pennon[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  await Promise.all(started.splice(0).map(stop));
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}, 30_000);

const pgSkip = await postgresUnavailableReason();

(pgSkip ? describe.skip : describe)(
  pgSkip
    ? `change requests on two pennon processes (skipped: ${pgSkip})`
    : 'change requests on two pennon processes sharing one PostgreSQL database',
  () => {
    let a: Pennon;
    let b: Pennon;
    let reviewerToken: string;
    let databaseUrl: string;
    let development: string;
    let production: string;

    beforeAll(async () => {
      // The children run the compiled program, so compile what the tests are about to exercise.
      await promisify(execFile)('npx', ['tsc', '-b', 'packages/engine', 'packages/server'], {
        cwd: root,
      }).catch((error: { stdout?: string; stderr?: string }) => {
        throw new Error(`The build failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      });
      databaseUrl = await freshDatabase();
      // One after the other: the first migrates and bootstraps, the second finds it done.
      a = await serve(['--database-url', databaseUrl]);
      b = await serve(['--database-url', databaseUrl]);
      const projectId = (await admin(a, 'GET', '/projects')).items[0].id;
      const environments = (await admin(a, 'GET', `/projects/${projectId}/environments`)).items as {
        id: string;
        key: string;
      }[];
      development = environments.find((e) => e.key === 'development')?.id as string;
      production = environments.find((e) => e.key === 'production')?.id as string;
      for (let i = 0; i < 5; i++) {
        await admin(a, 'POST', `/projects/${projectId}/features`, { key: `scheduled_${i}`, type: 'string' });
      }
      await admin(a, 'POST', `/projects/${projectId}/features`, { key: 'launch', type: 'string' });
      reviewerToken = (await admin(a, 'POST', '/admin-tokens', { name: 'reviewer' })).token;
      await admin(b, 'PATCH', `/environments/${production}`, { requires_approval: 1 });
    }, 240_000);

    it('applies each scheduled change once, whichever process polls first', async () => {
      // Due in two seconds: both processes poll every second, so both see them come due.
      const at = new Date(Date.now() + 2000).toISOString();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const server = i % 2 === 0 ? a : b;
        const created = await admin(server, 'POST', `/environments/${development}/scheduled-changes`, {
          changes: [{ kind: 'feature_state', feature: `scheduled_${i}`, enabled: true, value: `at ${i}` }],
          scheduled_at: at,
        });
        ids.push(created.id);
      }
      const statuses = async () =>
        Promise.all(
          ids.map(
            async (id) =>
              (await admin(a, 'GET', `/environments/${development}/scheduled-changes/${id}`)).status,
          ),
        );
      // Waiting for the processes' own clocks, not timing them: the deadline only bounds a failure.
      let latest: string[] = [];
      const deadline = Date.now() + 20_000;
      do {
        latest = await statuses();
        if (latest.every((s) => s === 'applied')) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      } while (Date.now() < deadline);
      expect(latest).toEqual(Array(5).fill('applied'));

      // Each row names the one process that applied it, inside the transaction that applied it.
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const rows = (
          await client.query('select id, claimed_by, failure from scheduled_changes where id = any($1)', [
            ids,
          ])
        ).rows as { claimed_by: string; failure: string | null }[];
        expect(rows).toHaveLength(5);
        const pids = new Set([a.process.pid, b.process.pid].map(String));
        for (const row of rows) {
          expect(row.failure).toBeNull();
          expect(pids.has(row.claimed_by.split(':')[1] as string)).toBe(true);
        }
      } finally {
        await client.end();
      }
      for (const server of [a, b]) {
        for (let i = 0; i < 5; i++) {
          const state = await admin(
            server,
            'GET',
            `/environments/${development}/feature-states/scheduled_${i}`,
          );
          expect(state).toMatchObject({ enabled: true, value: `at ${i}` });
        }
      }
    }, 60_000);

    it('commits one of two rival change requests on one flag, and refuses the other with a conflict', async () => {
      const url = `/environments/${production}/change-requests`;
      const propose = async (value: string) => {
        const request = await admin(a, 'POST', url, {
          title: `Launch as ${value}`,
          changes: [{ kind: 'feature_state', feature: 'launch', enabled: true, value }],
        });
        await admin(b, 'POST', `${url}/${request.id}/approve`, undefined, reviewerToken);
        return request.id as string;
      };
      const first = await propose('from A');
      const second = await propose('from B');
      const [viaA, viaB] = await Promise.all([
        call(a, 'POST', `${url}/${first}/commit`),
        call(b, 'POST', `${url}/${second}/commit`),
      ]);
      const outcomes = [viaA, viaB].map((r) => r.status).sort();
      expect(outcomes).toEqual([200, 409]);
      const loser = viaA.status === 409 ? viaA : viaB;
      expect(loser.body.error.code).toBe('conflict');
      expect(loser.body.error.message).toContain("feature 'launch'");
      const winner = viaA.status === 200 ? 'from A' : 'from B';
      for (const server of [a, b]) {
        const state = await admin(server, 'GET', `/environments/${production}/feature-states/launch`);
        expect(state).toMatchObject({ enabled: true, value: winner });
      }
    }, 60_000);

    it('stops polling on graceful shutdown; the process left applies what comes due', async () => {
      const child = b.process;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const created = await admin(a, 'POST', `/environments/${development}/scheduled-changes`, {
        changes: [{ kind: 'feature_state', feature: 'launch', value: 'after B left' }],
        scheduled_at: new Date(Date.now() + 500).toISOString(),
      });
      let status = 'pending';
      const deadline = Date.now() + 20_000;
      while (status !== 'applied' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = (await admin(a, 'GET', `/environments/${development}/scheduled-changes/${created.id}`))
          .status;
      }
      expect(status).toBe('applied');
    }, 60_000);
  },
);

/** A database of its own on the test server, dropped afterwards. */
async function freshDatabase(): Promise<string> {
  const name = `pennon_e2e_teams_${Date.now().toString(36)}_${process.pid}`;
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  await client.query(`create database "${name}"`);
  await client.end();
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

/** Starts `pennon serve` on a free loopback port and waits until it answers /health. */
async function serve(args: string[]): Promise<Pennon> {
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PENNON_')));
  const child = spawn(
    process.execPath,
    [
      path.join(root, 'packages/server/dist/main.js'),
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--admin-token',
      ADMIN_TOKEN,
      '--log-level',
      'warn',
      ...args,
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pennon: Pennon = { url: `http://127.0.0.1:${port}`, process: child, output: [] };
  started.push(pennon);
  child.stdout?.on('data', (chunk: Buffer) => pennon.output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => pennon.output.push(chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`pennon serve exited (${child.exitCode}):\n${pennon.output.join('')}`);
    const healthy = await fetch(`${pennon.url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return pennon;
    if (Date.now() > deadline)
      throw new Error(`pennon serve did not answer in time:\n${pennon.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ends a server as an operator would (SIGTERM: graceful), and kills it if it does not go. */
async function stop(pennon: Pennon): Promise<void> {
  const child = pennon.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function call(
  pennon: Pennon,
  method: string,
  route: string,
  body?: object,
  token = ADMIN_TOKEN,
): Promise<{ status: number; body: Payload }> {
  const response = await fetch(`${pennon.url}/api/admin/v1${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Calls the admin API; throws with the answer unless it is a 2xx. */
async function admin(
  pennon: Pennon,
  method: string,
  route: string,
  body?: object,
  token = ADMIN_TOKEN,
): Promise<Payload> {
  const response = await call(pennon, method, route, body, token);
  if (response.status >= 300)
    throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}
