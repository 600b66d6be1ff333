// HTTP benchmark (DESIGN.md §8): requests per second of ONE server process on loopback, on the
// standing workload, for the endpoints SDKs call on every page view or request, compared with
// Flagsmith's published Edge Proxy figures and, endpoint by endpoint in the same run, with the
// ceiling of Node's HTTP here: a bare `node:http` process (bench/ceiling-server.mjs) that reads
// and JSON-parses the same request bodies and answers Pennon's bytes, precomputed.
//
// The server runs as `node packages/server/dist/main.js serve` in a child process, so the load
// generator (autocannon, in this process) never shares its event loop; on a 2-core machine each
// gets one core. Every endpoint's answers are checked before anything is timed: against
// flagsmith-nodejs's engine for the Flagsmith API, and against each other across protocols.

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadCpuProfile, printCpuProfileSummary, summarizeCpuProfile } from './cpu-profile.mjs';
import { fmtInt, table } from './report.mjs';
import {
  processCpuMs,
  startCeilingProcess,
  startServerProcess,
  stopServerProcess,
} from './server-process.mjs';
import { DEFAULT_SEED, flagsmithEngineModule, generateWorkload, WORKLOAD } from './workload.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// The server's own djb2, to find a feature by the name a Statsig answer gives it.
const { djb2 } = await import(
  new URL('../packages/server/dist/evaluation/protocols/statsig-hash.js', import.meta.url).href
);

/**
 * Flagsmith's published figures (Edge Proxy benchmark, one CPU, 50 features): the Python Edge
 * Proxy and its Rust rewrite, in requests per second.
 */
export const FLAGSMITH_REFERENCE = Object.freeze({
  flags: { python: 1569, rust: 10075 },
  identities: { python: 1316, rust: 14110 },
});

// ---------------------------------------------------------------------------------------------
// Request bodies, one per generated identity (prebuilt: the load generator must stay cheap).

function flagsmithIdentityBody(identity) {
  return {
    identifier: identity.identifier,
    // Top-level `transient` is what flagsmith-nodejs sends for getIdentityFlags(id, traits, true):
    // without it the identity itself (not its traits) would be looked up and created in storage.
    transient: true,
    traits: Object.entries(identity.traits).map(([trait_key, trait_value]) => ({
      trait_key,
      trait_value,
      transient: true,
    })),
  };
}

function ofrepBody(identity) {
  return { context: { targetingKey: identity.identifier, ...identity.traits } };
}

function nativeBody(identity) {
  return { identifier: identity.identifier, transient: true, traits: { ...identity.traits } };
}

/** The `@statsig/js-client` release whose requests the bench sends. */
const STATSIG_SDK_VERSION = createRequire(import.meta.url)('@statsig/js-client/package.json').version;

/**
 * What `@statsig/js-client` posts to `/v1/initialize` (as in Node; in a browser the same text is
 * base64-encoded and reversed, `se=1`): the user with its `userID`, `email` and custom
 * attributes, the `djb2` hash the client asks for by default, and its metadata, `stableID`
 * included.
 */
function statsigBody(identity, sessionID) {
  const { email, ...custom } = identity.traits;
  return {
    user: { userID: identity.identifier, ...(email === undefined ? {} : { email }), custom },
    hash: 'djb2',
    deltasResponseRequested: false,
    full_checksum: null,
    statsigMetadata: {
      sdkVersion: STATSIG_SDK_VERSION,
      sdkType: 'javascript-client',
      stableID: randomUUID(),
      sessionID,
      fallbackUrl: null,
    },
  };
}

/**
 * The flags of an initialize answer as `{key, enabled, value, variant, reason}`: gates and
 * dynamic configs back under their feature keys (`keyOf` undoes the name hash), a config's
 * value unwrapped and the variant taken out of its rule id, as statsig-mapping.ts maps them.
 */
