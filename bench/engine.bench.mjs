// Engine benchmark (DESIGN.md §8): evaluate all 50 flags of the standing workload for 1,000
// identities with Pennon's compiled engine and with flagsmith-nodejs's engine, in one process,
// after checking that both give the same answers; once as generated and once with the 750
// identity overrides regrouped into 30 IN-list segments (SHAPES).

import { DEFAULT_ENGINE_BASELINE, loadBaselineEngine } from './engine-baseline.mjs';
import { fmtInt, table } from './report.mjs';
import { DEFAULT_SEED, flagsmithEngineModule, generateWorkload, WORKLOAD } from './workload.mjs';

export const TARGET_RATIO = 50;

async function loadPennon(override) {
  if (override) return override;
  let engine;
  try {
    engine = await import('@pennon/engine');
  } catch (error) {
    throw new Error(
      `cannot import @pennon/engine (${error.message}); build it first: npm run build (or npx tsc -b packages/engine)`,
    );
  }
  if (typeof engine.compile !== 'function' || typeof engine.evaluate !== 'function') {
    throw new Error(
      '@pennon/engine does not export compile() and evaluate() yet: is packages/engine/dist up to date? (npm run build)',
    );
  }
  return engine;
}

// ---------------------------------------------------------------------------------------------
// Comparison.

function sameValue(a, b) {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Deep equality for plain JSON-ish data (numbers compared with Object.is except 0/-0). */
function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!deepEqual(a[k], b[k])) return false;
  return true;
}

/**
 * The `variant` DESIGN.md §3 prescribes for a flag of flagsmith-nodejs's result, which does not
 * report variants itself: find the feature (or override) that produced the flag from its reason;
 * if it has variants (an identity is always present here), SPLIT means the picked variant's key
 * (null when the variant has none, as flagsmith-nodejs's mapper never sets one) and anything
 * else means "control"; without variants, null.
 */
function expectedVariant(context, flag) {
  let feature = context.features[flag.name];
  const match = /^TARGETING_MATCH; segment=(.*)$/.exec(flag.reason);
  if (match) {
    feature = undefined;
    for (const segment of Object.values(context.segments)) {
      if (segment.name !== match[1]) continue;
      const override = segment.overrides?.find((o) => o.name === flag.name);
      if (override) {
        feature = override;
        break;
      }
    }
  }
  if (!feature?.variants?.length) return null;
  const split = /^SPLIT; weight=(.*)$/.exec(flag.reason);
  if (!split) return 'control';
  const variant = feature.variants.find(
    (v) => String(v.weight) === split[1] && sameValue(v.value, flag.value),
  );
  return variant?.key ?? null;
}

const FIELDS = ['enabled', 'value', 'variant', 'reason', 'metadata', 'segments'];

/**
 * Compare Pennon's result with flagsmith-nodejs's for one identity; returns a list of
 * `{field, flag?, pennon, flagsmith}` differences.
 */
function compareWithFlagsmith(context, pennon, flagsmith) {
  const diffs = [];
  const names = new Set([...Object.keys(pennon.flags ?? {}), ...Object.keys(flagsmith.flags)]);
  for (const name of names) {
    const p = pennon.flags?.[name];
    const f = flagsmith.flags[name];
    if (!p || !f) {
      diffs.push({ field: 'presence', flag: name, pennon: !!p, flagsmith: !!f });
      continue;
    }
    if (p.enabled !== f.enabled)
      diffs.push({ field: 'enabled', flag: name, pennon: p.enabled, flagsmith: f.enabled });
    if (!sameValue(p.value, f.value))
      diffs.push({ field: 'value', flag: name, pennon: p.value, flagsmith: f.value });
    const variant = expectedVariant(context, f);
    if (p.variant !== variant)
      diffs.push({ field: 'variant', flag: name, pennon: p.variant, flagsmith: `${variant} (derived)` });
    if (p.reason !== f.reason)
      diffs.push({ field: 'reason', flag: name, pennon: p.reason, flagsmith: f.reason });
    if (!deepEqual(p.metadata, f.metadata))
      diffs.push({ field: 'metadata', flag: name, pennon: p.metadata, flagsmith: f.metadata });
  }
  const ps = (pennon.segments ?? []).map((s) => s.name);
  const fsegs = flagsmith.segments.map((s) => s.name);
  if (!deepEqual(pennon.segments ?? [], flagsmith.segments))
    diffs.push({ field: 'segments', pennon: ps.join(','), flagsmith: fsegs.join(',') });
  return diffs;
}

