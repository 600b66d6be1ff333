import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailableReason } from '../packages/server/src/testing/databases.js';
import { freshPostgresDatabase, type Pennon, servePennon, stopPennon } from './support/pennon-servers.js';

/**
 * Live updates across real `pennon serve` processes: a change made through the admin API of
 * one process reaches SSE streams (Flagsmith's and the native one) held open on another,
 * through PostgreSQL LISTEN/NOTIFY; and on a single SQLite server through its in-process bus.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_TOKEN = 'pat_e2e-realtime-admin-token-0123456789';
const WAIT_MS = 10_000;

interface Environment {
  id: string;
  clientKey: string;
}

const started: Pennon[] = [];
const sources: EventSource[] = [];
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  // The children run the compiled program, so compile what the tests are about to exercise.
  await promisify(execFile)('npx', ['tsc', '-b', 'packages/engine', 'packages/server'], { cwd: root }).catch(
    (error: { stdout?: string; stderr?: string }) => {
      throw new Error(`The build failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    },
  );
}, 180_000);

afterAll(async () => {
  for (const source of sources.splice(0)) source.close();
  await Promise.all(started.splice(0).map(stop));
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}, 30_000);

const pgSkip = await postgresUnavailableReason();

(pgSkip ? describe.skip : describe)(
  pgSkip
    ? `two pennon processes on one PostgreSQL database (skipped: ${pgSkip})`
    : 'two pennon processes on one PostgreSQL database',
  () => {
    let a: Pennon;
    let b: Pennon;
    let environment: Environment;
    let databaseUrl: string;

    beforeAll(async () => {
      databaseUrl = await freshDatabase();
      // One after the other: the first migrates and bootstraps, the second finds it done.
      a = await serve(['--database-url', databaseUrl]);
      b = await serve(['--database-url', databaseUrl]);
      environment = await developmentEnvironment(a);
    }, 60_000);

    it('streams a change made through process B to Flagsmith and native streams held open on process A', async () => {
      const flagsmith = stream(
        `${a.url}/sse/environments/${environment.clientKey}/stream`,
        'environment_updated',
      );
      const native = stream(`${a.url}/api/sdk/v1/stream?key=${environment.clientKey}`, 'change');
      const initialSeconds = (await flagsmith.next()).updated_at as number;
      const initialEtag = (await native.next()).etag as string;
      expect(initialSeconds).toBe(await flagsmithDocumentTime(a, environment));

      await admin(b, 'PATCH', `/environments/${environment.id}`, { name: 'Renamed through B' });
      // B answered only once its own caches had heard of the change (read-your-writes).
      const servedByB = await flagsmithDocumentTime(b, environment);

      const updated = (await flagsmith.next()).updated_at as number;
      expect(updated).toBeGreaterThan(initialSeconds);
      expect(servedByB).toBe(updated);
      const changed = await native.next();
      expect(changed.etag).not.toBe(initialEtag);
      // A's own caches heard the change too: what A now serves is what its stream announced.
      expect(await flagsmithDocumentTime(a, environment)).toBe(updated);
      expect(await nativeUpdatedAt(a, environment)).toBe(changed.updated_at);
    });

    it('streams a project-level change made through process A to a stream on process B', async () => {
      const flagsmith = stream(
        `${b.url}/sse/environments/${environment.clientKey}/stream`,
        'environment_updated',
      );
      const before = (await flagsmith.next()).updated_at as number;
      await admin(a, 'POST', `/projects/${await projectId(a)}/features`, {
        key: 'realtime_e2e',
        type: 'boolean',
      });
      const after = (await flagsmith.next()).updated_at as number;
      expect(after).toBeGreaterThan(before);
      expect(await flagsmithDocumentTime(b, environment)).toBe(after);
    });

    it('streams a `pennon import flagsmith` run from the command line to a running server', async () => {
      const flagsmith = stream(
        `${a.url}/sse/environments/${environment.clientKey}/stream`,
        'environment_updated',
      );
      const before = (await flagsmith.next()).updated_at as number;
      await importFromCli(environment, ['--database-url', databaseUrl]);
      const after = (await flagsmith.next()).updated_at as number;
      expect(after).toBeGreaterThan(before);
      expect(await flagNames(a, environment)).toContain('imported_from_cli');
    });
  },
);

describe('one pennon process on SQLite', () => {
  let server: Pennon;
  let environment: Environment;

  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-e2e-realtime-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    server = await serve(['--data-dir', dataDir]);
    environment = await developmentEnvironment(server);
  }, 60_000);

  it('streams a change made through its admin API to its Flagsmith and native streams', async () => {
    const flagsmith = stream(
      `${server.url}/sse/environments/${environment.clientKey}/stream`,
      'environment_updated',
    );
    const native = stream(`${server.url}/api/sdk/v1/stream?key=${environment.clientKey}`, 'change');
    const initialSeconds = (await flagsmith.next()).updated_at as number;
    const initialEtag = (await native.next()).etag as string;

    await admin(server, 'PATCH', `/environments/${environment.id}`, { name: 'Renamed on SQLite' });

    const updated = (await flagsmith.next()).updated_at as number;
    expect(updated).toBeGreaterThan(initialSeconds);
    expect((await native.next()).etag).not.toBe(initialEtag);
    expect(await flagsmithDocumentTime(server, environment)).toBe(updated);
  });

  it('notices a `pennon import flagsmith` that another process wrote to its data directory', async () => {
    const flagsmith = stream(
      `${server.url}/sse/environments/${environment.clientKey}/stream`,
      'environment_updated',
    );
    const before = (await flagsmith.next()).updated_at as number;
    await importFromCli(environment, ['--data-dir', dataDir]);
    const after = (await flagsmith.next()).updated_at as number;
    expect(after).toBeGreaterThan(before);
    expect(await flagNames(server, environment)).toContain('imported_from_cli');
  });
});

/**
 * Runs the built CLI's `import flagsmith` with a one-feature document addressed to an existing
 * environment (its `api_key` is the environment's client key), as an operator migrating would.
 */
