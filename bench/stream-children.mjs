// The server processes of the streams benchmark, each a child with an IPC channel: Pennon's
// (bench/stream-server.mjs) and the bare node:net ceiling (bench/stream-ceiling-server.mjs).

import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts `bench/<script>`; resolves once it listens with `{child, url, ask(message, reply),
 * memory(), stop()}`. `profileDir`: run it under --cpu-prof, which writes there when it stops.
 */
export async function startChild(script, { env = process.env, profileDir } = {}) {
  const child = fork(join(ROOT, 'bench', script), [], {
    cwd: ROOT,
    env,
    execArgv: ['--expose-gc', ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])],
    stdio: 'inherit',
  });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited (code ${code}) before listening`)));
    child.on('message', (message) => {
      if (message?.type === 'listening') resolve(message.url);
    });
  });
  /** Sends `message` and resolves with the child's next message of type `reply`. */
  const ask = (message, reply) =>
    new Promise((resolve) => {
      const onMessage = (answer) => {
        if (answer?.type !== reply) return;
        child.off('message', onMessage);
        resolve(answer);
      };
      child.on('message', onMessage);
      child.send(message);
    });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, url, ask, memory: () => ask({ type: 'memory' }, 'memory'), stop };
}

/** Pennon's server, its limits raised: every stream of the benchmark comes from one address and key. */
export function startPennon({ dataDir, adminToken, streams, profileDir }) {
  const limit = String(Math.max(30_000, streams * 2));
  const env = {
    ...process.env,
    PENNON_DATABASE_URL: '',
    PENNON_DATA_DIR: dataDir,
    PENNON_ADMIN_TOKEN: adminToken,
    PENNON_LOG_LEVEL: 'warn',
    PENNON_MAX_CONNECTIONS: limit,
    PENNON_MAX_CONNECTIONS_PER_ADDRESS: limit,
    PENNON_MAX_STREAMS: limit,
    PENNON_MAX_STREAMS_PER_KEY: limit,
    PENNON_SDK_RATE_LIMIT: '10000000',
    PENNON_SDK_ADDRESS_RATE_LIMIT: '10000000',
  };
  return startChild('stream-server.mjs', { env, profileDir });
}

/** A target of the benchmark on the ceiling server: a change is an IPC message, its id a counter. */
export async function ceilingTarget(ceiling) {
  const { hostname: host, port } = new URL(ceiling.url);
  let changes = 0;
  let id = '"0"';
  return {
    host,
    port: Number(port),
    pid: ceiling.child.pid,
    path: '/stream',
    change: async () => {
      id = `"${++changes}"`;
      await ceiling.ask({ type: 'change', id }, 'changed');
    },
    etag: async () => id,
  };
}
