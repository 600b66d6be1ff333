import { recordAudit } from '../audit/audit.record.js';
import { conflict } from '../errors.js';
import type { PageResult } from '../http/schemas.js';
import type { ConfigChange } from '../realtime/change-bus.js';
import type { ChangeRecorder } from '../shared/changes.js';
import { newId } from '../shared/ids.js';
import { newClientKey } from '../shared/keys.js';
import { isUniqueViolation } from '../storage/errors.js';
import type { PageRequest } from '../storage/paging.js';
import type { EnvironmentRow } from '../storage/tables.js';
import type { EnvironmentsRepository } from './environments.repository.js';
import type { CreateEnvironment, Environment, UpdateEnvironment } from './environments.schema.js';

/**
 * Environments of a project. Everything that changes what an environment evaluates or which
 * key reaches it records a change, so snapshot and key caches drop what they hold.
 */
export class EnvironmentsService {
  constructor(
    private readonly environments: EnvironmentsRepository,
    private readonly changes: ChangeRecorder,
  ) {}

  /** Throws `project_not_found` for projects of other organisations too. */
  async list(
    organisationId: string,
    projectRef: string,
    page: PageRequest,
  ): Promise<PageResult<Environment>> {
    const project = await this.environments.findProject(organisationId, projectRef);
    const rows = await this.environments.list(project.id, page);
    return { items: rows.items.map(toEnvironment), next_cursor: rows.next_cursor };
  }

  async get(organisationId: string, id: string): Promise<Environment> {
    return toEnvironment(await requireEnvironment(this.environments, organisationId, id));
  }

  /** Creates the environment with a state for every existing feature, all in one transaction. */
  async create(organisationId: string, projectRef: string, input: CreateEnvironment): Promise<Environment> {
    const projectId = (await this.environments.findProject(organisationId, projectRef)).id;
    const now = new Date().toISOString();
    const row: EnvironmentRow = {
      id: newId(),
      project_id: projectId,
      key: input.key,
      name: input.name,
      client_key: newClientKey(),
      hide_disabled_flags: input.hide_disabled_flags ? 1 : 0,
      hide_sensitive_data: input.hide_sensitive_data === false ? 0 : 1,
      allow_client_traits: input.allow_client_traits === false ? 0 : 1,
      requires_approval: null,
      created_at: now,
      updated_at: now,
    };
    try {
      const change = await this.environments.transaction(async (repository, trx) => {
        if (await repository.findByKey(projectId, input.key)) throw keyTaken(input.key);
        await repository.insert(row);
        await repository.createFeatureStates(row.id, projectId, now);
        const change = await this.changes.touch(trx, { projectId, environmentId: row.id });
        await recordAudit(trx, {
          ...auditScope(organisationId, row),
          action: 'create',
          after: toEnvironment({ ...row, updated_at: change.at }),
        });
        return change;
      });
      await this.changes.publish(change);
      return toEnvironment({ ...row, updated_at: change.at });
    } catch (error) {
      // Two creations racing past the check: the unique constraint decides.
      if (isUniqueViolation(error)) throw keyTaken(input.key);
      throw error;
    }
  }

  /** Records a change only when a field really changes: the name is part of the evaluation context. */
  async update(organisationId: string, id: string, input: UpdateEnvironment): Promise<Environment> {
    const { row, change } = await this.environments.transaction(async (repository, trx) => {
      const current = await requireEnvironment(repository, organisationId, id);
      const changes: Partial<Pick<EnvironmentRow, 'name' | SettingColumn>> = {};
      if (input.name !== undefined && input.name !== current.name) changes.name = input.name;
      for (const setting of SETTINGS) {
        const wanted = input[setting] === undefined ? undefined : input[setting] ? 1 : 0;
        if (wanted !== undefined && wanted !== current[setting]) changes[setting] = wanted;
      }
      // Protection decides who may change the environment, not what SDKs evaluate: no change recorded.
      const protection =
        input.requires_approval !== undefined && input.requires_approval !== current.requires_approval
          ? { requires_approval: input.requires_approval }
          : {};
      if (Object.keys(protection).length > 0) await repository.update(current.id, protection);
      const protectionChanged = Object.keys(protection).length > 0;
      if (Object.keys(changes).length === 0 && !protectionChanged) return { row: current, change: undefined };
      let change: ConfigChange | undefined;
      let row: EnvironmentRow = { ...current, ...protection };
      if (Object.keys(changes).length > 0) {
        await repository.update(current.id, changes);
        change = await this.changes.touch(trx, {
          projectId: current.project_id,
          environmentId: current.id,
        });
        row = { ...row, ...changes, updated_at: change.at };
      }
      // Lifting protection is the change an audit must show above all: recorded like any other.
      await recordAudit(trx, {
        ...auditScope(organisationId, current),
        action: 'update',
        before: toEnvironment(current),
        after: toEnvironment(row),
      });
      return { row, change };
    });
    if (change) await this.changes.publish(change);
    return toEnvironment(row);
  }

  /** The old client key stops working as soon as key caches hear of the change. */
  async rotateClientKey(organisationId: string, id: string): Promise<Environment> {
    const { row, change } = await this.environments.transaction(async (repository, trx) => {
      const current = await requireEnvironment(repository, organisationId, id);
      const clientKey = newClientKey();
      await repository.update(current.id, { client_key: clientKey });
      const change = await this.changes.touch(trx, {
        projectId: current.project_id,
        environmentId: current.id,
      });
      const row = { ...current, client_key: clientKey, updated_at: change.at };
      // Both keys are masked in the record (audit.record.ts); their last characters tell them apart.
      await recordAudit(trx, {
        ...auditScope(organisationId, current),
        action: 'rotate_key',
        before: toEnvironment(current),
        after: toEnvironment(row),
      });
      return { row, change };
    });
    await this.changes.publish(change);
    return toEnvironment(row);
  }

  /** Deletes it with its states, overrides, identities and server keys; its keys stop working. */
  async delete(organisationId: string, id: string): Promise<void> {
    const change = await this.environments.transaction(async (repository, trx) => {
      const current = await requireEnvironment(repository, organisationId, id);
      const change = await this.changes.touch(trx, {
        projectId: current.project_id,
        environmentId: current.id,
      });
      await repository.delete(current.id);
      await recordAudit(trx, {
        ...auditScope(organisationId, current),
        action: 'delete',
        before: toEnvironment(current),
      });
      return change;
    });
    await this.changes.publish(change);
  }
}

/** By id or key; throws `environment_not_found` or `environment_ambiguous` (environment-lookup.ts). */
function requireEnvironment(
  repository: EnvironmentsRepository,
  organisationId: string,
  ref: string,
): Promise<EnvironmentRow> {
  return repository.find(organisationId, ref);
}

const keyTaken = (key: string) =>
  conflict('environment_key_taken', `An environment with key '${key}' already exists in this project.`);

/** The per-environment switches, stored as 0/1 and answered as booleans. */
const SETTINGS = ['hide_disabled_flags', 'hide_sensitive_data', 'allow_client_traits'] as const;
type SettingColumn = (typeof SETTINGS)[number];

function auditScope(organisationId: string, row: EnvironmentRow) {
  return {
    organisation_id: organisationId,
    resource_type: 'environment' as const,
    resource_id: row.id,
    project_id: row.project_id,
    environment_id: row.id,
  };
}

export function toEnvironment(row: EnvironmentRow): Environment {
  return {
    ...row,
    hide_disabled_flags: row.hide_disabled_flags === 1,
    hide_sensitive_data: row.hide_sensitive_data === 1,
    allow_client_traits: row.allow_client_traits === 1,
  };
}
