import type { Kysely } from 'kysely';
import type { FlagAnalytics } from './analytics/flag-analytics.service.js';
import type { DeclaredRoute } from './auth/access.js';
import type { EnvironmentKeys, KeyDirectory } from './auth/environment-keys.js';
import type { ChangeRequestsService } from './change-requests/change-requests.service.js';
import type { Config } from './config.js';
import type { EvaluationService } from './evaluation/evaluation.service.js';
import type { SdkFastLane } from './evaluation/sdk-fast-lane.js';
import type { SdkGuard } from './evaluation/sdk-guard.js';
import type { EventsService } from './events/events.service.js';
import type { ChangeBus } from './realtime/change-bus.js';
import type { SseHub } from './realtime/sse-hub.js';
import type { ScheduledChangesService } from './scheduled-changes/scheduled-changes.service.js';
import type { Scheduler } from './scheduled-changes/scheduler.js';
import type { ChangeRecorder } from './shared/changes.js';
import type { Database } from './storage/database.js';
import type { Tables } from './storage/tables.js';

/**
 * What the SDK protocol routes are built from, and nothing more: `pennon serve` wires it over
 * the database, `pennon edge` over documents followed from an upstream server. The same route
 * plugins run in both, so both give the same answers by construction.
 */
export interface SdkContext {
  config: Pick<Config, 'publicUrl'>;
  /** Streams re-check their key on every change. */
  keys: KeyDirectory;
  /** Resolves and rate-limits the key of every SDK request before its body is read. */
  sdkGuard: SdkGuard;
  evaluation: Pick<EvaluationService, 'snapshot' | 'evaluate' | 'evaluateNow'>;
  sse: SseHub;
  /** Validates and keeps event and exposure batches. */
  events: Pick<EventsService, 'ingest'>;
  flagAnalytics: Pick<FlagAnalytics, 'record'>;
}

/**
 * What route plugins are built from. Wired once in `app.ts`; each domain builds its own
 * repository and service from it, so no plugin reaches into another's internals.
 */
export interface AppContext extends SdkContext {
  config: Config;
  database: Database;
  db: Kysely<Tables>;
  bus: ChangeBus;
  changes: ChangeRecorder;
  keys: EnvironmentKeys;
  evaluation: EvaluationService;
  flagAnalytics: FlagAnalytics;
  changeRequests: ChangeRequestsService;
  scheduledChanges: ScheduledChangesService;
  /** Applies scheduled work when due; `pennon serve` starts it (server.ts), tests tick it. */
  scheduler: Scheduler;
  /** Every admin route with the access it declares, filled as routes register (auth/access.ts). */
  adminRoutes: DeclaredRoute[];
  /** What answers the hottest SDK requests before Fastify; set once the SDK routes are registered. */
  fastLane?: SdkFastLane;
}