async function importFromCli(environment: Environment, databaseArgs: string[]): Promise<void> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pennon-e2e-import-')), 'document.json');
  cleanups.push(async () => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
  const document = {
    api_key: environment.clientKey,
    name: 'Development',
    project: { name: 'Default project', segments: [] },
    feature_states: [
      {
        feature: { id: 9001, name: 'imported_from_cli', type: 'STANDARD' },
        enabled: true,
        feature_state_value: 'yes',
        django_id: 424242,
      },
    ],
    identity_overrides: [],
  };
  fs.writeFileSync(file, JSON.stringify(document));
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PENNON_')));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(root, 'packages/server/dist/main.js'), 'import', 'flagsmith', file, ...databaseArgs],
    { cwd: root, env },
  );
  expect(JSON.parse(stdout).client_key).toBe(environment.clientKey);
}

async function flagNames(pennon: Pennon, environment: Environment): Promise<string[]> {
  const response = await fetch(`${pennon.url}/api/v1/flags/`, {
    headers: { 'x-environment-key': environment.clientKey },
  });
  const flags = (await response.json()) as { feature: { name: string } }[];
  return flags.map((f) => f.feature.name);
}

const freshDatabase = () => freshPostgresDatabase('realtime', cleanups);

/** Starts `pennon serve`; stopped after each test. */
async function serve(args: string[]): Promise<Pennon> {
  const pennon = await servePennon(ADMIN_TOKEN, [...args]);
  started.push(pennon);
  return pennon;
}

const stop = stopPennon;

async function admin(pennon: Pennon, method: string, route: string, body?: object): Promise<unknown> {
  const response = await fetch(`${pennon.url}/api/admin/v1${route}`, {
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

async function projectId(pennon: Pennon): Promise<string> {
  const projects = (await admin(pennon, 'GET', '/projects')) as { items: { id: string }[] };
  return (projects.items[0] as { id: string }).id;
}

async function developmentEnvironment(pennon: Pennon): Promise<Environment> {
  const environments = (await admin(pennon, 'GET', `/projects/${await projectId(pennon)}/environments`)) as {
    items: { id: string; key: string; client_key: string }[];
  };
  const development = environments.items.find((e) => e.key === 'development');
  if (!development) throw new Error('the bootstrapped project has no development environment');
  return { id: development.id, clientKey: development.client_key };
}

/** What Flagsmith's client remembers after fetching flags: X-Flagsmith-Document-Updated-At. */
async function flagsmithDocumentTime(pennon: Pennon, environment: Environment): Promise<number> {
  const response = await fetch(`${pennon.url}/api/v1/flags/`, {
    headers: { 'x-environment-key': environment.clientKey },
  });
  expect(response.status).toBe(200);
  return Number(response.headers.get('x-flagsmith-document-updated-at'));
}

async function nativeUpdatedAt(pennon: Pennon, environment: Environment): Promise<string> {
  const response = await fetch(`${pennon.url}/api/sdk/v1/flags`, {
    headers: { authorization: `Bearer ${environment.clientKey}` },
  });
  return ((await response.json()) as { updated_at: string }).updated_at;
}

/** A real EventSource client collecting one named event's JSON payloads, in order. */
function stream(url: string, event: string): { next(): Promise<Record<string, unknown>> } {
  const source = new EventSource(url);
  sources.push(source);
  const received: Record<string, unknown>[] = [];
  let read = 0;
  source.addEventListener(event, (message) =>
    received.push(JSON.parse(message.data) as Record<string, unknown>),
  );
  return {
    async next() {
      const deadline = Date.now() + WAIT_MS;
      while (received.length <= read) {
        if (Date.now() > deadline) throw new Error(`No '${event}' event from ${url} within ${WAIT_MS} ms`);
        await sleep(20);
      }
      return received[read++] as Record<string, unknown>;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