function verify({ context, identities, identityContexts, pennon, compiled, flagsmithEvaluate }) {
  const perField = Object.fromEntries(['presence', ...FIELDS].map((f) => [f, 0]));
  let identitiesVsFlagsmith = 0;
  let identitiesCoreVsFlagsmith = 0;
  let identitiesVsReference = 0;
  let errors = 0;
  const examples = [];
  const referenceExamples = [];
  const errorExamples = [];
  let inSegment = 0;
  let withOverride = 0;
  for (let i = 0; i < identityContexts.length; i++) {
    const identity = identityContexts[i];
    const f = flagsmithEvaluate({ ...context, identity });
    if (f.segments.some((s) => s.metadata?.source === 'api')) inSegment++;
    if (f.segments.some((s) => s.metadata?.source === 'identity_override')) withOverride++;
    let p;
    let r;
    try {
      p = compiled.evaluate(identity);
      r = pennon.evaluate({ ...context, identity });
    } catch (error) {
      errors++;
      if (errorExamples.length < 3)
        errorExamples.push({ identifier: identities[i].identifier, error: String(error) });
      continue;
    }
    if (!deepEqual(p, r)) {
      identitiesVsReference++;
      if (referenceExamples.length < 3) referenceExamples.push({ identifier: identities[i].identifier });
    }
    const diffs = compareWithFlagsmith(context, p, f);
    if (diffs.length > 0) {
      identitiesVsFlagsmith++;
      if (diffs.some((d) => ['presence', 'enabled', 'value', 'variant'].includes(d.field)))
        identitiesCoreVsFlagsmith++;
      const seen = new Set();
      for (const d of diffs) {
        if (seen.has(d.field)) continue;
        seen.add(d.field);
        perField[d.field]++;
      }
      if (examples.length < 5)
        examples.push({ identifier: identities[i].identifier, traits: identities[i].traits, diffs });
    }
  }
  return {
    identities: identityContexts.length,
    inSegment,
    withOverride,
    errors,
    errorExamples,
    vsFlagsmith: { identities: identitiesVsFlagsmith, core: identitiesCoreVsFlagsmith, perField, examples },
    vsReference: { identities: identitiesVsReference, examples: referenceExamples },
  };
}

// ---------------------------------------------------------------------------------------------
// Timing.

function gc() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Time several engines, each given as `{pass, warm}` where `pass()` evaluates every identity
 * once. Warm-up: engines not yet `warm` run passes for `warmupMs` (at least one), which also
 * calibrates how many passes make a round of at least `minRoundMs`; an engine marked `warm`
 * (the correctness pass already ran every identity through it) does one pass per round.
 * Rounds are interleaved across engines (and their order alternates) so that a noisy machine
 * disturbs every engine alike. Returns, per engine, identities per second per round by wall
 * clock (hrtime) and by the process's CPU time.
 */
function timeInterleaved(engines, identityCount, { rounds, minRoundMs, warmupMs }) {
  for (const engine of engines) {
    if (engine.warm) {
      engine.passesPerRound = 1;
      continue;
    }
    let passes = 0;
    const warmStart = process.hrtime.bigint();
    let elapsed = 0;
    do {
      engine.pass();
      passes++;
      elapsed = Number(process.hrtime.bigint() - warmStart) / 1e6;
    } while (elapsed < warmupMs);
    engine.passesPerRound = Math.max(1, Math.ceil(minRoundMs / (elapsed / passes)));
  }
  for (const engine of engines) {
    engine.rates = [];
    engine.cpuRates = [];
  }
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? engines : [...engines].reverse();
    for (const engine of order) {
      gc();
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      for (let k = 0; k < engine.passesPerRound; k++) engine.pass();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const cpu = process.cpuUsage(cpuStart);
      const evaluations = engine.passesPerRound * identityCount;
      engine.rates.push(evaluations / seconds);
      engine.cpuRates.push(evaluations / ((cpu.user + cpu.system) / 1e6));
    }
  }
  for (const engine of engines) {
    engine.median = median(engine.rates);
    engine.cpuMedian = median(engine.cpuRates);
  }
  return engines;
}

