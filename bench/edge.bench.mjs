// Edge benchmark (issue 12, part 3): requests per second of one `pennon edge` process against
// one `pennon serve` process, endpoint by endpoint in the same run, on the standing workload;
// and how long a change made through the admin API takes to reach a stream client of the edge.
//
// Both run as child processes (`node packages/server/dist/main.js serve|edge`); the load
// generator (autocannon, in this process) loads one at a time, so on a 2-core machine the
// process under load and the load generator each get a core. The edge's answers are checked
// against the server's, byte for byte, before anything is timed.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, endpoints, importWorkload, loadEndpoint } from './http.bench.mjs';
import { fmtInt, table } from './report.mjs';
import { startEdgeProcess, startServerProcess, stopServerProcess } from './server-process.mjs';
import { DEFAULT_SEED, generateWorkload, WORKLOAD } from './workload.mjs';

/** Answers of the edge and the server for the first identities of every endpoint: equal, or why not. */
async function verify(server, edge, list) {
  const problems = [];
  for (const endpoint of list) {
    const bodies = endpoint.bodies?.slice(0, 200) ?? [undefined];
    for (const body of bodies) {
      const request = { method: endpoint.method, path: endpoint.path, headers: endpoint.headers, body };
      const [a, b] = await Promise.all([call(server, request), call(edge, request)]);
      // OFREP's stream address names the host that was asked.
      const normal = (response, base) => `${response.status} ${response.text.replaceAll(base, '<origin>')}`;
      if (normal(a, server.url) !== normal(b, edge.url)) {
        problems.push(
          `${endpoint.label}: edge ${b.status} ${b.text.slice(0, 120)} ≠ server ${a.status} ${a.text.slice(0, 120)}`,
        );
        break;
      }
    }
  }
  return problems;
}

/** Milliseconds from an admin change's answer to the edge's stream announcing it, `rounds` times. */
async function propagation(server, edge, { adminToken, environmentId, featureId, clientKey, rounds }) {
  const response = await fetch(`${edge.url}/api/sdk/v1/stream?key=${clientKey}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let waiting;
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      while (buffer.includes('\n\n')) {
        const end = buffer.indexOf('\n\n');
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (message.includes('event: change')) waiting?.();
      }
    }
  })();
  const heard = () => new Promise((resolve) => (waiting = resolve));
  await heard(); // the state on connect
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const next = heard();
    const patch = await fetch(
      `${server.url}/api/admin/v1/environments/${environmentId}/feature-states/${featureId}`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ value: `round ${i}` }),
      },
    );
    if (!patch.ok) throw new Error(`PATCH failed: ${patch.status} ${await patch.text()}`);
    const answered = performance.now();
    await next;
    times.push(performance.now() - answered);
  }
  await reader.cancel();
  await pump.catch(() => {});
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], max: times.at(-1) };
}

/**
 * Run the edge benchmark. Options: `seed`, `seconds` (timed run per endpoint and process,
 * default 5), `warmupSeconds` (default 2), `connections` (default 32), `log`. `ok` is false
 * when an edge answer differed from the server's or a timed run had errors.
 */
export async function runEdgeBenchmark(options = {}) {
  const {
    seed = DEFAULT_SEED,
    seconds = 5,
    warmupSeconds = 2,
    connections = 32,
    log = console.log,
  } = options;
  const { document, identities } = generateWorkload({ seed, identities: WORKLOAD.identities });
  log(`Edge benchmark: one pennon edge vs one pennon serve on loopback, standing workload, seed ${seed}`);
  log(
    `  autocannon: ${connections} connections, ${warmupSeconds} s warm-up + ${seconds} s per endpoint and process`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'pennon-edge-bench-'));
  const adminToken = `bench-${randomBytes(24).toString('hex')}`;
  let server;
  let edge;
  try {
    server = await startServerProcess({ dataDir: join(dir, 'server'), adminToken });
    const imported = await importWorkload(server, adminToken, document);
    edge = await startEdgeProcess({
      upstream: server.url,
      serverKeys: [imported.server_key],
      dataDir: join(dir, 'edge'),
    });
    const list = endpoints({ clientKey: imported.client_key, identities });
    const problems = await verify(server, edge, list);
    for (const problem of problems) log(`  WRONG ${problem}`);

    const rows = [['endpoint', 'server req/s', 'edge req/s', 'edge/server', 'edge p99 ms', 'errors']];
    let failed = problems.length > 0;
    const results = [];
    for (const endpoint of list) {
      const onServer = await loadEndpoint(server, endpoint, { connections, seconds, warmupSeconds });
      const onEdge = await loadEndpoint(edge, endpoint, { connections, seconds, warmupSeconds });
      const errors = [onServer, onEdge].reduce((n, r) => n + r.non2xx + r.socketErrors + r.timeouts, 0);
      if (errors > 0) failed = true;
      const ratio = onEdge.okPerSecond / onServer.okPerSecond;
      results.push({
        endpoint: endpoint.name,
        server: onServer.okPerSecond,
        edge: onEdge.okPerSecond,
        ratio,
      });
      rows.push([
        endpoint.label,
        fmtInt(onServer.okPerSecond),
        fmtInt(onEdge.okPerSecond),
        `${ratio.toFixed(2)}×`,
        String(onEdge.latencyMs.p99),
        String(errors),
      ]);
    }
    log(table(rows));

    const banner = document.feature_states.find((f) => typeof f.feature_state_value === 'string');
    const projectId = (
      await call(server, {
        method: 'GET',
        path: `/api/admin/v1/environments/${imported.environment_id}`,
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).json.project_id;
    const features = (
      await call(server, {
        method: 'GET',
        path: `/api/admin/v1/projects/${projectId}/features?limit=200`,
        headers: { authorization: `Bearer ${adminToken}` },
      })
    ).json.items;
    const featureId = features.find((f) => f.key === banner.feature.name).id;
    const delay = await propagation(server, edge, {
      adminToken,
      environmentId: imported.environment_id,
      featureId,
      clientKey: imported.client_key,
      rounds: 20,
    });
    log(
      `  admin change → edge stream client: p50 ${delay.p50.toFixed(1)} ms, max ${delay.max.toFixed(1)} ms over 20 changes ` +
        '(upstream stream → document refetch → edge stream)',
    );
    return { name: 'edge', ok: !failed, results, propagationMs: delay };
  } finally {
    if (edge) await stopServerProcess(edge);
    if (server) await stopServerProcess(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
