import { execFile } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailableReason } from '../packages/server/src/testing/databases.js';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verify,
} from '../packages/server/src/webhooks/webhook-signature.js';
import { freshPostgresDatabase, type Pennon, servePennon, stopPennon } from './support/pennon-servers.js';

/**
 * Change requests, scheduled changes and webhooks across two real `pennon serve` processes on
 * one PostgreSQL database: a scheduled change is applied once whichever process polls; two
 * commits racing on one flag through different processes end with one winner and one clear
 * conflict; a webhook whose sender is killed mid-delivery is delivered by the other process
 * once the lease ends, and recorded delivered once.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_TOKEN = 'pat_e2e-teams-admin-token-0123456789abc';
/** Seconds a process holds a webhook delivery: short, so a killed sender's is resent soon. */
const WEBHOOK_LEASE_SECONDS = 6;

// biome-ignore lint/suspicious/noExplicitAny: tests read admin payloads ad hoc.
type Payload = any;

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

    it('delivers a webhook once (recorded) after its sender is killed mid-delivery: the other process resends it', async () => {
      // Two processes again: `a`, and `c` in place of the B that left.
      const c = await serve(['--database-url', databaseUrl]);
      const receiver = await holdingReceiver();
      cleanups.push(receiver.close);
      const projectId = (await admin(a, 'GET', '/projects')).items[0].id;
      const webhook = await admin(a, 'POST', `/projects/${projectId}/webhooks`, {
        url: receiver.url,
        environment_id: development,
        events: ['flags'],
      });
      receiver.secret = webhook.secret;
      await admin(c, 'PATCH', `/environments/${development}/feature-states/launch`, { value: 'hooked' });

      // The receiver holds the first request open: its sender is mid-delivery when it dies.
      await receiver.firstArrived;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const deliveries = async () =>
        (
          await client.query(
            'select id, status, attempts, lease_token, response_code from webhook_deliveries where webhook_id = $1',
            [webhook.id],
          )
        ).rows as {
          id: string;
          status: string;
          attempts: number;
          lease_token: string | null;
          response_code: number;
        }[];
      try {
        const [held] = await deliveries();
        // The lease token names the holder (host:pid:…): kill -9 exactly the sender.
        const senderPid = Number(held.lease_token?.split(':')[1]);
        const sender = [a, c].find((server) => server.process.pid === senderPid);
        const survivor = sender === a ? c : a;
        if (!sender) throw new Error(`No process ${senderPid} holds the delivery (${held.lease_token}).`);
        const killed = new Promise((resolve) => sender.process.once('exit', resolve));
        sender.process.kill('SIGKILL');
        await killed;
        expect(sender.process.signalCode).toBe('SIGKILL');

        // The survivor resends once the lease ends; the deadline only bounds a failure.
        let rows = await deliveries();
        const deadline = Date.now() + (WEBHOOK_LEASE_SECONDS + 30) * 1000;
        while (rows[0]?.status !== 'delivered' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          rows = await deliveries();
        }
        // One delivery, recorded delivered once, after two attempts (the killed one counts).
        expect(rows).toEqual([
          { id: held.id, status: 'delivered', attempts: 2, lease_token: null, response_code: 200 },
        ]);
        // Delivery is at least once: the receiver saw this delivery twice, with the same id and
        // body each time, so it keeps the first and drops the second by X-Pennon-Delivery.
        expect(receiver.seen.map((request) => request.id)).toEqual([held.id, held.id]);
        expect(new Set(receiver.seen.map((request) => request.body)).size).toBe(1);
        expect(receiver.seen.every((request) => request.verified)).toBe(true);
        expect(JSON.parse(receiver.seen[0].body)).toMatchObject({
          id: held.id,
          event: 'feature_state.update',
          data: { after: { feature_key: 'launch', value: 'hooked' } },
        });
        const log = await admin(survivor, 'GET', `/webhooks/${webhook.id}/deliveries`);
        expect(log.items).toMatchObject([
          { id: held.id, status: 'delivered', attempts: 2, response_code: 200 },
        ]);
      } finally {
        await client.end();
      }
    }, 120_000);
  },
);

interface HeldRequest {
  id: string;
  body: string;
  verified: boolean;
}

/**
 * A webhook receiver on loopback that never answers the first request (its sender is to die
 * holding it) and answers 200 to every later one, verifying each signature as a user would.
 */
async function holdingReceiver(): Promise<{
  url: string;
  secret: string;
  seen: HeldRequest[];
  firstArrived: Promise<void>;
  close(): Promise<void>;
}> {
  let arrived: () => void = () => {};
  const firstArrived = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const state = { secret: '', seen: [] as HeldRequest[] };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.seen.push({
        id: String(request.headers[DELIVERY_HEADER]),
        body,
        verified: verify(
          state.secret,
          {
            signature: request.headers[SIGNATURE_HEADER] as string | undefined,
            timestamp: request.headers[TIMESTAMP_HEADER] as string | undefined,
          },
          body,
          Math.floor(Date.now() / 1000),
        ),
      });
      if (state.seen.length === 1) {
        arrived();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    get secret() {
      return state.secret;
    },
    set secret(value: string) {
      state.secret = value;
    },
    seen: state.seen,
    firstArrived,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const freshDatabase = () => freshPostgresDatabase('teams', cleanups);

/** Starts `pennon serve` as one process (no primary: the processes these tests kill and name by pid are the servers); stopped after each test. */
async function serve(args: string[]): Promise<Pennon> {
  const pennon = await servePennon(ADMIN_TOKEN, [
    '--webhook-lease',
    String(WEBHOOK_LEASE_SECONDS),
    '--workers',
    '1',
    ...args,
  ]);
  started.push(pennon);
  return pennon;
}

const stop = stopPennon;

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
