import type { Transaction } from 'kysely';
import { organisationOfProject, recordAudit } from '../audit/audit.record.js';
import { refuseDirectChange } from '../environments/protection.js';
import { conflict, notFound } from '../errors.js';
import { guardVariantEdit } from '../experiments/variant-guard.js';
import { requireEnvironment } from '../features/scope.js';
import { stateChanges, stateFields } from '../features/state-values.js';
import type { PageResult } from '../http/schemas.js';
import type { ConfigChange } from '../realtime/change-bus.js';
import type { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import { changedFields, nothingChanged } from '../shared/patch.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { PageRequest } from '../storage/paging.js';
import type { EnvironmentRow, SegmentOverrideRow, Tables } from '../storage/tables.js';
import { SegmentOverridesRepository, type SegmentOverrideWithType } from './segment-overrides.repository.js';
import type {
  CreateSegmentOverride,
  SegmentOverride,
  UpdateSegmentOverride,
} from './segment-overrides.schema.js';

/**
 * In one environment, a segment replaces a feature's state for the identities it matches.
 * One override per (segment, feature) and environment; among several matching segments the
 * lowest priority wins. Every change is an environment-level change.
 */
export class SegmentOverridesService {
  constructor(
    private readonly overrides: SegmentOverridesRepository,
    private readonly changes: ChangeRecorder,
  ) {}

  async list(
    organisationId: string,
    environmentId: string,
    page: PageRequest & { feature_id?: string },
  ): Promise<PageResult<SegmentOverride>> {
    const environment = await requireEnvironment(this.overrides, organisationId, environmentId);
    const featureId =
      page.feature_id === undefined
        ? undefined
        : (await this.overrides.featureInProject(environment.project_id, page.feature_id)).id;
    const rows = await this.overrides.list(environment.id, { ...page, feature_id: featureId });
    return { items: rows.items.map(toSegmentOverride), next_cursor: rows.next_cursor };
  }

  async get(organisationId: string, environmentId: string, id: string): Promise<SegmentOverride> {
    const environment = await requireEnvironment(this.overrides, organisationId, environmentId);
    return toSegmentOverride(await requireOverride(this.overrides, environment.id, id));
  }

  /**
   * The segment (by id or name) and the feature (by id or key) must belong to the
   * environment's project; others are `not_found`. Refused with `change_request_required` on
   * a protected environment, as are `update` and `delete`.
   */
  async create(
    organisationId: string,
    environmentRef: string,
    input: CreateSegmentOverride,
  ): Promise<SegmentOverride> {
    const { row, change } = await this.overrides.transaction(async (repository, trx) => {
      const environment = await requireEnvironment(repository, organisationId, environmentRef);
      refuseDirectChange(environment);
      return this.createIn(trx, environment, input);
    });
    await this.changes.publish(change);
    return toSegmentOverride(row);
  }

  /**
   * `create` inside the caller's transaction (change requests, scheduled changes): no
   * protection check, nothing published; the caller publishes `change` after commit.
   */
  async createIn(
    trx: Transaction<Tables>,
    environment: EnvironmentRow,
    input: CreateSegmentOverride,
  ): Promise<{ row: SegmentOverrideWithType; change: ConfigChange }> {
    const repository = new SegmentOverridesRepository(trx);
    const environmentId = environment.id;
    const projectId = environment.project_id;
    const segment = await repository.segmentInProject(projectId, input.segment_id);
    const feature = await repository.featureInProject(projectId, input.feature_id);
    if (await repository.findFor(environmentId, segment.id, feature.id)) throw overrideExists();
    const columns = stateChanges(
      feature.type,
      { variants: '[]', next_variant_priority: 0 },
      {
        enabled: input.enabled,
        value: input.value ?? null,
        variants: input.variants ?? [],
        rollout_percentage: input.rollout_percentage ?? null,
      },
    );
    const priority = input.priority ?? (await repository.highestPriority(environmentId, feature.id)) + 1;
    const change = await this.changes.touch(trx, { projectId, environmentId });
    const row: SegmentOverrideRow = {
      id: newId(),
      environment_id: environmentId,
      segment_id: segment.id,
      feature_id: feature.id,
      priority,
      enabled: 0,
      value: null,
      variants: '[]',
      next_variant_priority: 0,
      rollout_percentage: null,
      ...columns,
      // Seeds variant assignment: fixed for the override's life, so edits never reshuffle users.
      hash_key: newId(),
      updated_at: change.at,
    };
    try {
      await repository.insert(row);
    } catch (error) {
      // Two creations racing past the check: the unique constraint decides.
      if (isUniqueViolation(error)) throw overrideExists();
      throw error;
    }
    const created = { ...row, feature_type: feature.type };
    await recordAudit(trx, {
      ...auditScope(await organisationOfProject(trx, projectId), projectId, row),
      action: 'create',
      after: toSegmentOverride(created),
    });
    return { row: created, change };
  }

  async update(
    organisationId: string,
    environmentId: string,
    id: string,
    input: UpdateSegmentOverride,
    options: { force?: boolean } = {},
  ): Promise<SegmentOverride> {
    const { row, change } = await this.overrides.transaction(async (repository, trx) => {
      const environment = await requireEnvironment(repository, organisationId, environmentId);
      refuseDirectChange(environment);
      return this.updateIn(trx, environment, id, input, options);
    });
    if (change) await this.changes.publish(change);
    return toSegmentOverride(row);
  }

  /** `update` inside the caller's transaction, as `createIn`. */
  async updateIn(
    trx: Transaction<Tables>,
    environment: EnvironmentRow,
    id: string,
    input: UpdateSegmentOverride,
    options: { force?: boolean } = {},
  ): Promise<{ row: SegmentOverrideWithType; change?: ConfigChange }> {
    const repository = new SegmentOverridesRepository(trx);
    const current = await requireOverride(repository, environment.id, id);
    const columns = changedFields(current, {
      ...stateChanges(current.feature_type, current, input),
      ...(input.priority === undefined ? {} : { priority: input.priority }),
    });
    if (nothingChanged(columns)) return { row: current, change: undefined };
    const change = await this.changes.touch(trx, {
      projectId: environment.project_id,
      environmentId: environment.id,
    });
    await guardVariantEdit(trx, {
      environmentId: environment.id,
      featureId: current.feature_id,
      where: 'segment_override',
      stored: current.variants,
      edited: columns.variants,
      force: options.force === true,
      at: change.at,
    });
    const changes = { ...columns, updated_at: change.at };
    await repository.update(id, changes);
    const row = { ...current, ...changes };
    await recordAudit(trx, {
      ...auditScope(
        await organisationOfProject(trx, environment.project_id),
        environment.project_id,
        current,
      ),
      action: 'update',
      before: toSegmentOverride(current),
      after: toSegmentOverride(row),
    });
    return { row, change };
  }

  async delete(organisationId: string, environmentId: string, id: string): Promise<void> {
    const change = await this.overrides.transaction(async (repository, trx) => {
      const environment = await requireEnvironment(repository, organisationId, environmentId);
      refuseDirectChange(environment);
      return this.deleteIn(trx, environment, id);
    });
    await this.changes.publish(change);
  }

  /** `delete` inside the caller's transaction, as `createIn`. */
  async deleteIn(trx: Transaction<Tables>, environment: EnvironmentRow, id: string): Promise<ConfigChange> {
    const repository = new SegmentOverridesRepository(trx);
    const current = await requireOverride(repository, environment.id, id);
    await repository.delete(id);
    await recordAudit(trx, {
      ...auditScope(
        await organisationOfProject(trx, environment.project_id),
        environment.project_id,
        current,
      ),
      action: 'delete',
      before: toSegmentOverride(current),
    });
    return this.changes.touch(trx, { projectId: environment.project_id, environmentId: environment.id });
  }
}

async function requireOverride(repository: SegmentOverridesRepository, environmentId: string, id: string) {
  const row = await repository.find(environmentId, id);
  if (!row) throw notFound('segment_override', id);
  return row;
}

const overrideExists = () =>
  conflict(
    'segment_override_exists',
    'This segment already overrides this feature in this environment; update that override.',
  );

export function auditScope(organisationId: string, projectId: string, row: SegmentOverrideRow) {
  return {
    organisation_id: organisationId,
    resource_type: 'segment_override' as const,
    resource_id: row.id,
    project_id: projectId,
    environment_id: row.environment_id,
  };
}

function toSegmentOverride(row: SegmentOverrideWithType): SegmentOverride {
  return {
    id: row.id,
    environment_id: row.environment_id,
    segment_id: row.segment_id,
    feature_id: row.feature_id,
    priority: row.priority,
    ...stateFields(row),
    updated_at: row.updated_at,
  };
}
