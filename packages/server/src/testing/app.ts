import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import type { SignInLimitOptions } from '../auth/sign-in-limits.js';
import { type ConfigOverrides, loadConfig } from '../config.js';
import type { AppContext } from '../context.js';
import type { RateLimitOptions } from '../http/rate-limit.js';
import { bootstrap } from '../organisations/bootstrap.js';
import { InProcessChangeBus } from '../realtime/change-bus.js';
import type { Database } from '../storage/database.js';
import type { TestDatabase } from './databases.js';

export const TEST_ADMIN_TOKEN = 'pat_test-admin-token-0123456789abcdef';

export interface TestApp {
  app: FastifyInstance;
  context: AppContext;
  organisationId: string;
  projectId: string;
  environments: { id: string; key: string; clientKey: string }[];
  /** `Authorization` header for the admin API. */
  admin: { authorization: string };
  close(): Promise<void>;
}

/**
 * The real application over a test database, bootstrapped as on first start (one
 * organisation, a project with development and production, an admin token). Use with
 * `app.inject` for route tests.
 */
export async function createTestApp(
  database: TestDatabase,
  overrides: ConfigOverrides = {},
  // Route tests send many bad tokens on purpose from one address; auth/admin-auth.test.ts
  // passes the real limit.
  adminFailureLimit: RateLimitOptions = { perSecond: 1000, burst: 10_000 },
  signInLimits?: SignInLimitOptions,
): Promise<TestApp> {
  const boot = await bootstrap(database.db, { adminToken: TEST_ADMIN_TOKEN });
  if (!boot) throw new Error('createTestApp needs an empty database');
  const config = loadConfig({}, { logLevel: 'silent', dataDir: '.pennon-test-unused', ...overrides });
  const bus = new InProcessChangeBus();
  const { app, context } = await buildApp({
    config,
    database,
    bus,
    logger: false,
    adminFailureLimit,
    signInLimits,
  });
  await app.ready();
  return {
    app,
    context,
    organisationId: boot.organisationId,
    projectId: boot.projectId,
    environments: boot.environments,
    admin: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    close: async () => {
      await app.close();
      await bus.close();
    },
  };
}

/**
 * Another server over a database a `createTestApp` already bootstrapped, as a second replica
 * or a restart would be: its own app, caches, bus and scheduler. With PostgreSQL, pass a
 * second connection pool (`openSecondConnection`) to make it a replica in all but the process.
 */
export async function joinTestApp(
  database: Database,
): Promise<{ app: FastifyInstance; context: AppContext; close(): Promise<void> }> {
  const config = loadConfig({}, { logLevel: 'silent', dataDir: '.pennon-test-unused' });
  const bus = new InProcessChangeBus();
  const { app, context } = await buildApp({ config, database, bus, logger: false });
  await app.ready();
  return {
    app,
    context,
    close: async () => {
      await app.close();
      await bus.close();
    },
  };
}
