import type { Transaction } from 'kysely';
import { organisationOfProject, recordAudit } from '../audit/audit.record.js';
import type { AuditAction } from '../audit/audit.schema.js';
import { type Actor, currentActor, runAs } from '../auth/actor.js';
import type { PlannedChange } from '../change-sets/change-set.schema.js';
import type { ChangeSetService } from '../change-sets/change-set.service.js';
import { requiredApprovals } from '../environments/protection.js';
import { conflict, notFound, type PennonError } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import type { ConfigChange } from '../realtime/change-bus.js';
import { failureOf, isTransient } from '../scheduled-changes/scheduler.js';
import type { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import type {
  ChangeRequestApprovalRow,
  ChangeRequestRow,
  ChangeRequestStatus,
  EnvironmentRow,
  Tables,
} from '../storage/tables.js';
import {
  actorKey,
  approvalRefusal,
  authorOnlyRefusal,
  commitRefusal,
  rejectionRefusal,
} from './approval-rules.js';
import { type ApproverDirectory, countingApprovals } from './approvers.js';
import type { ChangeRequestsRepository } from './change-requests.repository.js';
import type {
  ApproveQuery,
  ChangeRequest,
  ChangeRequestDetail,
  ChangeRequestsQuery,
  CreateChangeRequest,
  ReviseChangeRequest,
} from './change-requests.schema.js';

/** Who the scheduler records as having committed a request at its time. */
const SCHEDULER: Actor = { kind: 'system', id: 'scheduler' };
/** Due requests one tick commits; the rest wait for the next tick. */
const DUE_BATCH = 20;

/**
 * Change requests: changes to one environment that others approve before they apply.
 * open → approved (N approvals by others than the author) → committed, or rejected /
 * cancelled; a scheduled one is committed by the scheduler at its time (or failed, with the
 * reason). A new revision of the changes starts the approvals again. Committing applies every
 * change in one transaction and refuses (409 `conflict`) when a target moved since it was proposed.
 */
export class ChangeRequestsService {
  constructor(
    private readonly requests: ChangeRequestsRepository,
    private readonly changeSets: ChangeSetService,
    private readonly changes: ChangeRecorder,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(
    organisationId: string,
    environmentRef: string,
    query: ChangeRequestsQuery,
  ): Promise<PageResult<ChangeRequest>> {
    const environment = await this.requests.findEnvironment(organisationId, environmentRef);
    const page = await this.requests.list(environment.id, query);
    const approvals = await this.requests.approvals(page.items.map((r) => r.id));
    return {
      items: page.items.map((row) => toChangeRequest(row, approvals, environment)),
      next_cursor: page.next_cursor,
    };
  }

  async get(organisationId: string, environmentRef: string, id: string): Promise<ChangeRequestDetail> {
    const environment = await this.requests.findEnvironment(organisationId, environmentRef);
    const row = await this.requests.find(environment.id, id);
    if (!row) throw notFound('change_request', id);
    const approvals = await this.requests.approvals([row.id]);
    const diff = await this.changeSets.diff(environment, parseChanges(row));
    return { ...toChangeRequest(row, approvals, environment), diff };
  }

  /** Plans the changes (validated as the direct routes would, versions recorded) and opens the request. */
  async create(
    organisationId: string,
    environmentRef: string,
    input: CreateChangeRequest,
  ): Promise<ChangeRequest> {
    const environment = await this.requests.findEnvironment(organisationId, environmentRef);
    const planned = await this.changeSets.plan(environment, input.changes);
    const now = this.clock().toISOString();
    const row: ChangeRequestRow = {
      id: newId(),
      environment_id: environment.id,
      title: input.title,
      description: input.description ?? '',
      status: 'open',
      author: JSON.stringify(currentActor()),
      revision: 1,
      changes: JSON.stringify(planned),
      scheduled_at: normaliseTime(input.scheduled_at),
      closed_by: null,
      closed_at: null,
      claimed_by: null,
      failure: null,
      created_at: now,
      updated_at: now,
    };
    const request = toChangeRequest(row, [], environment);
    await this.requests.transaction(async (repository, trx) => {
      await repository.insert(row);
      await recordStep(trx, organisationId, environment, 'create', null, request);
    });
    return request;
  }

  /** New changes or a new time are a new revision: versions recorded again, approvals start over. */
  async revise(
    organisationId: string,
    environmentRef: string,
    id: string,
    input: ReviseChangeRequest,
  ): Promise<ChangeRequest> {
    const environment = await this.requests.findEnvironment(organisationId, environmentRef);
    const planned = input.changes ? await this.changeSets.plan(environment, input.changes) : undefined;
    return this.requests.transaction(async (repository, trx) => {
      const current = await requireOpen(repository, environment, id, 'revise');
      refuse(authorOnlyRefusal(currentActor(), authorOf(current), 'revise'));
      const scheduledAt =
        input.scheduled_at === undefined ? current.scheduled_at : normaliseTime(input.scheduled_at);
      const newRevision = planned !== undefined || scheduledAt !== current.scheduled_at;
      const changes: Partial<ChangeRequestRow> = {
        ...(input.title === undefined ? {} : { title: input.title }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(newRevision
          ? {
              revision: current.revision + 1,
              status: 'open' as const,
              scheduled_at: scheduledAt,
              ...(planned ? { changes: JSON.stringify(planned) } : {}),
            }
          : {}),
        updated_at: this.clock().toISOString(),
      };
      const before = toChangeRequest(current, await repository.approvals([id]), environment);
      if (newRevision) await repository.clearApprovals(id);
      await repository.update(id, changes);
      const after = toChangeRequest(
        { ...current, ...changes },
        await repository.approvals([id]),
        environment,
      );
      await recordStep(trx, organisationId, environment, 'update', before, after);
      return after;
    });
  }

  /** By anyone but the author; at N approvals the request is approved. */
  async approve(
    organisationId: string,
    environmentRef: string,
    id: string,
    query: ApproveQuery,
  ): Promise<ChangeRequest> {
    const actor = currentActor();
    return this.requests.transaction(async (repository, trx) => {
      const environment = await repository.findEnvironment(organisationId, environmentRef);
      const current = await requireOpen(repository, environment, id, 'approve');
      refuse(approvalRefusal(actor, authorOf(current)));
      if (query.revision !== undefined && query.revision !== current.revision) {
        throw conflict(
          'change_request_revised',
          `You reviewed revision ${query.revision}, but the author has revised the request since (now revision ${current.revision}); review it again.`,
        );
      }
      const now = this.clock().toISOString();
      const before = toChangeRequest(current, await repository.approvals([id]), environment);
      await repository.addApproval({
        change_request_id: id,
        actor_key: actorKey(actor),
        actor: JSON.stringify(actor),
        approved_at: now,
      });
      const approvals = await repository.approvals([id]);
      const counting = await countingApprovals(repository, organisationId, environment, approvals);
      const status: ChangeRequestStatus =
        counting.length >= requiredApprovals(environment) ? 'approved' : 'open';
      await repository.update(id, { status, updated_at: now });
      const after = toChangeRequest({ ...current, status, updated_at: now }, approvals, environment);
      await recordStep(trx, organisationId, environment, 'approve', before, after);
      return after;
    });
  }

  async reject(organisationId: string, environmentRef: string, id: string): Promise<ChangeRequest> {
    return this.close(organisationId, environmentRef, id, 'rejected', (actor, author) =>
      rejectionRefusal(actor, author),
    );
  }

  async cancel(organisationId: string, environmentRef: string, id: string): Promise<ChangeRequest> {
    return this.close(organisationId, environmentRef, id, 'cancelled', (actor, author) =>
      authorOnlyRefusal(actor, author, 'cancel'),
    );
  }

  /**
   * Applies every change in one transaction, as the committer, and closes the request in the
   * same transaction; a target that moved since the proposal refuses the whole commit (409
   * `conflict`), and nothing changes.
   */
  async commit(organisationId: string, environmentRef: string, id: string): Promise<ChangeRequest> {
    const actor = currentActor();
    const { request, change } = await this.requests.transaction(async (repository, trx) => {
      const environment = await repository.findEnvironment(organisationId, environmentRef);
      const current = await requireOpen(repository, environment, id, 'commit');
      refuse(commitRefusal(actor, authorOf(current)));
      const approvals = await repository.approvals([id]);
      await requireApproved(repository, organisationId, current, approvals, environment);
      const now = this.clock();
      if (current.scheduled_at !== null && current.scheduled_at > now.toISOString()) {
        throw conflict(
          'change_request_scheduled',
          `This change request is scheduled for ${current.scheduled_at} and will be committed then; to commit it now, revise it with "scheduled_at": null.`,
        );
      }
      const change = await this.changeSets.apply(trx, environment, parseChanges(current), {
        checkVersions: true,
      });
      const closed = {
        status: 'committed' as const,
        closed_by: JSON.stringify(actor),
        closed_at: now.toISOString(),
        updated_at: now.toISOString(),
      };
      await repository.update(id, closed);
      const request = toChangeRequest({ ...current, ...closed }, approvals, environment);
      const before = toChangeRequest(current, approvals, environment);
      await recordStep(trx, organisationId, environment, 'commit', before, request);
      return { request, change };
    });
    if (change) await this.changes.publish(change);
    return request;
  }

  /**
   * Commits approved requests whose time has come, as their authors; returns the ids this
   * call committed. One that cannot be committed (a target moved, too few approvals now) is
   * marked failed with the reason; one that met a busy database stays due for the next tick.
   */
  async applyDue(now: Date, owner: string): Promise<string[]> {
    const at = now.toISOString();
    const committed: string[] = [];
    for (const id of await this.requests.dueIds(at, DUE_BATCH)) {
      try {
        const result = await this.requests.transaction(async (repository, trx) => {
          const closed = { claimed_by: owner, closed_by: JSON.stringify(SCHEDULER), closed_at: at };
          const claimed = await repository.claimDue(id, at, closed);
          if (!claimed) return undefined;
          const environment = await repository.environmentById(claimed.environment_id);
          const organisationId = await organisationOfProject(trx, environment.project_id);
          const approvals = await repository.approvals([id]);
          await requireApproved(repository, organisationId, claimed, approvals, environment);
          // Each change is the author's, who asked for it; the commit at its time is the scheduler's.
          const change = await runAs(authorOf(claimed), () =>
            this.changeSets.apply(trx, environment, parseChanges(claimed), { checkVersions: true }),
          );
          const before = toChangeRequest(claimed, approvals, environment);
          const after = toChangeRequest(
            { ...claimed, ...closed, status: 'committed', updated_at: at },
            approvals,
            environment,
          );
          await runAs(SCHEDULER, () => recordStep(trx, organisationId, environment, 'commit', before, after));
          return { change };
        });
        if (!result) continue;
        committed.push(id);
        if (result.change) await this.publishQuietly(result.change);
      } catch (error) {
        if (isTransient(error)) continue;
        await runAs(SCHEDULER, () => this.markFailed(id, failureOf(error), at));
      }
    }
    return committed;
  }

  private async close(
    organisationId: string,
    environmentRef: string,
    id: string,
    status: 'rejected' | 'cancelled',
    rule: (actor: Actor, author: Actor) => PennonError | undefined,
  ): Promise<ChangeRequest> {
    const actor = currentActor();
    return this.requests.transaction(async (repository, trx) => {
      const environment = await repository.findEnvironment(organisationId, environmentRef);
      const current = await requireOpen(
        repository,
        environment,
        id,
        status === 'rejected' ? 'reject' : 'cancel',
      );
      refuse(rule(actor, authorOf(current)));
      const now = this.clock().toISOString();
      const closed = { status, closed_by: JSON.stringify(actor), closed_at: now, updated_at: now };
      await repository.update(id, closed);
      const approvals = await repository.approvals([id]);
      const after = toChangeRequest({ ...current, ...closed }, approvals, environment);
      const action = status === 'rejected' ? 'reject' : 'cancel';
      await recordStep(
        trx,
        organisationId,
        environment,
        action,
        toChangeRequest(current, approvals, environment),
        after,
      );
      return after;
    });
  }

  /** Records why a scheduled commit failed, unless someone else closed the request meanwhile. */
  private async markFailed(
    id: string,
    failure: { code: string; message: string },
    at: string,
  ): Promise<void> {
    await this.requests.transaction(async (repository, trx) => {
      const closed = {
        status: 'failed' as const,
        failure: JSON.stringify(failure),
        closed_at: at,
        updated_at: at,
      };
      const current = await repository.markFailed(id, closed);
      if (!current) return;
      const environment = await repository.environmentById(current.environment_id);
      const organisationId = await organisationOfProject(trx, environment.project_id);
      const approvals = await repository.approvals([id]);
      await recordStep(
        trx,
        organisationId,
        environment,
        'fail',
        toChangeRequest(current, approvals, environment),
        toChangeRequest({ ...current, ...closed }, approvals, environment),
      );
    });
  }

  /** Committed is committed: a bus hiccup after commit must not mark the request failed. */
  private async publishQuietly(change: ConfigChange): Promise<void> {
    await this.changes.publish(change).catch(() => {});
  }
}

/** The request locked for the transaction, still open or approved; otherwise 404 or 409. */
async function requireOpen(
  repository: ChangeRequestsRepository,
  environment: EnvironmentRow,
  id: string,
  action: string,
): Promise<ChangeRequestRow> {
  const row = await repository.lock(environment.id, id);
  if (!row) throw notFound('change_request', id);
  if (row.status !== 'open' && row.status !== 'approved') {
    throw conflict(
      'change_request_closed',
      `This change request is ${row.status}; it cannot ${action === 'commit' ? 'be committed' : `be ${action}d`} any more. Propose a new one.`,
    );
  }
  return row;
}

/** Enough approvals that still count (approvers.ts), or 409 `change_request_not_approved`. */
async function requireApproved(
  directory: ApproverDirectory,
  organisationId: string,
  row: ChangeRequestRow,
  approvals: readonly ChangeRequestApprovalRow[],
  environment: EnvironmentRow,
): Promise<void> {
  const needed = requiredApprovals(environment);
  const counting = await countingApprovals(directory, organisationId, environment, approvals);
  if (counting.length >= needed) return;
  const lapsed = approvals.length - counting.length;
  const why =
    lapsed === 0
      ? ''
      : ` (${lapsed} approval${lapsed === 1 ? ' was' : 's were'} given by someone who may no longer edit this environment, and no longer count${lapsed === 1 ? 's' : ''})`;
  throw conflict(
    'change_request_not_approved',
    `This change request has ${counting.length} of the ${needed} approval${needed === 1 ? '' : 's'} it needs (revision ${row.revision})${why}; others must approve it first.`,
  );
}

/** Records one step of a request's life, in the transaction that takes it, in its environment's history. */
async function recordStep(
  trx: Transaction<Tables>,
  organisationId: string,
  environment: EnvironmentRow,
  action: AuditAction,
  before: ChangeRequest | null,
  after: ChangeRequest | null,
): Promise<void> {
  await recordAudit(trx, {
    organisation_id: organisationId,
    resource_type: 'change_request',
    resource_id: (after ?? before)?.id as string,
    action,
    project_id: environment.project_id,
    environment_id: environment.id,
    before,
    after,
  });
}

function refuse(refusal: PennonError | undefined): void {
  if (refusal) throw refusal;
}

function authorOf(row: ChangeRequestRow): Actor {
  return JSON.parse(row.author) as Actor;
}

function parseChanges(row: ChangeRequestRow): PlannedChange[] {
  return JSON.parse(row.changes) as PlannedChange[];
}

/** Stored as UTC ISO text, so times compare as text on both dialects. */
function normaliseTime(time: string | null | undefined): string | null {
  return time === undefined || time === null ? null : new Date(time).toISOString();
}

function toChangeRequest(
  row: ChangeRequestRow,
  approvals: readonly ChangeRequestApprovalRow[],
  environment: EnvironmentRow,
): ChangeRequest {
  const author = JSON.parse(row.author) as Actor;
  return {
    id: row.id,
    environment_id: row.environment_id,
    title: row.title,
    description: row.description,
    status: row.status,
    revision: row.revision,
    author: { kind: author.kind, id: author.id },
    changes: parseChanges(row).map((planned) => planned.change),
    scheduled_at: row.scheduled_at,
    approvals: approvals
      .filter((a) => a.change_request_id === row.id)
      .map((a) => {
        const actor = JSON.parse(a.actor) as Actor;
        return { actor: { kind: actor.kind, id: actor.id }, approved_at: a.approved_at };
      }),
    required_approvals: requiredApprovals(environment),
    closed_by: row.closed_by === null ? null : pick(JSON.parse(row.closed_by) as Actor),
    closed_at: row.closed_at,
    failure: row.failure === null ? null : (JSON.parse(row.failure) as { code: string; message: string }),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function pick(actor: Actor): { kind: Actor['kind']; id: string } {
  return { kind: actor.kind, id: actor.id };
}
