import type { Kysely, Transaction } from 'kysely';
import { resolveEnvironment } from '../environments/environment-lookup.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type { EnvironmentRow, ScheduledChangeRow, ScheduledChangeStatus, Tables } from '../storage/tables.js';

/** Storage of scheduled changes. Callers scope by organisation first (`findEnvironment`). */
export class ScheduledChangesRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for the changes. */
  transaction<T>(
    work: (repository: ScheduledChangesRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new ScheduledChangesRepository(trx), trx));
  }

  /** By id or key; throws `environment_not_found` or `environment_ambiguous`. */
  findEnvironment(organisationId: string, environmentRef: string): Promise<EnvironmentRow> {
    return resolveEnvironment(this.db, organisationId, environmentRef);
  }

  environmentById(id: string): Promise<EnvironmentRow> {
    return this.db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  list(environmentId: string, page: PageRequest & { status?: ScheduledChangeStatus }) {
    let query = this.db
      .selectFrom('scheduled_changes')
      .selectAll()
      .where('environment_id', '=', environmentId);
    if (page.status) query = query.where('status', '=', page.status);
    return paginate(query, 'id', page);
  }

  find(environmentId: string, id: string): Promise<ScheduledChangeRow | undefined> {
    return this.db
      .selectFrom('scheduled_changes')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async insert(row: ScheduledChangeRow): Promise<void> {
    await this.db.insertInto('scheduled_changes').values(row).execute();
  }

  /** Cancels a pending change; returns it as it was, or nothing when it is no longer pending. */
  async cancel(environmentId: string, id: string, now: string): Promise<ScheduledChangeRow | undefined> {
    const pending = await this.lockPending(id, { environmentId });
    if (pending) await this.update(id, { status: 'cancelled', updated_at: now });
    return pending;
  }

  /** Pending changes whose time has come, oldest first. */
  async dueIds(now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('scheduled_changes')
      .select('id')
      .where('status', '=', 'pending')
      .where('scheduled_at', '<=', now)
      .orderBy('scheduled_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Claims a due change: locks it if it is still pending and due, marks it applied by `owner`,
   * and returns it as it was before the claim; nothing when another scheduler got there first
   * (or it was cancelled). Runs in the transaction that applies the change: PostgreSQL makes a
   * concurrent claim wait on the row and then find it no longer pending, and a crash or failure
   * before commit rolls back the claim with the change. The open transaction is the lease; no
   * lease column can outlive a dead claimer.
   */
  async claimDue(id: string, now: string, owner: string): Promise<ScheduledChangeRow | undefined> {
    const due = await this.lockPending(id, { dueAt: now });
    if (due)
      await this.update(id, { status: 'applied', applied_at: now, claimed_by: owner, updated_at: now });
    return due;
  }

  /** Records why applying failed, unless it was cancelled or applied meanwhile; returns it as it was. */
  async markFailed(
    id: string,
    failure: string,
    now: string,
    owner: string,
  ): Promise<ScheduledChangeRow | undefined> {
    const pending = await this.lockPending(id, {});
    if (pending) await this.update(id, { status: 'failed', failure, claimed_by: owner, updated_at: now });
    return pending;
  }

  /** A no-op update that locks a still pending row for the transaction and returns it. */
  private lockPending(
    id: string,
    where: { environmentId?: string; dueAt?: string },
  ): Promise<ScheduledChangeRow | undefined> {
    let query = this.db
      .updateTable('scheduled_changes')
      .set((eb) => ({ status: eb.ref('status') }))
      .where('id', '=', id)
      .where('status', '=', 'pending');
    if (where.environmentId !== undefined) query = query.where('environment_id', '=', where.environmentId);
    if (where.dueAt !== undefined) query = query.where('scheduled_at', '<=', where.dueAt);
    return query.returningAll().executeTakeFirst();
  }

  private async update(
    id: string,
    changes: Partial<
      Pick<ScheduledChangeRow, 'status' | 'applied_at' | 'claimed_by' | 'failure' | 'updated_at'>
    >,
  ): Promise<void> {
    await this.db.updateTable('scheduled_changes').set(changes).where('id', '=', id).execute();
  }
}
