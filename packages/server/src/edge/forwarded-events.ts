import { PennonError, unavailable } from '../errors.js';
import type { EventStore } from '../events/events.service.js';
import type { EventRow, ExposureRow } from '../storage/tables.js';
import type { EdgeEnvironments } from './edge-environments.js';

/**
 * The edge's `EventStore`: a batch the events service validated (the server's own rules, so
 * the upstream will take it) goes into its environment's bounded queue, which sends it
 * upstream with retry (`@pennon/sdk-core` `EventQueue`). A batch that does not fit is refused
 * whole with 503, so the SDK that sent it keeps it and retries: nothing is
 * dropped at the door. Each item keeps its idempotency key (or gets its row id as one), so
 * the upstream stores a retried item once.
 *
 * Acknowledged here means buffered in memory, not stored upstream: items still queued when the
 * edge is killed are lost, and items queued at a graceful stop are sent for a few seconds and
 * then counted as dropped (`/ready` shows every count).
 */
export class ForwardedEvents implements EventStore {
  constructor(private readonly environments: EdgeEnvironments) {}

  async insertBatch(events: readonly EventRow[], exposures: readonly ExposureRow[]): Promise<number> {
    const environmentId = events[0]?.environment_id ?? exposures[0]?.environment_id;
    if (environmentId === undefined) return 0;
    const follower = this.environments.follower(environmentId);
    if (!follower) throw unavailable('This environment is not served by this edge any more.');
    const queue = follower.events;
    const room = follower.eventRoom();
    const total = events.length + exposures.length;
    if (total > room) {
      throw new PennonError(
        'unavailable',
        'edge_buffer_full',
        `The edge holds ${queue.stats().pending} items for the upstream and has room for ${room} more; ` +
          'keep this batch and send it again later.',
      );
    }
    for (const row of events) {
      queue.event({
        unit_id: row.unit_id,
        name: row.name,
        value: row.value,
        properties: JSON.parse(row.properties) as Record<string, unknown>,
        time: row.occurred_ms,
        idempotency_key: row.idempotency_key ?? row.id,
      });
    }
    for (const row of exposures) {
      queue.exposure({
        unit_id: row.unit_id,
        flag: row.feature_key,
        variant: row.variant,
        value: JSON.parse(row.value) as unknown,
        reason: row.reason,
        time: row.occurred_ms,
        idempotency_key: row.idempotency_key ?? row.id,
      });
    }
    return total;
  }
}
