import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './server-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A real `pennon edge` process (the compiled program, built by `ServerProcess.start`) on a
 * loopback port with its own data directory, following `upstream` with the given server keys.
 */
export class EdgeProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];

  private constructor(
    readonly upstream: string,
    readonly serverKeys: string[],
    readonly port: number,
    readonly dataDir: string,
    readonly extraFlags: string[],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(
    upstream: string,
    serverKeys: string[],
    extraFlags: string[] = [],
  ): Promise<EdgeProcess> {
    const edge = new EdgeProcess(
      upstream,
      serverKeys,
      await freePort(),
      fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-e2e-edge-')),
      extraFlags,
    );
    await edge.restart();
    return edge;
  }

  /** Starts the process (again: same port, same saved documents) and waits until it answers /health. */
  async restart(): Promise<void> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PENNON_')));
    this.output = [];
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'packages/server/dist/main.js'),
        'edge',
        '--upstream',
        this.upstream,
        ...this.serverKeys.flatMap((key) => ['--server-key', key]),
        '--host',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--data-dir',
        this.dataDir,
        '--log-level',
        'warn',
        '--poll-interval',
        '1',
        ...this.extraFlags,
      ],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`pennon edge exited (${child.exitCode}):\n${this.log()}`);
      const healthy = await fetch(`${this.url}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) return;
      if (Date.now() > deadline) throw new Error(`pennon edge did not answer in time:\n${this.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Each environment's freshness and event counts, from `/ready`. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read the status ad hoc.
  async ready(): Promise<any[]> {
    return (await (await fetch(`${this.url}/ready`)).json()).environments;
  }

  /** SIGTERM, and waits for the exit: a graceful stop. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  log(): string {
    return this.output.join('');
  }
}
