import type { Kysely, Transaction } from 'kysely';
import { resolveEnvironment } from '../environments/environment-lookup.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type {
  ChangeRequestApprovalRow,
  ChangeRequestRow,
  ChangeRequestStatus,
  EnvironmentRow,
  Tables,
} from '../storage/tables.js';

/** Storage of change requests and their approvals. Callers scope by organisation first (`findEnvironment`). */
export class ChangeRequestsRepository {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Runs `work` in one transaction, with a repository bound to it and the transaction for the changes. */
  transaction<T>(
    work: (repository: ChangeRequestsRepository, trx: Transaction<Tables>) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute((trx) => work(new ChangeRequestsRepository(trx), trx));
  }

  /** By id or key; throws `environment_not_found` or `environment_ambiguous`. */
  findEnvironment(organisationId: string, environmentRef: string): Promise<EnvironmentRow> {
    return resolveEnvironment(this.db, organisationId, environmentRef);
  }

  environmentById(id: string): Promise<EnvironmentRow> {
    return this.db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  list(environmentId: string, page: PageRequest & { status?: ChangeRequestStatus }) {
    let query = this.db.selectFrom('change_requests').selectAll().where('environment_id', '=', environmentId);
    if (page.status) query = query.where('status', '=', page.status);
    return paginate(query, 'id', page);
  }

  find(environmentId: string, id: string): Promise<ChangeRequestRow | undefined> {
    return this.db
      .selectFrom('change_requests')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /**
   * The request, locked until commit (a no-op update), so approvals, revisions and commits
   * of one request take turns across server processes.
   */
  lock(environmentId: string, id: string): Promise<ChangeRequestRow | undefined> {
    return this.db
      .updateTable('change_requests')
      .set((eb) => ({ revision: eb.ref('revision') }))
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async insert(row: ChangeRequestRow): Promise<void> {
    await this.db.insertInto('change_requests').values(row).execute();
  }

  async update(
    id: string,
    changes: Partial<Omit<ChangeRequestRow, 'id' | 'environment_id' | 'author' | 'created_at'>>,
  ): Promise<void> {
    await this.db.updateTable('change_requests').set(changes).where('id', '=', id).execute();
  }

  approvals(changeRequestIds: readonly string[]): Promise<ChangeRequestApprovalRow[]> {
    if (changeRequestIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('change_request_approvals')
      .selectAll()
      .where('change_request_id', 'in', changeRequestIds)
      .orderBy('approved_at')
      .execute();
  }

  /** One approval per actor: approving again changes nothing. */
  async addApproval(row: ChangeRequestApprovalRow): Promise<void> {
    await this.db
      .insertInto('change_request_approvals')
      .values(row)
      .onConflict((oc) => oc.columns(['change_request_id', 'actor_key']).doNothing())
      .execute();
  }

  async clearApprovals(changeRequestId: string): Promise<void> {
    await this.db
      .deleteFrom('change_request_approvals')
      .where('change_request_id', '=', changeRequestId)
      .execute();
  }

  /** Approved requests whose time has come, oldest first. */
  async dueIds(now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('change_requests')
      .select('id')
      .where('status', '=', 'approved')
      .where('scheduled_at', 'is not', null)
      .where('scheduled_at', '<=', now)
      .orderBy('scheduled_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Marks a due request committed by `owner` and returns it, or nothing when another
   * scheduler (or a person) got there first. Runs in the transaction that applies the changes:
   * PostgreSQL makes a concurrent claim wait for the row, then find it no longer approved; a
   * failed apply rolls the claim back with it.
   */
  claimDue(id: string, now: string, owner: string, closedBy: string): Promise<ChangeRequestRow | undefined> {
    return this.db
      .updateTable('change_requests')
      .set({ status: 'committed', claimed_by: owner, closed_by: closedBy, closed_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .where('scheduled_at', '<=', now)
      .returningAll()
      .executeTakeFirst();
  }

  /** Records why a scheduled commit failed, unless someone else closed the request meanwhile. */
  async markFailed(id: string, failure: string, now: string): Promise<void> {
    await this.db
      .updateTable('change_requests')
      .set({ status: 'failed', failure, closed_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .execute();
  }
}
