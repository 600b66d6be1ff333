#!/usr/bin/env node
// Entry point of `npm run bench` (which builds first and runs node with --expose-gc).
//
//   node --expose-gc bench/run.mjs                 run every benchmark
//   node --expose-gc bench/run.mjs engine          run the named benchmark(s)
//   node bench/run.mjs --list                      list benchmarks
//   options: --seed N  --rounds N  --reference (also time Pennon's uncompiled evaluate(), slow)
//            engine: --baseline REV (the git revision whose engine is timed beside today's for the
//                  speed-up; default the engine before issue 12's work; `none` to skip)
//            --json FILE (write the figures as JSON)
//            http: --seconds N (timed run per endpoint, for Pennon and for the node:http ceiling)  --warmup N (seconds)  --connections N
//                  --only NAME,NAME (time only these endpoints: flags, identities, ofrep, native, statsig)
//            experiments: --units N --events N (size of the generated experiment)
//                  --profile DIR (run the server under --cpu-prof, print its hot spots)
//
// To add a benchmark, add an entry to BENCHMARKS: `run(options)` prints its own report and
// returns an object with at least `{name, ok}` (ok = false fails the run, e.g. wrong answers).

import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const BENCHMARKS = [
  {
    name: 'engine',
    description: 'evaluate 50 flags for 1,000 identities: Pennon compiled engine vs flagsmith-nodejs engine',
    run: async (options) => (await import('./engine.bench.mjs')).runEngineBenchmark(options),
  },
  {
    name: 'sdk',
    description:
      '@pennon/node flag reads/s vs flagsmith-nodejs local evaluation; browser bundle sizes vs flagsmith, statsig, growthbook',
    run: async (options) => (await import('./sdk.bench.mjs')).runSdkBenchmark(options),
  },
  {
    name: 'http',
    description:
      'one server process on loopback under autocannon: Flagsmith flags/identities, OFREP, native API, Statsig initialize',
    run: async (options) => (await import('./http.bench.mjs')).runHttpBenchmark(options),
  },
  {
    name: 'workers',
    description: 'SDK endpoints under autocannon with `serve --workers 1` and `--workers 2` side by side',
    run: async (options) => (await import('./workers.bench.mjs')).runWorkersBenchmark(options),
  },
  {
    name: 'streams',
    description:
      '10,000 SSE streams on one server process: a change to all of them (p50/p95/p99/max), memory per idle stream, a burst of 1,000',
    run: async (options) => (await import('./streams.bench.mjs')).runStreamsBenchmark(options),
  },
  {
    name: 'edge',
    description:
      'one pennon edge vs one pennon serve process: the same endpoints under autocannon; admin change → edge stream delay',
    run: async (options) => (await import('./edge.bench.mjs')).runEdgeBenchmark(options),
  },
  {
    name: 'experiments',
    description:
      'results of 1M units / 10M events on SQLite and PostgreSQL; events ingested per second through the native endpoint',
    run: async (options) => (await import('./experiments.bench.mjs')).runExperimentsBenchmark(options),
  },
  {
    name: 'console',
    description:
      'the console in headless Chromium with 2,000 flags: time to an interactive flag list, to filter; first-load JS gzipped vs 250 KB',
    run: async (options) => (await import('./console.bench.mjs')).runConsoleBenchmark(options),
  },
];

function usage() {
  return [
    'usage: node --expose-gc bench/run.mjs [benchmark ...] [--seed N] [--rounds N] [--reference] [--json FILE] [--list]',
    '         engine: [--baseline REV|none]',
    '         http: [--seconds N] [--warmup N] [--connections N] [--profile DIR] [--only NAME,NAME]',
    '         experiments: [--units N] [--events N] [--seconds N] [--connections N]',
    '         streams: [--streams N] [--burst N] [--rounds N]',
    '',
    'benchmarks:',
    ...BENCHMARKS.map((b) => `  ${b.name.padEnd(10)} ${b.description}`),
  ].join('\n');
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string' },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    units: { type: 'string' },
    streams: { type: 'string' },
    burst: { type: 'string' },
    events: { type: 'string' },
    profile: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'string' },
    reference: { type: 'boolean' },
    baseline: { type: 'string' },
    list: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || values.list) {
  console.log(usage());
  process.exit(0);
}

const unknown = positionals.filter((name) => !BENCHMARKS.some((b) => b.name === name));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')}\n\n${usage()}`);
  process.exit(2);
}
const selected = positionals.length > 0 ? BENCHMARKS.filter((b) => positionals.includes(b.name)) : BENCHMARKS;

const options = {};
if (values.seed !== undefined) options.seed = Number(values.seed);
if (values.rounds !== undefined) options.rounds = Number(values.rounds);
if (values.seconds !== undefined) options.seconds = Number(values.seconds);
if (values.warmup !== undefined) options.warmupSeconds = Number(values.warmup);
if (values.connections !== undefined) options.connections = Number(values.connections);
if (values.units !== undefined) options.units = Number(values.units);
if (values.events !== undefined) options.events = Number(values.events);
if (values.streams !== undefined) options.streams = Number(values.streams);
if (values.burst !== undefined) options.burst = Number(values.burst);
for (const [key, value] of Object.entries(options)) {
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${key} must be a non-negative integer`);
    process.exit(2);
  }
}
if (values.reference) options.timeReference = true;
if (values.baseline !== undefined) options.baseline = values.baseline;
if (options.seconds === 0 || options.connections === 0) {
  console.error('--seconds and --connections must be at least 1');
  process.exit(2);
}
if (values.only) options.only = values.only.split(',').map((name) => name.trim());
if (values.profile) {
  mkdirSync(values.profile, { recursive: true });
  options.profileDir = resolve(values.profile);
}

const results = [];
let failed = false;
for (const benchmark of selected) {
  if (results.length > 0) console.log('');
  try {
    const result = await benchmark.run(options);
    results.push(result);
    if (!result.ok) failed = true;
  } catch (error) {
    console.error(
      `benchmark ${benchmark.name} failed: ${error?.stack ?? error}${error?.cause ? `\ncaused by: ${error.cause?.message ?? error.cause}` : ''}`,
    );
    results.push({ name: benchmark.name, ok: false, error: String(error?.message ?? error) });
    failed = true;
  }
}

if (values.json) {
  writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nfigures written to ${values.json}`);
}
if (failed) process.exitCode = 1;
