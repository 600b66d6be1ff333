import type { Kysely, Transaction } from 'kysely';
import type { Grants, OrganisationRole } from '../auth/permissions.js';
import { resolveEnvironment } from '../environments/environment-lookup.js';
import { ProjectMembersRepository } from '../projects/project-members.repository.js';
import { type PageRequest, paginate } from '../storage/paging.js';
import type {
  ChangeRequestApprovalRow,
  ChangeRequestRow,
  ChangeRequestStatus,
  EnvironmentRow,
  Tables,
} from '../storage/tables.js';
import type { ApproverDirectory } from './approvers.js';

/** Storage of change requests and their approvals. Callers scope by organisation first (`findEnvironment`). */
export class ChangeRequestsRepository implements ApproverDirectory {
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
   * Claims a due request for committing: locks it if it is still approved and due, marks it
   * committed by `owner`, and returns it as it was before the claim; nothing when another
   * scheduler (or a person) got there first. Runs in the transaction that applies the changes:
   * PostgreSQL makes a concurrent claim wait for the row, then find it no longer approved; a
   * failed apply rolls the claim back with it.
   */
  async claimDue(
    id: string,
    now: string,
    closed: Pick<ChangeRequestRow, 'claimed_by' | 'closed_by' | 'closed_at'>,
  ): Promise<ChangeRequestRow | undefined> {
    const due = await this.lockApproved(id, now);
    if (due) await this.update(id, { ...closed, status: 'committed', updated_at: now });
    return due;
  }

  /**
   * Marks a request failed unless someone else closed it meanwhile; returns it as it was
   * before, or nothing when it is no longer approved.
   */
  async markFailed(
    id: string,
    failed: Pick<ChangeRequestRow, 'status' | 'failure' | 'closed_at' | 'updated_at'>,
  ): Promise<ChangeRequestRow | undefined> {
    const current = await this.lockApproved(id);
    if (current) await this.update(id, failed);
    return current;
  }

  /** A no-op update that locks the row for the transaction and returns it, if still approved (and due). */
  private lockApproved(id: string, dueAt?: string): Promise<ChangeRequestRow | undefined> {
    let query = this.db
      .updateTable('change_requests')
      .set((eb) => ({ revision: eb.ref('revision') }))
      .where('id', '=', id)
      .where('status', '=', 'approved');
    if (dueAt !== undefined) query = query.where('scheduled_at', '<=', dueAt);
    return query.returningAll().executeTakeFirst();
  }

  async tokenRole(organisationId: string, tokenId: string): Promise<OrganisationRole | undefined> {
    const row = await this.db
      .selectFrom('admin_tokens')
      .select('role')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', tokenId)
      .executeTakeFirst();
    return row?.role as OrganisationRole | undefined;
  }

  async userGrants(organisationId: string, userId: string): Promise<Grants | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select('role')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      role: row.role as OrganisationRole,
      projects: await new ProjectMembersRepository(this.db).grantsOf(userId),
    };
  }
}
