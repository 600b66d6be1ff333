import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as events from './0002-events.js';
import * as flagAnalytics from './0003-flag-analytics.js';
import * as counters from './0004-counters.js';
import * as rollouts from './0005-rollouts.js';
import * as experiments from './0006-experiments.js';
import * as clientPrivacy from './0007-client-privacy.js';
import * as teams from './0008-teams.js';
import * as auditWebhooks from './0009-audit-webhooks.js';
import * as byteOrderEvents from './0010-byte-order-events.js';
import * as changeRequests from './0011-change-requests.js';
import * as flagHousekeeping from './0012-flag-housekeeping.js';
import * as epochEventTimes from './0013-epoch-event-times.js';

/**
 * Migrations are listed in code, not discovered on disk, so the compiled program carries
 * them and their order is explicit. Never edit a released migration: add the next one.
 */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-events': events,
  '0003-flag-analytics': flagAnalytics,
  '0004-counters': counters,
  '0005-rollouts': rollouts,
  '0006-experiments': experiments,
  '0007-client-privacy': clientPrivacy,
  '0008-teams': teams,
  '0009-audit-webhooks': auditWebhooks,
  '0010-byte-order-events': byteOrderEvents,
  '0011-change-requests': changeRequests,
  '0012-flag-housekeeping': flagHousekeeping,
  '0013-epoch-event-times': epochEventTimes,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export const latestMigration = Object.keys(migrations).sort().at(-1) as string;
