import net from 'node:net';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { type Flag, Pennon, PennonStartError, type User } from '@pennon/node';
import { PennonProvider } from '@pennon/node/openfeature';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorkload } from '../bench/workload.mjs';
import { eventually, forEachLimited } from './support/async.js';
import { ServerProcess } from './support/server-process.js';

/**
 * `@pennon/node` against a real `pennon serve` process loaded with the standing workload (50
 * features, 15 segments of 15 conditions, 750 identity overrides): local evaluation agrees with
 * the server's own, changes arrive through the stream, reads carry on through a crash and a
 * restart, events reach storage with nothing lost within the buffer bound, memory stays flat.
 */

const workload = generateWorkload({ identities: 1000 });
const users: User[] = workload.identities.map(
  (identity: { identifier: string; traits?: Record<string, never> }) => ({
    identifier: identity.identifier,
    traits: identity.traits ?? {},
  }),
);

let server: ServerProcess;
let environmentId: string;
let serverKey: string;
const clients: Pennon[] = [];

const start = async (options: Partial<Parameters<typeof Pennon.start>[0]> = {}) => {
  const pennon = await Pennon.start({ serverKey, url: server.url, ...options });
  clients.push(pennon);
  return pennon;
};

/** The server's own answer for one user, with the same server key. */
const serverFlags = async (user: User): Promise<Record<string, Flag>> => {
  const response = await fetch(`${server.url}/api/sdk/v1/flags`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serverKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: user.identifier, traits: user.traits, transient: true }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { flags: Record<string, Flag> }).flags;
};

/** Rows the server stored, read straight from its SQLite file. */
const storedCount = (table: 'events' | 'exposures', where = '1 = 1', ...params: unknown[]): number => {
  const db = new Database(path.join(server.dataDir, 'pennon.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare(`select count(*) as n from ${table} where environment_id = ? and ${where}`)
      .get(environmentId, ...params) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
};

/** A feature of the workload of the given type, and its id for the admin API. */
const featureOfType = async (type: string): Promise<{ id: string; key: string }> => {
  const projects = await server.admin('GET', '/projects');
  for (const project of projects.items) {
    const features = await server.admin('GET', `/projects/${project.id}/features?limit=200`);
    const found = features.items.find((f: { type: string; key: string }) => f.type === type);
    if (found && Object.hasOwn(workload.context.features, found.key)) return found;
  }
  throw new Error(`no ${type} feature in the workload`);
};

beforeAll(async () => {
  server = await ServerProcess.start();
  const imported = await server.admin('POST', '/imports/flagsmith', workload.document);
  environmentId = imported.environment_id;
  serverKey = (await server.admin('POST', `/environments/${environmentId}/server-keys`, { name: 'node sdk' }))
    .key;
}, 240_000);

afterAll(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close(1000)));
  await server?.close();
}, 30_000);

