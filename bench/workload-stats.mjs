// Debug script: how the standing workload behaves under flagsmith-nodejs's engine.
//   node bench/workload-stats.mjs [seed]
// Prints per-segment match rates, the share of identities matching at least one segment, the
// share hitting identity overrides, and the spread of evaluation reasons.

import { countConditions, DEFAULT_SEED, flagsmithEngineModule, generateWorkload } from './workload.mjs';

const seed = Number(process.argv[2] ?? DEFAULT_SEED);
const { getEvaluationResult } = await flagsmithEngineModule('index.js');
const { document, context, identityContexts } = generateWorkload({ seed });

const segmentHits = new Map();
const reasons = new Map();
let matchedAny = 0;
let overridden = 0;
let segmentsPerIdentity = 0;
for (const identity of identityContexts) {
  const result = getEvaluationResult({ ...context, identity });
  const api = result.segments.filter((s) => s.metadata?.source === 'api');
  if (api.length > 0) matchedAny++;
  segmentsPerIdentity += api.length;
  if (result.segments.some((s) => s.metadata?.source === 'identity_override')) overridden++;
  for (const s of api) segmentHits.set(s.name, (segmentHits.get(s.name) ?? 0) + 1);
  for (const flag of Object.values(result.flags)) {
    const reason = flag.reason.replace(/segment=.*/, 'segment=*').replace(/weight=.*/, 'weight=*');
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
}

const n = identityContexts.length;
const pct = (x, d = n) => `${((100 * x) / d).toFixed(1)}%`;
console.log(`seed ${seed}: ${n} identities, ${document.project.segments.length} segments`);
console.log(`context segments (incl. identity-override segments): ${Object.keys(context.segments).length}`);
for (const segment of document.project.segments) {
  const hits = segmentHits.get(segment.name) ?? 0;
  const conditions = countConditions(segment.rules);
  const ops = [];
  const walk = (rules) => {
    for (const rule of rules) {
      ops.push(rule.type);
      walk(rule.rules);
    }
  };
  walk(segment.rules);
  console.log(
    `  ${segment.name.padEnd(24)} ${String(hits).padStart(4)} ${pct(hits).padStart(6)}  ` +
      `${conditions} conditions, ${segment.feature_states.length} overrides, rules ${ops.join(' ')}`,
  );
}
console.log(`identities matching >= 1 segment: ${matchedAny} (${pct(matchedAny)})`);
console.log(`mean segments per identity: ${(segmentsPerIdentity / n).toFixed(2)}`);
console.log(`identities with identity overrides: ${overridden} (${pct(overridden)})`);
const operators = new Map();
for (const segment of document.project.segments) {
  const walk = (rules) => {
    for (const rule of rules) {
      for (const c of rule.conditions) operators.set(c.operator, (operators.get(c.operator) ?? 0) + 1);
      walk(rule.rules);
    }
  };
  walk(segment.rules);
}
console.log(
  'operators:',
  [...operators.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', '),
);
const totalFlags = [...reasons.values()].reduce((a, b) => a + b, 0);
console.log('flag reasons:');
for (const [reason, count] of [...reasons.entries()].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${reason.padEnd(32)} ${String(count).padStart(6)} ${pct(count, totalFlags)}`);
}
