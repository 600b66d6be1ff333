// Experiments benchmark (issue "Experiments", §6): how long the results of a large experiment
// take on SQLite and on PostgreSQL, and how many events per second one server process
// ingests through the native endpoint in batches of 500, durably (acknowledged once stored).
//
// Results: 1,000,000 exposed units in 3 variants, 10,000,000 events over 5 metrics (conversion,
// count, sum, mean, ratio) with CUPED, generated inside each database by one INSERT … SELECT,
// then the results service computes exactly what `GET …/results` answers (assignment, SRM,
// 5 metric aggregates, the daily series of the primary metric). Target: under 5 s.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { fmtInt, table } from './report.mjs';
import { startServerProcess, stopServerProcess } from './server-process.mjs';

const server = (path) => import(new URL(`../packages/server/dist/${path}`, import.meta.url).href);
const { migrateToLatest, openPostgres, openSqlite } = await server('storage/database.js');
const { ResultsRepository } = await server('experiments/results.repository.js');
const { ResultsService } = await server('experiments/results.service.js');

const POSTGRES_URL = process.env.PENNON_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const START = '2026-01-05T00:00:00.000Z';
const WEEK_SECONDS = 7 * 24 * 3600;
const EVENT_NAMES = ['purchase', 'visit', 'click', 'signup', 'refund'];
const RESULTS_TARGET_SECONDS = 5;
const INGEST_TARGET_PER_SECOND = 50_000;

/** The five metrics the results are computed for, one of each kind. */
export function metrics() {
  const base = {
    project_id: 'bench',
    description: '',
    denominator_event_name: null,
    direction: 'higher',
    winsorize_percentile: null,
    conversion_window_hours: null,
    property_filter: null,
    created_at: START,
    updated_at: START,
  };
  return [
    {
      role: 'primary',
      metric: {
        ...base,
        id: 'm1',
        key: 'purchased',
        name: 'Purchased',
        kind: 'conversion',
        event_name: 'purchase',
        conversion_window_hours: 72,
      },
    },
    {
      role: 'secondary',
      metric: { ...base, id: 'm2', key: 'clicks', name: 'Clicks', kind: 'count', event_name: 'click' },
    },
    {
      role: 'secondary',
      metric: {
        ...base,
        id: 'm3',
        key: 'revenue',
        name: 'Revenue',
        kind: 'sum',
        event_name: 'purchase',
        winsorize_percentile: 99,
      },
    },
    {
      role: 'secondary',
      metric: { ...base, id: 'm4', key: 'basket', name: 'Basket', kind: 'mean', event_name: 'purchase' },
    },
    {
      role: 'guardrail',
      metric: {
        ...base,
        id: 'm5',
        key: 'per-visit',
        name: 'Revenue per visit',
        kind: 'ratio',
        event_name: 'purchase',
        denominator_event_name: 'visit',
      },
    },
  ];
}

/**
 * Unit u is exposed once, to variant u mod 3, at START + (u mod one week) seconds. Event i
 * belongs to unit i mod U, is named by ⌊i / U⌋ mod 5, and happens up to three days before or
 * eleven after its unit's exposure: some count for CUPED, some fall outside the window.
 */
export function seedStatements(dialect, environmentId, units, events) {
  // Epoch milliseconds, as events and exposures store their times.
  const at = (seconds) => `(${Date.parse(START)} + (${seconds}) * 1000)`;
  const name = (i) =>
    `case (${i} / ${units}) % 5 ${EVENT_NAMES.map((n, k) => `when ${k} then '${n}'`).join(' ')} end`;
  if (dialect === 'sqlite') {
    return [
      `with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < ${units})
       insert into exposures (id, environment_id, unit_id, feature_key, variant, value, reason, occurred_ms, received_at, source)
       select printf('x%012d', i), '${environmentId}', 'u' || i, 'checkout', char(97 + i % 3), 'null', null,
         ${at(`i % ${WEEK_SECONDS}`)}, '${START}', 'bench' from n`,
      `with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < ${events})
       insert into events (id, environment_id, unit_id, name, value, properties, occurred_ms, received_at, source)
       select printf('e%012d', i), '${environmentId}', 'u' || (i % ${units}),
         ${name('i')},
         ((i * 7919) % 10000) / 100.0, '{}',
         ${at(`(i % ${units}) % ${WEEK_SECONDS} + (i * 31) % 1209600 - 259200`)}, '${START}', 'bench' from n`,
    ];
  }
  return [
    `insert into exposures (id, environment_id, unit_id, feature_key, variant, value, reason, occurred_ms, received_at, source)
     select 'x' || lpad(i::text, 12, '0'), '${environmentId}', 'u' || i, 'checkout', chr(97 + (i % 3)::int), 'null', null,
       ${at(`i % ${WEEK_SECONDS}`)}, '${START}', 'bench' from generate_series(0, ${units - 1}) as i`,
    `insert into events (id, environment_id, unit_id, name, value, properties, occurred_ms, received_at, source)
     select 'e' || lpad(i::text, 12, '0'), '${environmentId}', 'u' || (i % ${units}),
       ${name('i')}, ((i * 7919) % 10000) / 100.0, '{}',
       ${at(`(i % ${units}) % ${WEEK_SECONDS} + (i * 31) % 1209600 - 259200`)}, '${START}', 'bench'
     from generate_series(0::bigint, ${events - 1}) as i`,
  ];
}

