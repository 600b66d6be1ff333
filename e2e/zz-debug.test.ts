import { it } from 'vitest';
import { Flagsmith } from 'flagsmith-nodejs';
import { buildEnvironmentModel, DEFAULT_SEED, generateEnvironmentDocument, generateIdentities } from '../bench/workload.mjs';
import { startE2eServer } from './support/server.js';
const q = { error() {}, warn() {}, info() {}, debug() {} } as never;
const v = (f: any) => Object.fromEntries(f.allFlags().map((x: any) => [x.featureName, JSON.stringify([x.enabled, x.value ?? null])]));
it('dump', async () => {
  const document = generateEnvironmentDocument({ seed: DEFAULT_SEED });
  const server = await startE2eServer();
  const imp = await server.admin('POST', '/imports/flagsmith', document);
  const apiUrl = `${server.url}/api/v1/`;
  const remote = new Flagsmith({ environmentKey: imp.client_key, apiUrl, logger: q });
  const local = new Flagsmith({ environmentKey: imp.server_key, apiUrl, enableLocalEvaluation: true, logger: q });
  const ours = await (await fetch(`${apiUrl}environment-document/`, { headers: { 'x-environment-key': imp.server_key } })).json();
  const off = new Flagsmith({ offlineMode: true, offlineHandler: { getEnvironment: () => buildEnvironmentModel(ours) } as never, logger: q });
  let n = 0;
  for (const { identifier, traits } of generateIdentities({ seed: DEFAULT_SEED, count: 150 }) as any[]) {
    const r = v(await remote.getIdentityFlags(identifier, traits, true));
    const l = v(await local.getIdentityFlags(identifier, traits));
    const o = v(await off.getIdentityFlags(identifier, traits));
    for (const k of Object.keys(r)) if (r[k] !== l[k] || r[k] !== o[k]) { if (n++ < 10) console.log(identifier, k, 'remote', r[k], 'local', l[k], 'offline', o[k]); }
  }
  console.log('diffs', n);
  await local.close();
  await server.close();
}, 120000);
