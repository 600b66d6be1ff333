import type { FastifyInstance } from 'fastify';
import { FlagAnalytics } from './analytics/flag-analytics.service.js';
import { flagUsageRoutes } from './analytics/flag-usage.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { authorizeHook, requireDeclaredAccess } from './auth/access.js';
import { handleAsActor } from './auth/actor.js';
import { adminAuthHook } from './auth/admin-auth.js';
import { adminTokensRoutes } from './auth/admin-tokens.routes.js';
import { EnvironmentKeys } from './auth/environment-keys.js';
import { sessionsRoutes } from './auth/sessions.routes.js';
import type { SignInLimitOptions } from './auth/sign-in-limits.js';
import { ChangeRequestsRepository } from './change-requests/change-requests.repository.js';
import { changeRequestsRoutes } from './change-requests/change-requests.routes.js';
import { ChangeRequestsService } from './change-requests/change-requests.service.js';
import { ChangeSetService } from './change-sets/change-set.service.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { environmentsRoutes } from './environments/environments.routes.js';
import { EvaluationService } from './evaluation/evaluation.service.js';
import { SnapshotCache } from './evaluation/snapshot-cache.js';
import { EventsRepository } from './events/events.repository.js';
import { EventsService } from './events/events.service.js';
import { experimentsRoutes } from './experiments/experiments.routes.js';
import { experimentResultsRoutes } from './experiments/results.routes.js';
import { favouritesRoutes } from './features/favourites.routes.js';
import { FeatureStatesRepository } from './features/feature-states.repository.js';
import { featureStatesRoutes } from './features/feature-states.routes.js';
import { FeatureStatesService } from './features/feature-states.service.js';
import { featuresRoutes } from './features/features.routes.js';
import { consoleRoutes } from './http/console.routes.js';
import { addFixedHeaders } from './http/fixed-headers.js';
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
import { projectMembersRoutes } from './projects/project-members.routes.js';
import { projectsRoutes } from './projects/projects.routes.js';
import type { ChangeBus } from './realtime/change-bus.js';
import { SseHub } from './realtime/sse-hub.js';
import { ScheduledChangesRepository } from './scheduled-changes/scheduled-changes.repository.js';
import { scheduledChangesRoutes } from './scheduled-changes/scheduled-changes.routes.js';
import { ScheduledChangesService } from './scheduled-changes/scheduled-changes.service.js';
import { Scheduler } from './scheduled-changes/scheduler.js';
import { registerSdkRoutes, sdkGuard } from './sdk-routes.js';
import { SegmentOverridesRepository } from './segments/segment-overrides.repository.js';
import { segmentOverridesRoutes } from './segments/segment-overrides.routes.js';
import { SegmentOverridesService } from './segments/segment-overrides.service.js';
import { segmentsRoutes } from './segments/segments.routes.js';
import { ChangeRecorder } from './shared/changes.js';
import type { Database } from './storage/database.js';
import { invitationsRoutes } from './users/invitations.routes.js';
import { usersRoutes } from './users/users.routes.js';
import { webhooksRoutes } from './webhooks/webhooks.routes.js';

export interface AppOptions {
  config: Config;
  database: Database;
  bus: ChangeBus;
  /** Pino logger options or false; tests pass false, or a stream to read what is logged. */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
  /** Failed admin authentications per peer address; route tests that fail on purpose raise it. */
  adminFailureLimit?: RateLimitOptions;
  /**
   * The worker's id under `pennon serve --workers N`: every response says which worker served
   * it (`x-pennon-worker`), for operators and the tests that prove every worker hears changes.
   */
  workerId?: number;
  /** Failed sign-ins per account and per address (auth/sign-in-limits.ts). */
  signInLimits?: SignInLimitOptions;
}

