import type { Transaction } from 'kysely';
import { organisationOfProject, recordAudit } from '../audit/audit.record.js';
import type { AuditAction } from '../audit/audit.schema.js';
import { type Actor, currentActor, runAs } from '../auth/actor.js';
import type { PlannedChange } from '../change-sets/change-set.schema.js';
import type { ChangeSetService } from '../change-sets/change-set.service.js';
import { refuseDirectChange } from '../environments/protection.js';
import { conflict, notFound } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import type { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import type { EnvironmentRow, ScheduledChangeRow, Tables } from '../storage/tables.js';
import type { ScheduledChangesRepository } from './scheduled-changes.repository.js';
import type {
  CreateScheduledChange,
  ScheduledChange,
  ScheduledChangeDetail,
  ScheduledChangesQuery,
} from './scheduled-changes.schema.js';
import { type DueWork, failureOf, isTransient } from './scheduler.js';

/** Who the audit log names for what happens at a change's time (applied, failed). */
const SCHEDULER: Actor = { kind: 'system', id: 'scheduler' };
/** Due changes one tick applies; the rest wait for the next tick. */
const DUE_BATCH = 20;

/**
 * Changes to an unprotected environment that apply at a set time, as their author, exactly
 * once however many servers run. They are checked when scheduled, as the direct routes would
 * check them; at their time they apply what they say (absent fields stay as they are then),
 * and one that cannot apply (its feature deleted, a running experiment refusing the variants)
 * is marked failed with the reason, not retried. Protected environments schedule through
 * change requests (`scheduled_at`), which approvers see first.
 */
export class ScheduledChangesService implements DueWork {
  constructor(
    private readonly scheduled: ScheduledChangesRepository,
    private readonly changeSets: ChangeSetService,
    private readonly changes: ChangeRecorder,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(
    organisationId: string,
    environmentRef: string,
    query: ScheduledChangesQuery,
  ): Promise<PageResult<ScheduledChange>> {
    const environment = await this.scheduled.findEnvironment(organisationId, environmentRef);
    const page = await this.scheduled.list(environment.id, query);
    return { items: page.items.map(toScheduledChange), next_cursor: page.next_cursor };
  }

  async get(organisationId: string, environmentRef: string, id: string): Promise<ScheduledChangeDetail> {
    const environment = await this.scheduled.findEnvironment(organisationId, environmentRef);
    const row = await this.scheduled.find(environment.id, id);
    if (!row) throw notFound('scheduled_change', id);
    return { ...toScheduledChange(row), diff: await this.changeSets.diff(environment, parseChanges(row)) };
  }

  async create(
    organisationId: string,
    environmentRef: string,
    input: CreateScheduledChange,
  ): Promise<ScheduledChange> {
    const environment = await this.scheduled.findEnvironment(organisationId, environmentRef);
    refuseDirectChange(environment);
    const planned = await this.changeSets.plan(environment, input.changes);
    const now = this.clock().toISOString();
    const actor = currentActor();
    const row: ScheduledChangeRow = {
      id: newId(),
      environment_id: environment.id,
      status: 'pending',
      author: JSON.stringify(actor),
      changes: JSON.stringify(planned),
      scheduled_at: new Date(input.scheduled_at).toISOString(),
      applied_at: null,
      claimed_by: null,
      failure: null,
      created_at: now,
      updated_at: now,
    };
    const created = toScheduledChange(row);
    await this.scheduled.transaction(async (repository, trx) => {
      await repository.insert(row);
      await recordStep(trx, organisationId, environment, 'create', null, created);
    });
    return created;
  }

  /** Cancels a pending change; one already applied, failed or cancelled is 409. */
  async cancel(organisationId: string, environmentRef: string, id: string): Promise<void> {
    const environment = await this.scheduled.findEnvironment(organisationId, environmentRef);
    await this.scheduled.transaction(async (repository, trx) => {
      const now = this.clock().toISOString();
      const pending = await repository.cancel(environment.id, id, now);
      if (pending) {
        const after = toScheduledChange({ ...pending, status: 'cancelled', updated_at: now });
        await recordStep(trx, organisationId, environment, 'cancel', toScheduledChange(pending), after);
        return;
      }
      const row = await repository.find(environment.id, id);
      if (!row) throw notFound('scheduled_change', id);
      throw conflict(
        'scheduled_change_closed',
        `This scheduled change is ${row.status}; only a pending one can be cancelled.`,
      );
    });
  }

  /** Applies the pending changes due at `now`, each claimed and applied in one transaction. */
  async applyDue(now: Date, owner: string): Promise<string[]> {
    const at = now.toISOString();
    const applied: string[] = [];
    for (const id of await this.scheduled.dueIds(at, DUE_BATCH)) {
      try {
        const result = await this.scheduled.transaction(async (repository, trx) => {
          const claimed = await repository.claimDue(id, at, owner);
          if (!claimed) return undefined;
          const environment = await repository.environmentById(claimed.environment_id);
          const author = JSON.parse(claimed.author) as Actor;
          // Each change is the author's, who asked for it; applying it at its time is the scheduler's.
          const change = await runAs(author, () =>
            this.changeSets.apply(trx, environment, parseChanges(claimed), { checkVersions: false }),
          );
          const organisationId = await organisationOfProject(trx, environment.project_id);
          const after = {
            ...claimed,
            status: 'applied' as const,
            applied_at: at,
            claimed_by: owner,
            updated_at: at,
          };
          await runAs(SCHEDULER, () =>
            recordStep(
              trx,
              organisationId,
              environment,
              'apply',
              toScheduledChange(claimed),
              toScheduledChange(after),
            ),
          );
          return { change };
        });
        if (!result) continue;
        applied.push(id);
        // Applied is applied: a bus hiccup now must not turn it into a failure.
        if (result.change) await this.changes.publish(result.change).catch(() => {});
      } catch (error) {
        if (isTransient(error)) continue;
        await runAs(SCHEDULER, () => this.markFailed(id, JSON.stringify(failureOf(error)), at, owner));
      }
    }
    return applied;
  }

  /** Records why applying failed, unless it was cancelled or applied meanwhile. */
  private async markFailed(id: string, failure: string, at: string, owner: string): Promise<void> {
    await this.scheduled.transaction(async (repository, trx) => {
      const pending = await repository.markFailed(id, failure, at, owner);
      if (!pending) return;
      const environment = await repository.environmentById(pending.environment_id);
      const organisationId = await organisationOfProject(trx, environment.project_id);
      const after = { ...pending, status: 'failed' as const, failure, claimed_by: owner, updated_at: at };
      await recordStep(
        trx,
        organisationId,
        environment,
        'fail',
        toScheduledChange(pending),
        toScheduledChange(after),
      );
    });
  }
}

/** Records one step of a scheduled change's life, in the transaction that takes it. */
async function recordStep(
  trx: Transaction<Tables>,
  organisationId: string,
  environment: EnvironmentRow,
  action: AuditAction,
  before: ScheduledChange | null,
  after: ScheduledChange,
): Promise<void> {
  await recordAudit(trx, {
    organisation_id: organisationId,
    resource_type: 'scheduled_change',
    resource_id: after.id,
    action,
    project_id: environment.project_id,
    environment_id: environment.id,
    before,
    after,
  });
}

function parseChanges(row: ScheduledChangeRow): PlannedChange[] {
  return JSON.parse(row.changes) as PlannedChange[];
}

function toScheduledChange(row: ScheduledChangeRow): ScheduledChange {
  const author = JSON.parse(row.author) as Actor;
  return {
    id: row.id,
    environment_id: row.environment_id,
    status: row.status,
    author: { kind: author.kind, id: author.id },
    changes: parseChanges(row).map((planned) => planned.change),
    scheduled_at: row.scheduled_at,
    applied_at: row.applied_at,
    failure: row.failure === null ? null : (JSON.parse(row.failure) as { code: string; message: string }),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
