import fs from 'node:fs';
import { it } from 'vitest';
import { DEFAULT_SEED, generateEnvironmentDocument } from '../bench/workload.mjs';
import { startE2eServer } from './support/server.js';

it('dump', async () => {
  const document = generateEnvironmentDocument({ seed: DEFAULT_SEED });
  const server = await startE2eServer();
  const imported = await server.admin('POST', '/imports/flagsmith', document);
  const t0 = Date.now();
  const res = await fetch(`${server.url}/api/v1/environment-document/`, { headers: { 'x-environment-key': imported.server_key } });
  const ours = await res.json();
  console.log('doc ms', Date.now() - t0);
  fs.writeFileSync('/tmp/original.json', JSON.stringify(document, null, 1));
  fs.writeFileSync('/tmp/ours.json', JSON.stringify(ours, null, 1));
  const t1 = Date.now();
  for (let i = 0; i < 50; i++) {
    await fetch(`${server.url}/api/v1/identities/`, { method: 'POST', headers: { 'x-environment-key': imported.client_key, 'content-type': 'application/json' }, body: JSON.stringify({ identifier: `x${i}`, transient: true, traits: [{ trait_key: 'a', trait_value: 1 }] }) });
  }
  console.log('50 identities ms', Date.now() - t1);
  await server.close();
}, 60000);