// ---------------------------------------------------------------------------------------------
// Reporting.

const fmtUs = (rate) => (1e6 / rate).toFixed(rate > 1e5 ? 2 : 1);

function show(value) {
  return typeof value === 'string'
    ? JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
    : JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------

/**
 * The shapes timed side by side. Both are the standing workload; they differ only in how the
 * 750 identity overrides reach the engine (as flagsmith-nodejs's mapper hands them over: one
 * `$.identity.identifier IN "a,b,..."` segment per distinct override set).
 */
export const SHAPES = [
  { name: 'standing', label: 'standing workload', overrideSets: undefined },
  { name: 'in-lists', label: 'overrides as 30 IN-list segments', overrideSets: 30 },
];

/**
 * Run the engine benchmark on every shape. Options: `seed`, `rounds` (timed rounds per engine),
 * `minRoundMs`, `warmupMs`, `timeReference` (also time Pennon's uncompiled `evaluate(context)`;
 * slow), `log` (a console.log-like function), `pennon` (an engine module to
 * use instead of importing @pennon/engine), `shapes` (names from SHAPES; default all),
 * `baseline` (a git revision whose engine is built and timed beside today's, for the speed-up;
 * default DEFAULT_ENGINE_BASELINE, `none` to skip).
 * Returns the figures; `ok` is false when any answer differed.
 */
export async function runEngineBenchmark(options = {}) {
  const log = options.log ?? console.log;
  const pennon = await loadPennon(options.pennon);
  const { getEvaluationResult } = await flagsmithEngineModule('index.js');
  const shapes = options.shapes ? SHAPES.filter((s) => options.shapes.includes(s.name)) : SHAPES;
  const baselineRev = options.baseline ?? DEFAULT_ENGINE_BASELINE;
  const baseline = baselineRev === 'none' ? undefined : await loadBaselineEngine(baselineRev);
  if (baseline?.error) log(`Baseline engine left out: ${baseline.error}`);
  const results = [];
  for (const shape of shapes) {
    if (results.length > 0) log('');
    results.push(
      await runShape(shape, {
        ...options,
        log,
        pennon,
        getEvaluationResult,
        baseline: baseline?.module && baseline,
      }),
    );
  }
  log('');
  log('Summary: all 50 flags for one identity, median identities/s');
  const withBaseline = results.some((r) => r.baseline);
  const baselineColumns = (r) =>
    withBaseline
      ? [
          r.baseline ? fmtInt(r.baseline.identitiesPerSecond) : '-',
          r.baseline ? `${r.baseline.speedup.toFixed(2)}×` : '-',
        ]
      : [];
  log(
    table([
      [
        'shape',
        'override segments',
        'Pennon compiled',
        'flagsmith-nodejs',
        'ratio',
        ...(withBaseline ? [`Pennon at ${baseline.commit}`, 'speed-up'] : []),
        'answers',
      ],
      ...results.map((r) => [
        r.shape,
        String(r.overrideSegments),
        fmtInt(r.identitiesPerSecond.pennonCompiled),
        fmtInt(r.identitiesPerSecond.flagsmith),
        `${r.ratio.toFixed(1)}×`,
        ...baselineColumns(r),
        r.ok ? 'same' : 'DIFFER',
      ]),
    ]),
  );
  if (withBaseline) {
    log(
      `  speed-up: today's compiled engine ÷ the engine of commit ${baseline.commit} (built from git history, timed in the same rounds); target >= 2×`,
    );
  }
  const [first] = results;
  return { ...first, name: 'engine', ok: results.every((r) => r.ok), shapes: results };
}

async function runShape(shape, options) {
  const {
    seed = DEFAULT_SEED,
    rounds = 5,
    minRoundMs = 250,
    warmupMs = 500,
    timeReference = false,
    log,
    pennon,
    getEvaluationResult,
    baseline,
  } = options;

  const workload = generateWorkload({
    seed,
    identities: WORKLOAD.identities,
    overrideSets: shape.overrideSets,
  });
  const { document, context, identities, identityContexts } = workload;
  const overrideSegments = Object.values(context.segments).filter(
    (s) => s.metadata?.source === 'identity_override',
  ).length;

  log(`Engine benchmark: ${shape.label}, seed ${seed}`);
  log(
    `  ${document.feature_states.length} features (${document.feature_states.filter((fs) => fs.multivariate_feature_state_values.length).length} multivariate), ` +
      `${document.project.segments.length} segments × ${WORKLOAD.conditionsPerSegment} conditions, ` +
      `${document.identity_overrides.length} identity overrides (${overrideSegments} override segments in the context), ` +
      `${identities.length} identities × ${WORKLOAD.traitsPerIdentity} traits`,
  );
  log(
    `  node ${process.version}, gc between rounds: ${typeof globalThis.gc === 'function' ? 'yes' : 'no (run with --expose-gc)'}`,
  );

  // Compile once (and time compiling separately: it happens once per environment change).
  const compileTimes = [];
  let compiled;
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    compiled = pennon.compile(context);
    compileTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
  }

  // Correctness first: a benchmark of wrong answers is worthless.
  const check = verify({
    context,
    identities,
    identityContexts,
    pennon,
    compiled,
    flagsmithEvaluate: getEvaluationResult,
  });
  log('');
  log(`Correctness (${check.identities} identities × ${document.feature_states.length} flags)`);
  log(`  identities in >= 1 segment: ${check.inSegment}; with identity overrides: ${check.withOverride}`);
  if (check.errors) {
    log(`  Pennon THREW for ${check.errors} identities, e.g.:`);
    for (const e of check.errorExamples) log(`    ${e.identifier}: ${e.error}`);
  }
  log(
    `  Pennon compiled vs flagsmith-nodejs: ${check.vsFlagsmith.identities} identities differ ` +
      `(${check.vsFlagsmith.core} in enabled/value/variant)`,
  );
  log(
    `    per field: ${Object.entries(check.vsFlagsmith.perField)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}  (variant derived from flagsmith's reason per DESIGN §3; flagsmith-nodejs reports none)`,
  );
  for (const example of check.vsFlagsmith.examples) {
    log(`    - ${example.identifier} ${JSON.stringify(example.traits)}`);
    for (const d of example.diffs.slice(0, 4)) {
      log(
        `        ${d.field}${d.flag ? ` of ${d.flag}` : ''}: pennon ${show(d.pennon)} / flagsmith ${show(d.flagsmith)}`,
      );
    }
    if (example.diffs.length > 4) log(`        ... ${example.diffs.length - 4} more`);
  }
  log(`  Pennon compiled vs Pennon evaluate(context): ${check.vsReference.identities} identities differ`);
  for (const example of check.vsReference.examples) log(`    - ${example.identifier}`);

  // Timing.
  let sink = 0;
  const n = identityContexts.length;
  const flagsmith = {
    label: 'flagsmith-nodejs getEvaluationResult(ctx)',
    warm: true,
    pass: () => {
      for (let i = 0; i < n; i++)
        sink += getEvaluationResult({ ...context, identity: identityContexts[i] }).segments.length;
    },
  };
  const reference = {
    label: 'Pennon evaluate(ctx) (reference)',
    warm: true,
    pass: () => {
      for (let i = 0; i < n; i++)
        sink += pennon.evaluate({ ...context, identity: identityContexts[i] }).segments.length;
    },
  };
  const pennonCompiled = {
    label: 'Pennon compile(ctx).evaluate(identity)',
    warm: false,
    pass: () => {
      for (let i = 0; i < n; i++) sink += compiled.evaluate(identityContexts[i]).segments.length;
    },
  };
  const baselineCompiled = baseline?.module.compile(context);
  const baselineDiffers = baselineCompiled
    ? identityContexts.filter(
        (identity) => !deepEqual(baselineCompiled.evaluate(identity), compiled.evaluate(identity)),
      ).length
    : 0;
  const baselineEngine = baselineCompiled && {
    label: `Pennon at ${baseline.commit} (baseline)`,
    warm: false,
    pass: () => {
      for (let i = 0; i < n; i++) sink += baselineCompiled.evaluate(identityContexts[i]).segments.length;
    },
  };
  const engines = timeInterleaved(
    [
      flagsmith,
      ...(timeReference ? [reference] : []),
      ...(baselineEngine ? [baselineEngine] : []),
      pennonCompiled,
    ],
    n,
    {
      rounds,
      minRoundMs,
      warmupMs,
    },
  );

  const ratio = pennonCompiled.median / flagsmith.median;
  const cpuRatio = pennonCompiled.cpuMedian / flagsmith.cpuMedian;
  const range = (t) => `${fmtInt(Math.min(...t.rates))}–${fmtInt(Math.max(...t.rates))}`;
  log('');
  log(
    `Throughput: all ${document.feature_states.length} flags for one identity; median of ${rounds} interleaved rounds`,
  );
  log(
    table([
      ['engine', 'identities/s', 'µs/identity', 'vs flagsmith', 'round', 'range', 'by CPU time'],
      ...engines.map((e) => [
        e.label,
        fmtInt(e.median),
        fmtUs(e.median),
        `${(e.median / flagsmith.median).toFixed(1)}×`,
        `${fmtInt(n * e.passesPerRound)} ids`,
        range(e),
        `${fmtInt(e.cpuMedian)}/s`,
      ]),
    ]),
  );
  log(`  compile(ctx): median ${median(compileTimes).toFixed(2)} ms (once per environment change)`);
  if (baselineEngine) {
    log(
      `  today's engine ÷ the engine of ${baseline.commit}: ${(pennonCompiled.median / baselineEngine.median).toFixed(2)}× ` +
        `(by CPU time ${(pennonCompiled.cpuMedian / baselineEngine.cpuMedian).toFixed(2)}×); ` +
        `answers differing between them: ${baselineDiffers} of ${n} identities`,
    );
  }
  log('');
  const mismatches = check.vsFlagsmith.identities + check.vsReference.identities + check.errors;
  const meets = ratio >= TARGET_RATIO;
  log(
    `Pennon / Flagsmith = ${ratio.toFixed(1)}× (by CPU time ${cpuRatio.toFixed(1)}×)   ` +
      `target >= ${TARGET_RATIO}×: ${meets ? 'met' : 'NOT met'}` +
      (mismatches ? `   (WARNING: ${mismatches} identities with differing answers, see above)` : ''),
  );
  if (sink === -1) log(''); // keep `sink` observable

  return {
    name: 'engine',
    shape: shape.name,
    ok: mismatches === 0,
    seed,
    identities: identityContexts.length,
    overrideSegments,
    correctness: check,
    compileMs: median(compileTimes),
    baseline: baselineEngine && {
      commit: baseline.commit,
      identitiesPerSecond: baselineEngine.median,
      speedup: pennonCompiled.median / baselineEngine.median,
      cpuSpeedup: pennonCompiled.cpuMedian / baselineEngine.cpuMedian,
      identitiesDiffering: baselineDiffers,
    },
    identitiesPerSecond: {
      flagsmith: flagsmith.median,
      pennonReference: reference.median,
      pennonCompiled: pennonCompiled.median,
    },
    rounds: {
      flagsmith: flagsmith.rates,
      pennonReference: reference.rates,
      pennonCompiled: pennonCompiled.rates,
    },
    ratio,
    target: TARGET_RATIO,
    meetsTarget: meets,
  };
}