describe('@pennon/node against a real server', () => {
  it('evaluates locally exactly as the server does, for 1,000 identities of the standing workload', async () => {
    const pennon = await start();
    expect(pennon.status()).toMatchObject({ source: 'server', stale: false });
    let compared = 0;
    await forEachLimited(users, 8, async (user) => {
      const remote = await serverFlags(user);
      expect(Object.keys(remote).length).toBe(50);
      expect(pennon.getAllFlags(user), user.identifier).toEqual(remote);
      compared++;
    });
    expect(compared).toBe(1000);
  }, 120_000);

  it('gets a change through the stream, with polling out of the picture', async () => {
    const pennon = await start({ pollIntervalMs: 3_600_000 });
    const feature = await featureOfType('string');
    const user = users[0] as User;
    const changes: string[] = [];
    pennon.on('change', ({ updatedAt }) => changes.push(updatedAt));
    await server.admin('PATCH', `/environments/${environmentId}/feature-states/${feature.id}`, {
      enabled: true,
      value: 'streamed value',
    });
    await eventually(() => pennon.getValue(feature.key, user) === 'streamed value', 'the streamed change');
    expect(changes.length).toBeGreaterThan(0);
    expect(pennon.getAllFlags(user)).toEqual(await serverFlags(user));
  });

  it('answers typed reads with defaults and explanations, and never throws', async () => {
    const pennon = await start();
    const user = users[1] as User;
    const feature = await featureOfType('string');
    expect(pennon.getString(feature.key, user, 'default')).toBe('streamed value');
    expect(pennon.getNumber(feature.key, user, 42)).toBe(42);
    expect(pennon.resolve(feature.key, user, 'number', 42)).toMatchObject({ errorCode: 'TYPE_MISMATCH' });
    expect(pennon.resolve('no_such_flag', user, 'boolean', true)).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(pennon.isEnabled('no_such_flag', user)).toBe(false);
    expect(pennon.getFlag(feature.key, user)).toMatchObject({ key: feature.key, reason: expect.any(String) });
    // Garbage from application code is answered with defaults, not exceptions.
    expect(pennon.getBoolean(feature.key, null as unknown as User, true)).toBe(true);
    expect(pennon.getAllFlags({ identifier: 5 } as unknown as User)).toEqual(pennon.getAllFlags());
    expect(() => pennon.track(undefined as unknown as User, 'x')).not.toThrow();
  });

  it('never hangs past its start timeout, says why it failed, and starts offline from a bootstrap', async () => {
    // A server that accepts connections and never answers: only the timeout can end the wait.
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const began = Date.now();
      const failure = await Pennon.start({ serverKey, url, startTimeoutMs: 500 }).catch((error) => error);
      expect(failure).toBeInstanceOf(PennonStartError);
      expect(String(failure.message)).toMatch(/within 500 ms/);
      expect(Date.now() - began).toBeLessThan(3000);

      const document = await (
        await fetch(`${server.url}/api/sdk/v1/environment-document`, {
          headers: { authorization: `Bearer ${serverKey}` },
        })
      ).json();
      const offline = await Pennon.start({
        serverKey,
        url,
        startTimeoutMs: 300,
        bootstrap: document,
        stream: false,
      });
      clients.push(offline);
      expect(offline.status()).toMatchObject({ source: 'bootstrap', stale: true });
      const user = users[2] as User;
      expect(offline.getAllFlags(user)).toEqual(await serverFlags(user));
    } finally {
      silent.close();
    }
  });

  it('keeps reading through kill -9 and restart, reports staleness, and loses no event within the bound', async () => {
    const pennon = await start({ pollIntervalMs: 500, events: { flushIntervalMs: 200 } });
    const small = await start({ events: { maxBuffer: 50, flushIntervalMs: 200, exposures: false } });
    const provider = new PennonProvider(pennon);
    const providerEvents: string[] = [];
    for (const event of [ProviderEvents.Stale, ProviderEvents.Ready, ProviderEvents.ConfigurationChanged]) {
      provider.events.addHandler(event, () => providerEvents.push(event));
    }
    await OpenFeature.setProviderAndWait('restart', provider);

    const sample = users.slice(0, 50);
    const before = sample.map((user) => pennon.getAllFlags(user));
    let reads = 0;
    let mismatches = 0;
    const reader = setInterval(() => {
      sample.forEach((user, i) => {
        reads++;
        if (JSON.stringify(pennon.getAllFlags(user)) !== JSON.stringify(before[i])) mismatches++;
      });
    }, 5);
    try {
      await server.kill();
      await eventually(() => pennon.status().stale, 'the client to notice the server is gone');
      expect(pennon.status().lastError).toBeTruthy();
      for (let i = 0; i < 300; i++) pennon.track(sample[i % 50] as User, 'while_down', i);
      for (let i = 0; i < 80; i++) small.track(sample[0] as User, 'small_buffer', i);
      expect(small.status().events.dropped).toBe(30);
      const readsWhileDown = reads;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(reads).toBeGreaterThan(readsWhileDown);

      await server.restart();
      await eventually(() => !pennon.status().stale, 'the client to see the server back', 20_000);
    } finally {
      clearInterval(reader);
    }
    expect(mismatches).toBe(0);
    expect(reads).toBeGreaterThan(1000);
    expect(providerEvents).toContain(ProviderEvents.Stale);
    expect(providerEvents.at(-1)).toBe(ProviderEvents.Ready);

    // The stream came back too: a change made now reaches the client.
    const feature = await featureOfType('string');
    await server.admin('PATCH', `/environments/${environmentId}/feature-states/${feature.id}`, {
      value: 'after restart',
    });
    await eventually(
      () => pennon.getValue(feature.key, users[0]) === 'after restart',
      'a change after restart',
    );
    await eventually(
      () => providerEvents.includes(ProviderEvents.ConfigurationChanged),
      'CONFIGURATION_CHANGED',
    );

    await pennon.flush();
    await small.flush();
    await eventually(
      () => storedCount('events', 'name = ?', 'while_down') === 300,
      'every event tracked while the server was down',
    );
    await eventually(() => storedCount('events', 'name = ?', 'small_buffer') === 50, 'the bounded buffer');
    expect(pennon.status().events.dropped).toBe(0);
    await OpenFeature.clearProviders();
  }, 90_000);

  it('keeps the heap flat over 100,000 reads with exposure logging on, and the exposures arrive', async () => {
    const pennon = await start({ events: { flushIntervalMs: 100, exposureMemory: 5000 } });
    const feature = await featureOfType('string');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    // Each read is a distinct user (traits vary), so every read is a new exposure to log.
    const read = (n: number) =>
      pennon.getString(feature.key, { identifier: `heap-${n}`, traits: { n } }, 'default');
    for (let n = 0; n < 20_000; n++) read(n);
    await pennon.flush();
    const warm = heap();
    for (let n = 20_000; n < 100_000; n++) {
      read(n);
      if (n % 10_000 === 0) await pennon.flush();
    }
    await pennon.flush();
    const after = heap();
    expect(after - warm, `heap grew from ${warm} to ${after}`).toBeLessThan(8 * 1024 * 1024);
    expect(pennon.status().events).toMatchObject({ pending: 0, dropped: 0, sent: 100_000 });
    expect(storedCount('exposures', "unit_id like 'heap-%'")).toBe(100_000);
  }, 120_000);

  it('holds a flag keyed __proto__ as a flag, as the server does', async () => {
    const { project_id: projectId } = await server.admin('GET', `/environments/${environmentId}`);
    const feature = await server.admin('POST', `/projects/${projectId}/features`, {
      key: '__proto__',
      type: 'string',
      default_value: 'an odd but valid key',
      default_enabled: true,
    });
    const pennon = await start();
    const user = users[2] as User;
    try {
      // The new flag reaches the SDK as any change does: through the stream, or in its first document.
      await eventually(
        () => pennon.getString('__proto__', user, 'default') === 'an odd but valid key',
        'the flag keyed __proto__',
      );
      const flags = pennon.getAllFlags(user);
      expect(Object.getPrototypeOf(flags)).toBe(Object.prototype);
      expect(Object.hasOwn(flags, '__proto__')).toBe(true);
      expect(flags).toEqual(await serverFlags(user));
    } finally {
      await server.admin('DELETE', `/features/${feature.id}`);
    }
  });
});

