import { Flagsmith } from 'flagsmith-nodejs';
import fs from 'node:fs';
import { buildEnvironmentModel, generateIdentities, DEFAULT_SEED } from '/work/main/bench/workload.mjs';
const o = JSON.parse(fs.readFileSync('/tmp/original.json'));
const p = JSON.parse(fs.readFileSync('/tmp/ours.json'));
const mk = (doc) => new Flagsmith({ offlineMode: true, offlineHandler: { getEnvironment: () => buildEnvironmentModel(doc) }, logger: {error(){},warn(){},info(){}} });
const a = mk(o), b = mk(p);
const ids = generateIdentities({ seed: DEFAULT_SEED, count: 300 });
let diffs = 0; const t = Date.now();
for (const { identifier, traits } of ids) {
  const fa = await a.getIdentityFlags(identifier, traits), fb = await b.getIdentityFlags(identifier, traits);
  for (const f of fa.allFlags()) {
    const g = fb.flags[f.featureName];
    if (f.enabled !== g.enabled || JSON.stringify(f.value) !== JSON.stringify(g.value)) { if (diffs++ < 8) console.log(identifier, f.featureName, f.enabled, f.value, f.reason, '| ours', g.enabled, g.value, g.reason); }
  }
}
console.log('diffs', diffs, 'ms', Date.now() - t);