/** Builds the HTTP application with every route family registered explicitly. */
export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; context: AppContext }> {
  const { config, database, bus } = options;
  const app = await createHttpApp(config, options.logger);

  const keys = new EnvironmentKeys(database.db, bus);
  const changes = new ChangeRecorder(bus);
  const evaluation = new EvaluationService(new SnapshotCache(database.db, bus));
  const identities = new IdentitiesService(new IdentitiesRepository(database.db), changes, {
    maxIdentities: config.maxIdentitiesPerEnvironment,
    maxTraits: config.maxTraitsPerEnvironment,
  });
  evaluation.useIdentityStore(identities);
  // Change requests and scheduled changes apply through the same services as the direct routes.
  const changeSets = new ChangeSetService(database.db, {
    states: new FeatureStatesService(new FeatureStatesRepository(database.db), changes),
    overrides: new SegmentOverridesService(new SegmentOverridesRepository(database.db), changes),
    identities,
  });
  const changeRequests = new ChangeRequestsService(
    new ChangeRequestsRepository(database.db),
    changeSets,
    changes,
  );
  const scheduledChanges = new ScheduledChangesService(
    new ScheduledChangesRepository(database.db),
    changeSets,
    changes,
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
    sse: new SseHub(bus, {
      maxConnectionsPerKey: config.maxStreamsPerKey,
      maxConnections: config.maxStreams,
    }),
    flagAnalytics: new FlagAnalytics(database.db),
    changeRequests,
    scheduledChanges,
    scheduler: new Scheduler([scheduledChanges, changeRequests], app.log),
    adminRoutes: [],
    events: new EventsService(EventsRepository.of(database)),
  };

  if (options.workerId !== undefined) {
    addFixedHeaders(app, { 'x-pennon-worker': String(options.workerId) });
  }
  await app.register(healthRoutes(context));

  await app.register(
    async (admin) => {
      // Every admin route declares what it needs (auth/permissions.ts); one hook checks it.
      requireDeclaredAccess(admin, context.adminRoutes);
      admin.addHook(
        'onRequest',
        adminAuthHook(database.db, {
          failureLimit: options.adminFailureLimit,
          publicUrl: config.publicUrl,
          allowedOrigins: config.adminCorsOrigins,
        }),
      );
      admin.addHook('onRequest', authorizeHook(database.db));
      handleAsActor(admin);
      documentSecurity(admin, security.admin);
      await admin.register(sessionsRoutes(context, options.signInLimits));
      await admin.register(usersRoutes(context));
      await admin.register(invitationsRoutes(context));
      await admin.register(projectMembersRoutes(context));
      await admin.register(organisationsRoutes(context));
      await admin.register(adminTokensRoutes(context));
      await admin.register(projectsRoutes(context));
      await admin.register(environmentsRoutes(context));
      await admin.register(featuresRoutes(context));
      await admin.register(favouritesRoutes(context));
      await admin.register(flagUsageRoutes(context));
      await admin.register(featureStatesRoutes(context));
      await admin.register(segmentsRoutes(context));
      await admin.register(segmentOverridesRoutes(context));
      await admin.register(identitiesRoutes(context));
      await admin.register(flagsmithImportRoutes(context));
      await admin.register(metricsRoutes(context));
      await admin.register(experimentsRoutes(context));
      await admin.register(experimentResultsRoutes(context));
      await admin.register(auditRoutes(context));
      await admin.register(webhooksRoutes(context));
      await admin.register(changeRequestsRoutes(context));
      await admin.register(scheduledChangesRoutes(context));
    },
    { prefix: '/api/admin/v1' },
  );

  context.fastLane = await registerSdkRoutes(app, context);
  // Last: its page fallback answers only addresses no route above claims.
  await app.register(consoleRoutes(config.consoleDir));

  // Streams end first, or graceful close would wait on them forever. The scheduler stops
  // before the database goes: a tick in flight finishes its transaction.
  app.addHook('preClose', async () => {
    await context.scheduler.stop();
    context.sse.close();
  });
  app.addHook('onClose', async () => {
    keys.close();
    evaluation.close();
  });
  return { app, context };
}
