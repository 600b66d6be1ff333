// `npm run bench sdk`: Pennon's SDKs against their peers, in one process.
//
// 1. Flag reads per second of @pennon/node (local evaluation of the environment document) and
//    flagsmith-nodejs in local-evaluation mode, on the standing workload (DESIGN.md §8): one
//    read = one flag's value for one identity with traits. Both are fed the same document, and
//    their answers are compared before anything is timed.
//    Then @pennon/node, @growthbook/growthbook (GrowthBookClient, multi-user) and unleash-client
//    on an equivalent flag set written natively for each (equivalent-flags.mjs says exactly
//    what it is): each SDK's answers are checked against the set's rules, then timed.
// 2. Browser bundle sizes: the same small program (start for a user, read a flag, track an
//    event) bundled with @pennon/js, flagsmith, @statsig/js-client and @growthbook/growthbook
//    by one bundler (esbuild, minified, ES2020), reported raw and gzipped.

import { gzipSync } from 'node:zlib';
import { GrowthBookClient } from '@growthbook/growthbook';
import * as esbuild from 'esbuild';
import { Flagsmith } from 'flagsmith-nodejs';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import {
  checkAnswers,
  describeEquivalentSet,
  equivalentFlags,
  growthbookFeatures,
  growthbookRead,
  growthbookUser,
  pennonEquivalentDocument,
  pennonRead,
  unleashRead,
  unleashToggles,
  unleashUser,
} from './equivalent-flags.mjs';
import { fmtInt, table } from './report.mjs';
import { buildEnvironmentModel, DEFAULT_SEED, generateWorkload } from './workload.mjs';

async function loadPennon() {
  try {
    return await import('@pennon/node');
  } catch (error) {
    throw new Error(`cannot import @pennon/node (${error.message}); build it first: npm run build`);
  }
}

/** A Pennon environment document of the workload, as the server would serve it. */
function pennonDocument(context) {
  const feature_types = {};
  for (const [name, feature] of Object.entries(context.features)) {
    feature_types[name] = typeof feature.value === 'number' ? 'number' : 'string';
  }
  return {
    environment: { id: 'bench', name: 'bench', updated_at: new Date(0).toISOString() },
    context,
    feature_types,
  };
}

function timeReads(label, read, reads, minMs) {
  // Warm up (JIT), then time whole passes until minMs has gone by.
  read(0, Math.min(reads, 20_000));
  let done = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    read(done, reads);
    done += reads;
    elapsed = performance.now() - started;
  }
  return { label, perSecond: (done / elapsed) * 1000 };
}

async function timeReadsAsync(label, read, reads, minMs) {
  await read(0, Math.min(reads, 2_000));
  let done = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    await read(done, reads);
    done += reads;
    elapsed = performance.now() - started;
  }
  return { label, perSecond: (done / elapsed) * 1000 };
}

