// A Pennon server as a child process on loopback, for benchmarks: its own event loop and core,
// so the load generator never shares them.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'packages', 'server', 'dist', 'main.js');
const CEILING = join(ROOT, 'bench', 'ceiling-server.mjs');
export const HOST = '127.0.0.1';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `main.js serve --workers N` (default 1) on a free loopback port with its own SQLite directory. Resolves once
 * `/health` answers; rejects (with the child's output) if it exits or does not answer in time.
 */
export async function startServerProcess({ dataDir, adminToken, profileDir, workers = 1 }) {
  if (!existsSync(MAIN)) {
    throw new Error(
      `${MAIN} is missing: build first (npm run build, or npx tsc -b packages/engine packages/server)`,
    );
  }
  const port = await freePort();
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const args = [
    ...nodeArgs,
    MAIN,
    'serve',
    '--port',
    String(port),
    '--host',
    HOST,
    '--data-dir',
    dataDir,
    '--log-level',
    'warn',
    '--admin-token',
    adminToken,
    // One process unless asked: `serve` would otherwise start one worker per core.
    '--workers',
    String(workers),
  ];
  // An inherited PENNON_DATABASE_URL would point the server at PostgreSQL; the bench is SQLite.
  // The SDK rate limits stay on but far above what one machine sends, so the timed path
  // includes their cost without any request being refused.
  const env = {
    ...process.env,
    PENNON_DATABASE_URL: '',
    PENNON_LOG_LEVEL: 'warn',
    PENNON_SDK_RATE_LIMIT: '10000000',
    PENNON_SDK_ADDRESS_RATE_LIMIT: '10000000',
    PENNON_EVENT_BYTES_PER_SECOND: '10000000000',
  };
  return spawnAndWait(args, env, port, 'server');
}

/**
 * Starts `main.js edge` following `upstream` with `serverKeys`, on a free loopback port with its
 * own data directory and the same far-away rate limits as the server. Resolves once `/health` answers.
 */
export async function startEdgeProcess({ upstream, serverKeys, dataDir }) {
  const port = await freePort();
  const args = [
    MAIN,
    'edge',
    '--upstream',
    upstream,
    ...serverKeys.flatMap((key) => ['--server-key', key]),
    '--port',
    String(port),
    '--host',
    HOST,
    '--data-dir',
    dataDir,
    '--log-level',
    'warn',
  ];
  const env = {
    ...process.env,
    PENNON_LOG_LEVEL: 'warn',
    PENNON_SDK_RATE_LIMIT: '10000000',
    PENNON_SDK_ADDRESS_RATE_LIMIT: '10000000',
    PENNON_EVENT_BYTES_PER_SECOND: '10000000000',
  };
  return spawnAndWait(args, env, port, 'edge');
}

/**
 * Starts the `node:http` ceiling (bench/ceiling-server.mjs) on a free loopback port, answering
 * the precomputed answers in `answersFile`, as its own process like Pennon's.
 */
export async function startCeilingProcess({ answersFile }) {
  const port = await freePort();
  const args = [CEILING, '--port', String(port), '--host', HOST, '--answers', answersFile];
  return spawnAndWait(args, process.env, port, 'ceiling server');
}

/** Spawns `node ...args`; resolves once `/health` answers, rejects if it exits or stays silent. */
async function spawnAndWait(args, env, port, what) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server = { child, port, url: `http://${HOST}:${port}`, exited, output: () => output };

  const deadline = Date.now() + 30_000;
  let exit;
  exited.then((e) => {
    exit = e;
  });
  while (Date.now() < deadline) {
    if (exit) {
      throw new Error(
        `${what} exited (code ${exit.code}, signal ${exit.signal}) before answering:\n${output}`,
      );
    }
    try {
      const response = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${what} did not answer /health within 30 s:\n${output}`);
}

/** SIGTERM (graceful: lets --cpu-prof write its profile), then SIGKILL after a grace period. */
export async function stopServerProcess(server) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await server.exited;
  clearTimeout(timer);
}

/** CPU time (ms) a process has used so far; Linux only, undefined elsewhere. */
export function processCpuMs(pid) {
  try {
    // schedstat: nanoseconds on CPU, waiting, timeslices.
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ 100
    } catch {
      return undefined;
    }
  }
}