describe('the OpenFeature server provider', () => {
  it('resolves typed values with reasons, variants and error codes, and tracks', async () => {
    await OpenFeature.setProviderAndWait('pennon', new PennonProvider({ serverKey, url: server.url }));
    const client = OpenFeature.getClient('pennon');
    const user = users[3] as User;
    const context = { targetingKey: user.identifier, ...user.traits };
    const remote = await serverFlags(user);

    const string = await featureOfType('string');
    const details = await client.getStringDetails(string.key, 'fallback', context);
    expect(details.value).toBe(remote[string.key]?.value ?? 'fallback');
    expect(details.flagMetadata.reason).toBe(remote[string.key]?.reason);

    const multivariate = Object.values(remote).find(
      (flag) => flag.variant !== null && flag.type === 'string',
    );
    if (multivariate) {
      const split = await client.getStringDetails(multivariate.key, 'fallback', context);
      expect(split).toMatchObject({ value: multivariate.value, variant: multivariate.variant });
      expect(['SPLIT', 'TARGETING_MATCH', 'DEFAULT']).toContain(split.reason);
    }

    const missing = await client.getBooleanDetails('no_such_flag', true, context);
    expect(missing).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    const mismatch = await client.getNumberDetails(string.key, 7, context);
    expect(mismatch).toMatchObject({ value: 7, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });

    client.track('openfeature_purchase', context, { value: 12.5, currency: 'EUR' });
    await OpenFeature.clearProviders();
    expect(storedCount('events', 'name = ? and unit_id = ?', 'openfeature_purchase', user.identifier)).toBe(
      1,
    );
  });
});