function statsigFlags(body, keyOf) {
  if (!body?.feature_gates || !body.dynamic_configs) return undefined;
  const flags = [];
  const split = (ruleId) => {
    const match = /^(.*); variant=([A-Za-z0-9_.-]+)$/s.exec(ruleId);
    return match ? { reason: match[1], variant: match[2] } : { reason: ruleId, variant: null };
  };
  for (const [name, gate] of Object.entries(body.feature_gates)) {
    flags.push({ key: keyOf(name), enabled: gate.value, value: gate.value, ...split(gate.rule_id), gate });
  }
  for (const [name, config] of Object.entries(body.dynamic_configs)) {
    flags.push({ key: keyOf(name), enabled: config.passed, ...split(config.rule_id), config });
  }
  return flags;
}

/**
 * Share of the `node:http` ceiling each endpoint must reach in the same run (issue 12): the
 * environment document without an identity is one precomputed text, so it must come close.
 */
const CEILING_TARGET = Object.freeze({
  flags: 0.8,
  identities: 0.5,
  ofrep: 0.5,
  native: 0.5,
  statsig: 0.5,
});

/** The endpoints, each with how to call it and how to read its flags. */
export function endpoints({ clientKey, identities, featureKeys = [] }) {
  const json = { 'content-type': 'application/json' };
  const byDjb2 = new Map(featureKeys.map((key) => [djb2(key), key]));
  const sessionID = randomUUID();
  // The client's query: its key, SDK type and version, the time (fixed here, so the ceiling
  // finds its sample answer under the same URL) and the session.
  const statsigQuery = new URLSearchParams({
    k: clientKey,
    st: 'javascript-client',
    sv: STATSIG_SDK_VERSION,
    t: '1767225600000',
    sid: sessionID,
  });
  return [
    {
      name: 'flags',
      label: 'GET /api/v1/flags/',
      reference: 'flags',
      method: 'GET',
      path: '/api/v1/flags/',
      headers: { 'x-environment-key': clientKey },
      flagsOf: (body) => (Array.isArray(body) ? body : undefined),
    },
    {
      name: 'identities',
      label: 'POST /api/v1/identities/',
      reference: 'identities',
      method: 'POST',
      path: '/api/v1/identities/',
      headers: { 'x-environment-key': clientKey, ...json },
      bodies: identities.map(flagsmithIdentityBody),
      flagsOf: (body) => body?.flags,
    },
    {
      name: 'ofrep',
      label: 'POST /ofrep/v1/evaluate/flags',
      reference: 'identities',
      method: 'POST',
      path: '/ofrep/v1/evaluate/flags',
      headers: { authorization: `Bearer ${clientKey}`, ...json },
      bodies: identities.map(ofrepBody),
      flagsOf: (body) => body?.flags,
    },
    {
      name: 'native',
      label: 'POST /api/sdk/v1/flags',
      reference: 'identities',
      method: 'POST',
      path: '/api/sdk/v1/flags',
      headers: { authorization: `Bearer ${clientKey}`, ...json },
      bodies: identities.map(nativeBody),
      flagsOf: (body) =>
        body?.flags && typeof body.flags === 'object' ? Object.values(body.flags) : undefined,
    },
    {
      name: 'statsig',
      label: 'POST /v1/initialize',
      reference: 'identities',
      method: 'POST',
      path: `/v1/initialize?${statsigQuery}`,
      // A string body through fetch: what the client's requests say of themselves.
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      bodies: identities.map((identity) => statsigBody(identity, sessionID)),
      flagsOf: (body) => statsigFlags(body, (name) => byDjb2.get(name) ?? name),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Setup and correctness.

export async function call(server, { method, path, headers, body }) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

export async function importWorkload(server, adminToken, document) {
  const response = await call(server, {
    method: 'POST',
    path: '/api/admin/v1/imports/flagsmith',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: document,
  });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`importing the workload failed: ${response.status} ${response.text.slice(0, 500)}`);
  }
  return response.json;
}

function sameValue(a, b) {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Flagsmith serialises JSON values as text; compare an engine value with an API value. */
function sameFlagsmithValue(engineValue, apiValue) {
  if (sameValue(engineValue, apiValue)) return true;
  return (
    typeof apiValue === 'string' &&
    typeof engineValue === 'object' &&
    JSON.stringify(engineValue) === apiValue
  );
}

/** How many flags a client key must see: all but server-only ones (fewer when disabled ones are hidden). */
function expectedFlagCount(document) {
  const serverOnly = new Set(document.project.server_key_only_feature_ids ?? []);
  const visible = document.feature_states.filter((fs) => !serverOnly.has(fs.feature.id));
  const hidden = document.hide_disabled_flags || document.project.hide_disabled_flags;
  return { exact: !hidden, max: visible.length };
}

const ENGINE_CHECK_STRIDE = 4;

/**
 * How a Statsig flag differs from the native API's answer for the same identity, if it does:
 * booleans are gates valued by `enabled`, the rest configs that `passed` when enabled, whose
 * value is the flag's (a JSON object as it is, anything else as `{value}`, nothing when
 * disabled), with the variant as the experiment group.
 */
function statsigMismatch(flag, n) {
  const got = JSON.stringify([flag.enabled, flag.reason, flag.variant]);
  const want = JSON.stringify([n.enabled, n.reason, n.variant]);
  if (got !== want) return `enabled/reason/variant ${got}, native ${want}`;
  if ((n.type === 'boolean') !== (flag.gate !== undefined)) {
    return `a ${flag.gate ? 'gate' : 'dynamic config'}, native type ${n.type}`;
  }
  if (flag.gate) return flag.gate.id_type === 'userID' ? undefined : `id_type ${flag.gate.id_type}`;
  const { config } = flag;
  const plain = n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value);
  const value = n.value === undefined ? {} : plain ? n.value : { value: n.value };
  if (!sameValue(config.value, value)) {
    return `value ${JSON.stringify(config.value)}, native ${JSON.stringify(n.value)}`;
  }
  if (n.variant !== null && config.group_name !== n.variant) {
    return `group ${config.group_name}, native variant ${n.variant}`;
  }
  return config.id_type === 'userID' ? undefined : `id_type ${config.id_type}`;
}

async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

class Check {
  constructor() {
    this.failures = 0;
    this.examples = [];
  }
  fail(message) {
    this.failures++;
    if (this.examples.length < 6) this.examples.push(message);
  }
}

/**
 * Calls every endpoint once per generated identity (once for `flags`) and checks status, flag
 * count, and answers: Flagsmith API vs flagsmith-nodejs's engine on the same document; native
 * API vs Flagsmith API (enabled, variant); OFREP vs native API (value, variant, reason); Statsig
 * vs native API (gate or config, value, variant, reason). Returns per-endpoint `{available, check}`.
 */
async function verifyEndpoints(server, list, workload, getEvaluationResult) {
  const { document, context, identities, identityContexts } = workload;
  const expected = expectedFlagCount(document);
  const status = {};
  const answers = {};

  for (const endpoint of list) {
    const check = new Check();
    status[endpoint.name] = { available: true, check };
    const bodies = endpoint.bodies ?? [undefined];
    const responses = await mapLimit(bodies, 16, (body) =>
      call(server, { method: endpoint.method, path: endpoint.path, headers: endpoint.headers, body }),
    );
    if (responses[0].status === 404 && responses[0].json?.error?.code === 'route_not_found') {
      status[endpoint.name].available = false;
      continue;
    }
    answers[endpoint.name] = responses.map((response, i) => {
      const who = endpoint.bodies ? ` for ${identities[i].identifier}` : '';
      if (response.status !== 200) {
        check.fail(`${response.status}${who}: ${response.text.slice(0, 200)}`);
        return undefined;
      }
      const flags = endpoint.flagsOf(response.json);
      if (!Array.isArray(flags)) {
        check.fail(`no flags${who}: ${response.text.slice(0, 200)}`);
        return undefined;
      }
      const countOk = expected.exact
        ? flags.length === expected.max
        : flags.length <= expected.max && flags.length > 0;
      if (!countOk)
        check.fail(`${flags.length} flags${who}, expected ${expected.exact ? '' : '<= '}${expected.max}`);
      return flags;
    });
  }

  // Flagsmith API vs flagsmith-nodejs's engine.
  const vsEngine = (name, flags, result, who) => {
    const check = status[name].check;
    for (const flag of flags) {
      const f = result.flags[flag.feature?.name];
      if (!f) {
        check.fail(`${flag.feature?.name}${who}: not in flagsmith-nodejs's result`);
        continue;
      }
      if (f.enabled !== flag.enabled) {
        check.fail(`${flag.feature.name}${who}: enabled ${flag.enabled}, flagsmith-nodejs ${f.enabled}`);
      } else if (
        flag.feature_state_value !== null &&
        !sameFlagsmithValue(f.value, flag.feature_state_value)
      ) {
        check.fail(
          `${flag.feature.name}${who}: value ${JSON.stringify(flag.feature_state_value)}, flagsmith-nodejs ${JSON.stringify(f.value)}`,
        );
      }
    }
  };
  if (answers.flags?.[0]) vsEngine('flags', answers.flags[0], getEvaluationResult(context), '');
  for (let i = 0; i < identities.length; i++) {
    const who = ` for ${identities[i].identifier}`;
    const fs = answers.identities?.[i];
    // flagsmith-nodejs's engine takes ~5 ms per identity here: every 4th identity is enough
    // (the engine benchmark compares the engines on all of them).
    if (fs && i % ENGINE_CHECK_STRIDE === 0) {
      vsEngine('identities', fs, getEvaluationResult({ ...context, identity: identityContexts[i] }), who);
    }
    const native = answers.native?.[i];
    if (native && fs) {
      const byName = new Map(fs.map((f) => [f.feature.name, f]));
      for (const flag of native) {
        const f = byName.get(flag.key);
        if (!f) status.native.check.fail(`${flag.key}${who}: missing from the Flagsmith API's answer`);
        // A disabled non-boolean flag has no value and no variant in the typed view (DESIGN §2).
        else if (
          f.enabled !== flag.enabled ||
          (flag.value !== undefined && (f.variant ?? null) !== flag.variant)
        ) {
          status.native.check.fail(
            `${flag.key}${who}: enabled/variant ${flag.enabled}/${flag.variant}, Flagsmith API ${f.enabled}/${f.variant}`,
          );
        }
      }
    }
    const ofrep = answers.ofrep?.[i];
    if (ofrep && native) againstNative(status.ofrep.check, ofrep, native, who, ofrepMismatch);
    const statsig = answers.statsig?.[i];
    if (statsig && native) againstNative(status.statsig.check, statsig, native, who, statsigMismatch);
  }
  return status;
}

/** Checks each flag of an answer against the native API's flag of the same key. */
function againstNative(check, flags, native, who, mismatch) {
  const byKey = new Map(native.map((f) => [f.key, f]));
  for (const flag of flags) {
    const n = byKey.get(flag.key);
    const wrong = n ? mismatch(flag, n) : "missing from the native API's answer";
    if (wrong) check.fail(`${flag.key}${who}: ${wrong}`);
  }
}

/** How an OFREP flag differs from the native one (value, variant, engine reason), if it does. */
function ofrepMismatch(flag, n) {
  const same =
    sameValue(flag.value, n.value) &&
    (flag.variant ?? null) === n.variant &&
    flag.metadata?.reasonDetail === n.reason;
  return same
    ? undefined
    : `${JSON.stringify([flag.value, flag.variant, flag.metadata?.reasonDetail])}, native ${JSON.stringify([n.value, n.variant, n.reason])}`;
}

// ---------------------------------------------------------------------------------------------
// The ceiling: Pennon's exact answer to one sample request per endpoint, replayed by a bare
// `node:http` process (bench/ceiling-server.mjs) after it reads and JSON-parses the body.

/** Headers node:http writes itself (or that describe the framing, which the ceiling sets). */
const FRAMING_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

async function sampleAnswers(server, list) {
  const answers = {};
  for (const endpoint of list) {
    const body = endpoint.bodies?.[0];
    const response = await fetch(`${server.url}${endpoint.path}`, {
      method: endpoint.method,
      headers: endpoint.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const headers = {};
    for (const [name, value] of response.headers) {
      if (!FRAMING_HEADERS.has(name)) headers[name] = value;
    }
    answers[`${endpoint.method} ${endpoint.path}`] = {
      status: response.status,
      headers,
      body: bytes.toString('base64'),
    };
  }
  return answers;
}

// ---------------------------------------------------------------------------------------------
// Load.

function cannon(server, endpoint, { connections, seconds }) {
  const { bodies } = endpoint;
  let next = 0;
  const request = { method: endpoint.method, path: endpoint.path, headers: endpoint.headers };
  if (bodies) {
    const buffers = bodies.map((body) => Buffer.from(JSON.stringify(body)));
    // Every request takes the next identity, across all connections. autocannon hands
    // setupRequest a fresh copy of the request each time.
    request.setupRequest = (req) => {
      req.body = buffers[next++ % buffers.length];
      return req;
    };
  }
  return autocannon({
    url: server.url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    requests: [request],
  });
}

/** Warm up, then one timed run; server and load-generator CPU measured over the timed run. */
export async function loadEndpoint(server, endpoint, { connections, seconds, warmupSeconds }) {
  if (warmupSeconds > 0) await cannon(server, endpoint, { connections, seconds: warmupSeconds });
  const cpuBefore = processCpuMs(server.child.pid);
  const ownBefore = process.cpuUsage();
  const startUs = Number(process.hrtime.bigint() / 1000n);
  const result = await cannon(server, endpoint, { connections, seconds });
  const endUs = Number(process.hrtime.bigint() / 1000n);
  const cpuAfter = processCpuMs(server.child.pid);
  const own = process.cpuUsage(ownBefore);
  const wallMs = (endUs - startUs) / 1000;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
  );
  return {
    requestsPerSecond: result.requests.average,
    okPerSecond: (result['2xx'] ?? 0) / result.duration,
    totalRequests: result.requests.total,
    bytesPerResponse: result.requests.total ? result.throughput.total / result.requests.total : undefined,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.average },
    non2xx: result.non2xx,
    socketErrors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    serverCpu:
      cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / wallMs,
    loadGeneratorCpu: (own.user + own.system) / 1000 / wallMs,
    windowUs: [startUs, endUs],
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting.

const fmtMs = (x) => (x === undefined ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const fmtPct = (x) => (x === undefined ? '–' : `${Math.round(x * 100)}%`);

function errorsOf(run) {
  const failed = run.non2xx + run.socketErrors + run.timeouts;
  if (failed === 0) return '0';
  const parts = Object.entries(run.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${fmtInt(n)}×${code}`);
  if (run.socketErrors) parts.push(`${fmtInt(run.socketErrors)} socket`);
  if (run.timeouts) parts.push(`${fmtInt(run.timeouts)} timeout`);
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------

function loadAverage() {
  const [one] = loadavg();
  return `load average ${one.toFixed(2)} on ${availableParallelism()} cores`;
}

/**
 * Run the HTTP benchmark. Options: `seed`, `seconds` (timed run per endpoint, default 10),
 * `warmupSeconds` (default 3), `connections` (default 64), `profileDir` (run the server under
 * `node --cpu-prof`, keep its profile there and print its hot spots per endpoint), `only` (names
 * of endpoints to load), `log`. `ok` is false when an answer was wrong or a timed run had errors.
 */
export async function runHttpBenchmark(options = {}) {
  const {
    seed = DEFAULT_SEED,
    seconds = 10,
    warmupSeconds = 3,
    connections = 64,
    profileDir,
    only,
    log = console.log,
  } = options;
  const { getEvaluationResult } = await flagsmithEngineModule('index.js');
  const workload = generateWorkload({ seed, identities: WORKLOAD.identities });
  const { document, identities } = workload;

  log(`HTTP benchmark: one server process on loopback, standing workload, seed ${seed}`);
  log(
    `  ${document.feature_states.length} features, ${document.project.segments.length} segments × ` +
      `${WORKLOAD.conditionsPerSegment} conditions, ${document.identity_overrides.length} identity overrides; ` +
      `requests cycle through ${identities.length} identities × ${WORKLOAD.traitsPerIdentity} traits`,
  );
  log(
    `  autocannon: ${connections} connections, pipelining 1, ${warmupSeconds} s warm-up + ${seconds} s per endpoint; ` +
      `node ${process.version}; ${loadAverage()} before start${profileDir ? '; server under --cpu-prof (slower)' : ''}`,
  );

  const dataDir = mkdtempSync(join(tmpdir(), 'pennon-http-bench-'));
  const adminToken = `bench-${randomBytes(24).toString('hex')}`;
  let server;
  let ceiling;
  // If this process dies abruptly, the children and the directory must not outlive them.
  const onExit = () => {
    server?.child.kill('SIGKILL');
    ceiling?.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  // A signal would end this process without 'exit' handlers: clean up, then die as asked.
  const onSignal = (signal) => {
    onExit();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results = {};
  const ceilingResults = {};
  let list = [];
  let timed = [];
  let status;
  try {
    server = await startServerProcess({ dataDir, adminToken, profileDir });
    const imported = await importWorkload(server, adminToken, document);
    list = endpoints({
      clientKey: imported.client_key,
      identities,
      featureKeys: document.feature_states.map((fs) => fs.feature.name),
    });
    const unknown = (only ?? []).filter((name) => !list.some((endpoint) => endpoint.name === name));
    if (unknown.length > 0) {
      throw new Error(
        `--only: no endpoint named ${unknown.join(', ')}; endpoints: ${list.map((e) => e.name).join(', ')}`,
      );
    }
    timed = only ? list.filter((endpoint) => only.includes(endpoint.name)) : list;
    log(`  server pid ${server.child.pid} at ${server.url}; imported environment ${imported.environment_id}`);

    status = await verifyEndpoints(server, list, workload, getEvaluationResult);
    log('');
    log(
      "Correctness (before timing): every identity on every endpoint; Flagsmith API vs flagsmith-nodejs's engine " +
        `(1 identity in ${ENGINE_CHECK_STRIDE}), native vs Flagsmith API, OFREP and Statsig vs native`,
    );
    for (const endpoint of list) {
      const s = status[endpoint.name];
      const label = endpoint.label.trim();
      if (!s.available) {
        log(`  ${label}: UNAVAILABLE (404 route_not_found): not timed`);
        continue;
      }
      log(`  ${label}: ${s.check.failures === 0 ? 'ok' : `${s.check.failures} WRONG ANSWERS, not timed`}`);
      for (const example of s.check.examples) log(`    - ${example}`);
    }

    const answersFile = join(dataDir, 'ceiling-answers.json');
    writeFileSync(answersFile, JSON.stringify(await sampleAnswers(server, list)));
    ceiling = await startCeilingProcess({ answersFile });
    log(
      `  node:http ceiling pid ${ceiling.child.pid} at ${ceiling.url}, replaying Pennon's answer to one sample request per endpoint`,
    );

    // Pennon, then the ceiling, endpoint by endpoint: both under the same load conditions.
    const settings = { connections, seconds, warmupSeconds };
    for (const endpoint of timed) {
      if (!status[endpoint.name].available || status[endpoint.name].check.failures > 0) continue;
      results[endpoint.name] = await loadEndpoint(server, endpoint, settings);
      ceilingResults[endpoint.name] = await loadEndpoint(ceiling, endpoint, settings);
    }
  } finally {
    if (ceiling) await stopServerProcess(ceiling);
    if (server) await stopServerProcess(server);
    process.removeListener('exit', onExit);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    rmSync(dataDir, { recursive: true, force: true });
  }

  // What was timed is reported, and counts for the targets: `only` leaves the others out.
  report({ list: timed, status, results, seconds, log });
  const vsCeiling = reportCeiling({ list: timed, results, ceilingResults, log });
  const profile = profileDir ? reportProfile({ profileDir, pid: server.child.pid, results, log }) : undefined;

  const wrong = Object.values(status).reduce((n, s) => n + s.check.failures, 0);
  const errors = Object.values(results).reduce((n, run) => n + errorCount(run), 0);
  return {
    name: 'http',
    ok: wrong === 0 && errors === 0,
    seed,
    connections,
    seconds,
    unavailable: Object.entries(status)
      .filter(([, s]) => !s.available)
      .map(([name]) => name),
    wrongAnswers: wrong,
    results: Object.fromEntries(Object.entries(results).map(([name, { windowUs, ...run }]) => [name, run])),
    reference: FLAGSMITH_REFERENCE,
    meetsTarget: meetsTarget(timed, results),
    ceiling: Object.fromEntries(
      Object.entries(ceilingResults).map(([name, { windowUs, ...run }]) => [name, run]),
    ),
    vsCeiling,
    profile,
  };
}

const errorCount = (run) => run.non2xx + run.socketErrors + run.timeouts;

/** Per endpoint, its timed run and the Flagsmith Rust figure it counts against. */
function comparable(list, results) {
  return list.map((endpoint) => ({
    run: results[endpoint.name],
    rust: FLAGSMITH_REFERENCE[endpoint.reference].rust,
  }));
}

function meetsTarget(list, results) {
  const figures = comparable(list, results);
  return (
    figures.length > 0 &&
    figures.every(({ run, rust }) => run && errorCount(run) === 0 && run.okPerSecond > rust)
  );
}

function report({ list, status, results, seconds, log }) {
  log('');
  log(`Throughput: requests/s (mean of 1 s samples over ${seconds} s), latency in ms`);
  const rows = [
    [
      'endpoint',
      'req/s',
      'p50',
      'p99',
      'errors',
      'KB/resp',
      'server CPU',
      'req/s ÷ CPU',
      'Flagsmith Python',
      'Flagsmith Rust',
      'vs Rust',
    ],
  ];
  for (const endpoint of list) {
    const run = results[endpoint.name];
    const ref = FLAGSMITH_REFERENCE[endpoint.reference];
    const python = fmtInt(ref.python);
    const rust = `${fmtInt(ref.rust)}${endpoint.reference === 'flags' || endpoint.name === 'identities' ? '' : '*'}`;
    if (!run) {
      const s = status[endpoint.name];
      const why = !s?.available ? 'unavailable' : s.check.failures ? 'wrong answers' : 'not run';
      rows.push([endpoint.label, why, '', '', '', '', '', '', python, rust, '']);
      continue;
    }
    rows.push([
      endpoint.label,
      fmtInt(run.requestsPerSecond),
      fmtMs(run.latencyMs.p50),
      fmtMs(run.latencyMs.p99),
      errorsOf(run),
      run.bytesPerResponse === undefined ? '–' : (run.bytesPerResponse / 1024).toFixed(1),
      fmtPct(run.serverCpu),
      run.serverCpu ? fmtInt(run.okPerSecond / run.serverCpu) : '–',
      python,
      rust,
      `${(run.okPerSecond / ref.rust).toFixed(2)}×`,
    ]);
  }
  log(table(rows));
  log(
    "  Flagsmith: published Edge Proxy figures, one CPU, 50 features; * = compared with Flagsmith's identities figure.",
  );
  log(
    '  server CPU: share of one core the server process got during the timed run; req/s ÷ CPU: 2xx answers',
  );
  log(
    '  per second of server CPU time (what one fully available core would give, if the server scales linearly).',
  );
  const starved = Object.entries(results).filter(
    ([, run]) => run.serverCpu !== undefined && run.serverCpu < 0.85,
  );
  if (starved.length > 0) {
    log(
      `  WARNING: the server got less than 85% of a core on ${starved.map(([name]) => name).join(', ')} ` +
        `(${loadAverage()} now; load generator used ${starved.map(([, run]) => fmtPct(run.loadGeneratorCpu)).join(', ')} ` +
        'of a core): other processes took the CPU, so req/s understates the server; see req/s ÷ CPU.',
    );
  }
  log('');
  const figures = comparable(list, results);
  const above = figures.filter(({ run, rust }) => run && errorCount(run) === 0 && run.okPerSecond > rust);
  log(
    `Target: above Flagsmith's Rust figures with one Node process: ${meetsTarget(list, results) ? 'met' : 'NOT met'} ` +
      `(${above.length} of ${figures.length} endpoints above, without errors)`,
  );
}

/** Pennon against the node:http ceiling, endpoint by endpoint; returns the ratios and targets. */
function reportCeiling({ list, results, ceilingResults, log }) {
  log('');
  log(`Against the node:http ceiling (same autocannon settings, same run; ${loadAverage()} now)`);
  const rows = [['endpoint', 'Pennon req/s', 'ceiling req/s', 'ratio', 'target', '', 'ratio per CPU-second']];
  const ratios = {};
  for (const endpoint of list) {
    const run = results[endpoint.name];
    const top = ceilingResults[endpoint.name];
    if (!run || !top) continue;
    const ratio = top.okPerSecond > 0 ? run.okPerSecond / top.okPerSecond : undefined;
    const target = CEILING_TARGET[endpoint.name];
    const met = ratio !== undefined && errorCount(run) === 0 && ratio >= target;
    // On a shared machine either process may lose its core for a while: answers per second of
    // its own CPU time compare the two servers' work per request whatever the others took.
    const perCpu =
      run.serverCpu && top.serverCpu
        ? run.okPerSecond / run.serverCpu / (top.okPerSecond / top.serverCpu)
        : undefined;
    ratios[endpoint.name] = { ratio, target, met, perCpu };
    rows.push([
      endpoint.label,
      fmtInt(run.okPerSecond),
      fmtInt(top.okPerSecond),
      ratio === undefined ? '–' : ratio.toFixed(2),
      target.toFixed(1),
      met ? 'met' : 'NOT met',
      perCpu === undefined ? '–' : perCpu.toFixed(2),
    ]);
  }
  log(table(rows));
  log('  req/s: 2xx answers per second; the ceiling reads and JSON-parses each body, then writes');
  log("  Pennon's answer to one sample request of that endpoint (same status, headers and bytes).");
  log("  ratio per CPU-second: the same ratio in answers per second of each server's own CPU time,");
  log('  steadier than req/s when other processes share the cores.');
  return ratios;
}

/** Hot spots of the server, per endpoint, from the profile `--cpu-prof` wrote when it exited. */
function reportProfile({ profileDir, pid, results, log }) {
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
  if (files.length === 0) {
    log(`(no .cpuprofile of process ${pid} in ${profileDir})`);
    return undefined;
  }
  const file = join(profileDir, files[0]);
  const loaded = loadCpuProfile(file);
  log('');
  log(`Server CPU profile: ${file} (open in Chrome DevTools or VS Code)`);
  for (const [name, run] of Object.entries(results)) {
    log(`  ${name} (timed run only):`);
    printCpuProfileSummary(
      summarizeCpuProfile(loaded, { windows: [run.windowUs], root: ROOT, top: 12 }),
      log,
    );
  }
  return file;
}
