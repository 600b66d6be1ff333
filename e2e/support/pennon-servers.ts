import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { TEST_POSTGRES_URL } from '../../packages/server/src/testing/databases.js';
import { freePort } from './server-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A `pennon serve` process started by a test, with what it printed. */
export interface Pennon {
  url: string;
  process: ChildProcess;
  output: string[];
}

/** Work to undo after a test; run newest first. */
export type Cleanup = () => Promise<void>;

/**
 * Starts `pennon serve` (the compiled program) on a free loopback port with `adminToken` and
 * `args`, and waits until it answers /health. PENNON_* variables of the test's environment are
 * left out, so only `args` configure it.
 */
export async function servePennon(adminToken: string, args: string[]): Promise<Pennon> {
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
      adminToken,
      '--log-level',
      'warn',
      ...args,
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pennon: Pennon = { url: `http://127.0.0.1:${port}`, process: child, output: [] };
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
export async function stopPennon(pennon: Pennon): Promise<void> {
  const child = pennon.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * A PostgreSQL database of its own on the test server, named after `purpose`; `cleanups` gets
 * the work that drops it.
 */
export async function freshPostgresDatabase(purpose: string, cleanups: Cleanup[]): Promise<string> {
  const name = `pennon_e2e_${purpose}_${Date.now().toString(36)}_${process.pid}`;
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
