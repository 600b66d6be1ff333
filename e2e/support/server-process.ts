import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const PROCESS_ADMIN_TOKEN = 'pat_e2e-process-admin-token-0123456789';

/**
 * A real `pennon serve` process (the compiled program) on a fixed loopback port and its own
 * data directory, which a test can kill -9 and start again at the same address, as an
 * operator's crash and restart would.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];

  private constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Compiles the server (children run dist/), then starts one. */
  static async start(): Promise<ServerProcess> {
    await promisify(execFile)('npx', ['tsc', '-b', 'packages/engine', 'packages/server'], {
      cwd: root,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`The build failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
    const server = new ServerProcess(
      await freePort(),
      fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-e2e-proc-')),
    );
    await server.restart();
    return server;
  }

  /** Starts the process again (same port, same data) and waits until it answers /health. */
  async restart(): Promise<void> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PENNON_')));
    this.output = [];
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'packages/server/dist/main.js'),
        'serve',
        '--host',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--data-dir',
        this.dataDir,
        '--admin-token',
        PROCESS_ADMIN_TOKEN,
        '--log-level',
        'warn',
        // One process, no primary: kill -9 must take the whole server down, as the tests mean it
        // (a primary's orphaned workers would hold the port while the restart wants it).
        '--workers',
        '1',
      ],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`pennon serve exited (${child.exitCode}):\n${this.log()}`);
      const healthy = await fetch(`${this.url}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) return;
      if (Date.now() > deadline) throw new Error(`pennon serve did not answer in time:\n${this.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGKILL: no graceful shutdown, as a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the process and removes its data. */
  async close(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  log(): string {
    return this.output.join('');
  }

  /** Calls the admin API; throws with the response text unless it is a 2xx. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read admin payloads ad hoc.
  async admin<T = any>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/api/admin/v1${route}`, {
      method,
      headers: {
        authorization: `Bearer ${PROCESS_ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} → ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

/** A port nobody listens on right now: bind port 0, note what the system gave, let it go. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
