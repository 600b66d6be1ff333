import { recordAudit } from '../audit/audit.record.js';
import { conflict } from '../errors.js';
import { newId } from '../shared/ids.js';
import { changedFields, nothingChanged } from '../shared/patch.js';
import type { PageRequest } from '../storage/paging.js';
import type { ProjectRow } from '../storage/tables.js';
import type { ProjectsRepository } from './projects.repository.js';
import type { CreateProject, Project, UpdateProject } from './projects.schema.js';

/** Projects of an organisation. A project owns features, segments and environments. */
export class ProjectsService {
  constructor(private readonly projects: ProjectsRepository) {}

  /** `only`: the ids of the projects a member belongs to; omitted, every project. */
  async list(organisationId: string, page: PageRequest, only?: readonly string[]) {
    return this.projects.list(organisationId, page, only);
  }

  /** Throws `project_not_found` for projects of other organisations too: existence is not revealed. */
  async get(organisationId: string, ref: string): Promise<Project> {
    return this.projects.resolve(organisationId, ref);
  }

  async create(organisationId: string, input: CreateProject): Promise<Project> {
    return this.projects.transaction(async (repository, trx) => {
      await assertNameFree(repository, organisationId, input.name);
      const now = new Date().toISOString();
      const row: ProjectRow = {
        id: newId(),
        organisation_id: organisationId,
        name: input.name,
        created_at: now,
        updated_at: now,
        next_feature_number: 1,
      };
      await repository.insert(row);
      await recordAudit(trx, { ...auditScope(row), action: 'create', after: toProject(row) });
      return row;
    });
  }

  async update(organisationId: string, id: string, input: UpdateProject): Promise<Project> {
    return this.projects.transaction(async (repository, trx) => {
      const current = await repository.resolve(organisationId, id);
      const changed = changedFields(current, { name: input.name });
      if (nothingChanged(changed)) return current;
      if (changed.name !== undefined) await assertNameFree(repository, organisationId, changed.name);
      const changes = { ...changed, updated_at: new Date().toISOString() };
      await repository.update(current.id, changes);
      const row = { ...current, ...changes };
      await recordAudit(trx, {
        ...auditScope(current),
        action: 'update',
        before: toProject(current),
        after: toProject(row),
      });
      return row;
    });
  }

  /** Deletes the project with its environments, features, segments and identities. */
  async delete(organisationId: string, id: string): Promise<void> {
    await this.projects.transaction(async (repository, trx) => {
      const current = await repository.resolve(organisationId, id);
      await repository.delete(current.id);
      // The record outlives the project: the audit log has no foreign keys.
      await recordAudit(trx, { ...auditScope(current), action: 'delete', before: toProject(current) });
    });
  }
}

async function assertNameFree(
  repository: ProjectsRepository,
  organisationId: string,
  name: string,
): Promise<void> {
  if (await repository.findByName(organisationId, name)) {
    throw conflict('project_name_taken', `A project named '${name}' already exists.`);
  }
}

function auditScope(row: ProjectRow) {
  return {
    organisation_id: row.organisation_id,
    resource_type: 'project' as const,
    resource_id: row.id,
    project_id: row.id,
  };
}

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    organisation_id: row.organisation_id,
    name: row.name,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
