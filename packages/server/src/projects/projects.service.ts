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
    await this.assertNameFree(organisationId, input.name);
    const now = new Date().toISOString();
    const row: ProjectRow = {
      id: newId(),
      organisation_id: organisationId,
      name: input.name,
      created_at: now,
      updated_at: now,
      next_feature_number: 1,
    };
    await this.projects.insert(row);
    return row;
  }

  async update(organisationId: string, id: string, input: UpdateProject): Promise<Project> {
    const current = await this.get(organisationId, id);
    const changed = changedFields(current, { name: input.name });
    if (nothingChanged(changed)) return current;
    if (changed.name !== undefined) await this.assertNameFree(organisationId, changed.name);
    const changes = { ...changed, updated_at: new Date().toISOString() };
    await this.projects.update(current.id, changes);
    return { ...current, ...changes };
  }

  /** Deletes the project with its environments, features, segments and identities. */
  async delete(organisationId: string, id: string): Promise<void> {
    const current = await this.get(organisationId, id);
    await this.projects.delete(current.id);
  }

  private async assertNameFree(organisationId: string, name: string): Promise<void> {
    if (await this.projects.findByName(organisationId, name)) {
      throw conflict('project_name_taken', `A project named '${name}' already exists.`);
    }
  }
}