async function readSpeed({ seed, seconds }) {
  const { Pennon } = await loadPennon();
  const workload = generateWorkload({ seed, identities: 1000 });
  const keys = Object.keys(workload.context.features);
  const users = workload.identities.map((i) => ({ identifier: i.identifier, traits: i.traits ?? {} }));

  // Started offline from the document (nothing listens on port 9), as a deploy bootstrap would.
  const pennon = await Pennon.start({
    serverKey: 'ser.bench',
    url: 'http://127.0.0.1:9',
    bootstrap: pennonDocument(workload.context),
    startTimeoutMs: 200,
    stream: false,
    pollIntervalMs: 3_600_000,
    events: { exposures: false },
  });
  // Built once: flagsmith-nodejs asks its offline handler for the environment on every read.
  const environmentModel = buildEnvironmentModel(workload.document);
  const flagsmith = new Flagsmith({
    environmentKey: 'ser.bench',
    enableLocalEvaluation: true,
    offlineMode: true,
    offlineHandler: { getEnvironment: () => environmentModel },
  });

  // Same answers first: a benchmark of different results would mean nothing.
  let mismatches = 0;
  for (const user of users.slice(0, 200)) {
    const theirs = await flagsmith.getIdentityFlags(user.identifier, user.traits);
    for (const key of keys) {
      const ours = pennon.getFlag(key, user);
      const their = theirs.getFlag(key);
      if (
        ours.enabled !== their.enabled ||
        JSON.stringify(ours.value ?? null) !== JSON.stringify(their.value ?? null)
      ) {
        if (ours.enabled || their.enabled) mismatches++;
      }
    }
  }

  const minMs = seconds * 1000;
  const n = users.length * keys.length;
  // Consecutive reads are for different users, so no SDK can reuse one user's evaluation.
  const pick = (i) => [users[i % users.length], keys[Math.floor(i / users.length) % keys.length]];
  let sink = 0;
  const pennonResult = timeReads(
    '@pennon/node getValue',
    (from, count) => {
      for (let i = from; i < from + count; i++) {
        const [user, key] = pick(i);
        if (pennon.getValue(key, user) !== undefined) sink++;
      }
    },
    n,
    minMs,
  );
  const flagsmithResult = await timeReadsAsync(
    'flagsmith-nodejs getIdentityFlags + getFeatureValue',
    async (from, count) => {
      for (let i = from; i < from + count; i++) {
        const [user, key] = pick(i);
        const flags = await flagsmith.getIdentityFlags(user.identifier, user.traits);
        if (flags.getFeatureValue(key) !== undefined) sink++;
      }
    },
    Math.min(n, 5_000),
    minMs,
  );
  // Pennon with exposure logging on, as applications run it by default.
  const logging = await Pennon.start({
    serverKey: 'ser.bench',
    url: 'http://127.0.0.1:9',
    bootstrap: pennonDocument(workload.context),
    startTimeoutMs: 200,
    stream: false,
    pollIntervalMs: 3_600_000,
  });
  const loggingResult = timeReads(
    '@pennon/node getValue, exposure logging on',
    (from, count) => {
      for (let i = from; i < from + count; i++) {
        const [user, key] = pick(i);
        if (logging.getValue(key, user) !== undefined) sink++;
      }
    },
    n,
    minMs,
  );
  await pennon.close(0);
  await logging.close(0);
  void sink;
  return { mismatches, results: [pennonResult, loggingResult, flagsmithResult] };
}

/**
 * Reads per second of @pennon/node, @growthbook/growthbook and unleash-client on the equivalent
 * flag set, each started offline from its own native form of the set, its answers checked
 * against the set's rules before timing.
 */
async function equivalentReadSpeed({ seed, seconds }) {
  const { Pennon } = await loadPennon();
  const workload = generateWorkload({ seed, identities: 1000 });
  const flags = equivalentFlags(workload.context);
  const users = workload.identities.map((i) => ({ identifier: i.identifier, traits: i.traits ?? {} }));

  const pennon = await Pennon.start({
    serverKey: 'ser.bench',
    url: 'http://127.0.0.1:9',
    bootstrap: pennonEquivalentDocument(flags),
    startTimeoutMs: 200,
    stream: false,
    pollIntervalMs: 3_600_000,
    events: { exposures: false },
  });
  const growthbook = new GrowthBookClient({}).initSync({ payload: { features: growthbookFeatures(flags) } });
  // Offline from the bootstrap: no polling, no metrics, nothing written to disk.
  const unleash = new Unleash({
    appName: 'pennon-bench',
    url: 'http://127.0.0.1:9/api/',
    refreshInterval: 0,
    disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: unleashToggles(flags) },
    skipInstanceCountWarning: true,
  });
  const unleashErrors = [];
  unleash.on('error', (error) => unleashErrors.push(error));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('unleash-client did not load its bootstrap')), 10_000);
    unleash.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });

  // Each SDK's user shape, built once, outside the timed loops.
  const growthbookUsers = users.map(growthbookUser);
  const unleashUsers = users.map(unleashUser);
  const readers = [
    { label: '@pennon/node getValue / isEnabled', read: (flag, i) => pennonRead(pennon, flag, users[i]) },
    {
      label: '@growthbook/growthbook GrowthBookClient getFeatureValue / isOn',
      read: (flag, i) => growthbookRead(growthbook, flag, growthbookUsers[i]),
    },
    {
      label: 'unleash-client getVariant / isEnabled',
      read: (flag, i) => unleashRead(unleash, flag, unleashUsers[i]),
    },
  ];
  const index = new Map(users.map((user, i) => [user, i]));
  const problems = readers.flatMap(({ label, read }) =>
    checkAnswers(label, flags, users, (flag, user) => read(flag, index.get(user))),
  );

  const n = users.length * flags.length;
  let sink = 0;
  const results = readers.map(({ label, read }) =>
    timeReads(
      label,
      (from, count) => {
        for (let i = from; i < from + count; i++) {
          const u = i % users.length;
          if (read(flags[Math.floor(i / users.length) % flags.length], u) !== undefined) sink++;
        }
      },
      n,
      seconds * 1000,
    ),
  );
  // A single read evaluates the whole environment in @pennon/node (every flag, every segment);
  // getAllFlags returns all 50 from one evaluation. Shown per flag, for what that design gives
  // a caller that reads many flags per request.
  const all = timeReads(
    '@pennon/node getAllFlags, per flag (50 per call)',
    (from, count) => {
      for (let i = from; i < from + count; i++) {
        if (pennon.getAllFlags(users[i % users.length]) !== undefined) sink++;
      }
    },
    users.length,
    seconds * 1000,
  );
  results.push({ label: all.label, perSecond: all.perSecond * flags.length });
  void sink;
  unleash.destroy();
  await pennon.close(0);
  return { problems, results, description: describeEquivalentSet(flags) };
}

