import os from 'node:os';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { InProcessChangeBus } from '../realtime/change-bus.js';
import { openSqlite } from '../storage/database.js';

/**
 * The document `/api/openapi.json` serves, without a running server: the console's build
 * generates its API types from it. Routes register without touching the database, so an
 * empty in-memory one will do; the environment is ignored so local settings cannot change it.
 */
export async function openApiDocument(): Promise<unknown> {
  const database = openSqlite(':memory:');
  const bus = new InProcessChangeBus();
  const config = loadConfig({}, { logLevel: 'silent', dataDir: os.tmpdir() });
  const { app } = await buildApp({ config, database, bus, logger: false });
  try {
    await app.ready();
    return app.swagger();
  } finally {
    await app.close();
    await bus.close();
    await database.close();
  }
}
