import type { Kysely, Transaction } from 'kysely';
import type { ChangeBus, ConfigChange } from '../realtime/change-bus.js';
import type { Tables } from '../storage/tables.js';

type Executor = Kysely<Tables> | Transaction<Tables>;

/**
 * Records that configuration changed: bumps `updated_at` of the affected environments inside
 * the caller's transaction, and after commit tells the change bus. Every service that
 * mutates something evaluation depends on MUST go through here, or caches go stale.
 */
export class ChangeRecorder {
  constructor(private readonly bus: ChangeBus) {}

  async touch(trx: Executor, scope: { projectId: string; environmentId?: string }): Promise<ConfigChange> {
    const at = monotonicNow();
    let update = trx
      .updateTable('environments')
      .set({ updated_at: at })
      .where('project_id', '=', scope.projectId);
    if (scope.environmentId) update = update.where('id', '=', scope.environmentId);
    await update.execute();
    await trx.updateTable('projects').set({ updated_at: at }).where('id', '=', scope.projectId).execute();
    return { projectId: scope.projectId, environmentId: scope.environmentId, at };
  }

  async publish(change: ConfigChange): Promise<void> {
    await this.bus.publish(change);
  }
}

let last = 0;
/** Strictly increasing ISO timestamps, so two quick changes never share an `updated_at`. */
export function monotonicNow(): string {
  const now = Math.max(Date.now(), last + 1);
  last = now;
  return new Date(now).toISOString();
}
