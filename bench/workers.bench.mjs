// Workers benchmark (issue 12, part 2): the SDK endpoints of `pennon serve --workers 1` and
// `--workers 2` side by side, same workload, same autocannon settings, same run. The load
// generator runs in this process, so on a 2-core machine two workers share the cores with it:
// the ratio shows what a second worker buys here, not what it buys on a machine with a core
// to spare for each.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpoints, importWorkload, loadEndpoint } from './http.bench.mjs';
import { fmtInt, table } from './report.mjs';
import { startServerProcess, stopServerProcess } from './server-process.mjs';
import { DEFAULT_SEED, generateWorkload, WORKLOAD } from './workload.mjs';

/** Options: `seed`, `seconds` (default 10), `warmupSeconds` (default 3), `connections` (default 64). */
export async function runWorkersBenchmark(options = {}) {
  const {
    seed = DEFAULT_SEED,
    seconds = 10,
    warmupSeconds = 3,
    connections = 64,
    log = console.log,
  } = options;
  const { document, identities } = generateWorkload({ seed, identities: WORKLOAD.identities });
  log(`Workers benchmark: SDK endpoints with 1 and 2 worker processes behind one port, seed ${seed}`);
  log(
    `  autocannon in this process: ${connections} connections, ${warmupSeconds} s warm-up + ${seconds} s per endpoint; ` +
      `node ${process.version}; load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`,
  );
  const results = {};
  for (const workers of [1, 2]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'pennon-workers-bench-'));
    const adminToken = `bench-${randomBytes(24).toString('hex')}`;
    let server;
    try {
      server = await startServerProcess({ dataDir, adminToken, workers });
      const imported = await importWorkload(server, adminToken, document);
      for (const endpoint of endpoints({ clientKey: imported.client_key, identities })) {
        const run = await loadEndpoint(server, endpoint, { connections, seconds, warmupSeconds });
        results[endpoint.name] ??= { label: endpoint.label };
        results[endpoint.name][workers] = run;
      }
    } finally {
      if (server) await stopServerProcess(server);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const rows = [['endpoint', '1 worker req/s', 'p99 ms', '2 workers req/s', 'p99 ms', '2 ÷ 1', 'errors']];
  let errors = 0;
  for (const { label, 1: one, 2: two } of Object.values(results)) {
    const failed = [one, two].reduce((n, run) => n + run.non2xx + run.socketErrors + run.timeouts, 0);
    errors += failed;
    rows.push([
      label,
      fmtInt(one.okPerSecond),
      one.latencyMs.p99.toFixed(1),
      fmtInt(two.okPerSecond),
      two.latencyMs.p99.toFixed(1),
      `${(two.okPerSecond / one.okPerSecond).toFixed(2)}×`,
      String(failed),
    ]);
  }
  log('');
  log(table(rows));
  log(`  load average ${loadavg()[0].toFixed(2)} after the runs; req/s: 2xx answers per second.`);
  return {
    name: 'workers',
    ok: errors === 0,
    results: Object.fromEntries(
      Object.entries(results).map(([name, r]) => [
        name,
        {
          one: r[1].okPerSecond,
          two: r[2].okPerSecond,
          p99: { one: r[1].latencyMs.p99, two: r[2].latencyMs.p99 },
        },
      ]),
    ),
  };
}
