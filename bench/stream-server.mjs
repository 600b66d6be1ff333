// The Pennon server of the streams benchmark: what `pennon serve --workers 1` runs (startServer
// from the build), in a child process with an IPC channel, so the benchmark can ask it for its
// memory after a full garbage collection (run it with --expose-gc). Settings come from PENNON_*
// variables, as for `pennon serve`.
//
//   messages in:  {type: 'memory'} → {type: 'memory', rss, heapUsed, ...}   {type: 'stop'}
//   message out:  {type: 'listening', url} once it listens

import { loadConfig } from '../packages/server/dist/config.js';
import { startServer } from '../packages/server/dist/server.js';
import { sendMemory } from './child-memory.mjs';

const config = loadConfig(process.env, { host: '127.0.0.1', port: 0 });
const server = await startServer(config, { level: config.logLevel });
process.send({ type: 'listening', url: server.url });

process.on('message', (message) => {
  if (message?.type === 'memory') {
    sendMemory();
  } else if (message?.type === 'stop') {
    server.close().then(() => process.exit(0));
  }
});
process.on('disconnect', () => server.close().then(() => process.exit(0)));
