import type { FastifyInstance } from 'fastify';
import type { SdkContext } from '../context.js';
import { EvaluationService } from '../evaluation/evaluation.service.js';
import { EventsService } from '../events/events.service.js';
import { createHttpApp } from '../http/http-app.js';
import { InProcessChangeBus } from '../realtime/change-bus.js';
import { SseHub } from '../realtime/sse-hub.js';
import { registerSdkRoutes, sdkGuard } from '../sdk-routes.js';
import { DocumentStore } from './document-store.js';
import type { EdgeConfig } from './edge-config.js';
import { EdgeEnvironments } from './edge-environments.js';
import { edgeHealthRoutes } from './edge-health.routes.js';
import { ForwardedIdentities, TransientIdentities } from './edge-identities.js';
import { ForwardedAnalytics } from './forwarded-analytics.js';
import { ForwardedEvents } from './forwarded-events.js';
import { UpstreamEnvironment } from './upstream-environment.js';

/** How long an edge's requests to its upstream may take. */
const UPSTREAM_TIMEOUT_MS = 10_000;
/** How long a graceful stop keeps sending what is queued for the upstream. */
const CLOSE_TIMEOUT_MS = 5000;

export interface EdgeApp {
  app: FastifyInstance;
  followers: UpstreamEnvironment[];
  /** Flag analytics waiting for the upstream; sent every 10 s and at close. */
  analytics: ForwardedAnalytics;
}

/**
 * `pennon edge` as an HTTP application: the server's own SDK route plugins
 * (`registerSdkRoutes`) over the server's `EvaluationService`, fed by documents followed from
 * the upstream instead of the database. Answers are therefore the server's by construction.
 * Starts following every environment first (saved documents, then the upstream within the
 * start timeout) and fails with `EdgeStartError` when one has neither.
 */
export async function buildEdgeApp(
  config: EdgeConfig,
  logger?: boolean | { level: string },
): Promise<EdgeApp> {
  const app = await createHttpApp(config, logger);
  const bus = new InProcessChangeBus();
  const environments = new EdgeEnvironments(bus);
  const store = new DocumentStore(config.dataDir);
  const log = { info: (m: string) => app.log.info(m), warn: (m: string) => app.log.warn(m) };
  const followers = config.serverKeys.map((serverKey) => {
    const follower: UpstreamEnvironment = new UpstreamEnvironment({
      upstream: config.upstream,
      serverKey,
      store,
      pollIntervalMs: config.pollIntervalSeconds * 1000,
      requestTimeoutMs: UPSTREAM_TIMEOUT_MS,
      maxBufferedEvents: config.maxBufferedEvents,
      onSnapshot: (snapshot) => environments.update(serverKey, follower, snapshot),
      log,
    });
    return follower;
  });
  const analytics = new ForwardedAnalytics(environments, {
    intervalMs: 10_000,
    timeoutMs: UPSTREAM_TIMEOUT_MS,
    onError: (error) => log.warn(`flag analytics not sent, kept for the next report: ${String(error)}`),
  });
  const closeAll = async () => {
    await Promise.all(followers.map((f) => f.close(CLOSE_TIMEOUT_MS)));
    await analytics.close();
    await bus.close();
  };
  try {
    await Promise.all(followers.map((f) => f.start(config.startTimeoutSeconds * 1000)));
  } catch (error) {
    await closeAll();
    await app.close();
    throw error;
  }

  const evaluation = new EvaluationService(environments);
  evaluation.useIdentityStore(
    config.identities === 'forward'
      ? new ForwardedIdentities(environments, UPSTREAM_TIMEOUT_MS)
      : new TransientIdentities(),
  );
  const context: SdkContext = {
    config,
    keys: environments,
    sdkGuard: sdkGuard(environments, config),
    evaluation,
    sse: new SseHub(bus),
    events: new EventsService(new ForwardedEvents(environments)),
    flagAnalytics: analytics,
  };
  await app.register(edgeHealthRoutes(() => followers.map((f) => f.status())));
  await registerSdkRoutes(app, context);
  // Streams end first, or graceful close would wait on them forever.
  app.addHook('preClose', async () => context.sse.close());
  app.addHook('onClose', closeAll);
  return { app, followers, analytics };
}
