import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../shared/ids.js';
import { postgresUnavailableReason, TEST_POSTGRES_URL } from '../testing/databases.js';
import { changeBusCases } from './change-bus.case.js';
import type { ConfigChange } from './change-bus.js';
import { channelFor, PostgresChangeBus, type PostgresChangeBusOptions } from './postgres-change-bus.js';

const skip = await postgresUnavailableReason();
const suite = skip ? describe.skip : describe;
const title = (name: string) => (skip ? `${name} (skipped: ${skip})` : name);

/** Each "process" has its own pool, as separate server processes would. */
const pools: pg.Pool[] = [];
function newPool(options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 3, ...options });
  pool.on('error', () => {});
  pools.push(pool);
  return pool;
}
afterAll(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

/** A channel of its own per test, so parallel test files never hear each other. */
const freshChannel = () => `pennon_test:${newId()}`;
const fast: Partial<PostgresChangeBusOptions> = { reconnectDelayMs: { initial: 50, max: 400 } };

suite(title('PostgresChangeBus'), () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = newPool();
  });
  changeBusCases(() => PostgresChangeBus.start({ pool, channel: freshChannel(), ...fast }));
});

suite(title('PostgresChangeBus across processes'), () => {
  const buses: PostgresChangeBus[] = [];
  const start = async (options: Partial<PostgresChangeBusOptions> & { channel: string }) => {
    const bus = await PostgresChangeBus.start({ pool: newPool(), ...fast, ...options });
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  it('lets two processes on one database hear a change published by either, once each', async () => {
    const channel = freshChannel();
    const a = await start({ channel });
    const b = await start({ channel });
    const heardByA: ConfigChange[] = [];
    const heardByB: ConfigChange[] = [];
    a.subscribe((c) => heardByA.push(c));
    b.subscribe((c) => heardByB.push(c));

    const fromA: ConfigChange = { projectId: 'p1', environmentId: 'e1', at: '2025-01-01T00:00:00.001Z' };
    const fromB: ConfigChange = { projectId: 'p2', at: '2025-01-01T00:00:00.002Z' };
    await a.publish(fromA);
    await b.publish(fromB);
    await until(() => heardByA.length >= 2 && heardByB.length >= 2);
    await sleep(100);
    expect(heardByA).toEqual([fromA, fromB]);
    expect(heardByB).toEqual([fromA, fromB]);
  });

  it('reconnects after its LISTEN connection is killed, says everything may have changed, and hears later changes', async () => {
    const channel = freshChannel();
    const a = await start({ channel });
    const b = await start({ channel });
    const heard: ConfigChange[] = [];
    a.subscribe((c) => heard.push(c));
    const pid = a.listenerPid;
    expect(pid).toBeTypeOf('number');

    const killer = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await killer.connect();
    try {
      const { rows } = await killer.query('select pg_terminate_backend($1) as killed', [pid]);
      expect(rows[0].killed).toBe(true);
    } finally {
      await killer.end();
    }
    await until(() => !a.connected, 'the bus notices the lost connection');
    await until(() => heard.some((c) => c.all === true), 'the reconnected bus announces everything changed');
    expect(a.connected).toBe(true);
    expect(a.listenerPid).not.toBe(pid);

    const later: ConfigChange = { projectId: 'p3', environmentId: 'e3', at: '2025-01-01T00:00:01.000Z' };
    await b.publish(later);
    await until(() => heard.some((c) => c.projectId === 'p3'));
    await a.publish({ ...later, projectId: 'p4' });
    expect(heard.filter((c) => !c.all)).toEqual([later, { ...later, projectId: 'p4' }]);
  });

  it('keeps retrying while the database refuses it, without delivering anything twice', async () => {
    const channel = freshChannel();
    const a = await start({ channel });
    const heard: ConfigChange[] = [];
    a.subscribe((c) => heard.push(c));
    // Kill it twice in a row: the second kill hits the first reconnection.
    for (let round = 0; round < 2; round++) {
      const pid = a.listenerPid;
      const killer = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await killer.connect();
      await killer.query('select pg_terminate_backend($1)', [pid]);
      await killer.end();
      await until(() => a.connected && a.listenerPid !== pid);
    }
    await until(() => heard.filter((c) => c.all).length === 2);
    await a.publish({ projectId: 'p', at: '2025-01-01T00:00:00.000Z' });
    expect(heard.filter((c) => !c.all)).toHaveLength(1);
  });

  it('ignores notifications on its channel that are not changes', async () => {
    const channel = freshChannel();
    const a = await start({ channel });
    const heard: ConfigChange[] = [];
    a.subscribe((c) => heard.push(c));
    const other = newPool();
    for (const junk of ['not json', '42', '{"projectId":7,"at":"x"}', '{"at":"x"}', 'null']) {
      await other.query('select pg_notify($1, $2)', [channel, junk]);
    }
    const real: ConfigChange = { projectId: 'p', at: '2025-01-01T00:00:00.000Z' };
    await other.query('select pg_notify($1, $2)', [channel, JSON.stringify({ ...real, extra: 'dropped' })]);
    await until(() => heard.length > 0);
    expect(heard).toEqual([real]);
  });

  it('returns from publish without waiting when the LISTEN connection is down', async () => {
    const channel = freshChannel();
    const a = await start({ channel, reconnectDelayMs: { initial: 60_000, max: 60_000 } });
    const killer = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await killer.connect();
    await killer.query('select pg_terminate_backend($1)', [a.listenerPid]);
    await killer.end();
    await until(() => !a.connected);
    const started = Date.now();
    await a.publish({ projectId: 'p', at: '2025-01-01T00:00:00.000Z' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses to start when the database cannot be reached', async () => {
    const unreachable = new pg.Pool({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 500 });
    unreachable.on('error', () => {});
    await expect(PostgresChangeBus.start({ pool: unreachable, channel: freshChannel() })).rejects.toThrow();
    await unreachable.end();
  });
});

suite(title('PostgresChangeBus channel'), () => {
  const schemas: string[] = [];
  /** A pool whose search path is a schema of its own, as `openPostgres(url, schema)` makes. */
  const schemaPool = async () => {
    const schema = `t_${newId()}`;
    const admin = newPool();
    await admin.query(`create schema "${schema}"`);
    schemas.push(schema);
    return { schema, pool: newPool({ options: `-c search_path=${schema}` }) };
  };
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  });

  it('is pennon_changes on the public schema and per schema otherwise', async () => {
    expect(await channelFor(newPool())).toBe('pennon_changes');
    const { schema, pool } = await schemaPool();
    expect(await channelFor(pool)).toBe(`pennon_changes:${schema}`);
  });

  it('keeps buses of different schemas of one database apart', async () => {
    const first = await schemaPool();
    const second = await schemaPool();
    const a = await PostgresChangeBus.start({ pool: first.pool });
    const b = await PostgresChangeBus.start({ pool: second.pool });
    const sameAsA = await PostgresChangeBus.start({
      pool: newPool({ options: `-c search_path=${first.schema}` }),
    });
    try {
      const heardByB: ConfigChange[] = [];
      const heardBySameAsA: ConfigChange[] = [];
      b.subscribe((c) => heardByB.push(c));
      sameAsA.subscribe((c) => heardBySameAsA.push(c));
      await a.publish({ projectId: 'p', at: '2025-01-01T00:00:00.000Z' });
      await until(() => heardBySameAsA.length === 1);
      await sleep(100);
      expect(heardByB).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close(), sameAsA.close()]);
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await sleep(10);
  }
}
