import type { Transaction } from 'kysely';
import { organisationOfProject, recordAudit } from '../audit/audit.record.js';
import { refuseDirectChange } from '../environments/protection.js';
import { notFound } from '../errors.js';
import { guardVariantEdit } from '../experiments/variant-guard.js';
import type { PageResult } from '../http/schemas.js';
import type { ConfigChange } from '../realtime/change-bus.js';
import type { ChangeRecorder } from '../shared/changes.js';
import { changedFields, nothingChanged } from '../shared/patch.js';
import type { PageRequest } from '../storage/paging.js';
import type { EnvironmentRow, Tables } from '../storage/tables.js';
import { FeatureStatesRepository, type FeatureStateWithFeature } from './feature-states.repository.js';
import type { FeatureState } from './feature-states.schema.js';
import { requireEnvironment } from './scope.js';
import { type StateInput, stateChanges, stateFields } from './state-values.js';

/** Per-environment state of each feature: enabled, value and variants. */
export class FeatureStatesService {
  constructor(
    private readonly states: FeatureStatesRepository,
    private readonly changes: ChangeRecorder,
  ) {}

  async list(
    organisationId: string,
    environmentId: string,
    page: PageRequest,
  ): Promise<PageResult<FeatureState>> {
    const environment = await requireEnvironment(this.states, organisationId, environmentId);
    const rows = await this.states.list(environment.id, page);
    return { items: rows.items.map(toFeatureState), next_cursor: rows.next_cursor };
  }

  async get(organisationId: string, environmentId: string, featureId: string): Promise<FeatureState> {
    const environment = await requireEnvironment(this.states, organisationId, environmentId);
    return toFeatureState(await requireState(this.states, environment, featureId));
  }

  /** Refused with `change_request_required` on a protected environment (environments/protection.ts). */
  async update(
    organisationId: string,
    environmentId: string,
    featureId: string,
    input: StateInput,
    options: { force?: boolean } = {},
  ): Promise<FeatureState> {
    const { row, change } = await this.states.transaction(async (repository, trx) => {
      const environment = await requireEnvironment(repository, organisationId, environmentId);
      refuseDirectChange(environment);
      return this.updateIn(trx, environment, featureId, input, options);
    });
    if (change) await this.changes.publish(change);
    return toFeatureState(row);
  }

  /**
   * The update inside the caller's transaction, for change requests and scheduled changes:
   * no protection check, and nothing published; the caller publishes `change` after commit.
   */
  async updateIn(
    trx: Transaction<Tables>,
    environment: EnvironmentRow,
    featureRef: string,
    input: StateInput,
    options: { force?: boolean } = {},
  ): Promise<{ row: FeatureStateWithFeature; change?: ConfigChange }> {
    const repository = new FeatureStatesRepository(trx);
    const current = await requireState(repository, environment, featureRef);
    const columns = changedFields(current, stateChanges(current.feature_type, current, input));
    if (nothingChanged(columns)) return { row: current, change: undefined };
    const change = await this.changes.touch(trx, {
      projectId: environment.project_id,
      environmentId: environment.id,
    });
    await guardVariantEdit(trx, {
      environmentId: environment.id,
      featureId: current.feature_id,
      where: 'feature_state',
      stored: current.variants,
      edited: columns.variants,
      force: options.force === true,
      at: change.at,
    });
    const changes = { ...columns, updated_at: change.at };
    await repository.update(current.id, changes);
    const row = { ...current, ...changes };
    await recordAudit(trx, {
      organisation_id: await organisationOfProject(trx, environment.project_id),
      resource_type: 'feature_state',
      resource_id: current.id,
      action: 'update',
      project_id: environment.project_id,
      environment_id: environment.id,
      before: toFeatureState(current),
      after: toFeatureState(row),
    });
    return { row, change };
  }
}

/** The state of a feature given by id or key; every feature has one in every environment of its project. */
async function requireState(
  repository: FeatureStatesRepository,
  environment: EnvironmentRow,
  featureRef: string,
) {
  const feature = await repository.findFeature(environment.project_id, featureRef);
  const row = await repository.find(environment.id, feature.id);
  if (!row) throw notFound('feature_state', feature.key);
  return row;
}

export function toFeatureState(row: FeatureStateWithFeature): FeatureState {
  return {
    id: row.id,
    environment_id: row.environment_id,
    feature_id: row.feature_id,
    feature_key: row.feature_key,
    ...stateFields(row),
    updated_at: row.updated_at,
  };
}