async function openDialect(dialect) {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'pennon-bench-results-'));
    const database = openSqlite(join(dir, 'pennon.db'));
    return {
      database,
      dispose: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema "${schema}"`);
  await admin.end();
  const database = openPostgres(POSTGRES_URL, schema);
  return {
    database,
    dispose: async () => {
      await database.close();
      const cleaner = new pg.Client({ connectionString: POSTGRES_URL });
      await cleaner.connect();
      await cleaner.query(`drop schema if exists "${schema}" cascade`);
      await cleaner.end();
    },
  };
}

async function postgresReachable() {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Seeds one database and times the results computation (best of `rounds`). */
async function timeResults(dialect, { units, events, rounds }) {
  const { database, dispose } = await openDialect(dialect);
  try {
    await migrateToLatest(database);
    const environmentId = 'bench-environment';
    const { sql } = await import('kysely');
    await sql
      .raw(`insert into organisations (id, name, created_at) values ('o', 'o', '${START}')`)
      .execute(database.db);
    await sql
      .raw(
        `insert into projects (id, organisation_id, name, created_at, updated_at, next_feature_number) values ('p', 'o', 'p', '${START}', '${START}', 1)`,
      )
      .execute(database.db);
    await sql
      .raw(
        `insert into environments (id, project_id, key, name, client_key, hide_disabled_flags, created_at, updated_at) values ('${environmentId}', 'p', 'production', 'Production', 'bench-key', 0, '${START}', '${START}')`,
      )
      .execute(database.db);
    const seedStarted = performance.now();
    for (const statement of seedStatements(dialect, environmentId, units, events))
      await sql.raw(statement).execute(database.db);
    // What autovacuum does to a table that grows by inserts: statistics, and the visibility map
    // that lets the results' index-only scans skip the table.
    if (dialect === 'postgres') await sql.raw('vacuum analyze').execute(database.db);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const stopped = new Date(Date.parse(START) + 8 * 24 * 3600 * 1000).toISOString();
    const input = {
      experiment: {
        id: 'bench-experiment',
        environment_id: environmentId,
        feature_id: 'f',
        feature_key: 'checkout',
        key: 'bench',
        name: 'bench',
        hypothesis: '',
        control_variant: 'a',
        status: 'stopped',
        method: 'frequentist',
        alpha: 0.05,
        correction: 'holm',
        cuped: 1,
        cuped_window_days: 3,
        started_at: START,
        stopped_at: stopped,
        created_at: START,
        updated_at: START,
      },
      metrics: metrics(),
      variants: ['a', 'b', 'c'].map((key, priority) => ({ key, value: key, weight: 100 / 3, priority })),
      now: Date.parse(stopped),
    };
    const times = [];
    const cpuTimes = [];
    let results;
    // One connection for every round, so the CPU time of the process that computes is known:
    // SQLite computes inside this process; PostgreSQL in the server process of the connection
    // (read from /proc, so only when the server runs on this machine).
    await database.db.connection().execute(async (connection) => {
      const service = new ResultsService(new ResultsRepository(connection, dialect));
      const backend =
        dialect === 'postgres'
          ? Number((await sql`select pg_backend_pid() as pid`.execute(connection)).rows[0].pid)
          : null;
      const cpuSeconds = () => {
        if (backend !== null) return processCpuSeconds(backend);
        const used = process.cpuUsage();
        return (used.user + used.system) / 1e6;
      };
      for (let round = 0; round < rounds; round++) {
        const started = performance.now();
        const cpu = cpuSeconds();
        results = await service.compute(input);
        times.push((performance.now() - started) / 1000);
        const after = cpuSeconds();
        if (cpu !== null && after !== null) cpuTimes.push(after - cpu);
      }
    });
    const ok = results.assignment.total_units === units && results.metrics.length === 5;
    return {
      dialect,
      seedSeconds,
      seconds: Math.min(...times),
      // The CPU time, unlike the wall time, does not grow with what else the machine runs.
      cpuSeconds: cpuTimes.length === 0 ? null : Math.min(...cpuTimes),
      ok,
      units: results.assignment.total_units,
    };
  } finally {
    await dispose();
  }
}

/** Events per second through `POST /api/sdk/v1/events`, batches of 500, checked stored after. */
async function timeIngestion({ seconds, connections }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pennon-bench-ingest-'));
  const adminToken = 'pat_bench-ingest-0123456789abcdefghijklmnopq';
  const running = await startServerProcess({ dataDir, adminToken });
  try {
    const projects = await (
      await fetch(`${running.url}/api/admin/v1/projects`, {
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).json();
    const environments = await (
      await fetch(`${running.url}/api/admin/v1/projects/${projects.items[0].id}/environments`, {
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).json();
    const clientKey = environments.items[0].client_key;
    const batches = Array.from({ length: 64 }, (_, b) =>
      JSON.stringify({
        events: Array.from({ length: 500 }, (_, i) => ({
          unit_id: `user-${(b * 500 + i) % 20000}`,
          name: EVENT_NAMES[i % 5],
          value: (i % 100) / 4,
          properties: { plan: i % 2 ? 'pro' : 'free', page: '/checkout' },
        })),
      }),
    );
    let next = 0;
    const cpuBefore = processCpuSeconds(running.child.pid);
    const result = await autocannon({
      url: `${running.url}/api/sdk/v1/events`,
      method: 'POST',
      connections,
      duration: seconds,
      headers: { 'x-environment-key': clientKey, 'content-type': 'application/json' },
      requests: [{ setupRequest: (request) => ({ ...request, body: batches[next++ % batches.length] }) }],
    });
    const acknowledged = (result['2xx'] ?? 0) * 500;
    const cpuAfter = processCpuSeconds(running.child.pid);
    const serverCpuSeconds = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
    const { database, dispose } = { database: openSqlite(join(dataDir, 'pennon.db')), dispose: () => {} };
    const { sql } = await import('kysely');
    const stored = Number((await sql`select count(*) as n from events`.execute(database.db)).rows[0].n);
    await database.close();
    dispose();
    return {
      perSecond: acknowledged / seconds,
      perServerCpuSecond: serverCpuSeconds ? acknowledged / serverCpuSeconds : null,
      acknowledged,
      stored,
      errors: result.non2xx + result.errors,
      ok: stored >= acknowledged && result.errors === 0,
    };
  } finally {
    await stopServerProcess(running);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * User + system CPU seconds a process has used, from /proc (Linux); null elsewhere. The
 * machine may be shared: events per CPU-second of the server do not depend on what else runs.
 */
function processCpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export async function runExperimentsBenchmark(options = {}) {
  const units = options.units ?? 1_000_000;
  const events = options.events ?? 10_000_000;
  const rounds = options.rounds ?? 2;
  console.log(
    `experiments: results of ${fmtInt(units)} units in 3 variants, 5 metrics over ${fmtInt(events)} events (best of ${rounds}); ingestion through the native endpoint`,
  );
  const dialects = ['sqlite', ...((await postgresReachable()) ? ['postgres'] : [])];
  const rows = [['database', 'seed (s)', 'results (s)', 'CPU (s)', 'target (s)', 'units read']];
  const measured = [];
  for (const dialect of dialects) {
    const figures = await timeResults(dialect, { units, events, rounds });
    measured.push(figures);
    rows.push([
      dialect,
      figures.seedSeconds.toFixed(1),
      figures.seconds.toFixed(2),
      figures.cpuSeconds === null ? '–' : figures.cpuSeconds.toFixed(2),
      `< ${RESULTS_TARGET_SECONDS}`,
      fmtInt(figures.units),
    ]);
  }
  if (dialects.length === 1)
    rows.push(['postgres', '–', 'not reachable', '–', `< ${RESULTS_TARGET_SECONDS}`, '–']);
  console.log(table(rows));

  const ingestion = await timeIngestion({
    seconds: options.seconds ?? 10,
    connections: options.connections ?? 8,
  });
  console.log('');
  console.log(
    table([
      [
        'ingestion (SQLite, batches of 500)',
        'events/s',
        'per server CPU-s',
        'target',
        'acknowledged',
        'stored',
        'errors',
      ],
      [
        'POST /api/sdk/v1/events',
        fmtInt(ingestion.perSecond),
        ingestion.perServerCpuSecond === null ? '–' : fmtInt(ingestion.perServerCpuSecond),
        `≥ ${fmtInt(INGEST_TARGET_PER_SECOND)}`,
        fmtInt(ingestion.acknowledged),
        fmtInt(ingestion.stored),
        fmtInt(ingestion.errors),
      ],
    ]),
  );
  return {
    name: 'experiments',
    ok: measured.every((m) => m.ok) && ingestion.ok,
    results: measured,
    ingestion,
  };
}
