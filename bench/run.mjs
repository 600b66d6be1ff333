#!/usr/bin/env node
// Entry point of `npm run bench` (which builds first and runs node with --expose-gc).
//
//   node --expose-gc bench/run.mjs                 run every benchmark
//   node --expose-gc bench/run.mjs engine          run the named benchmark(s)
//   node bench/run.mjs --list                      list benchmarks
//   options: --seed N  --rounds N  --reference (also time Pennon's uncompiled evaluate(), slow)
//            --json FILE (write the figures as JSON)
//
// To add a benchmark, add an entry to BENCHMARKS: `run(options)` prints its own report and
// returns an object with at least `{name, ok}` (ok = false fails the run, e.g. wrong answers).

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const BENCHMARKS = [
  {
    name: 'engine',
    description: 'evaluate 50 flags for 1,000 identities: Pennon compiled engine vs flagsmith-nodejs engine',
    run: async (options) => (await import('./engine.bench.mjs')).runEngineBenchmark(options),
  },
];

function usage() {
  return [
    'usage: node --expose-gc bench/run.mjs [benchmark ...] [--seed N] [--rounds N] [--reference] [--json FILE] [--list]',
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
    json: { type: 'string' },
    reference: { type: 'boolean' },
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
for (const [key, value] of Object.entries(options)) {
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${key} must be a non-negative integer`);
    process.exit(2);
  }
}
if (values.reference) options.timeReference = true;

const results = [];
let failed = false;
for (const benchmark of selected) {
  if (results.length > 0) console.log('');
  try {
    const result = await benchmark.run(options);
    results.push(result);
    if (!result.ok) failed = true;
  } catch (error) {
    console.error(`benchmark ${benchmark.name} failed: ${error?.stack ?? error}`);
    results.push({ name: benchmark.name, ok: false, error: String(error?.message ?? error) });
    failed = true;
  }
}

if (values.json) {
  writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nfigures written to ${values.json}`);
}
if (failed) process.exitCode = 1;