const PROGRAMS = {
  '@pennon/js': `import { createClient } from '@pennon/js';
const client = createClient({ clientKey: 'key', url: 'https://flags.example.com', user: { identifier: 'u1' } });
client.ready.then(() => { console.log(client.isEnabled('feature')); client.track('event', 1); });`,
  flagsmith: `import flagsmith from 'flagsmith';
flagsmith.init({ environmentID: 'key', identity: 'u1' }).then(() => {
  console.log(flagsmith.hasFeature('feature')); flagsmith.trackEvent && flagsmith.trackEvent('event'); });`,
  '@statsig/js-client': `import { StatsigClient } from '@statsig/js-client';
const client = new StatsigClient('client-key', { userID: 'u1' });
client.initializeAsync().then(() => { console.log(client.checkGate('feature')); client.logEvent('event', 1); });`,
  '@growthbook/growthbook': `import { GrowthBook } from '@growthbook/growthbook';
const gb = new GrowthBook({ clientKey: 'key', attributes: { id: 'u1' }, trackingCallback: (e, r) => console.log(e, r) });
gb.init().then(() => { console.log(gb.isOn('feature')); });`,
};

async function bundleSizes() {
  const sizes = [];
  for (const [name, contents] of Object.entries(PROGRAMS)) {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: new URL('.', import.meta.url).pathname, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      write: false,
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    sizes.push({ name, raw: code.length, gzip: gzipSync(code, { level: 9 }).length });
  }
  return sizes;
}

/** Run the SDK benchmark. Options: `seed`, `seconds` (timed time per reader, default 3). */
export async function runSdkBenchmark(options = {}) {
  const seed = options.seed ?? DEFAULT_SEED;
  const seconds = options.seconds ?? 3;
  console.log(
    `SDK benchmark: standing workload, seed ${seed}, node ${process.version}, esbuild ${esbuild.version}`,
  );
  const { mismatches, results } = await readSpeed({ seed, seconds });
  const base = results.at(-1).perSecond;
  console.log(`\n  flag reads per second, one process (answers compared first: ${mismatches} mismatches)`);
  console.log(
    table([
      ['reader', 'reads/s', 'vs flagsmith-nodejs'],
      ...results.map((r) => [r.label, fmtInt(r.perSecond), `${(r.perSecond / base).toFixed(1)}×`]),
    ]),
  );
  const equivalent = await equivalentReadSpeed({ seed, seconds });
  const ours = equivalent.results[0].perSecond;
  console.log("\n  flag reads per second on an equivalent flag set, one process, in each SDK's own rules:");
  console.log(`  ${equivalent.description}`);
  console.log(
    `  (each SDK's answers checked against the set's rules first: ${equivalent.problems.length} problems)`,
  );
  for (const problem of equivalent.problems.slice(0, 10)) console.log(`    ${problem}`);
  console.log(
    table([
      ['reader', 'reads/s', '@pennon/node getValue is'],
      ...equivalent.results.map((r) => [r.label, fmtInt(r.perSecond), `${(ours / r.perSecond).toFixed(2)}×`]),
    ]),
  );
  const sizes = await bundleSizes();
  const ourBundle = sizes[0].gzip;
  console.log('\n  browser bundle of the same small program (esbuild --bundle --minify, gzip -9)');
  console.log(
    table([
      ['SDK', 'minified bytes', 'gzipped bytes', 'vs @pennon/js'],
      ...sizes.map((s) => [s.name, fmtInt(s.raw), fmtInt(s.gzip), `${(s.gzip / ourBundle).toFixed(2)}×`]),
    ]),
  );
  return {
    name: 'sdk',
    ok:
      mismatches === 0 && equivalent.problems.length === 0 && sizes.slice(1).every((s) => s.gzip > ourBundle),
    seed,
    reads: results,
    equivalentSet: equivalent.description,
    equivalentReads: equivalent.results,
    bundles: sizes,
  };
}
