import type { FastifyInstance } from 'fastify';
import { FlagAnalytics } from './analytics/flag-analytics.service.js';
import { handleAsActor } from './auth/actor.js';
import { adminAuthHook } from './auth/admin-auth.js';
import { adminTokensRoutes } from './auth/admin-tokens.routes.js';
import { EnvironmentKeys } from './auth/environment-keys.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { environmentsRoutes } from './environments/environments.routes.js';
import { EvaluationService } from './evaluation/evaluation.service.js';
import { SnapshotCache } from './evaluation/snapshot-cache.js';
import { EventsRepository } from './events/events.repository.js';
import { EventsService } from './events/events.service.js';
import { experimentsRoutes } from './experiments/experiments.routes.js';
import { experimentResultsRoutes } from './experiments/results.routes.js';
import { featureStatesRoutes } from './features/feature-states.routes.js';
import { featuresRoutes } from './features/features.routes.js';
import { healthRoutes } from './http/health.routes.js';
import { createHttpApp } from './http/http-app.js';
import { documentSecurity, security } from './http/openapi.js';
import type { RateLimitOptions } from './http/rate-limit.js';
import { IdentitiesRepository } from './identities/identities.repository.js';
import { identitiesRoutes } from './identities/identities.routes.js';
import { IdentitiesService } from './identities/identities.service.js';
import { flagsmithImportRoutes } from './imports/flagsmith-import.routes.js';
import { metricsRoutes } from './metrics/metrics.routes.js';
import { organisationsRoutes } from './organisations/organisations.routes.js';
import { projectsRoutes } from './projects/projects.routes.js';
import type { ChangeBus } from './realtime/change-bus.js';
import { SseHub } from './realtime/sse-hub.js';
import { registerSdkRoutes, sdkGuard } from './sdk-routes.js';
import { segmentOverridesRoutes } from './segments/segment-overrides.routes.js';
import { segmentsRoutes } from './segments/segments.routes.js';
import { ChangeRecorder } from './shared/changes.js';
import type { Database } from './storage/database.js';

export interface AppOptions {
  config: Config;
  database: Database;
  bus: ChangeBus;
  /** Pino logger options or false; tests pass false. */
  logger?: boolean | { level: string };
  /** Failed admin authentications per peer address; route tests that fail on purpose raise it. */
  adminFailureLimit?: RateLimitOptions;
}

/** Builds the HTTP application with every route family registered explicitly. */
export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; context: AppContext }> {
  const { config, database, bus } = options;
  const app = await createHttpApp(config, options.logger);

  const keys = new EnvironmentKeys(database.db, bus);
  const changes = new ChangeRecorder(bus);
  const evaluation = new EvaluationService(new SnapshotCache(database.db, bus));
  evaluation.useIdentityStore(
    new IdentitiesService(new IdentitiesRepository(database.db), changes, {
      maxIdentities: config.maxIdentitiesPerEnvironment,
      maxTraits: config.maxTraitsPerEnvironment,
    }),
  );
  const context: AppContext = {
    config,
    database,
    db: database.db,
    bus,
    changes,
    keys,
    sdkGuard: sdkGuard(keys, config),
    evaluation,
    sse: new SseHub(bus),
    flagAnalytics: new FlagAnalytics(database.db),
    events: new EventsService(new EventsRepository(database.db)),
  };

  await app.register(healthRoutes(context));

  await app.register(
    async (admin) => {
      admin.addHook('onRequest', adminAuthHook(database.db, options.adminFailureLimit));
      handleAsActor(admin);
      documentSecurity(admin, security.admin);
      await admin.register(organisationsRoutes(context));
      await admin.register(adminTokensRoutes(context));
      await admin.register(projectsRoutes(context));
      await admin.register(environmentsRoutes(context));
      await admin.register(featuresRoutes(context));
      await admin.register(featureStatesRoutes(context));
      await admin.register(segmentsRoutes(context));
      await admin.register(segmentOverridesRoutes(context));
      await admin.register(identitiesRoutes(context));
      await admin.register(flagsmithImportRoutes(context));
      await admin.register(metricsRoutes(context));
      await admin.register(experimentsRoutes(context));
      await admin.register(experimentResultsRoutes(context));
    },
    { prefix: '/api/admin/v1' },
  );

  await registerSdkRoutes(app, context);

  // Streams end first, or graceful close would wait on them forever.
  app.addHook('preClose', async () => context.sse.close());
  app.addHook('onClose', async () => {
    keys.close();
    evaluation.close();
  });
  return { app, context };
}
